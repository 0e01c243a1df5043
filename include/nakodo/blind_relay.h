/* The relay's wire (issue 16, doc/api.md, "…/blind/messages"): a blind case's frame
 * travels as the raw body of a POST (application/octet-stream), its round and number in
 * the signed query (?round=R&seq=K), and comes back as the raw body of a read's answer,
 * the relay's numbers in its headers (Nakodo-Round, Nakodo-Epoch, Nakodo-Seq), so that no
 * end encodes, parses or decodes a frame of up to 128 KiB as base64 inside JSON. What the
 * ends read besides the frame's bytes: decimal numbers, taken strictly. */
#ifndef NAKODO_BLIND_RELAY_H
#define NAKODO_BLIND_RELAY_H

#include <nakodo/status.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NK_RELAY_CONTENT_TYPE "application/octet-stream"
/* A message's number in its direction, 1 to this. */
#define NK_RELAY_SEQ_MAX 1000000

/* Whether text is a decimal number of digits only (no sign, space or suffix) from 0 to
 * max; if so, *out is it. */
bool nk_relay_number(const char *text, uint64_t max, uint64_t *out);

/* What a read of the relay answered. */
struct nk_relay_answer {
	int round;		/* the case's open round */
	uint32_t epoch;		/* how often the sender started its direction over */
	uint32_t seq;		/* the message's number; 0: none was waiting */
};

/* Reads a relay read's answer as a client got it: its HTTP status (200 with a message,
 * 204 without), its headers (NULL when absent) and the length of its body, which must
 * be 1 to cap bytes with a message and none without. Anything else is NK_ECRYPTO, field
 * "message": the answer was altered on its way, and nothing of it is used. */
NK_MUST_USE enum nk_status nk_relay_answer_read(long http, const char *round,
						const char *epoch, const char *seq, size_t len,
						size_t cap, struct nk_relay_answer *out,
						struct nk_error *err);

#endif
