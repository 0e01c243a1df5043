/* The "sqlite:" backend is one unit behind one vtable (store_sqlite_ops, in sqlite.c),
 * split by subject: sqlite_open.c (opening, the prepared statements), sqlite_schema.c
 * (the tables of each version and the upgrades), sqlite.c (transactions, events,
 * secrets, tokens, envelopes), sqlite_record.c (links, the record, checkpoints), sqlite_private.c (file modes and the scrub), sqlite_wal.c
 * (group commit: the flush, the shared writer's batches, the WAL's checkpoints) and
 * sqlite_stmt.c (running a statement). This header is that unit's inside: the handle with the
 * prepared statements of one connection, and what each file gives the others, under its
 * file's name. Nothing outside the unit includes it. */
#ifndef NAKODO_STORE_SQLITE_H
#define NAKODO_STORE_SQLITE_H

#include "store/store_impl.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>

#define STORE_SQLITE_BUSY_MS 5000	/* how long to wait for another writer */
#define STORE_SCRUB_BUSY_MS 1000	/* how long a scrub waits for readers to move on */

/* Every statement the backend runs after opening, prepared once per connection. */
enum sq_stmt {
	SQ_BEGIN,
	SQ_COMMIT,
	SQ_ROLLBACK,
	SQ_CASE_CREATE,
	SQ_CASE_EXISTS,
	SQ_APPEND,
	SQ_LOAD,
	SQ_LIST,
	SQ_SECRET_PUT,
	SQ_SECRET_GET,
	SQ_SECRET_PURGE,
	SQ_CHECKPOINT,
	SQ_BEGIN_READ,
	SQ_TOKEN_PUT,
	SQ_TOKEN_FIND,
	SQ_TOKEN_REVOKE,
	SQ_TOKEN_COUNT,
	SQ_ENVELOPE_PUT,
	SQ_ENVELOPE_GET,
	SQ_ENVELOPE_DELETE,
	SQ_LAST_LINK,
	SQ_RECORD_APPEND,
	SQ_RECORD_FIND,
	SQ_RECORD_SIZE,
	SQ_RECORD_EACH,
	SQ_CP_PUT,
	SQ_CP_GET,
	SQ_LEGACY,
	SQ_SCRUB_OWE,
	SQ_SCRUB_OWED,
	SQ_SCRUB_DONE,
	SQ_CASE_ROWID,
	SQ_SUMMARY_PUT,
	SQ_SUMMARY_SET,
	SQ_SUMMARY_PAGE,
	SQ_SAVEPOINT,
	SQ_RELEASE,
	SQ_ROLLBACK_TO,
	SQ_LAST_SEQ,
	SQ_BATCH_PUT,
	SQ_BATCH_GET,
	SQ_BATCH_NEXT,
	SQ_COUNT
};

struct sq_store {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *stmt[SQ_COUNT];
	/* A group's shared writer (sqlite_wal.c): each transaction is a savepoint of the
	 * open batch, which the group's committer commits. */
	bool batched;
	bool batch_lost;	/* SQLite rolled back a batch that held released savepoints */
	unsigned released;	/* savepoints released into the open batch */
	struct sq_store *side;	/* the writer's second connection, for checkpoints */
	/* The writer's checkpoints one at a time: the group's checkpoint thread runs them
	 * on side, and a long WAL's restart (batch_begin) does not meet one running there
	 * busy: it waits for it only past SQ_RESTART_MOST, else tries later. Made with side. */
	pthread_mutex_t side_mu;
	/* set in the writer's COMMIT (the turn), read by the committer outside it */
	atomic_bool checkpoint_owed;	/* the WAL has grown: checkpoint after the flush */
	atomic_int checkpoint_frames;	/* the WAL's frames copied by the last checkpoint */
	int wal_frames;		/* the WAL's length at this connection's last commit */
	/* The writer's open batch (sqlite.c, batches): its number (0 until its first leaf),
	 * its leaves (NK_BATCH_LEAVES of room, made with the first), how many it holds, how
	 * many it held when the open savepoint began, and the signer of them all. */
	uint64_t batch_number;
	uint8_t (*leaves)[NK_CHAIN_BYTES];
	size_t leaf_count, leaf_mark;
	nk_store_batch_signer *batch_sign;
	void *batch_arg;
	/* The last event number of one case as this write transaction knows it (from
	 * last_link or its own append), so that an append after it inserts at the next
	 * without reading it again (sqlite.c, known_seq); forgotten at every begin and
	 * rollback. known_case "" when none. */
	char known_case[NK_CASE_ID_MAX];
	int64_t known_seq;
	/* The foreign keys to cases are not enforced on this connection (a shim's: the
	 * group's writer, sqlite_open.c): an insert that relied on them checks the case
	 * itself, unless the transaction knows it already (store_sqlite_case_known). */
	bool own_keys;
};

/* sqlite.c: the last event number a write transaction knows for case_id (sets *seq and
 * answers true), and setting or forgetting it (case_id NULL). */
bool store_sqlite_known_seq(const struct sq_store *s, const char *case_id, int64_t *seq);
void store_sqlite_know_seq(struct sq_store *s, const char *case_id, int64_t seq);
/* For an insert that names case_id: NK_OK when the case is there (known to this write
 * transaction, or, on a connection that enforces no foreign keys, looked up now), else
 * NK_ENOTFOUND as every operation on a missing case says. On a connection that enforces
 * them, NK_OK at once: the foreign key refuses the row. */
NK_MUST_USE enum nk_status store_sqlite_case_there(struct sq_store *s, const char *case_id,
						   struct nk_error *err);

/* sqlite_stmt.c: running a prepared statement. fail maps an SQLite result code to a
 * status and fills err with what failed, SQLite's reason and the database's path. */
NK_MUST_USE enum nk_status store_sqlite_fail(const struct sq_store *s, int sql_rc,
					     const char *field, const char *what,
					     struct nk_error *err);
/* Binds the parameters in order, then steps st once. params names each one's type:
 * 't' text (const char *), 'i' integer (int64_t), 'b' blob (const void *, then int
 * length; a null pointer leaves the parameter NULL). Returns the first failing bind's
 * code, else the step's (SQLITE_ROW, SQLITE_DONE or an error). The caller reads the row,
 * then calls store_sqlite_done. */
NK_MUST_USE int store_sqlite_run(sqlite3_stmt *st, const char *params, ...);
/* Resets st and clears its parameters, so that it holds no lock and no borrowed bytes. */
void store_sqlite_done(sqlite3_stmt *st);

/* sqlite_token.c: access tokens by their keyed hash (store_impl.h, token_*). */
NK_MUST_USE enum nk_status store_sqlite_token_put(void *state,
						  const uint8_t hash[static STORE_TOKEN_HASH],
						  const char *case_id, const char *role,
						  struct nk_error *err);
NK_MUST_USE enum nk_status store_sqlite_token_find(void *state,
						   const uint8_t hash[static STORE_TOKEN_HASH],
						   uint8_t stored[static STORE_TOKEN_HASH],
						   char case_id[static NK_CASE_ID_MAX],
						   char role[static NK_TOKEN_ROLE_MAX],
						   struct nk_error *err);
NK_MUST_USE enum nk_status store_sqlite_token_revoke(void *state, const char *case_id,
						     const char *role, size_t *count,
						     struct nk_error *err);
NK_MUST_USE enum nk_status store_sqlite_token_count(void *state, const char *case_id,
						    const char *role, size_t *count,
						    struct nk_error *err);
/* "there is no case ID" (NK_ENOTFOUND), as every operation on a missing case says. */
NK_MUST_USE enum nk_status store_sqlite_no_case(const char *case_id, struct nk_error *err);

/* sqlite_summary.c: the operator's list (store_impl.h, summary_put and summary_page). */
NK_MUST_USE enum nk_status store_sqlite_summary_put(void *state, const struct nk_case_summary *sum,
						    struct nk_error *err);
NK_MUST_USE enum nk_status store_sqlite_summary_page(void *state, const char *after, size_t limit,
						     struct nk_case_summary *out, size_t *count,
						     struct nk_error *err);

/* sqlite_schema.c: the tables of each version. exec prepares, runs to the end and
 * finalizes one fixed statement and returns SQLite's code; identify tells nakodo's
 * databases from empty ones and from everything else, reading only; create_schema makes
 * the tables of an empty database with the proof of key (sets *made; does nothing when
 * another process made them first); verify checks the schema version and the key;
 * upgrade brings an older database to the current version in one transaction. */
enum sq_kind { SQ_OURS, SQ_EMPTY, SQ_FOREIGN };
int store_sqlite_exec(sqlite3 *db, const char *sql);
NK_MUST_USE enum nk_status store_sqlite_identify(struct sq_store *s, enum sq_kind *kind,
						 struct nk_error *err);
NK_MUST_USE enum nk_status store_sqlite_create_schema(struct sq_store *s,
						      const uint8_t key[static STORE_KEY_BYTES],
						      bool *made, struct nk_error *err);
NK_MUST_USE enum nk_status store_sqlite_verify(struct sq_store *s, const char *key_path,
					       const uint8_t key[static STORE_KEY_BYTES],
					       struct nk_error *err);
NK_MUST_USE enum nk_status store_sqlite_upgrade(struct sq_store *s, struct nk_error *err);

/* sqlite_pcache.c: SQLite's page cache with balancing's parking number kept out of it;
 * installed for the process before SQLite starts (sqlite_open.c), else nothing. */
void store_sqlite_pcache_install(void);

/* sqlite_open.c */
NK_MUST_USE enum nk_status store_sqlite_open(void **state, const char *location, unsigned flags,
					     uint8_t key[static STORE_KEY_BYTES],
					     struct nk_error *err);
void store_sqlite_close(void *state);

/* sqlite_private.c: the files' modes and the scrub (doc/storage.md). make_private
 * makes the database file, empty and 0600, before SQLite opens it, and sets *made;
 * tighten takes other users' access away from the database's existing files and its
 * key file. scrub, scrub_owed and scrub_done are the backend's operations. */
NK_MUST_USE enum nk_status store_sqlite_make_private(const char *path, bool *made,
						     struct nk_error *err);
NK_MUST_USE enum nk_status store_sqlite_tighten(const char *location, const char *key_path,
						struct nk_error *err);
/* server_key_path: PATH.server-key, the server key's file beside the database. */
NK_MUST_USE enum nk_status store_sqlite_server_key_path(const char *location, char *out,
							size_t size, struct nk_error *err);
NK_MUST_USE enum nk_status store_sqlite_scrub(void *state, struct nk_error *err);
/* After a failed COMMIT: rolls back and truncates the WAL, not waiting for readers. */
void store_sqlite_drop_unsynced(struct sq_store *s);
NK_MUST_USE enum nk_status store_sqlite_scrub_owed(void *state, int64_t *mark,
						   struct nk_error *err);
NK_MUST_USE enum nk_status store_sqlite_scrub_done(void *state, int64_t mark,
						   struct nk_error *err);

/* sqlite_wal.c: group commit. relax_sync and flush are the backend's operations, and so
 * are batch_open, batch_commit and batch_checkpoint (store_impl.h); batch_begin,
 * batch_release and batch_undo are a shared writer's begin, commit and rollback. */
NK_MUST_USE enum nk_status store_sqlite_relax_sync(void *state, struct nk_error *err);
NK_MUST_USE enum nk_status store_sqlite_flush(const char *location, struct nk_error *err);
NK_MUST_USE enum nk_status store_sqlite_batch_open(void **state, const char *location,
						   struct nk_error *err);
NK_MUST_USE enum nk_status store_sqlite_batch_commit(void *state, struct nk_error *err);
/* sqlite_batch.c: a batch's leaves, read-back and signed row (doc/storage.md, "Batches") */
NK_MUST_USE enum nk_status store_sqlite_batch_leaf(void *state,
						   const uint8_t leaf[static NK_CHAIN_BYTES],
						   nk_store_batch_signer *sign, void *arg,
						   uint64_t *number, uint32_t *index,
						   struct nk_error *err);
NK_MUST_USE enum nk_status store_sqlite_batch_get(void *state, uint64_t number,
						  uint8_t (**leaves)[NK_CHAIN_BYTES], size_t *count,
						  uint8_t sig[static NK_COUNTERSIG_BYTES], bool *open,
						  struct nk_error *err);
void store_sqlite_batch_seal(void *state);
void store_sqlite_batch_checkpoint(void *state);
NK_MUST_USE enum nk_status store_sqlite_batch_begin(struct sq_store *s, struct nk_error *err);
NK_MUST_USE enum nk_status store_sqlite_batch_release(struct sq_store *s, struct nk_error *err);
void store_sqlite_batch_undo(struct sq_store *s);

/* sqlite_record.c: each event's last link, the record and its checkpoints. */
NK_MUST_USE enum nk_status store_sqlite_last_link(void *state, const char *case_id, int64_t *seq,
						  bool *linked,
						  uint8_t chain[static NK_CHAIN_BYTES],
						  struct nk_error *err);
NK_MUST_USE enum nk_status store_sqlite_legacy_events(void *state, const char *case_id,
						      int64_t *count, struct nk_error *err);
NK_MUST_USE enum nk_status store_sqlite_record_append(void *state, const char *case_id,
						      const uint8_t *data, size_t len,
						      const uint8_t sig[static NK_RECORD_SIG_BYTES],
						      uint64_t *index, struct nk_error *err);
NK_MUST_USE enum nk_status store_sqlite_record_find(void *state, const char *case_id,
						    uint64_t *index,
						    uint8_t data[static NK_RECORD_ENTRY_MAX],
						    size_t *len,
						    uint8_t sig[static NK_RECORD_SIG_BYTES],
						    struct nk_error *err);
NK_MUST_USE enum nk_status store_sqlite_record_size(void *state, uint64_t *size,
						    struct nk_error *err);
NK_MUST_USE enum nk_status store_sqlite_record_each(void *state, uint64_t start,
						    bool (*fn)(uint64_t index, const uint8_t *data,
							       size_t len, void *arg),
						    void *arg, struct nk_error *err);
NK_MUST_USE enum nk_status store_sqlite_checkpoint_put(void *state, uint64_t size,
						       const uint8_t *data, size_t len,
						       struct nk_error *err);
NK_MUST_USE enum nk_status store_sqlite_checkpoint_get(void *state, uint64_t size,
						       uint8_t data[static NK_CHECKPOINT_DATA_MAX],
						       size_t *len, struct nk_error *err);

#endif
