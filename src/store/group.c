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
 * On a backend with batches (sqlite:) the group also shares one writer connection: every
 * write transaction of the group's stores is a savepoint of one transaction on it, which
 * the committer COMMITs for the whole batch, in the turn, just before its flush. Each
 * store's own connection only reads, and sees a batch once it is committed. One
 * connection writing keeps its page cache (in WAL mode a connection drops its cache
 * whenever another has committed, so each of the workers' writes began cold), and a
 * page that several commits of a batch change is written to the WAL once.
 *
 * A backend with NK_STORE_CONCURRENT_WRITERS (postgresql:) needs none of it: its row
 * locks order writers on the same case (and the record) across every server, so
 * writers of one process need not take turns, and its COMMIT returns once durable,
 * flushes of concurrent commits shared by the database itself. Its writers skip the
 * turn and its tickets are durable when issued: a reader can see only commits that
 * returned. */
#include "store/group.h"
#include "store/store_impl.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GROUP_LINGER_NS (2 * 1000 * 1000)
#define GROUP_MAX 64

/* Commits flushed between two calls of the checkpointer. It was woken after every
 * flush, and found nothing owed in some hundred flushes out of a hundred and one (a
 * checkpoint is owed every 4,000 WAL frames, some 1,300 submissions): a wake-up and two
 * context switches per flush for nothing (bench/README.md). Now an owed checkpoint waits
 * at most this many commits more, a few hundred WAL frames. */
#define GROUP_CKPT_COMMITS 256

struct nk_store_group {
	const struct nk_store_ops *ops;
	char *location;
	bool concurrent;		/* NK_STORE_CONCURRENT_WRITERS: no turn, no flush */
	void *writer;			/* the shared writer connection (batches); or NULL */
	pthread_mutex_t mu;		/* guards everything below */
	pthread_cond_t wake;		/* the committer: something to do, or stop */
	pthread_cond_t done;		/* the waiters: a batch committed or a flush finished */
	pthread_cond_t turn;		/* writers waiting for the turn */
	bool busy;			/* someone holds the turn */
	bool wanted;			/* the committer waits for the turn, ahead of writers */
	unsigned queued;		/* writers waiting on turn */
	/* issued, synced and failed are written under mu and read without it where only
	 * their value is wanted (a ticket, whether it is durable), so that a submission
	 * takes mu twice (its turn's take and give) instead of seven times */
	_Atomic uint64_t issued;	/* tickets handed out (before COMMIT, or its RELEASE) */
	uint64_t written;		/* highest ticket whose COMMIT returned */
	_Atomic uint64_t synced;	/* highest ticket known durable */
	uint64_t flushes;
	unsigned writers;		/* holding or queued for the turn */
	atomic_bool idle;		/* the committer waits for a first commit to flush */
	atomic_bool failed;		/* a flush failed: nothing is acknowledged any more */
	uint64_t failed_at;		/* the highest ticket of the batch that failed first */
	bool stop;
	pthread_t thread;
	/* the WAL checkpoints, on a thread of their own (checkpointer) */
	pthread_cond_t ckpt_wake;
	bool ckpt_due;
	uint64_t ckpt_told;		/* synced when the checkpointer was last told */
	pthread_t ckpt_thread;
	/* told after every flush, outside mu (nk_store_group_on_flush) */
	void (*on_flush)(void *arg, uint64_t synced, bool failed);
	void *on_flush_arg;
};

/* Commits what waits for the committer: the open batch's releases (with a writer), or
 * COMMITs that returned (without). */
static uint64_t pending(const struct nk_store_group *g)
{
	return g->writer ? g->issued - g->written : g->written - g->synced;
}

/* A commit written, with mu held: the committer is woken when this is its first to
 * flush, or fills its batch. While it lingers for writers on their way it needs no
 * other news (the last writer's leaving the turn wakes it, store_group_give_turn), and
 * waking it for each commit cost a futex wake and two context switches per submission
 * (bench/README.md). */
static void wake_for(struct nk_store_group *g)
{
	if (g->idle || g->issued - g->synced >= GROUP_MAX)
		pthread_cond_signal(&g->wake);
}

/* With mu held: a batch's COMMIT or flush failed, and every later one is refused. */
static void fail(struct nk_store_group *g, uint64_t target)
{
	if (!g->failed)
		g->failed_at = target;
	g->failed = true;
}

/* With mu held: takes the turn, the committer ahead of every writer that waits. */
static void take_turn_locked(struct nk_store_group *g, bool committer)
{
	if (committer) {
		g->wanted = true;
		while (g->busy)
			pthread_cond_wait(&g->wake, &g->mu);
		g->wanted = false;
	} else {
		while (g->busy || g->wanted) {
			g->queued++;
			pthread_cond_wait(&g->turn, &g->mu);
			g->queued--;
		}
	}
	g->busy = true;
}

/* With mu held: frees the turn, and returns whom to tell once mu is released: the
 * committer when it waits for the turn, else a waiting writer, else no one. Told under
 * mu, the woken thread's first act was to wait for mu, still held by the teller: a
 * second futex sleep and wake-up for each turn handed on (bench/README.md). Told after,
 * a writer that takes the turn in between is no harm: the woken one looks again. */
static pthread_cond_t *give_turn_locked(struct nk_store_group *g)
{
	g->busy = false;
	if (g->wanted)
		return &g->wake;
	if (g->queued > 0)
		return &g->turn;
	return NULL;
}

/* With the turn held and mu not: COMMITs the open batch. Every ticket issued so far was
 * released into it (tickets are issued in the turn), so all are written now; a COMMIT
 * that failed fails every one of them, and the group with them, as a failed flush does. */
static void commit_batch(struct nk_store_group *g)
{
	struct nk_error err = { 0 };
	uint64_t target;
	enum nk_status rc;

	pthread_mutex_lock(&g->mu);
	target = g->issued;
	pthread_mutex_unlock(&g->mu);
	if (target <= g->written)	/* written changes only in the turn, which is ours */
		return;
	if (g->ops->batch_seal)	/* signs the batch's links into it (doc/crypto.md, "Batches") */
		g->ops->batch_seal(g->writer);
	rc = g->ops->batch_commit(g->writer, &err);
	pthread_mutex_lock(&g->mu);
	if (rc != NK_OK)
		fail(g, target);
	g->written = target;
	pthread_cond_broadcast(&g->done);
	wake_for(g);
	pthread_mutex_unlock(&g->mu);
}

/* With mu held: waits, for a bounded time, while writers are on their way, so that they
 * join this batch and its flush. */
static void linger(struct nk_store_group *g)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += GROUP_LINGER_NS;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (g->writers > 0 && !g->stop && g->issued - g->synced < GROUP_MAX &&
	       pthread_cond_timedwait(&g->wake, &g->mu, &until) == 0) {
	}
}

static void *committer(void *arg)
{
	struct nk_store_group *g = arg;
	struct nk_error err = { 0 };

	pthread_mutex_lock(&g->mu);
	for (;;) {
		uint64_t target;
		enum nk_status rc;

		if (pending(g) == 0 && g->synced >= g->written) {
			if (g->stop)
				break;
			g->idle = true;
			/* a writer's mark reads idle without mu once its ticket is issued
			 * (store_group_mark): it sees idle, or this sees its ticket */
			if (pending(g) == 0)
				pthread_cond_wait(&g->wake, &g->mu);
			g->idle = false;
			continue;
		}
		linger(g);
		if (g->writer && g->issued > g->written) {
			pthread_cond_t *next;

			take_turn_locked(g, true);
			pthread_mutex_unlock(&g->mu);
			commit_batch(g);
			pthread_mutex_lock(&g->mu);
			if ((next = give_turn_locked(g)) != NULL) {
				pthread_mutex_unlock(&g->mu);
				pthread_cond_signal(next);
				pthread_mutex_lock(&g->mu);
			}
		}
		target = g->written;
		if (target <= g->synced)
			continue;
		pthread_mutex_unlock(&g->mu);
		rc = g->ops->flush(g->location, &err);
		pthread_mutex_lock(&g->mu);
		g->flushes++;
		if (rc != NK_OK)
			fail(g, target);
		g->synced = target;
		pthread_cond_broadcast(&g->done);
		if (g->on_flush) {
			void (*fn)(void *, uint64_t, bool) = g->on_flush;
			void *fn_arg = g->on_flush_arg;
			bool failed = g->failed;

			pthread_mutex_unlock(&g->mu);
			fn(fn_arg, target, failed);
			pthread_mutex_lock(&g->mu);
		}
		/* the WAL's checkpoint, when owed, outside the turn and after the answers */
		if (g->writer && g->synced - g->ckpt_told >= GROUP_CKPT_COMMITS) {
			g->ckpt_told = g->synced;
			g->ckpt_due = true;
			pthread_cond_signal(&g->ckpt_wake);
		}
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

/* Runs the writer's owed WAL checkpoints (batch_checkpoint, on a connection of their
 * own), told after each flush. They ran on the committer after its flush: a checkpoint
 * copies thousands of pages and syncs the database twice, tens of milliseconds under
 * load, and meanwhile no batch was committed or flushed, so every answer waited (the
 * tail of the latencies, bench/README.md). Here the next batches commit and flush while
 * it runs: a PASSIVE checkpoint copies only frames already committed, beside writers. */
static void *checkpointer(void *arg)
{
	struct nk_store_group *g = arg;

	pthread_mutex_lock(&g->mu);
	for (;;) {
		while (!g->ckpt_due && !g->stop)
			pthread_cond_wait(&g->ckpt_wake, &g->mu);
		if (!g->ckpt_due)
			break;
		g->ckpt_due = false;
		pthread_mutex_unlock(&g->mu);
		g->ops->batch_checkpoint(g->writer);
		pthread_mutex_lock(&g->mu);
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
	{
		pthread_mutexattr_t attr;

		/* held for a few instructions at a time: a thread that finds it taken spins a
		 * little before it sleeps (glibc's adaptive mutex), instead of a futex sleep
		 * and wake-up behind a holder running on the other core */
		pthread_mutexattr_init(&attr);
		pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
		pthread_mutex_init(&g->mu, &attr);
		pthread_mutexattr_destroy(&attr);
	}
	{
		pthread_condattr_t attr;

		pthread_condattr_init(&attr);
		pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
		pthread_cond_init(&g->wake, &attr);
		pthread_condattr_destroy(&attr);
	}
	pthread_cond_init(&g->done, NULL);
	pthread_cond_init(&g->turn, NULL);
	pthread_cond_init(&g->ckpt_wake, NULL);
	if (pthread_create(&g->ckpt_thread, NULL, checkpointer, g) != 0) {
		free(g->location);
		free(g);
		return nk_fail(err, NK_ENOMEM, "store", "could not start the checkpoint thread");
	}
	if (pthread_create(&g->thread, NULL, committer, g) != 0) {
		pthread_mutex_lock(&g->mu);
		g->stop = true;
		pthread_cond_signal(&g->ckpt_wake);
		pthread_mutex_unlock(&g->mu);
		pthread_join(g->ckpt_thread, NULL);
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
	/* after the committer: a checkpoint owed by its last flushes still runs */
	pthread_mutex_lock(&g->mu);
	if (g->writer && g->synced > g->ckpt_told)
		g->ckpt_due = true;
	pthread_cond_signal(&g->ckpt_wake);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->ckpt_thread, NULL);
	if (g->writer)
		g->ops->close(g->writer);
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->wake);
	pthread_cond_destroy(&g->done);
	pthread_cond_destroy(&g->turn);
	pthread_cond_destroy(&g->ckpt_wake);
	free(g->location);
	free(g);
}

/* The writer is opened with the group's first store, once the database exists (the
 * first store may be the one that makes it). */
enum nk_status store_group_attach(struct nk_store_group *g, struct nk_error *err)
{
	enum nk_status rc = NK_OK;

	if (g->concurrent || !g->ops->batch_open)
		return NK_OK;
	pthread_mutex_lock(&g->mu);
	if (!g->writer)
		rc = g->ops->batch_open(&g->writer, g->location, err);
	pthread_mutex_unlock(&g->mu);
	return rc;
}

void *store_group_writer(struct nk_store_group *g)
{
	return g->writer;	/* set once, before any store of the group is handed out */
}

void store_group_take_turn(struct nk_store_group *g)
{
	if (g->concurrent)
		return;
	pthread_mutex_lock(&g->mu);
	g->writers++;
	take_turn_locked(g, false);
	pthread_mutex_unlock(&g->mu);
}

void store_group_give_turn(struct nk_store_group *g)
{
	pthread_cond_t *next;
	bool last;

	if (g->concurrent)
		return;
	pthread_mutex_lock(&g->mu);
	next = give_turn_locked(g);
	last = --g->writers == 0;
	pthread_mutex_unlock(&g->mu);
	if (next)
		pthread_cond_signal(next);
	if (last && next != &g->wake)
		pthread_cond_signal(&g->wake);
}

void store_group_settle(struct nk_store_group *g)
{
	if (g->writer)
		commit_batch(g);
}

/* In the turn (or, without one, anywhere: the addition is atomic). Whoever takes mu
 * after this sees the new ticket: the committer, woken by the writer's leaving the turn
 * or its mark. */
uint64_t store_group_issue(struct nk_store_group *g)
{
	return atomic_fetch_add(&g->issued, 1) + 1;
}

uint64_t store_group_current(struct nk_store_group *g)
{
	return atomic_load(&g->issued);
}

/* Marks ticket written: with a writer the committer's COMMIT does, for the batch. */
static void note_written(struct nk_store_group *g, uint64_t ticket)
{
	if (!g->writer && ticket > g->written)
		g->written = ticket;
	wake_for(g);
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
	if (written)
		note_written(g, ticket);
	else if (g->synced < ticket)
		wake_for(g);
	while (g->synced < ticket && !g->failed)
		pthread_cond_wait(&g->done, &g->mu);
	if (g->failed)
		rc = nk_fail(err, NK_ESTORE, "store", "the log could not be flushed to disk");
	pthread_mutex_unlock(&g->mu);
	return rc;
}

/* Marks ticket written without waiting for its flush (a deferred commit, whose caller
 * waits through nk_store_group_durable and on_flush instead). It fails when the group
 * had failed before this commit; a failure of this commit's own batch, which the
 * committer may meet before this is called, is told the caller as a durable one is. */
enum nk_status store_group_mark(struct nk_store_group *g, uint64_t ticket, struct nk_error *err)
{
	enum nk_status rc = NK_OK;

	if (g->concurrent)
		return NK_OK;
	/* With a writer the committer's COMMIT marks the batch written, and a commit only
	 * wakes the committer when it idles or the batch is full (wake_for): mu is taken
	 * then, and after a failure, not for every commit. The ticket was issued before
	 * (store_group_issue, sequentially consistent): the committer, going idle, sets
	 * idle before it looks at the tickets once more (committer), so one of the two
	 * sees the other's. The signal itself is sent under mu, so that it cannot fall
	 * between the committer's look and its wait. */
	if (g->writer && !g->idle && atomic_load(&g->issued) - g->synced < GROUP_MAX &&
	    !g->failed)
		return NK_OK;
	pthread_mutex_lock(&g->mu);
	note_written(g, ticket);
	if (g->failed && g->failed_at < ticket)
		rc = nk_fail(err, NK_ESTORE, "store", "the log could not be flushed to disk");
	pthread_mutex_unlock(&g->mu);
	return rc;
}

/* A connection's own write, released into the open batch, is to be read back through
 * its own connection: commits the batch now (the committer's next flush makes it
 * durable) unless the committer already has. */
void store_group_see(struct nk_store_group *g, uint64_t ticket)
{
	bool seen;

	pthread_mutex_lock(&g->mu);
	seen = !g->writer || g->written >= ticket;
	pthread_mutex_unlock(&g->mu);
	if (seen)
		return;
	store_group_take_turn(g);
	commit_batch(g);
	store_group_give_turn(g);
}

void nk_store_group_on_flush(struct nk_store_group *g,
			     void (*fn)(void *arg, uint64_t synced, bool failed), void *arg)
{
	pthread_mutex_lock(&g->mu);
	g->on_flush = fn;
	g->on_flush_arg = arg;
	pthread_mutex_unlock(&g->mu);
}

/* Without mu: synced and failed only grow, and the committer sets them before it calls
 * on_flush, so a caller that misses a flush here is behind a lock the callback takes
 * after (durable.c's) and is resumed by it. synced is read first: a failed flush sets
 * failed before it moves synced past the tickets it failed, so a ticket seen synced here
 * is also seen failed if its flush did. */
bool nk_store_group_durable(struct nk_store_group *g, uint64_t ticket, bool *failed)
{
	uint64_t synced = atomic_load(&g->synced);

	*failed = atomic_load(&g->failed);
	return g->concurrent || *failed || synced >= ticket;
}

bool nk_store_group_failed(struct nk_store_group *g)
{
	return atomic_load(&g->failed);
}

void nk_store_group_counts(struct nk_store_group *g, uint64_t *commits, uint64_t *flushes)
{
	pthread_mutex_lock(&g->mu);
	*commits = g->issued;
	*flushes = g->flushes;
	pthread_mutex_unlock(&g->mu);
}
