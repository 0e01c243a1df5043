/* The CPU cost of the case cache's packed entries (src/case/zpack.c, issue 13): for real
 * folded states (a case just opened, as most of a platform's open cases are; a case of
 * figures three rounds in with both parties joined; a package case), the packed size
 * and the time to pack (a put packs twice: to size the entry, then into it), to unpack
 * (a hit), beside the whole-state copy that a hit and a put made before, and a put and a
 * hit through the cache itself; each the best of seven batches. Usage: bench_cache
 * [ITERATIONS] (a batch; default 100000). */
#include <nakodo/case.h>
#include <nakodo/keys.h>
#include <nakodo/package_case.h>
#include <nakodo/store.h>
#include "bench_time.h"
#include "case/cache.h"
#include "case/zpack.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void must(enum nk_status rc, const struct nk_error *err, const char *what)
{
	if (rc == NK_OK)
		return;
	fprintf(stderr, "bench_cache: %s: %s: %s\n", what, err->field, err->text);
	exit(1);
}

static void fold(const struct nk_case_env *env, const char *id, struct case_state *st)
{
	struct nk_event_list log = { 0 };
	struct nk_error err = { 0 };

	must(nk_case_log(env, id, &log, &err), &err, "log");
	memset(st, 0, sizeof(*st));
	must(case_fold(id, &log, st, &err), &err, "fold");
	nk_event_list_free(&log);
}

/* The best of BATCHES batches of n calls of body, in ns per call: the machine is shared,
 * and the best batch is the one least disturbed. */
#define BATCHES 7
#define BEST(out, body)                                                                    \
	do {                                                                               \
		(out) = 1e18;                                                              \
		for (int b_ = 0; b_ < BATCHES; b_++) {                                     \
			double t0_ = now_ms(), t_;                                         \
			for (long i = 0; i < n; i++) {                                     \
				body;                                                      \
			}                                                                  \
			t_ = (now_ms() - t0_) * 1e6 / (double)n;                           \
			(out) = t_ < (out) ? t_ : (out);                                   \
		}                                                                          \
	} while (0)

/* ns per call of each operation on st, the best of BATCHES batches of n. */
static void measure(const char *name, const struct case_state *st, struct nk_case_cache *cache,
		    long n)
{
	static struct case_state out;
	static uint8_t packed[sizeof(struct case_state) * 2];
	uint8_t chain[NK_CHAIN_BYTES] = { 1 };
	size_t len = case_zpack(st, sizeof(*st), packed);
	double copy, pack, unpack, put, get;
	volatile size_t sink = 0;
	int64_t seq = 0;

	BEST(copy, memcpy(&out, st, sizeof(out)); __asm__ volatile("" : : "r"(&out) : "memory"));
	BEST(pack, sink += case_zpack(st, sizeof(*st), NULL);
	     sink += case_zpack(st, sizeof(*st), packed));
	BEST(unpack, sink += case_zunpack(packed, len, &out, sizeof(out)));
	BEST(put, case_cache_put(cache, st, ++seq, chain, NULL));
	BEST(get, sink += case_cache_get(cache, st->id, seq, chain, &out));
	if (memcmp(&out, st, sizeof(out)) != 0) {
		fprintf(stderr, "bench_cache: %s: the state came back changed\n", name);
		exit(1);
	}
	printf("%-32s %5zu of %zu bytes  copy %5.0f ns  pack (size+pack) %5.0f ns  unpack %5.0f ns"
	       "  put %5.0f ns  hit %5.0f ns\n", name, len, sizeof(*st), copy, pack, unpack, put,
	       get);
	(void)sink;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	struct nk_error err = { 0 };
	struct nk_server_key *signer;
	struct nk_store *store;
	struct nk_case_cache *cache;
	struct nk_package_frame fr;
	static struct case_state st;
	struct nk_rules rules;
	char id[NK_CASE_ID_MAX];
	struct nk_party_key *key;
	struct nk_identity idn;
	uint8_t sig[NK_SIGNATURE_BYTES];

	if (n < 1 || sodium_init() < 0)
		return 2;
	must(nk_store_open(&store, "mem:", NK_STORE_CREATE, &err), &err, "store");
	must(nk_server_key_generate(&signer, &err), &err, "key");
	must(nk_case_cache_new(&cache, 16, &err), &err, "cache");
	struct nk_case_env env = { .store = store, .signer = signer };

	nk_rules_default(&rules, nk_currency_find("USD"));
	must(nk_case_open(&env, &rules, id, &err), &err, "open");
	fold(&env, id, &st);
	measure("figures, just opened", &st, cache, n);

	rules.rounds = 5;
	rules.proposals = 0;
	must(nk_case_open(&env, &rules, id, &err), &err, "open");
	for (int r = 0; r < 3; r++) {
		must(nk_case_submit(&env, id, NK_CLAIMANT, 90000000 - r, &err), &err, "submit");
		must(nk_case_submit(&env, id, NK_PAYER, 1000000 + r, &err), &err, "submit");
	}
	for (enum nk_role role = NK_CLAIMANT; role <= NK_PAYER; role++) {
		must(nk_party_key_generate(&key, &err), &err, "party key");
		nk_party_key_identity(key, &idn);
		must(nk_join_sign(key, id, role, sig, &err), &err, "join");
		must(nk_case_join(&env, id, role, &idn, sig, &err), &err, "join");
		nk_party_key_free(key);
	}
	fold(&env, id, &st);
	measure("figures, 3 rounds, both joined", &st, cache, n);

	nk_package_frame_default(&fr, nk_currency_find("USD"));
	must(nk_package_case_open(&env, &fr, NULL, NULL, id, &err), &err, "package open");
	fold(&env, id, &st);
	measure("package, just opened", &st, cache, n);

	sodium_memzero(&st, sizeof(st));
	nk_case_cache_free(cache);
	nk_server_key_free(signer);
	nk_store_close(store);
	return 0;
}
