/* Improvements after a tentative package (doc/package.md, "Improvements"). Under a frame
 * with improvements, the package both sides accept is a baseline, not yet a settlement:
 * each side may hand the go-between a sealed improvement valuation; with both in, the go-
 * between proposes the package that improves on the baseline for both on their own
 * scales and splits the gain most equally (nk_package_improve), or says there is none;
 * the case settles on the improvement if both accept it, and on the baseline otherwise
 * (none found, a decline, or the mediator's closing). One improvement round: a second
 * would let each side probe the other's scale around the first proposal. */
#include "case/package_kind.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define IMPROVEMENT "improvement"		/* the sealed improvement valuations */
#define IMPROVEMENT_ANSWER "improvement-answer"	/* the sealed answers to the improvement */

/* The settlement: the improvement when both accepted it, else the baseline. */
static json_t *settled_body(const struct case_state *st, bool improved)
{
	const struct nk_currency *cur = nk_currency_find(st->pkg.frame.currency);
	json_t *body = case_event_package_settled_encode(cur, st->round,
							 improved ? &st->pkg.improvement
								  : &st->pkg.proposed);

	return improved ? nk_json_set(body, "improved", json_true()) : body;
}

/* Appends the settlement by actor (with auth's request number, if any) and ends the case. */
static enum nk_status settle(const struct nk_case_env *env, const struct case_state *st,
			     const char *actor, bool improved, const struct nk_request_auth *auth,
			     struct nk_error *err)
{
	enum nk_status rc = case_append(env, st->id, actor, CASE_EV_SETTLED,
					case_with_request(settled_body(st, improved), auth), err);

	return rc == NK_OK ? case_end(env, st->id, err) : rc;
}

enum nk_status package_settle_baseline(const struct nk_case_env *env, const struct case_state *st,
				       const char *actor, const struct nk_request_auth *auth,
				       struct nk_error *err)
{
	return settle(env, st, actor, false, auth, err);
}

/* Both improvement valuations are in: search, record the outcome, and settle on the
 * baseline when nothing improves on it. */
static enum nk_status evaluate(const struct nk_case_env *env, const struct case_state *st,
			       bool *ended, struct nk_error *err)
{
	const struct nk_currency *cur = nk_currency_find(st->pkg.frame.currency);
	struct nk_package_valuation *v = sodium_malloc(2 * sizeof(*v));
	struct nk_package_improvement *imp = sodium_malloc(sizeof(*imp));
	struct nk_error search_err = { 0 };
	struct case_event_package_round ev;
	enum nk_status rc;

	if (!v || !imp) {
		rc = nk_fail(err, NK_ENOMEM, "valuation", "out of memory");
		goto out;
	}
	if ((rc = package_get_sealed(env, st->id, IMPROVEMENT, st->round, NK_CLAIMANT, &v[0],
				     err)) != NK_OK ||
	    (rc = package_get_sealed(env, st->id, IMPROVEMENT, st->round, NK_PAYER, &v[1],
				     err)) != NK_OK)
		goto out;
	/* As for a round: valuations the search cannot take together are "none", marked
	 * incompatible, and the core's reason (it may name the other's terms) is not told. */
	rc = nk_package_improve(&v[0], &v[1], &st->pkg.proposed, imp, &search_err);
	sodium_memzero(&search_err, sizeof(search_err));
	if (rc != NK_OK) {
		rc = nk_fail(err, rc, "package", "the improvement search failed (%s)",
			     nk_status_name(rc));
		goto out;
	}
	/* Public: whether an improvement was found, and the package. Never a worth or gain. */
	ev = (struct case_event_package_round){ .round = st->round, .found = imp->found,
						.incompatible = imp->incompatible,
						.package = imp->package };
	rc = case_append(env, st->id, "go-between", CASE_EV_IMPROVEMENT_ROUND,
			 case_event_package_round_encode(cur, &ev), err);
	if (rc == NK_OK && !imp->found) {
		*ended = true;
		rc = settle(env, st, "go-between", false, NULL, err);
	}
out:
	if (v) {
		sodium_memzero(v, 2 * sizeof(*v));
		sodium_free(v);
	}
	if (imp) {
		sodium_memzero(imp, sizeof(*imp));
		sodium_free(imp);
	}
	return rc;
}

enum nk_status package_improve_submit(const struct nk_case_env *env, struct case_state *st,
				      enum nk_role role, const struct nk_case_request *req,
				      const struct nk_request_auth *auth, bool *ended,
				      struct nk_error *err)
{
	enum nk_status rc;

	(void)req;
	if (st->pkg.imp_evaluated)
		return nk_fail(err, NK_EREFUSED, "round", "the improvement on round %d's package was "
			       "already searched for", st->round);
	if (st->pkg.imp_submitted[role])
		return nk_fail(err, NK_EREFUSED, "round", "an improvement valuation for round %d's "
			       "package was already submitted", st->round);
	/* The frame binds it as it binds a round's; its reservation is not used (the
	 * baseline is the floor), so monotone rules do not apply. */
	if ((rc = nk_package_frame_admits(&st->pkg.frame, req->valuation, err)) != NK_OK ||
	    (rc = package_put_sealed(env, st->id, IMPROVEMENT, st->round, req->valuation,
				     err)) != NK_OK)
		return rc;
	rc = case_append(env, st->id, nk_role_name(role), CASE_EV_IMPROVEMENT_SUBMITTED,
			 case_with_request(case_event_step_encode(CASE_EV_IMPROVEMENT_SUBMITTED,
								  st->round, role), auth), err);
	st->pkg.imp_submitted[role] = true;
	if (rc == NK_OK && st->pkg.imp_submitted[!role])
		rc = evaluate(env, st, ended, err);
	return rc;
}

/* Seals role's answer and logs it; with the other's in, reads both into accepted[]. */
static enum nk_status seal_answer(const struct nk_case_env *env, const struct case_state *st,
				  enum nk_role role, bool accept, const struct nk_request_auth *auth,
				  bool *both, bool accepted[static 2], struct nk_error *err)
{
	char name[NK_SECRET_NAME_MAX];
	uint8_t answers[2] = { 0, 0 }, mine = accept ? 1 : 0;
	size_t len = 0;
	enum nk_status rc;

	case_secret_name(name, IMPROVEMENT_ANSWER, st->round, role);
	if ((rc = nk_store_secret_put(env->store, st->id, name, &mine, 1, err)) != NK_OK)
		return rc;
	rc = case_append(env, st->id, nk_role_name(role), CASE_EV_IMPROVEMENT_ANSWER,
			 case_with_request(case_event_step_encode(CASE_EV_IMPROVEMENT_ANSWER,
								  st->round, role), auth), err);
	if (rc != NK_OK || !st->pkg.imp_answered[!role])
		return rc;
	for (int side = 0; side < 2 && rc == NK_OK; side++) {
		case_secret_name(name, IMPROVEMENT_ANSWER, st->round, (enum nk_role)side);
		rc = nk_store_secret_get(env->store, st->id, name, &answers[side], 1, &len, err);
	}
	*both = rc == NK_OK;
	accepted[NK_CLAIMANT] = answers[NK_CLAIMANT] == 1;
	accepted[NK_PAYER] = answers[NK_PAYER] == 1;
	sodium_memzero(answers, sizeof(answers));
	return rc;
}

enum nk_status package_improve_answer(const struct nk_case_env *env, struct case_state *st,
				      enum nk_role role, const struct nk_case_request *req,
				      const struct nk_request_auth *auth, bool *ended,
				      struct nk_error *err)
{
	bool both = false, accepted[2] = { false, false }, improved;
	enum nk_status rc;

	if (st->pkg.imp_answered[role])
		return nk_fail(err, NK_EREFUSED, "answer", "the improvement was already answered");
	if (!st->pkg.imp_evaluated && req->accept)
		return nk_fail(err, NK_EREFUSED, "proposal", "no improvement has been proposed yet: "
			       "both sides submit an improvement valuation first (decline keeps "
			       "round %d's package)", st->round);
	/* Before a proposal a decline is public at once (it ends the phase): nothing to seal. */
	if (!st->pkg.imp_evaluated) {
		rc = case_append(env, st->id, nk_role_name(role), CASE_EV_IMPROVEMENT_ANSWER,
				 case_with_request(case_event_step_encode(CASE_EV_IMPROVEMENT_ANSWER,
									  st->round, role), auth),
				 err);
		both = true;
	} else {
		rc = seal_answer(env, st, role, req->accept, auth, &both, accepted, err);
	}
	if (rc != NK_OK || !both)
		goto out;
	improved = accepted[NK_CLAIMANT] && accepted[NK_PAYER];
	rc = case_append(env, st->id, "go-between", CASE_EV_IMPROVEMENT_RESULT,
			 case_event_result_encode(CASE_EV_IMPROVEMENT_RESULT, st->round, improved),
			 err);
	*ended = true;
	if (rc == NK_OK)
		rc = settle(env, st, "go-between", improved, NULL, err);
out:
	sodium_memzero(accepted, sizeof(accepted));
	return rc;
}

/* The party's own part, while live: its answer, and its improvement valuation's worth of
 * the baseline and of the proposed improvement. */
enum nk_status package_improve_brief(const struct nk_case_env *env, const struct case_state *st,
				     struct nk_package_brief *b, struct nk_error *err)
{
	struct nk_package_valuation *v = NULL;
	enum nk_role role = b->role;
	enum nk_status rc = NK_OK;

	if (st->pkg.imp_answered[role] && st->pkg.imp_evaluated) {
		char name[NK_SECRET_NAME_MAX];
		uint8_t answer = 0;
		size_t len = 0;

		case_secret_name(name, IMPROVEMENT_ANSWER, st->round, role);
		if ((rc = nk_store_secret_get(env->store, st->id, name, &answer, 1, &len,
					      err)) != NK_OK)
			return rc;
		b->improvement_own_answer = answer;
	} else if (st->pkg.imp_answered[role]) {
		b->improvement_own_answer = 0;	/* a decline before the proposal */
	}
	if (!st->pkg.imp_submitted[role])
		return NK_OK;
	if (!(v = sodium_malloc(sizeof(*v))))
		return nk_fail(err, NK_ENOMEM, "brief", "out of memory");
	rc = package_get_sealed(env, st->id, IMPROVEMENT, st->round, role, v, err);
	if (rc == NK_OK)
		rc = nk_package_value(v, &st->pkg.proposed, &b->own_baseline_worth, err);
	b->has_own_improvement = rc == NK_OK;
	if (rc == NK_OK && st->pkg.imp_found) {
		rc = nk_package_value(v, &st->pkg.improvement, &b->own_improvement_worth, err);
		b->has_own_improvement_worth = rc == NK_OK;
	}
	sodium_memzero(v, sizeof(*v));
	sodium_free(v);
	return rc;
}
