/* The command's HTTP client (libcurl): one request per call (a session keeps one
 * connection for a run's many), answers bounded in size, problem documents turned into
 * the same error report and exit status as local mode, and briefings decoded back into
 * struct nk_brief so that they print identically. */
#include <nakodo/alloc.h>
#include <nakodo/buffers.h>
#include <nakodo/time.h>
#include "cmd_brief.h"
#include "package_case.h"
#include "remote.h"
#include <nakodo/case_json.h>
#include <nakodo/json_build.h>

#include <curl/curl.h>
#include <stdatomic.h>
#include <strings.h>
#include <time.h>
#include <getopt.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <errno.h>
#include <arpa/inet.h>

#define REMOTE_REPLY_MAX (4u << 20)	/* bytes of an answer */

void remote_option(struct remote *r, int opt, const char *arg)
{
	if (opt == REMOTE_OPT_SERVER) {
		r->server = arg;
		r->server_from = "--server";
	} else if (opt == REMOTE_OPT_TOKEN) {
		r->token = arg;
		r->token_from = "--token";
	}
}

int cli_case_args_parse(struct cli_ctx *ctx, const char *name, const char *accepts, int argc,
			char **argv, struct cli_case_args *a, struct remote *remote)
{
	static const struct option opts[] = {
		{ "as", required_argument, NULL, 'a' }, { "key", required_argument, NULL, 'k' },
		{ "to", required_argument, NULL, 't' }, { "out", required_argument, NULL, 'o' },
		REMOTE_OPTIONS, { NULL, 0, NULL, 0 },
	};
	const char **slot;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-", opts, NULL)) != -1) {
		slot = c == 1 && !a->id ? &a->id : NULL;
		if (c == 'a' || c == 'k' || c == 't' || c == 'o')
			slot = !strchr(accepts, c) ? NULL : c == 'a' ? &a->as : c == 'k' ? &a->key
			       : c == 't' ? &a->to : &a->out;
		if (slot)
			*slot = optarg;
		else if (c == REMOTE_OPT_SERVER || c == REMOTE_OPT_TOKEN)
			remote_option(remote, c, optarg);
		else if (c == 'a' || c == 'k' || c == 't' || c == 'o')
			return cli_usage_error(ctx, name, "this command takes no --%s",
					       c == 'a' ? "as" : c == 'k' ? "key" : c == 't' ? "to" : "out");
		else
			return cli_bad_option(ctx, name, opts, c, argv);
	}
	return CLI_OK;
}

bool remote_active(struct remote *r)
{
	if (!r->server || !*r->server) {
		r->server = getenv("NAKODO_SERVER");
		r->server_from = "NAKODO_SERVER";
	}
	if (!r->token || !*r->token) {
		r->token = getenv("NAKODO_TOKEN");
		r->token_from = "NAKODO_TOKEN";
	}
	return r->server && *r->server;
}

static size_t on_data(char *ptr, size_t size, size_t n, void *arg)
{
	size_t add = size * n;

	/* grown by copy, the old block wiped: the answer may carry the party's figures */
	return nk_buf_append(arg, ptr, add) ? add : 0;
}

/* The status a problem's HTTP status stands for, for the exit status and --json: 1 for
 * what the case's rules refuse, 2 for what the command must change (bad input, a token
 * that is not the case's or not the right role's, no such case), 3 for what may pass by
 * itself (the server busy, 429, or failing, 5xx), as a database's or a file's failure
 * locally. */
static enum nk_status status_for_http(long http)
{
	switch (http) {
	case 409:
		return NK_EREFUSED;
	case 404:
		return NK_ENOTFOUND;
	case 400: case 401: case 403: case 405: case 413: case 414: case 415: case 431:
		return NK_EINVAL;
	default:
		return NK_ESTORE;
	}
}

/* What the user gave the token with, for a message ("--token", "NAKODO_TOKEN"). */
const char *remote_token_source(const struct remote *r)
{
	return r->token_from ? r->token_from : "--token or NAKODO_TOKEN";
}

/* The server's field for the token's header is "Authorization", which the user never
 * wrote: the message names what the user gave instead. */
static int report_problem(struct cli_ctx *ctx, const struct remote *r, long http,
			  const json_t *doc, long retry_after)
{
	struct nk_error err = { 0 };
	const char *field = json_string_value(json_object_get(doc, "field"));
	const char *detail = json_string_value(json_object_get(doc, "detail"));

	if (field && strcasecmp(field, "Authorization") == 0)
		field = "token";
	nk_fail(&err, status_for_http(http), field ? field : "", "%s",
		detail ? detail : "the server refused the request");
	/* a signed request refused: the case's own words, as local mode prints them */
	if ((http == 401 || http == 403) && field &&
	    (strcmp(field, "signature") == 0 || strcmp(field, "request") == 0))
		nk_fail(&err, NK_EAUTH, field, "%s", detail ? detail : "the signature was refused");
	else if (http == 403 && detail && strncmp(detail, "only ", 5) == 0)
		/* the token is good, its role is not the one for this: say so, not "check it" */
		nk_fail(&err, NK_EINVAL, "role", "%s (HTTP 403): the token given with %s is "
			"valid, but its role may not; this needs the token of the role named",
			detail, remote_token_source(r));
	else if (http == 401 || http == 403)
		nk_fail(&err, NK_EINVAL, field ? field : "token",
			"%s (HTTP %ld; check the token given with %s%s)",
			detail ? detail : "access refused", http, remote_token_source(r),
			http == 403 ? ", and the case id" : "");
	else if (http == 429 && retry_after > 0)
		nk_fail(&err, NK_ESTORE, field ? field : "", "%s (HTTP 429): the server asks to "
			"wait; try again in %ld s", detail ? detail : "too many requests",
			retry_after);
	else if (http == 429)
		nk_fail(&err, NK_ESTORE, field ? field : "", "%s (HTTP 429): the server asks to "
			"wait; try again later", detail ? detail : "too many requests");
	return cli_report(ctx, &err);
}

/* The time of the process's last signed request: one process may run both sides (a
 * bench), and a burst of them runs ahead of the clock (see remote_session_close). */
static _Atomic int64_t last_ms;

/* The headers of a signed read of path as role, with the key: Nakodo-Request (the
 * clock, in ms) and Nakodo-Signature (doc/api.md, "Signed reads"). */
static enum nk_status read_headers(const struct remote *r, enum nk_role role, const char *method,
				   const char *path, const uint8_t *body, size_t body_len,
				   struct curl_slist **headers, struct nk_error *err)
{
	static const char prefix[] = "/v1/cases/";
	char id[NK_CASE_ID_MAX], line[64 + 2 * NK_SIGNATURE_BYTES];
	char hex[2 * NK_SIGNATURE_BYTES + 1];
	struct nk_request_auth auth;
	int64_t prev, now;
	size_t n;
	enum nk_status rc;

	if (strncmp(path, prefix, sizeof(prefix) - 1) != 0 ||
	    (n = strcspn(path + sizeof(prefix) - 1, "/?")) == 0 || n >= sizeof(id))
		return nk_fail(err, NK_EINVAL, "url", "a signed read names its case");
	memcpy(id, path + sizeof(prefix) - 1, n);
	id[n] = '\0';
	/* the server takes a role's reads only at rising times: one more than the last if
	 * the clock has not moved since (each of the process's threads sends one at a time) */
	now = nk_time_now_ms();
	prev = atomic_load(&last_ms);
	while (!atomic_compare_exchange_weak(&last_ms, &prev, now > prev ? now : prev + 1))
		;
	/* a process that runs round after round at once (a platform embedding the client)
	 * stays within a second of the clock, far inside the server's window */
	if (prev + 1 - now > 1000) {
		int64_t ms = prev + 1 - now - 1000;

		nanosleep(&(struct timespec){ ms / 1000, (long)(ms % 1000) * 1000000L }, NULL);
	}
	rc = nk_case_read_sign_body(r->key, id, role, now > prev ? now : prev + 1, method, path,
				    body, body_len, &auth, err);
	if (rc != NK_OK)
		return rc;
	sodium_bin2hex(hex, sizeof(hex), auth.signature, sizeof(auth.signature));
	snprintf(line, sizeof(line), "Nakodo-Request: %llu", (unsigned long long)auth.number);
	*headers = curl_slist_append(*headers, line);
	snprintf(line, sizeof(line), "Nakodo-Signature: %s", hex);
	*headers = curl_slist_append(*headers, line);
	return NK_OK;
}

/* libcurl's global state, counted: every call and a session hold it. Its buffers (the
 * request it composes, the answer it reads) are wiped when it frees them, as jansson's
 * are. */
static CURLcode global_init(void)
{
	return curl_global_init_mem(CURL_GLOBAL_DEFAULT, nk_alloc_malloc, nk_alloc_free,
				    nk_alloc_realloc, nk_alloc_strdup, nk_alloc_calloc);
}

int remote_session_open(struct remote *r)
{
	if (global_init() != CURLE_OK)
		return CLI_STORAGE;
	if (!(r->session = curl_easy_init())) {
		curl_global_cleanup();
		return CLI_STORAGE;
	}
	return CLI_OK;
}

void remote_clock_settle(void)
{
	/* A run of many signed requests (a blind round's relay, hundreds within a few
	 * milliseconds) numbers them one past the last when the clock has not moved, so it can
	 * end ahead of the clock; the server takes a role's next read only at a later time, so
	 * the party's next command, started at once, would be refused as a replay. Wait until
	 * the clock has passed the last number (bounded: read_headers keeps it within a
	 * second). Only a process that ends needs this: one that goes on numbers on. */
	for (int i = 0; i < 2000 && nk_time_now_ms() <= atomic_load(&last_ms); i++)
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
}

void remote_session_close(struct remote *r)
{
	if (!r->session)
		return;
	curl_easy_cleanup(r->session);
	r->session = NULL;
	curl_global_cleanup();
}

/* The role a 401 asks a signature of, when the answer is that and the request can be
 * signed with a key we hold: then the request is sent again, signed. */
static bool asks_signature(const struct remote *r, long http, const json_t *doc, bool has_body,
			   enum nk_role *role)
{
	const char *field = json_string_value(json_object_get(doc, "field"));

	return http == 401 && r->key && !has_body && field && strcmp(field, "signature") == 0 &&
	       nk_role_parse(json_string_value(json_object_get(doc, "role")), role) == NK_OK;
}

/* The answer's body into a relay's buffer (remote_call_bytes), bounded by its room. */
static size_t on_bytes(char *ptr, size_t size, size_t n, void *arg)
{
	struct remote_bytes *io = arg;
	size_t add = size * n;

	if (add > io->cap - io->len) {
		io->too_big = true;
		return 0;
	}
	memcpy(io->data + io->len, ptr, add);
	io->len += add;
	return add;
}

/* The relay's numbers among the answer's headers (remote_call_bytes). */
static size_t on_header(char *line, size_t size, size_t n, void *arg)
{
	static const char *const names[] = { "Nakodo-Round:", "Nakodo-Epoch:", "Nakodo-Seq:" };
	struct remote_bytes *io = arg;
	char *const slots[] = { io->round, io->epoch, io->seq };
	size_t len = size * n;

	for (size_t i = 0; i < 3; i++) {
		size_t k = strlen(names[i]), m;

		if (len <= k || strncasecmp(line, names[i], k) != 0)
			continue;
		line += k;
		m = len - k;
		while (m && (*line == ' ' || *line == '\t'))
			line++, m--;
		while (m && (line[m - 1] == '\r' || line[m - 1] == '\n' || line[m - 1] == ' '))
			m--;
		/* a value too long for a number is kept cut, and then refused as one */
		snprintf(slots[i], sizeof(io->seq), "%.*s", (int)(m < 20 ? m : 20), line);
	}
	return len;
}

/* One request; a successful answer goes to *reply as JSON, or, when raw is given, to
 * *raw as text (malloc, NUL-terminated) whatever its type, or, when io is given, to its
 * buffer, its body sent from it as raw bytes. A bodiless request that the server refuses
 * for want of the token's joined role's signature is signed with the key, when there is
 * one, and sent again once. */
static int call(struct cli_ctx *ctx, const struct remote *r, const char *method,
		const char *path, json_t *body, json_t **reply, char **raw, size_t *raw_len,
		struct remote_bytes *io)
{
	struct nk_buf buf = { .max = REMOTE_REPLY_MAX };
	struct curl_slist *headers = NULL;
	struct nk_error err = { 0 };
	char *text = NULL, *auth = NULL, url[1024];
	json_t *doc = NULL;
	CURL *curl = NULL;
	long http = 0;
	size_t auth_len, base_len;
	int rc = CLI_STORAGE;
	enum nk_role role;
	bool sign = false, local;
	CURLcode cc;

	/* an address nakodo cannot speak to is bad input (2), not a network fault (3) */
	if (strncasecmp(r->server, "http://", 7) != 0 && strncasecmp(r->server, "https://", 8) != 0) {
		json_decref(body);
		return cli_usage_error(ctx, "nakodo", "the server address (from %s) must start with "
				       "https:// or http://", r->server_from ? r->server_from
				       : "--server or NAKODO_SERVER");
	}
	if ((!r->token || !*r->token) && !r->anonymous) {
		json_decref(body);
		/* a server named only by the environment: say so, and how to work locally */
		if (r->server_from && strcmp(r->server_from, "NAKODO_SERVER") == 0)
			return cli_usage_error(ctx, "nakodo", "NAKODO_SERVER names a server (%s), which "
					       "needs --token TOKEN (or NAKODO_TOKEN); to use a local "
					       "database instead, unset NAKODO_SERVER", r->server);
		return cli_usage_error(ctx, "nakodo", "--server needs --token TOKEN (or NAKODO_TOKEN)");
	}
	if (r->token && *r->token && (rc = remote_token_check(ctx, r)) != CLI_OK) {
		json_decref(body);
		return rc;
	}
	if (ctx->cacert && access(ctx->cacert, R_OK) != 0) {
		json_decref(body);
		return cli_usage_error(ctx, "nakodo", "--cacert %s: %s", ctx->cacert, strerror(errno));
	}
	if ((rc = remote_server_check(ctx, r, &local)) != CLI_OK) {
		json_decref(body);
		return rc;
	}
	remote_warn_cleartext(ctx, r->server, !local);
	base_len = strlen(r->server);
	while (base_len && r->server[base_len - 1] == '/')	/* "http://host:8750/" too */
		base_len--;
	if ((size_t)snprintf(url, sizeof(url), "%.*s%s", (int)base_len, r->server, path) >=
	    sizeof(url)) {
		json_decref(body);
		return cli_usage_error(ctx, "nakodo", "the server URL is too long");
	}
	auth_len = strlen("Authorization: Bearer ") + (r->token ? strlen(r->token) : 0) + 1;
	/* each value at a fixed width: a body's length, which TLS shows, tells nothing of
	 * the figure it carries (doc/api.md, "Fixed widths") */
	if (body && !(text = nk_json_text_fixed(body)))
		goto nomem;
	if (!(auth = sodium_malloc(auth_len)) || global_init() != CURLE_OK ||
	    !(curl = r->session ? r->session : curl_easy_init()))
		goto nomem;
	if (r->session)	/* its options from the last call go; its connection stays */
		curl_easy_reset(curl);
	snprintf(auth, auth_len, "Authorization: Bearer %s", r->token ? r->token : "");
again:
	if (r->token && *r->token)
		headers = curl_slist_append(headers, auth);
	if (text)
		headers = curl_slist_append(headers, "Content-Type: application/json");
	else if (io && io->body)
		headers = curl_slist_append(headers, "Content-Type: " NK_RELAY_CONTENT_TYPE);
	/* no "Expect: 100-continue" before a large body: the server reads every body it
	 * is sent (it refuses a long one by its declared length), so the wait for "100
	 * Continue" would cost a round trip per message of a blind round for nothing */
	if (text || (io && io->body))
		headers = curl_slist_append(headers, "Expect:");
	if ((sign || r->sign_first) &&
	    read_headers(r, r->sign_first ? r->sign_role : role, method, path,
			 !r->sign_first ? NULL : text ? (const uint8_t *)text : io ? io->body : NULL,
			 !r->sign_first ? 0 : text ? strlen(text) : io ? io->body_len : 0,
			 &headers, &err) != NK_OK) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	/* https: the server's certificate and name are checked, against a private CA when
	 * the user names one (--cacert, NAKODO_CACERT), else the system's */
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	if (ctx->cacert)
		curl_easy_setopt(curl, CURLOPT_CAINFO, ctx->cacert);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, REMOTE_TIMEOUT_S);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, io ? on_bytes : on_data);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, io ? (void *)io : &buf);
	if (io) {
		io->len = 0;
		io->too_big = false;
		io->round[0] = io->epoch[0] = io->seq[0] = '\0';
		curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(curl, CURLOPT_HEADERDATA, io);
	}
	if (text) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, text);
	} else if (io && io->body) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, io->body);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)io->body_len);
	}
	cc = curl_easy_perform(curl);
	if (cc != CURLE_OK) {
		if (buf.too_big || (io && io->too_big))
			nk_fail(&err, NK_ESTORE, "server", "%s: the answer is too large", r->server);
		else
			remote_connect_failure(r, cc, &err);
		rc = cli_report(ctx, &err);
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http);
	if (io && http < 400) {	/* the relay's bytes, for the caller to read */
		io->http = http;
		rc = CLI_OK;
		goto out;
	}
	doc = buf.len ? json_loadb(buf.data, buf.len, JSON_REJECT_DUPLICATES, NULL) :
	      io && io->len ? json_loadb((const char *)io->data, io->len, JSON_REJECT_DUPLICATES,
					 NULL) : NULL;
	if (!sign && asks_signature(r, http, doc, text != NULL || (io && io->body), &role)) {
		sign = true;
		json_decref(doc);
		doc = NULL;
		curl_slist_free_all(headers);
		headers = NULL;
		nk_buf_free(&buf);
		goto again;
	}
	if (http >= 400 && io && io->quiet) {
		io->http = http;
		rc = CLI_REFUSED;
	} else if (http >= 400) {
		curl_off_t wait = 0;

		if (curl_easy_getinfo(curl, CURLINFO_RETRY_AFTER, &wait) != CURLE_OK || wait < 0)
			wait = 0;
		rc = report_problem(ctx, r, http, doc, wait > 86400 ? 86400 : (long)wait);
	} else if (raw && buf.data) {
		*raw = buf.data;
		*raw_len = buf.len;
		buf.data = NULL;
		rc = CLI_OK;
	} else if (raw || !json_is_object(doc)) {
		nk_fail(&err, NK_ESTORE, "server", "%s answered HTTP %ld without a JSON object", r->server, http);
		rc = cli_report(ctx, &err);
	} else {
		*reply = doc;
		doc = NULL;
		rc = CLI_OK;
	}
	goto out;
nomem:
	nk_fail(&err, NK_ENOMEM, "", "out of memory");
	rc = cli_report(ctx, &err);
out:
	json_decref(doc);
	json_decref(body);
	curl_slist_free_all(headers);
	if (curl && curl != r->session)
		curl_easy_cleanup(curl);
	curl_global_cleanup();
	nk_alloc_free(text);
	nk_alloc_free(buf.data);
	sodium_free(auth);
	return rc;
}

int remote_call(struct cli_ctx *ctx, const struct remote *r, const char *method,
		const char *path, json_t *body, json_t **reply)
{
	return call(ctx, r, method, path, body, reply, NULL, NULL, NULL);
}

int remote_call_bytes(struct cli_ctx *ctx, const struct remote *r, const char *method,
		      const char *path, struct remote_bytes *io)
{
	return call(ctx, r, method, path, NULL, NULL, NULL, NULL, io);
}

int remote_get_text(struct cli_ctx *ctx, const struct remote *r, const char *path, char **text,
		    size_t *len)
{
	return call(ctx, r, "GET", path, NULL, NULL, text, len, NULL);
}
