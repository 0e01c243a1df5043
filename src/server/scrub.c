/* The owed scrubs: when a case ends its sealed figures are deleted, and the request
 * tries to push the deleted pages out of the WAL at once. A reader that holds that up
 * (a backup, an sqlite3 shell) leaves the scrub owed in the store. This thread, with a
 * connection of its own, looks for owed scrubs every second and retries them, backing
 * off from one second to a minute while they fail; /healthz reports while it is behind.
 * At start the server scrubs what an earlier run left owed before it listens. */
#include "server/server_impl.h"
#include <nakodo/time.h>

#include <errno.h>
#include <string.h>
#include <time.h>

#define SCRUB_POLL_MS 1000	/* how often to look for owed scrubs */
#define SCRUB_BACKOFF_MAX_MS 60000

/* One look: scrubs when a scrub is owed. Returns whether the store is clean now; a
 * failure is logged (the store's text names the database, never a case or a figure). */
static bool scrub_once(struct nk_server *srv, struct nk_store *store)
{
	struct nk_error err = { 0 };
	bool pending = false;
	enum nk_status rc = nk_store_scrub_pending(store, &pending, &err);

	if (rc == NK_OK && !pending)
		return true;
	if (rc == NK_OK)
		rc = nk_store_scrub(store, &err);
	if (rc == NK_OK)
		return true;
	fprintf(srv->cfg.log, "scrub behind: deleted figures may remain in the database's "
		"files until it succeeds: %s\n", err.text);
	fflush(srv->cfg.log);
	return false;
}

static void *scrubber(void *arg)
{
	struct nk_server *srv = arg;
	int64_t backoff = SCRUB_POLL_MS, next = 0;

	pthread_mutex_lock(&srv->scrub_mu);
	while (!srv->scrub_stop) {
		struct timespec until;
		int64_t now = nk_time_mono_ms();

		if (now >= next) {
			bool clean;

			pthread_mutex_unlock(&srv->scrub_mu);
			clean = scrub_once(srv, srv->scrub_store);
			pthread_mutex_lock(&srv->scrub_mu);
			atomic_store(&srv->scrub_behind, !clean);
			backoff = clean ? SCRUB_POLL_MS : backoff * 2 > SCRUB_BACKOFF_MAX_MS ?
				SCRUB_BACKOFF_MAX_MS : backoff * 2;
			next = nk_time_mono_ms() + (clean ? SCRUB_POLL_MS : backoff);
		}
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += 1;
		if (pthread_cond_timedwait(&srv->scrub_wake, &srv->scrub_mu, &until) == EINVAL)
			break;
	}
	pthread_mutex_unlock(&srv->scrub_mu);
	return NULL;
}

enum nk_status scrub_start(struct nk_server *srv, struct nk_error *err)
{
	pthread_condattr_t attr;
	enum nk_status rc;

	if (srv->shared_store)
		return NK_OK;	/* mem: leaves nothing to scrub */
	rc = nk_store_open_grouped(&srv->scrub_store, srv->cfg.db, 0, srv->group, err);
	if (rc != NK_OK)
		return rc;
	/* what an earlier run left owed, before the first request */
	atomic_store(&srv->scrub_behind, !scrub_once(srv, srv->scrub_store));
	pthread_mutex_init(&srv->scrub_mu, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&srv->scrub_wake, &attr);
	pthread_condattr_destroy(&attr);
	srv->scrub_sync_made = true;
	if (pthread_create(&srv->scrub_thread, NULL, scrubber, srv) != 0)
		return nk_fail(err, NK_ENOMEM, "server", "could not start the scrubbing thread");
	srv->scrub_started = true;
	return NK_OK;
}

void scrub_stop(struct nk_server *srv)
{
	if (srv->scrub_started) {
		pthread_mutex_lock(&srv->scrub_mu);
		srv->scrub_stop = true;
		pthread_cond_signal(&srv->scrub_wake);
		pthread_mutex_unlock(&srv->scrub_mu);
		pthread_join(srv->scrub_thread, NULL);
	}
	if (srv->scrub_sync_made) {
		pthread_cond_destroy(&srv->scrub_wake);
		pthread_mutex_destroy(&srv->scrub_mu);
	}
	nk_store_close(srv->scrub_store);
	srv->scrub_store = NULL;
}
