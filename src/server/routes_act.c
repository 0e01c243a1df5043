/* The handlers' common parts for an action (routes.c): the body read as a request, the
 * action done, and the answer, the acting role's briefing. */
#include "server/server_impl.h"
#include <nakodo/case_json.h>
#include <nakodo/package_case.h>
#include <nakodo/package_case_json.h>
#include <nakodo/request_json.h>

#include <sodium.h>

/* Answers with role's briefing of the case, and notes the case's state; briefed: b or
 * pb (package) holds it already (nk_case_act_brief), else it is read now. A case of
 * figures is answered with the briefing's text written straight from it, the bytes its
 * tree would give without the tree (nk_brief_text_fixed, bench/README.md), unless tree:
 * relay_outcome reads the answer's state and round from the tree. */
static enum nk_status reply_briefed(struct route_call *call, enum nk_role role, bool briefed,
				    bool package, bool tree, struct nk_error *err)
{
	struct nk_brief *b = &call->worker->brief;
	struct nk_package_brief *pb = &call->worker->package_brief;
	enum nk_status rc = NK_OK;

	if (!briefed)
		rc = nk_case_brief_any(&call->env, call->case_id, role, b, pb, &package, err);
	if (rc == NK_OK) {
		metrics_case_state(&call->srv->metrics, call->case_id, package ? pb->state : b->state);
		if (!package && !tree) {
			call->text = nk_brief_text_fixed(b);
			call->content_type = "application/json";
		} else {
			call->reply = package ? nk_package_brief_to_json(pb) : nk_brief_to_json(b);
		}
		if (!call->reply && !call->text)
			rc = nk_fail(err, NK_ENOMEM, "brief", "out of memory");
	}
	sodium_memzero(b, sizeof(*b));
	sodium_memzero(pb, sizeof(*pb));
	return rc;
}

enum nk_status route_reply_brief(struct route_call *call, enum nk_role role,
				struct nk_error *err)
{
	return reply_briefed(call, role, false, false, false, err);
}

/* Reads the body as a request for action (nk_request_from_json: the command encodes it
 * with nk_request_to_json). v is the valuation's room (package), sodium_malloc'd. */
enum nk_status route_read_request(struct route_call *call, enum nk_case_action action,
				  struct nk_case_request *req, struct nk_package_valuation *v,
				  struct nk_request_auth *buf, const struct nk_request_auth **auth,
				  struct nk_error *err)
{
	if (nk_request_json_signed(call->body))
		call->signed_request = true;
	return nk_request_from_json(call->body, action, req, v, buf, auth, err);
}

/* Does the body's request for action as role, with the body's signature, then answers
 * with role's briefing. */
enum nk_status route_act(struct route_call *call, enum nk_case_action action,
			 enum nk_role role, struct nk_error *err)
{
	struct nk_package_valuation *v = NULL;
	struct nk_case_request req = { .action = action };
	struct nk_request_auth buf;
	const struct nk_request_auth *auth;
	bool package = false, briefed = false;
	enum nk_status rc;

	if (action == NK_ACTION_PACKAGE && !(v = sodium_malloc(sizeof(*v))))
		return nk_fail(err, NK_ENOMEM, "valuation", "out of memory");
	rc = route_read_request(call, action, &req, v, &buf, &auth, err);
	/* the answer's briefing is built from the state the action left, in its transaction */
	if (rc == NK_OK)
		rc = nk_case_act_brief(&call->env, call->case_id, role, &req, auth,
				       &call->worker->brief, &call->worker->package_brief,
				       &package, &briefed, err);
	sodium_memzero(&req, sizeof(req));
	sodium_memzero(&buf, sizeof(buf));
	if (v) {
		sodium_memzero(v, sizeof(*v));
		sodium_free(v);
	}
	if (rc != NK_OK) {
		sodium_memzero(&call->worker->brief, sizeof(call->worker->brief));
		sodium_memzero(&call->worker->package_brief, sizeof(call->worker->package_brief));
		return rc;
	}
	/* a blind outcome's and a close's answers go through relay_outcome (routes.c) */
	return reply_briefed(call, role, briefed, package,
			     action == NK_ACTION_BLIND_OUTCOME || action == NK_ACTION_CLOSE, err);
}
