/* The store a suite runs on, named by NAKODO_TEST_STORE (mem, sqlite or postgresql;
 * the suite's own default otherwise), so that one table of tests runs on every store:
 * meson registers the suite once per store. A postgresql store is a schema of its own in
 * the cluster tests/pg/cluster.sh runs ($NAKODO_TEST_PG), with its keys in dir; without
 * the cluster the suite fails, it does not skip. */
#ifndef NAKODO_TESTS_STORE_URL_H
#define NAKODO_TESTS_STORE_URL_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct test_store {
	char url[1024];
	char schema[40];	/* postgresql: dropped by test_store_drop */
};

/* Runs one statement on the test cluster; false (said on stderr) when it fails. */
static inline bool test_store_admin(const char *sql)
{
	const char *uri = getenv("NAKODO_TEST_PG");
	PGconn *conn;
	PGresult *res;
	bool ok;

	if (!uri || !*uri) {
		fprintf(stderr, "# NAKODO_TEST_PG is not set: run the PostgreSQL tests through "
			"tests/pg/cluster.sh (make check does)\n");
		return false;
	}
	conn = PQconnectdb(uri);
	res = PQexec(conn, sql);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "# %s: %s\n", sql, PQerrorMessage(conn));
	PQclear(res);
	PQfinish(conn);
	return ok;
}

/* Fills t for a new, empty store of kind (mem, sqlite or postgresql): "mem:",
 * "sqlite:DIR/test.db", or a new schema. dir is a folder of the test's own (its last six
 * characters name the schema). */
static inline bool test_store_make(struct test_store *t, const char *dir, const char *kind)
{
	char sql[96];

	memset(t, 0, sizeof(*t));
	if (strcmp(kind, "mem") == 0) {
		snprintf(t->url, sizeof(t->url), "mem:");
		return true;
	}
	if (strcmp(kind, "sqlite") == 0) {
		snprintf(t->url, sizeof(t->url), "sqlite:%s/test.db", dir);
		return true;
	}
	if (strcmp(kind, "postgresql") != 0 || strlen(dir) < 6) {
		fprintf(stderr, "# NAKODO_TEST_STORE: mem, sqlite or postgresql\n");
		return false;
	}
	snprintf(t->schema, sizeof(t->schema), "t_%s", dir + strlen(dir) - 6);
	for (char *c = t->schema; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", t->schema);
	if (!test_store_admin(sql) || setenv("NAKODO_KEYS", dir, 1) != 0)
		return false;
	snprintf(t->url, sizeof(t->url), "%s&options=-csearch_path%%3D%s",
		 getenv("NAKODO_TEST_PG"), t->schema);
	return true;
}

/* The same, of the kind NAKODO_TEST_STORE names, or fallback when it names none. */
static inline bool test_store_new(struct test_store *t, const char *dir, const char *fallback)
{
	const char *kind = getenv("NAKODO_TEST_STORE");

	return test_store_make(t, dir, kind && *kind ? kind : fallback);
}

static inline void test_store_drop(struct test_store *t)
{
	char sql[96];

	if (!*t->schema)
		return;
	snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", t->schema);
	(void)test_store_admin(sql);
	t->schema[0] = '\0';
}

#endif
