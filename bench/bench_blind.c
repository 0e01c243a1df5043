/* The blind round (crypto/blind*.c) in one process, beside the plain round of
 * core/bargain measured in the same run: the set-up once per case (base OTs), then per
 * round p50 and p95 of the whole protocol (both sides' work, messages passed in memory)
 * and the bytes each way. The network is not in these figures. Usage: bench_blind [N]. */
#include <nakodo/bargain.h>
#include <nakodo/blind.h>
#include "crypto/blind_proto.h"
#include "bench_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

static uint64_t state = 88172645463325252u;

static int64_t rnd(int64_t lo, int64_t hi)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return lo + (int64_t)(state % (uint64_t)(hi - lo + 1));
}

struct sides {
	struct nk_blind_party *s[2];	/* claimant, payer */
	uint8_t *buf[2];
	size_t cap;
};

/* Passes messages until neither side has one; the payer speaks first. */
static int pump(struct sides *x)
{
	const uint8_t *in = NULL;
	size_t in_len = 0, len;
	int who = 1;

	for (;;) {
		if (nk_blind_step(x->s[who], in, in_len, x->buf[who], x->cap, &len, NULL) != NK_OK)
			return -1;
		if (len == 0)
			return 0;
		in = x->buf[who];
		in_len = len;
		who = 1 - who;
	}
}

static int setup(struct sides *x, const struct nk_rules *r, int k)
{
	uint8_t sid[NK_BLIND_SESSION_BYTES] = { (uint8_t)k, (uint8_t)(k >> 8) };

	if (nk_blind_new(r, NK_CLAIMANT, sid, &x->s[0], NULL) != NK_OK ||
	    nk_blind_new(r, NK_PAYER, sid, &x->s[1], NULL) != NK_OK)
		return -1;
	x->cap = nk_blind_message_max(x->s[0]);
	x->buf[0] = malloc(x->cap);
	x->buf[1] = malloc(x->cap);
	return x->buf[0] && x->buf[1] ? pump(x) : -1;
}

static void done(struct sides *x)
{
	nk_blind_free(x->s[0]);
	nk_blind_free(x->s[1]);
	free(x->buf[0]);
	free(x->buf[1]);
}

static void run(const char *name, const struct nk_rules *r, int n)
{
	double *setup_ms = calloc((size_t)n, sizeof(double));
	double *round_ms = calloc((size_t)n, sizeof(double));
	double *plain_us = calloc((size_t)n, sizeof(double));
	uint64_t c_sent = 0, p_sent = 0, c0, p0, c1, p1, dummy;
	const int cases = n / 10 > 0 ? n / 10 : 1;
	int k = 0;

	if (!setup_ms || !round_ms || !plain_us)
		exit(1);
	for (int cs = 0; cs < cases; cs++) {
		struct sides x;
		double t0 = now_ms();

		if (setup(&x, r, cs) != 0) {
			fprintf(stderr, "bench_blind: set-up failed\n");
			exit(1);
		}
		setup_ms[cs] = now_ms() - t0;
		for (int i = 0; i < n / cases; i++, k++) {
			struct nk_blind_input ci = { 0 }, pi = { 0 };
			struct nk_round_figures f;
			struct nk_round_result res;
			static const uint8_t seed[NK_SEED_BYTES] = { 7 };

			ci.figure = rnd(r->range_low, r->range_high);
			pi.figure = rnd(r->range_low, r->range_high);
			ci.allowed[0] = pi.allowed[0] = true;
			nk_blind_traffic(x.s[0], &c0, &dummy);
			nk_blind_traffic(x.s[1], &p0, &dummy);
			blind_forget_rounds(x.s[0]);	/* round 1 again, on the same set-up */
			blind_forget_rounds(x.s[1]);
			t0 = now_ms();
			if (nk_blind_begin(x.s[0], 1, &ci, NULL) != NK_OK ||
			    nk_blind_begin(x.s[1], 1, &pi, NULL) != NK_OK || pump(&x) != 0) {
				fprintf(stderr, "bench_blind: round failed\n");
				exit(1);
			}
			round_ms[k] = now_ms() - t0;
			nk_blind_traffic(x.s[0], &c1, &dummy);
			nk_blind_traffic(x.s[1], &p1, &dummy);
			c_sent += c1 - c0;
			p_sent += p1 - p0;
			f = (struct nk_round_figures){ ci.figure, pi.figure, 0, 0 };
			t0 = now_ms();
			if (nk_bargain_round(r, 1, &f, &res, seed, NULL) != NK_OK)
				exit(1);
			plain_us[k] = (now_ms() - t0) * 1e3;
		}
		done(&x);
	}
	printf("| %s | %.1f / %.1f | %.2f / %.2f | %.0f / %.0f | %llu | %llu |\n", name,
	       pct(setup_ms, cases, 0.5), pct(setup_ms, cases, 0.95), pct(round_ms, k, 0.5),
	       pct(round_ms, k, 0.95), pct(plain_us, k, 0.5), pct(plain_us, k, 0.95),
	       (unsigned long long)(p_sent / (uint64_t)k),
	       (unsigned long long)(c_sent / (uint64_t)k));
	free(setup_ms);
	free(round_ms);
	free(plain_us);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200;
	struct utsname u;
	struct nk_rules r;

	if (n < 10 || n > 100000) {
		fprintf(stderr, "usage: bench_blind [ROUNDS, 10..100000]\n");
		return 2;
	}
	uname(&u);
	printf("# %s %s %s; %d rounds per case kind, one case per 10 rounds\n", u.sysname,
	       u.release, u.machine, n);
	printf("| case | set-up ms p50 / p95 | round ms p50 / p95 | plain round µs p50 / p95 "
	       "| bytes payer→claimant (mean) | bytes claimant→payer (mean) |\n"
	       "|---|---|---|---|---|---|\n");
	nk_rules_default(&r, nk_currency_find("USD"));
	r.range_low = 0;
	r.range_high = 100000000;
	run("midpoint, grid 1, no hints", &r, n);
	r.grid = 100;
	r.hint_count = 2;
	r.hint_bp[0] = 1000;
	r.hint_bp[1] = 2500;
	run("midpoint, grid 100, hints 10,25", &r, n);
	r.settle = NK_SETTLE_BAND;
	r.band_bp = 1000;
	run("band 10%, grid 100, hints 10,25", &r, n);
	r.settle = NK_SETTLE_RANDOM;
	r.band_bp = 0;
	r.hint_count = 0;
	run("random, grid 100", &r, n);
	return 0;
}
