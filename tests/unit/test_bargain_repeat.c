/* Attacks on the leakage accounting that need several rounds: a side that keeps one
 * figure while the other moves its own to bisect it with hints (rules without
 * monotone concessions), and what the briefing of the side under attack then shows. */
#include <nakodo/bargain.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

static const uint8_t seed[NK_SEED_BYTES] = {9};

static double bits(const struct nk_rules *r, struct nk_interval i)
{
	return log2(((double)(r->range_high - r->range_low) + 1.0) /
		    ((double)(i.high - i.low) + 1.0));
}

static void round_of(const struct nk_rules *r, int round, struct nk_round_figures *f,
		     struct nk_round_result *res)
{
	assert_int_equal(nk_bargain_round(r, round, f, res, seed, NULL), NK_OK);
}

/* The payer keeps one offer for 11 rounds; the claimant sets its demand so that the
 * single hint threshold (the offer is "close" when it is at least half the demand)
 * falls in the middle of what it knows, always above the offer, and intersects what
 * every round told it. */
static void bisecting_a_kept_offer(void **state)
{
	struct nk_rules r;
	struct nk_round_figures f[NK_ROUNDS_MAX];
	struct nk_round_result res[NK_ROUNDS_MAX];
	struct nk_interval known = {0, 100000};
	const int64_t offer = 20261;
	double most_shown = 0.0;
	int told = 0, views_true = 0, shown_true = 0;

	(void)state;
	nk_rules_default(&r, nk_currency_find("JPY"));
	r.rounds = 11;
	r.monotone = false;
	r.range_low = 0;
	r.range_high = 100000;
	r.leakage_bits = 8;
	assert_int_equal(nk_rules_parse_hints(&r, "50", NULL), NK_OK);
	for (int k = 0; k < r.rounds; k++) {
		int64_t mid = known.low + (known.high - known.low + 1) / 2;
		int64_t demand = 2 * mid; /* "close" iff offer >= mid */

		if (demand <= known.high)
			demand = known.high + 1; /* above every offer it cannot rule out */
		if (demand > r.range_high)
			demand = r.range_high;
		f[k] = (struct nk_round_figures){demand, offer, 0, 0};
		round_of(&r, k + 1, f, res);
		assert_int_equal(res[k].deal, NK_NO_DEAL);
		/* What the claimant can hold if it assumes the payer kept its offer. */
		if (res[k].claimant.other.low > known.low)
			known.low = res[k].claimant.other.low;
		if (res[k].claimant.other.high < known.high)
			known.high = res[k].claimant.other.high;
		told += res[k].claimant.hint >= 0;
		assert_true(known.low <= offer && offer <= known.high);
		/* The claimant's view, as the go-between states it, is what it can hold. */
		views_true += res[k].claimant.other.low == known.low &&
			      res[k].claimant.other.high == known.high;
		if (res[k].payer.exposed_bits > most_shown)
			most_shown = res[k].payer.exposed_bits;
		/* The payer's briefing never shows less than the claimant can hold. */
		shown_true += res[k].payer.exposed_bits + 1e-9 >= bits(&r, known);
	}
	print_message("# claimant holds [%lld, %lld] (%.1f bits) after %d hints; payer shown %.1f\n",
		      (long long)known.low, (long long)known.high, bits(&r, known), told,
		      most_shown);
	assert_true(bits(&r, known) <= r.leakage_bits + 1e-9);
	assert_int_equal(views_true, r.rounds);
	assert_int_equal(shown_true, r.rounds);
	assert_true(told >= 3); /* the hints were told while they fitted the budget */
}

static uint64_t rng_state = 20261204;

static int64_t between(int64_t lo, int64_t hi) /* inclusive; splitmix64 */
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return lo + (int64_t)((z ^ (z >> 31)) % (uint64_t)(hi - lo + 1));
}

/* The claimant keeps its demand for two rounds; over every pair of offers the payer may
 * have had that gives the claimant what it saw, the payer's view of the demand (exact,
 * and intersected over the rounds) is never sharper than the exposure the claimant is
 * shown, but for the unit by which rounding can narrow each bound of it. */
static void exposure_covers_every_history(void **state)
{
	int checked = 0;

	(void)state;
	for (int c = 0; c < 400; c++) {
		struct nk_rules r;
		struct nk_round_figures f[2], g[2];
		struct nk_round_result res[2], alt[2];
		int64_t d;
		double shown, worst = 0.0;

		nk_rules_default(&r, nk_currency_find("JPY"));
		r.rounds = 2;
		r.monotone = false;
		r.range_low = 0;
		r.range_high = between(60, 120);
		r.leakage_bits = (double)between(2, 6);
		r.hint_count = (int)between(1, 2);
		r.hint_bp[0] = (uint32_t)between(500, 3000);
		r.hint_bp[1] = r.hint_bp[0] + (uint32_t)between(500, 3000);
		d = between(r.range_high / 2, r.range_high);
		f[0] = (struct nk_round_figures){d, between(0, d - 1), 0, 0};
		f[1] = (struct nk_round_figures){d, between(0, d - 1), 0, 0};
		round_of(&r, 1, f, res);
		round_of(&r, 2, f, res);
		shown = bits(&r, (struct nk_interval){res[1].claimant.exposed.low,
						      res[1].claimant.exposed.high - 2});
		for (int64_t x1 = 0; x1 < d; x1++) {
			g[0] = (struct nk_round_figures){d, x1, 0, 0};
			round_of(&r, 1, g, alt);
			if (alt[0].claimant.hint != res[0].claimant.hint ||
			    alt[0].claimant.withheld != res[0].claimant.withheld)
				continue;
			for (int64_t x2 = 0; x2 < d; x2++) {
				g[1] = (struct nk_round_figures){d, x2, 0, 0};
				round_of(&r, 2, g, alt);
				if (alt[1].claimant.hint != res[1].claimant.hint ||
				    alt[1].claimant.withheld != res[1].claimant.withheld ||
				    alt[1].claimant.other.low != res[1].claimant.other.low ||
				    alt[1].claimant.other.high != res[1].claimant.other.high)
					continue;
				checked++;
				if (alt[1].payer.bits > worst)
					worst = alt[1].payer.bits;
			}
		}
		if (worst > shown + 1e-9)
			fail_msg(
			    "case %d: the payer can hold %.3f bits, the claimant is shown %.3f", c,
			    worst, res[1].claimant.exposed_bits);
	}
	print_message("# %d histories checked\n", checked);
	assert_true(checked > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(bisecting_a_kept_offer),
	    cmocka_unit_test(exposure_covers_every_history),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
