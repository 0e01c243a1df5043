/* Internal to crypto/: the round circuit of a blind case (blind_circuit.c) and what the
 * protocol (blind.c) needs of it. Each side feeds its own figure and quantities derived
 * from it locally (quotients by the grid, products by the rules' shares), so that every
 * test the plain round makes becomes a comparison of a claimant's number with a payer's. */
#ifndef NAKODO_CRYPTO_BLIND_IMPL_H
#define NAKODO_CRYPTO_BLIND_IMPL_H

#include "crypto/gc.h"

#include <nakodo/bargain.h>
#include <nakodo/blind.h>

#define BLIND_FIG_BITS 64
#define BLIND_PROD_BITS 80	/* an amount (< 2^62) times at most 10000 (< 2^14) */
#define BLIND_INPUT_MAX 1024	/* input bits of one side: fields below plus allowed[] */
#define BLIND_HINT_BITS 3	/* a band 0..NK_HINTS_MAX */

/* One side's input fields, in wire order. */
enum blind_field {
	F_FIG,		/* the figure */
	F_Q, F_R, F_C,	/* figure / grid, figure % grid, ceil(figure / grid) */
	F_XF,		/* the extended figure, clamped to the range */
	F_XQ, F_XR, F_XC,
	F_CLOSE,	/* 2^62 + demand - extension, or 2^62 + offer + extension */
	F_BANDAMT,	/* payer: offer + band amount */
	F_PROD,		/* claimant: demand * (1 - band share); payer: offer * 1 */
	F_HINT0,	/* claimant: demand * (1 - hint share i), F_HINT0 + i */
	F_ALLOW = F_HINT0 + NK_HINTS_MAX,	/* allowed[0..rounds-1], one bit each */
	F_COUNT
};

/* The fields a side feeds under rules, with their widths (0: not fed). */
void blind_fields(const struct nk_rules *rules, enum nk_role role, int width[F_COUNT]);
/* The side's input bits, in wire order; returns their number. */
int blind_input_bits(const struct nk_rules *rules, enum nk_role role,
		     const struct nk_blind_input *in, uint8_t bits[BLIND_INPUT_MAX]);

/* The outputs: public ones first, then the claimant's own, then the payer's own. */
enum {
	OUT_OK_C, OUT_OK_P,	/* each side's figure keeps the monotone rule */
	OUT_DEAL0, OUT_DEAL1,	/* nk_deal_kind, two bits */
	OUT_ONGRID,		/* random: a grid point lies in the zone; else the value is one */
	OUT_VALUE,		/* 64 bits: the settlement's grid index, or the figure */
	OUT_PUBLIC = OUT_VALUE + 64,
	OUT_TOLD_C = OUT_PUBLIC, OUT_BAND_C,
	OUT_TOLD_P = OUT_BAND_C + BLIND_HINT_BITS, OUT_BAND_P,
	OUT_COUNT = OUT_BAND_P + BLIND_HINT_BITS
};

/* The circuit of round (1..rules->rounds) and where its wires are. */
struct blind_circuit {
	struct gc_circuit c;
	uint32_t in[2][BLIND_INPUT_MAX];	/* [0] claimant's, [1] payer's */
	int in_n[2];
	uint32_t fig[2][BLIND_FIG_BITS];	/* this round's figures (among in[]) */
	uint32_t prev[2][NK_ROUNDS_MAX][BLIND_FIG_BITS];	/* earlier rounds', carried */
	uint32_t out[OUT_COUNT];
};

/* Builds the circuit; NK_ENOMEM if it did not fit. Free with blind_circuit_free. */
NK_MUST_USE enum nk_status blind_circuit_build(struct blind_circuit *bc,
					       const struct nk_rules *rules, int round);
void blind_circuit_free(struct blind_circuit *bc);

#endif
