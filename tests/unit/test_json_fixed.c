/* nk_json_text_fixed (formats/json_text.c), the form of every answer of the server and
 * every request body of the command: nk_json_text_sorted's text with each value followed
 * by spaces to its kind's width, so that a text's length does not depend on its values
 * (doc/api.md, "Fixed widths"). Checked: the widths, that the text reads back as the same
 * tree, and that trees differing only in their values (integers of every magnitude, reals
 * of every form, literals, short and long strings) give texts of one length. And the size
 * classes the analysis's answer is padded to (nk_json_text_classed). */
#include <nakodo/alloc.h>
#include <nakodo/json_build.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <float.h>
#include <stdio.h>

static size_t fixed_len(json_t *json)
{
	char *text = nk_json_text_fixed(json);
	json_t *back;
	size_t len;

	assert_non_null(text);
	len = strlen(text);
	back = json_loads(text, 0, NULL);
	assert_non_null(back);
	assert_true(json_equal(back, json));
	json_decref(back);
	nk_alloc_free(text);
	json_decref(json);
	return len;
}

static void test_widths(void **state)
{
	json_t *json;
	char *text;

	(void)state;
	json = json_pack("[I, f, b, n, s]", (json_int_t)7, 0.5, 1, "deal");
	text = nk_json_text_fixed(json);
	assert_non_null(text);
	/* "[" + 20 + ", " + 24 + ", " + 5 + ", " + 66 + ", " + 66 + "]" */
	assert_int_equal(strlen(text), 1 + 20 + 2 + 24 + 2 + 5 + 2 + 66 + 2 + 66 + 1);
	assert_memory_equal(text, "[7                   , 0.5", 26);
	nk_alloc_free(text);
	json_decref(json);
	/* keys are not padded; the sorted text's order and separators */
	json = json_pack("{s:b, s:b}", "b", 0, "a", 1);
	text = nk_json_text_fixed(json);
	assert_string_equal(text, "{\"a\": true , \"b\": false}");
	nk_alloc_free(text);
	json_decref(json);
	json = json_integer(1);
	assert_null(nk_json_text_fixed(json));	/* an object or an array only */
	json_decref(json);
}

static void test_integers_of_every_magnitude(void **state)
{
	size_t want = fixed_len(json_pack("{s:I, s:I}", "amount", (json_int_t)1, "round",
					  (json_int_t)1));

	(void)state;
	for (json_int_t v = 1, k = 0; k < 19; k++, v *= 10) {
		assert_int_equal(fixed_len(json_pack("{s:I, s:I}", "amount", v, "round",
						     (json_int_t)2)), want);
		assert_int_equal(fixed_len(json_pack("{s:I, s:I}", "amount", -v, "round",
						     (json_int_t)3)), want);
	}
	assert_int_equal(fixed_len(json_pack("{s:I, s:I}", "amount", (json_int_t)INT64_MIN,
					     "round", (json_int_t)INT64_MAX)), want);
}

static void test_reals_of_every_form(void **state)
{
	static const double reals[] = {
		0.0, -0.0, 1.0, 0.1, 3.9068905379007188, 4.3219281093143129, 1e15, 1e17, 1e22,
		-1.25e-300, 5e-324, DBL_MAX, -DBL_MAX, DBL_MIN, -2.2250738585072014e-308,
	};
	size_t want = fixed_len(json_pack("{s:f}", "bits", 8.0));

	(void)state;
	for (size_t i = 0; i < sizeof(reals) / sizeof(reals[0]); i++)
		assert_int_equal(fixed_len(json_pack("{s:f}", "bits", reals[i])), want);
}

static void test_literals_and_strings(void **state)
{
	char hint[65], detail[257];
	size_t lit = fixed_len(json_pack("[b]", 1));
	size_t short_len = fixed_len(json_pack("[s]", ""));
	size_t long_len;

	(void)state;
	assert_int_equal(fixed_len(json_pack("[b]", 0)), lit);
	/* a null stands for a value not told (a withheld hint): as wide as a short string,
	 * and so as any integer or real */
	assert_int_equal(fixed_len(json_pack("[n]")), short_len);
	assert_true(fixed_len(json_pack("[I]", (json_int_t)INT64_MIN)) <= short_len);
	assert_true(lit < short_len);
	memset(hint, 'h', 64);
	hint[64] = '\0';
	assert_int_equal(fixed_len(json_pack("[s]", hint)), short_len);
	assert_int_equal(fixed_len(json_pack("[s]", "no-deal")), short_len);
	assert_int_equal(fixed_len(json_pack("[s]", "caf\xc3\xa9")), short_len);	/* bytes */
	/* 65 bytes and more: the long width, up to 256; beyond, the string as it is */
	hint[64] = 'h';
	memset(detail, 'd', 256);
	detail[256] = '\0';
	long_len = fixed_len(json_pack("[s#]", hint, (size_t)65));
	assert_int_equal(long_len, 1 + 258 + 1);
	assert_int_equal(fixed_len(json_pack("[s]", detail)), long_len);
	detail[0] = '"';	/* escaped: 257 bytes written, past the width */
	assert_int_equal(fixed_len(json_pack("[s]", detail)), 1 + 259 + 1);
}

/* nk_json_size_class: Padmé's classes (PURBs, 2019) against their definition, checked
 * for every length to 2^20 and at a few past it: never shorter, a class is its own class,
 * less than 12.5% (past 64 KiB 3.2%) more, and classes only grow with the length. */
static void test_size_classes(void **state)
{
	size_t prev = 0;

	(void)state;
	assert_int_equal(nk_json_size_class(0), 0);
	assert_int_equal(nk_json_size_class(3), 3);
	assert_int_equal(nk_json_size_class(9), 10);		/* E 3, B 2: steps of 2 */
	assert_int_equal(nk_json_size_class(100), 104);		/* E 6, B 3: of 8 */
	assert_int_equal(nk_json_size_class(707268), 720896);	/* E 19, B 5: of 16 KiB */
	for (size_t len = 1; len <= ((size_t)1 << 20) + 4096; len++) {
		size_t c = nk_json_size_class(len);

		assert_true(c >= len && c >= prev);
		assert_int_equal(nk_json_size_class(c), c);
		assert_true((c - len) * 8 < len || len < 4);
		if (len > 65536)
			assert_true((c - len) * 32 < len);
		prev = c;
	}
	assert_int_equal(nk_json_size_class(SIZE_MAX), SIZE_MAX);	/* cannot round up */
}

/* nk_json_text_classed: the fixed text, then spaces to its class; it reads back. */
static void test_text_classed(void **state)
{
	json_t *json = json_pack("{s:[f, f, I], s:s}", "utilities", 0.5, 0.7333333333333333,
				 (json_int_t)928, "svg", "<svg/>");
	char *fixed = nk_json_text_fixed(json), *classed = nk_json_text_classed(json);
	size_t n, c;
	json_t *back;

	(void)state;
	assert_non_null(fixed);
	assert_non_null(classed);
	n = strlen(fixed);
	c = strlen(classed);
	assert_int_equal(c, nk_json_size_class(n));
	assert_true(c > n);	/* this one is not a class's length already */
	assert_memory_equal(classed, fixed, n);
	for (size_t i = n; i < c; i++)
		assert_int_equal(classed[i], ' ');
	back = json_loads(classed, 0, NULL);
	assert_non_null(back);
	assert_true(json_equal(back, json));
	json_decref(back);
	nk_alloc_free(fixed);
	nk_alloc_free(classed);
	json_decref(json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_widths),
		cmocka_unit_test(test_integers_of_every_magnitude),
		cmocka_unit_test(test_reals_of_every_form),
		cmocka_unit_test(test_literals_and_strings),
		cmocka_unit_test(test_size_classes),
		cmocka_unit_test(test_text_classed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
