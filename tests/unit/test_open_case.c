/* Open proposals in a case (issue 17, tool 2): the opening's version 4 and the
 * "announced" event in the log's codec, the fold's refusal of an announcement that breaks
 * the rules, and cases driven through nk_case_announce and nk_case_submit: refusals that
 * change nothing and name no secret figure, every role's briefing of the proposals and
 * the suggestion, and (a property over random cases) that every accepted figure stays at
 * least as generous as its party's standing proposal and that each party's narrowed view
 * of a round still holds the other's true figure and its own. */
#include "case/figure_kind.h"
#include "../fake_env.h"
#include "../splitmix.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "event_body.h"

static void the_opening_carries_the_rule_from_version_4(void **state)
{
	const uint8_t commitment[32] = { 1 };
	struct nk_rules r, back;
	struct nk_error err = { 0 };
	int version = 0;
	json_t *body;

	(void)state;
	nk_rules_default(&r, nk_currency_find("USD"));
	/* without the rule: the bytes an opening always had */
	body = case_event_opened_open_proposals(case_event_opened_encode(&r, commitment), &r);
	assert_null(json_object_get(body, "v"));
	assert_null(json_object_get(body, "open_proposals"));
	json_decref(body);
	r.open_proposals = true;
	body = reparse(case_event_opened_open_proposals(case_event_opened_encode(&r, commitment),
							&r));
	assert_int_equal(case_event_version(CASE_EV_OPENED, body, &version, &err), NK_OK);
	assert_int_equal(version, 4);
	back.open_proposals = false;
	assert_int_equal(case_event_opened_open_proposals_decode(body, version, &back, &err), NK_OK);
	assert_true(back.open_proposals);
	/* before version 4 the member means nothing */
	assert_int_equal(case_event_opened_open_proposals_decode(body, 3, &back, &err), NK_OK);
	assert_false(back.open_proposals);
	json_object_set_new(body, "open_proposals", json_false());
	assert_int_equal(case_event_opened_open_proposals_decode(body, 4, &back, &err), NK_ECORRUPT);
	assert_non_null(strstr(err.text, "open_proposals"));
	json_decref(body);
}

static void the_announcement_codec(void **state)
{
	struct case_event_announced ev;
	struct nk_error err = { 0 };
	json_t *body = reparse(case_event_announced_encode(NK_PAYER, 2, 12345));
	char *text = nk_json_dumps(body, CASE_BODY_FLAGS);

	(void)state;
	assert_string_equal(text, "{\"amount\":12345,\"role\":\"payer\",\"round\":2}");
	free(text);
	assert_int_equal(case_event_announced_decode(body, &ev, &err), NK_OK);
	assert_int_equal(ev.role, NK_PAYER);
	assert_int_equal(ev.round, 2);
	assert_int_equal(ev.amount, 12345);
	json_object_set_new(body, "role", json_string("mediator"));
	assert_int_equal(case_event_announced_decode(body, &ev, &err), NK_ECORRUPT);
	json_object_set_new(body, "role", json_string("claimant"));
	json_object_set_new(body, "amount", json_integer(-1));
	assert_int_equal(case_event_announced_decode(body, &ev, &err), NK_ECORRUPT);
	assert_non_null(strstr(err.text, "amount"));
	json_decref(body);
}

/* The fold takes an announcement only in the open round of a case with the rule, one a
 * round per side, each toward the other side. */
static void the_fold_refuses_what_the_rules_refuse(void **state)
{
	static struct case_state st;
	struct nk_error err = { 0 };
	json_t *b;

	(void)state;
	memset(&st, 0, sizeof(st));
	nk_rules_default(&st.fig.rules, nk_currency_find("USD"));
	st.state = NK_STATE_OPEN;
	st.round = 1;
	b = case_event_announced_encode(NK_CLAIMANT, 1, 900);
	assert_int_equal(case_open_apply(&st, b, &err), NK_ECORRUPT);	/* no rule */
	st.fig.rules.open_proposals = true;
	assert_int_equal(case_open_apply(&st, b, &err), NK_OK);
	assert_int_equal(case_open_apply(&st, b, &err), NK_ECORRUPT);	/* twice in a round */
	json_decref(b);
	st.round = 2;
	b = case_event_announced_encode(NK_CLAIMANT, 2, 900);	/* not toward the payer */
	assert_int_equal(case_open_apply(&st, b, &err), NK_ECORRUPT);
	json_decref(b);
	b = case_event_announced_encode(NK_CLAIMANT, 1, 800);	/* not the open round */
	assert_int_equal(case_open_apply(&st, b, &err), NK_ECORRUPT);
	json_decref(b);
	b = case_event_announced_encode(NK_CLAIMANT, 2, 800);
	assert_int_equal(case_open_apply(&st, b, &err), NK_OK);
	json_decref(b);
	st.state = NK_STATE_IMPASSE;
	b = case_event_announced_encode(NK_PAYER, 2, 100);
	assert_int_equal(case_open_apply(&st, b, &err), NK_ECORRUPT);
	json_decref(b);
}

struct fixture {
	struct nk_server_key *signer;
	struct nk_store *store;
	struct nk_case_env env;
	struct fake_env fake;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || sodium_init() < 0 ||
	    nk_store_open(&f->store, "mem:", NK_STORE_CREATE, NULL) != NK_OK ||
	    nk_server_key_generate(&f->signer, NULL) != NK_OK)
		return -1;
	f->fake = (struct fake_env)FAKE_ENV_START;
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
	free(f);
	return 0;
}

static void open_case(struct fixture *f, bool open, int rounds, char id[static NK_CASE_ID_MAX])
{
	struct nk_rules r;
	struct nk_error err = { 0 };

	nk_rules_default(&r, nk_currency_find("USD"));
	r.range_low = 0;
	r.range_high = 100000000;
	r.rounds = rounds;
	r.open_proposals = open;
	assert_int_equal(nk_case_open(&f->env, &r, id, &err), NK_OK);
}

static struct nk_brief *brief(struct fixture *f, const char *id, enum nk_role role)
{
	static struct nk_brief b[NK_ROLE_COUNT];
	struct nk_error err = { 0 };

	assert_int_equal(nk_case_brief(&f->env, id, role, &b[role], &err), NK_OK);
	return &b[role];
}

static int64_t events(struct fixture *f, const char *id)
{
	return brief(f, id, NK_MEDIATOR)->events;
}

static void a_case_with_open_proposals(void **state)
{
	struct fixture *f = *state;
	struct nk_error err = { 0 };
	char id[NK_CASE_ID_MAX], plain[NK_CASE_ID_MAX];
	int64_t n;

	open_case(f, false, 3, plain);
	assert_int_equal(nk_case_announce(&f->env, plain, NK_PAYER, 0, 100, &err), NK_EREFUSED);
	assert_non_null(strstr(err.text, "--open-proposals"));
	assert_false(brief(f, plain, NK_PAYER)->has_open[NK_PAYER]);

	open_case(f, true, 3, id);
	assert_int_equal(nk_case_announce(&f->env, id, NK_MEDIATOR, 0, 100, &err), NK_EREFUSED);
	assert_int_equal(nk_case_announce(&f->env, id, NK_CLAIMANT, 0, 70000000, &err), NK_OK);
	/* a demand above the claimant's proposal is refused, naming only the proposal */
	n = events(f, id);
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 71234567, &err), NK_EREFUSED);
	assert_string_equal(err.field, "figure");
	assert_null(strstr(err.text, "712,345.67"));
	assert_non_null(strstr(err.text, "700,000.00"));
	assert_int_equal(events(f, id), n);
	/* the payer's figure first, then a proposal that would pass it: refused */
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, 41234567, &err), NK_OK);
	n = events(f, id);
	assert_int_equal(nk_case_announce(&f->env, id, NK_PAYER, 0, 45000000, &err), NK_EREFUSED);
	assert_string_equal(err.field, "proposal");
	assert_null(strstr(err.text, "412,345.67"));
	assert_int_equal(events(f, id), n);
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 61234567, &err), NK_OK);
	/* the round failed; in round 2 the payer announces, and every role sees the same */
	assert_int_equal(brief(f, id, NK_PAYER)->round, 2);
	assert_int_equal(nk_case_announce(&f->env, id, NK_PAYER, 1, 30000000, &err), NK_EREFUSED);
	assert_string_equal(err.field, "round");
	assert_int_equal(nk_case_announce(&f->env, id, NK_PAYER, 2, 30000000, &err), NK_OK);
	/* every role of the case: the parties and the mediator (no principals here) */
	for (int role = 0; role <= NK_MEDIATOR; role++) {
		const struct nk_brief *b = brief(f, id, (enum nk_role)role);

		assert_true(b->has_open[NK_CLAIMANT] && b->has_open[NK_PAYER]);
		assert_int_equal(b->open[NK_CLAIMANT], 70000000);
		assert_int_equal(b->open_round[NK_CLAIMANT], 1);
		assert_int_equal(b->open[NK_PAYER], 30000000);
		assert_int_equal(b->open_round[NK_PAYER], 2);
		assert_true(b->has_suggestion);
		assert_int_equal(b->suggestion, 50000000);
	}
	/* the payer's view of round 1 is met with the claimant's proposal */
	assert_true(brief(f, id, NK_PAYER)->rounds[0].view.other.high <= 70000000);
	/* the claimant's proposal stands: a second one this round goes toward the payer */
	assert_int_equal(nk_case_announce(&f->env, id, NK_CLAIMANT, 0, 70000001, &err),
			 NK_EREFUSED);
	assert_int_equal(nk_case_announce(&f->env, id, NK_CLAIMANT, 0, 52000000, &err), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 52000001, &err), NK_EREFUSED);
	assert_int_equal(nk_case_submit(&f->env, id, NK_CLAIMANT, 50000000, &err), NK_OK);
	assert_int_equal(nk_case_submit(&f->env, id, NK_PAYER, 50000000, &err), NK_OK);
	assert_true(brief(f, id, NK_PAYER)->settled);
	assert_int_equal(brief(f, id, NK_PAYER)->settlement, 50000000);
	assert_int_equal(nk_case_announce(&f->env, id, NK_PAYER, 0, 31000000, &err), NK_EREFUSED);
}

/* Random cases, random orders of proposals and figures: what the case takes keeps each
 * figure at least as generous as the proposal standing at its round's end, and each
 * party's narrowed views still hold the true figures. */
static void accepted_figures_keep_the_bound(void **state)
{
	struct fixture *f = *state;
	struct nk_error err = { 0 };

	rng_state = 29;
	for (int c = 0; c < 120; c++) {
		char id[NK_CASE_ID_MAX];
		int64_t fig[3][2] = { { 0 } };
		const struct nk_brief *b;
		int rounds = 0;

		open_case(f, true, 3, id);
		for (int r = 1; r <= 3; r++) {
			bool done[2] = { false, false };

			if (brief(f, id, NK_MEDIATOR)->state != NK_STATE_OPEN)
				break;
			for (int step = 0; step < 6 && !(done[0] && done[1]); step++) {
				enum nk_role side = next() & 1 ? NK_PAYER : NK_CLAIMANT;
				int64_t amount = between(0, 100000000);

				if (next() % 3 == 0) {
					if (nk_case_announce(&f->env, id, side, 0, amount, &err) !=
					    NK_OK)
						assert_int_equal(err.code, NK_EREFUSED);
				} else if (!done[side] &&
					   nk_case_submit(&f->env, id, side, amount, &err) == NK_OK) {
					done[side] = true;
					fig[r - 1][side] = amount;
				}
			}
			for (int side = 0; side < 2; side++)
				if (!done[side]) {	/* the most generous figure always passes */
					int64_t a = side == NK_CLAIMANT ? 0 : 100000000;

					const struct nk_brief *sb = brief(f, id, (enum nk_role)side);

					if (r > 1)	/* monotone: from the last one */
						a = fig[r - 2][side];
					if (sb->has_open[side] &&
					    (side == NK_CLAIMANT ? sb->open[side] < a
								 : sb->open[side] > a))
						a = sb->open[side];
					assert_int_equal(nk_case_submit(&f->env, id, (enum nk_role)side,
									a, &err), NK_OK);
					fig[r - 1][side] = a;
				}
			rounds = r;
		}
		for (int side = 0; side < 2; side++) {
			const enum nk_role other = side == NK_CLAIMANT ? NK_PAYER : NK_CLAIMANT;

			b = brief(f, id, (enum nk_role)side);
			if (b->figures_deleted)
				continue;
			for (int r = 0; r < rounds && r < b->rounds_evaluated; r++) {
				const struct nk_view *v = &b->rounds[r].view;

				assert_true(v->other.low <= fig[r][other] &&
					    fig[r][other] <= v->other.high);
				assert_true(v->exposed.low <= fig[r][side] &&
					    fig[r][side] <= v->exposed.high);
			}
			if (b->has_open[side] && b->state == NK_STATE_OPEN && b->round > 1)
				assert_true(side == NK_CLAIMANT
						    ? fig[b->round - 2][side] <= b->open[side] ||
							      b->open_round[side] == b->round
						    : fig[b->round - 2][side] >= b->open[side] ||
							      b->open_round[side] == b->round);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_opening_carries_the_rule_from_version_4),
		cmocka_unit_test(the_announcement_codec),
		cmocka_unit_test(the_fold_refuses_what_the_rules_refuse),
		cmocka_unit_test_setup_teardown(a_case_with_open_proposals, setup, teardown),
		cmocka_unit_test_setup_teardown(accepted_figures_keep_the_bound, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
