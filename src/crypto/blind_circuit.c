/* The round circuit of a blind case: on the two figures, whether they meet, the
 * settlement on the grid under the midpoint or band rule (or, under the random rule,
 * whether a grid point lies between them, the draw itself being public once they meet),
 * the hint band each side may be told, and the monotone check against the figures of the
 * round before, carried as wire labels. It computes exactly what bargain.c's evaluate()
 * does; each comparison there is rewritten so that both sides of it are numbers one
 * party can compute alone (gap * 10000 <= share * demand becomes
 * demand * (10000 - share) <= offer * 10000). */
#include "crypto/blind_impl.h"

#include <string.h>

#define OFFSET_CLOSE ((unsigned __int128)1 << 62)

void blind_fields(const struct nk_rules *r, enum nk_role role, int width[F_COUNT])
{
	const bool claimant = role == NK_CLAIMANT, random = r->settle == NK_SETTLE_RANDOM;
	const bool band = r->settle == NK_SETTLE_BAND;

	memset(width, 0, sizeof(int) * F_COUNT);
	width[F_FIG] = BLIND_FIG_BITS;
	width[claimant ? F_C : F_Q] = BLIND_FIG_BITS;	/* the random rule's grid test */
	if (!random) {
		for (int f = F_Q; f <= F_CLOSE; f++)
			width[f] = BLIND_FIG_BITS;
	}
	if (!claimant && band && r->band_amount > 0)
		width[F_BANDAMT] = BLIND_FIG_BITS;
	if ((band && r->band_bp > 0) || (!claimant && r->hint_count > 0))
		width[F_PROD] = BLIND_PROD_BITS;
	for (int i = 0; claimant && i < r->hint_count; i++)
		width[F_HINT0 + i] = BLIND_PROD_BITS;
	if (r->hint_count > 0)
		width[F_ALLOW] = r->rounds;
}

static int64_t ceil_div(int64_t x, int64_t g)	/* x >= 0 */
{
	return x / g + (x % g != 0);
}

static unsigned __int128 field_value(const struct nk_rules *r, enum nk_role role, int f,
				     const struct nk_blind_input *in)
{
	const bool claimant = role == NK_CLAIMANT;
	const int64_t x = in->figure, g = r->grid;
	int64_t xf = claimant ? x - in->extension : x + in->extension;

	xf = xf < r->range_low ? r->range_low : xf > r->range_high ? r->range_high : xf;
	switch (f) {
	case F_FIG: return (unsigned __int128)x;
	case F_Q: return (unsigned __int128)(x / g);
	case F_R: return (unsigned __int128)(x % g);
	case F_C: return (unsigned __int128)ceil_div(x, g);
	case F_XF: return (unsigned __int128)xf;
	case F_XQ: return (unsigned __int128)(xf / g);
	case F_XR: return (unsigned __int128)(xf % g);
	case F_XC: return (unsigned __int128)ceil_div(xf, g);
	case F_CLOSE:
		return claimant ? OFFSET_CLOSE + (unsigned __int128)x - (unsigned __int128)in->extension
				: OFFSET_CLOSE + (unsigned __int128)x + (unsigned __int128)in->extension;
	case F_BANDAMT: return (unsigned __int128)x + (unsigned __int128)r->band_amount;
	case F_PROD:
		return (unsigned __int128)x * (claimant ? NK_BP_ONE - r->band_bp : NK_BP_ONE);
	default:
		return (unsigned __int128)x * (NK_BP_ONE - r->hint_bp[f - F_HINT0]);
	}
}

int blind_input_bits(const struct nk_rules *r, enum nk_role role,
		     const struct nk_blind_input *in, uint8_t bits[BLIND_INPUT_MAX])
{
	int width[F_COUNT], n = 0;

	blind_fields(r, role, width);
	for (int f = 0; f < F_COUNT; f++) {
		if (f == F_ALLOW) {
			for (int s = 0; s < width[f]; s++)
				bits[n++] = in->allowed[s];
			continue;
		}
		{
			unsigned __int128 v = width[f] ? field_value(r, role, f, in) : 0;

			for (int i = 0; i < width[f]; i++)
				bits[n++] = (uint8_t)(v >> i & 1);
		}
	}
	return n;
}

/* The wires of a side's fields, the unfed ones at zero. */
struct side {
	uint32_t f[F_COUNT][BLIND_PROD_BITS];
	uint32_t allow[NK_ROUNDS_MAX];
};

static void inputs(struct blind_circuit *bc, const struct nk_rules *r, int who, struct side *s)
{
	int width[F_COUNT], n = 0;

	blind_fields(r, who == 0 ? NK_CLAIMANT : NK_PAYER, width);
	memset(s, 0, sizeof(*s));
	for (int f = 0; f < F_COUNT; f++)
		for (int i = 0; i < width[f]; i++) {
			uint32_t w = gc_wire(&bc->c);

			bc->in[who][n++] = w;
			if (f == F_ALLOW)
				s->allow[i] = w;
			else
				s->f[f][i] = w;
		}
	bc->in_n[who] = n;
	memcpy(bc->fig[who], s->f[F_FIG], sizeof(bc->fig[who]));
}

/* !(a < b), that is a >= b */
static uint32_t at_least(struct gc_circuit *c, int n, const uint32_t *a, const uint32_t *b)
{
	return gc_not(c, gc_less(c, n, a, b));
}

/* The settlement of a deal that is not random: bargain.c's on_grid() on the quotients by
 * the grid. With low = ql*g + rl and high = qh*g + rh, Q = ql + qh and R = rl + rh, the
 * grid point below the midpoint is kb = floor(Q/2) + (Q odd and R >= g); it is inside
 * when kb >= ceil(low/g), the one above when kb < floor(high/g); below wins a tie when
 * the midpoint's remainder above kb*g is at most g (R <= g for Q even; R == 0 or R >= g
 * for Q odd). Outside the grid: floor((low + high) / 2). */
static void settlement(struct blind_circuit *bc, const struct nk_rules *r, const struct side *cl,
		       const struct side *pa, uint32_t overlap, uint32_t closer, uint32_t *ongrid,
		       uint32_t value[64])
{
	struct gc_circuit *c = &bc->c;
	uint32_t qc[64], qp[64], rc[64], rp[64], vc[64], vp[64], clow[64], qhigh[64], t[64];
	uint32_t q[64], rsum[64], kb[64], half[64], k[64], g[64], g1[64], zero[64];
	uint32_t rge, rgt, rzero, below_in, above_in, choose_below, use_below, odd;

	gc_select(c, 64, closer, cl->f[F_Q], cl->f[F_XQ], qc);
	gc_select(c, 64, closer, pa->f[F_Q], pa->f[F_XQ], qp);
	gc_select(c, 64, closer, cl->f[F_R], cl->f[F_XR], rc);
	gc_select(c, 64, closer, pa->f[F_R], pa->f[F_XR], rp);
	gc_select(c, 64, closer, cl->f[F_FIG], cl->f[F_XF], vc);
	gc_select(c, 64, closer, pa->f[F_FIG], pa->f[F_XF], vp);
	/* low is the demand on overlap, the offer within the band, the extended demand */
	gc_select(c, 64, overlap, pa->f[F_C], cl->f[F_C], t);
	gc_select(c, 64, closer, t, cl->f[F_XC], clow);
	gc_select(c, 64, overlap, cl->f[F_Q], pa->f[F_Q], t);
	gc_select(c, 64, closer, t, pa->f[F_XQ], qhigh);

	(void)gc_add(c, 64, qc, qp, GC_FALSE, q);
	(void)gc_add(c, 64, rc, rp, GC_FALSE, rsum);
	gc_constant(g, 64, (uint64_t)r->grid);
	gc_constant(g1, 64, (uint64_t)r->grid + 1);
	gc_constant(zero, 64, 0);
	rge = at_least(c, 64, rsum, g);
	rgt = at_least(c, 64, rsum, g1);
	rzero = gc_equal(c, 64, rsum, zero);
	odd = q[0];
	for (int i = 0; i < 63; i++)
		t[i] = q[i + 1];
	t[63] = GC_FALSE;
	(void)gc_add(c, 64, t, zero, gc_and(c, odd, rge), kb);
	below_in = at_least(c, 64, kb, clow);
	above_in = gc_less(c, 64, kb, qhigh);
	choose_below = gc_mux(c, odd, gc_not(c, rgt), gc_or(c, rge, rzero));
	use_below = gc_and(c, below_in, gc_or(c, gc_not(c, above_in), choose_below));
	(void)gc_add(c, 64, kb, zero, gc_not(c, use_below), k);
	(void)gc_add(c, 64, vc, vp, GC_FALSE, t);
	for (int i = 0; i < 63; i++)
		half[i] = t[i + 1];
	half[63] = GC_FALSE;
	*ongrid = gc_or(c, below_in, above_in);
	gc_select(c, 64, *ongrid, half, k, value);
}

/* The band of the gap: how many hint thresholds it passes (a count, 0..hint_count). */
static void hint_band(struct gc_circuit *c, const struct nk_rules *r, const struct side *cl,
		      const struct side *pa, uint32_t band[BLIND_HINT_BITS])
{
	uint32_t one[BLIND_HINT_BITS];

	gc_constant(band, BLIND_HINT_BITS, 0);
	for (int i = 0; i < r->hint_count; i++) {
		uint32_t passes = gc_less(c, BLIND_PROD_BITS, pa->f[F_PROD], cl->f[F_HINT0 + i]);

		gc_constant(one, BLIND_HINT_BITS, 0);
		one[0] = passes;
		(void)gc_add(c, BLIND_HINT_BITS, band, one, GC_FALSE, band);
	}
}

/* allowed[s] of the viewer, s the first round of the run in which the other side's figure
 * has been this round's (0 if it is new): the earliest s whose figure is this round's,
 * since under monotone rules a figure kept is kept in a run (nk_bargain_hint_allowed). */
static uint32_t allowed_now(struct blind_circuit *bc, int round, const struct side *viewer,
			    int other)
{
	uint32_t sel = viewer->allow[0];

	for (int s = round - 1; s >= 1; s--) {
		uint32_t same = gc_equal(&bc->c, 64, bc->prev[other][s - 1], bc->fig[other]);

		sel = gc_mux(&bc->c, same, sel, viewer->allow[s]);
	}
	return sel;
}

enum nk_status blind_circuit_build(struct blind_circuit *bc, const struct nk_rules *r,
				   int round)
{
	struct gc_circuit *c = &bc->c;
	struct side cl, pa;
	uint32_t ok_c = GC_TRUE, ok_p = GC_TRUE, ok, overlap, band = GC_FALSE, closer = GC_FALSE;
	uint32_t deal, ongrid = GC_FALSE, value[64], hband[BLIND_HINT_BITS];

	memset(bc, 0, sizeof(*bc));
	gc_init(c);
	inputs(bc, r, 0, &cl);
	inputs(bc, r, 1, &pa);
	for (int s = 1; s < round; s++)
		for (int who = 0; who < 2; who++)
			gc_words(c, bc->prev[who][s - 1], 64);
	if (r->monotone && round > 1) {
		ok_c = at_least(c, 64, bc->prev[0][round - 2], bc->fig[0]);	/* demand fell */
		ok_p = at_least(c, 64, bc->fig[1], bc->prev[1][round - 2]);	/* offer rose */
	}
	ok = gc_and(c, ok_c, ok_p);
	overlap = at_least(c, 64, pa.f[F_FIG], cl.f[F_FIG]);
	if (r->settle == NK_SETTLE_BAND) {
		uint32_t within = GC_FALSE;

		if (r->band_amount > 0)
			within = at_least(c, 64, pa.f[F_BANDAMT], cl.f[F_FIG]);
		if (r->band_bp > 0)
			within = gc_or(c, within, at_least(c, BLIND_PROD_BITS, pa.f[F_PROD],
							   cl.f[F_PROD]));
		band = gc_and(c, within, gc_not(c, overlap));
	}
	if (r->settle != NK_SETTLE_RANDOM)
		closer = gc_and(c, at_least(c, 64, pa.f[F_CLOSE], cl.f[F_CLOSE]),
				gc_not(c, gc_or(c, overlap, band)));
	deal = gc_or(c, overlap, gc_or(c, band, closer));
	bc->out[OUT_OK_C] = ok_c;
	bc->out[OUT_OK_P] = ok_p;
	bc->out[OUT_DEAL0] = gc_and(c, ok, gc_or(c, overlap, closer));
	bc->out[OUT_DEAL1] = gc_and(c, ok, gc_or(c, overlap, band));
	gc_constant(value, 64, 0);
	if (r->settle == NK_SETTLE_RANDOM)
		ongrid = gc_and(c, overlap, at_least(c, 64, pa.f[F_Q], cl.f[F_C]));
	else
		settlement(bc, r, &cl, &pa, overlap, closer, &ongrid, value);
	ok = gc_and(c, ok, deal);	/* nothing of the settlement without a deal */
	bc->out[OUT_ONGRID] = gc_and(c, ok, ongrid);
	gc_mask(c, 64, ok, value);
	memcpy(&bc->out[OUT_VALUE], value, sizeof(value));
	if (r->hint_count > 0)
		hint_band(c, r, &cl, &pa, hband);
	for (int who = 0; who < 2; who++) {
		uint32_t told = GC_FALSE, b[BLIND_HINT_BITS] = { GC_FALSE, GC_FALSE, GC_FALSE };
		int at = who == 0 ? OUT_TOLD_C : OUT_TOLD_P;

		if (r->hint_count > 0) {
			told = gc_and(c, gc_and(c, ok_c, ok_p), gc_not(c, deal));
			told = gc_and(c, told, allowed_now(bc, round, who == 0 ? &cl : &pa, 1 - who));
			memcpy(b, hband, sizeof(b));
			gc_mask(c, BLIND_HINT_BITS, told, b);
		}
		bc->out[at] = told;
		memcpy(&bc->out[at + 1], b, sizeof(b));
	}
	if (c->failed) {
		blind_circuit_free(bc);
		return NK_ENOMEM;
	}
	return NK_OK;
}

void blind_circuit_free(struct blind_circuit *bc)
{
	gc_free(&bc->c);
}
