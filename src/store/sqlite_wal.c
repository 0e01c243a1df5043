/* Group commit on "sqlite:" (store/group.c, doc/storage.md "Group commit"): grouped
 * connections commit without flushing (synchronous=NORMAL) and the group's committer
 * flushes the WAL once per batch; every write of the group runs on one shared writer
 * connection, each transaction a savepoint of the open batch that the committer
 * COMMITs; and that writer's WAL checkpoints run outside the writers' turn, on a second
 * connection of its own. The writer's WAL goes through the shim that gathers a batch's
 * frames into a few writes (sqlite_vfs.c): its COMMIT's sync writes them, and a failure
 * to write them fails the COMMIT. */
#include "store/sqlite.h"
#include "store/sqlite_vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* New WAL frames after which a checkpoint is owed, run by the committer after its next
 * flush (SQLite's automatic checkpoint would run inside the COMMIT, in the turn, with
 * its copying and two fdatasyncs while every writer waits). A checkpoint copies each
 * page once, however many frames of it the WAL holds since the last: at 1,000 frames,
 * as SQLite's default, the checkpoints cost 5.9% of a submission's CPU in
 * bench/bench_server.sh, at 4,000 3.3% (bench/README.md). */
#define SQ_CHECKPOINT_PAGES 4000

/* The WAL's length past which it should start again from its beginning. SQLite restarts
 * it only at a write transaction that began when every frame was copied, and the
 * checkpoint thread's checkpoints run while the next batch is open; so the writer's next
 * batch checkpoints first, in the turn, what that thread left. The WAL grew without end
 * before (doc/storage.md). That checkpoint copied up to a whole stretch of 4,000 frames
 * and more, and waited for one running on the thread: 6-37 ms with every writer
 * waiting, five to thirteen times in a 6 s run (the tail of the latencies,
 * bench/README.md). Now, past this length, the thread is owed a checkpoint at every tell
 * and copies again what came in while it copied (SQ_CATCH_UP), and the writer
 * checkpoints in the turn only once at most SQ_RESTART_LEFT frames are left and the
 * thread is not copying: a batch or two. */
#define SQ_RESTART_PAGES 16000
#define SQ_RESTART_LEFT 512
#define SQ_CATCH_UP 4

/* ... unless the WAL has grown this long (the checkpoint thread starved, or held up):
 * then the writer waits for the thread and copies whatever is left, in the turn, as it
 * did at SQ_RESTART_PAGES before, so that the WAL cannot grow without bound. */
#define SQ_RESTART_MOST 24000

/* The writer's page cache, in KiB. It is the one connection that writes, and in WAL
 * mode it keeps its cache across its own commits (a connection drops its cache only
 * when another has committed): the pages the workers' writes touch stay warm in it. */
#define SQ_WRITER_CACHE_KIB 8192

static int sq_step_once(struct sq_store *s, enum sq_stmt which)
{
	int rc = sqlite3_step(s->stmt[which]);

	store_sqlite_done(s->stmt[which]);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* A PASSIVE checkpoint through connection c on behalf of the writer s: false when it
 * could not run. The WAL hook is told the WAL's whole length, not what is left to copy,
 * so new frames are counted from the frames copied so far (from zero once the WAL
 * restarts), which the checkpoint tells (*done; the WAL's length in *log). */
static bool sq_checkpoint(struct sq_store *s, struct sq_store *c, int *log, int *done)
{
	*log = 0;
	*done = 0;
	if (sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, log, done) !=
	    SQLITE_OK)
		return false;
	if (*log > 0)
		atomic_store(&s->checkpoint_frames, *done);
	return true;
}

static int sq_wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct sq_store *s = arg;

	(void)db;
	(void)name;
	s->wal_frames = pages;
	if (pages < atomic_load(&s->checkpoint_frames))	/* the WAL started again */
		atomic_store(&s->checkpoint_frames, 0);
	if (pages - atomic_load(&s->checkpoint_frames) >= SQ_CHECKPOINT_PAGES ||
	    pages >= SQ_RESTART_PAGES)
		atomic_store(&s->checkpoint_owed, true);
	return SQLITE_OK;
}

/* A grouped connection's COMMIT only writes the WAL; the group's flush syncs it. */
enum nk_status store_sqlite_relax_sync(void *state, struct nk_error *err)
{
	struct sq_store *s = state;
	int sql_rc = sqlite3_exec(s->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);

	if (sql_rc != SQLITE_OK)
		return store_sqlite_fail(s, sql_rc, "store", "could not relax synchronous", err);
	return NK_OK;
}

/* fdatasync on any descriptor of the WAL flushes every frame written through any
 * connection: the page cache is per file. A grouped connection is open whenever this
 * runs, and SQLite keeps the WAL while any connection is (a checkpoint truncates it,
 * never deletes it); so a missing WAL was deleted by hand, SQLite writes on through its
 * descriptor of the unlinked file, which nothing here can sync: a failure, not a
 * success that would acknowledge commits never flushed. */
enum nk_status store_sqlite_flush(const char *location, struct nk_error *err)
{
	char wal[PATH_MAX];
	enum nk_status rc = NK_OK;
	int fd;

	if ((size_t)snprintf(wal, sizeof(wal), "%s-wal", location) >= sizeof(wal))
		return nk_fail(err, NK_EINVAL, "store", "the database path is too long");
	fd = open(wal, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nk_fail(err, NK_ESTORE, "store", "could not open %s: %s", wal, strerror(errno));
	if (fdatasync(fd) != 0)
		rc = nk_fail(err, NK_ESTORE, "store", "could not flush %s: %s", wal, strerror(errno));
	close(fd);
	return rc;
}

/* The writer and its side connection, each opened as any store is (the key file read
 * and checked, then wiped here: a backend seals nothing). */
enum nk_status store_sqlite_batch_open(void **state, const char *location, struct nk_error *err)
{
	uint8_t *key = sodium_malloc(STORE_KEY_BYTES);
	void *writer = NULL, *side = NULL;
	struct sq_store *w;
	char pragma[48];
	enum nk_status rc;
	int sql_rc;

	if (!key)
		return nk_fail(err, NK_ENOMEM, "store", "no memory to open the shared writer");
	rc = store_sqlite_open(&writer, location, STORE_SQLITE_OPEN_GATHER, key, err);
	if (rc == NK_OK)
		rc = store_sqlite_open(&side, location, STORE_SQLITE_OPEN_GATHER, key, err);
	sodium_free(key);
	/* the checkpoints' copies into the database, gathered where pages run on */
	if (rc == NK_OK)
		(void)store_sqlite_vfs_gather(((struct sq_store *)side)->db);
	/* A writer whose WAL gathers its writes stays at synchronous=FULL: its COMMIT's sync
	 * is where the gathered frames are written, and fails the COMMIT when they cannot
	 * be, before SQLite publishes them; batch_commit defers the disk flush itself to the
	 * group's. Without the shim, the COMMIT only writes the WAL, as any grouped one. */
	if (rc == NK_OK && !store_sqlite_vfs_gather(((struct sq_store *)writer)->db))
		rc = store_sqlite_relax_sync(writer, err);
	if (rc != NK_OK) {
		store_sqlite_close(writer);
		store_sqlite_close(side);
		return rc;
	}
	w = writer;
	w->side = side;
	pthread_mutex_init(&w->side_mu, NULL);
	w->batched = true;
	snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = -%d", SQ_WRITER_CACHE_KIB);
	sql_rc = sqlite3_exec(w->db, pragma, NULL, NULL, NULL);
	if (sql_rc != SQLITE_OK) {
		rc = store_sqlite_fail(w, sql_rc, "store", "could not size the writer's cache", err);
		store_sqlite_close(w);
		return rc;
	}
	sqlite3_wal_hook(w->db, sq_wal_hook, w);	/* replaces the automatic checkpoint */
	*state = w;
	return NK_OK;
}

/* In the turn, before a batch begins, with the WAL past SQ_RESTART_PAGES: the checkpoint
 * that lets it start again, once little is left to copy and the checkpoint thread is not
 * copying (it would meet that one busy and copy nothing), or at once, waiting for the
 * thread, past SQ_RESTART_MOST. */
static void sq_restart(struct sq_store *s)
{
	int log, done;

	if (s->wal_frames >= SQ_RESTART_MOST) {
		pthread_mutex_lock(&s->side_mu);
	} else if (s->wal_frames - atomic_load(&s->checkpoint_frames) > SQ_RESTART_LEFT ||
		   pthread_mutex_trylock(&s->side_mu) != 0) {
		return;
	}
	s->wal_frames = 0;
	(void)sq_checkpoint(s, s, &log, &done);
	pthread_mutex_unlock(&s->side_mu);
}

/* The first transaction of a batch begins it (after the checkpoint that lets a long WAL
 * start again, when one is due); every transaction is a savepoint in it. */
enum nk_status store_sqlite_batch_begin(struct sq_store *s, struct nk_error *err)
{
	int sql_rc;

	if (sqlite3_get_autocommit(s->db)) {
		if (s->released > 0)	/* SQLite ended the batch itself: see batch_undo */
			s->batch_lost = true;
		s->released = 0;
		if (s->wal_frames >= SQ_RESTART_PAGES)
			sq_restart(s);
		sql_rc = sq_step_once(s, SQ_BEGIN);
		if (sql_rc != SQLITE_OK)
			return store_sqlite_fail(s, sql_rc, "transaction", "could not begin", err);
	}
	sql_rc = sq_step_once(s, SQ_SAVEPOINT);
	if (sql_rc == SQLITE_OK)
		return NK_OK;
	if (s->released == 0 && !sqlite3_get_autocommit(s->db))
		(void)sq_step_once(s, SQ_ROLLBACK);
	return store_sqlite_fail(s, sql_rc, "transaction", "could not begin", err);
}

enum nk_status store_sqlite_batch_release(struct sq_store *s, struct nk_error *err)
{
	int sql_rc = sq_step_once(s, SQ_RELEASE);

	if (sql_rc != SQLITE_OK)
		return store_sqlite_fail(s, sql_rc, "transaction", "could not commit", err);
	s->released++;
	return NK_OK;
}

/* Undoes one transaction, leaving the batch's others. Some errors (an I/O error, no
 * memory) make SQLite roll back the whole transaction by itself: the batch is then
 * lost, and batch_commit fails it. A batch that holds nothing ends here, so that the
 * writer does not keep the database's write lock. */
void store_sqlite_batch_undo(struct sq_store *s)
{
	bool undone = false;

	if (!sqlite3_get_autocommit(s->db))
		undone = sq_step_once(s, SQ_ROLLBACK_TO) == SQLITE_OK &&
			 sq_step_once(s, SQ_RELEASE) == SQLITE_OK;
	if (!sqlite3_get_autocommit(s->db) && (!undone || s->released == 0))
		(void)sq_step_once(s, SQ_ROLLBACK);
	if (sqlite3_get_autocommit(s->db)) {
		if (s->released > 0)
			s->batch_lost = true;
		s->released = 0;
	}
}

enum nk_status store_sqlite_batch_commit(void *state, struct nk_error *err)
{
	struct sq_store *s = state;
	bool lost = s->batch_lost || (s->released > 0 && sqlite3_get_autocommit(s->db));
	enum nk_status rc;
	int sql_rc;

	s->batch_lost = false;
	s->released = 0;
	if (lost) {
		if (!sqlite3_get_autocommit(s->db))
			(void)sq_step_once(s, SQ_ROLLBACK);
		return nk_fail(err, NK_ESTORE, "store", "a batch of commits was rolled back after "
			       "an error (database %s)", s->path);
	}
	if (sqlite3_get_autocommit(s->db))
		return NK_OK;
	store_sqlite_vfs_defer_sync(s->db, true);
	sql_rc = sq_step_once(s, SQ_COMMIT);
	store_sqlite_vfs_defer_sync(s->db, false);
	if (sql_rc == SQLITE_OK)
		sql_rc = store_sqlite_vfs_failed(s->db);
	if (sql_rc == SQLITE_OK)
		return NK_OK;
	rc = store_sqlite_fail(s, sql_rc, "transaction", "could not commit the batch", err);
	store_sqlite_drop_unsynced(s);
	return rc;
}

/* On the checkpoint thread. Once the WAL is due to start again, each round copies what
 * came in while the one before copied, until a round finds little (SQ_CATCH_UP rounds at
 * most), so that the writer's checkpoint in the turn (sq_restart) has only the last
 * batches left. */
void store_sqlite_batch_checkpoint(void *state)
{
	struct sq_store *s = state;
	int copied = atomic_load(&s->checkpoint_frames), log, done;

	if (!atomic_exchange(&s->checkpoint_owed, false))
		return;
	pthread_mutex_lock(&s->side_mu);
	for (int round = 0; round < SQ_CATCH_UP; round++) {
		if (!sq_checkpoint(s, s->side, &log, &done) || log < SQ_RESTART_PAGES ||
		    done < copied || done - copied <= SQ_RESTART_LEFT / 2)
			break;
		copied = done;
	}
	pthread_mutex_unlock(&s->side_mu);
}
