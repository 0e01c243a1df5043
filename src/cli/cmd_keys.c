/* nakodo keygen and nakodo pubkey: make a party's key file (Ed25519 + X25519 under a
 * passphrase) and show the public identity and safety number it holds. The passphrase
 * comes from the terminal or NAKODO_PASSPHRASE_FILE, never from an argument. */
#include "signed.h"
#include "util.h"

#include <nakodo/keys.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char keygen_help[] =
	"usage: nakodo keygen --out FILE [--cost moderate|interactive|sensitive] [--json]\n\n"
	"Makes a party key: an Ed25519 key that signs what the party says and an X25519 key\n"
	"that opens what is sealed to it, in one new file (mode 0600; an existing file is\n"
	"never overwritten), encrypted under a passphrase with Argon2id and\n"
	"XChaCha20-Poly1305. Prints the public identity and its safety number.\n\n"
	"  --out FILE   the key file to create\n"
	"  --cost C     Argon2id cost: moderate (default: 3 passes, 256 MiB), interactive\n"
	"               (2 passes, 64 MiB) or sensitive (4 passes, 1 GiB)\n\n"
	"The passphrase is asked twice on the terminal, without echo, or read from the first\n"
	"line of the file NAKODO_PASSPHRASE_FILE names. NAKODO_TEST_KDF=min selects\n"
	"libsodium's minimum Argon2id cost: for test suites only, since it makes the\n"
	"passphrase cheap to guess.\n";

static const char pubkey_help[] =
	"usage: nakodo pubkey FILE [--json]\n\n"
	"Opens a party key file (asking its passphrase) and prints its public identity: the\n"
	"Ed25519 signing key, the X25519 sealing key, and the safety number, 30 digits from\n"
	"a hash of both keys. Read your safety number to the other side over a channel you\n"
	"trust (in person, by telephone); when it matches what their nakodo shows for your\n"
	"role, no one sits in between. With --json: sign, seal and safety_number.\n\n"
	"Why the passphrase, for public keys: the file's header shows them, but nothing\n"
	"binds the header to its secrets until they are opened (its checksum has no key).\n"
	"Someone who could write the file could make its header show their own keys and\n"
	"so pass the comparison above; opened, the secrets must derive what is printed.\n";

/* Prints an identity as text or JSON; extra is merged into the JSON object. */
static void print_identity(struct cli_ctx *ctx, const struct nk_identity *id, json_t *extra)
{
	char sign[NK_KEY_HEX], seal[NK_KEY_HEX], safety[NK_SAFETY_NUMBER_MAX];

	nk_key_to_hex(id->sign, sign);
	nk_key_to_hex(id->seal, seal);
	nk_safety_number(id, safety);
	if (ctx->json) {
		json_t *o = json_pack("{s:s, s:s, s:s}", "sign", sign, "seal", seal,
				      "safety_number", safety);

		if (o && extra && json_object_update(o, extra) != 0) {
			json_decref(o);
			o = NULL;
		}
		cli_print_json(ctx, o);
	} else {
		fprintf(ctx->out, "sign           %s\nseal           %s\nsafety number  %s\n",
			sign, seal, safety);
	}
	json_decref(extra);
}

static int parse_cost(struct cli_ctx *ctx, const char *text, enum nk_kdf_cost *cost)
{
	static const struct {
		const char *name;
		enum nk_kdf_cost cost;
	} costs[] = {
		{ "moderate", NK_KDF_MODERATE },
		{ "interactive", NK_KDF_INTERACTIVE },
		{ "sensitive", NK_KDF_SENSITIVE },
	};

	for (size_t i = 0; i < sizeof(costs) / sizeof(costs[0]); i++)
		if (strcmp(text, costs[i].name) == 0) {
			*cost = costs[i].cost;
			return CLI_OK;
		}
	return cli_usage_error(ctx, "nakodo keygen", "--cost: '%s' is not moderate, interactive "
			       "or sensitive", text);
}

int cmd_keygen(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "cost", required_argument, NULL, 'c' },
		{ 0 },
	};
	struct nk_passphrase pass = { 0 };
	struct nk_party_key *key = NULL;
	struct nk_error err = { 0 };
	enum nk_kdf_cost cost = NK_KDF_MODERATE;
	const char *out = NULL, *test = getenv("NAKODO_TEST_KDF");
	struct nk_identity id;
	int c, rc;

	if (cli_wants_help(argc, argv)) {
		fputs(keygen_help, ctx->out);
		return CLI_OK;
	}
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'o') {
			out = optarg;
		} else if (c == 'c') {
			rc = parse_cost(ctx, optarg, &cost);
			if (rc != CLI_OK)
				return rc;
		} else {
			return cli_bad_option(ctx, "nakodo keygen", opts, c, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error(ctx, "nakodo keygen", "unexpected argument '%s' (the "
				       "passphrase is never an argument)", argv[optind]);
	if (!out)
		return cli_usage_error(ctx, "nakodo keygen", "--out FILE is required");
	if (test && strcmp(test, "min") == 0) {
		cost = NK_KDF_TEST_ONLY;
		fprintf(ctx->err, "nakodo keygen: NAKODO_TEST_KDF=min: this key's passphrase is "
			"cheap to guess; use it for tests only\n");
	}
	if (nk_passphrase_get("Passphrase for the new key: ", true, &pass, &err) != NK_OK ||
	    nk_party_key_generate(&key, &err) != NK_OK ||
	    nk_keyfile_write(out, key, &pass, cost, &err) != NK_OK) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	nk_party_key_identity(key, &id);
	if (!ctx->json)
		fprintf(ctx->out, "key file       %s\n", out);
	print_identity(ctx, &id, json_pack("{s:o}", "file", cli_json_text(out)));
	rc = CLI_OK;
out:
	nk_passphrase_wipe(&pass);
	nk_party_key_free(key);
	return rc;
}

int cmd_pubkey(struct cli_ctx *ctx, int argc, char **argv)
{
	struct nk_passphrase pass = { 0 };
	struct nk_party_key *key = NULL;
	struct nk_error err = { 0 };
	struct nk_identity id;
	int rc;

	if (cli_wants_help(argc, argv)) {
		fputs(pubkey_help, ctx->out);
		return CLI_OK;
	}
	if (argc != 2 || argv[1][0] == '-')
		return cli_usage_error(ctx, "nakodo pubkey", argc < 2 ? "FILE is required"
				       : "expected one FILE and no options but --json");
	if ((rc = cli_key_file_check(ctx, argv[1])) != CLI_OK)
		return rc;
	if (nk_passphrase_get("Passphrase: ", false, &pass, &err) != NK_OK ||
	    nk_keyfile_read(argv[1], &pass, &key, &err) != NK_OK) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	nk_party_key_identity(key, &id);
	print_identity(ctx, &id, NULL);
	rc = CLI_OK;
out:
	nk_passphrase_wipe(&pass);
	nk_party_key_free(key);
	return rc;
}
