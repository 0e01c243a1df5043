/* The store's files are its user's alone, and a scrub held up by a reader stays owed:
 * the sqlite backend under a permissive umask, a database an earlier nakodo left 0644,
 * and an owed scrub through a second connection's read, a reopen and its release. */
#include <nakodo/keys.h>
#include <nakodo/store.h>

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
	char db[128];		/* the database's path */
	char url[160];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/nakodo-private-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->db, sizeof(fx->db), "%s/cases.db", fx->dir);
	snprintf(fx->url, sizeof(fx->url), "sqlite:%s", fx->db);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal", ".key" };
	char path[160];

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", fx->db, suffixes[i]);
		unlink(path);
	}
	rmdir(fx->dir);
	free(fx);
	return 0;
}

/* The permission bits of the database's file with suffix, or -1 when it is missing. */
static int mode_of(const struct fixture *fx, const char *suffix)
{
	char path[160];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s", fx->db, suffix);
	return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

static void write_case(struct nk_store *s, const char *id, const char *secret)
{
	assert_int_equal(nk_store_begin(s, NULL), NK_OK);
	assert_int_equal(nk_store_case_create(s, id, NULL), NK_OK);
	assert_int_equal(nk_store_secret_put(s, id, "figure", (const uint8_t *)secret,
					     strlen(secret), NULL), NK_OK);
	assert_int_equal(nk_store_commit(s, NULL), NK_OK);
}

/* Under umask 000, SQLite alone would make the database 0644 and give -wal and -shm the
 * same mode, whatever the umask. */
static void new_database_is_private_under_any_umask(void **state)
{
	struct fixture *fx = *state;
	struct nk_store *s = NULL;
	mode_t old = umask(0);

	assert_int_equal(nk_store_open(&s, fx->url, NK_STORE_CREATE, NULL), NK_OK);
	write_case(s, "c1", "claimant-limit");
	assert_int_equal(mode_of(fx, ""), 0600);
	assert_int_equal(mode_of(fx, "-wal"), 0600);
	assert_int_equal(mode_of(fx, "-shm"), 0600);
	assert_int_equal(mode_of(fx, ".key"), 0600);
	nk_store_close(s);
	umask(old);
}

/* A database and WAL left 0644 (and a key file 0640) are made private when opened. */
static void existing_readable_database_is_tightened(void **state)
{
	struct fixture *fx = *state;
	struct nk_store *s = NULL, *keep = NULL;
	char path[160];

	assert_int_equal(nk_store_open(&keep, fx->url, NK_STORE_CREATE, NULL), NK_OK);
	write_case(keep, "c1", "claimant-limit");	/* keep holds -wal and -shm open */
	assert_int_equal(chmod(fx->db, 0644), 0);
	snprintf(path, sizeof(path), "%s-wal", fx->db);
	assert_int_equal(chmod(path, 0644), 0);
	snprintf(path, sizeof(path), "%s.key", fx->db);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(nk_store_open(&s, fx->url, 0, NULL), NK_OK);
	assert_int_equal(mode_of(fx, ""), 0600);
	assert_int_equal(mode_of(fx, "-wal"), 0600);
	assert_int_equal(mode_of(fx, "-shm"), 0600);
	assert_int_equal(mode_of(fx, ".key"), 0600);
	nk_store_close(s);
	nk_store_close(keep);
}

/* The storage and server keys in a key folder (NAKODO_KEYS), left readable by others,
 * are made private (0600) when the store and its server key are opened, as the key file
 * beside a database is. The folder is left as it was: a hand may name any folder. */
static void readable_key_folder_is_tightened(void **state)
{
	struct fixture *fx = *state;
	struct nk_server_key *key = NULL;
	struct nk_store *s = NULL;
	char keys[96], storage[128], server[128], cmd[160];
	struct stat st;

	snprintf(keys, sizeof(keys), "%s/keys", fx->dir);
	snprintf(storage, sizeof(storage), "%s/storage.key", keys);
	snprintf(server, sizeof(server), "%s/server.key", keys);
	assert_int_equal(setenv("NAKODO_KEYS", keys, 1), 0);
	assert_int_equal(nk_store_open(&s, fx->url, NK_STORE_CREATE, NULL), NK_OK);
	nk_store_close(s);
	assert_int_equal(nk_store_server_key(fx->url, &key, NULL), NK_OK);
	nk_server_key_free(key);
	assert_int_equal(chmod(keys, 0755), 0);
	assert_int_equal(chmod(storage, 0644), 0);
	assert_int_equal(chmod(server, 0644), 0);
	assert_int_equal(nk_store_open(&s, fx->url, 0, NULL), NK_OK);
	nk_store_close(s);
	key = NULL;
	assert_int_equal(nk_store_server_key(fx->url, &key, NULL), NK_OK);
	nk_server_key_free(key);
	assert_int_equal(stat(keys, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(stat(storage, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(server, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(unsetenv("NAKODO_KEYS"), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", keys);
	assert_int_equal(system(cmd), 0);
}

/* Another connection's read holds the scrub up: it fails, and stays owed across a close
 * and a reopen, until a scrub after the read ended succeeds. */
static void held_scrub_stays_owed_until_done(void **state)
{
	struct fixture *fx = *state;
	struct nk_store *s = NULL;
	struct nk_error err = { 0 };
	sqlite3 *reader = NULL;
	bool pending = true;

	assert_int_equal(nk_store_open(&s, fx->url, NK_STORE_CREATE, NULL), NK_OK);
	write_case(s, "c1", "claimant-limit");
	assert_int_equal(nk_store_scrub_pending(s, &pending, NULL), NK_OK);
	assert_false(pending);

	assert_int_equal(sqlite3_open_v2(fx->db, &reader, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM cases;", NULL, NULL,
				      NULL), SQLITE_OK);
	assert_int_equal(nk_store_begin(s, NULL), NK_OK);
	assert_int_equal(nk_store_secret_purge(s, "c1", NULL), NK_OK);
	assert_int_equal(nk_store_commit(s, NULL), NK_OK);
	assert_int_equal(nk_store_scrub_pending(s, &pending, NULL), NK_OK);
	assert_true(pending);
	assert_int_equal(nk_store_scrub(s, &err), NK_ESTORE);
	assert_string_equal(err.field, "store");
	assert_null(strstr(err.text, "c1"));	/* names the database, not the case */
	assert_int_equal(nk_store_scrub_pending(s, &pending, NULL), NK_OK);
	assert_true(pending);

	nk_store_close(s);
	s = NULL;
	assert_int_equal(nk_store_open(&s, fx->url, 0, NULL), NK_OK);
	assert_int_equal(nk_store_scrub_pending(s, &pending, NULL), NK_OK);
	assert_true(pending);	/* durably */

	assert_int_equal(sqlite3_exec(reader, "COMMIT;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(reader);
	assert_int_equal(nk_store_scrub(s, NULL), NK_OK);
	assert_int_equal(nk_store_scrub_pending(s, &pending, NULL), NK_OK);
	assert_false(pending);
	assert_true(mode_of(fx, "-wal") == -1 || mode_of(fx, "-wal") == 0600);
	nk_store_close(s);
}

/* mem: overwrites in place and never owes a scrub. */
static void mem_never_owes(void **state)
{
	struct nk_store *s = NULL;
	bool pending = true;

	(void)state;
	assert_int_equal(nk_store_open(&s, "mem:", NK_STORE_CREATE, NULL), NK_OK);
	write_case(s, "c1", "claimant-limit");
	assert_int_equal(nk_store_begin(s, NULL), NK_OK);
	assert_int_equal(nk_store_secret_purge(s, "c1", NULL), NK_OK);
	assert_int_equal(nk_store_commit(s, NULL), NK_OK);
	assert_int_equal(nk_store_scrub_pending(s, &pending, NULL), NK_OK);
	assert_false(pending);
	nk_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(new_database_is_private_under_any_umask, setup,
						teardown),
		cmocka_unit_test_setup_teardown(existing_readable_database_is_tightened, setup,
						teardown),
		cmocka_unit_test_setup_teardown(readable_key_folder_is_tightened, setup, teardown),
		cmocka_unit_test_setup_teardown(held_scrub_stays_owed_until_done, setup, teardown),
		cmocka_unit_test(mem_never_owes),
	};

	return cmocka_run_group_tests_name("store_private", tests, NULL, NULL);
}
