/* Starting and stopping the server: check the configuration, open the store group and
 * the operator's token, read the cases' states for /metrics, start libmicrohttpd; on
 * stop, let the requests in flight finish, then close every connection and the group. */
#include "server/receive.h"
#include "server/server_impl.h"
#include "server/tls.h"

#include <nakodo/alloc.h>

#include <arpa/inet.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* "HOST:PORT" with an IPv4 literal host, or "[HOST]:PORT" with an IPv6 one (as in a URL:
 * the brackets say where the address ends, since it holds colons itself). */
static enum nk_status parse_listen(const char *text, struct sockaddr_storage *ss,
				   bool *ipv6, struct nk_error *err)
{
	char host[64];
	const char *colon = text ? strrchr(text, ':') : NULL;
	const char *start = text;
	size_t len;
	char *end;
	unsigned long port;

	*ipv6 = text && text[0] == '[';
	if (*ipv6) {
		start = text + 1;
		if (!colon || colon == text || colon[-1] != ']')
			return nk_fail(err, NK_EINVAL, "listen", "expected [HOST]:PORT for an IPv6 "
				       "address, e.g. [::1]:8750");
	}
	if (!colon || colon < start)
		return nk_fail(err, NK_EINVAL, "listen", "expected HOST:PORT, e.g. 127.0.0.1:8750 "
			       "or [::1]:8750");
	len = (size_t)(colon - start) - (*ipv6 ? 1 : 0);
	if (len >= sizeof(host))
		return nk_fail(err, NK_EINVAL, "listen", "the host is too long for an address");
	memcpy(host, start, len);
	host[len] = '\0';
	port = strtoul(colon + 1, &end, 10);
	if (*end || end == colon + 1 || port > 65535)
		return nk_fail(err, NK_EINVAL, "listen", "the port must be a number from 0 to 65535");
	memset(ss, 0, sizeof(*ss));
	if (*ipv6) {
		struct sockaddr_in6 *sa = (struct sockaddr_in6 *)ss;

		sa->sin6_family = AF_INET6;
		sa->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &sa->sin6_addr) != 1)
			return nk_fail(err, NK_EINVAL, "listen", "the host in brackets must be an "
				       "IPv6 address, e.g. [::1] or [::]");
	} else {
		struct sockaddr_in *sa = (struct sockaddr_in *)ss;

		sa->sin_family = AF_INET;
		sa->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
			return nk_fail(err, NK_EINVAL, "listen", strchr(host, ':')
				       ? "an IPv6 address goes in brackets, e.g. [::1]:8750"
				       : "the host must be an IPv4 address, or an IPv6 one in "
				       "brackets ([::1])");
	}
	return NK_OK;
}

/* http(s)://HOST[:PORT][/]: letters, digits and the characters of a host name, an IPv6
 * literal or a port; nothing that could end the link's path or start its fragment. */
static bool public_url_valid(const char *url)
{
	const char *host = strncmp(url, "http://", 7) == 0 ? url + 7
			   : strncmp(url, "https://", 8) == 0 ? url + 8 : NULL;
	size_t n;

	if (!host || strlen(url) > 256)
		return false;
	n = strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]");
	return n > 0 && (host[n] == '\0' || (host[n] == '/' && host[n + 1] == '\0'));
}

static enum nk_status check_config(const struct nk_server_config *c, struct nk_error *err)
{
	unsigned caps = 0;

	if (c->threads < 1 || c->threads > 256)
		return nk_fail(err, NK_EINVAL, "threads", "from 1 to 256");
	if (c->body_max < 64 || c->body_max > 16u << 20)
		return nk_fail(err, NK_EINVAL, "body-max", "from 64 bytes to 16 MiB");
	if (c->depth_max < 2 || c->depth_max > 256)
		return nk_fail(err, NK_EINVAL, "depth-max", "from 2 to 256");
	if (c->url_max < 64 || c->url_max > c->header_max)
		return nk_fail(err, NK_EINVAL, "url-max", "from 64 bytes to the header limit");
	if (c->header_max < 1024 || c->header_max > 1u << 20)
		return nk_fail(err, NK_EINVAL, "header-max", "from 1 KiB to 1 MiB");
	if (c->timeout_s < 1 || c->timeout_s > 3600)
		return nk_fail(err, NK_EINVAL, "timeout", "from 1 to 3600 seconds");
	if (c->connections_max < 1 || c->connections_max > 65536)
		return nk_fail(err, NK_EINVAL, "connections-max", "from 1 to 65536");
	if (c->connections_per_address > c->connections_max)
		return nk_fail(err, NK_EINVAL, "connections-per-address",
			       "from 0 (no limit) to the connections' limit");
	if (c->rate < 1 || c->burst < 1 || c->rate > 1000000 || c->burst > 1000000)
		return nk_fail(err, NK_EINVAL, "rate", "rate and burst from 1 to 1000000");
	if (c->fail_rate < 1 || c->fail_burst < 1 || c->fail_rate > 1000000 ||
	    c->fail_burst > 1000000)
		return nk_fail(err, NK_EINVAL, "fail-rate",
			       "fail-rate and fail-burst from 1 to 1000000");
	if (c->open_rate < 1 || c->open_rate > 1000000)
		return nk_fail(err, NK_EINVAL, "open-rate", "from 1 to 1000000 cases an hour");
	if (c->read_window_s < 1 || c->read_window_s > 3600)
		return nk_fail(err, NK_EINVAL, "read-window", "from 1 to 3600 seconds");
	if (c->public_url && !public_url_valid(c->public_url))
		return nk_fail(err, NK_EINVAL, "public-url", "expected http://HOST[:PORT] or "
			       "https://HOST[:PORT], without a path, query or fragment");
	if (nk_store_url_caps(c->db, &caps, NULL) == NK_OK && !(caps & NK_STORE_PERSISTENT) &&
	    c->threads != 1)
		return nk_fail(err, NK_EINVAL, "threads", "a mem: store serves one thread only");
	return NK_OK;
}

enum nk_status nk_server_config_check(const struct nk_server_config *cfg, struct nk_error *err)
{
	struct sockaddr_storage sa;
	bool ipv6;
	enum nk_status rc;

	if ((rc = check_config(cfg, err)) != NK_OK ||
	    (rc = parse_listen(cfg->listen, &sa, &ipv6, err)) != NK_OK)
		return rc;
	return NK_OK;
}

/* At most SERVER_ARENAS malloc arenas for the server's threads: glibc makes up to eight
 * per core, one per thread that meets a busy one, and each keeps the memory its thread
 * freed. With 10,000 open cases after a load, the default's arenas held some 14 MiB
 * more than two (bench/README.md), and the CPU per submission did not change (the
 * threads' caches serve most small blocks without an arena's lock). An operator's
 * MALLOC_ARENA_MAX or glibc.malloc.arena_max tunable is left to rule. */
#define SERVER_ARENAS 2
static void limit_arenas(void)
{
	const char *tunables = getenv("GLIBC_TUNABLES");

	if (!getenv("MALLOC_ARENA_MAX") && !(tunables && strstr(tunables, "arena_max")))
		mallopt(M_ARENA_MAX, SERVER_ARENAS);
}

/* Makes the operator token if needed, with a store of its own (kept as the shared one
 * for mem:, whose data lives in that handle), and counts every case's state for
 * /metrics: for mem: here, otherwise on a thread of its own, so that a server with
 * 100,000 cases listens at once instead of after reading every one (issue 13). */
static enum nk_status prepare_store(struct nk_server *srv, struct nk_error *err)
{
	struct nk_store *store = NULL;
	unsigned caps = 0;
	bool shared;
	enum nk_status rc;

	shared = nk_store_url_caps(srv->cfg.db, &caps, NULL) == NK_OK &&
		 !(caps & NK_STORE_PERSISTENT);
	rc = nk_store_open_grouped(&store, srv->cfg.db, NK_STORE_CREATE, srv->group, err);
	if (rc == NK_OK)
		rc = auth_ensure_operator(store, srv->cfg.log, err);
	if (rc == NK_OK) {
		struct nk_case_env env = { .store = store, .signer = srv->cfg.signer };

		rc = metrics_init(&srv->metrics, server_route_count, shared ? &env : NULL, err);
	}
	if (rc == NK_OK && !shared)
		rc = metrics_count_start(srv, err);
	if (rc == NK_OK && shared)
		srv->shared_store = store;
	else
		nk_store_close(store);
	return rc;
}

/* libmicrohttpd's event loop: poll(2) while each worker watches at most SERVER_POLL_MAX
 * sockets (its share of connections_max), epoll beyond, the default's 1,024 on 4 workers
 * included. An answer that waits for its flush suspends its connection (durable.c), and
 * libmicrohttpd 0.9.75 under epoll takes the socket out of the worker's set when it
 * suspends and puts it back after the answer (two epoll_ctl), and marks a resumed
 * connection ready, so that it reads once more for nothing (EAGAIN): three system calls
 * of a durable submission's ~11. Under poll a suspended socket is left out of the next
 * call's list and a read follows readiness, but every call walks every socket of its
 * worker: with 950 idle connections beside the load (~250 a worker) a submission cost
 * ~65 us more CPU than under epoll (bench/README.md). An operator who keeps few
 * connections (--connections-max, behind a proxy) gets the cheaper loop. */
#define SERVER_POLL_MAX 64
static unsigned event_loop(const struct nk_server_config *cfg)
{
	return cfg->connections_max <= SERVER_POLL_MAX * cfg->threads
	       ? MHD_USE_POLL_INTERNAL_THREAD : MHD_USE_EPOLL_INTERNAL_THREAD;
}

enum nk_status nk_server_start(struct nk_server **out, const struct nk_server_config *cfg,
			       struct nk_error *err)
{
	struct nk_server *srv = NULL;
	struct sockaddr_storage sa;
	bool ipv6 = false;
	const union MHD_DaemonInfo *info;
	struct MHD_OptionItem tls[SERVER_TLS_OPTIONS];
	unsigned flags = MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME;
	enum nk_status rc;

	if (!cfg->signer)
		return nk_fail(err, NK_EINVAL, "signer", "the server needs its signing key");
	if ((rc = nk_server_config_check(cfg, err)) != NK_OK ||
	    (rc = parse_listen(cfg->listen, &sa, &ipv6, err)) != NK_OK ||
	    (rc = server_tls_options(cfg, &flags, tls, err)) != NK_OK)
		return rc;
	flags |= event_loop(cfg);
	if (ipv6)
		flags |= MHD_USE_IPv6;
	if (sodium_init() < 0)
		return nk_fail(err, NK_ECRYPTO, "", "libsodium could not start");
	nk_alloc_install();	/* before the first request's JSON */
	limit_arenas();		/* before the server's threads start */
	if (!(srv = calloc(1, sizeof(*srv))) ||
	    !(srv->rate = calloc(HTTP_RATE_SLOTS, sizeof(srv->rate[0]))) ||
	    !(srv->fail = calloc(HTTP_RATE_SLOTS, sizeof(srv->fail[0]))) ||
	    !(srv->opens = calloc(HTTP_RATE_SLOTS, sizeof(srv->opens[0]))) ||
	    !(srv->analyze = calloc(HTTP_RATE_SLOTS, sizeof(srv->analyze[0]))) ||
	    !(srv->seen = calloc(HTTP_SEEN_SLOTS, sizeof(srv->seen[0])))) {
		rc = nk_fail(err, NK_ENOMEM, "server", "out of memory");
		goto out;
	}
	srv->cfg = *cfg;
	if (!srv->cfg.log)
		srv->cfg.log = stderr;
	pthread_mutex_init(&srv->rate_mu, NULL);
	pthread_mutex_init(&srv->seen_mu, NULL);
	reqlog_init(srv);
	durable_init(srv);
	randombytes_buf(srv->rate_key, sizeof(srv->rate_key));
	if (pthread_key_create(&srv->store_key, server_worker_destroy) != 0) {
		rc = nk_fail(err, NK_ENOMEM, "server", "no thread-local slot for the store");
		goto out;
	}
	srv->key_made = true;
	if ((rc = nk_record_log_new(&srv->record, err)) != NK_OK ||
	    (cfg->cache_cases && (rc = nk_case_cache_new(&srv->cache, cfg->cache_cases,
							   err)) != NK_OK) ||
	    (rc = nk_store_group_new(&srv->group, cfg->db, err)) != NK_OK ||
	    (rc = prepare_store(srv, err)) != NK_OK ||
	    (rc = relay_init(srv, err)) != NK_OK || (rc = relay_wait_start(srv, err)) != NK_OK ||
	    (rc = scrub_start(srv, err)) != NK_OK ||
	    (rc = deadlines_start(srv, err)) != NK_OK || (rc = receive_start(srv, err)) != NK_OK)
		goto out;
	if ((rc = reqlog_start(srv, err)) != NK_OK)
		goto out;
	durable_start(srv);
	srv->daemon = MHD_start_daemon(
		flags,
		0, NULL, NULL, server_on_request, srv,
		MHD_OPTION_ARRAY, tls,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->connections_max,
		/* one client holding half-sent requests must not take every connection */
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->connections_per_address,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->timeout_s,
		/* twice the limit: a head over it still reaches server_on_request's check */
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)cfg->header_max * 2,
		MHD_OPTION_NOTIFY_COMPLETED, server_on_completed, srv,
		/* a request that trickles in is cut at its deadline (receive.c) */
		MHD_OPTION_NOTIFY_CONNECTION, receive_notify, srv,
		MHD_OPTION_END);
	if (!srv->daemon) {
		rc = cfg->tls_cert_pem
			? nk_fail(err, NK_EINVAL, "listen", "could not listen on %s with TLS (is the "
				  "key the certificate's, both PEM?)", cfg->listen)
			: nk_fail(err, NK_EINVAL, "listen", "could not listen on %s", cfg->listen);
		goto out;
	}
	info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info ? info->port
		    : ntohs(ipv6 ? ((struct sockaddr_in6 *)&sa)->sin6_port
			    : ((struct sockaddr_in *)&sa)->sin_port);
	*out = srv;
	srv = NULL;
out:
	nk_server_stop(srv);
	return rc;
}

unsigned nk_server_port(const struct nk_server *srv)
{
	return srv->port;
}

void nk_server_stop(struct nk_server *srv)
{
	if (!srv)
		return;
	if (srv->daemon) {
		struct timespec pause = { 0, 10 * 1000 * 1000 };
		MHD_socket s = MHD_quiesce_daemon(srv->daemon);

		relay_wait_stop(srv);	/* its waiting reads answered, not waited for */
		receive_stop(srv);

		/* no new connections; give the requests in flight up to 10 s to finish */
		for (int i = 0; i < 1000 && atomic_load(&srv->in_flight) > 0; i++)
			nanosleep(&pause, NULL);
		durable_stop(srv);
		MHD_stop_daemon(srv->daemon);
		if (s != MHD_INVALID_SOCKET)
			close(s);
	}
	reqlog_stop(srv);	/* every request has been answered: its lines written */
	receive_free(srv);	/* the daemon has told every connection's close */
	metrics_count_stop(&srv->metrics);	/* its connection is in the group */
	deadlines_stop(srv);	/* it writes: before the scrubber and the store go */
	scrub_stop(srv);
	nk_store_close(srv->shared_store);
	if (srv->key_made)
		pthread_key_delete(srv->store_key);
	nk_store_group_free(srv->group);
	durable_free(srv);	/* after the committer, which may still have called on_flush */
	nk_record_log_free(srv->record);
	nk_case_cache_free(srv->cache);
	relay_wait_free(srv);
	relay_free(srv);
	if (srv->metrics.requests || srv->metrics.cases)
		metrics_free(&srv->metrics);
	pthread_mutex_destroy(&srv->rate_mu);
	pthread_mutex_destroy(&srv->seen_mu);
	reqlog_free(srv);
	free(srv->rate);
	free(srv->fail);
	free(srv->opens);
	free(srv->analyze);
	free(srv->seen);
	free(srv);
}
