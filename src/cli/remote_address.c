/* What a user gave as the server's address and token, checked before anything is sent
 * (remote.c's call), and why a request found no server, said in the user's terms: the
 * address and where it came from, never the token. Split from remote.c. */
#include "remote.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Why a request found no server, in words that say what to check: the address, and
 * where it came from (--server or NAKODO_SERVER). Never the token. */
void remote_connect_failure(const struct remote *r, int code, struct nk_error *err)
{
	CURLcode cc = (CURLcode)code;
	const char *from = r->server_from ? r->server_from : "--server or NAKODO_SERVER";
	bool https = strncasecmp(r->server, "https://", 8) == 0;

	switch (cc) {
	case CURLE_COULDNT_CONNECT:
		nk_fail(err, NK_ESTORE, "server", "cannot connect to %s: is the server running, "
			"and listening at that address and port? (the address is from %s)",
			r->server, from);
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
		nk_fail(err, NK_ESTORE, "server", "cannot find the host of %s: check the address "
			"given with %s", r->server, from);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		nk_fail(err, NK_ESTORE, "server", "%s did not answer within %ld s: is it the "
			"server's address (%s), and is the server overloaded?", r->server,
			REMOTE_TIMEOUT_S, from);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
		nk_fail(err, NK_ESTORE, "server", "%s: its certificate was not accepted (%s): a "
			"server with a private CA's certificate needs --cacert FILE (or NAKODO_CACERT), "
			"and the name in %s must be the certificate's", r->server,
			curl_easy_strerror(cc), from);
		break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CERTPROBLEM:
		nk_fail(err, NK_ESTORE, "server", "%s: the TLS handshake failed (%s): does the "
			"server speak TLS (started with --tls-cert and --tls-key)? if not, give its "
			"address with http:// in %s", r->server, curl_easy_strerror(cc), from);
		break;
	case CURLE_GOT_NOTHING:
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_RECV_ERROR:
		nk_fail(err, NK_ESTORE, "server", "%s: %s%s", r->server, curl_easy_strerror(cc),
			https ? ": is it a nakodo server?" : ": is it a nakodo server? one that "
			"speaks TLS needs https:// in the address");
		break;
	default:
		nk_fail(err, NK_ESTORE, "server", "%s: %s (the address is from %s)", r->server,
			curl_easy_strerror(cc), from);
	}
}

/* A token as the user gave it, checked before it is sent: 64 hex digits, as every
 * token nakodo prints is. The message names what was given, never the token. */
int remote_token_check(struct cli_ctx *ctx, const struct remote *r)
{
	size_t n = strlen(r->token);

	if (n == 64 && strspn(r->token, "0123456789abcdefABCDEF") == 64)
		return CLI_OK;
	if (strstr(r->token, "#token="))
		return cli_usage_error(ctx, "nakodo", "the token given with %s is an invitation "
				       "link: give the 64 hex digits after '#token=' (or open the "
				       "link in a browser)", remote_token_source(r));
	return cli_usage_error(ctx, "nakodo", "the token given with %s is not a token: a token "
			       "is 64 hex digits, as 'nakodo case new' or 'nakodo token reissue' "
			       "printed it (%zu characters given)", remote_token_source(r), n);
}

/* The server's address, checked before anything is sent: http:// or https://, a host,
 * and no login (user:password@), query or fragment, which an invitation link or a login
 * given as the address would carry into every message that names the address and, over
 * plain HTTP, across the network. The refusal never repeats the address. *local: the
 * host is this machine (localhost, [::1], an IPv4 address in 127.0.0.0/8; not a name
 * that merely begins "127.", nor a login that does). */
int remote_server_check(struct cli_ctx *ctx, const struct remote *r, bool *local)
{
	const char *from = r->server_from ? r->server_from : "--server or NAKODO_SERVER";
	char *scheme = NULL, *host = NULL, *part = NULL;
	struct in_addr v4;
	CURLU *u = curl_url();
	int rc = CLI_OK;

	*local = false;
	if (!u) {
		struct nk_error err = { 0 };

		nk_fail(&err, NK_ENOMEM, "server", "out of memory");
		return cli_report(ctx, &err);
	}
	if (curl_url_set(u, CURLUPART_URL, r->server, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		rc = cli_usage_error(ctx, "nakodo", "the server address given with %s is not a URL: "
				     "give it as http://HOST:PORT or https://HOST:PORT", from);
	} else if (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0) {
		rc = cli_usage_error(ctx, "nakodo", "the server address given with %s must "
				     "start with https:// or http://", from);
	} else if (curl_url_get(u, CURLUPART_USER, &part, 0) == CURLUE_OK ||
		   curl_url_get(u, CURLUPART_PASSWORD, &part, 0) == CURLUE_OK) {
		rc = cli_usage_error(ctx, "nakodo", "the server address given with %s carries a "
				     "login (user@ or user:password@): give the address alone "
				     "(not repeated here)", from);
	} else if (curl_url_get(u, CURLUPART_FRAGMENT, &part, 0) == CURLUE_OK ||
		   curl_url_get(u, CURLUPART_QUERY, &part, 0) == CURLUE_OK) {
		rc = cli_usage_error(ctx, "nakodo", "the server address given with %s has a '#' "
				     "or '?' part, as an invitation link does: give the server's "
				     "address alone (http://HOST:PORT) and the token with --token "
				     "(not repeated here)", from);
	} else {
		*local = strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0 ||
			 (inet_pton(AF_INET, host, &v4) == 1 &&
			  (ntohl(v4.s_addr) >> 24) == 127);
		if (strcasecmp(scheme, "https") == 0)
			*local = true;	/* not in clear: no warning owed */
	}
	if (part)
		sodium_memzero(part, strlen(part));
	curl_free(part);
	curl_free(host);
	curl_free(scheme);
	curl_url_cleanup(u);
	return rc;
}

/* Says once a run that the server is reached in clear, before the first token goes. */
void remote_warn_cleartext(struct cli_ctx *ctx, const char *server, bool away)
{
	static atomic_bool told;

	if (away && !atomic_exchange(&told, true))
		fprintf(ctx->err, "nakodo: warning: %s is plain HTTP to another machine: your "
			"token and what you send or read cross the network in clear, for anyone "
			"on the way to take; use https://\n", server);
}
