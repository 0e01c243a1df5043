/* The operator's list of cases with their states (nk_case_overview, case/summary.c, and
 * the store's summaries): each case's summary follows its state and round in the
 * transaction that changes them, and nothing else (a party's lone figure or extension
 * leaves it byte for byte as it was); a page is read newest first with a cursor, the
 * same over mem and sqlite; a case from before summaries is folded, and only then; and a
 * page of a database of 100,000 cases folds no log at all. */
#include <nakodo/case.h>
#include <nakodo/keys.h>
#include <nakodo/money.h>
#include <nakodo/store.h>
#include <nakodo/time.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct world {
	char dir[64], url[128];
	struct nk_server_key *signer;
	struct nk_case_cache *cache;
	struct nk_store *store;
	struct nk_case_env env;
	int64_t now;
};

static int64_t clock_of(void *arg)
{
	return ((struct world *)arg)->now;
}

static int open_world(void **state, const char *scheme, bool cached)
{
	struct world *w = calloc(1, sizeof(*w));
	uint8_t seed[32] = { 9 };

	if (!w || sodium_init() < 0)
		return -1;
	snprintf(w->dir, sizeof(w->dir), "/tmp/nakodo-overview-XXXXXX");
	if (!mkdtemp(w->dir))
		return -1;
	if (strcmp(scheme, "mem") == 0)
		snprintf(w->url, sizeof(w->url), "mem:");
	else
		snprintf(w->url, sizeof(w->url), "sqlite:%s/c.db", w->dir);
	if (nk_server_key_from_seed(seed, &w->signer, NULL) != NK_OK ||
	    (cached && nk_case_cache_new(&w->cache, 64, NULL) != NK_OK) ||
	    nk_store_open(&w->store, w->url, NK_STORE_CREATE, NULL) != NK_OK)
		return -1;
	w->now = 1800000000000;
	w->env = (struct nk_case_env){ .store = w->store, .signer = w->signer, .cache = w->cache,
				       .now_ms = clock_of, .arg = w };
	*state = w;
	return 0;
}

static int setup_sqlite(void **state) { return open_world(state, "sqlite", false); }
static int setup_sqlite_cached(void **state) { return open_world(state, "sqlite", true); }
static int setup_mem(void **state) { return open_world(state, "mem", false); }

static int teardown(void **state)
{
	struct world *w = *state;
	char cmd[128];

	nk_store_close(w->store);
	nk_case_cache_free(w->cache);
	nk_server_key_free(w->signer);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", w->dir);
	assert_int_equal(system(cmd), 0);
	free(w);
	return 0;
}

static void open_case(struct world *w, char id[static NK_CASE_ID_MAX])
{
	struct nk_rules r;
	struct nk_error err = { 0 };

	nk_rules_default(&r, nk_currency_find("EUR"));
	r.rounds = 2;
	w->now += 1000;
	assert_int_equal(nk_case_open(&w->env, &r, id, &err), NK_OK);
}

/* The summary of case id, from a page of the list; *folded is how many logs it folded. */
static struct nk_case_summary summary(struct world *w, const char *id, size_t *folded)
{
	struct nk_case_summary page[NK_SUMMARY_PAGE_MAX];
	struct nk_error err = { 0 };
	size_t count = 0;

	assert_int_equal(nk_case_overview(&w->env, "", NK_SUMMARY_PAGE_MAX, page, &count, folded,
					  &err), NK_OK);
	for (size_t i = 0; i < count; i++)
		if (strcmp(page[i].case_id, id) == 0)
			return page[i];
	fail_msg("case %s is not in the list", id);
	return page[0];
}

static void step(struct world *w, enum nk_status got)
{
	w->now += 1000;
	assert_int_equal(got, NK_OK);
}

/* The state and round move with the case; a party's lone act moves nothing. */
static void test_summary_follows_the_case(void **state)
{
	struct world *w = *state;
	struct nk_case_summary s, before;
	char id[NK_CASE_ID_MAX], other[NK_CASE_ID_MAX];
	size_t folded = 9;
	int64_t opened;

	open_case(w, id);
	opened = w->now;
	open_case(w, other);
	s = summary(w, id, &folded);
	assert_int_equal(folded, 0);
	assert_true(s.kept);
	assert_string_equal(s.kind, "figures");
	assert_string_equal(s.state, "open");
	assert_string_equal(s.currency, "EUR");
	assert_int_equal(s.round, 1);
	assert_int_equal(s.rounds, 2);
	assert_int_equal(s.changed_ms, opened);
	assert_true(s.created_ms > 0);

	/* the claimant's figure and the payer's extension, each alone: the summary is
	 * the same bytes (no count, no time that would tell the operator who moved) */
	before = summary(w, id, &folded);
	step(w, nk_case_submit(&w->env, id, NK_CLAIMANT, 500000, NULL));
	step(w, nk_case_extend(&w->env, id, NK_PAYER, 1000, NULL));
	s = summary(w, id, &folded);
	assert_memory_equal(&s, &before, sizeof(s));
	assert_int_equal(nk_case_submit(&w->env, id, NK_CLAIMANT, 400000, NULL), NK_EREFUSED);
	s = summary(w, id, &folded);
	assert_memory_equal(&s, &before, sizeof(s));

	/* the payer's figure completes round 1 (no deal): round 2, changed then */
	w->now += 1000;
	step(w, nk_case_submit(&w->env, id, NK_PAYER, 100, NULL));
	s = summary(w, id, &folded);
	assert_string_equal(s.state, "open");
	assert_int_equal(s.round, 2);
	assert_int_equal(s.changed_ms, w->now - 1000);
	/* round 2 without a deal: impasse */
	step(w, nk_case_submit(&w->env, id, NK_CLAIMANT, 500000, NULL));
	step(w, nk_case_submit(&w->env, id, NK_PAYER, 100, NULL));
	s = summary(w, id, &folded);
	assert_string_equal(s.state, "impasse");
	assert_int_equal(s.round, 2);
	step(w, nk_case_close(&w->env, id, NULL));
	s = summary(w, id, &folded);
	assert_string_equal(s.state, "closed");
	assert_int_equal(folded, 0);
	/* the other case is untouched */
	s = summary(w, other, &folded);
	assert_string_equal(s.state, "open");
	assert_int_equal(s.round, 1);
}

/* Pages of 10 over 25 cases: newest first, each case once, "after" continues. */
static void test_pages(void **state)
{
	struct world *w = *state;
	struct nk_case_summary page[10];
	char ids[25][NK_CASE_ID_MAX], after[NK_CASE_ID_MAX] = "";
	size_t count = 0, folded = 0, seen = 0;
	struct nk_error err = { 0 };

	for (int i = 0; i < 25; i++)
		open_case(w, ids[i]);
	for (int p = 0; p < 3; p++) {
		assert_int_equal(nk_case_overview(&w->env, after, 10, page, &count, &folded, &err),
				 NK_OK);
		assert_int_equal(count, p < 2 ? 10 : 5);
		assert_int_equal(folded, 0);
		for (size_t i = 0; i < count; i++, seen++)
			assert_string_equal(page[i].case_id, ids[24 - seen]);
		snprintf(after, sizeof(after), "%s", page[count - 1].case_id);
	}
	assert_int_equal(seen, 25);
	assert_int_equal(nk_case_overview(&w->env, after, 10, page, &count, &folded, &err), NK_OK);
	assert_int_equal(count, 0);
	assert_int_equal(nk_case_overview(&w->env, "ffffffffffffffffffff", 10, page, &count,
					  &folded, &err), NK_ENOTFOUND);
	assert_string_equal(err.field, "after");
	assert_int_equal(nk_case_overview(&w->env, "", 0, page, &count, &folded, &err), NK_EINVAL);
	assert_int_equal(nk_case_overview(&w->env, "", NK_SUMMARY_PAGE_MAX + 1, page, &count,
					  &folded, &err), NK_EINVAL);
	assert_string_equal(err.field, "limit");
}

/* A case from before summaries (its row deleted, as an older nakodo left it) is folded
 * from its log for the page, and gets its summary back at its next change. */
static void test_case_from_before_is_folded(void **state)
{
	struct world *w = *state;
	struct nk_case_summary s;
	char id[NK_CASE_ID_MAX], newer[NK_CASE_ID_MAX];
	size_t folded = 0;
	sqlite3 *db = NULL;
	char path[128];

	open_case(w, id);
	step(w, nk_case_submit(&w->env, id, NK_CLAIMANT, 500000, NULL));
	step(w, nk_case_submit(&w->env, id, NK_PAYER, 100, NULL));
	open_case(w, newer);
	snprintf(path, sizeof(path), "%s/c.db", w->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DELETE FROM summaries WHERE case_id IN "
				      "(SELECT id FROM cases ORDER BY rowid LIMIT 1)", NULL, NULL,
				      NULL), SQLITE_OK);
	sqlite3_close(db);
	s = summary(w, id, &folded);
	assert_int_equal(folded, 1);
	assert_string_equal(s.state, "open");
	assert_int_equal(s.round, 2);
	assert_true(s.created_ms > 0);
	step(w, nk_case_close(&w->env, id, NULL));
	s = summary(w, id, &folded);
	assert_int_equal(folded, 0);
	assert_string_equal(s.state, "closed");
}

/* A case from before summaries, folded for the page, says when its state or round last
 * changed, not when its last event was: a party's figure alone after the round's end
 * must not show in changed_ms, as it does not in a kept summary. */
static void test_folded_case_hides_a_lone_act(void **state)
{
	struct world *w = *state;
	struct nk_case_summary s;
	char id[NK_CASE_ID_MAX];
	size_t folded = 0;
	sqlite3 *db = NULL;
	char path[128];
	int64_t evaluated;

	open_case(w, id);
	step(w, nk_case_submit(&w->env, id, NK_CLAIMANT, 500000, NULL));
	evaluated = w->now;
	step(w, nk_case_submit(&w->env, id, NK_PAYER, 100, NULL));
	w->now += 60000;
	step(w, nk_case_submit(&w->env, id, NK_CLAIMANT, 400000, NULL));
	assert_int_equal(summary(w, id, &folded).changed_ms, evaluated);
	snprintf(path, sizeof(path), "%s/c.db", w->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DELETE FROM summaries", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	s = summary(w, id, &folded);
	assert_int_equal(folded, 1);
	assert_int_equal(s.round, 2);
	assert_int_equal(s.changed_ms, evaluated);
}

/* 100,000 cases with their summaries (made through the store, in one transaction): a
 * page folds no log, and is read in about the time of a page of a small database. */
static void test_many_cases_fold_none(void **state)
{
	struct world *w = *state;
	struct nk_case_summary s = { .kind = "figures", .state = "open", .currency = "USD",
				     .round = 1, .rounds = 3 };
	struct nk_case_summary page[100];
	size_t count = 0, folded = 9;
	int64_t t0;

	assert_int_equal(nk_store_begin(w->store, NULL), NK_OK);
	for (int i = 0; i < 100000; i++) {
		snprintf(s.case_id, sizeof(s.case_id), "%020d", i);
		assert_int_equal(nk_store_case_create(w->store, s.case_id, NULL), NK_OK);
		assert_int_equal(nk_store_summary_put(w->store, &s, NULL), NK_OK);
	}
	assert_int_equal(nk_store_commit(w->store, NULL), NK_OK);
	t0 = nk_time_now_ms();
	assert_int_equal(nk_case_overview(&w->env, "00000000000000050000", 100, page, &count,
					  &folded, NULL), NK_OK);
	printf("# a page of 100 of 100,000 cases: %lld ms\n", (long long)(nk_time_now_ms() - t0));
	assert_int_equal(count, 100);
	assert_int_equal(folded, 0);
	assert_string_equal(page[0].case_id, "00000000000000049999");
	assert_string_equal(page[99].case_id, "00000000000000049900");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_summary_follows_the_case, setup_sqlite,
						teardown),
		cmocka_unit_test_setup_teardown(test_summary_follows_the_case, setup_sqlite_cached,
						teardown),
		cmocka_unit_test_setup_teardown(test_summary_follows_the_case, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(test_pages, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_pages, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(test_case_from_before_is_folded, setup_sqlite,
						teardown),
		cmocka_unit_test_setup_teardown(test_folded_case_hides_a_lone_act, setup_sqlite,
						teardown),
		cmocka_unit_test_setup_teardown(test_many_cases_fold_none, setup_sqlite, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
