/* The window of a role's signed reads (server/read_window.c) against a plain model: the
 * set of every time taken and the highest. A time above the highest is taken; one more
 * than READ_WINDOW_MS - 1 below it is too old; one taken already is a replay; any other is
 * taken. Random runs of times near each other cross every shift of the map (by 1, by a
 * word's 64, by more than the window). */
#include "server/server_impl.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "../splitmix.h"

static void the_cases_of_the_brief(void **state)
{
	struct read_mark m = { 0 };

	(void)state;
	assert_int_equal(read_window_take(&m, 100000), READ_TAKEN);
	assert_int_equal(read_window_take(&m, 99995), READ_TAKEN);	/* out of order, unseen */
	assert_int_equal(read_window_take(&m, 99995), READ_REPLAYED);
	assert_int_equal(read_window_take(&m, 100000), READ_REPLAYED);
	assert_int_equal(read_window_take(&m, 100000 - READ_WINDOW_MS), READ_TOO_OLD);
	assert_int_equal(read_window_take(&m, 100000 - READ_WINDOW_MS + 1), READ_TAKEN);
	assert_int_equal(read_window_take(&m, 100064), READ_TAKEN);	/* a word's shift */
	assert_int_equal(read_window_take(&m, 99995), READ_REPLAYED);
	assert_int_equal(read_window_take(&m, 100000), READ_REPLAYED);
	assert_int_equal(read_window_take(&m, 100064 + READ_WINDOW_MS), READ_TAKEN);
	assert_int_equal(read_window_take(&m, 100064), READ_TOO_OLD);
}

#define TIMES 4096

static void random_runs_match_the_model(void **state)
{
	static bool taken[TIMES];
	(void)state;
	rng_state = 20261205;
	for (int run = 0; run < 200; run++) {
		struct read_mark m = { 0 };
		int64_t highest = 0;
		const int spread = 1 + (int)between(0, 1199);

		memset(taken, 0, sizeof(taken));
		for (int i = 0; i < 2000; i++) {
			int64_t step = between(0, spread - 1);
			int64_t n = highest ? highest + spread / 4 - step : 1000 + step;
			enum read_verdict want;

			if (n < 1 || n >= TIMES)
				continue;
			want = n > highest ? READ_TAKEN : highest - n >= READ_WINDOW_MS ? READ_TOO_OLD
			       : taken[n] ? READ_REPLAYED : READ_TAKEN;
			assert_int_equal(read_window_take(&m, n), want);
			if (want == READ_TAKEN) {
				taken[n] = true;
				highest = n > highest ? n : highest;
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_cases_of_the_brief),
		cmocka_unit_test(random_runs_match_the_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
