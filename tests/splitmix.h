/* The tests' pseudo-random numbers: splitmix64 over one state per test program, set by
 * the test for runs that are the same every time. */
#ifndef NAKODO_TESTS_SPLITMIX_H
#define NAKODO_TESTS_SPLITMIX_H

#include <stdint.h>

static uint64_t rng_state;

static inline uint64_t next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static inline int64_t between(int64_t lo, int64_t hi)	/* inclusive */
{
	return lo + (int64_t)(next() % (uint64_t)(hi - lo + 1));
}

#endif
