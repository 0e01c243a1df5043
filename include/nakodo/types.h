/* The vocabulary every layer shares: how long a case id may be and what one event of a
 * case's log holds. Kept apart from store.h so that crypto (which signs events) and the
 * store (which keeps them) both stand on it without standing on each other. */
#ifndef NAKODO_TYPES_H
#define NAKODO_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NK_CASE_ID_MAX 64	/* case ids are shorter than this, NUL included */
#define NK_EVENT_TYPE_MAX 32
#define NK_EVENT_ACTOR_MAX 24	/* "claimant-principal" and its NUL fit */
#define NK_EVENT_BODY_MAX 16384	/* bytes of JSON text, NUL excluded */
#define NK_CHAIN_BYTES 32	/* an event's chain hash (SHA-256) */
#define NK_COUNTERSIG_BYTES 64	/* the server's Ed25519 countersignature of it */

/* One entry of a case's log. body is JSON text owned by whoever holds the event.
 * actor and type are non-empty and hold letters, digits and "-_.:" only. The link
 * (chain hash and the server's countersignature, doc/crypto.md) is made by the case
 * layer and kept by the store as bytes; linked is false for an event stored without. */
struct nk_event {
	int64_t seq;		/* 1, 2, … within its case; set by nk_store_append */
	int64_t time_ms;	/* milliseconds since the Unix epoch, UTC */
	char actor[NK_EVENT_ACTOR_MAX];
	char type[NK_EVENT_TYPE_MAX];
	char *body;
	bool linked;
	uint8_t chain[NK_CHAIN_BYTES];
	uint8_t countersig[NK_COUNTERSIG_BYTES];
};

struct nk_event_list {
	struct nk_event *events;
	size_t count;
};

#endif
