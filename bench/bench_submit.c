/* The case and crypto layers' cost of a durable figure submission, in one process
 * (issue 13): CASES cases of figures over SQLite in a new folder under TMPDIR (put it
 * on a tmpfs to leave the disk out), each submission made as the server makes it: the
 * token looked up, then the action with the actor's briefing built in its transaction
 * (nk_case_act_brief), through a case cache. ROUNDS rounds without a deal under the
 * server benchmark's rules and figures (bench_server_setup.py, bench_server_submit.lua),
 * the claimant then the payer in each case, so every other submission completes its
 * round and evaluates it. The answer's text is written as the server writes it
 * (nk_brief_text_fixed: routes_act.c). Prints the process's CPU time per
 * submission over the rounds; under `valgrind --tool=callgrind --collect-atstart=no
 * --toggle-collect=run_rounds` the instructions per submission are exact, and do not
 * move with the machine's load as the server benchmark's CPU times do.
 * With "grouped" the store is a member of a commit group with a shared writer, as the
 * server's (deferred commits, batches signed once by the group's committer thread):
 * measure it with --collect-atstart=yes and subtract a run of fewer rounds, so that the
 * committer's work is counted.
 * Usage: bench_submit [CASES] [ROUNDS] [grouped]   (defaults 200 and 10) */
#include <nakodo/alloc.h>
#include <nakodo/case.h>
#include <nakodo/case_json.h>
#include <nakodo/keys.h>
#include <nakodo/package_case.h>
#include <nakodo/store.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void must(enum nk_status rc, const struct nk_error *err, const char *what)
{
	if (rc == NK_OK)
		return;
	fprintf(stderr, "bench_submit: %s: %s: %s\n", what, err->field, err->text);
	exit(1);
}

static double cpu_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

struct one {
	char id[NK_CASE_ID_MAX];
	uint8_t token[2][NK_TOKEN_BYTES];
};

static struct nk_brief brief;
static struct nk_package_brief package_brief;

static void submit(const struct nk_case_env *env, const struct one *c, int side, int64_t amount)
{
	struct nk_case_request req = { .action = NK_ACTION_SUBMIT, .amount = amount };
	char id[NK_CASE_ID_MAX], role[NK_TOKEN_ROLE_MAX];
	struct nk_error err = { 0 };
	bool package = false, briefed = false;
	char *text;

	must(nk_store_token_find(env->store, c->token[side], id, role, &err), &err, "token");
	must(nk_case_act_brief(env, id, side ? NK_PAYER : NK_CLAIMANT, &req, NULL, &brief,
			       &package_brief, &package, &briefed, &err), &err, "submit");
	if (!briefed || package) {
		fprintf(stderr, "bench_submit: no briefing built in the action\n");
		exit(1);
	}
	text = nk_brief_text_fixed(&brief);
	if (!text) {
		fprintf(stderr, "bench_submit: the answer's text: out of memory\n");
		exit(1);
	}
	nk_alloc_free(text);
	sodium_memzero(&brief, sizeof(brief));
}

/* noinline and not static: callgrind's --toggle-collect names it */
__attribute__((noinline)) void run_rounds(const struct nk_case_env *env, struct one *cases,
					  int n, int rounds);
__attribute__((noinline)) void run_rounds(const struct nk_case_env *env, struct one *cases,
					  int n, int rounds)
{
	for (int r = 1; r <= rounds; r++)
		for (int i = 0; i < n; i++) {
			submit(env, &cases[i], 0, 1000000 - r * 10);
			submit(env, &cases[i], 1, r * 10);
		}
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200, rounds = argc > 2 ? atoi(argv[2]) : 10;
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char dir[256], url[300], path[300];
	struct nk_server_key *signer = NULL;
	struct nk_case_cache *cache = NULL;
	struct nk_store *store = NULL;
	struct nk_store_group *group = NULL;
	const bool grouped = argc > 3 && strcmp(argv[3], "grouped") == 0;
	struct nk_error err = { 0 };
	struct nk_rules rules;
	struct one *cases;
	double t;

	if (n < 1 || n > 100000 || rounds < 1 || rounds >= NK_ROUNDS_MAX) {
		fprintf(stderr, "usage: bench_submit [CASES 1..100000] [ROUNDS 1..%d]\n",
			NK_ROUNDS_MAX - 1);
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/nakodo-bench-submit-XXXXXX", tmp);
	if (sodium_init() < 0 || !mkdtemp(dir) || !(cases = calloc((size_t)n, sizeof(*cases))))
		return 1;
	snprintf(url, sizeof(url), "sqlite:%s/b.db", dir);
	must(nk_server_key_generate(&signer, &err), &err, "server key");
	if (grouped) {
		must(nk_store_group_new(&group, url, &err), &err, "group");
		must(nk_store_open_grouped(&store, url, NK_STORE_CREATE | NK_STORE_DEFER_DURABLE,
					   group, &err), &err, "store");
	} else {
		must(nk_store_open(&store, url, NK_STORE_CREATE, &err), &err, "store");
	}
	must(nk_case_cache_new(&cache, (size_t)n + 16, &err), &err, "cache");
	struct nk_case_env env = { .store = store, .signer = signer, .cache = cache };

	/* the server benchmark's rules (bench_server_setup.py): no hints, a range of 10^8 */
	nk_rules_default(&rules, nk_currency_find("USD"));
	rules.rounds = rounds + 1;
	rules.hint_count = 0;
	rules.range_low = 0;
	rules.range_high = 100000000;
	rules.proposals = 1;
	for (int i = 0; i < n; i++) {
		must(nk_case_open(&env, &rules, cases[i].id, &err), &err, "open");
		must(nk_store_begin(store, &err), &err, "begin");
		for (int side = 0; side < 2; side++) {
			randombytes_buf(cases[i].token[side], NK_TOKEN_BYTES);
			must(nk_store_token_put(store, cases[i].token[side], cases[i].id,
						side ? "payer" : "claimant", &err), &err, "token");
		}
		must(nk_store_commit(store, &err), &err, "commit");
	}
	t = cpu_s();
	run_rounds(&env, cases, n, rounds);
	t = cpu_s() - t;
	printf("%d cases, %d rounds: %d submissions, %.1f us of CPU per submission\n", n, rounds,
	       2 * n * rounds, t * 1e6 / (2.0 * n * rounds));
	nk_case_cache_free(cache);
	nk_store_close(store);
	nk_store_group_free(group);
	nk_server_key_free(signer);
	free(cases);
	for (const char *s = "\0-wal\0-shm\0.key\0"; *s || s[1]; s += strlen(s) + 1) {
		snprintf(path, sizeof(path), "%s/b.db%s", dir, s);
		unlink(path);
	}
	rmdir(dir);
	return 0;
}
