/* nk_json_real_text (formats/json_text.c) against the loop it replaced: the fewest of 15,
 * 16 and 17 digits at which "%.*g" reads back as the same double, then jansson's rules
 * (".0" on a whole number, the exponent without '+' or leading zeros). The writer now
 * computes the digits, and whether they read back, in 128-bit integers where they fit
 * (10^-16 to 10^17), writes whole numbers directly, and keeps the loop elsewhere; its
 * texts must stay byte for byte the loop's, on chosen edges (a carry through nines, exact
 * ties, powers of two and their neighbours, the limits of each form) and on many random
 * doubles of every magnitude. */
#include <nakodo/json_build.h>

#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* The reference: the loop and the rules, written apart from the library's. */
static void reference(double v, char *out, size_t size)
{
	char buf[100], *e;
	int n = 0;

	for (int digits = 15; digits <= 17; digits++) {
		n = snprintf(buf, sizeof(buf), "%.*g", digits, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (!strchr(buf, '.') && !strchr(buf, 'e'))
		strcat(buf, ".0");
	if ((e = strchr(buf, 'e'))) {
		char mant[80];
		int x = atoi(e + 1);

		*e = '\0';
		snprintf(mant, sizeof(mant), "%.40s", buf);
		snprintf(buf, sizeof(buf), "%se%d", mant, x);
	}
	(void)n;
	snprintf(out, size, "%s", buf);
}

static void check(double v)
{
	char want[100], got[NK_JSON_REAL_MAX];
	size_t len;

	reference(v, want, sizeof(want));
	len = nk_json_real_text(v, got);
	if (len != strlen(want) || strcmp(got, want) != 0) {
		fprintf(stderr, "# %a: want %s, got %s\n", v, want, got);
		fail();
	}
}

static uint64_t rng_state = 0x7265616c74657874ull;

static uint64_t next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void test_chosen(void **state)
{
	const double values[] = {	/* not static: log2 is not a constant to every compiler */
		0.0, -0.0, 1.0, -1.0, 0.1, -0.1, 0.5, 1.5, 3.0, 100.0, 0.3, 2.0 / 3.0,
		1e14, 999999999999999.0, 1e15, 1e15 + 1, 1e16, 1e17, 1e20, 1e21, 1e22, 1e100,
		1e-4, 1e-5, 0.0001234, 0.00001234, 1e-7, 1.25e-300, 5e-324, 2.2250738585072009e-308,
		DBL_MAX, -DBL_MAX, DBL_MIN, DBL_EPSILON, 0.30000000000000004, 123456789.125,
		2.5e-10, 9007199254740993.0, 9007199254740992.0, 4503599627370495.5, 0.125,
		/* digits that carry through nines when rounded to 15 or 16 */
		9.9999999999999995e22, 0.99999999999999989, 9.999999999999999e-5,
		99999999999999.99, 999999999999999.9, 1.0000000000000002, 0.1 + 0.2,
		/* 17 digits ending in 5, and in 50: the dropped digits a half */
		1.0000000000000005, 12345678901234565.0, 0.12345678901234565,
		1.2345678901234550, 3.1415926535897950, 5.0000000000000050e-200,
		/* exact ties at 15 and 16 digits: rounded to even, as printf rounds them */
		1234567890123455.0, 1234567890123445.0, 1e15 + 0.5, 1e15 + 1.5, 123456789012345.25,
		123456789012345.75, 0.000001, 0.0000009999999999999999, 99999999999999984.0,
		1.5869646178316723e-7, 3.029659874007984e-7, 4.4723552742230585e-7, 1e-16, 9.99e-17,
		log2(3.0), log2(1000.0), log2(12345.0) / 7.0, M_PI, M_E, -M_PI * 1e200,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		check(values[i]);
	/* powers of two, whose lower neighbour is nearer than the upper, and around them */
	for (int k = -1074; k <= 1023; k++) {
		double two = ldexp(1.0, k);

		check(two);
		check(nextafter(two, 0));
		check(nextafter(two, INFINITY));
		check(-3 * two);
	}
}

/* The loop's path is kept for what the conversion does not cover: text as before. */
static void test_not_finite(void **state)
{
	char got[NK_JSON_REAL_MAX], want[100];

	(void)state;
	reference(INFINITY, want, sizeof(want));
	assert_int_equal(nk_json_real_text(INFINITY, got), strlen(want));
	assert_string_equal(got, want);
	reference(-INFINITY, want, sizeof(want));
	assert_int_equal(nk_json_real_text(-INFINITY, got), strlen(want));
	assert_string_equal(got, want);
}

static void test_random(void **state)
{
	(void)state;
	for (int i = 0; i < 200000; i++) {
		uint64_t bits = next();
		double d;

		memcpy(&d, &bits, sizeof(d));
		if (isfinite(d))
			check(d);
		/* every magnitude a briefing or a score may hold, and its near neighbours */
		d = (double)(int64_t)(next() >> 11) / (double)(1 + (next() >> 40));
		check(d);
		check(nextafter(d, INFINITY));
		check(-nextafter(d, 0));
		check(log2(1.0 + (double)(next() >> 12)));
		check((double)(int64_t)(next() >> (next() & 63)) / 100.0);
		check(ldexp((double)(next() >> 11), (int)(next() % 200) - 150));
	}
}

/* Decimals written at 15, 16 and 17 digits, the last ending in 5 or 50 often: the halves
 * where rounding the 17 digits could differ from rounding the double. */
static void test_decimal_halves(void **state)
{
	(void)state;
	for (int i = 0; i < 200000; i++) {
		char text[64];
		unsigned long long m = next() % 100000000000000000ull;
		int digits = 15 + (int)(next() % 3), x = (int)(next() % 80) - 40;

		if (i & 1)
			m = m / 100 * 100 + 50;
		else if (i & 2)
			m = m / 10 * 10 + 5;
		snprintf(text, sizeof(text), "%llue%d", m % (digits == 15 ? 1000000000000000ull :
			 digits == 16 ? 10000000000000000ull : 100000000000000000ull), x);
		check(strtod(text, NULL));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chosen),
		cmocka_unit_test(test_not_finite),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_decimal_halves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
