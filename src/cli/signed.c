/* The pieces every keyed command shares: the key file opened under its passphrase, the
 * acting role found from the token or the registered keys, and a signed request with
 * the role's next number, so that local and remote mode sign the same way. */
#include "signed.h"
#include <nakodo/json_build.h>

#include <nakodo/seal.h>

#include <errno.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

int cli_key_file_check(struct cli_ctx *ctx, const char *path)
{
	struct nk_error err = { 0 };
	int e;

	/* a missing file is told before its passphrase is asked for, not after (or, with
	 * no terminal, instead of "no terminal to ask for the passphrase on") */
	if (access(path, R_OK) == 0) {
		char head[8] = { 0 };
		FILE *f = fopen(path, "rb");
		size_t got = f ? fread(head, 1, sizeof(head), f) : 0;

		if (f)
			fclose(f);
		/* a file of another kind is bad input, said so, before any passphrase: not
		 * "the key file is truncated", which has the user look for the rest of it */
		if (!f || (got == sizeof(head) && memcmp(head, "NKPARTY1", 8) == 0))
			return CLI_OK;
		nk_fail(&err, NK_EINVAL, "key", "%s is not a nakodo key file (one that "
			"'nakodo keygen' made)", path);
		return cli_report(ctx, &err);
	}
	e = errno;
	nk_fail(&err, e == ENOENT ? NK_ENOTFOUND : NK_ESTORE, "key", "%s could not be opened: %s",
		path, strerror(e));
	return cli_report(ctx, &err);
}

int cli_key_load(struct cli_ctx *ctx, const char *path, struct nk_party_key **key)
{
	struct nk_passphrase pass = { 0 };
	struct nk_error err = { 0 };
	int rc = CLI_OK;

	if (cli_key_session_open(ctx, path, key))	/* nakodo key unlock's */
		return CLI_OK;
	if ((rc = cli_key_file_check(ctx, path)) != CLI_OK)
		return rc;
	if (nk_passphrase_get("Passphrase: ", false, &pass, &err) != NK_OK ||
	    nk_keyfile_read(path, &pass, key, &err) != NK_OK)
		rc = cli_report(ctx, &err);
	nk_passphrase_wipe(&pass);
	return rc;
}

/* The role whose registered signing key is key's, from the mediator's briefing. */
static int role_of_key(struct cli_ctx *ctx, struct cli_backend *be, const char *cmd,
		       const char *id, const struct nk_party_key *key, enum nk_role *role,
		       struct nk_brief *b)
{
	struct nk_identity mine;
	int rc;

	if ((rc = be->ops->brief(ctx, be, id, NK_MEDIATOR, b, NULL)) != CLI_OK)
		return rc;
	nk_party_key_identity(key, &mine);
	for (int r = 0; r < NK_ROLE_COUNT; r++)
		if (b->joined[r] && sodium_memcmp(b->identity[r].sign, mine.sign, sizeof(mine.sign)) == 0) {
			*role = (enum nk_role)r;
			return CLI_OK;
		}
	return cli_usage_error(ctx, cmd, "this key has not joined case %s (nakodo join), "
			       "and no --as ROLE was given", id);
}

int cli_acting_brief(struct cli_ctx *ctx, struct cli_backend *be, const char *cmd,
		     const char *id, const enum nk_role *as, const struct nk_party_key *key,
		     struct nk_brief *b)
{
	enum nk_role role = NK_MEDIATOR;
	int rc;

	/* Through a server the token says the role; locally as does, or key's registration. */
	if (be->is_remote)
		be->remote.key = key;	/* a joined role's reads are signed too */
	else if (as)
		role = *as;
	else if (!key)
		return cli_usage_error(ctx, cmd, "--as ROLE is required");
	else if ((rc = role_of_key(ctx, be, cmd, id, key, &role, b)) != CLI_OK)
		return rc;
	if ((rc = be->ops->brief(ctx, be, id, role, b, NULL)) != CLI_OK)
		return rc;
	if (be->is_remote && as && b->viewer != *as)
		return cli_usage_error(ctx, cmd, "--as %s, but the token is the %s's",
				       nk_role_name(*as), nk_role_name(b->viewer));
	return CLI_OK;
}

int cli_sign_request(struct cli_ctx *ctx, const char *cmd, const struct nk_party_key *key,
		     const struct nk_brief *b, const struct nk_case_request *req,
		     struct nk_request_auth *auth, const struct nk_request_auth **out)
{
	struct nk_error err = { 0 };

	*out = NULL;
	if (b->viewer != b->role) {	/* the case would refuse it: say why before signing */
		nk_fail(&err, NK_EREFUSED, "role", "the %s reads the %s's briefing; it may not "
			"act, send or deposit", nk_role_name(b->viewer), nk_role_name(b->role));
		return cli_report(ctx, &err);
	}
	return cli_sign_request_as(ctx, cmd, key, b, b->role, req, auth, out);
}

int cli_sign_request_as(struct cli_ctx *ctx, const char *cmd, const struct nk_party_key *key,
			const struct nk_brief *b, enum nk_role signer,
			const struct nk_case_request *req, struct nk_request_auth *auth,
			const struct nk_request_auth **out)
{
	struct nk_identity mine;
	struct nk_error err = { 0 };

	*out = NULL;
	if (!b->joined[signer])
		return CLI_OK;	/* the role acts without a key until it joins with one */
	if (!key) {
		nk_fail(&err, NK_EAUTH, "signature", "the %s has joined this case with a key: its "
			"requests must be signed with it (--key FILE)", nk_role_name(signer));
		return cli_report(ctx, &err);
	}
	nk_party_key_identity(key, &mine);
	if (sodium_memcmp(mine.sign, b->identity[signer].sign, sizeof(mine.sign)) != 0)
		return cli_usage_error(ctx, cmd, "--key: this is not the key the %s registered "
				       "on the case", nk_role_name(signer));
	if (nk_case_request_sign(key, b->case_id, signer, b->last_request + 1, req, auth,
				 &err) != NK_OK)
		return cli_report(ctx, &err);
	*out = auth;
	return CLI_OK;
}

int cli_act_and_tell(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
		     enum nk_role role, const struct nk_case_request *req,
		     const struct nk_request_auth *signed_by, const char *done)
{
	json_t *answer = NULL;
	int rc = be->ops->act(ctx, be, id, role, req, signed_by, &answer);

	if (rc != CLI_OK)
		return rc;
	if (!ctx->json)
		fprintf(ctx->out, "%s\n", done);
	return cli_print_brief_answer(ctx, id, answer, true, NULL);
}

int cli_check_key_role(struct cli_ctx *ctx, const char *cmd, const struct nk_party_key *key,
		       const struct nk_brief *b)
{
	const char *role = nk_role_name(b->role);
	struct nk_identity mine;

	nk_party_key_identity(key, &mine);
	if (b->joined[b->role] &&
	    sodium_memcmp(mine.sign, b->identity[b->role].sign, sizeof(mine.sign)) == 0)
		return CLI_OK;
	if (b->viewer != b->role)	/* a principal: what is sealed to its party is not its */
		return cli_usage_error(ctx, cmd, "the %s reads the %s's briefing only: what is "
				       "sealed to the %s opens with the %s's key alone",
				       nk_role_name(b->viewer), role, role, role);
	for (int r = 0; r < NK_ROLE_COUNT; r++)
		if (b->joined[r] &&
		    sodium_memcmp(mine.sign, b->identity[r].sign, sizeof(mine.sign)) == 0)
			return cli_usage_error(ctx, cmd, "--key: this is the %s's key, not the "
					       "%s's: it cannot open what is sealed to the %s",
					       nk_role_name((enum nk_role)r), role, role);
	if (!b->joined[b->role])
		return cli_usage_error(ctx, cmd, "the %s has not joined case %s with a key "
				       "(nakodo join): nothing can be sealed to it yet", role,
				       b->case_id);
	return cli_usage_error(ctx, cmd, "--key: this is not the key the %s registered on "
			       "case %s: it cannot open what is sealed to the %s", role,
			       b->case_id, role);
}
