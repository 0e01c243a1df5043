/* nakodo token reissue|revoke CASE ROLE: the mediator's hold on a role's access token,
 * on the database or through a server (POST/DELETE /v1/cases/ID/tokens/ROLE); and
 * nakodo token rotate CASE: a role's own token traded for a fresh one through a server
 * (POST /v1/cases/ID/token/rotate). */
#include "remote.h"
#include "backend.h"
#include "signed.h"
#include "util.h"

#include <nakodo/wire.h>

#include <getopt.h>
#include <sodium.h>
#include <string.h>

static const char token_help[] =
	"usage: nakodo token reissue CASE ROLE [--key KEYFILE] [--server URL --token TOKEN]\n"
	"       nakodo token revoke CASE ROLE [--key KEYFILE] [--server URL --token TOKEN]\n"
	"       nakodo token rotate CASE [--key KEYFILE] --server URL --token TOKEN\n\n"
	"The mediator's control of a role's access token (ROLE: claimant, payer, mediator,\n"
	"claimant-principal or payer-principal, a principal's only in a case with principals;\n"
	"neutral-1 .. neutral-N in a case with neutral evaluation).\n"
	"  reissue   revokes every token the role holds on the case and prints a new one,\n"
	"            shown this once, and through a server its invitation link for a\n"
	"            browser, URL/case/ID#token=TOKEN: hand it to the role's party\n"
	"  revoke    revokes every token the role holds on the case; none replaces them\n"
	"  rotate    any role, for its own token on a server: revokes every token of the\n"
	"            token's role and prints a fresh one. The old token stops working at\n"
	"            once: a token that passed through mail or a chat is dead once traded.\n"
	"            Not logged. Once the role has joined, --key KEYFILE signs it.\n\n"
	"Reissue and revoke are recorded in the case's log as a `token` event (never the\n"
	"token itself), which the role's briefing shows, so a party learns that its token\n"
	"changed. A case that has ended takes no more events: its tokens may still be\n"
	"revoked (unlogged) but not reissued (exit 1).\n\n"
	"In a blind case a party that uses its page runs the rounds with the command, which\n"
	"needs a token of its own (its page says so and shows this command): reissue the\n"
	"party's and send it the token alone, for NAKODO_TOKEN, not the link: a link opened\n"
	"in a browser trades its token for another, and the command's then stops working.\n\n"
	"Locally (--db) the tokens are those a server on the same database honours: a case\n"
	"opened with 'nakodo case new' without a server gets its tokens this way.\n"
	"With --server URL --token TOKEN (or NAKODO_SERVER, NAKODO_TOKEN; the mediator's token)\n"
	"the server does it. Once the mediator has joined the case with a key, the server\n"
	"takes the request only signed with it: --key KEYFILE (its passphrase is asked without\n"
	"echo, or read from NAKODO_PASSPHRASE_FILE).\n\n"
	"  --key KEYFILE   the mediator's key file, to sign the request (remote only)\n"
	"  --server URL    the nakodo server; --token TOKEN the mediator's token\n"
	"  --json          print the answer {case, role, revoked, token} as JSON\n";

/* link_base: the server a reissued token is for, whose invitation link is printed too
 * (NULL: none, locally, or for a role's own rotated token). */
static int print_answer(struct cli_ctx *ctx, json_t *answer, const char *link_base)
{
	char id[NK_CASE_ID_MAX], *token = sodium_malloc(NK_WIRE_TOKEN_MAX);
	struct nk_error err = { 0 };
	uint64_t revoked = 0;
	enum nk_role role;
	bool has_token = false;
	int rc = CLI_OK;

	if (!token) {
		json_decref(answer);
		nk_fail(&err, NK_ENOMEM, "token", "out of memory");
		return cli_report(ctx, &err);
	}
	if (nk_wire_tokens_from_json(answer, id, &role, &revoked, token, &has_token,
				     &err) != NK_OK) {
		rc = cli_report(ctx, &err);
	} else if (ctx->json) {
		cli_print_json(ctx, answer);
		answer = NULL;
	} else {
		fprintf(ctx->out, "case %s: %llu %s token%s revoked\n", id,
			(unsigned long long)revoked, nk_role_name(role), revoked == 1 ? "" : "s");
		if (has_token)
			fprintf(ctx->out, "%s token: %s\n", nk_role_name(role), token);
		if (has_token && link_base) {
			size_t n = strlen(link_base);

			if (n && link_base[n - 1] == '/')
				n--;
			fprintf(ctx->out, "%s link: %.*s/case/%s#token=%s\n", nk_role_name(role),
				(int)n, link_base, id, token);
		}
	}
	sodium_free(token);
	json_decref(answer);
	return rc;
}

/* CASE ROLE in that order, --key, and the remote options, anywhere. */
static int parse(struct cli_ctx *ctx, int argc, char **argv, const char **id,
		 const char **role, const char **key, struct remote *remote)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' }, REMOTE_OPTIONS, { NULL, 0, NULL, 0 },
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-", opts, NULL)) != -1) {
		if (c == 1 && !*id)
			*id = optarg;
		else if (c == 1 && !*role)
			*role = optarg;
		else if (c == 'k')
			*key = optarg;
		else if (c == REMOTE_OPT_SERVER || c == REMOTE_OPT_TOKEN)
			remote_option(remote, c, optarg);
		else
			return cli_bad_option(ctx, "nakodo token", opts, c, argv);
	}
	return CLI_OK;
}

/* nakodo token rotate CASE: a server's route only; a database has no token that passed
 * through anyone's hands but the mediator's, who reissues. */
static int rotate(struct cli_ctx *ctx, int argc, char **argv)
{
	struct remote remote = { 0 };
	const char *id = NULL, *extra = NULL, *key_path = NULL;
	struct nk_party_key *key = NULL;
	char path[NK_CASE_ID_MAX + 32];
	json_t *answer = NULL;
	int rc;

	if ((rc = parse(ctx, argc, argv, &id, &extra, &key_path, &remote)) != CLI_OK)
		return rc;
	if (!id || extra)
		return cli_usage_error(ctx, "nakodo token rotate", "expected CASE alone (the token "
				       "says the role)");
	if (strlen(id) >= NK_CASE_ID_MAX)
		return cli_usage_error(ctx, "nakodo token rotate", "CASE: not a case id");
	if (!remote_active(&remote))
		return cli_usage_error(ctx, "nakodo token rotate", "a server's token is "
				       "rotated through it: --server URL --token TOKEN (or "
				       "NAKODO_SERVER, NAKODO_TOKEN); locally, the mediator "
				       "reissues (token reissue)");
	if (key_path && (rc = cli_key_load(ctx, key_path, &key)) != CLI_OK)
		return rc;
	remote.key = key;
	snprintf(path, sizeof(path), "/v1/cases/%s/token/rotate", id);
	if ((rc = remote_call(ctx, &remote, "POST", path, NULL, &answer)) == CLI_OK)
		rc = print_answer(ctx, answer, NULL);
	nk_party_key_free(key);
	return rc;
}

int cmd_token(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_backend be = { 0 };
	const char *id = NULL, *role_text = NULL, *key_path = NULL;
	struct nk_party_key *key = NULL;
	json_t *answer = NULL;
	enum nk_role role;
	bool reissue;
	int rc;

	if (cli_wants_help(argc, argv)) {
		fputs(token_help, ctx->out);
		return CLI_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "rotate") == 0)
		return rotate(ctx, argc - 1, argv + 1);
	if (argc < 2 || (strcmp(argv[1], "reissue") != 0 && strcmp(argv[1], "revoke") != 0))
		return cli_usage_error(ctx, "nakodo token", "expected 'reissue', 'revoke' or "
				       "'rotate'");
	reissue = strcmp(argv[1], "reissue") == 0;
	if ((rc = parse(ctx, argc - 1, argv + 1, &id, &role_text, &key_path, &be.remote)) != CLI_OK)
		return rc;
	if (!id || !role_text)
		return cli_usage_error(ctx, "nakodo token", "expected CASE ROLE");
	if (strlen(id) >= NK_CASE_ID_MAX)
		return cli_usage_error(ctx, "nakodo token", "CASE: not a case id");
	if ((rc = cli_parse_role_arg(ctx, "nakodo token", "ROLE", role_text, &role)) != CLI_OK)
		return rc;
	if (key_path && (rc = cli_key_load(ctx, key_path, &key)) != CLI_OK)
		return rc;
	be.remote.key = key;
	if ((rc = cli_backend_open(ctx, &be)) == CLI_OK &&
	    (rc = be.ops->tokens(ctx, &be, id, role, reissue, &answer)) == CLI_OK)
		rc = print_answer(ctx, answer, be.is_remote ? be.remote.server : NULL);
	cli_backend_close(&be);
	nk_party_key_free(key);
	return rc;
}
