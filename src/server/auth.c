/* Access: bearer tokens of 256 random bits, shown once and kept by the store only as a
 * keyed hash; the operator's token made on first start; a token-bucket rate limit per
 * case role (all the tokens of one role share it), keyed by a hash;
 * a budget of failed authentications per client address, checked before any token is
 * looked up, so that guessing costs the guesser and not the store; and each role's
 * signed read times (the highest and a window below it), which make a captured read
 * useless. */
#include "server/server_impl.h"
#include "base/hex.h"
#include <nakodo/time.h>

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>

bool auth_parse(const char *header, uint8_t token[static NK_TOKEN_BYTES])
{
	static const char scheme[] = "Bearer ";
	const char *hex;

	if (!header || strncmp(header, scheme, sizeof(scheme) - 1) != 0)
		return false;
	hex = header + sizeof(scheme) - 1;
	if (strlen(hex) != HTTP_TOKEN_HEX)
		return false;
	return nk_hex_decode(hex, NK_TOKEN_BYTES, token);
}

/* The bucket of key in table, refilled at per_s up to burst; takes cost when take. True
 * when it held that much. Called under rate_mu. */
static bool bucket(struct rate_bucket *table, uint64_t key, double per_s, double burst,
		   bool take, double cost)
{
	struct rate_bucket *b = &table[key % HTTP_RATE_SLOTS];
	int64_t now = nk_time_mono_us();
	bool ok;

	key |= 1;	/* 0 marks an empty slot */
	/* Only an empty slot starts full. Keys that fall in one slot share its level: were
	 * a new key to refill it, two colliding tokens taking turns would refill each other
	 * on every request and never be limited. A slot left alone has refilled anyway. */
	if (b->key == 0) {
		b->level = burst;
		b->last_us = now;
	}
	b->key = key;
	b->level += (double)(now - b->last_us) * per_s / 1e6;
	if (b->level > burst)
		b->level = burst;
	b->last_us = now;
	ok = b->level >= cost;
	if (ok && take)
		b->level -= cost;
	return ok;
}

uint64_t auth_rate_key(const struct nk_server *srv, const char *case_id, const char *role)
{
	char who[NK_CASE_ID_MAX + NK_TOKEN_ROLE_MAX + 1];
	size_t c = strlen(case_id), r = strlen(role), n = 0;
	uint64_t key = 0;

	/* "case/role", put together by hand: a snprintf on every request cost more than
	 * the hash */
	if (c + 1 + r < sizeof(who)) {
		memcpy(who, case_id, c);
		who[c] = '/';
		memcpy(who + c + 1, role, r);
		n = c + 1 + r;
	}
	/* the role's, not the token's: a token traded for a fresh one (token/rotate) or
	 * reissued would start with a full bucket, so that trading before each burst ran
	 * out took any rate at all */
	crypto_shorthash((uint8_t *)&key, (const uint8_t *)who, n, srv->rate_key);
	return key;
}

bool auth_rate(struct nk_server *srv, uint64_t key, enum rate_kind kind, bool take)
{
	bool ok;

	/* apart from the signed bucket's key: unsigned requests cannot spend it */
	if (kind == RATE_UNSIGNED)
		key ^= 0x756e7369676e6564;
	pthread_mutex_lock(&srv->rate_mu);
	ok = bucket(srv->rate, key, srv->cfg.rate, srv->cfg.burst, take,
		    kind == RATE_RELAY ? 0.125 : 1.0);
	pthread_mutex_unlock(&srv->rate_mu);
	return ok;
}

/* The failure bucket's key for a client address: IPv4 (mapped or not) by its 4 bytes,
 * IPv6 by its /64, which one subscriber usually holds whole. */
static uint64_t address_key(const struct nk_server *srv, const struct sockaddr *addr)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	uint8_t in[17] = { 0 };
	size_t len = 1;
	uint64_t key = 0;

	if (addr && addr->sa_family == AF_INET) {
		in[0] = 4;
		memcpy(in + 1, &((const struct sockaddr_in *)addr)->sin_addr, 4);
		len = 5;
	} else if (addr && addr->sa_family == AF_INET6) {
		const uint8_t *a = ((const struct sockaddr_in6 *)addr)->sin6_addr.s6_addr;

		in[0] = memcmp(a, mapped, sizeof(mapped)) == 0 ? 4 : 6;
		memcpy(in + 1, in[0] == 4 ? a + 12 : a, in[0] == 4 ? 4 : 8);
		len = in[0] == 4 ? 5 : 9;
	}
	crypto_shorthash((uint8_t *)&key, in, len, srv->rate_key);
	return key ^ 0x6661696c;	/* apart from the token buckets' keys */
}

uint64_t auth_address_key(const struct nk_server *srv, const struct sockaddr *addr)
{
	return address_key(srv, addr);
}

bool auth_fail_over(struct nk_server *srv, const struct sockaddr *addr)
{
	uint64_t key = address_key(srv, addr);
	bool ok;

	pthread_mutex_lock(&srv->rate_mu);
	ok = bucket(srv->fail, key, srv->cfg.fail_rate / 60.0, srv->cfg.fail_burst, false, 1.0);
	pthread_mutex_unlock(&srv->rate_mu);
	return !ok;
}

void auth_fail_note(struct nk_server *srv, const struct sockaddr *addr)
{
	uint64_t key = address_key(srv, addr);

	pthread_mutex_lock(&srv->rate_mu);
	(void)bucket(srv->fail, key, srv->cfg.fail_rate / 60.0, srv->cfg.fail_burst, true, 1.0);
	pthread_mutex_unlock(&srv->rate_mu);
}

bool auth_open_take(struct nk_server *srv, const struct sockaddr *addr)
{
	uint64_t key = address_key(srv, addr);
	bool ok;

	pthread_mutex_lock(&srv->rate_mu);
	ok = bucket(srv->opens, key, srv->cfg.open_rate / 3600.0, srv->cfg.open_rate, true, 1.0);
	pthread_mutex_unlock(&srv->rate_mu);
	return ok;
}

bool auth_headers_grant(struct nk_server *srv, struct MHD_Connection *conn,
			const struct route *route, const struct sockaddr *addr, bool *unknown)
{
	char case_id[NK_CASE_ID_MAX], role[NK_TOKEN_ROLE_MAX];
	struct nk_error err = { 0 };
	struct worker *w;
	uint8_t token[NK_TOKEN_BYTES];
	bool found;

	*unknown = false;
	if (auth_fail_over(srv, addr) || server_worker(srv, &w, &err) != NK_OK)
		return false;
	found = auth_parse(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						       MHD_HTTP_HEADER_AUTHORIZATION), token) &&
		nk_store_token_find(w->store, token, case_id, role, &err) == NK_OK;
	sodium_memzero(token, sizeof(token));
	*unknown = !found;
	return found && ((strcmp(role, "operator") == 0 && (route->access & ACCESS_OPERATOR)) ||
			 (strcmp(role, "mediator") == 0 && (route->access & ACCESS_ANY_MEDIATOR)));
}

bool auth_analyze_take(struct nk_server *srv, uint64_t key)
{
	bool ok;

	pthread_mutex_lock(&srv->rate_mu);
	ok = bucket(srv->analyze, key ^ 0x616e616c797a65, ANALYZE_RATE, ANALYZE_BURST, true, 1.0);
	pthread_mutex_unlock(&srv->rate_mu);
	return ok;
}

#define MARK_PROBES 64

enum nk_status auth_read_mark(struct nk_server *srv, const char *case_id, enum nk_role role,
			      int64_t time_ms, struct nk_error *err)
{
	uint8_t h[16], role_byte = (uint8_t)role;
	uint64_t start;
	struct read_mark *mine = NULL, *free_slot = NULL;
	crypto_generichash_state st;
	int64_t forget;
	enum nk_status rc = NK_OK;

	/* a mark at or below this is below every time that freshness still lets through */
	forget = nk_time_now_ms() - (int64_t)srv->cfg.read_window_s * 1000;
	crypto_generichash_init(&st, srv->rate_key, sizeof(srv->rate_key), sizeof(h));
	crypto_generichash_update(&st, (const uint8_t *)case_id, strlen(case_id) + 1);
	crypto_generichash_update(&st, &role_byte, 1);
	crypto_generichash_final(&st, h, sizeof(h));
	memcpy(&start, h, sizeof(start));
	pthread_mutex_lock(&srv->seen_mu);
	for (unsigned i = 0; i < MARK_PROBES && !mine; i++) {
		struct read_mark *m = &srv->seen[(start + i) % HTTP_SEEN_SLOTS];
		bool live = m->last_ms > forget;

		if (live && memcmp(m->hash, h, sizeof(h)) == 0)
			mine = m;
		else if (!free_slot && !live)
			free_slot = m;
	}
	if (!mine && !free_slot) {
		/* Forgetting a live mark would let that role's reads be replayed: refuse. Each
		 * case's role holds one slot, so only this many roles reading at once fill it. */
		rc = nk_fail(err, NK_EREFUSED, "signature", "too many roles have read within the "
			     "freshness window; try again shortly");
		goto out;
	}
	if (!mine) {
		mine = free_slot;
		memset(mine, 0, sizeof(*mine));
		memcpy(mine->hash, h, sizeof(h));
	}
	switch (read_window_take(mine, time_ms)) {
	case READ_TAKEN:
		break;
	case READ_REPLAYED:
		rc = nk_fail(err, NK_EAUTH, "signature", "this signed read's time was taken "
			     "already from this role: a replay (sign each read afresh)");
		break;
	case READ_TOO_OLD:
		rc = nk_fail(err, NK_EAUTH, "signature", "this signed read's time is more than "
			     "%d ms below the latest this role made: too old to tell from a replay "
			     "(sign it again)", READ_WINDOW_MS);
		break;
	}
out:
	pthread_mutex_unlock(&srv->seen_mu);
	sodium_memzero(h, sizeof(h));
	return rc;
}

enum nk_status auth_issue(struct nk_store *store, const char *case_id, const char *role,
			  char hex[static HTTP_TOKEN_HEX + 1], struct nk_error *err)
{
	uint8_t *token = sodium_malloc(NK_TOKEN_BYTES);
	enum nk_status rc;

	if (!token)
		return nk_fail(err, NK_ENOMEM, "token", "out of memory");
	randombytes_buf(token, NK_TOKEN_BYTES);
	rc = nk_store_token_put(store, token, case_id, role, err);
	if (rc == NK_OK)
		sodium_bin2hex(hex, HTTP_TOKEN_HEX + 1, token, NK_TOKEN_BYTES);
	sodium_free(token);
	return rc;
}

enum nk_status auth_ensure_operator(struct nk_store *store, FILE *log, struct nk_error *err)
{
	char *hex = NULL;
	size_t count = 0;
	enum nk_status rc;

	if (!(hex = sodium_malloc(HTTP_TOKEN_HEX + 1)))
		return nk_fail(err, NK_ENOMEM, "token", "out of memory");
	/* counted inside the transaction: of several servers starting at once on one
	 * database, one makes the token (the store serialises server-wide tokens) */
	if ((rc = nk_store_begin(store, err)) != NK_OK)
		goto out;
	if ((rc = nk_store_token_count(store, "", "operator", &count, err)) != NK_OK || count > 0) {
		nk_store_rollback(store);
		goto out;
	}
	rc = auth_issue(store, "", "operator", hex, err);
	if (rc == NK_OK)
		rc = nk_store_commit(store, err);
	if (rc != NK_OK) {
		nk_store_rollback(store);
		goto out;
	}
	/* shown once, on first start: the store keeps only its hash */
	fprintf(log, "operator token: %s\n", hex);
	fflush(log);
out:
	sodium_free(hex);
	return rc;
}

_Static_assert(NK_OPERATOR_TOKEN_HEX == HTTP_TOKEN_HEX + 1, "the operator token's text");

enum nk_status nk_server_reissue_operator_token(struct nk_store *store,
						char hex[static NK_OPERATOR_TOKEN_HEX],
						size_t *revoked, struct nk_error *err)
{
	enum nk_status rc;

	if ((rc = nk_store_begin(store, err)) != NK_OK)
		return rc;
	if ((rc = nk_store_token_revoke(store, "", "operator", revoked, err)) == NK_OK &&
	    (rc = auth_issue(store, "", "operator", hex, err)) == NK_OK &&
	    (rc = nk_store_commit(store, err)) == NK_OK)
		return NK_OK;
	nk_store_rollback(store);
	sodium_memzero(hex, NK_OPERATOR_TOKEN_HEX);
	return rc;
}

/* The request target as signed: the path, then the query's arguments as the server
 * decoded them, in their order ("?after=3"). */
struct target {
	char *text;
	size_t len, cap;
	bool overflow, query;
};

static void target_add(struct target *t, const char *s)
{
	size_t n = strlen(s);

	if (t->overflow || t->len + n + 1 > t->cap) {
		t->overflow = true;
		return;
	}
	memcpy(t->text + t->len, s, n + 1);
	t->len += n;
}

static enum MHD_Result target_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *value)
{
	struct target *t = cls;

	(void)kind;
	target_add(t, t->query ? "&" : "?");
	t->query = true;
	target_add(t, key);
	if (value) {
		target_add(t, "=");
		target_add(t, value);
	}
	return MHD_YES;
}

/* A joined role's signature over a request without a signed body, from its headers, checked against
 * the role's registered key, the server's clock and the role's last signed read. */
enum nk_status auth_check_signed(struct nk_server *srv, struct MHD_Connection *conn,
				 const char *url, const char *method, const char *body,
				 size_t body_len, struct route_call *call, struct nk_error *err)
{
	const char *when = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Nakodo-Request");
	const char *hex = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Nakodo-Signature");
	struct nk_request_auth buf = { 0 };
	const struct nk_request_auth *auth = NULL;
	struct target t = { 0 };
	enum nk_role role;
	bool checked = false;
	int64_t now_ms, window_ms = (int64_t)srv->cfg.read_window_s * 1000;
	size_t got = 0;
	enum nk_status rc;

	if (nk_role_parse(call->caller->role, &role) != NK_OK)
		return NK_OK;	/* the operator: no key of its own on a case */
	if (when || hex) {
		char *end = NULL;
		long long v;

		call->signed_request = true;
		if (!when || !hex)
			return nk_fail(err, NK_EINVAL, when ? "Nakodo-Signature" : "Nakodo-Request",
				       "a signed request has both Nakodo-Request and "
				       "Nakodo-Signature");
		errno = 0;
		v = strtoll(when, &end, 10);
		if (errno || end == when || *end || v < 1)
			return nk_fail(err, NK_EINVAL, "Nakodo-Request", "the signer's time in "
				       "milliseconds since 1970, a whole number");
		if (strlen(hex) != 2 * NK_SIGNATURE_BYTES ||
		    sodium_hex2bin(buf.signature, sizeof(buf.signature), hex, strlen(hex), NULL,
				   &got, NULL) != 0 || got != sizeof(buf.signature))
			return nk_fail(err, NK_EINVAL, "Nakodo-Signature",
				       "a signature is %d hex digits", 2 * NK_SIGNATURE_BYTES);
		buf.number = (uint64_t)v;
		auth = &buf;
	}
	t.cap = 2 * strlen(url) + 2 * srv->cfg.url_max + 2;
	if (!(t.text = calloc(1, t.cap)))
		return nk_fail(err, NK_ENOMEM, "url", "out of memory");
	target_add(&t, url);
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, target_arg, &t);
	if (t.overflow) {
		rc = nk_fail(err, NK_EINVAL, "url", "the request target is longer than the limit");
		goto out;
	}
	rc = nk_case_read_check(&call->env, call->case_id, role, method, t.text,
				(const uint8_t *)body, body_len, auth, &checked, err);
	if (rc == NK_EAUTH && !auth)
		call->problem_role = call->caller->role;
	if (rc != NK_OK || !checked)
		goto out;
	now_ms = nk_time_now_ms();
	/* Checked after the signature: only an authentic request is called stale. */
	if ((int64_t)buf.number > now_ms + window_ms || (int64_t)buf.number < now_ms - window_ms)
		rc = nk_fail(err, NK_EAUTH, "Nakodo-Request", "the signed request's time is more "
			     "than %u s from the server's clock: stale, or the clock is wrong",
			     srv->cfg.read_window_s);
	else if ((rc = auth_read_mark(srv, call->case_id, role, (int64_t)buf.number, err)) == NK_OK)
		call->verified = true;
out:
	free(t.text);
	return rc;
}

unsigned auth_route_allows(const struct route *route, const struct http_caller *caller,
			   const char *case_id, const char **detail)
{
	static const struct { const char *role; unsigned bit; } bits[] = {
		{ "operator", ACCESS_OPERATOR }, { "mediator", ACCESS_MEDIATOR },
		{ "claimant", ACCESS_CLAIMANT }, { "payer", ACCESS_PAYER },
		{ "claimant-principal", ACCESS_CLAIMANT_PRINCIPAL },
		{ "payer-principal", ACCESS_PAYER_PRINCIPAL },
	};
	unsigned bit = 0;

	enum nk_role neutral;

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (strcmp(bits[i].role, caller->role) == 0)
			bit = bits[i].bit;
	if (nk_role_parse(caller->role, &neutral) == NK_OK &&
	    nk_role_kind(neutral) == NK_ROLE_NEUTRAL)
		bit = ACCESS_NEUTRAL;
	if (bit == ACCESS_MEDIATOR && (route->access & ACCESS_ANY_MEDIATOR))
		return 0;
	if (!(route->access & bit)) {	/* who may is doc/api.md's, so it can be said */
		unsigned who = route->access & (ACCESS_OPERATOR | ACCESS_MEDIATOR |
						ACCESS_CLAIMANT | ACCESS_PAYER);

		*detail = who == ACCESS_MEDIATOR ? "only the case's mediator may do this"
			: who == ACCESS_OPERATOR && (route->access & ACCESS_ANY_MEDIATOR) ?
				"only the operator or a case's mediator may do this"
			: who == ACCESS_OPERATOR ? "only the operator may do this"
			: who == (ACCESS_CLAIMANT | ACCESS_PAYER) ? "only the claimant or the payer "
								    "may do this"
			/* an operator reading a case was told only "this role may not" */
			: bit == ACCESS_OPERATOR ? "the operator's token opens and lists cases; a "
				"case's own routes take a token of one of its roles (the opening "
				"printed one per role; the mediator's reissues them)"
			: "this role may not do this";
		return 403;
	}
	if (bit != ACCESS_OPERATOR && strcmp(caller->case_id, case_id) != 0) {
		*detail = "this token is for another case";
		return 403;
	}
	return 0;
}
