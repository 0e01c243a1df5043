/* The prober: plays one side of many random cases against a fixed other side (one
 * limit, submitted every round), through the real case functions on a mem: store, and
 * measures what it learns of that limit from everything it sees: the outcome of every
 * round, the hints and withholdings, the views in its briefings, the settlement and the
 * revealed seed. Its knowledge is computed exactly: every limit on the range is replayed
 * through the public rules with the prober's own figures, and kept if it reproduces
 * every observation. Checks what doc/bargain.md promises; prints TAP. */
#include <nakodo/case.h>
#include "../splitmix.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CASES	  1000 /* per settle rule and monotone setting */
#define BUDGET	  4.0
#define WIDTH_MAX 600

/* How the prober picks its figures: bisecting the other's limit with the hint
 * thresholds, keeping one figure, or a random walk. */
enum strategy { BISECT, REPEAT, WALK, STRATEGIES };


static int64_t fake_clock;

static int64_t fake_now(void *arg)
{
	(void)arg;
	return fake_clock += 1000;
}

static void fake_random(void *arg, uint8_t *buf, size_t len)
{
	(void)arg;
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)next();
}

/* What one round showed the prober. */
struct seen {
	enum nk_deal_kind deal;
	int64_t figure;
	int hint;
	bool withheld;
	bool has_view;
	struct nk_interval other, exposed;
	bool other_side_view;		   /* the fixed side's briefing had a view */
	struct nk_interval shown_to_other; /* the exposure that briefing showed it */
};

struct game {
	struct nk_rules rules;
	enum nk_role me;
	int64_t limit; /* the other side's, fixed */
	int rounds;    /* rounds played */
	struct nk_round_figures figs[NK_ROUNDS_MAX];
	struct seen seen[NK_ROUNDS_MAX];
	bool seed_revealed;
	uint8_t seed[NK_SEED_BYTES];
};

struct tally {
	int cases, deals, impasses, hint_rounds, exact;
	double bits_max, bits_sum;	     /* at impasse */
	double hint_excess_max;		     /* rounds with a told hint: bits - budget */
	int shown_checks;		     /* rounds whose exposure shown was checked */
	int shown_rounding;		     /* of which within its rounding only */
	double deal_bits_max, deal_bits_sum; /* settled */
	double added_sum, bound_sum;	     /* random: seed's bits, and their bound */
	int failures;
};

static int tap_no;

static void random_rules(struct nk_rules *r, enum nk_settle settle, bool monotone)
{
	nk_rules_default(r, nk_currency_find("JPY"));
	r->rounds = (int)between(2, 6);
	r->monotone = monotone;
	r->settle = settle;
	r->range_low = 0;
	r->range_high = between(120, WIDTH_MAX);
	r->grid = next() % 3 ? 1 : between(2, 25);
	if (settle == NK_SETTLE_BAND) {
		r->band_bp = next() % 2 ? (uint32_t)between(100, 1500) : 0;
		r->band_amount = r->band_bp == 0 || next() % 2 ? between(1, r->range_high / 10) : 0;
	}
	r->hint_count = (int)between(1, 3);
	for (int i = 0; i < r->hint_count; i++)
		r->hint_bp[i] =
		    (uint32_t)(i == 0 ? between(300, 3000)
				      : r->hint_bp[i - 1] + (uint32_t)between(300, 2500));
	r->leakage_bits = BUDGET;
	r->proposals = 0;
}

static int64_t clamp(const struct nk_rules *r, int64_t v)
{
	return v < r->range_low ? r->range_low : v > r->range_high ? r->range_high : v;
}

/* The prober's next figure. known is what its last briefing says of the other's. */
static int64_t choose(const struct game *g, enum strategy s, struct nk_interval known)
{
	const struct nk_rules *r = &g->rules;
	const int t = g->rounds;
	const int64_t prev = !t			    ? 0
			     : g->me == NK_CLAIMANT ? g->figs[t - 1].demand
						    : g->figs[t - 1].offer;
	int64_t v = 0;

	switch (s) {
	case REPEAT:
		v = t ? prev : between(r->range_low, r->range_high);
		break;
	case WALK:
		v = t ? prev + between(-r->range_high / 8, r->range_high / 8)
		      : between(r->range_low, r->range_high);
		break;
	case BISECT: {
		/* Put one hint threshold in the middle of what it knows, on the side of
		 * the other's limit that keeps the round from settling. */
		double p = r->hint_bp[between(0, r->hint_count - 1)] / (double)NK_BP_ONE;
		int64_t mid = known.low + (known.high - known.low) / 2;

		if (g->me == NK_CLAIMANT) {
			v = (int64_t)ceil((double)mid / (1.0 - p));
			if (v <= known.high)
				v = known.high + 1;
		} else {
			v = (int64_t)floor((double)mid * (1.0 - p));
			if (v >= known.low)
				v = known.low - 1;
		}
		break;
	}
	default:
		break;
	}
	v = clamp(r, v);
	if (t && r->monotone) /* demands never rise, offers never fall */
		v = g->me == NK_CLAIMANT ? (v > prev ? prev : v) : (v < prev ? prev : v);
	return v;
}

static bool same_interval(struct nk_interval a, struct nk_interval b)
{
	return a.low == b.low && a.high == b.high;
}

/* Replays the game with candidate x as the other's limit; returns the first round
 * whose observation x does not reproduce, or rounds + 1. results receives x's. */
static int replay(const struct game *g, int64_t x, struct nk_round_result *results)
{
	static const uint8_t unknown[NK_SEED_BYTES];
	struct nk_round_figures figs[NK_ROUNDS_MAX];

	for (int t = 1; t <= g->rounds; t++) {
		const struct seen *s = &g->seen[t - 1];
		const struct nk_view *v;

		figs[t - 1] = g->figs[t - 1];
		if (g->me == NK_CLAIMANT)
			figs[t - 1].offer = x;
		else
			figs[t - 1].demand = x;
		if (nk_bargain_round(&g->rules, t, figs, results,
				     g->seed_revealed ? g->seed : unknown, NULL) != NK_OK)
			return t;
		v = g->me == NK_CLAIMANT ? &results[t - 1].claimant : &results[t - 1].payer;
		if (results[t - 1].deal != s->deal ||
		    (s->deal && results[t - 1].figure != s->figure) || v->hint != s->hint ||
		    v->withheld != s->withheld)
			return t;
		if (s->has_view &&
		    (!same_interval(v->other, s->other) || !same_interval(v->exposed, s->exposed)))
			return t;
	}
	return g->rounds + 1;
}

static double bits(const struct nk_rules *r, double count)
{
	return log2(((double)(r->range_high - r->range_low) + 1.0) / count);
}

static void fail(struct tally *tl, const char *what, const struct game *g, double a, double b)
{
	if (tl->failures++ < 5)
		printf("# FAIL %s: %s as %s, limit %lld, %d rounds: %.3f vs %.3f\n", what,
		       nk_settle_name(g->rules.settle), nk_role_name(g->me), (long long)g->limit,
		       g->rounds, a, b);
	if (getenv("PROBER_DEBUG"))
		printf("#   range %lld grid %lld hints %d: %u %u %u\n",
		       (long long)g->rules.range_high, (long long)g->rules.grid,
		       g->rules.hint_count, g->rules.hint_bp[0], g->rules.hint_bp[1],
		       g->rules.hint_bp[2]);
	if (getenv("PROBER_DEBUG"))
		for (int t = 0; t < g->rounds; t++)
			printf("#   round %d: demand %lld offer %lld deal %d hint %d%s\n", t + 1,
			       (long long)g->figs[t].demand, (long long)g->figs[t].offer,
			       (int)g->seen[t].deal, g->seen[t].hint,
			       g->seen[t].withheld ? " withheld" : "");
}

/* What the prober knows after the game, against what the rules say it may. */
static void measure(const struct game *g, struct tally *tl)
{
	static struct nk_round_result results[NK_ROUNDS_MAX];
	const struct nk_rules *r = &g->rules;
	int survivors[NK_ROUNDS_MAX + 2] = {0}; /* [t]: consistent after round t */
	struct nk_round_result truth[NK_ROUNDS_MAX];
	const struct seen *last = &g->seen[g->rounds - 1];
	const struct nk_view *stated;
	double learned, stated_bits;
	int64_t alone = 0;

	for (int64_t x = r->range_low; x <= r->range_high; x++) {
		int bad = replay(g, x, results);

		for (int t = 0; t < bad; t++)
			survivors[t]++;
		/* The settlement alone: x reproduces every round before, and lies beyond
		 * the figure. */
		if (last->deal == NK_DEAL_OVERLAP && bad >= g->rounds &&
		    (g->me == NK_CLAIMANT ? x >= last->figure : x <= last->figure))
			alone++;
	}
	if (replay(g, g->limit, truth) != g->rounds + 1) {
		fail(tl, "the true limit does not reproduce what was seen", g, 0, 0);
		return;
	}
	for (int t = 1; t <= g->rounds; t++) {
		const struct nk_view *v =
		    g->me == NK_CLAIMANT ? &truth[t - 1].claimant : &truth[t - 1].payer;
		double b = bits(r, survivors[t]);

		/* The fixed side's briefing never shows less than the prober holds, but
		 * for the unit by which rounding can narrow each bound of the sharpest
		 * view (doc/bargain.md). */
		if (g->seen[t - 1].other_side_view) {
			struct nk_interval e = g->seen[t - 1].shown_to_other;
			double w = (double)(e.high - e.low) + 1.0;

			tl->shown_checks++;
			tl->shown_rounding += b > bits(r, w) + 1e-9;
			if (b > bits(r, w > 3.0 ? w - 2.0 : 1.0) + 1e-9)
				fail(tl, "the other side is shown less than the prober holds", g, b,
				     bits(r, w));
		}
		if (v->hint < 0 || truth[t - 1].deal != NK_NO_DEAL)
			continue;
		tl->hint_rounds++;
		if (b - r->leakage_bits > tl->hint_excess_max)
			tl->hint_excess_max = b - r->leakage_bits;
		if (b > r->leakage_bits + 1e-9)
			fail(tl, "a told hint took the prober past the budget", g, b,
			     r->leakage_bits);
	}
	learned = bits(r, survivors[g->rounds]);
	stated =
	    g->me == NK_CLAIMANT ? &truth[g->rounds - 1].claimant : &truth[g->rounds - 1].payer;
	stated_bits = bits(r, (double)(stated->other.high - stated->other.low) + 1.0);
	/* The go-between's account of what the prober holds is the whole of it. */
	if (learned > stated_bits + 1e-9)
		fail(tl, "the prober knows more than its view says", g, learned, stated_bits);
	tl->exact += fabs(learned - stated_bits) < 1e-9;
	tl->cases++;
	if (last->deal == NK_NO_DEAL) {
		tl->impasses++;
		tl->bits_sum += learned;
		if (learned > tl->bits_max)
			tl->bits_max = learned;
		return;
	}
	tl->deals++;
	tl->deal_bits_sum += learned;
	if (learned > tl->deal_bits_max)
		tl->deal_bits_max = learned;
	if (r->settle == NK_SETTLE_RANDOM && last->deal == NK_DEAL_OVERLAP) {
		/* doc/bargain.md: on average the seed adds at most log2(1 + a/n) bits, a
		 * the public points beyond the other's limit, n those in [demand, offer]. */
		const struct nk_round_figures *f = &g->figs[g->rounds - 1];
		int64_t grid = r->grid, n, a;

		if (f->offer / grid < (f->demand + grid - 1) / grid)
			grid = 1;
		n = f->offer / grid - (f->demand + grid - 1) / grid + 1;
		a = g->me == NK_CLAIMANT
			? r->range_high / grid - f->offer / grid
			: (f->demand + grid - 1) / grid - (r->range_low + grid - 1) / grid;
		tl->added_sum += log2((double)alone / survivors[g->rounds]);
		tl->bound_sum += log2(1.0 + (double)a / (double)n);
	}
}

static bool play(const struct nk_case_env *env, struct game *g, enum strategy s)
{
	char id[NK_CASE_ID_MAX];
	enum nk_role other = g->me == NK_CLAIMANT ? NK_PAYER : NK_CLAIMANT;
	struct nk_interval known = {g->rules.range_low, g->rules.range_high};
	static struct nk_brief b;
	struct nk_error err = {0};

	if (nk_case_open(env, &g->rules, id, &err) != NK_OK)
		goto fail;
	for (int t = 1; t <= g->rules.rounds; t++) {
		int64_t mine = choose(g, s, known);
		struct seen *sn = &g->seen[t - 1];

		g->figs[t - 1] =
		    (struct nk_round_figures){g->me == NK_CLAIMANT ? mine : g->limit,
					      g->me == NK_CLAIMANT ? g->limit : mine, 0, 0};
		g->rounds = t;
		if (nk_case_submit(env, id, other, g->limit, &err) != NK_OK ||
		    nk_case_submit(env, id, g->me, mine, &err) != NK_OK ||
		    nk_case_brief(env, id, g->me, &b, &err) != NK_OK)
			goto fail;
		sn->deal = b.rounds[t - 1].deal;
		sn->figure = b.rounds[t - 1].figure;
		sn->hint = b.rounds[t - 1].hint;
		sn->withheld = b.rounds[t - 1].withheld;
		sn->has_view = b.rounds[t - 1].has_view;
		sn->other = b.rounds[t - 1].view.other;
		sn->exposed = b.rounds[t - 1].view.exposed;
		if (sn->has_view)
			known = sn->other;
		if (nk_case_brief(env, id, other, &b, &err) != NK_OK)
			goto fail;
		sn->other_side_view = b.rounds[t - 1].has_view;
		sn->shown_to_other = b.rounds[t - 1].view.exposed;
		if (b.settled) {
			g->seed_revealed = b.seed_revealed;
			memcpy(g->seed, b.seed, sizeof(g->seed));
			break;
		}
	}
	return true;
fail:
	printf("# case refused: %s: %s\n", err.field, err.text);
	return false;
}

int main(void)
{
	static const enum nk_settle settles[] = {NK_SETTLE_MIDPOINT, NK_SETTLE_BAND,
						 NK_SETTLE_RANDOM};
	struct nk_server_key *signer = NULL;
	struct nk_store *store = NULL;
	struct nk_case_env env;
	int failed = 0;

	if (sodium_init() < 0 || nk_store_open(&store, "mem:", NK_STORE_CREATE, NULL) != NK_OK ||
	    nk_server_key_generate(&signer, NULL) != NK_OK) {
		printf("Bail out! no store\n");
		return 1;
	}
	env = (struct nk_case_env){store, fake_now, fake_random, NULL, signer, NULL, NULL};
	fake_clock = INT64_C(1700000000000);
	printf("1..%d\n", 6);
	for (int k = 0; k < 3; k++) {
		for (int m = 1; m >= 0; m--) {
			struct tally tl = {0};

			rng_state = 20261204 + (uint64_t)(10 * k + m);
			for (int c = 0; c < CASES; c++) {
				struct game g;

				memset(&g, 0, sizeof(g));
				random_rules(&g.rules, settles[k], m);
				g.me = c % 2 ? NK_PAYER : NK_CLAIMANT;
				g.limit = between(g.rules.range_low, g.rules.range_high);
				/* a store per case: an ended case keeps its sealed hints and
				 * seed for its parties, and mem: copies every secret it holds
				 * at each transaction's start (for its rollback) */
				nk_store_close(store);
				if (nk_store_open(&store, "mem:", NK_STORE_CREATE, NULL) != NK_OK) {
					printf("Bail out! no store\n");
					return 1;
				}
				env.store = store;
				if (!play(&env, &g, (enum strategy)(c / 2 % STRATEGIES))) {
					tl.failures++;
					continue;
				}
				measure(&g, &tl);
			}
			printf("# %s, monotone %s: %d cases (%s, each side), budget %.1f bits\n",
			       nk_settle_name(settles[k]), m ? "on" : "off", tl.cases,
			       "bisect/repeat/walk", BUDGET);
			printf("#   no deal: %d cases, bits learned max %.2f mean %.2f; "
			       "after %d told hints at most %+.2f over the budget\n",
			       tl.impasses, tl.bits_max,
			       tl.impasses ? tl.bits_sum / tl.impasses : 0.0, tl.hint_rounds,
			       tl.hint_excess_max);
			printf("#   settled: %d cases, bits learned max %.2f mean %.2f\n", tl.deals,
			       tl.deal_bits_max, tl.deals ? tl.deal_bits_sum / tl.deals : 0.0);
			if (settles[k] == NK_SETTLE_RANDOM && tl.deals)
				printf(
				    "#   random: the seed added %.2f bits on average, bound %.2f\n",
				    tl.added_sum / tl.deals, tl.bound_sum / tl.deals);
			printf(
			    "#   the stated view was the prober's exact knowledge in %d of %d; "
			    "the other side's exposure covered it in %d rounds (%d by rounding)\n",
			    tl.exact, tl.cases, tl.shown_checks, tl.shown_rounding);
			if (settles[k] == NK_SETTLE_RANDOM && tl.added_sum > tl.bound_sum + 1e-9)
				tl.failures++;
			printf("%s %d - %s, monotone %s\n", tl.failures ? "not ok" : "ok", ++tap_no,
			       nk_settle_name(settles[k]), m ? "on" : "off");
			failed += tl.failures > 0;
		}
	}
	nk_store_close(store);
	nk_server_key_free(signer);
	return failed ? 1 : 0;
}
