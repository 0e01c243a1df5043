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
 * printf would give them (tests/unit/test_json_real.c). nk_json_text_fixed writes the
 * same text with each value padded after it to a width of its kind, so that an answer's
 * length does not follow its figures (tests/unit/test_json_fixed.c). */
#include <nakodo/json_build.h>
#include <nakodo/alloc.h>

#include <sodium.h>

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

struct text {
	char *data;
	size_t len, cap;
	bool failed;
	bool fixed;	/* each value padded to its kind's width (nk_json_text_fixed) */
};

static void grow(struct text *t, size_t more)
{
	size_t cap = t->cap ? t->cap : 2048;
	char *data;

	while (cap - t->len < more + 1) {
		if (cap > SIZE_MAX / 4) {
			t->failed = true;
			return;
		}
		cap *= 2;
	}
	/* a new block, the old one wiped: an answer may hold a party's figures */
	if (!(data = nk_alloc_realloc(t->data, cap))) {
		t->failed = true;
		return;
	}
	t->data = data;
	t->cap = cap;
}

static void put(struct text *t, const char *bytes, size_t n)
{
	if (t->failed)
		return;
	if (t->cap - t->len < n + 1)
		grow(t, n);
	if (t->failed)
		return;
	memcpy(t->data + t->len, bytes, n);
	t->len += n;
}

/* Spaces after a value that began at from, up to width bytes in all, when the text is
 * written at fixed widths: JSON allows them between a value and what follows it. */
static void pad_to(struct text *t, size_t from, size_t width)
{
	static const char spaces[32] = "                                ";

	if (!t->fixed || t->failed)
		return;
	while (t->len - from < width && !t->failed) {
		size_t n = width - (t->len - from);

		put(t, spaces, n < sizeof(spaces) ? n : sizeof(spaces));
	}
}

/* A string value's width: the smallest that holds it, of the two; a longer one (a key in
 * hex, a log's signature, a title) keeps its own. */
static void pad_string(struct text *t, size_t from)
{
	size_t n = t->len - from;

	if (n <= FIXED_STRING_SHORT)
		pad_to(t, from, FIXED_STRING_SHORT);
	else if (n <= FIXED_STRING_LONG)
		pad_to(t, from, FIXED_STRING_LONG);
}

/* A string or key as jansson's dump_string writes it without flags: '"', '\\' and the
 * control characters escaped (\b \f \n \r \t, or \u00XX in capitals), every other
 * byte as it is (jansson's strings are valid UTF-8). */
static void put_string(struct text *t, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t from = 0;

	put(t, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6] = { '\\', 0, 0, 0, 0, 0 };
		size_t len = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(t, s + from, i - from);
		from = i + 1;
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
	put(t, s + from, n - from);
	put(t, "\"", 1);
}

static void put_integer(struct text *t, json_int_t v)
{
	char buf[24];
	char *p = buf + sizeof(buf);
	/* the magnitude as unsigned, which holds the most negative value's too */
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	put(t, p, (size_t)(buf + sizeof(buf) - p));
}

/* The fewest of 15, 16 and 17 significant digits at which "%.*g" reads back as v, in
 * buf: the loop that the fast paths below stand for, kept for what they do not take. */
static int real_digits_loop(double v, char buf[static 100])
{
	int n = 0;

	for (int digits = 15; digits <= 17; digits++) {
		n = snprintf(buf, 100, "%.*g", digits, v);
		if (n > 0 && n < 100 && strtod(buf, NULL) == v)
			break;
	}
	return n;
}

/* An exponent as "%e" writes it: 'e', its sign, at least two digits (the caller then
 * drops what jansson drops); returns the length. */
static int put_exponent(char *buf, int x)
{
	int n = 0;
	unsigned u = x < 0 ? (unsigned)-x : (unsigned)x;

	buf[n++] = 'e';
	buf[n++] = x < 0 ? '-' : '+';
	if (u >= 100)
		buf[n++] = (char)('0' + u / 100);
	buf[n++] = (char)('0' + u / 10 % 10);
	buf[n++] = (char)('0' + u % 10);
	return n;
}

/* "%.*g" of the digits d[0..p) (a decimal d.ddd × 10^x, its sign neg): trailing zeros
 * dropped, the exponent's form when x < -4 or x >= p, else the plain form. Returns the
 * length written to buf (room for 40). */
static int real_format_g(bool neg, const char *d, int p, int x, char *buf)
{
	int n = 0, k = p;

	while (k > 1 && d[k - 1] == '0')
		k--;
	if (neg)
		buf[n++] = '-';
	if (x < -4 || x >= p) {
		buf[n++] = d[0];
		if (k > 1) {
			buf[n++] = '.';
			memcpy(buf + n, d + 1, (size_t)k - 1);
			n += k - 1;
		}
		n += put_exponent(buf + n, x);
	} else if (x >= 0) {
		for (int i = 0; i <= x; i++)
			buf[n++] = i < k ? d[i] : '0';
		if (k > x + 1) {
			buf[n++] = '.';
			memcpy(buf + n, d + x + 1, (size_t)(k - x - 1));
			n += k - x - 1;
		}
	} else {
		buf[n++] = '0';
		buf[n++] = '.';
		for (int i = 0; i < -x - 1; i++)
			buf[n++] = '0';
		memcpy(buf + n, d, (size_t)k);
		n += k;
	}
	buf[n] = '\0';
	return n;
}

/* The p (15 to 17) significant digits of v, rounded to nearest with ties to even as
 * glibc's printf rounds, computed exactly in 128-bit integers: v = M × 2^E exactly, and
 * M × 5^s × 2^(E+s) (v × 10^s) is divided out with its remainder. Writes d and v's decimal exponent x
 * after rounding, and *back: whether those digits read back as v (strtod rounds to the
 * nearest double, ties to the even one: they do when they lie within half the gap to
 * v's neighbours, a quarter below a power of two, whose lower neighbour is nearer).
 * False outside 10^-16 <= |v| < 10^17, where the products could pass 128 bits (the
 * caller converts with printf there; a briefing's leakage goes down to 10^-7). */
static bool real_digits_exact(double v, int p, char d[static 17], int *x, bool *back)
{
	static const uint64_t pow10[] = {
		1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
		100000000ull, 1000000000ull, 10000000000ull, 100000000000ull,
		1000000000000ull, 10000000000000ull, 100000000000000ull,
		1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
		1000000000000000000ull, 10000000000000000000ull,
	};
	static const uint64_t p5[] = {
		1ull, 5ull, 25ull, 125ull, 625ull, 3125ull, 15625ull, 78125ull, 390625ull,
		1953125ull, 9765625ull, 48828125ull, 244140625ull, 1220703125ull,
		6103515625ull, 30517578125ull, 152587890625ull, 762939453125ull,
		3814697265625ull, 19073486328125ull, 95367431640625ull, 476837158203125ull,
		2384185791015625ull, 11920928955078125ull, 59604644775390625ull,
		298023223876953125ull, 1490116119384765625ull, 7450580596923828125ull,
	};
	double a = fabs(v);
	int e, ex;
	uint64_t m;

	if (!(a >= 1e-16 && a < 1e17))
		return false;
	m = (uint64_t)ldexp(frexp(a, &e), 53);	/* a = m × 2^(e - 53), exactly */
	e -= 53;
	ex = (int)floor(log10(a));		/* right, or one off: checked below */
	for (int tries = 0; tries < 3; tries++) {
		/* a × 10^s = num / den, with p digits before the point; gap: a's distance to
		 * its upper neighbour, 2^e, in the units of num */
		int s = p - 1 - ex, sh = e + s;
		unsigned __int128 num = m, den = 1, gap, q, r, at, dist;
		bool above, even = !(m & 1);

		if (s > 32 || s < -19)
			return false;
		if (s >= 0) {		/* 10^s = 5^s × 2^s: the 2^s joins the shift */
			unsigned __int128 five = (unsigned __int128)p5[s < 27 ? s : 27] *
						 p5[s < 27 ? 0 : s - 27];

			num *= five;	/* below 2^53 × 5^32 < 2^128 */
			gap = five;
			if (sh >= 0) {
				num <<= sh;
				gap <<= sh;
			} else {
				den = (unsigned __int128)1 << -sh;
			}
		} else if (e >= 0) {
			num <<= e;
			den = pow10[-s];
			gap = (unsigned __int128)1 << e;
		} else {
			den = (unsigned __int128)pow10[-s] << -e;
			gap = 1;
		}
		if (den == 1 || s >= 0) {	/* a power of two: a shift, no division */
			int k = den == 1 ? 0 : -sh;

			q = num >> k;
			r = num & (den - 1);
		} else {
			q = num / den;
			r = num % den;
		}
		if (q < pow10[p - 1]) {
			ex--;
			continue;
		}
		if (q >= pow10[p]) {
			ex++;
			continue;
		}
		if (2 * r > den || (2 * r == den && (q & 1)))
			q++;
		at = q * den;
		above = at >= num;
		dist = above ? at - num : num - at;
		/* the gap below a power of two is half as wide (no power of two in this
		 * range has 15 or 16 digits that fall there: the rule, kept whole) */
		if (!above && m == 1ull << 52)
			*back = 4 * dist < gap || (4 * dist == gap && even);
		else
			*back = 2 * dist < gap || (2 * dist == gap && even);
		if (q == pow10[p]) {
			q = pow10[p - 1];
			ex++;
		}
		for (uint64_t u = (uint64_t)q, i = (uint64_t)p; i-- > 0; u /= 10)
			d[i] = (char)('0' + (int)(u % 10));
		*x = ex;
		return true;
	}
	return false;
}

/* The text real_digits_loop writes, without printf where real_digits_exact applies: the
 * digits at 15 or 16 when they read back, else the 17 that always do. */
static int real_digits_exact_fewest(double v, char buf[static 100])
{
	char d[17];
	int x = 0, n = 0;
	bool back = false;

	for (int p = 15; p <= 17; p++) {
		if (!real_digits_exact(v, p, d, &x, &back))
			break;
		if (back || p == 17) {
			n = real_format_g(signbit(v) != 0, d, p, x, buf);
			break;
		}
	}
	sodium_memzero(d, sizeof(d));	/* a party's own valuation, maybe */
	return n;
}

/* A whole number below 10^15 as "%.15g" writes it: its digits, exactly. */
static int real_digits_whole(double v, char buf[static 100])
{
	char tmp[24], *p = tmp + sizeof(tmp);
	unsigned long long u = (unsigned long long)fabs(v);
	int n = 0;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (signbit(v))
		buf[n++] = '-';
	memcpy(buf + n, p, (size_t)(tmp + sizeof(tmp) - p));
	n += (int)(tmp + sizeof(tmp) - p);
	buf[n] = '\0';
	return n;
}

size_t nk_json_real_text(double v, char out[static NK_JSON_REAL_MAX])
{
	char buf[100];
	const char *point = localeconv()->decimal_point;
	char *start, *end;
	int n = 0;
	size_t len;

	if (fabs(v) < 1e15 && v == trunc(v))
		n = real_digits_whole(v, buf);
	else if (!(n = real_digits_exact_fewest(v, buf)))
		n = real_digits_loop(v, buf);
	if (n < 0 || (size_t)n >= NK_JSON_REAL_MAX - 3)
		return 0;
	len = (size_t)n;
	if (*point != '.' && (start = strchr(buf, *point)))
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
	memcpy(out, buf, len + 1);
	sodium_memzero(buf, sizeof(buf));	/* a party's own valuation, maybe */
	return len;
}

static void put_real(struct text *t, double v)
{
	char buf[NK_JSON_REAL_MAX];
	size_t len = nk_json_real_text(v, buf);

	if (!len)
		t->failed = true;
	else
		put(t, buf, len);
	sodium_memzero(buf, sizeof(buf));
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

static void put_value(struct text *t, const json_t *json, int depth);

static void put_object(struct text *t, const json_t *json, int depth)
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
		if (i > 0)
			put(t, ", ", 2);
		put_string(t, m[i].key, m[i].len);
		put(t, ": ", 2);
		put_value(t, m[i].value, depth + 1);
	}
	put(t, "}", 1);
	if (m != stack)
		free(m);
}

static void put_value(struct text *t, const json_t *json, int depth)
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
				put(t, ", ", 2);
			put_value(t, json_array_get(json, i), depth + 1);
		}
		put(t, "]", 1);
		break;
	case JSON_STRING:
		put_string(t, json_string_value(json), json_string_length(json));
		pad_string(t, from);
		break;
	case JSON_INTEGER:
		put_integer(t, json_integer_value(json));
		pad_to(t, from, FIXED_INTEGER);
		break;
	case JSON_REAL:
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

static char *text_of(const json_t *json, bool fixed)
{
	struct text t = { .fixed = fixed };

	/* as json_dumps without JSON_ENCODE_ANY: an object or an array only */
	if (!json || (!json_is_object(json) && !json_is_array(json)))
		return NULL;
	put_value(&t, json, 0);
	if (!t.failed && !t.data)
		grow(&t, 0);
	if (t.failed) {
		nk_alloc_free(t.data);
		return NULL;
	}
	t.data[t.len] = '\0';
	return t.data;
}

char *nk_json_text_sorted(const json_t *json)
{
	return text_of(json, false);
}

char *nk_json_text_fixed(const json_t *json)
{
	return text_of(json, true);
}
