/* The blind draw past its fixed count and at the stream's end (doc/blind.md, "The random
 * rule"), which real cases reach with a chance below 2^-150 and 2^-5000: this test builds
 * bargain.c and blind_draw.c with a stream of 6 words (DRAWS_MAX) and a count of 4 draw
 * messages (NK_BLIND_DRAW_MESSAGES), so that most walks go past the count and many reach
 * the end, and checks that the blind round still settles exactly where the plain round
 * does: past the count the walk goes on unpadded, and at the stream's end each side
 * clamps the middle of what is left with its own end of the zone. */
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

#if NK_BLIND_DRAW_MESSAGES != 4
#error "built with -DNK_BLIND_DRAW_MESSAGES=4 (tests/meson.build)"
#endif

struct seen {
	int count, caps;
};

static void observe(const uint8_t *msg, size_t len, void *arg)
{
	struct seen *s = arg;

	(void)len;
	s->count++;
	if (msg[0] == MSG_DRAW)
		s->caps += msg[MSG_HEADER + NK_SEED_BYTES + 4] & 1;
}

static void past_the_count_and_at_the_end(void **state)
{
	int past = 0, capped = 0, rounds = 0;

	(void)state;
	rng_state = 62;
	for (int64_t g = 1; g <= 1000; g *= 1000) {
		struct nk_rules r;
		struct pair x;

		nk_rules_default(&r, nk_currency_find("USD"));
		r.range_low = 0;
		r.range_high = 100000000;
		r.rounds = 3;
		r.settle = NK_SETTLE_RANDOM;
		r.grid = g;
		assert_int_equal(pair_open(&x, &r, (uint8_t)g), NK_OK);
		for (int k = 0; k < 600; k++) {
			const int64_t d = between(0, r.range_high);
			const int64_t o = k % 2 ? d + between(0, 3 * g) : between(d, r.range_high);
			struct nk_blind_input ci = { .figure = d }, pi = { .figure = o };
			struct nk_blind_outcome oc, op;
			struct nk_round_figures f = { d, o > r.range_high ? r.range_high : o, 0, 0 };
			struct nk_round_result res;
			uint8_t seed[NK_SEED_BYTES];
			struct seen seen = { 0, 0 };

			pi.figure = f.offer;
			x.observe = observe;
			x.observe_arg = &seen;
			pair_again(&x);
			if (pair_round(&x, 1, &ci, &pi) != NK_OK)
				fail_msg("(%lld, %lld): %s", (long long)d, (long long)f.offer,
					 x.err.text);
			assert_int_equal(nk_blind_outcome(x.c, &oc, NULL), NK_OK);
			assert_int_equal(nk_blind_outcome(x.p, &op, NULL), NK_OK);
			assert_int_equal(nk_blind_draw_seed(x.c, seed, NULL), NK_OK);
			assert_int_equal(nk_bargain_round(&r, 1, &f, &res, seed, NULL), NK_OK);
			if (oc.figure != res.figure || op.figure != res.figure || !res.deal)
				fail_msg("(%lld, %lld): blind %lld/%lld, plain %lld", (long long)d,
					 (long long)f.offer, (long long)oc.figure,
					 (long long)op.figure, (long long)res.figure);
			assert_true(seen.count >= 3 + NK_BLIND_DRAW_MESSAGES);
			past += seen.count > 3 + NK_BLIND_DRAW_MESSAGES;
			capped += seen.caps > 0;
			rounds++;
		}
		pair_close(&x);
	}
	print_message("# %d rounds: %d past the count, %d at the stream's end\n", rounds, past,
		      capped);
	assert_true(past > 100 && capped > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(past_the_count_and_at_the_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
