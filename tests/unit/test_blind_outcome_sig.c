/* A blind round's outcome keeps its party's signature in the log (issue 16, item 3:
 * "the public outcome that both parties sign"): the fold checks each blind_outcome
 * event against its role's registered key, so an operator who holds the server's key
 * and appends, re-chained and countersigned, an outcome a party did not sign, an
 * altered one, one without its signature, or a round's conclusion that the two signed
 * outcomes do not say, gets a log that does not load, naming the event and the reason. */
#include <nakodo/case.h>
#include <nakodo/seal.h>
#include "../fake_env.h"
#include "case/case_impl.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

struct fixture {
	struct nk_store *store;
	struct nk_server_key *signer;
	struct nk_case_env env;
	struct fake_env fake;
	struct nk_party_key *key[2];
	char id[NK_CASE_ID_MAX];
	uint64_t number[2];
};

#define COMMIT "\"commitment\":\"0101010101010101010101010101010101010101010101010101010101010101\""
#define DEAL "{" COMMIT ",\"figure\":7250,\"outcome\":\"overlap\",\"round\":1}"

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct nk_rules rules;
	struct nk_identity idn;
	uint8_t sig[NK_SIGNATURE_BYTES];

	if (!f || sodium_init() < 0 ||
	    nk_store_open(&f->store, "mem:", NK_STORE_CREATE, NULL) != NK_OK ||
	    nk_server_key_generate(&f->signer, NULL) != NK_OK)
		return -1;
	f->fake = (struct fake_env)FAKE_ENV_START;
	f->env = (struct nk_case_env){ f->store, fake_now, fake_random, &f->fake, f->signer, NULL,
				       NULL };
	nk_rules_default(&rules, nk_currency_find("USD"));
	rules.rounds = 2;
	rules.range_high = 100000000;
	rules.blind = true;
	if (nk_case_open(&f->env, &rules, f->id, NULL) != NK_OK)
		return -1;
	for (int r = 0; r < 2; r++) {
		if (nk_party_key_generate(&f->key[r], NULL) != NK_OK)
			return -1;
		nk_party_key_identity(f->key[r], &idn);
		if (nk_join_sign(f->key[r], f->id, r, sig, NULL) != NK_OK ||
		    nk_case_join(&f->env, f->id, r, &idn, sig, NULL) != NK_OK)
			return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	for (int r = 0; r < 2; r++)
		nk_party_key_free(f->key[r]);
	nk_store_close(f->store);
	nk_server_key_free(f->signer);
	free(f);
	return 0;
}

/* role signs text, as the outcome request req, with its next request number. */
static struct nk_request_auth sign(struct fixture *f, enum nk_role role, const char *text,
				   struct nk_case_request *req)
{
	struct nk_request_auth auth;

	*req = (struct nk_case_request){ .action = NK_ACTION_BLIND_OUTCOME,
					 .envelope = (const uint8_t *)text,
					 .envelope_len = strlen(text) };
	assert_int_equal(nk_case_request_sign(f->key[role], f->id, role, ++f->number[role], req,
					      &auth, NULL), NK_OK);
	return auth;
}

static enum nk_status give(struct fixture *f, enum nk_role role, const char *text,
			   struct nk_error *err)
{
	struct nk_case_request req;
	struct nk_request_auth auth = sign(f, role, text, &req);

	return nk_case_act(&f->env, f->id, role, &req, &auth, err);
}

/* What an operator with the server's key can do: append any event, linked and
 * countersigned like the go-between's own. */
static void forge(struct fixture *f, const char *actor, enum case_event type, json_t *body)
{
	assert_non_null(body);
	assert_int_equal(nk_store_begin(f->store, NULL), NK_OK);
	assert_int_equal(case_append(&f->env, f->id, actor, type, body, NULL), NK_OK);
	assert_int_equal(nk_store_commit(f->store, NULL), NK_OK);
}

/* An outcome event for role as the go-between writes it, with signature hex (or none). */
static json_t *outcome_event(const char *text, enum nk_role role, uint64_t number,
			     const char *sig_hex)
{
	json_t *o = json_loads(text, 0, NULL);

	assert_non_null(o);
	json_object_set_new(o, "role", json_string(nk_role_name(role)));
	json_object_set_new(o, "request", json_integer((json_int_t)number));
	if (sig_hex)
		json_object_set_new(o, "signature", json_string(sig_hex));
	return o;
}

static size_t log_count(struct fixture *f)
{
	struct nk_event_list log = { 0 };
	size_t n;

	assert_int_equal(nk_case_log(&f->env, f->id, &log, NULL), NK_OK);
	n = log.count;
	nk_event_list_free(&log);
	return n;
}

/* The case's load is refused as corrupt, naming the event (the log's last) and why. */
static void refused(struct fixture *f, const char *why)
{
	struct nk_brief b;
	struct nk_error err = { 0 };
	char event[32];

	snprintf(event, sizeof(event), "event %zu ", log_count(f));
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
	size_t before = log_count(f);

	assert_int_equal(give(f, NK_CLAIMANT, "{\"round\":1,\"outcome\":\"overlap\","
			      "\"figure\":7250," COMMIT "}", &err), NK_EINVAL);
	assert_string_equal(err.field, "outcome");
	assert_non_null(strstr(err.text, "sorted"));
	assert_int_equal(log_count(f), before);
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
