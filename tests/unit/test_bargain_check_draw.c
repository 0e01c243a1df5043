/* A side's check of a random settlement (nk_bargain_check_draw, doc/bargain.md, "Checking
 * the draw"): over many seeds and cases each side's replay with its own figure holds for
 * the true settlement, and a settlement moved one point away from a side's own figure
 * fails that side's check; a figure on the wrong side, or another rule, is refused. */
#include <nakodo/bargain.h>
#include "random_draw.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

static void each_side_checks_its_own_figure(void **state)
{
	int moved_up = 0, moved_down = 0;

	(void)state;
	for (int c = 0; c < 300; c++) {
		struct nk_rules r;
		uint8_t seed[NK_SEED_BYTES];
		struct nk_round_result res;
		int64_t d, o, f, g;

		random_draw_case(&r, seed);
		d = between(r.range_low, r.range_high);
		o = between(d, r.range_high);
		struct nk_round_figures fig = { d, o, 0, 0 };

		assert_int_equal(nk_bargain_round(&r, 1, &fig, &res, seed, NULL), NK_OK);
		assert_int_equal(res.deal, NK_DEAL_OVERLAP);
		f = res.figure;
		assert_int_equal(nk_bargain_check_draw(&r, 1, NK_CLAIMANT, d, f, seed, NULL), NK_OK);
		assert_int_equal(nk_bargain_check_draw(&r, 1, NK_PAYER, o, f, seed, NULL), NK_OK);
		/* a settlement moved up inside the zone fails the claimant's check (its replay
		 * meets the true draw first), one moved down the payer's */
		g = f % r.grid == 0 ? r.grid : 1;
		if (f + g <= o) {
			assert_int_equal(nk_bargain_check_draw(&r, 1, NK_CLAIMANT, d, f + g, seed, NULL),
					 NK_EREFUSED);
			moved_up++;
		}
		if (f - g >= d) {
			assert_int_equal(nk_bargain_check_draw(&r, 1, NK_PAYER, o, f - g, seed, NULL),
					 NK_EREFUSED);
			moved_down++;
		}
	}
	assert_true(moved_up > 50 && moved_down > 50);	/* the moved cases were tried */
}

static void a_figure_on_the_wrong_side_or_another_rule_is_refused(void **state)
{
	struct nk_rules r;
	uint8_t seed[NK_SEED_BYTES] = { 1 };

	(void)state;
	nk_rules_default(&r, nk_currency_find("USD"));
	r.settle = NK_SETTLE_RANDOM;
	assert_int_equal(nk_bargain_check_draw(&r, 1, NK_CLAIMANT, 500, 400, seed, NULL),
			 NK_EREFUSED);
	assert_int_equal(nk_bargain_check_draw(&r, 1, NK_PAYER, 300, 400, seed, NULL),
			 NK_EREFUSED);
	assert_int_equal(nk_bargain_check_draw(&r, 1, NK_MEDIATOR, 300, 400, seed, NULL),
			 NK_EINVAL);
	r.settle = NK_SETTLE_MIDPOINT;
	assert_int_equal(nk_bargain_check_draw(&r, 1, NK_CLAIMANT, 300, 400, seed, NULL),
			 NK_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_side_checks_its_own_figure),
		cmocka_unit_test(a_figure_on_the_wrong_side_or_another_rule_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
