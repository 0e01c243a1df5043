/* nakodo server-key: prints the public half of the server's Ed25519 key that
 * countersigns the record, which the store keeps in PATH.server-key (mode 0600), made
 * on first need. Its public half reaches verifiers by another path than a receipt. */
#include "cmd_server_key.h"
#include "util.h"

#include <nakodo/keys.h>

#include <limits.h>

static const char server_key_help[] =
	"usage: nakodo server-key [--db PATH] [--json]\n\n"
	"Prints the server's Ed25519 public key in hex: the key that countersigns every\n"
	"event and signs receipts and checkpoints. Publish it by a path other than the\n"
	"receipts themselves (a web page, a letter), so that 'nakodo verify --server-key'\n"
	"checks them against a key the server cannot swap. The key is kept in the file\n"
	"PATH.server-key beside the database (mode 0600) and made on first need.\n"
	"With --json: {\"server_key\": HEX}.\n";

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
	if (argc != 1)
		return cli_usage_error(ctx, "nakodo server-key", "unexpected argument '%s'", argv[1]);
	return cli_print_server_key(ctx, false);
}
