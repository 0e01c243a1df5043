/* Hints over several blind rounds against the plain engine: over seeded random cases of
 * up to six rounds, in which each side often keeps its figure (so that the hint decision
 * turns on what the other side kept, which it cannot see), each side works out its whole
 * vector of hint decisions from what it knows alone (nk_blind_decide: its own figures and
 * the bands it was told), and the blind rounds compute exactly the deal, settlement, hint
 * and withheld hint of nk_bargain_round, round after round: the leakage budget is kept
 * as in a plain case. */
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

#define ROUNDS_TOTAL 10000

/* Hinted rules: every settlement rule, grids, one to three thresholds, budgets that tell
 * and withhold. */
static int make_rules(int i, struct nk_rules *r)
{
	nk_rules_default(r, nk_currency_find("USD"));
	r->range_low = 0;
	r->range_high = 1000000;
	r->rounds = 6;
	switch (i) {
	case 0: r->grid = 100; r->hint_count = 2; r->hint_bp[0] = 1000; r->hint_bp[1] = 2500;
		r->leakage_bits = 3; return 1;
	case 1: r->settle = NK_SETTLE_BAND; r->band_bp = 500; r->hint_count = 1;
		r->hint_bp[0] = 2000; r->leakage_bits = 5; return 1;
	case 2: r->range_high = 10000000; r->settle = NK_SETTLE_BAND; r->band_bp = 1250;
		r->band_amount = 20000; r->grid = 250; r->hint_count = 3; r->hint_bp[0] = 500;
		r->hint_bp[1] = 1500; r->hint_bp[2] = 4000; r->leakage_bits = 2; return 1;
	case 3: r->settle = NK_SETTLE_RANDOM; r->hint_count = 1; r->hint_bp[0] = 1500;
		r->leakage_bits = 4; return 1;
	case 4: r->range_high = 999; r->grid = 3; r->hint_count = 2; r->hint_bp[0] = 100;
		r->hint_bp[1] = 9000; r->leakage_bits = 6; return 1;
	case 5: r->rounds = 4; r->hint_count = 2; r->hint_bp[0] = 300; r->hint_bp[1] = 6000;
		r->leakage_bits = 1; return 1;
	default: return 0;
	}
}

/* The next figure of a side: often kept, else a concession (demands fall, offers rise). */
static int64_t concede(const struct nk_rules *r, enum nk_role role, int64_t last)
{
	int64_t width = r->range_high - r->range_low, step;

	if (next() % 2)
		return last;
	step = next() % 3 ? between(0, width / 40) : between(0, width / 6);
	if (role == NK_CLAIMANT)
		return last - step < r->range_low ? r->range_low : last - step;
	return last + step > r->range_high ? r->range_high : last + step;
}

static void hints_as_plain(void **state)
{
	int rounds = 0, later = 0, told = 0, withheld = 0, kept = 0;
	struct nk_rules r;

	(void)state;
	rng_state = 61;
	for (int i = 0; make_rules(i, &r); i++)
		for (int c = 0; rounds < ROUNDS_TOTAL * (i + 1) / 6; c++) {
			struct pair x;
			struct nk_round_figures f[NK_ROUNDS_MAX];
			struct nk_round_result res[NK_ROUNDS_MAX];
			int64_t width = r.range_high - r.range_low;

			assert_int_equal(nk_blind_rules_check(&r, NULL), NK_OK);
			assert_int_equal(pair_open(&x, &r, (uint8_t)c), NK_OK);
			f[0].demand = between(r.range_low + width / 3, r.range_high);
			f[0].offer = between(r.range_low, f[0].demand - width / 4);
			f[0].claimant_extension = f[0].payer_extension = 0;
			for (int round = 1; round <= r.rounds; round++) {
				struct nk_blind_input ci = { 0 }, pi = { 0 };
				struct nk_blind_outcome oc, op;
				uint8_t seed[NK_SEED_BYTES] = { 0 };
				const struct nk_round_result *p = &res[round - 1];

				if (round > 1) {
					f[round - 1] = f[round - 2];
					f[round - 1].demand = concede(&r, NK_CLAIMANT, f[round - 2].demand);
					f[round - 1].offer = concede(&r, NK_PAYER, f[round - 2].offer);
					kept += (f[round - 1].demand == f[round - 2].demand) +
						(f[round - 1].offer == f[round - 2].offer);
				}
				ci.figure = f[round - 1].demand;
				pi.figure = f[round - 1].offer;
				nk_blind_decide(x.c, round, &ci);
				nk_blind_decide(x.p, round, &pi);
				if (pair_round(&x, round, &ci, &pi) != NK_OK)
					fail_msg("rules %d case %d round %d: %s", i, c, round, x.err.text);
				assert_int_equal(nk_blind_outcome(x.c, &oc, NULL), NK_OK);
				assert_int_equal(nk_blind_outcome(x.p, &op, NULL), NK_OK);
				if (r.settle == NK_SETTLE_RANDOM && oc.deal != NK_NO_DEAL)
					assert_int_equal(nk_blind_draw_seed(x.c, seed, NULL), NK_OK);
				assert_int_equal(nk_bargain_round(&r, round, f, res, seed, NULL), NK_OK);
				if (oc.deal != p->deal || op.deal != p->deal ||
				    (p->deal && (oc.figure != p->figure || op.figure != p->figure)) ||
				    oc.hint != p->claimant.hint || op.hint != p->payer.hint ||
				    oc.withheld != p->claimant.withheld ||
				    op.withheld != p->payer.withheld)
					fail_msg("rules %d case %d round %d (%lld, %lld): blind %d/%d/%d "
						 "plain %d/%d/%d", i, c, round,
						 (long long)ci.figure, (long long)pi.figure, oc.deal,
						 oc.hint, op.hint, p->deal, p->claimant.hint,
						 p->payer.hint);
				rounds++;
				later += round > 1;
				told += (p->claimant.hint >= 0) + (p->payer.hint >= 0);
				withheld += p->claimant.withheld + p->payer.withheld;
				if (p->deal != NK_NO_DEAL)
					break;	/* a deal closes the case */
			}
			pair_close(&x);
		}
	print_message("# %d rounds (%d after the first), %d figures kept, %d hints told, "
		      "%d withheld\n", rounds, later, kept, told, withheld);
	/* the draw reached later rounds, kept figures, and both decisions */
	assert_true(rounds >= ROUNDS_TOTAL && later > rounds / 2 && kept > rounds / 2);
	assert_true(told > 1000 && withheld > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hints_as_plain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
