/* The tokens' hashes at rest are what doc/storage.md says, BLAKE2b-256(token) keyed with
 * BLAKE2b-256(storage key, "nakodo/store/token-key/v1"), now that the inner key is
 * derived once when the store opens: the hash stored for a token is computed here from
 * the key file alone, and a row written that way by hand (a database of an earlier
 * build) is found, and found again by a second opening of the store. */
#include <nakodo/store.h>

#include "sqlite_case_fixture.h"

#include <string.h>

static int setup(void **state) { return fixture_setup(state, false); }

/* The documented hash of token under the storage key in f's key file. */
static void expected_hash(struct fixture *f, const uint8_t token[static NK_TOKEN_BYTES],
			  uint8_t out[static 32])
{
	static const char context[] = "nakodo/store/token-key/v1";
	uint8_t file[56], key[crypto_generichash_KEYBYTES];
	char path[200];
	FILE *fp;

	snprintf(path, sizeof(path), "%s.key", f->db);
	assert_non_null(fp = fopen(path, "rb"));
	assert_int_equal(fread(file, 1, sizeof(file), fp), sizeof(file));
	fclose(fp);
	assert_memory_equal(file, "NKSTKEY1", 8);
	assert_int_equal(crypto_generichash(key, sizeof(key), (const uint8_t *)context,
					    sizeof(context) - 1, file + 8, 32), 0);
	assert_int_equal(crypto_generichash(out, 32, token, NK_TOKEN_BYTES, key, sizeof(key)), 0);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(file, sizeof(file));
}

static void the_stored_hash_is_the_documented_one(void **state)
{
	struct fixture *f = *state;
	uint8_t token[NK_TOKEN_BYTES], want[32];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	randombytes_buf(token, sizeof(token));
	assert_int_equal(nk_store_begin(f->store, NULL), NK_OK);
	assert_int_equal(nk_store_token_put(f->store, token, "", "operator", NULL), NK_OK);
	assert_int_equal(nk_store_commit(f->store, NULL), NK_OK);
	expected_hash(f, token, want);
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT hash FROM tokens", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_bytes(st, 0), 32);
	assert_memory_equal(sqlite3_column_blob(st, 0), want, 32);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void a_row_written_by_hand_is_found(void **state)
{
	struct fixture *f = *state;
	uint8_t token[NK_TOKEN_BYTES], want[32];
	char case_id[NK_CASE_ID_MAX], role[NK_TOKEN_ROLE_MAX], text[200], hex[65];

	randombytes_buf(token, sizeof(token));
	expected_hash(f, token, want);
	sodium_bin2hex(hex, sizeof(hex), want, sizeof(want));
	snprintf(text, sizeof(text), "INSERT INTO tokens(hash, case_id, role) VALUES "
		 "(x'%s', '', 'auditor')", hex);
	assert_int_equal(fixture_sql(f, text), 1);
	assert_int_equal(nk_store_token_find(f->store, token, case_id, role, NULL), NK_OK);
	assert_string_equal(case_id, "");
	assert_string_equal(role, "auditor");
	/* and by a store opened anew, which derives the key again */
	nk_store_close(f->store);
	assert_int_equal(nk_store_open(&f->store, f->url, 0, NULL), NK_OK);
	assert_int_equal(nk_store_token_find(f->store, token, case_id, role, NULL), NK_OK);
	token[0] ^= 1;
	assert_int_equal(nk_store_token_find(f->store, token, case_id, role, NULL), NK_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(the_stored_hash_is_the_documented_one, setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(a_row_written_by_hand_is_found, setup,
						fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
