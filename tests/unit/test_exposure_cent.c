/* The exposure a side is shown is exact to the cent, not a cent off. A new user read
 * "the other side can know at most that your demand lies between USD 699,999,999.99
 * and ..." for a demand of USD 700,000,000 (make demo, round 1) and took it for a lost
 * cent. It is not: a payer offering 524,999,999.99 is told "far" (the gap is over 25%
 * of the demand), and a demand of 699,999,999.99 is one it cannot rule out, so the
 * sharpest view the payer can hold starts one cent below the demand. Showing
 * 700,000,000.00 would claim a bound the other side can exceed. */
#include <nakodo/bargain.h>
#include <nakodo/money.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#define CENTS(units) ((int64_t)(units) * 100)

/* The demo's rules: 4 rounds, hints at 10% and 25%, range 0..2,000,000,000, grid 1M. */
static void demo_rules(struct nk_rules *r)
{
	nk_rules_default(r, nk_currency_find("USD"));
	r->rounds = 4;
	r->grid = CENTS(1000000);
	r->hint_count = 2;
	r->hint_bp[0] = 1000;
	r->hint_bp[1] = 2500;
	r->range_low = 0;
	r->range_high = CENTS(2000000000);
}

static void round1(const struct nk_rules *r, int64_t demand, int64_t offer,
		   struct nk_round_result *out)
{
	static const uint8_t seed[NK_SEED_BYTES];
	struct nk_round_figures f = { .demand = demand, .offer = offer };

	assert_int_equal(nk_bargain_round(r, 1, &f, out, seed, NULL), NK_OK);
}

static void the_exposure_is_attained_to_the_cent(void **state)
{
	struct nk_rules r;
	struct nk_round_result res, probe;

	(void)state;
	demo_rules(&r);
	round1(&r, CENTS(700000000), CENTS(70000000), &res);
	assert_int_equal(res.deal, NK_NO_DEAL);
	/* what make demo prints for Korea */
	assert_int_equal(res.claimant.exposed.low, CENTS(700000000) - 1);
	assert_int_equal(res.claimant.other.high, CENTS(525000000) - 1);
	/* the payer whose offer is the highest the claimant cannot rule out ... */
	round1(&r, CENTS(700000000), CENTS(525000000) - 1, &probe);
	assert_int_equal(probe.band, 2);	/* far */
	assert_int_equal(probe.payer.hint, 2);
	/* ... holds exactly that bound, and a demand one cent below is still possible: */
	assert_int_equal(probe.payer.other.low, CENTS(700000000) - 1);
	round1(&r, CENTS(700000000) - 1, CENTS(525000000) - 1, &probe);
	assert_int_equal(probe.band, 2);
	/* while an offer of 525,000,000.00 is "apart", not "far": no view reaches 700M */
	round1(&r, CENTS(700000000), CENTS(525000000), &probe);
	assert_int_equal(probe.band, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_exposure_is_attained_to_the_cent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
