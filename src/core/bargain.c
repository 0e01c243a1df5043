/* One round of the blind exchange: whether and where it settles, the hint after a
 * failed round, and the leakage accounting that decides whether a hint may be told
 * (the views it weighs are bargain_view.c's).
 * Every answer is a pure function of the rules, the figures and the committed seed. */
#include "core/bargain_impl.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* Band of the gap (demand - offer > 0): how many thresholds it exceeds, as shares of
 * the demand. 0 is the closest band. */
int bargain_gap_band(const struct nk_rules *r, int64_t demand, int64_t offer)
{
	__int128 gap = (__int128)demand - offer;
	int band = 0;

	for (int i = 0; i < r->hint_count; i++)
		if (gap * NK_BP_ONE > (__int128)r->hint_bp[i] * demand)
			band = i + 1;
	return band;
}

static bool within_band(const struct nk_rules *r, int64_t demand, int64_t offer)
{
	__int128 gap = (__int128)demand - offer;

	if (r->settle != NK_SETTLE_BAND)
		return false;
	if (r->band_amount && gap <= r->band_amount)
		return true;
	return r->band_bp && gap * NK_BP_ONE <= (__int128)r->band_bp * demand;
}

/* The multiple of grid inside [low, high] nearest to twice/2, the lower on a tie;
 * floor(twice/2) when no multiple lies inside. Requires low <= twice/2 <= high. */
static int64_t on_grid(int64_t low, int64_t high, __int128 twice, int64_t grid)
{
	__int128 below = (twice / 2 / grid) * grid;	/* twice >= 0 */
	__int128 above = below + grid;
	bool below_in = below >= low, above_in = above <= high;

	if (below_in && above_in)
		return (int64_t)(twice - 2 * below <= 2 * above - twice ? below : above);
	if (below_in)
		return (int64_t)below;
	if (above_in)
		return (int64_t)above;
	return (int64_t)(twice / 2);
}

int64_t nk_bargain_midpoint(const struct nk_rules *rules, int64_t low, int64_t high)
{
	return on_grid(low, high, (__int128)low + high, rules->grid);
}

/* Draws of the random rule (doc/bargain.md, "The random draw"): the stream is BLAKE2b
 * keyed with the seed over a tag, the round and a counter. The cap makes the stream end;
 * doc/bargain.md shows that no case reaches it with a chance above 2^-8000. A test build
 * of this file may lower it (tests/unit/test_blind_draw_cap.c), to reach the cap's rule. */
#ifndef DRAWS_MAX
#define DRAWS_MAX 4096
#endif

/* A uniform draw in [0, n), n <= 2^63, by rejection on 128-bit words; false when the
 * stream has reached its cap. */
bool nk_bargain_draw(const uint8_t seed[static NK_SEED_BYTES], int round, uint32_t *counter,
		     uint64_t n, uint64_t *out)
{
	const unsigned __int128 all = ~(unsigned __int128)0;
	const unsigned __int128 limit = all - all % n;

	while (*counter < DRAWS_MAX) {
		uint8_t msg[16] = "nakodo-draw2";
		uint8_t h[16];
		unsigned __int128 v = 0;

		msg[12] = (uint8_t)round;
		msg[13] = (uint8_t)*counter;
		msg[14] = (uint8_t)(*counter >> 8);
		msg[15] = (uint8_t)(*counter >> 16);
		(*counter)++;
		crypto_generichash(h, sizeof(h), msg, sizeof(msg), seed, NK_SEED_BYTES);
		for (int i = 0; i < 16; i++)
			v = (v << 8) | h[i];
		if (v < limit) {
			*out = (uint64_t)(v % n);
			return true;
		}
	}
	return false;
}

static int64_t ceil_div(int64_t x, int64_t g)	/* x >= 0 */
{
	return x / g + (x % g != 0);
}

/* The random settlement in [d, o]: draws over the public range (its grid points, or
 * every minor unit when no grid point lies in [d, o]), each uniform in what is left of
 * it; a draw below d cuts the range above the draw, one above o below it; the first draw
 * in [d, o] is the figure. Every rejected draw lies outside [d, o], so it tells a side
 * only that the other's limit lies short of it. last receives the range left when the
 * figure was drawn: what the draws tell each side (doc/bargain.md). */
int64_t bargain_random_point(const struct nk_rules *r, int round,
			     const uint8_t seed[NK_SEED_BYTES], int64_t d, int64_t o,
			     struct nk_interval *last)
{
	int64_t g = r->grid, zlo = ceil_div(d, g), zhi = o / g;
	int64_t lo, hi, k;
	uint32_t counter = 0;
	uint64_t v;

	if (zlo > zhi) {	/* no grid point inside: every minor unit */
		g = 1;
		zlo = d;
		zhi = o;
	}
	lo = ceil_div(r->range_low, g);
	hi = r->range_high / g;
	while (nk_bargain_draw(seed, round, &counter, (uint64_t)(hi - lo) + 1, &v)) {
		k = lo + (int64_t)v;
		if (k < zlo) {
			lo = k + 1;
		} else if (k > zhi) {
			hi = k - 1;
		} else {
			goto out;
		}
	}
	/* The cap: the zone's point nearest the middle of what is left, the lower on a tie. */
	k = lo + (hi - lo) / 2;
	k = k < zlo ? zlo : k > zhi ? zhi : k;
out:
	if (last) {
		/* Draws short of lo or past hi were rejected: the limits lie inside. */
		last->low = lo > ceil_div(r->range_low, g) ? (lo - 1) * g + 1 : r->range_low;
		last->high = hi < r->range_high / g ? (hi + 1) * g - 1 : r->range_high;
		if (g == 1 && r->grid > 1) {	/* and no grid point lay in [d, o] */
			int64_t below = (d / r->grid) * r->grid;
			int64_t above = ceil_div(o, r->grid) * r->grid;

			last->low = below + 1 > last->low ? below + 1 : last->low;
			last->high = above - 1 < last->high ? above - 1 : last->high;
		}
	}
	return k * g;
}

/* The kind of the round's outcome from both figures: bargain_evaluate()'s first
 * decision, and all that a probe of the views' search needs of a figure of another kind
 * (bargain_view.c, preimage). */
enum nk_deal_kind bargain_deal_kind(const struct nk_rules *r, int64_t d, int64_t o,
				    int64_t ext_c, int64_t ext_p)
{
	if (o >= d)
		return NK_DEAL_OVERLAP;
	if (within_band(r, d, o))
		return NK_DEAL_BAND;
	if ((__int128)o + ext_p >= (__int128)d - ext_c)
		return NK_DEAL_CLOSER;
	return NK_NO_DEAL;
}

/* The round's outcome from both figures. seed may be NULL: a random-rule figure is
 * then left at the midpoint (used only to classify, never to settle). */
struct outcome bargain_evaluate(const struct nk_rules *r, int round, int64_t d, int64_t o,
				int64_t ext_c, int64_t ext_p, const uint8_t *seed)
{
	struct outcome out = { NK_NO_DEAL, 0, -1 };

	out.deal = bargain_deal_kind(r, d, o, ext_c, ext_p);
	if (out.deal == NK_DEAL_OVERLAP) {
		if (r->settle == NK_SETTLE_RANDOM && seed)
			out.figure = bargain_random_point(r, round, seed, d, o, NULL);
		else
			out.figure = on_grid(d, o, (__int128)d + o, r->grid);
	} else if (out.deal == NK_DEAL_BAND) {
		out.figure = on_grid(o, d, (__int128)d + o, r->grid);
	} else if (out.deal == NK_DEAL_CLOSER) {
		/* The extended figures meet: settle between them by the case's rule, as an
		 * overlap of d - ext_c and o + ext_p would. Keeping the figure inside [o, d]
		 * instead would settle exactly at the limit of a side that did not extend,
		 * telling it to the other side and to the mediator, and would bypass the
		 * random rule and the grid (doc/bargain.md, "Deal-closer"). */
		int64_t low = d - ext_c, high = o + ext_p;

		/* within the public range, like every figure: [o, d] lies inside both */
		low = low < r->range_low ? r->range_low : low;
		high = high > r->range_high ? r->range_high : high;

		if (r->settle == NK_SETTLE_RANDOM && seed)
			out.figure = bargain_random_point(r, round, seed, low, high, NULL);
		else
			out.figure = on_grid(low, high, (__int128)low + high, r->grid);
	} else if (r->hint_count > 0) {
		out.band = bargain_gap_band(r, d, o);
	}
	return out;
}

/* The latest round before `round` in which role's figure was the one it has in `round`,
 * or 0. */
static int same_figure_before(const struct nk_round_figures *figures, int round,
			      enum nk_role role)
{
	const struct nk_round_figures *now = &figures[round - 1];

	for (int s = round - 1; s >= 1; s--)
		if (role == NK_CLAIMANT ? figures[s - 1].demand == now->demand
					: figures[s - 1].offer == now->offer)
			return s;
	return 0;
}

/* What the other side learnt in a round of holder's figure. */
static struct nk_interval learnt(const struct nk_round_result *res, enum nk_role holder)
{
	return holder == NK_PAYER ? res->claimant.other : res->payer.other;
}

/* The tightest bound on holder's figure the other side can have had after a round. */
static struct nk_interval exposed(const struct nk_round_result *res, enum nk_role holder)
{
	return holder == NK_CLAIMANT ? res->claimant.exposed_bound : res->payer.exposed_bound;
}

/* What may be assumed of holder's figure before a round, given what each earlier round
 * left known of it (bound: learnt, or exposed): offers never fall and demands never rise,
 * so under monotone rules one bound carries over; and a side may always assume that the
 * other kept a figure, so when holder's figure of this round is one it had before,
 * everything known of it then still holds (the go-between knows when it did; the
 * decisions that follow are the ones the viewer would make itself if it guessed so).
 * learnt gives what the viewer (holder's other side) may assume;
 * exposed, from the side of the holder, whose figure is known, the tightest bound the
 * other side can have carried, over every figure of the other that the holder could not
 * rule out. */
static struct nk_interval carried(const struct nk_rules *r, enum nk_role holder, int round,
				  const struct nk_round_figures *figures,
				  const struct nk_round_result *results,
				  struct nk_interval (*bound)(const struct nk_round_result *res,
							      enum nk_role holder))
{
	struct nk_interval i = { r->range_low, r->range_high };
	int s = same_figure_before(figures, round, holder);

	if (round > 1 && r->monotone) {
		struct nk_interval last = bound(&results[round - 2], holder);

		if (holder == NK_PAYER)
			i.low = last.low;
		else
			i.high = last.high;
	}
	if (s > 0)
		i = bargain_meet(i, bound(&results[s - 1], holder));
	return i;
}

/* Decides whether the viewer may be told the band: only if every band it could be told,
 * given what it already knows, keeps it within the budget, so that withholding itself
 * says nothing. Fills v. */
static void tell(const struct viewer *w, struct nk_interval prior, struct outcome seen,
		 struct nk_view *v)
{
	bool allowed = seen.deal == NK_NO_DEAL && w->rules->hint_count > 0;

	for (int b = 0; allowed && b <= w->rules->hint_count; b++) {
		struct nk_interval i = bargain_view_of(w, prior, seen, b);

		if (i.low <= i.high &&
		    nk_bargain_bits(w->rules, i) > w->rules->leakage_bits + 1e-9)
			allowed = false;
	}
	v->hint = allowed ? seen.band : -1;
	v->withheld = seen.deal == NK_NO_DEAL && w->rules->hint_count > 0 && !allowed;
	v->other = bargain_view_of(w, prior, seen, v->hint);
	v->bits = nk_bargain_bits(w->rules, v->other);
}

/* The most the other side can know of self's figure. Self cannot see the other's
 * figure, only the stretch where it lies; for each figure there, the other's view
 * follows from what it was told (every hint assumed told). Within a part of the
 * stretch that shares one hint band, the other's bounds rise with its figure and the
 * width of its view is concave in it, so the sharpest view sits at a part's end: that
 * view is the exposure. What carries to the next round is the intersection of all
 * such views, the tightest bound the other can have kept. Not counted: what a
 * deal-closer extension of the other side, which self cannot see, probed further. */
static void expose(const struct nk_rules *r, int round, enum nk_role self, int64_t own,
		   int64_t own_ext, const uint8_t *seed, struct nk_view *v,
		   struct nk_interval prior, struct outcome seen, bool whole)
{
	struct viewer me = { r, round, self, own, own_ext, seed, whole };
	struct nk_interval bound = prior, sharpest = prior;
	double best = -1.0;
	bool banded = seen.deal == NK_NO_DEAL && r->hint_count > 0;

	for (int b = banded ? 0 : seen.band; b <= (banded ? r->hint_count : seen.band); b++) {
		struct nk_interval piece =
			banded ? bargain_meet(v->other, bargain_view_of(&me, v->other, seen, b))
			       : v->other;
		int64_t ends[2] = { piece.low, piece.high };

		if (piece.low > piece.high)
			continue;
		for (int i = 0; i < 2; i++) {
			struct viewer w = { r, round, self == NK_CLAIMANT ? NK_PAYER : NK_CLAIMANT,
					    ends[i], 0, seed, whole };
			struct nk_interval view = bargain_view_of(&w, prior, seen, b);

			bound = bargain_meet(bound, view);
			if (view.low <= view.high && nk_bargain_bits(r, view) > best) {
				best = nk_bargain_bits(r, view);
				sharpest = view;
			}
		}
	}
	if (bound.low > bound.high || bound.low > own || bound.high < own)
		bound.low = bound.high = own;	/* the other's bounds all hold own */
	v->exposed = sharpest;
	v->exposed_bits = nk_bargain_bits(r, sharpest);
	v->exposed_bound = bound;
}

enum nk_status bargain_round_probed(const struct nk_rules *rules, int round,
				    const struct nk_round_figures *figures,
				    struct nk_round_result *results,
				    const uint8_t seed[NK_SEED_BYTES], bool whole,
				    struct nk_error *err)
{
	const struct nk_round_figures *f = &figures[round > 0 ? round - 1 : 0];
	struct nk_round_result res;
	struct outcome seen;
	enum nk_status rc;

	/* the arithmetic's needs only: a stored case replays under the policy of its day */
	if ((rc = nk_rules_check_sound(rules, err)) != NK_OK)
		return rc;
	if (round < 1 || round > rules->rounds)
		return nk_fail(err, NK_EINVAL, "round", "round %d is outside 1..%d", round, rules->rounds);
	if (f->demand < rules->range_low || f->demand > rules->range_high ||
	    f->offer < rules->range_low || f->offer > rules->range_high)
		return nk_fail(err, NK_EINVAL, "amount", "a figure lies outside the case's range");
	if (f->claimant_extension < 0 || f->payer_extension < 0 ||
	    f->claimant_extension > NK_AMOUNT_MAX || f->payer_extension > NK_AMOUNT_MAX)
		return nk_fail(err, NK_EINVAL, "extension", "an extension is out of bounds");

	seen = bargain_evaluate(rules, round, f->demand, f->offer, f->claimant_extension,
			f->payer_extension, seed);
	memset(&res, 0, sizeof(res));
	res.deal = seen.deal;
	res.figure = seen.figure;
	res.band = seen.band;
	{
		/* A random settlement reveals its seed; nothing else does. */
		const uint8_t *shown = seen.deal == NK_DEAL_OVERLAP ? seed : NULL;
		struct viewer c = { rules, round, NK_CLAIMANT, f->demand, f->claimant_extension,
				    shown, whole };
		struct viewer p = { rules, round, NK_PAYER, f->offer, f->payer_extension, shown,
				    whole };
		struct nk_interval cp = carried(rules, NK_PAYER, round, figures, results, learnt);
		struct nk_interval pp = carried(rules, NK_CLAIMANT, round, figures, results, learnt);

		tell(&c, cp, seen, &res.claimant);
		tell(&p, pp, seen, &res.payer);
		expose(rules, round, NK_CLAIMANT, f->demand, f->claimant_extension, shown,
		       &res.claimant, carried(rules, NK_CLAIMANT, round, figures, results, exposed),
		       seen, whole);
		expose(rules, round, NK_PAYER, f->offer, f->payer_extension, shown, &res.payer,
		       carried(rules, NK_PAYER, round, figures, results, exposed), seen, whole);
	}
	results[round - 1] = res;
	return NK_OK;
}

enum nk_status nk_bargain_round(const struct nk_rules *rules, int round,
				const struct nk_round_figures *figures,
				struct nk_round_result *results,
				const uint8_t seed[NK_SEED_BYTES], struct nk_error *err)
{
	return bargain_round_probed(rules, round, figures, results, seed, false, err);
}

bool bargain_hint_allowed_probed(const struct nk_rules *r, int round, enum nk_role role,
				 const int64_t *own, const int *told, int since, bool whole)
{
	const struct outcome none = { NK_NO_DEAL, 0, -1 };
	struct nk_interval learnt[NK_ROUNDS_MAX], prior = { 0, 0 };

	if (r->hint_count <= 0 || round < 1 || round > r->rounds || round > NK_ROUNDS_MAX)
		return false;
	/* carried()'s prior, round by round, with the hypothesis in place of the figures:
	 * the other's figure of round k is the one of round k - 1 exactly for since < k.
	 * Before since nothing is assumed: only the monotone bound crosses a changed figure,
	 * and it is the same whatever the other kept then (each bound carried is the
	 * tightest of all the rounds before it). */
	for (int k = 1; k <= round; k++) {
		const struct viewer w = { r, k, role, own[k - 1], 0, NULL, whole };

		prior = (struct nk_interval){ r->range_low, r->range_high };
		if (k > 1 && r->monotone) {
			if (role == NK_CLAIMANT)
				prior.low = learnt[k - 2].low;	/* offers never fall */
			else
				prior.high = learnt[k - 2].high;	/* demands never rise */
		}
		if (since > 0 && k > since)
			prior = bargain_meet(prior, learnt[k - 2]);
		if (k == round)
			break;
		learnt[k - 1] = bargain_view_of(&w, prior, none, told[k - 1]);
	}
	/* tell()'s test for a round without a deal */
	for (int b = 0; b <= r->hint_count; b++) {
		const struct viewer w = { r, round, role, own[round - 1], 0, NULL, whole };
		struct nk_interval i = bargain_view_of(&w, prior, none, b);

		if (i.low <= i.high && nk_bargain_bits(r, i) > r->leakage_bits + 1e-9)
			return false;
	}
	return true;
}

bool nk_bargain_hint_allowed(const struct nk_rules *r, int round, enum nk_role role,
			     const int64_t *own, const int *told, int since)
{
	return bargain_hint_allowed_probed(r, round, role, own, told, since, false);
}

enum nk_status nk_bargain_check_draw(const struct nk_rules *rules, int round, enum nk_role role,
				    int64_t own, int64_t figure, const uint8_t seed[NK_SEED_BYTES],
				    struct nk_error *err)
{
	const bool claimant = role == NK_CLAIMANT;

	if (rules->settle != NK_SETTLE_RANDOM || round < 1 || round > NK_ROUNDS_MAX ||
	    (role != NK_CLAIMANT && role != NK_PAYER))
		return nk_fail(err, NK_EINVAL, "rules", "only a party's random settlement is drawn");
	if (claimant ? own > figure : own < figure)
		return nk_fail(err, NK_EREFUSED, "figure", "the settlement lies %s your %s: not a "
			       "draw between the two figures", claimant ? "below" : "above",
			       claimant ? "demand" : "offer");
	/* Replayed with the other's limit at the settlement, the same draws come out (each
	 * rejected draw lies outside [demand, offer]), and a grid point lies in the narrowed
	 * zone exactly when one lay in the true zone, since the settlement is one then. */
	if (bargain_random_point(rules, round, seed, claimant ? own : figure, claimant ? figure : own,
			 NULL) != figure)
		return nk_fail(err, NK_EREFUSED, "figure", "replayed from the seed with your %s, "
			       "the draw does not land on the settlement",
			       claimant ? "demand" : "offer");
	return NK_OK;
}

void nk_bargain_commit_seed(const uint8_t seed[NK_SEED_BYTES], uint8_t commitment[32])
{
	crypto_hash_sha256(commitment, seed, NK_SEED_BYTES);
}

void nk_bargain_hint_text(const struct nk_rules *r, int band, char out[static NK_HINT_TEXT_MAX])
{
	static const char *const words2[] = { "close", "apart", "far" };
	static const char *const words1[] = { "close", "far" };
	const char *word;
	uint32_t lo, hi;

	if (band < 0 || band > r->hint_count || r->hint_count > NK_HINTS_MAX) {
		snprintf(out, NK_HINT_TEXT_MAX, "none");
		return;
	}
	word = r->hint_count == 2 ? words2[band] : r->hint_count == 1 ? words1[band] : "band";
	lo = band > 0 ? r->hint_bp[band - 1] : 0;
	hi = band < r->hint_count ? r->hint_bp[band] : 0;
	if (band == 0) {
		snprintf(out, NK_HINT_TEXT_MAX, "%s (gap within %u.%02u%% of the demand)", word,
			 hi / 100, hi % 100);
	} else if (band == r->hint_count) {
		snprintf(out, NK_HINT_TEXT_MAX, "%s (gap over %u.%02u%% of the demand)", word,
			 lo / 100, lo % 100);
	} else {
		snprintf(out, NK_HINT_TEXT_MAX, "%s (gap %u.%02u%%–%u.%02u%% of the demand)", word,
			 lo / 100, lo % 100, hi / 100, hi % 100);
	}
}
