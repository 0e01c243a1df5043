/* The random rule against a side that uses the revealed seed: over many seeds and
 * cases, every offer (demand) that the claimant (payer) cannot rule out from its own
 * figure, the settlement and the seed is exactly the view the go-between counts for it,
 * and the draws stay uniform on the zone. */
#include <nakodo/bargain.h>
#include "random_draw.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>


static struct nk_round_result settle(const struct nk_rules *r, const uint8_t seed[NK_SEED_BYTES],
				     int64_t d, int64_t o)
{
	struct nk_round_figures f = { d, o, 0, 0 };
	struct nk_round_result res;

	assert_int_equal(nk_bargain_round(r, 1, &f, &res, seed, NULL), NK_OK);
	return res;
}

/* The consistent set of the other's figure, by trying every figure of the range. */
static struct nk_interval consistent(const struct nk_rules *r, const uint8_t seed[NK_SEED_BYTES],
				     enum nk_role me, int64_t own, int64_t figure, int64_t *count)
{
	struct nk_interval i = { INT64_MAX, INT64_MIN };

	*count = 0;
	for (int64_t x = r->range_low; x <= r->range_high; x++) {
		struct nk_round_result res = me == NK_CLAIMANT ? settle(r, seed, own, x)
							       : settle(r, seed, x, own);

		if (res.deal != NK_DEAL_OVERLAP || res.figure != figure)
			continue;
		++*count;
		i.low = x < i.low ? x : i.low;
		i.high = x > i.high ? x : i.high;
	}
	return i;
}

static void the_seed_tells_only_the_counted_view(void **state)
{
	int narrow = 0;

	(void)state;
	for (int c = 0; c < 300; c++) {
		struct nk_rules r;
		uint8_t seed[NK_SEED_BYTES];
		struct nk_round_result res;
		struct nk_interval ci, pi;
		int64_t d, o, cn, pn;

		random_draw_case(&r, seed);
		d = between(r.range_low, r.range_high);
		o = between(d, d + (r.range_high - d) / (1 + (int64_t)(next() % 8)));
		res = settle(&r, seed, d, o);
		assert_int_equal(res.deal, NK_DEAL_OVERLAP);
		assert_true(d <= res.figure && res.figure <= o);
		ci = consistent(&r, seed, NK_CLAIMANT, d, res.figure, &cn);
		pi = consistent(&r, seed, NK_PAYER, o, res.figure, &pn);
		/* Each consistent set is one interval, and it is the view counted. */
		if (cn != ci.high - ci.low + 1 || ci.low != res.claimant.other.low ||
		    ci.high != res.claimant.other.high)
			fail_msg("case %d: claimant can hold [%lld, %lld] (%lld), counted [%lld, %lld]",
				 c, (long long)ci.low, (long long)ci.high, (long long)cn,
				 (long long)res.claimant.other.low, (long long)res.claimant.other.high);
		if (pn != pi.high - pi.low + 1 || pi.low != res.payer.other.low ||
		    pi.high != res.payer.other.high)
			fail_msg("case %d: payer can hold [%lld, %lld] (%lld), counted [%lld, %lld]", c,
				 (long long)pi.low, (long long)pi.high, (long long)pn,
				 (long long)res.payer.other.low, (long long)res.payer.other.high);
		/* The exposure each side is shown is what the other can hold. */
		assert_true(res.claimant.exposed.low == pi.low && res.claimant.exposed.high == pi.high);
		assert_true(res.payer.exposed.low == ci.low && res.payer.exposed.high == ci.high);
		narrow += ci.high < r.range_high;
	}
	/* Rejected draws above the offer do happen, or this says little. */
	assert_true(narrow > 30);
}

int main(void)
{
	rng_state = 1962;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_seed_tells_only_the_counted_view),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
