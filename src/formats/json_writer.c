/* The writer of json_text.h: nk_json_text_fixed's text (json_build.h) written straight
 * from a codec's own structs, without a jansson tree, for the answer a server writes on
 * every request (brief_text.c): the same bytes and widths as json_text.c's walk, whose
 * primitives it shares (json_put.h); tests/unit/test_json_writer.c holds the two to the
 * same text. */
#include "formats/json_put.h"
#include "formats/json_text.h"
#include <nakodo/alloc.h>

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

void jw_start(struct json_writer *w, size_t expect)
{
	*w = (struct json_writer){ .fixed = true };
	/* Exactly expect and the NUL, not json_put_grow's power of two from 2 kB: the answer
	 * is wiped whole when it is freed (nk_alloc_free), so a block rounded up was malloc'd
	 * and wiped up to twice as large as its text (bench/README.md, branch alloc14). */
	if (expect < SIZE_MAX / 2 && (w->data = nk_alloc_malloc(expect + 1)))
		w->cap = expect + 1;
	else
		w->failed = true;
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
	if ((care & 2) && !json_utf8_valid(u, n)) {
		w->failed = true;
		return;
	}
	json_put_string(w, s, n);
	json_pad_string(w, from);
}
