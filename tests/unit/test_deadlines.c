/* Unit tests for deadlines (issue 17, tool 1): the duration and time texts, the rules'
 * bounds, the opening's version 3 and the "lapsed" event in the log's codec (older
 * openings read with none), and a case's lapses and closing kept by nk_case_tick and by
 * the next command, with and without the cache of folded states, on a clock the test
 * sets. */
#include "case/case_impl.h"
#include "../fake_env.h"
#include <nakodo/time.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "event_body.h"

#define MIN 60000LL
#define T0 INT64_C(1800000000000)	/* 2027-01-15T08:00:00Z */

static void texts_are_read_strictly(void **state)
{
	struct nk_error err = { 0 };
	char text[NK_TIME_TEXT_MAX];
	int64_t ms = 0;

	(void)state;
	assert_int_equal(nk_time_parse_duration("90s", "d", &ms, &err), NK_OK);
	assert_int_equal(ms, 90000);
	assert_int_equal(nk_time_parse_duration("3d", "d", &ms, &err), NK_OK);
	assert_int_equal(ms, 3 * 1440 * MIN);
	for (const char *const *bad = (const char *const[]){ "", "30", "m", "-5m", "1.5h", "2 h",
							     "30mm", "367d", "99999999999d", NULL };
	     *bad; bad++)
		assert_int_equal(nk_time_parse_duration(*bad, "round-time", &ms, &err), NK_EINVAL);
	assert_string_equal(err.field, "round-time");
	assert_int_equal(nk_time_parse_utc("2027-01-15T08:00:00Z", "t", &ms, &err), NK_OK);
	assert_int_equal(ms, T0);
	nk_time_format_utc(ms, text);
	assert_string_equal(text, "2027-01-15T08:00:00Z");
	for (const char *const *bad = (const char *const[]){ "2027-02-29T00:00:00Z",
		     "2027-01-15 08:00:00Z", "2027-01-15T08:00:00", "2027-01-15T08:00:00+01:00",
		     "1999-12-31T23:59:59Z", "2027-01-15T24:00:00Z", "x", NULL }; *bad; bad++)
		assert_int_equal(nk_time_parse_utc(*bad, "deadline", &ms, &err), NK_EINVAL);
	nk_time_format_left(2 * 1440 * MIN + 3 * 60 * MIN, text);
	assert_string_equal(text, "2d 3h");
	nk_time_format_left(30 * MIN, text);
	assert_string_equal(text, "30m");
	nk_time_format_left(-5, text);
	assert_string_equal(text, "0s");
}

static void rules_bound_both(void **state)
{
	struct nk_rules r;
	struct nk_error err = { 0 };

	(void)state;
	nk_rules_default(&r, nk_currency_find("USD"));
	r.round_time_ms = NK_ROUND_TIME_MIN_MS - 1;
	assert_int_equal(nk_rules_check(&r, &err), NK_EINVAL);
	assert_string_equal(err.field, "round-time");
	r.round_time_ms = NK_ROUND_TIME_MAX_MS + 1;
	assert_int_equal(nk_rules_check(&r, &err), NK_EINVAL);
	r.round_time_ms = NK_ROUND_TIME_MAX_MS;
	r.deadline_ms = NK_DEADLINE_MIN_MS - 1;
	assert_int_equal(nk_rules_check(&r, &err), NK_EINVAL);
	assert_string_equal(err.field, "deadline");
	r.deadline_ms = T0;
	assert_int_equal(nk_rules_check(&r, &err), NK_OK);
}

static void the_opening_carries_them_from_version_3(void **state)
{
	const uint8_t commitment[32] = { 1 };
	struct nk_rules r, back;
	struct nk_error err = { 0 };
	char title[NK_TITLE_MAX + 1];
	int version = 0;
	json_t *body;

	(void)state;
	nk_rules_default(&r, nk_currency_find("USD"));
	/* none: the bytes of version 1 and 2, as before */
	body = case_event_opened_deadlines(case_event_opened_encode(&r, commitment), &r);
	assert_null(json_object_get(body, "v"));
	json_decref(body);
	r.round_time_ms = 30 * MIN;
	r.deadline_ms = T0;
	body = reparse(case_event_opened_deadlines(case_event_opened_encode(&r, commitment), &r));
	assert_int_equal(case_event_version(CASE_EV_OPENED, body, &version, &err), NK_OK);
	assert_int_equal(version, 3);
	assert_int_equal(case_event_opened_decode(body, &back, (uint8_t[32]){ 0 }, &err), NK_OK);
	assert_int_equal(case_event_opened_deadlines_decode(body, version, &back, &err), NK_OK);
	assert_int_equal(back.round_time_ms, 30 * MIN);
	assert_int_equal(back.deadline_ms, T0);
	/* a title is optional from version 3 */
	assert_int_equal(case_event_opened_title(body, version, title, &err), NK_OK);
	assert_string_equal(title, "");
	/* out of bounds is a corrupt log, naming the member */
	json_object_set_new(body, "round_time_ms", json_integer(59999));
	assert_int_equal(case_event_opened_deadlines_decode(body, 3, &back, &err), NK_ECORRUPT);
	assert_non_null(strstr(err.text, "round_time_ms"));
	/* before version 3 the members mean nothing: an older log has no deadlines */
	assert_int_equal(case_event_opened_deadlines_decode(body, 2, &back, &err), NK_OK);
	assert_int_equal(back.round_time_ms, 0);
	assert_int_equal(back.deadline_ms, 0);
	json_decref(body);
}

static void a_lapse_names_no_role(void **state)
{
	struct nk_error err = { 0 };
	int64_t round = -1;
	json_t *body = reparse(case_event_lapsed_encode(2));
	char *text = nk_json_dumps(body, CASE_BODY_FLAGS);

	(void)state;
	assert_string_equal(text, "{\"round\":2,\"what\":\"round\"}");
	free(text);
	assert_int_equal(case_event_lapsed_decode(body, &round, &err), NK_OK);
	assert_int_equal(round, 2);
	json_decref(body);
	body = reparse(case_event_lapsed_encode(0));
	assert_int_equal(case_event_lapsed_decode(body, &round, &err), NK_OK);
	assert_int_equal(round, 0);
	json_object_set_new(body, "what", json_string("payer"));
	assert_int_equal(case_event_lapsed_decode(body, &round, &err), NK_ECORRUPT);
	json_decref(body);
}

#define CASE_FIXTURE_CLOCK T0
#include "../case_env_fixture.h"

static void open_with(struct fixture *f, int64_t round_time, int64_t deadline,
		      char id[static NK_CASE_ID_MAX])
{
	struct nk_rules r;
	struct nk_error err = { 0 };

	nk_rules_default(&r, nk_currency_find("USD"));
	r.round_time_ms = round_time;
	r.deadline_ms = deadline;
	assert_int_equal(nk_case_open(&f->env, &r, id, &err), NK_OK);
}

static void a_deadline_must_lie_ahead(void **state)
{
	struct fixture *f = *state;
	struct nk_rules r;
	struct nk_error err = { 0 };
	char id[NK_CASE_ID_MAX];
	int cases = 0;

	nk_rules_default(&r, nk_currency_find("USD"));
	r.deadline_ms = T0 - 1000;
	assert_int_equal(nk_case_open(&f->env, &r, id, &err), NK_EINVAL);
	assert_string_equal(err.field, "deadline");
	r.deadline_ms = T0 + NK_DEADLINE_AHEAD_MAX_MS + 60000;
	assert_int_equal(nk_case_open(&f->env, &r, id, &err), NK_EINVAL);
	assert_int_equal(nk_store_list_cases(f->store, count, &cases, &err), NK_OK);
	assert_int_equal(cases, 0);
}

static struct nk_brief *brief(struct fixture *f, const char *id, enum nk_role role)
{
	static struct nk_brief b;
	struct nk_error err = { 0 };

	assert_int_equal(nk_case_brief(&f->env, id, role, &b, &err), NK_OK);
	return &b;
}

static void a_round_lapses_and_says_so_to_each(void **state)
{
	struct fixture *f = *state;
	struct nk_error err = { 0 };
	char id[NK_CASE_ID_MAX];
	int64_t next = 0, opened;
	struct nk_brief *b;

	open_with(f, 30 * MIN, 0, id);
	opened = f->fake.clock;
	assert_int_equal(nk_case_tick(&f->env, id, &next, &err), NK_OK);
	assert_int_equal(next, opened + 30 * MIN);
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 5000, &err), NK_OK);
	f->fake.clock = opened + 30 * MIN;	/* the next reading is a second past */
	assert_int_equal(nk_case_tick(&f->env, id, &next, &err), NK_OK);
	b = brief(f, id, NK_PAYER);
	assert_int_equal(b->lapsed_round, 1);
	assert_true(b->lapse_missed);
	assert_int_equal(b->round, 1);		/* the count does not advance */
	assert_int_equal(next, b->round_due_ms);
	b = brief(f, id, NK_CLAIMANT);
	assert_int_equal(b->lapsed_round, 1);
	assert_false(b->lapse_missed);
	assert_false(b->rounds[0].own_submitted);	/* its figure is void */
	b = brief(f, id, NK_MEDIATOR);
	assert_false(b->lapse_missed);
	/* both submit again within the new time: the round is evaluated */
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 5000, &err), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, 6000, &err), NK_OK);
	b = brief(f, id, NK_PAYER);
	assert_int_equal(b->state, NK_STATE_SETTLED);
	assert_int_equal(b->settlement, 5500);
	assert_int_equal(nk_case_tick(&f->env, id, &next, &err), NK_OK);
	assert_int_equal(next, 0);
}

static void the_next_command_keeps_them_first(void **state)
{
	struct fixture *f = *state;
	struct nk_error err = { 0 };
	char id[NK_CASE_ID_MAX];
	int64_t opened;

	open_with(f, 30 * MIN, T0 + 1440 * MIN, id);
	opened = f->fake.clock;
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, 6000, &err), NK_OK);
	f->fake.clock = opened + 31 * MIN;
	/* the payer's earlier figure lapsed first: this one is the round's first again */
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 7000, &err), NK_OK);
	assert_true(brief(f, id, NK_CLAIMANT)->rounds[0].own_submitted);
	assert_false(brief(f, id, NK_PAYER)->rounds[0].own_submitted);
	assert_true(brief(f, id, NK_PAYER)->lapse_missed == false);
	/* past the deadline the case closes before the command, which is refused */
	f->fake.clock = T0 + 1440 * MIN;
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, 8000, &err), NK_EREFUSED);
	assert_int_equal(brief(f, id, NK_PAYER)->state, NK_STATE_CLOSED);
	assert_true(brief(f, id, NK_PAYER)->deadline_passed);
	assert_true(brief(f, id, NK_PAYER)->figures_deleted);
}

static void three_lapses_close_the_case(void **state)
{
	struct fixture *f = *state;
	struct nk_error err = { 0 };
	char id[NK_CASE_ID_MAX];
	int64_t next = 0;

	open_with(f, NK_ROUND_TIME_MIN_MS, 0, id);
	for (int i = 0; i < CASE_LAPSES_MAX; i++) {
		assert_int_equal(nk_case_tick(&f->env, id, &next, &err), NK_OK);
		assert_int_equal(brief(f, id, NK_MEDIATOR)->state, NK_STATE_OPEN);
		f->fake.clock = next;
	}
	assert_int_equal(nk_case_tick(&f->env, id, &next, &err), NK_OK);
	assert_int_equal(next, 0);
	assert_int_equal(brief(f, id, NK_MEDIATOR)->state, NK_STATE_CLOSED);
	assert_int_equal(brief(f, id, NK_CLAIMANT)->lapsed_round, 1);
	assert_true(brief(f, id, NK_CLAIMANT)->lapse_missed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(texts_are_read_strictly),
		cmocka_unit_test(rules_bound_both),
		cmocka_unit_test(the_opening_carries_them_from_version_3),
		cmocka_unit_test(a_lapse_names_no_role),
		cmocka_unit_test_setup_teardown(a_deadline_must_lie_ahead, setup, teardown),
		cmocka_unit_test_setup_teardown(a_round_lapses_and_says_so_to_each, setup, teardown),
		cmocka_unit_test_setup_teardown(a_round_lapses_and_says_so_to_each, setup_cached,
						teardown),
		cmocka_unit_test_setup_teardown(the_next_command_keeps_them_first, setup, teardown),
		cmocka_unit_test_setup_teardown(the_next_command_keeps_them_first, setup_cached,
						teardown),
		cmocka_unit_test_setup_teardown(three_lapses_close_the_case, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
