/* An action answered with the briefing built from the state it left (nk_case_act_brief,
 * case/act_brief.c): the briefing is exactly the one a read of the case right after the
 * action gives — every role's, with and without the cache of folded states, across
 * evaluated rounds, a round whose time ran out before the action (the catch-up commits
 * first: the briefing must be the action's, not the catch-up's), a settlement (figures
 * deleted), a mediator's proposal answered and a package case — and a refused action builds none. */
#include <nakodo/case.h>
#include <nakodo/case_json.h>
#include <nakodo/money.h>
#include <nakodo/package_case.h>
#include <nakodo/package_case_json.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "../case_env_fixture.h"

/* The briefing's text, as the server answers it. */
static char *text(bool package, const struct nk_brief *b, const struct nk_package_brief *pb)
{
	json_t *j = package ? nk_package_brief_to_json(pb) : nk_brief_to_json(b);
	char *s;

	assert_non_null(j);
	s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(j);
	assert_non_null(s);
	return s;
}

/* Does req as role with nk_case_act_brief, and checks its briefing against a read of
 * the case just after. */
static void act_checked(struct fixture *f, const char *id, enum nk_role role,
			const struct nk_case_request *req)
{
	struct nk_brief *b = sodium_malloc(sizeof(*b)), *again = sodium_malloc(sizeof(*b));
	struct nk_package_brief *pb = sodium_malloc(sizeof(*pb));
	struct nk_package_brief *pb_again = sodium_malloc(sizeof(*pb));
	struct nk_error err = { 0 };
	bool package = false, package_again = false, briefed = false;
	char *one, *two;
	enum nk_status rc;

	assert_true(b && again && pb && pb_again);
	memset(b, 0, sizeof(*b));
	memset(pb, 0, sizeof(*pb));
	rc = nk_case_act_brief(&f->env, id, role, req, NULL, b, pb, &package, &briefed, &err);
	if (rc != NK_OK)
		fprintf(stderr, "# %s: %s\n", err.field, err.text);
	assert_int_equal(rc, NK_OK);
	assert_true(briefed);
	assert_int_equal(nk_case_brief_any(&f->env, id, role, again, pb_again, &package_again,
					   &err), NK_OK);
	assert_int_equal(package, package_again);
	one = text(package, b, pb);
	two = text(package_again, again, pb_again);
	assert_string_equal(one, two);
	free(one);
	free(two);
	sodium_free(b);
	sodium_free(again);
	sodium_free(pb);
	sodium_free(pb_again);
}

static void open_figures(struct fixture *f, int64_t round_time, char id[static NK_CASE_ID_MAX])
{
	struct nk_rules r;
	struct nk_error err = { 0 };

	nk_rules_default(&r, nk_currency_find("USD"));
	r.rounds = 10;
	r.round_time_ms = round_time;
	assert_int_equal(nk_case_open(&f->env, &r, id, &err), NK_OK);
}

static void submit(struct fixture *f, const char *id, enum nk_role role, int64_t amount)
{
	const struct nk_case_request req = { .action = NK_ACTION_SUBMIT, .amount = amount };

	act_checked(f, id, role, &req);
}

static void rounds_then_settlement(void **state)
{
	struct fixture *f = *state;
	char id[NK_CASE_ID_MAX];

	open_figures(f, 0, id);
	for (int i = 1; i <= 3; i++) {
		submit(f, id, NK_CLAIMANT, 1000000 - i * 1000);
		submit(f, id, NK_PAYER, i * 1000);
	}
	submit(f, id, NK_CLAIMANT, 500000);
	submit(f, id, NK_PAYER, 600000);	/* they meet: settled, figures deleted */
}

/* Rounds under rules with hints given or not, deal-closers authorised in them, then a
 * settlement: a party's briefing without kept hints is built after the commit, out of
 * the writers' turn, from the values the transaction holds (act_brief.c), one with them
 * in the transaction; both must be the read's, byte for byte. */
static void rounds_with_hints(void **state, const char *hints)
{
	struct fixture *f = *state;
	const struct nk_case_request extend = { .action = NK_ACTION_EXTEND, .amount = 100 };
	struct nk_error err = { 0 };
	struct nk_rules r;
	char id[NK_CASE_ID_MAX];

	nk_rules_default(&r, nk_currency_find("USD"));
	r.rounds = 10;
	assert_int_equal(nk_rules_parse_hints(&r, hints, &err), NK_OK);
	r.range_low = 0;	/* hints need a declared range */
	r.range_high = 2000000;
	assert_int_equal(nk_case_open(&f->env, &r, id, &err), NK_OK);
	for (int i = 1; i <= 4; i++) {
		submit(f, id, NK_CLAIMANT, 1000000 - i * 1000);
		if (i == 2) {
			act_checked(f, id, NK_CLAIMANT, &extend);
			act_checked(f, id, NK_PAYER, &extend);
		}
		submit(f, id, NK_PAYER, i * 1000);
	}
	submit(f, id, NK_PAYER, 500000);
	submit(f, id, NK_CLAIMANT, 400000);
}

static void rounds_without_hints(void **state)
{
	rounds_with_hints(state, "none");
}

static void rounds_with_kept_hints(void **state)
{
	rounds_with_hints(state, "10,25");
}

static void the_briefing_after_a_catch_up_is_the_actions(void **state)
{
	struct fixture *f = *state;
	const struct nk_case_request req = { .action = NK_ACTION_SUBMIT, .amount = 4000 };
	char id[NK_CASE_ID_MAX];

	open_figures(f, NK_ROUND_TIME_MIN_MS, id);
	submit(f, id, NK_CLAIMANT, 900000);
	/* the round's time runs out: the payer's figure first commits the lapse (a new
	 * round), then lands in the new round; the briefing must show it */
	f->fake.clock += 2 * NK_ROUND_TIME_MIN_MS;
	act_checked(f, id, NK_PAYER, &req);
	submit(f, id, NK_CLAIMANT, 800000);
}

static void a_proposal_answered(void **state)
{
	struct fixture *f = *state;
	struct nk_rules r;
	struct nk_error err = { 0 };
	const struct nk_case_request propose = { .action = NK_ACTION_PROPOSE, .amount = 550 };
	const struct nk_case_request yes = { .action = NK_ACTION_ANSWER, .accept = true };
	const struct nk_case_request no = { .action = NK_ACTION_ANSWER, .accept = false };
	char id[NK_CASE_ID_MAX];

	nk_rules_default(&r, nk_currency_find("JPY"));
	r.rounds = 1;
	r.proposals = 2;
	assert_int_equal(nk_case_open(&f->env, &r, id, &err), NK_OK);
	submit(f, id, NK_CLAIMANT, 800);
	submit(f, id, NK_PAYER, 300);	/* impasse */
	act_checked(f, id, NK_MEDIATOR, &propose);
	act_checked(f, id, NK_CLAIMANT, &yes);
	act_checked(f, id, NK_PAYER, &no);
}

static void a_package_case(void **state)
{
	struct fixture *f = *state;
	struct nk_package_frame frame;
	struct nk_error err = { 0 };
	const struct nk_case_request close = { .action = NK_ACTION_CLOSE };
	char id[NK_CASE_ID_MAX];

	nk_package_frame_default(&frame, nk_currency_find("USD"));
	assert_int_equal(nk_package_case_open(&f->env, &frame, NULL, NULL, id, &err), NK_OK);
	act_checked(f, id, NK_MEDIATOR, &close);
}

static void a_refused_action_builds_no_briefing(void **state)
{
	struct fixture *f = *state;
	const struct nk_case_request req = { .action = NK_ACTION_SUBMIT, .amount = 5000,
					     .round = 3 };
	struct nk_brief *b = sodium_malloc(sizeof(*b));
	struct nk_package_brief *pb = sodium_malloc(sizeof(*pb));
	struct nk_error err = { 0 };
	bool package = false, briefed = true;
	char id[NK_CASE_ID_MAX];

	assert_true(b && pb);
	open_figures(f, 0, id);
	assert_int_equal(nk_case_act_brief(&f->env, id, NK_PAYER, &req, NULL, b, pb, &package,
					   &briefed, &err), NK_EREFUSED);
	assert_false(briefed);
	sodium_free(b);
	sodium_free(pb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(rounds_then_settlement, setup, teardown),
		cmocka_unit_test_setup_teardown(rounds_then_settlement, setup_cached, teardown),
		cmocka_unit_test_setup_teardown(rounds_without_hints, setup, teardown),
		cmocka_unit_test_setup_teardown(rounds_without_hints, setup_cached, teardown),
		cmocka_unit_test_setup_teardown(rounds_with_kept_hints, setup, teardown),
		cmocka_unit_test_setup_teardown(rounds_with_kept_hints, setup_cached, teardown),
		cmocka_unit_test_setup_teardown(the_briefing_after_a_catch_up_is_the_actions,
						setup, teardown),
		cmocka_unit_test_setup_teardown(the_briefing_after_a_catch_up_is_the_actions,
						setup_cached, teardown),
		cmocka_unit_test_setup_teardown(a_proposal_answered, setup_cached, teardown),
		cmocka_unit_test_setup_teardown(a_package_case, setup_cached, teardown),
		cmocka_unit_test_setup_teardown(a_refused_action_builds_no_briefing, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
