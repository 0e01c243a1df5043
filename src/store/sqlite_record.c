/* The "sqlite:" backend's side of the record: the last link of a case's log, how many
 * of its events predate links (table legacy), the
 * server's list of ended cases' statements (table record, idx from 0) and its
 * checkpoints (table checkpoints, by size). Bytes in, bytes out. */
#include "store/sqlite.h"

#include <string.h>

/* The last event's number and link: one seek into events, and into cases only for a case
 * without events (a join with cases for every case cost a second seek). */
enum nk_status store_sqlite_last_link(void *state, const char *case_id, int64_t *seq,
				      bool *linked, uint8_t chain[static NK_CHAIN_BYTES],
				      struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_LAST_LINK];
	enum nk_status rc = NK_OK;
	int sql_rc;

	sql_rc = store_sqlite_run(st, "t", case_id);
	if (sql_rc == SQLITE_DONE) {	/* no events: a new case, or none */
		store_sqlite_done(st);
		st = s->stmt[SQ_CASE_EXISTS];
		sql_rc = store_sqlite_run(st, "t", case_id);
		if (sql_rc == SQLITE_DONE)
			rc = nk_fail(err, NK_ENOTFOUND, "case", "there is no case %s", case_id);
		else if (sql_rc != SQLITE_ROW)
			rc = store_sqlite_fail(s, sql_rc, "case", "could not look the case up", err);
		if (rc == NK_OK) {
			*seq = 0;
			*linked = false;
		}
	} else if (sql_rc != SQLITE_ROW) {
		rc = store_sqlite_fail(s, sql_rc, "case", "could not read the case's last event", err);
	} else if (sqlite3_column_type(st, 1) == SQLITE_NULL) {
		*seq = sqlite3_column_int64(st, 0);
		*linked = false;
	} else if (sqlite3_column_bytes(st, 1) != NK_CHAIN_BYTES) {
		rc = nk_fail(err, NK_ECORRUPT, "event", "the last event of case %s has a damaged "
			     "link (database %s)", case_id, s->path);
	} else {
		*seq = sqlite3_column_int64(st, 0);
		*linked = true;
		memcpy(chain, sqlite3_column_blob(st, 1), NK_CHAIN_BYTES);
	}
	store_sqlite_done(st);
	/* the number an append in this write transaction takes next (sqlite.c) */
	store_sqlite_know_seq(s, rc == NK_OK ? case_id : NULL, rc == NK_OK ? *seq : 0);
	return rc;
}

enum nk_status store_sqlite_legacy_events(void *state, const char *case_id, int64_t *count,
					  struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_LEGACY];
	enum nk_status rc = NK_OK;
	int sql_rc;

	sql_rc = store_sqlite_run(st, "t", case_id);
	if (sql_rc == SQLITE_DONE)
		*count = 0;
	else if (sql_rc != SQLITE_ROW)
		rc = store_sqlite_fail(s, sql_rc, "case", "could not read the case's legacy count", err);
	else if (sqlite3_column_type(st, 0) != SQLITE_INTEGER || sqlite3_column_int64(st, 0) < 1)
		rc = nk_fail(err, NK_ECORRUPT, "case", "the legacy count of case %s is damaged "
			     "(database %s)", case_id, s->path);
	else
		*count = sqlite3_column_int64(st, 0);
	store_sqlite_done(st);
	return rc;
}

enum nk_status store_sqlite_record_append(void *state, const char *case_id, const uint8_t *data,
					  size_t len, const uint8_t sig[static NK_RECORD_SIG_BYTES],
					  uint64_t *index, struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_RECORD_APPEND];
	enum nk_status rc = NK_OK;
	int sql_rc;

	sql_rc = store_sqlite_run(st, "tbb", case_id, data, (int)len, sig, NK_RECORD_SIG_BYTES);
	if (sql_rc == SQLITE_ROW)
		*index = (uint64_t)sqlite3_column_int64(st, 0);
	else if (sql_rc == SQLITE_DONE)
		rc = nk_fail(err, NK_ENOTFOUND, "case", "there is no case %s", case_id);
	else if (sql_rc == SQLITE_CONSTRAINT_UNIQUE)
		rc = nk_fail(err, NK_EINVAL, "record", "case %s is in the record already", case_id);
	else
		rc = store_sqlite_fail(s, sql_rc, "record", "could not append to the record", err);
	store_sqlite_done(st);
	return rc;
}

enum nk_status store_sqlite_record_find(void *state, const char *case_id, uint64_t *index,
					uint8_t data[static NK_RECORD_ENTRY_MAX], size_t *len,
					uint8_t sig[static NK_RECORD_SIG_BYTES],
					struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_RECORD_FIND];
	enum nk_status rc = NK_OK;
	int sql_rc, n;

	sql_rc = store_sqlite_run(st, "t", case_id);
	if (sql_rc == SQLITE_DONE) {
		rc = nk_fail(err, NK_ENOTFOUND, "record", "case %s is not in the record", case_id);
	} else if (sql_rc != SQLITE_ROW) {
		rc = store_sqlite_fail(s, sql_rc, "record", "could not read the record", err);
	} else if ((n = sqlite3_column_bytes(st, 1)) < 1 || n > NK_RECORD_ENTRY_MAX ||
		   sqlite3_column_bytes(st, 2) != NK_RECORD_SIG_BYTES ||
		   sqlite3_column_int64(st, 0) < 0) {
		rc = nk_fail(err, NK_ECORRUPT, "record", "the record's entry of case %s is damaged "
			     "(database %s)", case_id, s->path);
	} else {
		*index = (uint64_t)sqlite3_column_int64(st, 0);
		memcpy(data, sqlite3_column_blob(st, 1), (size_t)n);
		*len = (size_t)n;
		memcpy(sig, sqlite3_column_blob(st, 2), NK_RECORD_SIG_BYTES);
	}
	store_sqlite_done(st);
	return rc;
}

enum nk_status store_sqlite_record_size(void *state, uint64_t *size, struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_RECORD_SIZE];
	enum nk_status rc = NK_OK;
	int sql_rc = store_sqlite_run(st, "");

	if (sql_rc == SQLITE_ROW && sqlite3_column_int64(st, 0) >= 0)
		*size = (uint64_t)sqlite3_column_int64(st, 0);
	else
		rc = store_sqlite_fail(s, sql_rc == SQLITE_ROW ? SQLITE_CORRUPT : sql_rc, "record",
				       "could not count the record", err);
	store_sqlite_done(st);
	return rc;
}

/* Entries come back in order and must number start, start + 1, … without a gap. */
enum nk_status store_sqlite_record_each(void *state, uint64_t start,
					bool (*fn)(uint64_t index, const uint8_t *data,
						   size_t len, void *arg),
					void *arg, struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_RECORD_EACH];
	uint64_t want = start;
	enum nk_status rc = NK_OK;
	int sql_rc, n;

	if (sqlite3_stmt_busy(st))
		return nk_fail(err, NK_EINVAL, "record", "the record is being read already");
	sql_rc = start > INT64_MAX ? SQLITE_RANGE : sqlite3_bind_int64(st, 1, (int64_t)start);
	while (sql_rc == SQLITE_OK && (sql_rc = sqlite3_step(st)) == SQLITE_ROW) {
		sql_rc = SQLITE_OK;
		n = sqlite3_column_bytes(st, 1);
		if ((uint64_t)sqlite3_column_int64(st, 0) != want || n < 1 ||
		    n > NK_RECORD_ENTRY_MAX) {
			rc = nk_fail(err, NK_ECORRUPT, "record", "entry %llu of the record is missing "
				     "or damaged (database %s)", (unsigned long long)want, s->path);
			goto out;
		}
		if (!fn(want, sqlite3_column_blob(st, 1), (size_t)n, arg))
			goto out;
		want++;
	}
	if (sql_rc != SQLITE_DONE)
		rc = store_sqlite_fail(s, sql_rc, "record", "could not read the record", err);
out:
	store_sqlite_done(st);
	return rc;
}

enum nk_status store_sqlite_checkpoint_put(void *state, uint64_t size, const uint8_t *data,
					   size_t len, struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_CP_PUT];
	enum nk_status rc = NK_OK;
	int sql_rc;

	sql_rc = store_sqlite_run(st, "ib", (int64_t)size, data, (int)len);
	if (sql_rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		rc = nk_fail(err, NK_EINVAL, "checkpoint", "there is a checkpoint for %llu entries "
			     "already", (unsigned long long)size);
	else if (sql_rc != SQLITE_DONE)
		rc = store_sqlite_fail(s, sql_rc, "checkpoint", "could not keep the checkpoint", err);
	store_sqlite_done(st);
	return rc;
}

enum nk_status store_sqlite_checkpoint_get(void *state, uint64_t size,
					   uint8_t data[static NK_CHECKPOINT_DATA_MAX],
					   size_t *len, struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_CP_GET];
	enum nk_status rc = NK_OK;
	int sql_rc, n;

	sql_rc = size > INT64_MAX ? SQLITE_RANGE : store_sqlite_run(st, "i", (int64_t)size);
	if (sql_rc == SQLITE_DONE) {
		rc = nk_fail(err, NK_ENOTFOUND, "checkpoint", "no checkpoint for %llu entries",
			     (unsigned long long)size);
	} else if (sql_rc != SQLITE_ROW) {
		rc = store_sqlite_fail(s, sql_rc, "checkpoint", "could not read the checkpoint", err);
	} else if ((n = sqlite3_column_bytes(st, 0)) < 1 || n > NK_CHECKPOINT_DATA_MAX) {
		rc = nk_fail(err, NK_ECORRUPT, "checkpoint", "the checkpoint for %llu entries is "
			     "damaged (database %s)", (unsigned long long)size, s->path);
	} else {
		memcpy(data, sqlite3_column_blob(st, 0), (size_t)n);
		*len = (size_t)n;
	}
	store_sqlite_done(st);
	return rc;
}
