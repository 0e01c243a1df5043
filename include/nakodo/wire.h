/* JSON shapes of a case's log, its sealed messages and a role's inbox: what the server
 * sends and the command prints alike (src/formats/wire_log.c, wire_message.c). */
#ifndef NAKODO_WIRE_H
#define NAKODO_WIRE_H

#include <nakodo/brief.h>
#include <nakodo/ledger.h>
#include <nakodo/store.h>

#include <jansson.h>

/* {"case": ID, "events": [{seq, time_ms, actor, type, body, chain, countersignature},
 * …]}, the link in lowercase hex: a new reference, or NULL when out of memory. */
json_t *nk_wire_log_to_json(const char *case_id, const struct nk_event_list *log);

/* When the log's last link is in a batch (doc/crypto.md, "Batches"): its proof as
 * "batch": {"number", "index", "proof": [NK_BATCH_DEPTH hashes in hex, from the leaf
 * up], "signature"} in log. NK_ENOMEM when out of memory. */
NK_MUST_USE enum nk_status nk_wire_log_add_proof(json_t *log, const struct nk_batch_proof *proof);

/* ---- sealed messages and deposits (src/formats/wire_message.c) ---- */

/* The longest envelope in base64 (sodium's original variant, padded), NUL included. */
#define NK_WIRE_ENVELOPE_B64_MAX (4 * ((NK_ENVELOPE_MAX + 2) / 3) + 1)

/* An envelope as base64 text: a new reference, or NULL when out of memory. */
json_t *nk_wire_envelope_to_json(const uint8_t *env, size_t len);
/* The envelope in a base64 string: a new buffer (free()) of 1 to NK_ENVELOPE_MAX bytes;
 * NK_EINVAL (field "envelope") for anything else. */
NK_MUST_USE enum nk_status nk_wire_envelope_from_json(const json_t *text, uint8_t **out,
						   size_t *len, struct nk_error *err);

/* What was accepted of a send or deposit: {"case", "kind", "from", "to", "n", "size",
 * "sha256"} from the envelope's clear header, and for a deposit "released". */
json_t *nk_wire_sent_to_json(const char *case_id, const uint8_t *env, size_t len,
			  bool released);

/* A page of a role's inbox: {"case", "role", "items": [{"index", "time_ms", "kind",
 * "from", "to", "n", "sha256", "envelope"}], "more", "deposit": {"held", "released"}}. */
json_t *nk_wire_inbox_to_json(const char *case_id, enum nk_role role, const struct nk_inbox *box);

/* A withdrawal: {"case", "role", "withdrawn": n}. */
json_t *nk_wire_withdrawn_to_json(const char *case_id, enum nk_role role, uint64_t n);

/* ---- opening a case, its tokens, the list of cases (wire_case.c) ---- */

#define NK_WIRE_TOKEN_MAX 129	/* a token's hex text and its NUL, with room to spare */

/* The request that opens a case: {"rules": R} (a case of figures) or {"package": F} (a
 * package case's frame); exactly one of rules and frame is not NULL. */
json_t *nk_wire_open_to_json(const struct nk_rules *rules, const struct nk_package_frame *frame);
/* Reads it: NK_EINVAL (field "body") unless exactly one of the two is there, then the
 * rules' or the frame's decoder (the frame's rules are the opening's to check). *package
 * says which was read; the outputs are untouched on failure. */
NK_MUST_USE enum nk_status nk_wire_open_from_json(const json_t *body, struct nk_rules *rules,
						  struct nk_package_frame *frame, bool *package,
						  struct nk_error *err);

/* A bridge's budget in the opening request of a case of figures: "bridge": AMOUNT (an
 * integer in minor units) inside its rules, where a briefing's rules say only
 * "bridge": true. nk_wire_open_bridge sets it (budget 0: body unchanged; NULL-safe).
 * nk_wire_open_bridge_take removes it from body's rules before they are read, into
 * *budget (0 when there is none, or "bridge": false): NK_EINVAL (field "bridge") when
 * it is not a positive integer. The amount never reaches an error's text. */
json_t *nk_wire_open_bridge(json_t *body, int64_t budget);
NK_MUST_USE enum nk_status nk_wire_open_bridge_take(json_t *body, int64_t *budget,
						    struct nk_error *err);

/* Either's "title" member (doc/api.md, POST /v1/cases): obj with "title": title when
 * title is not NULL, else obj; NULL-safe, NULL when out of memory. */
json_t *nk_wire_opened_titled(json_t *obj, const char *title);
/* The request's "title" into title: "" when it has none; NK_EINVAL (field "title") when
 * it is not a title (nk_title_check). */
NK_MUST_USE enum nk_status nk_wire_open_title(const json_t *body,
					      char title[static NK_TITLE_MAX + 1],
					      struct nk_error *err);

/* The answer: {"case": ID, "rules": R | "frame": F, "tokens": {"claimant", "payer",
 * "mediator"}}; tokens (indexed by role) may be NULL: a case opened on the database
 * directly has none, and its answer has no "tokens". */
json_t *nk_wire_opened_to_json(const char *id, const struct nk_rules *rules,
			       const struct nk_package_frame *frame,
			       const char *const *tokens);
/* The invitation links of an opened answer that has tokens: adds "links": {ROLE:
 * "BASE/case/ID#token=TOKEN"} beside "tokens" (the token only in the fragment, which no
 * browser sends), BASE being the server's address as its users reach it ("http://HOST:PORT",
 * a trailing '/' dropped). Nothing when the answer has no tokens or has links already.
 * NK_EINVAL (field "url") for a BASE that is not http:// or https://; NK_ENOMEM. */
NK_MUST_USE enum nk_status nk_wire_opened_add_links(json_t *opened, const char *base,
						    struct nk_error *err);
/* Reads it back: the id, which of rules or frame, and the tokens when there are
 * (*has_tokens). NK_EINVAL naming the first member that does not read. */
NK_MUST_USE enum nk_status nk_wire_opened_from_json(const json_t *obj, char id[static NK_CASE_ID_MAX],
						    struct nk_rules *rules,
						    struct nk_package_frame *frame, bool *package,
						    char tokens[NK_ROLE_COUNT][NK_WIRE_TOKEN_MAX],
						    bool *has_tokens, struct nk_error *err);

/* A reissue or revoke of role's tokens: {"case", "role", "revoked": N, "token": the new
 * one (reissue only; token NULL for a revoke)}. */
json_t *nk_wire_tokens_to_json(const char *case_id, const char *role, uint64_t revoked,
			       const char *token);
NK_MUST_USE enum nk_status nk_wire_tokens_from_json(const json_t *obj,
						    char case_id[static NK_CASE_ID_MAX],
						    enum nk_role *role, uint64_t *revoked,
						    char token[static NK_WIRE_TOKEN_MAX],
						    bool *has_token, struct nk_error *err);

/* {"cases": [ID, …]} from an array of ids (the reference is taken). */
json_t *nk_wire_cases_to_json(json_t *ids);

/* ---- reading back what the server sends (wire_read.c) ---- */

/* What nk_wire_sent_to_json says of an accepted envelope, read back. */
struct nk_wire_sent {
	char case_id[NK_CASE_ID_MAX];
	enum nk_message_kind kind;
	enum nk_role from, to;
	uint64_t n, size;
	uint8_t sha256[NK_HASH_BYTES];
	bool has_released;		/* a deposit's answer */
	bool released;
};
NK_MUST_USE enum nk_status nk_wire_sent_from_json(const json_t *obj, struct nk_wire_sent *out,
						  struct nk_error *err);

/* A withdrawal's answer (nk_wire_withdrawn_to_json), read back. */
NK_MUST_USE enum nk_status nk_wire_withdrawn_from_json(const json_t *obj,
						       char case_id[static NK_CASE_ID_MAX],
						       enum nk_role *role, uint64_t *n,
						       struct nk_error *err);

/* The log (nk_wire_log_to_json's shape) into out, which the caller frees with
 * nk_event_list_free; the case's id into case_id. NK_EINVAL naming the first member
 * that does not read. */
NK_MUST_USE enum nk_status nk_wire_log_from_json(const json_t *obj,
						 char case_id[static NK_CASE_ID_MAX],
						 struct nk_event_list *out, struct nk_error *err);

/* The log's "batch" (nk_wire_log_add_proof) into out, *has false when it has none.
 * NK_EINVAL for one that does not read, a proof of any other length among them. */
NK_MUST_USE enum nk_status nk_wire_log_proof_from_json(const json_t *log,
						       struct nk_batch_proof *out, bool *has,
						       struct nk_error *err);

/* A page of an inbox (nk_wire_inbox_to_json's shape) into out (nk_inbox_free), with its
 * case and role. */
NK_MUST_USE enum nk_status nk_wire_inbox_from_json(const json_t *obj,
						   char case_id[static NK_CASE_ID_MAX],
						   enum nk_role *role, struct nk_inbox *out,
						   struct nk_error *err);

#endif
