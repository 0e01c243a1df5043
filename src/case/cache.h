/* Internal to case/: the cache of folded case states (cache.c) and the state a write
 * transaction keeps current beside it. */
#ifndef NAKODO_CASE_CACHE_H
#define NAKODO_CASE_CACHE_H
#include "case/case_impl.h"

/* Copies the cached state of case id into *out when the cache holds it folded up to
 * exactly event seq whose chain hash is chain (the store's last event, read in the
 * same transaction); false otherwise. */
bool case_cache_get(struct nk_case_cache *c, const char *id, int64_t seq,
		    const uint8_t chain[static NK_CHAIN_BYTES], struct case_state *out);
/* Keeps st as case st->id folded up to event seq (chain), unless the case has ended
 * (then whatever was kept is wiped and dropped). Evicts the least recently used. */
void case_cache_put(struct nk_case_cache *c, const struct case_state *st, int64_t seq,
		    const uint8_t chain[static NK_CHAIN_BYTES]);

/* This thread's write transaction on a case: begun by case_load with the state it
 * loaded, advanced by case_append with every event appended, and on a commit put in
 * the cache (case_finish) when there is one; anything else ends it unused. Wiped at
 * the end. */
void case_pending_begin(const struct nk_case_env *env, const struct case_state *st,
			int64_t seq, const uint8_t chain[static NK_CHAIN_BYTES]);
void case_pending_append(const struct nk_case_env *env, const char *id,
			 const struct nk_event *ev);
void case_pending_end(const struct nk_case_env *env, bool committed);
/* The pending state of case id with every event appended so far folded in; NULL when
 * there is none (an unlinked log, an event that did not fold, another case). */
const struct case_state *case_pending_state(const char *id);
#endif
