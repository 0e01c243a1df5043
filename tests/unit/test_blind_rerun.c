/* A blind round broken off and run again: an honest side is held to its own figure by its
 * state, and holds the other side to the input-carrying message it sent first (the payer's
 * transfer, the claimant's garbled circuit). A cheating client that saw the outcome, broke
 * the round off and ran it again with another figure would learn the outcome of both
 * against the same honest figure: the honest side refuses the changed message. An honest
 * rerun with the same figures sends the same messages and gives the same outcome. */
#include <nakodo/bargain.h>
#include <nakodo/blind.h>
#include <nakodo/keys.h>
#include "crypto/blind_proto.h"
#include "blind_pair.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

/* A side saved to its state file and loaded again, as between two runs of its client:
 * the pins are kept with the rest. */
static void reload(struct nk_blind_party **side, const struct nk_rules *r, enum nk_role role,
		   uint8_t tag)
{
	struct nk_party_key *key = NULL;
	uint8_t sid[NK_BLIND_SESSION_BYTES], *data = NULL;
	size_t len = 0;

	memset(sid, tag, sizeof(sid));
	assert_int_equal(nk_party_key_generate(&key, NULL), NK_OK);
	assert_int_equal(nk_blind_save(*side, key, 1, 0, &data, &len, NULL), NK_OK);
	nk_blind_free(*side);
	*side = NULL;
	assert_int_equal(nk_blind_load(r, role, sid, key, 0, data, len, NULL, side, NULL), NK_OK);
	free(data);
	nk_party_key_free(key);
}

/* Round 1 up to the payer's evaluation: the payer has its outcome, the claimant not
 * (the payer's answer is never delivered). `first` keeps the payer's transfer. */
static void up_to_evaluation(struct pair *x, const struct nk_blind_input *ci,
			     const struct nk_blind_input *pi, uint8_t *first, size_t *first_len)
{
	size_t len = 0, len2 = 0, len3 = 0;

	assert_int_equal(nk_blind_begin(x->c, 1, ci, &x->err), NK_OK);
	assert_int_equal(nk_blind_begin(x->p, 1, pi, &x->err), NK_OK);
	assert_int_equal(nk_blind_step(x->p, NULL, 0, x->buf[1], x->cap, &len, &x->err), NK_OK);
	if (first) {
		memcpy(first, x->buf[1], len);
		*first_len = len;
	}
	assert_int_equal(nk_blind_step(x->c, x->buf[1], len, x->buf[0], x->cap, &len2, &x->err),
			 NK_OK);
	assert_int_equal(nk_blind_step(x->p, x->buf[0], len2, x->buf[1], x->cap, &len3, &x->err),
			 NK_OK);
	assert_true(nk_blind_done(x->p));
	assert_false(nk_blind_done(x->c));
}

/* Round 1 begun again by both, the payer's transfer refused by the claimant. */
static void transfer_refused(struct pair *x, const struct nk_blind_input *ci,
			     const struct nk_blind_input *pi)
{
	size_t len = 0, len2 = 0;

	assert_int_equal(nk_blind_begin(x->c, 1, ci, &x->err), NK_OK);
	assert_int_equal(nk_blind_begin(x->p, 1, pi, &x->err), NK_OK);
	assert_int_equal(nk_blind_step(x->p, NULL, 0, x->buf[1], x->cap, &len, &x->err), NK_OK);
	assert_int_equal(nk_blind_step(x->c, x->buf[1], len, x->buf[0], x->cap, &len2, &x->err),
			 NK_EREFUSED);
	assert_non_null(strstr(x->err.text, "changed its figure for round 1"));
	assert_false(nk_blind_done(x->c));
}

/* A cheating payer breaks round 1 off after its evaluation, then runs it again with a
 * lower offer (its client's own hold on its figure bypassed): the claimant refuses its
 * transfer, under a new attempt number or under the first one again. */
static void payer_changes_figure(void **state)
{
	struct nk_rules r;
	struct pair x;
	struct nk_blind_input ci = { .figure = 60000 }, pi = { .figure = 50000 };

	(void)state;
	pair_hinted_rules(&r);
	assert_int_equal(pair_open(&x, &r, 7), NK_OK);
	up_to_evaluation(&x, &ci, &pi, NULL, NULL);
	reload(&x.c, &r, NK_CLAIMANT, 7);
	/* the modified client forgets what it computed and began */
	x.p->computed = 0;
	x.p->pending = false;
	pi.figure = 40000;
	transfer_refused(&x, &ci, &pi);
	/* the same with the first attempt's number: its pads are not used again either */
	x.p->pending = false;
	x.p->attempt--;
	x.p->pin_round = 0;
	transfer_refused(&x, &ci, &pi);
	pair_close(&x);
}

/* A cheating claimant that saw the round's outcome forgets it and garbles round 1 again
 * with a higher demand: the honest payer, computing the round again for a peer that missed
 * its end, refuses the new circuit before it evaluates it. */
static void claimant_changes_figure(void **state)
{
	struct nk_rules r;
	struct pair x;
	struct nk_blind_input ci = { .figure = 60000 }, pi = { .figure = 50000 };
	size_t len = 0, len2 = 0, len3 = 0;

	(void)state;
	pair_hinted_rules(&r);
	assert_int_equal(pair_open(&x, &r, 8), NK_OK);
	assert_int_equal(pair_round(&x, 1, &ci, &pi), NK_OK);
	reload(&x.p, &r, NK_PAYER, 8);
	x.c->computed = 0;
	x.c->pending = false;
	x.c->attempt = 0;	/* and takes any transfer */
	ci.figure = 55000;
	assert_int_equal(nk_blind_begin(x.c, 1, &ci, &x.err), NK_OK);
	assert_int_equal(nk_blind_begin(x.p, 1, &pi, &x.err), NK_OK);
	assert_int_equal(nk_blind_step(x.p, NULL, 0, x.buf[1], x.cap, &len, &x.err), NK_OK);
	assert_int_equal(nk_blind_step(x.c, x.buf[1], len, x.buf[0], x.cap, &len2, &x.err),
			 NK_OK);
	assert_int_equal(nk_blind_step(x.p, x.buf[0], len2, x.buf[1], x.cap, &len3, &x.err),
			 NK_EREFUSED);
	assert_non_null(strstr(x.err.text, "changed its figure for round 1"));
	assert_int_equal(len3, 0);
	pair_close(&x);
}

struct capture {
	uint8_t *msg;
	size_t len;
	int seen;
};

static void keep_first(const uint8_t *msg, size_t len, void *arg)
{
	struct capture *k = arg;

	if (k->seen++ == 0) {
		memcpy(k->msg, msg, len);
		k->len = len;
	}
}

/* Honest reruns: broken off after the payer's evaluation, and after the claimant's end
 * (the payer computing the round again for it), with the same figures: the same first
 * message, the same outcome, and round 2 follows. */
static void honest_rerun(void **state)
{
	struct nk_rules r;
	struct pair x;
	struct nk_blind_input ci = { .figure = 60000 }, pi = { .figure = 40000 };
	struct nk_blind_outcome o1, o2, oc;
	struct capture k = { 0 };
	uint8_t *first;
	size_t first_len = 0;

	(void)state;
	pair_hinted_rules(&r);
	assert_int_equal(pair_open(&x, &r, 9), NK_OK);
	first = malloc(x.cap);
	k.msg = malloc(x.cap);
	assert_non_null(first);
	assert_non_null(k.msg);
	up_to_evaluation(&x, &ci, &pi, first, &first_len);
	assert_int_equal(nk_blind_outcome(x.p, &o1, &x.err), NK_OK);
	reload(&x.c, &r, NK_CLAIMANT, 9);
	reload(&x.p, &r, NK_PAYER, 9);
	assert_int_equal(pair_round(&x, 1, &ci, &pi), NK_OK);
	assert_int_equal(nk_blind_outcome(x.p, &o2, &x.err), NK_OK);
	assert_int_equal(nk_blind_outcome(x.c, &oc, &x.err), NK_OK);
	assert_int_equal(o1.deal, NK_NO_DEAL);
	assert_int_equal(o2.deal, o1.deal);
	assert_int_equal(o2.hint, o1.hint);
	assert_int_equal(oc.deal, o1.deal);
	/* once more for a claimant whose end was not kept: the payer's transfer is the
	 * first one again, byte for byte */
	x.c->computed = 0;
	x.observe = keep_first;
	x.observe_arg = &k;
	assert_int_equal(pair_round(&x, 1, &ci, &pi), NK_OK);
	assert_int_equal(k.len, first_len);
	assert_memory_equal(k.msg, first, first_len);
	assert_int_equal(nk_blind_outcome(x.c, &oc, &x.err), NK_OK);
	assert_int_equal(oc.deal, o1.deal);
	x.observe = NULL;
	ci.figure = 55000;
	pi.figure = 45000;
	assert_int_equal(pair_round(&x, 2, &ci, &pi), NK_OK);
	free(first);
	free(k.msg);
	pair_close(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(payer_changes_figure),
		cmocka_unit_test(claimant_changes_figure),
		cmocka_unit_test(honest_rerun),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
