/* The local backend: each operation is the case/ function the server's route calls, on
 * the database ctx->db, and its answer is built by the encoder the route answers with,
 * so that local and remote output are the same bytes. */
#include "backend.h"
#include "util.h"

#include <nakodo/case_json.h>
#include <nakodo/package_case.h>
#include <nakodo/package_case_json.h>
#include <nakodo/wire.h>

#include <sodium.h>

static int report_oom(struct cli_ctx *ctx, const char *field)
{
	struct nk_error err = { 0 };

	nk_fail(&err, NK_ENOMEM, field, "out of memory");
	return cli_report(ctx, &err);
}

/* role's package briefing as JSON. */
static int package_json(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
			enum nk_role role, json_t **out)
{
	struct nk_package_brief *pb = sodium_malloc(sizeof(*pb));
	struct nk_error err = { 0 };
	int rc = CLI_OK;

	if (!pb)
		return report_oom(ctx, "brief");
	if (nk_package_case_brief(&be->env, id, role, pb, &err) != NK_OK)
		rc = cli_report(ctx, &err);
	else if (!(*out = nk_package_brief_to_json(pb)))
		rc = report_oom(ctx, "brief");
	sodium_free(pb);
	return rc;
}

static int local_brief(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
		       enum nk_role role, struct nk_brief *b, json_t **package)
{
	struct nk_error err = { 0 };

	if (nk_case_brief(&be->env, id, role, b, &err) != NK_OK)
		return cli_report(ctx, &err);
	if (b->package && package)
		return package_json(ctx, be, id, role, package);
	return CLI_OK;
}

/* role's briefing after an action, as the route answers it. */
static int brief_answer(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
			enum nk_role role, json_t **answer)
{
	struct nk_brief *b = sodium_malloc(sizeof(*b));
	json_t *package = NULL;
	int rc;

	if (!b)
		return report_oom(ctx, "brief");
	rc = local_brief(ctx, be, id, role, b, &package);
	if (rc == CLI_OK && !(*answer = package ? package : nk_brief_to_json(b)))
		rc = report_oom(ctx, "brief");
	sodium_free(b);
	return rc;
}

static int local_act(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
		     enum nk_role role, const struct nk_case_request *req,
		     const struct nk_request_auth *auth, json_t **answer)
{
	struct nk_error err = { 0 };
	struct nk_brief *after;
	int rc = CLI_OK;

	if (nk_case_act(&be->env, id, role, req, auth, &err) != NK_OK)
		return cli_report(ctx, &err);
	switch (req->action) {
	case NK_ACTION_SEND:
		*answer = nk_wire_sent_to_json(id, req->envelope, req->envelope_len, false);
		break;
	case NK_ACTION_DEPOSIT:
	case NK_ACTION_WITHDRAW:
		if (!(after = sodium_malloc(sizeof(*after))))
			return CLI_STORAGE;
		if (nk_case_brief(&be->env, id, role, after, &err) != NK_OK)
			rc = cli_report(ctx, &err);
		else if (req->action == NK_ACTION_WITHDRAW)
			*answer = nk_wire_withdrawn_to_json(id, role, after->deposits);
		else
			*answer = nk_wire_sent_to_json(id, req->envelope, req->envelope_len,
						       after->released);
		sodium_free(after);
		break;
	default:
		return brief_answer(ctx, be, id, role, answer);
	}
	return rc;
}

static int local_join(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
		      enum nk_role role, const struct nk_identity *identity,
		      const uint8_t sig[static NK_SIGNATURE_BYTES])
{
	struct nk_error err = { 0 };

	return nk_case_join(&be->env, id, role, identity, sig, &err) == NK_OK ? CLI_OK
									     : cli_report(ctx, &err);
}

static int local_log(struct cli_ctx *ctx, struct cli_backend *be, const char *id, json_t **out)
{
	struct nk_event_list log = { 0 };
	struct nk_error err = { 0 };
	int rc = CLI_OK;

	if (nk_case_log(&be->env, id, &log, &err) != NK_OK)
		return cli_report(ctx, &err);
	if (!(*out = nk_wire_log_to_json(id, &log)))
		rc = report_oom(ctx, "log");
	else if (nk_case_log_prove(&be->env, id, &log, *out, &err) != NK_OK)
		rc = cli_report(ctx, &err);
	nk_event_list_free(&log);
	return rc;
}

static int local_inbox(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
		       enum nk_role role, int64_t after, json_t **page)
{
	struct nk_inbox box = { 0 };
	struct nk_error err = { 0 };

	if (nk_case_inbox(&be->env, id, role, after, &box, &err) != NK_OK)
		return cli_report(ctx, &err);
	*page = nk_wire_inbox_to_json(id, role, &box);
	nk_inbox_free(&box);
	return *page ? CLI_OK : CLI_STORAGE;
}

static int local_receipt(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
			 struct nk_receipt *out)
{
	struct nk_error err = { 0 };

	return nk_case_receipt(&be->env, id, out, &err) == NK_OK ? CLI_OK : cli_report(ctx, &err);
}

static int local_open(struct cli_ctx *ctx, struct cli_backend *be, const struct nk_rules *rules,
		      const struct nk_package_frame *frame, const char *title, int64_t bridge,
		      json_t **answer)
{
	struct nk_error err = { 0 };
	struct nk_rules declared;
	char id[NK_CASE_ID_MAX];
	enum nk_status rc = frame ? nk_package_case_open_titled(&be->env, frame, title, NULL,
								 NULL, id, &err)
				  : nk_case_open_bridged(&be->env, rules, title, bridge, NULL,
							 NULL, id, &err);

	if (rc != NK_OK)
		return cli_report(ctx, &err);
	if (rules) {	/* the answer's rules say that a bridge is declared, not its budget */
		declared = *rules;
		declared.bridge = bridge != 0;
		rules = &declared;
	}
	*answer = nk_wire_opened_titled(nk_wire_opened_to_json(id, rules, frame, NULL), title);
	return *answer ? CLI_OK : report_oom(ctx, "case");
}

static bool collect_one(const char *id, void *arg)
{
	return json_array_append_new(arg, json_string(id)) == 0;
}

static int local_list(struct cli_ctx *ctx, struct cli_backend *be, json_t **answer)
{
	struct nk_error err = { 0 };
	json_t *ids = json_array();

	if (!ids)
		return report_oom(ctx, "cases");
	if (nk_store_list_cases(be->store, collect_one, ids, &err) != NK_OK) {
		json_decref(ids);
		return cli_report(ctx, &err);
	}
	return (*answer = nk_wire_cases_to_json(ids)) ? CLI_OK : report_oom(ctx, "cases");
}

/* What a token change does inside the case's transaction, as the server's route does
 * it: forget the role's tokens and, on a reissue, record a new random one. */
struct token_change {
	const char *id;
	enum nk_role role;
	bool reissue;
	size_t revoked;
	char *hex;		/* sodium_malloc'd: the new token, for the answer */
};

static enum nk_status change_tokens(void *arg, struct nk_store *store, struct nk_error *err)
{
	struct token_change *c = arg;
	const char *role = nk_role_name(c->role);
	uint8_t *token;
	enum nk_status rc = nk_store_token_revoke(store, c->id, role, &c->revoked, err);

	if (rc != NK_OK || !c->reissue)
		return rc;
	if (!(token = sodium_malloc(NK_TOKEN_BYTES)))
		return nk_fail(err, NK_ENOMEM, "token", "out of memory");
	randombytes_buf(token, NK_TOKEN_BYTES);
	if ((rc = nk_store_token_put(store, token, c->id, role, err)) == NK_OK)
		sodium_bin2hex(c->hex, NK_WIRE_TOKEN_MAX, token, NK_TOKEN_BYTES);
	sodium_free(token);
	return rc;
}

static int local_tokens(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
			enum nk_role role, bool reissue, json_t **answer)
{
	struct token_change c = { .id = id, .role = role, .reissue = reissue,
				  .hex = sodium_malloc(NK_WIRE_TOKEN_MAX) };
	struct nk_error err = { 0 };
	int rc = CLI_OK;

	if (!c.hex)
		return report_oom(ctx, "token");
	if (nk_case_token_change(&be->env, id, role, reissue, change_tokens, &c, &err) != NK_OK)
		rc = cli_report(ctx, &err);
	else if (!(*answer = nk_wire_tokens_to_json(id, nk_role_name(role), c.revoked,
						     reissue ? c.hex : NULL)))
		rc = report_oom(ctx, "token");
	sodium_free(c.hex);
	return rc;
}

const struct cli_backend_ops cli_backend_local = {
	.brief = local_brief, .act = local_act, .join = local_join, .log = local_log,
	.inbox = local_inbox, .receipt = local_receipt, .open = local_open, .list = local_list,
	.tokens = local_tokens,
};
