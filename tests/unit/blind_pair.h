/* The tests' two blind parties in one process: set up a case, run a round by passing each
 * message to the other side, and capture or alter the messages on the way. */
#ifndef NAKODO_TESTS_BLIND_PAIR_H
#define NAKODO_TESTS_BLIND_PAIR_H

#include <nakodo/blind.h>
#include "crypto/blind_proto.h"

#include <stdlib.h>
#include <string.h>

#define PAIR_MSGS 64

struct pair {
	struct nk_blind_party *c, *p;	/* claimant (garbles), payer (evaluates) */
	uint8_t *buf[2];
	size_t cap;
	/* the round's messages as sent, in order (kept up to PAIR_MSGS), and their sizes */
	size_t sizes[PAIR_MSGS];
	int count;
	/* alter message number `at` (0-based in the round) before delivery; NULL: none */
	void (*alter)(uint8_t *msg, size_t *len, void *arg);
	int at;
	void *arg;
	/* sees every message as delivered, in order; NULL: none */
	void (*observe)(const uint8_t *msg, size_t len, void *arg);
	void *observe_arg;
	struct nk_error err;
	int failed_side;	/* 0 claimant, 1 payer, -1 none */
};

/* Rules of four rounds with two hint thresholds on a grid of 5 (the rerun and state
 * tests'). */
static inline void pair_hinted_rules(struct nk_rules *r)
{
	nk_rules_default(r, nk_currency_find("USD"));
	r->range_low = 0;
	r->range_high = 100000;
	r->rounds = 4;
	r->settle = NK_SETTLE_MIDPOINT;
	r->grid = 5;
	r->hint_count = 2;
	r->hint_bp[0] = 1000;
	r->hint_bp[1] = 3000;
	r->leakage_bits = 4;
}

static inline enum nk_status pair_open(struct pair *x, const struct nk_rules *r, uint8_t tag)
{
	uint8_t sid[NK_BLIND_SESSION_BYTES];
	size_t len = 0, len2 = 0;
	enum nk_status rc;

	memset(x, 0, sizeof(*x));
	memset(sid, tag, sizeof(sid));
	x->failed_side = -1;
	if ((rc = nk_blind_new(r, NK_CLAIMANT, sid, &x->c, &x->err)) != NK_OK ||
	    (rc = nk_blind_new(r, NK_PAYER, sid, &x->p, &x->err)) != NK_OK)
		return rc;
	x->cap = nk_blind_message_max(x->c);
	x->buf[0] = malloc(x->cap);
	x->buf[1] = malloc(x->cap);
	if (!x->buf[0] || !x->buf[1])
		return NK_ENOMEM;
	if ((rc = nk_blind_step(x->p, NULL, 0, x->buf[1], x->cap, &len, &x->err)) != NK_OK ||
	    (rc = nk_blind_step(x->c, x->buf[1], len, x->buf[0], x->cap, &len2, &x->err)) != NK_OK ||
	    (rc = nk_blind_step(x->p, x->buf[0], len2, x->buf[1], x->cap, &len, &x->err)) != NK_OK)
		return rc;
	return len == 0 ? NK_OK : NK_EINVAL;
}

static inline void pair_close(struct pair *x)
{
	nk_blind_free(x->c);
	nk_blind_free(x->p);
	free(x->buf[0]);
	free(x->buf[1]);
}

/* Both sides forget their rounds (keeping the set-up), to run round 1 again. */
static inline void pair_again(struct pair *x)
{
	blind_forget_rounds(x->c);
	blind_forget_rounds(x->p);
}

/* Runs round with both inputs: the payer speaks first, then each answers the other until
 * neither has anything to say. NK_OK when both computed the round. */
static inline enum nk_status pair_round(struct pair *x, int round, const struct nk_blind_input *ci,
					const struct nk_blind_input *pi)
{
	struct nk_blind_party *side[2] = { x->c, x->p };
	size_t len = 0;
	int who = 1;	/* the payer */
	enum nk_status rc;
	const uint8_t *in = NULL;
	size_t in_len = 0;

	x->count = 0;
	x->failed_side = -1;
	if ((rc = nk_blind_begin(x->c, round, ci, &x->err)) != NK_OK ||
	    (rc = nk_blind_begin(x->p, round, pi, &x->err)) != NK_OK)
		return rc;
	for (;;) {
		rc = nk_blind_step(side[who], in, in_len, x->buf[who], x->cap, &len, &x->err);
		if (rc != NK_OK) {
			x->failed_side = who;
			return rc;
		}
		if (len == 0)
			break;
		if (x->count < PAIR_MSGS)
			x->sizes[x->count] = len;
		if (x->alter && x->count == x->at)
			x->alter(x->buf[who], &len, x->arg);
		if (x->observe)
			x->observe(x->buf[who], len, x->observe_arg);
		x->count++;
		in = x->buf[who];
		in_len = len;
		who = 1 - who;
	}
	return nk_blind_done(x->c) && nk_blind_done(x->p) ? NK_OK : NK_EINVAL;
}

#endif
