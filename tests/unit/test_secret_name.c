/* The names of a case's sealed values (case_secret_name, issue 13): written without
 * snprintf, they are byte for byte what "%s.%d.%s" gave, over rounds, slots, roles
 * (an unknown one too), negative and extreme numbers, and names too long for
 * NK_SECRET_NAME_MAX, which are cut where snprintf cut them; no byte past the
 * terminator is written. */
#include "case/case_impl.h"
#include <nakodo/bargain.h>
#include <nakodo/store.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

static void same_as_snprintf(const char *what, int n, enum nk_role role)
{
	char want[NK_SECRET_NAME_MAX + 8], got[NK_SECRET_NAME_MAX + 8];

	memset(want, 'x', sizeof(want));
	memset(got, 'x', sizeof(got));
	snprintf(want, NK_SECRET_NAME_MAX, "%s.%d.%s", what, n, nk_role_name(role));
	case_secret_name(got, what, n, role);
	assert_memory_equal(got, want, sizeof(want));
}

static void test_rounds_and_roles(void **state)
{
	static const char *const whats[] = {
		"figure", "answer", "extension", "fair", "improvement-answer", "", "a.b",
	};

	(void)state;
	for (size_t w = 0; w < sizeof(whats) / sizeof(whats[0]); w++)
		for (int role = -1; role <= (int)NK_ROLE_COUNT + 1; role++) {
			for (int n = -1100; n <= 1100; n++)
				same_as_snprintf(whats[w], n, (enum nk_role)role);
			for (int64_t n = 1; n <= INT_MAX; n = n * 7 + 3)
				same_as_snprintf(whats[w], (int)n, (enum nk_role)role);
			same_as_snprintf(whats[w], INT_MAX, (enum nk_role)role);
			same_as_snprintf(whats[w], INT_MIN, (enum nk_role)role);
			same_as_snprintf(whats[w], INT_MIN + 1, (enum nk_role)role);
		}
}

/* Every length of "what" around the bound: the name is cut in the prefix, in the
 * number, in the role, or just fits. */
static void test_bound(void **state)
{
	char what[NK_SECRET_NAME_MAX + 4];
	static const int ns[] = { 0, 7, -7, 12345, INT_MIN, INT_MAX };

	(void)state;
	for (size_t len = 0; len < sizeof(what); len++) {
		memset(what, 'w', len);
		what[len] = '\0';
		for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
			for (int role = 0; role < (int)NK_ROLE_COUNT; role++)
				same_as_snprintf(what, ns[i], (enum nk_role)role);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rounds_and_roles),
		cmocka_unit_test(test_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
