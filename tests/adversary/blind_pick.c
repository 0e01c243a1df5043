/* The operator against a blind round's conclusion (doc/blind.md, "The outcome"): a side
 * may give several signed outcomes of one round (a rerun after a failure), and an
 * operator who holds the server's key appends, re-chained and countersigned, whatever
 * events it likes. The round's event names each side's concluding outcome by its
 * request number, and the fold holds the log to what the go-between would have written:
 * the named outcomes are the ones that stand, no side gives more than
 * NK_BLIND_OUTCOME_GIVEN_MAX of a round, none gives the one that stands again, and a
 * round that names none is read the old way only where nothing could be chosen; a round
 * holds no hint, and the settlement is the one the round concluded. Each test here but
 * the old round's loaded a forged log on the code before these checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../unit/blind_case_fixture.h"

static int setup(void **state)
{
	return setup_rules(state, 3, 1);
}

/* A deal at figure in round 1, as a client writes it. */
static void deal(char out[256], int figure)
{
	snprintf(out, 256, "{" COMMIT ",\"figure\":%d,\"outcome\":\"overlap\",\"round\":1}", figure);
}

/* role signs text with its next request number: the event the go-between would write. */
static json_t *signed_event(struct fixture *f, enum nk_role role, const char *text)
{
	struct nk_case_request req;
	struct nk_request_auth auth = sign(f, role, text, &req);
	char hex[2 * NK_SIGNATURE_BYTES + 1];

	sodium_bin2hex(hex, sizeof(hex), auth.signature, sizeof(auth.signature));
	return outcome_event(text, role, auth.number, hex);
}

/* The operator appends role's signed outcome of a deal at figure in round 1. */
static void forge_deal(struct fixture *f, enum nk_role role, int figure)
{
	char text[256];

	deal(text, figure);
	forge(f, nk_role_name(role), CASE_EV_BLIND_OUTCOME, signed_event(f, role, text));
}

/* A round's event concluding a deal at figure, naming the requests (0: no member). */
static json_t *round_event(int figure, uint64_t claimant, uint64_t payer)
{
	json_t *body = case_event_round_encode(1, NK_DEAL_OVERLAP, figure);

	if (claimant)
		json_object_set_new(body, "outcomes", json_pack("{s:I, s:I}", "claimant",
			(json_int_t)claimant, "payer", (json_int_t)payer));
	return body;
}

/* The case does not load, for the reason why. */
static void refused(struct fixture *f, const char *why)
{
	struct nk_brief b;
	struct nk_error err = { 0 };

	assert_int_equal(nk_case_brief(&f->env, f->id, NK_MEDIATOR, &b, &err), NK_ECORRUPT);
	assert_string_equal(err.field, "log");
	if (!strstr(err.text, why))
		fail_msg("'%s' does not say '%s'", err.text, why);
}

/* The go-between's own round names the outcomes that stand: here the claimant's second. */
static void the_round_names_the_outcomes_that_concluded_it(void **state)
{
	struct fixture *f = *state;
	struct nk_event_list log = { 0 };
	char text[256];
	json_t *body = NULL;

	deal(text, 500);
	assert_int_equal(give(f, NK_CLAIMANT, text, NULL), NK_OK);	/* request 1 */
	deal(text, 600);
	assert_int_equal(give(f, NK_CLAIMANT, text, NULL), NK_OK);	/* request 2 stands */
	assert_int_equal(give(f, NK_PAYER, text, NULL), NK_OK);	/* request 1 */
	assert_int_equal(nk_case_log(&f->env, f->id, &log, NULL), NK_OK);
	for (size_t i = 0; i < log.count && !body; i++)
		if (strcmp(log.events[i].type, "round") == 0)
			body = json_loads(log.events[i].body, 0, NULL);
	nk_event_list_free(&log);
	assert_non_null(body);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(body, "outcomes"),
							    "claimant")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(body, "outcomes"),
							    "payer")), 1);
	json_decref(body);
}

/* Both outcomes signed and logged, the settlement theirs, but the round names the
 * claimant's earlier outcome as the one that concluded it. */
static void a_round_naming_another_outcome_does_not_load(void **state)
{
	struct fixture *f = *state;

	forge_deal(f, NK_CLAIMANT, 500);
	forge_deal(f, NK_CLAIMANT, 600);
	forge_deal(f, NK_PAYER, 600);
	forge(f, "go-between", CASE_EV_ROUND, round_event(600, 1, 1));
	refused(f, "names another of this side's signed outcomes than the one that stands "
		"(the claimant)");
}

/* The same, with the member dropped, as a log from before it would have been. */
static void a_round_naming_none_after_a_rerun_does_not_load(void **state)
{
	struct fixture *f = *state;

	forge_deal(f, NK_CLAIMANT, 500);
	forge_deal(f, NK_CLAIMANT, 600);
	forge_deal(f, NK_PAYER, 600);
	forge(f, "go-between", CASE_EV_ROUND, round_event(600, 0, 0));
	refused(f, "names no outcomes, and this side gave more than one (the claimant)");
}

/* A log from before rounds named their outcomes, with one outcome a side, still loads. */
static void an_old_round_with_one_outcome_a_side_loads(void **state)
{
	struct fixture *f = *state;
	struct nk_brief b;

	forge_deal(f, NK_CLAIMANT, 700);
	forge_deal(f, NK_PAYER, 700);
	forge(f, "go-between", CASE_EV_ROUND, round_event(700, 0, 0));
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_MEDIATOR, &b, NULL), NK_OK);
	assert_int_equal(b.round, 1);
}

/* The go-between takes at most NK_BLIND_OUTCOME_GIVEN_MAX (4) different outcomes of a
 * side in a round: an operator who appends a fifth of the side's signed ones (to make
 * it the one that stands, or to grow the log) gets a log that does not load. */
static void more_outcomes_than_a_side_may_give_do_not_load(void **state)
{
	struct fixture *f = *state;

	for (int i = 1; i <= 5; i++)
		forge_deal(f, NK_CLAIMANT, 100 * i);
	refused(f, "(a blind_outcome of the claimant, round 1): the side gave more outcomes "
		"of the round than it may");
}

/* The go-between appends nothing for the outcome that stands given again (a rerun's,
 * whose commitment and sealed hint are other bytes): an operator who appends it anyway
 * to replace the commitment that stands gets a log that does not load. */
static void the_standing_outcome_given_again_does_not_load(void **state)
{
	struct fixture *f = *state;
	char text[256];

	deal(text, 800);
	forge(f, "claimant", CASE_EV_BLIND_OUTCOME, signed_event(f, NK_CLAIMANT, text));
	snprintf(text, sizeof(text), "{\"commitment\":\"%064d\",\"figure\":800,"
		 "\"outcome\":\"overlap\",\"round\":1}", 3);
	forge(f, "claimant", CASE_EV_BLIND_OUTCOME, signed_event(f, NK_CLAIMANT, text));
	refused(f, "the same outcome as the side's standing one");
}

/* Both sides signed a deal at 900 and the round says it, but the settlement's event,
 * which the receipts and the closing statement take, says 950. */
static void a_settlement_the_round_did_not_conclude_does_not_load(void **state)
{
	struct fixture *f = *state;

	forge_deal(f, NK_CLAIMANT, 900);
	forge_deal(f, NK_PAYER, 900);
	forge(f, "go-between", CASE_EV_ROUND, round_event(900, 1, 1));
	forge(f, "go-between", CASE_EV_SETTLED, case_event_settled_encode(950, NK_DEAL_OVERLAP, 1));
	refused(f, "settles blind round 1 otherwise than the round's outcome");
}

/* Both sides signed no deal and the round says it, with a hint for the payer that the
 * go-between never held: the payer's briefing would show it as the round's. */
static void a_hint_in_a_blind_round_does_not_load(void **state)
{
	struct fixture *f = *state;
	char text[256];
	json_t *round;

	snprintf(text, sizeof(text), "{" COMMIT ",\"outcome\":\"no-deal\",\"round\":1}");
	forge(f, "claimant", CASE_EV_BLIND_OUTCOME, signed_event(f, NK_CLAIMANT, text));
	forge(f, "payer", CASE_EV_BLIND_OUTCOME, signed_event(f, NK_PAYER, text));
	round = case_event_round_encode(1, NK_NO_DEAL, 0);
	json_object_set_new(round, "outcomes", json_pack("{s:i, s:i}", "claimant", 1, "payer", 1));
	json_object_set_new(round, "payer", json_pack("{s:i, s:b}", "band", 0, "withheld", 0));
	forge(f, "go-between", CASE_EV_ROUND, round);
	refused(f, "concludes blind round 1 with a member no blind round has ('payer')");
}

/* The claimant gave 500, then 600; the operator appends its first outcome again under
 * the payer's name as actor (the request numbers are checked per actor), so that 500
 * stands for the claimant, and concludes the round on it with a payer's 500. */
static void an_outcome_under_another_actor_does_not_load(void **state)
{
	struct fixture *f = *state;
	char text[256];
	json_t *first;

	deal(text, 500);
	first = signed_event(f, NK_CLAIMANT, text);
	forge(f, "claimant", CASE_EV_BLIND_OUTCOME, json_deep_copy(first));
	deal(text, 600);
	forge(f, "claimant", CASE_EV_BLIND_OUTCOME, signed_event(f, NK_CLAIMANT, text));
	forge(f, "payer", CASE_EV_BLIND_OUTCOME, first);
	refused(f, "(a blind_outcome of the claimant) has another actor (payer)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(the_round_names_the_outcomes_that_concluded_it,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_round_naming_another_outcome_does_not_load, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_round_naming_none_after_a_rerun_does_not_load,
						setup, teardown),
		cmocka_unit_test_setup_teardown(an_old_round_with_one_outcome_a_side_loads, setup,
						teardown),
		cmocka_unit_test_setup_teardown(more_outcomes_than_a_side_may_give_do_not_load,
						setup, teardown),
		cmocka_unit_test_setup_teardown(the_standing_outcome_given_again_does_not_load,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_settlement_the_round_did_not_conclude_does_not_load,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_hint_in_a_blind_round_does_not_load, setup,
						teardown),
		cmocka_unit_test_setup_teardown(an_outcome_under_another_actor_does_not_load, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
