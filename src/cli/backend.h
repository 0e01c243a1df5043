/* Where a command acts: one interface, two implementations. Locally (backend_local.c)
 * each operation calls the case/ function that does it on the database; remotely
 * (backend_remote.c) it sends the API's request, encoded by the same formats/ codecs the
 * server decodes with, and reads the answer back. Both hand the command the same
 * representation (a struct nk_brief, or the API's JSON answer built by the same
 * encoder), so each command is written once and prints the same either way. */
#ifndef NAKODO_CLI_BACKEND_H
#define NAKODO_CLI_BACKEND_H

#include "remote.h"

#include <nakodo/case.h>
#include <nakodo/ledger.h>

#include <jansson.h>

struct cli_backend;

/* Each returns an exit status, having reported any problem (text or --json). */
struct cli_backend_ops {
	/* role's briefing of case id into b (sodium_malloc'd by the caller). Remotely the
	 * role is the token's and role is not read. For a package case b holds only what
	 * names the case and signs for it (b->package), and *package, when package is not
	 * NULL, the package briefing in nk_package_brief_to_json's shape. */
	int (*brief)(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
		     enum nk_role role, struct nk_brief *b, json_t **package);
	/* Does req as role with auth (may be NULL) and sets *answer to the route's answer:
	 * the role's briefing after a figure or package action (as brief's JSON), what was
	 * accepted after send or deposit (nk_wire_sent_to_json), the withdrawal's
	 * (nk_wire_withdrawn_to_json). */
	int (*act)(struct cli_ctx *ctx, struct cli_backend *be, const char *id, enum nk_role role,
		   const struct nk_case_request *req, const struct nk_request_auth *auth,
		   json_t **answer);
	/* role registers identity, with its join signature sig. */
	int (*join)(struct cli_ctx *ctx, struct cli_backend *be, const char *id, enum nk_role role,
		    const struct nk_identity *identity, const uint8_t sig[static NK_SIGNATURE_BYTES]);
	/* The case's log as the mediator sees it (nk_wire_log_to_json's shape). */
	int (*log)(struct cli_ctx *ctx, struct cli_backend *be, const char *id, json_t **log);
	/* A page of role's inbox after index after (nk_wire_inbox_to_json's shape). */
	int (*inbox)(struct cli_ctx *ctx, struct cli_backend *be, const char *id, enum nk_role role,
		     int64_t after, json_t **page);
	/* The ended case's receipt, as the server gives it (no party signature). */
	int (*receipt)(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
		       struct nk_receipt *out);
	/* Opens a case under rules, or a package case under frame (the other one NULL), and
	 * sets *answer to nk_wire_opened_to_json's shape: through a server with the three
	 * invitation tokens, locally without; titled by title unless it is NULL; with a
	 * bridge of budget bridge (0: none; a case of figures only). */
	int (*open)(struct cli_ctx *ctx, struct cli_backend *be, const struct nk_rules *rules,
		    const struct nk_package_frame *frame, const char *title, int64_t bridge,
		    json_t **answer);
	/* The ids of the cases, oldest first ({"cases": [ID, …]}). */
	int (*list)(struct cli_ctx *ctx, struct cli_backend *be, json_t **answer);
	/* The mediator revokes role's tokens on case id and, when reissue, issues a new one;
	 * *answer in nk_wire_tokens_to_json's shape. Remotely the route signs with
	 * be->remote.key when the mediator has joined; locally nothing is signed (whoever
	 * opens the database may change it anyway). */
	int (*tokens)(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
		      enum nk_role role, bool reissue, json_t **answer);
};

struct cli_backend {
	const struct cli_backend_ops *ops;
	struct remote remote;		/* the options; a server set means remote */
	bool is_remote;
	struct nk_store *store;		/* local */
	struct nk_server_key *signer;	/* local: countersigns what is appended */
	struct nk_case_env env;		/* local */
	bool create;			/* local: make the database if there is none */
	bool store_only;		/* local: no server key (a command that signs nothing) */
};

extern const struct cli_backend_ops cli_backend_local, cli_backend_remote;

/* Chooses the backend from be->remote (the options, else NAKODO_SERVER): remotely
 * nothing is opened; locally the database ctx->db (made when be->create) and, unless
 * be->store_only, the server's key that countersigns what is appended. */
int cli_backend_open(struct cli_ctx *ctx, struct cli_backend *be);
void cli_backend_close(struct cli_backend *be);

/* Whether the acting role comes with the backend (a server's token says it), so that
 * --as is only a check; locally --as names it. Reads the options and the environment
 * only, so it may be asked before the backend is opened. */
bool cli_backend_token_role(struct cli_backend *be);

/* Prints a briefing answer (brief's JSON, taken): JSON with --json; else after an action
 * one line with the case's state (or, when before, the briefing read before the act, is
 * given and the act ended its round without a deal, that round's outcome, where the case
 * stands and what comes next), or the whole briefing. */
int cli_print_brief_answer(struct cli_ctx *ctx, const char *id, json_t *answer,
			   bool after_action, const struct nk_brief *before);
/* The same after an act that recorded, recorded naming it ("your answer"): its line says
 * so, then the case's state ("ok: case X: your answer is recorded; the case is at impasse
 * ..."); a round it ended is told as above, and an act kept as a draft for its principal
 * says where the case is and the draft, as cli_print_brief_answer. */
int cli_print_act_answer(struct cli_ctx *ctx, const char *id, json_t *answer,
			 const struct nk_brief *before, const char *recorded);

/* Prints an opening's answer (taken): JSON with --json, else the case's id and, when the
 * answer has them, the invitation tokens one a line. */
int cli_print_opened(struct cli_ctx *ctx, json_t *answer);

#endif
