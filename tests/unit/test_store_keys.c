/* Unit tests for store/: the key folder (--keys DIR, handed to the store as NAKODO_KEYS),
 * on every backend: the keys are made in it (0700, 0600), a database opened with another
 * folder's key, or with none, is refused with the reason, and the right one opens it. */
#include "store_fixture.h"

#include "store/keyfile.h"
#include "test_store_url.h"

static void assert_mode(const char *path, mode_t want)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, want);
}

static void keys_live_in_their_folder(void **state)
{
	struct fixture *fx = *state;
	char keys[160], other[160], path[224], url[1024];
	struct nk_store *st = NULL;
	struct nk_error err = { 0 };
	bool made = false;
	uint8_t key[STORE_KEY_BYTES];

	snprintf(keys, sizeof(keys), "%s/keys", fx->dir);
	snprintf(other, sizeof(other), "%s/other", fx->dir);
	assert_int_equal(setenv("NAKODO_KEYS", keys, 1), 0);
	if (strcmp(fx->url, "mem:") == 0) {	/* keeps no key anywhere */
		assert_int_equal(nk_store_open(&st, "mem:", NK_STORE_CREATE, &err), NK_OK);
		nk_store_close(st);
		assert_int_equal(access(keys, F_OK), -1);
		return;
	}
	/* a fresh database (sqlite) or schema (postgresql) with its keys in keys/ */
	nk_store_close(fx->store);
	fx->store = NULL;
	if (strncmp(fx->url, "sqlite:", 7) == 0)
		snprintf(url, sizeof(url), "sqlite:%s/k.db", fx->dir);
	else
		snprintf(url, sizeof(url), "%s", fx->url);
	if (strncmp(fx->url, "sqlite:", 7) != 0) {
		/* the fixture's schema has its key in the fixture's folder: start anew */
		char sql[160];

		snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", fx->schema);
		assert_true(test_store_admin(sql));
		snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", fx->schema);
		assert_true(test_store_admin(sql));
	}
	assert_int_equal(nk_store_open(&st, url, NK_STORE_CREATE, &err), NK_OK);
	create_case(st, "c1");
	begin(st);
	put(st, "c1", "limit", "4200");
	commit(st);
	nk_store_close(st);
	st = NULL;
	assert_mode(keys, 0700);
	snprintf(path, sizeof(path), "%s/storage.key", keys);
	assert_mode(path, 0600);
	snprintf(path, sizeof(path), "%s/k.db.key", fx->dir);
	assert_int_equal(access(path, F_OK), -1);	/* not beside the database */

	/* another folder: without a key, then with another database's key */
	assert_int_equal(setenv("NAKODO_KEYS", other, 1), 0);
	assert_int_equal(nk_store_open(&st, url, 0, &err), NK_ECORRUPT);
	assert_non_null(strstr(err.text, "missing"));
	assert_int_equal(mkdir(other, 0700), 0);
	snprintf(path, sizeof(path), "%s/storage.key", other);
	assert_int_equal(store_keyfile_create(path, key, &made, NULL), NK_OK);
	sodium_memzero(key, sizeof(key));
	assert_int_equal(nk_store_open(&st, url, 0, &err), NK_ECORRUPT);
	assert_non_null(strstr(err.text, "does not belong"));
	assert_null(st);

	/* the right folder opens it, and the secret with it */
	assert_int_equal(setenv("NAKODO_KEYS", keys, 1), 0);
	assert_int_equal(nk_store_open(&fx->store, url, 0, &err), NK_OK);
	assert_secret(fx->store, "c1", "limit", "4200");
	snprintf(path, sizeof(path), "%s/storage.key", other);
	unlink(path);
	rmdir(other);
	snprintf(path, sizeof(path), "%s/storage.key", keys);
	unlink(path);
	rmdir(keys);
}

int main(void)
{
	static const struct store_test every_backend[] = {
		{ "keys_live_in_their_folder", keys_live_in_their_folder },
	};

	return store_tests_run("store_keys", every_backend, COUNT(every_backend), NULL, 0,
			       NULL, 0);
}
