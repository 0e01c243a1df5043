/* The appliers of a case of figures (its kind's table in figure_case.c points here):
 * its opening with the rules, each side's figure and extension, the evaluated round,
 * the impasse, the mediator's proposal with its answers and result, and the settlement.
 * As in fold.c, an event that breaks the rules its log records makes the log corrupt
 * rather than half-applied. */
#include "case/blind_case.h"
#include "case/figure_kind.h"

#include <sodium.h>
#include <string.h>

enum nk_status figure_apply_opened(struct case_state *st, const json_t *body,
				   struct nk_error *err)
{
	int version = 1;
	enum nk_status rc;

	if ((rc = case_event_opened_decode(body, &st->fig.rules, st->fig.seed_commitment, err)) != NK_OK ||
	    (rc = case_event_version(CASE_EV_OPENED, body, &version, err)) != NK_OK ||
	    (rc = case_event_opened_deadlines_decode(body, version, &st->fig.rules, err)) != NK_OK ||
	    (rc = case_event_opened_principals_decode(body, version, &st->fig.rules, err)) != NK_OK ||
	    (rc = case_event_opened_blind_decode(body, version, &st->fig.rules, err)) != NK_OK ||
	    (rc = case_event_opened_open_proposals_decode(body, version, &st->fig.rules,
							  err)) != NK_OK ||
	    (rc = case_event_opened_neutrals_decode(body, version, &st->fig.rules, err)) != NK_OK ||
	    (rc = case_event_opened_bridge_decode(body, version, &st->fig.rules, err)) != NK_OK)
		return rc;
	st->fig.round_since_ms = st->event_ms;
	st->fig.proposal_accepted = -1;
	st->state = NK_STATE_OPEN;
	st->round = 1;
	return NK_OK;
}

/* A figure or an extension: one of each per side and round, in the open round. */
static enum nk_status apply_submission(struct case_state *st, enum case_event type,
				       const json_t *body, struct nk_error *err)
{
	struct case_event_step ev;
	struct case_round *r;
	bool *done;
	enum nk_status rc;

	if ((rc = case_event_step_decode(type, body, &ev, err)) != NK_OK)
		return rc;
	if (ev.n != st->round || st->state != NK_STATE_OPEN)
		return case_corrupt(err, "a figure outside the open round");
	r = &st->fig.rounds[ev.n - 1];
	done = type == CASE_EV_EXTENSION ? &r->extended[ev.role] : &r->submitted[ev.role];
	if (*done)
		return case_corrupt(err, type == CASE_EV_EXTENSION ? "two extensions in one round"
								    : "two figures in one round");
	*done = true;
	return NK_OK;
}

static enum nk_status apply_figure(struct case_state *st, const json_t *body,
				   struct nk_error *err)
{
	return apply_submission(st, CASE_EV_FIGURE, body, err);
}

static enum nk_status apply_extension(struct case_state *st, const json_t *body,
				      struct nk_error *err)
{
	return apply_submission(st, CASE_EV_EXTENSION, body, err);
}

static enum nk_status apply_round(struct case_state *st, const json_t *body,
				  struct nk_error *err)
{
	struct case_round *r = &st->fig.rounds[st->round - 1];
	struct case_event_round ev;
	enum nk_status rc;

	if ((rc = case_event_round_decode(body, &ev, err)) != NK_OK)
		return rc;
	if (ev.round != st->round || !r->submitted[0] || !r->submitted[1] || r->evaluated)
		return case_corrupt(err, "a round evaluated before both figures");
	if (st->fig.rules.blind && (rc = blind_check_round(st, body, ev.deal, ev.figure, err)) != NK_OK)
		return rc;
	r->evaluated = true;
	r->deal = ev.deal;
	r->figure = ev.figure;
	memcpy(r->hint, ev.hint, sizeof(r->hint));
	memcpy(r->withheld, ev.withheld, sizeof(r->withheld));
	r->hints_logged = ev.hints_logged;
	if (ev.deal == NK_NO_DEAL && st->round < st->fig.rules.rounds) {
		st->round++;
		st->fig.round_since_ms = st->event_ms;
		st->fig.round_lapses = 0;
	}
	return NK_OK;
}

/* A round's lapse voids its figures and extensions and starts its clock again at once
 * (never at the next figure: a party would see the clock start when the other side
 * submitted); the deadline's, and a round's last lapse, are followed by the closing. */
static enum nk_status apply_lapsed(struct case_state *st, const json_t *body,
				   struct nk_error *err)
{
	struct case_round *r = &st->fig.rounds[st->round - 1];
	int64_t round;
	enum nk_status rc;

	if ((rc = case_event_lapsed_decode(body, &round, err)) != NK_OK)
		return rc;
	if (round == 0) {
		if ((st->state != NK_STATE_OPEN && st->state != NK_STATE_IMPASSE) ||
		    !st->fig.rules.deadline_ms || st->fig.deadline_passed)
			return case_corrupt(err, "a deadline's lapse in a case without one");
		st->fig.deadline_passed = true;
		return NK_OK;
	}
	if (st->state != NK_STATE_OPEN || round != st->round || !st->fig.rules.round_time_ms ||
	    r->evaluated || st->fig.round_lapses >= CASE_LAPSES_MAX)
		return case_corrupt(err, "a lapse of a round that was not running");
	for (int side = 0; side < 2; side++) {
		st->fig.lapse_missed[side] = !r->submitted[side];
		r->submitted[side] = r->extended[side] = false;
	}
	st->fig.lapsed_round = (int)round;
	st->fig.round_lapses++;
	st->fig.round_since_ms = st->event_ms;
	return NK_OK;
}

static enum nk_status apply_impasse(struct case_state *st, const json_t *body,
				    struct nk_error *err)
{
	(void)body;	/* its round is the last one, which the state knows */
	if (st->state != NK_STATE_OPEN || !st->fig.rounds[st->fig.rules.rounds - 1].evaluated)
		return case_corrupt(err, "an impasse before the last round");
	st->state = NK_STATE_IMPASSE;
	return NK_OK;
}

static enum nk_status apply_proposal(struct case_state *st, const json_t *body,
				     struct nk_error *err)
{
	enum nk_status rc;

	if (st->state != NK_STATE_IMPASSE || st->fig.proposal_pending)
		return case_corrupt(err, "a proposal outside impasse");
	if (st->fig.proposals >= NK_PROPOSALS_MAX)
		return case_corrupt(err, "more proposals than any rules allow");
	if ((rc = case_event_proposal_decode(body, &st->fig.proposal, err)) != NK_OK)
		return rc;
	st->fig.proposal_figures[st->fig.proposals] = st->fig.proposal;
	st->fig.proposal_results[st->fig.proposals] = -1;
	st->fig.proposals++;
	st->fig.proposal_pending = true;
	st->fig.answered[0] = st->fig.answered[1] = false;
	st->fig.proposal_accepted = -1;
	return NK_OK;
}

static enum nk_status apply_answer(struct case_state *st, const json_t *body,
				   struct nk_error *err)
{
	struct case_event_step ev;
	enum nk_status rc;

	if ((rc = case_event_step_decode(CASE_EV_ANSWER, body, &ev, err)) != NK_OK)
		return rc;
	if (!st->fig.proposal_pending || st->fig.answered[ev.role])
		return case_corrupt(err, "an answer without a proposal");
	st->fig.answered[ev.role] = true;
	return NK_OK;
}

static enum nk_status apply_proposal_result(struct case_state *st, const json_t *body,
					    struct nk_error *err)
{
	int64_t n;
	bool accepted;
	enum nk_status rc;

	if ((rc = case_event_result_decode(CASE_EV_PROPOSAL_RESULT, body, &n, &accepted,
					   err)) != NK_OK)
		return rc;
	if (!st->fig.proposal_pending || !st->fig.answered[0] || !st->fig.answered[1])
		return case_corrupt(err, "a proposal result before both answers");
	st->fig.proposal_pending = false;
	st->fig.proposal_accepted = accepted;
	st->fig.proposal_results[st->fig.proposals - 1] = accepted;
	return NK_OK;
}

static enum nk_status apply_settled(struct case_state *st, const json_t *body,
				    struct nk_error *err)
{
	struct case_event_settled ev;
	enum nk_status rc;

	if (st->state != NK_STATE_OPEN && st->state != NK_STATE_IMPASSE)
		return case_corrupt(err, "a settlement of an ended case");
	if ((rc = case_event_settled_decode(body, &ev, err)) != NK_OK)
		return rc;
	if (st->fig.rules.blind && (rc = blind_check_settled(st, ev.by, ev.figure, err)) != NK_OK)
		return rc;	/* both parties signed what settles a blind case */
	if (ev.by == NK_DEAL_NEUTRAL &&
	    (!st->fig.evaluating || st->fig.fair_count != st->fig.rules.neutrals))
		return case_corrupt(err, "a neutrals' settlement before every fair figure");
	/* a bridge settles only the last round, in a case that declared one */
	if (ev.by == NK_DEAL_BRIDGE &&
	    (!st->fig.rules.bridge || st->state != NK_STATE_OPEN ||
	     st->round != st->fig.rules.rounds || !st->fig.rounds[st->round - 1].evaluated ||
	     st->fig.rounds[st->round - 1].deal != NK_NO_DEAL))
		return case_corrupt(err, "a bridged settlement outside the last failed round");
	st->fig.settlement = ev.figure;
	st->fig.settled_by = ev.by;
	st->fig.neutral_rule = ev.neutral_rule;
	st->fig.bridge_gap = ev.gap;
	/* the seed of a case settled before it was kept sealed for the parties */
	st->fig.seed_revealed = ev.seed_logged;
	memcpy(st->fig.seed, ev.seed, sizeof(st->fig.seed));
	sodium_memzero(&ev, sizeof(ev));
	st->settled = true;
	st->state = NK_STATE_SETTLED;
	return NK_OK;
}

/* Indexed by the event's type; the events every kind shares are fold.c's. */
const case_apply_fn figure_appliers[CASE_EV_COUNT] = {
	[CASE_EV_FIGURE] = apply_figure,
	[CASE_EV_EXTENSION] = apply_extension,
	[CASE_EV_ROUND] = apply_round,
	[CASE_EV_IMPASSE] = apply_impasse,
	[CASE_EV_PROPOSAL] = apply_proposal,
	[CASE_EV_ANSWER] = apply_answer,
	[CASE_EV_PROPOSAL_RESULT] = apply_proposal_result,
	[CASE_EV_SETTLED] = apply_settled,
	[CASE_EV_BLIND_OUTCOME] = blind_apply_outcome,
	[CASE_EV_LAPSED] = apply_lapsed,
	[CASE_EV_ANNOUNCED] = case_open_apply,
	[CASE_EV_EVALUATION] = neutral_apply_evaluation,
	[CASE_EV_FAIR] = neutral_apply_fair,
};
