/* Choosing the backend, and what the commands print from its answers. */
#include "backend.h"
#include "cmd_brief.h"
#include "package_case.h"
#include "util.h"

#include <nakodo/case_json.h>
#include <nakodo/package_case.h>
#include <nakodo/wire.h>

#include <sodium.h>

int cli_backend_open(struct cli_ctx *ctx, struct cli_backend *be)
{
	int rc;

	if (remote_active(&be->remote)) {
		be->is_remote = true;
		be->ops = &cli_backend_remote;
		return CLI_OK;
	}
	be->ops = &cli_backend_local;
	if (be->store_only)
		return cli_open_store(ctx, be->create, &be->store);
	if ((rc = cli_open_case_store(ctx, be->create, &be->store, &be->signer)) != CLI_OK)
		return rc;
	be->env.store = be->store;
	be->env.signer = be->signer;
	return CLI_OK;
}

bool cli_backend_token_role(struct cli_backend *be)
{
	return remote_active(&be->remote);
}

void cli_backend_close(struct cli_backend *be)
{
	nk_store_close(be->store);
	nk_server_key_free(be->signer);
	be->store = NULL;
	be->signer = NULL;
}

/* cli_print_brief_answer's work; recorded, when given, names the act the answer
 * reports ("your answer"), which the line after it says was recorded. */
static int print_answer(struct cli_ctx *ctx, const char *id, json_t *answer, bool after_action,
			const struct nk_brief *before, const char *recorded)
{
	struct nk_brief *b = sodium_malloc(sizeof(*b));
	struct nk_error err = { 0 };
	int rc = CLI_OK;

	if (!b) {
		json_decref(answer);
		nk_fail(&err, NK_ENOMEM, "brief", "out of memory");
		return cli_report(ctx, &err);
	}
	if (json_is_string(json_object_get(answer, "kind"))) {
		sodium_free(b);
		return package_brief_answer(ctx, id, answer, after_action);
	}
	if (ctx->json) {
		cli_print_json(ctx, answer);
		answer = NULL;
	} else if (nk_brief_from_json(answer, b, &err) != NK_OK) {
		rc = cli_report(ctx, &err);
	} else if (after_action && before && cli_round_ended(before, b)) {
		cli_print_round_ended(ctx->out, id, before, b);
	} else if (after_action && recorded && !b->draft) {	/* a draft is not recorded yet */
		fprintf(ctx->out, "ok: case %s: %s is recorded; the case is %s%s\n", id, recorded,
			nk_case_state_phrase(b->state),
			b->state == NK_STATE_OPEN ? "" : " (see nakodo brief)");
	} else if (after_action) {
		fprintf(ctx->out, "ok: case %s is %s%s\n", id, nk_case_state_phrase(b->state),
			b->state == NK_STATE_OPEN ? "" : " (see nakodo brief)");
		cli_print_draft(ctx->out, b);
	} else {
		cli_print_brief(ctx->out, b);
	}
	json_decref(answer);
	sodium_free(b);
	return rc;
}

int cli_print_brief_answer(struct cli_ctx *ctx, const char *id, json_t *answer,
			   bool after_action, const struct nk_brief *before)
{
	return print_answer(ctx, id, answer, after_action, before, NULL);
}

int cli_print_act_answer(struct cli_ctx *ctx, const char *id, json_t *answer,
			 const struct nk_brief *before, const char *recorded)
{
	return print_answer(ctx, id, answer, true, before, recorded);
}

int cli_print_opened(struct cli_ctx *ctx, json_t *answer)
{
	char id[NK_CASE_ID_MAX], tokens[NK_ROLE_COUNT][NK_WIRE_TOKEN_MAX];
	struct nk_package_frame frame;
	struct nk_rules rules;
	struct nk_error err = { 0 };
	bool package, has_tokens;
	int rc = CLI_OK;

	if (ctx->json) {
		cli_print_json(ctx, answer);
		return CLI_OK;
	}
	if (nk_wire_opened_from_json(answer, id, &rules, &frame, &package, tokens, &has_tokens,
				     &err) != NK_OK) {
		rc = cli_report(ctx, &err);
	} else {
		const json_t *links = json_object_get(answer, "links");

		fprintf(ctx->out, "%s\n", id);
		for (int r = 0; has_tokens && r < NK_ROLE_COUNT; r++)
			if (tokens[r][0])	/* a principal's or a neutral's only in a case with it */
				fprintf(ctx->out, "%s token: %s\n", nk_role_name((enum nk_role)r),
					tokens[r]);
		for (int r = 0; has_tokens && r < NK_ROLE_COUNT; r++) {
			const char *link = json_string_value(json_object_get(links,
							nk_role_name((enum nk_role)r)));

			if (link)
				fprintf(ctx->out, "%s link: %s\n", nk_role_name((enum nk_role)r), link);
		}
		/* README, "The pages": a page trades the link's token for its tab's own */
		if (has_tokens && json_object_size(links))
			fputs("each link opens once: a browser that opens it trades its token for one "
			      "of its own, and the\ntoken printed with it stops working; give each "
			      "role its token or its link, not both\n", ctx->err);
	}
	sodium_memzero(tokens, sizeof(tokens));
	json_decref(answer);
	return rc;
}
