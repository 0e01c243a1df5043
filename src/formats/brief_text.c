/* A briefing's answer written straight from the briefing: the bytes that
 * nk_json_text_fixed(nk_brief_to_json(b)) writes, without building and freeing the
 * jansson tree between them. A server answers every action with its actor's briefing,
 * which grows with the rounds, and that tree cost more than the action's own case and
 * store work but its signature (bench/README.md). Each object's members are written in
 * jansson's sorted order (json_text.h asserts it); tests/unit/test_brief_text.c holds
 * this file to the tree's bytes on many briefings, every role's, round after round. */
#include <nakodo/case_json.h>
#include <nakodo/json_build.h>
#include <nakodo/time.h>
#include <nakodo/toolkit.h>
#include "base/hex.h"
#include "formats/json_text.h"

#include <sodium.h>
#include <string.h>

/* The roles in the order of their names, as jansson sorts an object keyed by them:
 * sorted only for the members keyed by role, which most answers do not have. */
static void roles_by_name(enum nk_role order[static NK_ROLE_COUNT])
{
	for (int r = 0; r < NK_ROLE_COUNT; r++) {
		int k = r;

		for (; k > 0 && strcmp(nk_role_name(order[k - 1]),
				       nk_role_name((enum nk_role)r)) > 0; k--)
			order[k] = order[k - 1];
		order[k] = (enum nk_role)r;
	}
}

static void interval_text(struct json_writer *w, const char *key, const struct nk_interval *i)
{
	jw_object(w, key);
	jw_int(w, "high", i->high);
	jw_int(w, "low", i->low);
	jw_close_object(w);
}

/* nk_rules_to_json's members */
static void rules_text(struct json_writer *w, const struct nk_rules *r)
{
	char when[NK_TIME_TEXT_MAX];

	jw_object(w, "rules");
	if (r->authority)
		jw_bool(w, "authority", true);
	jw_int(w, "band_amount", r->band_amount);
	jw_int(w, "band_bp", r->band_bp);
	if (r->blind)
		jw_bool(w, "blind", true);
	if (r->bridge)
		jw_bool(w, "bridge", true);
	jw_string(w, "currency", r->currency);
	if (r->deadline_ms) {
		nk_time_format_utc(r->deadline_ms, when);
		jw_string(w, "deadline", when);
	}
	jw_int(w, "grid", r->grid);
	jw_array(w, "hints_bp");
	for (int i = 0; i < r->hint_count; i++)
		jw_int(w, NULL, r->hint_bp[i]);
	jw_close_array(w);
	jw_real(w, "leakage_bits", r->leakage_bits);
	jw_bool(w, "monotone", r->monotone);
	if (r->neutrals)
		jw_int(w, "neutrals", r->neutrals);
	if (r->open_proposals)
		jw_bool(w, "open_proposals", true);
	if (r->principals)
		jw_bool(w, "principals", true);
	jw_int(w, "proposals", r->proposals);
	jw_int(w, "range_high", r->range_high);
	jw_int(w, "range_low", r->range_low);
	if (r->round_time_ms)
		jw_int(w, "round_time", r->round_time_ms / 1000);
	jw_int(w, "rounds", r->rounds);
	jw_string(w, "settle", nk_settle_name(r->settle));
	jw_close_object(w);
}

/* round_to_json's members */
static void round_text(struct json_writer *w, const struct nk_brief *b, int i)
{
	const struct nk_brief_round *r = &b->rounds[i];
	const bool party = b->role != NK_MEDIATOR;
	const bool hinted = r->evaluated && r->deal == NK_NO_DEAL && b->rules.hint_count > 0 &&
			    party;

	jw_object(w, NULL);
	jw_bool(w, "evaluated", r->evaluated);
	if (r->evaluated && r->deal != NK_NO_DEAL)
		jw_int(w, "figure", r->figure);
	if (hinted) {
		char text[NK_HINT_TEXT_MAX];

		if (r->hint >= 0) {
			nk_bargain_hint_text(&b->rules, r->hint, text);
			jw_string(w, "hint", text);
		} else {
			jw_null(w, "hint");
		}
		jw_bool(w, "hint_withheld", r->withheld);
	}
	if (r->evaluated && r->has_view) {
		jw_object(w, "leakage");
		jw_real(w, "bits", r->view.bits);
		jw_real(w, "exposed_bits", r->view.exposed_bits);
		interval_text(w, "exposed_within", &r->view.exposed);
		interval_text(w, "other_within", &r->view.other);
		jw_close_object(w);
	}
	if (r->evaluated)
		jw_string(w, "outcome", nk_deal_kind_name(r->deal));
	if (party && r->own_extension && !b->figures_deleted)
		jw_int(w, "own_extension", r->own_extension);
	if (party && r->own_submitted && !b->figures_deleted && !b->rules.blind)
		jw_int(w, "own_figure", r->own_figure);
	jw_int(w, "round", i + 1);
	if (party)
		jw_bool(w, "submitted", r->own_submitted);
	jw_close_object(w);
}

/* deadlines_to_json's */
static void deadlines_text(struct json_writer *w, const struct nk_brief *b)
{
	char when[NK_TIME_TEXT_MAX];

	jw_object(w, "deadlines");
	jw_bool(w, "deadline_passed", b->deadline_passed);
	if (b->lapsed_round)
		jw_int(w, "lapsed_round", b->lapsed_round);
	if (b->round_due_ms) {
		nk_time_format_utc(b->round_due_ms, when);
		jw_string(w, "round_due", when);
	}
	if (b->lapsed_round && b->role != NK_MEDIATOR)
		jw_bool(w, "you_missed", b->lapse_missed);
	jw_close_object(w);
}

/* nk_brief_draft_to_json's (draft_json.c): the draft as it names its action */
static void draft_text(struct json_writer *w, const struct nk_brief *b)
{
	const char *name = b->draft_action == NK_ACTION_SUBMIT ? "figure" :
			   b->draft_action == NK_ACTION_EXTEND ? "extension" :
			   b->draft_action == NK_ACTION_ANSWER ? "answer" : NULL;

	if (!b->draft || !name)
		return;
	jw_object(w, "draft");
	if (b->draft_action == NK_ACTION_ANSWER)
		jw_bool(w, "accept", b->draft_accept);
	jw_string(w, "action", name);
	if (b->draft_action != NK_ACTION_ANSWER)
		jw_int(w, "amount", b->draft_amount);
	jw_int(w, "number", (int64_t)b->draft_number);
	jw_int(w, "round", b->draft_round);
	jw_close_object(w);
}

/* nk_brief_endorsements_to_json's (endorse_json.c) */
static void endorsements_text(struct json_writer *w, const struct nk_brief *b)
{
	bool any[2] = { false, false };

	for (int p = NK_CLAIMANT; p <= NK_PAYER; p++)
		for (int r = 0; r < NK_ROLE_COUNT; r++)
			any[p] = any[p] || b->endorsements[p][r];
	if (!any[NK_CLAIMANT] && !any[NK_PAYER])
		return;
	jw_object(w, "endorsements");
	for (int p = NK_CLAIMANT; p <= NK_PAYER; p++) {	/* "claimant" < "payer" */
		if (!any[p])
			continue;
		jw_array(w, nk_role_name((enum nk_role)p));
		for (int r = 0; r < NK_ROLE_COUNT; r++)
			if (b->endorsements[p][r])
				jw_string(w, NULL, nk_role_name((enum nk_role)r));
		jw_close_array(w);
	}
	jw_close_object(w);
}

/* nk_keys_to_json's */
static void keys_text(struct json_writer *w, const struct nk_brief *b)
{
	char sign[NK_KEY_HEX], seal[NK_KEY_HEX], safety[NK_SAFETY_NUMBER_MAX];
	enum nk_role by_name[NK_ROLE_COUNT];

	if (!nk_keys_any(b->joined))
		return;
	roles_by_name(by_name);
	jw_object(w, "keys");
	for (int k = 0; k < NK_ROLE_COUNT; k++) {
		const enum nk_role r = by_name[k];

		if (!b->joined[r])
			continue;
		nk_key_to_hex(b->identity[r].sign, sign);
		nk_key_to_hex(b->identity[r].seal, seal);
		nk_safety_number(&b->identity[r], safety);
		jw_object(w, nk_role_name(r));
		jw_string(w, "safety_number", safety);
		jw_string(w, "seal", seal);
		jw_string(w, "sign", sign);
		jw_close_object(w);
	}
	jw_close_object(w);
}

/* traffic_to_json's "messages": {"received": {ROLE: N}, "sent": {ROLE: N}} */
static void messages_text(struct json_writer *w, const struct nk_brief *b)
{
	enum nk_role by_name[NK_ROLE_COUNT];
	bool any = false;

	for (int r = 0; r < NK_ROLE_COUNT; r++)
		any = any || b->sent[r] || b->received[r];
	if (!any)
		return;
	roles_by_name(by_name);
	jw_object(w, "messages");
	for (int side = 0; side < 2; side++) {	/* "received" < "sent" */
		const uint64_t *n = side ? b->sent : b->received;

		jw_object(w, side ? "sent" : "received");
		for (int k = 0; k < NK_ROLE_COUNT; k++)
			if (n[by_name[k]])
				jw_int(w, nk_role_name(by_name[k]), (int64_t)n[by_name[k]]);
		jw_close_object(w);
	}
	jw_close_object(w);
}

/* nk_brief_neutral_to_json's (brief_neutral_json.c) */
static void neutral_text(struct json_writer *w, const struct nk_brief *b)
{
	const bool rule = b->neutral_rule >= 0;
	const bool tells = rule && nk_neutral_tells_other(b->role, b->neutral_rule);

	jw_object(w, "neutral");
	jw_bool(w, "evaluating", b->evaluating);
	if (b->role == NK_MEDIATOR)
		jw_int(w, "fair_given", b->fair_count);
	if (b->neutral_shown) {
		jw_object(w, "last_figures");
		jw_int(w, "demand", b->neutral_demand);
		jw_int(w, "offer", b->neutral_offer);
		jw_close_object(w);
	}
	jw_int(w, "neutrals", b->rules.neutrals);
	if (tells)
		jw_real(w, "other_figure_bits", nk_neutral_told_bits(&b->rules, b->neutral_rule));
	if (rule && nk_role_is_party(b->role))
		jw_bool(w, "other_figure_told", tells);
	if (b->neutral_shown && b->own_fair_given)
		jw_int(w, "own_fair", b->own_fair);
	if (nk_role_kind(b->role) == NK_ROLE_NEUTRAL)
		jw_bool(w, "own_fair_given", b->own_fair_given);
	if (rule)
		jw_string(w, "rule", nk_neutral_rule_name(b->neutral_rule));
	jw_close_object(w);
}

/* open_proposals_to_json's */
static void open_proposals_text(struct json_writer *w, const struct nk_brief *b)
{
	jw_object(w, "open_proposals");
	for (int side = 0; side < 2; side++) {	/* "claimant" < "payer" < "suggestion" */
		struct nk_interval i = { b->rules.range_low, b->rules.range_high };

		if (!b->has_open[side])
			continue;
		if (side == NK_CLAIMANT)
			i.high = b->open[side];
		else
			i.low = b->open[side];
		jw_object(w, nk_role_name((enum nk_role)side));
		jw_int(w, "amount", b->open[side]);
		jw_real(w, "bits", b->open_bits[side]);
		interval_text(w, "bound", &i);
		jw_int(w, "round", b->open_round[side]);
		jw_close_object(w);
	}
	if (b->has_suggestion)
		jw_int(w, "suggestion", b->suggestion);
	jw_close_object(w);
}

/* nk_brief_next_to_json's "next" */
static void next_text(struct json_writer *w, const struct nk_brief *b)
{
	struct nk_brief_next n;

	if (!nk_brief_next(b, &n))
		return;
	jw_object(w, "next");
	jw_string(w, "action", nk_next_action_name(n.action));
	if (n.may_close)
		jw_bool(w, "may_close", true);
	if (n.proposal > 0)
		jw_int(w, "proposal", n.proposal);
	if (n.proposals_left >= 0) {
		jw_int(w, "proposals", b->rules.proposals);
		jw_int(w, "proposals_left", n.proposals_left);
	}
	if (n.action == NK_NEXT_WAIT)
		jw_string(w, "waiting_for", nk_next_wait_name(n.waiting_for));
	jw_close_object(w);
}

/* nk_brief_to_json's "proposal" */
static void proposal_text(struct json_writer *w, const struct nk_brief *b)
{
	jw_object(w, "proposal");
	if (b->proposal_accepted >= 0)
		jw_bool(w, "accepted", b->proposal_accepted);
	if (b->role == NK_MEDIATOR && b->proposal_pending) {
		jw_object(w, "answered");
		jw_bool(w, "claimant", b->proposal_answered[NK_CLAIMANT]);
		jw_bool(w, "payer", b->proposal_answered[NK_PAYER]);
		jw_close_object(w);
	}
	jw_int(w, "count", b->proposals);
	jw_int(w, "figure", b->proposal);
	jw_array(w, "history");
	for (int k = 0; k < b->proposals && k < NK_PROPOSALS_MAX; k++) {
		jw_object(w, NULL);
		if (b->proposal_results[k] >= 0)
			jw_bool(w, "accepted", b->proposal_results[k]);
		jw_int(w, "figure", b->proposal_figures[k]);
		jw_int(w, "number", k + 1);
		jw_close_object(w);
	}
	jw_close_array(w);
	if (b->role != NK_MEDIATOR && b->own_answer >= 0)
		jw_string(w, "own_answer", b->own_answer ? "accept" : "decline");
	jw_bool(w, "pending", b->proposal_pending);
	jw_close_object(w);
}

static void settlement_text(struct json_writer *w, const struct nk_brief *b)
{
	char seed_hex[2 * NK_SEED_BYTES + 1];

	jw_object(w, "settlement");
	jw_string(w, "by", nk_deal_kind_name(b->settled_by));
	jw_string(w, "currency", b->rules.currency);
	jw_int(w, "figure", b->settlement);
	if (b->seed_revealed) {
		nk_hex_encode(b->seed, NK_SEED_BYTES, seed_hex);
		jw_string(w, "seed", seed_hex);
	}
	jw_close_object(w);
	sodium_memzero(seed_hex, sizeof(seed_hex));
}

char *nk_brief_text_fixed(const struct nk_brief *b)
{
	char commit_hex[65];
	struct json_writer w;

	nk_hex_encode(b->seed_commitment, sizeof(b->seed_commitment), commit_hex);
	/* some 0.7 kB and 0.45 kB a round without keys (bench_submit's): most answers in
	 * one block, never moved, and not much more to wipe than they fill */
	jw_start(&w, 1024 + 512 * (size_t)(b->round > 0 ? b->round : 0));
	jw_object(&w, NULL);
	jw_string(&w, "case", b->case_id);
	if (b->state == NK_STATE_CLOSED && nk_close_reason_name(b->closed_reason))
		jw_string(&w, "closed_reason", nk_close_reason_name(b->closed_reason));
	jw_string(&w, "currency", b->rules.currency);
	if (b->rules.round_time_ms || b->rules.deadline_ms)
		deadlines_text(&w, b);
	if (b->deposits || b->released) {
		jw_object(&w, "deposit");
		jw_bool(&w, "held", b->deposit_held);
		jw_int(&w, "number", (int64_t)b->deposits);
		jw_bool(&w, "released", b->released);
		jw_close_object(&w);
	}
	draft_text(&w, b);
	endorsements_text(&w, b);
	/* a party's has no event count (doc/api.md, "What a party's answers never carry") */
	if (b->role == NK_MEDIATOR)
		jw_int(&w, "events", b->events);
	jw_bool(&w, "figures_deleted", b->figures_deleted);
	keys_text(&w, b);
	if (b->last_request)
		jw_int(&w, "last_request", (int64_t)b->last_request);
	messages_text(&w, b);
	if (b->rules.neutrals)
		neutral_text(&w, b);
	next_text(&w, b);
	if (b->rules.open_proposals)
		open_proposals_text(&w, b);
	if (b->proposals > 0)
		proposal_text(&w, b);
	jw_string(&w, "role", nk_role_name(b->role));
	jw_int(&w, "round", b->round);
	jw_array(&w, "rounds");
	for (int i = 0; i < b->round; i++)
		round_text(&w, b, i);
	jw_close_array(&w);
	rules_text(&w, &b->rules);
	jw_string(&w, "seed_commitment", commit_hex);
	if (b->settled)
		settlement_text(&w, b);
	jw_string(&w, "state", nk_case_state_name(b->state));
	if (b->title[0])
		jw_string(&w, "title", b->title);
	/* the mediator's changes to this role's token, so a party sees any reissue */
	if (b->token_reissues || b->token_revokes) {
		jw_object(&w, "token");
		jw_int(&w, "changed_ms", b->token_changed_ms);
		jw_int(&w, "reissued", b->token_reissues);
		jw_int(&w, "revoked", b->token_revokes);
		jw_close_object(&w);
	}
	/* a principal reading its party's briefing */
	if (nk_role_kind(b->viewer) == NK_ROLE_PRINCIPAL && nk_role_reads(b->viewer) == b->role)
		jw_string(&w, "viewer", nk_role_name(b->viewer));
	jw_close_object(&w);
	return jw_finish(&w);
}
