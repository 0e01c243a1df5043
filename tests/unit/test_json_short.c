/* Reals in their shortest exact form (nk_json_dumps_short, formats/json_short.c): a
 * real reads back as the same double, with no more digits than it needs; whole reals
 * keep ".0"; integers and strings that look like reals are left as they are. */
#include <nakodo/json_build.h>
#include <nakodo/alloc.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

static char *dump_real(double x)
{
	json_t *v = json_pack("{s:f}", "x", x);
	char *text = nk_json_dumps_short(v, JSON_COMPACT | JSON_REAL_PRECISION(3));

	json_decref(v);
	assert_non_null(text);
	return text;
}

static void reals_as_typed(void **state)
{
	static const struct { double x; const char *text; } cases[] = {
		{ 0.1, "{\"x\":0.1}" }, { 2.35, "{\"x\":2.35}" }, { 8.0, "{\"x\":8.0}" },
		{ -0.5, "{\"x\":-0.5}" }, { 0.1 + 0.2, "{\"x\":0.30000000000000004}" },
		{ 2.0000000000000004, "{\"x\":2.0000000000000004}" }, { 1e22, "{\"x\":1e22}" },
		{ 1.5e-300, "{\"x\":1.5e-300}" }, { 7.0 / 12, "{\"x\":0.5833333333333334}" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = dump_real(cases[i].x);

		assert_string_equal(text, cases[i].text);
		free(text);
	}
}

static void strings_and_integers_untouched(void **state)
{
	json_t *v = json_pack("{s:s, s:I, s:[f, s, I]}", "a", "0.10000000000000001 \"1.0\"",
			      "b", (json_int_t)-1234567, "c", 0.25, "1e5 \\\" 3.30", (json_int_t)7);
	char *text = nk_json_dumps_short(v, JSON_COMPACT | JSON_SORT_KEYS);

	(void)state;
	assert_non_null(text);
	assert_string_equal(text, "{\"a\":\"0.10000000000000001 \\\"1.0\\\"\",\"b\":-1234567,"
			    "\"c\":[0.25,\"1e5 \\\\\\\" 3.30\",7]}");
	free(text);
	json_decref(v);
}

/* Every double read back exactly, in at most 17 significant digits. */
static void random_reals_read_back(void **state)
{
	(void)state;
	for (int i = 0; i < 20000; i++) {
		double x;
		uint64_t bits;
		json_t *back;
		char *text;

		do {
			randombytes_buf(&bits, sizeof(bits));
			memcpy(&x, &bits, sizeof(x));
		} while (x != x || x - x != 0);	/* no NaN or infinity: JSON has none */
		text = dump_real(x);
		back = json_loads(text, 0, NULL);
		assert_non_null(back);
		assert_true(json_real_value(json_object_get(back, "x")) == x);
		assert_true(strlen(text) <= strlen("{\"x\":-1.2345678901234567e-308}"));
		json_decref(back);
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reals_as_typed),
		cmocka_unit_test(strings_and_integers_untouched),
		cmocka_unit_test(random_reals_read_back),
	};

	nk_alloc_install();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
