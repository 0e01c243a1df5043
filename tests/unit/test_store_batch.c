/* The shared writer of a commit group on sqlite (issue 13, store/group.c and
 * store/sqlite_wal.c): every grouped store writes through one connection, each
 * transaction a savepoint of a batch that the committer commits before its flush. Here
 * the committer is held in the callback of a flush, so that a batch stays open while
 * the test looks at it from other connections. */
#include "store_fixture.h"
#include "flush_gate.h"

#include <errno.h>
#include <time.h>

struct world {
	struct nk_store_group *group;
	struct nk_store *a, *b;	/* deferred writers, as the server's workers */
	struct nk_store *reader;	/* a grouped store that only reads */
	struct gate gate;
};

/* Opens the group and its stores with case "c" made, and holds the committer in the
 * callback of the flush of that case: from here on nothing is committed by it. */
static void open_world(struct fixture *fx, struct world *w)
{
	gate_init(&w->gate);
	assert_int_equal(nk_store_group_new(&w->group, fx->url, NULL), NK_OK);
	nk_store_group_on_flush(w->group, gate_on_flush, &w->gate);
	assert_int_equal(nk_store_open_grouped(&w->a, fx->url, NK_STORE_DEFER_DURABLE, w->group,
					       NULL), NK_OK);
	assert_int_equal(nk_store_open_grouped(&w->b, fx->url, NK_STORE_DEFER_DURABLE, w->group,
					       NULL), NK_OK);
	assert_int_equal(nk_store_open_grouped(&w->reader, fx->url, 0, w->group, NULL), NK_OK);
	create_case(w->a, "c");
	assert_true(gate_told(&w->gate, nk_store_durable_ticket(w->a)));
}

static void close_world(struct world *w)
{
	gate_open(&w->gate);
	nk_store_group_on_flush(w->group, NULL, NULL);
	nk_store_close(w->a);
	nk_store_close(w->b);
	nk_store_close(w->reader);
	nk_store_group_free(w->group);
	gate_free(&w->gate);
}

/* The number of events of "c" that st's own connection sees (its last link's seq). */
static int64_t seen_by(struct nk_store *st)
{
	uint8_t head[NK_CHAIN_BYTES];
	int64_t seq = -1;
	bool linked = false;

	assert_int_equal(nk_store_begin_read(st, NULL), NK_OK);
	assert_int_equal(nk_store_last_link(st, "c", &seq, &linked, head, NULL), NK_OK);
	nk_store_rollback(st);
	return seq;
}

/* Another connection sees a batch only once it is committed; a write of another store
 * sees it at once, through the shared writer, so that two commands on one case run one
 * after the other (one evaluation per round); and the writer's own read commits it. */
static void a_batch_is_seen_once_committed(void **state)
{
	struct fixture *fx = *state;
	struct world w = { 0 };
	uint8_t head[NK_CHAIN_BYTES];
	int64_t seq = 0;
	bool linked = false, failed = true;
	uint64_t ticket;

	open_world(fx, &w);
	begin(w.a);
	append(w.a, "c", "claimant", "figure", "{}");
	commit(w.a);
	ticket = nk_store_durable_ticket(w.a);
	assert_int_equal(seen_by(w.reader), 0);	/* released, not committed */
	assert_false(nk_store_group_durable(w.group, ticket, &failed));
	begin(w.b);
	assert_int_equal(nk_store_last_link(w.b, "c", &seq, &linked, head, NULL), NK_OK);
	assert_int_equal(seq, 1);
	assert_int_equal(append(w.b, "c", "payer", "figure", "{}"), 2);
	commit(w.b);
	assert_int_equal(seen_by(w.reader), 0);
	/* a's next write, then its own read: it commits the batch, and sees it */
	begin(w.a);
	append(w.a, "c", "go-between", "round", "{}");
	commit(w.a);
	assert_int_equal(seen_by(w.a), 3);
	assert_int_equal(seen_by(w.reader), 3);
	assert_false(nk_store_group_durable(w.group, nk_store_durable_ticket(w.b), &failed));
	gate_open(&w.gate);
	assert_true(gate_told(&w.gate, nk_store_durable_ticket(w.a)));
	close_world(&w);
	reopen(fx);
	assert_int_equal(count_events(fx->store, "c"), 3);
}

/* A transaction that rolls back undoes its own writes and no other's in the batch. */
static void a_rollback_undoes_its_savepoint_only(void **state)
{
	struct fixture *fx = *state;
	struct world w = { 0 };

	open_world(fx, &w);
	begin(w.a);
	append(w.a, "c", "claimant", "figure", "{\"n\":1}");
	commit(w.a);
	begin(w.b);
	append(w.b, "c", "payer", "figure", "{\"n\":2}");
	put(w.b, "c", "figure.1.payer", "secret");
	nk_store_rollback(w.b);
	begin(w.a);
	assert_int_equal(append(w.a, "c", "claimant", "figure", "{\"n\":3}"), 2);
	commit(w.a);
	/* a read's rollback of nothing leaves the batch too */
	assert_int_equal(nk_store_begin(w.b, NULL), NK_OK);
	nk_store_rollback(w.b);
	assert_int_equal(seen_by(w.a), 2);
	gate_open(&w.gate);
	assert_true(gate_told(&w.gate, nk_store_durable_ticket(w.a)));
	close_world(&w);
	reopen(fx);
	assert_int_equal(count_events(fx->store, "c"), 2);
	assert_int_equal(nk_store_secret_get(fx->store, "c", "figure.1.payer", NULL, 0,
					     &(size_t){ 0 }, NULL), NK_ENOTFOUND);
}

/* A batch holding only rolled-back transactions ends at once: the writer must not keep
 * the database's write lock while nothing waits to be committed, or another process
 * (the command line beside a server) could never write. */
static void an_empty_batch_keeps_no_lock(void **state)
{
	struct fixture *fx = *state;
	struct world w = { 0 };
	struct nk_store *other = NULL;
	struct nk_error err = { 0 };

	open_world(fx, &w);
	begin(w.a);
	append(w.a, "c", "claimant", "figure", "{}");
	nk_store_rollback(w.a);
	/* a store of no group, as another process has */
	assert_int_equal(nk_store_open(&other, fx->url, 0, &err), NK_OK);
	begin(other);
	append(other, "c", "claimant", "figure", "{}");
	commit(other);
	nk_store_close(other);
	assert_int_equal(seen_by(w.reader), 1);
	close_world(&w);
}

static const struct store_test sqlite_only[] = {
	{ "a_batch_is_seen_once_committed", a_batch_is_seen_once_committed },
	{ "a_rollback_undoes_its_savepoint_only", a_rollback_undoes_its_savepoint_only },
	{ "an_empty_batch_keeps_no_lock", an_empty_batch_keeps_no_lock },
};

int main(void)
{
	return store_tests_run("store_batch", NULL, 0, sqlite_only, COUNT(sqlite_only), NULL, 0);
}
