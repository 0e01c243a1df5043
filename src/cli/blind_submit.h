/* nakodo submit in a blind case (doc/blind.md, "The client"): the round computed with the
 * other party's client through the server's relay, over the case's channel, and the
 * outcome signed and given. Internal to the command. */
#ifndef NAKODO_CLI_BLIND_SUBMIT_H
#define NAKODO_CLI_BLIND_SUBMIT_H

#include "backend.h"

#include <nakodo/keys.h>

#define CLI_BLIND_WAIT_DEFAULT 300	/* seconds */
#define CLI_BLIND_WAIT_MAX 86400

/* Runs the open round (round: 0, or the one it must be) of blind case id as b's role
 * with figure through be's server, waiting at most wait_s for each message of the other
 * side (this side's computing not counted); prints the briefing as a plain submission
 * does. key is the role's registered key; key_path says
 * where its state file lies (KEY.CASE.blind, sealed to the key). The run's requests go on
 * be's kept-alive connection when the caller opened one (remote_session_open, for the
 * briefing before), else on one of its own. */
int cli_blind_submit(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
		     const struct nk_brief *b, const struct nk_party_key *key,
		     const char *key_path, int round, int64_t figure, int wait_s);

/* The party's saved state of blind case b (KEY.CASE.blind beside key_path, b->case_id
 * the case), opened with its key: NK_ENOTFOUND when there is none. */
struct nk_blind_party;
NK_MUST_USE enum nk_status cli_blind_state_load(const struct nk_brief *b,
						const struct nk_party_key *key,
						const char *key_path, struct nk_blind_party **p,
						struct nk_error *err);

/* A test executable's way to alter this side's frame number seq (from 1) before it is
 * sent: it may change frame[0..*len), shorten *len, and answers how many times more to
 * send it. NULL in the command (tests/support/test_hooks.c sets it). */
extern int (*cli_blind_alter)(uint8_t *frame, size_t *len, uint32_t seq);
/* Called before this side gives its outcome: a test executable delays it there, so that
 * the other side gives first and waits. NULL in the command. */
extern void (*cli_blind_before_outcome)(void);

#endif
