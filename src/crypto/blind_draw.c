/* The random rule's draw in a blind round (doc/blind.md, "The random rule"): bargain.c's
 * random_point() walked in the open from the seed of both sides' committed shares, each
 * side telling only which draws fall beyond its own end of the zone, which the revealed
 * seed tells each side of a plain random settlement anyway (doc/bargain.md).
 *
 * The walk is told in runs: a draw message says how many draws in a row its sender
 * rejects (the claimant those below its demand, the payer those above its offer), the
 * draw after them being one it lets pass, which the other then judges in turn. Every draw
 * so judged is one the plain walk makes, so nothing is told of a draw it never reaches. A
 * message that rejects none, answering a draw the other let pass, settles there. Then
 * empty messages follow until NK_BLIND_DRAW_MESSAGES have gone both ways, so the
 * go-between counts the same messages whatever the figures. If the draw's stream ends
 * first (bargain.c's cap), the side that reaches the end sends its end's clamp of the
 * middle of what is left, the other clamps it with its own end and answers with the
 * figure: the plain engine's rule, since at most one of the two clamps moves it. */
#include "crypto/blind_proto.h"

#include <string.h>

#define DRAW_CAP 1	/* flags: the stream ended; the message carries its clamp */

static int64_t ceil_div(int64_t x, int64_t g)
{
	return x / g + (x % g != 0);
}

static bool rejects(const struct nk_blind_party *p, int64_t k)
{
	return p->role == NK_CLAIMANT ? k < p->zone : k > p->zone;
}

/* k moved into this side's end of the zone, if it lay beyond it */
static int64_t clamp_own(const struct nk_blind_party *p, int64_t k)
{
	if (p->role == NK_CLAIMANT)
		return k < p->zone ? p->zone : k;
	return k > p->zone ? p->zone : k;
}

/* The next draw, or the stream's end. */
static void advance(struct nk_blind_party *p)
{
	uint64_t v;

	if (nk_bargain_draw(p->draw_seed, p->round, &p->counter, (uint64_t)(p->hi - p->lo) + 1,
			    &v))
		p->k = p->lo + (int64_t)v;
	else
		p->capped = true;
}

/* The draw under way rejected by who: the range is cut beyond it, and the next drawn. */
static enum nk_status cut(struct nk_blind_party *p, enum nk_role who, struct nk_error *err)
{
	if (who == NK_CLAIMANT)
		p->lo = p->k + 1;
	else
		p->hi = p->k - 1;
	/* an honest side's end of the zone always lies in what is left */
	if (p->lo > p->hi || p->zone < p->lo || p->zone > p->hi)
		return nk_fail(err, NK_ECORRUPT, "message", "the %s's draws leave no room for "
			       "this side's figure (an altered message)", nk_role_name(who));
	advance(p);
	return NK_OK;
}

static enum nk_status check_share(const struct nk_blind_party *p, const uint8_t *share,
				  struct nk_error *err)
{
	uint8_t c[32];

	blind_seed_commit(p, p->role == NK_CLAIMANT ? NK_PAYER : NK_CLAIMANT, share, c);
	if (sodium_memcmp(c, p->peer_commit, sizeof(c)) != 0)
		return nk_fail(err, NK_ECRYPTO, "seed", "the %s's seed share does not match the "
			       "commitment it sent at the set-up", nk_role_name(!p->role));
	return NK_OK;
}

/* The seed of both shares, bound to the session (so to the case and both parties' keys);
 * the draws are bound to the round (nk_bargain_draw). */
static void derive_seed(const struct nk_blind_party *p, const uint8_t *share,
			uint8_t seed[NK_SEED_BYTES])
{
	const uint8_t *sc = p->role == NK_CLAIMANT ? p->seed : share;
	const uint8_t *sp = p->role == NK_CLAIMANT ? share : p->seed;
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, NK_SEED_BYTES);
	crypto_generichash_update(&st, (const uint8_t *)TAG_BLIND_DRAW, sizeof(TAG_BLIND_DRAW));
	crypto_generichash_update(&st, p->sid, sizeof(p->sid));
	crypto_generichash_update(&st, sc, NK_SEED_BYTES);
	crypto_generichash_update(&st, sp, NK_SEED_BYTES);
	crypto_generichash_final(&st, seed, NK_SEED_BYTES);
}

enum nk_status nk_blind_draw_check(const struct nk_blind_party *p,
				   uint8_t seed[static NK_SEED_BYTES], struct nk_error *err)
{
	uint8_t c[32];
	enum nk_status rc;

	if (!p->seed_known)
		return nk_fail(err, NK_EINVAL, "seed", "no random settlement was drawn in this "
			       "side's state: the seed is revealed only by one");
	blind_seed_commit(p, p->role, p->seed, c);
	if (sodium_memcmp(c, p->commit, sizeof(c)) != 0)
		return nk_fail(err, NK_ECRYPTO, "seed", "this side's own seed share does not match "
			       "the commitment it sent at the set-up");
	if ((rc = check_share(p, p->peer_seed, err)) != NK_OK)
		return rc;
	derive_seed(p, p->peer_seed, seed);
	if (sodium_memcmp(seed, p->draw_seed, NK_SEED_BYTES) != 0) {
		sodium_memzero(seed, NK_SEED_BYTES);
		return nk_fail(err, NK_ECRYPTO, "seed", "the seed drawn from is not the one both "
			       "shares give");
	}
	return NK_OK;
}

/* Both shares known: the seed, and where the walk starts (bargain.c's random_point():
 * on the grid if a grid point lies between the figures, else on minor units). */
static enum nk_status draw_start(struct nk_blind_party *p, const uint8_t *share,
				 struct nk_error *err)
{
	const int64_t x = p->input.figure;
	enum nk_status rc = check_share(p, share, err);

	if (rc != NK_OK)
		return rc;
	memcpy(p->peer_seed, share, NK_SEED_BYTES);
	derive_seed(p, share, p->draw_seed);
	p->seed_known = true;
	p->step = p->bit[OUT_ONGRID] ? p->rules.grid : 1;
	p->lo = ceil_div(p->rules.range_low, p->step);
	p->hi = p->rules.range_high / p->step;
	p->zone = p->role == NK_CLAIMANT ? ceil_div(x, p->step) : x / p->step;
	p->counter = 0;
	p->capped = p->settled = p->answer_cap = false;
	p->draw_msgs = 0;
	p->state = ST_DRAW;
	advance(p);
	return NK_OK;
}

static void settle(struct nk_blind_party *p, int64_t k)
{
	p->k = k;
	p->outcome.figure = k * p->step;
	p->settled = true;
}

/* This side's next draw message: its run of rejections and the draw it lets pass (or its
 * clamp at the stream's end, or the figure answering the other's); once settled, empty. */
static enum nk_status draw_send(struct nk_blind_party *p, uint8_t *out, size_t cap,
				size_t *out_len, struct nk_error *err)
{
	uint8_t *w = blind_msg_start(p, MSG_DRAW, out, cap);
	uint32_t run = 0;
	uint8_t flags = 0;
	int64_t k = 0;
	enum nk_status rc;

	if (!w)
		return nk_fail(err, NK_EINVAL, "out", "the buffer is too small");
	if (p->answer_cap) {
		flags = DRAW_CAP;
		k = p->k;
		p->answer_cap = false;
	} else if (!p->settled) {
		while (!p->capped && rejects(p, p->k)) {
			if ((rc = cut(p, p->role, err)) != NK_OK)
				return rc;
			run++;
		}
		if (p->capped) {
			flags = DRAW_CAP;
			k = clamp_own(p, p->lo + (p->hi - p->lo) / 2);
		} else if (run == 0 && p->draw_msgs > 0) {
			settle(p, p->k);	/* the other let it pass, and so does this side */
		}
	}
	memcpy(w, p->seed, NK_SEED_BYTES);
	for (int i = 0; i < 4; i++)
		w[NK_SEED_BYTES + i] = (uint8_t)(run >> (8 * i));
	w[NK_SEED_BYTES + 4] = flags;
	for (int i = 0; i < 8; i++)
		w[NK_SEED_BYTES + 5 + i] = (uint8_t)((uint64_t)k >> (8 * i));
	*out_len = blind_msg_finish(p, MSG_DRAW, out);
	if (++p->draw_msgs >= NK_BLIND_DRAW_MESSAGES && p->settled)
		blind_round_finish(p);
	return NK_OK;
}

enum nk_status blind_draw_open(struct nk_blind_party *p, const uint8_t peer_share[NK_SEED_BYTES],
			       uint8_t *out, size_t cap, size_t *out_len, struct nk_error *err)
{
	enum nk_status rc = draw_start(p, peer_share, err);

	return rc == NK_OK ? draw_send(p, out, cap, out_len, err) : rc;
}

static enum nk_status corrupt(struct nk_error *err, const char *why)
{
	return nk_fail(err, NK_ECORRUPT, "message", "a draw message %s (altered on the way)", why);
}

/* The other side's message read: its run applied, the draw settled if both let it pass. */
static enum nk_status draw_read(struct nk_blind_party *p, const uint8_t *body,
				struct nk_error *err)
{
	uint32_t run = 0;
	uint64_t k = 0;
	const uint8_t flags = body[NK_SEED_BYTES + 4];
	enum nk_status rc;

	for (int i = 3; i >= 0; i--)
		run = run << 8 | body[NK_SEED_BYTES + i];
	for (int i = 7; i >= 0; i--)
		k = k << 8 | body[NK_SEED_BYTES + 5 + i];
	if (!p->seed_known) {
		if ((rc = draw_start(p, body, err)) != NK_OK)
			return rc;
	} else if (sodium_memcmp(body, p->peer_seed, NK_SEED_BYTES) != 0) {
		return nk_fail(err, NK_ECRYPTO, "seed", "the %s's seed share changed during the "
			       "draw: nothing is recorded", nk_role_name(!p->role));
	}
	p->draw_msgs++;
	if (flags & ~DRAW_CAP || run > NK_BLIND_DRAW_MESSAGES_MAX)
		return corrupt(err, "is not one");
	if (p->settled)
		return run || flags || k ? corrupt(err, "after the settlement is not empty") : NK_OK;
	if (p->capped) {	/* this side sent its clamp: the answer is the figure */
		if (run || !flags || (int64_t)k < p->lo || (int64_t)k > p->hi ||
		    clamp_own(p, (int64_t)k) != (int64_t)k)
			return corrupt(err, "does not answer the stream's end");
		settle(p, (int64_t)k);
		return NK_OK;
	}
	for (uint32_t i = 0; i < run; i++) {
		if (p->capped || rejects(p, p->k))
			return corrupt(err, "contradicts the draw");
		if ((rc = cut(p, !p->role, err)) != NK_OK)
			return rc;
	}
	if (flags) {
		if (!p->capped || (int64_t)k < p->lo || (int64_t)k > p->hi)
			return corrupt(err, "ends the stream where it does not end");
		settle(p, clamp_own(p, (int64_t)k));
		p->answer_cap = true;
		return NK_OK;
	}
	if (p->capped || k)
		return corrupt(err, "goes on past the stream's end");
	/* the other let pass a draw this side had let pass: it lies in the zone */
	if (run == 0 && p->draw_msgs > 1)
		settle(p, p->k);
	return NK_OK;
}

enum nk_status blind_draw_step(struct nk_blind_party *p, const uint8_t *in, size_t in_len,
			       uint8_t *out, size_t cap, size_t *out_len, struct nk_error *err)
{
	const uint8_t *body = blind_msg_open(p, MSG_DRAW, in, in_len, err);
	enum nk_status rc;

	if (!body)
		return err ? err->code : NK_ECORRUPT;
	if ((rc = draw_read(p, body, err)) != NK_OK)
		return rc;
	*out_len = 0;
	if (p->settled && !p->answer_cap && p->draw_msgs >= NK_BLIND_DRAW_MESSAGES) {
		blind_round_finish(p);
		return NK_OK;
	}
	return draw_send(p, out, cap, out_len, err);
}
