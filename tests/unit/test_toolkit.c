/* core/toolkit: neutral evaluation and the bridge. Cases worked by hand, the refusals,
 * and properties over many random cases (a fixed-seed generator): the settlement is the
 * closer party's figure or the midpoint, the median does not depend on the neutrals'
 * order, a bridge closes exactly the gaps within its budget and pays exactly the gap,
 * and every view holds the other's true figure. */
#include <nakodo/toolkit.h>
#include "../splitmix.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define CASES 100000

static void rules_over(struct nk_rules *r, int64_t low, int64_t high)
{
	nk_rules_default(r, nk_currency_find("USD"));
	r->range_low = low;
	r->range_high = high;
}

static void neutral_by_hand(void **state)
{
	struct nk_neutral_result res;
	struct nk_error err = { 0 };
	const int64_t near_demand[] = { 900, 700, 950 };	/* median 900 */
	const int64_t near_offer[] = { 100, 400, 500, 300 };	/* median 300 + 50 = 350 */
	const int64_t middle[] = { 500, 500, 900 };		/* median 500 of [100, 900] */

	(void)state;
	assert_int_equal(nk_neutral_settle(1000, 100, near_demand, 3, &res, &err), NK_OK);
	assert_int_equal(res.fair, 900);
	assert_int_equal(res.rule, NK_NEUTRAL_DEMAND);
	assert_int_equal(res.figure, 1000);
	assert_int_equal(nk_neutral_settle(1000, 100, near_offer, 4, &res, &err), NK_OK);
	assert_int_equal(res.fair, 350);
	assert_int_equal(res.rule, NK_NEUTRAL_OFFER);
	assert_int_equal(res.figure, 100);
	assert_int_equal(nk_neutral_settle(900, 100, middle, 3, &res, &err), NK_OK);
	assert_int_equal(res.rule, NK_NEUTRAL_MIDPOINT);
	assert_int_equal(res.figure, 500);
	/* the claimant whose demand won learns nothing; the payer learns the demand */
	{
		struct nk_interval prior = { 0, 999 }, v;

		assert_int_equal(nk_neutral_settle(1000, 100, near_demand, 3, &res, &err), NK_OK);
		v = nk_neutral_view(NK_CLAIMANT, 1000, &res, prior);
		assert_int_equal(v.low, 0);
		assert_int_equal(v.high, 999);
		prior = (struct nk_interval){ 101, 5000 };
		v = nk_neutral_view(NK_PAYER, 100, &res, prior);
		assert_int_equal(v.low, 1000);
		assert_int_equal(v.high, 1000);
		/* a tie at 500 between 900 and 100 tells each side the other's figure */
		assert_int_equal(nk_neutral_settle(900, 100, middle, 3, &res, &err), NK_OK);
		v = nk_neutral_view(NK_CLAIMANT, 900, &res, (struct nk_interval){ 0, 899 });
		assert_int_equal(v.low, 100);
		assert_int_equal(v.high, 100);
	}
}

static void neutral_refusals(void **state)
{
	struct nk_neutral_result res = { 7, 7, NK_NEUTRAL_DEMAND };
	struct nk_error err = { 0 };
	const int64_t outside[] = { 500, 1001, 600 };
	const int64_t ok[] = { 500 };
	int64_t many[NK_NEUTRALS_MAX + 1];

	(void)state;
	for (int i = 0; i <= NK_NEUTRALS_MAX; i++)
		many[i] = 500;
	assert_int_equal(nk_neutral_settle(1000, 100, outside, 3, &res, &err), NK_EINVAL);
	assert_string_equal(err.field, "fair");
	assert_int_equal(nk_neutral_settle(1000, 1000, ok, 1, &res, &err), NK_EINVAL);
	assert_string_equal(err.field, "figures");
	assert_int_equal(nk_neutral_settle(1000, 100, ok, 0, &res, &err), NK_EINVAL);
	assert_string_equal(err.field, "neutrals");
	assert_int_equal(nk_neutral_settle(1000, 100, many, NK_NEUTRALS_MAX + 1, &res, &err),
			 NK_EINVAL);
	assert_int_equal(nk_neutral_settle(1000, 100, many, NK_NEUTRALS_MAX, &res, &err), NK_OK);
	/* 1000 - 500 > 500 - 100: the offer was closer */
	assert_int_equal(res.rule, NK_NEUTRAL_OFFER);
	assert_int_equal(res.figure, 100);
}

static void bridge_by_hand(void **state)
{
	struct nk_rules r;
	struct nk_bridge_result res;
	struct nk_error err = { 0 };
	struct nk_interval all = { 0, 100000 }, v;

	(void)state;
	rules_over(&r, 0, 100000);
	assert_int_equal(nk_bridge_settle(&r, 60000, 55000, 5000, &res, &err), NK_OK);
	assert_true(res.closes);
	assert_int_equal(res.received, 60000);
	assert_int_equal(res.paid, 55000);
	assert_int_equal(res.bridged, 5000);
	assert_int_equal(nk_bridge_settle(&r, 60000, 54999, 5000, &res, &err), NK_OK);
	assert_false(res.closes);
	assert_int_equal(res.received + res.paid + res.bridged, 0);
	/* closed: the claimant may place the offer within the budget below its demand */
	v = nk_bridge_view(&r, NK_CLAIMANT, 60000, 5000, true, all);
	assert_int_equal(v.low, 55000);
	assert_int_equal(v.high, 59999);
	v = nk_bridge_view(&r, NK_PAYER, 55000, 5000, true, all);
	assert_int_equal(v.low, 55001);
	assert_int_equal(v.high, 60000);
	/* not closed: beyond the budget */
	v = nk_bridge_view(&r, NK_CLAIMANT, 60000, 5000, false, all);
	assert_int_equal(v.low, 0);
	assert_int_equal(v.high, 54999);
	v = nk_bridge_view(&r, NK_PAYER, 90000, 5000, false, all);
	assert_int_equal(v.low, 95001);
	assert_int_equal(v.high, 100000);	/* cut to the range */
}

static void bridge_refusals(void **state)
{
	struct nk_rules r;
	struct nk_bridge_result res = { true, 1, 2, 3 };
	struct nk_error err = { 0 };

	(void)state;
	rules_over(&r, 1000, 101000);
	assert_int_equal(nk_bridge_check(&r, 0, &err), NK_EINVAL);
	assert_string_equal(err.field, "bridge");
	assert_int_equal(nk_bridge_check(&r, 100001, &err), NK_EINVAL);
	assert_int_equal(nk_bridge_check(&r, 100000, &err), NK_OK);
	assert_int_equal(nk_bridge_settle(&r, 5000, 5000, 10, &res, &err), NK_EINVAL);
	assert_string_equal(err.field, "figures");
	assert_int_equal(nk_bridge_settle(&r, 5000, 999, 10, &res, &err), NK_EINVAL);
	assert_string_equal(err.field, "amount");
	assert_int_equal(nk_bridge_settle(&r, 5000, 4000, -1, &res, &err), NK_EINVAL);
	/* nothing written on a refusal */
	assert_true(res.closes);
	assert_int_equal(res.bridged, 3);
}

static bool holds(struct nk_interval i, int64_t x)
{
	return i.low <= x && x <= i.high;
}

static void neutral_properties(void **state)
{
	(void)state;
	rng_state = 20261205;
	for (int c = 0; c < CASES; c++) {
		int64_t offer = between(0, 1000000), demand = offer + between(1, 1000000);
		int n = (int)between(1, NK_NEUTRALS_MAX);
		int64_t fair[NK_NEUTRALS_MAX], turned[NK_NEUTRALS_MAX];
		struct nk_neutral_result res, again;
		struct nk_error err = { 0 };
		int below = 0, above = 0;

		for (int i = 0; i < n; i++)
			fair[i] = next() % 4 == 0 ? (next() % 2 ? offer : demand)
						  : between(offer, demand);
		for (int i = 0; i < n; i++)
			turned[i] = fair[(i + c) % n];
		assert_int_equal(nk_neutral_settle(demand, offer, fair, n, &res, &err), NK_OK);
		assert_int_equal(nk_neutral_settle(demand, offer, turned, n, &again, &err), NK_OK);
		assert_int_equal(res.fair, again.fair);
		assert_int_equal(res.figure, again.figure);
		assert_int_equal(res.rule, again.rule);
		assert_true(holds((struct nk_interval){ offer, demand }, res.fair));
		/* a median: at most half the figures on either side of it */
		for (int i = 0; i < n; i++) {
			below += fair[i] < res.fair;
			above += fair[i] > res.fair;
		}
		assert_true(2 * below <= n && 2 * above <= n);
		switch (res.rule) {
		case NK_NEUTRAL_DEMAND:
			assert_int_equal(res.figure, demand);
			assert_true(demand - res.fair < res.fair - offer);
			break;
		case NK_NEUTRAL_OFFER:
			assert_int_equal(res.figure, offer);
			assert_true(res.fair - offer < demand - res.fair);
			break;
		case NK_NEUTRAL_MIDPOINT:
			assert_int_equal(2 * res.figure, demand + offer);
			break;
		}
		/* each view, from what the round left it, still holds the other's figure */
		assert_true(holds(nk_neutral_view(NK_CLAIMANT, demand, &res,
						  (struct nk_interval){ 0, demand - 1 }), offer));
		assert_true(holds(nk_neutral_view(NK_PAYER, offer, &res,
						  (struct nk_interval){ offer + 1, 2000000 }),
				  demand));
	}
}

static void bridge_properties(void **state)
{
	struct nk_rules r;

	(void)state;
	rng_state = 17;
	rules_over(&r, 0, 1000000);
	for (int c = 0; c < CASES; c++) {
		int64_t offer = between(0, 999999), demand = between(offer + 1, 1000000);
		int64_t budget = between(1, next() % 2 ? 1000000 : 1000);
		struct nk_bridge_result res;
		struct nk_error err = { 0 };
		struct nk_interval cv, pv, all = { 0, 1000000 };

		assert_int_equal(nk_bridge_settle(&r, demand, offer, budget, &res, &err), NK_OK);
		assert_int_equal(res.closes, demand - offer <= budget);
		if (res.closes) {
			assert_int_equal(res.received, demand);
			assert_int_equal(res.paid, offer);
			assert_int_equal(res.received, res.paid + res.bridged);
			assert_true(res.bridged > 0 && res.bridged <= budget);
		}
		cv = nk_bridge_view(&r, NK_CLAIMANT, demand, budget, res.closes, all);
		pv = nk_bridge_view(&r, NK_PAYER, offer, budget, res.closes, all);
		assert_true(holds(cv, offer));
		assert_true(holds(pv, demand));
		/* and each view is exactly the figures that give the same answer */
		if (cv.low > 0)
			assert_true((demand - (cv.low - 1) <= budget) != res.closes);
		if (pv.high < 1000000)
			assert_true((pv.high + 1 - offer <= budget) != res.closes);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(neutral_by_hand),
		cmocka_unit_test(neutral_refusals),
		cmocka_unit_test(bridge_by_hand),
		cmocka_unit_test(bridge_refusals),
		cmocka_unit_test(neutral_properties),
		cmocka_unit_test(bridge_properties),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
