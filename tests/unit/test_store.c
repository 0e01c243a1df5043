/* Unit tests for store/: events, cases and secrets, one table run against both backends
 * (sqlite: in a fresh temporary directory, and mem:), what a reopened file keeps, and the
 * URLs and flags refused before any store. The other areas: test_store_tokens.c (tokens,
 * read snapshots, envelopes, group commit), test_store_files.c (the bytes and files on
 * disk: purge and scrub, foreign and damaged files, the key file), test_store_upgrade.c
 * (earlier schema versions). */
#include "store_fixture.h"

/* ---- tests for both backends ---- */

static void append_and_load_in_order(void **state)
{
	struct fixture *fx = *state;
	struct nk_event_list list = {0};
	static const char *const types[] = { "case.opened", "round.figure", "round.result" };

	create_case(fx->store, "c1");
	create_case(fx->store, "c2");
	begin(fx->store);
	for (int i = 0; i < 3; i++)
		assert_int_equal(append(fx->store, "c1", "claimant", types[i], "{\"n\":1}"), i + 1);
	assert_int_equal(append(fx->store, "c2", "payer", "case.opened", "{}"), 1);
	commit(fx->store);
	begin(fx->store);
	assert_int_equal(append(fx->store, "c1", "mediator", "case.closed", "{\"end\":true}"), 4);
	commit(fx->store);

	assert_int_equal(nk_store_load(fx->store, "c1", &list, NULL), NK_OK);
	assert_int_equal(list.count, 4);
	for (size_t i = 0; i < list.count; i++)
		assert_int_equal(list.events[i].seq, (int64_t)i + 1);
	assert_string_equal(list.events[1].type, "round.figure");
	assert_string_equal(list.events[1].actor, "claimant");
	assert_string_equal(list.events[3].actor, "mediator");
	assert_string_equal(list.events[3].body, "{\"end\":true}");
	assert_int_equal(list.events[0].time_ms, 1700000000000);
	nk_event_list_free(&list);
	assert_null(list.events);
	assert_int_equal(count_events(fx->store, "c2"), 1);
}

static void rollback_leaves_nothing(void **state)
{
	struct fixture *fx = *state;
	struct collected seen = { .stop_after = 8 };

	create_case(fx->store, "c1");
	begin(fx->store);
	append(fx->store, "c1", "claimant", "case.opened", "{}");
	put(fx->store, "c1", "limit", "first");
	commit(fx->store);

	begin(fx->store);
	assert_int_equal(nk_store_case_create(fx->store, "c2", NULL), NK_OK);
	append(fx->store, "c1", "payer", "round.figure", "{}");
	append(fx->store, "c2", "payer", "case.opened", "{}");
	put(fx->store, "c1", "limit", "second");
	put(fx->store, "c1", "other", "x");
	assert_int_equal(nk_store_secret_purge(fx->store, "c1", NULL), NK_OK);
	nk_store_rollback(fx->store);

	assert_int_equal(count_events(fx->store, "c1"), 1);
	assert_int_equal(nk_store_load(fx->store, "c2", &(struct nk_event_list){0}, NULL),
			 NK_ENOTFOUND);
	assert_secret(fx->store, "c1", "limit", "first");
	assert_int_equal(nk_store_secret_get(fx->store, "c1", "other", (uint8_t[8]){0}, 8,
					     &(size_t){0}, NULL), NK_ENOTFOUND);
	assert_int_equal(nk_store_list_cases(fx->store, collect, &seen, NULL), NK_OK);
	assert_int_equal(seen.count, 1);

	begin(fx->store);	/* a rolled-back seq is not used up */
	assert_int_equal(append(fx->store, "c1", "payer", "round.figure", "{}"), 2);
	commit(fx->store);
	nk_store_rollback(fx->store);	/* outside a transaction: nothing to do */
	assert_int_equal(count_events(fx->store, "c1"), 2);
}

static void unknown_case_is_not_found(void **state)
{
	struct fixture *fx = *state;
	struct nk_event ev = { .actor = "payer", .type = "round.figure", .body = "{}" };
	struct nk_event sentinel = {0};
	struct nk_event_list list = { .events = &sentinel, .count = 7 };
	struct nk_error err = {0};

	begin(fx->store);
	assert_int_equal(nk_store_append(fx->store, "nope", &ev, &err), NK_ENOTFOUND);
	assert_string_equal(err.field, "case");
	assert_non_null(strstr(err.text, "nope"));
	assert_int_equal(ev.seq, 0);
	assert_int_equal(nk_store_secret_put(fx->store, "nope", "limit", (const uint8_t *)"1", 1,
					     NULL), NK_ENOTFOUND);
	assert_int_equal(nk_store_secret_purge(fx->store, "nope", NULL), NK_ENOTFOUND);
	nk_store_rollback(fx->store);
	assert_int_equal(nk_store_load(fx->store, "nope", &list, NULL), NK_ENOTFOUND);
	assert_ptr_equal(list.events, &sentinel);	/* untouched on failure */
	assert_int_equal(list.count, 7);
	assert_int_equal(nk_store_secret_get(fx->store, "nope", "limit", (uint8_t[8]){0}, 8,
					     &(size_t){0}, NULL), NK_ENOTFOUND);
}

static void duplicate_case_is_refused(void **state)
{
	struct fixture *fx = *state;
	struct nk_error err = {0};

	begin(fx->store);
	assert_int_equal(nk_store_case_create(fx->store, "c1", NULL), NK_OK);
	assert_int_equal(nk_store_case_create(fx->store, "c1", &err), NK_EINVAL);
	assert_string_equal(err.field, "case");
	assert_non_null(strstr(err.text, "already exists"));
	append(fx->store, "c1", "claimant", "case.opened", "{}");
	commit(fx->store);
	begin(fx->store);
	assert_int_equal(nk_store_case_create(fx->store, "c1", NULL), NK_EINVAL);
	nk_store_rollback(fx->store);
	assert_int_equal(count_events(fx->store, "c1"), 1);
}

static void cases_are_listed_oldest_first(void **state)
{
	struct fixture *fx = *state;
	struct collected all = { .stop_after = 8 }, two = { .stop_after = 2 };

	assert_int_equal(nk_store_list_cases(fx->store, collect, &all, NULL), NK_OK);
	assert_int_equal(all.count, 0);
	create_case(fx->store, "zeta");
	create_case(fx->store, "alpha");
	create_case(fx->store, "mid-1");
	assert_int_equal(nk_store_list_cases(fx->store, collect, &all, NULL), NK_OK);
	assert_int_equal(all.count, 3);
	assert_string_equal(all.ids[0], "zeta");
	assert_string_equal(all.ids[1], "alpha");
	assert_string_equal(all.ids[2], "mid-1");
	assert_int_equal(nk_store_list_cases(fx->store, collect, &two, NULL), NK_OK);
	assert_int_equal(two.count, 2);
}

static void secrets_put_get_replace(void **state)
{
	struct fixture *fx = *state;
	uint8_t big[NK_SECRET_MAX + 1], buf[NK_SECRET_MAX], small[4];
	size_t len = 99;
	struct nk_error err = {0};

	memset(big, 'b', sizeof(big));
	create_case(fx->store, "c1");
	begin(fx->store);
	put(fx->store, "c1", "limit.claimant", "70000000000");
	put(fx->store, "c1", "empty", "");
	assert_int_equal(nk_store_secret_put(fx->store, "c1", "max", big, NK_SECRET_MAX, NULL),
			 NK_OK);
	assert_int_equal(nk_store_secret_put(fx->store, "c1", "big", big, sizeof(big), &err),
			 NK_EINVAL);
	assert_string_equal(err.field, "secret");
	commit(fx->store);

	assert_secret(fx->store, "c1", "limit.claimant", "70000000000");
	assert_secret(fx->store, "c1", "empty", "");
	assert_int_equal(nk_store_secret_get(fx->store, "c1", "max", buf, sizeof(buf), &len,
					     NULL), NK_OK);
	assert_int_equal(len, NK_SECRET_MAX);
	assert_memory_equal(buf, big, NK_SECRET_MAX);

	begin(fx->store);
	put(fx->store, "c1", "limit.claimant", "60000000000");
	commit(fx->store);
	assert_secret(fx->store, "c1", "limit.claimant", "60000000000");

	memset(small, 0xaa, sizeof(small));
	len = 99;
	assert_int_equal(nk_store_secret_get(fx->store, "c1", "limit.claimant", small,
					     sizeof(small), &len, &err), NK_EINVAL);
	assert_memory_equal(small, "\xaa\xaa\xaa\xaa", 4);
	assert_int_equal(len, 99);
	assert_null(strstr(err.text, "6000"));	/* never a secret in a message */
	assert_int_equal(nk_store_secret_get(fx->store, "c1", "missing", buf, sizeof(buf), &len,
					     &err), NK_ENOTFOUND);
	assert_string_equal(err.field, "secret");
}

static void sealed_blob_opens_only_where_it_was_put(void **state)
{
	struct fixture *fx = *state;
	uint8_t sealed[STORE_SEALED_MAX], again[STORE_SEALED_MAX], buf[64];
	size_t len, len2, got = 77;
	struct nk_error err = {0};
	struct nk_store *st = fx->store;

	create_case(st, "c1");
	create_case(st, "c2");
	begin(st);
	put(st, "c1", "limit", "35000000000");
	commit(st);
	len = raw_sealed(st, "c1", "limit", sealed);
	assert_int_equal(len, STORE_SEAL_OVERHEAD + 11);
	assert_false(contains(sealed, len, "35000000000", 11));
	begin(st);
	put(st, "c1", "limit", "35000000000");	/* same value, new nonce */
	commit(st);
	len2 = raw_sealed(st, "c1", "limit", again);
	assert_int_equal(len2, len);
	assert_memory_not_equal(sealed, again, len);

	begin(st);
	assert_int_equal(st->ops->secret_put(st->backend, "c2", "limit", sealed, len, NULL), NK_OK);
	assert_int_equal(st->ops->secret_put(st->backend, "c1", "other", sealed, len, NULL), NK_OK);
	sealed[len - 1] ^= 1;
	assert_int_equal(st->ops->secret_put(st->backend, "c1", "flipped", sealed, len, NULL),
			 NK_OK);
	assert_int_equal(st->ops->secret_put(st->backend, "c1", "short", sealed, 20, NULL), NK_OK);
	commit(st);

	assert_int_equal(nk_store_secret_get(st, "c2", "limit", buf, sizeof(buf), &got, &err),
			 NK_ECRYPTO);
	assert_string_equal(err.field, "secret");
	assert_null(strstr(err.text, "35000000000"));
	assert_int_equal(got, 77);
	assert_int_equal(nk_store_secret_get(st, "c1", "other", buf, sizeof(buf), &got, NULL),
			 NK_ECRYPTO);
	assert_int_equal(nk_store_secret_get(st, "c1", "flipped", buf, sizeof(buf), &got, NULL),
			 NK_ECRYPTO);
	assert_int_equal(nk_store_secret_get(st, "c1", "short", buf, sizeof(buf), &got, NULL),
			 NK_ECRYPTO);
	assert_secret(st, "c1", "limit", "35000000000");
}

static void bad_input_is_refused_and_changes_nothing(void **state)
{
	struct fixture *fx = *state;
	static const char *const bad_ids[] = {
		"", "a/b", "a b", "caf\xc3\xa9", "../x", "a.b",
		"0123456789012345678901234567890123456789012345678901234567890123",
	};
	struct nk_event ev = { .actor = "payer", .type = "round.figure", .body = "{}" };
	char *body = malloc(NK_EVENT_BODY_MAX + 2);
	struct nk_error err = {0};
	struct nk_store *st = fx->store;

	assert_non_null(body);
	memset(body, 'x', NK_EVENT_BODY_MAX + 1);
	body[NK_EVENT_BODY_MAX + 1] = '\0';

	assert_int_equal(nk_store_case_create(st, "c1", &err), NK_EINVAL);
	assert_string_equal(err.field, "transaction");
	assert_int_equal(nk_store_commit(st, &err), NK_EINVAL);
	create_case(st, "c1");
	assert_int_equal(nk_store_append(st, "c1", &ev, &err), NK_EINVAL);

	begin(st);
	assert_int_equal(nk_store_begin(st, &err), NK_EINVAL);
	assert_int_equal(nk_store_scrub(st, &err), NK_EINVAL);
	for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		err = (struct nk_error){0};
		assert_int_equal(nk_store_case_create(st, bad_ids[i], &err), NK_EINVAL);
		assert_string_equal(err.field, "case");
		assert_int_equal(nk_store_append(st, bad_ids[i], &ev, NULL), NK_EINVAL);
	}
	assert_int_equal(nk_store_case_create(st, NULL, NULL), NK_EINVAL);
	assert_int_equal(nk_store_append(st, "c1", NULL, &err), NK_EINVAL);

	memset(ev.type, 't', sizeof(ev.type));	/* no NUL inside */
	assert_int_equal(nk_store_append(st, "c1", &ev, &err), NK_EINVAL);
	assert_string_equal(err.field, "event.type");
	snprintf(ev.type, sizeof(ev.type), "round figure");
	assert_int_equal(nk_store_append(st, "c1", &ev, &err), NK_EINVAL);
	snprintf(ev.type, sizeof(ev.type), "round.figure");
	ev.actor[0] = '\0';
	assert_int_equal(nk_store_append(st, "c1", &ev, &err), NK_EINVAL);
	assert_string_equal(err.field, "event.actor");
	snprintf(ev.actor, sizeof(ev.actor), "payer");
	ev.time_ms = -1;
	assert_int_equal(nk_store_append(st, "c1", &ev, &err), NK_EINVAL);
	ev.time_ms = 0;
	ev.body = NULL;
	assert_int_equal(nk_store_append(st, "c1", &ev, &err), NK_EINVAL);
	ev.body = body;
	assert_int_equal(nk_store_append(st, "c1", &ev, &err), NK_EINVAL);
	assert_string_equal(err.field, "event.body");
	assert_int_equal(ev.seq, 0);
	body[NK_EVENT_BODY_MAX] = '\0';	/* exactly the limit is fine */
	assert_int_equal(nk_store_append(st, "c1", &ev, NULL), NK_OK);

	assert_int_equal(nk_store_secret_put(st, "c1", "", (const uint8_t *)"1", 1, &err),
			 NK_EINVAL);
	assert_string_equal(err.field, "secret.name");
	assert_int_equal(nk_store_secret_put(st, "c1", "a/b", (const uint8_t *)"1", 1, NULL),
			 NK_EINVAL);
	assert_int_equal(nk_store_secret_put(st, "c1", "x", NULL, 1, NULL), NK_EINVAL);
	commit(st);
	assert_int_equal(count_events(st, "c1"), 1);
	free(body);
}

/* ---- tests only the sqlite backend can run ---- */

static void reopened_store_keeps_everything(void **state)
{
	struct fixture *fx = *state;

	create_case(fx->store, "c1");
	begin(fx->store);
	append(fx->store, "c1", "claimant", "case.opened", "{\"currency\":\"USD\"}");
	put(fx->store, "c1", "limit", "70000000000");
	commit(fx->store);
	reopen(fx);
	assert_int_equal(count_events(fx->store, "c1"), 1);
	assert_secret(fx->store, "c1", "limit", "70000000000");
}

/* ---- tests without a store ---- */

static void bad_urls_and_flags_are_refused(void **state)
{
	struct nk_store *store = (struct nk_store *)state;	/* must stay as it is */
	struct nk_error err = {0};

	(void)state;
	assert_int_equal(nk_store_open(&store, "", 0, &err), NK_EINVAL);
	assert_string_equal(err.field, "store");
	assert_int_equal(nk_store_open(&store, NULL, 0, NULL), NK_EINVAL);
	assert_int_equal(nk_store_open(&store, "sqlite:", 0, NULL), NK_EINVAL);
	assert_int_equal(nk_store_open(&store, "mem:name", 0, NULL), NK_EINVAL);
	assert_int_equal(nk_store_open(&store, "oracle://nk:hunter2@db/nk", 0, &err), NK_EINVAL);
	assert_null(strstr(err.text, "hunter2"));	/* a URL may carry a password */
	assert_non_null(strstr(err.text, "oracle"));
	/* a PostgreSQL server that is not there: refused, without the password either */
	setenv("NAKODO_KEYS", "/nonexistent/keys", 1);
	assert_int_equal(nk_store_open(&store, "postgres://nk:hunter2@/nk?host=/nonexistent",
				       0, &err), NK_ESTORE);
	assert_null(strstr(err.text, "hunter2"));
	assert_non_null(strstr(err.text, "could not connect"));
	unsetenv("NAKODO_KEYS");
	assert_int_equal(nk_store_open(&store, "postgresql:///nk", 0, &err), NK_EINVAL);
	assert_string_equal(err.field, "keys");
	assert_int_equal(nk_store_open(&store, "mem:", 0x80, &err), NK_EINVAL);
	assert_string_equal(err.field, "flags");
	assert_ptr_equal(store, (struct nk_store *)state);
	nk_store_close(NULL);
	nk_event_list_free(NULL);
	nk_event_list_free(&(struct nk_event_list){0});
}

/* ---- the tables ---- */

static const struct store_test both_backends[] = {
	{ "append_and_load_in_order", append_and_load_in_order },
	{ "rollback_leaves_nothing", rollback_leaves_nothing },
	{ "unknown_case_is_not_found", unknown_case_is_not_found },
	{ "duplicate_case_is_refused", duplicate_case_is_refused },
	{ "cases_are_listed_oldest_first", cases_are_listed_oldest_first },
	{ "secrets_put_get_replace", secrets_put_get_replace },
	{ "sealed_blob_opens_only_where_it_was_put", sealed_blob_opens_only_where_it_was_put },
	{ "bad_input_is_refused_and_changes_nothing", bad_input_is_refused_and_changes_nothing },
};

static const struct store_test sqlite_only[] = {
	{ "reopened_store_keeps_everything", reopened_store_keeps_everything },
};

static const struct CMUnitTest plain[] = {
	{ .name = "bad_urls_and_flags_are_refused", .test_func = bad_urls_and_flags_are_refused },
};

int main(void)
{
	return store_tests_run("store", both_backends, COUNT(both_backends), sqlite_only, COUNT(sqlite_only), plain, COUNT(plain));
}
