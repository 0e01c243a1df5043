/* Neutral evaluation in a case (doc/toolkit.md, "Neutral evaluation in a case"): after
 * the impasse, and after the mediator's proposals if the rules allow any and none was
 * accepted, each of the case's neutrals gives one sealed fair figure within the span of
 * the parties' last figures; the last one given settles the case by nk_neutral_settle
 * (core/toolkit.c), on the last figure of the party closer to the neutrals' median. The
 * log records only that a neutral gave its figure and, at the end, the settlement and
 * which rule decided: never a neutral's figure nor the median. */
#include "case/figure_kind.h"

#include <nakodo/toolkit.h>

#include <sodium.h>

enum nk_status neutral_apply_evaluation(struct case_state *st, const json_t *body,
					struct nk_error *err)
{
	const struct figure_state *f = &st->fig;

	(void)body;	/* its count is the rules' */
	if (st->state != NK_STATE_IMPASSE || !f->rules.neutrals || f->evaluating ||
	    f->proposal_pending || f->proposals != f->rules.proposals ||
	    (f->proposals > 0 && f->proposal_results[f->proposals - 1] != 0))
		return case_corrupt(err, "the neutrals' turn outside a failed impasse");
	st->fig.evaluating = true;
	return NK_OK;
}

enum nk_status neutral_apply_fair(struct case_state *st, const json_t *body,
				  struct nk_error *err)
{
	enum nk_role role;
	int k;
	enum nk_status rc;

	if ((rc = case_event_fair_decode(body, &role, err)) != NK_OK)
		return rc;
	k = nk_role_neutral_index(role);
	if (st->state != NK_STATE_IMPASSE || !st->fig.evaluating || k > st->fig.rules.neutrals ||
	    st->fig.fair_given[k - 1])
		return case_corrupt(err, "a fair figure outside the neutrals' turn");
	st->fig.fair_given[k - 1] = true;
	st->fig.fair_count++;
	return NK_OK;
}

enum nk_status case_refuse_absent_role(const struct case_state *st, enum nk_role role,
				       struct nk_error *err)
{
	if (nk_role_kind(role) == NK_ROLE_PRINCIPAL)
		return case_refuse_principal_role(st, role, err);
	if (nk_role_kind(role) != NK_ROLE_NEUTRAL ||
	    (st->kind == &case_kind_figures &&
	     nk_role_neutral_index(role) <= st->fig.rules.neutrals))
		return NK_OK;
	if (st->kind != &case_kind_figures)
		return nk_fail(err, NK_EREFUSED, "role", "a package case has no neutrals, so no %s",
			       nk_role_name(role));
	if (st->fig.rules.neutrals == 0)
		return nk_fail(err, NK_EREFUSED, "role", "this case was opened without neutral "
			       "evaluation (--neutrals), so it has no %s", nk_role_name(role));
	return nk_fail(err, NK_EREFUSED, "role", "this case has %d neutral%s; the %s is not one "
		       "of them", st->fig.rules.neutrals, st->fig.rules.neutrals == 1 ? "" : "s",
		       nk_role_name(role));
}

enum nk_status case_refuse_unjoined_neutral(enum nk_role role, struct nk_error *err)
{
	return nk_fail(err, NK_EREFUSED, "role", "the %s is shown the parties' last figures and "
		       "gives its fair figure once it has joined with its own key (nakodo join "
		       "CASE --as %s --key FILE)", nk_role_name(role), nk_role_name(role));
}

enum nk_status neutral_begin(const struct nk_case_env *env, struct case_state *st,
			     struct nk_error *err)
{
	enum nk_status rc = case_append(env, st->id, "go-between", CASE_EV_EVALUATION,
					case_event_evaluation_encode(st->fig.rules.neutrals), err);

	if (rc == NK_OK)
		st->fig.evaluating = true;
	return rc;
}

/* The parties' last figures, which the neutrals evaluate between. */
static enum nk_status last_figures(const struct nk_case_env *env, const struct case_state *st,
				   int64_t *demand, int64_t *offer, struct nk_error *err)
{
	char name[NK_SECRET_NAME_MAX];
	enum nk_status rc;

	case_secret_name(name, "figure", st->fig.rules.rounds, NK_CLAIMANT);
	if ((rc = case_get_amount(env, st->id, name, demand, err)) != NK_OK)
		return rc;
	case_secret_name(name, "figure", st->fig.rules.rounds, NK_PAYER);
	return case_get_amount(env, st->id, name, offer, err);
}

enum nk_status case_neutral_figures(const struct nk_case_env *env, const struct case_state *st,
				    int64_t *demand, int64_t *offer, struct nk_error *err)
{
	return last_figures(env, st, demand, offer, err);
}

/* Every fair figure is in: their median decides, and the case settles and ends. */
static enum nk_status settle(const struct nk_case_env *env, struct case_state *st,
			     int64_t demand, int64_t offer, struct nk_error *err)
{
	int64_t fair[NK_CASE_NEUTRALS_MAX];
	struct nk_neutral_result res;
	char name[NK_SECRET_NAME_MAX];
	const int n = st->fig.rules.neutrals;
	enum nk_status rc = NK_OK;

	for (int k = 1; k <= n && rc == NK_OK; k++) {
		case_secret_name(name, "fair", 0, nk_role_neutral(k));
		rc = case_get_amount(env, st->id, name, &fair[k - 1], err);
	}
	if (rc == NK_OK)
		rc = nk_neutral_settle(demand, offer, fair, n, &res, err);
	if (rc == NK_OK)
		rc = case_append(env, st->id, "go-between", CASE_EV_SETTLED,
				 case_event_neutral_settled_encode(res.figure, (int)res.rule), err);
	if (rc == NK_OK)
		rc = case_end(env, st->id, err);
	sodium_memzero(fair, sizeof(fair));
	sodium_memzero(&res, sizeof(res));
	return rc;
}

enum nk_status neutral_submit(const struct nk_case_env *env, struct case_state *st,
			      enum nk_role role, const struct nk_case_request *req,
			      const struct nk_request_auth *auth, bool *ended, struct nk_error *err)
{
	const int k = nk_role_neutral_index(role);
	int64_t demand = 0, offer = 0;
	char name[NK_SECRET_NAME_MAX];
	enum nk_status rc;

	if (k < 1 || k > st->fig.rules.neutrals)
		return nk_fail(err, NK_EREFUSED, "role", "this case has %d neutral%s; the %s is "
			       "not one of them", st->fig.rules.neutrals,
			       st->fig.rules.neutrals == 1 ? "" : "s", nk_role_name(role));
	/* Until it has joined, its token stands for it, and the case's opener holds that
	 * token too: the figure that settles the case is given with the neutral's own key. */
	if (!st->joined[role])
		return case_refuse_unjoined_neutral(role, err);
	/* and the key it joined with must be the one both parties endorsed (endorse.c) */
	if ((rc = case_refuse_unendorsed(st, role, err)) != NK_OK)
		return rc;
	if (st->state == NK_STATE_SETTLED || st->state == NK_STATE_CLOSED)
		return case_refuse_state(st, NK_STATE_IMPASSE, err);
	if (!st->fig.evaluating)
		return nk_fail(err, NK_EREFUSED, "case", "the neutrals evaluate only after an "
			       "impasse%s", st->fig.rules.proposals ? " and the mediator's last "
			       "proposal not accepted" : "");
	if (st->fig.fair_given[k - 1])
		return nk_fail(err, NK_EREFUSED, "fair", "the %s has already given its fair "
			       "figure", nk_role_name(role));
	if ((rc = last_figures(env, st, &demand, &offer, err)) != NK_OK ||
	    (rc = nk_neutral_check(demand, offer, req->amount, err)) != NK_OK)
		goto out;
	case_secret_name(name, "fair", 0, role);
	if ((rc = case_put_amount(env, st->id, name, req->amount, err)) != NK_OK)
		goto out;
	rc = case_append(env, st->id, nk_role_name(role), CASE_EV_FAIR,
			 case_with_request(case_event_fair_encode(role), auth), err);
	if (rc != NK_OK)
		goto out;
	st->fig.fair_given[k - 1] = true;
	if (++st->fig.fair_count == st->fig.rules.neutrals) {
		rc = settle(env, st, demand, offer, err);
		*ended = rc == NK_OK;
	}
out:
	sodium_memzero(&demand, sizeof(demand));
	sodium_memzero(&offer, sizeof(offer));
	return rc;
}
