/* Oblivious transfer: Chou and Orlandi's base OT on ristretto255 (2015), and IKNP
 * extension in the correlated form that yields free-XOR labels directly. Each base OT's
 * key hashes the session id, the OT's index and both points, so that no key of one case
 * or one index serves another. */
#include "crypto/ot.h"

#include <stdlib.h>
#include <string.h>

#define TAG_OT "nakodo/blind-ot/v1"

static void base_key(uint8_t out[OT_SEED_BYTES], const uint8_t sid[OT_SID_BYTES], uint32_t i,
		     const uint8_t A[OT_POINT_BYTES], const uint8_t B[OT_POINT_BYTES],
		     const uint8_t shared[OT_POINT_BYTES])
{
	crypto_generichash_state st;
	uint8_t idx[4] = { (uint8_t)i, (uint8_t)(i >> 8), (uint8_t)(i >> 16), (uint8_t)(i >> 24) };

	crypto_generichash_init(&st, NULL, 0, OT_SEED_BYTES);
	crypto_generichash_update(&st, (const uint8_t *)TAG_OT, sizeof(TAG_OT));
	crypto_generichash_update(&st, sid, OT_SID_BYTES);
	crypto_generichash_update(&st, idx, sizeof(idx));
	crypto_generichash_update(&st, A, OT_POINT_BYTES);
	crypto_generichash_update(&st, B, OT_POINT_BYTES);
	crypto_generichash_update(&st, shared, OT_POINT_BYTES);
	crypto_generichash_final(&st, out, OT_SEED_BYTES);
}

/* A point the protocol may use: canonical, and not the identity (whose multiples are all
 * the identity, so a key derived from it would be public). */
static bool usable_point(const uint8_t p[OT_POINT_BYTES])
{
	return crypto_core_ristretto255_is_valid_point(p) && !sodium_is_zero(p, OT_POINT_BYTES);
}

void ot_base_sender_start(struct ot_base_sender *s)
{
	do {
		crypto_core_ristretto255_scalar_random(s->a);
	} while (crypto_scalarmult_ristretto255_base(s->A, s->a) != 0);
}

enum nk_status ot_base_sender_finish(const struct ot_base_sender *s,
				     const uint8_t sid[static OT_SID_BYTES], const uint8_t *points,
				     uint8_t k0[][OT_SEED_BYTES], uint8_t k1[][OT_SEED_BYTES],
				     struct nk_error *err)
{
	uint8_t shared[OT_POINT_BYTES], diff[OT_POINT_BYTES];
	enum nk_status rc = NK_OK;

	for (uint32_t i = 0; i < OT_BASE && rc == NK_OK; i++) {
		const uint8_t *B = points + (size_t)i * OT_POINT_BYTES;

		if (!usable_point(B) || sodium_memcmp(B, s->A, OT_POINT_BYTES) == 0) {
			rc = nk_fail(err, NK_ECRYPTO, "message", "oblivious transfer %u: the peer's "
				     "point is the identity, not canonical, or its own key", i);
			break;
		}
		if (crypto_scalarmult_ristretto255(shared, s->a, B) != 0 ||
		    crypto_core_ristretto255_sub(diff, B, s->A) != 0) {
			rc = nk_fail(err, NK_ECRYPTO, "message", "oblivious transfer %u: a key "
				     "would be the identity", i);
			break;
		}
		base_key(k0[i], sid, i, s->A, B, shared);
		if (crypto_scalarmult_ristretto255(shared, s->a, diff) != 0) {
			rc = nk_fail(err, NK_ECRYPTO, "message", "oblivious transfer %u: a key "
				     "would be the identity", i);
			break;
		}
		base_key(k1[i], sid, i, s->A, B, shared);
	}
	sodium_memzero(shared, sizeof(shared));
	if (rc != NK_OK) {
		sodium_memzero(k0, (size_t)OT_BASE * OT_SEED_BYTES);
		sodium_memzero(k1, (size_t)OT_BASE * OT_SEED_BYTES);
	}
	return rc;
}

enum nk_status ot_base_receive(const uint8_t sid[static OT_SID_BYTES],
			       const uint8_t A[static OT_POINT_BYTES],
			       const uint8_t choice[static OT_BASE / 8], uint8_t *points,
			       uint8_t k[][OT_SEED_BYTES], struct nk_error *err)
{
	uint8_t b[crypto_core_ristretto255_SCALARBYTES], bG[OT_POINT_BYTES];
	uint8_t shared[OT_POINT_BYTES];
	enum nk_status rc = NK_OK;

	if (!usable_point(A))
		return nk_fail(err, NK_ECRYPTO, "message", "oblivious transfer: the peer's point "
			       "is the identity or not canonical");
	for (uint32_t i = 0; i < OT_BASE; i++) {
		uint8_t *B = points + (size_t)i * OT_POINT_BYTES, B1[OT_POINT_BYTES];
		unsigned c = choice[i / 8] >> (i % 8) & 1;

		do {
			crypto_core_ristretto255_scalar_random(b);
		} while (crypto_scalarmult_ristretto255_base(bG, b) != 0 ||
			 crypto_scalarmult_ristretto255(shared, b, A) != 0);
		/* B = bG + c*A, chosen without a branch on c */
		if (crypto_core_ristretto255_add(B1, bG, A) != 0) {
			rc = nk_fail(err, NK_ECRYPTO, "message", "oblivious transfer: bad point");
			break;
		}
		memcpy(B, bG, OT_POINT_BYTES);
		for (size_t x = 0; x < OT_POINT_BYTES; x++)
			B[x] ^= (uint8_t)(0 - c) & (B[x] ^ B1[x]);
		base_key(k[i], sid, i, A, B, shared);
	}
	sodium_memzero(b, sizeof(b));
	sodium_memzero(shared, sizeof(shared));
	return rc;
}

/* The m-bit stream of a base seed for one nonce. */
static void prg(uint8_t *out, size_t len, const uint8_t seed[OT_SEED_BYTES], uint64_t nonce)
{
	uint8_t n[crypto_stream_chacha20_ietf_NONCEBYTES] = { 0 };

	for (int i = 0; i < 8; i++)
		n[i] = (uint8_t)(nonce >> (8 * i));
	crypto_stream_chacha20_ietf(out, len, n, seed);
}

/* Column i (m bits) of a 128 x m matrix into the m rows of 128 bits. */
static void transpose(const uint8_t *cols, uint32_t m, struct gc_label *rows)
{
	const size_t stride = m / 8;

	memset(rows, 0, (size_t)m * sizeof(*rows));
	for (uint32_t i = 0; i < OT_BASE; i++) {
		const uint8_t *col = cols + (size_t)i * stride;
		const int word = (int)(i / 64);
		const unsigned shift = i % 64;

		for (uint32_t j8 = 0; j8 < stride; j8++) {
			unsigned byte = col[j8];

			for (uint32_t b = 0; byte; b++, byte >>= 1)
				rows[j8 * 8 + b].w[word] |= (uint64_t)(byte & 1) << shift;
		}
	}
}

enum nk_status ot_ext_receive(const uint8_t k0[][OT_SEED_BYTES],
			      const uint8_t k1[][OT_SEED_BYTES], uint64_t nonce, uint32_t m,
			      const uint8_t *choice, struct gc_label *t, uint8_t *u)
{
	const size_t stride = m / 8;
	uint8_t *cols = malloc((size_t)OT_BASE * stride), *tmp = malloc(stride);

	if (!cols || !tmp) {
		free(cols);
		free(tmp);
		return NK_ENOMEM;
	}
	for (uint32_t i = 0; i < OT_BASE; i++) {
		uint8_t *col = cols + (size_t)i * stride, *ui = u + (size_t)i * stride;

		prg(col, stride, k0[i], nonce);
		prg(tmp, stride, k1[i], nonce);
		for (size_t x = 0; x < stride; x++)
			ui[x] = col[x] ^ tmp[x] ^ choice[x];
	}
	transpose(cols, m, t);
	sodium_memzero(cols, (size_t)OT_BASE * stride);
	sodium_memzero(tmp, stride);
	free(cols);
	free(tmp);
	return NK_OK;
}

enum nk_status ot_ext_send(const uint8_t k[][OT_SEED_BYTES], const struct gc_label *delta,
			   uint64_t nonce, uint32_t m, const uint8_t *u, struct gc_label *q)
{
	const size_t stride = m / 8;
	uint8_t *cols = malloc((size_t)OT_BASE * stride);

	if (!cols)
		return NK_ENOMEM;
	for (uint32_t i = 0; i < OT_BASE; i++) {
		uint8_t *col = cols + (size_t)i * stride;
		const uint8_t mask = (uint8_t)(0 - (unsigned)(delta->w[i / 64] >> (i % 64) & 1));

		prg(col, stride, k[i], nonce);
		for (size_t x = 0; x < stride; x++)
			col[x] ^= mask & u[(size_t)i * stride + x];
	}
	transpose(cols, m, q);
	sodium_memzero(cols, (size_t)OT_BASE * stride);
	free(cols);
	return NK_OK;
}
