/* Internal to server/: the server's state, a request as the routes see it, the route
 * table's shape, and the pieces each file provides (HTTP glue, access, decoding,
 * metrics). */
#ifndef NAKODO_SERVER_IMPL_H
#define NAKODO_SERVER_IMPL_H

#include <nakodo/blind_channel.h>
#include <nakodo/blind_relay.h>
#include <nakodo/case.h>
#include <nakodo/package_case.h>
#include <nakodo/server.h>
#include <nakodo/store.h>

#include <nakodo/wire.h>

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define HTTP_TOKEN_HEX (2 * NK_TOKEN_BYTES)
#define HTTP_RATE_SLOTS 4096	/* token buckets; tokens that collide share one */
#define HTTP_SEEN_SLOTS 65536	/* roles whose last signed read is within the window */
/* POST /v1/analyze (analyze.c): a body this long once the token was checked on the
 * headers (a domain and five profiles of NK_AGENDA_FILE_MAX, escaped as JSON strings);
 * per token one analysis every 2 seconds on average and 10 at once. */
#define ANALYZE_BODY_MAX (16u << 20)
#define ANALYZE_RATE 0.5
#define ANALYZE_BURST 10
/* Such bodies are held in memory until whole, so only this many are received at once on
 * the whole server, whoever sends them: one address's connections (--connections-per-
 * address) would otherwise hold that many times ANALYZE_BODY_MAX. */
#define ANALYZE_UPLOADS_AT_ONCE 2

/* Who may call a route: a set of these bits. */
enum http_access {
	ACCESS_PUBLIC = 1u << 0,	/* no token needed */
	ACCESS_OPERATOR = 1u << 1,
	ACCESS_MEDIATOR = 1u << 2,	/* of the case in the path */
	ACCESS_CLAIMANT = 1u << 3,
	ACCESS_PAYER = 1u << 4,
	ACCESS_ANY_MEDIATOR = 1u << 5,	/* a mediator of any case (to open new ones) */
	ACCESS_WEB = 1u << 6,		/* a page or an asset (web.c): HEAD too, no body */
	ACCESS_CLAIMANT_PRINCIPAL = 1u << 7,	/* of the case in the path, when it has one */
	ACCESS_PAYER_PRINCIPAL = 1u << 8,
	ACCESS_NEUTRAL = 1u << 9,	/* any of the case's neutrals (neutral-1 ..) */
};

/* What a body member must be. */
enum field_kind { FIELD_INT, FIELD_BOOL, FIELD_OBJECT, FIELD_STRING, FIELD_ARRAY };

struct field_spec {
	const char *name;
	enum field_kind kind;
	bool required;
};

/* The caller, as its token says. */
struct http_caller {
	bool known;
	char case_id[NK_CASE_ID_MAX];	/* "" for the operator */
	char role[NK_TOKEN_ROLE_MAX];
};

#define WORKER_ID_BYTES 256

/* What a worker thread keeps between requests, in one sodium_malloc block made on its
 * first request (guarded pages cost system calls; one block per thread, not per
 * request): its store connection and room for a token and a briefing. */
struct worker {
	struct nk_store *store;
	bool owns_store;		/* false for mem:'s shared store */
	uint8_t token[NK_TOKEN_BYTES];
	struct nk_brief brief;
	struct nk_package_brief package_brief;
	/* random bytes for request ids, drawn WORKER_ID_BYTES at a time: one getrandom(2)
	 * per 32 requests instead of one each (http.c) */
	uint8_t id_bytes[WORKER_ID_BYTES];
	size_t id_used;			/* of id_bytes; starts full, as if all were used */
};

/* relay_wait.c: a relay read that waits for a message (?wait=MS), its connection
 * suspended meanwhile so that it holds no worker thread. What the read asked, kept for
 * its answer once resumed: */
struct relay_ask {
	long long after, epoch;	/* its ?after= (epoch -1: none given) */
	int round;		/* the open round when it was read */
	int role;		/* enum nk_role: whose box */
	uint64_t seen;		/* how many messages had been posted to the box then */
	uint64_t ends;		/* the relay's count of rounds and cases ended, before it */
	int64_t wait_ms;	/* 0: answer at once */
};
struct relay_hold {
	struct relay_hold *next;
	struct MHD_Connection *conn;
	char case_id[NK_CASE_ID_MAX];
	struct relay_ask ask;
	int64_t until_us;	/* CLOCK_MONOTONIC */
	bool held;		/* suspended: its next call answers */
};

/* A relay read's answer (relay_response): the message's bytes (malloc, or NULL: none
 * waits) and the relay's numbers. */
struct relay_answer {
	int round;
	uint32_t epoch, seq;
	uint8_t *data;
	size_t len;
};

/* A request as a route handler sees it. */
struct route_call {
	struct nk_server *srv;
	struct nk_case_env env;		/* this worker's store */
	struct worker *worker;
	const char *case_id;		/* from the path, or NULL */
	const char *role_param;		/* {role} from the path, or NULL */
	const struct http_caller *caller;
	json_t *body;			/* the decoded body (an object), or NULL */
	const char *request_id;
	int status;			/* the handler sets it on success (200 by default) */
	json_t *reply;			/* the handler's answer; NULL for none */
	char *text;			/* or a text answer (malloc), with its type */
	const char *content_type;
	const char *after;		/* the query's ?after=, or NULL */
	const char *limit;		/* the query's ?limit=, or NULL */
	bool signed_request;		/* the body carried a signature (401 vs 403) */
	const char *problem_role;	/* a signature is missing: the role it is asked of */
	const struct sockaddr *peer;	/* the client's address (may be NULL) */
	bool limited;			/* the refusal is a rate limit's (429) */
	bool admitted;			/* the token's role may take this route on case_id */
	bool verified;			/* a signed read's signature, time and order held */
	const char *url;		/* the decoded path */
	uint64_t rate_key;		/* the token's rate limiter key (0 for none) */
	const struct web_file *file;	/* or a page or asset built in (web.c) */
	const char *wait;		/* the query's ?wait=, or NULL */
	struct relay_ask relay;		/* a relay read that may wait (relay_wait.c) */
	struct MHD_Connection *conn;	/* for a handler's own query arguments */
	const uint8_t *raw;		/* a raw body (route_raw_body), raw_len bytes */
	size_t raw_len;
	struct relay_answer relayed;	/* a relay read's answer, in place of reply, */
	bool relay_answered;		/* when this is set */
};

struct route {
	const char *method;
	const char *path;		/* "/v1/cases/{id}/figures" */
	unsigned access;
	const struct field_spec *fields;	/* NULL: no body */
	enum nk_status (*handle)(struct route_call *call, struct nk_error *err);
	/* A joined role signs this route in headers (Nakodo-Request, Nakodo-Signature):
	 * its body carries no signature of the role (none, or a join's). */
	bool sign_in_headers;
};

/* The rate limiter's bucket for one token (by a hash of it). */
struct rate_bucket {
	uint64_t key;
	double level;
	int64_t last_us;
};

/* A case's role's last accepted signed read: a keyed hash of (case, role), and its time;
 * forgotten once that time is older than the freshness window. */
/* A case role's signed reads: the highest time taken, and which of the READ_WINDOW_MS
 * times below it were taken too (bit i of seen[i / 64]: last_ms - i), as IPsec's and
 * DTLS's anti-replay windows keep sequence numbers (RFC 4303 3.4.3, RFC 6347 4.1.2.6), so
 * that reads signed out of order, a party's two commands at once, are taken each once. */
#define READ_WINDOW_MS 512
struct read_mark {
	uint8_t hash[16];
	int64_t last_ms;
	uint64_t seen[READ_WINDOW_MS / 64];
};
/* read_window.c: takes time n into m: READ_TAKEN when it is new (above the highest, or
 * within the window below it and not taken yet), else READ_REPLAYED (taken already) or
 * READ_TOO_OLD (below the window: it cannot be told from a replay). A fresh mark (all
 * zero) takes any n >= 1. */
enum read_verdict { READ_TAKEN, READ_REPLAYED, READ_TOO_OLD };
NK_MUST_USE enum read_verdict read_window_take(struct read_mark *m, int64_t n);

/* The two buckets of a token: its requests that verified (or that need no signature),
 * and the others, so that a token alone cannot spend what its role's signed ones use. */
/* RATE_RELAY: a signed request of a blind case's relay, which takes an eighth of what
 * another takes from the signed bucket: a random settlement's draw is a fixed 128
 * messages each way (doc/blind.md), each a post and a read, held in memory only. */
enum rate_kind { RATE_SIGNED, RATE_UNSIGNED, RATE_RELAY };

/* metrics.c */
#define METRIC_STATUSES 17
#define METRIC_BUCKETS 12
struct server_metrics {
	size_t routes;			/* number of routes; row `routes` is "unmatched" */
	atomic_uint_fast64_t *requests;	/* [(routes + 1) * METRIC_STATUSES] */
	atomic_uint_fast64_t latency[METRIC_BUCKETS + 1];	/* by upper bound, each apart */
	atomic_uint_fast64_t latency_sum_us;
	pthread_mutex_t cases_mu;	/* guards the case-state table */
	struct case_slot *cases;
	size_t cases_cap, cases_used;
	uint64_t by_state[NK_STATE_CLOSED + 1];
	/* The start-up count of the stored cases' states runs on a thread of its own
	 * (metrics_count_start), so that the server listens at once; guarded by cases_mu. */
	pthread_cond_t counted_cv;
	bool counted, count_stop, count_started;
	pthread_t counter;
};

/* durable.c: an answer waiting, its connection suspended, for the flush of its ticket. */
struct durable_wait {
	struct durable_wait *next;
	struct MHD_Connection *conn;
	const void *daemon;	/* the worker's daemon that runs conn: resumes are grouped by it */
	uint64_t ticket;
	bool abandoned;		/* resumed unanswered because the server stops */
};

struct nk_server {
	struct nk_server_config cfg;
	struct MHD_Daemon *daemon;
	unsigned port;
	struct nk_store_group *group;
	pthread_key_t store_key;	/* each worker's own store connection */
	bool key_made;
	struct nk_store *shared_store;	/* mem: only, with one worker thread */
	atomic_int in_flight;		/* requests between arrival and completion */
	pthread_mutex_t rate_mu;
	struct rate_bucket *rate;	/* [HTTP_RATE_SLOTS] */
	uint8_t rate_key[16];		/* keys the buckets' hash of a token */
	struct rate_bucket *fail;	/* [HTTP_RATE_SLOTS] failed authentications by address */
	struct rate_bucket *opens;	/* [HTTP_RATE_SLOTS] cases opened by mediators, by address */
	struct rate_bucket *analyze;	/* [HTTP_RATE_SLOTS] analyses, by token */
	atomic_int analyses;		/* analyses running */
	atomic_int uploads;		/* long bodies being received (ANALYZE_UPLOADS_AT_ONCE) */
	pthread_mutex_t seen_mu;
	struct read_mark *seen;		/* [HTTP_SEEN_SLOTS] */
	struct server_metrics metrics;
	struct nk_record_log *record;	/* the record's Merkle tree, kept loaded */
	struct nk_case_cache *cache;	/* folded case states (NULL: none) */
	/* scrub.c: the thread retrying owed scrubs, with a connection of its own */
	struct nk_store *scrub_store;
	pthread_t scrub_thread;
	pthread_mutex_t scrub_mu;	/* guards scrub_stop */
	pthread_cond_t scrub_wake;
	bool scrub_stop, scrub_started, scrub_sync_made;
	atomic_bool scrub_behind;	/* the last try failed: /healthz says so */
	/* durable.c: the answers waiting for a flush, guarded by durable_mu; resuming counts
	 * the flush callbacks resuming, outside it, waiters they took off the list */
	pthread_mutex_t durable_mu;
	pthread_cond_t durable_resumed;
	struct durable_wait *durable_waiters;
	unsigned durable_resuming;
	bool durable_ready, durable_stopping;
	/* deadlines.c: the thread keeping the cases' deadlines, with its own connection */
	struct nk_store *dl_store;
	pthread_t dl_thread;
	pthread_mutex_t dl_mu;		/* guards dl_stop and the watch list */
	pthread_cond_t dl_wake;
	bool dl_stop, dl_started, dl_sync_made;
	struct deadline_watch *dl_watch;	/* [dl_cap], dl_count in use */
	size_t dl_count, dl_cap;
	/* deadlines_scan.c: the ids its last look walked, sorted; the keeper's alone */
	char (*dl_known)[NK_CASE_ID_MAX];
	size_t dl_known_count;
	/* relay.c: the blind cases' messages in transit (issue 16) */
	struct blind_relay *relay;
	/* relay_wait.c: the relay reads waiting for a message, guarded by hold_mu */
	pthread_mutex_t hold_mu;
	pthread_cond_t hold_wake;
	pthread_t hold_thread;
	struct relay_hold *holds;
	bool hold_ready, hold_started, hold_stop;
	struct receive_watch *receiving;	/* receive.c: requests late to arrive */
	/* reqlog.c: the request log's lines waiting for their writer, guarded by reqlog_mu */
	pthread_mutex_t reqlog_mu;
	pthread_cond_t reqlog_wake;
	pthread_t reqlog_thread;
	char *reqlog_buf, *reqlog_spare;	/* REQLOG_BUFFER bytes each */
	size_t reqlog_len;
	bool reqlog_started, reqlog_stop, reqlog_idle;
};

/* routes.c */
extern const struct route server_routes[];
extern const size_t server_route_count;
/* The most body route takes: limit (the server's), or more for a route that carries an
 * envelope, since a message may be longer than a figure's whole request. */
size_t route_body_max(const struct route *route, size_t limit);
/* Non-zero: the most body route takes once the request's token is found good for it on
 * the headers, before the body is read (http.c); else route_body_max holds. */
size_t route_body_max_authorised(const struct route *route);
/* Whether route's body carries a joined role's signature ("request", "signature"). */
bool route_signed_body(const struct route *route);
/* Whether route takes its body as raw bytes (application/octet-stream: the relay's
 * messages), handed to its handler undecoded, rather than a JSON object. */
bool route_raw_body(const struct route *route);
/* The route's handler is an action done through nk_case_act (act in routes.c), whose
 * transaction refuses an unsigned request of a role that has joined with a key before
 * anything else of the case is used (case_authorise): http.c leaves the same refusal
 * made from a read of the case to the request's failure (bench/README.md). */
bool route_acts_checked(const struct route *route);

/* routes_act.c: the handlers' common parts for an action. Reads the body as a request
 * for action (nk_request_from_json; v: a package's valuation, sodium_malloc'd) ... */
NK_MUST_USE enum nk_status route_read_request(struct route_call *call,
					      enum nk_case_action action,
					      struct nk_case_request *req,
					      struct nk_package_valuation *v,
					      struct nk_request_auth *buf,
					      const struct nk_request_auth **auth,
					      struct nk_error *err);
/* ... does it as role with the body's signature, and answers with role's briefing, built
 * from the state the action left (nk_case_act_brief) ... */
NK_MUST_USE enum nk_status route_act(struct route_call *call, enum nk_case_action action,
				     enum nk_role role, struct nk_error *err);
/* ... or answers with role's briefing read now, noting the case's state. */
NK_MUST_USE enum nk_status route_reply_brief(struct route_call *call, enum nk_role role,
					     struct nk_error *err);

/* http.c: this thread's worker, made with its store connection on first use. */
NK_MUST_USE enum nk_status server_worker(struct nk_server *srv, struct worker **out,
					 struct nk_error *err);

/* http.c: libmicrohttpd's callbacks, and the key destructor closing a worker's store. */
enum MHD_Result server_on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls);
void server_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode why);
void server_worker_destroy(void *worker);

/* routes_pages.c: a role's token traded for a fresh one; the operator's case list. */
NK_MUST_USE enum nk_status h_rotate(struct route_call *call, struct nk_error *err);
NK_MUST_USE enum nk_status h_overview(struct route_call *call, struct nk_error *err);
/* The mediator's reissue (a new token) and revocation of a role's tokens. */
NK_MUST_USE enum nk_status h_reissue(struct route_call *call, struct nk_error *err);
NK_MUST_USE enum nk_status h_revoke(struct route_call *call, struct nk_error *err);

/* reqlog.c: the request log written by a thread of its own (reqlog_init before anything
 * logs, reqlog_start before the daemon, reqlog_stop once it has stopped: every line
 * written by then; reqlog_free last). reqlog_put takes one whole line. */
void reqlog_init(struct nk_server *srv);
NK_MUST_USE enum nk_status reqlog_start(struct nk_server *srv, struct nk_error *err);
void reqlog_put(struct nk_server *srv, const char *line, size_t len);
void reqlog_stop(struct nk_server *srv);
void reqlog_free(struct nk_server *srv);
/* A new request's id: 64 random bits in hex. */
void reqlog_request_id(struct nk_server *srv, char out[static 17]);
/* One request's line, "time=2026-12-06T04:05:06.789Z request=ID method=M route=R
 * status=S ms=1.234\n" (method cut to 16 bytes, ms from us, at least 0), written into
 * line; returns its length. A line longer than REQLOG_LINE is cut, still ending in a
 * newline. No locale, no lock, no stdio: glibc's gmtime_r takes the process's time-zone
 * lock, which every worker took once a request. */
#define REQLOG_LINE 512
size_t reqlog_line(char line[static REQLOG_LINE], const struct timespec *when, const char *id,
		   const char *method, const char *route, unsigned status, int64_t us);

/* durable.c: answering once the flush is done, without holding a worker thread. Set up
 * before the daemon starts (durable_init, durable_start); durable_stop before the daemon
 * stops, durable_free after the group is freed. */
void durable_init(struct nk_server *srv);
void durable_start(struct nk_server *srv);
/* Inside the request's handler call: true when ticket is not yet durable and the
 * connection is now suspended, to be resumed once it is (or once a flush failed, or the
 * server stops: w->abandoned); false when the answer may go now, or must wait on this
 * thread because the server is stopping (nk_store_wait_durable). */
bool durable_defer(struct nk_server *srv, struct durable_wait *w, struct MHD_Connection *conn,
		   uint64_t ticket);
void durable_stop(struct nk_server *srv);
void durable_free(struct nk_server *srv);

/* analyze.c: POST /v1/analyze. */
NK_MUST_USE enum nk_status h_analyze(struct route_call *call, struct nk_error *err);

/* web.c: the strict headers of every answer; the handlers of the pages and assets. A
 * route path segment "{*}" matches the rest of the path. */
struct web_file;
void web_headers(struct MHD_Response *resp);
/* The answer of a built-in file (never copied or freed), without the request's id. */
struct MHD_Response *web_response(const struct web_file *file);
NK_MUST_USE enum nk_status web_index(struct route_call *call, struct nk_error *err);
NK_MUST_USE enum nk_status web_case(struct route_call *call, struct nk_error *err);
NK_MUST_USE enum nk_status web_asset(struct route_call *call, struct nk_error *err);

/* auth.c */
/* Parses "Bearer HEX" into token; false if absent or malformed. */
/* 0 when caller may call route on the case in the path; else the HTTP status (403) with
 * *detail saying why: who may is doc/api.md's table, so the refusal names them. */
unsigned auth_route_allows(const struct route *route, const struct http_caller *caller,
			   const char *case_id, const char **detail);
bool auth_parse(const char *header, uint8_t token[static NK_TOKEN_BYTES]);
/* The rate limiter's key for the role of a case a token is for (a keyed hash): every
 * token of a role draws on the role's buckets. */
uint64_t auth_rate_key(const struct nk_server *srv, const char *case_id, const char *role);
/* Whether the token's bucket of this kind holds a request; takes it when take. */
bool auth_rate(struct nk_server *srv, uint64_t key, enum rate_kind kind, bool take);
/* Whether the client address addr has used up its failed authentications (429); and
 * counting one failure against it. IPv6 addresses count by their /64. */
bool auth_fail_over(struct nk_server *srv, const struct sockaddr *addr);
void auth_fail_note(struct nk_server *srv, const struct sockaddr *addr);
/* For a route whose body may be longer than the server's limit (POST /v1/analyze, a
 * route without a case in its path): whether the request's token is the operator's or a
 * mediator's and the route grants it, looked at on the headers before a byte of the body
 * is read, so that no one without such a token gets more than the usual limit read.
 * *unknown says the token was missing, malformed or unknown: not counted as a failed
 * authentication here, but by the caller if it answers now (else dispatch counts it). */
bool auth_headers_grant(struct nk_server *srv, struct MHD_Connection *conn,
			const struct route *route, const struct sockaddr *addr, bool *unknown);
/* Takes one analysis from the role's budget (key: auth_rate_key); false when spent. */
bool auth_analyze_take(struct nk_server *srv, uint64_t key);
/* Takes one case opening from the client address's budget for mediators' tokens
 * (cfg.open_rate per hour); false when it is spent. */
bool auth_open_take(struct nk_server *srv, const struct sockaddr *addr);
/* The client address's key in the rate tables (an IPv6 address by its /64), for the
 * relay's share per address. */
uint64_t auth_address_key(const struct nk_server *srv, const struct sockaddr *addr);
/* Takes a verified signed read's time into its (case, role)'s window (read_window_take):
 * NK_EAUTH (field "signature") when it was taken already (a replay) or lies below the
 * window, NK_EREFUSED when no slot is free for a role that has none. */
NK_MUST_USE enum nk_status auth_read_mark(struct nk_server *srv, const char *case_id,
					  enum nk_role role, int64_t time_ms,
					  struct nk_error *err);
/* A joined role's signature over a request whose body carries none
 * (route->sign_in_headers), from the headers Nakodo-Request and Nakodo-Signature, checked
 * against the role's registered key, the server's clock (cfg.read_window_s) and the
 * role's last signed read (auth_read_mark). url is the decoded path; the query's arguments are
 * added in their order. body (may be NULL) is the request's. */
NK_MUST_USE enum nk_status auth_check_signed(struct nk_server *srv,
					     struct MHD_Connection *conn, const char *url,
					     const char *method, const char *body, size_t body_len,
					     struct route_call *call, struct nk_error *err);
/* Makes a fresh token, records it for (case_id, role) inside the open transaction
 * and writes its hex form into hex. */
NK_MUST_USE enum nk_status auth_issue(struct nk_store *store, const char *case_id,
				      const char *role, char hex[static HTTP_TOKEN_HEX + 1],
				      struct nk_error *err);
/* Makes the operator token if there is none, printing it once to log. */
NK_MUST_USE enum nk_status auth_ensure_operator(struct nk_store *store, FILE *log,
						struct nk_error *err);

/* request.c: decodes a request body strictly against fields. NK_EINVAL names the
 * field; depth counts nesting of arrays and objects. */
/* The size of a request's line and headers, for the --header-max check (request.c). */
size_t request_head_size(struct MHD_Connection *conn, const char *method, const char *url);
NK_MUST_USE enum nk_status request_decode(const char *body, size_t len, unsigned depth_max,
					  const struct field_spec *fields, json_t **out,
					  struct nk_error *err);
/* The same, given parsed (NULL, or request_peek's tree of this body, which it takes):
 * that reading stands for its own first one, so that a body is read once less. */
NK_MUST_USE enum nk_status request_decode_parsed(const char *body, size_t len,
						 unsigned depth_max,
						 const struct field_spec *fields, json_t *parsed,
						 json_t **out, struct nk_error *err);
/* Whether body is a JSON object with a "request" or "signature" member (a later
 * duplicate winning, as jansson reads loosely), in *signature; and, when it reads
 * strictly (no duplicate member) as an object, that tree for request_decode_parsed
 * (else NULL). The caller owns it: json_decref frees it through the wiping free. */
json_t *request_peek(const char *body, size_t len, bool *signature);

/* deadlines.c: a case the keeper watches, and when it next falls due (0: read it). */
struct deadline_watch {
	char id[NK_CASE_ID_MAX];
	int64_t next_ms;
};
/* Starts the thread that keeps the deadlines of every stored case and of each case
 * deadlines_watch adds (the ones this server opens) on time (nothing for mem:, whose
 * cases are kept on each request); deadlines_stop ends it. */
NK_MUST_USE enum nk_status deadlines_start(struct nk_server *srv, struct nk_error *err);
/* Watches id, unless it is watched already (checked and added under one hold of dl_mu). */
void deadlines_watch(struct nk_server *srv, const char *id);
void deadlines_stop(struct nk_server *srv);
/* deadlines_scan.c: one look for cases opened since the last (by another server on the
 * same database), each handed to deadlines_watch when watch is set; the first look
 * (watch false) only learns the newest. Every DEADLINES_RESCAN_MS, on the keeper's
 * thread. */
#define DEADLINES_RESCAN_MS 10000
NK_MUST_USE enum nk_status deadlines_rescan(struct nk_server *srv, bool watch,
					    struct nk_error *err);

/* scrub.c: scrubs what an earlier run left owed, then starts the thread that retries
 * owed scrubs until they succeed (nothing for mem:); scrub_stop ends it. */
NK_MUST_USE enum nk_status scrub_start(struct nk_server *srv, struct nk_error *err);
void scrub_stop(struct nk_server *srv);

/* metrics.c: with env, counts the stored cases' states before returning (mem:, whose
 * store is the worker's); with NULL, leaves that to metrics_count_start. */
NK_MUST_USE enum nk_status metrics_init(struct server_metrics *m, size_t routes,
					const struct nk_case_env *env, struct nk_error *err);
/* Starts the thread that counts the stored cases' states over a connection of its own;
 * until it is done, metrics_render waits for it. metrics_free stops and joins it. */
NK_MUST_USE enum nk_status metrics_count_start(struct nk_server *srv, struct nk_error *err);
/* Stops the counting thread (if any) and waits for it; metrics_free does it too. */
void metrics_count_stop(struct server_metrics *m);
void metrics_free(struct server_metrics *m);
/* route is an index into server_routes, or server_route_count for none. */
void metrics_request(struct server_metrics *m, size_t route, unsigned status, int64_t us);
void metrics_case_state(struct server_metrics *m, const char *case_id,
			enum nk_case_state state);
/* The Prometheus text; the caller frees it. */
char *metrics_render(struct server_metrics *m, struct nk_store_group *group);

/* relay.c (issue 16, doc/blind.md): a blind case's protocol messages between its two
 * parties, in memory. At most RELAY_CASES cases at once, RELAY_PER_ADDRESS of them taken
 * from one client address (the address of the message that took the slot), and
 * RELAY_BYTES_MAX bytes waiting in all, RELAY_ADDRESS_BYTES_MAX posted from one address; a slot is free again when its case is no longer
 * open, when it has been idle RELAY_IDLE_MS, or idle RELAY_EMPTY_IDLE_MS with nothing
 * waiting in it. RELAY_QUEUE messages and RELAY_DIRECTION_MAX bytes wait per direction,
 * RELAY_MESSAGE_MAX bytes a message (the largest garbled circuit the rules allow, with
 * room). */
#define RELAY_CASES 256
#define RELAY_PER_ADDRESS 16
#define RELAY_BYTES_MAX (64u << 20)
/* the bytes waiting in the slots one address took: its share of RELAY_BYTES_MAX */
#define RELAY_ADDRESS_BYTES_MAX (RELAY_BYTES_MAX / RELAY_PER_ADDRESS)
#define RELAY_EMPTY_IDLE_MS (60 * 1000)
#define RELAY_QUEUE 8
#define RELAY_MESSAGE_MAX NK_CHANNEL_FRAME_MAX
#define RELAY_DIRECTION_MAX (512u << 10)
#define RELAY_SEQ_MAX NK_RELAY_SEQ_MAX
#define RELAY_IDLE_MS (10 * 60 * 1000)
/* the POST's body is the message itself (application/octet-stream) */
#define RELAY_BODY_MAX RELAY_MESSAGE_MAX
extern const struct field_spec relay_fields[];
NK_MUST_USE enum nk_status relay_init(struct nk_server *srv, struct nk_error *err);
void relay_free(struct nk_server *srv);
NK_MUST_USE enum nk_status relay_put(struct route_call *call, struct nk_error *err);
NK_MUST_USE enum nk_status relay_get(struct route_call *call, struct nk_error *err);
/* After a blind outcome's answer (rc, and the briefing in call->reply): a round
 * concluded wipes what its slot held, a case that ended frees its slot, so that a
 * settled case does not count against its address's share. Returns rc. */
NK_MUST_USE enum nk_status relay_outcome(struct route_call *call, enum nk_status rc);
/* The answer to a relay read of case id as ask says, into *out: the first message
 * waiting after ask->after, or none; *posted: the box's count of messages posted so
 * far. False when out of memory. */
NK_MUST_USE bool relay_read(struct nk_server *srv, const char *id, const struct relay_ask *ask,
			    uint64_t *posted, struct relay_answer *out);
/* The HTTP answer of a relay read (relay_wait.c): 200, the message's bytes as
 * application/octet-stream, or 204 when none waits, the relay's numbers in the headers
 * Nakodo-Round, Nakodo-Epoch and Nakodo-Seq. Takes a->data; NULL when out of memory. */
struct MHD_Response *relay_response(const char *request_id, struct relay_answer *a,
				    unsigned *status);
/* Whether the box ask reads has had no message posted since ask->seen. Under hold_mu. */
bool relay_unchanged(struct nk_server *srv, const char *id, const struct relay_ask *ask);

/* relay_wait.c. The longest a relay read waits (?wait=), within the connection's
 * timeout and the client's. */
#define RELAY_WAIT_MAX_MS 20000
NK_MUST_USE enum nk_status relay_wait_start(struct nk_server *srv, struct nk_error *err);
/* Answers every waiting read (with what is there) and refuses to hold more: before the
 * daemon stops. */
void relay_wait_stop(struct nk_server *srv);
/* relay_wait_stop, then its thread's state freed: after the daemon stopped. */
void relay_wait_free(struct nk_server *srv);
/* Holds the read (its answer sent when a message is posted to its box or its wait
 * ends), suspending conn; false when it must be answered now. */
bool relay_hold(struct nk_server *srv, struct relay_hold *h, struct MHD_Connection *conn,
		const char *id, const struct relay_ask *ask);
/* A message was posted to role's box of case id: its waiting reads are answered. */
void relay_wake(struct nk_server *srv, const char *id, int role);

#endif
