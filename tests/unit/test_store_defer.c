/* Deferred durability in a commit group (issue 13): a connection opened with
 * NK_STORE_DEFER_DURABLE commits without waiting for the flush, its ticket says what to
 * wait for, and the committer's callback reports every flush, or its failure; and the
 * shared writer's WAL checkpoint runs on the committer, outside any COMMIT, and a long
 * WAL starts again from its beginning; and a commit wakes an idle committer; and a
 * batch committed while a flush runs is reported by the next flush, not by that one. */
#define _GNU_SOURCE	/* RTLD_NEXT */
#include "store_fixture.h"

#include <dlfcn.h>
#include <errno.h>
#include <time.h>

/* The group's flushes (store_sqlite_flush: an fdatasync on a descriptor of the WAL
 * opened read-only; SQLite's own are read-write), counted as they begin and, while
 * flush_held, held there: taken from the process, which the store's code calls. */
static pthread_mutex_t flush_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t flush_cv = PTHREAD_COND_INITIALIZER;
static bool flush_held;
static unsigned flushes_begun;

static bool a_group_flush(int fd)
{
	char link[64], path[512];
	ssize_t n;
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || (flags & O_ACCMODE) != O_RDONLY)
		return false;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 4)
		return false;
	path[n] = '\0';
	return strcmp(path + n - 4, "-wal") == 0;
}

int fdatasync(int fd)
{
	int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");

	if (a_group_flush(fd)) {
		pthread_mutex_lock(&flush_mu);
		flushes_begun++;
		pthread_cond_broadcast(&flush_cv);
		while (flush_held)
			pthread_cond_wait(&flush_cv, &flush_mu);
		pthread_mutex_unlock(&flush_mu);
	}
	return real(fd);
}

/* What the committer's callback saw; while gate is closed it holds the committer in
 * the callback, so that no later flush can run. */
struct seen {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t synced;
	bool failed, gate;
	unsigned calls;
	uint64_t told[8];	/* what the first calls told */
};

static void on_flush(void *arg, uint64_t synced, bool failed)
{
	struct seen *s = arg;

	pthread_mutex_lock(&s->mu);
	s->synced = synced;
	s->failed = s->failed || failed;
	if (s->calls < COUNT(s->told))
		s->told[s->calls] = synced;
	s->calls++;
	pthread_cond_broadcast(&s->cv);
	while (s->gate)
		pthread_cond_wait(&s->cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
}

/* Waits, at most 10 s, for the callback to report ticket (or a failure when failure). */
static bool wait_seen(struct seen *s, uint64_t ticket, bool failure)
{
	struct timespec until;
	bool ok;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&s->mu);
	while (!(failure ? s->failed : s->synced >= ticket) &&
	       pthread_cond_timedwait(&s->cv, &s->mu, &until) != ETIMEDOUT) {
	}
	ok = failure ? s->failed : s->synced >= ticket;
	pthread_mutex_unlock(&s->mu);
	return ok;
}

static void open_deferred(struct fixture *fx, struct nk_store_group **group,
			  struct nk_store **st, struct seen *s)
{
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	pthread_mutex_lock(&flush_mu);	/* a test that failed may have left it held */
	flush_held = false;
	pthread_cond_broadcast(&flush_cv);
	pthread_mutex_unlock(&flush_mu);
	assert_int_equal(nk_store_group_new(group, fx->url, NULL), NK_OK);
	nk_store_group_on_flush(*group, on_flush, s);
	assert_int_equal(nk_store_open_grouped(st, fx->url, NK_STORE_DEFER_DURABLE, *group, NULL),
			 NK_OK);
}

static void close_deferred(struct nk_store_group *group, struct nk_store *st, struct seen *s)
{
	nk_store_group_on_flush(group, NULL, NULL);
	nk_store_close(st);
	nk_store_group_free(group);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
}

static void deferred_commit_returns_before_its_flush(void **state)
{
	struct fixture *fx = *state;
	struct nk_store_group *group = NULL;
	struct nk_store *st = NULL;
	struct seen s = { .gate = true };
	uint64_t first, second;
	bool failed = true;

	open_deferred(fx, &group, &st, &s);
	create_case(st, "d1");
	first = nk_store_durable_ticket(st);
	assert_true(first > 0);
	/* the committer is now held in the callback of the flush of first */
	assert_true(wait_seen(&s, first, false));
	begin(st);
	append(st, "d1", "claimant", "figure", "{}");
	commit(st);	/* a commit that waited for its flush would never return here */
	second = nk_store_durable_ticket(st);
	assert_true(second > first);
	assert_false(nk_store_group_durable(group, second, &failed));
	assert_false(failed);
	assert_true(nk_store_group_durable(group, first, &failed));
	pthread_mutex_lock(&s.mu);
	s.gate = false;
	pthread_cond_broadcast(&s.cv);
	pthread_mutex_unlock(&s.mu);
	assert_true(wait_seen(&s, second, false));
	assert_true(nk_store_group_durable(group, second, &failed));
	assert_false(failed);
	close_deferred(group, st, &s);
	reopen(fx);
	assert_int_equal(count_events(fx->store, "d1"), 1);
}

static void failed_flush_is_reported_and_refuses_later_commits(void **state)
{
	struct fixture *fx = *state;
	struct nk_store_group *group = NULL;
	struct nk_store *st = NULL;
	struct seen s = { .gate = false };
	char wal[200], kept[220];
	uint64_t ticket;
	bool failed = false;
	struct nk_error err = { 0 };

	open_deferred(fx, &group, &st, &s);
	create_case(st, "d2");
	assert_true(wait_seen(&s, nk_store_durable_ticket(st), false));
	/* the WAL's path made unopenable: the committer's flush fails, the writes go on
	 * through the connection's open descriptor */
	snprintf(wal, sizeof(wal), "%s-wal", fx->db);
	snprintf(kept, sizeof(kept), "%s-kept", fx->db);
	assert_int_equal(rename(wal, kept), 0);
	assert_int_equal(symlink(wal, wal), 0);
	begin(st);
	append(st, "d2", "claimant", "figure", "{}");
	commit(st);	/* in the log, not yet acknowledged */
	ticket = nk_store_durable_ticket(st);
	assert_true(wait_seen(&s, ticket, true));
	assert_true(nk_store_group_durable(group, ticket, &failed));
	assert_true(failed);
	assert_true(nk_store_group_failed(group));
	assert_int_equal(nk_store_begin(st, NULL), NK_OK);
	assert_int_equal(nk_store_append(st, "d2", &(struct nk_event){ .time_ms = 1,
			 .actor = "a", .type = "t", .body = "{}" }, NULL), NK_OK);
	assert_int_equal(nk_store_commit(st, &err), NK_ESTORE);
	assert_string_equal(err.field, "store");
	close_deferred(group, st, &s);
	assert_int_equal(unlink(wal), 0);
	assert_int_equal(rename(kept, wal), 0);
}

static void defer_flag_is_known(void **state)
{
	struct fixture *fx = *state;
	struct nk_store *st = NULL;
	struct nk_error err = { 0 };

	/* outside a group the flag changes nothing: commits are durable on return */
	assert_int_equal(nk_store_open_grouped(&st, fx->url, NK_STORE_DEFER_DURABLE, NULL, &err),
			 NK_OK);
	assert_int_equal(nk_store_durable_ticket(st), 0);
	nk_store_close(st);
	assert_int_equal(nk_store_open_grouped(&st, fx->url, 1u << 7, NULL, &err), NK_EINVAL);
	assert_string_equal(err.field, "flags");
}

static off_t file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? sb.st_size : -1;
}

/* A read through st's own connection, which commits the batch that holds st's writes
 * first (store_see_own): the other connections see them then. */
static void see_own(struct nk_store *st)
{
	assert_int_equal(nk_store_begin_read(st, NULL), NK_OK);
	nk_store_rollback(st);
}

/* Waits, at most 10 s, for path to grow past size. */
static bool grows_past(const char *path, off_t size)
{
	for (int i = 0; i < 1000 && file_size(path) <= size; i++)
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
	return file_size(path) > size;
}

/* SQLite's automatic checkpoint would run inside the COMMIT that takes the WAL past
 * 1,000 pages, holding the group's writer turn: the shared writer's COMMITs only count
 * the WAL's frames (a checkpoint is owed at 4,000), and the committer checkpoints once a flush is done and its answers
 * are told (sqlite_wal.c). Here the committer is held in the callback of a flush while
 * the batches are committed by the reads of their writer (store_see_own). */
static void checkpoint_runs_after_the_flush_outside_any_commit(void **state)
{
	struct fixture *fx = *state;
	struct nk_store_group *group = NULL;
	struct nk_store *st = NULL;
	struct seen s = { .gate = true };
	char wal[200], body[3100];
	off_t db_before;
	int commits = 0;

	open_deferred(fx, &group, &st, &s);
	create_case(st, "d3");
	assert_true(wait_seen(&s, nk_store_durable_ticket(st), false));	/* held there now */
	snprintf(wal, sizeof(wal), "%s-wal", fx->db);
	memset(body, 'x', sizeof(body));
	memcpy(body, "{\"t\":\"", 6);
	memcpy(body + sizeof(body) - 3, "\"}", 3);
	db_before = file_size(fx->db);
	while (file_size(wal) < 4100 * 4096 && commits < 20000) {
		begin(st);
		append(st, "d3", "claimant", "figure", body);
		commit(st);
		see_own(st);
		commits++;
	}
	assert_true(file_size(wal) >= 4100 * 4096);
	assert_int_equal(file_size(fx->db), db_before);	/* no checkpoint in any COMMIT */
	pthread_mutex_lock(&s.mu);
	s.gate = false;
	pthread_cond_broadcast(&s.cv);
	pthread_mutex_unlock(&s.mu);
	assert_true(grows_past(fx->db, db_before + commits * 2048));	/* the committer's */
	print_message("# %d commits, WAL %lld bytes, database %lld -> %lld bytes\n", commits,
		      (long long)file_size(wal), (long long)db_before, (long long)file_size(fx->db));
	close_deferred(group, st, &s);
	reopen(fx);
	assert_int_equal(count_events(fx->store, "d3"), (size_t)commits);
}

/* A busy server's checkpoints run while readers still hold older snapshots, so none of
 * them copies the whole WAL, and SQLite starts the WAL again only at a write that began
 * when it was wholly copied: without the checkpoint a long WAL's next batch makes first,
 * inside the turn (sqlite_wal.c, batch_begin), the WAL grew without end. Here a second
 * connection holds a read across most of the writer's commits. */
static void a_long_wal_starts_again_under_readers(void **state)
{
	struct fixture *fx = *state;
	struct nk_store_group *group = NULL;
	struct nk_store *st = NULL, *reader = NULL;
	struct seen s = { .gate = false };
	char wal[200], body[3100];
	uint8_t head[NK_CHAIN_BYTES];
	int64_t seq = 0;
	bool linked = false;
	int commits = 0;
	off_t most = 0;

	open_deferred(fx, &group, &st, &s);
	assert_int_equal(nk_store_open_grouped(&reader, fx->url, 0, group, NULL), NK_OK);
	create_case(st, "d5");
	see_own(st);
	snprintf(wal, sizeof(wal), "%s-wal", fx->db);
	memset(body, 'y', sizeof(body));
	memcpy(body, "{\"t\":\"", 6);
	memcpy(body + sizeof(body) - 3, "\"}", 3);
	/* some 80,000 frames written: five times the length that makes a write checkpoint;
	 * nine writes in ten begin while the reader holds its read (as a busy server's
	 * always one), and every checkpoint a read pays runs while it does */
	for (commits = 0; commits < 26000; commits++) {
		bool held = commits % 10 != 9;

		if (held) {
			assert_int_equal(nk_store_begin_read(reader, NULL), NK_OK);
			assert_int_equal(nk_store_last_link(reader, "d5", &seq, &linked, head,
							    NULL), NK_OK);
			assert_int_equal(seq, commits);
		}
		begin(st);
		append(st, "d5", "claimant", "figure", body);
		commit(st);
		see_own(st);
		if (held)
			nk_store_rollback(reader);
		if (file_size(wal) > most)
			most = file_size(wal);
	}
	print_message("# %d commits, the WAL at most %lld bytes\n", commits, (long long)most);
	assert_true(most < 2 * 16000 * (4096 + 24));
	nk_store_close(reader);
	close_deferred(group, st, &s);
	reopen(fx);
	assert_int_equal(count_events(fx->store, "d5"), (size_t)commits);
}

/* A WAL deleted by hand: SQLite writes on through its open descriptor of the unlinked
 * file, which no flush by path can reach, so a flush that found no WAL and called that
 * success acknowledged commits that were never synced. */
static void missing_wal_fails_the_flush(void **state)
{
	struct fixture *fx = *state;
	struct nk_store_group *group = NULL;
	struct nk_store *st = NULL;
	struct seen s = { .gate = false };
	char wal[200];
	uint64_t ticket;
	bool failed = false;

	open_deferred(fx, &group, &st, &s);
	create_case(st, "d4");
	assert_true(wait_seen(&s, nk_store_durable_ticket(st), false));
	snprintf(wal, sizeof(wal), "%s-wal", fx->db);
	assert_int_equal(unlink(wal), 0);
	begin(st);
	append(st, "d4", "claimant", "figure", "{}");
	commit(st);
	ticket = nk_store_durable_ticket(st);
	assert_true(wait_seen(&s, ticket, true));
	assert_true(nk_store_group_durable(group, ticket, &failed));
	assert_true(failed);
	assert_true(nk_store_group_failed(group));
	close_deferred(group, st, &s);
}

/* One writer of a burst, on its own deferred store: each commit, once marked, waits for
 * the callback to report its ticket, so that the next finds the committer idle. */
struct burst {
	struct fixture *fx;
	struct nk_store_group *group;
	struct seen *s;
	char case_id[16];
	int commits, lost;
	bool ok;
};

static void *burst_run(void *arg)
{
	struct burst *b = arg;
	struct nk_store *st = NULL;

	b->ok = nk_store_open_grouped(&st, b->fx->url, NK_STORE_DEFER_DURABLE, b->group, NULL) ==
		NK_OK;
	for (int i = 0; b->ok && i < b->commits; i++) {
		struct nk_event ev = { .time_ms = 1700000000000, .actor = "claimant",
				       .type = "figure", .body = (char *)"{}" };
		uint64_t ticket;

		b->ok = nk_store_begin(st, NULL) == NK_OK &&
			nk_store_append(st, b->case_id, &ev, NULL) == NK_OK &&
			nk_store_commit(st, NULL) == NK_OK;
		ticket = nk_store_durable_ticket(st);
		if (b->ok && !wait_seen(b->s, ticket, false)) {
			b->lost++;
			break;
		}
	}
	nk_store_close(st);
	return NULL;
}

/* A commit wakes an idle committer: the last writer leaving the turn tells it (after the
 * group's lock is released, store_group_give_turn), and so does a mark that finds it idle
 * (read without the lock, store_group_mark: either the mark sees idle or the committer,
 * about to sleep, sees the new ticket). A wake-up lost would leave a lone commit unflushed
 * (wait_seen's 10 s), here where every commit finds the committer idle or going so: alone,
 * then four writers at once. */
static void a_commit_wakes_an_idle_committer(void **state)
{
	struct fixture *fx = *state;
	struct nk_store_group *group = NULL;
	struct nk_store *st = NULL;
	struct seen s = { .gate = false };
	struct burst alone, four[4];
	pthread_t threads[4];

	open_deferred(fx, &group, &st, &s);
	create_case(st, "w0");
	for (int i = 0; i < 4; i++) {
		char id[16];

		snprintf(id, sizeof(id), "w%d", i + 1);
		create_case(st, id);
	}
	assert_true(wait_seen(&s, nk_store_durable_ticket(st), false));
	alone = (struct burst){ .fx = fx, .group = group, .s = &s, .case_id = "w0",
				.commits = 400 };
	burst_run(&alone);
	assert_true(alone.ok);
	assert_int_equal(alone.lost, 0);
	for (int i = 0; i < 4; i++) {
		four[i] = (struct burst){ .fx = fx, .group = group, .s = &s, .commits = 150 };
		snprintf(four[i].case_id, sizeof(four[i].case_id), "w%d", i + 1);
		assert_int_equal(pthread_create(&threads[i], NULL, burst_run, &four[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(threads[i], NULL), 0);
		assert_true(four[i].ok);
		assert_int_equal(four[i].lost, 0);
	}
	close_deferred(group, st, &s);
	reopen(fx);
	assert_int_equal(count_events(fx->store, "w0"), 400);
	assert_int_equal(count_events(fx->store, "w3"), 150);
}

/* A batch committed while a flush runs (here by its writer's own read, store_group_see;
 * a committer that pipelined its batches would do it itself) must not be reported by
 * that flush, begun before its COMMIT: a ticket is durable only once a flush that began
 * after its COMMIT has ended. Here the group's flush of one commit is held inside its
 * fdatasync while a second commit is released and committed; another connection sees
 * it, still not durable; the held flush then reports the first only, and the next flush
 * the second. A committer that took what to report when its flush ended, not when it
 * began, would report the second with the first (tried: the test fails). */
static void a_batch_committed_during_a_flush_waits_for_the_next(void **state)
{
	struct fixture *fx = *state;
	struct nk_store_group *group = NULL;
	struct nk_store *st = NULL;
	struct seen s = { .gate = false };
	uint64_t first, second, told[2];
	unsigned calls, begun;
	struct timespec until;
	bool failed = true, held;

	open_deferred(fx, &group, &st, &s);
	create_case(st, "q1");
	assert_true(wait_seen(&s, nk_store_durable_ticket(st), false));
	pthread_mutex_lock(&s.mu);
	calls = s.calls;
	pthread_mutex_unlock(&s.mu);
	assert_true(calls + 2 <= COUNT(s.told));
	pthread_mutex_lock(&flush_mu);
	flush_held = true;
	begun = flushes_begun;
	pthread_mutex_unlock(&flush_mu);
	begin(st);
	append(st, "q1", "claimant", "figure", "{}");
	commit(st);
	first = nk_store_durable_ticket(st);
	/* the flush of first begins, and is held (at most 10 s) */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&flush_mu);
	while (flushes_begun == begun &&
	       pthread_cond_timedwait(&flush_cv, &flush_mu, &until) != ETIMEDOUT) {
	}
	held = flushes_begun > begun;
	begun = flushes_begun;
	pthread_mutex_unlock(&flush_mu);
	assert_true(held);
	assert_int_equal(count_events(fx->store, "q1"), 1);	/* committed before the flush */
	begin(st);
	append(st, "q1", "payer", "figure", "{}");
	commit(st);
	see_own(st);	/* committed while the flush of first still runs */
	second = nk_store_durable_ticket(st);
	assert_true(second > first);
	assert_int_equal(count_events(fx->store, "q1"), 2);
	assert_false(nk_store_group_durable(group, first, &failed));
	assert_false(nk_store_group_durable(group, second, &failed));
	pthread_mutex_lock(&flush_mu);
	held = flushes_begun == begun;	/* no second flush while one runs */
	flush_held = false;
	pthread_cond_broadcast(&flush_cv);
	pthread_mutex_unlock(&flush_mu);
	assert_true(held);
	assert_true(wait_seen(&s, second, false));
	/* the held flush told first and not second; the one after it, second */
	pthread_mutex_lock(&s.mu);
	failed = s.failed;
	told[0] = s.calls >= calls + 1 ? s.told[calls] : 0;
	told[1] = s.calls >= calls + 2 ? s.told[calls + 1] : 0;
	pthread_mutex_unlock(&s.mu);
	assert_false(failed);
	assert_int_equal(told[0], first);
	assert_int_equal(told[1], second);
	assert_true(nk_store_group_durable(group, second, &failed));
	assert_false(failed);
	close_deferred(group, st, &s);
	reopen(fx);
	assert_int_equal(count_events(fx->store, "q1"), 2);
}

static const struct store_test sqlite_only[] = {
	{ "a_batch_committed_during_a_flush_waits_for_the_next",
	  a_batch_committed_during_a_flush_waits_for_the_next },
	{ "a_commit_wakes_an_idle_committer", a_commit_wakes_an_idle_committer },
	{ "deferred_commit_returns_before_its_flush", deferred_commit_returns_before_its_flush },
	{ "failed_flush_is_reported_and_refuses_later_commits",
	  failed_flush_is_reported_and_refuses_later_commits },
	{ "defer_flag_is_known", defer_flag_is_known },
	{ "checkpoint_runs_after_the_flush_outside_any_commit",
	  checkpoint_runs_after_the_flush_outside_any_commit },
	{ "missing_wal_fails_the_flush", missing_wal_fails_the_flush },
	{ "a_long_wal_starts_again_under_readers", a_long_wal_starts_again_under_readers },
};

int main(void)
{
	return store_tests_run("store_defer", NULL, 0, sqlite_only, COUNT(sqlite_only), NULL, 0);
}
