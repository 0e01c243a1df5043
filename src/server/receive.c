/* Deadlines for receiving a request (doc/api.md, "Limits"). libmicrohttpd's --timeout
 * closes a connection idle that long, but a client that sends a header line or a byte of
 * body every few seconds is never idle: it held its connection without end, and one
 * address's 128 connections, or a few addresses' 1024, refused every other client. So
 * each request must now arrive whole within --timeout of its start (the connection's,
 * or the answer before it on the connection), plus a second per RECEIVE_BYTES_PER_S of
 * its body received so far (up to what it declares). The time is earned as the body
 * comes, not granted for the length declared: a client that declared 16 MiB and sent
 * nothing held one of the two long-body slots (ANALYZE_UPLOADS_AT_ONCE) for 68 minutes,
 * and by reconnecting kept every other mediator's analysis out. A watcher thread shuts
 * down the socket of one that is late; the library then closes it as a client that went
 * away. A request being answered, waiting for its flush or holding a relay read is not
 * watched. */
#include "server/receive.h"
#include <nakodo/time.h>

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

struct receiving {
	struct receiving *prev, *next;
	MHD_socket fd;
	int64_t due_ms;		/* monotonic; 0: not receiving */
	int64_t start_due_ms;	/* the deadline before any body came */
	unsigned long long declared, received;	/* the body's bytes: declared, come */
	bool cut;		/* shut down once */
};

struct receive_watch {
	pthread_mutex_t mu;	/* guards the list and stop */
	pthread_cond_t wake;
	pthread_t thread;
	struct receiving *list;
	bool stop, started;
};

static void *watcher(void *arg)
{
	struct receive_watch *w = arg;

	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		struct timespec until;
		int64_t now = nk_time_mono_ms();

		/* under mu, so that a connection's close (receive_notify) cannot come
		 * between the look and the shutdown and free its descriptor for another */
		for (struct receiving *r = w->list; r; r = r->next)
			if (r->due_ms && now > r->due_ms && !r->cut) {
				(void)shutdown(r->fd, SHUT_RDWR);
				r->cut = true;
			}
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += 1;
		if (pthread_cond_timedwait(&w->wake, &w->mu, &until) == EINVAL)
			break;
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

enum nk_status receive_start(struct nk_server *srv, struct nk_error *err)
{
	struct receive_watch *w = calloc(1, sizeof(*w));
	pthread_condattr_t attr;

	if (!w)
		return nk_fail(err, NK_ENOMEM, "server", "out of memory");
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->wake, &attr);
	pthread_condattr_destroy(&attr);
	srv->receiving = w;
	if (pthread_create(&w->thread, NULL, watcher, w) != 0)
		return nk_fail(err, NK_ENOMEM, "server", "could not start the receiving watcher");
	w->started = true;
	return NK_OK;
}

void receive_stop(struct nk_server *srv)
{
	struct receive_watch *w = srv->receiving;

	if (!w || !w->started)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	w->started = false;
}

void receive_free(struct nk_server *srv)
{
	struct receive_watch *w = srv->receiving;

	if (!w)
		return;
	receive_stop(srv);
	while (w->list) {	/* none, once the daemon told every close */
		struct receiving *r = w->list;

		w->list = r->next;
		free(r);
	}
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->mu);
	free(w);
	srv->receiving = NULL;
}

static struct receiving *entry(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return info ? info->socket_context : NULL;
}

static int64_t timeout_ms(const struct nk_server *srv)
{
	return (int64_t)srv->cfg.timeout_s * 1000;
}

void receive_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		    enum MHD_ConnectionNotificationCode toe)
{
	struct nk_server *srv = cls;
	struct receive_watch *w = srv->receiving;
	struct receiving *r = *socket_context;
	const union MHD_ConnectionInfo *info;

	if (!w)
		return;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (!info || !srv->cfg.timeout_s || !(r = calloc(1, sizeof(*r))))
			return;	/* unwatched: the idle timeout still holds */
		r->fd = info->connect_fd;
		r->due_ms = nk_time_mono_ms() + timeout_ms(srv);
		pthread_mutex_lock(&w->mu);
		r->next = w->list;
		if (w->list)
			w->list->prev = r;
		w->list = r;
		pthread_mutex_unlock(&w->mu);
		*socket_context = r;
		return;
	}
	if (!r)
		return;
	pthread_mutex_lock(&w->mu);	/* before the library closes the descriptor */
	if (r->prev)
		r->prev->next = r->next;
	else
		w->list = r->next;
	if (r->next)
		r->next->prev = r->prev;
	pthread_mutex_unlock(&w->mu);
	free(r);
	*socket_context = NULL;
}

void receive_head(struct nk_server *srv, struct MHD_Connection *conn,
		  unsigned long long declared)
{
	struct receiving *r = entry(conn);

	if (!r)
		return;
	pthread_mutex_lock(&srv->receiving->mu);
	r->start_due_ms = r->due_ms;
	r->declared = declared;
	r->received = 0;
	pthread_mutex_unlock(&srv->receiving->mu);
}

void receive_body(struct nk_server *srv, struct MHD_Connection *conn, size_t bytes)
{
	struct receiving *r = entry(conn);

	if (!r)
		return;
	pthread_mutex_lock(&srv->receiving->mu);
	if (r->due_ms) {
		r->received += bytes;
		if (r->received > r->declared)	/* chunked, or more than declared: refused */
			r->received = r->declared;
		r->due_ms = r->start_due_ms +
			    (int64_t)(r->received * 1000 / RECEIVE_BYTES_PER_S);
	}
	pthread_mutex_unlock(&srv->receiving->mu);
}

void receive_done(struct nk_server *srv, struct MHD_Connection *conn)
{
	struct receiving *r = entry(conn);

	if (!r)
		return;
	pthread_mutex_lock(&srv->receiving->mu);
	r->due_ms = 0;
	pthread_mutex_unlock(&srv->receiving->mu);
}

void receive_linger(struct nk_server *srv, struct MHD_Connection *conn, int64_t ms)
{
	struct receiving *r = entry(conn);

	if (!r)
		return;
	pthread_mutex_lock(&srv->receiving->mu);
	r->due_ms = nk_time_mono_ms() + ms;
	pthread_mutex_unlock(&srv->receiving->mu);
}

void receive_next(struct nk_server *srv, struct MHD_Connection *conn)
{
	struct receiving *r = entry(conn);

	if (!r)
		return;
	pthread_mutex_lock(&srv->receiving->mu);
	r->due_ms = nk_time_mono_ms() + timeout_ms(srv);
	pthread_mutex_unlock(&srv->receiving->mu);
}
