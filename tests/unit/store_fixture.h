/* What the store's test files (test_store*.c) share: a fixture with a fresh store in a
 * temporary directory (sqlite) or in memory, small helpers that assert as they go, and
 * the runner of their tables over both backends (store_fixture.c). */
#ifndef NAKODO_TESTS_STORE_FIXTURE_H
#define NAKODO_TESTS_STORE_FIXTURE_H

#include <nakodo/seal.h>
#include <nakodo/store.h>

#include "store/store_impl.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

struct fixture {
	char dir[64];
	char db[128];
	char key[144];
	char url[1024];
	char schema[40];	/* postgresql: the test's own schema, dropped at teardown */
	struct nk_store *store;
};

struct collected {
	char ids[8][NK_CASE_ID_MAX];
	size_t count, stop_after;
};

void remove_dir(const char *dir);
size_t count_entries(const char *dir);
uint8_t *read_file(const char *path, size_t *len);
void write_file(const char *path, const void *data, size_t len);
bool contains(const uint8_t *hay, size_t hay_len, const void *needle, size_t len);
bool store_files_contain(const struct fixture *fx, const void *needle, size_t len);
int setup(void **state);
int teardown(void **state);
void reopen(struct fixture *fx);
void begin(struct nk_store *st);
void commit(struct nk_store *st);
void create_case(struct nk_store *st, const char *id);
int64_t append(struct nk_store *st, const char *case_id, const char *actor,
	       const char *type, const char *body);
void put(struct nk_store *st, const char *case_id, const char *name, const char *value);
void assert_secret(struct nk_store *st, const char *case_id, const char *name,
		   const char *want);
size_t count_events(struct nk_store *st, const char *case_id);
size_t raw_sealed(struct nk_store *st, const char *case_id, const char *name,
		  uint8_t sealed[static STORE_SEALED_MAX]);
bool collect(const char *case_id, void *arg);


/* A test of a table: run once per backend (both_backends) or on sqlite alone. */
struct store_test {
	const char *name;
	CMUnitTestFunction fn;
};

/* Runs the tests of both[] over sqlite, mem and postgresql (the cluster $NAKODO_TEST_PG
 * names, tests/pg/cluster.sh: without it they fail), those of sqlite[] over sqlite, then
 * the tests without a store (plain[]), as the group `group`. */
int store_tests_run(const char *group, const struct store_test *both, size_t nboth,
		    const struct store_test *sqlite, size_t nsqlite,
		    const struct CMUnitTest *plain, size_t nplain);

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#endif
