/* Routes the web pages need beyond the command's (doc/api.md): a role trading its token
 * for a fresh one, so that an invitation link opens once, and the operator's list of
 * cases with their states, a page at a time; and the mediator's reissue and revocation
 * of a role's tokens. */
#include "server/server_impl.h"
#include "base/ids.h"
#include <nakodo/wire.h>

#include <nakodo/case.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* POST /v1/cases/{id}/token/rotate: the caller's own token is revoked, with every other
 * token of its role on the case, and a fresh one answered, in one transaction. The page
 * an invitation link opens calls it at once, so the token the browser wrote into its
 * history with the link is dead before anyone could read it there. A joined role must
 * sign it (in headers, as a read), as every other request of its token. Not logged:
 * the role changes nothing but its own credential, which no other role is owed news of
 * (doc/security.md). */
enum nk_status h_rotate(struct route_call *call, struct nk_error *err)
{
	struct nk_store *store = call->env.store;
	char case_id[NK_CASE_ID_MAX], role[NK_TOKEN_ROLE_MAX];
	char *hex = sodium_malloc(HTTP_TOKEN_HEX + 1);
	size_t revoked = 0;
	enum nk_status rc;

	if (!hex)
		return nk_fail(err, NK_ENOMEM, "token", "out of memory");
	if ((rc = nk_store_begin(store, err)) != NK_OK)
		goto out;
	/* Again inside the transaction, and after taking the case's turn (the count takes
	 * it): a token the mediator revoked since the request was authorised must not take
	 * the place of the one the mediator issued instead. Looked up before the turn, on
	 * PostgreSQL it could still be seen while the mediator's change was uncommitted,
	 * and the rotation then issued a live token to a role whose tokens were revoked. */
	rc = nk_store_token_count(store, call->case_id, call->caller->role, &revoked, err);
	if (rc == NK_OK)
		rc = nk_store_token_find(store, call->worker->token, case_id, role, err);
	if (rc == NK_ENOTFOUND || (rc == NK_OK && (strcmp(case_id, call->case_id) != 0 ||
						   strcmp(role, call->caller->role) != 0)))
		rc = nk_fail(err, NK_EAUTH, "Authorization", "unknown or revoked token");
	if (rc == NK_OK)
		rc = nk_store_token_revoke(store, call->case_id, call->caller->role, &revoked, err);
	if (rc == NK_OK)
		rc = auth_issue(store, call->case_id, call->caller->role, hex, err);
	if (rc != NK_OK) {
		nk_store_rollback(store);
		goto out;
	}
	if ((rc = nk_store_commit(store, err)) != NK_OK)
		goto out;
	call->reply = nk_wire_tokens_to_json(call->case_id, call->caller->role, revoked, hex);
	if (!call->reply)
		rc = nk_fail(err, NK_ENOMEM, "reply", "out of memory");
out:
	sodium_memzero(case_id, sizeof(case_id));
	sodium_free(hex);
	return rc;
}

#define OVERVIEW_PAGE 50			/* cases in a page when ?limit= is not given */
/* and at most; one more is read, so below NK_SUMMARY_PAGE_MAX */
#define OVERVIEW_MAX 100

static json_t *summary_to_json(const struct nk_case_summary *s)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:I, s:I}", "case", s->case_id,
			 "kind", s->kind, "state", s->state, "currency", s->currency, "round",
			 s->round, "rounds", s->rounds, "created_ms", (json_int_t)s->created_ms,
			 "changed_ms", (json_int_t)s->changed_ms);
}

/* GET /v1/cases/overview?after=ID&limit=N: the operator's list of cases with what the
 * mediator's briefing shows of each (kind, state, currency, round of rounds) and when
 * they last changed, newest first, a page at a time; "next" is the cursor of the page
 * after, present when there is one. Read from the summaries kept with the cases
 * (nk_case_overview): no log is folded for a page, so its cost does not grow with the
 * number of cases. No count or time that moves when one party acts alone is in it
 * (doc/security.md, "The operator"). */
enum nk_status h_overview(struct route_call *call, struct nk_error *err)
{
	struct nk_case_summary *out = NULL;
	size_t limit = OVERVIEW_PAGE, count = 0, folded = 0;
	json_t *cases = NULL;
	enum nk_status rc;

	if (call->limit) {
		char *end;
		long long v = strtoll(call->limit, &end, 10);

		if (*call->limit < '0' || *call->limit > '9' || *end || v < 1 || v > OVERVIEW_MAX)
			return nk_fail(err, NK_EINVAL, "limit", "a number of cases from 1 to %d",
				       OVERVIEW_MAX);
		limit = (size_t)v;
	}
	if (call->after && !nk_case_id_valid(call->after))
		return nk_fail(err, NK_EINVAL, "after", "a case id, as a page's \"next\" gives it");
	if (!(out = calloc(limit + 1, sizeof(*out))) || !(cases = json_array())) {
		rc = nk_fail(err, NK_ENOMEM, "reply", "out of memory");
		goto out;
	}
	rc = nk_case_overview(&call->env, call->after ? call->after : "", limit + 1, out, &count,
			      &folded, err);
	for (size_t i = 0; rc == NK_OK && i < count && i < limit; i++)
		if (json_array_append_new(cases, summary_to_json(&out[i])) != 0)
			rc = nk_fail(err, NK_ENOMEM, "reply", "out of memory");
	if (rc == NK_OK && !(call->reply = json_pack("{s:O}", "cases", cases)))
		rc = nk_fail(err, NK_ENOMEM, "reply", "out of memory");
	if (rc == NK_OK && count > limit &&
	    json_object_set_new(call->reply, "next", json_string(out[limit - 1].case_id)) != 0)
		rc = nk_fail(err, NK_ENOMEM, "reply", "out of memory");
out:
	json_decref(cases);
	free(out);
	return rc;
}

static enum nk_status token_role(const struct route_call *call, enum nk_role *role,
				 struct nk_error *err)
{
	if (nk_role_parse(call->role_param, role) != NK_OK)
		return nk_fail(err, NK_EINVAL, "role", "expected claimant, payer, mediator, "
			       "claimant-principal or payer-principal");
	return NK_OK;
}

/* What a token change does inside the case's transaction: revoke the role's tokens and,
 * when reissue, make a new one. */
struct token_change {
	const char *case_id, *role;
	bool reissue;
	char *hex;		/* sodium_malloc'd: the new token */
	size_t revoked;
};

static enum nk_status change_tokens(void *arg, struct nk_store *store, struct nk_error *err)
{
	struct token_change *c = arg;
	enum nk_status rc = nk_store_token_revoke(store, c->case_id, c->role, &c->revoked, err);

	if (rc == NK_OK && c->reissue)
		rc = auth_issue(store, c->case_id, c->role, c->hex, err);
	return rc;
}

/* Revokes the role's tokens and, when reissue, hands out a new one, in one transaction
 * with the `token` event that tells the role (doc/api.md, "Access"). */
static enum nk_status tokens(struct route_call *call, bool reissue, struct nk_error *err)
{
	struct token_change c = { .case_id = call->case_id, .role = call->role_param,
				  .reissue = reissue, .hex = sodium_malloc(HTTP_TOKEN_HEX + 1) };
	enum nk_role role;
	enum nk_status rc;

	if (!c.hex)
		return nk_fail(err, NK_ENOMEM, "token", "out of memory");
	if ((rc = token_role(call, &role, err)) != NK_OK)
		goto out;
	if ((rc = nk_case_token_change(&call->env, call->case_id, role, reissue, change_tokens, &c,
				       err)) != NK_OK)
		goto out;
	call->reply = nk_wire_tokens_to_json(call->case_id, call->role_param, c.revoked,
					     reissue ? c.hex : NULL);
	if (!call->reply)
		rc = nk_fail(err, NK_ENOMEM, "reply", "out of memory");
out:
	sodium_free(c.hex);
	return rc;
}

enum nk_status h_reissue(struct route_call *call, struct nk_error *err)
{
	return tokens(call, true, err);
}

enum nk_status h_revoke(struct route_call *call, struct nk_error *err)
{
	return tokens(call, false, err);
}
