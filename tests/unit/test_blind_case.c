/* A blind case's public outcome (issue 16, case/blind_outcome.c): each party gives its
 * signed outcome of the open round; the round concludes as a plain one only when both say
 * the same, otherwise nothing of the second is recorded and the round stays open; a plain
 * figure is refused; the log, the briefings and the store hold no figure of the parties.
 * Each outcome's event keeps its party's signature, which every load checks. */
#include <nakodo/case.h>
#include "../fake_env.h"
#include "case/case_impl.h"
#include <nakodo/seal.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "blind_case_fixture.h"

static int setup(void **state)
{
	return setup_rules(state, 3, 1);
}

static int setup_one(void **state)
{
	return setup_rules(state, 1, 1);
}

static size_t events(struct fixture *f)
{
	struct nk_event_list log = { 0 };
	size_t n;

	assert_int_equal(nk_case_log(&f->env, f->id, &log, NULL), NK_OK);
	n = log.count;
	nk_event_list_free(&log);
	return n;
}

static void no_deal(char out[256], int round)
{
	snprintf(out, 256, "{" COMMIT ",\"outcome\":\"no-deal\",\"round\":%d}", round);
}

static void three_rounds_to_a_settlement(void **state)
{
	struct fixture *f = *state;
	struct nk_error err = { 0 };
	struct nk_brief b;
	char text[256];
	struct nk_case_request fig = { .action = NK_ACTION_SUBMIT, .amount = 5000 };
	struct nk_request_auth auth;

	/* a plain figure, signed, is refused: the go-between takes none in a blind case */
	assert_int_equal(nk_case_request_sign(f->key[NK_CLAIMANT], f->id, NK_CLAIMANT,
					      ++f->number[NK_CLAIMANT], &fig, &auth, NULL), NK_OK);
	assert_int_equal(nk_case_act(&f->env, f->id, NK_CLAIMANT, &fig, &auth, &err), NK_EREFUSED);
	assert_string_equal(err.field, "figure");
	for (int r = 1; r <= 2; r++) {
		no_deal(text, r);
		assert_int_equal(give(f, NK_CLAIMANT, text, &err), NK_OK);
		assert_int_equal(give(f, NK_PAYER, text, &err), NK_OK);
		assert_int_equal(nk_case_brief(&f->env, f->id, NK_MEDIATOR, &b, &err), NK_OK);
		assert_int_equal(b.round, r + 1);
		assert_true(b.rounds[r - 1].evaluated);
	}
	snprintf(text, sizeof(text),
		 "{" COMMIT ",\"figure\":7250,\"outcome\":\"overlap\",\"round\":3}");
	assert_int_equal(give(f, NK_PAYER, text, &err), NK_OK);
	assert_int_equal(give(f, NK_CLAIMANT, text, &err), NK_OK);
	for (int role = 0; role <= NK_MEDIATOR; role++) {
		assert_int_equal(nk_case_brief(&f->env, f->id, role, &b, &err), NK_OK);
		assert_int_equal(b.state, NK_STATE_SETTLED);
		assert_int_equal(b.settlement, 7250);
		assert_int_equal(b.settled_by, NK_DEAL_OVERLAP);
	}
	/* a settled case takes no more outcomes */
	assert_int_equal(give(f, NK_PAYER, text, &err), NK_EREFUSED);
}

static void disagreeing_outcomes_leave_the_round_open(void **state)
{
	struct fixture *f = *state;
	struct nk_error err = { 0 };
	struct nk_brief b;
	char deal[256], none[256];
	size_t before;

	no_deal(none, 1);
	snprintf(deal, sizeof(deal),
		 "{" COMMIT ",\"figure\":100,\"outcome\":\"overlap\",\"round\":1}");
	assert_int_equal(give(f, NK_CLAIMANT, none, &err), NK_OK);
	before = events(f);
	assert_int_equal(give(f, NK_PAYER, deal, &err), NK_EREFUSED);
	assert_string_equal(err.field, "outcome");
	assert_non_null(strstr(err.text, "differs from the claimant's"));
	assert_int_equal(events(f), before);
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_MEDIATOR, &b, &err), NK_OK);
	assert_int_equal(b.state, NK_STATE_OPEN);
	assert_false(b.rounds[0].evaluated);
	/* the round computed again: the claimant replaces its outcome, the payer agrees */
	assert_int_equal(give(f, NK_CLAIMANT, deal, &err), NK_OK);
	assert_int_equal(give(f, NK_PAYER, deal, &err), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_PAYER, &b, &err), NK_OK);
	assert_int_equal(b.state, NK_STATE_SETTLED);
	assert_int_equal(b.settlement, 100);
}

static void malformed_outcomes_are_refused_and_append_nothing(void **state)
{
	static const char *const bad[] = {
		"not json",
		"{\"round\":1,\"outcome\":\"no-deal\"}",	/* no commitment */
		"{\"round\":2,\"outcome\":\"no-deal\"," COMMIT "}",	/* not the open round */
		"{\"round\":9,\"outcome\":\"no-deal\"," COMMIT "}",	/* past the rules */
		"{\"round\":1,\"outcome\":\"overlap\"," COMMIT "}",	/* a deal without figure */
		"{\"round\":1,\"outcome\":\"no-deal\",\"figure\":5," COMMIT "}",
		"{\"round\":1,\"outcome\":\"band\",\"figure\":5," COMMIT "}",	/* midpoint rules */
		"{\"round\":1,\"outcome\":\"deal-closer\",\"figure\":5," COMMIT "}",
		"{\"round\":1,\"outcome\":\"overlap\",\"figure\":100000001," COMMIT "}",
		"{\"round\":1,\"outcome\":\"no-deal\",\"hint\":\"AAAA\"," COMMIT "}",
		"{\"round\":1,\"outcome\":\"no-deal\",\"role\":\"payer\"," COMMIT "}",
		"{\"round\":1,\"outcome\":\"no-deal\",\"commitment\":\"01\"}",
	};
	struct fixture *f = *state;
	struct nk_error err = { 0 };
	size_t before = events(f);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = (struct nk_error){ 0 };
		assert_int_not_equal(give(f, NK_CLAIMANT, bad[i], &err), NK_OK);
		assert_true(err.field[0] != '\0');
	}
	assert_int_equal(events(f), before);
}

static void impasse_then_the_mediators_proposal(void **state)
{
	struct fixture *f = *state;
	struct nk_error err = { 0 };
	struct nk_brief b;
	char text[256];

	no_deal(text, 1);
	assert_int_equal(give(f, NK_CLAIMANT, text, &err), NK_OK);
	assert_int_equal(give(f, NK_PAYER, text, &err), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_CLAIMANT, &b, &err), NK_OK);
	assert_int_equal(b.state, NK_STATE_IMPASSE);
	assert_int_equal(nk_case_propose(&f->env, f->id, 6000, &err), NK_OK);
}

/* A side's outcome given again grows the log by a bounded amount: the same public
 * outcome (a rerun, or a retry at any rate) appends nothing, and a different one replaces
 * the side's own, at most four outcomes of a side per round; the round then still
 * concludes when the other side agrees with the one that stands. */
static void outcomes_given_again_append_a_bounded_amount(void **state)
{
	struct fixture *f = *state;
	struct nk_error err = { 0 };
	struct nk_brief b;
	char text[256];
	size_t before;

	no_deal(text, 1);
	assert_int_equal(give(f, NK_CLAIMANT, text, &err), NK_OK);
	before = events(f);
	for (int i = 0; i < 50; i++)
		assert_int_equal(give(f, NK_CLAIMANT, text, &err), NK_OK);
	assert_int_equal(events(f), before);
	for (int i = 1; i <= 3; i++) {
		snprintf(text, sizeof(text), "{" COMMIT ",\"figure\":%d,"
			 "\"outcome\":\"overlap\",\"round\":1}", 100 * i);
		assert_int_equal(give(f, NK_CLAIMANT, text, &err), NK_OK);
		assert_int_equal(events(f), before + (size_t)i);
	}
	snprintf(text, sizeof(text), "{" COMMIT ",\"figure\":400,"
		 "\"outcome\":\"overlap\",\"round\":1}");
	assert_int_equal(give(f, NK_CLAIMANT, text, &err), NK_EREFUSED);
	assert_string_equal(err.field, "outcome");
	assert_non_null(strstr(err.text, "given 4 different outcomes of round 1"));
	assert_int_equal(events(f), before + 3);
	/* the one that stands (300) concludes the round with the payer's */
	snprintf(text, sizeof(text), "{" COMMIT ",\"figure\":300,"
		 "\"outcome\":\"overlap\",\"round\":1}");
	assert_int_equal(give(f, NK_CLAIMANT, text, &err), NK_OK);
	assert_int_equal(give(f, NK_PAYER, text, &err), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_MEDIATOR, &b, &err), NK_OK);
	assert_int_equal(b.state, NK_STATE_SETTLED);
	assert_int_equal(b.settlement, 300);
}

/* ---- the outcomes' signatures, kept in the log and checked at every load: an operator
 * who holds the server's key and appends, re-chained and countersigned, an outcome a
 * party did not sign, an altered one, one without its signature, or a round's
 * conclusion that the two signed outcomes do not say, gets a log that does not load,
 * naming the event and the reason ---- */

#define DEAL "{" COMMIT ",\"figure\":7250,\"outcome\":\"overlap\",\"round\":1}"

/* The case's load is refused as corrupt, naming the event (the log's last) and why. */
static void refused(struct fixture *f, const char *why)
{
	struct nk_brief b;
	struct nk_error err = { 0 };
	char event[32];

	snprintf(event, sizeof(event), "event %zu ", events(f));
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_MEDIATOR, &b, &err), NK_ECORRUPT);
	assert_string_equal(err.field, "log");
	assert_non_null(strstr(err.text, event));
	assert_non_null(strstr(err.text, why));
}

static void signed_outcomes_are_kept_and_checked(void **state)
{
	struct fixture *f = *state;
	struct nk_error err = { 0 };
	struct nk_event_list log = { 0 };
	struct nk_brief b;
	int outcomes = 0;

	assert_int_equal(give(f, NK_CLAIMANT, DEAL, &err), NK_OK);
	assert_int_equal(give(f, NK_PAYER, DEAL, &err), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_MEDIATOR, &b, &err), NK_OK);
	assert_int_equal(b.state, NK_STATE_SETTLED);
	assert_int_equal(nk_case_log(&f->env, f->id, &log, NULL), NK_OK);
	for (size_t i = 0; i < log.count; i++) {
		json_t *body = json_loads(log.events[i].body, 0, NULL);
		const char *sig = json_string_value(json_object_get(body, "signature"));

		if (strcmp(log.events[i].type, "blind_outcome") == 0) {
			assert_non_null(sig);
			assert_int_equal(strlen(sig), 2 * NK_SIGNATURE_BYTES);
			outcomes++;
		} else if (strcmp(log.events[i].type, "joined") != 0) {	/* its own */
			assert_null(sig);	/* the others keep the bytes they had */
		}
		json_decref(body);
	}
	nk_event_list_free(&log);
	assert_int_equal(outcomes, 2);
}

/* The log rebuilds the signed text from the event's members: only that form is taken. */
static void an_outcome_not_in_canonical_form_is_refused(void **state)
{
	struct fixture *f = *state;
	struct nk_error err = { 0 };
	size_t before = events(f);

	assert_int_equal(give(f, NK_CLAIMANT, "{\"round\":1,\"outcome\":\"overlap\","
			      "\"figure\":7250," COMMIT "}", &err), NK_EINVAL);
	assert_string_equal(err.field, "outcome");
	assert_non_null(strstr(err.text, "sorted"));
	assert_int_equal(events(f), before);
}

static void an_outcome_the_party_did_not_sign_is_refused(void **state)
{
	struct fixture *f = *state;
	struct nk_error err = { 0 };
	char bogus[2 * NK_SIGNATURE_BYTES + 1];

	assert_int_equal(give(f, NK_CLAIMANT, DEAL, &err), NK_OK);
	memset(bogus, 'a', sizeof(bogus) - 1);
	bogus[sizeof(bogus) - 1] = '\0';
	forge(f, "payer", CASE_EV_BLIND_OUTCOME, outcome_event(DEAL, NK_PAYER, 1, bogus));
	refused(f, "blind_outcome of the payer, round 1): its signature does not verify");
}

static void an_outcome_without_its_signature_is_refused(void **state)
{
	struct fixture *f = *state;

	forge(f, "claimant", CASE_EV_BLIND_OUTCOME, outcome_event(DEAL, NK_CLAIMANT, 1, NULL));
	refused(f, "blind_outcome of the claimant, round 1): it holds no signature");
}

/* The claimant's real signature, on an outcome with another settlement. */
static void an_altered_outcome_is_refused(void **state)
{
	struct fixture *f = *state;
	struct nk_case_request req;
	struct nk_request_auth auth = sign(f, NK_CLAIMANT, DEAL, &req);
	char hex[2 * NK_SIGNATURE_BYTES + 1];

	sodium_bin2hex(hex, sizeof(hex), auth.signature, sizeof(auth.signature));
	forge(f, "claimant", CASE_EV_BLIND_OUTCOME,
	      outcome_event("{" COMMIT ",\"figure\":9000,\"outcome\":\"overlap\",\"round\":1}",
			    NK_CLAIMANT, auth.number, hex));
	refused(f, "its signature does not verify");
}

/* Both outcomes signed and logged, but the operator concludes the round otherwise. */
static void a_conclusion_the_outcomes_do_not_say_is_refused(void **state)
{
	struct fixture *f = *state;
	struct nk_error err = { 0 };
	struct nk_case_request req;
	struct nk_request_auth auth;
	char hex[2 * NK_SIGNATURE_BYTES + 1];

	assert_int_equal(give(f, NK_CLAIMANT, DEAL, &err), NK_OK);
	auth = sign(f, NK_PAYER, DEAL, &req);
	sodium_bin2hex(hex, sizeof(hex), auth.signature, sizeof(auth.signature));
	forge(f, "payer", CASE_EV_BLIND_OUTCOME, outcome_event(DEAL, NK_PAYER, auth.number, hex));
	forge(f, "go-between", CASE_EV_ROUND, case_event_round_encode(1, NK_DEAL_OVERLAP, 9000));
	refused(f, "concludes blind round 1 with an outcome that is not the claimant's signed one");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(three_rounds_to_a_settlement, setup, teardown),
		cmocka_unit_test_setup_teardown(disagreeing_outcomes_leave_the_round_open, setup,
						teardown),
		cmocka_unit_test_setup_teardown(malformed_outcomes_are_refused_and_append_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(outcomes_given_again_append_a_bounded_amount, setup,
						teardown),
		cmocka_unit_test_setup_teardown(impasse_then_the_mediators_proposal, setup_one,
						teardown),
		cmocka_unit_test_setup_teardown(signed_outcomes_are_kept_and_checked, setup,
						teardown),
		cmocka_unit_test_setup_teardown(an_outcome_not_in_canonical_form_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(an_outcome_the_party_did_not_sign_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(an_outcome_without_its_signature_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(an_altered_outcome_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(a_conclusion_the_outcomes_do_not_say_is_refused,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
