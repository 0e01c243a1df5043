/* The views' search with its cheap probes against the reference, where every probe is a
 * whole evaluation (core/bargain_impl.h). This file builds bargain.c and bargain_view.c
 * into itself, so that the probes' kinds are compared with bargain_deal_kind() point by
 * point: at every place a kind begins or ends, next to it, at the range's ends and at
 * random points, for many random rules, figures and extensions; then each search's
 * ends, over random intervals and bounds; then whole rounds (several in a row, knowledge
 * carried) and hint decisions, field by field, bit for bit, over random cases of every
 * rule: midpoint, band (amount, percent, both), random with its seed, grids, hints,
 * deal-closers, monotone or not. A fixed-seed generator, so that a failure names a case
 * that can be replayed. */
#include "../../src/core/bargain.c"
#include "../../src/core/bargain_view.c"
#include "../splitmix.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#define VIEWERS 200000
#define CASES 20000
#define HINT_CASES 20000

static void random_rules(struct nk_rules *r)
{
	static const char *const currencies[] = { "USD", "JPY", "KRW", "EUR" };
	int64_t width;

	nk_rules_default(r, nk_currency_find(currencies[next() % 4]));
	r->rounds = (int)between(1, 5);
	r->grid = next() % 3 == 0 ? 1 : between(1, 500);
	switch (next() % 4) {
	case 0:
		width = between(1, 40);	/* narrow: every kind's edge near the range's */
		break;
	case 1:
		width = between(10, 1000000);
		break;
	case 2:
		width = between(10, 1000000) * 1000;
		break;
	default:
		width = NK_AMOUNT_MAX / (int64_t)between(1, 4) - 1000;
	}
	r->range_low = next() % 2 ? 0 : between(0, 1000);
	r->range_high = r->range_low + width;
	switch (next() % 3) {
	case 0:
		r->settle = NK_SETTLE_MIDPOINT;
		break;
	case 1:
		r->settle = NK_SETTLE_BAND;
		if (next() % 3)
			r->band_amount = between(1, width / 4 + 1);
		if (!r->band_amount || next() % 2)
			r->band_bp = (uint32_t)between(1, NK_BP_ONE - 1);
		break;
	default:
		r->settle = NK_SETTLE_RANDOM;
	}
	if (r->settle != NK_SETTLE_BAND && next() % 8 == 0) {
		/* sound, if outside today's policy: a band that no band rule reads */
		r->band_amount = between(1, width / 4 + 1);
		r->band_bp = (uint32_t)between(1, NK_BP_ONE - 1);
	}
	if (next() % 2) {
		r->hint_count = (int)between(1, 3);
		for (int i = 0; i < r->hint_count; i++)
			r->hint_bp[i] = i == 0 ? (uint32_t)between(1, 3000)
					       : r->hint_bp[i - 1] + (uint32_t)between(1, 2000);
	}
	r->leakage_bits = (double)between(0, 40) / 4.0;
	r->monotone = next() % 4 != 0;
}

static int64_t in_range(const struct nk_rules *r)
{
	switch (next() % 4) {
	case 0:
		return next() % 2 ? r->range_low : r->range_high;
	case 1:
		return between(r->range_low, r->range_low + 3 < r->range_high ? r->range_low + 3
									 : r->range_high);
	default:
		return between(r->range_low, r->range_high);
	}
}

static int64_t extension(const struct nk_rules *r)
{
	switch (next() % 4) {
	case 0:
		return 0;
	case 1:
		return between(1, 5);
	case 2:
		return between(1, (r->range_high - r->range_low) / 8 + 1);
	default:
		return between(0, NK_AMOUNT_MAX);
	}
}

static void check_point(const struct viewer *w, const struct kinds *k, int64_t x, uint64_t n)
{
	int whole = key_at(w, x).kind;

	if (kind_at(w, k, x) != whole)
		fail_msg("viewer %llu: %s own=%lld ext=%lld x=%lld: kind %d, the whole key's %d",
			 (unsigned long long)n, w->role == NK_CLAIMANT ? "claimant" : "payer",
			 (long long)w->own, (long long)w->ext, (long long)x, kind_at(w, k, x),
			 whole);
}

/* Every probe's kind is bargain_deal_kind()'s (through the whole key), point by point. */
static void kinds_point_by_point(void **state)
{
	uint64_t valid = 0;

	(void)state;
	rng_state = 20261205;
	for (uint64_t n = 0; n < VIEWERS; n++) {
		struct nk_rules r;
		struct viewer w = { &r, 1, next() % 2 ? NK_CLAIMANT : NK_PAYER, 0, 0, NULL, false };
		struct kinds k;

		random_rules(&r);
		w.own = in_range(&r);
		w.ext = extension(&r);
		k = kinds_of(&w);
		valid += k.valid;
		for (int i = 0; i < 3; i++)
			for (int64_t d = -2; d <= 2; d++) {
				__int128 x = k.valid ? k.at[i] + d : (__int128)w.own + d;

				if (x >= r.range_low && x <= r.range_high)
					check_point(&w, &k, (int64_t)x, n);
			}
		check_point(&w, &k, r.range_low, n);
		check_point(&w, &k, r.range_high, n);
		for (int i = 0; i < 8; i++)
			check_point(&w, &k, between(r.range_low, r.range_high), n);
	}
	assert_int_equal(valid, VIEWERS);	/* sound rules and figures: never the fallback */
}

/* What falls outside the derivation keeps bargain_deal_kind()'s own answer. */
static void kinds_fallback(void **state)
{
	struct nk_rules r;
	struct viewer w = { &r, 1, NK_PAYER, 500, 0, NULL, false };
	struct kinds k;

	(void)state;
	nk_rules_default(&r, nk_currency_find("USD"));
	r.range_low = 0;
	r.range_high = 1000;
	r.settle = NK_SETTLE_BAND;
	r.band_bp = NK_BP_ONE;	/* unsound: a band of 100% */
	k = kinds_of(&w);
	assert_false(k.valid);
	for (int64_t x = 0; x <= 1000; x++)
		check_point(&w, &k, x, 0);
	r.band_bp = 100;
	w.ext = -1;		/* never an extension */
	k = kinds_of(&w);
	assert_false(k.valid);
	for (int64_t x = 0; x <= 1000; x++)
		check_point(&w, &k, x, 1);
}

/* A bound of a search: open at either end of a kind, a value of no deal's (a band, or
 * past them all), or a key met at a random point. */
static struct key random_bound(const struct viewer *w)
{
	struct key k = { (int)between(NK_NO_DEAL, NK_DEAL_OVERLAP), 0 };

	switch (next() % 4) {
	case 0:
		k.v = INT64_MIN;
		break;
	case 1:
		k.v = INT64_MAX;
		break;
	case 2:		/* no deal's band, or a value past every band's */
		k.kind = NK_NO_DEAL;
		k.v = between(-w->rules->hint_count - 2, 2);
		break;
	default:
		k = key_at(w, between(w->rules->range_low, w->rules->range_high));
	}
	return k;
}

/* Each search on its own, over random intervals (empty ones too) and bounds of every
 * kind: where it turns at a threshold, it ends where the reference's probes end. */
static void searches_as_the_reference(void **state)
{
	(void)state;
	rng_state = 20261208;
	for (uint64_t n = 0; n < VIEWERS; n++) {
		struct nk_rules r;
		struct viewer w = { &r, 1, next() % 2 ? NK_CLAIMANT : NK_PAYER, 0, 0, NULL, false };
		struct viewer ref;
		struct nk_interval prior, a, b;
		struct key lo, hi;

		random_rules(&r);
		w.own = in_range(&r);
		w.ext = extension(&r);
		ref = w;
		ref.whole = true;
		prior.low = in_range(&r);
		prior.high = next() % 8 ? in_range(&r) : prior.low - (int64_t)between(1, 3);
		if (next() % 2 && prior.low > prior.high && prior.high >= r.range_low) {
			int64_t t = prior.low;	/* mostly in order */

			prior.low = prior.high;
			prior.high = t;
		}
		lo = random_bound(&w);
		hi = random_bound(&w);
		a = preimage(&w, prior, lo, hi);
		b = preimage(&ref, prior, lo, hi);
		if (a.low != b.low || a.high != b.high)
			fail_msg("search %llu: %s own=%lld ext=%lld prior [%lld,%lld] lo (%d,%lld) "
				 "hi (%d,%lld): [%lld,%lld], the reference's [%lld,%lld]",
				 (unsigned long long)n,
				 w.role == NK_CLAIMANT ? "claimant" : "payer",
				 (long long)w.own, (long long)w.ext, (long long)prior.low,
				 (long long)prior.high, lo.kind, (long long)lo.v, hi.kind,
				 (long long)hi.v, (long long)a.low, (long long)a.high,
				 (long long)b.low, (long long)b.high);
	}
}

static void same_view(const struct nk_view *a, const struct nk_view *b, const char *who,
		      uint64_t c, int round)
{
	if (a->other.low != b->other.low || a->other.high != b->other.high ||
	    memcmp(&a->bits, &b->bits, sizeof(a->bits)) != 0 || a->hint != b->hint ||
	    a->withheld != b->withheld || a->exposed.low != b->exposed.low ||
	    a->exposed.high != b->exposed.high ||
	    memcmp(&a->exposed_bits, &b->exposed_bits, sizeof(a->exposed_bits)) != 0 ||
	    a->exposed_bound.low != b->exposed_bound.low ||
	    a->exposed_bound.high != b->exposed_bound.high)
		fail_msg("case %llu round %d: the %s's view differs from the reference: "
			 "other [%lld,%lld] against [%lld,%lld], exposed [%lld,%lld] against "
			 "[%lld,%lld], bound [%lld,%lld] against [%lld,%lld], hint %d/%d",
			 (unsigned long long)c, round, who, (long long)a->other.low,
			 (long long)a->other.high, (long long)b->other.low,
			 (long long)b->other.high,
			 (long long)a->exposed.low, (long long)a->exposed.high,
			 (long long)b->exposed.low, (long long)b->exposed.high,
			 (long long)a->exposed_bound.low, (long long)a->exposed_bound.high,
			 (long long)b->exposed_bound.low, (long long)b->exposed_bound.high, a->hint,
			 b->hint);
}

static void random_figures(const struct nk_rules *r, const struct nk_round_figures *prev,
			   struct nk_round_figures *f)
{
	int64_t dlo = r->range_low, dhi = r->range_high, olo = r->range_low, ohi = r->range_high;

	if (prev && r->monotone) {
		dhi = prev->demand;
		olo = prev->offer;
	}
	if (prev && next() % 4 == 0) {	/* a figure kept: what was learnt of it carries */
		*f = *prev;
		return;
	}
	f->demand = between(dlo, dhi);
	switch (next() % 3) {
	case 0:		/* an overlap, or near one */
		f->offer = between(f->demand > olo ? f->demand : olo, ohi);
		break;
	case 1:		/* a gap near a band's edge */
		f->offer = f->demand - (int64_t)between(0, 40);
		f->offer = f->offer < olo ? olo : f->offer > ohi ? ohi : f->offer;
		break;
	default:
		f->offer = between(olo, f->demand > olo ? f->demand : olo);
	}
	f->claimant_extension = next() % 4 ? 0 : between(1, (r->range_high - r->range_low) / 8 + 1);
	f->payer_extension = next() % 4 ? 0 : between(1, (r->range_high - r->range_low) / 8 + 1);
}

/* Whole rounds, one after another, as a case replays them. */
static void rounds_as_the_reference(void **state)
{
	uint64_t kinds[4] = { 0 };

	(void)state;
	rng_state = 20261206;
	for (uint64_t c = 0; c < CASES; c++) {
		struct nk_rules r;
		struct nk_round_figures figs[NK_ROUNDS_MAX];
		struct nk_round_result fast[NK_ROUNDS_MAX], whole[NK_ROUNDS_MAX];
		uint8_t seed[NK_SEED_BYTES];

		random_rules(&r);
		for (size_t i = 0; i < sizeof(seed); i++)
			seed[i] = (uint8_t)next();
		memset(fast, 0, sizeof(fast));
		memset(whole, 0, sizeof(whole));
		for (int k = 0; k < r.rounds; k++) {
			enum nk_status a, b;

			random_figures(&r, k ? &figs[k - 1] : NULL, &figs[k]);
			a = bargain_round_probed(&r, k + 1, figs, fast, seed, false, NULL);
			b = bargain_round_probed(&r, k + 1, figs, whole, seed, true, NULL);
			assert_int_equal(a, b);
			if (a != NK_OK)
				break;
			if (fast[k].deal != whole[k].deal || fast[k].figure != whole[k].figure ||
			    fast[k].band != whole[k].band)
				fail_msg("case %llu round %d: outcome %d/%lld against %d/%lld",
					 (unsigned long long)c, k + 1, fast[k].deal,
					 (long long)fast[k].figure, whole[k].deal,
					 (long long)whole[k].figure);
			same_view(&fast[k].claimant, &whole[k].claimant, "claimant", c, k + 1);
			same_view(&fast[k].payer, &whole[k].payer, "payer", c, k + 1);
			kinds[whole[k].deal]++;
			if (whole[k].deal != NK_NO_DEAL)
				break;
		}
	}
	for (int k = 0; k < 4; k++)	/* every kind of outcome was met, many times */
		assert_true(kinds[k] > CASES / 50);
}

/* A blind round's hint decisions (nk_bargain_hint_allowed). */
static void hints_as_the_reference(void **state)
{
	uint64_t allowed = 0;

	(void)state;
	rng_state = 20261207;
	for (uint64_t c = 0; c < HINT_CASES; c++) {
		struct nk_rules r;
		int64_t own[NK_ROUNDS_MAX];
		int told[NK_ROUNDS_MAX];
		int round, since;
		enum nk_role role = next() % 2 ? NK_CLAIMANT : NK_PAYER;
		bool a, b;

		random_rules(&r);
		round = (int)between(1, r.rounds);
		since = (int)between(0, round);
		for (int k = 0; k < round; k++) {
			own[k] = in_range(&r);
			told[k] = (int)between(-1, r.hint_count);
		}
		a = bargain_hint_allowed_probed(&r, round, role, own, told, since, false);
		b = bargain_hint_allowed_probed(&r, round, role, own, told, since, true);
		if (a != b)
			fail_msg("hint case %llu: %d against the reference's %d",
				 (unsigned long long)c, a, b);
		allowed += a;
	}
	assert_true(allowed > 0 && allowed < HINT_CASES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kinds_point_by_point),
		cmocka_unit_test(kinds_fallback),
		cmocka_unit_test(searches_as_the_reference),
		cmocka_unit_test(rounds_as_the_reference),
		cmocka_unit_test(hints_as_the_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
