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
