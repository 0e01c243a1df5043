/* Unit tests for the reads of a store's own sqlite connection (the token's lookup of
 * every request on a server's worker): what it reads stays exact when other
 * connections and other processes change the tokens, shrink the database file and
 * start the WAL again under it (doc/storage.md, "The workers' reads"). sqlite only. */
#include "store_fixture.h"

#include <sys/wait.h>

static void put_token(struct nk_store *st, uint8_t fill, const char *case_id, const char *role)
{
	uint8_t token[NK_TOKEN_BYTES];

	memset(token, fill, sizeof(token));
	assert_int_equal(nk_store_token_put(st, token, case_id, role, NULL), NK_OK);
}

static enum nk_status find(struct nk_store *st, uint8_t fill, char role[static NK_TOKEN_ROLE_MAX])
{
	uint8_t token[NK_TOKEN_BYTES];
	char case_id[NK_CASE_ID_MAX];

	memset(token, fill, sizeof(token));
	return nk_store_token_find(st, token, case_id, role, NULL);
}

/* Revokes c1's claimant tokens and issues the one of fill, in a store of its own. */
static int reissue(const char *url, uint8_t fill)
{
	struct nk_store *st = NULL;
	uint8_t token[NK_TOKEN_BYTES];
	int bad = 0;

	memset(token, fill, sizeof(token));
	bad |= nk_store_open(&st, url, 0, NULL) != NK_OK;
	bad |= !bad && nk_store_begin(st, NULL) != NK_OK;
	bad |= !bad && nk_store_token_revoke(st, "c1", "claimant", NULL, NULL) != NK_OK;
	bad |= !bad && nk_store_token_put(st, token, "c1", "claimant", NULL) != NK_OK;
	bad |= !bad && nk_store_commit(st, NULL) != NK_OK;
	nk_store_close(st);
	return bad;
}

/* A reissued token is refused at the next lookup, whether another connection of this
 * process or another process reissued it, and the new one works. */
static void reissued_token_refused_at_once(void **state)
{
	struct fixture *fx = *state;
	char role[NK_TOKEN_ROLE_MAX];
	pid_t pid;
	int status = -1;

	create_case(fx->store, "c1");
	begin(fx->store);
	put_token(fx->store, 0xa1, "c1", "claimant");
	commit(fx->store);
	assert_int_equal(find(fx->store, 0xa1, role), NK_OK);

	assert_int_equal(reissue(fx->url, 0xb2), 0);
	assert_int_equal(find(fx->store, 0xa1, role), NK_ENOTFOUND);
	assert_int_equal(find(fx->store, 0xb2, role), NK_OK);
	assert_string_equal(role, "claimant");

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(reissue(fx->url, 0xc3));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(find(fx->store, 0xb2, role), NK_ENOTFOUND);
	assert_int_equal(find(fx->store, 0xc3, role), NK_OK);
}

static off_t file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

/* Another process deletes most tokens, VACUUMs and checkpoints the WAL away: the
 * database file shrinks under this store, which had read it, and grows again. Lookups
 * stay exact (a connection that read the file by mapping must never touch a page past
 * its new end, which would be SIGBUS: the test for it should mapping come back). */
static void file_shrunk_by_another_process(void **state)
{
	struct fixture *fx = *state;
	char role[NK_TOKEN_ROLE_MAX], name[NK_TOKEN_ROLE_MAX];
	off_t before, after;
	pid_t pid;
	int status = -1;

	create_case(fx->store, "c1");
	begin(fx->store);
	for (int i = 0; i < 2000; i++) {
		uint8_t token[NK_TOKEN_BYTES];

		memset(token, 0, sizeof(token));
		memcpy(token, &i, sizeof(i));
		snprintf(name, sizeof(name), "r%d", i);
		assert_int_equal(nk_store_token_put(fx->store, token, "c1", name, NULL), NK_OK);
	}
	put_token(fx->store, 0xa1, "c1", "claimant");
	commit(fx->store);
	reopen(fx);	/* checkpointed into the database file at the close */
	before = file_size(fx->db);
	assert_int_equal(find(fx->store, 0xa1, role), NK_OK);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		sqlite3 *db = NULL;
		int bad = sqlite3_open_v2(fx->db, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK;

		bad |= !bad && sqlite3_exec(db, "DELETE FROM tokens WHERE role <> 'claimant'",
					    NULL, NULL, NULL) != SQLITE_OK;
		bad |= !bad && sqlite3_exec(db, "VACUUM", NULL, NULL, NULL) != SQLITE_OK;
		bad |= !bad && sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL,
					    NULL) != SQLITE_OK;
		sqlite3_close(db);
		_exit(bad);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	after = file_size(fx->db);
	assert_true(after < before / 2);
	assert_int_equal(find(fx->store, 0xa1, role), NK_OK);
	assert_string_equal(role, "claimant");
	for (int i = 0; i < 2000; i += 97) {
		uint8_t token[NK_TOKEN_BYTES];
		char case_id[NK_CASE_ID_MAX];

		memset(token, 0, sizeof(token));
		memcpy(token, &i, sizeof(i));
		assert_int_equal(nk_store_token_find(fx->store, token, case_id, role, NULL),
				 NK_ENOTFOUND);
	}
	/* and the file grows again under the mapping */
	begin(fx->store);
	put_token(fx->store, 0xd4, "c1", "payer");
	commit(fx->store);
	assert_int_equal(find(fx->store, 0xd4, role), NK_OK);
	assert_int_equal(find(fx->store, 0xa1, role), NK_OK);
}

static const struct store_test sqlite_only[] = {
	{ "reissued_token_refused_at_once", reissued_token_refused_at_once },
	{ "file_shrunk_by_another_process", file_shrunk_by_another_process },
};

int main(void)
{
	return store_tests_run("store_reads", NULL, 0, sqlite_only, COUNT(sqlite_only), NULL, 0);
}
