/* The answers of the HTTP side: responses with the strict headers every answer carries,
 * RFC 9457 problem documents, and one log line per request that never holds a figure or
 * a token. A response is built apart from its sending (answer.h). */
#include "server/answer.h"

#include <nakodo/alloc.h>
#include <nakodo/json_build.h>
#include <nakodo/time.h>

#include <assert.h>
#include <string.h>
#include <time.h>

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
	{ 503, "unavailable", "The database cannot be reached for now" },
	{ 500, "internal", "The server failed" },	/* a status's first kind is its own */
	/* a 500 of its own kind: what the server keeps of the case does not verify, so no
	 * retry will help, and the caller may know that much (never which event or why) */
	{ 500, "corrupt", "The case's stored data does not verify" },
};

/* The problem of status and the kind named (NULL, or a kind status lacks: the status's
 * own); a status not in the table is an internal failure's. */
static size_t problem_of(unsigned status, const char *kind)
{
	for (size_t i = 0; i < sizeof(problems) / sizeof(problems[0]); i++)
		if (problems[i].status == status && (!kind || strcmp(problems[i].type, kind) == 0))
			return i;
	if (kind)
		return problem_of(status, NULL);
	assert(status != 500);	/* the table has it */
	return problem_of(500, NULL);
}

/* The whole block, json_dumps's included (grown past the text), is wiped. */
void answer_wipe_free(void *body)
{
	nk_alloc_free(body);
}

void answer_log(struct nk_server *srv, const struct http_request *req, const char *method,
		unsigned status)
{
	char line[REQLOG_LINE];
	struct timespec ts;
	int64_t us = nk_time_mono_us() - req->start_us;

	clock_gettime(CLOCK_REALTIME, &ts);
	metrics_request(&srv->metrics, req->route, status, us);
	/* written by the log's own thread, a batch at a time (reqlog.c); the line without
	 * gmtime_r, strftime and snprintf, which cost a request some 5,000 instructions and
	 * the process-wide time-zone lock (bench/README.md) */
	reqlog_put(srv, line, reqlog_line(line, &ts, req->id, method,
					  req->route < server_route_count
					  ? server_routes[req->route].path : "-", status, us));
}

struct MHD_Response *answer_body(const struct http_request *req, unsigned status, char *body,
				 const char *type)
{
	struct MHD_Response *resp;

	resp = MHD_create_response_from_buffer_with_free_callback(body ? strlen(body) : 0, body,
								  answer_wipe_free);
	if (!resp) {
		answer_wipe_free(body);
		return NULL;
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
	return resp;
}

struct MHD_Response *answer_json(const struct http_request *req, unsigned *status, json_t *obj,
				 const char *type)
{
	/* One line, keys sorted, ", " and ": " between members: what every reader parses,
	 * and the "key": value pairs that scripts search for, without the indentation
	 * that cost an answer 7% of its CPU; json_dumps's bytes, written without its
	 * bookkeeping (nk_json_text_sorted, bench/README.md), reals as the command prints
	 * them, in the shortest form that reads back exactly. Each value padded to a fixed
	 * width after it, so that an answer's length, which TLS shows, tells nothing of the
	 * figures it carries (doc/api.md, "Fixed widths"). */
	char *text = obj ? nk_json_text_fixed(obj) : NULL;

	json_decref(obj);
	if (!text)
		*status = 500;
	return answer_body(req, *status, text, type);
}

const char answer_server_failed[] = "the server could not complete the request";

/* A case whose log, or the record of it, does not verify (a damaged file, or an edit at
 * rest: case_fold, record.c): every route that loads it answers this, the same to every
 * role, as `nakodo` answers it locally (exit 3). The event and the reason stay out of it:
 * they are the log's (a party may not read it), and an amount could be in a reason. */
static const char case_damaged[] = "what the server keeps of this case does not verify: it "
	"was damaged or altered where it is stored, and nothing was done; the operator's "
	"`nakodo --db DATABASE log CASE` names the first event that does not hold";

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

struct MHD_Response *answer_failure(const struct http_request *req,
				    const struct route_call *call, enum nk_status rc,
				    const struct nk_error *err, unsigned *status)
{
	/* else a file's, not the case's; a seal that does not open (NK_ECRYPTO) on a case's
	 * route is its stored data too: a secret sealed for another case or name, a batch
	 * that does not hold its link (the server opens no party's message) */
	if ((rc == NK_ECORRUPT || rc == NK_ECRYPTO) && call->admitted) {
		*status = 500;
		return answer_problem_kind(req, status, "corrupt", "case", case_damaged, NULL);
	}
	*status = status_for(rc, call);
	return answer_problem(req, status, *status == 500 ? "" : err->field,
			      *status == 500 ? answer_server_failed : err->text, call->problem_role);
}

struct MHD_Response *answer_problem(const struct http_request *req, unsigned *status,
				    const char *field, const char *detail, const char *role)
{
	return answer_problem_kind(req, status, NULL, field, detail, role);
}

char *answer_problem_text(const struct http_request *req, unsigned status, const char *kind,
			  const char *field, const char *detail, const char *role)
{
	size_t i = problem_of(status, kind);
	const char *title;
	char type[64], *text;
	json_t *doc;

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
	text = doc ? nk_json_text_fixed(doc) : NULL;	/* as answer_json writes it */
	json_decref(doc);
	return text;
}

struct MHD_Response *answer_problem_kind(const struct http_request *req, unsigned *status,
					 const char *kind, const char *field,
					 const char *detail, const char *role)
{
	char *text = answer_problem_text(req, *status, kind, field, detail, role);

	if (!text)	/* a bare 500, as answer_json's */
		*status = 500;
	return answer_body(req, *status, text, "application/problem+json");
}

enum MHD_Result answer_queue(struct MHD_Connection *conn, struct nk_server *srv,
			     struct http_request *req, const char *method, unsigned status,
			     struct MHD_Response *resp)
{
	enum MHD_Result ret;

	if (!resp)
		return MHD_NO;
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	req->answered = true;
	answer_log(srv, req, method, status);
	return ret;
}

enum MHD_Result http_send_problem_role(struct MHD_Connection *conn, struct nk_server *srv,
				       struct http_request *req, const char *method,
				       unsigned status, const char *field, const char *detail,
				       const char *role)
{
	struct MHD_Response *resp = answer_problem(req, &status, field, detail, role);

	return answer_queue(conn, srv, req, method, status, resp);
}

enum MHD_Result http_send_problem(struct MHD_Connection *conn, struct nk_server *srv,
				  struct http_request *req, const char *method, unsigned status,
				  const char *field, const char *detail)
{
	return http_send_problem_role(conn, srv, req, method, status, field, detail, NULL);
}
