/* A gate on a commit group's committer, for the tests of group commit (test_batch,
 * test_store_batch, test_store_gather): installed as the group's flush callback, it
 * records what each flush told and, while closed, holds the committer there, so that
 * every transaction released meanwhile waits in one open batch. */
#ifndef NAKODO_TESTS_FLUSH_GATE_H
#define NAKODO_TESTS_FLUSH_GATE_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct gate {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t synced;
	bool closed, failed;
};

/* Closed, as a test begins. */
static inline void gate_init(struct gate *g)
{
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
	g->synced = 0;
	g->closed = true;
	g->failed = false;
}

static inline void gate_free(struct gate *g)
{
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->cv);
}

/* The committer's callback (nk_store_group_on_flush). */
static inline void gate_on_flush(void *arg, uint64_t synced, bool failed)
{
	struct gate *g = arg;

	pthread_mutex_lock(&g->mu);
	g->synced = synced;
	g->failed = g->failed || failed;
	pthread_cond_broadcast(&g->cv);
	while (g->closed)
		pthread_cond_wait(&g->cv, &g->mu);
	pthread_mutex_unlock(&g->mu);
}

/* Waits, at most 10 s, until the callback has told ticket or a failure; whether it told
 * ticket. */
static inline bool gate_told(struct gate *g, uint64_t ticket)
{
	struct timespec until;
	bool ok;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&g->mu);
	while (g->synced < ticket && !g->failed &&
	       pthread_cond_timedwait(&g->cv, &g->mu, &until) != ETIMEDOUT) {
	}
	ok = g->synced >= ticket;
	pthread_mutex_unlock(&g->mu);
	return ok;
}

static inline bool gate_failed(struct gate *g)
{
	bool failed;

	pthread_mutex_lock(&g->mu);
	failed = g->failed;
	pthread_mutex_unlock(&g->mu);
	return failed;
}

static inline void gate_open(struct gate *g)
{
	pthread_mutex_lock(&g->mu);
	g->closed = false;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

#endif
