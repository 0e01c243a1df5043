/* Opening an "sqlite:" store: refuse files that are not nakodo's before writing a byte
 * to them, make a new database and its key file together, set the connection up (WAL,
 * synchronous=FULL, secure_delete) and prepare every statement once. */
#include "store/keyfile.h"
#include "store/sqlite.h"
#include "store/sqlite_vfs.h"
#include <nakodo/files.h>

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
		"INSERT INTO secrets(case_id, name, sealed) SELECT id, ?2, ?3 FROM cases "
		"WHERE id = ?1 ON CONFLICT(case_id, name) DO UPDATE SET sealed = excluded.sealed",
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
	[SQ_LAST_LINK] =
		"SELECT e.seq, e.chain FROM cases c LEFT JOIN events e ON e.case_id = c.id "
		"WHERE c.id = ?1 ORDER BY e.seq DESC LIMIT 1",
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
		"SELECT id, ?2, ?3, ?4, ?5, ?6, ?7 FROM cases WHERE id = ?1 "
		"ON CONFLICT(case_id) DO UPDATE SET kind = excluded.kind, state = excluded.state, "
		"currency = excluded.currency, round = excluded.round, rounds = excluded.rounds, "
		"changed = excluded.changed",
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

/* Schema version 2: the server's access tokens, by keyed hash only. */
static const char tokens_sql[] =
	"CREATE TABLE tokens ("
	" hash BLOB PRIMARY KEY NOT NULL,"
	" case_id TEXT NOT NULL,"
	" role TEXT NOT NULL) WITHOUT ROWID";
static const char tokens_index_sql[] = "CREATE INDEX tokens_by_case ON tokens(case_id, role)";

/* Schema version 3: sealed messages as their senders sealed them. A rowid table, since
 * an envelope may fill many pages (WITHOUT ROWID suits small rows). */
static const char envelopes_sql[] =
	"CREATE TABLE envelopes ("
	" case_id TEXT NOT NULL REFERENCES cases(id),"
	" name TEXT NOT NULL,"
	" bytes BLOB NOT NULL,"
	" UNIQUE (case_id, name))";

static const char legacy_sql[] =
	"CREATE TABLE legacy ("
	" case_id TEXT PRIMARY KEY NOT NULL REFERENCES cases(id),"
	" events INTEGER NOT NULL CHECK (events > 0)) WITHOUT ROWID";

/* The scrubs still owed: a row per ended case whose purge committed while the WAL may
 * still hold its deleted pages, written in the purge's transaction and deleted once a
 * checkpoint has pushed them out (doc/storage.md, "Purge and scrub"). AUTOINCREMENT, so
 * that a number is never used twice: a scrub deletes the rows up to the number it saw
 * before its checkpoint. Added on open to any version-4 database that lacks it, as
 * legacy was; an older nakodo leaves it alone. */
static const char scrubs_sql[] =
	"CREATE TABLE IF NOT EXISTS scrubs ("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,"
	" case_id TEXT NOT NULL)";

/* Each case's summary for the operator's list (nk_store_summary_put), written by the case
 * layer with each change of its state or round. Added on open to any version-4 database
 * that lacks it, as scrubs was; a case from before has none until its next change. */
static const char summaries_sql[] =
	"CREATE TABLE IF NOT EXISTS summaries ("
	" case_id TEXT PRIMARY KEY NOT NULL REFERENCES cases(id),"
	" kind TEXT NOT NULL,"
	" state TEXT NOT NULL,"
	" currency TEXT NOT NULL,"
	" round INTEGER NOT NULL,"
	" rounds INTEGER NOT NULL,"
	" changed INTEGER NOT NULL) WITHOUT ROWID";

/* Schema version 4: each event's link (NULL for events written before), the server's
 * record of ended cases' statements, its checkpoints, and how many leading events of
 * each case were written before links existed (filled once, at the upgrade; empty in
 * a database made at version 4 or later). */
static const char *const record_sql[] = {
	"ALTER TABLE events ADD COLUMN chain BLOB",
	"ALTER TABLE events ADD COLUMN countersig BLOB",
	"CREATE TABLE record ("
	" idx INTEGER PRIMARY KEY NOT NULL,"
	" case_id TEXT NOT NULL UNIQUE REFERENCES cases(id),"
	" entry BLOB NOT NULL,"
	" sig BLOB NOT NULL)",
	"CREATE TABLE checkpoints ("
	" size INTEGER PRIMARY KEY NOT NULL,"
	" data BLOB NOT NULL)",
	legacy_sql,
	"INSERT INTO legacy(case_id, events) SELECT case_id, max(seq) FROM events "
	"GROUP BY case_id",
};

/* Schema version 5: the batches whose signature stands for each of their links' own
 * (doc/storage.md, "Batches"): the server's signature of the root over the leaves, and
 * the leaves (32 bytes each, in order), one row per batch, written in the batch's own
 * COMMIT. An older database gets the table empty: its links are all countersigned. */
static const char batches_sql[] =
	"CREATE TABLE IF NOT EXISTS batches ("
	" number INTEGER PRIMARY KEY NOT NULL,"
	" sig BLOB NOT NULL,"
	" leaves BLOB NOT NULL)";

/* Run in one transaction when a database is made; the PRAGMAs follow, with numbers. */
static const char *const schema_sql[] = {
	"CREATE TABLE cases ("
	" id TEXT PRIMARY KEY NOT NULL,"
	" created INTEGER NOT NULL)",
	"CREATE TABLE events ("
	" case_id TEXT NOT NULL REFERENCES cases(id),"
	" seq INTEGER NOT NULL,"
	" time_ms INTEGER NOT NULL,"
	" actor TEXT NOT NULL,"
	" type TEXT NOT NULL,"
	" body TEXT NOT NULL,"
	" PRIMARY KEY (case_id, seq)) WITHOUT ROWID",
	"CREATE TABLE secrets ("
	" case_id TEXT NOT NULL REFERENCES cases(id),"
	" name TEXT NOT NULL,"
	" sealed BLOB NOT NULL,"
	" PRIMARY KEY (case_id, name)) WITHOUT ROWID",
	"CREATE TABLE meta ("
	" name TEXT PRIMARY KEY NOT NULL,"
	" value BLOB NOT NULL) WITHOUT ROWID",
	tokens_sql,
	tokens_index_sql,
	envelopes_sql,
	scrubs_sql,
	summaries_sql,
	batches_sql,
};

/* Per-connection settings, run on every open once the file is known to be nakodo's. */
static const char *const connection_sql[] = {
	"PRAGMA synchronous = FULL",
	"PRAGMA secure_delete = ON",
	"PRAGMA foreign_keys = ON",
	"PRAGMA temp_store = MEMORY",
};

enum sq_kind { SQ_OURS, SQ_EMPTY, SQ_FOREIGN };

/* SQLite counts every allocation under one process-wide mutex unless told not to: the
 * server's threads took it for every malloc, ~1.5% of a submission's CPU (bench/
 * README.md). nakodo never reads the counts. Possible only before SQLite starts. */
static pthread_once_t sq_configured = PTHREAD_ONCE_INIT;

static void sq_configure_library(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	(void)store_sqlite_vfs_register();	/* without it, the writer opens plainly */
}

/* Prepares, runs to the end and finalizes one fixed statement; returns SQLite's code. */
static int sq_run(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK)
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
	if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
	sqlite3_finalize(st);
	return rc;
}

/* Reads the integer a one-row statement such as "PRAGMA application_id" answers. */
static int sq_pragma_int(sqlite3 *db, const char *sql, int64_t *value)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*value = sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE) {
			rc = SQLITE_CORRUPT;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

/* Tells nakodo's databases from empty ones (no application id, no tables) and from
 * everything else, reading only. */
static enum nk_status identify(struct sq_store *s, enum sq_kind *kind, struct nk_error *err)
{
	int64_t app = 0, tables = 0;
	int rc;

	rc = sq_pragma_int(s->db, "PRAGMA application_id", &app);
	if (rc == SQLITE_OK)
		rc = sq_pragma_int(s->db, "SELECT count(*) FROM sqlite_master", &tables);
	if ((rc & 0xff) == SQLITE_NOTADB)
		return nk_fail(err, NK_ECORRUPT, "store",
			       "%s is not a nakodo database (not an SQLite file)", s->path);
	if (rc != SQLITE_OK)
		return store_sqlite_fail(s, rc, "store", "could not read the database", err);
	if (app == STORE_APPLICATION_ID)
		*kind = SQ_OURS;
	else if (app == 0 && tables == 0)
		*kind = SQ_EMPTY;
	else
		*kind = SQ_FOREIGN;
	return NK_OK;
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
		sql_rc = sq_run(s->db, connection_sql[i]);
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

/* Makes the tables of an empty database in one transaction, with the proof of its key.
 * Sets *made; when another process made them first, does nothing. */
static enum nk_status create_schema(struct sq_store *s, const uint8_t key[static STORE_KEY_BYTES],
				    bool *made, struct nk_error *err)
{
	uint8_t check[STORE_KEY_CHECK_BYTES];
	char pragma[64];
	sqlite3_stmt *st = NULL;
	enum sq_kind kind;
	enum nk_status rc;
	int sql_rc;

	sql_rc = sq_run(s->db, "BEGIN IMMEDIATE");
	if (sql_rc != SQLITE_OK) {
		rc = store_sqlite_fail(s, sql_rc, "store", "could not create the database", err);
		goto out;
	}
	rc = identify(s, &kind, err);
	if (rc != NK_OK || kind != SQ_EMPTY) {
		if (rc == NK_OK && kind == SQ_FOREIGN)
			rc = nk_fail(err, NK_ECORRUPT, "store", "%s is not a nakodo database",
				     s->path);
		goto out;
	}
	for (size_t i = 0; i < sizeof(schema_sql) / sizeof(schema_sql[0]); i++) {
		sql_rc = sq_run(s->db, schema_sql[i]);
		if (sql_rc != SQLITE_OK)
			goto failed;
	}
	for (size_t i = 0; i < sizeof(record_sql) / sizeof(record_sql[0]); i++) {
		sql_rc = sq_run(s->db, record_sql[i]);
		if (sql_rc != SQLITE_OK)
			goto failed;
	}
	snprintf(pragma, sizeof(pragma), "PRAGMA application_id = %d", STORE_APPLICATION_ID);
	sql_rc = sq_run(s->db, pragma);
	if (sql_rc != SQLITE_OK)
		goto failed;
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
	sql_rc = sq_run(s->db, pragma);
	if (sql_rc != SQLITE_OK)
		goto failed;
	store_key_check(key, check);
	sql_rc = sqlite3_prepare_v2(s->db, "INSERT INTO meta(name, value) VALUES ('key_check', ?1)",
				    -1, &st, NULL);
	if (sql_rc == SQLITE_OK)
		sql_rc = sqlite3_bind_blob(st, 1, check, sizeof(check), SQLITE_TRANSIENT);
	if (sql_rc == SQLITE_OK && (sql_rc = sqlite3_step(st)) == SQLITE_DONE)
		sql_rc = sq_run(s->db, "COMMIT");
	if (sql_rc != SQLITE_OK)
		goto failed;
	*made = true;
	rc = nk_dir_sync(s->path, "store", err);
	goto out;
failed:
	rc = store_sqlite_fail(s, sql_rc, "store", "could not create the database", err);
out:
	sqlite3_finalize(st);
	if (!sqlite3_get_autocommit(s->db))
		(void)sq_run(s->db, "ROLLBACK");
	return rc;
}

/* Checks that the schema is the one this code knows and that key is the key the
 * database was made with. */
static enum nk_status verify(struct sq_store *s, const char *key_path,
			     const uint8_t key[static STORE_KEY_BYTES], struct nk_error *err)
{
	uint8_t check[STORE_KEY_CHECK_BYTES];
	sqlite3_stmt *st = NULL;
	enum nk_status rc;
	int64_t version = 0;
	int sql_rc;

	sql_rc = sq_pragma_int(s->db, "PRAGMA user_version", &version);
	if (sql_rc != SQLITE_OK) {
		rc = store_sqlite_fail(s, sql_rc, "store", "could not read the schema version", err);
		goto out;
	}
	if (version < 1 || version > STORE_SCHEMA_VERSION) {
		rc = nk_fail(err, NK_ECORRUPT, "store", "database %s has schema version %lld; "
			     "this nakodo knows version %d", s->path, (long long)version,
			     STORE_SCHEMA_VERSION);
		goto out;
	}
	store_key_check(key, check);
	sql_rc = sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE name = 'key_check'", -1,
				    &st, NULL);
	if (sql_rc == SQLITE_OK)
		sql_rc = sqlite3_step(st);
	if (sql_rc != SQLITE_ROW) {
		rc = nk_fail(err, NK_ECORRUPT, "store", "database %s is damaged: it has no key "
			     "check", s->path);
		goto out;
	}
	if (sqlite3_column_bytes(st, 0) != (int)sizeof(check) ||
	    sodium_memcmp(sqlite3_column_blob(st, 0), check, sizeof(check)) != 0) {
		rc = nk_fail(err, NK_ECORRUPT, "key", "key file %s does not belong to database %s",
			     key_path, s->path);
		goto out;
	}
	rc = NK_OK;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Brings an older database to the current version in one transaction: version 1 had no
 * tokens table, versions 1 and 2 no envelopes table, versions 1 to 3 no event links and
 * no record (the events they hold are counted, per case, in the legacy table), versions
 * 1 to 4 no batches. */
static enum nk_status upgrade(struct sq_store *s, struct nk_error *err)
{
	static const char has_legacy_sql[] =
		"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'legacy'";
	static const char has_scrubs_sql[] =
		"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'scrubs'";
	static const char has_summaries_sql[] =
		"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'summaries'";
	int64_t version = 0, legacy = 0, scrubs = 0, summaries = 0;
	int sql_rc;

	sql_rc = sq_pragma_int(s->db, "PRAGMA user_version", &version);
	if (sql_rc == SQLITE_OK)
		sql_rc = sq_pragma_int(s->db, has_legacy_sql, &legacy);
	if (sql_rc == SQLITE_OK)
		sql_rc = sq_pragma_int(s->db, has_scrubs_sql, &scrubs);
	if (sql_rc == SQLITE_OK)
		sql_rc = sq_pragma_int(s->db, has_summaries_sql, &summaries);
	if (sql_rc == SQLITE_OK && version == STORE_SCHEMA_VERSION && legacy && scrubs && summaries)
		return NK_OK;
	if (sql_rc == SQLITE_OK)
		sql_rc = sq_run(s->db, "BEGIN IMMEDIATE");
	if (sql_rc == SQLITE_OK)
		sql_rc = sq_pragma_int(s->db, "PRAGMA user_version", &version);
	if (sql_rc == SQLITE_OK)
		sql_rc = sq_pragma_int(s->db, has_legacy_sql, &legacy);
	/* A version-4 database made before the legacy table: every event it could take
	 * was linked, so it gets the table empty. */
	if (sql_rc == SQLITE_OK && version >= 4 && !legacy)
		sql_rc = sq_run(s->db, legacy_sql);
	if (sql_rc == SQLITE_OK && version == 1) {
		sql_rc = sq_run(s->db, tokens_sql);
		if (sql_rc == SQLITE_OK)
			sql_rc = sq_run(s->db, tokens_index_sql);
		if (sql_rc == SQLITE_OK)
			sql_rc = sq_run(s->db, "PRAGMA user_version = 2");
		version = 2;
	}
	if (sql_rc == SQLITE_OK && version == 2) {
		sql_rc = sq_run(s->db, envelopes_sql);
		if (sql_rc == SQLITE_OK)
			sql_rc = sq_run(s->db, "PRAGMA user_version = 3");
		version = 3;
	}
	for (size_t i = 0; sql_rc == SQLITE_OK && version == 3 &&
	     i < sizeof(record_sql) / sizeof(record_sql[0]); i++)
		sql_rc = sq_run(s->db, record_sql[i]);
	if (sql_rc == SQLITE_OK && version == 3) {
		sql_rc = sq_run(s->db, "PRAGMA user_version = 4");
		version = 4;
	}
	if (sql_rc == SQLITE_OK && version == 4) {
		sql_rc = sq_run(s->db, batches_sql);
		if (sql_rc == SQLITE_OK)
			sql_rc = sq_run(s->db, "PRAGMA user_version = 5");
		version = 5;
	}
	if (sql_rc == SQLITE_OK)
		sql_rc = sq_run(s->db, scrubs_sql);
	if (sql_rc == SQLITE_OK)
		sql_rc = sq_run(s->db, summaries_sql);
	if (sql_rc == SQLITE_OK)
		sql_rc = sq_run(s->db, "COMMIT");
	if (!sqlite3_get_autocommit(s->db))
		(void)sq_run(s->db, "ROLLBACK");
	if (sql_rc != SQLITE_OK)
		return store_sqlite_fail(s, sql_rc, "store", "could not upgrade the database", err);
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
	bool keys_set = false;
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
	sql_rc = sqlite3_open_v2(location, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
				 (flags & STORE_SQLITE_OPEN_GATHER) && sqlite3_vfs_find(STORE_SQLITE_VFS) ?
				 STORE_SQLITE_VFS : NULL);
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

	rc = identify(s, &kind, err);
	if (rc == NK_OK && kind == SQ_FOREIGN)
		rc = nk_fail(err, NK_ECORRUPT, "store", "%s is not a nakodo database", s->path);
	if (rc == NK_OK && kind == SQ_EMPTY && !(flags & NK_STORE_CREATE))
		rc = nk_fail(err, NK_ECORRUPT, "store", "%s is empty, not a nakodo database",
			     s->path);
	if (rc == NK_OK)
		rc = store_sqlite_tighten(location, key_path, err);
	if (rc == NK_OK)
		rc = configure(s, err);
	if (rc == NK_OK && kind == SQ_EMPTY) {
		rc = store_keyfile_create(key_path, key, &key_made, err);
		if (rc == NK_OK)
			rc = create_schema(s, key, &schema_made, err);
	} else if (rc == NK_OK) {
		rc = store_keyfile_read(key_path, key, err);
	}
	if (rc == NK_OK)
		rc = verify(s, key_path, key, err);
	if (rc == NK_OK)
		rc = upgrade(s, err);
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
