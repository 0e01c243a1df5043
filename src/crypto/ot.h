/* Internal to crypto/: oblivious transfer for the blind round (doc/blind.md). Base OTs
 * by Chou and Orlandi's "simplest OT" on ristretto255, run once per case, then IKNP OT
 * extension (Ishai, Kilian, Nissim and Petrank 2003) per round, in its correlated form:
 * the extension's sender holds q_j and q_j ^ delta, the receiver t_j = q_j ^ (r_j * delta),
 * which are directly the free-XOR labels of the receiver's input bits. */
#ifndef NAKODO_CRYPTO_OT_H
#define NAKODO_CRYPTO_OT_H

#include "crypto/gc.h"

#include <nakodo/status.h>

#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>

#define OT_BASE 128		/* base OTs: the security parameter */
#define OT_POINT_BYTES crypto_core_ristretto255_BYTES
#define OT_SEED_BYTES 32
#define OT_SID_BYTES 32

/* Base OT, sender's side: a secret scalar and its public point A. */
struct ot_base_sender {
	uint8_t a[crypto_core_ristretto255_SCALARBYTES];
	uint8_t A[OT_POINT_BYTES];
};

void ot_base_sender_start(struct ot_base_sender *s);
/* From the receiver's OT_BASE points B_i: both seeds of every OT (k0 for choice 0). An
 * identity point, a point that is not canonical, or B_i == A is refused. */
NK_MUST_USE enum nk_status ot_base_sender_finish(const struct ot_base_sender *s,
						 const uint8_t sid[static OT_SID_BYTES],
						 const uint8_t *points,
						 uint8_t k0[][OT_SEED_BYTES],
						 uint8_t k1[][OT_SEED_BYTES], struct nk_error *err);
/* Base OT, receiver's side: from A and one choice bit per OT, its points (written to
 * points, OT_BASE * OT_POINT_BYTES) and the chosen seeds. */
NK_MUST_USE enum nk_status ot_base_receive(const uint8_t sid[static OT_SID_BYTES],
					   const uint8_t A[static OT_POINT_BYTES],
					   const uint8_t choice[static OT_BASE / 8],
					   uint8_t *points, uint8_t k[][OT_SEED_BYTES],
					   struct nk_error *err);

/* IKNP, receiver's side (the base OTs' sender): for m choice bits (m a multiple of 128,
 * bit j of choice), the labels t_j and the message u (OT_BASE * m / 8 bytes). nonce
 * must never repeat for the same seeds. */
NK_MUST_USE enum nk_status ot_ext_receive(const uint8_t k0[][OT_SEED_BYTES],
					  const uint8_t k1[][OT_SEED_BYTES], uint64_t nonce,
					  uint32_t m, const uint8_t *choice, struct gc_label *t,
					  uint8_t *u);
/* IKNP, sender's side (the base OTs' receiver, with choice bits delta): the labels q_j
 * from the receiver's message u. */
NK_MUST_USE enum nk_status ot_ext_send(const uint8_t k[][OT_SEED_BYTES],
				       const struct gc_label *delta, uint64_t nonce, uint32_t m,
				       const uint8_t *u, struct gc_label *q);

#endif
