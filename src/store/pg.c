/* The "postgresql:" backend's operations: transactions, the event log, sealed secrets,
 * tokens, envelopes and the scrub. A write transaction is READ COMMITTED with the
 * case's row locked before the case is read (store_pg_lock_case): once the lock is
 * held, every later statement sees what the lock's previous holder committed, and no
 * one else can append to the case until this transaction ends. A read transaction is
 * a REPEATABLE READ snapshot. Statements that might meet a duplicate use ON CONFLICT DO
 * NOTHING, so that a refusal never aborts the caller's transaction. */
#include "store/pg.h"

#include <nakodo/seal.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum nk_status tx_begin(struct pg_store *s, const char *sql, bool write,
			       struct nk_error *err)
{
	enum nk_status rc = store_pg_reconnect(s, err);

	if (rc == NK_OK)
		rc = store_pg_exec(s, sql, NULL, 0, "transaction", "could not begin", err);
	s->in_tx = rc == NK_OK;
	s->write = rc == NK_OK && write;
	s->record_locked = false;
	s->locked[0] = '\0';
	return rc;
}

static enum nk_status pg_begin(void *state, struct nk_error *err)
{
	return tx_begin(state, "BEGIN ISOLATION LEVEL READ COMMITTED", true, err);
}

static enum nk_status pg_begin_read(void *state, struct nk_error *err)
{
	return tx_begin(state, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", false, err);
}

static void pg_rollback(void *state)
{
	struct pg_store *s = state;

	if (PQtransactionStatus(s->conn) != PQTRANS_IDLE &&
	    PQtransactionStatus(s->conn) != PQTRANS_UNKNOWN)
		PQclear(store_pg_run(s, "ROLLBACK", NULL, 0, "transaction", "rollback", NULL));
	s->in_tx = s->write = s->record_locked = false;
	s->locked[0] = '\0';
}

/* COMMIT of an aborted transaction "succeeds" as ROLLBACK: only "COMMIT" is one. With
 * synchronous_commit on, it returns once the commit is in the database's flushed WAL. */
static enum nk_status pg_commit(void *state, struct nk_error *err)
{
	struct pg_store *s = state;
	PGresult *res = store_pg_run(s, "COMMIT", NULL, 0, "transaction", "could not commit", err);
	enum nk_status rc = NK_OK;

	if (!res)
		rc = s->failed;
	else if (strcmp(PQcmdStatus(res), "COMMIT") != 0)
		rc = nk_fail(err, NK_ESTORE, "transaction", "could not commit: PostgreSQL rolled "
			     "the transaction back");
	PQclear(res);
	pg_rollback(s);
	return rc;
}

static enum nk_status pg_case_create(void *state, const char *case_id, int64_t created_ms,
				     struct nk_error *err)
{
	struct pg_store *s = state;
	struct pg_param p[] = { PG_T(case_id), PG_I(created_ms) };
	PGresult *res = store_pg_run(s, "INSERT INTO cases(id, created) VALUES ($1, $2) "
				     "ON CONFLICT (id) DO NOTHING RETURNING 1", p, 2, "case",
				     "could not create the case", err);
	enum nk_status rc = NK_OK;

	if (!res)
		return s->failed;
	if (PQntuples(res) == 0)
		rc = nk_fail(err, NK_EINVAL, "case", "case %s already exists", case_id);
	PQclear(res);
	return rc;
}

static enum nk_status pg_append(void *state, const char *case_id, struct nk_event *ev,
				struct nk_error *err)
{
	struct pg_store *s = state;
	struct pg_param p[] = {
		PG_T(case_id), PG_I(ev->time_ms), PG_T(ev->actor), PG_T(ev->type), PG_T(ev->body),
		PG_B(ev->linked ? ev->chain : NULL, sizeof(ev->chain)),
		PG_B(ev->linked ? ev->countersig : NULL, sizeof(ev->countersig)),
	};
	enum nk_status rc = store_pg_lock_case(s, case_id, err);
	PGresult *res;

	if (rc != NK_OK)
		return rc;
	res = store_pg_run(s,
		"INSERT INTO events(case_id, seq, time_ms, actor, type, body, chain, countersig) "
		"SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6, $7 FROM events "
		"WHERE case_id = $1 RETURNING seq", p, 7, "event", "could not append the event", err);
	if (!res)
		return s->failed;
	ev->seq = store_pg_int(res, 0, 0);
	PQclear(res);
	return NK_OK;
}

/* Copies row i of res into ev; false for what nk_store_append could never have stored. */
static bool load_row(const PGresult *res, int i, int64_t want_seq, struct nk_event *ev)
{
	int actor_len = PQgetlength(res, i, 2), type_len = PQgetlength(res, i, 3);
	int body_len = PQgetlength(res, i, 4);
	bool linked = !PQgetisnull(res, i, 5) || !PQgetisnull(res, i, 6);

	if (store_pg_int(res, i, 0) != want_seq || actor_len >= (int)sizeof(ev->actor) ||
	    type_len >= (int)sizeof(ev->type) || body_len > NK_EVENT_BODY_MAX ||
	    (linked && (PQgetlength(res, i, 5) != (int)sizeof(ev->chain) ||
			PQgetlength(res, i, 6) != (int)sizeof(ev->countersig))))
		return false;
	if (linked) {
		memcpy(ev->chain, PQgetvalue(res, i, 5), sizeof(ev->chain));
		memcpy(ev->countersig, PQgetvalue(res, i, 6), sizeof(ev->countersig));
		ev->linked = true;
	}
	ev->seq = want_seq;
	ev->time_ms = store_pg_int(res, i, 1);
	memcpy(ev->actor, PQgetvalue(res, i, 2), (size_t)actor_len);
	memcpy(ev->type, PQgetvalue(res, i, 3), (size_t)type_len);
	return true;
}

static enum nk_status pg_load(void *state, const char *case_id, struct nk_event_list *out,
			      struct nk_error *err)
{
	struct pg_store *s = state;
	struct pg_param p[] = { PG_T(case_id) };
	struct nk_event_list list = { 0 };
	enum nk_status rc = store_pg_lock_case(s, case_id, err);
	PGresult *res;
	int n;

	if (rc != NK_OK)
		return rc;
	res = store_pg_run(s, "SELECT seq, time_ms, actor, type, body, chain, countersig "
			   "FROM events WHERE case_id = $1 ORDER BY seq", p, 1, "case",
			   "could not load the case", err);
	if (!res)
		return s->failed;
	n = PQntuples(res);
	if (n > 0 && !(list.events = calloc((size_t)n, sizeof(list.events[0])))) {
		rc = nk_fail(err, NK_ENOMEM, "event", "no memory to load case %s", case_id);
		goto out;
	}
	for (; list.count < (size_t)n; list.count++) {
		struct nk_event *ev = &list.events[list.count];
		int len = PQgetlength(res, (int)list.count, 4);

		if (!load_row(res, (int)list.count, (int64_t)list.count + 1, ev)) {
			rc = nk_fail(err, NK_ECORRUPT, "event", "event %zu of case %s is damaged "
				     "(PostgreSQL)", list.count + 1, case_id);
			goto out;
		}
		if (!(ev->body = malloc((size_t)len + 1))) {
			rc = nk_fail(err, NK_ENOMEM, "event", "no memory to load case %s", case_id);
			goto out;
		}
		memcpy(ev->body, PQgetvalue(res, (int)list.count, 4), (size_t)len + 1);
	}
	*out = list;
	list = (struct nk_event_list){ 0 };
out:
	PQclear(res);
	nk_event_list_free(&list);
	return rc;
}

/* Reads every id first, so that fn may read the store while it runs. */
static enum nk_status pg_list_cases(void *state, bool (*fn)(const char *case_id, void *arg),
				    void *arg, struct nk_error *err)
{
	struct pg_store *s = state;
	enum nk_status rc = NK_OK;
	PGresult *res;

	if (s->listing)
		return nk_fail(err, NK_EINVAL, "store",
			       "cases cannot be listed from inside a listing of cases");
	if (!(res = store_pg_run(s, "SELECT id FROM cases ORDER BY n", NULL, 0, "case",
				 "could not list the cases", err)))
		return s->failed;
	s->listing = true;
	for (int i = 0; i < PQntuples(res); i++) {
		if (PQgetlength(res, i, 0) >= NK_CASE_ID_MAX) {
			rc = nk_fail(err, NK_ECORRUPT, "case", "a case id in the database is damaged");
			break;
		}
		if (!fn(PQgetvalue(res, i, 0), arg))
			break;
	}
	s->listing = false;
	PQclear(res);
	return rc;
}

static enum nk_status pg_secret_put(void *state, const char *case_id, const char *name,
				    const uint8_t *sealed, size_t len, struct nk_error *err)
{
	struct pg_store *s = state;
	struct pg_param p[] = { PG_T(case_id), PG_T(name), PG_B(sealed, len) };
	enum nk_status rc = store_pg_lock_case(s, case_id, err);

	if (rc == NK_OK)
		rc = store_pg_exec(s, "INSERT INTO secrets(case_id, name, sealed) VALUES ($1, $2, $3) "
				   "ON CONFLICT (case_id, name) DO UPDATE SET sealed = excluded.sealed",
				   p, 3, "secret", "could not store the secret", err);
	return rc;
}

static enum nk_status pg_secret_get(void *state, const char *case_id, const char *name,
				    uint8_t sealed[static STORE_SEALED_MAX], size_t *len,
				    struct nk_error *err)
{
	struct pg_store *s = state;
	struct pg_param p[] = { PG_T(case_id), PG_T(name) };
	PGresult *res = store_pg_run(s, "SELECT sealed FROM secrets WHERE case_id = $1 AND "
				     "name = $2", p, 2, "secret", "could not read the secret", err);
	enum nk_status rc = NK_OK;
	int n;

	if (!res)
		return s->failed;
	if (PQntuples(res) == 0)
		rc = nk_fail(err, NK_ENOTFOUND, "secret", "case %s has no secret %s", case_id, name);
	else if ((n = PQgetlength(res, 0, 0)) > (int)STORE_SEALED_MAX)
		rc = nk_fail(err, NK_ECORRUPT, "secret", "secret %s of case %s is damaged "
			     "(PostgreSQL)", name, case_id);
	else {
		memcpy(sealed, PQgetvalue(res, 0, 0), (size_t)n);
		*len = (size_t)n;
	}
	PQclear(res);
	return rc;
}

/* The deleted rows stay in the table's pages as dead versions until VACUUM, and in
 * PostgreSQL's WAL: the scrub is owed from this commit on, so it is recorded in it. */
static enum nk_status pg_secret_purge(void *state, const char *case_id, struct nk_error *err)
{
	struct pg_store *s = state;
	struct pg_param p[] = { PG_T(case_id) };
	enum nk_status rc = store_pg_lock_case(s, case_id, err);

	if (rc == NK_OK)
		rc = store_pg_exec(s, "DELETE FROM secrets WHERE case_id = $1 AND "
				   "substr(name, 1, 5) <> '" NK_SECRET_KEPT "'", p, 1, "secret",
				   "could not purge the secrets", err);
	if (rc == NK_OK)
		rc = store_pg_exec(s, "INSERT INTO scrubs(case_id) VALUES ($1)", p, 1, "secret",
				   "could not purge the secrets", err);
	return rc;
}

/* VACUUM removes the dead versions of purged secrets from the table's pages (they
 * become free space, overwritten as it is reused); it cannot reach PostgreSQL's WAL
 * archive or backups, which hold only sealed bytes (doc/storage.md). */
static enum nk_status pg_scrub(void *state, struct nk_error *err)
{
	struct pg_store *s = state;
	enum nk_status rc = store_pg_reconnect(s, err);

	if (rc == NK_OK)
		rc = store_pg_exec(s, "VACUUM secrets", NULL, 0, "store",
				   "could not finish scrubbing; try again", err);
	return rc;
}

static enum nk_status pg_scrub_owed(void *state, int64_t *mark, struct nk_error *err)
{
	struct pg_store *s = state;
	enum nk_status rc = store_pg_reconnect(s, err);
	PGresult *res = rc != NK_OK ? NULL :
		store_pg_run(s, "SELECT coalesce(max(seq), 0) FROM scrubs", NULL, 0, "store",
			     "could not read the owed scrubs", err);

	if (!res)
		return rc != NK_OK ? rc : s->failed;
	*mark = store_pg_int(res, 0, 0);
	PQclear(res);
	return NK_OK;
}

static enum nk_status pg_scrub_done(void *state, int64_t mark, struct nk_error *err)
{
	struct pg_param p[] = { PG_I(mark) };

	return store_pg_exec(state, "DELETE FROM scrubs WHERE seq <= $1", p, 1, "store",
			     "could not forget the owed scrubs", err);
}

static void pg_end_read(void *state)
{
	pg_rollback(state);
}

/* Server-wide tokens ("" case) have no case row to lock: a write transaction that
 * counts or issues them takes a transaction-level advisory lock instead, so that of two
 * servers starting at once only one makes the operator's token. */
static enum nk_status lock_scope(struct pg_store *s, const char *case_id, struct nk_error *err)
{
	if (*case_id)
		return store_pg_lock_case(s, case_id, err);
	if (!s->write)
		return NK_OK;
	return store_pg_exec(s, "SELECT pg_advisory_xact_lock(1313558341)", NULL, 0, "token",
			     "could not take the server-wide tokens' turn", err);
}

static enum nk_status pg_token_put(void *state, const uint8_t hash[static STORE_TOKEN_HASH],
				   const char *case_id, const char *role, struct nk_error *err)
{
	struct pg_store *s = state;
	struct pg_param p[] = { PG_B(hash, STORE_TOKEN_HASH), PG_T(case_id), PG_T(role) };
	enum nk_status rc = lock_scope(s, case_id, err);
	PGresult *res;

	if (rc != NK_OK)
		return rc;
	res = store_pg_run(s, "INSERT INTO tokens(hash, case_id, role) VALUES ($1, $2, $3) "
			   "ON CONFLICT (hash) DO NOTHING RETURNING 1", p, 3, "token",
			   "could not store the token", err);
	if (!res)
		return s->failed;
	if (PQntuples(res) == 0)
		rc = nk_fail(err, NK_EINVAL, "token", "the token exists");
	PQclear(res);
	return rc;
}

static enum nk_status pg_token_find(void *state, const uint8_t hash[static STORE_TOKEN_HASH],
				    uint8_t stored[static STORE_TOKEN_HASH],
				    char case_id[static NK_CASE_ID_MAX],
				    char role[static NK_TOKEN_ROLE_MAX], struct nk_error *err)
{
	struct pg_store *s = state;
	struct pg_param p[] = { PG_B(hash, STORE_TOKEN_HASH) };
	PGresult *res = store_pg_run(s, "SELECT hash, case_id, role FROM tokens WHERE hash = $1",
				     p, 1, "token", "could not look the token up", err);
	enum nk_status rc = NK_OK;

	if (!res)
		return s->failed;
	if (PQntuples(res) == 0) {
		rc = nk_fail(err, NK_ENOTFOUND, "token", "no such token");
	} else if (PQgetlength(res, 0, 0) != STORE_TOKEN_HASH ||
		   PQgetlength(res, 0, 1) >= NK_CASE_ID_MAX ||
		   PQgetlength(res, 0, 2) >= NK_TOKEN_ROLE_MAX) {
		rc = nk_fail(err, NK_ECORRUPT, "token", "a token in the database is damaged");
	} else {
		memcpy(stored, PQgetvalue(res, 0, 0), STORE_TOKEN_HASH);
		memcpy(case_id, PQgetvalue(res, 0, 1), (size_t)PQgetlength(res, 0, 1) + 1);
		memcpy(role, PQgetvalue(res, 0, 2), (size_t)PQgetlength(res, 0, 2) + 1);
	}
	PQclear(res);
	return rc;
}

static enum nk_status pg_token_revoke(void *state, const char *case_id, const char *role,
				      size_t *count, struct nk_error *err)
{
	struct pg_store *s = state;
	struct pg_param p[] = { PG_T(case_id), PG_T(role) };
	PGresult *res = lock_scope(s, case_id, err) != NK_OK ? NULL :
		store_pg_run(s, "DELETE FROM tokens WHERE case_id = $1 AND role = $2", p, 2,
			     "token", "could not reach the tokens", err);

	if (!res)
		return s->failed;
	*count = (size_t)strtoull(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return NK_OK;
}

static enum nk_status pg_token_count(void *state, const char *case_id, const char *role,
				     size_t *count, struct nk_error *err)
{
	struct pg_store *s = state;
	struct pg_param p[] = { PG_T(case_id), PG_T(role) };
	PGresult *res = lock_scope(s, case_id, err) != NK_OK ? NULL :
		store_pg_run(s, "SELECT count(*) FROM tokens WHERE case_id = $1 AND role = $2", p,
			     2, "token", "could not reach the tokens", err);

	if (!res)
		return s->failed;
	*count = (size_t)store_pg_int(res, 0, 0);
	PQclear(res);
	return NK_OK;
}

static enum nk_status pg_envelope_put(void *state, const char *case_id, const char *name,
				      const uint8_t *env, size_t len, struct nk_error *err)
{
	struct pg_store *s = state;
	struct pg_param p[] = { PG_T(case_id), PG_T(name), PG_B(env, len) };
	enum nk_status rc = store_pg_lock_case(s, case_id, err);
	PGresult *res;

	if (rc != NK_OK)
		return rc;
	res = store_pg_run(s, "INSERT INTO envelopes(case_id, name, bytes) VALUES ($1, $2, $3) "
			   "ON CONFLICT (case_id, name) DO NOTHING RETURNING 1", p, 3, "envelope",
			   "could not store the envelope", err);
	if (!res)
		return s->failed;
	if (PQntuples(res) == 0)
		rc = nk_fail(err, NK_EINVAL, "envelope", "case %s has an envelope %s already",
			     case_id, name);
	PQclear(res);
	return rc;
}

static enum nk_status pg_envelope_get(void *state, const char *case_id, const char *name,
				      uint8_t **out, size_t *len, struct nk_error *err)
{
	struct pg_store *s = state;
	struct pg_param p[] = { PG_T(case_id), PG_T(name) };
	PGresult *res = store_pg_run(s, "SELECT bytes FROM envelopes WHERE case_id = $1 AND "
				     "name = $2", p, 2, "envelope", "could not read the envelope", err);
	enum nk_status rc = NK_OK;
	uint8_t *copy;
	int n;

	if (!res)
		return s->failed;
	if (PQntuples(res) == 0)
		rc = nk_fail(err, NK_ENOTFOUND, "envelope", "case %s has no envelope %s", case_id, name);
	else if ((n = PQgetlength(res, 0, 0)) <= 0 || n > NK_ENVELOPE_MAX)
		rc = nk_fail(err, NK_ECORRUPT, "envelope", "envelope %s of case %s is damaged "
			     "(PostgreSQL)", name, case_id);
	else if (!(copy = malloc((size_t)n)))
		rc = nk_fail(err, NK_ENOMEM, "envelope", "out of memory");
	else {
		memcpy(copy, PQgetvalue(res, 0, 0), (size_t)n);
		*out = copy;
		*len = (size_t)n;
	}
	PQclear(res);
	return rc;
}

static enum nk_status pg_envelope_delete(void *state, const char *case_id, const char *name,
					 struct nk_error *err)
{
	struct pg_store *s = state;
	struct pg_param p[] = { PG_T(case_id), PG_T(name) };
	PGresult *res = store_pg_run(s, "DELETE FROM envelopes WHERE case_id = $1 AND name = $2",
				     p, 2, "envelope", "could not delete the envelope", err);
	enum nk_status rc = NK_OK;

	if (!res)
		return s->failed;
	if (strcmp(PQcmdTuples(res), "0") == 0)
		rc = nk_fail(err, NK_ENOTFOUND, "envelope", "case %s has no envelope %s", case_id, name);
	PQclear(res);
	return rc;
}

/* Every COMMIT is durable by itself (synchronous_commit on), and PostgreSQL groups the
 * flushes of commits that arrive together (its own group commit): with
 * NK_STORE_CONCURRENT_WRITERS the group never asks for a flush. */
static enum nk_status pg_relax_sync(void *state, struct nk_error *err)
{
	(void)state;
	(void)err;
	return NK_OK;
}

static enum nk_status pg_flush(const char *location, struct nk_error *err)
{
	(void)location;
	(void)err;
	return NK_OK;
}

static enum nk_status pg_ping(void *state, struct nk_error *err)
{
	return store_pg_exec(state, "SELECT 1", NULL, 0, "db", "the database does not answer",
			     err);
}

static enum nk_status pg_open_postgresql(void **state, const char *location, unsigned flags,
					 uint8_t key[static STORE_KEY_BYTES], struct nk_error *err)
{
	return store_pg_open(state, "postgresql", location, flags, key, err);
}

static enum nk_status pg_open_postgres(void **state, const char *location, unsigned flags,
				       uint8_t key[static STORE_KEY_BYTES], struct nk_error *err)
{
	return store_pg_open(state, "postgres", location, flags, key, err);
}

#define PG_OPS(name, scheme_name, open_fn)							\
	const struct nk_store_ops name = {					\
		.scheme = scheme_name,						\
		.caps = NK_STORE_PERSISTENT | NK_STORE_CONCURRENT_WRITERS,	\
		.server_key_path = store_pg_server_key_path,			\
		.open = open_fn, .close = store_pg_close,			\
		.begin = pg_begin, .commit = pg_commit, .rollback = pg_rollback,	\
		.case_create = pg_case_create, .append = pg_append, .load = pg_load,	\
		.list_cases = pg_list_cases, .last_link = store_pg_last_link,	\
		.legacy_events = store_pg_legacy_events,			\
		.record_append = store_pg_record_append,			\
		.record_find = store_pg_record_find,				\
		.record_size = store_pg_record_size,				\
		.record_each = store_pg_record_each,				\
		.checkpoint_put = store_pg_checkpoint_put,			\
		.checkpoint_get = store_pg_checkpoint_get,			\
		.secret_put = pg_secret_put, .secret_get = pg_secret_get,	\
		.secret_purge = pg_secret_purge, .scrub = pg_scrub,		\
		.scrub_owed = pg_scrub_owed, .scrub_done = pg_scrub_done,	\
		.begin_read = pg_begin_read, .end_read = pg_end_read,		\
		.token_put = pg_token_put, .token_find = pg_token_find,	\
		.token_revoke = pg_token_revoke, .token_count = pg_token_count,	\
		.envelope_put = pg_envelope_put, .envelope_get = pg_envelope_get,	\
		.envelope_delete = pg_envelope_delete,				\
		.summary_put = store_pg_summary_put,				\
		.summary_page = store_pg_summary_page,				\
		.relax_sync = pg_relax_sync, .flush = pg_flush, .ping = pg_ping,	\
	}

PG_OPS(store_pg_ops, "postgresql", pg_open_postgresql);
PG_OPS(store_postgres_ops, "postgres", pg_open_postgres);
