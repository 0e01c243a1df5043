/* Answers that wait for their flush without holding a thread (issue 13). A request's
 * writes commit without waiting (NK_STORE_DEFER_DURABLE); its answer is built at once
 * and its connection suspended until the group's committer reports a flush that covers
 * the request's ticket, then resumed to send it. With the answer waiting on a thread,
 * a flush could carry no more commits than there are worker threads; suspended, every
 * connection's commit can join the next flush.
 *
 * Lock order: durable_mu, then the group's own and libmicrohttpd's. A connection is
 * suspended under durable_mu before it is linked to the waiters, and taken off them
 * under durable_mu before it is resumed, so that a resume never comes before its
 * suspension nor comes twice. The resumes themselves (each a write to the worker's
 * wake-up descriptor) run outside durable_mu: held across a flush's dozen of them, it
 * made the workers suspending their next answers wait, a futex sleep and wake-up each
 * (bench/README.md). */
#include "server/server_impl.h"

void durable_init(struct nk_server *srv)
{
	pthread_mutex_init(&srv->durable_mu, NULL);
	pthread_cond_init(&srv->durable_resumed, NULL);
	srv->durable_ready = true;
}

/* Resumes the connections of ready, those of one worker one after the other. Each
 * resume writes its worker's wake-up descriptor; the worker, woken by the first, takes
 * every connection flagged by then. In the order they were suspended, a flush's
 * resumes alternated between the workers: a worker woke, took one connection, slept and
 * was woken again by the next, a context switch and an event-loop pass each
 * (bench/README.md). */
static void resume_grouped(struct durable_wait *ready)
{
	while (ready) {
		const void *daemon = ready->daemon;
		struct durable_wait **link = &ready, *w;

		while ((w = *link) != NULL) {
			if (w->daemon != daemon) {
				link = &w->next;
				continue;
			}
			*link = w->next;
			w->next = NULL;
			MHD_resume_connection(w->conn);	/* w is not touched after this */
		}
	}
}

/* On the committer's thread: resume every connection whose ticket is now durable (all
 * of them when the flush failed: their answers say so). They are taken off the list
 * under durable_mu and resumed after it; durable_stop waits for those resumes. A waiter
 * is not touched once its connection is resumed: its request may end at once. */
static void on_flush(void *arg, uint64_t synced, bool failed)
{
	struct nk_server *srv = arg;
	struct durable_wait **link, *w, *ready = NULL, **tail = &ready;

	pthread_mutex_lock(&srv->durable_mu);
	link = &srv->durable_waiters;
	while ((w = *link) != NULL) {
		if (failed || w->ticket <= synced) {
			*link = w->next;
			w->next = NULL;
			*tail = w;
			tail = &w->next;
		} else {
			link = &w->next;
		}
	}
	if (ready)
		srv->durable_resuming++;
	pthread_mutex_unlock(&srv->durable_mu);
	if (!ready)
		return;
	resume_grouped(ready);
	pthread_mutex_lock(&srv->durable_mu);
	if (--srv->durable_resuming == 0)
		pthread_cond_broadcast(&srv->durable_resumed);
	pthread_mutex_unlock(&srv->durable_mu);
}

void durable_start(struct nk_server *srv)
{
	if (srv->group)
		nk_store_group_on_flush(srv->group, on_flush, srv);
}

bool durable_defer(struct nk_server *srv, struct durable_wait *w, struct MHD_Connection *conn,
		   uint64_t ticket)
{
	const union MHD_ConnectionInfo *info;
	bool failed, deferred = false;

	if (!srv->group || ticket == 0)
		return false;
	pthread_mutex_lock(&srv->durable_mu);
	if (!srv->durable_stopping && !nk_store_group_durable(srv->group, ticket, &failed)) {
		w->ticket = ticket;
		w->conn = conn;
		info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_DAEMON);
		w->daemon = info ? (const void *)info->daemon : NULL;
		w->next = srv->durable_waiters;
		srv->durable_waiters = w;
		MHD_suspend_connection(conn);
		deferred = true;
	}
	pthread_mutex_unlock(&srv->durable_mu);
	return deferred;
}

void durable_stop(struct nk_server *srv)
{
	struct durable_wait *w;

	if (!srv->durable_ready)
		return;
	if (srv->group)
		nk_store_group_on_flush(srv->group, NULL, NULL);
	pthread_mutex_lock(&srv->durable_mu);
	srv->durable_stopping = true;
	while (srv->durable_resuming > 0)	/* a callback's resumes, before the daemon stops */
		pthread_cond_wait(&srv->durable_resumed, &srv->durable_mu);
	/* left after the grace period: resumed unanswered, so libmicrohttpd closes them (a
	 * daemon must not stop with a connection suspended); nothing was acknowledged */
	while ((w = srv->durable_waiters) != NULL) {
		srv->durable_waiters = w->next;
		w->next = NULL;
		w->abandoned = true;
		MHD_resume_connection(w->conn);
	}
	pthread_mutex_unlock(&srv->durable_mu);
}

void durable_free(struct nk_server *srv)
{
	if (srv->durable_ready) {
		pthread_mutex_destroy(&srv->durable_mu);
		pthread_cond_destroy(&srv->durable_resumed);
	}
}
