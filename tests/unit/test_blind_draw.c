/* The random rule's draw in a blind round (doc/blind.md, "The random rule"): the round
 * has the same number of messages, of the same sizes, whatever the figures — far apart,
 * a unit apart, on the grid or between its points — while the walk under it is as long as
 * the plain engine's, and it settles where nk_bargain_round does with the seed both
 * shares give; a share that does not match its commitment ends the round with nothing
 * computed, and the seed's check afterwards catches a changed share or seed. */
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

static void random_rules(struct nk_rules *r, int64_t low, int64_t high, int64_t grid)
{
	nk_rules_default(r, nk_currency_find("USD"));
	r->range_low = low;
	r->range_high = high;
	r->rounds = 3;
	r->settle = NK_SETTLE_RANDOM;
	r->grid = grid;
}

/* What the messages of a round were: their count and sizes, and the draws rejected in
 * the walk (the sum of the runs the draw messages carry). */
struct seen {
	int count;
	size_t size[4];		/* the first three messages, then every draw message's */
	bool sizes_vary;
	uint64_t rejected;
	int caps;
};

static void observe(const uint8_t *msg, size_t len, void *arg)
{
	struct seen *s = arg;
	const int slot = s->count < 3 ? s->count : 3;

	if (s->size[slot] && s->size[slot] != len)
		s->sizes_vary = true;
	s->size[slot] = len;
	if (msg[0] == MSG_DRAW) {
		const uint8_t *body = msg + MSG_HEADER + NK_SEED_BYTES;

		s->rejected += (uint32_t)body[0] | (uint32_t)body[1] << 8 |
			       (uint32_t)body[2] << 16 | (uint32_t)body[3] << 24;
		s->caps += body[4] & 1;
	}
	s->count++;
}

/* One round of (demand, offer) under r over the pair's set-up, against the plain round
 * with the seed the blind one drew from; *seen what went between the two sides. */
static void round_against_plain(struct pair *x, const struct nk_rules *r, int64_t d, int64_t o,
				struct seen *seen)
{
	struct nk_blind_input ci = { .figure = d }, pi = { .figure = o };
	struct nk_blind_outcome oc, op;
	struct nk_round_figures f = { d, o, 0, 0 };
	struct nk_round_result res;
	uint8_t seed[NK_SEED_BYTES] = { 0 }, checked[NK_SEED_BYTES];

	memset(seen, 0, sizeof(*seen));
	x->observe = observe;
	x->observe_arg = seen;
	pair_again(x);
	if (pair_round(x, 1, &ci, &pi) != NK_OK)
		fail_msg("(%lld, %lld): %s", (long long)d, (long long)o, x->err.text);
	assert_int_equal(nk_blind_outcome(x->c, &oc, NULL), NK_OK);
	assert_int_equal(nk_blind_outcome(x->p, &op, NULL), NK_OK);
	if (oc.deal != NK_NO_DEAL) {
		assert_int_equal(nk_blind_draw_seed(x->c, seed, NULL), NK_OK);
		assert_int_equal(nk_blind_draw_check(x->p, checked, NULL), NK_OK);
		assert_memory_equal(seed, checked, sizeof(seed));
	}
	assert_int_equal(nk_bargain_round(r, 1, &f, &res, seed, NULL), NK_OK);
	if (oc.deal != res.deal || op.deal != res.deal ||
	    (res.deal && (oc.figure != res.figure || op.figure != res.figure)))
		fail_msg("(%lld, %lld): blind %d/%lld/%lld, plain %d/%lld", (long long)d,
			 (long long)o, oc.deal, (long long)oc.figure, (long long)op.figure,
			 res.deal, (long long)res.figure);
	assert_false(seen->sizes_vary);
}

/* Far apart, equal, one grid point or none between them, and anywhere: every random
 * settlement is the same three messages and NK_BLIND_DRAW_MESSAGES draw messages, of
 * one size each, though the walks under them differ. */
static void count_fixed(void **state)
{
	static const int64_t ranges[][3] = {
		{ 0, INT64_C(4000000000000000000), 1 }, { 0, 5000000, 1000 }, { 1000, 50000, 7 },
		{ 0, 999, 3 },
	};
	uint64_t fewest = UINT64_MAX, most = 0;
	int settled = 0;

	(void)state;
	rng_state = 61;
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		const int64_t lo = ranges[i][0], hi = ranges[i][1], g = ranges[i][2];
		struct nk_rules r;
		struct pair x;
		struct seen first, seen;

		random_rules(&r, lo, hi, g);
		assert_int_equal(pair_open(&x, &r, (uint8_t)(40 + i)), NK_OK);
		round_against_plain(&x, &r, lo, hi, &first);	/* the whole range between */
		for (int k = 0; k < 150; k++) {
			int64_t d = between(lo, hi), o;

			switch (k % 5) {
			case 0: o = d; break;				/* a zone of one unit */
			case 1: d = d / g * g; d = d < lo ? d + g : d;	/* one grid point */
				o = d + g - 1 > hi ? hi : d + g - 1; break;
			case 2: d = d / g * g + 1; o = d + g - 3 < d ? d : d + g - 3;  /* none */
				d = d > hi ? hi : d; o = o > hi ? hi : o; break;
			case 3: o = between(lo, hi); break;		/* anywhere, a deal or not */
			default: d = between(lo, lo + (hi - lo) / 100);
				o = between(hi - (hi - lo) / 100, hi); break;
			}
			round_against_plain(&x, &r, d, o, &seen);
			if (d > o) {
				assert_int_equal(seen.count, 3);
				continue;
			}
			assert_int_equal(seen.count, 3 + NK_BLIND_DRAW_MESSAGES);
			assert_memory_equal(seen.size, first.size, sizeof(seen.size));
			fewest = seen.rejected < fewest ? seen.rejected : fewest;
			most = seen.rejected > most ? seen.rejected : most;
			settled++;
		}
		pair_close(&x);
	}
	print_message("# %d random settlements, walks of %llu to %llu rejected draws\n", settled,
		      (unsigned long long)fewest, (unsigned long long)most);
	/* the count hides walks that differ: without the padding it would tell them apart */
	assert_true(settled > 400 && fewest == 0 && most > 40);
}

/* A share that does not match the commitment its side sent at the set-up: the other
 * side ends the round (field "seed"), nothing is computed, and with the right share the
 * same round settles where it would have. */
static void tampered_shares(void **state)
{
	struct nk_rules r;
	struct pair x;
	struct nk_blind_input ci = { .figure = 40000 }, pi = { .figure = 60000 };
	struct nk_blind_outcome want, got;
	uint8_t seed[NK_SEED_BYTES];

	(void)state;
	random_rules(&r, 0, 1000000, 1);
	assert_int_equal(pair_open(&x, &r, 50), NK_OK);
	assert_int_equal(pair_round(&x, 1, &ci, &pi), NK_OK);
	assert_int_equal(nk_blind_outcome(x.c, &want, NULL), NK_OK);
	for (int t = 0; t < 3; t++) {
		uint8_t *byte = t == 0 ? &x.p->seed[7] : t == 1 ? &x.c->seed[0] : &x.c->peer_commit[31];

		*byte ^= 0x20;
		pair_again(&x);
		assert_int_equal(pair_round(&x, 1, &ci, &pi), NK_ECRYPTO);
		assert_string_equal(x.err.field, "seed");
		assert_non_null(strstr(x.err.text, "does not match the commitment"));
		/* the claimant reads the payer's share first, the payer the claimant's */
		assert_int_equal(x.failed_side, t == 1 ? 1 : 0);
		assert_false(nk_blind_done(x.c));
		assert_false(nk_blind_done(x.p));
		assert_int_equal(nk_blind_outcome(x.c, &got, NULL), NK_EINVAL);
		*byte ^= 0x20;
		pair_again(&x);
		assert_int_equal(pair_round(&x, 1, &ci, &pi), NK_OK);
		assert_int_equal(nk_blind_outcome(x.p, &got, NULL), NK_OK);
		assert_true(got.deal == want.deal && got.figure == want.figure);
	}
	/* afterwards, the check of the saved state catches a changed share or seed */
	assert_int_equal(nk_blind_draw_check(x.c, seed, NULL), NK_OK);
	x.c->peer_seed[3] ^= 1;
	assert_int_equal(nk_blind_draw_check(x.c, seed, NULL), NK_ECRYPTO);
	x.c->peer_seed[3] ^= 1;
	x.c->seed[3] ^= 1;
	assert_int_equal(nk_blind_draw_check(x.c, seed, NULL), NK_ECRYPTO);
	x.c->seed[3] ^= 1;
	x.c->draw_seed[0] ^= 1;
	assert_int_equal(nk_blind_draw_check(x.c, seed, NULL), NK_ECRYPTO);
	pair_close(&x);
	/* a round without a random settlement revealed no seed */
	random_rules(&r, 0, 1000000, 1);
	assert_int_equal(pair_open(&x, &r, 51), NK_OK);
	ci.figure = 70000;
	assert_int_equal(pair_round(&x, 1, &ci, &pi), NK_OK);
	assert_int_equal(nk_blind_draw_check(x.c, seed, NULL), NK_EINVAL);
	pair_close(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(count_fixed),
		cmocka_unit_test(tampered_shares),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
