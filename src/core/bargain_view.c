/* What a party can infer from a round's outcome: the interval its view leaves of the
 * other side's figure, found by binary searches over the rules' range (preimage), each
 * probe a comparison of the outcome at a figure with a bound. The outcome itself and
 * the leakage accounting that asks for these views are bargain.c's. */
#include "core/bargain_impl.h"

#include <math.h>
#include <stdint.h>

/* An observation seen by one party, and an order on observations that is monotone in
 * the other's figure: for the claimant (x = offer) it rises with x, for the payer
 * (x = demand) it falls. No deal ranks by closeness of band; deals by kind, figure. */
struct key {
	int kind;	/* 0 no deal, 1 closer, 2 band, 3 overlap */
	int64_t v;	/* no deal: -band; deal: figure */
};

static int key_cmp(struct key a, struct key b)
{
	if (a.kind != b.kind)
		return a.kind < b.kind ? -1 : 1;
	return a.v < b.v ? -1 : a.v > b.v;
}

static struct key key_at(const struct viewer *w, int64_t x)
{
	struct outcome o = w->role == NK_CLAIMANT
		? bargain_evaluate(w->rules, w->round, w->own, x, w->ext, 0, NULL)
		: bargain_evaluate(w->rules, w->round, x, w->own, 0, w->ext, NULL);
	/* Within a kind the settlement rises with either figure: for the payer, whose
	 * order falls with x, it counts negatively. */
	struct key k = { (int)o.deal, o.deal ? (w->role == NK_CLAIMANT ? o.figure : -o.figure)
					     : -(int64_t)(o.band < 0 ? 0 : o.band) };

	return k;
}

/* Where the kinds begin along x for a viewer: its own figure fixed, the outcome's kind
 * rises with the claimant's x (the offer) and falls with the payer's (the demand), so
 * that kind >= k exactly when x >= at[k - 1] (claimant) or x <= at[k - 1] (payer),
 * k = 1 (closer), 2 (band), 3 (overlap). From bargain_deal_kind() with own figure d or o, own
 * extension e, the other's extension 0 and g the gap (> 0) below an overlap:
 * - claimant (d fixed, x = offer): overlap iff x >= d; band iff g = d - x <= W, W the
 *   largest of the band's amount and floor(bp * d / 10^4) that the band rule has, so
 *   x >= d - W; closer iff x >= d - e; so the kinds begin at d - max(W, e), d - W, d;
 * - payer (o fixed, x = demand): overlap iff x <= o; band iff x - o <= amount, or
 *   (x - o) * 10^4 <= bp * x, that is x <= floor(10^4 * o / (10^4 - bp)) (bp < 10^4);
 *   closer iff x <= o + e; so the kinds end at max(U, o + e), U, o, U the largest of
 *   o and the band's two ends.
 * valid is false where that derivation does not hold (a negative figure or extension,
 * a band of 100% or more): then the kind is bargain_deal_kind()'s own. */
struct kinds {
	bool valid;
	__int128 at[3];
	/* Without a deal, the gap's band: band >= i + 1 exactly when x < bands[i]
	 * (claimant) or x > bands[i] (payer), i < r->hint_count. From bargain_gap_band(), with gap
	 * g = d - x or x - o (> 0 without a deal) and ascending thresholds bp_i: the
	 * claimant's g * 10^4 > bp_i * d is g > floor(bp_i * d / 10^4); the payer's
	 * (x - o) * 10^4 > bp_i * x is x > floor(10^4 * o / (10^4 - bp_i)). bands_valid is
	 * false for thresholds that are not ascending within (0, 10^4): then the search
	 * probes. */
	bool bands_valid;
	__int128 bands[NK_HINTS_MAX];
};

static struct kinds kinds_of(const struct viewer *w)
{
	const struct nk_rules *r = w->rules;
	const bool band = r->settle == NK_SETTLE_BAND;
	const __int128 own = w->own, e = w->ext;
	struct kinds k = { .valid = own >= 0 && e >= 0 && r->band_bp < NK_BP_ONE };
	__int128 reach = 0, most;	/* how far the band reaches past own */

	if (!k.valid)
		return k;
	if (band && r->band_amount > reach)
		reach = r->band_amount;
	if (w->role == NK_CLAIMANT) {
		if (band && r->band_bp && (__int128)r->band_bp * own / NK_BP_ONE > reach)
			reach = (__int128)r->band_bp * own / NK_BP_ONE;
		most = e > reach ? e : reach;
		k.at[0] = own - most;
		k.at[1] = own - reach;
		k.at[2] = own;
	} else {
		if (band && r->band_bp &&
		    NK_BP_ONE * own / (NK_BP_ONE - (__int128)r->band_bp) - own > reach)
			reach = NK_BP_ONE * own / (NK_BP_ONE - (__int128)r->band_bp) - own;
		most = e > reach ? e : reach;
		k.at[0] = own + most;
		k.at[1] = own + reach;
		k.at[2] = own;
	}
	k.bands_valid = r->hint_count >= 0 && r->hint_count <= NK_HINTS_MAX;
	for (int i = 0; k.bands_valid && i < r->hint_count; i++) {
		const __int128 bp = r->hint_bp[i];

		k.bands_valid = bp > 0 && bp < NK_BP_ONE &&
				(i == 0 || r->hint_bp[i - 1] < r->hint_bp[i]);
		k.bands[i] = w->role == NK_CLAIMANT ? own - bp * own / NK_BP_ONE
						    : NK_BP_ONE * own / (NK_BP_ONE - bp);
	}
	return k;
}

/* key_at(w, x).kind, without the figure or the band: bargain_evaluate() decides the kind first,
 * by bargain_deal_kind() on the same arguments, which k (kinds_of(w)) answers when valid. */
static int kind_at(const struct viewer *w, const struct kinds *k, int64_t x)
{
	if (!k->valid)
		return (int)(w->role == NK_CLAIMANT ? bargain_deal_kind(w->rules, w->own, x, w->ext, 0)
						    : bargain_deal_kind(w->rules, x, w->own, 0, w->ext));
	if (w->role == NK_CLAIMANT)
		return (x >= k->at[0]) + (x >= k->at[1]) + (x >= k->at[2]);
	return (x <= k->at[0]) + (x <= k->at[1]) + (x <= k->at[2]);
}

/* key_at(w, x).v for an x of the given kind: without a deal, bargain_evaluate() leaves the band
 * of the gap, bargain_gap_band() when there are hints and -1 (counted 0) when not, which is all
 * the key keeps; a deal's figure is bargain_evaluate()'s. */
static int64_t value_at(const struct viewer *w, int kind, int64_t x)
{
	const struct nk_rules *r = w->rules;

	if (kind != NK_NO_DEAL)
		return key_at(w, x).v;
	if (r->hint_count <= 0)
		return 0;
	return -(int64_t)(w->role == NK_CLAIMANT ? bargain_gap_band(r, w->own, x)
						 : bargain_gap_band(r, x, w->own));
}

/* key_cmp(key_at(w, x), lo) >= 0 and key_cmp(key_at(w, x), hi) <= 0. key_cmp orders by
 * kind first, so the figure or band is computed only when x's kind is the bound's (a
 * figure on the grid costs two 128-bit divisions), and not then either when the bound
 * is open: no key is below (kind, INT64_MIN) or above (kind, INT64_MAX) of its kind.
 * Each answer is the whole key's, so every search probes and ends where the reference
 * (w->whole) does: tests/unit/test_bargain_probe.c compares the two. */
static bool at_least(const struct viewer *w, const struct kinds *k, int64_t x, struct key lo)
{
	int kind;

	if (w->whole)
		return key_cmp(key_at(w, x), lo) >= 0;
	kind = kind_at(w, k, x);
	if (kind != lo.kind)
		return kind > lo.kind;
	return lo.v == INT64_MIN || value_at(w, kind, x) >= lo.v;
}

static bool at_most(const struct viewer *w, const struct kinds *k, int64_t x, struct key hi)
{
	int kind;

	if (w->whole)
		return key_cmp(key_at(w, x), hi) <= 0;
	kind = kind_at(w, k, x);
	if (kind != hi.kind)
		return kind < hi.kind;
	return hi.v == INT64_MAX || value_at(w, kind, x) <= hi.v;
}

/* Where a search on an open bound turns: there the answer is the kind's alone, kind >= K
 * for (K, INT64_MIN) and kind <= K for (K, INT64_MAX), and so, by k, a threshold on x.
 * first_at: the first search's probes (key >= lo for the claimant, key <= hi for the
 * payer) are in exactly when x >= *t; last_at: the second's (key <= hi, key >= lo) exactly
 * when x <= *t. False when the bound is not open or k is not valid: the search probes. */
static const __int128 below_all = -((__int128)1 << 100), above_all = (__int128)1 << 100;

static __int128 min128(__int128 a, __int128 b)
{
	return a < b ? a : b;
}

static __int128 max128(__int128 a, __int128 b)
{
	return a > b ? a : b;
}

/* Without a deal a key's value is -band, band in [0, h] (h the hints, none: 0). For
 * (NO_DEAL, v) with v neither open end: whether it is no deal's band b = -v in range,
 * or v above every value (> 0) or below every value (<= -h - 1 or -h). */
static bool band_bound(const struct kinds *k, const struct nk_rules *r, struct key b)
{
	return b.kind == NK_NO_DEAL && b.v != INT64_MIN && b.v != INT64_MAX && k->bands_valid &&
	       r->hint_count >= 0;
}

static bool first_at(const struct viewer *w, const struct kinds *k, struct key lo,
		     struct key hi, __int128 *t)
{
	const int h = w->rules->hint_count;

	if (w->whole || !k->valid)
		return false;
	if (w->role == NK_CLAIMANT) {
		if (band_bound(k, w->rules, lo)) {	/* kind >= 1, or no deal and band <= -v */
			*t = lo.v <= -(int64_t)h ? below_all : lo.v > 0 ? k->at[0]
				: min128(k->at[0], k->bands[-lo.v]);
			return true;
		}
		/* kind >= K: x >= at[K - 1] */
		if (lo.v != INT64_MIN || lo.kind < NK_NO_DEAL || lo.kind > NK_DEAL_OVERLAP)
			return false;
		*t = lo.kind == NK_NO_DEAL ? below_all : k->at[lo.kind - 1];
	} else {
		if (band_bound(k, w->rules, hi)) {	/* no deal and band >= -v */
			*t = hi.v < -(int64_t)h ? above_all : hi.v >= 0 ? k->at[0] + 1
				: max128(k->at[0], k->bands[-hi.v - 1]) + 1;
			return true;
		}
		/* kind <= K: not x <= at[K] */
		if (hi.v != INT64_MAX || hi.kind < NK_NO_DEAL || hi.kind > NK_DEAL_OVERLAP)
			return false;
		*t = hi.kind == NK_DEAL_OVERLAP ? below_all : k->at[hi.kind] + 1;
	}
	return true;
}

static bool last_at(const struct viewer *w, const struct kinds *k, struct key lo,
		    struct key hi, __int128 *t)
{
	const int h = w->rules->hint_count;

	if (w->whole || !k->valid)
		return false;
	if (w->role == NK_CLAIMANT) {
		if (band_bound(k, w->rules, hi)) {	/* no deal and band >= -v */
			*t = hi.v < -(int64_t)h ? below_all : hi.v >= 0 ? k->at[0] - 1
				: min128(k->at[0], k->bands[-hi.v - 1]) - 1;
			return true;
		}
		/* kind <= K: not x >= at[K] */
		if (hi.v != INT64_MAX || hi.kind < NK_NO_DEAL || hi.kind > NK_DEAL_OVERLAP)
			return false;
		*t = hi.kind == NK_DEAL_OVERLAP ? above_all : k->at[hi.kind] - 1;
	} else {
		if (band_bound(k, w->rules, lo)) {	/* kind >= 1, or no deal and band <= -v */
			*t = lo.v <= -(int64_t)h ? above_all : lo.v > 0 ? k->at[0]
				: max128(k->at[0], k->bands[-lo.v]);
			return true;
		}
		/* kind >= K: x <= at[K - 1] */
		if (lo.v != INT64_MIN || lo.kind < NK_NO_DEAL || lo.kind > NK_DEAL_OVERLAP)
			return false;
		*t = lo.kind == NK_NO_DEAL ? above_all : k->at[lo.kind - 1];
	}
	return true;
}

/* The x in prior whose key lies in [lo, hi], found by binary search (the key is
 * monotone in x). An empty result has low > high. Where a search's probes answer by a
 * threshold t on x (first_at, last_at), it ends where its probes would have taken it:
 * at t held within the search's interval, at its start when that is empty. */
static struct nk_interval preimage(const struct viewer *w, struct nk_interval prior,
				   struct key lo, struct key hi)
{
	const bool claimant = w->role == NK_CLAIMANT;
	const struct kinds k = kinds_of(w);
	struct nk_interval out;
	int64_t a, b;
	__int128 t;

	/* first x with key >= lo (claimant) or key <= hi (payer) */
	a = prior.low, b = prior.high + 1;
	if (first_at(w, &k, lo, hi, &t)) {
		if (a < b)
			a = t < a ? a : t > b ? b : (int64_t)t;
		b = a;
	}
	while (a < b) {
		int64_t m = a + (b - a) / 2;
		bool in = claimant ? at_least(w, &k, m, lo) : at_most(w, &k, m, hi);

		if (in)
			b = m;
		else
			a = m + 1;
	}
	out.low = a;
	/* last x with key <= hi (claimant) or key >= lo (payer) */
	a = prior.low - 1, b = prior.high;
	if (last_at(w, &k, lo, hi, &t)) {
		if (a < b)
			a = t < a ? a : t > b ? b : (int64_t)t;
		b = a;
	}
	while (a < b) {
		int64_t m = b - (b - a) / 2;
		bool in = claimant ? at_most(w, &k, m, hi) : at_least(w, &k, m, lo);

		if (in)
			a = m;
		else
			b = m - 1;
	}
	out.high = a;
	return out;
}

double nk_bargain_bits(const struct nk_rules *r, struct nk_interval i)
{
	double all = (double)(r->range_high - r->range_low) + 1.0;
	double left = i.high >= i.low ? (double)(i.high - i.low) + 1.0 : 1.0;

	return log2(all / left);
}

struct nk_interval bargain_meet(struct nk_interval a, struct nk_interval b)
{
	struct nk_interval m = { a.low > b.low ? a.low : b.low, a.high < b.high ? a.high : b.high };

	return m;
}

/* The interval a viewer holds after the round, given what it was told. band < 0
 * means no hint was told. */
struct nk_interval bargain_view_of(const struct viewer *w, struct nk_interval prior,
				   struct outcome seen, int band)
{
	struct key lo = { (int)seen.deal, INT64_MIN }, hi = { (int)seen.deal, INT64_MAX };

	switch (seen.deal) {
	case NK_NO_DEAL:
		if (band >= 0)
			lo.v = hi.v = -(int64_t)band;
		break;
	case NK_DEAL_CLOSER:
		/* The other's extension is unknown: only "no deal without extensions". */
		lo.kind = 0;
		break;
	case NK_DEAL_BAND:
	case NK_DEAL_OVERLAP:
		if (w->rules->settle != NK_SETTLE_RANDOM || seen.deal == NK_DEAL_BAND) {
			lo.v = hi.v = w->role == NK_CLAIMANT ? seen.figure : -seen.figure;
		} else {
			/* The figure lies in [demand, offer], and the revealed draws that were
			 * rejected lie outside it: replayed with the viewer's figure and the
			 * settlement in place of the other's, they are the same draws. */
			struct nk_interval left = { w->rules->range_low, w->rules->range_high };

			int64_t d = w->role == NK_CLAIMANT ? w->own : seen.figure;
			int64_t o = w->role == NK_CLAIMANT ? seen.figure : w->own;

			if (w->seed)
				(void)bargain_random_point(w->rules, w->round, w->seed, d, o, &left);
			if (w->role == NK_CLAIMANT) {
				left.low = seen.figure;
			} else {
				left.high = seen.figure;
			}
			prior = bargain_meet(prior, left);
		}
		break;
	case NK_DEAL_PROPOSAL:
	case NK_DEAL_NEUTRAL:	/* never a round's outcome */
	case NK_DEAL_BRIDGE:	/* never a round's own outcome */
		return prior;
	}
	return preimage(w, prior, lo, hi);
}
