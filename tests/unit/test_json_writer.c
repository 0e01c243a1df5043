/* The writer without a tree (formats/json_text.h, the jw_ functions under
 * nk_brief_text_fixed) writes the bytes of nk_json_text_fixed on the same values: each
 * key length its copy treats apart (1 to 40 bytes), integers at every power of ten and
 * either side of it and at both ends, reals of every form the real writer has (whole,
 * plain, small, exponent, 17 digits, the printf path), strings on either side of the two
 * widths, with escapes and other scripts, and what both refuse (a string that is not
 * UTF-8, a real that is not finite): NULL from both. */
#include <nakodo/alloc.h>
#include <nakodo/json_build.h>
#include "formats/json_text.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <float.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { INT, REAL, STRING, BOOL, NUL };

struct value {
	enum kind kind;
	int64_t i;
	double d;
	const char *s;
};

static json_t *tree_value(const struct value *v)
{
	switch (v->kind) {
	case INT: return json_integer(v->i);
	case REAL: return json_real(v->d);
	case STRING: return json_string(v->s);
	case BOOL: return json_boolean(v->i);
	default: return json_null();
	}
}

static void writer_value(struct json_writer *w, const char *key, const struct value *v)
{
	switch (v->kind) {
	case INT: jw_int(w, key, v->i); break;
	case REAL: jw_real(w, key, v->d); break;
	case STRING: jw_string(w, key, v->s); break;
	case BOOL: jw_bool(w, key, v->i != 0); break;
	default: jw_null(w, key);
	}
}

/* {key: v, "z": [v, v]} both ways: the same bytes, or NULL from both. The key's length
 * is len, runtime-measured (as a role's name is) and compile-time (jw_*_n). */
static void same(const struct value *v, size_t len)
{
	char key[48];
	json_t *o = json_object(), *a = json_array(), *x = tree_value(v);
	struct json_writer w;
	char *want, *got, *got_n;

	assert_true(len >= 1 && len < sizeof(key) - 1);
	memset(key, 'k', len);	/* "kkk…" < "z" */
	key[len] = '\0';
	if (x) {
		json_object_set_new(o, key, x);
		json_array_append_new(a, tree_value(v));
		json_array_append_new(a, tree_value(v));
		json_object_set_new(o, "z", a);
		want = nk_json_text_fixed(o);
	} else {
		json_decref(a);
		want = NULL;	/* json_real and json_string refuse it: so did the answer */
	}
	json_decref(o);
	jw_start(&w, 16);	/* small, to grow in the middle of a value */
	jw_object(&w, NULL);
	writer_value(&w, key, v);
	jw_array(&w, "z");
	writer_value(&w, NULL, v);
	writer_value(&w, NULL, v);
	jw_close_array(&w);
	jw_close_object(&w);
	got = jw_finish(&w);
	/* the key's length given, as the wrappers give a literal's */
	jw_start(&w, 16);
	jw_object(&w, NULL);
	switch (v->kind) {
	case INT: jw_int_n(&w, key, len, v->i); break;
	case REAL: jw_real_n(&w, key, len, v->d); break;
	case STRING: jw_string_n(&w, key, len, v->s); break;
	case BOOL: jw_bool_n(&w, key, len, v->i != 0); break;
	default: jw_null_n(&w, key, len);
	}
	jw_array_n(&w, "z", 1);
	writer_value(&w, NULL, v);
	writer_value(&w, NULL, v);
	jw_close_array(&w);
	jw_close_object(&w);
	got_n = jw_finish(&w);
	if (!want) {
		assert_null(got);
		assert_null(got_n);
		return;
	}
	assert_non_null(got);
	assert_non_null(got_n);
	if (strcmp(want, got) != 0)
		fprintf(stderr, "# want %s\n# got  %s\n", want, got);
	assert_string_equal(got, want);
	assert_string_equal(got_n, want);
	nk_alloc_free(want);
	nk_alloc_free(got);
	nk_alloc_free(got_n);
}

static void test_integers(void **state)
{
	static const int64_t ends[] = { 0, 1, -1, INT64_MAX, INT64_MIN, INT64_MAX - 1,
					INT64_MIN + 1, 99, 100, -99, -100 };
	size_t key = 1;

	(void)state;
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
		same(&(struct value){ .kind = INT, .i = ends[i] }, key++ % 40 + 1);
	for (int64_t p = 1, k = 0; k <= 18; k++, p *= 10)
		for (int64_t d = -1; d <= 1; d++) {
			same(&(struct value){ .kind = INT, .i = p + d }, key++ % 40 + 1);
			same(&(struct value){ .kind = INT, .i = -(p + d) }, key++ % 40 + 1);
			same(&(struct value){ .kind = INT, .i = 5 * p + d }, key++ % 40 + 1);
		}
	same(&(struct value){ .kind = BOOL, .i = 1 }, 3);
	same(&(struct value){ .kind = BOOL, .i = 0 }, 9);
	same(&(struct value){ .kind = NUL }, 17);
}

static void test_reals(void **state)
{
	const double reals[] = {
		0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 0.1, 1.0 / 3.0, 2.0 / 3.0, 100.0, 1e14,
		999999999999999.0, 1e15, 1e15 + 0.5, 1e16, 1e17, 1e21, 1e22, 1e100, -1e300,
		1e-4, 1e-5, 1.5e-7, 1e-16, 9.99e-17, 5e-324, DBL_MIN, DBL_MAX, -DBL_MAX,
		0.30000000000000004, 123456789.125, 9007199254740993.0, log2(3.0),
		log2(12345.0) / 7.0, M_PI * 1e-9, -2.2250738585072014e-308, NAN, INFINITY,
		-INFINITY,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(reals) / sizeof(reals[0]); i++)
		same(&(struct value){ .kind = REAL, .d = reals[i] }, i % 40 + 1);
	for (int i = -330; i <= 310; i++)
		same(&(struct value){ .kind = REAL, .d = pow(10.0, i) * 1.2345678901234567 },
		     (size_t)(i + 330) % 40 + 1);
}

static void test_strings(void **state)
{
	static const char *const pieces[] = { "a", "\"", "\\", "\n", "\x01", "\x7f",
					      "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80" };
	char s[320];

	(void)state;
	for (size_t p = 0; p < sizeof(pieces) / sizeof(pieces[0]); p++)
		for (size_t n = 0; n <= 300; n += (n < 60 || (n > 250 && n < 262)) ? 1 : 13) {
			size_t len = 0, plen = strlen(pieces[p]);

			/* n bytes of 'x', the piece at its end: its width is n's */
			memset(s, 'x', n);
			len = n;
			if (len + plen < sizeof(s)) {
				memcpy(s + len, pieces[p], plen);
				len += plen;
			}
			s[len] = '\0';
			same(&(struct value){ .kind = STRING, .s = s }, (n + p) % 40 + 1);
			same(&(struct value){ .kind = STRING, .s = s + plen }, (n + p + 7) % 40 + 1);
		}
	/* not UTF-8: NULL from both */
	same(&(struct value){ .kind = STRING, .s = "ab\xc3(" }, 5);
	same(&(struct value){ .kind = STRING, .s = "\xed\xa0\x80" }, 12);	/* a surrogate */
	same(&(struct value){ .kind = STRING, .s = "" }, 40);
}

/* A writer's keys out of order are a bug the writer asserts; a failure part-way (a
 * string that is not UTF-8 in a container that follows) still closes as it opened. */
static void test_failure_inside(void **state)
{
	struct json_writer w;

	(void)state;
	jw_start(&w, 8);
	jw_object(&w, NULL);
	jw_string(&w, "a", "\xff");
	jw_object(&w, "b");
	jw_int(&w, "a", 1);	/* the first key of the inner object, checked as its own */
	jw_close_object(&w);
	jw_int(&w, "c", 2);
	jw_close_object(&w);
	assert_null(jw_finish(&w));
}

/* The text's block is the size the writer was started with while the text fits it, and
 * grown from there when it does not: an answer is wiped whole when freed, so a block
 * rounded up to a power of two from 2 kB was wiped up to twice its text (bench/README.md,
 * branch alloc14). Under valgrind, memcheck's own allocator gives usable sizes as asked. */
static void test_block_sized(void **state)
{
	struct json_writer w;
	char *text;

	(void)state;
	jw_start(&w, 3000);
	jw_object(&w, NULL);
	jw_string(&w, "a", "b");
	jw_close_object(&w);
	text = jw_finish(&w);
	assert_non_null(text);
	assert_int_equal(strncmp(text, "{\"a\": \"b\"", 9), 0);
	assert_in_range(malloc_usable_size(text), 3001, 3001 + 32);
	nk_alloc_free(text);

	jw_start(&w, 20);	/* too small: grown (doubled) as often as the writes need */
	jw_object(&w, NULL);
	jw_string(&w, "a", "0123456789012345678901234567890123456789");
	jw_close_object(&w);
	text = jw_finish(&w);
	assert_non_null(text);
	assert_int_equal(strncmp(text, "{\"a\": \"0123456789012345678901234567890123456789\"", 47), 0);
	nk_alloc_free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_reals),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_failure_inside),
		cmocka_unit_test(test_block_sized),
	};

	nk_alloc_install();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
