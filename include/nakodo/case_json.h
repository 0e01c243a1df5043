/* JSON forms of the blind exchange's public types: a case's rules (strict decoding:
 * unknown or duplicate keys and wrong types are refused) and a role's briefing. */
#ifndef NAKODO_FORMATS_CASE_JSON_H
#define NAKODO_FORMATS_CASE_JSON_H

#include <nakodo/brief.h>

#include <jansson.h>

/* New references; the caller json_decref()s them. NULL only when out of memory. */
json_t *nk_rules_to_json(const struct nk_rules *rules);
json_t *nk_brief_to_json(const struct nk_brief *brief);
/* The text nk_json_text_fixed(nk_brief_to_json(brief)) writes, byte for byte, without the
 * tree (brief_text.c): a server's answer to an action. A new text to free with
 * nk_alloc_free (alloc.h), which wipes it; NULL when out of memory. */
char *nk_brief_text_fixed(const struct nk_brief *brief);

/* A party's draft awaiting its principal (b->draft), as the member "draft" of o (which
 * it takes and returns; NULL stays NULL), and read back into b from a briefing. */
json_t *nk_brief_draft_to_json(json_t *o, const struct nk_brief *b);
void nk_brief_draft_from_json(const json_t *obj, struct nk_brief *b);
/* The endorsements b shows (b->endorsements), as the member "endorsements" of o:
 * {"claimant": [ROLE, ...], "payer": [...]}, only when there is one (takes and returns
 * o); and read back into b. */
json_t *nk_brief_endorsements_to_json(json_t *o, const struct nk_brief *b);
void nk_brief_endorsements_from_json(const json_t *obj, struct nk_brief *b);

/* What a role does next at impasse, decided from its own briefing alone (brief_next_json.c):
 * the text briefing's "next:" line and the JSON briefing's "next" say the same. action:
 * the mediator proposes (may_close: it may end the case instead, meanwhile too); a party
 * answers proposal; or the role waits, waiting_for the parties' answers to proposal (the
 * mediator), the neutrals' fair figures, the outcome of proposal it has answered, or the
 * mediator's next proposal (a party). proposal is the proposal named (0: none);
 * proposals_left the proposals the rules still allow (-1: not said), where making or
 * awaiting one is the step. */
enum nk_next_action { NK_NEXT_WAIT, NK_NEXT_PROPOSE, NK_NEXT_ANSWER };
enum nk_next_wait { NK_WAIT_ANSWERS, NK_WAIT_NEUTRALS, NK_WAIT_OUTCOME, NK_WAIT_PROPOSAL };
struct nk_brief_next {
	enum nk_next_action action;
	enum nk_next_wait waiting_for;	/* when action is NK_NEXT_WAIT */
	bool may_close;
	int proposal;
	int proposals_left;
};
/* Fills out and returns true when b's role has a next step to be told: a case of
 * figures at impasse, read by the mediator or by a party itself (not its principal,
 * and without a draft awaiting it); false otherwise, out untouched. */
bool nk_brief_next(const struct nk_brief *b, struct nk_brief_next *out);
/* "wait", "propose", "answer"; "answers", "neutrals", "outcome", "proposal". */
const char *nk_next_action_name(enum nk_next_action action);
const char *nk_next_wait_name(enum nk_next_wait wait);
/* The next step as the member "next" of o: {"action", "may_close" (true, when so),
 * "proposal", "proposals" (the rules') and "proposals_left" (when proposals_left is
 * said), "waiting_for" (with "wait")}, when there is one (takes and returns o). */
json_t *nk_brief_next_to_json(json_t *o, const struct nk_brief *b);

/* Reads back a briefing from nk_brief_to_json's shape into b (zeroed first). From a
 * package case's briefing (it has "kind") only the case, role, state, keys and last
 * request are kept, with b->package set. NK_ECORRUPT (field "server": it is the
 * server's answer the command reads) when what names the case, role or state is
 * missing; NK_EINVAL from the rules' decoder. */
NK_MUST_USE enum nk_status nk_brief_from_json(const json_t *obj, struct nk_brief *b,
					      struct nk_error *err);

/* The identities the roles registered, by role name, each with "sign", "seal" and
 * "safety_number"; NULL when none has joined (or out of memory). */
json_t *nk_keys_to_json(const bool joined[static NK_ROLE_COUNT],
			const struct nk_identity identity[static NK_ROLE_COUNT]);

/* Whether any role has joined: nk_keys_to_json's NULL is then out of memory. */
bool nk_keys_any(const bool joined[static NK_ROLE_COUNT]);

/* Decodes rules from an object made by nk_rules_to_json, then checks them. */
NK_MUST_USE enum nk_status nk_rules_from_json(const json_t *obj, struct nk_rules *rules,
					      struct nk_error *err);

/* Decodes rules from JSON text of at most len bytes (duplicate keys refused). */
NK_MUST_USE enum nk_status nk_rules_from_text(const char *text, size_t len,
					      struct nk_rules *rules, struct nk_error *err);

/* A briefing's "neutral" object (brief_neutral_json.c), present when the rules declare
 * neutrals: {"evaluating", "fair_given" (mediator), "last_figures": {"demand", "offer"}
 * and "own_fair" (a neutral, while its turn lasts), "rule" (settled by the neutrals),
 * "other_figure_told" (a party: the settlement told it the other's last figure)}; read
 * back into b, each member absent from an older server's answer left as none. */
json_t *nk_brief_neutral_to_json(const struct nk_brief *b);
void nk_brief_neutral_from_json(const json_t *obj, struct nk_brief *b);
/* Whether a neutrals' settlement by rule told party role the other's last figure: a
 * settlement on the other's figure is it, and the midpoint gives it as twice the
 * settlement less one's own. */
bool nk_neutral_tells_other(enum nk_role role, int rule);
/* What such a settlement tells, in the leakage's bits (nk_bargain_bits over the rules'
 * range): the whole of the other's figure, to one point, or to two at the midpoint
 * (rounded down). The JSON's "other_figure_bits", beside "other_figure_told". */
double nk_neutral_told_bits(const struct nk_rules *rules, int rule);

#endif
