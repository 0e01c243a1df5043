/* The other side's figure of the open round, held with the case's cached state by the
 * commit that sealed it, so that the submission that completes the round evaluates it
 * without opening that figure again: the right side's value, used only while the case
 * is at the event that commit left (another writer's append makes the case load and open
 * it from the store), and never without a cache. Each test deletes the sealed figure
 * behind the server's back, so only the held one can have answered. */
#include <nakodo/brief.h>
#include <nakodo/case.h>

#include "case/cache.h"
#include "sqlite_case_fixture.h"

#include <string.h>

static int setup(void **state) { return fixture_setup(state, true); }

static void open_case(struct fixture *f, char id[static NK_CASE_ID_MAX])
{
	struct nk_rules rules;

	nk_rules_default(&rules, nk_currency_find("USD"));
	rules.rounds = 5;
	rules.proposals = 0;
	assert_int_equal(nk_case_open(&f->env, &rules, id, NULL), NK_OK);
}

static void drop_claimant_figure(struct fixture *f, const char *id)
{
	char text[256];

	snprintf(text, sizeof(text), "DELETE FROM secrets WHERE case_id = '%s' AND name = "
		 "'figure.1.claimant'", id);
	assert_int_equal(fixture_sql(f, text), 1);
}

/* A demand under the offer settles; swapped sides (700 demanded, 500 offered) would not:
 * the held value is the claimant's. */
static void the_round_is_evaluated_with_the_held_figure(void **state)
{
	struct fixture *f = *state;
	struct nk_error err = { 0 };
	struct nk_brief b;
	char id[NK_CASE_ID_MAX];

	open_case(f, id);
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 50000, &err), NK_OK);
	drop_claimant_figure(f, id);
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, 70000, &err), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, id, NK_MEDIATOR, &b, &err), NK_OK);
	assert_true(b.settled);
	assert_in_range(b.settlement, 50000, 70000);
}

/* No deal: the round is evaluated, the next opens, and its figures are not held from
 * the round before (the claimant's new figure is opened as sealed). */
static void a_round_without_deal_moves_on(void **state)
{
	struct fixture *f = *state;
	struct nk_error err = { 0 };
	struct nk_brief b;
	char id[NK_CASE_ID_MAX];

	open_case(f, id);
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 90000000, &err), NK_OK);
	drop_claimant_figure(f, id);
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, 1000000, &err), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, id, NK_MEDIATOR, &b, &err), NK_OK);
	assert_false(b.settled);
	assert_int_equal(b.round, 2);
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, 1000000, &err), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 80000000, &err), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, id, NK_MEDIATOR, &b, &err), NK_OK);
	assert_int_equal(b.round, 3);
}

/* Another writer (here one without the cache) appends after the claimant's commit: the
 * entry is no longer at the case's last event, so the payer's command loads the log and
 * opens the claimant's figure from the store, which no longer holds it. */
static void not_held_once_another_writer_appended(void **state)
{
	struct fixture *f = *state;
	struct nk_case_env bare = { .store = f->store, .signer = f->signer };
	struct nk_error err = { 0 };
	char id[NK_CASE_ID_MAX];

	open_case(f, id);
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 50000, &err), NK_OK);
	assert_int_equal(nk_case_extend(&bare, id, NK_PAYER, 75000, &err), NK_OK);
	drop_claimant_figure(f, id);
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, 70000, &err), NK_ENOTFOUND);
}

/* Without a cache nothing is held: the figure is opened, and gone it fails. */
static void without_a_cache_it_is_opened(void **state)
{
	struct fixture *f = *state;
	struct nk_case_env bare = { .store = f->store, .signer = f->signer };
	struct nk_error err = { 0 };
	char id[NK_CASE_ID_MAX];

	open_case(f, id);
	assert_int_equal(nk_case_submit(&bare, id, NK_CLAIMANT, 50000, &err), NK_OK);
	drop_claimant_figure(f, id);
	assert_int_equal(nk_case_submit(&bare, id, NK_PAYER, 70000, &err), NK_ENOTFOUND);
}

/* A commit finds the slot of each amount it sealed by reading its name back: every
 * name case_secret_name writes for a slot reads back as that slot, in its round only,
 * and no other name does. */
static void the_names_read_back_as_their_slots(void **state)
{
	static const char *const others[] = {
		"answer.1.claimant", "figure.1.mediator", "figure.01.claimant",
		"figure.1.claimantx", "figure.1", "figure.", "figure.1.", "kept.hint.1.claimant",
		"extension.1.neutral-1", "figures.1.claimant", "",
	};
	char name[NK_SECRET_NAME_MAX];

	(void)state;
	for (int r = 1; r <= NK_ROUNDS_MAX; r++)
		for (int s = 0; s < CASE_OPEN_SLOTS; s++) {
			case_open_name(name, s, r);
			assert_int_equal(case_open_slot(name, r), s);
			assert_int_equal(case_open_slot(name, r + 1), -1);
			assert_int_equal(case_open_slot(name, r - 1), -1);
		}
	case_secret_name(name, "figure", 3, NK_PAYER);
	assert_int_equal(case_open_slot(name, 3), 1);
	case_secret_name(name, "extension", 3, NK_CLAIMANT);
	assert_int_equal(case_open_slot(name, 3), 2);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		assert_int_equal(case_open_slot(others[i], 1), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(the_round_is_evaluated_with_the_held_figure, setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(a_round_without_deal_moves_on, setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(not_held_once_another_writer_appended, setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(without_a_cache_it_is_opened, setup, fixture_teardown),
		cmocka_unit_test(the_names_read_back_as_their_slots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
