/* A request body read once less (issue 13): the server's look for a signature
 * (request_peek) keeps its reading and request_decode_parsed uses it in place of its
 * own first one. For every kind of body (bad text, scalars, arrays, duplicate members,
 * the keys nested or at the top, NUL bytes, deep nesting, signed and unsigned), the
 * look answers as the loose reading did, and the decode gives the same status, field,
 * text and tree as request_decode reading the body itself. */
#include "server/server_impl.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

static const struct field_spec signed_body[] = {
	{ "request", FIELD_STRING, true }, { "signature", FIELD_STRING, false },
	{ NULL, FIELD_INT, false },
};
static const struct field_spec amount[] = {
	{ "amount", FIELD_INT, true }, { "round", FIELD_INT, false }, { NULL, FIELD_INT, false },
};
static const struct field_spec none[] = { { NULL, FIELD_INT, false } };

/* The look before: any JSON, duplicates allowed, an object with either member. */
static bool loose_look(const char *body, size_t len)
{
	json_t *o;
	bool found;

	if (!body || len == 0 || !(o = json_loadb(body, len, JSON_DECODE_ANY, NULL)))
		return false;
	found = json_is_object(o) &&
		(json_object_get(o, "request") || json_object_get(o, "signature"));
	json_decref(o);
	return found;
}

static void same_outcome(const char *body, size_t len)
{
	static const struct field_spec *const specs[] = { signed_body, amount, none };

	for (size_t s = 0; s < sizeof(specs) / sizeof(specs[0]); s++) {
		struct nk_error e1 = { 0 }, e2 = { 0 };
		json_t *o1 = NULL, *o2 = NULL, *peeked;
		bool found;
		enum nk_status r1, r2;

		peeked = request_peek(body, len, &found);
		assert_int_equal(found, loose_look(body, len));
		if (peeked)
			assert_true(json_is_object(peeked));
		r1 = request_decode(body, len, 8, specs[s], &o1, &e1);
		r2 = request_decode_parsed(body, len, 8, specs[s], peeked, &o2, &e2);
		assert_int_equal(r1, r2);
		assert_string_equal(e1.field, e2.field);
		assert_string_equal(e1.text, e2.text);
		if (r1 == NK_OK)
			assert_true(json_equal(o1, o2));
		json_decref(o1);
		json_decref(o2);
	}
}

static void test_bodies(void **state)
{
	static const char *const bodies[] = {
		"{\"request\":\"abc\",\"signature\":\"00\"}",
		"{\"request\":\"abc\"}",
		"{\"signature\":\"00\"}",
		"{\"amount\":5,\"round\":1}",
		"{\"amount\":5,\"amount\":6}",
		"{\"request\":\"a\",\"request\":\"b\"}",
		"{\"request\":\"a\",\"signature\":\"x\",\"signature\":\"y\"}",
		"{\"x\":{\"request\":\"a\"}}",
		"{\"x\":[{\"signature\":\"a\"}]}",
		"[{\"request\":\"a\"}]",
		"[]",
		"{}",
		"5",
		"\"request\"",
		"null",
		"true",
		"{\"request\":",
		"{\"request\":\"a\"",
		"{\"request\":\"a\"}x",
		"{\"request\":\"a\"} ",
		" {\"request\":\"a\"}",
		"{\"request\":1}",
		"{\"amount\":1.5}",
		"{\"amount\":\"5\"}",
		"{\"other\":1}",
		"{\"a\":[[[[[[[[[[1]]]]]]]]]]}",
		"{\"request\":\"\\u0000\"}",
		"not json",
		"",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
		same_outcome(bodies[i], strlen(bodies[i]));
	same_outcome(NULL, 0);
	same_outcome("{\"request\":\"a\0\"}", 16);	/* a NUL byte inside */
}

/* The reading is kept for an object that reads strictly, and only then. */
static void test_kept(void **state)
{
	bool found;
	json_t *t;

	(void)state;
	t = request_peek("{\"request\":\"a\"}", 15, &found);
	assert_non_null(t);
	assert_true(found);
	json_decref(t);
	t = request_peek("{\"amount\":1}", 12, &found);
	assert_non_null(t);
	assert_false(found);
	json_decref(t);
	assert_null(request_peek("{\"request\":\"a\",\"request\":\"b\"}", 29, &found));
	assert_true(found);
	assert_null(request_peek("[{\"request\":\"a\"}]", 17, &found));
	assert_false(found);
	assert_null(request_peek("7", 1, &found));
	assert_false(found);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bodies),
		cmocka_unit_test(test_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
