/* A case environment over a fresh SQLite database in a temporary folder, with a new
 * server key and, when asked, a case cache; and SQL run on that file behind the
 * environment's back (a change at rest). Shared by test_covered.c and
 * test_previous_held.c. */
#ifndef NAKODO_TESTS_SQLITE_CASE_FIXTURE_H
#define NAKODO_TESTS_SQLITE_CASE_FIXTURE_H

#include <nakodo/case.h>

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

struct fixture {
	char dir[64], db[128], url[160];
	struct nk_server_key *signer;
	struct nk_store *store;
	struct nk_case_cache *cache;	/* NULL: every command loads the log */
	struct nk_case_env env;
};

static inline int fixture_setup(void **state, bool cached)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || sodium_init() < 0 || nk_server_key_generate(&f->signer, NULL) != NK_OK)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/nakodo-case-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof(f->db), "%s/c.db", f->dir);
	snprintf(f->url, sizeof(f->url), "sqlite:%s", f->db);
	if (nk_store_open(&f->store, f->url, NK_STORE_CREATE, NULL) != NK_OK ||
	    (cached && nk_case_cache_new(&f->cache, 16, NULL) != NK_OK))
		return -1;
	f->env = (struct nk_case_env){ .store = f->store, .signer = f->signer,
				       .cache = f->cache };
	*state = f;
	return 0;
}

static inline int fixture_teardown(void **state)
{
	struct fixture *f = *state;
	const char *suffix[] = { "", ".key", "-wal", "-shm" };
	char path[200];

	nk_store_close(f->store);
	nk_case_cache_free(f->cache);
	nk_server_key_free(f->signer);
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s%s", f->db, suffix[i]);
		unlink(path);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Runs text on the database file; returns the rows it changed. */
static inline int fixture_sql(struct fixture *f, const char *text)
{
	sqlite3 *db = NULL;
	int changed;

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, text, NULL, NULL, NULL), SQLITE_OK);
	changed = sqlite3_changes(db);
	sqlite3_close(db);
	return changed;
}

#endif
