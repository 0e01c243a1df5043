/* Open proposals in a case of figures (doc/toolkit.md, "Open proposals"): a party's
 * announcement of a visible proposal, checked against its standing proposal and its
 * secret figure of the open round; the check of a secret figure beside the standing
 * proposal; the applier of the "announced" event; and what a briefing shows, which is
 * public to every role, the proposals being their posters' by choice. */
#include "case/figure_kind.h"

#include <nakodo/open_proposal.h>

#include <sodium.h>

bool case_open_standing(const struct case_state *st, int round, enum nk_role side,
			int64_t *out)
{
	for (int i = round; i >= 1; i--)
		if (st->fig.announced[i - 1][side]) {
			*out = st->fig.announced_amount[i - 1][side];
			return true;
		}
	return false;
}

/* The round in which side's standing proposal was announced, 0 when none. */
static int standing_round(const struct case_state *st, enum nk_role side)
{
	for (int i = st->round; i >= 1; i--)
		if (st->fig.announced[i - 1][side])
			return i;
	return 0;
}

enum nk_status case_open_announce(const struct nk_case_env *env, struct case_state *st,
				  enum nk_role role, const struct nk_case_request *req,
				  const struct nk_request_auth *auth, bool *ended,
				  struct nk_error *err)
{
	const struct case_round *r;
	char name[NK_SECRET_NAME_MAX];
	int64_t standing = 0, secret = 0;
	bool has_standing, has_secret;
	enum nk_status rc;

	(void)ended;
	if (!st->fig.rules.open_proposals)	/* before the state, which says less */
		return nk_open_check_proposal(&st->fig.rules, role, req->amount, NULL, NULL, err);
	if ((rc = case_refuse_state(st, NK_STATE_OPEN, err)) != NK_OK ||
	    (rc = case_check_round(st, req->round, err)) != NK_OK)
		return rc;
	if (st->fig.announced[st->round - 1][role])
		return nk_fail(err, NK_EREFUSED, "round", "an open proposal for round %d was "
			       "already announced; the next may follow in round %d", st->round,
			       st->round + 1);
	r = &st->fig.rounds[st->round - 1];
	has_standing = case_open_standing(st, st->round, role, &standing);
	has_secret = r->submitted[role];
	case_secret_name(name, "figure", st->round, role);
	if (has_secret && (rc = case_get_amount(env, st->id, name, &secret, err)) != NK_OK)
		return rc;
	rc = nk_open_check_proposal(&st->fig.rules, role, req->amount,
				    has_standing ? &standing : NULL, has_secret ? &secret : NULL,
				    err);
	sodium_memzero(&secret, sizeof(secret));
	if (rc != NK_OK)
		return rc;
	return case_append(env, st->id, nk_role_name(role), CASE_EV_ANNOUNCED,
			   case_with_request(case_event_announced_encode(role, st->round,
									 req->amount), auth), err);
}

enum nk_status case_open_check_figure(const struct case_state *st, enum nk_role role,
				      int64_t figure, struct nk_error *err)
{
	int64_t standing = 0;

	if (!case_open_standing(st, st->round, role, &standing))
		return NK_OK;
	return nk_open_check_figure(&st->fig.rules, role, figure, &standing, err);
}

enum nk_status case_open_apply(struct case_state *st, const json_t *body, struct nk_error *err)
{
	struct case_event_announced ev;
	int64_t standing = 0;
	enum nk_status rc;

	if ((rc = case_event_announced_decode(body, &ev, err)) != NK_OK)
		return rc;
	if (!st->fig.rules.open_proposals || st->state != NK_STATE_OPEN || ev.round != st->round ||
	    st->fig.announced[ev.round - 1][ev.role])
		return case_corrupt(err, "an open proposal outside the open round of a case "
				    "that takes them");
	if (ev.amount < st->fig.rules.range_low || ev.amount > st->fig.rules.range_high ||
	    (case_open_standing(st, st->round, ev.role, &standing) &&
	     (ev.role == NK_CLAIMANT ? ev.amount >= standing : ev.amount <= standing)))
		return case_corrupt(err, "an open proposal that moves away from the other side");
	st->fig.announced[ev.round - 1][ev.role] = true;
	st->fig.announced_amount[ev.round - 1][ev.role] = ev.amount;
	return NK_OK;
}

void case_open_brief(const struct case_state *st, struct nk_brief *b)
{
	const struct nk_rules *r = &st->fig.rules;

	for (int side = 0; side < 2; side++) {
		b->has_open[side] = case_open_standing(st, st->round, (enum nk_role)side,
						       &b->open[side]);
		b->open_round[side] = standing_round(st, (enum nk_role)side);
		if (b->has_open[side])
			b->open_bits[side] = nk_bargain_bits(r, nk_open_bound(r, (enum nk_role)side,
									     b->open[side]));
	}
	b->has_suggestion = b->has_open[NK_CLAIMANT] && b->has_open[NK_PAYER];
	if (b->has_suggestion)
		b->suggestion = nk_open_suggestion(r, b->open[NK_CLAIMANT], b->open[NK_PAYER]);
}

void case_open_narrow_view(const struct case_state *st, int round, enum nk_role role,
			   struct nk_view *view)
{
	const enum nk_role other = role == NK_CLAIMANT ? NK_PAYER : NK_CLAIMANT;
	int64_t p = 0;

	if (case_open_standing(st, round, other, &p))
		nk_open_narrow(&st->fig.rules, other, p, &view->other, &view->bits);
	if (case_open_standing(st, round, role, &p)) {
		nk_open_narrow(&st->fig.rules, role, p, &view->exposed, &view->exposed_bits);
		nk_open_narrow(&st->fig.rules, role, p, &view->exposed_bound, &(double){ 0 });
	}
}

enum nk_status nk_case_announce(const struct nk_case_env *env, const char *id,
				enum nk_role role, int round, int64_t amount, struct nk_error *err)
{
	const struct nk_case_request req = { .action = NK_ACTION_ANNOUNCE, .round = round,
					     .amount = amount };

	return case_kind_act(env, id, role, &req, NULL, err);
}
