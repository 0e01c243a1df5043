/* The text json_dumps(json, JSON_SORT_KEYS) writes, byte for byte, written without
 * jansson's dump (json_build.h, nk_json_text_sorted). A server answers every request
 * with such a text, and jansson 2.14 spends most of a dump on its bookkeeping: for every
 * object and array a loop check (the container's address printed with snprintf into a
 * hashtable's key, inserted and deleted), for every member a hash lookup of the key it
 * has just sorted, every integer through snprintf, and the text grown through a
 * callback (bench/README.md). Here each object's members are taken by one walk of its
 * iterator and sorted as jansson sorts them, integers are written by hand, and reals
 * go through jansson's own recipe (jsonp_dtostr: "%.17g", then ".0" when it reads as
 * an integer, the exponent without '+' or leading zeros), but at the fewest digits that
 * read back exactly, as nk_json_dumps_short writes them, so that the bytes are that
 * function's: tests/unit/test_json_text.c compares the two on many trees. Those digits
 * are computed exactly in integers where they fit (every real a briefing holds), as
 * printf would give them (tests/unit/test_json_real.c, json_real.c). nk_json_text_fixed
 * writes the same text with each value padded after it to a width of its kind, so that an
 * answer's length does not follow its figures (tests/unit/test_json_fixed.c); the
 * writer of json_text.h (json_writer.c) writes that text without a tree, from a codec's own
 * structs.
 * The same walk writes nk_json_dumps's canonical text (JSON_COMPACT | JSON_SORT_KEYS,
 * every event's body) as jansson's dump does, reals at its "%.17g", leaving to jansson
 * what it does not write (tests/unit/test_json_text.c). */
#include <nakodo/json_build.h>
#include <nakodo/alloc.h>
#include "formats/json_put.h"
#include "formats/json_text.h"

#include <sodium.h>

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deeper than any answer; a tree nested deeper (or a cycle) gets NULL. */
#define TEXT_DEPTH_MAX 256
/* Members sorted on the stack; an object with more takes a block. */
#define TEXT_KEYS_STACK 64

/* Room for more bytes and the NUL after them: the block doubled, a new one, the old one
 * wiped (an answer may hold a party's figures). */
bool json_put_grow(struct json_writer *t, size_t more)
{
	/* an event's body (compact) is some 200 bytes; an answer some kilobytes */
	size_t cap = t->cap ? t->cap : t->compact ? 256 : 2048;
	char *data;

	if (t->failed)
		return false;
	while (cap - t->len < more + 1) {
		if (cap > SIZE_MAX / 4) {
			t->failed = true;
			return false;
		}
		cap *= 2;
	}
	if (!(data = nk_alloc_realloc(t->data, cap))) {
		t->failed = true;
		return false;
	}
	t->data = data;
	t->cap = cap;
	return true;
}

/* A string value's width: the smallest that holds it, of the two; a longer one (a key in
 * hex, a log's signature, a title) keeps its own. */
void json_pad_string(struct json_writer *t, size_t from)
{
	size_t n = t->len - from;

	if (n <= FIXED_STRING_SHORT)
		pad_to(t, from, FIXED_STRING_SHORT);
	else if (n <= FIXED_STRING_LONG)
		pad_to(t, from, FIXED_STRING_LONG);
}

/* A string or key as jansson's dump_string writes it without flags: '"', '\\' and the
 * control characters escaped (\b \f \n \r \t, or \u00XX in capitals), every other
 * byte as it is (jansson's strings are valid UTF-8), each run between escapes copied
 * whole. */
void json_put_string(struct json_writer *t, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i = 0, from = 0;

	if (!room(t, n + 2))	/* most strings need no escape: the room for all of it */
		return;
	t->data[t->len++] = '"';
	for (;;) {
		char esc[6] = { '\\', 0, 0, 0, 0, 0 };
		size_t len = 2;
		unsigned char c;

		while (i < n && !escaped((unsigned char)s[i]))
			i++;
		put(t, s + from, i - from);
		if (i == n)
			break;
		c = (unsigned char)s[i];
		from = ++i;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			len = 6;
		}
		put(t, esc, len);
	}
	put(t, "\"", 1);
}

/* jansson's utf8_check_string: a string that is not UTF-8 made json_string NULL, and
 * the tree's whole answer with it */
bool json_utf8_valid(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char u = s[i];
		size_t len = u < 0x80 ? 1 : u >= 0xc2 && u <= 0xdf ? 2 : u >= 0xe0 && u <= 0xef ?
			     3 : u >= 0xf0 && u <= 0xf4 ? 4 : 0;
		uint32_t cp;

		if (len == 0 || len > n - i)
			return false;
		cp = len == 1 ? u : u & (0x7f >> len);
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
		    (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
			return false;
		i += len;
	}
	return true;
}

static void put_integer(struct json_writer *t, json_int_t v)
{
	if (room(t, FIXED_INTEGER))
		t->len += integer_at(t->data + t->len, (int64_t)v);
}

/* A real's text, written in place (nk_json_real_text needs NK_JSON_REAL_MAX bytes and
 * writes a NUL after the text, which what follows overwrites). */
static void put_real(struct json_writer *t, double v)
{
	size_t len;

	if (!room(t, NK_JSON_REAL_MAX))
		return;
	if (!(len = nk_json_real_text(v, t->data + t->len)))
		t->failed = true;
	else
		t->len += len;
}

/* A real as jansson's dump writes it at its default precision: jsonp_dtostr's "%.17g",
 * the locale's point made '.', ".0" on a text with neither '.' nor 'e', the exponent
 * without '+' or leading zeros. */
static void put_real_17(struct json_writer *t, double v)
{
	char buf[100];
	int n = snprintf(buf, sizeof(buf), "%.17g", v);
	size_t len;

	if (n < 0 || (size_t)n >= sizeof(buf) - 3) {
		sodium_memzero(buf, sizeof(buf));
		t->failed = true;
		return;
	}
	len = json_real_jansson_form(buf, (size_t)n);
	put(t, buf, len);
	sodium_memzero(buf, sizeof(buf));	/* an event's figure, maybe */
}

/* A string or key of the compact walk: jansson's dump refuses one that is not UTF-8 */
static void put_checked_string(struct json_writer *t, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80) {
			if (!json_utf8_valid((const unsigned char *)s + i, n - i)) {
				t->failed = true;
				return;
			}
			break;
		}
	json_put_string(t, s, n);
}

struct member {
	const char *key;
	size_t len;
	json_t *value;
};

/* jansson's order of keys: bytes compared, then the shorter first. */
static int by_key(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	int c = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);

	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

static void put_value(struct json_writer *t, const json_t *json, int depth);

static void put_object(struct json_writer *t, const json_t *json, int depth)
{
	struct member stack[TEXT_KEYS_STACK], *m = stack;
	size_t n = json_object_size(json), i = 0;
	void *iter;

	if (n == 0) {
		put(t, "{}", 2);
		return;
	}
	if (n > TEXT_KEYS_STACK && !(m = malloc(n * sizeof(*m)))) {
		t->failed = true;
		return;
	}
	for (iter = json_object_iter((json_t *)json); iter && i < n;
	     iter = json_object_iter_next((json_t *)json, iter), i++) {
		m[i].key = json_object_iter_key(iter);
		m[i].len = json_object_iter_key_len(iter);
		m[i].value = json_object_iter_value(iter);
	}
	n = i;
	/* an answer's objects are small: insertion sort, without qsort's calls */
	if (n > 16) {
		qsort(m, n, sizeof(*m), by_key);
	} else {
		for (size_t k = 1; k < n; k++) {
			struct member x = m[k];
			size_t j = k;

			for (; j > 0 && by_key(&m[j - 1], &x) > 0; j--)
				m[j] = m[j - 1];
			m[j] = x;
		}
	}
	put(t, "{", 1);
	for (i = 0; i < n && !t->failed; i++) {
		if (t->compact) {
			if (i > 0)
				put(t, ",", 1);
			put_checked_string(t, m[i].key, m[i].len);
			put(t, ":", 1);
		} else {
			if (i > 0)
				put(t, ", ", 2);
			json_put_string(t, m[i].key, m[i].len);
			put(t, ": ", 2);
		}
		put_value(t, m[i].value, depth + 1);
	}
	put(t, "}", 1);
	if (m != stack)
		free(m);
}

static void put_value(struct json_writer *t, const json_t *json, int depth)
{
	size_t from = t->len;

	if (t->failed)
		return;
	if (depth > TEXT_DEPTH_MAX) {
		t->failed = true;
		return;
	}
	switch (json_typeof(json)) {
	case JSON_OBJECT:
		put_object(t, json, depth);
		break;
	case JSON_ARRAY:
		put(t, "[", 1);
		for (size_t i = 0; i < json_array_size(json) && !t->failed; i++) {
			if (i > 0)
				put(t, ", ", t->compact ? 1 : 2);
			put_value(t, json_array_get(json, i), depth + 1);
		}
		put(t, "]", 1);
		break;
	case JSON_STRING:
		if (t->compact)
			put_checked_string(t, json_string_value(json), json_string_length(json));
		else
			json_put_string(t, json_string_value(json), json_string_length(json));
		json_pad_string(t, from);
		break;
	case JSON_INTEGER:
		put_integer(t, json_integer_value(json));
		pad_to(t, from, FIXED_INTEGER);
		break;
	case JSON_REAL:
		if (t->compact)
			put_real_17(t, json_real_value(json));
		else
			put_real(t, json_real_value(json));
		pad_to(t, from, FIXED_REAL);
		break;
	case JSON_TRUE:
		put(t, "true", 4);
		pad_to(t, from, FIXED_LITERAL);
		break;
	case JSON_FALSE:
		put(t, "false", 5);
		pad_to(t, from, FIXED_LITERAL);	/* as wide already: kept for the rule */
		break;
	case JSON_NULL:
		put(t, "null", 4);
		pad_to(t, from, FIXED_NULL);
		break;
	}
}

static char *text_of(const json_t *json, bool fixed, bool compact)
{
	struct json_writer t = { .fixed = fixed, .compact = compact };

	/* as json_dumps without JSON_ENCODE_ANY: an object or an array only */
	if (!json || (!json_is_object(json) && !json_is_array(json)))
		return NULL;
	put_value(&t, json, 0);
	return jw_finish(&t);
}

char *nk_json_text_sorted(const json_t *json)
{
	return text_of(json, false, false);
}

char *nk_json_text_fixed(const json_t *json)
{
	return text_of(json, true, false);
}

char *json_text_canonical(const json_t *json)
{
	return text_of(json, false, true);
}

size_t nk_json_size_class(size_t len)
{
	unsigned e, bits;
	size_t step;

	if (len < 4)
		return len;
	e = 63u - (unsigned)__builtin_clzll((unsigned long long)len);	/* floor(log2 len) */
	bits = 64u - (unsigned)__builtin_clzll((unsigned long long)e);	/* of e, written */
	step = (size_t)1 << (e - bits);
	if (len > SIZE_MAX - (step - 1))
		return len;
	return (len + step - 1) & ~(step - 1);
}

char *nk_json_text_classed(const json_t *json)
{
	char *text = text_of(json, true, false), *grown;
	size_t len, size;

	if (!text)
		return NULL;
	len = strlen(text);
	if ((size = nk_json_size_class(len)) == len)
		return text;
	if (!(grown = nk_alloc_realloc(text, size + 1))) {
		nk_alloc_free(text);
		return NULL;
	}
	memset(grown + len, ' ', size - len);	/* JSON allows space after the document */
	grown[size] = '\0';
	return grown;
}
