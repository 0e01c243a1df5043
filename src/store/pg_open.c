/* Opening a "postgresql:" store: connect through libpq, tell nakodo's tables from an
 * empty schema and from anyone else's, make the tables and the storage key together
 * (the key in the key folder, never in the database), check the key on every open, and
 * run statements with bound parameters in binary. See doc/storage.md, "PostgreSQL". */
#include "store/keyfile.h"
#include "store/pg.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PG_TEXT_OID 25
#define PG_INT8_OID 20
#define PG_BYTEA_OID 17
#define PG_PARAMS_MAX 8

/* The transaction-level lock two servers creating the same schema at once take first;
 * the number is nakodo's application id ("NKOD"). */
#define PG_CREATE_LOCK "SELECT pg_advisory_xact_lock(1313558340)"

/* Run once on every connection: commits are durable before COMMIT returns whatever the
 * database's default; a lock waited for too long fails the command instead of hanging. */
static const char *const session_sql[] = {
	"SET synchronous_commit = on",
	"SET client_min_messages = warning",
	"SET lock_timeout = '30s'",
	"SET default_transaction_isolation = 'read committed'",
};

/* Schema version 1 (meta 'schema_version'). cases.n orders the cases oldest first;
 * meta 'record' is the row a transaction locks before it appends to the record. */
static const char *const schema_sql[] = {
	"CREATE TABLE meta (name text PRIMARY KEY, value bytea NOT NULL)",
	"CREATE TABLE cases (id text PRIMARY KEY, n bigserial NOT NULL UNIQUE,"
	" created bigint NOT NULL)",
	"CREATE TABLE events (case_id text NOT NULL REFERENCES cases(id), seq bigint NOT NULL,"
	" time_ms bigint NOT NULL, actor text NOT NULL, type text NOT NULL, body text NOT NULL,"
	" chain bytea, countersig bytea, PRIMARY KEY (case_id, seq))",
	"CREATE TABLE secrets (case_id text NOT NULL REFERENCES cases(id), name text NOT NULL,"
	" sealed bytea NOT NULL, PRIMARY KEY (case_id, name))",
	"CREATE TABLE tokens (hash bytea PRIMARY KEY, case_id text NOT NULL, role text NOT NULL)",
	"CREATE INDEX tokens_by_case ON tokens(case_id, role)",
	"CREATE TABLE envelopes (case_id text NOT NULL REFERENCES cases(id), name text NOT NULL,"
	" bytes bytea NOT NULL, PRIMARY KEY (case_id, name))",
	"CREATE TABLE record (idx bigint PRIMARY KEY CHECK (idx >= 0),"
	" case_id text NOT NULL UNIQUE REFERENCES cases(id), entry bytea NOT NULL,"
	" sig bytea NOT NULL)",
	"CREATE TABLE checkpoints (size bigint PRIMARY KEY, data bytea NOT NULL)",
	"CREATE TABLE scrubs (seq bigserial PRIMARY KEY, case_id text NOT NULL)",
	"CREATE TABLE summaries (case_id text PRIMARY KEY REFERENCES cases(id),"
	" kind text NOT NULL, state text NOT NULL, currency text NOT NULL,"
	" round bigint NOT NULL, rounds bigint NOT NULL, changed bigint NOT NULL)",
	"INSERT INTO meta(name, value) VALUES ('application', 'nakodo'),"
	" ('schema_version', '1'), ('record', '')",
};

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

int64_t store_pg_int(const PGresult *res, int row, int col)
{
	const uint8_t *p = (const uint8_t *)PQgetvalue(res, row, col);
	uint64_t v = 0;

	if (PQgetlength(res, row, col) != 8)
		return -1;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return (int64_t)v;
}

/* libpq's reason, first line only, without the connection URI. */
static const char *reason(const struct pg_store *s, const PGresult *res)
{
	static _Thread_local char line[256];
	const char *text = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	if (!text || !*text)
		text = s->conn ? PQerrorMessage(s->conn) : "no connection";
	snprintf(line, sizeof(line), "%s", text);
	line[strcspn(line, "\n")] = '\0';
	if (s->conninfo && strstr(line, s->conninfo))
		snprintf(line, sizeof(line), "(libpq's reason quoted the URI, and is not shown)");
	return line;
}

static enum nk_status connect_db(struct pg_store *s, struct nk_error *err);

/* Whether res failed because the connection is gone: libpq says so, or the server did
 * (SQLSTATE class 08, connection exception; 57P, operator intervention: a shutdown), or
 * there is no SQLSTATE at all (the socket closed under libpq). */
static bool lost(const struct pg_store *s, const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	return PQstatus(s->conn) != CONNECTION_OK || !state || strncmp(state, "08", 2) == 0 ||
	       strncmp(state, "57P", 3) == 0;
}

PGresult *store_pg_run(struct pg_store *s, const char *sql, const struct pg_param *params,
		       int n, const char *field, const char *what, struct nk_error *err)
{
	const char *values[PG_PARAMS_MAX];
	int lengths[PG_PARAMS_MAX], formats[PG_PARAMS_MAX];
	Oid types[PG_PARAMS_MAX];
	uint8_t ints[PG_PARAMS_MAX][8];
	PGresult *res;
	ExecStatusType st;

	if (n > PG_PARAMS_MAX) {
		nk_fail(err, NK_EINVAL, field, "%s: too many parameters", what);
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		formats[i] = 1;
		switch (params[i].kind) {
		case 't':
			types[i] = PG_TEXT_OID;
			values[i] = params[i].text;
			lengths[i] = (int)strlen(params[i].text);
			break;
		case 'i':
			types[i] = PG_INT8_OID;
			for (int b = 0; b < 8; b++)
				ints[i][b] = (uint8_t)((uint64_t)params[i].i >> (56 - 8 * b));
			values[i] = (const char *)ints[i];
			lengths[i] = 8;
			break;
		default:
			types[i] = PG_BYTEA_OID;
			values[i] = params[i].data;
			lengths[i] = (int)params[i].len;
			break;
		}
	}
	res = PQexecParams(s->conn, sql, n, types, values, lengths, formats, 1);
	st = PQresultStatus(res);
	/* Outside a transaction a lost connection (the database restarted) is made again and
	 * the statement tried once more: only reads and BEGIN run there. Inside one, the
	 * transaction is gone with the connection, and the command fails. */
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && !s->in_tx && lost(s, res) &&
	    connect_db(s, NULL) == NK_OK) {
		PQclear(res);
		res = PQexecParams(s->conn, sql, n, types, values, lengths, formats, 1);
		st = PQresultStatus(res);
	}
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return res;
	if (lost(s, res))
		s->failed = nk_fail(err, NK_ESTORE, field, "%s: the PostgreSQL database cannot be "
				    "reached (%s)", what, reason(s, res));
	else if (!res || st == PGRES_FATAL_ERROR)
		s->failed = nk_fail(err, res ? NK_ESTORE : NK_ENOMEM, field, "%s: %s (PostgreSQL)",
				    what, reason(s, res));
	else
		s->failed = nk_fail(err, NK_ESTORE, field, "%s: unexpected answer from PostgreSQL",
				    what);
	PQclear(res);
	return NULL;
}

enum nk_status store_pg_exec(struct pg_store *s, const char *sql, const struct pg_param *params,
			     int n, const char *field, const char *what, struct nk_error *err)
{
	PGresult *res = store_pg_run(s, sql, params, n, field, what, err);

	if (!res)
		return s->failed;
	PQclear(res);
	return NK_OK;
}

enum nk_status store_pg_lock_case(struct pg_store *s, const char *case_id, struct nk_error *err)
{
	struct pg_param p[] = { PG_T(case_id) };
	PGresult *res;
	bool found;

	if (s->write && strcmp(s->locked, case_id) == 0)
		return NK_OK;
	res = store_pg_run(s, s->write ? "SELECT 1 FROM cases WHERE id = $1 FOR UPDATE" :
			   "SELECT 1 FROM cases WHERE id = $1", p, 1, "case",
			   "could not look the case up", err);
	if (!res)
		return s->failed;
	found = PQntuples(res) > 0;
	PQclear(res);
	if (!found)
		return nk_fail(err, NK_ENOTFOUND, "case", "there is no case %s", case_id);
	if (s->write)
		snprintf(s->locked, sizeof(s->locked), "%s", case_id);
	return NK_OK;
}

enum nk_status store_pg_lock_record(struct pg_store *s, struct nk_error *err)
{
	enum nk_status rc;

	if (!s->write || s->record_locked)
		return NK_OK;
	rc = store_pg_exec(s, "SELECT 1 FROM meta WHERE name = 'record' FOR UPDATE", NULL, 0,
			   "record", "could not take the record's turn", err);
	s->record_locked = rc == NK_OK;
	return rc;
}

static enum nk_status pg_no_keys(struct nk_error *err)
{
	return nk_fail(err, NK_EINVAL, "keys", "a PostgreSQL store keeps its keys in a folder of "
		       "their own: give --keys DIR (or NAKODO_KEYS)");
}

enum nk_status store_pg_server_key_path(const char *location, char *out, size_t size,
					struct nk_error *err)
{
	bool set = false;
	enum nk_status rc;

	(void)location;
	rc = store_keys_file(STORE_SERVER_KEY_FILE, true, out, size, &set, err);
	if (rc == NK_OK && !set)
		rc = pg_no_keys(err);
	return rc;
}

/* Connects (or reconnects) and sets the session up. */
static enum nk_status connect_db(struct pg_store *s, struct nk_error *err)
{
	if (s->conn) {
		PQreset(s->conn);
	} else {
		/* libpq's reasons for a URI it cannot read quote the URI, or the part of it
		 * it could not decode, the password among them: they are not repeated. */
		char *why = NULL;
		PQconninfoOption *opts = PQconninfoParse(s->conninfo, &why);

		PQfreemem(why);
		if (!opts)
			return nk_fail(err, NK_EINVAL, "db", "libpq cannot read this PostgreSQL URI "
				       "(its reason is not shown: it quotes the URI, which may hold a "
				       "password); see doc/deploy.md for its form");
		PQconninfoFree(opts);
		s->conn = PQconnectdb(s->conninfo);
	}
	if (!s->conn)
		return nk_fail(err, NK_ENOMEM, "db", "no memory to connect to PostgreSQL");
	if (PQstatus(s->conn) != CONNECTION_OK)
		return nk_fail(err, NK_ESTORE, "db", "could not connect to the PostgreSQL "
			       "database: %s", reason(s, NULL));
	PQsetNoticeProcessor(s->conn, quiet, NULL);
	for (size_t i = 0; i < sizeof(session_sql) / sizeof(session_sql[0]); i++) {
		enum nk_status rc = store_pg_exec(s, session_sql[i], NULL, 0, "db",
						  "could not set the session up", err);

		if (rc != NK_OK)
			return rc;
	}
	return NK_OK;
}

enum nk_status store_pg_reconnect(struct pg_store *s, struct nk_error *err)
{
	if (PQstatus(s->conn) == CONNECTION_OK)
		return NK_OK;
	return connect_db(s, err);
}

/* One meta value as text into out[size], or "" when there is none. */
static enum nk_status meta_get(struct pg_store *s, const char *name, char *out, size_t size,
			       struct nk_error *err)
{
	struct pg_param p[] = { PG_T(name) };
	PGresult *res = store_pg_run(s, "SELECT value FROM meta WHERE name = $1", p, 1, "store",
				     "could not read the database's identity", err);

	if (!res)
		return s->failed;
	out[0] = '\0';
	if (PQntuples(res) == 1 && (size_t)PQgetlength(res, 0, 0) < size) {
		memcpy(out, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
		out[PQgetlength(res, 0, 0)] = '\0';
	}
	PQclear(res);
	return NK_OK;
}

/* Whether the schema holds nakodo's tables (*ours), no table at all (*empty), or
 * anything else (both false). */
static enum nk_status identify(struct pg_store *s, bool *ours, bool *empty,
			       struct nk_error *err)
{
	char app[16];
	PGresult *res = store_pg_run(s,
		"SELECT to_regclass(quote_ident(current_schema()) || '.meta') IS NOT NULL, "
		"(SELECT count(*) FROM pg_tables WHERE schemaname = current_schema())",
		NULL, 0, "store", "could not read the database's tables", err);
	bool has_meta;
	int64_t tables;

	if (!res)
		return s->failed;
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0)) {
		PQclear(res);
		return nk_fail(err, NK_EINVAL, "db", "the PostgreSQL database has no schema to "
			       "keep nakodo's tables in (see search_path)");
	}
	has_meta = *PQgetvalue(res, 0, 0) != 0;
	tables = store_pg_int(res, 0, 1);
	PQclear(res);
	*empty = tables == 0;
	*ours = false;
	if (has_meta) {
		if (meta_get(s, "application", app, sizeof(app), err) != NK_OK)
			return s->failed;
		*ours = strcmp(app, "nakodo") == 0;
	}
	return NK_OK;
}

static enum nk_status create_schema(struct pg_store *s, const uint8_t key[static STORE_KEY_BYTES],
				    struct nk_error *err)
{
	uint8_t check[STORE_KEY_CHECK_BYTES];
	struct pg_param p[] = { PG_B(check, sizeof(check)) };
	enum nk_status rc = NK_OK;

	for (size_t i = 0; rc == NK_OK && i < sizeof(schema_sql) / sizeof(schema_sql[0]); i++)
		rc = store_pg_exec(s, schema_sql[i], NULL, 0, "store",
				   "could not create nakodo's tables", err);
	store_key_check(key, check);
	if (rc == NK_OK)
		rc = store_pg_exec(s, "INSERT INTO meta(name, value) VALUES ('key_check', $1)", p,
				   1, "store", "could not create nakodo's tables", err);
	return rc;
}

/* The schema version this code knows, and the key the database was made with. */
static enum nk_status verify(struct pg_store *s, const char *path,
			     const uint8_t key[static STORE_KEY_BYTES], struct nk_error *err)
{
	uint8_t check[STORE_KEY_CHECK_BYTES];
	char version[16];
	PGresult *res;
	bool same;

	if (meta_get(s, "schema_version", version, sizeof(version), err) != NK_OK)
		return s->failed;
	if (strcmp(version, "1") != 0)
		return nk_fail(err, NK_ECORRUPT, "store", "the PostgreSQL database has nakodo schema "
			       "version %s; this nakodo knows version %d", *version ? version : "?",
			       STORE_PG_SCHEMA_VERSION);
	res = store_pg_run(s, "SELECT value FROM meta WHERE name = 'key_check'", NULL, 0,
			   "store", "could not read the key check", err);
	if (!res)
		return s->failed;
	store_key_check(key, check);
	same = PQntuples(res) == 1 && PQgetlength(res, 0, 0) == (int)sizeof(check) &&
	       sodium_memcmp(PQgetvalue(res, 0, 0), check, sizeof(check)) == 0;
	PQclear(res);
	if (!same)
		return nk_fail(err, NK_ECORRUPT, "keys", "the storage key %s does not belong to this "
			       "PostgreSQL database (is --keys / NAKODO_KEYS the right folder?)",
			       path);
	return NK_OK;
}

void store_pg_close(void *state)
{
	struct pg_store *s = state;

	if (!s)
		return;
	PQfinish(s->conn);
	if (s->conninfo) {
		sodium_memzero(s->conninfo, strlen(s->conninfo));
		free(s->conninfo);
	}
	free(s);
}

enum nk_status store_pg_open(void **state, const char *scheme, const char *location,
			     unsigned flags, uint8_t key[static STORE_KEY_BYTES],
			     struct nk_error *err)
{
	struct pg_store *s = calloc(1, sizeof(*s));
	char path[PATH_MAX];
	bool ours = false, empty = false, key_made = false, keys_set = false;
	size_t n = strlen(scheme) + 1 + strlen(location) + 1;
	enum nk_status rc;

	if (!s || n > STORE_PG_CONNINFO_MAX || !(s->conninfo = malloc(n))) {
		rc = s && n > STORE_PG_CONNINFO_MAX ?
			nk_fail(err, NK_EINVAL, "db", "the PostgreSQL URI is longer than %d bytes",
				STORE_PG_CONNINFO_MAX) :
			nk_fail(err, NK_ENOMEM, "db", "no memory to open the database");
		goto out;
	}
	memcpy(s->conninfo, scheme, strlen(scheme));
	s->conninfo[strlen(scheme)] = ':';
	memcpy(s->conninfo + strlen(scheme) + 1, location, strlen(location) + 1);
	rc = store_keys_file(STORE_KEY_FILE, flags & NK_STORE_CREATE, path, sizeof(path),
			     &keys_set, err);
	if (rc == NK_OK && !keys_set)
		rc = pg_no_keys(err);
	if (rc != NK_OK || (rc = connect_db(s, err)) != NK_OK)
		goto out;
	rc = store_pg_exec(s, "BEGIN", NULL, 0, "store", "could not open the database", err);
	if (rc == NK_OK)
		rc = store_pg_exec(s, PG_CREATE_LOCK, NULL, 0, "store",
				   "could not open the database", err);
	if (rc == NK_OK)
		rc = identify(s, &ours, &empty, err);
	if (rc != NK_OK)
		goto out;
	if (!ours && !empty) {
		rc = nk_fail(err, NK_ECORRUPT, "store", "the PostgreSQL database (schema) holds "
			     "tables that are not nakodo's");
	} else if (!ours && !(flags & NK_STORE_CREATE)) {
		rc = nk_fail(err, NK_ENOTFOUND, "store", "the PostgreSQL database has no nakodo "
			     "tables yet");
	} else if (!ours) {
		rc = store_keyfile_create(path, key, &key_made, err);
		if (rc == NK_OK)
			rc = create_schema(s, key, err);
	} else {
		rc = store_keyfile_read(path, key, err);
	}
	if (rc == NK_OK)
		rc = verify(s, path, key, err);
	if (rc == NK_OK)
		rc = store_pg_exec(s, "COMMIT", NULL, 0, "store", "could not create nakodo's tables",
				   err);
	if (rc == NK_OK) {
		*state = s;
		return NK_OK;
	}
	if (key_made)
		(void)remove(path);
out:
	store_pg_close(s);
	return rc;
}
