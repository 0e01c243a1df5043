/* Unit and property tests of the bridge as a rule of a case (issue 17, tool 4): the
 * opening's version 4 member and the bridged settlement in the log's codec; the budget's
 * refusals, which name the field and never the amount and leave no case; and, over many
 * random cases (with and without the cache of folded states), that the bridge settles a
 * case exactly when the last round's gap is within the budget (never an earlier round,
 * as doc/toolkit.md argues), that each party is told only its own sum and the mediator
 * only the gap, and that neither the budget nor a figure is in the log, which the
 * mediator reads, nor in the receipt, nor the budget in any briefing. */
#include "case/case_impl.h"
#include "../case_env_fixture.h"
#include "../splitmix.h"
#include <nakodo/case_json.h>
#include <nakodo/ledger.h>
#include <nakodo/toolkit.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_body.h"

static void the_opening_declares_it_from_version_4(void **state)
{
	const uint8_t commitment[32] = { 1 };
	struct nk_rules r, back;
	struct nk_error err = { 0 };
	int version = 0;
	json_t *body;

	(void)state;
	nk_rules_default(&r, nk_currency_find("USD"));
	/* none: the bytes of the versions before, as they were */
	body = case_event_opened_bridge(case_event_opened_encode(&r, commitment), &r);
	assert_null(json_object_get(body, "v"));
	assert_null(json_object_get(body, "bridge"));
	json_decref(body);
	r.bridge = true;
	body = reparse(case_event_opened_bridge(case_event_opened_encode(&r, commitment), &r));
	assert_int_equal(case_event_version(CASE_EV_OPENED, body, &version, &err), NK_OK);
	assert_int_equal(version, 4);
	assert_true(json_is_true(json_object_get(body, "bridge")));
	assert_int_equal(case_event_opened_decode(body, &back, (uint8_t[32]){ 0 }, &err), NK_OK);
	assert_int_equal(case_event_opened_bridge_decode(body, version, &back, &err), NK_OK);
	assert_true(back.bridge);
	/* before version 4 the member means nothing; a bridge that is not true is corrupt */
	assert_int_equal(case_event_opened_bridge_decode(body, 3, &back, &err), NK_OK);
	assert_false(back.bridge);
	json_object_set_new(body, "bridge", json_integer(50000));
	assert_int_equal(case_event_opened_bridge_decode(body, 4, &back, &err), NK_ECORRUPT);
	assert_non_null(strstr(err.text, "bridge"));
	json_decref(body);
}

static void a_bridged_settlement_logs_the_gap_alone(void **state)
{
	struct case_event_settled ev;
	struct nk_error err = { 0 };
	json_t *body = reparse(case_event_bridged_encode(1234, 3));
	char *text = nk_json_dumps(body, CASE_BODY_FLAGS);

	(void)state;
	assert_string_equal(text, "{\"by\":\"bridge\",\"gap\":1234,\"round\":3}");
	free(text);
	assert_int_equal(case_event_settled_decode(body, &ev, &err), NK_OK);
	assert_int_equal(ev.by, NK_DEAL_BRIDGE);
	assert_int_equal(ev.gap, 1234);
	assert_int_equal(ev.figure, 0);
	json_object_set_new(body, "gap", json_integer(0));
	assert_int_equal(case_event_settled_decode(body, &ev, &err), NK_ECORRUPT);
	assert_non_null(strstr(err.text, "gap"));
	json_decref(body);
}

static void rules_of(struct nk_rules *r, int rounds)
{
	nk_rules_default(r, nk_currency_find("USD"));
	r->rounds = rounds;
	r->range_low = 0;
	r->range_high = 100000000;	/* a million dollars */
	r->monotone = false;		/* the draws go either way */
}

static void a_budget_is_refused_by_name_and_leaves_no_case(void **state)
{
	struct fixture *f = *state;
	struct nk_rules r;
	struct nk_error err = { 0 };
	char id[NK_CASE_ID_MAX];
	int cases = 0;

	rules_of(&r, 3);
	assert_int_equal(nk_case_open_bridged(&f->env, &r, NULL, -777, NULL, NULL, id, &err),
			 NK_EINVAL);
	assert_string_equal(err.field, "bridge");
	assert_null(strstr(err.text, "777"));
	assert_int_equal(nk_case_open_bridged(&f->env, &r, NULL, 100000001, NULL, NULL, id,
					      &err), NK_EINVAL);
	assert_string_equal(err.field, "bridge");
	assert_null(strstr(err.text, "100000001"));
	/* rules that declare a bridge need its budget */
	r.bridge = true;
	assert_int_equal(nk_case_open_bridged(&f->env, &r, NULL, 0, NULL, NULL, id, &err),
			 NK_EINVAL);
	assert_string_equal(err.field, "bridge");
	assert_int_equal(nk_case_open(&f->env, &r, id, &err), NK_EINVAL);
	assert_int_equal(nk_store_list_cases(f->store, count, &cases, NULL), NK_OK);
	assert_int_equal(cases, 0);
}

static struct nk_brief brief_buf;	/* large: kept off the stack */

static const struct nk_brief *brief(struct fixture *f, const char *id, enum nk_role role)
{
	struct nk_error err = { 0 };

	assert_int_equal(nk_case_brief(&f->env, id, role, &brief_buf, &err), NK_OK);
	return &brief_buf;
}

/* Whether the decimal text of amount appears in text. */
static bool holds(const char *text, int64_t amount)
{
	char digits[24];

	snprintf(digits, sizeof(digits), "%lld", (long long)amount);
	return strstr(text, digits) != NULL;
}

static void log_holds_none(struct fixture *f, const char *id, const int64_t *amounts, int n)
{
	struct nk_event_list log = { 0 };

	assert_int_equal(nk_case_log(&f->env, id, &log, NULL), NK_OK);
	for (size_t e = 0; e < log.count; e++)
		for (int i = 0; i < n; i++)
			if (holds(log.events[e].body, amounts[i]))
				fail_msg("event %zu (%s) holds the amount %lld: %s", e + 1,
					 log.events[e].type, (long long)amounts[i],
					 log.events[e].body);
	nk_event_list_free(&log);
}

static void it_settles_the_last_round_within_budget_and_tells_each_its_own(void **state)
{
	struct fixture *f = *state;
	int bridged = 0, impasses = 0;

	rng_state = 17;
	for (int k = 0; k < 60; k++) {
		struct nk_rules r;
		struct nk_error err = { 0 };
		struct nk_receipt receipt;
		char id[NK_CASE_ID_MAX];
		const int rounds = (int)between(1, 3);
		const int64_t budget = between(1000000, 1999999);
		int64_t demand = 0, offer = 0, secrets[3];
		bool closes = false;

		rules_of(&r, rounds);
		assert_int_equal(nk_case_open_bridged(&f->env, &r, NULL, budget, NULL, NULL, id,
						      &err), NK_OK);
		assert_true(brief(f, id, NK_PAYER)->rules.bridge);
		for (int t = 1; t <= rounds; t++) {
			/* figures that never meet, their gap either side of the budget */
			demand = between(50000000, 59999999);
			offer = demand - between(1, 2 * budget);
			closes = t == rounds && demand - offer <= budget;
			assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, demand, &err),
					 NK_OK);
			assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, offer, &err), NK_OK);
			if (t < rounds) {
				assert_int_equal(brief(f, id, NK_MEDIATOR)->state, NK_STATE_OPEN);
				assert_int_equal(brief(f, id, NK_MEDIATOR)->round, t + 1);
			}
		}
		secrets[0] = budget;
		secrets[1] = demand;
		secrets[2] = offer;
		log_holds_none(f, id, secrets, 3);
		if (!closes) {
			impasses++;
			assert_int_equal(brief(f, id, NK_CLAIMANT)->state, NK_STATE_IMPASSE);
			assert_false(brief(f, id, NK_CLAIMANT)->settled);
			assert_int_equal(nk_case_close(&f->env, id, &err), NK_OK);
			continue;
		}
		bridged++;
		assert_int_equal(brief(f, id, NK_CLAIMANT)->settled_by, NK_DEAL_BRIDGE);
		assert_int_equal(brief(f, id, NK_CLAIMANT)->settlement, demand);
		assert_int_equal(brief(f, id, NK_PAYER)->settled_by, NK_DEAL_BRIDGE);
		assert_int_equal(brief(f, id, NK_PAYER)->settlement, offer);
		assert_int_equal(brief(f, id, NK_MEDIATOR)->settlement, demand - offer);
		assert_true(brief(f, id, NK_MEDIATOR)->figures_deleted);
		/* the budget is deleted with the figures; each side's sum is kept for it */
		assert_int_equal(nk_store_secret_get(f->store, id, "bridge", (uint8_t[8]){ 0 }, 8,
						     &(size_t){ 0 }, &err), NK_ENOTFOUND);
		/* the receipt names the rule, no amount */
		assert_int_equal(nk_case_receipt(&f->env, id, &receipt, &err), NK_OK);
		assert_string_equal(receipt.statement.outcome, "settled-by-bridge");
		assert_false(receipt.statement.has_settlement);
		/* the briefings' JSON: each party its own sum, nobody the budget */
		for (int role = 0; role <= NK_MEDIATOR; role++) {	/* the roles this case has */
			json_t *o = nk_brief_to_json(brief(f, id, (enum nk_role)role));
			char *text = json_dumps(o, JSON_COMPACT);

			assert_non_null(text);
			assert_false(holds(text, budget));
			assert_int_equal(holds(text, offer), role == NK_PAYER);
			assert_int_equal(holds(text, demand), role == NK_CLAIMANT);
			free(text);
			json_decref(o);
		}
	}
	/* the draws covered both outcomes */
	assert_true(bridged > 5);
	assert_true(impasses > 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_opening_declares_it_from_version_4),
		cmocka_unit_test(a_bridged_settlement_logs_the_gap_alone),
		cmocka_unit_test_setup_teardown(a_budget_is_refused_by_name_and_leaves_no_case,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			it_settles_the_last_round_within_budget_and_tells_each_its_own, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			it_settles_the_last_round_within_budget_and_tells_each_its_own,
			setup_cached, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
