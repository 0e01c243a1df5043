/* nakodo verify --draw: a party's check of a random settlement (doc/bargain.md,
 * "Checking the draw"). The seed is revealed to the two parties only, in their own
 * briefings, so the check reads the party's briefing (locally, or through a server with
 * the party's token) and its own figure of the settled round, which the case deleted
 * when it ended: the party gives it. In a blind case the seed is the clients' own, kept
 * in the party's state file beside its key (doc/blind.md). Nothing is written; the
 * figure is wiped. */
#include "cmd_verify_draw.h"
#include "blind_submit.h"
#include "remote.h"
#include "signed.h"
#include "util.h"
#include <nakodo/blind.h>
#include <nakodo/json_build.h>

#include <getopt.h>
#include <sodium.h>
#include <string.h>

#define CMD "nakodo verify --draw"

static json_t *check_json(const char *name, bool holds, const char *detail)
{
	return json_pack("{s:s, s:s, s:s}", "check", name, "result", holds ? "holds" : "fails",
			 "detail", detail);
}

/* The seed of a blind case's random settlement: the clients drew it from both parties'
 * shares, committed to each other at the set-up (doc/blind.md, "The random rule"), and
 * the party's state file beside its key keeps them; the go-between never held it. */
static bool blind_seed(const struct nk_brief *b, const struct nk_party_key *key,
		       const char *key_path, uint8_t seed[static NK_SEED_BYTES],
		       char *detail, size_t cap)
{
	struct nk_blind_party *p = NULL;
	struct nk_error err = { 0 };
	bool ok = cli_blind_state_load(b, key, key_path, &p, &err) == NK_OK &&
		  nk_blind_draw_check(p, seed, &err) == NK_OK;

	nk_blind_free(p);
	snprintf(detail, cap, "%s", ok ? "both seed shares in your state file match the "
		 "commitments exchanged at the set-up, and give the seed drawn from" : err.text);
	return ok;
}

/* The two checks on b, a party's briefing of a settled random case; own its figure.
 * A blind case's seed comes from the party's state (key and key_path), a plain case's
 * from its briefing, and with it the commitment, which the go-between that drew the
 * seed could show changed along with it: noted (or NULL), the commitment the party
 * noted from its briefing before its first figure, against which the shown one is held. */
static int report(struct cli_ctx *ctx, const struct nk_brief *b, int64_t own,
		  const struct nk_party_key *key, const char *key_path, const uint8_t *noted)
{
	struct nk_error err = { 0 };
	uint8_t commit[32], seed[NK_SEED_BYTES];
	char amount[CLI_AMOUNT_MAX], seed_detail[NK_ERROR_TEXT_MAX];
	const char *own_name = b->role == NK_CLAIMANT ? "demand" : "offer";
	int round = b->rounds_evaluated;
	bool seed_ok, draw_ok;

	if (b->rules.blind) {
		seed_ok = blind_seed(b, key, key_path, seed, seed_detail, sizeof(seed_detail));
	} else {
		memcpy(seed, b->seed, sizeof(seed));
		nk_bargain_commit_seed(seed, commit);
		seed_ok = sodium_memcmp(commit, b->seed_commitment, sizeof(commit)) == 0;
		sodium_memzero(commit, sizeof(commit));
		snprintf(seed_detail, sizeof(seed_detail), "%s", !seed_ok
			 ? "the revealed seed's SHA-256 is NOT the commitment of the opening event"
			 : noted ? "the revealed seed's SHA-256 is the commitment you noted when "
				   "the case opened"
			 : "the revealed seed's SHA-256 is the commitment the go-between shows "
			   "now for the opening event (give --commitment with the one your "
			   "briefing showed before your first figure, to rule out one changed "
			   "since)");
		if (seed_ok && noted &&
		    sodium_memcmp(noted, b->seed_commitment, sizeof(b->seed_commitment)) != 0) {
			seed_ok = false;
			snprintf(seed_detail, sizeof(seed_detail), "the go-between now shows a "
				 "commitment other than the one you noted when the case opened: "
				 "the seed was changed after it was committed");
		}
	}
	/* a blind case's seed that does not check is no seed to replay from */
	draw_ok = (seed_ok || !b->rules.blind) &&
		  nk_bargain_check_draw(&b->rules, round, b->role, own, b->settlement, seed,
					&err) == NK_OK;
	sodium_memzero(seed, sizeof(seed));
	if (!seed_ok && b->rules.blind)
		snprintf(err.text, sizeof(err.text), "not replayed: no seed to replay from");
	if (draw_ok)
		snprintf(err.text, sizeof(err.text), "replayed from the seed with your %s, the "
			 "first draw between it and the settlement is the settlement", own_name);
	cli_format_amount(b->rules.currency, b->settlement, amount);
	if (ctx->json) {
		json_t *checks = nk_json_append(json_array(),
						check_json("seed-commitment", seed_ok, seed_detail));

		checks = nk_json_append(checks, check_json("draw", draw_ok, err.text));
		cli_print_json(ctx, json_pack("{s:b, s:s, s:s, s:i, s:I, s:s, s:o}", "valid",
					      seed_ok && draw_ok, "case", b->case_id, "role",
					      nk_role_name(b->role), "round", round, "settlement",
					      (json_int_t)b->settlement, "settlement_text", amount,
					      "checks", checks));
	} else {
		fprintf(ctx->out, "case %s: random settlement at %s in round %d\n"
			"%-7s seed-commitment  %s\n%-7s draw             %s\n\n%s\n",
			b->case_id, amount, round, seed_ok ? "holds" : "fails", seed_detail,
			draw_ok ? "holds" : "fails", err.text, seed_ok && draw_ok
			? b->rules.blind ? "verified: the seed came from both sides' committed shares "
			  "and drew this settlement"
			: noted ? "verified: the seed was fixed when the case opened and drew this "
				  "settlement"
			: "verified against the commitment the go-between shows now: the seed "
			  "drew this settlement"
			: "NOT VERIFIED: the settlement is not the committed seed's draw");
	}
	return seed_ok && draw_ok ? CLI_OK : CLI_REFUSED;
}

int cli_verify_draw(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_backend be = { 0 };
	struct cli_case_args args = { 0 };
	struct nk_party_key *key = NULL;
	struct nk_brief *b = NULL;
	struct nk_error err = { 0 };
	enum nk_role role;
	int64_t own = 0;
	const char *figure;
	int rc;

	static const struct option opts[] = {
		{ "draw", no_argument, NULL, 'd' }, { "as", required_argument, NULL, 'a' },
		{ "key", required_argument, NULL, 'k' },
		{ "commitment", required_argument, NULL, 'c' }, REMOTE_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	uint8_t noted[sizeof(b->seed_commitment)];
	const char *commitment = NULL;
	const char *pos[2] = { NULL, NULL };
	int npos = 0, c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-", opts, NULL)) != -1) {
		if (c == 1 && npos < 2)
			pos[npos++] = optarg;
		else if (c == 'a')
			args.as = optarg;
		else if (c == 'k')
			args.key = optarg;
		else if (c == 'c')
			commitment = optarg;
		else if (c == REMOTE_OPT_SERVER || c == REMOTE_OPT_TOKEN)
			remote_option(&be.remote, c, optarg);
		else if (c != 'd')
			return cli_bad_option(ctx, CMD, opts, c, argv);
	}
	while (optind < argc && npos < 2)	/* what follows "--" */
		pos[npos++] = argv[optind++];
	if (npos != 2 || optind < argc)
		return cli_usage_error(ctx, CMD, "expected CASE --as claimant|payer AMOUNT");
	args.id = pos[0];
	figure = pos[1];
	if (args.as && (rc = cli_parse_role(ctx, CMD, args.as, &role)) != CLI_OK)
		return rc;
	/* 32 bytes in lowercase hex, as a key is written */
	if (commitment && (strlen(commitment) != 2 * sizeof(noted) ||
			   nk_key_from_hex(commitment, noted, NULL) != NK_OK))
		return cli_usage_error(ctx, CMD, "--commitment: the seed_commitment of your "
				       "briefing (nakodo brief --json), 64 hex digits");
	if (!args.as && !cli_backend_token_role(&be))
		return cli_usage_error(ctx, CMD, "--as claimant|payer is required");
	if (args.as && role == NK_MEDIATOR)
		return cli_usage_error(ctx, CMD, "--as: the seed is shown to the claimant and "
				       "the payer only");
	if ((rc = cli_backend_open(ctx, &be)) != CLI_OK)
		return rc;
	if (args.key && (rc = cli_key_load(ctx, args.key, &key)) != CLI_OK)
		goto out;
	be.remote.key = key;
	if (!(b = sodium_malloc(sizeof(*b)))) {
		rc = CLI_STORAGE;
		goto out;
	}
	if ((rc = cli_acting_brief(ctx, &be, CMD, args.id, args.as ? &role : NULL, key, b)) !=
	    CLI_OK)
		goto out;
	if (b->role == NK_MEDIATOR || b->rules.settle != NK_SETTLE_RANDOM || !b->settled ||
	    b->settled_by != NK_DEAL_OVERLAP || (!b->seed_revealed && !b->rules.blind)) {
		nk_fail(&err, NK_EREFUSED, "case", "case %s has no random settlement drawn from "
			"the figures for the %s to check (rule %s, %s)", args.id,
			nk_role_name(b->role), nk_settle_name(b->rules.settle),
			nk_case_state_name(b->state));
		rc = cli_report(ctx, &err);
		goto out;
	}
	if (b->rules.blind && commitment) {
		rc = cli_usage_error(ctx, CMD, "--commitment: a blind case's seed is the two "
				     "clients' own, checked against the shares in your state file");
		goto out;
	}
	if (b->rules.blind && !key) {
		rc = cli_usage_error(ctx, CMD, "--key: a blind case's seed is in your state file "
				     "beside your key (KEY.CASE.blind), which the key opens");
		goto out;
	}
	if ((rc = cli_read_amount(ctx, nk_currency_find(b->rules.currency), figure, "amount",
				   &own)) == CLI_OK)
		rc = report(ctx, b, own, key, args.key, commitment ? noted : NULL);
out:
	sodium_memzero(&own, sizeof(own));
	sodium_free(b);
	nk_party_key_free(key);
	cli_backend_close(&be);
	return rc;
}
