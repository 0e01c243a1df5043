/* The primitives that json_text.c's walk and json_writer.c's writer share: the widths of
 * nk_json_text_fixed's values, room in the text, bytes, pads, strings and integers put
 * in it. Internal to formats/. */
#ifndef NAKODO_FORMATS_JSON_PUT_H
#define NAKODO_FORMATS_JSON_PUT_H

#include "formats/json_text.h"
#include <nakodo/json_build.h>

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* The widths of nk_json_text_fixed (json_build.h): an integer's, a real's, a literal's
 * (true, false), null's, and the two a string is brought up to, quotes included. */
#define FIXED_INTEGER 20	/* "-9223372036854775808" */
#define FIXED_REAL 24		/* "-2.2250738585072014e-308" */
#define FIXED_LITERAL 5		/* "false" */
#define FIXED_STRING_SHORT 66	/* 64 bytes: a hint's text (NK_HINT_TEXT_MAX), a name */
#define FIXED_STRING_LONG 258	/* 256 bytes: an error's text (NK_ERROR_TEXT_MAX) */
/* A null stands where a value is not told (a withheld hint, a settlement not reached),
 * and whether it is told can follow a figure (a hint withheld by the leakage budget
 * depends on the side's own figure): as wide as a short string, so as any number. */
#define FIXED_NULL FIXED_STRING_SHORT

/* Room for more bytes and the NUL after them (json_text.c): the block doubled, a new one,
 * the old one wiped (an answer may hold a party's figures); false with t failed. */
bool json_put_grow(struct json_writer *t, size_t more);
/* A string value's pad: the smallest of the two widths that holds it (json_text.c). */
void json_pad_string(struct json_writer *t, size_t from);
/* A string or key as jansson's dump_string writes it without flags (json_text.c). */
void json_put_string(struct json_writer *t, const char *s, size_t n);
/* jansson's utf8_check_string (json_text.c). */
bool json_utf8_valid(const unsigned char *s, size_t n);

/* Room for n more bytes (and a NUL), or false with t failed. */
static inline bool room(struct json_writer *t, size_t n)
{
	return !t->failed && (t->cap - t->len >= n + 1 || json_put_grow(t, n));
}

static inline void put(struct json_writer *t, const char *bytes, size_t n)
{
	if (!room(t, n))
		return;
	memcpy(t->data + t->len, bytes, n);
	t->len += n;
}

/* Spaces after a value that began at from, up to width bytes in all, when the text is
 * written at fixed widths: JSON allows them between a value and what follows it. */
static inline void pad_to(struct json_writer *t, size_t from, size_t width)
{
	size_t n;

	if (!t->fixed || t->failed || t->len - from >= width)
		return;
	n = width - (t->len - from);
	if (!room(t, n))
		return;
	memset(t->data + t->len, ' ', n);
	t->len += n;
}

/* What jansson's dump_string escapes: '"', '\\' and the control characters. */
static inline bool escaped(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\';
}

/* An integer's text ("%lld": a '-', its digits) at p, which has room for 20; returns
 * its length. */
static inline size_t integer_at(char *p, int64_t v)
{
	/* the magnitude as unsigned, which holds the most negative value's too */
	uint64_t u = v < 0 ? 0ull - (uint64_t)v : (uint64_t)v;
	size_t n = v < 0 ? 1 : 0;

	p[0] = '-';		/* overwritten by the first digit when not negative */
	n += json_digit_count(u);
	json_digits_back(p + n, u);
	return n;
}

#endif
