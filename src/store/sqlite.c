/* The "sqlite:" backend's operations: transactions, the event log, sealed secrets and
 * the scrub, each through a statement prepared once per connection (sqlite_open.c).
 * Every statement is reset before the operation returns, so none holds a lock. */
#include "store/sqlite.h"

#include <nakodo/ledger.h>
#include <nakodo/seal.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Runs a statement without parameters or rows (BEGIN, COMMIT, ROLLBACK). */
static int sq_step(struct sq_store *s, enum sq_stmt which)
{
	int rc = store_sqlite_run(s->stmt[which], "");

	store_sqlite_done(s->stmt[which]);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

enum nk_status store_sqlite_no_case(const char *case_id, struct nk_error *err)
{
	return nk_fail(err, NK_ENOTFOUND, "case", "there is no case %s", case_id);
}

/* Sets *found to whether the case exists. */
static enum nk_status case_exists(struct sq_store *s, const char *case_id, bool *found,
				  struct nk_error *err)
{
	sqlite3_stmt *st = s->stmt[SQ_CASE_EXISTS];
	enum nk_status rc = NK_OK;
	int sql_rc;

	sql_rc = store_sqlite_run(st, "t", case_id);
	if (sql_rc == SQLITE_ROW || sql_rc == SQLITE_DONE)
		*found = sql_rc == SQLITE_ROW;
	else
		rc = store_sqlite_fail(s, sql_rc, "case", "could not look the case up", err);
	store_sqlite_done(st);
	return rc;
}

/* Begins a transaction with statement which; what says what failed. */
static enum nk_status sq_tx_begin(struct sq_store *s, enum sq_stmt which, const char *what,
				  struct nk_error *err)
{
	int sql_rc = sq_step(s, which);

	return sql_rc == SQLITE_OK ? NK_OK : store_sqlite_fail(s, sql_rc, "transaction", what, err);
}

/* A group's shared writer runs each transaction as a savepoint of its batch
 * (sqlite_wal.c). */
static enum nk_status sq_begin(void *state, struct nk_error *err)
{
	struct sq_store *s = state;
	enum nk_status rc;
	bool fresh;

	store_sqlite_know_seq(s, NULL, 0);
	if (!s->batched)
		return sq_tx_begin(state, SQ_BEGIN, "could not begin", err);
	fresh = sqlite3_get_autocommit(s->db);
	rc = store_sqlite_batch_begin(s, err);
	if (rc == NK_OK && fresh) {	/* a new batch: no leaf, no number yet */
		s->leaf_count = 0;
		s->batch_number = 0;
	}
	s->leaf_mark = s->leaf_count;
	return rc;
}

/* With synchronous=FULL in WAL mode, COMMIT returns after the WAL is fsync'd. */
static enum nk_status sq_commit(void *state, struct nk_error *err)
{
	struct sq_store *s = state;
	int sql_rc;
	enum nk_status rc;

	store_sqlite_know_seq(s, NULL, 0);
	if (s->batched)
		return store_sqlite_batch_release(s, err);
	sql_rc = sq_step(s, SQ_COMMIT);
	if (sql_rc == SQLITE_OK)
		return NK_OK;
	rc = store_sqlite_fail(s, sql_rc, "transaction", "could not commit", err);
	store_sqlite_drop_unsynced(s);
	return rc;
}

static void sq_rollback(void *state)
{
	struct sq_store *s = state;

	store_sqlite_know_seq(s, NULL, 0);
	if (s->batched) {
		store_sqlite_batch_undo(s);
		s->leaf_count = sqlite3_get_autocommit(s->db) ? 0 : s->leaf_mark;
	}
	/* A failed COMMIT may have rolled back already. */
	else if (!sqlite3_get_autocommit(s->db))
		(void)sq_step(s, SQ_ROLLBACK);
}

/* Ends a read snapshot (a grouped store's own connection only reads). */
static void sq_end_read(void *state)
{
	struct sq_store *s = state;

	if (!sqlite3_get_autocommit(s->db))
		(void)sq_step(s, SQ_ROLLBACK);
}

static enum nk_status sq_case_create(void *state, const char *case_id, int64_t created_ms,
				     struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_CASE_CREATE];
	enum nk_status rc = NK_OK;
	int sql_rc;

	sql_rc = store_sqlite_run(st, "ti", case_id, created_ms);
	if (sql_rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		rc = nk_fail(err, NK_EINVAL, "case", "case %s already exists", case_id);
	else if (sql_rc != SQLITE_DONE)
		rc = store_sqlite_fail(s, sql_rc, "case", "could not create the case", err);
	store_sqlite_done(st);
	return rc;
}

/* Only inside a write transaction, which no other connection can write under: its own
 * statements are all that move a case's last number, and a rollback forgets it. The
 * key (case_id, seq) would still refuse an append at a number taken. */
bool store_sqlite_known_seq(const struct sq_store *s, const char *case_id, int64_t *seq)
{
	if (!s->known_case[0] || strcmp(s->known_case, case_id) != 0 ||
	    sqlite3_txn_state(s->db, NULL) != SQLITE_TXN_WRITE)
		return false;
	*seq = s->known_seq;
	return true;
}

void store_sqlite_know_seq(struct sq_store *s, const char *case_id, int64_t seq)
{
	size_t len = case_id ? strlen(case_id) : 0;

	s->known_case[0] = '\0';
	if (len == 0 || len >= sizeof(s->known_case) ||
	    sqlite3_txn_state(s->db, NULL) != SQLITE_TXN_WRITE)
		return;
	memcpy(s->known_case, case_id, len + 1);
	s->known_seq = seq;
}

enum nk_status store_sqlite_case_there(struct sq_store *s, const char *case_id,
				       struct nk_error *err)
{
	enum nk_status rc;
	bool found = false;
	int64_t seq;

	if (!s->own_keys || store_sqlite_known_seq(s, case_id, &seq))
		return NK_OK;
	rc = case_exists(s, case_id, &found, err);
	return rc == NK_OK && !found ? store_sqlite_no_case(case_id, err) : rc;
}

/* Sets *seq to the number the case's next event takes: one past its last, or 1 for a case
 * without events, which must then exist. The write transaction's last_link, which the
 * case layer reads before every append, has told it most often (store_sqlite_known_seq). */
static enum nk_status next_seq(struct sq_store *s, const char *case_id, int64_t *seq,
			       struct nk_error *err)
{
	sqlite3_stmt *st = s->stmt[SQ_LAST_SEQ];
	enum nk_status rc = NK_OK;
	bool none = false, found = true;
	int sql_rc;

	if (store_sqlite_known_seq(s, case_id, seq)) {
		++*seq;
		return NK_OK;
	}
	sql_rc = store_sqlite_run(st, "t", case_id);
	if (sql_rc == SQLITE_ROW) {
		none = sqlite3_column_type(st, 0) == SQLITE_NULL;
		*seq = none ? 1 : sqlite3_column_int64(st, 0) + 1;
	} else {
		rc = store_sqlite_fail(s, sql_rc, "event", "could not read the case's last event",
				       err);
	}
	store_sqlite_done(st);
	if (rc == NK_OK && none)
		rc = case_exists(s, case_id, &found, err);
	if (rc == NK_OK && !found)
		rc = store_sqlite_no_case(case_id, err);
	return rc;
}

/* The next number is read first and the row inserted at it. One INSERT … SELECT from
 * events into events with RETURNING, as this was, made SQLite fill two temporary tables
 * an append, four times the instructions of the two statements. Appends run in the
 * writer's transaction (BEGIN IMMEDIATE), so none comes between the two, and the key
 * (case_id, seq) would refuse one that did. */
static enum nk_status sq_append(void *state, const char *case_id, struct nk_event *ev,
				struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_APPEND];
	enum nk_status rc;
	int64_t seq = 0;
	int sql_rc;

	rc = next_seq(s, case_id, &seq, err);
	if (rc != NK_OK)
		return rc;
	/* An event from before links has neither (both parameters left NULL). */
	sql_rc = store_sqlite_run(st, "tiitttbb", case_id, seq, ev->time_ms, ev->actor,
				  ev->type, ev->body, ev->linked ? ev->chain : NULL,
				  (int)sizeof(ev->chain), ev->linked ? ev->countersig : NULL,
				  (int)sizeof(ev->countersig));
	store_sqlite_done(st);
	if (sql_rc == SQLITE_DONE) {
		ev->seq = seq;
		store_sqlite_know_seq(s, case_id, seq);
	} else {
		rc = store_sqlite_fail(s, sql_rc, "event", "could not append the event", err);
		store_sqlite_know_seq(s, NULL, 0);
	}
	return rc;
}

/* Copies the row at st into ev: NK_ECORRUPT for what nk_store_append could never have
 * stored, NK_ENOMEM when the body does not fit in memory. */
static enum nk_status load_row(sqlite3_stmt *st, int64_t want_seq, struct nk_event *ev)
{
	const char *actor = (const char *)sqlite3_column_text(st, 2);
	const char *type = (const char *)sqlite3_column_text(st, 3);
	const char *body = (const char *)sqlite3_column_text(st, 4);
	int body_len = sqlite3_column_bytes(st, 4);

	if (sqlite3_column_int64(st, 0) != want_seq || !actor || !type || !body ||
	    strlen(actor) >= sizeof(ev->actor) || strlen(type) >= sizeof(ev->type) ||
	    body_len > NK_EVENT_BODY_MAX)
		return NK_ECORRUPT;
	/* A link is both columns at their sizes, or neither (an event from before links). */
	if (sqlite3_column_type(st, 5) != SQLITE_NULL || sqlite3_column_type(st, 6) != SQLITE_NULL) {
		if (sqlite3_column_bytes(st, 5) != (int)sizeof(ev->chain) ||
		    sqlite3_column_bytes(st, 6) != (int)sizeof(ev->countersig))
			return NK_ECORRUPT;
		memcpy(ev->chain, sqlite3_column_blob(st, 5), sizeof(ev->chain));
		memcpy(ev->countersig, sqlite3_column_blob(st, 6), sizeof(ev->countersig));
		ev->linked = true;
	}
	ev->seq = want_seq;
	ev->time_ms = sqlite3_column_int64(st, 1);
	memcpy(ev->actor, actor, strlen(actor) + 1);
	memcpy(ev->type, type, strlen(type) + 1);
	ev->body = malloc((size_t)body_len + 1);
	if (!ev->body)
		return NK_ENOMEM;
	memcpy(ev->body, body, (size_t)body_len + 1);
	return NK_OK;
}

static enum nk_status sq_load(void *state, const char *case_id, struct nk_event_list *out,
			      struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_LOAD];
	struct nk_event_list list = {0};
	size_t cap = 0;
	bool found = false;
	enum nk_status rc = NK_OK;
	int sql_rc;

	sql_rc = sqlite3_bind_text(st, 1, case_id, -1, SQLITE_STATIC);
	while (sql_rc == SQLITE_OK && (sql_rc = sqlite3_step(st)) == SQLITE_ROW) {
		found = true;
		sql_rc = SQLITE_OK;
		if (sqlite3_column_type(st, 0) == SQLITE_NULL)
			continue;	/* the case has no events */
		if (list.count == cap) {
			size_t grown_cap = cap ? 2 * cap : 16;
			struct nk_event *grown = realloc(list.events, grown_cap * sizeof(*grown));

			if (!grown) {
				rc = nk_fail(err, NK_ENOMEM, "event", "no memory to load case %s",
					     case_id);
				goto out;
			}
			list.events = grown;
			cap = grown_cap;
		}
		list.events[list.count] = (struct nk_event){0};
		rc = load_row(st, (int64_t)list.count + 1, &list.events[list.count]);
		if (rc == NK_ENOMEM)
			nk_fail(err, rc, "event", "no memory to load case %s", case_id);
		else if (rc != NK_OK)
			nk_fail(err, rc, "event", "event %zu of case %s is damaged (database %s)",
				list.count + 1, case_id, s->path);
		if (rc != NK_OK)
			goto out;
		list.count++;
	}
	if (sql_rc != SQLITE_DONE) {
		rc = store_sqlite_fail(s, sql_rc, "case", "could not load the case", err);
		goto out;
	}
	if (!found) {
		rc = store_sqlite_no_case(case_id, err);
		goto out;
	}
	*out = list;
	list = (struct nk_event_list){0};
out:
	store_sqlite_done(st);
	nk_event_list_free(&list);
	return rc;
}

static enum nk_status sq_list_cases(void *state, bool (*fn)(const char *case_id, void *arg),
				    void *arg, struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_LIST];
	enum nk_status rc = NK_OK;
	int sql_rc;

	if (sqlite3_stmt_busy(st))
		return nk_fail(err, NK_EINVAL, "store",
			       "cases cannot be listed from inside a listing of cases");
	while ((sql_rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);

		if (!id || strlen(id) >= NK_CASE_ID_MAX) {
			rc = nk_fail(err, NK_ECORRUPT, "case", "a case id in %s is damaged", s->path);
			goto out;
		}
		if (!fn(id, arg))
			goto out;
	}
	if (sql_rc != SQLITE_DONE)
		rc = store_sqlite_fail(s, sql_rc, "case", "could not list the cases", err);
out:
	store_sqlite_done(st);
	return rc;
}

static enum nk_status sq_secret_put(void *state, const char *case_id, const char *name,
				    const uint8_t *sealed, size_t len, struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_SECRET_PUT];
	enum nk_status rc = NK_OK;
	int sql_rc;

	/* The foreign key to cases refuses a secret of no case: no seek into cases besides
	 * its own. The group's writer enforces none, and checks the case only when its
	 * transaction has not read it (a submission's has: its last link). */
	rc = store_sqlite_case_there(s, case_id, err);
	if (rc != NK_OK)
		return rc;
	sql_rc = store_sqlite_run(st, "ttb", case_id, name, sealed, (int)len);
	if (sql_rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		rc = store_sqlite_no_case(case_id, err);
	else if (sql_rc != SQLITE_DONE)
		rc = store_sqlite_fail(s, sql_rc, "secret", "could not store the secret", err);
	store_sqlite_done(st);
	return rc;
}

static enum nk_status sq_secret_get(void *state, const char *case_id, const char *name,
				    uint8_t sealed[static STORE_SEALED_MAX], size_t *len,
				    struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_SECRET_GET];
	enum nk_status rc = NK_OK;
	int sql_rc, n;

	sql_rc = store_sqlite_run(st, "tt", case_id, name);
	if (sql_rc == SQLITE_DONE) {
		rc = nk_fail(err, NK_ENOTFOUND, "secret", "case %s has no secret %s", case_id,
			     name);
	} else if (sql_rc != SQLITE_ROW) {
		rc = store_sqlite_fail(s, sql_rc, "secret", "could not read the secret", err);
	} else if ((n = sqlite3_column_bytes(st, 0)) > (int)STORE_SEALED_MAX ||
		   (n > 0 && !sqlite3_column_blob(st, 0))) {
		rc = nk_fail(err, NK_ECORRUPT, "secret", "secret %s of case %s is damaged "
			     "(database %s)", name, case_id, s->path);
	} else {
		if (n > 0)
			memcpy(sealed, sqlite3_column_blob(st, 0), (size_t)n);
		*len = (size_t)n;
	}
	store_sqlite_done(st);
	return rc;
}

static enum nk_status sq_secret_purge(void *state, const char *case_id, struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_SECRET_PURGE];
	bool found = false;
	enum nk_status rc;
	int sql_rc;

	rc = case_exists(s, case_id, &found, err);
	if (rc != NK_OK)
		return rc;
	if (!found)
		return store_sqlite_no_case(case_id, err);
	sql_rc = store_sqlite_run(st, "t", case_id);
	store_sqlite_done(st);
	/* The WAL keeps the deleted pages until a checkpoint: the scrub is owed from the
	 * moment this transaction commits, so it is recorded in it. */
	st = s->stmt[SQ_SCRUB_OWE];
	if (sql_rc == SQLITE_DONE)
		sql_rc = store_sqlite_run(st, "t", case_id);
	if (sql_rc != SQLITE_DONE)
		rc = store_sqlite_fail(s, sql_rc, "secret", "could not purge the secrets", err);
	store_sqlite_done(st);
	return rc;
}

static enum nk_status sq_begin_read(void *state, struct nk_error *err)
{
	store_sqlite_know_seq(state, NULL, 0);
	return sq_tx_begin(state, SQ_BEGIN_READ, "could not begin reading", err);
}

static enum nk_status sq_envelope_put(void *state, const char *case_id, const char *name,
				      const uint8_t *env, size_t len, struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_ENVELOPE_PUT];
	enum nk_status rc = NK_OK;
	bool found = false;
	int sql_rc;

	sql_rc = store_sqlite_run(st, "ttb", case_id, name, env, (int)len);
	if (sql_rc != SQLITE_DONE)
		rc = store_sqlite_fail(s, sql_rc, "envelope", "could not store the envelope", err);
	else if (sqlite3_changes(s->db) == 0 && (rc = case_exists(s, case_id, &found, err)) == NK_OK)
		rc = found ? nk_fail(err, NK_EINVAL, "envelope", "case %s has an envelope %s already",
				     case_id, name) : store_sqlite_no_case(case_id, err);
	store_sqlite_done(st);
	return rc;
}

static enum nk_status sq_envelope_get(void *state, const char *case_id, const char *name,
				      uint8_t **out, size_t *len, struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_ENVELOPE_GET];
	enum nk_status rc = NK_OK;
	uint8_t *copy;
	int sql_rc, n;

	sql_rc = store_sqlite_run(st, "tt", case_id, name);
	if (sql_rc == SQLITE_DONE) {
		rc = nk_fail(err, NK_ENOTFOUND, "envelope", "case %s has no envelope %s", case_id, name);
	} else if (sql_rc != SQLITE_ROW) {
		rc = store_sqlite_fail(s, sql_rc, "envelope", "could not read the envelope", err);
	} else if ((n = sqlite3_column_bytes(st, 0)) <= 0 || n > NK_ENVELOPE_MAX) {
		rc = nk_fail(err, NK_ECORRUPT, "envelope", "envelope %s of case %s is damaged (%s)",
			     name, case_id, s->path);
	} else if (!(copy = malloc((size_t)n))) {
		rc = nk_fail(err, NK_ENOMEM, "envelope", "out of memory");
	} else {
		memcpy(copy, sqlite3_column_blob(st, 0), (size_t)n);
		*out = copy;
		*len = (size_t)n;
	}
	store_sqlite_done(st);
	return rc;
}

static enum nk_status sq_envelope_delete(void *state, const char *case_id, const char *name,
					 struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_ENVELOPE_DELETE];
	enum nk_status rc = NK_OK;
	int sql_rc;

	sql_rc = store_sqlite_run(st, "tt", case_id, name);
	if (sql_rc != SQLITE_DONE)
		rc = store_sqlite_fail(s, sql_rc, "envelope", "could not delete the envelope", err);
	else if (sqlite3_changes(s->db) == 0)
		rc = nk_fail(err, NK_ENOTFOUND, "envelope", "case %s has no envelope %s", case_id, name);
	store_sqlite_done(st);
	return rc;
}

const struct nk_store_ops store_sqlite_ops = {
	.scheme = "sqlite",
	.caps = NK_STORE_PERSISTENT,
	.server_key_path = store_sqlite_server_key_path,
	.open = store_sqlite_open,
	.close = store_sqlite_close,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.case_create = sq_case_create,
	.append = sq_append,
	.load = sq_load,
	.list_cases = sq_list_cases,
	.summary_put = store_sqlite_summary_put,
	.summary_page = store_sqlite_summary_page,
	.last_link = store_sqlite_last_link,
	.legacy_events = store_sqlite_legacy_events,
	.record_append = store_sqlite_record_append,
	.record_find = store_sqlite_record_find,
	.record_size = store_sqlite_record_size,
	.record_each = store_sqlite_record_each,
	.checkpoint_put = store_sqlite_checkpoint_put,
	.checkpoint_get = store_sqlite_checkpoint_get,
	.secret_put = sq_secret_put,
	.secret_get = sq_secret_get,
	.secret_purge = sq_secret_purge,
	.scrub = store_sqlite_scrub,
	.scrub_owed = store_sqlite_scrub_owed,
	.scrub_done = store_sqlite_scrub_done,
	.begin_read = sq_begin_read,
	.end_read = sq_end_read,
	.token_put = store_sqlite_token_put,
	.token_find = store_sqlite_token_find,
	.token_revoke = store_sqlite_token_revoke,
	.token_count = store_sqlite_token_count,
	.envelope_put = sq_envelope_put,
	.envelope_get = sq_envelope_get,
	.envelope_delete = sq_envelope_delete,
	.relax_sync = store_sqlite_relax_sync,
	.flush = store_sqlite_flush,
	.batch_open = store_sqlite_batch_open,
	.batch_commit = store_sqlite_batch_commit,
	.batch_checkpoint = store_sqlite_batch_checkpoint,
	.batch_leaf = store_sqlite_batch_leaf,
	.batch_get = store_sqlite_batch_get,
	.batch_seal = store_sqlite_batch_seal,
};
