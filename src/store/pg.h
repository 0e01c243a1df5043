/* The "postgresql:" backend (also "postgres:") is one unit behind one vtable
 * (store_pg_ops and store_postgres_ops, in pg.c), split by subject: pg_open.c (the
 * connection, the schema, the key folder, running a statement), pg.c (transactions,
 * events, secrets, tokens, envelopes, the scrub) and pg_record.c (links, the record,
 * checkpoints). This header is that unit's inside. Nothing outside the unit includes it.
 *
 * Several servers share one database: a write transaction locks the row of each case it
 * touches (SELECT ... FOR UPDATE) before reading it, and the row 'record' of meta before
 * the record, so that commands on one case, and appends to the record, run one after
 * the other whichever server runs them (doc/storage.md, "PostgreSQL"). */
#ifndef NAKODO_STORE_PG_H
#define NAKODO_STORE_PG_H

#include "store/store_impl.h"

#include <libpq-fe.h>

#define STORE_PG_SCHEMA_VERSION 1	/* meta 'schema_version'; upgraded on open */
#define STORE_PG_CONNINFO_MAX 4096	/* bytes of a connection URI */

struct pg_store {
	PGconn *conn;
	char *conninfo;		/* the URI: never printed, it may hold a password */
	bool in_tx;		/* inside a transaction (BEGIN sent, not yet ended) */
	bool write;		/* inside a write transaction */
	bool record_locked;	/* this transaction holds the record's row */
	char locked[NK_CASE_ID_MAX];	/* the case whose row it locked last ("" none) */
	bool listing;		/* inside list_cases's callback */
	enum nk_status failed;	/* the status of the last statement that failed */
};

/* One statement parameter: text, a 64-bit integer or bytes (NULL data: SQL NULL). */
struct pg_param {
	char kind;	/* 't', 'i' or 'b' */
	const char *text;
	int64_t i;
	const void *data;
	size_t len;
};

#define PG_T(s) ((struct pg_param){ .kind = 't', .text = (s) })
#define PG_I(v) ((struct pg_param){ .kind = 'i', .i = (v) })
#define PG_B(p, n) ((struct pg_param){ .kind = 'b', .data = (p), .len = (n) })

/* pg_open.c: runs sql with the parameters, results in binary. Returns the result (the
 * caller PQclear's it), or NULL with err filled (field names the area, what the
 * operation) and s->failed set when the statement failed; the transaction is then
 * aborted. */
PGresult *store_pg_run(struct pg_store *s, const char *sql, const struct pg_param *params,
		       int n, const char *field, const char *what, struct nk_error *err);
/* A statement whose only interest is whether it ran. */
NK_MUST_USE enum nk_status store_pg_exec(struct pg_store *s, const char *sql,
					 const struct pg_param *params, int n, const char *field,
					 const char *what, struct nk_error *err);
/* Reconnects when the connection was lost (the server restarted), else nothing. */
NK_MUST_USE enum nk_status store_pg_reconnect(struct pg_store *s, struct nk_error *err);
/* The binary column value at (row, col) as a 64-bit integer (int8). */
int64_t store_pg_int(const PGresult *res, int row, int col);
/* In a write transaction: waits for and holds the case's row; NK_ENOTFOUND when there
 * is no such case. Outside one: whether it exists. */
NK_MUST_USE enum nk_status store_pg_lock_case(struct pg_store *s, const char *case_id,
					      struct nk_error *err);
/* In a write transaction: waits for and holds the record's row. */
NK_MUST_USE enum nk_status store_pg_lock_record(struct pg_store *s, struct nk_error *err);
NK_MUST_USE enum nk_status store_pg_open(void **state, const char *scheme, const char *location,
					 unsigned flags, uint8_t key[static STORE_KEY_BYTES],
					 struct nk_error *err);
void store_pg_close(void *state);
NK_MUST_USE enum nk_status store_pg_server_key_path(const char *location, char *out,
						    size_t size, struct nk_error *err);

/* pg_record.c */
NK_MUST_USE enum nk_status store_pg_last_link(void *state, const char *case_id, int64_t *seq,
					      bool *linked, uint8_t chain[static NK_CHAIN_BYTES],
					      struct nk_error *err);
NK_MUST_USE enum nk_status store_pg_legacy_events(void *state, const char *case_id,
						  int64_t *count, struct nk_error *err);
NK_MUST_USE enum nk_status store_pg_record_append(void *state, const char *case_id,
						  const uint8_t *data, size_t len,
						  const uint8_t sig[static NK_RECORD_SIG_BYTES],
						  uint64_t *index, struct nk_error *err);
NK_MUST_USE enum nk_status store_pg_record_find(void *state, const char *case_id,
						uint64_t *index,
						uint8_t data[static NK_RECORD_ENTRY_MAX],
						size_t *len, uint8_t sig[static NK_RECORD_SIG_BYTES],
						struct nk_error *err);
NK_MUST_USE enum nk_status store_pg_record_size(void *state, uint64_t *size,
						struct nk_error *err);
NK_MUST_USE enum nk_status store_pg_record_each(void *state, uint64_t start,
						bool (*fn)(uint64_t index, const uint8_t *data,
							   size_t len, void *arg),
						void *arg, struct nk_error *err);
NK_MUST_USE enum nk_status store_pg_checkpoint_put(void *state, uint64_t size,
						   const uint8_t *data, size_t len,
						   struct nk_error *err);
NK_MUST_USE enum nk_status store_pg_checkpoint_get(void *state, uint64_t size,
						   uint8_t data[static NK_CHECKPOINT_DATA_MAX],
						   size_t *len, struct nk_error *err);

/* pg_summary.c: the operator's list (store_impl.h's summary_put, summary_page). */
NK_MUST_USE enum nk_status store_pg_summary_put(void *state, const struct nk_case_summary *sum,
						struct nk_error *err);
NK_MUST_USE enum nk_status store_pg_summary_page(void *state, const char *after, size_t limit,
						 struct nk_case_summary *out, size_t *count,
						 struct nk_error *err);

#endif
