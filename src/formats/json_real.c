/* The text of a JSON real as every answer writes it (json_build.h, nk_json_real_text):
 * jansson's recipe (jsonp_dtostr: "%.17g", then ".0" when it reads as an integer, the
 * exponent without '+' or leading zeros), but at the fewest of 15, 16 and 17 digits that
 * read back exactly, as nk_json_dumps_short writes them. Those digits are computed
 * exactly in integers where they fit (every real a briefing holds), as printf would give
 * them (tests/unit/test_json_real.c); printf and strtod for the rest. */
#include <nakodo/json_build.h>
#include "formats/json_text.h"

#include <sodium.h>

#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* x >> 18 rounded down for a negative x too (>> of a negative int is the compiler's) */
static inline int floor_div_2_18(int x)
{
	return x >= 0 ? x >> 18 : -((-x + (1 << 18) - 1) >> 18);
}

/* The text jansson makes of "%.*g" of the digits d[0..p) (a decimal d.ddd × 10^x, its
 * sign neg): printf's trailing zeros dropped, the exponent's form when x < -4 or x >= p,
 * else the plain form; then jansson's ".0" on a text with neither '.' nor 'e', and the
 * exponent without '+' or leading zeros. Written to out (room for 30: one sign, 17
 * digits, a point, "e-308"), not NUL-terminated; returns the length. */
static size_t real_format_json(bool neg, const char *d, int p, int x, char *out)
{
	size_t n = 0;
	int k = p;

	while (k > 1 && d[k - 1] == '0')
		k--;
	if (neg)
		out[n++] = '-';
	if (x < -4 || x >= p) {
		unsigned u = x < 0 ? (unsigned)-x : (unsigned)x;

		out[n++] = d[0];
		if (k > 1) {
			out[n++] = '.';
			memcpy(out + n, d + 1, (size_t)k - 1);
			n += (size_t)k - 1;
		}
		out[n++] = 'e';
		if (x < 0)
			out[n++] = '-';
		if (u >= 100)
			out[n++] = (char)('0' + u / 100);
		if (u >= 10)
			out[n++] = (char)('0' + u / 10 % 10);
		out[n++] = (char)('0' + u % 10);
	} else if (x >= 0) {
		for (int i = 0; i <= x; i++)
			out[n++] = i < k ? d[i] : '0';
		out[n++] = '.';
		if (k > x + 1) {
			memcpy(out + n, d + x + 1, (size_t)(k - x - 1));
			n += (size_t)(k - x - 1);
		} else {
			out[n++] = '0';
		}
	} else {
		out[n++] = '0';
		out[n++] = '.';
		for (int i = 0; i < -x - 1; i++)
			out[n++] = '0';
		memcpy(out + n, d, (size_t)k);
		n += (size_t)k;
	}
	return n;
}

/* The fewest of 15, 16 and 17 significant digits of v that read back as v, each rounded
 * to nearest with ties to even as glibc's printf rounds, computed exactly in 128-bit
 * integers: v = M × 2^E exactly, and M × 5^s × 2^(E+s) (v × 10^s, 17 digits before the
 * point) is divided out once with its remainder; the 15 and 16 digits are that quotient
 * cut short, rounded with what was cut and the remainder. Digits read back as v when
 * they lie within half the gap to v's neighbours (strtod rounds to the nearest double,
 * ties to the even one), a quarter below a power of two, whose lower neighbour is
 * nearer. Writes the digits to d, their count to *p and v's decimal exponent after
 * rounding to *x. False outside 10^-16 <= |v| < 10^17, where the products could pass
 * 128 bits (the caller converts with printf there; a briefing's leakage goes down to
 * 10^-7). */
static bool real_digits_exact(double v, char d[static 17], int *p, int *x)
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
	uint64_t m, bits;

	if (!(a >= 1e-16 && a < 1e17))
		return false;
	/* a = m × 2^e exactly, from its bits (a normal double in this range): the
	 * significand with its hidden bit, the exponent less its bias and 52 */
	memcpy(&bits, &a, sizeof(bits));
	m = (bits & ((1ull << 52) - 1)) | 1ull << 52;
	e = (int)(bits >> 52) - 1075;
	/* a lies in [2^(e+52), 2^(e+53)): its decimal exponent is floor((e + 52) ×
	 * log10(2)), or one more (checked below); 78913 / 2^18 is log10(2) close enough
	 * for the floor to be exact over |e + 52| < 1,000, here within ±60 */
	ex = floor_div_2_18((e + 52) * 78913);
	for (int tries = 0; tries < 3; tries++) {
		/* a × 10^s = num / den, with 17 digits before the point; gap: a's distance
		 * to its upper neighbour, 2^e, in the units of num */
		int s = 16 - ex, sh = e + s;
		unsigned __int128 num = m, den = 1, gap, q, r;
		bool even = !(m & 1);

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
		if (q < pow10[16]) {
			ex--;
			continue;
		}
		if (q >= pow10[17]) {
			ex++;
			continue;
		}
		for (int digits = 15; digits <= 17; digits++) {
			/* q / cut, rounded with the cut digits and the remainder: twice what
			 * was cut against a whole cut, in the units of num */
			uint64_t cut = pow10[17 - digits], qd = (uint64_t)q / cut;
			unsigned __int128 twice = 2 * ((unsigned __int128)((uint64_t)q % cut) *
						       den + r),
					  whole = (unsigned __int128)cut * den, at, dist;
			bool above, back;

			if (twice > whole || (twice == whole && (qd & 1)))
				qd++;
			at = (unsigned __int128)qd * cut * den;
			above = at >= num;
			dist = above ? at - num : num - at;
			/* the gap below a power of two is half as wide (no power of two in
			 * this range has 15 or 16 digits that fall there: the rule, kept
			 * whole) */
			if (!above && m == 1ull << 52)
				back = 4 * dist < gap || (4 * dist == gap && even);
			else
				back = 2 * dist < gap || (2 * dist == gap && even);
			if (!back && digits < 17)
				continue;
			*x = ex;
			if (qd == pow10[digits]) {
				qd = pow10[digits - 1];
				(*x)++;
			}
			json_digits_back(d + digits, qd);	/* 15 to 17 digits: qd >= 10^14 */
			*p = digits;
			return true;
		}
	}
	return false;
}

/* The fewest digits that read back, in jansson's form, written to out where
 * real_digits_exact applies; 0 where it does not. */
static size_t real_text_exact(double v, char *out)
{
	char d[17];
	int x = 0, p = 0;
	size_t n = 0;

	if (real_digits_exact(v, d, &p, &x))
		n = real_format_json(signbit(v) != 0, d, p, x, out);
	sodium_memzero(d, sizeof(d));	/* a party's own valuation, maybe */
	return n;
}

/* A whole number below 10^15 as "%.15g" writes it, its digits exactly, and jansson's
 * ".0" after them. */
static size_t real_text_whole(double v, char *out)
{
	uint64_t u = (uint64_t)fabs(v);
	size_t n = signbit(v) ? 1 : 0, digits = json_digit_count(u);

	out[0] = '-';		/* overwritten by the first digit when not negative */
	json_digits_back(out + n + digits, u);
	n += digits;
	memcpy(out + n, ".0", 2);
	return n + 2;
}

size_t json_real_jansson_form(char *buf, size_t len)
{
	const char *point;
	char *start, *end;

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
	return len;
}

/* What printf writes for the rest (not finite, or beyond real_digits_exact's range),
 * put in jansson's form as jsonp_dtostr does. */
static size_t real_text_printed(double v, char out[static NK_JSON_REAL_MAX])
{
	char buf[100];
	int n = real_digits_loop(v, buf);
	size_t len;

	if (n < 0 || (size_t)n >= NK_JSON_REAL_MAX - 3) {
		sodium_memzero(buf, sizeof(buf));
		return 0;
	}
	len = json_real_jansson_form(buf, (size_t)n);
	memcpy(out, buf, len + 1);
	sodium_memzero(buf, sizeof(buf));	/* a party's own valuation, maybe */
	return len;
}

size_t nk_json_real_text(double v, char out[static NK_JSON_REAL_MAX])
{
	size_t len;

	/* whole: below 10^15 it converts to an integer exactly, without trunc's call */
	if (fabs(v) < 1e15 && v == (double)(int64_t)v)
		len = real_text_whole(v, out);
	else if (!(len = real_text_exact(v, out)))
		return real_text_printed(v, out);
	out[len] = '\0';
	return len;
}
