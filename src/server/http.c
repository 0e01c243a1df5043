/* The HTTP side: libmicrohttpd in epoll thread-pool mode, one store connection per
 * worker, the request's life (bounds, route, token, rate, body, handler, answer on
 * the second call so that keep-alive survives, or on the call after its flush when the
 * answer waited for it: durable.c). The answers themselves: answer.c. */
#include "server/answer.h"
#include "server/receive.h"
#include "server/web_files.h"

#include <nakodo/alloc.h>
#include <nakodo/buffers.h>
#include <nakodo/time.h>

#include <arpa/inet.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void nk_server_config_default(struct nk_server_config *cfg)
{
	*cfg = (struct nk_server_config){
		.listen = "127.0.0.1:8750", .db = "nakodo.db", .threads = 4, .cache_cases = 16384,
		.body_max = 64 * 1024, .depth_max = 16, .url_max = 2048, .header_max = 16 * 1024,
		.timeout_s = 30, .connections_max = 1024,
		.connections_per_address = 128, .rate = 50, .burst = 100, .fail_rate = 60,
		.fail_burst = 60, .open_rate = 20, .read_window_s = 120, .log = NULL,
	};
}

void server_worker_destroy(void *arg)
{
	struct worker *w = arg;

	if (!w)
		return;
	if (w->owns_store)
		nk_store_close(w->store);
	sodium_free(w);	/* wipes the last token and briefing */
}

enum nk_status server_worker(struct nk_server *srv, struct worker **out, struct nk_error *err)
{
	struct worker *w = pthread_getspecific(srv->store_key);
	enum nk_status rc = NK_OK;

	if (!w) {
		if (!(w = sodium_malloc(sizeof(*w))))
			return nk_fail(err, NK_ENOMEM, "server", "out of memory");
		memset(w, 0, sizeof(*w));
		w->id_used = sizeof(w->id_bytes);
		if (srv->shared_store)
			w->store = srv->shared_store;
		else if ((rc = nk_store_open_grouped(&w->store, srv->cfg.db, NK_STORE_DEFER_DURABLE,
						     srv->group, err)) == NK_OK)
			w->owns_store = true;
		if (rc != NK_OK || pthread_setspecific(srv->store_key, w) != 0) {
			server_worker_destroy(w);
			return rc != NK_OK ? rc : nk_fail(err, NK_ENOMEM, "server", "out of memory");
		}
	}
	*out = w;
	return NK_OK;
}

static size_t body_limit(const struct nk_server *srv, const struct http_request *req)
{
	if (req->route >= server_route_count)
		return srv->cfg.body_max;
	if (req->authorised)
		return route_body_max_authorised(&server_routes[req->route]);
	return route_body_max(&server_routes[req->route], srv->cfg.body_max);
}

/* Matches url against pattern; fills the {id} and {role} segments; {*} takes the rest. */
static bool path_matches(const char *pattern, const char *url, struct http_request *req)
{
	while (*pattern && *url) {
		/* "{*}" ends the pattern: compared in place, not by a strcmp at each character */
		if (pattern[0] == '{' && pattern[1] == '*' && pattern[2] == '}' && pattern[3] == '\0')
			return true;
		if (*pattern == '{') {
			bool is_id = strncmp(pattern, "{id}", 4) == 0;
			char *dst = is_id ? req->case_id : req->role;
			size_t cap = is_id ? sizeof(req->case_id) : sizeof(req->role);
			size_t n = strcspn(url, "/");

			if (n == 0 || n >= cap)
				return false;
			memcpy(dst, url, n);
			dst[n] = '\0';
			url += n;
			pattern = strchr(pattern, '}') + 1;
		} else if (*pattern++ != *url++) {
			return false;
		}
	}
	return *pattern == '\0' && *url == '\0';
}

static void find_route(const char *method, const char *url, struct http_request *req)
{
	req->route = server_route_count;
	for (size_t i = 0; i < server_route_count; i++) {
		if (!path_matches(server_routes[i].path, url, req))
			continue;
		if (strcmp(server_routes[i].method, method) == 0 ||
		    ((server_routes[i].access & ACCESS_WEB) && strcmp(method, "HEAD") == 0)) {
			req->route = i;
			req->wrong_method = false;
			return;
		}
		if (!req->wrong_method)
			req->route = i;	/* for the Allow header */
		req->wrong_method = true;
	}
	if (req->wrong_method)
		return;
	req->route = server_route_count;
}

static const struct sockaddr *peer_address(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *peer =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	return peer ? peer->client_addr : NULL;
}

/* The Content-Type a body must have: JSON, or raw bytes for the relay's messages. */
static const char *body_type(const struct route *route)
{
	return route_raw_body(route) ? NK_RELAY_CONTENT_TYPE : "application/json";
}

static bool content_is(struct MHD_Connection *conn, const char *want)
{
	const char *type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						       MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t n = strlen(want);

	return type && strncasecmp(type, want, n) == 0 && (type[n] == '\0' || type[n] == ';');
}

/* Whether a case role's request on route carries a signature: in the headers for a route
 * signed there, else as a "request" or "signature" member of a body that is a JSON object
 * (looked at loosely: the strict decode comes after the joined role's check). The body's
 * reading, when request_decode_parsed can use it, is kept in *parsed (else NULL). */
static bool presents_signature(struct MHD_Connection *conn, const struct route *route,
			       const struct http_request *req, json_t **parsed)
{
	bool found;

	*parsed = NULL;
	if (route->sign_in_headers)
		return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Nakodo-Request") ||
		       MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Nakodo-Signature");
	*parsed = request_peek(req->body.data, req->body.len, &found);
	return found;
}

static json_t *take_parsed(json_t **parsed)
{
	json_t *t = *parsed;

	*parsed = NULL;
	return t;
}

/* The answer to the handler's outcome: its reply, or a problem (answer_failure). */
static struct MHD_Response *handled(const struct http_request *req, struct route_call *call,
				    enum nk_status rc, const struct nk_error *err, bool unreachable,
				    unsigned *status)
{
	struct MHD_Response *resp;

	/* a database that does not answer (a PostgreSQL restart): nothing was done, and the
	 * store reconnects by itself; try again shortly */
	if (rc == NK_ESTORE && (unreachable || (call->env.store &&
						nk_store_ping(call->env.store, NULL) != NK_OK))) {
		*status = 503;
		return answer_problem(req, status, "db", "the database cannot be reached; nothing "
				      "was done, try again shortly", NULL);
	}
	if (rc != NK_OK)
		return answer_failure(req, call, rc, err, status);
	*status = (unsigned)call->status;
	if (call->file) {
		if ((resp = web_response(call->file)))
			MHD_add_response_header(resp, "X-Request-Id", req->id);
		return resp;
	}
	if (call->relay_answered)
		return relay_response(req->id, &call->relayed, status);
	if (call->text) {
		resp = answer_body(req, *status, call->text, call->content_type);
		call->text = NULL;
		return resp;
	}
	resp = answer_json(req, status, call->reply, "application/json");
	call->reply = NULL;
	return resp;
}

/* A request that presented a signature, once answered: one that held takes from its
 * role's bucket; one that did not, from the bucket of what its token alone could send.
 * That one was let through on the role's bucket, which it does not spend, so once its
 * own is empty it counts as a failed authentication of its address: else requests that
 * merely look signed (a malformed body, 400) went unlimited, a store lookup each. */
static void settle_rate(struct nk_server *srv, uint64_t rate_key, bool verified,
			enum rate_kind signed_kind, const struct sockaddr *addr, bool noted)
{
	if (!auth_rate(srv, rate_key, verified ? signed_kind : RATE_UNSIGNED, true) &&
	    !verified && !noted)
		auth_fail_note(srv, addr);
}

/* The second half of a request whose answer waited for its flush (durable.c): now
 * resumed, it goes, unless the flush failed (a 500: nothing was acknowledged) or the
 * server stops (the connection closes unanswered). */
static enum MHD_Result answer_pending(struct nk_server *srv, struct MHD_Connection *conn,
				      struct http_request *req, const char *method)
{
	struct MHD_Response *resp = req->pending;
	unsigned status = req->pending_status;
	bool failed = false;

	req->pending = NULL;
	req->waiting = false;
	if (req->wait.abandoned) {
		if (resp)
			MHD_destroy_response(resp);
		return MHD_NO;
	}
	(void)nk_store_group_durable(srv->group, req->wait.ticket, &failed);
	/* a refusal too: it may rest on another action of the batch that never reached disk */
	if (failed) {
		if (resp)
			MHD_destroy_response(resp);
		status = 500;
		resp = answer_problem(req, &status, "", answer_server_failed, NULL);
	}
	if (req->settle)
		settle_rate(srv, req->rate_key, req->pending_ok && !failed, RATE_SIGNED,
			    peer_address(conn), req->noted);
	return answer_queue(conn, srv, req, method, status, resp);
}

/* An unsigned action left unchecked (route_acts_checked) that failed with rc: the
 * refusal a read of the case gives a role that has joined with a key, if it does, in
 * place of rc and *err; else rc and *err as they were. */
static enum nk_status late_check(struct nk_server *srv, struct MHD_Connection *conn,
				 const char *url, const char *method,
				 const struct http_request *req, struct route_call *call,
				 enum nk_status rc, struct nk_error *err)
{
	struct nk_error refused = { 0 };
	enum nk_status check;

	if (!call->case_id)
		return rc;
	check = auth_check_signed(srv, conn, url, method, req->body.data, req->body.len, call,
				  &refused);
	if (check == NK_OK)
		return rc;
	*err = refused;
	return check;
}

static enum MHD_Result dispatch(struct nk_server *srv, struct MHD_Connection *conn,
				struct http_request *req, const char *url, const char *method)
{
	const union MHD_ConnectionInfo *peer =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *addr = peer ? peer->client_addr : NULL;
	const struct route *route = &server_routes[req->route];
	struct http_caller caller = { 0 };
	struct route_call call = { .srv = srv, .caller = &caller, .request_id = req->id,
				   .status = 200 };
	struct nk_error err = { 0 };
	uint8_t *token = NULL;
	const char *detail = NULL;
	enum MHD_Result ret;
	enum nk_status rc = NK_OK;
	unsigned status;
	struct MHD_Response *resp;
	uint64_t rate_key = 0;
	bool signing = false, presents = false, settle = false, unreachable = false, late = false;
	json_t *parsed = NULL;	/* the body's reading by presents_signature, handed on once */
	const enum rate_kind signed_kind = route->handle == relay_put || route->handle == relay_get
					   ? RATE_RELAY : RATE_SIGNED;

	call.peer = addr;
	call.url = url;
	call.case_id = req->case_id[0] ? req->case_id : NULL;
	call.after = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "after");
	call.limit = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "limit");
	call.wait = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "wait");
	call.role_param = req->role[0] ? req->role : NULL;
	if (!(route->access & ACCESS_PUBLIC)) {
		/* before any token is parsed, hashed or looked up: guessing is not free */
		if (auth_fail_over(srv, addr)) {
			ret = http_send_problem(conn, srv, req, method, 429, "Authorization",
					   "too many failed authentications from this address");
			goto out;
		}
		if ((rc = server_worker(srv, &call.worker, &err)) != NK_OK) {
			unreachable = rc == NK_ESTORE;	/* its connection could not be made */
			goto failed;
		}
		call.env.store = call.worker->store;
		call.env.signer = srv->cfg.signer;
		call.env.record = srv->record;
		call.env.cache = srv->cache;
		token = call.worker->token;
		if (!auth_parse(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							    MHD_HTTP_HEADER_AUTHORIZATION), token)) {
			auth_fail_note(srv, addr);
			ret = http_send_problem(conn, srv, req, method, 401, "Authorization",
					   "expected 'Authorization: Bearer' and 64 hex digits");
			goto out;
		}
		rc = nk_store_token_find(call.env.store, token, caller.case_id, caller.role, &err);
		if (rc == NK_ENOTFOUND) {
			auth_fail_note(srv, addr);
			ret = http_send_problem(conn, srv, req, method, 401, "Authorization",
					   "unknown or revoked token");
			goto out;
		}
		if (rc != NK_OK)
			goto failed;
		/* Buckets for known tokens only: unknown ones count against their address. A case
		 * role's request that carries no signature takes from a bucket of its own; one
		 * that does waits for its outcome (below), so that whoever holds the token alone,
		 * unsigned or signing badly, cannot spend what the role's signed requests use. */
		rate_key = auth_rate_key(srv, caller.case_id, caller.role);
		call.rate_key = rate_key;
		signing = strcmp(caller.role, "operator") != 0 &&
			  (route->sign_in_headers || route_signed_body(route));
		presents = signing && presents_signature(conn, route, req, &parsed);
		if (!auth_rate(srv, rate_key, presents || !signing ? signed_kind : RATE_UNSIGNED,
			       !presents)) {
			ret = http_send_problem(conn, srv, req, method, 429, "Authorization",
					   "this role's request rate is over its limit");
			goto out;
		}
		settle = presents;
		if ((status = auth_route_allows(route, &caller, req->case_id, &detail)) != 0) {
			ret = http_send_problem(conn, srv, req, method, status, "Authorization", detail);
			goto out;
		}
		call.admitted = call.case_id != NULL;
		if (route->sign_in_headers &&
		    (rc = auth_check_signed(srv, conn, url, method, req->body.data, req->body.len, &call,
						&err)) != NK_OK)
			goto failed;
	}
	/* A joined role's unsigned action is refused before its body is looked into, as its
	 * unsigned reads are: the token alone learns nothing of the case from it, not even
	 * that the body is malformed. An action that refuses it in its own transaction
	 * (route_acts_checked) needs no read of the case for it first: only a request that
	 * fails, anywhere, is checked so, and told the refusal instead, as it was before. */
	late = signing && !presents && !route->sign_in_headers && route_acts_checked(route);
	if (signing && !presents && !route->sign_in_headers && !late &&
	    (rc = auth_check_signed(srv, conn, url, method, req->body.data, req->body.len, &call,
				    &err)) != NK_OK)
		goto failed;
	if (!route->fields && req->body.len > 0) {
		ret = http_send_problem(conn, srv, req, method, 400, "body", "this route takes no body");
		goto out;
	}
	if (route->fields && req->body.len > 0 && !content_is(conn, body_type(route))) {
		char want[64];

		if (late && (rc = late_check(srv, conn, url, method, req, &call, NK_EINVAL,
					     &err)) != NK_EINVAL)
			goto failed;
		snprintf(want, sizeof(want), "expected Content-Type: %s", body_type(route));
		ret = http_send_problem(conn, srv, req, method, 415, "Content-Type", want);
		goto out;
	}
	call.conn = conn;
	call.raw = (const uint8_t *)req->body.data;
	call.raw_len = req->body.len;
	if (route->fields && !route_raw_body(route) &&
	    (rc = request_decode_parsed(req->body.data, req->body.len, srv->cfg.depth_max,
					route->fields, take_parsed(&parsed), &call.body,
					&err)) != NK_OK) {
		if (late)
			rc = late_check(srv, conn, url, method, req, &call, rc, &err);
		goto failed;
	}
	rc = route->handle(&call, &err);
	if (rc != NK_OK && late)
		rc = late_check(srv, conn, url, method, req, &call, rc, &err);
	resp = handled(req, &call, rc, &err, unreachable, &status);
	if (rc == NK_EAUTH && call.signed_request)	/* a bad signature: a failed login */
		auth_fail_note(srv, addr);
	/* Nothing is told before what it shows is durable, refusals included: the answer
	 * waits, built, for the flush, its connection suspended (durable.c), so that this
	 * thread serves others meanwhile and their commits join the same flush. */
	if (call.env.store) {
		uint64_t ticket = nk_store_durable_ticket(call.env.store);
		bool failed = false;

		if (durable_defer(srv, &req->wait, conn, ticket)) {
			req->waiting = true;
			req->pending = resp;
			req->pending_status = status;
			req->pending_ok = rc == NK_OK;
			req->noted = rc == NK_EAUTH && call.signed_request;
			req->settle = settle;
			req->rate_key = rate_key;
			settle = false;	/* when the answer goes */
			ret = MHD_YES;
			goto out;
		}
		if (srv->group && !nk_store_group_durable(srv->group, ticket, &failed))
			failed = nk_store_wait_durable(call.env.store, NULL) != NK_OK; /* stopping */
		if (failed) {	/* a refusal too, as in answer_pending */
			rc = NK_ESTORE;
			if (resp)
				MHD_destroy_response(resp);
			status = 500;
			resp = answer_problem(req, &status, "", answer_server_failed, NULL);
		}
	}
	call.verified = rc == NK_OK;	/* a signed action is done only once its signature held */
	/* a relay read with nothing yet waits for a message, its thread free meanwhile */
	if (rc == NK_OK && call.relay.wait_ms > 0 &&
	    relay_hold(srv, &req->hold, conn, call.case_id, &call.relay)) {
		if (resp)
			MHD_destroy_response(resp);
		ret = MHD_YES;
		goto out;
	}
	ret = answer_queue(conn, srv, req, method, status, resp);
	goto out;
failed:
	resp = handled(req, &call, rc, &err, unreachable, &status);
	ret = answer_queue(conn, srv, req, method, status, resp);
	if (rc == NK_EAUTH && call.signed_request)
		auth_fail_note(srv, addr);
out:
	/* A signature that held takes from the role's bucket; anything else a token alone
	 * could have sent (a bad body, a refusal before the check) from the other. */
	if (settle)
		settle_rate(srv, rate_key, call.verified, signed_kind, addr,
			    rc == NK_EAUTH && call.signed_request);
	json_decref(parsed);	/* not handed on: through the wiping free, it may hold a figure */
	json_decref(call.body);
	json_decref(call.reply);
	answer_wipe_free(call.text);
	free(call.relayed.data);	/* not sent: an error after the read */
	if (token)
		sodium_memzero(token, NK_TOKEN_BYTES);
	return ret;
}

enum MHD_Result server_on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload, size_t *upload_size, void **con_cls)
{
	struct nk_server *srv = cls;
	struct http_request *req = *con_cls;
	enum MHD_Result ret;

	if (!req) {	/* first call: headers only; the answer waits for the second */
		const char *length;
		unsigned long long declared;
		bool unknown = false;

		if (!(req = calloc(1, sizeof(*req))))
			return MHD_NO;
		req->start_us = nk_time_mono_us();
		reqlog_request_id(srv, req->id);
		atomic_fetch_add(&srv->in_flight, 1);
		*con_cls = req;
		req->route = server_route_count;
		if (request_head_size(conn, method, url) > srv->cfg.header_max)
			return http_send_problem(conn, srv, req, method, 431, "headers",
					    "the request line and headers are longer than the limit");
		if (strlen(url) <= srv->cfg.url_max)
			find_route(method, url, req);
		if (req->route < server_route_count && !req->wrong_method &&
		    route_body_max_authorised(&server_routes[req->route]))
			req->authorised = auth_headers_grant(srv, conn, &server_routes[req->route],
							     peer_address(conn), &unknown);
		if (req->authorised) {
			if (atomic_fetch_add(&srv->uploads, 1) >= ANALYZE_UPLOADS_AT_ONCE) {
				atomic_fetch_sub(&srv->uploads, 1);
				return http_send_problem(conn, srv, req, method, 429, "body",
						    "other long bodies are being received: try "
						    "again shortly");
			}
			req->upload = true;
		}
		length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_LENGTH);
		/* A declared body beyond the limit is refused before it is read (the client
		 * gets the answer instead of "100 Continue"); the connection then closes. */
		declared = length ? strtoull(length, NULL, 10) : 0;
		if (declared > body_limit(srv, req) && req->route < server_route_count &&
		    !req->wrong_method &&
		    declared <= route_body_max_authorised(&server_routes[req->route])) {
			if (auth_fail_over(srv, peer_address(conn)))
				return http_send_problem(conn, srv, req, method, 429, "Authorization",
						    "too many failed authentications from this address");
			if (unknown)	/* a guess answered: it counts as one */
				auth_fail_note(srv, peer_address(conn));
			return http_send_problem(conn, srv, req, method, 401, "Authorization",
					    "a body this long needs a valid token for this route");
		}
		if (declared > body_limit(srv, req))
			return http_send_problem(conn, srv, req, method, 413, "body",
					    "the body is longer than the limit");
		receive_head(srv, conn, declared);	/* within the limit: watched as it comes */
		return MHD_YES;
	}
	if (req->waiting)
		return answer_pending(srv, conn, req, method);
	if (req->hold.held)
		return relay_answer_held(srv, conn, req, method);
	if (req->answered) {
		size_t bytes = *upload_size;

		if (bytes > 0)
			sodium_memzero((char *)upload, bytes);	/* see below */
		*upload_size = 0;
		return req->early ? early_discard(req, bytes) : MHD_YES;
	}
	if (*upload_size > 0) {
		/* grown by copy, the old block wiped: a plain realloc would leave it behind */
		req->body.max = body_limit(srv, req);
		receive_body(srv, conn, *upload_size);
		nk_buf_append(&req->body, upload, *upload_size);
		/* upload points into libmicrohttpd's connection pool, which is freed unwiped when
		 * the connection closes: the body (a figure) is wiped there once copied. */
		sodium_memzero((char *)upload, *upload_size);
		*upload_size = 0;
		if (req->body.failed)
			return MHD_NO;
		if (!req->body.too_big)
			return MHD_YES;
		/* chunked (a declared length was refused above): its answer cannot wait */
		return early_refuse(conn, srv, req, method, 413, "body",
				    "the body is longer than the limit");
	}
	receive_done(srv, conn);	/* whole: no longer late */
	if (strlen(url) > srv->cfg.url_max)
		return http_send_problem(conn, srv, req, method, 414, "url", "the request target is longer than the limit");
	if (req->route == server_route_count)
		return http_send_problem(conn, srv, req, method, 404, "url", "no such route");
	if (req->wrong_method)
		return http_send_problem(conn, srv, req, method, 405, "method", "the route does not take this method");
	ret = dispatch(srv, conn, req, url, method);
	/* the handler's locals (figures read back, briefings, the parsed body) are left on
	 * this thread's stack below this frame: wipe them before the next request */
	nk_alloc_wipe_stack();
	return ret;
}

void server_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode why)
{
	struct nk_server *srv = cls;
	struct http_request *req = *con_cls;

	if (!req)
		return;
	if (req->pending)	/* closed while its answer waited */
		MHD_destroy_response(req->pending);
	if (req->upload)
		atomic_fetch_sub(&srv->uploads, 1);
	nk_buf_free(&req->body);
	free(req);
	*con_cls = NULL;
	receive_next(srv, conn);	/* the connection may carry another request */
	atomic_fetch_sub(&srv->in_flight, 1);
}
