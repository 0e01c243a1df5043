/* The cache of folded case states (case/cache.c, issue 13): a state is used only while
 * the store's last event is the one it was folded up to, so a second writer on the same
 * database (another connection here, another server later) is never answered from a
 * stale state; repeated commands do hit it; an ended case is not kept; the bound holds;
 * and 50 concurrent submissions to one round through one group of connections, all
 * sharing one cache (as a server's workers do), evaluate the round exactly once. The
 * replay of the evaluated rounds kept beside a state is used only with it. */
#include <nakodo/case.h>
#include <nakodo/keys.h>
#include <nakodo/money.h>
#include <nakodo/store.h>
#include "test_store_url.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct world {
	char dir[64];
	struct test_store ts;	/* NAKODO_TEST_STORE, sqlite by default */
	const char *url;
	struct nk_server_key *signer;
	struct nk_case_cache *cache;
	struct nk_store *a, *b;		/* two connections to one database */
	struct nk_case_env cached, plain;	/* a with the cache, b without */
};

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	uint8_t seed[32] = { 7 };

	if (!w || sodium_init() < 0)
		return -1;
	snprintf(w->dir, sizeof(w->dir), "/tmp/nakodo-cache-XXXXXX");
	if (!mkdtemp(w->dir))
		return -1;
	if (!test_store_new(&w->ts, w->dir, "sqlite"))
		return -1;
	w->url = w->ts.url;
	if (nk_server_key_from_seed(seed, &w->signer, NULL) != NK_OK ||
	    nk_case_cache_new(&w->cache, 2, NULL) != NK_OK ||
	    nk_store_open(&w->a, w->url, NK_STORE_CREATE, NULL) != NK_OK ||
	    nk_store_open(&w->b, w->url, 0, NULL) != NK_OK)
		return -1;
	w->cached = (struct nk_case_env){ .store = w->a, .signer = w->signer, .cache = w->cache };
	w->plain = (struct nk_case_env){ .store = w->b, .signer = w->signer };
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	char cmd[128];

	nk_store_close(w->a);
	nk_store_close(w->b);
	test_store_drop(&w->ts);
	nk_case_cache_free(w->cache);
	nk_server_key_free(w->signer);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", w->dir);
	assert_int_equal(system(cmd), 0);
	free(w);
	return 0;
}

static void rules(struct nk_rules *r, bool monotone)
{
	nk_rules_default(r, nk_currency_find("USD"));
	r->rounds = 50;
	r->monotone = monotone;
}

static void open_case(const struct nk_case_env *env, char id[static NK_CASE_ID_MAX],
		      bool monotone)
{
	struct nk_rules r;
	struct nk_error err = { 0 };

	rules(&r, monotone);
	assert_int_equal(nk_case_open(env, &r, id, &err), NK_OK);
}

static void submit(const struct nk_case_env *env, const char *id, enum nk_role role,
		   int64_t amount, enum nk_status want)
{
	struct nk_error err = { 0 };
	enum nk_status rc = nk_case_submit(env, id, role, amount, &err);

	if (rc != want)
		fprintf(stderr, "# %s: %s\n", err.field, err.text);
	assert_int_equal(rc, want);
}

static void counts(struct world *w, uint64_t *hits, uint64_t *misses, size_t *held)
{
	nk_case_cache_counts(w->cache, hits, misses, held);
}

static int round_of(const struct nk_case_env *env, const char *id, int *evaluated)
{
	struct nk_brief *b = sodium_malloc(sizeof(*b));
	struct nk_error err = { 0 };
	int round;

	assert_non_null(b);
	assert_int_equal(nk_case_brief(env, id, NK_MEDIATOR, b, &err), NK_OK);
	round = b->round;
	*evaluated = b->rounds_evaluated;
	sodium_free(b);
	return round;
}

/* Another connection completes the round behind the cache's back: the next command
 * through the cache must see round 2 open, not round 1 with the claimant's figure in. */
static void test_second_writer_not_stale(void **state)
{
	struct world *w = *state;
	char id[NK_CASE_ID_MAX];
	uint64_t hits, misses, misses_before;
	size_t held;
	int evaluated = 0;

	open_case(&w->cached, id, true);
	submit(&w->cached, id, NK_CLAIMANT, 900000, NK_OK);
	submit(&w->cached, id, NK_CLAIMANT, 800000, NK_EREFUSED);	/* round 1 has it */
	counts(w, &hits, &misses_before, &held);
	assert_true(hits >= 1);
	submit(&w->plain, id, NK_PAYER, 100, NK_OK);		/* completes round 1 */
	submit(&w->cached, id, NK_CLAIMANT, 800000, NK_OK);	/* round 2 */
	counts(w, &hits, &misses, &held);
	assert_true(misses > misses_before);
	assert_int_equal(round_of(&w->cached, id, &evaluated), 2);
	assert_int_equal(evaluated, 1);
	assert_int_equal(round_of(&w->plain, id, &evaluated), 2);
	submit(&w->plain, id, NK_PAYER, 200, NK_OK);
	assert_int_equal(round_of(&w->cached, id, &evaluated), 3);
	assert_int_equal(evaluated, 2);
}

/* Commands in a row are served from the cache, with the same answers as a fold. */
static void test_hits_match_the_fold(void **state)
{
	struct world *w = *state;
	char id[NK_CASE_ID_MAX];
	uint64_t hits0, hits, misses;
	size_t held;
	int e1 = 0, e2 = 0;

	open_case(&w->cached, id, true);
	counts(w, &hits0, &misses, &held);
	for (int r = 1; r <= 5; r++) {
		submit(&w->cached, id, NK_CLAIMANT, 900000 - r, NK_OK);
		submit(&w->cached, id, NK_PAYER, 100 + r, NK_OK);
	}
	counts(w, &hits, &misses, &held);
	assert_true(hits - hits0 >= 8);
	assert_int_equal(round_of(&w->cached, id, &e1), round_of(&w->plain, id, &e2));
	assert_int_equal(e1, 5);
	assert_int_equal(e2, 5);
}

/* A settled case is dropped (its state wiped), and the bound of 2 cases holds. */
static void test_ended_dropped_and_bounded(void **state)
{
	struct world *w = *state;
	char id[4][NK_CASE_ID_MAX];
	uint64_t hits, misses;
	size_t held;

	for (int i = 0; i < 3; i++) {
		open_case(&w->cached, id[i], true);
		submit(&w->cached, id[i], NK_CLAIMANT, 900000, NK_OK);
		counts(w, &hits, &misses, &held);
		assert_true(held <= 2);
	}
	assert_int_equal(held, 2);
	submit(&w->cached, id[2], NK_PAYER, 950000, NK_OK);	/* settles */
	counts(w, &hits, &misses, &held);
	assert_int_equal(held, 1);
	int evaluated = 0;
	(void)round_of(&w->cached, id[2], &evaluated);		/* a read keeps it out too */
	counts(w, &hits, &misses, &held);
	assert_int_equal(held, 1);
}

/* Overwrites a party's sealed figure of round 1 through b, behind the cache's back (a
 * test's way to see whether a briefing opens it again: the values themselves cannot
 * change once the round is evaluated, and a replay never checks them again). */
static void reseal(struct world *w, const char *id, const char *name, int64_t amount)
{
	uint8_t buf[8];

	for (int i = 0; i < 8; i++)
		buf[i] = (uint8_t)((uint64_t)amount >> (8 * i));
	assert_int_equal(nk_store_begin(w->b, NULL), NK_OK);
	assert_int_equal(nk_store_secret_put(w->b, id, name, buf, sizeof(buf), NULL), NK_OK);
	assert_int_equal(nk_store_commit(w->b, NULL), NK_OK);
}

/* The claimant's own figure of round 1, as its briefing through env tells it. */
static int64_t own_first(const struct nk_case_env *env, const char *id)
{
	struct nk_brief *b = sodium_malloc(sizeof(*b));
	struct nk_error err = { 0 };
	int64_t figure;

	assert_non_null(b);
	assert_int_equal(nk_case_brief(env, id, NK_CLAIMANT, b, &err), NK_OK);
	assert_true(b->rounds_evaluated >= 1);
	figure = b->rounds[0].own_figure;
	sodium_free(b);
	return figure;
}

/* The replay of the evaluated rounds is kept with the cached state: once a round's
 * evaluation replayed it, neither a briefing nor the next evaluation opens its sealed
 * figures again (a plain read does); once another writer appended an event, the kept
 * replay is not used (the state it goes with is stale), and the figures are opened. */
static void test_replay_kept_with_the_state(void **state)
{
	struct world *w = *state;
	char id[NK_CASE_ID_MAX];
	struct nk_error err = { 0 };

	open_case(&w->cached, id, true);
	for (int r = 1; r <= 2; r++) {
		submit(&w->cached, id, NK_CLAIMANT, 900000 - r, NK_OK);
		submit(&w->cached, id, NK_PAYER, 100 + r, NK_OK);
	}
	assert_int_equal(own_first(&w->cached, id), 899999);
	/* a figure that would have settled round 1: its replay no longer matches the log */
	reseal(w, id, "figure.1.claimant", 50);
	assert_int_equal(own_first(&w->cached, id), 899999);
	assert_int_not_equal(nk_case_brief(&w->plain, id, NK_CLAIMANT,
					   &(struct nk_brief){ 0 }, &err), NK_OK);
	/* round 3's evaluation through the cache replays rounds 1 and 2 from it */
	submit(&w->cached, id, NK_CLAIMANT, 899997, NK_OK);
	submit(&w->cached, id, NK_PAYER, 103, NK_OK);
	assert_int_equal(own_first(&w->cached, id), 899999);
	/* another writer's event: the state is folded again, the figures opened again */
	reseal(w, id, "figure.1.claimant", 899990);
	submit(&w->plain, id, NK_CLAIMANT, 899996, NK_OK);
	assert_int_equal(own_first(&w->cached, id), 899990);
}

/* A read that replays the rounds keeps what it opened with the entry of the state it
 * read, so the next read opens nothing again; a write through the cache, after it. */
static void test_replay_kept_by_a_read(void **state)
{
	struct world *w = *state;
	char id[NK_CASE_ID_MAX];
	uint64_t hits0, hits, misses;
	size_t held;

	open_case(&w->plain, id, true);
	submit(&w->plain, id, NK_CLAIMANT, 900000, NK_OK);
	submit(&w->plain, id, NK_PAYER, 100, NK_OK);
	counts(w, &hits0, &misses, &held);
	assert_int_equal(own_first(&w->cached, id), 900000);	/* a miss: folded, opened */
	reseal(w, id, "figure.1.claimant", 900001);
	assert_int_equal(own_first(&w->cached, id), 900000);	/* a hit, with its replay */
	counts(w, &hits, &misses, &held);
	assert_int_equal(hits, hits0 + 1);
	assert_int_equal(own_first(&w->plain, id), 900001);
}

struct racer {
	struct world *w;
	struct nk_store_group *group;
	const char *id;
	enum nk_role role;
	enum nk_status rc;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	struct nk_store *store = NULL;
	struct nk_case_env env;

	r->rc = nk_store_open_grouped(&store, r->w->url, 0, r->group, NULL);
	if (r->rc != NK_OK)
		return NULL;
	env = (struct nk_case_env){ .store = store, .signer = r->w->signer, .cache = r->w->cache };
	r->rc = nk_case_submit(&env, r->id, r->role, r->role == NK_CLAIMANT ? 900000 : 100,
			       NULL);
	nk_store_close(store);
	return NULL;
}

/* 50 submissions at once, 25 by each side, on a case whose figures never meet: each
 * round takes one figure of each side and is evaluated exactly once, whatever the
 * interleaving (a side's later figures may land in later rounds). */
static void test_fifty_on_one_round(void **state)
{
	struct world *w = *state;
	struct nk_store_group *group = NULL;
	struct racer r[50];
	pthread_t t[50];
	struct nk_event_list log = { 0 };
	char id[NK_CASE_ID_MAX];
	int ok[2] = { 0, 0 }, figures = 0, results = 0, evaluated = 0, both;
	bool seen[NK_ROUNDS_MAX + 1] = { false };

	open_case(&w->plain, id, false);
	assert_int_equal(nk_store_group_new(&group, w->url, NULL), NK_OK);
	for (int i = 0; i < 50; i++) {
		r[i] = (struct racer){ w, group, id, i % 2 ? NK_PAYER : NK_CLAIMANT, NK_EINVAL };
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	}
	for (int i = 0; i < 50; i++) {
		pthread_join(t[i], NULL);
		if (r[i].rc == NK_OK)
			ok[r[i].role]++;
		else
			assert_int_equal(r[i].rc, NK_EREFUSED);
	}
	nk_store_group_free(group);
	both = ok[NK_CLAIMANT] < ok[NK_PAYER] ? ok[NK_CLAIMANT] : ok[NK_PAYER];
	assert_true(both >= 1);
	assert_true(abs(ok[NK_CLAIMANT] - ok[NK_PAYER]) <= 1);
	assert_int_equal(nk_case_log(&w->plain, id, &log, NULL), NK_OK);
	for (size_t i = 0; i < log.count; i++) {
		const char *round = strstr(log.events[i].body, "\"round\":");
		int n = round ? atoi(round + 8) : 0;

		if (strcmp(log.events[i].type, "figure") == 0)
			figures++;
		if (strcmp(log.events[i].type, "round") != 0)
			continue;
		assert_in_range(n, 1, NK_ROUNDS_MAX);
		assert_false(seen[n]);		/* never twice */
		seen[n] = true;
		results++;
	}
	nk_event_list_free(&log);
	assert_int_equal(figures, ok[NK_CLAIMANT] + ok[NK_PAYER]);
	assert_int_equal(results, both);
	assert_int_equal(round_of(&w->cached, id, &evaluated), both + 1);
	assert_int_equal(evaluated, both);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_second_writer_not_stale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hits_match_the_fold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ended_dropped_and_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifty_on_one_round, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_kept_with_the_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_kept_by_a_read, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
