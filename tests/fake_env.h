/* A clock and a random source the tests control, for struct nk_case_env's now_ms and
 * random with arg pointing at a struct fake_env: the clock starts at 2023-11-14 and moves
 * a second a call, and the "random" bytes follow a fixed pattern, so the case ids, seeds
 * and times a test makes are the same on every run (the event fixture depends on it). */
#ifndef NAKODO_TESTS_FAKE_ENV_H
#define NAKODO_TESTS_FAKE_ENV_H

#include <stddef.h>
#include <stdint.h>

struct fake_env {
	int64_t clock;		/* the last time handed out, in ms */
	uint32_t counter;	/* calls of the random source so far */
};

#define FAKE_ENV_START { INT64_C(1700000000000), 0 }

static inline int64_t fake_now(void *arg)
{
	struct fake_env *fe = arg;

	return fe->clock += 1000;
}

static inline void fake_random(void *arg, uint8_t *buf, size_t len)
{
	struct fake_env *fe = arg;

	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(fe->counter * 31 + i);
	fe->counter++;
}

#endif
