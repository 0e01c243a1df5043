/* The go-between as a network service: an HTTP JSON API over the same case functions
 * as the command, with per-role access tokens and a bound on every input. The
 * routes, their answers and every limit are documented in doc/api.md. */
#ifndef NAKODO_SERVER_H
#define NAKODO_SERVER_H

#include <nakodo/status.h>

struct nk_server_key;

#include <stddef.h>
#include <stdio.h>

/* Every bound the server keeps, and where it listens. */
struct nk_server_config {
	const char *listen;		/* "HOST:PORT"; port 0 picks a free one */
	const char *db;			/* store URL, as for nk_store_open */
	unsigned threads;		/* worker threads, one store connection each */
	size_t cache_cases;		/* folded case states kept in memory, least
					 * recently used evicted (0: none) */
	size_t body_max;		/* request body bytes (413 beyond) */
	unsigned depth_max;		/* JSON nesting (400 beyond) */
	size_t url_max;			/* request target bytes (414 beyond) */
	size_t header_max;		/* per-connection memory for the request line and
					 * headers (431 beyond) */
	unsigned timeout_s;		/* idle connection timeout */
	unsigned connections_max;	/* open connections at once */
	unsigned connections_per_address; /* of them from one client address (0: no
					 * limit, for a server behind a proxy) */
	unsigned rate;			/* requests per second per token (429 beyond) */
	unsigned burst;			/* requests a token may make at once */
	unsigned fail_rate;		/* failed authentications per minute per client
					 * address (429 beyond, before any token lookup) */
	unsigned fail_burst;		/* failed authentications an address may make at once */
	unsigned open_rate;		/* cases a client address may open an hour with
					 * mediators' tokens, at most as many at once
					 * (429 beyond; the operator's token is not bound) */
	unsigned read_window_s;		/* a signed read's time may differ from the
					 * server's clock by this much (403 beyond) */
	const char *public_url;		/* NULL, or the address users reach the server at
					 * ("https://nakodo.example"): an opened case's
					 * answer then carries its invitation links */
	FILE *log;			/* one line per request; NULL: stderr */
	/* HTTPS instead of HTTP: the certificate (chain) and its private key, PEM text,
	 * both or neither (NULL: plain HTTP); borrowed until nk_server_stop. */
	const char *tls_cert_pem;
	const char *tls_key_pem;
	const struct nk_server_key *signer;	/* countersigns every event and signs the
						 * record; required, borrowed (outlives
						 * the server) */
};

/* The documented defaults: 127.0.0.1:8750, nakodo.db, 4 threads, 64 KiB bodies, depth
 * 16, 2 KiB URLs, 16 KiB of headers, 30 s timeout, 1024 connections
 * (128 from one address), 50 requests per
 * second per token with bursts of 100, 60 failed authentications per minute per client
 * address with bursts of 60, 20 cases an hour opened with mediators' tokens per client
 * address, signed reads within 120 s of the server's clock, 16,384 cases' folded states
 * cached. */
void nk_server_config_default(struct nk_server_config *cfg);

/* Checks cfg as nk_server_start would (every bound, --listen's text, --public-url), all
 * but the signer and the TLS pair, touching nothing: a command runs it before it makes
 * the server's key or database, so that bad input changes nothing. */
NK_MUST_USE enum nk_status nk_server_config_check(const struct nk_server_config *cfg,
						  struct nk_error *err);

struct nk_server;

/* Opens (creating if needed) the store, makes the operator token on first start and
 * prints it once to the log as "operator token: TOKEN", and starts serving. *out is
 * untouched on failure. */
NK_MUST_USE enum nk_status nk_server_start(struct nk_server **out,
					   const struct nk_server_config *cfg,
					   struct nk_error *err);

/* The port it listens on (useful with port 0). */
unsigned nk_server_port(const struct nk_server *srv);

/* Stops accepting, finishes the requests in flight, closes every store connection
 * after the last flush. Accepts NULL. */
void nk_server_stop(struct nk_server *srv);

struct nk_store;

#define NK_OPERATOR_TOKEN_HEX 65	/* the operator token's hex text and its NUL */

/* A lost operator token's remedy, run on the database with its storage key (the
 * server need not be stopped: every request looks its token up in the store): in one
 * transaction, revokes every operator token (*revoked: how many) and records a new
 * random one, whose hex goes to hex, the only copy (the store keeps its hash). */
NK_MUST_USE enum nk_status nk_server_reissue_operator_token(struct nk_store *store,
							    char hex[static NK_OPERATOR_TOKEN_HEX],
							    size_t *revoked,
							    struct nk_error *err);

#endif
