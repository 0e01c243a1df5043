/* The claimant's answer to the payer's transfer, from the transfer received to the
 * circuit ready to send, with its begin-and-pin save made durable on a real file
 * (KEY.CASE.blind's two copies, blind_file.c) either way the client has done it:
 * "in turn" (the step, its garbling included, then the save, as before 2026-12-05) and
 * "overlapped" (the pin taken ahead, the save's write and flush on a thread while the step
 * garbles, waited for before the send: blind_submit.c's exchange). Alternated one by one,
 * so that a disk shared with other work weighs on both alike. p50/p95 of each.
 *
 * Usage: bench_blind_flush [DIR] [N]   (the state file in DIR, default $TMPDIR or /tmp;
 * N rounds each way, default 200) */
#include <nakodo/bargain.h>
#include <nakodo/blind.h>
#include <nakodo/keys.h>
#include "../src/cli/blind_file.h"
#include "../tests/unit/blind_pair.h"
#include "bench_time.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N_MAX 5000

static void check(enum nk_status rc, const char *what)
{
	if (rc != NK_OK) {
		fprintf(stderr, "bench_blind_flush: %s failed (%d)\n", what, (int)rc);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	int n = argc > 2 ? atoi(argv[2]) : 200;
	struct nk_blind_input ci = { .figure = 70000 }, pi = { .figure = 40000 };
	static double t[2][N_MAX];
	struct nk_party_key *key = NULL;
	struct nk_brief *b = calloc(1, sizeof(*b));
	struct nk_blind_party *c = NULL;
	uint8_t sid[NK_BLIND_SESSION_BYTES], *transfer, *circuit, *saved = NULL;
	char key_path[4096];
	struct blind_file f;
	struct nk_rules r;
	struct pair x;
	size_t tlen = 0, clen = 0, slen = 0;

	if (sodium_init() < 0 || !b || n < 1 || n > N_MAX)
		return 1;
	snprintf(key_path, sizeof(key_path), "%s/bench-blind-flush-%d.nkey", dir, (int)getpid());
	check(nk_party_key_generate(&key, NULL), "key");
	pair_hinted_rules(&r);
	snprintf(b->case_id, sizeof(b->case_id), "bench-blind-flush");
	b->rules = r;
	b->role = NK_CLAIMANT;
	nk_party_key_identity(key, &b->identity[NK_CLAIMANT]);
	nk_party_key_identity(key, &b->identity[NK_PAYER]);
	cli_blind_session_id(b, sid);
	check(pair_open(&x, &r, 1), "set-up");
	memcpy(x.c->sid, sid, sizeof(sid));
	memcpy(x.p->sid, sid, sizeof(sid));
	nk_blind_decide(x.c, 1, &ci);
	nk_blind_decide(x.p, 1, &pi);
	check(nk_blind_begin(x.c, 1, &ci, NULL), "begin");
	check(nk_blind_begin(x.p, 1, &pi, NULL), "begin");
	transfer = malloc(x.cap);
	circuit = malloc(x.cap);
	if (!transfer || !circuit)
		return 1;
	check(nk_blind_step(x.p, NULL, 0, transfer, x.cap, &tlen, NULL), "transfer");
	/* the claimant begun, before the transfer: each try starts from this */
	check(nk_blind_save(x.c, key, 1, 0, &saved, &slen, NULL), "save");
	if (blind_file_open(&f, b, key, key_path, false, &c, NULL) != NK_ENOTFOUND)
		return 1;
	check(blind_file_save(&f, x.c, NULL), "the file");
	for (int i = 0; i < 2 * n; i++) {
		int way = i % 2;
		struct blind_flush fl;
		double t0;

		check(nk_blind_load(&r, NK_CLAIMANT, sid, key, 0, saved, slen, NULL, &c, NULL),
		      "load");
		check(nk_blind_begin(c, 1, &ci, NULL), "begin");
		t0 = now_ms();
		if (way == 0) {		/* in turn */
			check(nk_blind_step(c, transfer, tlen, circuit, x.cap, &clen, NULL), "step");
			if (!nk_blind_take_pin(c))
				return 1;
			check(blind_file_save(&f, c, NULL), "save");
		} else {		/* overlapped */
			check(nk_blind_pin_ahead(c, transfer, tlen, NULL), "pin");
			if (!nk_blind_take_pin(c))
				return 1;
			check(blind_file_save_start(&f, c, &fl, NULL), "save");
			check(nk_blind_step(c, transfer, tlen, circuit, x.cap, &clen, NULL), "step");
			check(blind_file_save_wait(&fl, NULL), "save");
		}
		t[way][i / 2] = now_ms() - t0;
		nk_blind_free(c);
		c = NULL;
	}
	printf("claimant's answer to the transfer with its save durable, %d each, state in %s:\n",
	       n, dir);
	printf("  in turn (garble, then write and flush)   p50 %.2f ms  p95 %.2f ms\n",
	       pct(t[0], n, 0.5), pct(t[0], n, 0.95));
	printf("  overlapped (flush on a thread)           p50 %.2f ms  p95 %.2f ms\n",
	       pct(t[1], n, 0.5), pct(t[1], n, 0.95));
	unlink(f.path);
	free(saved);
	free(transfer);
	free(circuit);
	pair_close(&x);
	nk_party_key_free(key);
	free(b);
	return 0;
}
