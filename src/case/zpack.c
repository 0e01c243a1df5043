/* Zero-run packing of a folded state (zpack.h). A case_state is some 6 KiB, mostly zero:
 * fixed arrays for every possible round, proposal and role, of which a case uses a few.
 * The packed form is a sequence of records, each a count of zero bytes, a count of
 * literal bytes (both unsigned LEB128) and those literal bytes, until the n bytes are
 * made. A run of zeros shorter than ZRUN_MIN stays inside the literal (a record costs at
 * least two bytes). Scanning goes a word at a time over zeros, which is most of a state:
 * packing and unpacking cost about as much as the copy they replace (bench/README.md). */
#include "case/zpack.h"

#include <sodium.h>
#include <string.h>

#define ZRUN_MIN 8

static uint64_t word_at(const uint8_t *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/* Whether word w has a zero byte. */
static bool has_zero(uint64_t w)
{
	return ((w - 0x0101010101010101u) & ~w & 0x8080808080808080u) != 0;
}

/* How many zero bytes begin at p (at most n): 64 bytes at a time over a state's long
 * stretches of zeros. */
static size_t zeros(const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (n - i >= 64 &&
	       (word_at(p + i) | word_at(p + i + 8) | word_at(p + i + 16) | word_at(p + i + 24) |
		word_at(p + i + 32) | word_at(p + i + 40) | word_at(p + i + 48) |
		word_at(p + i + 56)) == 0)
		i += 64;
	while (n - i >= 8 && word_at(p + i) == 0)
		i += 8;
	while (i < n && p[i] == 0)
		i++;
	return i;
}

/* How many bytes from p (at most n) make a literal: up to a run of at least ZRUN_MIN
 * (8) zeros, or of zeros up to the end. p starts with a byte that is not zero. A zero
 * byte that follows one that is not starts a run, of 8 or more exactly when the word
 * there is zero; when it is not zero, the run ends inside that word, so that every word
 * from inside that run holds its end too, and the scan goes on byte by byte. */
static size_t literal(const uint8_t *p, size_t n)
{
	size_t i = 0, z;

	while (n - i >= 8) {
		uint64_t w = word_at(p + i);

		if (!has_zero(w))
			i += 8;
		else if (p[i] != 0 || w != 0)
			i++;
		else
			return i;
	}
	while (i < n) {
		if (p[i] != 0) {
			i++;
			continue;
		}
		z = zeros(p + i, n - i);
		if (z >= ZRUN_MIN || i + z == n)
			break;
		i += z;
	}
	return i;
}

static size_t put_count(uint8_t *dst, size_t v)
{
	size_t k = 0;

	do {
		if (dst)
			dst[k] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		k++;
		v >>= 7;
	} while (v);
	return k;
}

size_t case_zpack(const void *src, size_t n, uint8_t *dst)
{
	const uint8_t *p = src;
	size_t pos = 0, out = 0, z, lit;

	while (pos < n) {
		z = zeros(p + pos, n - pos);
		lit = literal(p + pos + z, n - pos - z);
		out += put_count(dst ? dst + out : NULL, z);
		out += put_count(dst ? dst + out : NULL, lit);
		if (dst)
			memcpy(dst + out, p + pos + z, lit);
		out += lit;
		pos += z + lit;
	}
	return out;
}

/* Reads a count at src[*at] (before len) into *v; false when it runs off the end or
 * past what a size_t holds. */
static bool get_count(const uint8_t *src, size_t len, size_t *at, size_t *v)
{
	unsigned shift = 0;

	*v = 0;
	for (;;) {
		if (*at >= len || shift >= 8 * sizeof(size_t))
			return false;
		*v |= (size_t)(src[*at] & 0x7f) << shift;
		if (!(src[(*at)++] & 0x80))
			return true;
		shift += 7;
	}
}

bool case_zunpack(const uint8_t *src, size_t len, void *dst, size_t n)
{
	uint8_t *d = dst;
	size_t at = 0, pos = 0, z, lit;

	while (at < len) {
		if (!get_count(src, len, &at, &z) || !get_count(src, len, &at, &lit) ||
		    z > n - pos || lit > n - pos - z || lit > len - at)
			goto bad;
		memset(d + pos, 0, z);
		memcpy(d + pos + z, src + at, lit);
		pos += z + lit;
		at += lit;
	}
	if (pos == n)
		return true;
bad:
	sodium_memzero(dst, n);
	return false;
}
