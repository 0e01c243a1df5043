/* The API's routes, one table: method, path, who may call it, what its body holds, and
 * the handler. Handlers are thin: each calls the one case/ function the command calls
 * for the same action and answers with the acting role's briefing, as the command does. */
#include "server/server_impl.h"
#include <nakodo/case_json.h>
#include <nakodo/json_build.h>
#include <nakodo/package_case_json.h>
#include <nakodo/package_json.h>
#include <nakodo/request_json.h>

#include <nakodo/ledger.h>
#include <nakodo/receipt_wire.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* "request" and "signature": a joined role's signed request (doc/api.md). */
#define SIGNED_FIELDS { "request", FIELD_INT, false }, { "signature", FIELD_STRING, false }

static const struct field_spec no_fields[] = { { NULL, FIELD_INT, false } };
static const struct field_spec signed_fields[] = { SIGNED_FIELDS, { NULL, FIELD_INT, false } };
static const struct field_spec amount_fields[] = {
	{ "amount", FIELD_INT, true }, SIGNED_FIELDS, { NULL, FIELD_INT, false },
};
static const struct field_spec submit_fields[] = {
	{ "amount", FIELD_INT, true }, { "round", FIELD_INT, false }, SIGNED_FIELDS,
	{ NULL, FIELD_INT, false },
};
static const struct field_spec answer_fields[] = {
	{ "accept", FIELD_BOOL, true }, SIGNED_FIELDS, { NULL, FIELD_INT, false },
};
static const struct field_spec approve_fields[] = {
	{ "accept", FIELD_BOOL, true }, { "draft", FIELD_INT, true }, SIGNED_FIELDS,
	{ NULL, FIELD_INT, false },
};
static const struct field_spec endorse_fields[] = {	/* the role endorsed, its key */
	{ "role", FIELD_STRING, true }, { "key", FIELD_STRING, true }, SIGNED_FIELDS,
	{ NULL, FIELD_INT, false },
};
static const struct field_spec envelope_fields[] = {
	{ "envelope", FIELD_STRING, true }, SIGNED_FIELDS, { NULL, FIELD_INT, false },
};

/* A body with a base64 envelope of the longest message, and room for the rest. */
#define ENVELOPE_BODY_MAX (NK_WIRE_ENVELOPE_B64_MAX + 1024)
static const struct field_spec join_fields[] = {
	{ "sign", FIELD_STRING, true }, { "seal", FIELD_STRING, true },
	{ "signature", FIELD_STRING, true }, { NULL, FIELD_INT, false },
};
static const struct field_spec open_fields[] = {	/* rules, or a package frame */
	{ "rules", FIELD_OBJECT, false }, { "package", FIELD_OBJECT, false },
	{ "title", FIELD_STRING, false }, { NULL, FIELD_INT, false },
};
static const struct field_spec analyze_fields[] = {
	{ "domain", FIELD_STRING, true }, { "profiles", FIELD_ARRAY, true },
	{ "fix", FIELD_OBJECT, false }, { NULL, FIELD_INT, false },
};
static const struct field_spec package_fields[] = {
	{ "valuation", FIELD_OBJECT, true }, { "round", FIELD_INT, false }, SIGNED_FIELDS,
	{ NULL, FIELD_INT, false },
};

/* The caller's role in its case (claimant, payer or mediator). */
static enum nk_role caller_role(const struct route_call *call)
{
	enum nk_role role;

	if (nk_role_parse(call->caller->role, &role) != NK_OK)
		role = NK_MEDIATOR;	/* cannot happen: the route's access checked it */
	return role;
}

/* The server's public signing key, as `nakodo serve --print-key --json` prints it: what
 * `nakodo verify --server-key` checks receipts against. Public, since it is public; a
 * verifier should still compare it with one got by another path (doc/api.md). */
static enum nk_status h_server_key(struct route_call *call, struct nk_error *err)
{
	uint8_t pk[NK_PUBLIC_KEY_BYTES];
	char hex[NK_KEY_HEX];

	nk_server_key_public(call->srv->cfg.signer, pk);
	nk_key_to_hex(pk, hex);
	if (!(call->reply = json_pack("{s:s}", "server_key", hex)))
		return nk_fail(err, NK_ENOMEM, "reply", "out of memory");
	return NK_OK;
}

/* Public, so it says only whether a scrub is behind or the log cannot be flushed: no
 * case, no count, no time. A failed flush refuses every write from then on (group.c),
 * so the server is out of service: 503, with the reason, for the orchestrator. */
static enum nk_status h_healthz(struct route_call *call, struct nk_error *err)
{
	bool behind = atomic_load(&call->srv->scrub_behind);
	struct worker *w = NULL;
	enum nk_status reach = server_worker(call->srv, &w, NULL);

	/* a database on a server of its own (PostgreSQL) may be down for a while */
	if (reach == NK_OK)
		reach = nk_store_ping(w->store, NULL);
	if (reach == NK_ESTORE) {
		call->status = 503;
		call->reply = json_pack("{s:s, s:b, s:s}", "status", "unavailable", "scrub_pending",
					behind, "reason", "the database cannot be reached: requests "
					"that need it answer 503 until it is back");
	} else if (call->srv->group && nk_store_group_failed(call->srv->group)) {
		call->status = 503;
		call->reply = json_pack("{s:s, s:b, s:s}", "status", "failing", "scrub_pending",
					behind, "reason", "a flush of the log to disk failed: "
					"every write is refused until the server is restarted");
	} else {
		call->reply = json_pack("{s:s, s:b}", "status", behind ? "degraded" : "ok",
					"scrub_pending", behind);
	}
	return call->reply ? NK_OK : nk_fail(err, NK_ENOMEM, "reply", "out of memory");
}

static enum nk_status h_metrics(struct route_call *call, struct nk_error *err)
{
	call->text = metrics_render(&call->srv->metrics, call->srv->group);
	call->content_type = "text/plain; version=0.0.4; charset=utf-8";
	return call->text ? NK_OK : nk_fail(err, NK_ENOMEM, "metrics", "out of memory");
}

/* The invitations of a new case, one per role, made inside its opening transaction. */
struct invitations {
	char hex[NK_ROLE_COUNT][HTTP_TOKEN_HEX + 1];	/* "": none (a role the case lacks) */
	bool principals;	/* the rules declare principals: invite them too */
	int neutrals;		/* the case's: neutral-1 .. neutral-N are invited too */
};

static enum nk_status invite(void *arg, struct nk_store *store, const char *id,
			     struct nk_error *err)
{
	struct invitations *inv = arg;
	enum nk_status rc = NK_OK;

	for (int r = 0; r < NK_ROLE_COUNT && rc == NK_OK; r++) {
		enum nk_role_kind kind = nk_role_kind((enum nk_role)r);

		inv->hex[r][0] = '\0';
		/* a principal's and a neutral's only where the rules declare them */
		if ((kind == NK_ROLE_PRINCIPAL && !inv->principals) ||
		    (kind == NK_ROLE_NEUTRAL &&
		     nk_role_neutral_index((enum nk_role)r) > inv->neutrals))
			continue;
		rc = auth_issue(store, id, nk_role_name((enum nk_role)r), inv->hex[r], err);
	}
	return rc;
}

static enum nk_status h_open(struct route_call *call, struct nk_error *err)
{
	struct invitations *inv = sodium_malloc(sizeof(*inv));
	struct nk_package_frame frame;
	struct nk_rules rules;
	int64_t bridge = 0;
	bool package = false;
	char id[NK_CASE_ID_MAX], title[NK_TITLE_MAX + 1];
	enum nk_status rc;

	if (!inv)
		return nk_fail(err, NK_ENOMEM, "tokens", "out of memory");
	memset(inv, 0, sizeof(*inv));	/* an uninvited role's token stays "" */
	/* Each case gives its opener a new mediator token, so a bound per token would not
	 * bound anything: mediators' openings are counted by client address. */
	if (strcmp(call->caller->role, "mediator") == 0 && !auth_open_take(call->srv, call->peer)) {
		call->limited = true;
		rc = nk_fail(err, NK_EREFUSED, "Authorization", "this address has opened as many "
			     "cases with mediators' tokens as it may this hour (--open-rate)");
		goto out;
	}
	rc = nk_wire_open_bridge_take(call->body, &bridge, err);
	if (rc == NK_OK)
		rc = nk_wire_open_from_json(call->body, &rules, &frame, &package, err);
	inv->principals = rc == NK_OK && !package && rules.principals;
	if (rc == NK_OK)
		rc = nk_wire_open_title(call->body, title, err);
	if (rc == NK_OK && package)
		rc = nk_package_case_open_titled(&call->env, &frame, title[0] ? title : NULL,
						 invite, inv, id, err);
	else if (rc == NK_OK) {
		inv->neutrals = rules.neutrals;
		rc = nk_case_open_bridged(&call->env, &rules, title[0] ? title : NULL, bridge,
					  invite, inv, id, err);
	}
	/* the reply's rules say that a bridge is declared, never its budget */
	if (rc == NK_OK && !package && bridge)
		rules.bridge = true;
	sodium_memzero(&bridge, sizeof(bridge));
	if (rc == NK_OK) {
		const char *tokens[NK_ROLE_COUNT];

		for (int r = 0; r < NK_ROLE_COUNT; r++)
			tokens[r] = inv->hex[r][0] ? inv->hex[r] : NULL;

		metrics_case_state(&call->srv->metrics, id, NK_STATE_OPEN);
		if (package ? frame.deadline_ms != 0 : (rules.round_time_ms || rules.deadline_ms))
			deadlines_watch(call->srv, id);
		call->status = 201;
		call->reply = nk_wire_opened_titled(nk_wire_opened_to_json(id, &rules, package ?
									   &frame : NULL, tokens),
						    title[0] ? title : NULL);
		if (!call->reply)
			rc = nk_fail(err, NK_ENOMEM, "reply", "out of memory");
		else if (call->srv->cfg.public_url)
			rc = nk_wire_opened_add_links(call->reply, call->srv->cfg.public_url, err);
	}
out:
	sodium_free(inv);
	return rc;
}

static bool collect_id(const char *id, void *arg)
{
	return json_array_append_new(arg, json_string(id)) == 0;
}

static enum nk_status h_list(struct route_call *call, struct nk_error *err)
{
	json_t *ids = json_array();
	enum nk_status rc;

	if (!ids)
		return nk_fail(err, NK_ENOMEM, "reply", "out of memory");
	rc = nk_store_list_cases(call->env.store, collect_id, ids, err);
	if (rc == NK_OK && !(call->reply = nk_wire_cases_to_json(ids)))
		return nk_fail(err, NK_ENOMEM, "reply", "out of memory");
	if (rc != NK_OK)
		json_decref(ids);
	return rc;
}

static enum nk_status h_submit(struct route_call *call, struct nk_error *err)
{
	return route_act(call, NK_ACTION_SUBMIT, caller_role(call), err);
}

/* A party's confidential package valuation for the round: decoded and checked as the
 * command checks a valuation file, then done as NK_ACTION_PACKAGE with the body's
 * signature (a joined party's is required), as the command does it. */
static enum nk_status h_package(struct route_call *call, struct nk_error *err)
{
	return route_act(call, NK_ACTION_PACKAGE, caller_role(call), err);
}

static enum nk_status h_extend(struct route_call *call, struct nk_error *err)
{
	return route_act(call, NK_ACTION_EXTEND, caller_role(call), err);
}

/* A party's visible proposal (rule open_proposals), answered with its briefing. */
static enum nk_status h_announce(struct route_call *call, struct nk_error *err)
{
	return route_act(call, NK_ACTION_ANNOUNCE, caller_role(call), err);
}

static enum nk_status h_propose(struct route_call *call, struct nk_error *err)
{
	return route_act(call, NK_ACTION_PROPOSE, NK_MEDIATOR, err);
}

static enum nk_status h_answer(struct route_call *call, struct nk_error *err)
{
	return route_act(call, NK_ACTION_ANSWER, caller_role(call), err);
}

/* A principal's approval or rejection of its party's draft (doc/toolkit.md). */
static enum nk_status h_approve(struct route_call *call, struct nk_error *err)
{
	return route_act(call, NK_ACTION_APPROVE, caller_role(call), err);
}

/* A party's endorsement of its principal's or a neutral's key (doc/security.md). */
static enum nk_status h_endorse(struct route_call *call, struct nk_error *err)
{
	return route_act(call, NK_ACTION_ENDORSE, caller_role(call), err);
}

/* A party's signed outcome of a blind round (doc/blind.md, "The outcome"). */
static enum nk_status h_blind_outcome(struct route_call *call, struct nk_error *err)
{
	return relay_outcome(call, route_act(call, NK_ACTION_BLIND_OUTCOME, caller_role(call), err));
}

/* A blind case's held relay reads answer once it is closed (relay_outcome). */
static enum nk_status h_close(struct route_call *call, struct nk_error *err)
{
	return relay_outcome(call, route_act(call, NK_ACTION_CLOSE, NK_MEDIATOR, err));
}

/* A sealed message or deposit: the envelope (base64) and its signed request. Answers
 * with what was accepted, as nakodo send and nakodo deposit print it. */
static enum nk_status put_envelope(struct route_call *call, enum nk_case_action action,
				   struct nk_error *err)
{
	struct nk_case_request req = { .action = action };
	struct nk_request_auth buf;
	const struct nk_request_auth *auth;
	struct nk_brief *b = &call->worker->brief;
	uint8_t *env;
	size_t len;
	enum nk_status rc;

	if ((rc = route_read_request(call, action, &req, NULL, &buf, &auth, err)) != NK_OK)
		return rc;
	env = (uint8_t *)req.envelope;	/* ours: nk_request_from_json allocated it */
	len = req.envelope_len;
	rc = nk_case_act(&call->env, call->case_id, caller_role(call), &req, auth, err);
	if (rc == NK_OK && action == NK_ACTION_DEPOSIT)
		rc = nk_case_brief(&call->env, call->case_id, caller_role(call), b, err);
	if (rc == NK_OK && !(call->reply = nk_wire_sent_to_json(call->case_id, env, len,
							     action == NK_ACTION_DEPOSIT && b->released)))
		rc = nk_fail(err, NK_ENOMEM, "reply", "out of memory");
	if (rc == NK_OK && action == NK_ACTION_SEND)
		call->status = 201;
	sodium_memzero(b, sizeof(*b));
	free(env);
	return rc;
}

static enum nk_status h_send(struct route_call *call, struct nk_error *err)
{
	return put_envelope(call, NK_ACTION_SEND, err);
}

static enum nk_status h_deposit(struct route_call *call, struct nk_error *err)
{
	return put_envelope(call, NK_ACTION_DEPOSIT, err);
}

static enum nk_status h_withdraw(struct route_call *call, struct nk_error *err)
{
	struct nk_case_request req = { .action = NK_ACTION_WITHDRAW };
	struct nk_brief *b = &call->worker->brief;
	struct nk_request_auth buf;
	const struct nk_request_auth *auth;
	enum nk_status rc;

	if ((rc = route_read_request(call, NK_ACTION_WITHDRAW, &req, NULL, &buf, &auth, err)) != NK_OK)
		return rc;
	rc = nk_case_act(&call->env, call->case_id, caller_role(call), &req, auth, err);
	if (rc == NK_OK)
		rc = nk_case_brief(&call->env, call->case_id, caller_role(call), b, err);
	if (rc == NK_OK &&
	    !(call->reply = nk_wire_withdrawn_to_json(call->case_id, caller_role(call), b->deposits)))
		rc = nk_fail(err, NK_ENOMEM, "reply", "out of memory");
	sodium_memzero(b, sizeof(*b));
	return rc;
}

/* The caller's inbox, a page at a time: ?after=INDEX continues after the caller's item
 * of that index (its own numbering, never the log's). */
static enum nk_status h_inbox(struct route_call *call, struct nk_error *err)
{
	struct nk_inbox box = { 0 };
	int64_t after = 0;
	enum nk_status rc;

	if (call->after) {
		char *end;
		long long v = strtoll(call->after, &end, 10);

		if (*call->after == '\0' || *end || v < 0)
			return nk_fail(err, NK_EINVAL, "after", "an item's index, 0 or more");
		after = v;
	}
	rc = nk_case_inbox(&call->env, call->case_id, caller_role(call), after, &box, err);
	if (rc == NK_OK && !(call->reply = nk_wire_inbox_to_json(call->case_id, caller_role(call), &box)))
		rc = nk_fail(err, NK_ENOMEM, "reply", "out of memory");
	nk_inbox_free(&box);
	return rc;
}

/* The caller registers its keys for its own role; the signature, made on the party's
 * machine (nk_join_sign), proves it holds them. */
static enum nk_status h_join(struct route_call *call, struct nk_error *err)
{
	uint8_t sig[NK_SIGNATURE_BYTES];
	struct nk_identity id;
	enum nk_status rc;

	if ((rc = nk_join_from_json(call->body, &id, sig, err)) != NK_OK)
		return rc;
	if ((rc = nk_case_join(&call->env, call->case_id, caller_role(call), &id, sig, err)) != NK_OK)
		return rc;
	rc = route_reply_brief(call, caller_role(call), err);
	/* joined, but its party has not endorsed the key yet: nothing to read (doc/api.md) */
	if (rc == NK_EREFUSED && nk_role_kind(caller_role(call)) == NK_ROLE_PRINCIPAL) {
		call->reply = json_pack("{s:s, s:s, s:s, s:b, s:s}", "case", call->case_id, "role",
					nk_role_name(nk_role_reads(caller_role(call))), "viewer",
					call->caller->role, "endorsed", false, "detail", err->text);
		rc = call->reply ? NK_OK : nk_fail(err, NK_ENOMEM, "reply", "out of memory");
	}
	return rc;
}

static enum nk_status h_brief(struct route_call *call, struct nk_error *err)
{
	return route_reply_brief(call, caller_role(call), err);
}

static enum nk_status h_log(struct route_call *call, struct nk_error *err)
{
	struct nk_event_list log = { 0 };
	struct nk_error why = { 0 };
	enum nk_status rc = nk_case_log(&call->env, call->case_id, &log, err), v = NK_OK;

	if (rc == NK_OK && !(call->reply = nk_wire_log_to_json(call->case_id, &log)))
		rc = nk_fail(err, NK_ENOMEM, "reply", "out of memory");
	/* the last link's batch proof, when it is in one (doc/crypto.md, "Batches") */
	if (rc == NK_OK)
		rc = nk_case_log_prove(&call->env, call->case_id, &log, call->reply, err);
	/* the rules every load checks, not only the chain: "verified" (case/log_check.c) */
	if (rc == NK_OK)
		v = nk_case_log_verdict(call->case_id, &log, call->reply, &why);
	if (v != NK_OK && v != NK_ECORRUPT)
		rc = nk_fail(err, v, "log", "%s", why.text);
	nk_event_list_free(&log);
	return rc;
}

/* The receipt of an ended case, as text (doc/formats.md, "Receipt"); a party adds its
 * own signature on its machine. */
static enum nk_status h_receipt(struct route_call *call, struct nk_error *err)
{
	struct nk_receipt *r = calloc(1, sizeof(*r));
	size_t len = 0;
	enum nk_status rc;

	if (!r)
		return nk_fail(err, NK_ENOMEM, "receipt", "out of memory");
	rc = nk_case_receipt(&call->env, call->case_id, r, err);
	if (rc == NK_OK)
		rc = nk_receipt_text_wire(r, &call->text, &len, err);	/* fixed width */
	if (rc == NK_OK)
		call->content_type = "text/plain; charset=utf-8";
	free(r);
	return rc;
}

#define PARTIES (ACCESS_CLAIMANT | ACCESS_PAYER)
#define PRINCIPALS (ACCESS_CLAIMANT_PRINCIPAL | ACCESS_PAYER_PRINCIPAL)	/* read only */

const struct route server_routes[] = {
	{ "GET", "/healthz", ACCESS_PUBLIC, NULL, h_healthz, false },
	{ "GET", "/v1/server-key", ACCESS_PUBLIC, NULL, h_server_key, false },
	{ "GET", "/", ACCESS_PUBLIC | ACCESS_WEB, NULL, web_index, false },
	{ "GET", "/case/{id}", ACCESS_PUBLIC | ACCESS_WEB, NULL, web_case, false },
	{ "GET", "/assets/{*}", ACCESS_PUBLIC | ACCESS_WEB, NULL, web_asset, false },
	{ "GET", "/metrics", ACCESS_OPERATOR, NULL, h_metrics, false },
	{ "POST", "/v1/cases", ACCESS_OPERATOR | ACCESS_ANY_MEDIATOR, open_fields, h_open, false },
	{ "GET", "/v1/cases", ACCESS_OPERATOR, NULL, h_list, false },
	{ "GET", "/v1/cases/overview", ACCESS_OPERATOR, NULL, h_overview, false },
	{ "POST", "/v1/analyze", ACCESS_OPERATOR | ACCESS_ANY_MEDIATOR, analyze_fields, h_analyze,
	  false },
	/* a neutral's figure is its fair figure, after impasse (doc/api.md) */
	{ "POST", "/v1/cases/{id}/figures", PARTIES | ACCESS_NEUTRAL, submit_fields, h_submit,
	  false },
	{ "POST", "/v1/cases/{id}/extensions", PARTIES, submit_fields, h_extend, false },
	{ "POST", "/v1/cases/{id}/package", PARTIES, package_fields, h_package, false },
	{ "POST", "/v1/cases/{id}/announcements", PARTIES, submit_fields, h_announce, false },
	{ "POST", "/v1/cases/{id}/proposals", ACCESS_MEDIATOR, amount_fields, h_propose, false },
	{ "POST", "/v1/cases/{id}/answers", PARTIES, answer_fields, h_answer, false },
	{ "POST", "/v1/cases/{id}/close", ACCESS_MEDIATOR, signed_fields, h_close, false },
	{ "POST", "/v1/cases/{id}/approve", PRINCIPALS, approve_fields, h_approve, false },
	{ "POST", "/v1/cases/{id}/endorsements", PARTIES, endorse_fields, h_endorse, false },
	{ "POST", "/v1/cases/{id}/join", PARTIES | PRINCIPALS | ACCESS_MEDIATOR | ACCESS_NEUTRAL,
	  join_fields, h_join, true },
	{ "GET", "/v1/cases/{id}/brief", PARTIES | PRINCIPALS | ACCESS_MEDIATOR | ACCESS_NEUTRAL,
	  NULL, h_brief,
	  true },
	{ "GET", "/v1/cases/{id}/log", ACCESS_MEDIATOR, NULL, h_log, true },
	{ "GET", "/v1/cases/{id}/receipt", PARTIES | PRINCIPALS | ACCESS_MEDIATOR | ACCESS_OPERATOR,
	  NULL, h_receipt, true },
	{ "POST", "/v1/cases/{id}/tokens/{role}", ACCESS_MEDIATOR, no_fields, h_reissue, true },
	{ "DELETE", "/v1/cases/{id}/tokens/{role}", ACCESS_MEDIATOR, NULL, h_revoke, true },
	{ "POST", "/v1/cases/{id}/token/rotate", PARTIES | PRINCIPALS | ACCESS_MEDIATOR |
	  ACCESS_NEUTRAL, no_fields, h_rotate, true },
	{ "POST", "/v1/cases/{id}/messages", PARTIES | ACCESS_MEDIATOR, envelope_fields, h_send, false },
	{ "GET", "/v1/cases/{id}/messages", PARTIES | ACCESS_MEDIATOR, NULL, h_inbox, true },
	{ "POST", "/v1/cases/{id}/deposit", PARTIES, envelope_fields, h_deposit, false },
	{ "DELETE", "/v1/cases/{id}/deposit", PARTIES, signed_fields, h_withdraw, false },
	{ "POST", "/v1/cases/{id}/blind/messages", PARTIES, relay_fields, relay_put, true },
	{ "GET", "/v1/cases/{id}/blind/messages", PARTIES, NULL, relay_get, true },
	{ "POST", "/v1/cases/{id}/blind/outcome", PARTIES, envelope_fields, h_blind_outcome,
	  false },
};

const size_t server_route_count = sizeof(server_routes) / sizeof(server_routes[0]);

bool route_acts_checked(const struct route *route)
{
	static enum nk_status (*const checked[])(struct route_call *, struct nk_error *) = {
		h_submit, h_extend, h_answer, h_propose, h_package, h_announce, h_close,
	};

	for (size_t i = 0; i < sizeof(checked) / sizeof(checked[0]); i++)
		if (route->handle == checked[i])
			return true;
	return false;
}

bool route_signed_body(const struct route *route)
{
	for (const struct field_spec *f = route->fields; f && f->name; f++)
		if (strcmp(f->name, "request") == 0)
			return true;
	return false;
}

size_t route_body_max(const struct route *route, size_t limit)
{
	if (route->fields == relay_fields)	/* its own bound, whatever --body-max says */
		return RELAY_BODY_MAX;
	return route->fields == envelope_fields && limit < ENVELOPE_BODY_MAX ? ENVELOPE_BODY_MAX : limit;
}

bool route_raw_body(const struct route *route)
{
	return route->fields == relay_fields;
}

size_t route_body_max_authorised(const struct route *route)
{
	return route->fields == analyze_fields ? ANALYZE_BODY_MAX : 0;
}
