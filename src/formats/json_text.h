/* A writer of nk_json_text_fixed's text (json_build.h) straight from a codec's own
 * structs, without a jansson tree: the same bytes, the same widths, members given by the
 * caller in jansson's sorted order (asserted), for an answer that a server writes on
 * every request (brief_text.c). Internal to formats/. */
#ifndef NAKODO_FORMATS_JSON_TEXT_H
#define NAKODO_FORMATS_JSON_TEXT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Containers open at once: deeper than any answer written this way. */
#define JSON_WRITER_NEST 16

struct json_writer {
	char *data;		/* nk_alloc_malloc'd; NULL until the first write */
	size_t len, cap;
	bool failed;		/* sticky: out of memory, a real that is not finite, a
				 * string that is not UTF-8, too deep */
	bool fixed;		/* padded to widths: always, but in json_text.c's walk
				 * for nk_json_text_sorted and nk_json_dumps */
	bool compact;		/* json_text.c's walk for nk_json_dumps: JSON_COMPACT's
				 * "," and ":", reals at jansson's 17 digits, strings
				 * checked as UTF-8 as jansson's dump checks them */
	int depth;		/* containers open */
	bool more[JSON_WRITER_NEST + 1];	/* depth d holds a value: ", " first */
	const char *last_key[JSON_WRITER_NEST + 1];	/* the order check's */
};

/* nk_json_dumps(json, NK_JSON_CANONICAL)'s text (compact, keys sorted), written by
 * json_text.c's walk in place of jansson's dump; NULL on any failure (out of memory,
 * nested deeper than 256, a string that is not UTF-8, not a container), for the caller
 * to ask jansson, whose answer that then is. Allocated with nk_alloc_malloc. */
char *json_text_canonical(const json_t *json);

/* printf's text of a real ("%.17g" or fewer digits), len bytes in buf with room for 3
 * more and a NUL after it, put in jansson's form in place as jsonp_dtostr does (the
 * locale's point made '.', ".0" on a text with neither '.' nor 'e', the exponent without
 * '+' or leading zeros); its new length (json_real.c). */
size_t json_real_jansson_form(char *buf, size_t len);

/* Starts w with room for expect bytes, in a block of that size (a guess: it grows past
 * it by doubling). */
void jw_start(struct json_writer *w, size_t expect);
/* The text written (NUL-terminated; free it with nk_alloc_free), or NULL after any
 * failure or when a container is left open; w is spent either way. */
char *jw_finish(struct json_writer *w);

/* Each writes a member named key of the open object (keys in jansson's order: bytes
 * compared, the shorter first, which for these C strings is strcmp's), or with key NULL
 * an element of the open array, or the whole text. Strings are C strings. Each is a
 * wrapper that passes the key's length to its _n function: a codec's keys are string
 * literals, whose length the compiler knows, so no key is measured at run time. */
void jw_object_n(struct json_writer *w, const char *key, size_t key_len);
void jw_array_n(struct json_writer *w, const char *key, size_t key_len);
void jw_close_object(struct json_writer *w);
void jw_close_array(struct json_writer *w);
void jw_int_n(struct json_writer *w, const char *key, size_t key_len, int64_t v);
void jw_real_n(struct json_writer *w, const char *key, size_t key_len, double v);
void jw_bool_n(struct json_writer *w, const char *key, size_t key_len, bool v);
void jw_null_n(struct json_writer *w, const char *key, size_t key_len);
void jw_string_n(struct json_writer *w, const char *key, size_t key_len, const char *s);

static inline size_t jw_key_len(const char *key)
{
	return key ? strlen(key) : 0;
}

static inline void jw_object(struct json_writer *w, const char *key)
{
	jw_object_n(w, key, jw_key_len(key));
}

static inline void jw_array(struct json_writer *w, const char *key)
{
	jw_array_n(w, key, jw_key_len(key));
}

static inline void jw_int(struct json_writer *w, const char *key, int64_t v)
{
	jw_int_n(w, key, jw_key_len(key), v);
}

static inline void jw_real(struct json_writer *w, const char *key, double v)
{
	jw_real_n(w, key, jw_key_len(key), v);
}

static inline void jw_bool(struct json_writer *w, const char *key, bool v)
{
	jw_bool_n(w, key, jw_key_len(key), v);
}

static inline void jw_null(struct json_writer *w, const char *key)
{
	jw_null_n(w, key, jw_key_len(key));
}

static inline void jw_string(struct json_writer *w, const char *key, const char *s)
{
	jw_string_n(w, key, jw_key_len(key), s);
}

/* The count of u's decimal digits (1 for 0). */
static inline size_t json_digit_count(uint64_t u)
{
	size_t n = 1;

	for (uint64_t ten = 10; u >= ten; ten *= 10)
		if (++n == 20)	/* 10^19 <= u: ten *= 10 would overflow */
			break;
	return n;
}

/* u's decimal digits written backward, two at a time, to end just before end; returns
 * where they begin. */
static inline char *json_digits_back(char *end, uint64_t u)
{
	static const char pairs[201] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";

	while (u >= 100) {
		const char *two = pairs + 2 * (u % 100);

		u /= 100;
		*--end = two[1];
		*--end = two[0];
	}
	if (u >= 10) {
		*--end = pairs[2 * u + 1];
		*--end = pairs[2 * u];
	} else {
		*--end = (char)('0' + u);
	}
	return end;
}

#endif
