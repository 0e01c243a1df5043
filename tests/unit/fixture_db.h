/* A database kept as a fixture (tests/fixtures/NAME.sql, with its storage key
 * NAME.db.key): its case environment with the fixture's server key and the controlled
 * clock and random source, and its loading from the SQL text. Shared by the tests that
 * replay stored cases (test_events.c, test_legacy.c) and write those fixtures. */
#ifndef NAKODO_TESTS_FIXTURE_DB_H
#define NAKODO_TESTS_FIXTURE_DB_H

#include <nakodo/case.h>
#include <nakodo/agenda_formats.h>
#include "../fake_env.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#ifndef FIXTURES_DIR
#error "FIXTURES_DIR names tests/fixtures/"
#endif

struct fixture {
	char dir[64], db[96];
	struct nk_server_key *signer;
	struct nk_store *store;
	struct nk_case_env env;
	struct fake_env fake;	/* the clock and random source of env */
};

/* The fixtures' server key: from a fixed seed, so the countersignatures verify. */
static inline struct nk_server_key *fixture_signer(void)
{
	uint8_t seed[32];
	struct nk_server_key *k = NULL;

	for (size_t i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(0xa0 + i);
	if (nk_server_key_from_seed(seed, &k, NULL) != NK_OK)
		return NULL;
	return k;
}

static inline int fixture_open_at(struct fixture *f, const char *db, unsigned flags)
{
	char url[128];
	struct nk_error err = { 0 };

	snprintf(url, sizeof(url), "sqlite:%s", db);
	if (nk_store_open(&f->store, url, flags, &err) != NK_OK) {
		fprintf(stderr, "# %s: %s\n", err.field, err.text);
		return -1;
	}
	if (!(f->signer = fixture_signer()))
		return -1;
	f->env = (struct nk_case_env){ f->store, fake_now, fake_random, &f->fake, f->signer, NULL, NULL };
	f->fake = (struct fake_env)FAKE_ENV_START;
	return 0;
}

/* An empty database in a new directory. */
static inline int fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || sodium_init() < 0)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/nakodo-fixture-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof(f->db), "%s/c.db", f->dir);
	*state = f;
	return fixture_open_at(f, f->db, NK_STORE_CREATE);
}

static inline int fixture_teardown(void **state)
{
	struct fixture *f = *state;
	static const char *const suffix[] = { "", "-wal", "-shm", ".key" };
	char path[160];

	nk_store_close(f->store);
	nk_server_key_free(f->signer);
	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", f->db, suffix[i]);
		unlink(path);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static inline void fixture_copy_file(const char *from, const char *to)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	assert_int_equal(nk_file_read(from, &buf, &len, NULL), NK_OK);
	assert_non_null(out = fopen(to, "wb"));
	assert_int_equal(fwrite(buf, 1, len, out), len);
	assert_int_equal(fclose(out), 0);
	free(buf);
}

/* Replaces f's empty database with tests/fixtures/name.sql and its key name.db.key. */
static inline void fixture_load(struct fixture *f, const char *name)
{
	char path[512], key[128], *sql = NULL, *msg = NULL;
	size_t len = 0;
	sqlite3 *h = NULL;

	nk_store_close(f->store);
	nk_server_key_free(f->signer);
	f->store = NULL;
	f->signer = NULL;
	unlink(f->db);
	snprintf(key, sizeof(key), "%s.key", f->db);
	unlink(key);
	snprintf(path, sizeof(path), "%s/%s.sql", FIXTURES_DIR, name);
	assert_int_equal(nk_file_read(path, &sql, &len, NULL), NK_OK);
	assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, &msg), SQLITE_OK);
	sqlite3_close(h);
	free(sql);
	snprintf(path, sizeof(path), "%s/%s.db.key", FIXTURES_DIR, name);
	fixture_copy_file(path, key);
	assert_int_equal(fixture_open_at(f, f->db, 0), 0);
}

#endif
