/* nakodo join: a party registers its public identity on a case, proving with a
 * signature over case, role and keys that it holds them. The key file's secrets stay
 * in sodium_malloc'd memory and only the signature and public keys leave this file. */
#include "backend.h"
#include "signed.h"

#include <nakodo/keys.h>
#include <nakodo/seal.h>

#include <getopt.h>
#include <sodium.h>
#include <string.h>

static const char join_help[] =
	"usage: nakodo join CASE --as ROLE --key FILE [--json]\n\n"
	"ROLE: claimant, payer or mediator; claimant-principal or payer-principal in a case\n"
	"with principals; neutral-1 .. neutral-N in a case with neutral evaluation.\n"
	"Registers the public identity in the key FILE (made by 'nakodo keygen') as ROLE's\n"
	"on the case: a 'joined' event holding the Ed25519 and X25519 public keys and a\n"
	"signature, by the signing key, over the case, the role and both keys. Each role\n"
	"joins once; a case that has ended takes no joins (exit 1). The key's passphrase is\n"
	"asked on the terminal without echo, or read from NAKODO_PASSPHRASE_FILE. Prints\n"
	"the identity and its safety number, which every briefing of the case then shows;\n"
	"read it to the other side over a channel you trust.\n\n"
	"With --server URL --token TOKEN (or NAKODO_SERVER, NAKODO_TOKEN) the join is signed\n"
	"here and sent to the server (POST /v1/cases/CASE/join); the token's role must be\n"
	"ROLE, or the server finds the signature is not for the role it knows you by; --as\n"
	"is needed there too, since the join is signed for the role before it is sent.\n";

static void print_joined(struct cli_ctx *ctx, const char *id, enum nk_role role,
			 const struct nk_identity *identity)
{
	char sign[NK_KEY_HEX], seal[NK_KEY_HEX], safety[NK_SAFETY_NUMBER_MAX];

	nk_key_to_hex(identity->sign, sign);
	nk_key_to_hex(identity->seal, seal);
	nk_safety_number(identity, safety);
	if (ctx->json)
		cli_print_json(ctx, json_pack("{s:s, s:s, s:s, s:s, s:s}", "case", id,
					      "role", nk_role_name(role), "sign", sign,
					      "seal", seal, "safety_number", safety));
	else
		fprintf(ctx->out, "joined case %s as %s\nsign           %s\nseal           %s\n"
			"safety number  %s\n", id, nk_role_name(role), sign, seal, safety);
}

int cmd_join(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_backend be = { 0 };
	struct cli_case_args args = { 0 };
	struct nk_party_key *key = NULL;
	struct nk_error err = { 0 };
	struct nk_identity identity;
	uint8_t sig[NK_SIGNATURE_BYTES];
	const char *as, *key_path, *id;
	enum nk_role role = NK_MEDIATOR;
	int rc;

	if (cli_wants_help(argc, argv)) {
		fputs(join_help, ctx->out);
		return CLI_OK;
	}
	if ((rc = cli_case_args_parse(ctx, "nakodo join", "ak", argc, argv, &args, &be.remote)) != CLI_OK)
		return rc;
	id = args.id;
	as = args.as;
	key_path = args.key;
	if (!id || optind < argc)
		return cli_usage_error(ctx, "nakodo join", "expected CASE --as ROLE --key FILE");
	if (!key_path)
		return cli_usage_error(ctx, "nakodo join", "--key FILE is required");
	if ((rc = cli_parse_role(ctx, "nakodo join", as, &role)) != CLI_OK)
		return rc;
	if (strlen(id) >= NK_CASE_ID_MAX)
		return cli_usage_error(ctx, "nakodo join", "CASE: not a case id");
	if ((rc = cli_backend_open(ctx, &be)) != CLI_OK)
		goto out;
	if ((rc = cli_key_load(ctx, key_path, &key)) != CLI_OK)
		goto out;
	if (nk_join_sign(key, id, role, sig, &err) != NK_OK) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	nk_party_key_identity(key, &identity);
	if ((rc = be.ops->join(ctx, &be, id, role, &identity, sig)) == CLI_OK)
		print_joined(ctx, id, role, &identity);
out:
	nk_party_key_free(key);
	cli_backend_close(&be);
	return rc;
}
