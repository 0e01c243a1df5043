/* What a store can do is asked of the store, not read from its URL by the caller, and
 * the store decides where the server's signing key lives, as it does the storage key. */
#include <nakodo/keys.h>
#include <nakodo/store.h>

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

static void caps_by_backend(void **state)
{
	unsigned caps = 99;

	assert_int_equal(nk_store_url_caps("mem:", &caps, NULL), NK_OK);
	assert_int_equal(caps & NK_STORE_PERSISTENT, 0);
	assert_int_equal(nk_store_url_caps("sqlite:/tmp/x.db", &caps, NULL), NK_OK);
	assert_int_equal(caps & NK_STORE_PERSISTENT, NK_STORE_PERSISTENT);
	assert_int_equal(nk_store_url_caps("cases.db", &caps, NULL), NK_OK);	/* a bare path */
	assert_int_equal(caps & NK_STORE_PERSISTENT, NK_STORE_PERSISTENT);
	caps = 0;
	assert_int_equal(nk_store_url_caps("postgres://db/x", &caps, NULL), NK_OK);
	assert_int_equal(caps & NK_STORE_PERSISTENT, NK_STORE_PERSISTENT);
	caps = 0;
	assert_int_equal(nk_store_url_caps("postgresql:///x?host=/run", &caps, NULL), NK_OK);
	assert_int_equal(caps & NK_STORE_PERSISTENT, NK_STORE_PERSISTENT);
	caps = 99;
	assert_int_equal(nk_store_url_caps("oracle://db/x", &caps, NULL), NK_EINVAL);
	assert_int_equal(caps, 99);	/* untouched on failure */
}

static void server_key_path(void **state)
{
	char path[PATH_MAX];
	struct nk_error err = { 0 };

	assert_int_equal(nk_store_server_key_path("sqlite:/var/x.db", path, sizeof(path), &err),
			 NK_OK);
	assert_string_equal(path, "/var/x.db.server-key");
	assert_int_equal(nk_store_server_key_path("x.db", path, sizeof(path), &err), NK_OK);
	assert_string_equal(path, "x.db.server-key");
	assert_int_equal(nk_store_server_key_path("mem:", path, sizeof(path), &err), NK_EINVAL);
	assert_string_equal(err.field, "db");
	/* a PostgreSQL store keeps its keys in the key folder, and needs one */
	assert_int_equal(unsetenv("NAKODO_KEYS"), 0);
	assert_int_equal(nk_store_server_key_path("postgres://h/x", path, sizeof(path), &err),
			 NK_EINVAL);
	assert_string_equal(err.field, "keys");
	assert_int_equal(setenv("NAKODO_KEYS", "/tmp", 1), 0);
	assert_int_equal(nk_store_server_key_path("postgres://h/x", path, sizeof(path), &err),
			 NK_OK);
	assert_string_equal(path, "/tmp/server.key");
	/* and so does an sqlite one when given a folder */
	assert_int_equal(nk_store_server_key_path("sqlite:/var/x.db", path, sizeof(path), &err),
			 NK_OK);
	assert_string_equal(path, "/tmp/server.key");
	assert_int_equal(unsetenv("NAKODO_KEYS"), 0);
	assert_int_equal(nk_store_server_key_path("oracle://h/x", path, sizeof(path), &err),
			 NK_EINVAL);
	assert_int_equal(nk_store_server_key_path("sqlite:", path, sizeof(path), &err), NK_EINVAL);
	assert_int_equal(nk_store_server_key_path("x.db", path, 8, &err), NK_EINVAL);
}

static void server_key_kept_or_made(void **state)
{
	char dir[] = "/tmp/nakodo-caps-XXXXXX", url[96], path[PATH_MAX];
	struct nk_server_key *a = NULL, *b = NULL;
	uint8_t pa[NK_PUBLIC_KEY_BYTES], pb[NK_PUBLIC_KEY_BYTES];
	struct nk_error err = { 0 };

	assert_non_null(mkdtemp(dir));
	snprintf(url, sizeof(url), "sqlite:%s/c.db", dir);
	assert_int_equal(nk_store_server_key(url, &a, &err), NK_OK);
	assert_int_equal(nk_store_server_key(url, &b, &err), NK_OK);
	nk_server_key_public(a, pa);
	nk_server_key_public(b, pb);
	assert_memory_equal(pa, pb, sizeof(pa));	/* kept in its file: the same key */
	nk_server_key_free(a);
	nk_server_key_free(b);
	assert_int_equal(nk_store_server_key_path(url, path, sizeof(path), &err), NK_OK);
	assert_int_equal(access(path, F_OK), 0);
	unlink(path);
	rmdir(dir);

	a = b = NULL;
	assert_int_equal(nk_store_server_key("mem:", &a, &err), NK_OK);
	assert_int_equal(nk_store_server_key("mem:", &b, &err), NK_OK);
	nk_server_key_public(a, pa);
	nk_server_key_public(b, pb);
	assert_memory_not_equal(pa, pb, sizeof(pa));	/* made for each run, kept nowhere */
	nk_server_key_free(a);
	nk_server_key_free(b);
}

/* A PostgreSQL URI may hold a password: no error about it repeats the URI or the
 * password, however malformed it is (libpq's own reasons quote the URI whole, or the
 * percent-encoded part they could not read). */
static void pg_errors_hold_no_password(void **state)
{
	char dir[] = "/tmp/nakodo-caps-XXXXXX", cmd[64];
	static const char *const urls[] = {
		"postgresql://bob:S3CRETPW@[::1/nk",
		"postgresql://bob:S3CRETPW@[]/nk",
		"postgresql://bob:S3CRETPW@/nk?host=/nonexistent&x",
		"postgresql://bob:S3CRETPW%zz@/nk?host=/nonexistent",
		"postgresql://bob:S3CRETPW%00@/nk?host=/nonexistent",
		"postgresql://bob:S3CRETPW@/nk?host=/nonexistent",
		"postgresql://bob:S3CRETPW@/nk?host=/nonexistent&port=x",
	};

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(setenv("NAKODO_KEYS", dir, 1), 0);
	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		struct nk_store *store = NULL;
		struct nk_error err = { 0 };

		if (nk_store_open(&store, urls[i], NK_STORE_CREATE, &err) == NK_OK)
			fail_msg("%s opened", urls[i]);
		if (strstr(err.text, "S3CRETPW"))
			fail_msg("the error repeats the password: %s", err.text);
	}
	assert_int_equal(unsetenv("NAKODO_KEYS"), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(caps_by_backend),
		cmocka_unit_test(server_key_path),
		cmocka_unit_test(server_key_kept_or_made),
		cmocka_unit_test(pg_errors_hold_no_password),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
