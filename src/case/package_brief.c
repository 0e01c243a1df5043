/* What a role may know of a package case: the frame, the course of the rounds and the
 * proposed package for everyone; for a party, while the case is live, a summary of its
 * own latest valuation and its own value of the proposed package, read from its sealed
 * valuation and wiped afterwards. The mediator's briefing holds public facts only. */
#include "case/package_kind.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static enum nk_status fill_own(const struct nk_case_env *env, const struct case_state *st,
			       struct nk_package_brief *b, struct nk_error *err)
{
	struct nk_package_valuation *v = sodium_malloc(sizeof(*v));
	enum nk_role role = b->role;
	int latest = 0;
	enum nk_status rc = NK_OK;

	if (!v)
		return nk_fail(err, NK_ENOMEM, "brief", "out of memory");
	for (int i = 1; i <= st->round; i++) {
		const struct package_round *r = &st->pkg.rounds[i - 1];

		if (r->submitted[role])
			latest = i;
		if (r->answered[role]) {
			char name[NK_SECRET_NAME_MAX];
			uint8_t answer = 0;
			size_t len = 0;

			case_secret_name(name, "answer", i, role);
			rc = nk_store_secret_get(env->store, st->id, name, &answer, 1, &len, err);
			if (rc != NK_OK)
				goto out;
			b->rounds[i - 1].own_answer = answer;
		}
	}
	if (latest > 0) {
		if ((rc = package_get_valuation(env, st->id, latest, role, v, err)) != NK_OK)
			goto out;
		b->has_own = true;
		b->own_round = latest;
		memcpy(b->own_party, v->party, sizeof(b->own_party));
		b->own_discount = v->discount;
		b->own_reservation = v->reservation;
		for (int c = 0; c < NK_COMPONENTS; c++)
			b->own_components[c] = v->table[c].offered;
	}
	if (b->has_package && st->pkg.rounds[b->package_round - 1].submitted[role]) {
		rc = package_get_valuation(env, st->id, b->package_round, role, v, err);
		if (rc == NK_OK)
			rc = nk_package_value(v, &b->package, &b->own_value, err);
		b->has_own_value = rc == NK_OK;
	}
out:
	sodium_memzero(v, sizeof(*v));
	sodium_free(v);
	return rc;
}

/* The package kind's briefing of st, loaded: into out->package. */
enum nk_status package_brief(const struct nk_case_env *env, const struct case_state *st,
			     enum nk_role role, const struct case_briefs *out, struct nk_error *err)
{
	struct nk_package_brief *b = sodium_malloc(sizeof(*b));
	enum nk_status rc = NK_OK;

	if (case_refuse_principal_role(st, role, err) != NK_OK)
		return NK_EREFUSED;	/* a package case has no principals */
	if (!b)
		return nk_fail(err, NK_ENOMEM, "brief", "out of memory");
	memset(b, 0, sizeof(*b));
	memcpy(b->case_id, st->id, sizeof(b->case_id));
	memcpy(b->title, st->title, sizeof(b->title));
	b->role = role;
	b->frame = st->pkg.frame;
	b->state = st->state;
	b->round = st->round;
	b->events = role == NK_MEDIATOR ? st->events : 0;	/* as nk_case_brief */
	b->settled = st->settled;
	b->secrets_deleted = st->purged;
	memcpy(b->joined, st->joined, sizeof(b->joined));
	memcpy(b->identity, st->identity, sizeof(b->identity));
	case_keys_seen(role, b->joined, b->identity);
	b->last_request = st->last_request[role];
	b->token_reissues = st->token_reissues[role];
	b->token_revokes = st->token_revokes[role];
	b->token_changed_ms = st->token_changed_ms[role];
	for (int i = 0; i < st->round; i++) {
		const struct package_round *r = &st->pkg.rounds[i];
		struct nk_package_brief_round *br = &b->rounds[i];

		br->own_submitted = nk_role_is_party(role) && r->submitted[role];
		br->evaluated = r->evaluated;
		br->found = r->found;
		br->own_answer = -1;
		br->accepted = r->accepted;
	}
	if (st->pkg.package_round > 0) {
		b->has_package = true;
		b->package_round = st->pkg.package_round;
		b->package = st->pkg.proposed;
	}
	b->improvement_phase = st->pkg.tentative;
	b->tentative = st->pkg.tentative && st->state == NK_STATE_OPEN;
	/* as for a round's valuations: a party learns only whether its own is in */
	for (int r = 0; r < 2; r++)
		b->improvement_submitted[r] = st->pkg.imp_submitted[r] &&
					      (role == NK_MEDIATOR || role == (enum nk_role)r);
	b->improvement_evaluated = st->pkg.imp_evaluated;
	b->improvement_found = st->pkg.imp_found;
	if (st->pkg.imp_found)
		b->improvement = st->pkg.improvement;
	b->improvement_accepted = st->pkg.imp_accepted;
	b->improved = st->pkg.improved;
	b->improvement_own_answer = -1;
	b->deadline_passed = st->pkg.deadline_passed;
	b->closed_reason = st->state == NK_STATE_CLOSED ? st->closed_reason : NK_CLOSE_NONE;
	if (nk_role_is_party(role) && !st->purged)
		rc = fill_own(env, st, b, err);
	if (rc == NK_OK && nk_role_is_party(role) && !st->purged && st->pkg.tentative)
		rc = package_improve_brief(env, st, b, err);
	if (rc == NK_OK)
		*out->package = *b;
	sodium_memzero(b, sizeof(*b));
	sodium_free(b);
	return rc;
}

/* role's briefing of case id, in its kind's form, from one read of its log; want (NULL:
 * any) refuses a case of another kind, naming it. */
static enum nk_status brief_once(const struct nk_case_env *env, const char *id,
				 enum nk_role role, const struct case_briefs *into,
				 const struct case_kind *want, bool *is_package,
				 struct nk_error *err)
{
	struct case_state *st = malloc(sizeof(*st));
	enum nk_status rc;

	if (!st)
		return nk_fail(err, NK_ENOMEM, "brief", "out of memory");
	if (!nk_role_valid(role)) {
		rc = nk_fail(err, NK_EINVAL, "role", "not a role");
		goto done;
	}
	if ((rc = case_load_snapshot(env, id, st, err)) != NK_OK)
		goto done;
	if (!want || (rc = case_refuse_kind(st, want, err)) == NK_OK)
		rc = st->kind->brief(env, st, role, into, err);
	if (rc == NK_OK && is_package)
		*is_package = st->kind == &case_kind_package;
	nk_store_rollback(env->store);
done:
	sodium_memzero(st, sizeof(*st));
	free(st);
	return rc;
}

enum nk_status nk_package_case_brief(const struct nk_case_env *env, const char *id,
				     enum nk_role role, struct nk_package_brief *out,
				     struct nk_error *err)
{
	const struct case_briefs into = { .package = out };

	return brief_once(env, id, role, &into, &case_kind_package, NULL, err);
}

enum nk_status nk_case_brief_any(const struct nk_case_env *env, const char *id,
				 enum nk_role role, struct nk_brief *figures,
				 struct nk_package_brief *package, bool *is_package,
				 struct nk_error *err)
{
	const struct case_briefs into = { .figures = figures, .package = package };

	return brief_once(env, id, role, &into, NULL, is_package, err);
}
