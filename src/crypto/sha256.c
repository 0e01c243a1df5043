/* SHA-256 with the CPU's SHA instructions where it has them (x86-64's SHA-NI), for
 * sha256_parts: libsodium's SHA-256 is portable C, ~3.5k instructions a 64-byte block,
 * and the hashes of the serial write turn (each event's chain hash and batch leaf) and
 * of the committer's (a batch's root, a node hash per leaf plus ten) are made with it
 * (bench/README.md). The same bytes either way; test_ledger checks them against
 * libsodium's. */
#include "crypto/crypto_impl.h"

#include <string.h>

#if defined(__x86_64__) && (!defined(__clang__) || __clang_major__ >= 15)
#include <immintrin.h>

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* The state as the instructions keep it (ABEF, CDGH), a part-filled block, the length. */
struct sha_ni {
	__m128i abef, cdgh;
	uint8_t block[64];
	size_t fill;
	uint64_t len;
};

__attribute__((target("sha,sse4.1,ssse3")))
static void blocks(struct sha_ni *s, const uint8_t *data, size_t n)
{
	const __m128i order = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i w[4], t, abef = s->abef, cdgh = s->cdgh;	/* not s's: data may alias it */

	for (; n > 0; n--, data += 64) {
		__m128i abef0 = abef, cdgh0 = cdgh;

		for (int j = 0; j < 4; j++)
			w[j] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * j)), order);
		for (int r = 0; r < 16; r++) {
			__m128i m = _mm_add_epi32(w[r & 3], _mm_loadu_si128((const __m128i *)&K[4 * r]));

			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, m);
			abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(m, 0x0e));
			if (r < 12) {	/* the schedule's words for the rounds of r + 4 */
				t = _mm_sha256msg1_epu32(w[r & 3], w[(r + 1) & 3]);
				t = _mm_add_epi32(t, _mm_alignr_epi8(w[(r + 3) & 3], w[(r + 2) & 3], 4));
				w[r & 3] = _mm_sha256msg2_epu32(t, w[(r + 3) & 3]);
			}
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}
	s->abef = abef;
	s->cdgh = cdgh;
}

__attribute__((target("sha,sse4.1,ssse3")))
static void update(struct sha_ni *s, const uint8_t *p, size_t n)
{
	s->len += n;
	if (s->fill > 0) {
		size_t k = n < 64 - s->fill ? n : 64 - s->fill;

		memcpy(s->block + s->fill, p, k);
		s->fill += k;
		p += k;
		n -= k;
		if (s->fill < 64)
			return;
		blocks(s, s->block, 1);
		s->fill = 0;
	}
	blocks(s, p, n / 64);
	p += n - n % 64;
	n %= 64;
	memcpy(s->block, p, n);
	s->fill = n;
}

/* The state as A..D, E..H, each word big-endian: the digest. */
__attribute__((target("sha,sse4.1,ssse3")))
static void digest(const struct sha_ni *s, uint8_t out[static NK_HASH_BYTES])
{
	const __m128i order = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i t = _mm_shuffle_epi32(s->abef, 0x1b);		/* FEBA */
	__m128i u = _mm_shuffle_epi32(s->cdgh, 0xb1);		/* DCHG */

	_mm_storeu_si128((__m128i *)out, _mm_shuffle_epi8(_mm_blend_epi16(t, u, 0xf0), order));
	_mm_storeu_si128((__m128i *)(out + 16), _mm_shuffle_epi8(_mm_alignr_epi8(u, t, 8), order));
}

static void put_bits(uint8_t at[static 8], uint64_t len)
{
	for (int i = 0; i < 8; i++)
		at[i] = (uint8_t)((len * 8) >> (56 - 8 * i));
}

__attribute__((target("sha,sse4.1,ssse3")))
static void finish(struct sha_ni *s, uint8_t out[static NK_HASH_BYTES])
{
	s->block[s->fill++] = 0x80;
	if (s->fill > 56) {
		memset(s->block + s->fill, 0, 64 - s->fill);
		blocks(s, s->block, 1);
		s->fill = 0;
	}
	memset(s->block + s->fill, 0, 56 - s->fill);
	put_bits(s->block + 56, s->len);
	blocks(s, s->block, 1);
	digest(s, out);
}

/* A message of at most SHORT_MAX bytes, padded, fits two blocks: put together at once
 * (a node hash's 65 bytes, a leaf's hundred), not streamed. */
#define SHORT_MAX (128 - 1 - 8)

static size_t put_part(uint8_t *m, size_t at, const void *p, size_t len)
{
	if (p)
		memcpy(m + at, p, len);
	return p ? at + len : at;
}

bool sha256_ni_parts(uint8_t out[static NK_HASH_BYTES], const void *a, size_t alen,
		     const void *b, size_t blen, const void *c, size_t clen)
{
	struct sha_ni s = { .fill = 0, .len = 0 };

	/* libgcc's record of the CPU, filled before main */
	if (!__builtin_cpu_supports("sha") || !__builtin_cpu_supports("sse4.1") ||
	    !__builtin_cpu_supports("ssse3"))
		return false;
	s.abef = _mm_set_epi32(0x6a09e667, (int)0xbb67ae85, 0x510e527f, (int)0x9b05688c);
	s.cdgh = _mm_set_epi32(0x3c6ef372, (int)0xa54ff53a, 0x1f83d9ab, 0x5be0cd19);
	if ((a ? alen : 0) + (b ? blen : 0) + (c ? clen : 0) <= SHORT_MAX) {
		uint8_t m[128] = { 0 };
		size_t len = put_part(m, put_part(m, put_part(m, 0, a, alen), b, blen), c, clen);
		size_t n = len + 1 + 8 <= 64 ? 1 : 2;

		m[len] = 0x80;
		put_bits(m + 64 * n - 8, len);
		blocks(&s, m, n);
		digest(&s, out);
		return true;
	}
	if (a)
		update(&s, a, alen);
	if (b)
		update(&s, b, blen);
	if (c)
		update(&s, c, clen);
	finish(&s, out);
	return true;
}

#else

bool sha256_ni_parts(uint8_t out[static NK_HASH_BYTES], const void *a, size_t alen,
		     const void *b, size_t blen, const void *c, size_t clen)
{
	(void)out, (void)a, (void)alen, (void)b, (void)blen, (void)c, (void)clen;
	return false;
}

#endif
