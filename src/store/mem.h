/* The "mem:" backend is one unit behind one vtable (store_mem_ops): mem.c (cases,
 * secrets, tokens, envelopes, transactions, the vtable) and mem_record.c (the record
 * and event links). This header is that unit's inside: its state, and what each file
 * gives the other. Nothing outside the two includes it. */
#ifndef NAKODO_STORE_MEM_H
#define NAKODO_STORE_MEM_H

#include "store/store_impl.h"

struct mem_case {
	char id[NK_CASE_ID_MAX];
	int64_t created_ms;
	struct nk_event *events;
	size_t count, cap;
	size_t committed;	/* events before the open transaction */
	struct nk_case_summary sum, committed_sum;	/* kept false: none */
};

struct mem_secret {
	char case_id[NK_CASE_ID_MAX];
	char name[NK_SECRET_NAME_MAX];
	size_t len;
	uint8_t sealed[STORE_SEALED_MAX];
};

struct mem_secrets {
	struct mem_secret *items;
	size_t count;
};

struct mem_token {
	uint8_t hash[STORE_TOKEN_HASH];
	char case_id[NK_CASE_ID_MAX];
	char role[NK_TOKEN_ROLE_MAX];
};

struct mem_tokens {
	struct mem_token *items;
	size_t count;
};

/* An envelope, with what the open transaction did to it, so that commit and rollback
 * can settle it. */
struct mem_envelope {
	char case_id[NK_CASE_ID_MAX];
	char name[NK_SECRET_NAME_MAX];
	uint8_t *bytes;
	size_t len;
	bool added, deleted;	/* in the open transaction */
};

struct mem_envelopes {
	struct mem_envelope *items;
	size_t count;
};

/* The record: entries and checkpoints, each list cut back to its committed length on
 * rollback. */
struct mem_entry {
	char case_id[NK_CASE_ID_MAX];
	size_t len;
	uint8_t data[NK_RECORD_ENTRY_MAX];
	uint8_t sig[NK_RECORD_SIG_BYTES];
};

struct mem_checkpoint {
	uint64_t size;
	size_t len;
	uint8_t data[NK_CHECKPOINT_DATA_MAX];
};

struct mem_store {
	struct mem_entry *entries;
	size_t nentries, entries_cap, committed_entries;
	struct mem_checkpoint *checkpoints;
	size_t ncheckpoints, checkpoints_cap, committed_checkpoints;
	struct mem_case *cases;
	size_t ncases, cases_cap;
	size_t committed_cases;
	struct mem_secrets secrets;
	struct mem_secrets saved;	/* the secrets as they were at begin */
	struct mem_tokens tokens;
	struct mem_tokens saved_tokens;
	struct mem_envelopes envelopes;
};

/* mem.c: the case named case_id, or NULL; the refusal when there is none. */
struct mem_case *mem_find_case(struct mem_store *m, const char *case_id);
NK_MUST_USE enum nk_status mem_no_case(const char *case_id, struct nk_error *err);
/* mem.c: makes room for one more item of size elem in *items (holding count of *cap),
 * doubling the room, or making room for first at the start; false when out of memory. */
NK_MUST_USE bool mem_grow(void **items, size_t *cap, size_t count, size_t elem, size_t first);

/* mem_summary.c */
NK_MUST_USE enum nk_status mem_summary_put(void *state, const struct nk_case_summary *s,
					   struct nk_error *err);
NK_MUST_USE enum nk_status mem_summary_page(void *state, const char *after, size_t limit,
					    struct nk_case_summary *out, size_t *count,
					    struct nk_error *err);

/* mem_record.c */
NK_MUST_USE enum nk_status mem_last_link(void *state, const char *case_id, int64_t *seq,
					 bool *linked, uint8_t chain[static NK_CHAIN_BYTES],
					 struct nk_error *err);
NK_MUST_USE enum nk_status mem_legacy_events(void *state, const char *case_id, int64_t *count,
					     struct nk_error *err);
NK_MUST_USE enum nk_status mem_record_append(void *state, const char *case_id, const uint8_t *data,
					     size_t len,
					     const uint8_t sig[static NK_RECORD_SIG_BYTES],
					     uint64_t *index, struct nk_error *err);
NK_MUST_USE enum nk_status mem_record_find(void *state, const char *case_id, uint64_t *index,
					   uint8_t data[static NK_RECORD_ENTRY_MAX], size_t *len,
					   uint8_t sig[static NK_RECORD_SIG_BYTES],
					   struct nk_error *err);
NK_MUST_USE enum nk_status mem_record_size(void *state, uint64_t *size, struct nk_error *err);
NK_MUST_USE enum nk_status mem_record_each(void *state, uint64_t start,
					   bool (*fn)(uint64_t index, const uint8_t *data,
						      size_t len, void *arg),
					   void *arg, struct nk_error *err);
NK_MUST_USE enum nk_status mem_checkpoint_put(void *state, uint64_t size, const uint8_t *data,
					      size_t len, struct nk_error *err);
NK_MUST_USE enum nk_status mem_checkpoint_get(void *state, uint64_t size,
					      uint8_t data[static NK_CHECKPOINT_DATA_MAX],
					      size_t *len, struct nk_error *err);

#endif
