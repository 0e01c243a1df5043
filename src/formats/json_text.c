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
 * writer of json_text.h writes that text without a tree, from a codec's own structs.
 * The same walk writes nk_json_dumps's canonical text (JSON_COMPACT | JSON_SORT_KEYS,
 * every event's body) as jansson's dump does, reals at its "%.17g", leaving to jansson
 * what it does not write (tests/unit/test_json_text.c). */
#include <nakodo/json_build.h>
#include <nakodo/alloc.h>
#include "formats/json_text.h"

#include <sodium.h>

#include <assert.h>
#include <locale.h>
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

/* Room for more bytes and the NUL after them: the block doubled, a new one, the old one
 * wiped (an answer may hold a party's figures). */
static bool grow(struct json_writer *t, size_t more)
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

/* Room for n more bytes (and a NUL), or false with t failed. */
static inline bool room(struct json_writer *t, size_t n)
{
	return !t->failed && (t->cap - t->len >= n + 1 || grow(t, n));
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

/* A string value's width: the smallest that holds it, of the two; a longer one (a key in
 * hex, a log's signature, a title) keeps its own. */
static void pad_string(struct json_writer *t, size_t from)
{
	size_t n = t->len - from;

	if (n <= FIXED_STRING_SHORT)
		pad_to(t, from, FIXED_STRING_SHORT);
	else if (n <= FIXED_STRING_LONG)
		pad_to(t, from, FIXED_STRING_LONG);
}

/* What jansson's dump_string escapes: '"', '\\' and the control characters. */
static inline bool escaped(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\';
}

/* A string or key as jansson's dump_string writes it without flags: '"', '\\' and the
 * control characters escaped (\b \f \n \r \t, or \u00XX in capitals), every other
 * byte as it is (jansson's strings are valid UTF-8), each run between escapes copied
 * whole. */
static void put_string(struct json_writer *t, const char *s, size_t n)
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
	const char *point;
	char *start, *end;
	int n = snprintf(buf, sizeof(buf), "%.17g", v);
	size_t len;

	if (n < 0 || (size_t)n >= sizeof(buf) - 3) {
		t->failed = true;
		return;
	}
	len = (size_t)n;
	if (*(point = localeconv()->decimal_point) != '.' && (start = strchr(buf, *point)))
		*start = '.';
	if (!strchr(buf, '.') && !strchr(buf, 'e')) {
		memcpy(buf + len, ".0", 3);
		len += 2;
	}
	if ((start = strchr(buf, 'e'))) {
		start++;
		end = start + 1;
		if (*start == '-')
			start++;
		while (*end == '0')
			end++;
		if (end != start) {
			memmove(start, end, len + 1 - (size_t)(end - buf));
			len -= (size_t)(end - start);
		}
	}
	put(t, buf, len);
	sodium_memzero(buf, sizeof(buf));	/* an event's figure, maybe */
}

static bool utf8_valid(const unsigned char *s, size_t n);

/* A string or key of the compact walk: jansson's dump refuses one that is not UTF-8 */
static void put_checked_string(struct json_writer *t, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80) {
			if (!utf8_valid((const unsigned char *)s + i, n - i)) {
				t->failed = true;
				return;
			}
			break;
		}
	put_string(t, s, n);
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
			put_string(t, m[i].key, m[i].len);
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
			put_string(t, json_string_value(json), json_string_length(json));
		pad_string(t, from);
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

/* ---- the writer without a tree (json_text.h) ---- */

void jw_start(struct json_writer *w, size_t expect)
{
	*w = (struct json_writer){ .fixed = true };
	(void)grow(w, expect);
}

char *jw_finish(struct json_writer *w)
{
	char *data;

	if (!w->failed && w->depth == 0 && room(w, 0)) {
		w->data[w->len] = '\0';
		data = w->data;
	} else {
		nk_alloc_free(w->data);
		data = NULL;
	}
	*w = (struct json_writer){ .failed = true };
	return data;
}

/* key < last, as strcmp orders them, most often told by the first byte alone */
static inline bool key_after(const char *key, const char *last)
{
	if (key[0] != last[0])
		return (unsigned char)key[0] > (unsigned char)last[0];
	return strcmp(last, key) < 0;
}

/* n bytes copied, n a key's length: a short key in two overlapping words, without
 * memcpy's call for a length it does not know */
static inline void copy_key(char *to, const char *from, size_t n)
{
	uint64_t a, b;
	uint32_t c, d;

	if (n >= 8 && n <= 16) {
		memcpy(&a, from, 8);
		memcpy(&b, from + n - 8, 8);
		memcpy(to, &a, 8);
		memcpy(to + n - 8, &b, 8);
	} else if (n >= 4 && n < 8) {
		memcpy(&c, from, 4);
		memcpy(&d, from + n - 4, 4);
		memcpy(to, &c, 4);
		memcpy(to + n - 4, &d, 4);
	} else if (n < 4) {
		for (size_t i = 0; i < n; i++)
			to[i] = from[i];
	} else {
		memcpy(to, from, n);
	}
}

/* What comes before a value: ", " after one at this depth, then its key (n bytes) when
 * it is a member, with room made once for them and the value's bytes after them.
 * Returns where the value goes, or NULL with w failed. Keys come in jansson's sorted
 * order, as text_of sorts them; a key is the codec's own name, which needs no escape. */
/* inlined in each writer below: its call cost more than its work */
static inline __attribute__((always_inline)) char *lead(struct json_writer *w,
							const char *key, size_t n,
							size_t value)
{
	const bool more = w->more[w->depth];
	char *p;

	w->more[w->depth] = true;
	if (key) {
		assert(!w->last_key[w->depth] || key_after(key, w->last_key[w->depth]));
		w->last_key[w->depth] = key;
	}
	if (!room(w, 2 + (key ? n + 4 : 0) + value))
		return NULL;
	p = w->data + w->len;
	if (more) {
		memcpy(p, ", ", 2);
		p += 2;
	}
	if (key) {
		*p++ = '"';
		copy_key(p, key, n);
		p += n;
		memcpy(p, "\": ", 3);
		p += 3;
	}
	w->len = (size_t)(p - w->data);
	return p;
}

/* A value of width bytes at p, written len bytes long (len <= width): the spaces after
 * it, when the text is written at fixed widths. */
static inline void done_fixed(struct json_writer *w, char *p, size_t len, size_t width)
{
	if (w->fixed && len < width) {
		memset(p + len, ' ', width - len);
		len = width;
	}
	w->len += len;
}

static void open_container(struct json_writer *w, const char *key, size_t n, char c)
{
	char *p = lead(w, key, n, 1);

	if (w->depth >= JSON_WRITER_NEST) {
		w->failed = true;
		return;
	}
	if (p) {
		*p = c;
		w->len++;
	}
	/* opened even after a failure, so that the keys inside are checked as theirs */
	w->depth++;
	w->more[w->depth] = false;
	w->last_key[w->depth] = NULL;
}

static void close_container(struct json_writer *w, char c)
{
	if (w->depth <= 0) {
		w->failed = true;
		return;
	}
	put(w, &c, 1);
	w->depth--;
}

void jw_object_n(struct json_writer *w, const char *key, size_t key_len)
{
	open_container(w, key, key_len, '{');
}

void jw_array_n(struct json_writer *w, const char *key, size_t key_len)
{
	open_container(w, key, key_len, '[');
}

void jw_close_object(struct json_writer *w)
{
	close_container(w, '}');
}

void jw_close_array(struct json_writer *w)
{
	close_container(w, ']');
}

void jw_int_n(struct json_writer *w, const char *key, size_t key_len, int64_t v)
{
	char *p = lead(w, key, key_len, FIXED_INTEGER);
	size_t len;

	if (!p)
		return;
	memset(p, ' ', FIXED_INTEGER);	/* the pad first, in a few stores: no integer */
	len = integer_at(p, v);		/* is wider */
	w->len += w->fixed ? FIXED_INTEGER : len;
}

/* json_real refuses what is not finite: the tree's answer was NULL, and so is this */
void jw_real_n(struct json_writer *w, const char *key, size_t key_len, double v)
{
	char *p = lead(w, key, key_len, NK_JSON_REAL_MAX);
	size_t len;

	if (!p)
		return;
	/* the pad first, in a few stores; the text, at most as wide, over it, and its NUL
	 * made a space again */
	memset(p, ' ', FIXED_REAL);
	if (!isfinite(v) || !(len = nk_json_real_text(v, p))) {
		w->failed = true;
		return;
	}
	if (!w->fixed || len >= FIXED_REAL) {
		w->len += len;
	} else {
		p[len] = ' ';
		w->len += FIXED_REAL;
	}
}

void jw_bool_n(struct json_writer *w, const char *key, size_t key_len, bool v)
{
	char *p = lead(w, key, key_len, FIXED_LITERAL);

	if (!p)
		return;
	memcpy(p, v ? "true " : "false", FIXED_LITERAL);	/* padded to 5 already */
	w->len += FIXED_LITERAL;
}

void jw_null_n(struct json_writer *w, const char *key, size_t key_len)
{
	char *p = lead(w, key, key_len, FIXED_NULL);

	if (p) {
		memcpy(p, "null", 4);
		memset(p + 4, ' ', FIXED_NULL - 4);
		w->len += w->fixed ? FIXED_NULL : 4;
	}
}

/* jansson's utf8_check_string: a string that is not UTF-8 made json_string NULL, and
 * the tree's whole answer with it */
static bool utf8_valid(const unsigned char *s, size_t n)
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

/* What a string's bytes ask of jw_string_n: 1 an escape (jansson's: '"', '\\', the
 * control characters), 2 the check that it is UTF-8; 0 neither. */
static const unsigned char string_byte[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1,
	[0x80] = 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

/* A string: measured and looked over in one pass; most are ASCII without an escape,
 * copied whole with their quotes and pad in the room lead made. */
void jw_string_n(struct json_writer *w, const char *key, size_t key_len, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned care = 0;
	size_t n = 0, from;
	char *p;

	for (; u[n]; n++)
		care |= string_byte[u[n]];
	if (!care) {
		if (!(p = lead(w, key, key_len, n + 2 + FIXED_STRING_LONG)))
			return;
		p[0] = '"';
		memcpy(p + 1, s, n);
		p[n + 1] = '"';
		done_fixed(w, p, n + 2, n + 2 <= FIXED_STRING_SHORT ? FIXED_STRING_SHORT :
					n + 2 <= FIXED_STRING_LONG ? FIXED_STRING_LONG : 0);
		return;
	}
	if (!lead(w, key, key_len, 0))
		return;
	from = w->len;
	if ((care & 2) && !utf8_valid(u, n)) {
		w->failed = true;
		return;
	}
	put_string(w, s, n);
	pad_string(w, from);
}
