/* The blind protocol over several rounds and under attack on its messages: the monotone
 * rule kept against the figures of the round before (even by a side whose own check was
 * bypassed), each side's hint decision picked by the other's repeated figures as the
 * plain engine picks it, and every altered, truncated, reordered or replayed message
 * refused with a reason, after which the round can be computed again. */
#include <nakodo/bargain.h>
#include <nakodo/blind.h>
#include "crypto/blind_proto.h"
#include "../splitmix.h"
#include "blind_pair.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

static void hint_rules(struct nk_rules *r, enum nk_settle settle)
{
	nk_rules_default(r, nk_currency_find("USD"));
	r->range_low = 0;
	r->range_high = 100000;
	r->rounds = 6;
	r->settle = settle;
	r->grid = 5;
	r->hint_count = 2;
	r->hint_bp[0] = 1000;
	r->hint_bp[1] = 3000;
	r->leakage_bits = 4;
}

/* The first round of the run in which role's figure has been this round's, or 0 (the
 * entry of the hint decisions the circuit picks: under monotone rules a kept figure is
 * kept in a run). */
static int repeated(const struct nk_round_figures *f, int round, enum nk_role role)
{
	int s = 0;

	for (int k = round - 1; k >= 1; k--) {
		if (role == NK_CLAIMANT ? f[k - 1].demand != f[round - 1].demand
					: f[k - 1].offer != f[round - 1].offer)
			break;
		s = k;
	}
	return s;
}

/* Multi-round cases: demands fall and offers rise, often staying put; the blind round
 * gets, for each side, the plain decision at the entry the other's repeats select and
 * random decisions elsewhere, so that a wrong selection shows. */
static void rounds_and_repeats(void **state)
{
	static const uint8_t seed[NK_SEED_BYTES];
	int checked = 0, repeats = 0;

	(void)state;
	rng_state = 99;
	for (int c = 0; c < 60; c++) {
		struct nk_rules r;
		struct pair x;
		struct nk_round_figures f[NK_ROUNDS_MAX];
		struct nk_round_result res[NK_ROUNDS_MAX];

		hint_rules(&r, c % 2 ? NK_SETTLE_BAND : NK_SETTLE_MIDPOINT);
		r.band_bp = c % 2 ? 200 : 0;
		assert_int_equal(pair_open(&x, &r, (uint8_t)c), NK_OK);
		f[0] = (struct nk_round_figures){ between(60000, 100000), between(0, 40000), 0, 0 };
		for (int round = 1; round <= r.rounds; round++) {
			struct nk_blind_input ci = { 0 }, pi = { 0 };
			struct nk_blind_outcome oc, op;
			int sc, sp;

			if (round > 1) {
				f[round - 1] = f[round - 2];
				if (next() % 3 == 0)	/* back to an earlier figure, if monotone */
					f[round - 1].demand = f[between(0, round - 2)].demand;
				if (next() % 2)
					f[round - 1].demand -= between(0, 8000);
				if (next() % 2)
					f[round - 1].offer += between(0, 8000);
				if (f[round - 1].demand > f[round - 2].demand)
					f[round - 1].demand = f[round - 2].demand;
				if (f[round - 1].offer > r.range_high)
					f[round - 1].offer = r.range_high;
			}
			assert_int_equal(nk_bargain_round(&r, round, f, res, seed, NULL), NK_OK);
			sc = repeated(f, round, NK_CLAIMANT);
			sp = repeated(f, round, NK_PAYER);
			repeats += sc > 0 || sp > 0;
			for (int s = 0; s < round; s++) {
				ci.allowed[s] = next() & 1;
				pi.allowed[s] = next() & 1;
			}
			ci.allowed[sp] = res[round - 1].claimant.hint >= 0;
			pi.allowed[sc] = res[round - 1].payer.hint >= 0;
			ci.figure = f[round - 1].demand;
			pi.figure = f[round - 1].offer;
			if (pair_round(&x, round, &ci, &pi) != NK_OK)
				fail_msg("case %d round %d: %s", c, round, x.err.text);
			assert_int_equal(nk_blind_outcome(x.c, &oc, NULL), NK_OK);
			assert_int_equal(nk_blind_outcome(x.p, &op, NULL), NK_OK);
			assert_int_equal(oc.deal, res[round - 1].deal);
			assert_int_equal(op.deal, res[round - 1].deal);
			if (oc.deal != NK_NO_DEAL) {
				assert_true(oc.figure == res[round - 1].figure);
				assert_true(op.figure == res[round - 1].figure);
				break;	/* a deal closes the case */
			}
			assert_int_equal(oc.hint, res[round - 1].claimant.hint);
			assert_int_equal(op.hint, res[round - 1].payer.hint);
			assert_int_equal(oc.withheld, res[round - 1].claimant.withheld);
			assert_int_equal(op.withheld, res[round - 1].payer.withheld);
			checked++;
		}
		pair_close(&x);
	}
	assert_true(checked > 150 && repeats > 60);
}

/* A payer whose client skipped its own monotone check: the circuit refuses the round on
 * both sides, telling nothing else; the claimant, holding the payer to the transfer it
 * began the round with, refuses a rerun with another offer (test_blind_rerun.c). */
static void monotone_in_circuit(void **state)
{
	struct nk_rules r;
	struct pair x;
	struct nk_blind_input ci = { .figure = 9000 }, pi = { .figure = 5000 };
	struct nk_blind_outcome o;

	(void)state;
	hint_rules(&r, NK_SETTLE_MIDPOINT);
	assert_int_equal(pair_open(&x, &r, 1), NK_OK);
	assert_int_equal(pair_round(&x, 1, &ci, &pi), NK_OK);
	/* a computed round is not computed again with other figures */
	ci.figure = 8000;
	assert_int_equal(nk_blind_begin(x.c, 1, &ci, &x.err), NK_EINVAL);
	assert_string_equal(x.err.field, "round");
	ci.figure = 9000;
	pi.figure = 4000;	/* falls */
	assert_int_equal(nk_blind_begin(x.p, 2, &pi, &x.err), NK_EREFUSED);
	x.p->figure[0] = 3000;	/* what a cheating client would have recorded */
	assert_int_equal(pair_round(&x, 2, &ci, &pi), NK_EREFUSED);
	assert_non_null(strstr(x.err.text, "payer's figure breaks the monotone rule"));
	assert_false(nk_blind_done(x.c));
	assert_int_equal(nk_blind_outcome(x.c, &o, NULL), NK_EINVAL);
	pi.figure = 9500;
	assert_int_equal(pair_round(&x, 2, &ci, &pi), NK_EREFUSED);
	assert_int_equal(x.failed_side, 0);
	assert_non_null(strstr(x.err.text, "changed its figure for round 2"));
	assert_false(nk_blind_done(x.c));
	pair_close(&x);
}

struct alteration {
	int how;		/* 0 flip a body byte, 1 truncate, 2 flip the kind, 3 flip the check */
	size_t offset;
};

static void alter(uint8_t *msg, size_t *len, void *arg)
{
	const struct alteration *a = arg;

	switch (a->how) {
	case 0: msg[MSG_HEADER + a->offset % (*len - MSG_HEADER - MSG_CHECK)] ^= 0x10; break;
	case 1: *len -= 1 + a->offset % 7; break;
	case 2: msg[0] = msg[0] == MSG_DRAW ? MSG_OUTPUT : MSG_DRAW; break;
	default: msg[*len - 1] ^= 1; break;
	}
}

/* Every message of a round, altered four ways: the round fails with a reason naming the
 * message, nothing of it is kept, and the same round then computes the same outcome. */
static void altered_messages(void **state)
{
	static const char *const reasons[] = { "transcript", "truncated", "out of order",
					       "transcript" };

	(void)state;
	rng_state = 5;
	for (int settle = 0; settle < 3; settle++) {
		struct nk_rules r;
		struct pair x;
		struct nk_blind_input ci = { .figure = 52000 }, pi = { .figure = 61000 };
		struct nk_blind_outcome want, got;
		int messages;

		hint_rules(&r, (enum nk_settle)settle);
		r.band_bp = settle == NK_SETTLE_BAND ? 300 : 0;
		assert_int_equal(pair_open(&x, &r, 3), NK_OK);
		assert_int_equal(pair_round(&x, 1, &ci, &pi), NK_OK);
		assert_int_equal(nk_blind_outcome(x.c, &want, NULL), NK_OK);
		messages = x.count;
		assert_true(messages >= 3);
		for (int at = 0; at < messages; at++)
			for (int how = 0; how < 4; how++) {
				struct alteration a = { how, (size_t)next() };

				x.alter = alter;
				x.at = at;
				x.arg = &a;
				pair_again(&x);
				if (pair_round(&x, 1, &ci, &pi) == NK_OK)
					fail_msg("rule %d message %d alteration %d passed", settle, at,
						 how);
				assert_string_equal(x.err.field, "message");
				assert_non_null(strstr(x.err.text, reasons[how]));
				assert_false(nk_blind_done(x.failed_side ? x.p : x.c));
				x.alter = NULL;
				/* the other side may still wait: both begin the round again */
				pair_again(&x);
				assert_int_equal(pair_round(&x, 1, &ci, &pi), NK_OK);
				assert_int_equal(nk_blind_outcome(x.c, &got, NULL), NK_OK);
				assert_int_equal(got.deal, want.deal);
				if (settle != NK_SETTLE_RANDOM)
					assert_true(got.figure == want.figure);
			}
		pair_close(&x);
	}
}

static uint8_t saved[1 << 16];
static size_t saved_len;

static void save(uint8_t *msg, size_t *len, void *arg)
{
	(void)arg;
	memcpy(saved, msg, *len);
	saved_len = *len;
}

static void replay(uint8_t *msg, size_t *len, void *arg)
{
	(void)arg;
	memcpy(msg, saved, saved_len);
	*len = saved_len;
}

static void far_attempt(uint8_t *msg, size_t *len, void *arg)
{
	(void)len;
	(void)arg;
	memset(msg + 2, 0xf0, 4);	/* the attempt number */
}

/* A transfer of an earlier attempt, delivered again: refused (its pads would be reused).
 * One whose attempt number was raised is refused without raising the claimant's, so the
 * payer's next attempt still passes. */
static void replayed_transfer(void **state)
{
	struct nk_rules r;
	struct pair x;
	struct nk_blind_input ci = { .figure = 50000 }, pi = { .figure = 20000 };

	(void)state;
	hint_rules(&r, NK_SETTLE_MIDPOINT);
	assert_int_equal(pair_open(&x, &r, 4), NK_OK);
	x.alter = save;
	x.at = 0;
	assert_int_equal(pair_round(&x, 1, &ci, &pi), NK_OK);
	assert_true(saved_len > 0 && saved_len <= sizeof(saved));
	x.alter = replay;
	pair_again(&x);
	assert_int_equal(pair_round(&x, 1, &ci, &pi), NK_ECORRUPT);
	assert_non_null(strstr(x.err.text, "replayed"));
	x.alter = far_attempt;
	pair_again(&x);
	assert_int_equal(pair_round(&x, 1, &ci, &pi), NK_ECRYPTO);
	x.alter = NULL;
	pair_again(&x);
	assert_int_equal(pair_round(&x, 1, &ci, &pi), NK_OK);
	pair_close(&x);
}

static void drop(uint8_t *msg, size_t *len, void *arg)
{
	(void)msg;
	(void)arg;
	*len = 0;	/* lost on the way */
}

/* A round broken off after the payer saw its outcome (the output labels never reach the
 * claimant): computed again only with the figures it began with, on either side, which
 * completes it for the claimant and tells the payer nothing new. */
static void retry_same_figures(void **state)
{
	struct nk_rules r;
	struct pair x;
	struct nk_blind_input ci = { .figure = 50000 }, pi = { .figure = 20000 }, other;
	struct nk_blind_outcome o;

	(void)state;
	hint_rules(&r, NK_SETTLE_MIDPOINT);
	assert_int_equal(pair_open(&x, &r, 7), NK_OK);
	x.alter = drop;
	x.at = 2;
	assert_true(pair_round(&x, 1, &ci, &pi) != NK_OK);
	assert_true(nk_blind_done(x.p) && !nk_blind_done(x.c));
	x.alter = NULL;
	other = pi;
	other.figure = 30000;
	assert_int_equal(nk_blind_begin(x.p, 1, &other, &x.err), NK_EINVAL);	/* computed */
	assert_string_equal(x.err.field, "round");
	other = ci;
	other.allowed[0] = true;
	assert_int_equal(nk_blind_begin(x.c, 1, &other, &x.err), NK_EREFUSED);
	assert_non_null(strstr(x.err.text, "begun with another figure"));
	assert_int_equal(pair_round(&x, 1, &ci, &pi), NK_OK);
	assert_int_equal(nk_blind_outcome(x.c, &o, NULL), NK_OK);
	assert_int_equal(o.deal, NK_NO_DEAL);
	/* and round 2 follows */
	ci.figure = 40000;
	pi.figure = 45000;
	assert_int_equal(pair_round(&x, 2, &ci, &pi), NK_OK);
	assert_int_equal(nk_blind_outcome(x.p, &o, NULL), NK_OK);
	assert_int_equal(o.deal, NK_DEAL_OVERLAP);
	pair_close(&x);
}

/* Sizes: the same for a deal and for a failed round with hints, and for every round. */
static void fixed_sizes(void **state)
{
	struct nk_rules r;
	struct pair x;
	size_t first[3];

	(void)state;
	hint_rules(&r, NK_SETTLE_MIDPOINT);
	assert_int_equal(pair_open(&x, &r, 5), NK_OK);
	for (int round = 1; round <= 4; round++) {
		struct nk_blind_input ci = { .figure = 90000 - round * 1000 },
				      pi = { .figure = round < 4 ? 1000 * round : 95000 };

		ci.allowed[0] = pi.allowed[0] = true;
		assert_int_equal(pair_round(&x, round, &ci, &pi), NK_OK);
		assert_int_equal(x.count, 3);
		for (int m = 0; m < 3; m++) {
			if (round == 1)
				first[m] = x.sizes[m];
			assert_int_equal(x.sizes[m], first[m]);
		}
	}
	pair_close(&x);
}

static void refusals(void **state)
{
	struct nk_rules r;
	struct pair x;
	struct nk_blind_input in = { .figure = 500, .extension = 10 };
	struct nk_error err;
	size_t len;
	uint8_t buf[64];

	(void)state;
	hint_rules(&r, NK_SETTLE_RANDOM);
	assert_int_equal(pair_open(&x, &r, 6), NK_OK);
	assert_int_equal(nk_blind_begin(x.c, 1, &in, &err), NK_EREFUSED);
	assert_string_equal(err.field, "extension");
	in.extension = 0;
	assert_int_equal(nk_blind_begin(x.c, 2, &in, &err), NK_EINVAL);
	assert_string_equal(err.field, "round");
	in.figure = r.range_high + 1;
	assert_int_equal(nk_blind_begin(x.c, 1, &in, &err), NK_EINVAL);
	assert_int_equal(nk_blind_step(x.c, NULL, 0, buf, sizeof(buf), &len, &err), NK_EINVAL);
	pair_close(&x);
	r.grid = 0;
	assert_int_equal(nk_blind_rules_check(&r, &err), NK_EINVAL);
	assert_string_equal(err.field, "grid");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rounds_and_repeats),
		cmocka_unit_test(monotone_in_circuit),
		cmocka_unit_test(altered_messages),
		cmocka_unit_test(replayed_transfer),
		cmocka_unit_test(retry_same_figures),
		cmocka_unit_test(fixed_sizes),
		cmocka_unit_test(refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
