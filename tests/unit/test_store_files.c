/* Unit tests for store/: what only files can show (sqlite): the bytes left on disk after
 * purge and scrub, foreign and damaged files refused untouched, the key file. */
#include "store_fixture.h"

static void purge_and_scrub_leave_no_trace(void **state)
{
	struct fixture *fx = *state;
	static const char plain[] = "claimant-limit:USD:731500000:6d1b";
	static const char marker[] = "EVENT-MARKER-5f2a09c4";
	uint8_t first[STORE_SEALED_MAX], second[STORE_SEALED_MAX];
	size_t first_len, second_len;
	struct stat st;
	char wal[192];
	struct nk_store *s = fx->store;

	create_case(s, "c1");
	create_case(s, "c2");
	begin(s);
	append(s, "c1", "mediator", "case.note", "{\"note\":\"EVENT-MARKER-5f2a09c4\"}");
	put(s, "c1", "limit", plain);
	put(s, "c2", "keep", "payer-limit");
	commit(s);
	first_len = raw_sealed(s, "c1", "limit", first);
	begin(s);
	put(s, "c1", "limit", plain);	/* replaced: the old blob must go too */
	commit(s);
	second_len = raw_sealed(s, "c1", "limit", second);

	/* The search finds what is there: an event body and both sealed blobs. */
	assert_true(store_files_contain(fx, marker, strlen(marker)));
	assert_true(store_files_contain(fx, first, first_len));
	assert_true(store_files_contain(fx, second, second_len));
	assert_false(store_files_contain(fx, plain, strlen(plain)));	/* never in clear */

	begin(s);
	assert_int_equal(nk_store_secret_purge(s, "c1", NULL), NK_OK);
	commit(s);
	/* Committed, but the WAL still holds older copies of the page: hence scrub. */
	assert_true(store_files_contain(fx, second, second_len));
	assert_int_equal(nk_store_scrub(s, NULL), NK_OK);

	for (size_t part = 0; part < 2; part++) {
		const uint8_t *blob = part ? second : first;
		size_t len = part ? second_len : first_len;

		assert_false(store_files_contain(fx, blob, len));
		/* nor its nonce, nor its MAC and ciphertext, on their own */
		assert_false(store_files_contain(fx, blob + 1, crypto_secretbox_NONCEBYTES));
		assert_false(store_files_contain(fx, blob + 1 + crypto_secretbox_NONCEBYTES,
						 len - 1 - crypto_secretbox_NONCEBYTES));
	}
	assert_false(store_files_contain(fx, plain, strlen(plain)));
	assert_true(store_files_contain(fx, marker, strlen(marker)));
	snprintf(wal, sizeof(wal), "%s-wal", fx->db);
	assert_true(stat(wal, &st) != 0 || st.st_size == 0);

	assert_int_equal(nk_store_secret_get(s, "c1", "limit", (uint8_t[64]){0}, 64, &(size_t){0},
					     NULL), NK_ENOTFOUND);
	assert_secret(s, "c2", "keep", "payer-limit");
	assert_int_equal(count_events(s, "c1"), 1);
}

/* Opening path (without CREATE, and with it when also_create) is NK_ECORRUPT naming
 * it, and leaves its bytes as they were and no key file beside it. */
static void assert_refused_untouched(const char *path, const char *why, bool also_create)
{
	char url[256], key[256];
	struct nk_store *store = (struct nk_store *)&url;	/* must stay as it is */
	struct nk_error err = {0};
	size_t before_len, after_len;
	uint8_t *before = read_file(path, &before_len), *after;

	snprintf(url, sizeof(url), "sqlite:%s", path);
	snprintf(key, sizeof(key), "%s.key", path);
	for (unsigned flags = 0; flags <= (also_create ? NK_STORE_CREATE : 0);
	     flags += NK_STORE_CREATE) {
		assert_int_equal(nk_store_open(&store, url, flags, &err), NK_ECORRUPT);
		assert_ptr_equal(store, (struct nk_store *)&url);
		assert_non_null(strstr(err.text, why));
		assert_non_null(strstr(err.text, path));
	}
	after = read_file(path, &after_len);
	assert_int_equal(before_len, after_len);
	if (before_len)
		assert_memory_equal(before, after, before_len);
	assert_int_equal(access(key, F_OK), -1);
	free(before);
	free(after);
}

static void foreign_files_are_refused_untouched(void **state)
{
	struct fixture *fx = *state;
	char path[192];
	sqlite3 *db = NULL;
	char text[600] = "";

	snprintf(path, sizeof(path), "%s/other.db", fx->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE cases(id TEXT); INSERT INTO cases "
				      "VALUES ('x'); PRAGMA user_version = 1", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_refused_untouched(path, "not a nakodo database", true);

	snprintf(path, sizeof(path), "%s/notes.txt", fx->dir);
	for (int i = 0; i < 20; i++)
		strcat(text, "not a database!\n");
	write_file(path, text, strlen(text));
	assert_refused_untouched(path, "not a nakodo database", true);

	/* An empty file is refused too, unless CREATE asks to make the database in it. */
	snprintf(path, sizeof(path), "%s/empty.db", fx->dir);
	write_file(path, "", 0);
	assert_refused_untouched(path, "empty", false);
	assert_refused_untouched(fx->dir, "not a nakodo database", true);
}

static void missing_key_file_is_refused(void **state)
{
	struct fixture *fx = *state;
	struct nk_store *store = NULL;
	struct nk_error err = {0};
	char moved[192];

	nk_store_close(fx->store);
	fx->store = NULL;
	snprintf(moved, sizeof(moved), "%s/moved.key", fx->dir);
	assert_int_equal(rename(fx->key, moved), 0);
	for (unsigned flags = 0; flags <= NK_STORE_CREATE; flags += NK_STORE_CREATE) {
		assert_int_equal(nk_store_open(&store, fx->url, flags, &err), NK_ECORRUPT);
		assert_null(store);
		assert_string_equal(err.field, "key");
		assert_non_null(strstr(err.text, fx->key));
		assert_non_null(strstr(err.text, "missing"));
		assert_int_equal(access(fx->key, F_OK), -1);	/* not made anew */
	}
	assert_int_equal(rename(moved, fx->key), 0);
	reopen(fx);
}

static void damaged_key_file_is_refused(void **state)
{
	struct fixture *fx = *state;
	struct nk_store *store = NULL;
	struct nk_error err = {0};
	size_t len, other_len;
	uint8_t *good, *other, bad[64];
	char other_url[192], other_key[192];

	nk_store_close(fx->store);
	fx->store = NULL;
	good = read_file(fx->key, &len);
	assert_int_equal(len, 56);
	for (int damage = 0; damage < 5; damage++) {
		size_t bad_len = len;

		memcpy(bad, good, len);
		if (damage == 0)
			bad_len = 20;		/* truncated */
		else if (damage == 1)
			bad_len = 0;		/* emptied */
		else if (damage == 2)
			bad[20] ^= 0x01;	/* a flipped bit in the key */
		else if (damage == 3)
			bad[0] = 'X';		/* wrong magic */
		else
			bad[bad_len++] = '\n';	/* a byte too many */
		write_file(fx->key, bad, bad_len);
		assert_int_equal(nk_store_open(&store, fx->url, 0, &err), NK_ECORRUPT);
		assert_null(store);
		assert_non_null(strstr(err.text, "is damaged"));
		assert_non_null(strstr(err.text, fx->key));
	}

	/* a sound key file, but another database's */
	snprintf(other_url, sizeof(other_url), "sqlite:%s/second.db", fx->dir);
	snprintf(other_key, sizeof(other_key), "%s/second.db.key", fx->dir);
	assert_int_equal(nk_store_open(&store, other_url, NK_STORE_CREATE, NULL), NK_OK);
	nk_store_close(store);
	store = NULL;
	other = read_file(other_key, &other_len);
	write_file(fx->key, other, other_len);
	assert_int_equal(nk_store_open(&store, fx->url, 0, &err), NK_ECORRUPT);
	assert_non_null(strstr(err.text, "does not belong"));

	write_file(fx->key, good, len);
	reopen(fx);
	free(good);
	free(other);
}

static void key_file_is_private(void **state)
{
	struct fixture *fx = *state;
	struct nk_store *store = NULL;
	struct stat st;
	char url[192], key[192];
	mode_t old;

	assert_int_equal(stat(fx->key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 56);

	old = umask(0);		/* 0600 comes from nakodo, not from the umask */
	snprintf(url, sizeof(url), "sqlite:%s/open.db", fx->dir);
	snprintf(key, sizeof(key), "%s/open.db.key", fx->dir);
	assert_int_equal(nk_store_open(&store, url, NK_STORE_CREATE, NULL), NK_OK);
	umask(old);
	nk_store_close(store);
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

static void open_without_create_makes_nothing(void **state)
{
	struct fixture *fx = *state;
	struct nk_store *store = NULL;
	struct nk_error err = {0};
	size_t entries = count_entries(fx->dir);
	char url[192];

	snprintf(url, sizeof(url), "sqlite:%s/none.db", fx->dir);
	assert_int_equal(nk_store_open(&store, url, 0, &err), NK_ENOTFOUND);
	assert_null(store);
	assert_non_null(strstr(err.text, "none.db"));
	snprintf(url, sizeof(url), "%s/none.db", fx->dir);	/* a bare path */
	assert_int_equal(nk_store_open(&store, url, 0, &err), NK_ENOTFOUND);
	snprintf(url, sizeof(url), "sqlite:%s/no-such-dir/x.db", fx->dir);
	assert_int_equal(nk_store_open(&store, url, 0, NULL), NK_ENOTFOUND);
	assert_int_equal(nk_store_open(&store, url, NK_STORE_CREATE, &err), NK_ESTORE);
	assert_null(store);
	assert_int_equal(count_entries(fx->dir), entries);
}

static void bare_path_and_empty_file_with_create(void **state)
{
	struct fixture *fx = *state;
	struct nk_store *store = NULL;
	char path[192];

	snprintf(path, sizeof(path), "%s/made.db", fx->dir);
	write_file(path, "", 0);
	assert_int_equal(nk_store_open(&store, path, NK_STORE_CREATE, NULL), NK_OK);
	create_case(store, "c1");
	nk_store_close(store);
	store = NULL;
	assert_int_equal(nk_store_open(&store, path, 0, NULL), NK_OK);
	assert_int_equal(count_events(store, "c1"), 0);
	nk_store_close(store);
}

/* ---- the tables ---- */

static const struct store_test sqlite_only[] = {
	{ "purge_and_scrub_leave_no_trace", purge_and_scrub_leave_no_trace },
	{ "foreign_files_are_refused_untouched", foreign_files_are_refused_untouched },
	{ "missing_key_file_is_refused", missing_key_file_is_refused },
	{ "damaged_key_file_is_refused", damaged_key_file_is_refused },
	{ "key_file_is_private", key_file_is_private },
	{ "open_without_create_makes_nothing", open_without_create_makes_nothing },
	{ "bare_path_and_empty_file_with_create", bare_path_and_empty_file_with_create },
};

int main(void)
{
	return store_tests_run("store", NULL, 0, sqlite_only, COUNT(sqlite_only), NULL, 0);
}
