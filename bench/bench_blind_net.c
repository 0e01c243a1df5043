/* A blind round through a real `nakodo serve` (its URL given), computed by two clients
 * in this one process, one thread each, with the command's own client code linked in
 * (cli_blind_submit: channel, protocol, relay, signed outcome), as a platform embedding
 * nakodo would run it: keys unlocked once, no process started per round. Beside it, in
 * the same run, the plain round of the same figures (both sides' signed submissions, at
 * once). Per case: round 1 (the set-up, once per case, and the round) and round 2 (the
 * round alone); p50/p95 of each, from both clients started to both done, briefing read
 * included; bytes each way as the relay carries them (frames, raw bodies).
 *
 * Usage: bench_blind_net URL OPERATOR_TOKEN CLAIMANT_KEY PAYER_KEY [CASES]
 * (passphrase of both keys from NAKODO_PASSPHRASE_FILE); bench/bench_blind_server.sh
 * starts the server and runs it. */
#include "backend.h"
#include "blind_submit.h"
#include "remote.h"
#include "signed.h"
#include "bench_time.h"

#include <nakodo/money.h>

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CASES_MAX 1000

struct side {
	const char *url, *token, *key_path, *id;
	struct nk_party_key *key;
	enum nk_role role;
	int64_t figure;
	bool blind;
	int rc;
	unsigned long long sent, received;
};

static void backend(struct cli_ctx *ctx, struct cli_backend *be, const char *url,
		    const char *token)
{
	memset(be, 0, sizeof(*be));
	be->remote.server = url;
	be->remote.token = token;
	if (cli_backend_open(ctx, be) != CLI_OK) {
		fprintf(stderr, "bench_blind_net: %s: no backend\n", url);
		exit(1);
	}
}

/* One side's submission of the open round: its briefing read, then the blind round with
 * the other's client, or the plain signed figure. */
static void *side_run(void *arg)
{
	struct side *s = arg;
	char *log = NULL;
	size_t log_len = 0;
	struct cli_ctx ctx = { .out = fopen("/dev/null", "w"),
			       .err = open_memstream(&log, &log_len) };
	struct cli_backend be;
	struct nk_brief *b = sodium_malloc(sizeof(*b));
	const char *line;

	backend(&ctx, &be, s->url, s->token);
	be.remote.key = s->key;
	/* one connection for the briefing and the round, as the command keeps; the briefing
	 * signed at once (its role has joined), not after the server asks */
	s->rc = remote_session_open(&be.remote);
	be.remote.sign_first = true;
	be.remote.sign_role = s->role;
	if (s->rc == CLI_OK)
		s->rc = b ? be.ops->brief(&ctx, &be, s->id, s->role, b, NULL) : CLI_STORAGE;
	be.remote.sign_first = false;
	if (s->rc == CLI_OK && s->blind) {
		s->rc = cli_blind_submit(&ctx, &be, s->id, b, s->key, s->key_path, 0, s->figure,
					 60);
	} else if (s->rc == CLI_OK) {
		struct nk_case_request req = { .action = NK_ACTION_SUBMIT, .amount = s->figure };
		struct nk_request_auth auth;
		const struct nk_request_auth *signed_by = NULL;
		json_t *answer = NULL;

		s->rc = cli_sign_request(&ctx, "bench", s->key, b, &req, &auth, &signed_by);
		if (s->rc == CLI_OK)
			s->rc = be.ops->act(&ctx, &be, s->id, s->role, &req, signed_by, &answer);
		json_decref(answer);
	}
	fclose(ctx.err);
	fclose(ctx.out);
	if ((line = log ? strstr(log, " bytes sent, ") : NULL) != NULL) {
		while (line > log && line[-1] >= '0' && line[-1] <= '9')
			line--;
		sscanf(line, "%llu bytes sent, %llu", &s->sent, &s->received);
	}
	if (s->rc != CLI_OK)
		fprintf(stderr, "bench_blind_net: the %s's round failed:\n%s",
			nk_role_name(s->role), log ? log : "");
	free(log);
	sodium_free(b);
	remote_session_close(&be.remote);
	cli_backend_close(&be);
	return NULL;
}

/* Both sides of the open round at once; the ms until both are done. */
static double round_both(struct side side[2], int64_t demand, int64_t offer)
{
	pthread_t t[2];
	double t0 = now_ms();

	side[NK_CLAIMANT].figure = demand;
	side[NK_PAYER].figure = offer;
	for (int r = 0; r < 2; r++)
		pthread_create(&t[r], NULL, side_run, &side[r]);
	for (int r = 0; r < 2; r++)
		pthread_join(t[r], NULL);
	if (side[0].rc != CLI_OK || side[1].rc != CLI_OK)
		exit(1);
	return now_ms() - t0;
}

/* A case opened with the operator's token and both parties joined with their keys. */
static void open_case(struct cli_ctx *ctx, const char *url, const char *op, bool blind,
		      struct side side[2], char *id, char tokens[2][80])
{
	struct nk_rules rules;
	struct cli_backend be;
	json_t *ans = NULL;
	struct nk_error err = { 0 };

	nk_rules_default(&rules, nk_currency_find("USD"));
	rules.rounds = 2;
	rules.monotone = true;
	rules.settle = NK_SETTLE_MIDPOINT;
	rules.grid = 1;
	rules.hint_count = 0;
	rules.range_low = 0;
	rules.range_high = 100000000;
	rules.blind = blind;
	backend(ctx, &be, url, op);
	if (be.ops->open(ctx, &be, &rules, NULL, NULL, 0, &ans) != CLI_OK)
		exit(1);
	snprintf(id, NK_CASE_ID_MAX, "%s", json_string_value(json_object_get(ans, "case")));
	for (int r = 0; r < 2; r++) {
		const json_t *tok = json_object_get(json_object_get(ans, "tokens"),
						    nk_role_name(r));
		struct nk_identity idn;
		uint8_t sig[NK_SIGNATURE_BYTES];
		struct cli_backend pb;

		snprintf(tokens[r], 80, "%s", json_string_value(tok));
		side[r].token = tokens[r];
		side[r].id = id;
		side[r].blind = blind;
		backend(ctx, &pb, url, tokens[r]);
		pb.remote.key = side[r].key;
		nk_party_key_identity(side[r].key, &idn);
		if (nk_join_sign(side[r].key, id, r, sig, &err) != NK_OK ||
		    pb.ops->join(ctx, &pb, id, r, &idn, sig) != CLI_OK)
			exit(1);
		cli_backend_close(&pb);
	}
	json_decref(ans);
	cli_backend_close(&be);
}

int main(int argc, char **argv)
{
	struct cli_ctx ctx = { .out = stdout, .err = stderr };
	struct side side[2] = { { .role = NK_CLAIMANT }, { .role = NK_PAYER } };
	static double r1[CASES_MAX], r2[CASES_MAX], plain[CASES_MAX];
	char id[NK_CASE_ID_MAX], tokens[2][80];
	double unlock = 0;
	int cases = argc > 5 ? atoi(argv[5]) : 20;

	if (argc < 5 || cases < 1 || cases > CASES_MAX || sodium_init() < 0) {
		fprintf(stderr, "usage: bench_blind_net URL OPERATOR_TOKEN CLAIMANT_KEY PAYER_KEY "
			"[CASES, 1 to %d]\n", CASES_MAX);
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);	/* before the threads */
	for (int r = 0; r < 2; r++) {
		double t0 = now_ms();

		side[r].url = argv[1];
		side[r].key_path = argv[3 + r];
		if (cli_key_load(&ctx, side[r].key_path, &side[r].key) != CLI_OK)
			return 1;
		unlock += now_ms() - t0;
	}
	for (int i = 0; i < cases; i++) {
		open_case(&ctx, argv[1], argv[2], true, side, id, tokens);
		r1[i] = round_both(side, 90000, 50000);
		r2[i] = round_both(side, 80000, 60000);
		open_case(&ctx, argv[1], argv[2], false, side, id, tokens);
		plain[i] = round_both(side, 90000, 50000);
	}
	printf("in-process clients (bench_blind_net), %d cases; keys unlocked once: %.1f ms for "
	       "both\n", cases, unlock);
	printf("%-44s %10s %10s\n", "", "p50 ms", "p95 ms");
	printf("%-44s %10.2f %10.2f\n", "plain round (both signed submits, baseline)",
	       pct(plain, cases, 0.50), pct(plain, cases, 0.95));
	printf("%-44s %10.2f %10.2f\n", "blind round 1 (set-up + round)", pct(r1, cases, 0.50),
	       pct(r1, cases, 0.95));
	printf("%-44s %10.2f %10.2f\n", "blind round 2 (round alone)", pct(r2, cases, 0.50),
	       pct(r2, cases, 0.95));
	printf("bytes through the relay in the last round 2, payer's side: %llu sent, %llu "
	       "received (frames, raw bodies)\n", side[NK_PAYER].sent,
	       side[NK_PAYER].received);
	for (int r = 0; r < 2; r++)
		nk_party_key_free(side[r].key);
	curl_global_cleanup();
	return 0;
}
