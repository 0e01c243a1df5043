/* Internal to server/: a request's life as http.c keeps it, and the answers it sends
 * (answer.c): a response is built apart from its sending, so that an answer can wait,
 * built, for the flush of what it shows (durable.c). */
#ifndef NAKODO_SERVER_ANSWER_H
#define NAKODO_SERVER_ANSWER_H

#include "server/server_impl.h"

#include <nakodo/buffers.h>

struct http_request {
	char id[17];
	int64_t start_us;
	size_t route;			/* index into server_routes, or server_route_count */
	bool wrong_method;		/* the path exists with another method */
	char case_id[NK_CASE_ID_MAX];
	char role[NK_TOKEN_ROLE_MAX];
	struct nk_buf body;	/* bounded by the route's body limit */
	bool answered;
	bool early;		/* answered while its body still came (early.c) */
	size_t lingered;	/* the body's bytes discarded since */
	bool authorised;	/* the headers' token holds for a longer body (route_body_max_authorised) */
	bool upload;		/* it holds one of the ANALYZE_UPLOADS_AT_ONCE */
	bool noted;		/* counted as a failed authentication of its address */
	/* An answer built and waiting, its connection suspended, for its flush (durable.c):
	 * what to send, and the rate limiter's settling that follows it. */
	struct durable_wait wait;
	struct MHD_Response *pending;
	unsigned pending_status;
	bool pending_ok;		/* the handler succeeded: a failed flush makes it a 500 */
	bool waiting;			/* suspended; the next call sends pending */
	bool settle;
	uint64_t rate_key;
	struct relay_hold hold;	/* a relay read waiting for a message (relay_wait.c) */
};

/* Frees a response body after wiping it (answers may hold a party's figures). */
void answer_wipe_free(void *body);

/* A response of body (taken: freed by the response, or here on failure) with the
 * request's headers; NULL when out of memory. */
struct MHD_Response *answer_body(const struct http_request *req, unsigned status, char *body,
				 const char *type);
/* The same of a JSON document (taken); a document that cannot be written is a bare 500
 * (*status says so). */
struct MHD_Response *answer_json(const struct http_request *req, unsigned *status, json_t *obj,
				 const char *type);
/* An RFC 9457 problem document; field names the offending member, header or part; role,
 * when a joined role's signature is missing, names that role. */
struct MHD_Response *answer_problem(const struct http_request *req, unsigned *status,
				    const char *field, const char *detail, const char *role);
/* The text of the problem document answer_problem_kind sends (status its own, not
 * changed); a new string, freed with answer_wipe_free; NULL when out of memory. */
char *answer_problem_text(const struct http_request *req, unsigned status, const char *kind,
			  const char *field, const char *detail, const char *role);
/* The same of the problem kind named (its type after "urn:nakodo:problem:", e.g.
 * "corrupt"); NULL, or a kind status lacks: the status's own. */
struct MHD_Response *answer_problem_kind(const struct http_request *req, unsigned *status,
					 const char *kind, const char *field,
					 const char *detail, const char *role);
/* The problem answering a handler's failure rc (err its words), with its status in
 * *status: 400 for bad input, 401/403 for a signature, 404, 409 for a refusal, 429 when
 * limited; a store's or an internal failure's 500 keeps its field and text to itself
 * (they may name files), and a case that does not verify says only that, to a token the
 * route admitted on that case (call->admitted): doc/api.md, "Problems". */
struct MHD_Response *answer_failure(const struct http_request *req,
				    const struct route_call *call, enum nk_status rc,
				    const struct nk_error *err, unsigned *status);
/* "the server could not complete the request": a 500's detail, which says nothing more */
extern const char answer_server_failed[];
/* Queues resp (NULL: fails the connection), logs the request's line and counts it. */
enum MHD_Result answer_queue(struct MHD_Connection *conn, struct nk_server *srv,
			     struct http_request *req, const char *method, unsigned status,
			     struct MHD_Response *resp);

/* Logs the request's line and counts it (answer_queue does, for an answer it queues). */
void answer_log(struct nk_server *srv, const struct http_request *req, const char *method,
		unsigned status);

/* A problem answered while the request's body still comes (a chunked body past its
 * limit): written to the connection at once, since libmicrohttpd queues an answer only
 * before the body or after all of it; MHD_NO (the connection closes) if it cannot be. */
enum MHD_Result early_refuse(struct MHD_Connection *conn, struct nk_server *srv,
			     struct http_request *req, const char *method, unsigned status,
			     const char *field, const char *detail);
/* What the handler returns for bytes more of a body answered early (0: all of it has
 * come): MHD_YES while the connection lingers, MHD_NO once it should close. */
enum MHD_Result early_discard(struct http_request *req, size_t bytes);

/* The answer of a relay read that waited, now resumed (relay_wait.c). */
enum MHD_Result relay_answer_held(struct nk_server *srv, struct MHD_Connection *conn,
				  struct http_request *req, const char *method);

/* answer_queue of answer_problem. */
enum MHD_Result http_send_problem_role(struct MHD_Connection *conn, struct nk_server *srv,
				       struct http_request *req, const char *method,
				       unsigned status, const char *field, const char *detail,
				       const char *role);
enum MHD_Result http_send_problem(struct MHD_Connection *conn, struct nk_server *srv,
				  struct http_request *req, const char *method, unsigned status,
				  const char *field, const char *detail);

#endif
