/* Unit tests for core/bargain on small cases whose answers are worked out by hand:
 * every settlement rule, the grid, hints, the leakage budget, the deal-closer, and
 * the text forms of the rules. */
#include <nakodo/bargain.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

static const uint8_t seed[NK_SEED_BYTES] = { 1, 2, 3 };

static struct nk_rules base(void)
{
	struct nk_rules r;

	nk_rules_default(&r, nk_currency_find("JPY"));
	r.range_low = 0;
	r.range_high = 10000;
	return r;
}

static struct nk_round_result run(const struct nk_rules *r, int64_t d, int64_t o)
{
	struct nk_round_figures f = { d, o, 0, 0 };
	struct nk_round_result res;

	assert_int_equal(nk_bargain_round(r, 1, &f, &res, seed, NULL), NK_OK);
	return res;
}

static void midpoint_and_grid(void **state)
{
	struct nk_rules r = base();
	struct nk_round_result res;

	(void)state;
	res = run(&r, 100, 110);
	assert_int_equal(res.deal, NK_DEAL_OVERLAP);
	assert_int_equal(res.figure, 105);
	assert_int_equal(run(&r, 100, 101).figure, 100);	/* floor of 100.5 */
	assert_int_equal(run(&r, 100, 100).figure, 100);
	assert_int_equal(run(&r, 100, 99).deal, NK_NO_DEAL);
	r.grid = 25;
	assert_int_equal(run(&r, 100, 130).figure, 125);	/* 115 -> 125 nearer than 100 */
	r.grid = 50;
	assert_int_equal(run(&r, 100, 150).figure, 100);	/* 125: a tie, the lower */
	assert_int_equal(run(&r, 101, 109).figure, 105);	/* no multiple inside */
	assert_int_equal(run(&r, 120, 160).figure, 150);	/* only 150 inside */
}

static void band_percent_and_amount(void **state)
{
	struct nk_rules r = base();
	struct nk_round_result res;

	(void)state;
	assert_int_equal(nk_rules_parse_settle(&r, "band:10%", NULL), NK_OK);
	res = run(&r, 1000, 910);
	assert_int_equal(res.deal, NK_DEAL_BAND);
	assert_int_equal(res.figure, 955);
	assert_int_equal(run(&r, 1000, 900).deal, NK_DEAL_BAND);	/* exactly 10% */
	assert_int_equal(run(&r, 1000, 899).deal, NK_NO_DEAL);
	assert_int_equal(nk_rules_parse_settle(&r, "band:50", NULL), NK_OK);
	assert_int_equal(r.band_bp, 0);
	assert_int_equal(r.band_amount, 50);
	assert_int_equal(run(&r, 1000, 950).figure, 975);
	assert_int_equal(run(&r, 1000, 949).deal, NK_NO_DEAL);
	assert_int_equal(nk_rules_parse_settle(&r, "band:5%,1,000", NULL), NK_OK);
	assert_int_equal(r.band_bp, 500);
	assert_int_equal(r.band_amount, 1000);
	assert_int_equal(run(&r, 5000, 4000).deal, NK_DEAL_BAND);	/* by amount */
	assert_int_equal(run(&r, 9000, 7999).deal, NK_NO_DEAL);	/* 1001 > 1000 and > 450 */
}

static void random_is_uniform_on_grid_and_reproducible(void **state)
{
	struct nk_rules r = base();
	int hits[5] = { 0 };

	(void)state;
	r.settle = NK_SETTLE_RANDOM;
	r.grid = 100;
	for (int i = 0; i < 2000; i++) {
		uint8_t s[NK_SEED_BYTES] = { 0 };
		struct nk_round_figures f = { 1000, 1400, 0, 0 };
		struct nk_round_result a, b;

		memcpy(s, &i, sizeof(i));
		assert_int_equal(nk_bargain_round(&r, 1, &f, &a, s, NULL), NK_OK);
		assert_int_equal(nk_bargain_round(&r, 1, &f, &b, s, NULL), NK_OK);
		assert_int_equal(a.figure, b.figure);
		assert_int_equal(a.figure % 100, 0);
		assert_true(a.figure >= 1000 && a.figure <= 1400);
		hits[(a.figure - 1000) / 100]++;
	}
	for (int k = 0; k < 5; k++)	/* 400 expected each; 5 sigma is about 90 */
		assert_true(hits[k] > 300 && hits[k] < 500);
}

static void hints_name_the_band(void **state)
{
	struct nk_rules r = base();
	char text[NK_HINT_TEXT_MAX];

	(void)state;
	assert_int_equal(nk_rules_parse_hints(&r, "10,25", NULL), NK_OK);
	r.leakage_bits = 64;
	assert_int_equal(run(&r, 1000, 950).band, 0);	/* 5% */
	assert_int_equal(run(&r, 1000, 900).band, 0);	/* exactly 10% */
	assert_int_equal(run(&r, 1000, 850).band, 1);	/* 15% */
	assert_int_equal(run(&r, 1000, 700).band, 2);	/* 30% */
	assert_int_equal(run(&r, 1000, 700).claimant.hint, 2);
	nk_bargain_hint_text(&r, 1, text);
	assert_string_equal(text, "apart (gap 10.00%–25.00% of the demand)");
	nk_bargain_hint_text(&r, 2, text);
	assert_string_equal(text, "far (gap over 25.00% of the demand)");
}

static void views_hold_the_truth_and_respect_the_budget(void **state)
{
	struct nk_rules r = base();
	struct nk_round_result res;

	(void)state;
	assert_int_equal(nk_rules_parse_hints(&r, "10,25", NULL), NK_OK);
	r.leakage_bits = 8;
	res = run(&r, 5000, 1000);
	/* the claimant learns the offer is below 5000 and, being far, below 3750 */
	assert_int_equal(res.claimant.other.low, 0);
	assert_int_equal(res.claimant.other.high, 3749);
	assert_int_equal(res.claimant.hint, 2);
	/* the payer learns the demand is above 1000, and far: 0.75 d > 1000, d >= 1334 */
	assert_int_equal(res.payer.other.low, 1334);
	assert_int_equal(res.payer.other.high, 10000);
	/* a budget below what "no deal" already tells withholds every hint */
	r.leakage_bits = 0.5;
	res = run(&r, 5000, 1000);
	assert_int_equal(res.claimant.hint, -1);
	assert_true(res.claimant.withheld);
	assert_int_equal(res.claimant.other.high, 4999);
	/* the budget is judged over every band that could be told, not the true one */
	r.leakage_bits = 1.2;	/* "no deal" alone: log2(10001/5000) = 1.0 bit */
	res = run(&r, 5000, 4800);	/* close: [4500, 4999] would be 4.3 bits */
	assert_true(res.claimant.withheld);
}

static void knowledge_carries_over_monotone_rounds(void **state)
{
	struct nk_rules r = base();
	struct nk_round_figures f[2] = { { 5000, 1000, 0, 0 }, { 4000, 1500, 0, 0 } };
	struct nk_round_result res[2];
	struct nk_round_result *r1 = &res[0], *r2 = &res[1];

	(void)state;
	assert_int_equal(nk_bargain_round(&r, 1, f, res, seed, NULL), NK_OK);
	assert_int_equal(nk_bargain_round(&r, 2, f, res, seed, NULL), NK_OK);
	/* the payer knew d1 >= 1001; demands never rise, so d2 <= d1 is all it keeps */
	assert_int_equal(r1->payer.other.low, 1001);
	assert_int_equal(r2->payer.other.low, 1501);
	assert_int_equal(r2->payer.other.high, 10000);
	/* the claimant: o1 <= 4999, offers never fall; round 2 says o2 <= 3999 */
	assert_int_equal(r2->claimant.other.low, 0);
	assert_int_equal(r2->claimant.other.high, 3999);
	/* what each can know of the other holds the truth */
	assert_true(r2->claimant.exposed.low <= 4000 && r2->claimant.exposed.high >= 4000);
	assert_true(r2->payer.exposed.low <= 1500 && r2->payer.exposed.high >= 1500);
}

static void deal_closer(void **state)
{
	struct nk_rules r = base();
	struct nk_round_result res;
	struct nk_round_figures f = { 1000, 900, 30, 80 };

	(void)state;
	assert_int_equal(nk_bargain_round(&r, 1, &f, &res, seed, NULL), NK_OK);
	assert_int_equal(res.deal, NK_DEAL_CLOSER);
	assert_int_equal(res.figure, 975);	/* midpoint of 970 and 980 */
	/* one side's reach alone: settled between the extended figures, never at the limit
	 * of the side that did not extend (which would tell it) */
	f = (struct nk_round_figures){ 1000, 900, 0, 200 };
	assert_int_equal(nk_bargain_round(&r, 1, &f, &res, seed, NULL), NK_OK);
	assert_int_equal(res.figure, 1050);	/* midpoint of 1000 and 1100 */
	f = (struct nk_round_figures){ 1000, 900, 40, 59 };
	assert_int_equal(nk_bargain_round(&r, 1, &f, &res, seed, NULL), NK_OK);
	assert_int_equal(res.deal, NK_NO_DEAL);
	/* the claimant's own failed extension tells it the offer is below 960 */
	assert_int_equal(res.claimant.other.high, 959);
}

/* A random case's deal-closer draws in the extended zone like an overlap: the side that
 * extended cannot make it settle exactly at the other's limit (it did so, every time,
 * when the figure was kept inside [offer, demand]). */
static void random_closer_draws(void **state)
{
	struct nk_rules r = base();
	struct nk_round_result res;
	struct nk_round_figures f = { 637123, 1, 0, 1999999 };
	uint8_t s[NK_SEED_BYTES] = { 0 };
	int at_limit = 0;

	(void)state;
	r.settle = NK_SETTLE_RANDOM;
	r.range_low = 0;
	r.range_high = 2000000;
	for (int i = 0; i < 64; i++) {
		s[0] = (uint8_t)i;
		assert_int_equal(nk_bargain_round(&r, 1, &f, &res, s, NULL), NK_OK);
		assert_int_equal(res.deal, NK_DEAL_CLOSER);
		assert_true(res.figure >= 637123 && res.figure <= 2000000);
		at_limit += res.figure == 637123;
	}
	assert_true(at_limit <= 1);
}

static void figure_checks(void **state)
{
	struct nk_rules r = base();
	struct nk_error err;
	int64_t prev = 500;

	(void)state;
	assert_int_equal(nk_bargain_check_figure(&r, NK_CLAIMANT, 400, &prev, NULL), NK_OK);
	assert_int_equal(nk_bargain_check_figure(&r, NK_CLAIMANT, 501, &prev, &err), NK_EREFUSED);
	assert_int_equal(nk_bargain_check_figure(&r, NK_PAYER, 499, &prev, &err), NK_EREFUSED);
	assert_int_equal(nk_bargain_check_figure(&r, NK_PAYER, 10001, NULL, &err), NK_EINVAL);
	assert_string_equal(err.field, "amount");
	r.monotone = false;
	assert_int_equal(nk_bargain_check_figure(&r, NK_CLAIMANT, 501, &prev, NULL), NK_OK);
	assert_int_equal(nk_bargain_check_extension(&r, 0, NULL), NK_EINVAL);
	assert_int_equal(nk_bargain_check_extension(&r, 10001, NULL), NK_EINVAL);
	assert_int_equal(nk_bargain_check_proposal(&r, 0, 10001, NULL), NK_EINVAL);
	assert_int_equal(nk_bargain_check_proposal(&r, 0, 5000, NULL), NK_OK);
	assert_int_equal(nk_bargain_check_proposal(&r, 1, 5000, &err), NK_EREFUSED);	/* one allowed */
	assert_string_equal(err.field, "proposal");
	/* both must accept; a failed last proposal closes the case */
	r.proposals = 2;
	assert_int_equal(nk_bargain_proposal_outcome(&r, 1, true, true), NK_PROPOSAL_SETTLES);
	assert_int_equal(nk_bargain_proposal_outcome(&r, 1, true, false), NK_PROPOSAL_AGAIN);
	assert_int_equal(nk_bargain_proposal_outcome(&r, 2, false, true), NK_PROPOSAL_CLOSES);
	assert_int_equal(nk_bargain_proposal_outcome(&r, 2, true, true), NK_PROPOSAL_SETTLES);
}

static void rule_texts(void **state)
{
	static const char *const bad_settle[] = {
		"", "mid", "band:", "band:0%", "band:100%", "band:10%,5%", "band:x", "band:-5",
		"band:10%;5", "random:1",
	};
	static const char *const bad_hints[] = { "", "10,", ",10", "25,10", "10,10", "0", "100", "1,2,3,4,5,6,7", "x" };
	static const char *const bad_range[] = { "", "5", "5:5", "6:5", ":5", "5:", "a:b", "-1:5" };
	struct nk_rules r = base();
	struct nk_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_settle) / sizeof(*bad_settle); i++)
		assert_int_not_equal(nk_rules_parse_settle(&r, bad_settle[i], &err), NK_OK);
	for (size_t i = 0; i < sizeof(bad_hints) / sizeof(*bad_hints); i++) {
		assert_int_not_equal(nk_rules_parse_hints(&r, bad_hints[i], &err), NK_OK);
		assert_string_equal(err.field, "hints");
	}
	for (size_t i = 0; i < sizeof(bad_range) / sizeof(*bad_range); i++)
		assert_int_not_equal(nk_rules_parse_range(&r, bad_range[i], &err), NK_OK);
	assert_int_equal(nk_rules_parse_range(&r, "1,000:2,000", NULL), NK_OK);
	assert_int_equal(r.range_low, 1000);
	assert_int_equal(nk_rules_parse_hints(&r, "12.5,40%", NULL), NK_OK);
	assert_int_equal(r.hint_bp[0], 1250);
	assert_int_equal(r.hint_bp[1], 4000);
	/* hints without a declared range cannot be measured */
	r = base();
	r.range_high = NK_AMOUNT_MAX;
	r.hint_count = 1;
	r.hint_bp[0] = 1000;
	assert_int_equal(nk_rules_check(&r, &err), NK_EINVAL);
	assert_string_equal(err.field, "range");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(midpoint_and_grid),
		cmocka_unit_test(band_percent_and_amount),
		cmocka_unit_test(random_is_uniform_on_grid_and_reproducible),
		cmocka_unit_test(hints_name_the_band),
		cmocka_unit_test(views_hold_the_truth_and_respect_the_budget),
		cmocka_unit_test(knowledge_carries_over_monotone_rounds),
		cmocka_unit_test(deal_closer),
		cmocka_unit_test(random_closer_draws),
		cmocka_unit_test(figure_checks),
		cmocka_unit_test(rule_texts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
