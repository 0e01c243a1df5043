/* nakodo serve: the go-between as an HTTP JSON API (doc/api.md). Every bound is an
 * option; SIGTERM or SIGINT stops it cleanly after the requests in flight. */
#include "cmd_server_key.h"
#include "serve_tls.h"
#include "util.h"

#include <nakodo/server.h>
#include <nakodo/store.h>

#include <jansson.h>
#include <sodium.h>

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char serve_help[] =
	"usage: nakodo serve [--listen HOST:PORT] [--db sqlite:PATH|postgresql://...]\n"
	"                    [--keys DIR] [--threads N] [--tls-cert FILE --tls-key FILE]\n"
	"                    [--public-url URL] [LIMITS]\n"
	"       nakodo serve --print-key [--db DB] [--keys DIR] [--json]\n"
	"       nakodo serve --reissue-operator-token [--db DB] [--keys DIR] [--json]\n\n"
	"Serves the API of doc/api.md and the web pages of doc/web.md (open the printed\n"
	"address in a browser). On first start it makes the operator's token and\n"
	"prints it once, on standard error, as 'operator token: TOKEN'. One log line per\n"
	"request goes to standard error. SIGTERM or SIGINT stops it after the requests in\n"
	"flight. A PostgreSQL database (a libpq URI; several servers may share it) needs\n"
	"--keys DIR, the folder of its storage key and signing key (doc/deploy.md). The\n"
	"server's signing key is PATH.server-key beside an SQLite database, or server.key\n"
	"in the --keys folder, made on first need; --print-key prints its public half (as\n"
	"'nakodo server-key') and exits.\n"
	"A lost operator token is not recoverable (the database keeps only its hash):\n"
	"--reissue-operator-token, run where the database and its storage key are (the\n"
	"server may keep running), revokes every operator token, prints a new one once on\n"
	"standard output ('operator token: TOKEN'; --json: {\"operator_token\", \"revoked\"})\n"
	"and exits.\n\n"
	"  --listen HOST:PORT     address and port (default 127.0.0.1:8750): an IPv4 address,\n"
	"                         or an IPv6 one in brackets, [::1]:8750 (loopback) or\n"
	"                         [::]:8750 (every IPv6 interface, IPv6 only); port 0 picks\n"
	"                         a free one, printed as 'listening on http://HOST:PORT'\n"
	"  --threads N            worker threads, each with its own store connection (default 4)\n"
	"  --cache N              cases whose folded state is kept in memory, checked against\n"
	"                         the database on every use (default 16384, about 0.4 KiB\n"
	"                         each as opened; 0: none)\n"
	"  --tls-cert FILE        serve HTTPS with this PEM certificate (chain), and\n"
	"  --tls-key FILE         its PEM private key (not readable by other users); the\n"
	"                         listening line then says https://. Clients check the\n"
	"                         certificate: nakodo --cacert FILE for a private CA\n"
	"  --public-url URL       the address users reach this server at, when it is not the\n"
	"                         --listen one (behind a TLS proxy, say): http(s)://HOST[:PORT],\n"
	"                         no path. The answer to opening a case then carries each\n"
	"                         role's invitation link, URL/case/ID#token=TOKEN; without it\n"
	"                         'nakodo case new --server URL' makes them from its own URL\n"
	"limits (what happens beyond them):\n"
	"  --body-max BYTES       request body (default 65536; 413)\n"
	"  --depth-max N          JSON nesting (default 16; 400)\n"
	"  --url-max BYTES        request target (default 2048; 414)\n"
	"  --header-max BYTES     request line and headers (default 16384; 431)\n"
	"  --timeout SECONDS      idle connection timeout, and the time a request has to\n"
	"                         arrive whole (plus 1 s per 4 KiB of body) (default 30)\n"
	"  --connections-max N    open connections (default 1024; refused)\n"
	"  --connections-per-address N\n"
	"                         of them from one client address (default 128; refused;\n"
	"                         0: no limit, for a server behind a proxy, which then\n"
	"                         limits its clients itself)\n"
	"  --rate N               requests per second per case role (default 50; 429)\n"
	"  --burst N              requests a token may make at once (default 100)\n"
	"  --fail-rate N          failed authentications (no, unknown or revoked token, missing\n"
	"                         or bad signature) per minute per client address (default 60;\n"
	"                         429 before any token is looked up; IPv6 counts by /64)\n"
	"  --fail-burst N         failed authentications an address may make at once (default 60)\n"
	"  --open-rate N          cases a client address may open an hour with mediators'\n"
	"                         tokens (default 20; 429; the operator's token is not bound)\n"
	"  --read-window SECONDS  a signed read's time may differ this much from the server's\n"
	"                         clock (default 120; 403); seen signatures are remembered as\n"
	"                         long, in memory\n";

/* A whole number in [0, max] from option text. */
static bool number(const char *text, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || *end || end == text || text[0] == '-' || v > max)
		return false;
	*out = v;
	return true;
}

/* The host of HOST:PORT or [HOST]:PORT into host (brackets dropped), its family and the
 * port's colon; false when it is neither (left to the server, which says why). */
static bool listen_host(const char *listen, char *host, size_t cap, int *family,
			const char **colon)
{
	bool v6 = listen[0] == '[';
	const char *start = listen + v6;
	size_t len;

	*colon = strrchr(listen, ':');
	if (!*colon || *colon < start || (v6 && (*colon)[-1] != ']'))
		return false;
	len = (size_t)(*colon - start) - v6;
	if (len >= cap)
		return false;
	memcpy(host, start, len);
	host[len] = '\0';
	*family = v6 ? AF_INET6 : AF_INET;
	return true;
}

/* Whether HOST:PORT can be bound, tried before the database and the operator's token are
 * made: a busy port was told "could not listen" with no reason, after a first start had
 * printed a token and made a database. As the server binds (SO_REUSEADDR); its text was
 * checked already (nk_server_config_check), port 0 is left to the server. */
static enum nk_status listen_check(const char *listen, struct nk_error *err)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *sa = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sa6 = (struct sockaddr_in6 *)&ss;
	const char *colon;
	char host[64];
	unsigned long port;
	int fd, one = 1, e, family;

	if (!listen_host(listen, host, sizeof(host), &family, &colon) ||
	    !number(colon + 1, 65535, &port) || port == 0)
		return NK_OK;
	ss.ss_family = (sa_family_t)family;
	if (inet_pton(family, host, family == AF_INET6 ? (void *)&sa6->sin6_addr
				: (void *)&sa->sin_addr) != 1 ||
	    (fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return NK_OK;
	if (family == AF_INET6) {	/* as the server binds it: IPv6 alone */
		sa6->sin6_port = htons((uint16_t)port);
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	} else {
		sa->sin_port = htons((uint16_t)port);
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	e = bind(fd, (struct sockaddr *)&ss, family == AF_INET6 ? sizeof(*sa6) : sizeof(*sa)) == 0
	    ? 0 : errno;
	close(fd);
	if (!e)
		return NK_OK;
	return nk_fail(err, NK_EINVAL, "listen", "cannot listen on %s: %s%s", listen, strerror(e),
		       e == EADDRINUSE ? " (another server, or another program, listens there: "
		       "stop it or give another port)" : e == EACCES ? " (a port below 1024 "
		       "needs privileges)" : e == EADDRNOTAVAIL ? " (no interface of this "
		       "machine has that address)" : "");
}

/* --reissue-operator-token: the new token on standard output, once, then wiped. */
static int reissue_operator_token(struct cli_ctx *ctx)
{
	char *hex = sodium_malloc(NK_OPERATOR_TOKEN_HEX);
	struct nk_store *store = NULL;
	struct nk_error err = { 0 };
	size_t revoked = 0;
	int rc;

	if (!hex) {
		nk_fail(&err, NK_ENOMEM, "token", "out of memory");
		return cli_report(ctx, &err);
	}
	if ((rc = cli_open_store(ctx, false, &store)) == CLI_OK) {
		if (nk_server_reissue_operator_token(store, hex, &revoked, &err) != NK_OK) {
			rc = cli_report(ctx, &err);
		} else if (ctx->json) {
			cli_print_json(ctx, json_pack("{s:s, s:I}", "operator_token", hex,
						      "revoked", (json_int_t)revoked));
		} else {
			fprintf(ctx->out, "operator token: %s\n", hex);
			fprintf(ctx->err, "nakodo: %zu earlier operator token%s revoked; the new "
				"one is shown only this once\n", revoked, revoked == 1 ? "" : "s");
		}
	}
	nk_store_close(store);
	sodium_free(hex);	/* wipes it */
	return rc;
}

/* Whether HOST:PORT (checked already by the server) names a loopback address. */
static bool loopback(const char *listen)
{
	char host[64];
	const char *colon;
	struct in6_addr a6;
	struct in_addr a;
	int family;

	if (!listen_host(listen, host, sizeof(host), &family, &colon))
		return false;
	if (family == AF_INET6)
		return inet_pton(AF_INET6, host, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
	return inet_pton(AF_INET, host, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

int cmd_serve(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' }, { "threads", required_argument, NULL, 't' },
		{ "body-max", required_argument, NULL, 'b' }, { "depth-max", required_argument, NULL, 'd' },
		{ "url-max", required_argument, NULL, 'u' }, { "header-max", required_argument, NULL, 'H' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "connections-max", required_argument, NULL, 'c' },
		{ "connections-per-address", required_argument, NULL, 'A' },
		{ "rate", required_argument, NULL, 'r' }, { "burst", required_argument, NULL, 'B' },
		{ "fail-rate", required_argument, NULL, 'f' },
		{ "fail-burst", required_argument, NULL, 'F' },
		{ "read-window", required_argument, NULL, 'w' },
		{ "open-rate", required_argument, NULL, 'o' },
		{ "cache", required_argument, NULL, 'k' },
		{ "print-key", no_argument, NULL, 'P' },
		{ "reissue-operator-token", no_argument, NULL, 'R' },
		{ "tls-cert", required_argument, NULL, 'C' }, { "tls-key", required_argument, NULL, 'K' },
		{ "public-url", required_argument, NULL, 'U' },
		{ NULL, 0, NULL, 0 },
	};
	struct nk_server_config cfg;
	struct nk_server *srv = NULL;
	struct nk_server_key *signer = NULL;
	struct nk_error err = { 0 };
	struct serve_tls tls = { 0 };
	const char *tls_cert = NULL, *tls_key = NULL;
	sigset_t stop_signals;
	unsigned long v;
	bool print_key = false, reissue = false;
	int c, sig = 0;

	if (cli_wants_help(argc, argv)) {
		fputs(serve_help, ctx->out);
		return CLI_OK;
	}
	nk_server_config_default(&cfg);
	cfg.db = ctx->db;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'l') {
			cfg.listen = optarg;
			continue;
		}
		if (c == 'P' || c == 'R') {
			*(c == 'P' ? &print_key : &reissue) = true;
			continue;
		}
		if (c == 'C' || c == 'K') {
			*(c == 'C' ? &tls_cert : &tls_key) = optarg;
			continue;
		}
		if (c == 'U') {
			cfg.public_url = optarg;
			continue;
		}
		if (c == '?' || !number(optarg, 1ul << 24, &v))
			return cli_usage_error(ctx, "nakodo serve", "bad or unknown option '%s'", argv[optind - 1]);
		switch (c) {
		case 't': cfg.threads = (unsigned)v; break;
		case 'b': cfg.body_max = v; break;
		case 'd': cfg.depth_max = (unsigned)v; break;
		case 'u': cfg.url_max = v; break;
		case 'H': cfg.header_max = v; break;
		case 'T': cfg.timeout_s = (unsigned)v; break;
		case 'c': cfg.connections_max = (unsigned)v; break;
		case 'A': cfg.connections_per_address = (unsigned)v; break;
		case 'r': cfg.rate = (unsigned)v; break;
		case 'B': cfg.burst = (unsigned)v; break;
		case 'f': cfg.fail_rate = (unsigned)v; break;
		case 'F': cfg.fail_burst = (unsigned)v; break;
		case 'w': cfg.read_window_s = (unsigned)v; break;
		case 'o': cfg.open_rate = (unsigned)v; break;
		case 'k': cfg.cache_cases = v; break;
		}
	}
	if (optind != argc)
		return cli_usage_error(ctx, "nakodo serve", "unexpected argument '%s'", argv[optind]);
	if (print_key && reissue)
		return cli_usage_error(ctx, "nakodo serve", "--print-key and "
				       "--reissue-operator-token: one at a time");
	if (print_key)
		return cli_print_server_key(ctx, true);
	if (reissue)
		return reissue_operator_token(ctx);
	/* every option, the --listen text among them, before the key or database is made:
	 * bad input changes nothing */
	if (nk_server_config_check(&cfg, &err) != NK_OK || listen_check(cfg.listen, &err) != NK_OK)
		return cli_report(ctx, &err);
	if ((tls_cert || tls_key) && serve_tls_read(tls_cert, tls_key, &tls, &err) != NK_OK)
		return cli_report(ctx, &err);
	cfg.tls_cert_pem = (const char *)tls.cert;
	cfg.tls_key_pem = (const char *)tls.key;
	/* Block the stop signals before any thread starts, so that they all inherit the
	 * mask and only sigwait below receives them. */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* The key that countersigns every event, where the store keeps it (made on first
	 * start; a mem: store, gone at exit, gets one for this run). */
	if (nk_store_server_key(cfg.db, &signer, &err) != NK_OK) {
		serve_tls_free(&tls);
		return cli_report(ctx, &err);
	}
	cfg.signer = signer;
	if (nk_server_start(&srv, &cfg, &err) != NK_OK) {
		nk_server_key_free(signer);
		serve_tls_free(&tls);
		return cli_report(ctx, &err);
	}
	if (!tls.cert && !loopback(cfg.listen))
		fprintf(ctx->err, "warning: plain HTTP on %.*s, which is not a loopback address: "
			"tokens, figures and signed requests cross the network in clear; put a "
			"TLS proxy in front (doc/deploy.md) or give --tls-cert and --tls-key\n",
			(int)(strrchr(cfg.listen, ':') - cfg.listen), cfg.listen);
	fprintf(ctx->err, "listening on %s://%.*s:%u\n", tls.cert ? "https" : "http",
		(int)(strrchr(cfg.listen, ':') - cfg.listen), cfg.listen, nk_server_port(srv));
	fflush(ctx->err);
	while (sigwait(&stop_signals, &sig) != 0)
		;
	fprintf(ctx->err, "stopping (signal %d)\n", sig);
	nk_server_stop(srv);
	nk_server_key_free(signer);
	serve_tls_free(&tls);
	fprintf(ctx->err, "stopped\n");
	return CLI_OK;
}
