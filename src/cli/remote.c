/* The command's HTTP client (libcurl): one request per call, answers bounded in size,
 * problem documents turned into the same error report and exit status as local mode,
 * and briefings decoded back into struct nk_brief so that they print identically. */
#include <nakodo/alloc.h>
#include "package_case.h"
#include "remote.h"
#include <nakodo/case_json.h>

#include <curl/curl.h>
#include <getopt.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REMOTE_REPLY_MAX (4u << 20)	/* bytes of an answer */
#define REMOTE_TIMEOUT_S 30L

struct reply_buf {
	char *data;
	size_t len;
	bool too_big;
};

void remote_option(struct remote *r, int opt, const char *arg)
{
	if (opt == REMOTE_OPT_SERVER)
		r->server = arg;
	else if (opt == REMOTE_OPT_TOKEN)
		r->token = arg;
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
			return cli_usage_error(ctx, name, "unknown option or extra argument '%s'",
					       argv[optind - 1]);
	}
	return CLI_OK;
}

bool remote_active(struct remote *r)
{
	if (!r->server || !*r->server)
		r->server = getenv("NAKODO_SERVER");
	if (!r->token || !*r->token)
		r->token = getenv("NAKODO_TOKEN");
	return r->server && *r->server;
}

static size_t on_data(char *ptr, size_t size, size_t n, void *arg)
{
	struct reply_buf *b = arg;
	size_t add = size * n;
	char *grown;

	if (b->len + add > REMOTE_REPLY_MAX) {
		b->too_big = true;
		return 0;
	}
	/* grown by copy, the old block wiped: the answer may carry the party's figures */
	if (!(grown = nk_alloc_realloc(b->data, b->len + add + 1)))
		return 0;
	memcpy(grown + b->len, ptr, add);
	b->data = grown;
	b->len += add;
	b->data[b->len] = '\0';
	return add;
}

/* The status a problem's HTTP status stands for, for the exit status and --json. */
static enum nk_status status_for_http(long http)
{
	switch (http) {
	case 409:
		return NK_EREFUSED;
	case 404:
		return NK_ENOTFOUND;
	case 400: case 401: case 403: case 405: case 413: case 414: case 415: case 429: case 431:
		return NK_EINVAL;
	default:
		return NK_ESTORE;
	}
}

static int report_problem(struct cli_ctx *ctx, long http, const json_t *doc)
{
	struct nk_error err = { 0 };
	const char *field = json_string_value(json_object_get(doc, "field"));
	const char *detail = json_string_value(json_object_get(doc, "detail"));

	nk_fail(&err, status_for_http(http), field ? field : "", "%s",
		detail ? detail : "the server refused the request");
	/* a signed request refused: the case's own words, as local mode prints them */
	if ((http == 401 || http == 403) && field &&
	    (strcmp(field, "signature") == 0 || strcmp(field, "request") == 0))
		nk_fail(&err, NK_EAUTH, field, "%s", detail ? detail : "the signature was refused");
	else if (http == 401 || http == 403)
		nk_fail(&err, NK_EINVAL, field ? field : "", "%s (HTTP %ld; check --token or NAKODO_TOKEN)",
			detail ? detail : "access refused", http);
	return cli_report(ctx, &err);
}

/* The headers of a signed read of path as role, with the key: Nakodo-Request (the
 * clock, in ms) and Nakodo-Signature (doc/api.md, "Signed reads"). */
static enum nk_status read_headers(const struct remote *r, enum nk_role role, const char *method,
				   const char *path, struct curl_slist **headers,
				   struct nk_error *err)
{
	static const char prefix[] = "/v1/cases/";
	char id[NK_CASE_ID_MAX], line[64 + 2 * NK_SIGNATURE_BYTES];
	char hex[2 * NK_SIGNATURE_BYTES + 1];
	struct nk_request_auth auth;
	struct timespec ts;
	size_t n;
	enum nk_status rc;

	if (strncmp(path, prefix, sizeof(prefix) - 1) != 0 ||
	    (n = strcspn(path + sizeof(prefix) - 1, "/?")) == 0 || n >= sizeof(id))
		return nk_fail(err, NK_EINVAL, "url", "a signed read names its case");
	memcpy(id, path + sizeof(prefix) - 1, n);
	id[n] = '\0';
	clock_gettime(CLOCK_REALTIME, &ts);
	rc = nk_case_read_sign(r->key, id, role, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000,
			       method, path, &auth, err);
	if (rc != NK_OK)
		return rc;
	sodium_bin2hex(hex, sizeof(hex), auth.signature, sizeof(auth.signature));
	snprintf(line, sizeof(line), "Nakodo-Request: %llu", (unsigned long long)auth.number);
	*headers = curl_slist_append(*headers, line);
	snprintf(line, sizeof(line), "Nakodo-Signature: %s", hex);
	*headers = curl_slist_append(*headers, line);
	return NK_OK;
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

/* One request; a successful answer goes to *reply as JSON, or, when raw is given, to
 * *raw as text (malloc, NUL-terminated) whatever its type. A bodiless request that the
 * server refuses for want of the token's joined role's signature is signed with the
 * key, when there is one, and sent again once. */
static int call(struct cli_ctx *ctx, const struct remote *r, const char *method,
		const char *path, json_t *body, json_t **reply, char **raw, size_t *raw_len)
{
	struct reply_buf buf = { 0 };
	struct curl_slist *headers = NULL;
	struct nk_error err = { 0 };
	char *text = NULL, *auth = NULL, url[1024];
	json_t *doc = NULL;
	CURL *curl = NULL;
	long http = 0;
	size_t auth_len;
	int rc = CLI_STORAGE;
	enum nk_role role;
	bool sign = false;
	CURLcode cc;

	if (!r->token || !*r->token) {
		json_decref(body);
		return cli_usage_error(ctx, "nakodo", "--server needs --token TOKEN (or NAKODO_TOKEN)");
	}
	if ((size_t)snprintf(url, sizeof(url), "%s%s", r->server, path) >= sizeof(url)) {
		json_decref(body);
		return cli_usage_error(ctx, "nakodo", "the server URL is too long");
	}
	auth_len = strlen("Authorization: Bearer ") + strlen(r->token) + 1;
	if (body && !(text = json_dumps(body, JSON_COMPACT)))
		goto nomem;
	/* libcurl's own buffers (the request it composes, the answer it reads) are wiped
	 * when it frees them, as jansson's are */
	if (!(auth = sodium_malloc(auth_len)) ||
	    curl_global_init_mem(CURL_GLOBAL_DEFAULT, nk_alloc_malloc, nk_alloc_free,
				 nk_alloc_realloc, nk_alloc_strdup, nk_alloc_calloc) != CURLE_OK ||
	    !(curl = curl_easy_init()))
		goto nomem;
	snprintf(auth, auth_len, "Authorization: Bearer %s", r->token);
again:
	headers = curl_slist_append(headers, auth);
	if (text)
		headers = curl_slist_append(headers, "Content-Type: application/json");
	if (sign && read_headers(r, role, method, path, &headers, &err) != NK_OK) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, REMOTE_TIMEOUT_S);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &buf);
	if (text)
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, text);
	cc = curl_easy_perform(curl);
	if (cc != CURLE_OK) {
		nk_fail(&err, NK_ESTORE, "server", "%s: %s", r->server,
			buf.too_big ? "the answer is too large" : curl_easy_strerror(cc));
		rc = cli_report(ctx, &err);
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http);
	doc = buf.len ? json_loadb(buf.data, buf.len, JSON_REJECT_DUPLICATES, NULL) : NULL;
	if (!sign && asks_signature(r, http, doc, text != NULL, &role)) {
		sign = true;
		json_decref(doc);
		doc = NULL;
		curl_slist_free_all(headers);
		headers = NULL;
		sodium_memzero(buf.data, buf.len);
		free(buf.data);
		buf = (struct reply_buf){ 0 };
		goto again;
	}
	if (http >= 400) {
		rc = report_problem(ctx, http, doc);
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
	if (curl)
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
	return call(ctx, r, method, path, body, reply, NULL, NULL);
}

int remote_get_text(struct cli_ctx *ctx, const struct remote *r, const char *path, char **text,
		    size_t *len)
{
	return call(ctx, r, "GET", path, NULL, NULL, text, len);
}

/* ---- briefings back from JSON ---- */

static int64_t get_i(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static bool get_b(const json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

/* The index of text among names(0..count-1), or -1. */
static int name_index(const char *text, const char *(*name)(int), int count)
{
	for (int i = 0; text && i < count; i++)
		if (strcmp(name(i), text) == 0)
			return i;
	return -1;
}

static const char *deal_name(int i) { return nk_deal_kind_name((enum nk_deal_kind)i); }
static const char *state_name(int i) { return nk_case_state_name((enum nk_case_state)i); }

static enum nk_deal_kind deal_of(const json_t *name)
{
	int i = name_index(json_string_value(name), deal_name, NK_DEAL_PROPOSAL + 1);

	return i > 0 ? (enum nk_deal_kind)i : NK_NO_DEAL;
}

static struct nk_interval get_interval(const json_t *o)
{
	return (struct nk_interval){ .low = get_i(o, "low"), .high = get_i(o, "high") };
}

static void round_from_json(const json_t *o, const struct nk_rules *rules,
			    struct nk_brief_round *r)
{
	const json_t *hint = json_object_get(o, "hint"), *leak = json_object_get(o, "leakage");

	r->own_submitted = get_b(o, "submitted");
	r->own_figure = get_i(o, "own_figure");
	r->own_extension = get_i(o, "own_extension");
	r->evaluated = get_b(o, "evaluated");
	r->deal = deal_of(json_object_get(o, "outcome"));
	r->figure = get_i(o, "figure");
	r->hint = -1;
	for (int band = 0; json_is_string(hint) && band <= rules->hint_count; band++) {
		char text[NK_HINT_TEXT_MAX];

		nk_bargain_hint_text(rules, band, text);
		if (strcmp(text, json_string_value(hint)) == 0)
			r->hint = band;
	}
	r->withheld = get_b(o, "hint_withheld");
	if (json_is_object(leak)) {
		r->has_view = true;
		r->view.other = get_interval(json_object_get(leak, "other_within"));
		r->view.bits = json_number_value(json_object_get(leak, "bits"));
		r->view.exposed = get_interval(json_object_get(leak, "exposed_within"));
		r->view.exposed_bits = json_number_value(json_object_get(leak, "exposed_bits"));
	}
}

/* A count the server sent, or 0 (negative numbers are not counts). */
static uint64_t get_count(const json_t *o, const char *key)
{
	int64_t v = get_i(o, key);

	return v > 0 ? (uint64_t)v : 0;
}

static void traffic_from_json(const json_t *obj, struct nk_brief *b)
{
	const json_t *m = json_object_get(obj, "messages"), *d = json_object_get(obj, "deposit");

	for (int k = 0; k < NK_ROLE_COUNT; k++) {
		b->sent[k] = get_count(json_object_get(m, "sent"), nk_role_name((enum nk_role)k));
		b->received[k] = get_count(json_object_get(m, "received"),
					   nk_role_name((enum nk_role)k));
	}
	b->last_request = get_count(obj, "last_request");
	b->token_reissues = (uint32_t)get_count(json_object_get(obj, "token"), "reissued");
	b->token_revokes = (uint32_t)get_count(json_object_get(obj, "token"), "revoked");
	b->token_changed_ms = get_i(json_object_get(obj, "token"), "changed_ms");
	b->deposits = get_count(d, "number");
	b->deposit_held = get_b(d, "held");
	b->released = get_b(d, "released");
}

/* The keys the roles registered ("keys", by role), as both kinds of briefing list them. */
static void keys_from_json(const json_t *obj, struct nk_brief *b)
{
	for (int k = 0; k < NK_ROLE_COUNT; k++) {
		const json_t *key = json_object_get(json_object_get(obj, "keys"),
						    nk_role_name((enum nk_role)k));
		struct nk_error ignored = { 0 };

		b->joined[k] = json_is_object(key) &&
			nk_key_from_hex(json_string_value(json_object_get(key, "sign")),
					b->identity[k].sign, &ignored) == NK_OK &&
			nk_key_from_hex(json_string_value(json_object_get(key, "seal")),
					b->identity[k].seal, &ignored) == NK_OK;
	}
}

/* A package case's briefing (nk_package_brief_to_json's shape) carries its own rounds:
 * only what identifies the case and what a signed request needs (the keys and the
 * role's last request number) are kept here; package_brief_answer prints the rest. */
static enum nk_status package_brief_from_json(const json_t *obj, struct nk_brief *b,
					      struct nk_error *err)
{
	const char *id = json_string_value(json_object_get(obj, "case"));
	const char *kind = json_string_value(json_object_get(obj, "kind"));
	int state;

	if (!id || strlen(id) >= sizeof(b->case_id) || strcmp(kind, "package") != 0 ||
	    nk_role_parse(json_string_value(json_object_get(obj, "role")), &b->role) != NK_OK ||
	    (state = name_index(json_string_value(json_object_get(obj, "state")), state_name,
				NK_STATE_CLOSED + 1)) < 0)
		return nk_fail(err, NK_ECORRUPT, "server", "the server's briefing is malformed");
	memcpy(b->case_id, id, strlen(id) + 1);
	b->state = (enum nk_case_state)state;
	b->package = true;
	b->last_request = get_count(obj, "last_request");
	keys_from_json(obj, b);
	return NK_OK;
}

enum nk_status remote_brief_from_json(const json_t *obj, struct nk_brief *b, struct nk_error *err)
{
	const json_t *rounds = json_object_get(obj, "rounds"), *p = json_object_get(obj, "proposal");
	const json_t *s = json_object_get(obj, "settlement");
	const char *id = json_string_value(json_object_get(obj, "case"));
	const char *answer;
	enum nk_status rc;
	int state;

	memset(b, 0, sizeof(*b));
	if (json_is_string(json_object_get(obj, "kind")))
		return package_brief_from_json(obj, b, err);
	if (!id || strlen(id) >= sizeof(b->case_id) || !json_is_array(rounds) ||
	    json_array_size(rounds) > NK_ROUNDS_MAX ||
	    nk_role_parse(json_string_value(json_object_get(obj, "role")), &b->role) != NK_OK ||
	    (state = name_index(json_string_value(json_object_get(obj, "state")), state_name,
				NK_STATE_CLOSED + 1)) < 0)
		return nk_fail(err, NK_ECORRUPT, "server", "the server's briefing is malformed");
	if ((rc = nk_rules_from_json(json_object_get(obj, "rules"), &b->rules, err)) != NK_OK)
		return rc;
	memcpy(b->case_id, id, strlen(id) + 1);
	b->state = (enum nk_case_state)state;
	b->round = (int)json_array_size(rounds);
	for (int i = 0; i < b->round; i++) {
		round_from_json(json_array_get(rounds, (size_t)i), &b->rules, &b->rounds[i]);
		if (b->rounds[i].evaluated)
			b->rounds_evaluated = i + 1;
	}
	b->figures_deleted = get_b(obj, "figures_deleted");
	b->events = get_i(obj, "events");
	b->own_answer = -1;
	b->proposal_accepted = -1;
	if (json_is_object(p)) {
		b->proposals = (int)get_i(p, "count");
		b->proposal = get_i(p, "figure");
		b->proposal_pending = get_b(p, "pending");
		answer = json_string_value(json_object_get(p, "own_answer"));
		if (answer)
			b->own_answer = strcmp(answer, "accept") == 0;
		if (json_is_boolean(json_object_get(p, "accepted")))
			b->proposal_accepted = get_b(p, "accepted");
	}
	if (json_is_object(s)) {
		b->settled = true;
		b->settlement = get_i(s, "figure");
		b->settled_by = deal_of(json_object_get(s, "by"));
		if (json_is_string(json_object_get(s, "seed"))) {
			size_t got = 0;

			b->seed_revealed = sodium_hex2bin(b->seed, sizeof(b->seed),
				json_string_value(json_object_get(s, "seed")),
				json_string_length(json_object_get(s, "seed")), NULL, &got, NULL) == 0 &&
				got == sizeof(b->seed);
		}
	}
	traffic_from_json(obj, b);
	keys_from_json(obj, b);
	return NK_OK;
}

int remote_show_brief(struct cli_ctx *ctx, const char *id, json_t *reply, bool after_action)
{
	struct nk_brief *b = sodium_malloc(sizeof(*b));
	struct nk_error err = { 0 };
	int rc = CLI_OK;

	if (!b) {
		json_decref(reply);
		nk_fail(&err, NK_ENOMEM, "brief", "out of memory");
		return cli_report(ctx, &err);
	}
	if (json_is_string(json_object_get(reply, "kind"))) {
		sodium_free(b);
		return package_brief_answer(ctx, id, reply, after_action);
	}
	if (ctx->json) {
		cli_print_json(ctx, reply);
		reply = NULL;
	} else if (remote_brief_from_json(reply, b, &err) != NK_OK) {
		rc = cli_report(ctx, &err);
	} else if (after_action) {
		fprintf(ctx->out, "ok: case %s is %s%s\n", id, nk_case_state_name(b->state),
			b->state == NK_STATE_OPEN ? "" : " (see nakodo brief)");
	} else {
		cli_print_brief(ctx->out, b);
	}
	json_decref(reply);
	sodium_free(b);
	return rc;
}

int remote_brief(struct cli_ctx *ctx, const struct remote *r, const char *id, struct nk_brief *b)
{
	char path[NK_CASE_ID_MAX + 32];
	struct nk_error err = { 0 };
	json_t *reply = NULL;
	int rc;

	snprintf(path, sizeof(path), "/v1/cases/%s/brief", id);
	if ((rc = remote_call(ctx, r, "GET", path, NULL, &reply)) != CLI_OK)
		return rc;
	if (remote_brief_from_json(reply, b, &err) != NK_OK)
		rc = cli_report(ctx, &err);
	json_decref(reply);
	return rc;
}
