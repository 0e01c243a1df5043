/* The text of a JSON real as every answer writes it (json_build.h, nk_json_real_text):
 * jansson's recipe (jsonp_dtostr: "%.17g", then ".0" when it reads as an integer, the
 * exponent without '+' or leading zeros), but at the fewest of 15, 16 and 17 digits that
 * read back exactly, as nk_json_dumps_short writes them. Those digits are computed
 * exactly in integers where they fit (every real a briefing holds), as printf would give
 * them (tests/unit/test_json_real.c); printf and strtod for the rest. */
#include <nakodo/json_build.h>

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
	uint64_t m;

	if (!(a >= 1e-16 && a < 1e17))
		return false;
	m = (uint64_t)ldexp(frexp(a, &e), 53);	/* a = m × 2^(e - 53), exactly */
	e -= 53;
	/* a lies in [2^(e+52), 2^(e+53)): its decimal exponent is this, or one more
	 * (checked below), without log10's hundred instructions */
	ex = (int)floor((e + 52) * 0.30102999566398120);
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
			for (uint64_t u = qd, i = (uint64_t)digits; i-- > 0; u /= 10)
				d[i] = (char)('0' + (int)(u % 10));
			*p = digits;
			return true;
		}
	}
	return false;
}

/* The text real_digits_loop writes, without printf where real_digits_exact applies. */
static int real_digits_exact_fewest(double v, char buf[static 100])
{
	char d[17];
	int x = 0, p = 0, n = 0;

	if (real_digits_exact(v, d, &p, &x))
		n = real_format_g(signbit(v) != 0, d, p, x, buf);
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
	const char *point;
	char *start, *end;
	bool printed = false;	/* by printf, in the locale's form */
	int n = 0;
	size_t len;

	if (fabs(v) < 1e15 && v == trunc(v)) {
		n = real_digits_whole(v, buf);
	} else if (!(n = real_digits_exact_fewest(v, buf))) {
		n = real_digits_loop(v, buf);
		printed = true;
	}
	if (n < 0 || (size_t)n >= NK_JSON_REAL_MAX - 3)
		return 0;
	len = (size_t)n;
	if (printed && *(point = localeconv()->decimal_point) != '.' &&
	    (start = strchr(buf, *point)))
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
