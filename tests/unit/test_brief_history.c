/* Unit tests for a briefing's proposals and title through JSON, as the remote command
 * reads a server's briefing: every proposal with its answer and, for the mediator, who
 * has answered the open one survive the trip; an older server's briefing without a
 * history shows the latest proposal only; a title that is not one is refused. */
#include <nakodo/case_json.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

static void mediator_brief(struct nk_brief *b)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->case_id, sizeof(b->case_id), "c1");
	snprintf(b->title, sizeof(b->title), "Lease");
	b->role = NK_MEDIATOR;
	nk_rules_default(&b->rules, nk_currency_find("USD"));
	b->state = NK_STATE_IMPASSE;
	b->round = 1;
	b->proposals = 2;
	b->proposal = 60000;
	b->proposal_pending = true;
	b->proposal_accepted = -1;
	b->own_answer = -1;
	b->proposal_figures[0] = 50000;
	b->proposal_results[0] = 0;
	b->proposal_figures[1] = 60000;
	b->proposal_results[1] = -1;
	b->proposal_answered[NK_PAYER] = true;
}

static void the_history_survives_json(void **state)
{
	struct nk_brief b, back;
	json_t *o;

	(void)state;
	mediator_brief(&b);
	assert_non_null(o = nk_brief_to_json(&b));
	assert_int_equal(nk_brief_from_json(o, &back, NULL), NK_OK);
	assert_string_equal(back.title, "Lease");
	assert_int_equal(back.proposals, 2);
	assert_int_equal(back.proposal_figures[0], 50000);
	assert_int_equal(back.proposal_results[0], 0);
	assert_int_equal(back.proposal_figures[1], 60000);
	assert_int_equal(back.proposal_results[1], -1);
	assert_false(back.proposal_answered[NK_CLAIMANT]);
	assert_true(back.proposal_answered[NK_PAYER]);
	/* an older server's briefing: no history, so the earlier proposal is not told */
	json_object_del(json_object_get(o, "proposal"), "history");
	assert_int_equal(nk_brief_from_json(o, &back, NULL), NK_OK);
	assert_int_equal(back.proposal_results[0], -2);
	assert_int_equal(back.proposal, 60000);
	/* a title with a control character is not printed but refused */
	json_object_set_new(o, "title", json_string("a\033[2Jb"));
	assert_int_equal(nk_brief_from_json(o, &back, NULL), NK_ECORRUPT);
	json_decref(o);
}

static void a_party_is_not_told_who_answered(void **state)
{
	struct nk_brief b;
	json_t *o;

	(void)state;
	mediator_brief(&b);
	b.role = NK_PAYER;
	assert_non_null(o = nk_brief_to_json(&b));
	assert_null(json_object_get(json_object_get(o, "proposal"), "answered"));
	assert_int_equal(json_array_size(json_object_get(json_object_get(o, "proposal"),
							 "history")), 2);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_history_survives_json),
		cmocka_unit_test(a_party_is_not_told_who_answered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
