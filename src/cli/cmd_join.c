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
	"usage: nakodo join CASE --as ROLE --key FILE [--json]\n"
	"       nakodo join CASE [--as ROLE] --key FILE --server URL --token TOKEN [--json]\n\n"
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
	"here and sent to the server (POST /v1/cases/CASE/join) for the token's role, which\n"
	"the server tells (its briefing): --as may then be left out, and one that names\n"
	"another role is refused before the join is sent. A principal's or a neutral's\n"
	"token is not told its role until it has joined: give --as there.\n";

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

/* The token's role, which the server's briefing of case id tells: *role, or a usage
 * error when --as (as, parsed into *role) names another. A role that has joined already
 * is told so here: its briefing is read signed with key, but the join's POST would be
 * refused unsigned, with a reason ("must be signed") that is not the one that matters. */
static int token_role(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
		      struct nk_party_key *key, const char *as, enum nk_role *role)
{
	struct nk_brief *b = sodium_malloc(sizeof(*b));
	struct nk_error err = { 0 };
	int rc;

	if (!b)
		return CLI_STORAGE;
	be->remote.key = key;
	if ((rc = be->ops->brief(ctx, be, id, *role, b, NULL)) == CLI_OK) {
		if (as && b->viewer != *role)
			rc = cli_usage_error(ctx, "nakodo join", "--as %s, but the token is the %s's: "
					     "a join is signed for the token's role (leave --as out)",
					     nk_role_name(*role), nk_role_name(b->viewer));
		else if (b->joined[b->viewer] &&
			 nk_fail(&err, NK_EREFUSED, "role", "the %s has already joined this case "
				 "with a key", nk_role_name(b->viewer)) != NK_OK)
			rc = cli_report(ctx, &err);
		*role = b->viewer;
	}
	be->remote.key = NULL;
	sodium_free(b);
	return rc;
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
	/* through a server the token says the role: --as is then only a check */
	if ((as || !cli_backend_token_role(&be)) &&
	    (rc = cli_parse_role(ctx, "nakodo join", as, &role)) != CLI_OK)
		return rc;
	if (strlen(id) >= NK_CASE_ID_MAX)
		return cli_usage_error(ctx, "nakodo join", "CASE: not a case id");
	if ((rc = cli_backend_open(ctx, &be)) != CLI_OK)
		goto out;
	if ((rc = cli_key_load(ctx, key_path, &key)) != CLI_OK)
		goto out;
	/* an unjoined principal's or neutral's briefing is refused (409: its token's opener
	 * holds it too), with a reason that names its role: such a --as goes as it is */
	if (be.is_remote && !(as && (nk_role_kind(role) == NK_ROLE_NEUTRAL ||
				     nk_role_kind(role) == NK_ROLE_PRINCIPAL)) &&
	    (rc = token_role(ctx, &be, id, key, as, &role)) != CLI_OK)
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
