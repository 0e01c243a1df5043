/* Unit tests for each stored event type's encoder and decoder (case/events.h): every
 * encoder writes the bytes version 1 of its event always had (the texts below are as
 * tests/fixtures/events-v1.sql holds them), every decoder reads them back, reads what
 * older builds and other members add leniently, and refuses a body the fold cannot use. */
#include "case/case_impl.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

/* body in the form the log stores it; takes the reference. */
static void stored_as(json_t *body, const char *want)
{
	char *text;

	assert_non_null(body);
	text = nk_json_dumps(body, CASE_BODY_FLAGS);
	assert_non_null(text);
	assert_string_equal(text, want);
	free(text);
	json_decref(body);
}

static json_t *body_of(const char *text)
{
	json_t *o = json_loads(text, 0, NULL);

	assert_non_null(o);
	return o;
}

static void plain_bodies_are_written_as_version_1_wrote_them(void **state)
{
	const struct nk_request_auth auth = { .number = 7 };
	const int64_t released[2] = { 2, 1 };
	struct case_event_envelope env = { .from = NK_PAYER, .to = NK_MEDIATOR, .n = 3,
					   .size = 10 };

	(void)state;
	memset(env.sha256, 0xab, sizeof(env.sha256));
	stored_as(case_event_step_encode(CASE_EV_FIGURE, 2, NK_CLAIMANT),
		  "{\"role\":\"claimant\",\"round\":2}");
	stored_as(case_with_request(case_event_step_encode(CASE_EV_ANSWER, 1, NK_PAYER), &auth),
		  "{\"number\":1,\"request\":7,\"role\":\"payer\"}");
	stored_as(case_event_round_encode(1, NK_NO_DEAL, 0), "{\"outcome\":\"no-deal\",\"round\":1}");
	stored_as(case_event_round_encode(2, NK_DEAL_OVERLAP, 7091900),
		  "{\"figure\":7091900,\"outcome\":\"overlap\",\"round\":2}");
	stored_as(case_event_impasse_encode(1), "{\"after_round\":1}");
	stored_as(case_event_proposal_encode(1, 550), "{\"figure\":550,\"number\":1}");
	stored_as(case_event_result_encode(CASE_EV_PROPOSAL_RESULT, 1, true),
		  "{\"accepted\":true,\"number\":1}");
	stored_as(case_event_result_encode(CASE_EV_PACKAGE_RESULT, 2, false),
		  "{\"accepted\":false,\"round\":2}");
	stored_as(case_event_settled_encode(7091900, NK_DEAL_OVERLAP, 2),
		  "{\"by\":\"overlap\",\"figure\":7091900,\"round\":2}");
	stored_as(case_event_settled_encode(550, NK_DEAL_PROPOSAL, 0),
		  "{\"by\":\"proposal\",\"figure\":550}");
	stored_as(case_event_purged_encode(), "{\"secrets\":\"deleted\"}");
	stored_as(case_event_closed_encode(NK_CLOSE_MEDIATOR),
		  "{\"reason\":\"closed by the mediator\"}");
	/* every closing's words as the versions before the reasons' table wrote them, so
	 * that their logs read back the same reason */
	{
		static const struct { enum nk_close_reason reason; const char *words; } w[] = {
			{ NK_CLOSE_MEDIATOR, "closed by the mediator" },
			{ NK_CLOSE_DEADLINE, "the case's deadline passed" },
			{ NK_CLOSE_LAPSES, "the open round lapsed three times" },
			{ NK_CLOSE_NO_PROPOSAL, "impasse, and the rules allow no mediator's proposal" },
			{ NK_CLOSE_DECLINED, "the mediator's proposals were not accepted" },
			{ NK_CLOSE_NO_PACKAGE, "no package both accept, after the last round" },
			{ NK_CLOSE_PACKAGE_DECLINED, "the last round's package was not accepted by both" },
		};
		for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
			json_t *body = case_event_closed_encode(w[i].reason);

			assert_non_null(body);
			assert_string_equal(json_string_value(json_object_get(body, "reason")), w[i].words);
			assert_int_equal(case_event_closed_reason(body), w[i].reason);
			json_decref(body);
		}
		json_t *other = json_pack("{s:s}", "reason", "closed for a reason of a later version");

		assert_int_equal(case_event_closed_reason(other), NK_CLOSE_OTHER);
		json_decref(other);
		assert_null(case_event_closed_encode(NK_CLOSE_OTHER));
	}
	stored_as(case_event_envelope_encode(CASE_EV_MESSAGE, &env),
		  "{\"from\":\"payer\",\"n\":3,\"sha256\":\"abababababababababababababababab"
		  "abababababababababababababababab\",\"size\":10,\"to\":\"mediator\"}");
	env.from = NK_CLAIMANT;
	env.n = 1;
	stored_as(case_event_envelope_encode(CASE_EV_DEPOSITED, &env),
		  "{\"n\":1,\"role\":\"claimant\",\"sha256\":\"abababababababababababababababab"
		  "abababababababababababababababab\",\"size\":10}");
	stored_as(case_event_released_encode(released), "{\"claimant\":2,\"payer\":1}");
	stored_as(case_event_withdrawn_encode(NK_CLAIMANT, 1), "{\"n\":1,\"role\":\"claimant\"}");
	stored_as(case_event_token_encode(NK_PAYER, false),
		  "{\"change\":\"revoked\",\"role\":\"payer\"}");
}

static void plain_bodies_read_back(void **state)
{
	struct case_event_envelope env = { .from = NK_MEDIATOR, .to = NK_CLAIMANT, .n = 4,
					   .size = 99 }, back;	/* no padding: enums, then int64s */
	struct case_event_step step;
	struct case_event_settled settled;
	struct case_event_round round;
	int64_t n[2], figure;
	enum nk_role role;
	bool yes;
	json_t *o;

	(void)state;
	memset(env.sha256, 0x3c, sizeof(env.sha256));
	o = case_event_envelope_encode(CASE_EV_MESSAGE, &env);
	assert_int_equal(case_event_envelope_decode(CASE_EV_MESSAGE, o, &back, NULL), NK_OK);
	assert_memory_equal(&back, &env, sizeof(env));
	json_decref(o);
	o = case_event_step_encode(CASE_EV_PACKAGE_SUBMITTED, 3, NK_PAYER);
	assert_int_equal(case_event_step_decode(CASE_EV_PACKAGE_SUBMITTED, o, &step, NULL), NK_OK);
	assert_int_equal(step.n, 3);
	assert_int_equal(step.role, NK_PAYER);
	json_decref(o);
	o = case_event_round_encode(2, NK_DEAL_BAND, 1234);
	assert_int_equal(case_event_round_decode(o, &round, NULL), NK_OK);
	assert_int_equal(round.deal, NK_DEAL_BAND);
	assert_int_equal(round.figure, 1234);
	assert_false(round.hints_logged);
	json_decref(o);
	o = case_event_settled_encode(88, NK_DEAL_CLOSER, 1);
	assert_int_equal(case_event_settled_decode(o, &settled, NULL), NK_OK);
	assert_int_equal(settled.by, NK_DEAL_CLOSER);
	assert_false(settled.seed_logged);
	json_decref(o);
	o = case_event_released_encode((const int64_t[2]){ 5, 6 });
	assert_int_equal(case_event_released_decode(o, n, NULL), NK_OK);
	assert_int_equal(n[NK_CLAIMANT], 5);
	assert_int_equal(n[NK_PAYER], 6);
	json_decref(o);
	o = case_event_token_encode(NK_MEDIATOR, true);
	assert_int_equal(case_event_token_decode(o, &role, &yes, NULL), NK_OK);
	assert_int_equal(role, NK_MEDIATOR);
	assert_true(yes);
	json_decref(o);
	o = case_event_result_encode(CASE_EV_PACKAGE_RESULT, 2, true);
	assert_int_equal(case_event_result_decode(CASE_EV_PACKAGE_RESULT, o, &figure, &yes, NULL),
			 NK_OK);
	assert_int_equal(figure, 2);
	assert_true(yes);
	json_decref(o);
}

/* What older builds wrote into a body, and members a later one may add, still read. */
static void older_and_wider_bodies_are_read(void **state)
{
	struct case_event_round round;
	struct case_event_settled settled;
	json_t *o;

	(void)state;
	o = body_of("{\"round\":1,\"outcome\":\"no-deal\",\"claimant\":{\"band\":1,"
		    "\"withheld\":false},\"payer\":{\"withheld\":true}}");
	assert_int_equal(case_event_round_decode(o, &round, NULL), NK_OK);
	assert_true(round.hints_logged);
	assert_int_equal(round.hint[NK_CLAIMANT], 1);
	assert_int_equal(round.hint[NK_PAYER], -1);
	assert_true(round.withheld[NK_PAYER]);
	json_decref(o);
	o = body_of("{\"round\":1,\"outcome\":\"no-deal\",\"payer\":{\"band\":99}}");
	assert_int_equal(case_event_round_decode(o, &round, NULL), NK_ECORRUPT);
	json_decref(o);
	o = body_of("{\"figure\":5,\"by\":\"midpoint-band\",\"round\":1}");
	assert_int_equal(case_event_settled_decode(o, &settled, NULL), NK_ECORRUPT);
	json_decref(o);
	o = body_of("{\"figure\":5,\"by\":\"band\",\"round\":1,\"seed\":\"0101010101010101010101"
		    "010101010101010101010101010101010101010101\",\"note\":\"later\"}");
	assert_int_equal(case_event_settled_decode(o, &settled, NULL), NK_OK);
	assert_true(settled.seed_logged);
	assert_int_equal(settled.seed[31], 1);
	json_decref(o);
}

/* A body the fold cannot use is corrupt, and the error names the member. */
static void unusable_bodies_are_corrupt(void **state)
{
	static const struct {
		enum case_event type;
		const char *body, *names;
	} bad[] = {
		{ CASE_EV_FIGURE, "{\"round\":1}", "\"role\"" },
		{ CASE_EV_FIGURE, "{\"round\":1,\"role\":\"mediator\"}", "\"role\"" },
		{ CASE_EV_EXTENSION, "{\"round\":\"1\",\"role\":\"payer\"}", "\"round\"" },
		{ CASE_EV_DEPOSITED, "{\"role\":\"payer\",\"n\":1,\"size\":0,\"sha256\":\"00\"}",
		  "\"size\"" },
		{ CASE_EV_MESSAGE, "{\"from\":\"payer\",\"to\":\"payer\",\"n\":1}", "\"from\"" },
		{ CASE_EV_RELEASED, "{\"claimant\":1}", "\"payer\"" },
		{ CASE_EV_PACKAGE_RESULT, "{\"accepted\":true}", "\"round\"" },
	};
	struct case_event_step step;
	struct case_event_envelope env;
	int64_t n[2];
	bool yes;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nk_error err = { 0 };
		json_t *o = body_of(bad[i].body);
		enum nk_status rc;

		if (bad[i].type == CASE_EV_DEPOSITED || bad[i].type == CASE_EV_MESSAGE)
			rc = case_event_envelope_decode(bad[i].type, o, &env, &err);
		else if (bad[i].type == CASE_EV_RELEASED)
			rc = case_event_released_decode(o, n, &err);
		else if (bad[i].type == CASE_EV_PACKAGE_RESULT)
			rc = case_event_result_decode(bad[i].type, o, &n[0], &yes, &err);
		else
			rc = case_event_step_decode(bad[i].type, o, &step, &err);
		assert_int_equal(rc, NK_ECORRUPT);
		assert_string_equal(err.field, "log");
		if (!strstr(err.text, bad[i].names))
			fail_msg("%s: %s", bad[i].body, err.text);
		json_decref(o);
	}
}

/* A proposed package, as the log has always held it, reads back onto the same grid and
 * writes the same bytes; members it did not have are ignored. */
static void a_package_keeps_its_bytes(void **state)
{
	static const char text[] =	/* round 1's package in events-v1.sql */
		"{\"currency\":\"USD\",\"grant\":{\"amount\":\"255,000,000.00\",\"per_year\":1,"
		"\"years\":10},\"label\":\"claims and economic cooperation\",\"loan\":{\"amount\":"
		"\"250,000,000.00\",\"grace\":7.0,\"maturity\":30.0,\"per_year\":2,\"rate\":3.5,"
		"\"repayment\":\"equal-principal\"},\"nakodo\":\"package\"}";
	const struct nk_currency *usd = nk_currency_find("USD");
	struct nk_package p, again;
	json_t *o = body_of(text);

	(void)state;
	assert_int_equal(case_event_package_decode(o, usd, &p, NULL), NK_OK);
	json_decref(o);
	assert_int_equal(p.amount[NK_GRANT], 25500000000);
	assert_int_equal(p.terms[NK_LOAN].maturity, 60);
	assert_int_equal(p.terms[NK_LOAN].grace, 14);
	assert_true(p.terms[NK_LOAN].rate == 0.035);
	stored_as(case_event_package_encode(usd, &p), text);
	o = body_of(text);
	assert_int_equal(json_object_set_new(o, "note", json_string("later")), 0);
	assert_int_equal(case_event_package_decode(o, usd, &again, NULL), NK_OK);
	stored_as(case_event_package_encode(usd, &again), text);
	/* a rate off the basis-point grid is not what version 1 wrote */
	json_object_set_new(json_object_get(o, "loan"), "rate", json_string("3.5"));
	assert_int_equal(case_event_package_decode(o, usd, &again, NULL), NK_ECORRUPT);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_bodies_are_written_as_version_1_wrote_them),
		cmocka_unit_test(plain_bodies_read_back),
		cmocka_unit_test(older_and_wider_bodies_are_read),
		cmocka_unit_test(unusable_bodies_are_corrupt),
		cmocka_unit_test(a_package_keeps_its_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
