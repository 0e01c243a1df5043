/* Unit tests for store/: bearer tokens, read snapshots and envelopes over both backends;
 * tokens kept as keyed hashes on disk and the group commit, on sqlite. */
#include "store_fixture.h"

/* ---- tokens, read snapshots, envelopes (both backends) ---- */

static void tokens_put_find_revoke(void **state)
{
	struct fixture *fx = *state;
	uint8_t a[NK_TOKEN_BYTES], b[NK_TOKEN_BYTES], op[NK_TOKEN_BYTES];
	char case_id[NK_CASE_ID_MAX] = "untouched", role[NK_TOKEN_ROLE_MAX] = "untouched";
	size_t n = 99;

	memset(a, 0xa1, sizeof(a));
	memset(b, 0xb2, sizeof(b));
	memset(op, 0x0c, sizeof(op));
	create_case(fx->store, "c1");
	assert_int_equal(nk_store_token_put(fx->store, a, "c1", "claimant", NULL), NK_EINVAL);
	begin(fx->store);
	assert_int_equal(nk_store_token_put(fx->store, a, "c1", "claimant", NULL), NK_OK);
	assert_int_equal(nk_store_token_put(fx->store, a, "c1", "payer", NULL), NK_EINVAL);
	assert_int_equal(nk_store_token_put(fx->store, b, "nosuch", "payer", NULL), NK_ENOTFOUND);
	assert_int_equal(nk_store_token_put(fx->store, b, "c1", "Payer!", NULL), NK_EINVAL);
	assert_int_equal(nk_store_token_put(fx->store, op, "", "operator", NULL), NK_OK);
	commit(fx->store);
	begin(fx->store);
	assert_int_equal(nk_store_token_put(fx->store, b, "c1", "payer", NULL), NK_OK);
	nk_store_rollback(fx->store);

	assert_int_equal(nk_store_token_find(fx->store, b, case_id, role, NULL), NK_ENOTFOUND);
	assert_string_equal(case_id, "untouched");
	assert_int_equal(nk_store_token_find(fx->store, a, case_id, role, NULL), NK_OK);
	assert_string_equal(case_id, "c1");
	assert_string_equal(role, "claimant");
	assert_int_equal(nk_store_token_find(fx->store, op, case_id, role, NULL), NK_OK);
	assert_string_equal(case_id, "");
	assert_string_equal(role, "operator");
	assert_int_equal(nk_store_token_count(fx->store, "c1", "claimant", &n, NULL), NK_OK);
	assert_int_equal(n, 1);

	begin(fx->store);
	assert_int_equal(nk_store_token_revoke(fx->store, "c1", "claimant", &n, NULL), NK_OK);
	assert_int_equal(n, 1);
	commit(fx->store);
	assert_int_equal(nk_store_token_find(fx->store, a, case_id, role, NULL), NK_ENOTFOUND);
	assert_int_equal(nk_store_token_count(fx->store, "c1", "claimant", &n, NULL), NK_OK);
	assert_int_equal(n, 0);
	assert_int_equal(nk_store_token_count(fx->store, "", "operator", &n, NULL), NK_OK);
	assert_int_equal(n, 1);
}

static void read_snapshot_refuses_writes(void **state)
{
	struct fixture *fx = *state;
	struct nk_event ev = { .time_ms = 1, .actor = "a", .type = "t", .body = "{}" };

	create_case(fx->store, "c1");
	assert_int_equal(nk_store_begin_read(fx->store, NULL), NK_OK);
	assert_int_equal(nk_store_begin_read(fx->store, NULL), NK_EINVAL);
	assert_int_equal(nk_store_append(fx->store, "c1", &ev, NULL), NK_EINVAL);
	assert_int_equal(nk_store_commit(fx->store, NULL), NK_EINVAL);
	assert_int_equal(count_events(fx->store, "c1"), 0);
	nk_store_rollback(fx->store);
	assert_int_equal(nk_store_wait_durable(fx->store, NULL), NK_OK);
	begin(fx->store);	/* the snapshot ended */
	append(fx->store, "c1", "a", "t", "{}");
	commit(fx->store);
	assert_int_equal(count_events(fx->store, "c1"), 1);
}

/* Envelopes: stored as given, one per name, deleted on request, and every write undone
 * by a rollback. */
static void envelopes_put_get_delete(void **state)
{
	struct fixture *fx = *state;
	static uint8_t big[NK_ENVELOPE_MAX + 1];
	const uint8_t a[] = "ciphertext-a", b[] = "ciphertext-b";
	struct nk_error err = {0};
	uint8_t *got = NULL;
	size_t len = 0;

	create_case(fx->store, "c1");
	create_case(fx->store, "c2");
	begin(fx->store);
	assert_int_equal(nk_store_envelope_put(fx->store, "c1", "msg.a", a, sizeof(a), NULL), NK_OK);
	assert_int_equal(nk_store_envelope_put(fx->store, "c1", "msg.a", b, sizeof(b), &err), NK_EINVAL);
	assert_string_equal(err.field, "envelope");
	assert_int_equal(nk_store_envelope_put(fx->store, "nope", "msg.a", a, sizeof(a), NULL), NK_ENOTFOUND);
	assert_int_equal(nk_store_envelope_put(fx->store, "c1", "bad name", a, sizeof(a), NULL), NK_EINVAL);
	assert_int_equal(nk_store_envelope_put(fx->store, "c1", "msg.big", big, sizeof(big), NULL), NK_EINVAL);
	assert_int_equal(nk_store_envelope_put(fx->store, "c1", "msg.empty", a, 0, NULL), NK_EINVAL);
	assert_int_equal(nk_store_envelope_put(fx->store, "c1", "msg.max", big, NK_ENVELOPE_MAX, NULL), NK_OK);
	commit(fx->store);
	/* outside a transaction, writes are refused */
	assert_int_equal(nk_store_envelope_put(fx->store, "c1", "msg.b", b, sizeof(b), NULL), NK_EINVAL);
	assert_int_equal(nk_store_envelope_delete(fx->store, "c1", "msg.a", NULL), NK_EINVAL);

	assert_int_equal(nk_store_envelope_get(fx->store, "c1", "msg.a", &got, &len, NULL), NK_OK);
	assert_int_equal(len, sizeof(a));
	assert_memory_equal(got, a, sizeof(a));
	free(got);
	assert_int_equal(nk_store_envelope_get(fx->store, "c2", "msg.a", &got, &len, NULL), NK_ENOTFOUND);
	assert_int_equal(nk_store_envelope_get(fx->store, "c1", "msg.max", &got, &len, NULL), NK_OK);
	assert_int_equal(len, NK_ENVELOPE_MAX);
	free(got);

	/* rolled back: a put disappears and a delete is undone */
	begin(fx->store);
	assert_int_equal(nk_store_envelope_put(fx->store, "c1", "msg.b", b, sizeof(b), NULL), NK_OK);
	assert_int_equal(nk_store_envelope_delete(fx->store, "c1", "msg.a", NULL), NK_OK);
	assert_int_equal(nk_store_envelope_delete(fx->store, "c1", "msg.a", NULL), NK_ENOTFOUND);
	nk_store_rollback(fx->store);
	assert_int_equal(nk_store_envelope_get(fx->store, "c1", "msg.b", &got, &len, NULL), NK_ENOTFOUND);
	assert_int_equal(nk_store_envelope_get(fx->store, "c1", "msg.a", &got, &len, NULL), NK_OK);
	free(got);

	/* committed: the delete holds, and the name can be used again */
	begin(fx->store);
	assert_int_equal(nk_store_envelope_delete(fx->store, "c1", "msg.a", NULL), NK_OK);
	assert_int_equal(nk_store_envelope_put(fx->store, "c1", "msg.a", b, sizeof(b), NULL), NK_OK);
	commit(fx->store);
	assert_int_equal(nk_store_envelope_get(fx->store, "c1", "msg.a", &got, &len, NULL), NK_OK);
	assert_memory_equal(got, b, sizeof(b));
	free(got);
	/* a secret purge (the end of a case) leaves envelopes alone */
	begin(fx->store);
	assert_int_equal(nk_store_secret_purge(fx->store, "c1", NULL), NK_OK);
	commit(fx->store);
	assert_int_equal(nk_store_envelope_get(fx->store, "c1", "msg.a", &got, &len, NULL), NK_OK);
	free(got);
}

/* ---- sqlite only: hashes on disk, group commit ---- */

static void tokens_are_stored_as_keyed_hashes(void **state)
{
	struct fixture *fx = *state;
	uint8_t token[NK_TOKEN_BYTES];
	char case_id[NK_CASE_ID_MAX], role[NK_TOKEN_ROLE_MAX];

	randombytes_buf(token, sizeof(token));
	begin(fx->store);
	assert_int_equal(nk_store_token_put(fx->store, token, "", "operator", NULL), NK_OK);
	commit(fx->store);
	reopen(fx);
	assert_false(store_files_contain(fx, token, sizeof(token)));
	assert_int_equal(nk_store_token_find(fx->store, token, case_id, role, NULL), NK_OK);
	assert_string_equal(role, "operator");
}

#define GROUP_THREADS 4
#define GROUP_COMMITS 40

struct group_worker {
	const char *url;
	struct nk_store_group *group;
	int n;
	enum nk_status rc;
};

/* One connection of the group: its own case, GROUP_COMMITS commits of one event. */
static void *group_worker(void *arg)
{
	struct group_worker *w = arg;
	struct nk_store *st = NULL;
	char id[16];
	struct nk_error err = {0};

	snprintf(id, sizeof(id), "g%d", w->n);
	w->rc = nk_store_open_grouped(&st, w->url, 0, w->group, &err);
	if (w->rc == NK_OK && (w->rc = nk_store_begin(st, &err)) == NK_OK &&
	    (w->rc = nk_store_case_create(st, id, &err)) == NK_OK)
		w->rc = nk_store_commit(st, &err);
	for (int i = 0; i < GROUP_COMMITS && w->rc == NK_OK; i++) {
		struct nk_event ev = { .time_ms = 1, .actor = "a", .type = "t", .body = "{}" };

		if ((w->rc = nk_store_begin(st, &err)) == NK_OK &&
		    (w->rc = nk_store_append(st, id, &ev, &err)) == NK_OK)
			w->rc = nk_store_commit(st, &err);
		if (w->rc != NK_OK)
			nk_store_rollback(st);
	}
	nk_store_close(st);
	return NULL;
}

static void group_commit_batches_and_keeps_everything(void **state)
{
	struct fixture *fx = *state;
	struct nk_store_group *group = NULL;
	struct group_worker w[GROUP_THREADS];
	pthread_t t[GROUP_THREADS];
	uint64_t commits = 0, flushes = 0;
	char id[16];

	assert_int_equal(nk_store_group_new(&group, fx->url, NULL), NK_OK);
	for (int i = 0; i < GROUP_THREADS; i++) {
		w[i] = (struct group_worker){ .url = fx->url, .group = group, .n = i };
		assert_int_equal(pthread_create(&t[i], NULL, group_worker, &w[i]), 0);
	}
	for (int i = 0; i < GROUP_THREADS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].rc, NK_OK);
	}
	nk_store_group_counts(group, &commits, &flushes);
	nk_store_group_free(group);
	assert_int_equal(commits, GROUP_THREADS * (GROUP_COMMITS + 1));
	assert_true(flushes >= 1 && flushes <= commits);
	print_message("# group commit: %llu commits in %llu flushes\n",
		      (unsigned long long)commits, (unsigned long long)flushes);
	reopen(fx);
	for (int i = 0; i < GROUP_THREADS; i++) {
		snprintf(id, sizeof(id), "g%d", i);
		assert_int_equal(count_events(fx->store, id), GROUP_COMMITS);
	}
}

/* ---- the tables ---- */

static const struct store_test both_backends[] = {
	{ "tokens_put_find_revoke", tokens_put_find_revoke },
	{ "read_snapshot_refuses_writes", read_snapshot_refuses_writes },
	{ "envelopes_put_get_delete", envelopes_put_get_delete },
};

static const struct store_test sqlite_only[] = {
	{ "tokens_are_stored_as_keyed_hashes", tokens_are_stored_as_keyed_hashes },
	{ "group_commit_batches_and_keeps_everything", group_commit_batches_and_keeps_everything },
};

int main(void)
{
	return store_tests_run("store", both_backends, COUNT(both_backends), sqlite_only, COUNT(sqlite_only), NULL, 0);
}
