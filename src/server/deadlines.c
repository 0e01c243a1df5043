/* The deadlines' keeper: a thread with a connection of its own that records a round's
 * lapse or a case's closing when it falls due, not only when the next request comes
 * (doc/bargain.md, "Deadlines"). It watches the cases with deadlines: those found at
 * start and those this server opens since; each watched case's next due time is kept in
 * memory, so a look costs nothing until one falls due, and then nk_case_tick records it
 * through the case API in its own transaction. A due time only ever moves later (a new
 * round, a lapse), so one kept from before wakes the keeper early, never late. Every
 * request on a case keeps its deadlines too (case_load); a case another server opened on
 * the same database is found by a periodic look (deadlines_scan.c). */
#include "server/server_impl.h"
#include <nakodo/time.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KEEPER_POLL_MS 1000		/* the longest a look waits (the clock may be moved) */
#define KEEPER_WATCH_MAX 1000000	/* watched cases; the rest are kept on request */

/* Ticks case id and keeps its next due time at watch[i], or drops it (*gone). */
static void tick(struct nk_server *srv, struct deadline_watch *w, bool *gone)
{
	struct nk_case_env env = { .store = srv->dl_store, .signer = srv->cfg.signer,
				   .record = srv->record, .cache = srv->cache };
	struct nk_error err = { 0 };
	int64_t next = 0;

	if (nk_case_tick(&env, w->id, &next, &err) != NK_OK) {
		/* the case's id only: deadlines are rules every role reads, not secrets */
		fprintf(srv->cfg.log, "deadline of case %s not kept: %s\n", w->id, err.text);
		fflush(srv->cfg.log);
		next = nk_time_now_ms() + 60000;	/* try again in a minute */
	}
	*gone = next == 0;
	w->next_ms = next;
}

/* One look: ticks each watched case that is due, drops the ended ones. */
static void look(struct nk_server *srv)
{
	int64_t now = nk_time_now_ms();
	size_t i = 0;

	pthread_mutex_lock(&srv->dl_mu);
	while (i < srv->dl_count && !srv->dl_stop) {
		struct deadline_watch w = srv->dl_watch[i];
		bool gone = false;

		if (w.next_ms > now) {
			i++;
			continue;
		}
		pthread_mutex_unlock(&srv->dl_mu);	/* a tick writes: never under the lock */
		tick(srv, &w, &gone);
		pthread_mutex_lock(&srv->dl_mu);
		/* the list only grows at its end meanwhile, so i is still w */
		if (gone)
			srv->dl_watch[i] = srv->dl_watch[--srv->dl_count];
		else
			srv->dl_watch[i++].next_ms = w.next_ms;
	}
	pthread_mutex_unlock(&srv->dl_mu);
}

static int64_t monotonic_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Every DEADLINES_RESCAN_MS of real time (never the test clock, which jumps): a look
 * for cases opened elsewhere. */
static void rescan(struct nk_server *srv, int64_t *next)
{
	struct nk_error err = { 0 };

	if (monotonic_ms() < *next)
		return;
	*next = monotonic_ms() + DEADLINES_RESCAN_MS;
	if (deadlines_rescan(srv, true, &err) != NK_OK) {
		fprintf(srv->cfg.log, "deadlines: could not look for new cases: %s\n", err.text);
		fflush(srv->cfg.log);
	}
}

static void *keeper(void *arg)
{
	struct nk_server *srv = arg;
	int64_t next_rescan = monotonic_ms() + DEADLINES_RESCAN_MS;

	pthread_mutex_lock(&srv->dl_mu);
	while (!srv->dl_stop) {
		struct timespec until;

		pthread_mutex_unlock(&srv->dl_mu);
		rescan(srv, &next_rescan);
		look(srv);
		pthread_mutex_lock(&srv->dl_mu);
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += (long)KEEPER_POLL_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		if (!srv->dl_stop &&
		    pthread_cond_timedwait(&srv->dl_wake, &srv->dl_mu, &until) == EINVAL)
			break;
	}
	pthread_mutex_unlock(&srv->dl_mu);
	return NULL;
}

void deadlines_watch(struct nk_server *srv, const char *id)
{
	bool found = false;

	if (!srv->dl_started)
		return;
	pthread_mutex_lock(&srv->dl_mu);
	/* Whether it is watched already, in the same hold of the lock as the watching: the
	 * rescan and the route that opened the case may both hand it over, in either order,
	 * and a case watched twice is ticked twice. */
	for (size_t i = 0; i < srv->dl_count && !found; i++)
		found = strcmp(srv->dl_watch[i].id, id) == 0;
	/* look() reads the list only under the lock, so it may move */
	if (!found && srv->dl_count == srv->dl_cap && srv->dl_cap < KEEPER_WATCH_MAX) {
		struct deadline_watch *more = realloc(srv->dl_watch, 2 * srv->dl_cap *
						      sizeof(*more));

		if (more) {
			srv->dl_watch = more;
			srv->dl_cap *= 2;
		}
	}
	if (!found && srv->dl_count < srv->dl_cap) {
		struct deadline_watch *w = &srv->dl_watch[srv->dl_count++];

		snprintf(w->id, sizeof(w->id), "%s", id);
		w->next_ms = 0;		/* due: the first look reads its due time */
		pthread_cond_signal(&srv->dl_wake);
	}
	pthread_mutex_unlock(&srv->dl_mu);
}

static bool found(const char *id, void *arg)
{
	struct nk_server *srv = arg;

	if (srv->dl_count < srv->dl_cap) {
		snprintf(srv->dl_watch[srv->dl_count].id, NK_CASE_ID_MAX, "%s", id);
		srv->dl_watch[srv->dl_count++].next_ms = 0;
	}
	return srv->dl_count < srv->dl_cap;
}

enum nk_status deadlines_start(struct nk_server *srv, struct nk_error *err)
{
	pthread_condattr_t attr;
	enum nk_status rc;

	if (srv->shared_store)
		return NK_OK;	/* mem: one worker owns the store; kept on each request */
	if ((rc = nk_store_open_grouped(&srv->dl_store, srv->cfg.db, 0, srv->group, err)) != NK_OK)
		return rc;
	if (!(srv->dl_watch = calloc(64, sizeof(*srv->dl_watch))))
		return nk_fail(err, NK_ENOMEM, "server", "out of memory");
	srv->dl_cap = 64;
	/* the newest first, so that a case opened after it is new to the next look */
	if ((rc = deadlines_rescan(srv, false, err)) != NK_OK)
		return rc;
	/* every stored case once: the first look keeps those with deadlines, drops the rest */
	while ((rc = nk_store_list_cases(srv->dl_store, found, srv, err)) == NK_OK &&
	       srv->dl_count == srv->dl_cap && srv->dl_cap < KEEPER_WATCH_MAX) {
		struct deadline_watch *more = realloc(srv->dl_watch, 2 * srv->dl_cap *
						      sizeof(*more));

		if (!more)
			return nk_fail(err, NK_ENOMEM, "server", "out of memory");
		srv->dl_watch = more;
		srv->dl_cap *= 2;
		srv->dl_count = 0;
	}
	if (rc != NK_OK)
		return rc;
	pthread_mutex_init(&srv->dl_mu, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&srv->dl_wake, &attr);
	pthread_condattr_destroy(&attr);
	srv->dl_sync_made = true;
	if (pthread_create(&srv->dl_thread, NULL, keeper, srv) != 0)
		return nk_fail(err, NK_ENOMEM, "server", "could not start the deadlines' thread");
	srv->dl_started = true;
	return NK_OK;
}

void deadlines_stop(struct nk_server *srv)
{
	if (srv->dl_started) {
		pthread_mutex_lock(&srv->dl_mu);
		srv->dl_stop = true;
		pthread_cond_signal(&srv->dl_wake);
		pthread_mutex_unlock(&srv->dl_mu);
		pthread_join(srv->dl_thread, NULL);
	}
	if (srv->dl_sync_made) {
		pthread_cond_destroy(&srv->dl_wake);
		pthread_mutex_destroy(&srv->dl_mu);
	}
	free(srv->dl_watch);
	srv->dl_watch = NULL;
	free(srv->dl_known);
	srv->dl_known = NULL;
	nk_store_close(srv->dl_store);
	srv->dl_store = NULL;
}
