/* Opening an "sqlite:" store: refuse files that are not nakodo's before writing a byte
 * to them, make a new database and its key file together (the tables themselves are in
 * sqlite_schema.c), set the connection up (WAL, synchronous=FULL, secure_delete) and
 * prepare every statement once. */
#include "store/keyfile.h"
#include "store/sqlite.h"
#include "store/sqlite_vfs.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const sq_sql[SQ_COUNT] = {
	[SQ_BEGIN] = "BEGIN IMMEDIATE",
	[SQ_COMMIT] = "COMMIT",
	[SQ_ROLLBACK] = "ROLLBACK",
	[SQ_CASE_CREATE] = "INSERT INTO cases(id, created) VALUES (?1, ?2)",
	[SQ_CASE_EXISTS] = "SELECT 1 FROM cases WHERE id = ?1",
	[SQ_APPEND] =
		"INSERT INTO events(case_id, seq, time_ms, actor, type, body, chain, countersig) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[SQ_LOAD] =
		"SELECT e.seq, e.time_ms, e.actor, e.type, e.body, e.chain, e.countersig "
		"FROM cases c LEFT JOIN events e ON e.case_id = c.id WHERE c.id = ?1 "
		"ORDER BY e.seq",
	[SQ_LIST] = "SELECT id FROM cases ORDER BY rowid",
	[SQ_SECRET_PUT] =
		"INSERT INTO secrets(case_id, name, sealed) VALUES (?1, ?2, ?3) "
		"ON CONFLICT(case_id, name) DO UPDATE SET sealed = excluded.sealed",
	[SQ_SECRET_GET] = "SELECT sealed FROM secrets WHERE case_id = ?1 AND name = ?2",
	[SQ_SECRET_PURGE] = "DELETE FROM secrets WHERE case_id = ?1 AND substr(name, 1, 5) <> '" NK_SECRET_KEPT "'",
	[SQ_CHECKPOINT] = "PRAGMA wal_checkpoint(TRUNCATE)",
	[SQ_BEGIN_READ] = "BEGIN DEFERRED",
	[SQ_TOKEN_PUT] =
		"INSERT INTO tokens(hash, case_id, role) SELECT ?1, ?2, ?3 "
		"WHERE ?2 = '' OR EXISTS (SELECT 1 FROM cases WHERE id = ?2)",
	[SQ_TOKEN_FIND] = "SELECT hash, case_id, role FROM tokens WHERE hash = ?1",
	[SQ_TOKEN_REVOKE] = "DELETE FROM tokens WHERE case_id = ?1 AND role = ?2",
	[SQ_TOKEN_COUNT] = "SELECT count(*) FROM tokens WHERE case_id = ?1 AND role = ?2",
	[SQ_ENVELOPE_PUT] =
		"INSERT INTO envelopes(case_id, name, bytes) SELECT id, ?2, ?3 FROM cases "
		"WHERE id = ?1 ON CONFLICT(case_id, name) DO NOTHING",
	[SQ_ENVELOPE_GET] = "SELECT bytes FROM envelopes WHERE case_id = ?1 AND name = ?2",
	[SQ_ENVELOPE_DELETE] = "DELETE FROM envelopes WHERE case_id = ?1 AND name = ?2",
	[SQ_LAST_LINK] = "SELECT seq, chain FROM events WHERE case_id = ?1 ORDER BY seq DESC LIMIT 1",
	[SQ_RECORD_APPEND] =
		"INSERT INTO record(idx, case_id, entry, sig) "
		"SELECT (SELECT coalesce(max(idx) + 1, 0) FROM record), id, ?2, ?3 FROM cases "
		"WHERE id = ?1 RETURNING idx",
	[SQ_RECORD_FIND] = "SELECT idx, entry, sig FROM record WHERE case_id = ?1",
	[SQ_RECORD_SIZE] = "SELECT coalesce(max(idx) + 1, 0) FROM record",
	[SQ_RECORD_EACH] = "SELECT idx, entry FROM record WHERE idx >= ?1 ORDER BY idx",
	[SQ_CP_PUT] = "INSERT INTO checkpoints(size, data) VALUES (?1, ?2)",
	[SQ_CP_GET] = "SELECT data FROM checkpoints WHERE size = ?1",
	[SQ_LEGACY] = "SELECT events FROM legacy WHERE case_id = ?1",
	[SQ_SCRUB_OWE] = "INSERT INTO scrubs(case_id) VALUES (?1)",
	[SQ_SCRUB_OWED] = "SELECT coalesce(max(seq), 0) FROM scrubs",
	[SQ_SCRUB_DONE] = "DELETE FROM scrubs WHERE seq <= ?1",
	[SQ_CASE_ROWID] = "SELECT rowid FROM cases WHERE id = ?1",
	[SQ_SUMMARY_PUT] =
		"INSERT INTO summaries(case_id, kind, state, currency, round, rounds, changed) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
		"ON CONFLICT(case_id) DO UPDATE SET kind = excluded.kind, state = excluded.state, "
		"currency = excluded.currency, round = excluded.round, rounds = excluded.rounds, "
		"changed = excluded.changed",
	[SQ_SUMMARY_SET] =
		"UPDATE summaries SET kind = ?2, state = ?3, currency = ?4, round = ?5, rounds = ?6, "
		"changed = ?7 WHERE case_id = ?1",
	[SQ_SUMMARY_PAGE] =
		"SELECT c.id, c.created, s.kind, s.state, s.currency, s.round, s.rounds, s.changed "
		"FROM cases c LEFT JOIN summaries s ON s.case_id = c.id WHERE c.rowid < ?1 "
		"ORDER BY c.rowid DESC LIMIT ?2",
	[SQ_SAVEPOINT] = "SAVEPOINT nk",
	[SQ_RELEASE] = "RELEASE nk",
	[SQ_ROLLBACK_TO] = "ROLLBACK TO nk",
	[SQ_LAST_SEQ] = "SELECT max(seq) FROM events WHERE case_id = ?1",
	[SQ_BATCH_PUT] = "INSERT INTO batches(number, sig, leaves) VALUES (?1, ?2, ?3)",
	[SQ_BATCH_GET] = "SELECT sig, leaves FROM batches WHERE number = ?1",
	[SQ_BATCH_NEXT] = "SELECT coalesce(max(number), 0) + 1 FROM batches",
};

/* Per-connection settings, run on every open once the file is known to be nakodo's. */
static const char *const connection_sql[] = {
	"PRAGMA synchronous = FULL",
	"PRAGMA secure_delete = ON",
	"PRAGMA foreign_keys = ON",
	"PRAGMA temp_store = MEMORY",
};

/* SQLite counts every allocation under one process-wide mutex unless told not to: the
 * server's threads took it for every malloc, ~1.5% of a submission's CPU (bench/
 * README.md). nakodo never reads the counts. Possible only before SQLite starts. */
static pthread_once_t sq_configured = PTHREAD_ONCE_INIT;

static void sq_configure_library(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/* A connection at temp_store=FILE (only the shim's: see shim_settings) opens its
	 * sub-journal as a file at once, which the shim keeps in memory, rather than first
	 * in SQLite's memory journal; temp_store=MEMORY ignores this. */
	(void)sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 0);
	store_sqlite_pcache_install();
	(void)store_sqlite_vfs_register();	/* without it, the writer opens plainly */
}

static enum nk_status configure(struct sq_store *s, struct nk_error *err)
{
	sqlite3_stmt *st = NULL;
	enum nk_status rc = NK_OK;
	int sql_rc;

	sql_rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
	if (sql_rc == SQLITE_OK)
		sql_rc = sqlite3_step(st);
	if (sql_rc != SQLITE_ROW) {
		rc = store_sqlite_fail(s, sql_rc, "store", "could not switch to WAL", err);
		goto out;
	}
	if (!sqlite3_column_text(st, 0) ||
	    strcmp((const char *)sqlite3_column_text(st, 0), "wal") != 0) {
		rc = nk_fail(err, NK_ESTORE, "store",
			     "database %s cannot use write-ahead logging here", s->path);
		goto out;
	}
	for (size_t i = 0; i < sizeof(connection_sql) / sizeof(connection_sql[0]); i++) {
		sql_rc = store_sqlite_exec(s->db, connection_sql[i]);
		if (sql_rc != SQLITE_OK) {
			rc = store_sqlite_fail(s, sql_rc, "store", connection_sql[i], err);
			goto out;
		}
	}
	/* Checkpoint at close again, now that the file is known to be ours. */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, (int *)NULL);
out:
	sqlite3_finalize(st);
	return rc;
}

/* A connection through the shim (the group's writer and its checkpoints' connection):
 * - its temporary files in the shim's memory files (sqlite_vfs.c, "files without a
 *   name"), which never reach the disk either, instead of SQLite's memory journal, whose
 *   small chunks were allocated and freed again at every savepoint of the writer;
 * - no foreign keys enforced: each was a seek into cases for every row inserted, though
 *   the writer's transaction has read the case already (its last link) for nearly all
 *   of them. The inserts that relied on them check the case themselves when it is not
 *   known (store_sqlite_case_there); the others name it in their own SQL (FROM cases,
 *   EXISTS), and no case is ever deleted. */
static const char *const shim_sql[] = {
	"PRAGMA temp_store = FILE",
	"PRAGMA foreign_keys = OFF",
};

static enum nk_status shim_settings(struct sq_store *s, struct nk_error *err)
{
	for (size_t i = 0; i < sizeof(shim_sql) / sizeof(shim_sql[0]); i++) {
		int sql_rc = store_sqlite_exec(s->db, shim_sql[i]);

		if (sql_rc != SQLITE_OK)
			return store_sqlite_fail(s, sql_rc, "store", shim_sql[i], err);
	}
	s->own_keys = true;
	return NK_OK;
}

static enum nk_status prepare_all(struct sq_store *s, struct nk_error *err)
{
	for (size_t i = 0; i < SQ_COUNT; i++) {
		int sql_rc = sqlite3_prepare_v3(s->db, sq_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
						&s->stmt[i], NULL);

		if (sql_rc != SQLITE_OK)
			return nk_fail(err, NK_ECORRUPT, "store", "database %s lacks nakodo's "
				       "tables: %s", s->path, sqlite3_errmsg(s->db));
	}
	return NK_OK;
}

void store_sqlite_close(void *state)
{
	struct sq_store *s = state;

	if (!s)
		return;
	if (s->side) {
		store_sqlite_close(s->side);
		pthread_mutex_destroy(&s->side_mu);
	}
	for (size_t i = 0; i < SQ_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close(s->db);
	free(s->leaves);
	free(s->path);
	free(s);
}

/* Looks at path without touching it: *exists, or NK_ENOTFOUND when it is missing and
 * may not be made. */
static enum nk_status look(const char *path, unsigned flags, bool *exists,
			   struct nk_error *err)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		if (errno != ENOENT)
			return nk_fail(err, NK_ESTORE, "store", "database %s cannot be reached: %s",
				       path, strerror(errno));
		if (!(flags & NK_STORE_CREATE))
			return nk_fail(err, NK_ENOTFOUND, "store", "there is no database %s", path);
		*exists = false;
		return NK_OK;
	}
	if (!S_ISREG(st.st_mode))
		return nk_fail(err, NK_ECORRUPT, "store",
			       "%s is not a nakodo database (not a regular file)", path);
	*exists = true;
	return NK_OK;
}

enum nk_status store_sqlite_open(void **state, const char *location, unsigned flags,
				 uint8_t key[static STORE_KEY_BYTES], struct nk_error *err)
{
	struct sq_store *s = NULL;
	char key_path[PATH_MAX];
	bool exists = false, db_made = false, key_made = false, schema_made = false;
	bool keys_set = false, shim;
	struct stat st;
	enum sq_kind kind;
	enum nk_status rc;
	int sql_rc;

	if (!*location) {
		rc = nk_fail(err, NK_EINVAL, "store", "the sqlite store needs a path");
		goto out;
	}
	/* the key folder's storage.key (--keys), or PATH.key beside the database */
	rc = store_keys_file(STORE_KEY_FILE, flags & NK_STORE_CREATE, key_path, sizeof(key_path),
			     &keys_set, err);
	if (rc != NK_OK)
		goto out;
	if (!keys_set &&
	    (size_t)snprintf(key_path, sizeof(key_path), "%s.key", location) >= sizeof(key_path)) {
		rc = nk_fail(err, NK_EINVAL, "store", "the database path is too long");
		goto out;
	}
	rc = look(location, flags, &exists, err);
	if (rc == NK_OK && !exists)
		rc = store_sqlite_make_private(location, &db_made, err);
	if (rc != NK_OK)
		goto out;
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(location))) {
		rc = nk_fail(err, NK_ENOMEM, "store", "no memory to open the database");
		goto out;
	}
	pthread_once(&sq_configured, sq_configure_library);
	/* a group's writer through the shim that gathers its WAL's writes (sqlite_vfs.c),
	 * when it is there */
	shim = (flags & STORE_SQLITE_OPEN_GATHER) && sqlite3_vfs_find(STORE_SQLITE_VFS);
	sql_rc = sqlite3_open_v2(location, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
				 shim ? STORE_SQLITE_VFS : NULL);
	if (sql_rc != SQLITE_OK) {
		rc = store_sqlite_fail(s, sql_rc, "store", "could not open the database", err);
		goto out;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, STORE_SQLITE_BUSY_MS);
	/* Until the file is known to be ours, closing must not checkpoint into it. */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);

	rc = store_sqlite_identify(s, &kind, err);
	if (rc == NK_OK && kind == SQ_FOREIGN)
		rc = nk_fail(err, NK_ECORRUPT, "store", "%s is not a nakodo database", s->path);
	if (rc == NK_OK && kind == SQ_EMPTY && !(flags & NK_STORE_CREATE))
		rc = nk_fail(err, NK_ECORRUPT, "store", "%s is empty, not a nakodo database",
			     s->path);
	if (rc == NK_OK)
		rc = store_sqlite_tighten(location, key_path, err);
	if (rc == NK_OK)
		rc = configure(s, err);
	if (rc == NK_OK && shim)
		rc = shim_settings(s, err);
	if (rc == NK_OK && kind == SQ_EMPTY) {
		rc = store_keyfile_create(key_path, key, &key_made, err);
		if (rc == NK_OK)
			rc = store_sqlite_create_schema(s, key, &schema_made, err);
	} else if (rc == NK_OK) {
		rc = store_keyfile_read(key_path, key, err);
	}
	if (rc == NK_OK)
		rc = store_sqlite_verify(s, key_path, key, err);
	if (rc == NK_OK)
		rc = store_sqlite_upgrade(s, err);
	if (rc == NK_OK)
		rc = prepare_all(s, err);
	if (rc != NK_OK)
		goto out;
	*state = s;
	s = NULL;
out:
	store_sqlite_close(s);
	if (rc != NK_OK && key_made && !schema_made)
		unlink(key_path);
	/* the file this call made, unless another process has written to it meanwhile */
	if (rc != NK_OK && db_made && !schema_made && stat(location, &st) == 0 && st.st_size == 0)
		unlink(location);
	return rc;
}