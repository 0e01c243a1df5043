/* The "sqlite:" backend's schema: the tables of each version, telling nakodo's databases
 * from others, making a new one with the proof of its key, checking an existing one and
 * bringing an older one to the current version (doc/storage.md, "Opening"). */
#include "store/keyfile.h"
#include "store/sqlite.h"
#include <nakodo/files.h>

#include <stdio.h>
#include <string.h>

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

/* Prepares, runs to the end and finalizes one fixed statement; returns SQLite's code. */
int store_sqlite_exec(sqlite3 *db, const char *sql)
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
enum nk_status store_sqlite_identify(struct sq_store *s, enum sq_kind *kind, struct nk_error *err)
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

/* Makes the tables of an empty database in one transaction, with the proof of its key.
 * Sets *made; when another process made them first, does nothing. */
enum nk_status store_sqlite_create_schema(struct sq_store *s,
					  const uint8_t key[static STORE_KEY_BYTES], bool *made, struct nk_error *err)
{
	uint8_t check[STORE_KEY_CHECK_BYTES];
	char pragma[64];
	sqlite3_stmt *st = NULL;
	enum sq_kind kind;
	enum nk_status rc;
	int sql_rc;

	sql_rc = store_sqlite_exec(s->db, "BEGIN IMMEDIATE");
	if (sql_rc != SQLITE_OK) {
		rc = store_sqlite_fail(s, sql_rc, "store", "could not create the database", err);
		goto out;
	}
	rc = store_sqlite_identify(s, &kind, err);
	if (rc != NK_OK || kind != SQ_EMPTY) {
		if (rc == NK_OK && kind == SQ_FOREIGN)
			rc = nk_fail(err, NK_ECORRUPT, "store", "%s is not a nakodo database",
				     s->path);
		goto out;
	}
	for (size_t i = 0; i < sizeof(schema_sql) / sizeof(schema_sql[0]); i++) {
		sql_rc = store_sqlite_exec(s->db, schema_sql[i]);
		if (sql_rc != SQLITE_OK)
			goto failed;
	}
	for (size_t i = 0; i < sizeof(record_sql) / sizeof(record_sql[0]); i++) {
		sql_rc = store_sqlite_exec(s->db, record_sql[i]);
		if (sql_rc != SQLITE_OK)
			goto failed;
	}
	snprintf(pragma, sizeof(pragma), "PRAGMA application_id = %d", STORE_APPLICATION_ID);
	sql_rc = store_sqlite_exec(s->db, pragma);
	if (sql_rc != SQLITE_OK)
		goto failed;
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
	sql_rc = store_sqlite_exec(s->db, pragma);
	if (sql_rc != SQLITE_OK)
		goto failed;
	store_key_check(key, check);
	sql_rc = sqlite3_prepare_v2(s->db, "INSERT INTO meta(name, value) VALUES ('key_check', ?1)",
				    -1, &st, NULL);
	if (sql_rc == SQLITE_OK)
		sql_rc = sqlite3_bind_blob(st, 1, check, sizeof(check), SQLITE_TRANSIENT);
	if (sql_rc == SQLITE_OK && (sql_rc = sqlite3_step(st)) == SQLITE_DONE)
		sql_rc = store_sqlite_exec(s->db, "COMMIT");
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
		(void)store_sqlite_exec(s->db, "ROLLBACK");
	return rc;
}

/* Checks that the schema is the one this code knows and that key is the key the
 * database was made with. */
enum nk_status store_sqlite_verify(struct sq_store *s, const char *key_path,
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
enum nk_status store_sqlite_upgrade(struct sq_store *s, struct nk_error *err)
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
		sql_rc = store_sqlite_exec(s->db, "BEGIN IMMEDIATE");
	if (sql_rc == SQLITE_OK)
		sql_rc = sq_pragma_int(s->db, "PRAGMA user_version", &version);
	if (sql_rc == SQLITE_OK)
		sql_rc = sq_pragma_int(s->db, has_legacy_sql, &legacy);
	/* A version-4 database made before the legacy table: every event it could take
	 * was linked, so it gets the table empty. */
	if (sql_rc == SQLITE_OK && version >= 4 && !legacy)
		sql_rc = store_sqlite_exec(s->db, legacy_sql);
	if (sql_rc == SQLITE_OK && version == 1) {
		sql_rc = store_sqlite_exec(s->db, tokens_sql);
		if (sql_rc == SQLITE_OK)
			sql_rc = store_sqlite_exec(s->db, tokens_index_sql);
		if (sql_rc == SQLITE_OK)
			sql_rc = store_sqlite_exec(s->db, "PRAGMA user_version = 2");
		version = 2;
	}
	if (sql_rc == SQLITE_OK && version == 2) {
		sql_rc = store_sqlite_exec(s->db, envelopes_sql);
		if (sql_rc == SQLITE_OK)
			sql_rc = store_sqlite_exec(s->db, "PRAGMA user_version = 3");
		version = 3;
	}
	for (size_t i = 0; sql_rc == SQLITE_OK && version == 3 &&
	     i < sizeof(record_sql) / sizeof(record_sql[0]); i++)
		sql_rc = store_sqlite_exec(s->db, record_sql[i]);
	if (sql_rc == SQLITE_OK && version == 3) {
		sql_rc = store_sqlite_exec(s->db, "PRAGMA user_version = 4");
		version = 4;
	}
	if (sql_rc == SQLITE_OK && version == 4) {
		sql_rc = store_sqlite_exec(s->db, batches_sql);
		if (sql_rc == SQLITE_OK)
			sql_rc = store_sqlite_exec(s->db, "PRAGMA user_version = 5");
		version = 5;
	}
	if (sql_rc == SQLITE_OK)
		sql_rc = store_sqlite_exec(s->db, scrubs_sql);
	if (sql_rc == SQLITE_OK)
		sql_rc = store_sqlite_exec(s->db, summaries_sql);
	if (sql_rc == SQLITE_OK)
		sql_rc = store_sqlite_exec(s->db, "COMMIT");
	if (!sqlite3_get_autocommit(s->db))
		(void)store_sqlite_exec(s->db, "ROLLBACK");
	if (sql_rc != SQLITE_OK)
		return store_sqlite_fail(s, sql_rc, "store", "could not upgrade the database", err);
	return NK_OK;
}
