/* nk_json_text_sorted (formats/json_text.c) writes the very bytes of
 * json_dumps(json, JSON_SORT_KEYS), the form of every answer of the server, and
 * nk_json_dumps(json, NK_JSON_CANONICAL) those of json_dumps(json, JSON_COMPACT |
 * JSON_SORT_KEYS), the form of every event's body: compared on chosen values (escapes,
 * reals at the edges of "%.17g", the extreme integers, objects past the sizes where its
 * sort changes method, what jansson refuses) and on 20,000 random trees. */
#include <nakodo/alloc.h>
#include <nakodo/json_build.h>
#include "../splitmix.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* nk_json_dumps's canonical text (its own walk, formats/json_text.c, since jansson's
 * dump cost some 6,000 instructions an event) is jansson's json_dumps's, byte for byte,
 * or NULL with it. */
static void same_canonical(const json_t *json)
{
	char *want = json_dumps(json, JSON_COMPACT | JSON_SORT_KEYS);
	char *got = nk_json_dumps(json, NK_JSON_CANONICAL);

	if (!want || !got) {
		assert_null(want);
		assert_null(got);
		return;
	}
	if (strcmp(want, got) != 0)
		fprintf(stderr, "# want %s\n# got  %s\n", want, got);
	assert_string_equal(got, want);
	free(want);
	free(got);
}

/* Both texts of json (a new reference, released here) are equal, and so are its
 * canonical texts. */
static void same(json_t *json)
{
	char *want = nk_json_dumps_short(json, JSON_SORT_KEYS);
	char *got = nk_json_text_sorted(json);

	same_canonical(json);

	assert_non_null(want);
	assert_non_null(got);
	if (strcmp(want, got) != 0)
		fprintf(stderr, "# want %s\n# got  %s\n", want, got);
	assert_string_equal(got, want);
	free(want);
	nk_alloc_free(got);
	json_decref(json);
}

static void test_chosen_values(void **state)
{
	static const double reals[] = {
		0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1.5, 3.0, 100.0, 1e15, 1e16, 1e17, 1e20, 1e21,
		1e22, 1e100, 1e-5, 1e-7, 1.25e-300, 5e-324, DBL_MAX, -DBL_MAX, DBL_MIN,
		0.30000000000000004, 123456789.125, 2.5e-10, 9007199254740993.0, 8.0, 0.125,
	};
	static const json_int_t ints[] = { 0, 1, -1, 9, 10, -10, 1234567890123, INT64_MAX,
					   INT64_MIN, INT64_MIN + 1 };
	json_t *arr = json_array(), *big = json_object(), *mid = json_object();
	char key[16];

	(void)state;
	for (size_t i = 0; i < sizeof(reals) / sizeof(reals[0]); i++)
		same(json_pack("[f]", reals[i]));
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		same(json_pack("{s:I}", "n", ints[i]));
	same(json_pack("{s:s, s:s, s:s}", "q\"uote", "back\\slash /", "ctl", "\b\f\n\r\t\x01\x1f\x7f",
		       "utf8", "d\xc3\xa9j\xc3\xa0 \xe2\x82\xac \xf0\x9f\x98\x80"));
	same(json_pack("{s:o}", "nul", json_stringn("a\0b", 3)));
	same(json_pack("{s:b, s:b, s:n, s:[], s:{}, s:[[], {}]}", "t", 1, "f", 0, "z", "ea",
		       "eo", "nested"));
	same(json_object());
	same(json_array());
	/* keys that are prefixes of each other, and the two sizes of sort */
	same(json_pack("{s:i, s:i, s:i, s:i}", "ab", 1, "a", 2, "abc", 3, "B", 4));
	for (int i = 0; i < 40; i++) {
		snprintf(key, sizeof(key), "k%d", (i * 7) % 40);
		json_object_set_new(mid, key, json_integer(i));
	}
	same(mid);
	for (int i = 0; i < 300; i++) {
		snprintf(key, sizeof(key), "key%03d", (i * 37) % 300);
		json_object_set_new(big, key, json_integer(i));
		json_array_append_new(arr, json_real(i / 7.0));
	}
	same(json_pack("{s:o, s:o}", "big", big, "arr", arr));
}

static void test_not_a_container(void **state)
{
	json_t *s = json_string("x"), *deep = json_array(), *at = deep;

	(void)state;
	assert_null(nk_json_text_sorted(s));
	assert_null(nk_json_text_sorted(NULL));
	for (int i = 0; i < 300; i++) {	/* past the depth bound */
		json_t *inner = json_array();

		json_array_append_new(at, inner);
		at = inner;
	}
	assert_null(nk_json_text_sorted(deep));
	/* the canonical walk stops there too, and jansson writes it */
	same_canonical(deep);
	same_canonical(s);
	json_decref(s);
	json_decref(deep);
}

/* What jansson's dump refuses, the canonical text refuses: a string that is not UTF-8
 * (made without jansson's check); a key that is not UTF-8 is written as jansson writes
 * it; a key with a NUL in it is written. */
static void test_canonical_refusals(void **state)
{
	json_t *o = json_object(), *k = json_object(), *nul = json_object();
	char *text;

	(void)state;
	json_object_set_new(o, "ok", json_stringn_nocheck("a\xc3(", 3));
	same_canonical(o);
	assert_null(nk_json_dumps(o, NK_JSON_CANONICAL));
	/* jansson 2.14 writes on past a key it fails on (the key cut short): the walk
	 * leaves such a tree to jansson, so the text is still jansson's */
	json_object_set_new_nocheck(k, "bad\xff", json_integer(1));
	same_canonical(k);
	json_object_setn_new(nul, "a\0b", 3, json_true());
	json_object_setn_new(nul, "a", 1, json_string("\xe2\x82\xac"));
	same_canonical(nul);
	text = nk_json_dumps(nul, NK_JSON_CANONICAL);
	assert_non_null(text);
	free(text);
	json_decref(o);
	json_decref(k);
	json_decref(nul);
}

static void random_string(char *out, size_t cap)
{
	static const char *const pieces[] = { "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t",
					      "\x01", "\x1f", "\x7f", "\xc3\xa9", "\xe2\x82\xac",
					      "\xf0\x9f\x98\x80", "round", "_", "-" };
	size_t n = (size_t)between(0, 6), len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *p = pieces[between(0, sizeof(pieces) / sizeof(pieces[0]) - 1)];

		if (len + strlen(p) + 1 > cap)
			break;
		memcpy(out + len, p, strlen(p) + 1);
		len += strlen(p);
	}
}

static json_t *random_value(int depth)
{
	char s[64];
	uint64_t bits;
	double d;
	int kind = (int)between(0, depth > 3 ? 5 : 7);

	switch (kind) {
	case 0:
		return json_integer((json_int_t)next() >> between(0, 63));
	case 1:
		bits = next();
		memcpy(&d, &bits, sizeof(d));
		if (!isfinite(d))
			d = (double)between(-1000000, 1000000) / (double)between(1, 1000);
		return json_real(d);
	case 2:
		random_string(s, sizeof(s));
		return json_string(s);
	case 3:
		return json_boolean(next() & 1);
	case 4:
		return json_null();
	case 5:
		return json_real((double)between(-100000000, 100000000) / 100.0);
	case 6: {
		json_t *a = json_array();
		int n = (int)between(0, 5);

		for (int i = 0; i < n; i++)
			json_array_append_new(a, random_value(depth + 1));
		return a;
	}
	default: {
		json_t *o = json_object();
		int n = (int)between(0, 20);

		for (int i = 0; i < n; i++) {
			random_string(s, sizeof(s));
			json_object_set_new(o, s, random_value(depth + 1));
		}
		return o;
	}
	}
}

static void test_random_trees(void **state)
{
	(void)state;
	rng_state = 0x6a736f6e74657874ull;
	for (int i = 0; i < 20000; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "v", random_value(0));
		json_object_set_new(o, "w", random_value(0));
		same(o);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chosen_values),
		cmocka_unit_test(test_not_a_container),
		cmocka_unit_test(test_canonical_refusals),
		cmocka_unit_test(test_random_trees),
	};

	nk_alloc_install();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
