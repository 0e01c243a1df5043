/* Unit tests for store/: databases written by earlier schema versions are upgraded on
 * open (sqlite). */
#include "store_fixture.h"

static void version_1_database_is_upgraded(void **state)
{
	struct fixture *fx = *state;
	uint8_t sig[NK_RECORD_SIG_BYTES] = { 1 };
	uint64_t index = 9;
	uint8_t token[NK_TOKEN_BYTES] = { 7 };
	char case_id[NK_CASE_ID_MAX], role[NK_TOKEN_ROLE_MAX];
	sqlite3 *db = NULL;

	create_case(fx->store, "c1");
	nk_store_close(fx->store);
	fx->store = NULL;
	assert_int_equal(sqlite3_open(fx->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE tokens; DROP TABLE envelopes; DROP TABLE record; DROP TABLE legacy; "
				      "DROP TABLE checkpoints; ALTER TABLE events DROP COLUMN chain; "
				      "ALTER TABLE events DROP COLUMN countersig; "
				      "PRAGMA user_version = 1", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	reopen(fx);
	assert_int_equal(count_events(fx->store, "c1"), 0);
	begin(fx->store);
	assert_int_equal(nk_store_token_put(fx->store, token, "c1", "payer", NULL), NK_OK);
	/* and on to version 3: the record's tables are there */
	assert_int_equal(nk_store_record_append(fx->store, "c1", token, sizeof(token), sig, &index,
						NULL), NK_OK);
	assert_int_equal(nk_store_checkpoint_put(fx->store, 1, token, sizeof(token), NULL), NK_OK);
	assert_int_equal(nk_store_checkpoint_put(fx->store, 1, token, sizeof(token), NULL), NK_EINVAL);
	assert_int_equal(nk_store_checkpoint_put(fx->store, 2, token, sizeof(token), NULL), NK_EINVAL);
	commit(fx->store);
	assert_int_equal(index, 0);
	assert_int_equal(nk_store_token_find(fx->store, token, case_id, role, NULL), NK_OK);
	begin(fx->store);
	assert_int_equal(nk_store_envelope_put(fx->store, "c1", "msg.a", (const uint8_t *)"x", 1,
					       NULL), NK_OK);
	commit(fx->store);
}

/* A version-2 database (tokens, no envelopes) gains the envelopes table on open. */
static void version_2_database_is_upgraded(void **state)
{
	struct fixture *fx = *state;
	uint8_t *got = NULL;
	size_t len = 0;
	sqlite3 *db = NULL;

	create_case(fx->store, "c1");
	nk_store_close(fx->store);
	fx->store = NULL;
	assert_int_equal(sqlite3_open(fx->db, &db), SQLITE_OK);
	/* version 2 had tokens but neither envelopes (3) nor links and the record (4) */
	assert_int_equal(sqlite3_exec(db, "DROP TABLE envelopes; DROP TABLE record; DROP TABLE legacy; "
				      "DROP TABLE checkpoints; ALTER TABLE events DROP COLUMN chain; "
				      "ALTER TABLE events DROP COLUMN countersig; "
				      "PRAGMA user_version = 2", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	reopen(fx);
	begin(fx->store);
	assert_int_equal(nk_store_envelope_put(fx->store, "c1", "msg.a", (const uint8_t *)"xy", 2,
					       NULL), NK_OK);
	commit(fx->store);
	assert_int_equal(nk_store_envelope_get(fx->store, "c1", "msg.a", &got, &len, NULL), NK_OK);
	assert_int_equal(len, 2);
	free(got);
}

/* ---- the tables ---- */

static const struct store_test sqlite_only[] = {
	{ "version_1_database_is_upgraded", version_1_database_is_upgraded },
	{ "version_2_database_is_upgraded", version_2_database_is_upgraded },
};

int main(void)
{
	return store_tests_run("store", NULL, 0, sqlite_only, COUNT(sqlite_only), NULL, 0);
}
