/* nakodo sign-read: the two headers that sign a joined role's bodiless request (a read,
 * or the mediator's token routes), for clients other than this command (curl, scripts):
 * the same signature the command's own remote reads carry (doc/api.md, "Signed reads"). */
#include "cli.h"
#include "signed.h"
#include <nakodo/files.h>
#include <nakodo/time.h>

#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdlib.h>

static const char sign_help[] =
	"usage: nakodo sign-read CASE --as ROLE --key FILE METHOD TARGET [--time MS]\n"
	"                        [--body FILE]\n\n"
	"Prints the headers that sign METHOD TARGET (the path with its query, as sent, e.g.\n"
	"GET /v1/cases/CASE/messages?after=3) as ROLE on CASE with the key FILE:\n"
	"  Nakodo-Request: MS\n  Nakodo-Signature: HEX\n"
	"MS is this machine's clock in milliseconds (or --time MS). The server takes a\n"
	"signature once, within its window around its own clock (default 120 s).\n"
	"--body FILE signs a request whose body is FILE's bytes (a blind case's relayed\n"
	"message, POST /v1/cases/CASE/blind/messages); up to 1 MiB.\n";

#define SIGN_BODY_MAX (1u << 20)

int cmd_sign_read(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "as", required_argument, NULL, 'a' }, { "key", required_argument, NULL, 'k' },
		{ "time", required_argument, NULL, 't' }, { "body", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	const char *pos[3] = { NULL, NULL, NULL }, *as = NULL, *key_path = NULL, *body_path = NULL;
	uint8_t *body = NULL;
	size_t body_len = 0;
	struct nk_party_key *key = NULL;
	struct nk_request_auth auth;
	struct nk_error err = { 0 };
	char hex[2 * NK_SIGNATURE_BYTES + 1];
	enum nk_role role;
	int64_t when = 0;
	size_t npos = 0;
	int c, rc;

	if (cli_wants_help(argc, argv)) {
		fputs(sign_help, ctx->out);
		return CLI_OK;
	}
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-", opts, NULL)) != -1) {
		char *end = NULL;

		if (c == 1 && npos < 3) {
			pos[npos++] = optarg;
		} else if (c == 'a') {
			as = optarg;
		} else if (c == 'k') {
			key_path = optarg;
		} else if (c == 'b') {
			body_path = optarg;
		} else if (c == 't') {
			errno = 0;
			when = strtoll(optarg, &end, 10);
			if (errno || end == optarg || *end || when < 1)
				return cli_usage_error(ctx, "nakodo sign-read",
						       "--time: milliseconds since 1970, a whole number");
		} else {
			return cli_usage_error(ctx, "nakodo sign-read", "unexpected '%s'",
					       argv[optind - 1]);
		}
	}
	if (npos != 3 || !key_path)
		return cli_usage_error(ctx, "nakodo sign-read",
				       "expected CASE --as ROLE --key FILE METHOD TARGET");
	if ((rc = cli_parse_role(ctx, "nakodo sign-read", as, &role)) != CLI_OK)
		return rc;
	if (!when)
		when = nk_time_now_ms();
	if (body_path && nk_file_read_bounded(body_path, SIGN_BODY_MAX, &body, &body_len,
					      body_path, "body", NULL, &err) != NK_OK)
		return cli_report(ctx, &err);
	if ((rc = cli_key_load(ctx, key_path, &key)) != CLI_OK) {
		free(body);
		return rc;
	}
	if (nk_case_read_sign_body(key, pos[0], role, when, pos[1], pos[2],
				   body_path ? body : NULL, body_len, &auth, &err) != NK_OK) {
		rc = cli_report(ctx, &err);
	} else {
		sodium_bin2hex(hex, sizeof(hex), auth.signature, sizeof(auth.signature));
		fprintf(ctx->out, "Nakodo-Request: %lld\nNakodo-Signature: %s\n", (long long)when,
			hex);
	}
	nk_party_key_free(key);
	free(body);
	return rc;
}
