/* nakodo: the command. Pulls the global options (--db, --json, anywhere before "--")
 * out of argv and dispatches to the subcommand table. */
#include <nakodo/alloc.h>
#include "cli.h"
#include "remote.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <sys/stat.h>

static const struct cli_command commands[] = {
	{ "case", "open a case (case new) or list cases (case list)", cmd_case },
	{ "submit", "a party's figure for the open round, or a neutral's fair figure", cmd_submit },
	{ "extend", "authorise a confidential deal-closer extension for the open round", cmd_extend },
	{ "propose", "the mediator's proposal after impasse", cmd_propose },
	{ "answer", "accept or decline the mediator's proposal, confidentially", cmd_answer },
	{ "close", "the mediator ends a case that has not settled", cmd_close },
	{ "approve", "a principal approves its party's draft figure, extension or answer", cmd_approve },
	{ "reject", "a principal rejects its party's draft, which then never takes effect", cmd_reject },
	{ "endorse", "a party endorses its principal's or a neutral's key, once compared", cmd_endorse },
	{ "brief", "what a role may know of a case", cmd_brief },
	{ "log", "a case's events, as the mediator may see them", cmd_log },
	{ "demo", "the 1962 Korea-Japan claims talks, run through the real engine", cmd_demo },
	{ "loan", "a loan's present value, grant element and schedule at a discount rate", cmd_loan },
	{ "package", "settlement packages: propose one from two valuations, value one, check a file", cmd_package },
	{ "analyze", "multi-issue analysis: Pareto frontier, Nash and other points, per issue", cmd_analyze },
	{ "simulate", "what each rule set is worth against rupture, in random cases", cmd_simulate },
	{ "keygen", "make a party key file: signing and sealing keys under a passphrase", cmd_keygen },
	{ "pubkey", "a key file's public identity and safety number", cmd_pubkey },
	{ "key", "unlock a key file for N minutes (an opt-in session), or lock it", cmd_key },
	{ "join", "register a party's key on a case, signed", cmd_join },
	{ "send", "a signed message sealed to another role's key, from standard input", cmd_send },
	{ "inbox", "open and verify the messages (and released deposits) sent to you", cmd_inbox },
	{ "deposit", "simultaneous disclosure: a sealed text released when both are in", cmd_deposit },
	{ "withdraw", "take your deposit back before its release", cmd_withdraw },
	{ "receipt", "export an ended case's receipt, optionally signed by a party", cmd_receipt },
	{ "token", "access tokens: the mediator reissues or revokes; a role rotates its own", cmd_token },
	{ "sign-read", "the headers that sign a joined role's read, for curl", cmd_sign_read },
	{ "verify", "check a receipt offline with the server's public key", cmd_verify },
	{ "serve", "serve the HTTP JSON API (doc/api.md)", cmd_serve },
	{ "server-key", "the server's public signing key, in hex", cmd_server_key },
	{ "announce", "a party's open proposal, seen by every role (--open-proposals)", cmd_announce },
	/* further subcommands: one line each */
};

static void usage(FILE *f)
{
	fprintf(f, "usage: nakodo [--db PATH] [--keys DIR] [--json] COMMAND [ARGS]\n\n"
		"A confidential go-between for negotiations: the parties give it their limits,\n"
		"it tells them only what the case's rules allow.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nglobal options (before or after the command):\n"
		"  --db PATH   the case database (default nakodo.db, or $NAKODO_DB);\n"
		"              sqlite:PATH or mem: name a backend explicitly, and\n"
		"              postgresql://... (a libpq URI) a PostgreSQL database\n"
		"  --keys DIR  the folder of the storage key and the server's signing key\n"
		"              (or $NAKODO_KEYS; made 0700, its files 0600); needed with\n"
		"              postgresql:, and by default beside an sqlite database\n"
		"  --json      print one JSON object instead of text; an error is one too,\n"
		"              {error, field or command, detail, exit}, on stdout (and the\n"
		"              text on stderr)\n"
		"  --cacert FILE\n"
		"              with --server https://...: check the server's certificate against\n"
		"              the CA certificates in FILE (PEM; or $NAKODO_CACERT), not the system's\n"
		"  --help      this text; COMMAND --help for a command's own\n\n"
		"a case's commands go to a nakodo server with --server URL --token TOKEN\n"
		"after the command (or $NAKODO_SERVER, $NAKODO_TOKEN; prefer the variable,\n"
		"which other users cannot read in the process list): nakodo serve --help\n\n"
		"exit status: 0 done, 1 refused by the case's rules, 2 bad usage or input,\n"
		"3 storage or network error: the same command may work later\n");
}

/* Removes the global options from argv (up to a "--"); returns the new argc, or -1
 * (--db), -2 (--cacert) or -3 (--keys) for one without its value. --keys is handed to
 * the store as NAKODO_KEYS, which every store this process opens reads. */
static int take_globals(struct cli_ctx *ctx, int argc, char **argv)
{
	int out = 1;
	bool rest = false;

	for (int i = 1; i < argc; i++) {
		if (!rest && strcmp(argv[i], "--") == 0) {
			rest = true;
			argv[out++] = argv[i];
		} else if (!rest && strcmp(argv[i], "--json") == 0) {
			ctx->json = true;
		} else if (!rest && strcmp(argv[i], "--db") == 0) {
			if (i + 1 >= argc)
				return -1;
			ctx->db = argv[++i];
		} else if (!rest && strncmp(argv[i], "--db=", 5) == 0) {
			ctx->db = argv[i] + 5;
		} else if (!rest && (strcmp(argv[i], "--keys") == 0 ||
				     strncmp(argv[i], "--keys=", 7) == 0)) {
			const char *dir = argv[i][6] == '=' ? argv[i] + 7 : NULL;

			if (!dir && i + 1 >= argc)
				return -3;
			if (!dir)
				dir = argv[++i];
			if (!*dir || setenv("NAKODO_KEYS", dir, 1) != 0)
				return -3;
		} else if (!rest && strcmp(argv[i], "--cacert") == 0) {
			if (i + 1 >= argc)
				return -2;
			ctx->cacert = argv[++i];
		} else if (!rest && strncmp(argv[i], "--cacert=", 9) == 0) {
			ctx->cacert = argv[i] + 9;
		} else {
			argv[out++] = argv[i];
		}
	}
	argv[out] = NULL;
	return out;
}

int main(int argc, char **argv)
{
	struct cli_ctx ctx = { .db = getenv("NAKODO_DB"), .cacert = getenv("NAKODO_CACERT"),
			       .out = stdout, .err = stderr };
	const char *names[sizeof(commands) / sizeof(commands[0])], *near;

	/* Every file nakodo writes is its user's alone (doc/storage.md, "File modes"): each
	 * writer asks for 0600 itself, and this covers whatever a library makes besides. */
	umask(077);
	if (sodium_init() < 0) {
		fprintf(stderr, "nakodo: libsodium could not start\n");
		return CLI_STORAGE;
	}
	nk_alloc_install();	/* first: every JSON the command touches is wiped when freed */
	if (!ctx.db || !*ctx.db)
		ctx.db = "nakodo.db";
	argc = take_globals(&ctx, argc, argv);
	if (argc < 0)
		return cli_usage_error(&ctx, "nakodo", "option '--%s' needs a value (%s)",
				       argc == -1 ? "db" : argc == -2 ? "cacert" : "keys",
				       argc == -1 ? "PATH" : argc == -2 ? "FILE" : "DIR");
	if (ctx.cacert && !*ctx.cacert)
		ctx.cacert = NULL;
	if (argc < 2 && ctx.json)	/* a program reads stdout: the error goes there too */
		return cli_usage_error(&ctx, "nakodo", "expected a COMMAND");
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return CLI_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("nakodo 0.1.0\n");
		return CLI_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			int rc = commands[i].run(&ctx, argc - 1, argv + 1);

			remote_clock_settle();	/* the next command may sign at once */
			return rc;
		}
	/* the options of a command's own, given before it: "nakodo --server URL log C" */
	if (strncmp(argv[1], "--server", 8) == 0 || strncmp(argv[1], "--token", 7) == 0 ||
	    strncmp(argv[1], "--as", 4) == 0 || strncmp(argv[1], "--key", 5) == 0) {
		size_t n = strcspn(argv[1], "=");

		return cli_usage_error(&ctx, "nakodo", "%.*s goes after the command: nakodo "
				       "COMMAND ... %.*s ... (e.g. nakodo log CASE --server URL "
				       "--token TOKEN)", (int)(n > 16 ? 16 : n), argv[1],
				       (int)(n > 16 ? 16 : n), argv[1]);
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		names[i] = commands[i].name;
	if ((near = cli_nearest(argv[1], names, sizeof(commands) / sizeof(commands[0]))))
		return cli_usage_error(&ctx, "nakodo", "unknown command '%.32s': did you mean "
				       "'%s'?", argv[1], near);
	return cli_usage_error(&ctx, "nakodo", "unknown command '%.32s'", argv[1]);
}
