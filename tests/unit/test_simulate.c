/* core/simulate: a run repeats exactly from its seed; small cases whose outcome under
 * every rule set is worked out by hand; the negotiators' schedules; the baseline's rule
 * held to its definition (Cybersettle: settle at the midpoint when the offer meets the
 * demand or falls short of it by at most 30% of the demand or $5,000, nothing else);
 * bounds refused. */
#include <nakodo/simulate.h>
#include "../splitmix.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static const double all_bits = 26.575424759098897;	/* log2(10^8 + 1): a figure known */

static void same_seed_same_report(void **state)
{
	struct nk_sim_report *a = calloc(2, sizeof(*a)), *b = a + 1;
	struct nk_error err = { 0 };

	(void)state;
	assert_non_null(a);
	assert_int_equal(nk_simulate(99, 500, NULL, NULL, 0, a, &err), NK_OK);
	assert_int_equal(nk_simulate(99, 500, NULL, NULL, 0, b, &err), NK_OK);
	assert_memory_equal(a, b, sizeof(*a));
	assert_int_equal(nk_simulate(100, 500, NULL, NULL, 0, b, &err), NK_OK);
	assert_memory_not_equal(a->total, b->total, sizeof(a->total));
	/* every rule set plays the same cases */
	for (int s = 1; s < NK_SIM_RULESETS; s++) {
		assert_int_equal(a->total[s].zone_cases, a->total[0].zone_cases);
		assert_int_equal(a->total[s].zone_cases + a->total[s].nozone_cases, 500);
	}
	free(a);
}

static void cases_repeat(void **state)
{
	struct nk_sim_case x, y;

	(void)state;
	nk_sim_case_draw(5, 41, &x);
	nk_sim_case_draw(5, 41, &y);
	assert_memory_equal(&x, &y, sizeof(x));
	nk_sim_case_draw(5, 42, &y);
	assert_memory_not_equal(&x, &y, sizeof(x));
	for (uint64_t i = 0; i < 10000; i++) {
		nk_sim_case_draw(1962, i, &x);
		assert_int_equal(x.zone, x.claimant.limit <= x.payer.limit);
		assert_true(x.budget >= 1);
		assert_true((unsigned)x.claimant.strategy < NK_SIM_STRATEGIES);
	}
}

static void schedules(void **state)
{
	struct nk_sim_party p = { NK_SIM_LINEAR, 100000, 4000, 1000, 2000, 5000 };

	(void)state;
	/* the claimant opens at 140,000 and ends at 110,000 */
	assert_int_equal(nk_sim_figure(&p, NK_CLAIMANT, 1, false), 140000);
	assert_int_equal(nk_sim_figure(&p, NK_CLAIMANT, 2, false), 125000);
	assert_int_equal(nk_sim_figure(&p, NK_CLAIMANT, 3, false), 110000);
	/* eager: half of what it still holds back, 25,000 of 25,000 + … */
	assert_int_equal(nk_sim_figure(&p, NK_CLAIMANT, 2, true), 112500);
	p.strategy = NK_SIM_BOULWARE;	/* 1/8 of the way in round 2 */
	assert_int_equal(nk_sim_figure(&p, NK_CLAIMANT, 2, false), 136250);
	p.strategy = NK_SIM_CONCEDER;	/* 0.7937 of the way */
	assert_int_equal(nk_sim_figure(&p, NK_CLAIMANT, 2, false), 116189);
	/* the payer: opens at 60,000, ends at 90,000 */
	p.strategy = NK_SIM_LINEAR;
	assert_int_equal(nk_sim_figure(&p, NK_PAYER, 1, false), 60000);
	assert_int_equal(nk_sim_figure(&p, NK_PAYER, 2, false), 75000);
	assert_int_equal(nk_sim_figure(&p, NK_PAYER, 3, false), 90000);
	p.strategy = NK_SIM_SHADING;
	assert_int_equal(nk_sim_figure(&p, NK_CLAIMANT, 3, false), 120000);
	assert_int_equal(nk_sim_figure(&p, NK_PAYER, 1, false), 80000);
	p.strategy = NK_SIM_TRUTHFUL;
	assert_int_equal(nk_sim_figure(&p, NK_PAYER, 2, true), 100000);
}

/* A claimant who shades 20% over its limit of 100,000 (demands 120,000 every round),
 * against a truthful payer whose limit is 110,000: a zone [100,000, 110,000] the figures
 * never reach by themselves. */
static void worked_case(struct nk_sim_case *c)
{
	memset(c, 0, sizeof(*c));
	c->value = 105000;
	c->zone = true;
	c->claimant = (struct nk_sim_party){ NK_SIM_SHADING, 100000, 0, 0, 2000, 5000 };
	c->payer = (struct nk_sim_party){ NK_SIM_TRUTHFUL, 110000, 0, 0, 0, 10000 };
	c->mediator_estimate = 105000;
	c->neutral_estimate[0] = 112000;
	c->neutral_estimate[1] = 125000;	/* cut to the span: 120,000 */
	c->neutral_estimate[2] = 111000;
	c->budget = 10000;
}

static void by_hand(void **state)
{
	struct nk_sim_case c;
	struct nk_sim_outcome o;
	struct nk_error err = { 0 };

	(void)state;
	worked_case(&c);
	/* plain: 120,000 > 110,000 three times: rupture */
	assert_int_equal(nk_sim_play(NK_SIM_PLAIN, &c, &o, &err), NK_OK);
	assert_int_equal(o.end, NK_SIM_RUPTURE);
	assert_int_equal(o.rounds, 3);
	/* baseline: a gap of 10,000 is within 30% of 120,000: round 1, at 115,000 */
	assert_int_equal(nk_sim_play(NK_SIM_BASELINE, &c, &o, &err), NK_OK);
	assert_int_equal(o.end, NK_SIM_ROUND);
	assert_int_equal(o.deal, NK_DEAL_BAND);
	assert_int_equal(o.rounds, 1);
	assert_int_equal(o.received, 115000);
	/* the midpoint of [110,000, 120,000] tells each side the other's figure within
	 * one unit: log2(10^8 + 1) - 1 bits */
	assert_true(fabs(o.claimant_bits - (all_bits - 1)) < 1e-6);
	/* closer: in round 3 the claimant authorises half of 20,000 and the extended
	 * demand 110,000 meets the offer: settles there */
	assert_int_equal(nk_sim_play(NK_SIM_CLOSER, &c, &o, &err), NK_OK);
	assert_int_equal(o.end, NK_SIM_ROUND);
	assert_int_equal(o.deal, NK_DEAL_CLOSER);
	assert_int_equal(o.rounds, 3);
	assert_int_equal(o.received, 110000);
	/* proposal: 105,000 lies in [100,000, 110,000]: both accept, after round 3 */
	assert_int_equal(nk_sim_play(NK_SIM_PROPOSAL, &c, &o, &err), NK_OK);
	assert_int_equal(o.end, NK_SIM_PROPOSAL_END);
	assert_int_equal(o.rounds, 4);
	assert_int_equal(o.paid, 105000);
	c.mediator_estimate = 111000;	/* past the payer's limit: it declines */
	assert_int_equal(nk_sim_play(NK_SIM_PROPOSAL, &c, &o, &err), NK_OK);
	assert_int_equal(o.end, NK_SIM_RUPTURE);
	/* neutral: 112,000, 120,000, 111,000 → median 112,000, 2,000 from the offer and
	 * 8,000 from the demand: settles on the offer, which the claimant then knows */
	assert_int_equal(nk_sim_play(NK_SIM_NEUTRAL, &c, &o, &err), NK_OK);
	assert_int_equal(o.end, NK_SIM_NEUTRAL_END);
	assert_int_equal(o.paid, 110000);
	assert_true(fabs(o.claimant_bits - all_bits) < 1e-6);
	assert_true(o.payer_bits < all_bits - 2);
	/* bridge: a gap of 10,000 within a budget of 10,000 closes the last round, not the
	 * first, where it was the same */
	assert_int_equal(nk_sim_play(NK_SIM_BRIDGE, &c, &o, &err), NK_OK);
	assert_int_equal(o.end, NK_SIM_BRIDGE_END);
	assert_int_equal(o.rounds, NK_SIM_ROUNDS);
	assert_int_equal(o.received, 120000);
	assert_int_equal(o.paid, 110000);
	/* the claimant may place the offer in [110,000, 119,999]: log2(10^8 + 1) - log2(10^4) */
	assert_true(fabs(o.claimant_bits - (all_bits - log2(10000))) < 1e-6);
	c.budget = 9999;
	assert_int_equal(nk_sim_play(NK_SIM_BRIDGE, &c, &o, &err), NK_OK);
	assert_int_equal(o.end, NK_SIM_RUPTURE);
	/* open: the claimant announces 120,000, the payer 110,000; the suggestion, 115,000,
	 * is past the payer's limit: it keeps 110,000, the claimant moves to 115,000, rupture */
	assert_int_equal(nk_sim_play(NK_SIM_OPEN, &c, &o, &err), NK_OK);
	assert_int_equal(o.end, NK_SIM_RUPTURE);
	/* a payer shading 20% announces 88,000: the suggestion, 104,000, lies within both
	 * limits, both take it in round 1 */
	c.payer = (struct nk_sim_party){ NK_SIM_SHADING, 110000, 0, 0, 2000, 10000 };
	assert_int_equal(nk_sim_play(NK_SIM_PLAIN, &c, &o, &err), NK_OK);
	assert_int_equal(o.end, NK_SIM_RUPTURE);
	assert_int_equal(nk_sim_play(NK_SIM_OPEN, &c, &o, &err), NK_OK);
	assert_int_equal(o.end, NK_SIM_ROUND);
	assert_int_equal(o.rounds, 1);
	assert_int_equal(o.received, 104000);
	/* the payer knows the demand exactly, the claimant the offer within one cent */
	assert_true(fabs(o.payer_bits - all_bits) < 1e-6);
	assert_true(fabs(o.claimant_bits - (all_bits - 1)) < 1e-6);
}

static void hints_make_eager(void **state)
{
	struct nk_sim_case c;
	struct nk_sim_outcome o;
	struct nk_error err = { 0 };

	(void)state;
	/* demand 120,000 against 110,000: a gap of 8.3% of the demand, "close" at 10%. Told
	 * so, the claimant gives up half of its shading, 10,000: demands 110,000 in round 2
	 * and meets the offer, where the plain rules never settle */
	worked_case(&c);
	c.value = 10000000;
	c.claimant.limit = 10000000;
	c.payer.limit = 11000000;
	assert_int_equal(nk_sim_play(NK_SIM_HINTS, &c, &o, &err), NK_OK);
	assert_int_equal(o.end, NK_SIM_ROUND);
	assert_int_equal(o.rounds, 2);
	assert_int_equal(o.received, 11000000);
	assert_int_equal(nk_sim_play(NK_SIM_PLAIN, &c, &o, &err), NK_OK);
	assert_int_equal(o.end, NK_SIM_RUPTURE);
}

/* The Cybersettle rule as its definition states it, written apart from the engine. */
static bool baseline_settles(int64_t d, int64_t o, int64_t *figure)
{
	if (o >= d || (d - o) * 10 <= 3 * d || d - o <= 500000) {	/* cents: $5,000 */
		*figure = o >= d ? d + (o - d) / 2 : o + (d - o) / 2;
		return true;
	}
	return false;
}

static void baseline_is_its_definition(void **state)
{
	struct nk_rules r;
	struct nk_error err = { 0 };

	(void)state;
	nk_sim_rules(NK_SIM_BASELINE, &r);
	assert_int_equal(r.rounds, 3);
	assert_int_equal(r.hint_count, 0);
	assert_int_equal(r.proposals, 0);
	rng_state = 30;
	for (int i = 0; i < 200000; i++) {
		int64_t d = between(0, r.range_high), o = between(0, r.range_high), want = 0;
		struct nk_round_figures f;
		struct nk_round_result res;
		uint8_t seed[NK_SEED_BYTES] = { 0 };
		bool settles;

		if (i % 3 == 0)	/* near the band's edges */
			o = d - between(0, d / 2 > 700000 ? 700000 : d / 2);
		settles = baseline_settles(d, o, &want);
		f = (struct nk_round_figures){ d, o, 0, 0 };
		assert_int_equal(nk_bargain_round(&r, 1, &f, &res, seed, &err), NK_OK);
		assert_int_equal(res.deal != NK_NO_DEAL, settles);
		if (settles)
			assert_int_equal(res.figure, want);
	}
}

static void rule_sets_are_sound(void **state)
{
	(void)state;
	for (int s = 0; s < NK_SIM_RULESETS; s++) {
		struct nk_rules r;
		struct nk_error err = { 0 };

		nk_sim_rules((enum nk_sim_ruleset)s, &r);
		assert_int_equal(nk_rules_check(&r, &err), NK_OK);
		assert_string_not_equal(nk_sim_ruleset_name((enum nk_sim_ruleset)s), "unknown");
	}
	assert_string_equal(nk_sim_ruleset_name(NK_SIM_RULESETS), "unknown");
}

/* Over many cases: the rules that never bind a party to a figure it did not reach leave
 * every party within its limit; a tool added after the plain rounds keeps every plain
 * settlement as it was (same round, same figure), the bridge too, since it is tried only
 * after the last round, or settles no later by the open proposals' suggestion, within
 * both limits; only the bridge pays a gap, within its budget, and only there; no case is
 * counted twice. */
static void properties(void **state)
{
	(void)state;
	for (uint64_t i = 0; i < 20000; i++) {
		struct nk_sim_case c;
		struct nk_sim_outcome o[NK_SIM_RULESETS];
		struct nk_error err = { 0 };

		nk_sim_case_draw(77, i, &c);
		for (int s = 0; s < NK_SIM_RULESETS; s++)
			assert_int_equal(nk_sim_play((enum nk_sim_ruleset)s, &c, &o[s], &err),
					 NK_OK);
		for (int s = NK_SIM_PLAIN; s < NK_SIM_RULESETS; s++) {
			const struct nk_sim_outcome *x = &o[s];

			if (x->end == NK_SIM_RUPTURE)
				continue;
			if (s != NK_SIM_NEUTRAL) {
				assert_true(x->received >= c.claimant.limit);
				assert_true(x->paid <= c.payer.limit);
			}
			if (x->end == NK_SIM_BRIDGE_END) {
				assert_int_equal(s, NK_SIM_BRIDGE);
				assert_int_equal(x->rounds, NK_SIM_ROUNDS);
				assert_true(x->received > x->paid);
				assert_true(x->received - x->paid <= c.budget);
			} else {
				assert_int_equal(x->received, x->paid);
			}
		}
		if (o[NK_SIM_PLAIN].end == NK_SIM_RUPTURE)
			continue;
		for (int s = NK_SIM_CLOSER; s < NK_SIM_RULESETS; s++) {
			/* figures at least as generous as the plain ones: settled no later */
			if (s == NK_SIM_OPEN) {
				assert_int_equal(o[s].end, NK_SIM_ROUND);
				assert_true(o[s].rounds <= o[NK_SIM_PLAIN].rounds);
				continue;
			}
			assert_int_equal(o[s].end, NK_SIM_ROUND);
			assert_int_equal(o[s].rounds, o[NK_SIM_PLAIN].rounds);
			assert_int_equal(o[s].received, o[NK_SIM_PLAIN].received);
		}
	}
}

static void bounds(void **state)
{
	struct nk_sim_report *rep = calloc(1, sizeof(*rep));
	struct nk_sim_outcome o;
	struct nk_sim_case c;
	struct nk_error err = { 0 };

	(void)state;
	assert_non_null(rep);
	assert_int_equal(nk_simulate(1, 0, NULL, NULL, 0, rep, &err), NK_EINVAL);
	assert_string_equal(err.field, "cases");
	assert_int_equal(nk_simulate(1, NK_SIM_CASES_MAX + 1, NULL, NULL, 0, rep, &err),
			 NK_EINVAL);
	assert_string_equal(err.field, "cases");
	worked_case(&c);
	assert_int_equal(nk_sim_play(NK_SIM_RULESETS, &c, &o, &err), NK_EINVAL);
	free(rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_seed_same_report),
		cmocka_unit_test(cases_repeat),
		cmocka_unit_test(schedules),
		cmocka_unit_test(by_hand),
		cmocka_unit_test(hints_make_eager),
		cmocka_unit_test(baseline_is_its_definition),
		cmocka_unit_test(rule_sets_are_sound),
		cmocka_unit_test(properties),
		cmocka_unit_test(bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
