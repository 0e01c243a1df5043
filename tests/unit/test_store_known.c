/* The last event number a write transaction knows (store/sqlite.c, known_seq): an
 * append after nk_store_last_link inserts at the next number without reading it again,
 * and what a transaction knew is forgotten when it ends, whichever way, so that a stale
 * number never places an event. Also the last link, the secrets and the summaries of a
 * case that is not there, which the sqlite: backend now tells by its foreign keys. */
#include "store_fixture.h"

static int64_t last_seq(struct nk_store *st, const char *case_id)
{
	uint8_t head[NK_CHAIN_BYTES];
	int64_t seq = -1;
	bool linked = true;

	assert_int_equal(nk_store_last_link(st, case_id, &seq, &linked, head, NULL), NK_OK);
	return seq;
}

/* After the last link, appends take the numbers after it, two cases interleaved. */
static void appends_follow_the_last_link(void **state)
{
	struct fixture *fx = *state;

	create_case(fx->store, "a");
	create_case(fx->store, "b");
	begin(fx->store);
	assert_int_equal(last_seq(fx->store, "a"), 0);
	assert_int_equal(append(fx->store, "a", "payer", "figure", "{}"), 1);
	assert_int_equal(append(fx->store, "a", "payer", "figure", "{}"), 2);
	assert_int_equal(last_seq(fx->store, "b"), 0);
	assert_int_equal(append(fx->store, "a", "payer", "figure", "{}"), 3);
	assert_int_equal(append(fx->store, "b", "payer", "figure", "{}"), 1);
	assert_int_equal(last_seq(fx->store, "a"), 3);
	commit(fx->store);
	assert_int_equal(count_events(fx->store, "a"), 3);
	assert_int_equal(count_events(fx->store, "b"), 1);
}

/* A rolled-back append's number is free again, though the transaction had known it. */
static void a_rollback_forgets_the_number(void **state)
{
	struct fixture *fx = *state;

	create_case(fx->store, "c");
	begin(fx->store);
	assert_int_equal(append(fx->store, "c", "payer", "figure", "{}"), 1);
	commit(fx->store);
	begin(fx->store);
	assert_int_equal(last_seq(fx->store, "c"), 1);
	assert_int_equal(append(fx->store, "c", "payer", "figure", "{}"), 2);
	nk_store_rollback(fx->store);
	begin(fx->store);
	assert_int_equal(append(fx->store, "c", "payer", "figure", "{}"), 2);
	commit(fx->store);
	assert_int_equal(count_events(fx->store, "c"), 2);
}

/* The last link of a case without events is 0, of no case NK_ENOTFOUND with the
 * outputs untouched; a summary or a secret of no case is NK_ENOTFOUND and writes
 * nothing. */
static void a_case_that_is_not_there(void **state)
{
	struct fixture *fx = *state;
	struct nk_case_summary sum = { .case_id = "nope", .kind = "figures", .state = "open",
				       .currency = "EUR", .round = 1, .rounds = 3 };
	uint8_t head[NK_CHAIN_BYTES];
	int64_t seq = 7;
	bool linked = true;
	struct nk_error err = { 0 };

	create_case(fx->store, "empty");
	begin(fx->store);
	assert_int_equal(last_seq(fx->store, "empty"), 0);
	snprintf(sum.case_id, sizeof(sum.case_id), "empty");
	assert_int_equal(nk_store_summary_put(fx->store, &sum, NULL), NK_OK);
	commit(fx->store);
	begin(fx->store);
	assert_int_equal(nk_store_last_link(fx->store, "nope", &seq, &linked, head, &err),
			 NK_ENOTFOUND);
	assert_int_equal(seq, 7);
	assert_true(linked);
	nk_store_rollback(fx->store);
	begin(fx->store);
	snprintf(sum.case_id, sizeof(sum.case_id), "nope");
	assert_int_equal(nk_store_summary_put(fx->store, &sum, &err), NK_ENOTFOUND);
	assert_string_equal(err.field, "case");
	nk_store_rollback(fx->store);
	begin(fx->store);
	assert_int_equal(nk_store_secret_put(fx->store, "nope", "limit", (const uint8_t *)"1", 1,
					     &err), NK_ENOTFOUND);
	assert_string_equal(err.field, "case");
	nk_store_rollback(fx->store);
}

/* What one connection's transaction knew is not what the next knows: another
 * connection appends between them. */
static void another_connection_moves_the_number(void **state)
{
	struct fixture *fx = *state;
	struct nk_store *other = NULL;

	create_case(fx->store, "c");
	begin(fx->store);
	assert_int_equal(last_seq(fx->store, "c"), 0);
	assert_int_equal(append(fx->store, "c", "payer", "figure", "{}"), 1);
	commit(fx->store);
	assert_int_equal(nk_store_open(&other, fx->url, 0, NULL), NK_OK);
	begin(other);
	assert_int_equal(append(other, "c", "claimant", "figure", "{}"), 2);
	commit(other);
	nk_store_close(other);
	begin(fx->store);
	assert_int_equal(append(fx->store, "c", "payer", "figure", "{}"), 3);
	commit(fx->store);
}

/* A shared writer's savepoint undone inside its batch forgets the number too, and a
 * second store writing through the same writer reads its own. */
static void a_batch_savepoint_undone_forgets_the_number(void **state)
{
	struct fixture *fx = *state;
	struct nk_store_group *group = NULL;
	struct nk_store *a = NULL, *b = NULL;

	assert_int_equal(nk_store_group_new(&group, fx->url, NULL), NK_OK);
	assert_int_equal(nk_store_open_grouped(&a, fx->url, NK_STORE_DEFER_DURABLE, group, NULL),
			 NK_OK);
	assert_int_equal(nk_store_open_grouped(&b, fx->url, NK_STORE_DEFER_DURABLE, group, NULL),
			 NK_OK);
	create_case(a, "g");
	begin(a);
	assert_int_equal(last_seq(a, "g"), 0);
	assert_int_equal(append(a, "g", "payer", "figure", "{}"), 1);
	commit(a);
	begin(a);
	assert_int_equal(last_seq(a, "g"), 1);
	assert_int_equal(append(a, "g", "payer", "figure", "{}"), 2);
	nk_store_rollback(a);
	begin(b);
	assert_int_equal(append(b, "g", "claimant", "figure", "{}"), 2);
	commit(b);
	begin(a);
	assert_int_equal(append(a, "g", "payer", "figure", "{}"), 3);
	commit(a);
	nk_store_close(a);
	nk_store_close(b);
	nk_store_group_free(group);
	assert_int_equal(count_events(fx->store, "g"), 3);
}

/* The group's writer enforces no foreign keys (store/sqlite_open.c, shim_settings): a
 * secret, a summary or an event of no case is still NK_ENOTFOUND and writes nothing; of a
 * case the transaction has read (its last link), or has not, they are written, the
 * summary inserted first and updated after. */
static void the_writer_refuses_a_case_that_is_not_there(void **state)
{
	struct fixture *fx = *state;
	struct nk_store_group *group = NULL;
	struct nk_store *w = NULL;
	struct nk_case_summary sum = { .case_id = "nope", .kind = "figures", .state = "open",
				       .currency = "EUR", .round = 1, .rounds = 3 }, page[4];
	struct nk_event ev = { .actor = "payer", .type = "figure", .body = "{}" };
	struct nk_error err = { 0 };
	size_t n = 0;

	assert_int_equal(nk_store_group_new(&group, fx->url, NULL), NK_OK);
	assert_int_equal(nk_store_open_grouped(&w, fx->url, NK_STORE_DEFER_DURABLE, group, NULL),
			 NK_OK);
	create_case(w, "here");
	begin(w);
	assert_int_equal(nk_store_secret_put(w, "nope", "limit", (const uint8_t *)"1", 1, &err),
			 NK_ENOTFOUND);
	assert_string_equal(err.field, "case");
	nk_store_rollback(w);
	begin(w);
	assert_int_equal(nk_store_summary_put(w, &sum, &err), NK_ENOTFOUND);
	assert_string_equal(err.field, "case");
	nk_store_rollback(w);
	begin(w);
	assert_int_equal(nk_store_append(w, "nope", &ev, &err), NK_ENOTFOUND);
	nk_store_rollback(w);
	begin(w);	/* not read in the transaction: looked up */
	put(w, "here", "limit", "1");
	snprintf(sum.case_id, sizeof(sum.case_id), "here");
	assert_int_equal(nk_store_summary_put(w, &sum, NULL), NK_OK);
	commit(w);
	begin(w);	/* read: known */
	assert_int_equal(last_seq(w, "here"), 0);
	put(w, "here", "limit", "2");
	sum.round = 2;
	assert_int_equal(nk_store_summary_put(w, &sum, NULL), NK_OK);
	commit(w);
	assert_int_equal(nk_store_wait_durable(w, NULL), NK_OK);
	nk_store_close(w);
	nk_store_group_free(group);
	assert_secret(fx->store, "here", "limit", "2");
	assert_int_equal(nk_store_summary_page(fx->store, "", 4, page, &n, NULL), NK_OK);
	assert_int_equal(n, 1);
	assert_string_equal(page[0].case_id, "here");
	assert_int_equal(page[0].round, 2);
	assert_true(page[0].kept);
}

int main(void)
{
	static const struct store_test both[] = {
		{ "appends_follow_the_last_link", appends_follow_the_last_link },
		{ "a_rollback_forgets_the_number", a_rollback_forgets_the_number },
		{ "a_case_that_is_not_there", a_case_that_is_not_there },
	};
	static const struct store_test sqlite_only[] = {
		{ "another_connection_moves_the_number", another_connection_moves_the_number },
		{ "a_batch_savepoint_undone_forgets_the_number",
		  a_batch_savepoint_undone_forgets_the_number },
		{ "the_writer_refuses_a_case_that_is_not_there",
		  the_writer_refuses_a_case_that_is_not_there },
	};

	return store_tests_run("store_known", both, COUNT(both), sqlite_only, COUNT(sqlite_only),
			       NULL, 0);
}
