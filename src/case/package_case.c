/* The commands of a package case: opening under a public frame, each side's sealed
 * valuation for the round, the round's evaluation (nk_package_propose, in the same
 * transaction as the second valuation) and the answers to a proposed package. As in
 * case.c, each command either appends its events in one durable transaction or is
 * refused and appends nothing. */
#include "case/package_kind.h"
#include <nakodo/package_json.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

enum nk_status nk_package_case_open(const struct nk_case_env *env,
				    const struct nk_package_frame *frame,
				    nk_case_open_hook before_commit, void *arg,
				    char id[static NK_CASE_ID_MAX], struct nk_error *err)
{
	return nk_package_case_open_titled(env, frame, NULL, before_commit, arg, id, err);
}

enum nk_status nk_package_case_open_titled(const struct nk_case_env *env,
					   const struct nk_package_frame *frame, const char *title,
					   nk_case_open_hook before_commit, void *arg,
					   char id[static NK_CASE_ID_MAX], struct nk_error *err)
{
	char new_id[NK_CASE_ID_MAX];
	enum nk_status rc;

	if ((rc = nk_package_frame_check(frame, err)) != NK_OK ||
	    (title && (rc = nk_title_check(title, "title", err)) != NK_OK))
		return rc;
	if (frame->deadline_ms && (frame->deadline_ms <= case_now_ms(env) ||
				   frame->deadline_ms > case_now_ms(env) + NK_DEADLINE_AHEAD_MAX_MS))
		return nk_fail(err, NK_EINVAL, "deadline", "the deadline must lie ahead, within "
			       "366 days");
	case_new_id(env, new_id);
	rc = case_create(env, new_id, NULL, NULL, 0,
			 case_event_package_improvements(
				 case_event_opened_titled(case_event_package_opened_encode(frame),
							  title), frame),
			 before_commit, arg, err);
	if (rc == NK_OK)
		memcpy(id, new_id, sizeof(new_id));
	return rc;
}

/* A valuation is sealed in its normal JSON form (nk_valuation_json_write), as what.R.ROLE. */
enum nk_status package_put_sealed(const struct nk_case_env *env, const char *id, const char *what,
				  int round, const struct nk_package_valuation *v,
				  struct nk_error *err)
{
	char name[NK_SECRET_NAME_MAX], *text = NULL;
	size_t len;
	enum nk_status rc;

	if ((rc = nk_valuation_json_write(v, &text, err)) != NK_OK)
		return rc;
	len = strlen(text);
	case_secret_name(name, what, round, v->role);
	if (len > NK_SECRET_MAX)
		rc = nk_fail(err, NK_EINVAL, "valuation", "in normal form the valuation is longer "
			     "than %d bytes: use shorter names", NK_SECRET_MAX);
	else
		rc = nk_store_secret_put(env->store, id, name, (const uint8_t *)text, len, err);
	sodium_memzero(text, len);
	free(text);
	return rc;
}

enum nk_status package_get_valuation(const struct nk_case_env *env, const char *id, int round,
				    enum nk_role role, struct nk_package_valuation *out,
				    struct nk_error *err)
{
	return package_get_sealed(env, id, "valuation", round, role, out, err);
}

enum nk_status package_get_sealed(const struct nk_case_env *env, const char *id, const char *what,
				  int round, enum nk_role role, struct nk_package_valuation *out,
				  struct nk_error *err)
{
	char name[NK_SECRET_NAME_MAX], *again = NULL;
	uint8_t *buf = sodium_malloc(NK_SECRET_MAX);
	struct nk_error ignored = { 0 };
	size_t len = 0;
	enum nk_status rc;

	if (!buf)
		return nk_fail(err, NK_ENOMEM, "valuation", "out of memory");
	case_secret_name(name, what, round, role);
	rc = nk_store_secret_get(env->store, id, name, buf, NK_SECRET_MAX, &len, err);
	/* The seal authenticates the text, written in normal form from a valuation that read
	 * well: one that does not read back to the same text ran out of memory (jansson's
	 * reader, short of memory, can drop characters of a number and still succeed). */
	if (rc == NK_OK &&
	    (nk_valuation_json_read((const char *)buf, len, "sealed valuation", out,
				    &ignored) != NK_OK ||
	     nk_valuation_json_write(out, &again, &ignored) != NK_OK || strlen(again) != len ||
	     memcmp(again, buf, len) != 0)) {
		sodium_memzero(out, sizeof(*out));
		rc = nk_fail(err, NK_ENOMEM, "valuation", "no memory to open a sealed valuation of "
			     "case %s", id);
	}
	if (again) {
		sodium_memzero(again, strlen(again));
		free(again);
	}
	sodium_memzero(buf, NK_SECRET_MAX);
	sodium_free(buf);
	return rc;
}

/* Under monotone rules: a claimant's reservation may not rise, a payer's may not fall. */
static enum nk_status check_monotone(const struct nk_case_env *env, const struct case_state *st,
				     const struct nk_package_valuation *v, struct nk_error *err)
{
	struct nk_package_valuation *prev;
	bool moved;
	enum nk_status rc;

	if (!st->pkg.frame.monotone || st->round == 1)
		return NK_OK;
	if (!(prev = sodium_malloc(sizeof(*prev))))
		return nk_fail(err, NK_ENOMEM, "valuation", "out of memory");
	rc = package_get_valuation(env, st->id, st->round - 1, v->role, prev, err);
	moved = rc == NK_OK && (v->role == NK_CLAIMANT ? v->reservation > prev->reservation
						       : v->reservation < prev->reservation);
	if (moved)
		rc = nk_fail(err, NK_EREFUSED, "reservation", "under monotone rules a %s's reservation "
			     "may not %s from one round to the next", nk_role_name(v->role),
			     v->role == NK_CLAIMANT ? "rise" : "fall");
	sodium_memzero(prev, sizeof(*prev));
	sodium_free(prev);
	return rc;
}

/* Both valuations of the open round are in: propose, and record what follows. */
static enum nk_status evaluate(const struct nk_case_env *env, struct case_state *st, bool *ended,
			       struct nk_error *err)
{
	const struct nk_currency *cur = nk_currency_find(st->pkg.frame.currency);
	struct nk_package_valuation *v = sodium_malloc(2 * sizeof(*v));
	struct nk_package_result *res = sodium_malloc(sizeof(*res));
	struct nk_error search_err = { 0 };
	struct case_event_package_round round;
	bool incompatible;
	json_t *body;
	enum nk_status rc;

	if (!v || !res) {
		rc = nk_fail(err, NK_ENOMEM, "valuation", "out of memory");
		goto out;
	}
	if ((rc = package_get_valuation(env, st->id, st->round, NK_CLAIMANT, &v[0], err)) != NK_OK ||
	    (rc = package_get_valuation(env, st->id, st->round, NK_PAYER, &v[1], err)) != NK_OK)
		goto out;
	/* Two valuations the search cannot take together (loan or grant terms that differ,
	 * tables too fine together) end the round as "no deal", marked incompatible. The
	 * core's reason names the other side's terms, so it is never told; and refusing the
	 * second submission instead would let its author probe the first, unrecorded, as
	 * often as it liked. */
	rc = nk_package_propose(&v[0], &v[1], st->pkg.frame.solution, res, &search_err);
	incompatible = rc == NK_EINVAL || rc == NK_ERANGE;
	sodium_memzero(&search_err, sizeof(search_err));
	if (incompatible)
		res->found = false;
	else if (rc != NK_OK) {
		rc = nk_fail(err, rc, "package", "the package search failed (%s)", nk_status_name(rc));
		goto out;
	}
	/* Public: the round, whether a package was found, and the package. Never a value,
	 * a gain, a reservation, or what blocked the search. */
	round = (struct case_event_package_round){ .round = st->round, .found = res->found,
						   .incompatible = incompatible,
						   .package = res->package };
	body = case_event_package_round_encode(cur, &round);
	if ((rc = case_append(env, st->id, "go-between", CASE_EV_PACKAGE_ROUND, body, err)) != NK_OK)
		goto out;
	if (!res->found && st->round == st->pkg.frame.rounds) {
		rc = case_append(env, st->id, "go-between", CASE_EV_CLOSED,
				 case_event_closed_encode(NK_CLOSE_NO_PACKAGE), err);
		*ended = true;
		if (rc == NK_OK)
			rc = case_end(env, st->id, err);
	}
out:
	if (v) {
		sodium_memzero(v, 2 * sizeof(*v));
		sodium_free(v);
	}
	if (res) {
		sodium_memzero(res, sizeof(*res));
		sodium_free(res);
	}
	return rc;
}

/* A valuation's own check (NK_ACTION_PACKAGE), once the case is known to be a package
 * case: a figure case never reads it (case_kind_act has checked that it is there and
 * is the acting party's). */
static enum nk_status check_valuation(enum nk_role role, const struct nk_case_request *req,
				      struct nk_error *err)
{
	(void)role;
	return nk_package_valuation_check(req->valuation, err);
}

/* A valuation (NK_ACTION_PACKAGE), signed by role's key once role has joined. */
static enum nk_status submit(const struct nk_case_env *env, struct case_state *st,
			     enum nk_role role, const struct nk_case_request *req,
			     const struct nk_request_auth *auth, bool *ended, struct nk_error *err)
{
	const struct nk_package_valuation *v = req->valuation;
	struct package_round *r = &st->pkg.rounds[st->round - 1];
	enum nk_status rc;

	if ((rc = case_refuse_state(st, NK_STATE_OPEN, err)) != NK_OK ||
	    (rc = case_check_round(st, req->round, err)) != NK_OK)
		return rc;
	if (st->pkg.tentative)
		return package_improve_submit(env, st, role, req, auth, ended, err);
	if (r->evaluated)
		return nk_fail(err, NK_EREFUSED, "round", "round %d's proposed package awaits its answers",
			       st->round);
	if (r->submitted[role])
		return nk_fail(err, NK_EREFUSED, "round", "a valuation for round %d was already submitted",
			       st->round);
	if ((rc = nk_package_frame_admits(&st->pkg.frame, v, err)) != NK_OK ||
	    (rc = check_monotone(env, st, v, err)) != NK_OK ||
	    (rc = package_put_sealed(env, st->id, "valuation", st->round, v, err)) != NK_OK)
		return rc;
	/* The request's number, never its signature: the countersigned chain is the proof
	 * that the server accepted it (doc/crypto.md, "Signed requests"). */
	rc = case_append(env, st->id, nk_role_name(role), CASE_EV_PACKAGE_SUBMITTED,
			 case_with_request(case_event_step_encode(CASE_EV_PACKAGE_SUBMITTED, st->round,
								  role), auth), err);
	r->submitted[role] = true;
	if (rc == NK_OK && r->submitted[!role])
		rc = evaluate(env, st, ended, err);
	return rc;
}

enum nk_status nk_package_case_submit(const struct nk_case_env *env, const char *id,
				      enum nk_role role, int round,
				      const struct nk_package_valuation *v, struct nk_error *err)
{
	const struct nk_case_request req = { .action = NK_ACTION_PACKAGE, .round = round,
					     .valuation = v };

	return case_kind_act(env, id, role, &req, NULL, err);
}

/* A party's answer to the round's proposed package (NK_ACTION_ANSWER). */
static enum nk_status answer(const struct nk_case_env *env, struct case_state *st,
			     enum nk_role role, const struct nk_case_request *req,
			     const struct nk_request_auth *auth, bool *ended, struct nk_error *err)
{
	struct package_round *r = &st->pkg.rounds[st->round - 1];
	struct nk_rules rules = { 0 };
	bool both = false, accepted[2] = { false, false };
	enum nk_proposal_outcome outcome;
	enum nk_status rc;

	if ((rc = case_refuse_state(st, NK_STATE_OPEN, err)) != NK_OK)
		return rc;
	if (st->pkg.tentative)
		return package_improve_answer(env, st, role, req, auth, ended, err);
	if (!r->found || r->accepted >= 0)
		return nk_fail(err, NK_EREFUSED, "proposal", "there is no proposed package to answer");
	if (r->answered[role])
		return nk_fail(err, NK_EREFUSED, "answer", "round %d's package was already answered",
			       st->round);
	rc = case_seal_answer(env, st, role, req->accept, CASE_EV_PACKAGE_ANSWER, st->round,
			      r->answered[!role], auth, &both, accepted, err);
	if (rc != NK_OK || !both)
		goto out;
	/* Each round's package is one proposal: the rules allow as many as rounds. */
	rules.proposals = st->pkg.frame.rounds;
	outcome = nk_bargain_proposal_outcome(&rules, st->round, accepted[NK_CLAIMANT],
					      accepted[NK_PAYER]);
	if (outcome == NK_PROPOSAL_SETTLES && st->pkg.frame.improvements) {
		/* Tentative: the improvement phase opens, and the case settles when it ends. */
		rc = case_append(env, st->id, "go-between", CASE_EV_PACKAGE_RESULT,
				 case_event_result_encode(CASE_EV_PACKAGE_RESULT, st->round, true),
				 err);
		goto out;
	}
	rc = case_conclude_answers(env, st, CASE_EV_PACKAGE_RESULT, st->round, outcome,
				   case_event_package_settled_encode(nk_currency_find(st->pkg.frame.currency),
								     st->round, &st->pkg.proposed),
				   NK_CLOSE_PACKAGE_DECLINED, ended, err);
out:
	sodium_memzero(accepted, sizeof(accepted));
	return rc;
}

const struct case_kind case_kind_package = {
	.name = "package",
	.open = package_apply_opened,
	.apply = package_appliers,
	.act = {
		[NK_ACTION_PACKAGE] = { check_valuation, submit },
		[NK_ACTION_ANSWER] = { NULL, answer },
	},
	.brief = package_brief,
	.itself = "is a package case: its parties submit valuations (nakodo package submit)",
};
