/* What the commands that act with a party key share: loading the key, finding the
 * acting role and its briefing (through the backend), and signing a request
 * with the role's next request number. Internal to the command. */
#ifndef NAKODO_CLI_SIGNED_H
#define NAKODO_CLI_SIGNED_H

#include "backend.h"

#include <nakodo/keys.h>

/* Opens the key file from its session (nakodo key unlock) when one is open for it, else
 * reads its passphrase (terminal without echo, or NAKODO_PASSPHRASE_FILE) and opens it;
 * reports and returns an exit status on failure. */
int cli_key_load(struct cli_ctx *ctx, const char *path, struct nk_party_key **key);
/* Reports a key file that cannot be read ("key: PATH could not be opened: REASON") before
 * its passphrase is asked for; CLI_OK when it can be. */
int cli_key_file_check(struct cli_ctx *ctx, const char *path);

/* Fills b (sodium_malloc'd by the caller) with the acting role's briefing of case id.
 * The role is as (may be NULL): through the server the token's, which as must match;
 * locally as, or else the role whose registered signing key is key's (key may be NULL
 * when as is given). */
int cli_acting_brief(struct cli_ctx *ctx, struct cli_backend *be, const char *cmd, const char *id,
		     const enum nk_role *as, const struct nk_party_key *key, struct nk_brief *b);

/* Signs req for b's role with the next request number when that role has joined (the
 * case then requires it): *out points at auth, or is NULL when there is nothing to sign
 * with. A key other than the one registered, or none for a joined role, is reported. */
int cli_sign_request(struct cli_ctx *ctx, const char *cmd, const struct nk_party_key *key,
		     const struct nk_brief *b, const struct nk_case_request *req,
		     struct nk_request_auth *auth, const struct nk_request_auth **out);

/* cli_sign_request for the role signer, who need not be b's role (a principal signs
 * its clearance of its party's draft, reading the party's briefing). */
int cli_sign_request_as(struct cli_ctx *ctx, const char *cmd, const struct nk_party_key *key,
			const struct nk_brief *b, enum nk_role signer,
			const struct nk_case_request *req, struct nk_request_auth *auth,
			const struct nk_request_auth **out);

/* The ending of a keyed action: acts req as role on case id through be, then says done
 * (one line, not with --json) and prints the briefing the answer carries. */
int cli_act_and_tell(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
		     enum nk_role role, const struct nk_case_request *req,
		     const struct nk_request_auth *signed_by, const char *done);

/* That key is the one b's role registered on the case, or a usage error that says
 * whose key it is instead, or that the role has not joined: nothing sealed to the role
 * could be opened with it. */
int cli_check_key_role(struct cli_ctx *ctx, const char *cmd, const struct nk_party_key *key,
		       const struct nk_brief *b);

/* The key file's key from the key session NAKODO_KEY_SESSION names (key_session.c):
 * false, having asked nothing, when there is none, it has ended, or it does not open
 * to the key the file holds. */
bool cli_key_session_open(struct cli_ctx *ctx, const char *key_path, struct nk_party_key **key);

#endif
