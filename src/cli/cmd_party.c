/* The parties' commands: submit a figure, authorise a deal-closer extension, answer a
 * mediator's proposal; and the mediator's: propose a figure, close a case. Each reads
 * CASE [--as ROLE] VALUE and calls the one case/ function that does it. */
#include "blind_file.h"
#include "blind_submit.h"
#include "cmd_brief.h"
#include "remote.h"
#include "signed.h"
#include "util.h"
#include <nakodo/json_build.h>
#include <nakodo/request_json.h>

#include <getopt.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

enum action { SUBMIT, EXTEND, ANSWER, PROPOSE, CLOSE, ANNOUNCE };

static const enum nk_case_action actions[] = {
	[SUBMIT] = NK_ACTION_SUBMIT, [EXTEND] = NK_ACTION_EXTEND, [ANSWER] = NK_ACTION_ANSWER,
	[PROPOSE] = NK_ACTION_PROPOSE, [CLOSE] = NK_ACTION_CLOSE, [ANNOUNCE] = NK_ACTION_ANNOUNCE,
};

struct party_command {
	const char *name;
	const char *usage;
	const char *help;
	bool needs_role;
	bool needs_value;
};

static const struct party_command party_commands[] = {
	[SUBMIT] = { "nakodo submit", "CASE --as claimant|payer|neutral-K [--round N] AMOUNT "
		"[--wait SECONDS]",
		"Submits the claimant's demand (the least it accepts) or the payer's offer (the\n"
		"most it pays) for the open round. AMOUNT '-' reads it from standard input, so\n"
		"that the figure appears neither in the shell's history nor in the process list.\n"
		"When both figures of a round are in, the round is evaluated at once. --round N\n"
		"refuses the figure unless round N is the open one, so a retry of a submission whose\n"
		"answer was lost cannot land in a later round.\n"
		"In a case with neutral evaluation, the role neutral-K gives that neutral's fair\n"
		"figure: only after the impasse (and the mediator's proposals), within the\n"
		"parties' last figures, once; the last neutral's settles the case.\n"
		"With --server URL --token TOKEN (or NAKODO_SERVER, NAKODO_TOKEN) it goes to a\n"
		"nakodo server, and --as may be left out: the token says the role.\n"
		"In a blind case (opened blind) the figure never leaves this machine: the\n"
		"round is computed with the other party's client through the server (--server,\n"
		"--token and --key needed), waiting at most --wait SECONDS (default 300) for each\n"
		"of its messages; this side's own computing does not count.\n"
		"It prints the case's safety number to compare once with the other party. Ctrl-C\n"
		"and running it again is harmless: the round stays open until both sides give\n"
		"the same outcome. Its state between rounds is KEY.CASE.blind, sealed with the key\n"
		"(only its secret makes or opens it); it still holds your figures when the case\n"
		"ends, so delete it then, with the empty KEY.CASE.blind.lock beside it.\n",
		true, true },
	[EXTEND] = { "nakodo extend", "CASE --as claimant|payer [--round N] AMOUNT",
		"Authorises, confidentially, a conditional extension of this party's figure for the\n"
		"open round by up to AMOUNT (the deal-closer). The extensions are used only if\n"
		"together they close the round's gap; the figure is then the midpoint of the\n"
		"extended figures, kept between the two original figures. AMOUNT '-' reads stdin.\n"
		"--round N refuses the extension unless round N is the open one, so a retry whose\n"
		"answer was lost cannot land in a later round.\n",
		true, true },
	[ANSWER] = { "nakodo answer", "CASE --as claimant|payer accept|decline",
		"Answers the mediator's proposal, confidentially. The case settles only if both\n"
		"accept; a side learns how the other answered only when both accepted.\n"
		"In a package case it answers the round's proposed package, or, once a package both\n"
		"accepted is tentative (a case opened with improvements), the proposed improvement;\n"
		"before one is proposed, decline keeps the accepted package and ends the phase.\n",
		true, true },
	[PROPOSE] = { "nakodo propose", "CASE AMOUNT",
		"The mediator's proposal after impasse (every round failed): a figure within the\n"
		"range that each party answers, confidentially, accept or decline (nakodo\n"
		"answer). Both accepting settles the case at it; otherwise the next proposal may\n"
		"follow, up to the count the case's rules allow, and after the last one the\n"
		"case closes. A proposal has no time limit of its own (the round time does not\n"
		"run at impasse): it stands until both parties have answered, the mediator\n"
		"closes the case (nakodo close), or the case's deadline, if it has one, passes\n"
		"and closes the case. The briefing says which.\n",
		false, true },
	[CLOSE] = { "nakodo close", "CASE",
		"The mediator ends a case that has not settled; its confidential figures are\n"
		"deleted.\n",
		false, false },
	[ANNOUNCE] = { "nakodo announce", "CASE --as claimant|payer [--round N] AMOUNT",
		"Announces this party's open proposal: a visible figure that every role of the case\n"
		"sees at once, beside the secret figure, in a case whose rules take open proposals.\n"
		"The secret figure must stay at least as generous (a demand at most the claimant's\n"
		"proposal, an offer at least the payer's), so the proposal tells the other side\n"
		"that bound on it. One a round; each moves only toward the other side; when both\n"
		"sides have one, every role sees the go-between's suggestion between them (their\n"
		"midpoint on the grid). Not the mediator's proposal (nakodo propose).\n",
		true, true },
};

/* After a proposal: what the parties now answer, and until when (b: the briefing read
 * before it, whose count of proposals it raised by one). */
static void print_proposed(FILE *f, const struct nk_brief *b, int64_t amount)
{
	char text[CLI_AMOUNT_MAX];

	cli_format_amount(b->rules.currency, amount, text);
	fprintf(f, "proposed %s: proposal %d of at most %d; each party now answers accept or\n"
		"decline (nakodo answer %s --as claimant|payer accept|decline)\n", text,
		b->proposals + 1, b->rules.proposals, b->case_id);
	cli_print_proposal_timing(f, b);
}

/* Whether the briefing read can be signed before the server asks: through a server, with
 * the key and the role (--as) given, and this key's state file of a blind case beside it
 * (KEY.CASE.blind, made only once both parties joined: the role has joined with this
 * key, so an unsigned read would only be refused and sent again, one more request on
 * the round's path). Elsewhere the read goes unsigned first, as a role that has not
 * joined acts without its key. */
static bool sign_brief_first(const struct cli_backend *be, const char *id,
			     const struct nk_party_key *key, const char *key_path, const char *as,
			     enum nk_role role)
{
	char path[sizeof(((struct blind_file *)0)->path)];

	if (!be->is_remote || !key || !key_path || !as ||
	    (role != NK_CLAIMANT && role != NK_PAYER) ||
	    !blind_file_path(path, sizeof(path), key_path, id))
		return false;
	return access(path, F_OK) == 0;
}

static int run(struct cli_ctx *ctx, enum action action, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "as", required_argument, NULL, 'a' }, { "round", required_argument, NULL, 'n' },
		{ "key", required_argument, NULL, 'k' }, { "wait", required_argument, NULL, 'w' },
		REMOTE_OPTIONS, { NULL, 0, NULL, 0 },
	};
	const struct party_command *pc = &party_commands[action];
	struct cli_backend be = { 0 };
	const char *as = NULL, *pos[2] = { NULL, NULL }, *key_path = NULL;
	struct nk_party_key *key = NULL;
	struct nk_case_request req = { .action = actions[action] };
	struct nk_request_auth auth;
	const struct nk_request_auth *signed_by = NULL;
	struct nk_brief *b = NULL;
	int round = 0, wait_s = CLI_BLIND_WAIT_DEFAULT;
	enum nk_role role = NK_MEDIATOR;
	int64_t amount = 0;
	json_t *answer = NULL;
	int npos = 0, want = pc->needs_value ? 2 : 1, c, rc;

	if (cli_wants_help(argc, argv)) {
		fprintf(ctx->out, "usage: %s %s [--key FILE]\n\n%s%s%s", pc->name, pc->usage, pc->help,
			"Once the role has joined the case with a key (nakodo join), the case takes its\n"
			"requests only signed by that key: give --key FILE (its passphrase is asked\n"
			"without echo, or read from NAKODO_PASSPHRASE_FILE), locally and through a server.\n",
			pc->needs_role ? "Through a server (--server, --token) the token says the role: "
			"--as may be left out\n(one naming another role is refused).\n" : "");
		return CLI_OK;
	}
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-", opts, NULL)) != -1) {
		if (c == 1) {	/* a positional argument, "-" included */
			if (npos == 2)
				return cli_usage_error(ctx, pc->name, "too many arguments");
			pos[npos++] = optarg;
		} else if (c == 'n' && (action == SUBMIT || action == EXTEND || action == ANNOUNCE)) {
			char *end;
			long n = strtol(optarg, &end, 10);

			if (*end || end == optarg || n < 1 || n > NK_ROUNDS_MAX)
				return cli_usage_error(ctx, pc->name, "--round: a number from 1 to %d", NK_ROUNDS_MAX);
			round = (int)n;
		} else if (c == 'w' && action == SUBMIT) {
			char *end;
			long n = strtol(optarg, &end, 10);

			if (*end || end == optarg || n < 1 || n > CLI_BLIND_WAIT_MAX)
				return cli_usage_error(ctx, pc->name, "--wait: seconds, 1 to %d",
						       CLI_BLIND_WAIT_MAX);
			wait_s = (int)n;
		} else if (c == 'a' && pc->needs_role) {
			as = optarg;
		} else if (c == 'k') {
			key_path = optarg;
		} else if (c == REMOTE_OPT_SERVER || c == REMOTE_OPT_TOKEN) {
			remote_option(&be.remote, c, optarg);
		} else if (c == '?' && argv[optind - 1][0] == '-' && argv[optind - 1][1] >= '0' &&
			   argv[optind - 1][1] <= '9') {
			return cli_usage_error(ctx, pc->name, "amount: negative amounts are not accepted");
		} else {
			return cli_option_error(ctx, pc->name, opts, c, argv, c == 'a' ? "it is the "
						"mediator's alone, so there is no role to name" : NULL);
		}
	}
	while (optind < argc && npos < 2)	/* what follows "--" */
		pos[npos++] = argv[optind++];
	if (npos != want || optind < argc)
		return cli_usage_error(ctx, pc->name, "expected %s", pc->usage);
	if (action == ANSWER && strcmp(pos[1], "accept") && strcmp(pos[1], "decline"))
		return cli_usage_error(ctx, pc->name, "the answer is accept or decline");
	/* through a server the token says the role: --as is then only a check */
	if ((as || (pc->needs_role && !cli_backend_token_role(&be))) &&
	    (rc = cli_parse_role_among(ctx, pc->name, "--as", as, action == SUBMIT ?
				       cli_roles_submit : cli_roles_party, &role)) != CLI_OK)
		return rc;
	if ((rc = cli_backend_open(ctx, &be)) != CLI_OK)
		return rc;
	if (key_path && (rc = cli_key_load(ctx, key_path, &key)) != CLI_OK)
		goto out;
	be.remote.key = key;	/* a joined role's reads are signed too */
	/* Through a server: one kept-alive connection for the command's requests (the
	 * briefing, then the act or a blind round's run), and the briefing read signed at
	 * once where the role is known to have joined, rather than refused unsigned first. */
	if (be.is_remote && (rc = remote_session_open(&be.remote)) != CLI_OK)
		goto out;
	be.remote.sign_first = sign_brief_first(&be, pos[0], key, key_path, as, role);
	be.remote.sign_role = role;
	/* The briefing gives the case's currency, the signer's next request number, and
	 * through a server the token's role. */
	if ((pc->needs_value && action != ANSWER) || key || (be.is_remote && as)) {
		if (!(b = sodium_malloc(sizeof(*b)))) {
			rc = CLI_STORAGE;
			goto out;
		}
		rc = be.ops->brief(ctx, &be, pos[0], role, b, NULL);
		be.remote.sign_first = false;	/* the act's body carries its own signature */
		if (rc != CLI_OK)
			goto out;
		if (be.is_remote && as && b->viewer != role) {
			rc = cli_usage_error(ctx, pc->name, "--as %s, but the token is the %s's",
					     nk_role_name(role), nk_role_name(b->viewer));
			goto out;
		}
	}
	if (pc->needs_value && action != ANSWER &&
	    (rc = cli_read_amount(ctx, nk_currency_find(b->rules.currency), pos[1], "amount",
					   &amount)) != CLI_OK)
		goto out;
	if (action == SUBMIT && b->rules.blind) {	/* computed with the other's client */
		rc = cli_blind_submit(ctx, &be, pos[0], b, key, key_path, round, amount, wait_s);
		sodium_memzero(&amount, sizeof(amount));
		goto out;
	}
	req.round = round;
	req.amount = amount;
	req.accept = action == ANSWER && strcmp(pos[1], "accept") == 0;
	sodium_memzero(&amount, sizeof(amount));
	if (key && (rc = cli_sign_request(ctx, pc->name, key, b, &req, &auth, &signed_by)) != CLI_OK)
		goto out;
	/* Tell the acting role where the case now stands, as its briefing says. */
	if ((rc = be.ops->act(ctx, &be, pos[0], role, &req, signed_by, &answer)) != CLI_OK) {
		/* a party's figure refused at impasse: what it can do instead (its briefing's) */
		if (rc == CLI_REFUSED && b && b->state == NK_STATE_IMPASSE && nk_role_is_party(role))
			cli_print_next_step(ctx->err, b);
		goto out;
	}
	if (action == PROPOSE && !ctx->json)	/* what the parties are asked, and until when */
		print_proposed(ctx->out, b, req.amount);
	rc = cli_print_act_answer(ctx, pos[0], answer, action == SUBMIT ? b : NULL,
				  action == ANSWER ? "your answer" : NULL);
out:
	sodium_memzero(&req, sizeof(req));
	sodium_free(b);
	nk_party_key_free(key);
	remote_session_close(&be.remote);
	cli_backend_close(&be);
	return rc;
}

int cmd_submit(struct cli_ctx *ctx, int argc, char **argv) { return run(ctx, SUBMIT, argc, argv); }
int cmd_extend(struct cli_ctx *ctx, int argc, char **argv) { return run(ctx, EXTEND, argc, argv); }
int cmd_answer(struct cli_ctx *ctx, int argc, char **argv) { return run(ctx, ANSWER, argc, argv); }
int cmd_propose(struct cli_ctx *ctx, int argc, char **argv) { return run(ctx, PROPOSE, argc, argv); }
int cmd_close(struct cli_ctx *ctx, int argc, char **argv) { return run(ctx, CLOSE, argc, argv); }
int cmd_announce(struct cli_ctx *ctx, int argc, char **argv)
{
	return run(ctx, ANNOUNCE, argc, argv);
}
