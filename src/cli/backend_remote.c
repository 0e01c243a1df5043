/* The remote backend: each operation is the API's route (doc/api.md), its body encoded
 * by the formats/ codec the server decodes it with, its answer read back by the decoder
 * beside the server's encoder. The role is always the token's. */
#include "backend.h"
#include "util.h"

#include <nakodo/case_json.h>
#include <nakodo/request_json.h>
#include <nakodo/wire.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int remote_brief_op(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
			   enum nk_role role, struct nk_brief *b, json_t **package)
{
	char path[NK_CASE_ID_MAX + 32];
	struct nk_error err = { 0 };
	json_t *reply = NULL;
	int rc;

	(void)role;
	snprintf(path, sizeof(path), "/v1/cases/%s/brief", id);
	if ((rc = remote_call(ctx, &be->remote, "GET", path, NULL, &reply)) != CLI_OK)
		return rc;
	if (nk_brief_from_json(reply, b, &err) != NK_OK)
		rc = cli_report(ctx, &err);
	else if (b->package && package)
		*package = json_incref(reply);
	json_decref(reply);
	return rc;
}

/* The route of each action, below /v1/cases/ID/. */
static const char *const action_routes[] = {
	[NK_ACTION_SUBMIT] = "figures", [NK_ACTION_EXTEND] = "extensions",
	[NK_ACTION_ANSWER] = "answers", [NK_ACTION_PROPOSE] = "proposals",
	[NK_ACTION_CLOSE] = "close", [NK_ACTION_SEND] = "messages",
	[NK_ACTION_DEPOSIT] = "deposit", [NK_ACTION_WITHDRAW] = "deposit",
	[NK_ACTION_PACKAGE] = "package", [NK_ACTION_BLIND_OUTCOME] = "blind/outcome",
	[NK_ACTION_ANNOUNCE] = "announcements",
	[NK_ACTION_APPROVE] = "approve", [NK_ACTION_ENDORSE] = "endorsements",
};

static int remote_act(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
		      enum nk_role role, const struct nk_case_request *req,
		      const struct nk_request_auth *auth, json_t **answer)
{
	char path[NK_CASE_ID_MAX + 32];

	(void)role;
	snprintf(path, sizeof(path), "/v1/cases/%s/%s", id, action_routes[req->action]);
	return remote_call(ctx, &be->remote, req->action == NK_ACTION_WITHDRAW ? "DELETE" : "POST",
			   path, nk_request_to_json(req, auth), answer);
}

static int remote_join(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
		       enum nk_role role, const struct nk_identity *identity,
		       const uint8_t sig[static NK_SIGNATURE_BYTES])
{
	char path[64 + NK_CASE_ID_MAX];
	json_t *reply = NULL;
	int rc;

	(void)role;
	snprintf(path, sizeof(path), "/v1/cases/%s/join", id);
	rc = remote_call(ctx, &be->remote, "POST", path, nk_join_to_json(identity, sig), &reply);
	json_decref(reply);
	return rc;
}

static int remote_log(struct cli_ctx *ctx, struct cli_backend *be, const char *id, json_t **log)
{
	char path[NK_CASE_ID_MAX + 32];

	snprintf(path, sizeof(path), "/v1/cases/%s/log", id);
	return remote_call(ctx, &be->remote, "GET", path, NULL, log);
}

static int remote_inbox(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
			enum nk_role role, int64_t after, json_t **page)
{
	char path[NK_CASE_ID_MAX + 64];

	(void)role;
	snprintf(path, sizeof(path), "/v1/cases/%s/messages?after=%lld", id, (long long)after);
	return remote_call(ctx, &be->remote, "GET", path, NULL, page);
}

/* The receipt, read back strictly. */
static int remote_receipt(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
			  struct nk_receipt *out)
{
	struct nk_error err = { 0 };
	char path[64 + NK_CASE_ID_MAX], *text = NULL;
	size_t len = 0;
	int rc;

	snprintf(path, sizeof(path), "/v1/cases/%s/receipt", id);
	if ((rc = remote_get_text(ctx, &be->remote, path, &text, &len)) != CLI_OK)
		return rc;
	if (nk_receipt_parse(text, len, out, &err) != NK_OK) {
		char why[NK_ERROR_TEXT_MAX];

		/* copied first: err.text is both what nk_fail writes and what it reads */
		memcpy(why, err.text, sizeof(why));
		nk_fail(&err, NK_ESTORE, "server", "the server's answer is not a receipt: %s", why);
		rc = cli_report(ctx, &err);
	}
	free(text);
	return rc;
}

/* Through the operator's or a mediator's token; the answer adds the three invitation
 * tokens, shown this once, and their links: the server's own (--public-url) or, without
 * those, made from the address the command reached the server at. */
static int remote_open(struct cli_ctx *ctx, struct cli_backend *be, const struct nk_rules *rules,
		       const struct nk_package_frame *frame, const char *title, int64_t bridge,
		       json_t **answer)
{
	struct nk_error err = { 0 };
	int rc = remote_call(ctx, &be->remote, "POST", "/v1/cases",
			     nk_wire_open_bridge(nk_wire_opened_titled(nk_wire_open_to_json(rules,
											   frame),
								      title), bridge),
			     answer);

	if (rc == CLI_OK && nk_wire_opened_add_links(*answer, be->remote.server, &err) != NK_OK) {
		json_decref(*answer);
		*answer = NULL;
		rc = cli_report(ctx, &err);
	}
	return rc;
}

static int remote_list(struct cli_ctx *ctx, struct cli_backend *be, json_t **answer)
{
	return remote_call(ctx, &be->remote, "GET", "/v1/cases", NULL, answer);
}

/* Bodiless, so that a joined mediator's request is signed as a read is (doc/api.md,
 * "Signed reads") with be->remote.key when the server asks for it. */
static int remote_tokens(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
			 enum nk_role role, bool reissue, json_t **answer)
{
	char path[NK_CASE_ID_MAX + 48];

	snprintf(path, sizeof(path), "/v1/cases/%s/tokens/%s", id, nk_role_name(role));
	return remote_call(ctx, &be->remote, reissue ? "POST" : "DELETE", path, NULL, answer);
}

const struct cli_backend_ops cli_backend_remote = {
	.brief = remote_brief_op, .act = remote_act, .join = remote_join, .log = remote_log,
	.inbox = remote_inbox, .receipt = remote_receipt, .open = remote_open, .list = remote_list,
	.tokens = remote_tokens,
};
