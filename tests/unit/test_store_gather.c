/* The group writer's WAL written in few writes (store/sqlite_vfs.c): a batch's frames go
 * to the file in writes of up to 124 KiB, not two per frame, and read back whole; and a
 * gathered write that fails fails the batch's COMMIT, so that none of its commits is
 * told durable (the server answers them 500, never 200), and none is in the database
 * after a restart. The writes are counted and failed through SQLite's own hook for its
 * system calls (the unix VFS's xSetSystemCall). */
#include "store_fixture.h"
#include "flush_gate.h"

#include <errno.h>
#include <stdatomic.h>
#include <time.h>

#define FRAME_BYTES (24 + 4096)	/* a WAL frame: its header and a page */
#define BATCH 60		/* transactions in the batch, each a 3,000-byte event */

typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);

static pwrite_fn real_pwrite, real_pwrite64;
static atomic_long writes, frame_headers, gathered;
static atomic_bool fail_gathered, fail_at_end;

/* A write larger than a frame is one only the shim makes. fail_gathered refuses every
 * such write, fail_at_end those that reach the file's end: of a checkpoint's copies
 * into a growing database, the last run of pages, which the shim writes at the
 * checkpoint's end. */
static ssize_t counted(pwrite_fn real, int fd, const void *buf, size_t n, off_t off)
{
	struct stat st;

	atomic_fetch_add(&writes, 1);
	if (n == 24)
		atomic_fetch_add(&frame_headers, 1);
	if (n > FRAME_BYTES) {
		atomic_fetch_add(&gathered, 1);
		if (atomic_load(&fail_gathered) ||
		    (atomic_load(&fail_at_end) && fstat(fd, &st) == 0 &&
		     off + (off_t)n >= st.st_size)) {
			errno = EIO;
			return -1;
		}
	}
	return real(fd, buf, n, off);
}

static ssize_t counted_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	return counted(real_pwrite, fd, buf, n, off);
}

static ssize_t counted_pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	return counted(real_pwrite64, fd, buf, n, off);
}

static void hook_writes(bool on)
{
	sqlite3_vfs *unix_vfs = sqlite3_vfs_find("unix");

	assert_non_null(unix_vfs);
	assert_true(unix_vfs->iVersion >= 3);
	if (on) {
		real_pwrite = (pwrite_fn)unix_vfs->xGetSystemCall(unix_vfs, "pwrite");
		real_pwrite64 = (pwrite_fn)unix_vfs->xGetSystemCall(unix_vfs, "pwrite64");
		assert_true(real_pwrite || real_pwrite64);
		if (real_pwrite)
			assert_int_equal(unix_vfs->xSetSystemCall(unix_vfs, "pwrite",
				(sqlite3_syscall_ptr)counted_pwrite), SQLITE_OK);
		if (real_pwrite64)
			assert_int_equal(unix_vfs->xSetSystemCall(unix_vfs, "pwrite64",
				(sqlite3_syscall_ptr)counted_pwrite64), SQLITE_OK);
	} else {
		/* a null pointer puts back the VFS's own */
		(void)unix_vfs->xSetSystemCall(unix_vfs, "pwrite", NULL);
		(void)unix_vfs->xSetSystemCall(unix_vfs, "pwrite64", NULL);
	}
	atomic_store(&fail_gathered, false);
	atomic_store(&fail_at_end, false);
}

static void count_from_zero(void)
{
	atomic_store(&writes, 0);
	atomic_store(&frame_headers, 0);
	atomic_store(&gathered, 0);
}

/* The gate told ticket, or a failure (whose test then asserts it). */
static bool gathered_told(struct gate *g, uint64_t ticket)
{
	return gate_told(g, ticket) || gate_failed(g);
}

struct world {
	struct nk_store_group *group;
	struct nk_store *a;	/* a deferred writer, as the server's workers */
	struct gate gate;
};

static void open_world(struct fixture *fx, struct world *w)
{
	gate_init(&w->gate);
	assert_int_equal(nk_store_group_new(&w->group, fx->url, NULL), NK_OK);
	nk_store_group_on_flush(w->group, gate_on_flush, &w->gate);
	assert_int_equal(nk_store_open_grouped(&w->a, fx->url, NK_STORE_DEFER_DURABLE, w->group,
					       NULL), NK_OK);
	create_case(w->a, "c");
	assert_true(gathered_told(&w->gate, nk_store_durable_ticket(w->a)));
	assert_false(gate_failed(&w->gate));
}

static void close_world(struct world *w)
{
	gate_open(&w->gate);
	nk_store_group_on_flush(w->group, NULL, NULL);
	nk_store_close(w->a);
	nk_store_group_free(w->group);
	gate_free(&w->gate);
}

/* Event i's body: 3,000 bytes that say which event they are. */
static void body_of(int i, char out[static 3001])
{
	int n = snprintf(out, 3001, "{\"n\":%d,\"pad\":\"", i);

	for (int j = n; j < 2998; j++)
		out[j] = (char)('a' + (i + j) % 26);
	memcpy(out + 2998, "\"}", 3);
}

/* BATCH transactions released into the open batch (the committer held), then let go:
 * the batch is committed and flushed at once. Returns the last one's ticket. */
static uint64_t fill_batch(struct world *w)
{
	char body[3001];
	char name[32];

	for (int i = 1; i <= BATCH; i++) {
		body_of(i, body);
		snprintf(name, sizeof(name), "figure.%d.claimant", i);
		begin(w->a);
		assert_int_equal(append(w->a, "c", "claimant", "figure", body), i);
		put(w->a, "c", name, "sealed figure");
		commit(w->a);
	}
	return nk_store_durable_ticket(w->a);
}

/* Some 50 frames, 200 KiB: in writes of at most 124 KiB (two or three here, with the
 * WAL's header when it starts), never a frame's 24-byte header alone; and every event
 * reads back whole after a restart. */
static void a_batch_is_written_in_few_writes(void **state)
{
	struct fixture *fx = *state;
	struct world w = { 0 };
	struct nk_event_list list = { 0 };
	char body[3001];
	uint64_t ticket;

	nk_store_close(fx->store);
	fx->store = NULL;
	open_world(fx, &w);
	hook_writes(true);
	ticket = fill_batch(&w);
	count_from_zero();
	gate_open(&w.gate);
	assert_true(gathered_told(&w.gate, ticket));
	assert_false(gate_failed(&w.gate));
	hook_writes(false);
	assert_int_equal(atomic_load(&frame_headers), 0);
	assert_in_range(atomic_load(&gathered), 2, 4);
	assert_in_range(atomic_load(&writes), 2, 6);
	close_world(&w);
	reopen(fx);
	assert_int_equal(nk_store_load(fx->store, "c", &list, NULL), NK_OK);
	assert_int_equal(list.count, BATCH);
	for (size_t i = 0; i < list.count; i++) {
		body_of((int)i + 1, body);
		assert_string_equal(list.events[i].body, body);
	}
	nk_event_list_free(&list);
	assert_secret(fx->store, "c", "figure.60.claimant", "sealed figure");
}

/* A gathered write fails (the disk refuses it): the batch's COMMIT fails with it, the
 * group reports every ticket of the batch failed, never durable, and after a restart
 * none of the batch is in the database, while what was flushed before is. */
static void a_failed_gathered_write_fails_the_commit(void **state)
{
	struct fixture *fx = *state;
	struct world w = { 0 };
	bool failed = false;
	uint64_t ticket;

	nk_store_close(fx->store);
	fx->store = NULL;
	open_world(fx, &w);
	hook_writes(true);
	ticket = fill_batch(&w);
	atomic_store(&fail_gathered, true);
	count_from_zero();
	gate_open(&w.gate);
	assert_true(gathered_told(&w.gate, ticket));
	assert_true(gate_failed(&w.gate));
	assert_true(atomic_load(&gathered) >= 1);
	assert_true(nk_store_group_durable(w.group, ticket, &failed));
	assert_true(failed);
	assert_true(nk_store_group_failed(w.group));
	hook_writes(false);
	close_world(&w);
	reopen(fx);
	assert_int_equal(count_events(fx->store, "c"), 0);	/* the case itself was flushed */
	assert_int_equal(nk_store_secret_get(fx->store, "c", "figure.1.claimant", NULL, 0,
					     &(size_t){ 0 }, NULL), NK_ENOTFOUND);
}

/* The checkpoints' copies into the database are gathered too, where pages run on. One
 * refused at the last connection's close (its checkpoint) must not let SQLite count the
 * pages copied and delete the WAL: SQLite ignores the result of the file control at a
 * checkpoint's end, where the held pages were written, so a failure is kept and fails
 * the sync after it. Everything acknowledged is there after reopening. */
static void a_failed_checkpoint_write_loses_nothing(void **state)
{
	struct fixture *fx = *state;
	struct world w = { 0 };
	uint64_t ticket;

	nk_store_close(fx->store);
	fx->store = NULL;
	open_world(fx, &w);
	ticket = fill_batch(&w);
	gate_open(&w.gate);
	assert_true(gathered_told(&w.gate, ticket));
	assert_false(gate_failed(&w.gate));
	hook_writes(true);
	atomic_store(&fail_at_end, true);
	count_from_zero();
	close_world(&w);	/* the writer's connection is the last: it checkpoints */
	assert_true(atomic_load(&gathered) >= 1);
	hook_writes(false);
	reopen(fx);
	assert_int_equal(count_events(fx->store, "c"), BATCH);
	assert_secret(fx->store, "c", "figure.60.claimant", "sealed figure");
}

static const struct store_test sqlite_only[] = {
	{ "a_batch_is_written_in_few_writes", a_batch_is_written_in_few_writes },
	{ "a_failed_gathered_write_fails_the_commit", a_failed_gathered_write_fails_the_commit },
	{ "a_failed_checkpoint_write_loses_nothing", a_failed_checkpoint_write_loses_nothing },
};

int main(void)
{
	return store_tests_run("store_gather", NULL, 0, sqlite_only, COUNT(sqlite_only), NULL, 0);
}
