/* The inside of the store: the vtable every backend fills, the handle the generic
 * layer keeps, and the sizes of what a backend is asked to hold. The generic layer is
 * one unit over nakodo/store.h, split by subject (store.c: opening, transactions, cases
 * and events, and the checks below; secret.c, token.c, envelope.c, record.c); each
 * backend is one unit behind its vtable (store/sqlite.h, store/mem.h). Backends store
 * and return bytes only; checking input and sealing secrets happen in the generic layer. */
#ifndef NAKODO_STORE_IMPL_H
#define NAKODO_STORE_IMPL_H

#include <nakodo/store.h>

#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_KEY_BYTES crypto_secretbox_KEYBYTES	/* the storage key: 32 bytes */

/* A sealed secret: version byte, random nonce, then MAC and ciphertext. */
#define STORE_SEAL_VERSION 1
#define STORE_SEAL_OVERHEAD (1 + crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
#define STORE_SEALED_MAX (STORE_SEAL_OVERHEAD + NK_SECRET_MAX)

/* SQLite's PRAGMA application_id of a nakodo database ("NKOD") and the schema
 * version in PRAGMA user_version. */
#define STORE_APPLICATION_ID 0x4e4b4f44
#define STORE_SCHEMA_VERSION 5	/* 5 added batches; 4 event links and the record; 3 the
				 * envelopes; 2 the tokens table; older versions are
				 * upgraded on open */

#define STORE_TOKEN_HASH 32	/* bytes of a token's keyed hash */
/* The storage key's block (sodium_malloc, read-only once open): the storage key, then
 * the key tokens are hashed with, derived from it once at open (token.c). */
#define STORE_TOKEN_KEY_BYTES crypto_generichash_KEYBYTES
#define STORE_KEY_BLOCK (STORE_KEY_BYTES + STORE_TOKEN_KEY_BYTES)

/* What a backend does. state is the backend's own handle, made by open. Every case id,
 * name and event handed in has been checked by store.c; every write arrives between
 * begin and commit/rollback, never nested. Functions that fail leave their outputs
 * untouched and fill err. */
struct nk_store_ops {
	const char *scheme;	/* "sqlite" in "sqlite:PATH" */
	unsigned caps;		/* enum nk_store_caps */

	/* Opens location (the URL after "scheme:") and fills key with the storage key:
	 * read from where the backend keeps it, or made and kept there when it creates
	 * the store. key is writable sodium_malloc memory of STORE_KEY_BYTES. */
	enum nk_status (*open)(void **state, const char *location, unsigned flags,
			       uint8_t key[static STORE_KEY_BYTES], struct nk_error *err);
	void (*close)(void *state);

	enum nk_status (*begin)(void *state, struct nk_error *err);
	enum nk_status (*commit)(void *state, struct nk_error *err);
	void (*rollback)(void *state);

	/* NK_EINVAL if the case exists. */
	enum nk_status (*case_create)(void *state, const char *case_id, int64_t created_ms,
				      struct nk_error *err);
	/* Stores ev under the next seq of the case and sets ev->seq. NK_ENOTFOUND if
	 * there is no such case. */
	enum nk_status (*append)(void *state, const char *case_id, struct nk_event *ev,
				 struct nk_error *err);
	/* Fills out with a new list in seq order. NK_ENOTFOUND if no such case. */
	enum nk_status (*load)(void *state, const char *case_id, struct nk_event_list *out,
			       struct nk_error *err);
	enum nk_status (*list_cases)(void *state, bool (*fn)(const char *case_id, void *arg),
				     void *arg, struct nk_error *err);
	/* The last event's seq (0: none), whether it is linked, and its chain hash.
	 * NK_ENOTFOUND if no such case. */
	enum nk_status (*last_link)(void *state, const char *case_id, int64_t *seq, bool *linked,
				    uint8_t chain[static NK_CHAIN_BYTES], struct nk_error *err);
	/* How many leading events of the case were stored before links existed (schema
	 * version 4): 0 for every case made since, and for a case there is not. */
	enum nk_status (*legacy_events)(void *state, const char *case_id, int64_t *count,
					struct nk_error *err);

	/* The record (nk_store_record_*): entries by index from 0, one per case at most,
	 * and checkpoints by size, one per size. record_append is NK_EINVAL when the case
	 * has an entry, NK_ENOTFOUND when there is no such case; record_find NK_ENOTFOUND
	 * when it has none; checkpoint_put NK_EINVAL when size has one; checkpoint_get
	 * NK_ENOTFOUND when it has none. */
	enum nk_status (*record_append)(void *state, const char *case_id, const uint8_t *data,
					size_t len, const uint8_t sig[static NK_RECORD_SIG_BYTES],
					uint64_t *index, struct nk_error *err);
	enum nk_status (*record_find)(void *state, const char *case_id, uint64_t *index,
				      uint8_t data[static NK_RECORD_ENTRY_MAX], size_t *len,
				      uint8_t sig[static NK_RECORD_SIG_BYTES], struct nk_error *err);
	enum nk_status (*record_size)(void *state, uint64_t *size, struct nk_error *err);
	enum nk_status (*record_each)(void *state, uint64_t start,
				      bool (*fn)(uint64_t index, const uint8_t *data, size_t len,
						 void *arg),
				      void *arg, struct nk_error *err);
	enum nk_status (*checkpoint_put)(void *state, uint64_t size, const uint8_t *data,
					 size_t len, struct nk_error *err);
	enum nk_status (*checkpoint_get)(void *state, uint64_t size,
					 uint8_t data[static NK_CHECKPOINT_DATA_MAX], size_t *len,
					 struct nk_error *err);

	/* Stores, replacing, the sealed bytes of (case, name); len <= STORE_SEALED_MAX.
	 * NK_ENOTFOUND if there is no such case. */
	enum nk_status (*secret_put)(void *state, const char *case_id, const char *name,
				     const uint8_t *sealed, size_t len, struct nk_error *err);
	/* Copies the sealed bytes of (case, name) into sealed and sets *len.
	 * NK_ENOTFOUND if there are none. */
	enum nk_status (*secret_get)(void *state, const char *case_id, const char *name,
				     uint8_t sealed[static STORE_SEALED_MAX], size_t *len,
				     struct nk_error *err);
	/* Deletes, overwriting them, all sealed bytes of the case. NK_ENOTFOUND if there
	 * is no such case. */
	enum nk_status (*secret_purge)(void *state, const char *case_id, struct nk_error *err);
	/* Outside a transaction: leaves no copy of deleted data in the backend's files. */
	enum nk_status (*scrub)(void *state, struct nk_error *err);
	/* The owed scrubs: secret_purge records one in its transaction; scrub_owed sets
	 * *mark to the newest one's number (0: none); scrub_done, inside a transaction,
	 * forgets those up to mark. Numbers only grow. */
	enum nk_status (*scrub_owed)(void *state, int64_t *mark, struct nk_error *err);
	enum nk_status (*scrub_done)(void *state, int64_t mark, struct nk_error *err);

	/* A read-only snapshot, ended by end_read (never by rollback). */
	enum nk_status (*begin_read)(void *state, struct nk_error *err);
	void (*end_read)(void *state);

	/* Tokens by the keyed hash of their bytes. case_id "" is server-wide; otherwise
	 * token_put is NK_ENOTFOUND if there is no such case. token_find copies the stored
	 * hash into stored for the caller's constant-time comparison. */
	enum nk_status (*token_put)(void *state, const uint8_t hash[static STORE_TOKEN_HASH],
				    const char *case_id, const char *role, struct nk_error *err);
	enum nk_status (*token_find)(void *state, const uint8_t hash[static STORE_TOKEN_HASH],
				     uint8_t stored[static STORE_TOKEN_HASH],
				     char case_id[static NK_CASE_ID_MAX],
				     char role[static NK_TOKEN_ROLE_MAX], struct nk_error *err);
	enum nk_status (*token_revoke)(void *state, const char *case_id, const char *role,
				       size_t *count, struct nk_error *err);
	enum nk_status (*token_count)(void *state, const char *case_id, const char *role,
				      size_t *count, struct nk_error *err);

	/* Envelopes (sealed messages), stored as given; len <= NK_ENVELOPE_MAX.
	 * envelope_put is NK_EINVAL if (case, name) exists and NK_ENOTFOUND if there is no
	 * such case; envelope_get returns a malloc'd copy; both get and delete are
	 * NK_ENOTFOUND if there is no such envelope. */
	enum nk_status (*envelope_put)(void *state, const char *case_id, const char *name,
				       const uint8_t *env, size_t len, struct nk_error *err);
	enum nk_status (*envelope_get)(void *state, const char *case_id, const char *name,
				       uint8_t **out, size_t *len, struct nk_error *err);
	enum nk_status (*envelope_delete)(void *state, const char *case_id, const char *name,
					  struct nk_error *err);

	/* The operator's list (nk_store_summary_*, checked by summary.c): summary_put
	 * replaces the case's summary (NK_ENOTFOUND if no such case); summary_page fills
	 * out[0..limit) newest first after the case after ("" from the newest; NK_ENOTFOUND
	 * if no such case), kept false where the case has no summary. */
	enum nk_status (*summary_put)(void *state, const struct nk_case_summary *s,
				      struct nk_error *err);
	enum nk_status (*summary_page)(void *state, const char *after, size_t limit,
				       struct nk_case_summary *out, size_t *count,
				       struct nk_error *err);

	/* Group commit: relax_sync makes this connection's COMMIT skip the flush; flush
	 * (on no connection) makes every commit so far at location durable. */
	enum nk_status (*relax_sync)(void *state, struct nk_error *err);
	enum nk_status (*flush)(const char *location, struct nk_error *err);

	/* Batches (group.c; NULL for a backend without): batch_open opens a group's shared
	 * writer connection to location, whose begin, commit and rollback are a savepoint,
	 * its release and its undoing inside one open transaction, the batch, which
	 * batch_commit commits (nothing when none is open; a batch that the database rolled
	 * back by itself is a failure). batch_checkpoint, outside the turn, runs the WAL's
	 * checkpoint when the writer's commits have made one owed. */
	enum nk_status (*batch_open)(void **state, const char *location, struct nk_error *err);
	enum nk_status (*batch_commit)(void *state, struct nk_error *err);
	void (*batch_checkpoint)(void *state);
	/* The server's signature of each batch (nk_store_batch_leaf, nk_store_batch_get):
	 * batch_leaf and batch_get on the writer (NULL for a backend without batches);
	 * batch_seal, in the turn just before batch_commit, signs the open batch's leaves
	 * and stores the batch (a failure loses the batch: batch_commit fails it). */
	enum nk_status (*batch_leaf)(void *state, const uint8_t leaf[static NK_CHAIN_BYTES],
				     nk_store_batch_signer *sign, void *arg, uint64_t *number,
				     uint32_t *index, struct nk_error *err);
	enum nk_status (*batch_get)(void *state, uint64_t number,
				    uint8_t (**leaves)[NK_CHAIN_BYTES], size_t *count,
				    uint8_t sig[static NK_COUNTERSIG_BYTES], bool *open,
				    struct nk_error *err);
	void (*batch_seal)(void *state);

	/* Where the server's signing key lives for the store at location, into out[size];
	 * NULL for a backend that keeps no files (the key is then made for each run). */
	enum nk_status (*server_key_path)(const char *location, char *out, size_t size,
					  struct nk_error *err);

	/* Outside a transaction: whether the database answers, reconnecting when the
	 * connection was lost. NULL for a backend without a server (sqlite, mem). */
	enum nk_status (*ping)(void *state, struct nk_error *err);
};

/* The handle nk_store_open returns. */
struct nk_store {
	const struct nk_store_ops *ops;
	void *backend;
	uint8_t *key;		/* sodium_malloc, read-only once open */
	bool in_tx;
	bool read_tx;		/* the transaction is a read snapshot */
	struct nk_store_group *group;	/* borrowed; NULL when not grouped */
	bool holds_turn;	/* holds the group's writer lock */
	/* In a write transaction of a group with a shared writer, backend is the writer's
	 * and own this connection's, put back when the transaction ends. */
	void *own;
	uint64_t unseen;	/* the ticket of this store's last write, maybe not committed */
	bool defer_durable;	/* NK_STORE_DEFER_DURABLE: commit does not wait for the flush */
};

/* Each backend's one export: its vtable (sqlite.c, mem.c), which store.c picks by scheme. */
extern const struct nk_store_ops store_sqlite_ops;
extern const struct nk_store_ops store_mem_ops;
extern const struct nk_store_ops store_pg_ops;		/* "postgresql:" (pg.c) */
extern const struct nk_store_ops store_postgres_ops;	/* "postgres:", the same */

/* store.c: the backend url names and the location it is handed (the URL after the
 * scheme, or a bare path for sqlite). NK_EINVAL for a scheme this build has not. */
NK_MUST_USE enum nk_status store_parse_url(const char *url, const struct nk_store_ops **ops,
					   const char **location, struct nk_error *err);

/* token.c: fills the token key after the storage key in store->key's block (store.c, at
 * open, before the block is made read-only). */
NK_MUST_USE enum nk_status store_token_key_derive(struct nk_store *store, struct nk_error *err);

/* store.c: the checks the generic layer's files share, each naming the field and the
 * reason. */
NK_MUST_USE enum nk_status store_check_case_id(const char *case_id, struct nk_error *err);
NK_MUST_USE enum nk_status store_check_secret_name(const char *name, struct nk_error *err);
NK_MUST_USE enum nk_status store_check_in_tx(const struct nk_store *store, const char *what,
					     struct nk_error *err);
/* The case id, then the secret's or envelope's name. */
NK_MUST_USE enum nk_status store_check_names(const char *case_id, const char *name,
					     struct nk_error *err);
/* A write transaction (what names the operation), then the case id. */
NK_MUST_USE enum nk_status store_check_write(const struct nk_store *store, const char *what,
					     const char *case_id, struct nk_error *err);
/* store.c: before a read through the store's own connection (outside a transaction):
 * waits until the batch holding this store's last write is committed, so that the
 * connection reads what it wrote (group.c). Costs nothing otherwise. */
void store_see_own(struct nk_store *store);

#endif
