/* The HTTP side: libmicrohttpd in epoll thread-pool mode, one store connection per
 * worker, the request's life (bounds, route, token, rate, body, handler, answer on
 * the second call so that keep-alive survives), RFC 9457 problem documents, and one
 * log line per request that never holds a figure or a token. */
#include "server/server_impl.h"
#include "server/web_files.h"

#include <nakodo/alloc.h>
#include <nakodo/buffers.h>
#include <nakodo/time.h>

#include <arpa/inet.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct http_request {
	char id[17];
	int64_t start_us;
	size_t route;			/* index into server_routes, or server_route_count */
	bool wrong_method;		/* the path exists with another method */
	char case_id[NK_CASE_ID_MAX];
	char role[NK_TOKEN_ROLE_MAX];
	struct nk_buf body;	/* bounded by the route's body limit */
	bool answered;
	bool authorised;	/* the headers' token holds for a longer body (route_body_max_authorised) */
};

static const struct {
	unsigned status;
	const char *type, *title;
} problems[] = {
	{ 400, "invalid", "The request is malformed" },
	{ 401, "unauthorized", "A valid bearer token is needed" },
	{ 403, "forbidden", "This token does not grant this" },
	{ 404, "not-found", "No such resource" },
	{ 405, "method-not-allowed", "The resource does not take this method" },
	{ 409, "refused", "The case's rules refuse this" },
	{ 413, "too-large", "The request body is too large" },
	{ 414, "uri-too-long", "The request target is too long" },
	{ 415, "unsupported-media-type", "The body must be application/json" },
	{ 429, "rate-limited", "Too many requests for this token or address" },
	{ 431, "headers-too-large", "The request line and headers are too large" },
	{ 500, "internal", "The server failed" },
	{ 503, "unavailable", "The database cannot be reached for now" },
};

void nk_server_config_default(struct nk_server_config *cfg)
{
	*cfg = (struct nk_server_config){
		.listen = "127.0.0.1:8750", .db = "nakodo.db", .threads = 4, .cache_cases = 16384,
		.body_max = 64 * 1024, .depth_max = 16, .url_max = 2048, .header_max = 16 * 1024,
		.timeout_s = 30, .connections_max = 1024, .rate = 50, .burst = 100, .fail_rate = 60,
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
		if (srv->shared_store)
			w->store = srv->shared_store;
		else if ((rc = nk_store_open_grouped(&w->store, srv->cfg.db, 0, srv->group, err)) == NK_OK)
			w->owns_store = true;
		if (rc != NK_OK || pthread_setspecific(srv->store_key, w) != 0) {
			server_worker_destroy(w);
			return rc != NK_OK ? rc : nk_fail(err, NK_ENOMEM, "server", "out of memory");
		}
	}
	*out = w;
	return NK_OK;
}

/* Frees a response body after wiping it, the whole block (json_dumps's included, grown
 * past the text): answers may hold a party's figures. */
static void wipe_free(void *body)
{
	nk_alloc_free(body);
}

/* 64 random bits in hex: a counter would tell a party how many requests others made
 * between two of its own, and so when the other side acted. */
static void request_id(char out[static 17])
{
	uint8_t bytes[8];

	randombytes_buf(bytes, sizeof(bytes));
	sodium_bin2hex(out, 17, bytes, sizeof(bytes));
}

static void log_line(struct nk_server *srv, const struct http_request *req, const char *method,
		     unsigned status)
{
	char when[40];
	struct timespec ts;
	struct tm tm;
	int64_t us = nk_time_mono_us() - req->start_us;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	metrics_request(&srv->metrics, req->route, status, us);
	fprintf(srv->cfg.log, "time=%s.%03ldZ request=%s method=%s route=%s status=%u ms=%.3f\n",
		when, ts.tv_nsec / 1000000, req->id, method,
		req->route < server_route_count ? server_routes[req->route].path : "-", status,
		(double)us / 1000.0);
}

static enum MHD_Result send_body(struct MHD_Connection *conn, struct nk_server *srv,
				 struct http_request *req, const char *method, unsigned status,
				 char *body, const char *type)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer_with_free_callback(body ? strlen(body) : 0, body,
								  wipe_free);
	if (!resp) {
		wipe_free(body);
		return MHD_NO;
	}
	if (body)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(resp, "X-Request-Id", req->id);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	web_headers(resp);
	if (status == 429)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	if (status == 405 && req->route < server_route_count)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, server_routes[req->route].method);
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	req->answered = true;
	log_line(srv, req, method, status);
	return ret;
}

/* A page or an asset from the built-in table (web_response). */
static enum MHD_Result send_file(struct MHD_Connection *conn, struct nk_server *srv,
				 struct http_request *req, const char *method,
				 const struct web_file *file)
{
	struct MHD_Response *resp = web_response(file);
	enum MHD_Result ret;

	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "X-Request-Id", req->id);
	ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	req->answered = true;
	log_line(srv, req, method, MHD_HTTP_OK);
	return ret;
}

static enum MHD_Result send_json(struct MHD_Connection *conn, struct nk_server *srv,
				 struct http_request *req, const char *method, unsigned status,
				 json_t *obj, const char *type)
{
	char *text = obj ? json_dumps(obj, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;

	json_decref(obj);
	if (!text)
		return send_body(conn, srv, req, method, 500, NULL, NULL);
	return send_body(conn, srv, req, method, status, text, type);
}

/* An RFC 9457 problem document; field names the offending member, header or part. role,
 * when a joined role's signature is missing, names that role (the token's own), so that
 * a client holding the key knows which role to sign as. */
static enum MHD_Result send_problem_role(struct MHD_Connection *conn, struct nk_server *srv,
					 struct http_request *req, const char *method,
					 unsigned status, const char *field, const char *detail,
					 const char *role)
{
	size_t i = 0;
	const char *title;
	char type[64];
	json_t *doc;

	while (i < sizeof(problems) / sizeof(problems[0]) - 1 && problems[i].status != status)
		i++;
	title = problems[i].title;
	snprintf(type, sizeof(type), "urn:nakodo:problem:%s", problems[i].type);
	/* a missing signature is a 401 too, though the token was good: say what is missing,
	 * for a caller without the command (doc/api.md, "Signed reads") */
	if (status == 401 && field && strcmp(field, "signature") == 0)
		title = "This role's requests must be signed: the Nakodo-Request and "
			"Nakodo-Signature headers, or request and signature in the body";
	doc = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "type", type, "title", title,
			"status", (int)status, "detail", detail, "field", field ? field : "",
			"request_id", req->id);
	if (doc && role && json_object_set_new(doc, "role", json_string(role)) != 0) {
		json_decref(doc);
		doc = NULL;
	}
	return send_json(conn, srv, req, method, status, doc, "application/problem+json");
}

static enum MHD_Result send_problem(struct MHD_Connection *conn, struct nk_server *srv,
				    struct http_request *req, const char *method, unsigned status,
				    const char *field, const char *detail)
{
	return send_problem_role(conn, srv, req, method, status, field, detail, NULL);
}

static unsigned status_for(enum nk_status rc, const struct route_call *call)
{
	switch (rc) {
	case NK_EAUTH:	/* no signature: 401; one that is wrong or replayed: 403 */
		return call->signed_request ? 403 : 401;
	case NK_EINVAL:
	case NK_ERANGE:
		return 400;
	case NK_EREFUSED:
		return call->limited ? 429 : 409;
	case NK_ENOTFOUND:
		return 404;
	default:
		return 500;
	}
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
		if (strcmp(pattern, "{*}") == 0)
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

/* Content-Type must be JSON when there is a body. */
static bool json_content(struct MHD_Connection *conn)
{
	const char *type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						       MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t n = strlen("application/json");

	return type && strncasecmp(type, "application/json", n) == 0 &&
	       (type[n] == '\0' || type[n] == ';');
}

/* Whether a case role's request on route carries a signature: in the headers for a route
 * signed there, else as a "request" or "signature" member of a body that is a JSON object
 * (looked at loosely: the strict decode comes after the joined role's check). */
static bool presents_signature(struct MHD_Connection *conn, const struct route *route,
			       const struct http_request *req)
{
	json_t *body;
	bool found;

	if (route->sign_in_headers)
		return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Nakodo-Request") ||
		       MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Nakodo-Signature");
	if (!req->body.data || req->body.len == 0 ||
	    !(body = json_loadb(req->body.data, req->body.len, JSON_DECODE_ANY, NULL)))
		return false;
	found = json_is_object(body) &&
		(json_object_get(body, "request") || json_object_get(body, "signature"));
	json_decref(body);	/* it may hold a figure: jansson frees through nk_alloc's wiping free */
	return found;
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
	uint64_t rate_key = 0;
	bool signing = false, presents = false, settle = false, unreachable = false;

	call.peer = addr;
	call.url = url;
	call.case_id = req->case_id[0] ? req->case_id : NULL;
	call.after = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "after");
	call.role_param = req->role[0] ? req->role : NULL;
	if (!(route->access & ACCESS_PUBLIC)) {
		/* before any token is parsed, hashed or looked up: guessing is not free */
		if (auth_fail_over(srv, addr)) {
			ret = send_problem(conn, srv, req, method, 429, "Authorization",
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
			ret = send_problem(conn, srv, req, method, 401, "Authorization",
					   "expected 'Authorization: Bearer' and 64 hex digits");
			goto out;
		}
		rc = nk_store_token_find(call.env.store, token, caller.case_id, caller.role, &err);
		if (rc == NK_ENOTFOUND) {
			auth_fail_note(srv, addr);
			ret = send_problem(conn, srv, req, method, 401, "Authorization",
					   "unknown or revoked token");
			goto out;
		}
		if (rc != NK_OK)
			goto failed;
		/* Buckets for known tokens only: unknown ones count against their address. A case
		 * role's request that carries no signature takes from a bucket of its own; one
		 * that does waits for its outcome (below), so that whoever holds the token alone,
		 * unsigned or signing badly, cannot spend what the role's signed requests use. */
		rate_key = auth_rate_key(srv, token);
		call.rate_key = rate_key;
		signing = strcmp(caller.role, "operator") != 0 &&
			  (route->sign_in_headers || route_signed_body(route));
		presents = signing && presents_signature(conn, route, req);
		if (!auth_rate(srv, rate_key, presents || !signing ? RATE_SIGNED : RATE_UNSIGNED,
			       !presents)) {
			ret = send_problem(conn, srv, req, method, 429, "Authorization",
					   "this token's request rate is over its limit");
			goto out;
		}
		settle = presents;
		if ((status = auth_route_allows(route, &caller, req->case_id, &detail)) != 0) {
			ret = send_problem(conn, srv, req, method, status, "Authorization", detail);
			goto out;
		}
		if (route->sign_in_headers &&
		    (rc = auth_check_signed(srv, conn, url, method, req->body.data, req->body.len, &call,
						&err)) != NK_OK)
			goto failed;
	}
	/* A joined role's unsigned action is refused before its body is looked into, as its
	 * unsigned reads are: the token alone learns nothing of the case from it, not even
	 * that the body is malformed. */
	if (signing && !presents && !route->sign_in_headers &&
	    (rc = auth_check_signed(srv, conn, url, method, req->body.data, req->body.len, &call,
				    &err)) != NK_OK)
		goto failed;
	if (!route->fields && req->body.len > 0) {
		ret = send_problem(conn, srv, req, method, 400, "body", "this route takes no body");
		goto out;
	}
	if (route->fields && req->body.len > 0 && !json_content(conn)) {
		ret = send_problem(conn, srv, req, method, 415, "Content-Type",
				   "expected Content-Type: application/json");
		goto out;
	}
	if (route->fields &&
	    (rc = request_decode(req->body.data, req->body.len, srv->cfg.depth_max, route->fields,
				 &call.body, &err)) != NK_OK)
		goto failed;
	rc = route->handle(&call, &err);
	/* Nothing is told before what it shows is durable, refusals included. */
	if (call.env.store && nk_store_wait_durable(call.env.store, rc == NK_OK ? &err : NULL) != NK_OK &&
	    rc == NK_OK)
		rc = NK_ESTORE;
	if (rc != NK_OK)
		goto failed;
	call.verified = true;	/* a signed action is done only once its signature held */
	if (call.file) {
		ret = send_file(conn, srv, req, method, call.file);
	} else if (call.text) {
		ret = send_body(conn, srv, req, method, (unsigned)call.status, call.text,
				call.content_type);
		call.text = NULL;
	} else {
		ret = send_json(conn, srv, req, method, (unsigned)call.status, call.reply,
				"application/json");
		call.reply = NULL;
	}
	goto out;
failed:
	status = status_for(rc, &call);
	/* a database that does not answer (a PostgreSQL restart): nothing was done, and the
	 * store reconnects by itself; try again shortly */
	if (rc == NK_ESTORE && (unreachable || (call.env.store &&
						nk_store_ping(call.env.store, NULL) != NK_OK))) {
		ret = send_problem(conn, srv, req, method, 503, "db", "the database cannot be "
				   "reached; nothing was done, try again shortly");
		goto out;
	}
	if (rc == NK_EAUTH && call.signed_request)	/* a bad signature: a failed login */
		auth_fail_note(srv, addr);
	/* store and internal failures may name files: tell the client only that it failed */
	ret = send_problem_role(conn, srv, req, method, status, status == 500 ? "" : err.field,
				status == 500 ? "the server could not complete the request"
					      : err.text, call.problem_role);
out:
	/* A signature that held takes from the role's bucket; anything else a token alone
	 * could have sent (a bad body, a refusal before the check) from the other. */
	if (settle)
		(void)auth_rate(srv, rate_key, call.verified ? RATE_SIGNED : RATE_UNSIGNED, true);
	json_decref(call.body);
	json_decref(call.reply);
	wipe_free(call.text);
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
		request_id(req->id);
		atomic_fetch_add(&srv->in_flight, 1);
		*con_cls = req;
		req->route = server_route_count;
		if (request_head_size(conn, method, url) > srv->cfg.header_max)
			return send_problem(conn, srv, req, method, 431, "headers",
					    "the request line and headers are longer than the limit");
		if (strlen(url) <= srv->cfg.url_max)
			find_route(method, url, req);
		if (req->route < server_route_count && !req->wrong_method &&
		    route_body_max_authorised(&server_routes[req->route]))
			req->authorised = auth_headers_grant(srv, conn, &server_routes[req->route],
							     peer_address(conn), &unknown);
		length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_LENGTH);
		/* A declared body beyond the limit is refused before it is read (the client
		 * gets the answer instead of "100 Continue"); the connection then closes. */
		declared = length ? strtoull(length, NULL, 10) : 0;
		if (declared > body_limit(srv, req) && req->route < server_route_count &&
		    !req->wrong_method &&
		    declared <= route_body_max_authorised(&server_routes[req->route])) {
			if (auth_fail_over(srv, peer_address(conn)))
				return send_problem(conn, srv, req, method, 429, "Authorization",
						    "too many failed authentications from this address");
			if (unknown)	/* a guess answered: it counts as one */
				auth_fail_note(srv, peer_address(conn));
			return send_problem(conn, srv, req, method, 401, "Authorization",
					    "a body this long needs a valid token for this route");
		}
		if (declared > body_limit(srv, req))
			return send_problem(conn, srv, req, method, 413, "body",
					    "the body is longer than the limit");
		return MHD_YES;
	}
	if (req->answered) {
		if (*upload_size > 0)
			sodium_memzero((char *)upload, *upload_size);	/* see below */
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		/* grown by copy, the old block wiped: a plain realloc would leave it behind */
		req->body.max = body_limit(srv, req);
		nk_buf_append(&req->body, upload, *upload_size);
		/* upload points into libmicrohttpd's connection pool, which is freed unwiped when
		 * the connection closes: the body (a figure) is wiped there once copied. */
		sodium_memzero((char *)upload, *upload_size);
		*upload_size = 0;
		if (req->body.failed)
			return MHD_NO;
		if (!req->body.too_big)
			return MHD_YES;
	}
	if (req->body.too_big)
		return send_problem(conn, srv, req, method, 413, "body", "the body is longer than the limit");
	if (strlen(url) > srv->cfg.url_max)
		return send_problem(conn, srv, req, method, 414, "url", "the request target is longer than the limit");
	if (req->route == server_route_count)
		return send_problem(conn, srv, req, method, 404, "url", "no such route");
	if (req->wrong_method)
		return send_problem(conn, srv, req, method, 405, "method", "the route does not take this method");
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
	nk_buf_free(&req->body);
	free(req);
	*con_cls = NULL;
	atomic_fetch_sub(&srv->in_flight, 1);
}
