/* nakodo server-key: prints the public half of the server's Ed25519 key that
 * countersigns the record, which the store keeps in PATH.server-key (mode 0600), made
 * on first need. Its public half reaches verifiers by another path than a receipt. */
#include "cmd_server_key.h"
#include "remote.h"
#include "util.h"

#include <nakodo/keys.h>

#include <getopt.h>
#include <limits.h>
#include <string.h>

static const char server_key_help[] =
	"usage: nakodo server-key [--db PATH] [--json]\n"
	"       nakodo server-key --server URL [--json]\n\n"
	"Prints the server's Ed25519 public key in hex: the key that countersigns every\n"
	"event and signs receipts and checkpoints. Publish it by a path other than the\n"
	"receipts themselves (a web page, a letter), so that 'nakodo verify --server-key'\n"
	"checks them against a key the server cannot swap. The key is kept in the file\n"
	"PATH.server-key beside an SQLite database, or server.key in the --keys folder\n"
	"(a PostgreSQL database's), mode 0600, and made on first need.\n"
	"With --json: {\"server_key\": HEX}.\n\n"
	"  --server URL  ask a nakodo server instead (GET /v1/server-key, public: no token;\n"
	"                or NAKODO_SERVER). Compare what it says with a key got by another\n"
	"                path: a server that is not the one you trust can answer anything.\n";

/* The key a server says it signs with: checked to be a key before it is printed. */
static int print_remote_key(struct cli_ctx *ctx, struct remote *r)
{
	struct nk_error err = { 0 };
	uint8_t pk[NK_PUBLIC_KEY_BYTES];
	json_t *reply = NULL;
	const char *hex;
	int rc;

	r->anonymous = true;
	if ((rc = remote_call(ctx, r, "GET", "/v1/server-key", NULL, &reply)) != CLI_OK)
		return rc;
	hex = json_string_value(json_object_get(reply, "server_key"));
	if (!hex || strlen(hex) != 2 * NK_PUBLIC_KEY_BYTES || nk_key_from_hex(hex, pk, NULL) != NK_OK) {
		json_decref(reply);
		nk_fail(&err, NK_ESTORE, "server_key", "%s did not answer with a server key",
			r->server);
		return cli_report(ctx, &err);
	}
	if (ctx->json)
		cli_print_json(ctx, json_pack("{s:s}", "server_key", hex));
	else
		fprintf(ctx->out, "%s\n", hex);
	json_decref(reply);
	return CLI_OK;
}

int cli_print_server_key(struct cli_ctx *ctx, bool create)
{
	struct nk_server_key *key = NULL;
	struct nk_store *store = NULL;
	struct nk_error err = { 0 };
	uint8_t pk[NK_PUBLIC_KEY_BYTES];
	char hex[NK_KEY_HEX];
	char path[PATH_MAX];
	int rc;

	/* Check the location first, then that the database is there (or make it, as
	 * serve would): a mistyped --db must not leave a stray key file behind. */
	if (nk_store_server_key_path(ctx->db, path, sizeof(path), &err) != NK_OK) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	if ((rc = cli_open_store(ctx, create, &store)) != CLI_OK)
		goto out;
	if (nk_store_server_key(ctx->db, &key, &err) != NK_OK) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	nk_server_key_public(key, pk);
	nk_key_to_hex(pk, hex);
	if (ctx->json)
		cli_print_json(ctx, json_pack("{s:s}", "server_key", hex));
	else
		fprintf(ctx->out, "%s\n", hex);
	rc = CLI_OK;
out:
	nk_server_key_free(key);
	nk_store_close(store);
	return rc;
}

int cmd_server_key(struct cli_ctx *ctx, int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		fputs(server_key_help, ctx->out);
		return CLI_OK;
	}
	static const struct option opts[] = { REMOTE_OPTIONS, { NULL, 0, NULL, 0 } };
	struct remote r = { 0 };
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-", opts, NULL)) != -1) {
		if (c == REMOTE_OPT_SERVER)
			remote_option(&r, c, optarg);
		else
			return cli_usage_error(ctx, "nakodo server-key", "unexpected argument '%s'",
					       argv[optind - 1]);
	}
	if (remote_active(&r))
		return print_remote_key(ctx, &r);
	return cli_print_server_key(ctx, false);
}
