/* nakodo case new | case list: open a case under declared rules, list the cases. */
#include "backend.h"
#include "util.h"
#include <nakodo/blind_case.h>
#include <nakodo/case_json.h>
#include <nakodo/time.h>
#include <nakodo/toolkit.h>

#include <getopt.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const char new_help[] =
	"usage: nakodo case new --currency CODE [--rounds N] [--settle RULE] [--grid AMOUNT]\n"
	"                       [--hints none|P1,P2,...] [--range LOW:HIGH] [--leakage-bits B]\n"
	"                       [--proposals N] [--no-monotone] [--title TEXT]\n"
	"                       [--round-time DURATION] [--deadline TIME] [--principals]\n"
	"                       [--authority] [--blind] [--open-proposals] [--neutrals N]\n"
	"                       [--bridge AMOUNT]\n\n"
	"Opens a case and prints its id. The rules are fixed now and never change.\n\n"
	"  --currency CODE     ISO 4217 code: USD, EUR, GBP, JPY, KRW, ... (required)\n"
	"  --rounds N          at most N rounds of figures, 1..50 (default 3)\n"
	"  --settle RULE       midpoint (default): deal iff offer >= demand, at the midpoint;\n"
	"                      band:P%, band:AMOUNT or band:P%,AMOUNT: also at the midpoint\n"
	"                      when the gap is within P% of the demand or within AMOUNT;\n"
	"                      random: uniform on the grid in [demand, offer], from a seed\n"
	"                      committed now and revealed with the settlement\n"
	"  --grid AMOUNT       settlements fall on multiples of AMOUNT (default one minor unit)\n"
	"  --hints LIST        after a failed round, the gap's band among these percents of the\n"
	"                      demand, e.g. 10,25 -> close/apart/far (default none; needs --range)\n"
	"  --range LOW:HIGH    every figure lies here; leakage is measured over it\n"
	"  --leakage-bits B    the most a hint may tell either side, in bits (default 8)\n"
	"  --proposals N       mediator's proposals allowed after impasse, 0..5 (default 1)\n"
	"  --no-monotone       allow demands to rise and offers to fall between rounds\n"
	"  --title TEXT        the case's name, shown to every role (briefings, case list):\n"
	"                      up to 120 bytes of UTF-8 without control characters; it is\n"
	"                      not secret, so name no figure in it\n"
	"  --round-time DURATION  a round not complete within DURATION (90s, 30m, 2h, 3d;\n"
	"                      1 minute to 90 days) lapses: its figures are void and it\n"
	"                      starts again; a party that had not submitted is told so, the\n"
	"                      other only that it lapsed; three lapses close the case\n"
	"  --deadline TIME     the case closes at TIME unless settled (UTC, e.g.\n"
	"                      2027-01-31T17:00:00Z; ahead, within 366 days)\n"
	"  --principals        each party may have a principal (claimant-principal,\n"
	"                      payer-principal): a role with its own token and key that\n"
	"                      reads its party's briefing as it is and may not act; both\n"
	"                      sides are told the case allows principals\n"
	"  --authority         with --principals: each party's figure, extension or answer\n"
	"                      waits as a sealed draft, seen by the party and its principal\n"
	"                      only, until the principal approves it (nakodo approve; nakodo\n"
	"                      reject voids it); a round that lapses voids a waiting draft;\n"
	"                      every party then needs a principal who joins and whom it\n"
	"                      endorses, or nothing it drafts takes effect\n"
	"  --blind             the parties' own clients compute each round between themselves\n"
	"                      (nakodo submit with --server): the go-between relays messages\n"
	"                      it cannot read and never holds a figure (doc/blind.md). Both\n"
	"                      parties join with their keys first; refused: hints with more\n"
	"                      than one round under --no-monotone or over more rounds than\n"
	"                      the relay's messages hold (--settle random is kept blind:\n"
	"                      its draw is a fixed 256 messages, whatever the figures)\n"
	"  --open-proposals    each party may announce a visible proposal beside its secret\n"
	"                      figure (nakodo announce), which every role sees; the secret\n"
	"                      figure must stay at least as generous, so a proposal tells the\n"
	"                      other side that bound; both shown, so is their midpoint\n"
	"  --neutrals N        neutral evaluation, 1..5 neutrals (default none): after an\n"
	"                      impasse (and after the mediator's proposals, if none was\n"
	"                      accepted) each neutral is shown BOTH parties' last figures\n"
	"                      and gives a fair figure between them; the case settles on\n"
	"                      the last figure of the party closer to their median (the\n"
	"                      midpoint on a tie). The neutrals' roles are neutral-1 .. N\n"
	"  --bridge AMOUNT     a confidential budget (yours or a funder's) that pays the gap\n"
	"                      when the last round's figures fail to meet by no more than\n"
	"                      AMOUNT: the claimant then receives its demand, the payer pays\n"
	"                      its offer. Every party is told that a bridge exists, never\n"
	"                      its budget; it is sealed like a figure and nobody, you\n"
	"                      included, can read it back. '-' reads it from standard input\n"
	"                      (keep it out of the shell's history and the process list)\n\n"
	"A midpoint settlement tells each side the other's figure to within one grid step;\n"
	"a coarse --grid or --settle random blunts that.\n\n"
	"With --server URL --token TOKEN (or NAKODO_SERVER, NAKODO_TOKEN; the operator's or a\n"
	"mediator's token) the case is opened on a nakodo server, which answers with one\n"
	"invitation token per role (a principal's only with --principals), printed once\n"
	"after the id, and its link for a browser,\n"
	"URL/case/ID#token=TOKEN (URL: the public address the server was started with, else\n"
	"the --server URL; --json: \"links\" beside \"tokens\").\n";

/* A whole number option within [min, max]; 0 on success. */
static int whole(const char *text, const char *field, int min, int max, int *out,
		 struct nk_error *err)
{
	char *end;
	long n = strtol(text, &end, 10);

	if (*end || end == text || n < min || n > max) {
		nk_fail(err, NK_EINVAL, field, "expected a whole number from %d to %d", min, max);
		return -1;
	}
	*out = (int)n;
	return 0;
}

static int case_new(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "currency", required_argument, NULL, 'c' }, { "rounds", required_argument, NULL, 'r' },
		{ "settle", required_argument, NULL, 's' }, { "grid", required_argument, NULL, 'g' },
		{ "hints", required_argument, NULL, 'h' }, { "range", required_argument, NULL, 'R' },
		{ "leakage-bits", required_argument, NULL, 'b' },
		{ "proposals", required_argument, NULL, 'p' },
		{ "no-monotone", no_argument, NULL, 'm' }, { "title", required_argument, NULL, 'T' },
		{ "round-time", required_argument, NULL, 't' },
		{ "deadline", required_argument, NULL, 'D' },
		{ "principals", no_argument, NULL, 'P' },
		{ "blind", no_argument, NULL, 'B' },
		{ "open-proposals", no_argument, NULL, 'o' },
		{ "neutrals", required_argument, NULL, 'N' },
		{ "bridge", required_argument, NULL, 'Y' },
		{ "authority", no_argument, NULL, 'A' },
		REMOTE_OPTIONS, { NULL, 0, NULL, 0 },
	};
	struct cli_backend be = { .create = true };
	const char *text[128] = { 0 };	/* option text by its short letter */
	const struct nk_currency *cur;
	struct nk_rules rules;
	struct nk_error err = { 0 };
	json_t *answer = NULL;
	int64_t bridge = 0;
	char *end;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == '?')
			return cli_bad_option(ctx, "nakodo case new", opts, c, argv);
		if (c == REMOTE_OPT_SERVER || c == REMOTE_OPT_TOKEN)
			remote_option(&be.remote, c, optarg);
		else
			text[c] = optarg ? optarg : "";
	}
	if (optind != argc)
		return cli_usage_error(ctx, "nakodo case new", "unexpected argument '%s'", argv[optind]);
	if (!text['c'])
		return cli_usage_error(ctx, "nakodo case new", "--currency is required");
	if (!(cur = cli_currency_find(text['c']))) {
		nk_fail(&err, NK_EINVAL, "currency", "unknown currency '%.8s'", text['c']);
		return cli_report(ctx, &err);
	}
	nk_rules_default(&rules, cur);
	if ((text['r'] && whole(text['r'], "rounds", 1, NK_ROUNDS_MAX, &rules.rounds, &err)) ||
	    (text['p'] && whole(text['p'], "proposals", 0, NK_PROPOSALS_MAX, &rules.proposals, &err)) ||
	    (text['N'] && whole(text['N'], "neutrals", 1, NK_CASE_NEUTRALS_MAX, &rules.neutrals,
				&err)))
		return cli_report(ctx, &err);
	if (text['b']) {
		double b = strtod(text['b'], &end);

		if (*end || end == text['b'] || !(b >= 0 && b <= 64)) {
			nk_fail(&err, NK_EINVAL, "leakage-bits", "expected a number of bits from 0 to 64");
			return cli_report(ctx, &err);
		}
		rules.leakage_bits = b;
	}
	rules.monotone = !text['m'];
	rules.principals = text['P'] != NULL;
	rules.open_proposals = text['o'] != NULL;
	rules.authority = text['A'] != NULL;
	if ((text['s'] && nk_rules_parse_settle(&rules, text['s'], &err) != NK_OK) ||
	    (text['R'] && nk_rules_parse_range(&rules, text['R'], &err) != NK_OK) ||
	    (text['h'] && nk_rules_parse_hints(&rules, text['h'], &err) != NK_OK) ||
	    (text['g'] && nk_money_parse(cur, text['g'], "grid", &rules.grid, &err) != NK_OK))
		return cli_report(ctx, &err);
	if (rules.grid > rules.range_high - rules.range_low) {	/* nk_rules_check's, in options */
		char g[CLI_AMOUNT_MAX], lo[CLI_AMOUNT_MAX], hi[CLI_AMOUNT_MAX];

		cli_format_amount(cur->code, rules.grid, g);
		cli_format_amount(cur->code, rules.range_low, lo);
		cli_format_amount(cur->code, rules.range_high, hi);
		nk_fail(&err, NK_EINVAL, "grid", "--grid %s is wider than --range %s to %s: at "
			"most one settlement would fit on it; use a finer grid or a wider range",
			g, lo, hi);
		return cli_report(ctx, &err);
	}
	if ((text['t'] && nk_time_parse_duration(text['t'], "round-time", &rules.round_time_ms,
						 &err) != NK_OK) ||
	    (text['D'] && nk_time_parse_utc(text['D'], "deadline", &rules.deadline_ms,
					    &err) != NK_OK))
		return cli_report(ctx, &err);
	if (text['t'] && rules.round_time_ms == 0) {	/* 0 would mean none */
		nk_fail(&err, NK_EINVAL, "round-time", "a round's time is from 1 minute to 90 days");
		return cli_report(ctx, &err);
	}
	rules.blind = text['B'] != NULL;
	if ((rules.blind ? nk_case_blind_rules_check(&rules, &err)
			 : nk_rules_check(&rules, &err)) != NK_OK ||
	    (text['T'] && nk_title_check(text['T'], "title", &err) != NK_OK))
		return cli_report(ctx, &err);

	if (text['Y'] && (rc = cli_read_amount(ctx, cur, text['Y'], "bridge", &bridge)) != CLI_OK)
		return rc;
	if (text['Y'] && (bridge == 0 || nk_bridge_check(&rules, bridge, &err) != NK_OK)) {
		sodium_memzero(&bridge, sizeof(bridge));
		if (!err.text[0])
			nk_fail(&err, NK_EINVAL, "bridge", "a bridge's budget must be positive");
		return cli_report(ctx, &err);
	}
	if ((rc = cli_backend_open(ctx, &be)) == CLI_OK &&
	    (rc = be.ops->open(ctx, &be, &rules, NULL, text['T'], bridge, &answer)) == CLI_OK)
		rc = cli_print_opened(ctx, answer);
	sodium_memzero(&bridge, sizeof(bridge));
	cli_backend_close(&be);
	return rc;
}

int cmd_case(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "new") == 0) {
		if (cli_wants_help(argc - 1, argv + 1)) {
			fputs(new_help, ctx->out);
			return CLI_OK;
		}
		return case_new(ctx, argc - 1, argv + 1);
	}
	if (argc >= 2 && strcmp(argv[1], "list") == 0) {
		if (cli_wants_help(argc - 1, argv + 1)) {
			fputs(cli_case_list_help, ctx->out);
			return CLI_OK;
		}
		return cli_case_list(ctx, argc - 1, argv + 1);
	}
	if (cli_wants_help(argc, argv)) {
		fputs("usage: nakodo case new [OPTIONS]   open a case (nakodo case new --help)\n"
		      "       nakodo case list [OPTIONS]  list the cases (case list --help)\n",
		      ctx->out);
		return CLI_OK;
	}
	return cli_usage_error(ctx, "nakodo case", "expected 'new' or 'list'");
}
