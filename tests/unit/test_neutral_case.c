/* Unit tests for neutral evaluation in a case (issue 17, tool 3): the rules' bound, the
 * opening's version 4, the neutrals' turn after the impasse (and after the mediator's
 * failed proposal), refusals (before the turn, a neutral the case lacks, a figure out of
 * the span, a second figure, a party), the settlement on the party closer to the median,
 * what each role's briefing shows (a neutral the last figures and its own, never another
 * neutral's; the parties the rule; the mediator a count), a log without any fair figure,
 * the deadline closing a case whose neutrals never answer, and a neutral that has not
 * joined with its own key (whose token the case's opener holds too) refused both the
 * last figures and its fair figure. */
#include "case/case_impl.h"
#include "../fake_env.h"
#include <nakodo/case_json.h>
#include <nakodo/toolkit.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define T0 INT64_C(1800000000000)

struct fixture {
	struct nk_server_key *signer;
	struct nk_store *store;
	struct nk_case_env env;
	struct fake_env fake;
	struct nk_party_key *key[NK_CASE_NEUTRALS_MAX];	/* each neutral's, once joined */
	uint64_t seq[NK_CASE_NEUTRALS_MAX];		/* its signed requests so far */
	struct nk_party_key *party[2];		/* the parties', once they join to endorse */
	uint64_t party_seq[2];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || sodium_init() < 0 ||
	    nk_store_open(&f->store, "mem:", NK_STORE_CREATE, NULL) != NK_OK ||
	    nk_server_key_generate(&f->signer, NULL) != NK_OK)
		return -1;
	f->fake = (struct fake_env){ T0, 0 };
	f->env = (struct nk_case_env){ f->store, fake_now, fake_random, &f->fake, f->signer,
				       NULL, NULL };
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nk_store_close(f->store);
	nk_server_key_free(f->signer);
	for (int k = 0; k < NK_CASE_NEUTRALS_MAX; k++)
		nk_party_key_free(f->key[k]);
	nk_party_key_free(f->party[0]);
	nk_party_key_free(f->party[1]);
	free(f);
	return 0;
}

static void rules_and_opening(void **state)
{
	struct nk_rules r, back;
	struct nk_error err = { 0 };
	uint8_t commitment[32] = { 0 };
	json_t *body;
	int version = 0;

	(void)state;
	nk_rules_default(&r, nk_currency_find("USD"));
	r.neutrals = NK_CASE_NEUTRALS_MAX + 1;
	assert_int_equal(nk_rules_check(&r, &err), NK_EINVAL);
	assert_string_equal(err.field, "neutrals");
	r.neutrals = 0;
	/* without neutrals the opening keeps the bytes it had */
	body = case_event_opened_neutrals(case_event_opened_encode(&r, commitment), &r);
	assert_null(json_object_get(body, "v"));
	json_decref(body);
	r.neutrals = 3;
	body = case_event_opened_neutrals(case_event_opened_encode(&r, commitment), &r);
	assert_int_equal(json_integer_value(json_object_get(body, "v")), 4);
	assert_int_equal(case_event_version(CASE_EV_OPENED, body, &version, &err), NK_OK);
	assert_int_equal(case_event_opened_neutrals_decode(body, version, &back, &err), NK_OK);
	assert_int_equal(back.neutrals, 3);
	json_object_set_new(body, "neutrals", json_integer(6));
	assert_int_equal(case_event_opened_neutrals_decode(body, version, &back, &err),
			 NK_ECORRUPT);
	json_decref(body);
	/* the API's rules carry it only when declared */
	body = nk_rules_to_json(&r);
	assert_int_equal(json_integer_value(json_object_get(body, "neutrals")), 3);
	assert_int_equal(nk_rules_from_json(body, &back, &err), NK_OK);
	assert_int_equal(back.neutrals, 3);
	json_object_set_new(body, "neutrals", json_integer(9));
	assert_int_equal(nk_rules_from_json(body, &back, &err), NK_EINVAL);
	assert_string_equal(err.field, "neutrals");
	json_decref(body);
	r.neutrals = 0;
	body = nk_rules_to_json(&r);
	assert_null(json_object_get(body, "neutrals"));
	json_decref(body);
}

static void open_case(struct fixture *f, int neutrals, int proposals, int64_t deadline,
		      char id[static NK_CASE_ID_MAX])
{
	struct nk_rules r;
	struct nk_error err = { 0 };

	nk_rules_default(&r, nk_currency_find("USD"));
	r.rounds = 1;
	r.neutrals = neutrals;
	r.proposals = proposals;
	r.deadline_ms = deadline;
	assert_int_equal(nk_case_open(&f->env, &r, id, &err), NK_OK);
}

static void brief(struct fixture *f, const char *id, enum nk_role role, struct nk_brief *b)
{
	struct nk_error err = { 0 };

	assert_int_equal(nk_case_brief(&f->env, id, role, b, &err), NK_OK);
}

/* Neutrals 1..n join, each with a key of its own: only a joined neutral is shown the last
 * figures and gives its fair figure. */
static void join_neutrals(struct fixture *f, const char *id, int n)
{
	struct nk_identity idn;
	uint8_t sig[NK_SIGNATURE_BYTES];

	for (int k = 1; k <= n; k++) {
		assert_int_equal(nk_party_key_generate(&f->key[k - 1], NULL), NK_OK);
		nk_party_key_identity(f->key[k - 1], &idn);
		assert_int_equal(nk_join_sign(f->key[k - 1], id, nk_role_neutral(k), sig, NULL),
				 NK_OK);
		assert_int_equal(nk_case_join(&f->env, id, nk_role_neutral(k), &idn, sig, NULL),
				 NK_OK);
	}
}

/* Party endorses role's key (key: the one it signs, NULL for role's joined key). */
static enum nk_status endorse(struct fixture *f, const char *id, enum nk_role party,
			      enum nk_role role, const uint8_t *key, struct nk_error *err)
{
	struct nk_case_request req = { .action = NK_ACTION_ENDORSE, .endorse = role };
	struct nk_request_auth auth;
	struct nk_identity idn;
	enum nk_status rc;

	nk_party_key_identity(f->key[nk_role_neutral_index(role) - 1], &idn);
	memcpy(req.endorse_key, key ? key : idn.sign, sizeof(req.endorse_key));
	assert_int_equal(nk_case_request_sign(f->party[party], id, party, f->party_seq[party] + 1,
					      &req, &auth, NULL), NK_OK);
	if ((rc = nk_case_act(&f->env, id, party, &req, &auth, err)) == NK_OK)
		f->party_seq[party]++;
	return rc;
}

/* The parties join (after their unsigned figures) and each endorses neutrals 1..n. */
static void endorse_neutrals(struct fixture *f, const char *id, int n)
{
	struct nk_identity idn;
	uint8_t sig[NK_SIGNATURE_BYTES];

	for (enum nk_role p = NK_CLAIMANT; p <= NK_PAYER; p++) {
		assert_int_equal(nk_party_key_generate(&f->party[p], NULL), NK_OK);
		nk_party_key_identity(f->party[p], &idn);
		assert_int_equal(nk_join_sign(f->party[p], id, p, sig, NULL), NK_OK);
		assert_int_equal(nk_case_join(&f->env, id, p, &idn, sig, NULL), NK_OK);
		for (int k = 1; k <= n; k++)
			assert_int_equal(endorse(f, id, p, nk_role_neutral(k), NULL, NULL), NK_OK);
	}
}

/* Neutral k's fair figure: signed with its key once it has joined, its token's otherwise. */
static void fair(struct fixture *f, const char *id, int k, int64_t amount, enum nk_status want,
		 const char *field)
{
	struct nk_case_request req = { .action = NK_ACTION_SUBMIT, .amount = amount };
	struct nk_request_auth auth;
	struct nk_error err = { 0 };
	const enum nk_role role = nk_role_neutral(k);

	if (k > NK_CASE_NEUTRALS_MAX || !f->key[k - 1]) {
		assert_int_equal(nk_case_submit(&f->env, id, role, amount, &err), want);
	} else {
		assert_int_equal(nk_case_request_sign(f->key[k - 1], id, role, f->seq[k - 1] + 1,
						      &req, &auth, NULL), NK_OK);
		assert_int_equal(nk_case_act(&f->env, id, role, &req, &auth, &err), want);
		if (want == NK_OK)
			f->seq[k - 1]++;
	}
	if (field)
		assert_string_equal(err.field, field);
}

/* Every event body of the log, joined; and none of them may hold a neutral's figure:
 * a "fair" event is exactly its role and its request's number. */
static void log_holds_no_fair_figure(struct fixture *f, const char *id)
{
	struct nk_event_list log = { 0 };
	struct nk_error err = { 0 };
	int fairs = 0;

	assert_int_equal(nk_case_log(&f->env, id, &log, &err), NK_OK);
	for (size_t i = 0; i < log.count; i++)
		if (strcmp(log.events[i].type, "fair") == 0) {
			assert_non_null(strstr(log.events[i].body, "\"role\":\"neutral-"));
			assert_null(strstr(log.events[i].body, "amount"));
			/* its role and its signed request's number (the neutral joined) */
			assert_int_equal(strlen(log.events[i].body),
					 strlen("{\"role\":\"neutral-1\",\"request\":1}"));
			fairs++;
		} else if (strcmp(log.events[i].type, "settled") == 0) {
			assert_null(strstr(log.events[i].body, "fair"));
			assert_null(strstr(log.events[i].body, "median"));
		}
	assert_true(fairs > 0);
	nk_event_list_free(&log);
}

static void three_neutrals_settle_on_the_closer_figure(void **state)
{
	struct fixture *f = *state;
	struct nk_error err = { 0 };
	struct nk_brief b;
	char id[NK_CASE_ID_MAX];

	open_case(f, 3, 0, 0, id);
	join_neutrals(f, id, 3);
	/* nothing before the impasse: no neutral acts, none is shown a figure */
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 100000, &err), NK_OK);
	fair(f, id, 1, 80000, NK_EREFUSED, "role");	/* not endorsed yet, either */
	brief(f, id, NK_NEUTRAL_1, &b);
	assert_false(b.neutral_shown);
	assert_false(b.evaluating);
	assert_int_equal(b.round, 0);
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, 60000, &err), NK_OK);
	brief(f, id, NK_CLAIMANT, &b);
	assert_int_equal(b.state, NK_STATE_IMPASSE);
	assert_true(b.evaluating);
	assert_false(b.neutral_shown);
	endorse_neutrals(f, id, 3);
	/* a neutral the case lacks, a party, a figure outside the span */
	fair(f, id, 4, 80000, NK_EREFUSED, "role");
	fair(f, id, 1, 59999, NK_EINVAL, "fair");
	fair(f, id, 1, 100001, NK_EINVAL, "fair");
	assert_int_not_equal(nk_case_submit(&f->env, id, NK_PAYER, 70000, &err), NK_OK);
	/* the neutrals are shown both last figures */
	brief(f, id, NK_NEUTRAL_2, &b);
	assert_true(b.neutral_shown);
	assert_int_equal(b.neutral_demand, 100000);
	assert_int_equal(b.neutral_offer, 60000);
	assert_int_equal(b.rounds_evaluated, 0);
	fair(f, id, 1, 90000, NK_OK, NULL);
	fair(f, id, 1, 90000, NK_EREFUSED, "fair");
	fair(f, id, 2, 70000, NK_OK, NULL);
	/* each sees its own figure only; the mediator a count; the parties nothing */
	brief(f, id, NK_NEUTRAL_2, &b);
	assert_true(b.own_fair_given);
	assert_int_equal(b.own_fair, 70000);
	brief(f, id, NK_NEUTRAL_3, &b);
	assert_false(b.own_fair_given);
	assert_int_equal(b.own_fair, 0);
	brief(f, id, NK_MEDIATOR, &b);
	assert_int_equal(b.fair_count, 2);
	assert_false(b.neutral_shown);
	brief(f, id, NK_PAYER, &b);
	assert_int_equal(b.fair_count, 0);
	assert_false(b.neutral_shown);
	/* median 85000: nearer the demand (15000 away) than the offer (25000) */
	fair(f, id, 3, 85000, NK_OK, NULL);
	brief(f, id, NK_PAYER, &b);
	assert_int_equal(b.state, NK_STATE_SETTLED);
	assert_int_equal(b.settlement, 100000);
	assert_int_equal(b.settled_by, NK_DEAL_NEUTRAL);
	assert_int_equal(b.neutral_rule, NK_NEUTRAL_DEMAND);
	assert_true(nk_neutral_tells_other(NK_PAYER, b.neutral_rule));
	assert_false(nk_neutral_tells_other(NK_CLAIMANT, b.neutral_rule));
	brief(f, id, NK_NEUTRAL_1, &b);
	assert_false(b.neutral_shown);	/* the figures are deleted with the case's end */
	assert_int_equal(b.settlement, 100000);
	fair(f, id, 3, 85000, NK_EREFUSED, "case");
	log_holds_no_fair_figure(f, id);
}

static void after_a_failed_proposal_two_neutrals(void **state)
{
	struct fixture *f = *state;
	struct nk_error err = { 0 };
	struct nk_brief b;
	json_t *o;
	char id[NK_CASE_ID_MAX];

	open_case(f, 2, 1, 0, id);
	join_neutrals(f, id, 2);
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 100000, &err), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, 60000, &err), NK_OK);
	/* the mediator's proposal comes first */
	fair(f, id, 1, 70000, NK_EREFUSED, "role");	/* not endorsed yet, either */
	assert_int_equal(nk_case_propose(&f->env, id, 80000, &err), NK_OK);
	fair(f, id, 1, 70000, NK_EREFUSED, "role");
	assert_int_equal(nk_case_answer(&f->env, id, NK_CLAIMANT, false, &err), NK_OK);
	assert_int_equal(nk_case_answer(&f->env, id, NK_PAYER, true, &err), NK_OK);
	brief(f, id, NK_MEDIATOR, &b);
	assert_int_equal(b.state, NK_STATE_IMPASSE);
	assert_true(b.evaluating);
	endorse_neutrals(f, id, 2);
	/* an even count: the median of 60000 and 70000 is 65000, nearer the offer */
	fair(f, id, 1, 60000, NK_OK, NULL);
	fair(f, id, 2, 70000, NK_OK, NULL);
	brief(f, id, NK_CLAIMANT, &b);
	assert_int_equal(b.settlement, 60000);
	assert_int_equal(b.neutral_rule, NK_NEUTRAL_OFFER);
	o = nk_brief_to_json(&b);
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "neutral"),
							      "rule")), "offer");
	assert_true(json_is_true(json_object_get(json_object_get(o, "neutral"),
						 "other_figure_told")));
	/* counted in the leakage: all of the range's bits, to one point */
	assert_true(json_real_value(json_object_get(json_object_get(o, "neutral"),
						    "other_figure_bits")) ==
		    nk_bargain_bits(&b.rules, (struct nk_interval){ 5, 5 }));
	assert_true(nk_neutral_told_bits(&b.rules, NK_NEUTRAL_MIDPOINT) <
		    nk_neutral_told_bits(&b.rules, NK_NEUTRAL_OFFER));
	json_decref(o);
	log_holds_no_fair_figure(f, id);
}

static void a_case_without_neutrals_has_none(void **state)
{
	struct fixture *f = *state;
	struct nk_error err = { 0 };
	struct nk_brief b;
	char id[NK_CASE_ID_MAX];

	open_case(f, 0, 0, 0, id);
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 100000, &err), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, 60000, &err), NK_OK);
	fair(f, id, 1, 70000, NK_EREFUSED, "role");
	brief(f, id, NK_PAYER, &b);
	assert_int_equal(b.state, NK_STATE_CLOSED);
	assert_false(b.evaluating);
	/* and a neutral may not extend, answer or propose */
	assert_int_equal(nk_case_extend(&f->env, id, NK_NEUTRAL_1, 100, &err), NK_EREFUSED);
	assert_int_equal(nk_case_answer(&f->env, id, NK_NEUTRAL_1, true, &err), NK_EREFUSED);
}

static void the_deadline_closes_a_silent_evaluation(void **state)
{
	struct fixture *f = *state;
	struct nk_error err = { 0 };
	struct nk_brief b;
	int64_t next = 0;
	char id[NK_CASE_ID_MAX];

	open_case(f, 3, 0, T0 + 3600000, id);
	join_neutrals(f, id, 3);
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 100000, &err), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, 60000, &err), NK_OK);
	endorse_neutrals(f, id, 3);
	fair(f, id, 1, 80000, NK_OK, NULL);
	f->fake.clock = T0 + 3600000 + 1;
	assert_int_equal(nk_case_tick(&f->env, id, &next, &err), NK_OK);
	brief(f, id, NK_CLAIMANT, &b);
	assert_int_equal(b.state, NK_STATE_CLOSED);
	assert_true(b.deadline_passed);
	assert_false(b.settled);
	fair(f, id, 2, 80000, NK_EREFUSED, "case");
}

/* The case's opener (the mediator) holds every neutral's token until the neutral joins:
 * that token alone is shown neither last figure and gives no fair figure, so the opener
 * can neither read both figures nor settle the case through it. */
static void an_unjoined_neutral_reads_and_gives_nothing(void **state)
{
	struct fixture *f = *state;
	struct nk_error err = { 0 };
	struct nk_brief b;
	char id[NK_CASE_ID_MAX];

	open_case(f, 2, 0, 0, id);
	join_neutrals(f, id, 1);
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 100000, &err), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, 60000, &err), NK_OK);
	memset(&b, 0, sizeof(b));
	assert_int_equal(nk_case_brief(&f->env, id, NK_NEUTRAL_2, &b, &err), NK_EREFUSED);
	assert_string_equal(err.field, "role");
	assert_non_null(strstr(err.text, "nakodo join CASE --as neutral-2 --key FILE"));
	assert_false(b.neutral_shown);
	assert_int_equal(b.neutral_demand, 0);
	assert_int_equal(b.neutral_offer, 0);
	fair(f, id, 2, 80000, NK_EREFUSED, "role");
	brief(f, id, NK_MEDIATOR, &b);
	assert_int_equal(b.fair_count, 0);
	/* the joined and endorsed one is shown both; the parties see each neutral's key */
	endorse_neutrals(f, id, 1);
	brief(f, id, NK_NEUTRAL_1, &b);
	assert_true(b.neutral_shown);
	assert_int_equal(b.neutral_demand, 100000);
	brief(f, id, NK_CLAIMANT, &b);
	assert_true(b.joined[NK_NEUTRAL_1]);
	assert_false(b.joined[NK_NEUTRAL_2]);
	fair(f, id, 1, 80000, NK_OK, NULL);
	brief(f, id, NK_PAYER, &b);
	assert_int_equal(b.state, NK_STATE_IMPASSE);	/* neutral-2's figure is still owed */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rules_and_opening),
		cmocka_unit_test_setup_teardown(three_neutrals_settle_on_the_closer_figure, setup,
						teardown),
		cmocka_unit_test_setup_teardown(after_a_failed_proposal_two_neutrals, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_case_without_neutrals_has_none, setup, teardown),
		cmocka_unit_test_setup_teardown(the_deadline_closes_a_silent_evaluation, setup,
						teardown),
		cmocka_unit_test_setup_teardown(an_unjoined_neutral_reads_and_gives_nothing, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
