/* nakodo server-key, and the key file beside the database: the server's Ed25519 key
 * that countersigns the record lives in PATH.server-key (mode 0600), made on first
 * need. Its public half reaches verifiers by another path than a receipt. */
#include "util.h"

#include <nakodo/keys.h>

#include <string.h>

#define KEY_PATH_MAX 4096

static const char server_key_help[] =
	"usage: nakodo server-key [--db PATH] [--json]\n\n"
	"Prints the server's Ed25519 public key in hex: the key that countersigns every\n"
	"event and signs receipts and checkpoints. Publish it by a path other than the\n"
	"receipts themselves (a web page, a letter), so that 'nakodo verify --server-key'\n"
	"checks them against a key the server cannot swap. The key is kept in the file\n"
	"PATH.server-key beside the database (mode 0600) and made on first need.\n"
	"With --json: {\"server_key\": HEX}.\n";

/* The server key's file for the store URL db: "PATH.server-key" for sqlite:PATH or a
 * bare PATH. A store without a file (mem:) has none. */
static enum nk_status key_path(const char *db, char out[static KEY_PATH_MAX],
			       struct nk_error *err)
{
	const char *path = db;
	int n;

	if (strncmp(db, "mem:", 4) == 0 || strstr(db, "://"))
		return nk_fail(err, NK_EINVAL, "db", "the server key lives beside an sqlite "
			       "database file; this store has none");
	if (strncmp(db, "sqlite:", 7) == 0)
		path = db + 7;
	if (!*path)
		return nk_fail(err, NK_EINVAL, "db", "the database path is empty");
	n = snprintf(out, KEY_PATH_MAX, "%s.server-key", path);
	if (n < 0 || n >= KEY_PATH_MAX)
		return nk_fail(err, NK_EINVAL, "db", "the database path is too long");
	return NK_OK;
}

enum nk_status cli_server_key_load(const char *db, struct nk_server_key **out,
				   struct nk_error *err)
{
	char path[KEY_PATH_MAX];
	bool created = false;
	enum nk_status rc;

	if ((rc = key_path(db, path, err)) != NK_OK)
		return rc;
	return nk_server_key_load_or_create(path, out, &created, err);
}

int cli_print_server_key(struct cli_ctx *ctx, bool create)
{
	struct nk_server_key *key = NULL;
	struct nk_store *store = NULL;
	struct nk_error err = { 0 };
	uint8_t pk[NK_PUBLIC_KEY_BYTES];
	char hex[NK_KEY_HEX];
	char path[KEY_PATH_MAX];
	int rc;

	/* Check the location first, then that the database is there (or make it, as
	 * serve would): a mistyped --db must not leave a stray key file behind. */
	if (key_path(ctx->db, path, &err) != NK_OK) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	if ((rc = cli_open_store(ctx, create, &store)) != CLI_OK)
		goto out;
	if (cli_server_key_load(ctx->db, &key, &err) != NK_OK) {
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
