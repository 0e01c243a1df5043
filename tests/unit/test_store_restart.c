/* The group writer's WAL started again (store/sqlite_wal.c): a long WAL restarts once
 * the checkpoint thread has copied nearly all of it, so that the writer's checkpoint in
 * the turn copies only the last batches; while that thread copies nothing the WAL runs
 * on, but only to a bound, where the writer copies it all in the turn as before. */
#include "store_fixture.h"
#include "flush_gate.h"


#define FRAME_BYTES (24 + 4096)	/* a WAL frame: its header and a page */
#define RESTART_FRAMES 16000	/* sqlite_wal.c, SQ_RESTART_PAGES */
#define MOST_FRAMES 24000	/* sqlite_wal.c, SQ_RESTART_MOST */
#define EVENTS 4		/* events of 3,000 bytes in each commit: a page each */

static off_t file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? sb.st_size : -1;
}

/* The WAL's checkpoint sequence number (its header's bytes 12-15, big-endian): SQLite
 * adds one each time the WAL starts again from its beginning. */
static uint32_t wal_restarts(const char *wal)
{
	uint8_t head[16];
	int fd = open(wal, O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, head, sizeof(head), 0), (ssize_t)sizeof(head));
	close(fd);
	return (uint32_t)head[12] << 24 | (uint32_t)head[13] << 16 | (uint32_t)head[14] << 8 |
	       head[15];
}

/* A read through st's own connection, which commits the batch that holds st's writes
 * first (store_see_own). */
static void see_own(struct nk_store *st)
{
	assert_int_equal(nk_store_begin_read(st, NULL), NK_OK);
	nk_store_rollback(st);
}

/* One commit of EVENTS events of some 3,000 bytes to case id, its batch committed. */
static void write_pages(struct nk_store *st, const char *id)
{
	char body[3001];

	memset(body, 'w', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	memcpy(body, "{\"t\":\"", 6);
	memcpy(body + sizeof(body) - 3, "\"}", 2);
	begin(st);
	for (int i = 0; i < EVENTS; i++)
		append(st, id, "claimant", "figure", body);
	commit(st);
	see_own(st);
}

static void open_gated(struct fixture *fx, struct nk_store_group **group,
		       struct nk_store **st, struct gate *gate)
{
	gate_init(gate);
	assert_int_equal(nk_store_group_new(group, fx->url, NULL), NK_OK);
	nk_store_group_on_flush(*group, gate_on_flush, gate);
	assert_int_equal(nk_store_open_grouped(st, fx->url, NK_STORE_DEFER_DURABLE, *group, NULL),
			 NK_OK);
}

static void close_gated(struct nk_store_group *group, struct nk_store *st, struct gate *gate)
{
	gate_open(gate);
	nk_store_group_on_flush(group, NULL, NULL);
	nk_store_close(st);
	nk_store_group_free(group);
	gate_free(gate);
}

/* With the committer held in its flush's callback, the checkpoint thread is never told
 * and copies nothing: past 16,000 frames the writer, finding nearly all of the WAL left to
 * copy, does not copy it in the turn (before, it did, up to a whole stretch, with every
 * writer waiting), and the WAL runs on; past 24,000 it does, and the WAL starts again. */
static void a_long_wal_waits_for_the_checkpoint_thread_to_a_bound(void **state)
{
	struct fixture *fx = *state;
	struct nk_store_group *group = NULL;
	struct nk_store *st = NULL;
	struct gate gate;
	char wal[200];
	uint32_t first;
	int commits = 0;

	open_gated(fx, &group, &st, &gate);
	create_case(st, "r1");
	assert_true(gate_told(&gate, nk_store_durable_ticket(st)));	/* held there now */
	snprintf(wal, sizeof(wal), "%s-wal", fx->db);
	first = wal_restarts(wal);
	while (wal_restarts(wal) == first && commits < 3 * MOST_FRAMES / EVENTS) {
		write_pages(st, "r1");
		commits++;
	}
	print_message("# %d commits, the WAL started again at %lld bytes\n", commits,
		      (long long)file_size(wal));
	assert_int_not_equal(wal_restarts(wal), first);
	assert_true(file_size(wal) > (off_t)(RESTART_FRAMES + 4000) * FRAME_BYTES);
	/* at most a commit's frames past the bound */
	assert_true(file_size(wal) < (off_t)(MOST_FRAMES + 64) * FRAME_BYTES);
	close_gated(group, st, &gate);
	reopen(fx);
	assert_int_equal(count_events(fx->store, "r1"), (size_t)commits * EVENTS);
}

/* Each commit waits for its flush, as the server's answers do, so the committer tells
 * the checkpoint thread every 256 commits: once the WAL is due to start again, that thread
 * copies it, and again what came in meanwhile, and the WAL starts again well before the
 * bound where the writer would copy it all in the turn. */
static void a_long_wal_starts_again_once_the_checkpoint_thread_has_copied_it(void **state)
{
	struct fixture *fx = *state;
	struct nk_store_group *group = NULL;
	struct nk_store *st = NULL;
	struct gate gate;
	char wal[200];
	uint32_t first;
	int commits = 0;

	open_gated(fx, &group, &st, &gate);
	gate_open(&gate);
	create_case(st, "r2");
	snprintf(wal, sizeof(wal), "%s-wal", fx->db);
	first = wal_restarts(wal);
	while (wal_restarts(wal) == first && commits < 3 * MOST_FRAMES / EVENTS) {
		write_pages(st, "r2");
		assert_true(gate_told(&gate, nk_store_durable_ticket(st)));
		commits++;
	}
	print_message("# %d commits, the WAL started again at %lld bytes\n", commits,
		      (long long)file_size(wal));
	assert_int_not_equal(wal_restarts(wal), first);
	assert_true(file_size(wal) > (off_t)RESTART_FRAMES * FRAME_BYTES);
	assert_true(file_size(wal) < (off_t)MOST_FRAMES * FRAME_BYTES);
	assert_false(gate_failed(&gate));
	close_gated(group, st, &gate);
	reopen(fx);
	assert_int_equal(count_events(fx->store, "r2"), (size_t)commits * EVENTS);
}

static const struct store_test sqlite_only[] = {
	{ "a_long_wal_waits_for_the_checkpoint_thread_to_a_bound",
	  a_long_wal_waits_for_the_checkpoint_thread_to_a_bound },
	{ "a_long_wal_starts_again_once_the_checkpoint_thread_has_copied_it",
	  a_long_wal_starts_again_once_the_checkpoint_thread_has_copied_it },
};

int main(void)
{
	return store_tests_run("store_restart", NULL, 0, sqlite_only, COUNT(sqlite_only), NULL, 0);
}
