/* A random case of random settlement for the bargain's property tests: JPY rules with a
 * range of 100 to 1,500 points starting between 0 and 50, a grid of 1 or 2 to 40, and a
 * seed, all from splitmix.h's stream (in that order, so each test's runs stay the same). */
#ifndef NAKODO_TESTS_RANDOM_DRAW_H
#define NAKODO_TESTS_RANDOM_DRAW_H

#include <nakodo/bargain.h>
#include "../splitmix.h"

static inline void random_draw_case(struct nk_rules *r, uint8_t seed[NK_SEED_BYTES])
{
	nk_rules_default(r, nk_currency_find("JPY"));
	r->settle = NK_SETTLE_RANDOM;
	r->range_low = between(0, 50);
	r->range_high = r->range_low + between(100, 1500);
	r->grid = next() % 2 ? 1 : between(2, 40);
	for (int i = 0; i < NK_SEED_BYTES; i++)
		seed[i] = (uint8_t)next();
}

#endif
