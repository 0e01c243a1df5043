/* What the case cache holds so that a submission reads less back: a party's figure of
 * the round before, which the monotone rule compares a new figure with, taken from the
 * replay held beside the case's state (case_replay_figure_held) instead of opened from
 * the store (the same value, the right side's; opened when no replay is held); and a
 * case's state from its opening on, so that its first command does not load its log. */
#include <nakodo/brief.h>
#include <nakodo/case.h>

#include "sqlite_case_fixture.h"

#include <string.h>

static int setup(void **state) { return fixture_setup(state, true); }

/* Deletes the case's sealed figures of round 1 behind the server's back. */
static void drop_round_one(struct fixture *f, const char *id)
{
	char text[256];

	snprintf(text, sizeof(text), "DELETE FROM secrets WHERE case_id = '%s' AND name LIKE "
		 "'figure.1.%%'", id);
	assert_int_equal(fixture_sql(f, text), 2);
}

static void open_one_round(struct fixture *f, struct nk_case_env *env,
			   char id[static NK_CASE_ID_MAX])
{
	struct nk_rules rules;

	nk_rules_default(&rules, nk_currency_find("USD"));
	rules.rounds = 5;
	rules.proposals = 0;
	assert_true(rules.monotone);
	assert_int_equal(nk_case_open(&f->env, &rules, id, NULL), NK_OK);
	assert_int_equal(nk_case_submit(env, id, NK_CLAIMANT, 90000000, NULL), NK_OK);
	assert_int_equal(nk_case_submit(env, id, NK_PAYER, 1000000, NULL), NK_OK);
}

/* Each side is held to its own figure of round 1, with the store's copies gone: only
 * the held replay can have answered. */
static void each_side_is_held_to_its_own_figure(void **state)
{
	struct fixture *f = *state;
	struct nk_error err = { 0 };
	char id[NK_CASE_ID_MAX];

	open_one_round(f, &f->env, id);
	drop_round_one(f, id);
	/* the claimant may not raise its demand, the payer not lower its offer */
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 90000001, &err), NK_EREFUSED);
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, 999999, &err), NK_EREFUSED);
	/* and each may hold or move toward the other, judged against its own figure */
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 90000000, &err), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, 1000001, &err), NK_OK);
}

/* Without a cache the figure is opened from the store: gone, the submission fails. */
static void without_a_cache_it_is_opened(void **state)
{
	struct fixture *f = *state;
	struct nk_case_env bare = { .store = f->store, .signer = f->signer };
	struct nk_error err = { 0 };
	char id[NK_CASE_ID_MAX];

	open_one_round(f, &bare, id);
	assert_int_equal(nk_case_submit(&bare, id, NK_CLAIMANT, 90000001, &err), NK_EREFUSED);
	drop_round_one(f, id);
	assert_int_equal(nk_case_submit(&bare, id, NK_CLAIMANT, 89000000, &err), NK_ENOTFOUND);
}

/* The opening puts the new case's state in the cache: its first command finds it
 * there (a hit, no miss), and it is the state a load of the log folds to. */
static void a_case_opened_is_cached(void **state)
{
	struct fixture *f = *state;
	struct nk_case_env bare = { .store = f->store, .signer = f->signer };
	struct nk_brief cached, loaded;
	struct nk_rules rules;
	uint64_t hits = 0, misses = 0;
	size_t held = 0;
	char id[NK_CASE_ID_MAX];

	nk_rules_default(&rules, nk_currency_find("USD"));
	assert_int_equal(nk_case_open(&f->env, &rules, id, NULL), NK_OK);
	nk_case_cache_counts(f->cache, &hits, &misses, &held);
	assert_int_equal(held, 1);
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 90000000, NULL), NK_OK);
	nk_case_cache_counts(f->cache, &hits, &misses, &held);
	assert_int_equal(misses, 0);
	assert_int_equal(hits, 1);
	assert_int_equal(nk_case_brief(&f->env, id, NK_MEDIATOR, &cached, NULL), NK_OK);
	assert_int_equal(nk_case_brief(&bare, id, NK_MEDIATOR, &loaded, NULL), NK_OK);
	assert_memory_equal(&cached, &loaded, sizeof(cached));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(each_side_is_held_to_its_own_figure, setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(without_a_cache_it_is_opened, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(a_case_opened_is_cached, setup, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
