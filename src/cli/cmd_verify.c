/* nakodo verify: checks a receipt offline with the server's public key alone, and
 * says check by check what holds and what does not. Needs no database and no network;
 * a receipt that is malformed, altered or from another server or case does not verify. */
#include "cmd_verify_draw.h"
#include "util.h"
#include <nakodo/json_build.h>

#include <nakodo/ledger.h>

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define CMD "nakodo verify"

static const char verify_help[] =
	"usage: nakodo verify FILE --server-key KEY [--json]\n"
	"       nakodo verify --draw CASE --as claimant|payer AMOUNT [--commitment HEX]\n"
	"                     [--key FILE] [--json]\n\n"
	"Checks a receipt (from 'nakodo receipt') with public keys alone: the server's\n"
	"signature on the case's closing statement, each party's signature on it, the\n"
	"statement's inclusion in the server's append-only log (RFC 9162), and the signed\n"
	"checkpoint of that log. Prints each check as holds, fails or absent (an optional\n"
	"party signature that is not there), then the verdict.\n\n"
	"  --server-key KEY  the server's Ed25519 public key: 64 hex digits, or a file whose\n"
	"                    first line holds them (as 'nakodo server-key' prints it). Get it\n"
	"                    from the operator over a channel you trust, not from the receipt.\n"
	"  --json            one JSON object: valid, the statement, and checks[]\n\n"
	"With --draw a party checks its case's random settlement: that the seed its briefing\n"
	"reveals hashes to the commitment the case recorded when it opened, and that the\n"
	"draw replayed from that seed with AMOUNT, its own figure of the settled round (the\n"
	"case deleted it; '-' reads it from standard input), lands on the settlement. The\n"
	"go-between that drew the seed shows the commitment too, so note it before your\n"
	"first figure (seed_commitment in 'nakodo brief --json') and give it: only then\n"
	"does each side's check catch a settlement moved in the other's favour along with\n"
	"its seed and commitment. The seed is shown to the two parties only. Reads the\n"
	"briefing locally or, with --server URL --token TOKEN (or NAKODO_SERVER,\n"
	"NAKODO_TOKEN), from a server; --key FILE signs the read of a joined party. In a\n"
	"blind case the seed is the two clients' own: --key FILE is required, and the check\n"
	"opens the state file beside it (FILE.CASE.blind) to find both sides' shares match\n"
	"the commitments they exchanged before any figure.\n"
	"  --draw            check a random settlement instead of a receipt\n"
	"  --as ROLE         claimant or payer (through a server the token says it)\n"
	"  --key FILE        the party's key file, once it has joined (a blind case's seed\n"
	"                    is in the state file beside it)\n"
	"  --commitment HEX  the seed commitment your briefing showed before your first\n"
	"                    figure: the one shown now must be it (not for a blind case)\n"
	"  --server URL, --token TOKEN  read the briefing from a nakodo server\n\n"
	"exit status: 0 the receipt verifies, 1 it does not (or is not a receipt),\n"
	"2 bad usage or a file that is not there, 3 a file that is there could not be read\n";

/* The key from hex or from a file's first line. */
static int read_server_key(struct cli_ctx *ctx, const char *arg, uint8_t pk[static 32])
{
	struct nk_error err = { 0 };
	char line[2 * NK_PUBLIC_KEY_BYTES + 4];
	FILE *f;

	if (strlen(arg) == 2 * NK_PUBLIC_KEY_BYTES && nk_key_from_hex(arg, pk, NULL) == NK_OK)
		return CLI_OK;
	f = fopen(arg, "r");
	if (!f)
		return cli_usage_error(ctx, CMD, "--server-key: '%s' is neither 64 hex digits nor a "
				       "readable file (%s)", arg, strerror(errno));
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	if (nk_key_from_hex(line, pk, &err) != NK_OK)
		return cli_usage_error(ctx, CMD, "--server-key: %s's first line is not a public key "
				       "(64 lowercase hex digits)", arg);
	return CLI_OK;
}

static int read_receipt_file(struct cli_ctx *ctx, const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0;
	struct nk_error err = { 0 };

	if (!f) {
		/* a file that is not there is the user's input (2), as a key file's is
		 * (signed.c); one that is there but cannot be opened is an I/O error (3) */
		int e = errno;

		nk_fail(&err, e == ENOENT ? NK_ENOTFOUND : NK_ESTORE, "receipt",
			"%s could not be opened: %s", path, strerror(e));
		return cli_report(ctx, &err);
	}
	buf = malloc(NK_RECEIPT_TEXT_MAX + 1);
	if (buf)
		n = fread(buf, 1, NK_RECEIPT_TEXT_MAX + 1, f);
	if (!buf || ferror(f)) {
		fclose(f);
		free(buf);
		nk_fail(&err, NK_ESTORE, "receipt", "%s could not be read", path);
		return cli_report(ctx, &err);
	}
	fclose(f);
	*text = buf;
	*len = n;
	return CLI_OK;
}

static void print_text(struct cli_ctx *ctx, const struct nk_receipt *r,
		       const struct nk_receipt_report *rep)
{
	char head[NK_KEY_HEX], when[CLI_TIME_MAX], amount[CLI_AMOUNT_MAX];
	int fails = 0;

	nk_key_to_hex(r->statement.head, head);
	cli_iso_time(r->statement.closed_ms, when);
	fprintf(ctx->out, "case     %s\noutcome  %s\n", r->statement.case_id, r->statement.outcome);
	if (r->statement.has_settlement) {
		cli_format_amount(r->statement.currency, r->statement.settlement, amount);
		fprintf(ctx->out, "settled  %s\n", amount);
	}
	if (r->statement.has_package) {
		char hex[NK_KEY_HEX];

		nk_key_to_hex(r->statement.package, hex);
		fprintf(ctx->out, "package  %s (%s)\n", hex, r->statement.currency);
	}
	fprintf(ctx->out, "ended    %s\nevents   %llu\nhead     %s\n\n", when,
		(unsigned long long)r->statement.events, head);
	for (int c = 0; c < NK_CHECK_COUNT; c++) {
		fprintf(ctx->out, "%-7s %-21s %s\n", nk_check_result_name(rep->result[c]),
			nk_receipt_check_name((enum nk_receipt_check)c), rep->detail[c]);
		fails += rep->result[c] == NK_CHECK_FAILS;
	}
	if (rep->valid)
		fprintf(ctx->out, "\nverified: the server signed this outcome and logged it; "
			"it cannot be changed without this receipt failing\n");
	else
		fprintf(ctx->out, "\nNOT VERIFIED: %d check%s failed\n", fails, fails == 1 ? "" : "s");
}

static void print_json(struct cli_ctx *ctx, const struct nk_receipt *r,
		       const struct nk_receipt_report *rep)
{
	char head[NK_KEY_HEX];
	json_t *checks = json_array();

	nk_key_to_hex(r->statement.head, head);
	for (int c = 0; c < NK_CHECK_COUNT; c++)
		checks = nk_json_append(checks, json_pack("{s:s, s:s, s:s}", "check",
							nk_receipt_check_name((enum nk_receipt_check)c),
							"result", nk_check_result_name(rep->result[c]),
							"detail", rep->detail[c]));
	cli_print_json(ctx, cli_statement_json(json_pack("{s:b, s:s, s:s, s:I, s:s, s:o}", "valid",
							 rep->valid, "case", r->statement.case_id,
							 "outcome", r->statement.outcome, "events",
							 (json_int_t)r->statement.events, "head",
							 head, "checks", checks), &r->statement));
}

int cmd_verify(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server-key", required_argument, NULL, 'k' },
		{ 0 },
	};
	struct nk_receipt *r = NULL;
	struct nk_receipt_report rep;
	struct nk_error err = { 0 };
	const char *key_arg = NULL, *path = NULL;
	uint8_t pk[NK_PUBLIC_KEY_BYTES];
	char *text = NULL;
	size_t len = 0;
	int c, rc;

	if (cli_wants_help(argc, argv)) {
		fputs(verify_help, ctx->out);
		return CLI_OK;
	}
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--draw") == 0)
			return cli_verify_draw(ctx, argc, argv);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-", opts, NULL)) != -1) {
		if (c == 'k')
			key_arg = optarg;
		else if (c == 1 && !path)
			path = optarg;
		else
			return cli_usage_error(ctx, CMD, "unexpected '%s'", argv[optind - 1]);
	}
	if (!path)
		return cli_usage_error(ctx, CMD, "FILE and --server-key KEY are required");
	if (!key_arg)	/* the one thing a receipt cannot vouch for itself */
		return cli_usage_error(ctx, CMD, "--server-key KEY is required: the server's public "
				       "key, from its operator over a channel you trust ('nakodo "
				       "server-key' on the server's machine), never from the receipt");
	rc = read_server_key(ctx, key_arg, pk);
	if (rc != CLI_OK)
		return rc;
	rc = read_receipt_file(ctx, path, &text, &len);
	if (rc != CLI_OK)
		return rc;
	r = calloc(1, sizeof(*r));
	if (!r) {
		rc = CLI_STORAGE;
		goto out;
	}
	if (nk_receipt_parse(text, len, r, &err) != NK_OK) {
		if (ctx->json)
			cli_print_json(ctx, json_pack("{s:b, s:s, s:s}", "valid", 0, "error",
						      "malformed", "detail", err.text));
		fprintf(ctx->err, "nakodo: %s is not a well-formed receipt: %s\n", path, err.text);
		rc = CLI_REFUSED;
		goto out;
	}
	rc = nk_receipt_verify(r, pk, &rep, NULL) == NK_OK ? CLI_OK : CLI_REFUSED;
	if (ctx->json)
		print_json(ctx, r, &rep);
	else
		print_text(ctx, r, &rep);
out:
	free(text);
	free(r);
	return rc;
}
