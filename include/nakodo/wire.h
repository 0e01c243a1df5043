/* JSON shapes of a case's log, its sealed messages and a role's inbox: what the server
 * sends and the command prints alike (src/formats/wire_log.c, wire_message.c). */
#ifndef NAKODO_WIRE_H
#define NAKODO_WIRE_H

#include <nakodo/brief.h>
#include <nakodo/store.h>

#include <jansson.h>

/* {"case": ID, "events": [{seq, time_ms, actor, type, body, chain, countersignature},
 * …]}, the link in lowercase hex: a new reference, or NULL when out of memory. */
json_t *nk_wire_log_to_json(const char *case_id, const struct nk_event_list *log);

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

#endif
