/* The blind round against the plain one: over 10,000 seeded random figure pairs across
 * every settlement rule, grids, bands, hints and deal-closers, the two-party protocol
 * computes exactly the deal, settlement, hints and withheld hints of nk_bargain_round;
 * over several rounds it keeps the monotone rule and picks each side's hint decision by
 * the other's repeated figures; and its message sizes never depend on the figures. */
#include <nakodo/bargain.h>
#include <nakodo/blind.h>
#include "../splitmix.h"
#include "blind_pair.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define PAIRS 10000

static void base_rules(struct nk_rules *r, int64_t low, int64_t high)
{
	nk_rules_default(r, nk_currency_find("USD"));
	r->range_low = low;
	r->range_high = high;
	r->rounds = 5;
}

/* The cases: every rule, with and without grid, band kinds, hints and budgets. */
static int make_rules(int i, struct nk_rules *r)
{
	switch (i) {
	case 0: base_rules(r, 0, 1000000); return 1;
	case 1: base_rules(r, 0, 1000000); r->grid = 100; r->hint_count = 2;
		r->hint_bp[0] = 1000; r->hint_bp[1] = 2500; r->leakage_bits = 3; return 1;
	case 2: base_rules(r, 0, 1000000); r->settle = NK_SETTLE_BAND; r->band_bp = 500;
		r->hint_count = 1; r->hint_bp[0] = 2000; r->leakage_bits = 8; return 1;
	case 3: base_rules(r, 1000, 50000); r->settle = NK_SETTLE_BAND; r->band_amount = 500;
		r->grid = 7; return 1;
	case 4: base_rules(r, 0, 10000000); r->settle = NK_SETTLE_BAND; r->band_bp = 1250;
		r->band_amount = 20000; r->grid = 250; r->hint_count = 3; r->hint_bp[0] = 500;
		r->hint_bp[1] = 1500; r->hint_bp[2] = 4000; r->leakage_bits = 2; return 1;
	case 5: base_rules(r, 0, 1000000); r->settle = NK_SETTLE_RANDOM; r->hint_count = 1;
		r->hint_bp[0] = 1500; r->leakage_bits = 6; return 1;
	case 6: base_rules(r, 0, 5000000); r->settle = NK_SETTLE_RANDOM; r->grid = 1000;
		return 1;
	case 7: base_rules(r, 0, 1000000); r->grid = 10; return 2;	/* deal-closers */
	case 8: base_rules(r, 1000000000, INT64_C(4000000000000000000));
		r->settle = NK_SETTLE_BAND; r->band_bp = 300; r->grid = 12345; return 2;
	case 9: base_rules(r, 0, 999); r->grid = 3; r->hint_count = 2; r->hint_bp[0] = 100;
		r->hint_bp[1] = 9000; r->leakage_bits = 9; return 1;
	default: return 0;
	}
}

/* A figure near other (often close, sometimes far), inside the range. */
static int64_t near(const struct nk_rules *r, int64_t other)
{
	int64_t width = r->range_high - r->range_low, d;

	switch (next() % 4) {
	case 0: return between(r->range_low, r->range_high);
	case 1: d = between(-(width / 10), width / 10); break;
	case 2: d = between(-(int64_t)(r->grid * 3), (int64_t)(r->grid * 3)); break;
	default: d = between(-(width / 1000) - 2, width / 1000 + 2); break;
	}
	d += other;
	return d < r->range_low ? r->range_low : d > r->range_high ? r->range_high : d;
}

/* Round 1's hint decision from the viewer's side alone: the plain engine's, against the
 * other figure farthest from its own (any figure that fails the round gives the same
 * decision, since it depends only on what the viewer knows and that the round failed). */
static bool allowed_alone(const struct nk_rules *r, enum nk_role role, int64_t own, int64_t ext)
{
	struct nk_round_figures f = { 0, 0, 0, 0 };
	struct nk_round_result res;
	static const uint8_t seed[NK_SEED_BYTES];

	if (role == NK_CLAIMANT)
		f = (struct nk_round_figures){ own, r->range_low, ext, 0 };
	else
		f = (struct nk_round_figures){ r->range_high, own, 0, ext };
	assert_int_equal(nk_bargain_round(r, 1, &f, &res, seed, NULL), NK_OK);
	if (res.deal != NK_NO_DEAL)
		return true;	/* the round cannot fail: no hint is ever due */
	return (role == NK_CLAIMANT ? res.claimant.hint : res.payer.hint) >= 0;
}

static void same_as_plain(void **state)
{
	int counted = 0, deals = 0, hints = 0, withheld = 0, kinds[5] = { 0 };
	struct nk_rules r;

	(void)state;
	rng_state = 16;
	for (int i = 0, closers; (closers = make_rules(i, &r)) != 0; i++) {
		struct pair x;
		size_t sizes[8] = { 0 };
		const int n = PAIRS / 10;

		assert_int_equal(nk_blind_rules_check(&r, NULL), NK_OK);
		assert_int_equal(pair_open(&x, &r, (uint8_t)i), NK_OK);
		for (int k = 0; k < n; k++) {
			struct nk_blind_input ci = { 0 }, pi = { 0 };
			struct nk_blind_outcome oc, op;
			struct nk_round_figures f;
			struct nk_round_result res;
			uint8_t seed[NK_SEED_BYTES] = { 0 };

			ci.figure = between(r.range_low, r.range_high);
			pi.figure = near(&r, ci.figure);
			if (closers == 2 && next() % 2) {
				ci.extension = between(0, (r.range_high - r.range_low) / 20);
				pi.extension = between(0, (r.range_high - r.range_low) / 20);
			}
			ci.allowed[0] = allowed_alone(&r, NK_CLAIMANT, ci.figure, ci.extension);
			pi.allowed[0] = allowed_alone(&r, NK_PAYER, pi.figure, pi.extension);
			pair_again(&x);
			if (pair_round(&x, 1, &ci, &pi) != NK_OK)
				fail_msg("case %d pair %d: %s", i, k, x.err.text);
			assert_int_equal(nk_blind_outcome(x.c, &oc, NULL), NK_OK);
			assert_int_equal(nk_blind_outcome(x.p, &op, NULL), NK_OK);
			if (r.settle == NK_SETTLE_RANDOM && oc.deal != NK_NO_DEAL)
				assert_int_equal(nk_blind_draw_seed(x.c, seed, NULL), NK_OK);
			f = (struct nk_round_figures){ ci.figure, pi.figure, ci.extension, pi.extension };
			assert_int_equal(nk_bargain_round(&r, 1, &f, &res, seed, NULL), NK_OK);
			if (oc.deal != res.deal || op.deal != res.deal ||
			    (res.deal && (oc.figure != res.figure || op.figure != res.figure)) ||
			    oc.hint != res.claimant.hint || op.hint != res.payer.hint ||
			    oc.withheld != res.claimant.withheld || op.withheld != res.payer.withheld)
				fail_msg("case %d pair %d (%lld, %lld): blind %d/%lld/%d/%d plain "
					 "%d/%lld/%d/%d", i, k, (long long)ci.figure,
					 (long long)pi.figure, oc.deal, (long long)oc.figure, oc.hint,
					 op.hint, res.deal, (long long)res.figure, res.claimant.hint,
					 res.payer.hint);
			/* sizes: the same for every pair of the case, message by message */
			for (int m = 0; m < x.count && m < 3; m++) {
				if (!sizes[m])
					sizes[m] = x.sizes[m];
				assert_int_equal(sizes[m], x.sizes[m]);
			}
			counted++;
			deals += res.deal != NK_NO_DEAL;
			kinds[res.deal]++;
			hints += (res.claimant.hint >= 0) + (res.payer.hint >= 0);
			withheld += res.claimant.withheld + res.payer.withheld;
		}
		pair_close(&x);
	}
	assert_int_equal(counted, PAIRS);
	/* the draw reached every kind of outcome, so that the comparison meant something */
	print_message("# %d deals (closer %d, band %d, overlap %d), %d hints told, %d withheld\n",
		      deals, kinds[NK_DEAL_CLOSER], kinds[NK_DEAL_BAND], kinds[NK_DEAL_OVERLAP],
		      hints, withheld);
	assert_true(kinds[NK_NO_DEAL] > 500 && kinds[NK_DEAL_CLOSER] > 50 &&
		    kinds[NK_DEAL_BAND] > 100 && kinds[NK_DEAL_OVERLAP] > 1000);
	assert_true(hints > 200 && withheld > 200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_as_plain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
