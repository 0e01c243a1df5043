/* Group commit: the connections of one server commit without flushing, and one
 * committer thread flushes the log once per batch. A commit is answered only when a
 * flush that began after its COMMIT has finished, so durability holds while the cost
 * of a disk flush is shared by every commit that arrived during the previous one.
 *
 * Left at that, a flush carried 1.3 commits under 50 connections (issue 13): the disk
 * flush (tens of microseconds on a cached virtual disk) ends before the next writer,
 * already queued for its turn, has committed. So the committer waits, before a flush,
 * while writers are still inside or queued for their turn, for at most GROUP_LINGER_NS
 * and GROUP_MAX commits: a lone writer is flushed at once, a busy server's writers
 * share one flush.
 *
 * A backend with NK_STORE_CONCURRENT_WRITERS (postgresql:) needs neither: its row locks
 * order writers on the same case (and the record) across every server, so writers of
 * one process need not take turns, and its COMMIT returns once durable, flushes of
 * concurrent commits shared by the database itself. Its writers skip the turn and its
 * tickets are durable when issued: a reader can see only commits that returned. */
#include "store/group.h"
#include "store/store_impl.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GROUP_LINGER_NS (2 * 1000 * 1000)
#define GROUP_MAX 64

struct nk_store_group {
	const struct nk_store_ops *ops;
	char *location;
	bool concurrent;		/* NK_STORE_CONCURRENT_WRITERS: no turn, no flush */
	pthread_mutex_t turn;		/* one writer at a time, in this process */
	pthread_mutex_t mu;		/* guards everything below */
	pthread_cond_t wake;		/* the committer: something to flush, or stop */
	pthread_cond_t done;		/* the waiters: a flush finished */
	uint64_t issued;		/* tickets handed out (before COMMIT) */
	uint64_t written;		/* highest ticket whose COMMIT returned */
	uint64_t synced;		/* highest ticket known durable */
	uint64_t flushes;
	unsigned writers;		/* holding or queued for the turn */
	bool idle;			/* the committer waits for a first commit to flush */
	bool failed;			/* a flush failed: nothing is acknowledged any more */
	bool stop;
	pthread_t thread;
	/* told after every flush, outside mu (nk_store_group_on_flush) */
	void (*on_flush)(void *arg, uint64_t synced, bool failed);
	void *on_flush_arg;
};

/* A commit written, with mu held: the committer is woken when this is its first to
 * flush, or fills its batch. While it lingers for writers on their way it needs no
 * other news (the last writer's leaving the turn wakes it, store_group_give_turn), and
 * waking it for each commit cost a futex wake and two context switches per submission
 * (bench/README.md). */
static void wake_for(struct nk_store_group *g)
{
	if (g->idle || g->written - g->synced >= GROUP_MAX)
		pthread_cond_signal(&g->wake);
}

static void *committer(void *arg)
{
	struct nk_store_group *g = arg;
	struct nk_error err = { 0 };

	pthread_mutex_lock(&g->mu);
	for (;;) {
		struct timespec until;
		uint64_t target;
		enum nk_status rc;

		if (g->synced >= g->written) {
			if (g->stop)
				break;
			g->idle = true;
			pthread_cond_wait(&g->wake, &g->mu);
			g->idle = false;
			continue;
		}
		/* writers on their way: let them join this flush, for a bounded time */
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += GROUP_LINGER_NS;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (g->writers > 0 && !g->stop && g->written - g->synced < GROUP_MAX &&
		       pthread_cond_timedwait(&g->wake, &g->mu, &until) == 0) {
		}
		target = g->written;
		pthread_mutex_unlock(&g->mu);
		rc = g->ops->flush(g->location, &err);
		pthread_mutex_lock(&g->mu);
		g->flushes++;
		if (rc != NK_OK)
			g->failed = true;
		g->synced = target;
		pthread_cond_broadcast(&g->done);
		if (g->on_flush) {
			bool failed = g->failed;

			pthread_mutex_unlock(&g->mu);
			g->on_flush(g->on_flush_arg, target, failed);
			pthread_mutex_lock(&g->mu);
		}
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

enum nk_status nk_store_group_new(struct nk_store_group **out, const char *url,
				  struct nk_error *err)
{
	const struct nk_store_ops *ops;
	struct nk_store_group *g;
	const char *location;
	enum nk_status rc = store_parse_url(url, &ops, &location, err);

	if (rc != NK_OK)
		return rc;
	g = calloc(1, sizeof(*g));
	if (!g)
		return nk_fail(err, NK_ENOMEM, "store", "no memory for the commit group");
	g->ops = ops;
	g->concurrent = ops->caps & NK_STORE_CONCURRENT_WRITERS;
	g->location = strdup(location);
	if (!g->location) {
		free(g);
		return nk_fail(err, NK_ENOMEM, "store", "no memory for the commit group");
	}
	pthread_mutex_init(&g->turn, NULL);
	pthread_mutex_init(&g->mu, NULL);
	{
		pthread_condattr_t attr;

		pthread_condattr_init(&attr);
		pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
		pthread_cond_init(&g->wake, &attr);
		pthread_condattr_destroy(&attr);
	}
	pthread_cond_init(&g->done, NULL);
	if (pthread_create(&g->thread, NULL, committer, g) != 0) {
		free(g->location);
		free(g);
		return nk_fail(err, NK_ENOMEM, "store", "could not start the committer thread");
	}
	*out = g;
	return NK_OK;
}

void nk_store_group_free(struct nk_store_group *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->mu);
	g->stop = true;
	pthread_cond_signal(&g->wake);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->thread, NULL);
	pthread_mutex_destroy(&g->turn);
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->wake);
	pthread_cond_destroy(&g->done);
	free(g->location);
	free(g);
}

void store_group_take_turn(struct nk_store_group *g)
{
	if (g->concurrent)
		return;
	pthread_mutex_lock(&g->mu);
	g->writers++;
	pthread_mutex_unlock(&g->mu);
	pthread_mutex_lock(&g->turn);
}

void store_group_give_turn(struct nk_store_group *g)
{
	if (g->concurrent)
		return;
	pthread_mutex_unlock(&g->turn);
	pthread_mutex_lock(&g->mu);
	if (--g->writers == 0)
		pthread_cond_signal(&g->wake);
	pthread_mutex_unlock(&g->mu);
}

uint64_t store_group_issue(struct nk_store_group *g)
{
	uint64_t ticket;

	pthread_mutex_lock(&g->mu);
	ticket = ++g->issued;
	pthread_mutex_unlock(&g->mu);
	return ticket;
}

uint64_t store_group_current(struct nk_store_group *g)
{
	uint64_t ticket;

	pthread_mutex_lock(&g->mu);
	ticket = g->issued;
	pthread_mutex_unlock(&g->mu);
	return ticket;
}

/* A reader's ticket (written false) is the newest issued: it covers every COMMIT the
 * reader could have seen, which will be marked written by its own committer. */
enum nk_status store_group_wait(struct nk_store_group *g, uint64_t ticket, bool written,
				struct nk_error *err)
{
	enum nk_status rc = NK_OK;

	if (g->concurrent)
		return NK_OK;
	pthread_mutex_lock(&g->mu);
	if (written) {
		if (ticket > g->written)
			g->written = ticket;
		wake_for(g);
	}
	while (g->synced < ticket && !g->failed)
		pthread_cond_wait(&g->done, &g->mu);
	if (g->failed)
		rc = nk_fail(err, NK_ESTORE, "store", "the log could not be flushed to disk");
	pthread_mutex_unlock(&g->mu);
	return rc;
}

/* Marks ticket written without waiting for its flush (a deferred commit, whose caller
 * waits through nk_store_group_durable and on_flush instead). */
enum nk_status store_group_mark(struct nk_store_group *g, uint64_t ticket, struct nk_error *err)
{
	enum nk_status rc = NK_OK;

	if (g->concurrent)
		return NK_OK;
	pthread_mutex_lock(&g->mu);
	if (ticket > g->written)
		g->written = ticket;
	wake_for(g);
	if (g->failed)
		rc = nk_fail(err, NK_ESTORE, "store", "the log could not be flushed to disk");
	pthread_mutex_unlock(&g->mu);
	return rc;
}

void nk_store_group_on_flush(struct nk_store_group *g,
			     void (*fn)(void *arg, uint64_t synced, bool failed), void *arg)
{
	pthread_mutex_lock(&g->mu);
	g->on_flush = fn;
	g->on_flush_arg = arg;
	pthread_mutex_unlock(&g->mu);
}

bool nk_store_group_durable(struct nk_store_group *g, uint64_t ticket, bool *failed)
{
	bool durable;

	pthread_mutex_lock(&g->mu);
	*failed = g->failed;
	durable = g->concurrent || g->failed || g->synced >= ticket;
	pthread_mutex_unlock(&g->mu);
	return durable;
}

bool nk_store_group_failed(struct nk_store_group *g)
{
	bool failed;

	pthread_mutex_lock(&g->mu);
	failed = g->failed;
	pthread_mutex_unlock(&g->mu);
	return failed;
}

void nk_store_group_counts(struct nk_store_group *g, uint64_t *commits, uint64_t *flushes)
{
	pthread_mutex_lock(&g->mu);
	*commits = g->issued;
	*flushes = g->flushes;
	pthread_mutex_unlock(&g->mu);
}
