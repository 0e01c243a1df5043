/* The appliers of a package case (its kind's table in package_case.c points here): the
 * opening with its frame, each side's submission, the evaluated round with its public
 * package, the answers and their result, and the settlement. As in fold.c, an event that breaks the
 * rules its log records makes the log corrupt rather than half-applied. */
#include "case/package_kind.h"

#include <string.h>

/* Whether round n is the open one, in a case still open. */
static bool open_round(const struct case_state *st, int64_t n)
{
	return st->state == NK_STATE_OPEN && n == st->round;
}

void package_frame_rules(const struct nk_package_frame *frame, struct nk_rules *rules)
{
	nk_rules_default(rules, nk_currency_find(frame->currency));
	rules->rounds = frame->rounds;
	rules->monotone = frame->monotone;
	rules->proposals = 0;
}

enum nk_status package_apply_opened(struct case_state *st, const json_t *body,
				    struct nk_error *err)
{
	enum nk_status rc;

	if ((rc = case_event_package_opened_decode(body, &st->pkg.frame, err)) != NK_OK)
		return rc;
	if (!nk_currency_find(st->pkg.frame.currency))
		return case_corrupt(err, "its package frame does not decode");
	for (int i = 0; i < NK_ROUNDS_MAX; i++)
		st->pkg.rounds[i].accepted = -1;
	st->pkg.imp_accepted = -1;
	st->state = NK_STATE_OPEN;
	st->round = 1;
	return NK_OK;
}

static enum nk_status apply_submitted(struct case_state *st, const json_t *body,
				       struct nk_error *err)
{
	struct package_round *r = &st->pkg.rounds[st->round - 1];
	struct case_event_step ev;
	enum nk_status rc;

	if ((rc = case_event_step_decode(CASE_EV_PACKAGE_SUBMITTED, body, &ev, err)) != NK_OK)
		return rc;
	if (!open_round(st, ev.n) || r->evaluated || r->submitted[ev.role])
		return case_corrupt(err, "a valuation outside the open round, or a second one");
	r->submitted[ev.role] = true;
	return NK_OK;
}

static enum nk_status apply_round(struct case_state *st, const json_t *body,
				  struct nk_error *err)
{
	struct package_round *r = &st->pkg.rounds[st->round - 1];
	struct case_event_package_round ev;
	enum nk_status rc;

	if ((rc = case_event_package_round_decode(body, nk_currency_find(st->pkg.frame.currency),
						  &ev, err)) != NK_OK)
		return rc;
	if (!open_round(st, ev.round) || !r->submitted[NK_CLAIMANT] || !r->submitted[NK_PAYER] ||
	    r->evaluated)
		return case_corrupt(err, "a package round evaluated before both valuations");
	r->evaluated = true;
	r->found = ev.found;
	if (ev.found) {
		st->pkg.proposed = ev.package;
		st->pkg.package_round = st->round;
	} else if (st->round < st->pkg.frame.rounds) {
		st->round++;
	}
	return NK_OK;
}

static enum nk_status apply_answer(struct case_state *st, const json_t *body,
				   struct nk_error *err)
{
	struct package_round *r = &st->pkg.rounds[st->round - 1];
	struct case_event_step ev;
	enum nk_status rc;

	if ((rc = case_event_step_decode(CASE_EV_PACKAGE_ANSWER, body, &ev, err)) != NK_OK)
		return rc;
	if (!open_round(st, ev.n) || !r->found || r->accepted >= 0 || r->answered[ev.role])
		return case_corrupt(err, "an answer without a proposed package");
	r->answered[ev.role] = true;
	return NK_OK;
}

static enum nk_status apply_result(struct case_state *st, const json_t *body,
				   struct nk_error *err)
{
	struct package_round *r = &st->pkg.rounds[st->round - 1];
	int64_t n;
	bool accepted;
	enum nk_status rc;

	if ((rc = case_event_result_decode(CASE_EV_PACKAGE_RESULT, body, &n, &accepted,
					   err)) != NK_OK)
		return rc;
	if (!open_round(st, n) || !r->answered[NK_CLAIMANT] || !r->answered[NK_PAYER] ||
	    r->accepted >= 0)
		return case_corrupt(err, "a package result before both answers");
	r->accepted = accepted;
	if (!r->accepted && st->round < st->pkg.frame.rounds)
		st->round++;
	/* Under a frame with improvements the accepted package is a tentative baseline. */
	if (r->accepted && st->pkg.frame.improvements)
		st->pkg.tentative = true;
	return NK_OK;
}

/* ---- improvements after a tentative package (package_improve.c) ---- */

/* Whether n is the tentative round, in its improvement phase still open. */
static bool improving(const struct case_state *st, int64_t n)
{
	return st->pkg.tentative && open_round(st, n);
}

static enum nk_status apply_improvement_submitted(struct case_state *st, const json_t *body,
						  struct nk_error *err)
{
	struct case_event_step ev;
	enum nk_status rc;

	if ((rc = case_event_step_decode(CASE_EV_IMPROVEMENT_SUBMITTED, body, &ev, err)) != NK_OK)
		return rc;
	if (!improving(st, ev.n) || st->pkg.imp_evaluated || st->pkg.imp_submitted[ev.role] ||
	    st->pkg.imp_answered[ev.role])
		return case_corrupt(err, "an improvement valuation outside the improvement phase");
	st->pkg.imp_submitted[ev.role] = true;
	return NK_OK;
}

static enum nk_status apply_improvement_round(struct case_state *st, const json_t *body,
					      struct nk_error *err)
{
	struct case_event_package_round ev;
	enum nk_status rc;

	if ((rc = case_event_package_round_decode(body, nk_currency_find(st->pkg.frame.currency),
						  &ev, err)) != NK_OK)
		return rc;
	if (!improving(st, ev.round) || !st->pkg.imp_submitted[NK_CLAIMANT] ||
	    !st->pkg.imp_submitted[NK_PAYER] || st->pkg.imp_evaluated)
		return case_corrupt(err, "an improvement searched for before both valuations");
	st->pkg.imp_evaluated = true;
	st->pkg.imp_found = ev.found;
	if (ev.found)
		st->pkg.improvement = ev.package;
	return NK_OK;
}

static enum nk_status apply_improvement_answer(struct case_state *st, const json_t *body,
					       struct nk_error *err)
{
	struct case_event_step ev;
	enum nk_status rc;

	if ((rc = case_event_step_decode(CASE_EV_IMPROVEMENT_ANSWER, body, &ev, err)) != NK_OK)
		return rc;
	/* an answer to the proposed improvement, or a decline before any */
	if (!improving(st, ev.n) || st->pkg.imp_answered[ev.role] || st->pkg.imp_accepted >= 0 ||
	    (st->pkg.imp_evaluated && !st->pkg.imp_found))
		return case_corrupt(err, "an improvement answer without an improvement phase");
	st->pkg.imp_answered[ev.role] = true;
	return NK_OK;
}

static enum nk_status apply_improvement_result(struct case_state *st, const json_t *body,
					       struct nk_error *err)
{
	bool both = st->pkg.imp_answered[NK_CLAIMANT] && st->pkg.imp_answered[NK_PAYER];
	bool declined = st->pkg.imp_answered[NK_CLAIMANT] || st->pkg.imp_answered[NK_PAYER];
	int64_t n;
	bool accepted;
	enum nk_status rc;

	if ((rc = case_event_result_decode(CASE_EV_IMPROVEMENT_RESULT, body, &n, &accepted,
					   err)) != NK_OK)
		return rc;
	/* after both answers, or after a decline before the proposal (never accepted) */
	if (!improving(st, n) || st->pkg.imp_accepted >= 0 ||
	    !(both || (declined && !st->pkg.imp_evaluated)) ||
	    (accepted && (!both || !st->pkg.imp_found)))
		return case_corrupt(err, "an improvement result before its answers");
	st->pkg.imp_accepted = accepted;
	return NK_OK;
}

/* The package a settlement names must be the one proposed, as the log wrote both. */
static bool same_package(const struct nk_package *a, const struct nk_package *b)
{
	for (int c = 0; c < NK_COMPONENTS; c++) {
		const struct nk_loan_terms *s = &a->terms[c], *t = &b->terms[c];

		if (a->amount[c] != b->amount[c] || s->rate != t->rate ||
		    s->per_year != t->per_year || s->maturity != t->maturity ||
		    s->grace != t->grace || s->repayment != t->repayment)
			return false;
	}
	return a->grant_years == b->grant_years && a->grant_per_year == b->grant_per_year &&
	       strcmp(a->label, b->label) == 0;
}

static enum nk_status apply_settled(struct case_state *st, const json_t *body,
				    struct nk_error *err)
{
	struct nk_package settled;
	int64_t round = 0;
	enum nk_status rc;

	if ((rc = case_event_package_settled_decode(body, nk_currency_find(st->pkg.frame.currency),
						    &round, &settled, err)) != NK_OK)
		return rc;
	if (!open_round(st, round) || st->pkg.rounds[st->round - 1].accepted != 1)
		return case_corrupt(err, "a package settlement before both accepted");
	/* Improved: on the improvement both accepted; otherwise on the baseline (none found,
	 * a decline, or the mediator's closing of the phase). */
	st->pkg.improved = json_is_true(json_object_get(body, "improved"));
	if (st->pkg.improved && (st->pkg.imp_accepted != 1 ||
				 !same_package(&settled, &st->pkg.improvement)))
		return case_corrupt(err, "a settlement on an improvement both did not accept");
	if (!st->pkg.improved && (st->pkg.imp_accepted == 1 ||
				  !same_package(&settled, &st->pkg.proposed)))
		return case_corrupt(err, "a settlement on another package than the one proposed");
	st->settled = true;
	st->state = NK_STATE_SETTLED;
	return NK_OK;
}

/* The frame's deadline passed (deadline.c): a closing follows, or in an improvement
 * phase the baseline's settlement. A package round has no clock of its own. */
static enum nk_status apply_lapsed(struct case_state *st, const json_t *body,
				   struct nk_error *err)
{
	int64_t round;
	enum nk_status rc;

	if ((rc = case_event_lapsed_decode(body, &round, err)) != NK_OK)
		return rc;
	if (round != 0 || st->state != NK_STATE_OPEN || !st->pkg.frame.deadline_ms ||
	    st->pkg.deadline_passed)
		return case_corrupt(err, "a deadline's lapse in a case without one");
	st->pkg.deadline_passed = true;
	return NK_OK;
}

/* Indexed by the event's type; the events every kind shares are fold.c's. */
const case_apply_fn package_appliers[CASE_EV_COUNT] = {
	[CASE_EV_PACKAGE_SUBMITTED] = apply_submitted,
	[CASE_EV_PACKAGE_ROUND] = apply_round,
	[CASE_EV_PACKAGE_ANSWER] = apply_answer,
	[CASE_EV_PACKAGE_RESULT] = apply_result,
	[CASE_EV_SETTLED] = apply_settled,
	[CASE_EV_IMPROVEMENT_SUBMITTED] = apply_improvement_submitted,
	[CASE_EV_IMPROVEMENT_ROUND] = apply_improvement_round,
	[CASE_EV_IMPROVEMENT_ANSWER] = apply_improvement_answer,
	[CASE_EV_IMPROVEMENT_RESULT] = apply_improvement_result,
	[CASE_EV_LAPSED] = apply_lapsed,
};
