/* The appliers of a case of figures (its kind's table in figure_case.c points here):
 * its opening with the rules, each side's figure and extension, the evaluated round,
 * the impasse, the mediator's proposal with its answers and result, and the settlement.
 * As in fold.c, an event that breaks the rules its log records makes the log corrupt
 * rather than half-applied. */
#include "case/case_impl.h"

#include <string.h>

enum nk_status figure_apply_opened(struct case_state *st, const json_t *body,
				   struct nk_error *err)
{
	enum nk_status rc;

	if ((rc = case_event_opened_decode(body, &st->fig.rules, st->fig.seed_commitment, err)) != NK_OK)
		return rc;
	st->fig.proposal_accepted = -1;
	st->state = NK_STATE_OPEN;
	st->round = 1;
	return NK_OK;
}

static enum nk_status apply_submission(struct case_state *st, const json_t *body, bool ext,
				       struct nk_error *err)
{
	enum nk_role role;
	int64_t round;

	if (case_body_role(body, &role) || case_body_int(body, "round", &round) ||
	    round != st->round || st->state != NK_STATE_OPEN)
		return case_corrupt(err, "a figure outside the open round");
	if (ext) {
		if (st->fig.rounds[round - 1].extended[role])
			return case_corrupt(err, "two extensions in one round");
		st->fig.rounds[round - 1].extended[role] = true;
	} else {
		if (st->fig.rounds[round - 1].submitted[role])
			return case_corrupt(err, "two figures in one round");
		st->fig.rounds[round - 1].submitted[role] = true;
	}
	return NK_OK;
}

static enum nk_status apply_figure(struct case_state *st, const json_t *body,
				   struct nk_error *err)
{
	return apply_submission(st, body, false, err);
}

static enum nk_status apply_extension(struct case_state *st, const json_t *body,
				      struct nk_error *err)
{
	return apply_submission(st, body, true, err);
}

static enum nk_status apply_round(struct case_state *st, const json_t *body,
				  struct nk_error *err)
{
	struct case_round *r = &st->fig.rounds[st->round - 1];
	int64_t round, v;
	const char *deal;
	enum nk_deal_kind kind;

	if (case_body_int(body, "round", &round) || round != st->round || !r->submitted[0] ||
	    !r->submitted[1] || r->evaluated)
		return case_corrupt(err, "a round evaluated before both figures");
	deal = json_string_value(json_object_get(body, "outcome"));
	for (kind = NK_NO_DEAL; kind <= NK_DEAL_OVERLAP; kind++)
		if (deal && strcmp(deal, nk_deal_kind_name(kind)) == 0)
			break;
	if (kind > NK_DEAL_OVERLAP)
		return case_corrupt(err, "an unknown round outcome");
	r->evaluated = true;
	r->deal = kind;
	r->hint[0] = r->hint[1] = -1;
	if (kind != NK_NO_DEAL) {
		if (case_body_int(body, "figure", &r->figure))
			return case_corrupt(err, "a deal without a figure");
		return NK_OK;
	}
	for (int side = 0; side < 2; side++) {
		const json_t *s = json_object_get(body, nk_role_name((enum nk_role)side));

		if (s && !case_body_int(s, "band", &v))
			r->hint[side] = (int)v;
		r->withheld[side] = json_is_true(json_object_get(s, "withheld"));
		r->hints_logged = r->hints_logged || s;
	}
	if (st->round < st->fig.rules.rounds)
		st->round++;
	return NK_OK;
}

static enum nk_status apply_impasse(struct case_state *st, const json_t *body,
				    struct nk_error *err)
{
	if (st->state != NK_STATE_OPEN || !st->fig.rounds[st->fig.rules.rounds - 1].evaluated)
		return case_corrupt(err, "an impasse before the last round");
	st->state = NK_STATE_IMPASSE;
	return NK_OK;
}

static enum nk_status apply_proposal(struct case_state *st, const json_t *body,
				     struct nk_error *err)
{
	if (st->state != NK_STATE_IMPASSE || st->fig.proposal_pending ||
	    case_body_int(body, "figure", &st->fig.proposal))
		return case_corrupt(err, "a proposal outside impasse");
	st->fig.proposals++;
	st->fig.proposal_pending = true;
	st->fig.answered[0] = st->fig.answered[1] = false;
	st->fig.proposal_accepted = -1;
	return NK_OK;
}

static enum nk_status apply_answer(struct case_state *st, const json_t *body,
				   struct nk_error *err)
{
	enum nk_role role;

	if (!st->fig.proposal_pending || case_body_role(body, &role) || st->fig.answered[role])
		return case_corrupt(err, "an answer without a proposal");
	st->fig.answered[role] = true;
	return NK_OK;
}

static enum nk_status apply_proposal_result(struct case_state *st, const json_t *body,
					    struct nk_error *err)
{
	const json_t *v = json_object_get(body, "accepted");

	if (!st->fig.proposal_pending || !st->fig.answered[0] || !st->fig.answered[1] ||
	    !json_is_boolean(v))
		return case_corrupt(err, "a proposal result before both answers");
	st->fig.proposal_pending = false;
	st->fig.proposal_accepted = json_is_true(v);
	return NK_OK;
}

static enum nk_status apply_settled(struct case_state *st, const json_t *body,
				    struct nk_error *err)
{
	const char *by = json_string_value(json_object_get(body, "by"));
	enum nk_deal_kind kind;

	if (st->state != NK_STATE_OPEN && st->state != NK_STATE_IMPASSE)
		return case_corrupt(err, "a settlement of an ended case");
	if (case_body_int(body, "figure", &st->fig.settlement))
		return case_corrupt(err, "a settlement without a figure");
	for (kind = NK_DEAL_CLOSER; kind <= NK_DEAL_PROPOSAL; kind++)
		if (by && strcmp(by, nk_deal_kind_name(kind)) == 0)
			break;
	if (kind > NK_DEAL_PROPOSAL)
		return case_corrupt(err, "a settlement by an unknown rule");
	st->fig.settled_by = kind;
	st->fig.seed_revealed = case_body_hex(body, "seed", st->fig.seed, NK_SEED_BYTES) == 0;
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
};
