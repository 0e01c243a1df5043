/* Concurrent writers in one commit group on postgresql: (NK_STORE_CONCURRENT_WRITERS):
 * the process-wide writer's turn is skipped, so while one transaction holds case A open
 * a commit on case B, through the same group, completes; a commit is durable when it
 * returns, so a deferred connection's answer is not held back; and a second writer on
 * case A still waits for the first (the row lock) and appends after it. That contention
 * on one case evaluates a round once is test_cache's fifty_on_one_round, which runs on
 * postgresql too (cache_postgresql). Runs on the store NAKODO_TEST_STORE names, which
 * must have the capability (meson: postgresql). */
#include <nakodo/store.h>
#include "test_store_url.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <time.h>
#include <unistd.h>

struct world {
	char dir[64];
	struct test_store ts;
	struct nk_store_group *group;
	struct nk_store *a, *b;		/* grouped; b defers durability as the server does */
};

/* One write on a case, on a thread of its own: begin, append, commit. */
struct writer {
	struct nk_store *store;
	const char *case_id;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool done;
	enum nk_status rc;
	int64_t seq;
};

static void *write_one(void *arg)
{
	struct writer *w = arg;
	struct nk_event ev = { .actor = "payer", .type = "round.figure", .body = "{}" };
	enum nk_status rc = nk_store_begin(w->store, NULL);

	if (rc == NK_OK)
		rc = nk_store_append(w->store, w->case_id, &ev, NULL);
	if (rc == NK_OK)
		rc = nk_store_commit(w->store, NULL);
	else
		nk_store_rollback(w->store);
	pthread_mutex_lock(&w->mu);
	w->rc = rc;
	w->seq = ev.seq;
	w->done = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Whether w finished within ms milliseconds. */
static bool finished_within(struct writer *w, long ms)
{
	struct timespec until;
	bool done;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&w->mu);
	while (!w->done && pthread_cond_timedwait(&w->cv, &w->mu, &until) != ETIMEDOUT) {
	}
	done = w->done;
	pthread_mutex_unlock(&w->mu);
	return done;
}

static void start(struct writer *w, pthread_t *t, struct nk_store *store, const char *case_id)
{
	*w = (struct writer){ .store = store, .case_id = case_id, .rc = NK_EINVAL };
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	assert_int_equal(pthread_create(t, NULL, write_one, w), 0);
}

static void finish(struct writer *w, pthread_t t)
{
	pthread_join(t, NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	struct nk_store *plain = NULL;
	unsigned caps = 0;

	if (!w || sodium_init() < 0)
		return -1;
	snprintf(w->dir, sizeof(w->dir), "/tmp/nakodo-conc-XXXXXX");
	if (!mkdtemp(w->dir) || !test_store_new(&w->ts, w->dir, "postgresql"))
		return -1;
	if (nk_store_url_caps(w->ts.url, &caps, NULL) != NK_OK ||
	    !(caps & NK_STORE_CONCURRENT_WRITERS)) {
		fprintf(stderr, "# this store does not order concurrent writers itself\n");
		return -1;
	}
	if (nk_store_open(&plain, w->ts.url, NK_STORE_CREATE, NULL) != NK_OK ||
	    nk_store_begin(plain, NULL) != NK_OK ||
	    nk_store_case_create(plain, "case-a", NULL) != NK_OK ||
	    nk_store_case_create(plain, "case-b", NULL) != NK_OK ||
	    nk_store_commit(plain, NULL) != NK_OK)
		return -1;
	nk_store_close(plain);
	if (nk_store_group_new(&w->group, w->ts.url, NULL) != NK_OK ||
	    nk_store_open_grouped(&w->a, w->ts.url, 0, w->group, NULL) != NK_OK ||
	    nk_store_open_grouped(&w->b, w->ts.url, NK_STORE_DEFER_DURABLE, w->group,
				  NULL) != NK_OK)
		return -1;
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	char cmd[128];

	nk_store_close(w->a);
	nk_store_close(w->b);
	nk_store_group_free(w->group);
	test_store_drop(&w->ts);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", w->dir);
	assert_int_equal(system(cmd), 0);
	free(w);
	return 0;
}

/* Holds case A's row lock in an open transaction of a. */
static void hold_case_a(struct world *w)
{
	struct nk_event ev = { .actor = "claimant", .type = "round.figure", .body = "{}" };

	assert_int_equal(nk_store_begin(w->a, NULL), NK_OK);
	assert_int_equal(nk_store_append(w->a, "case-a", &ev, NULL), NK_OK);
}

static void other_case_commits_meanwhile(void **state)
{
	struct world *w = *state;
	struct writer b;
	pthread_t t;
	bool quick, durable, failed = true;

	hold_case_a(w);
	start(&b, &t, w->b, "case-b");
	/* with a process-wide turn, b would wait here until a ends */
	quick = finished_within(&b, 10000);
	/* durable when COMMIT returned: the answer need not wait for a flush */
	durable = quick && nk_store_group_durable(w->group, nk_store_durable_ticket(w->b),
						  &failed);
	assert_int_equal(nk_store_commit(w->a, NULL), NK_OK);
	finish(&b, t);
	assert_true(quick);
	assert_int_equal(b.rc, NK_OK);
	assert_true(durable);
	assert_false(failed);
}

static void same_case_waits_for_the_first(void **state)
{
	struct world *w = *state;
	struct nk_event_list log = { 0 };
	struct writer b;
	pthread_t t;
	int64_t before;
	bool early;

	assert_int_equal(nk_store_begin(w->a, NULL), NK_OK);
	assert_int_equal(nk_store_load(w->a, "case-a", &log, NULL), NK_OK);
	before = (int64_t)log.count;
	nk_event_list_free(&log);
	assert_int_equal(nk_store_commit(w->a, NULL), NK_OK);

	hold_case_a(w);
	start(&b, &t, w->b, "case-a");
	early = finished_within(&b, 300);	/* the row lock keeps it out */
	assert_int_equal(nk_store_commit(w->a, NULL), NK_OK);
	assert_true(finished_within(&b, 10000));
	finish(&b, t);
	assert_false(early);
	assert_int_equal(b.rc, NK_OK);
	assert_int_equal(b.seq, before + 2);	/* after a's event, not beside it */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(other_case_commits_meanwhile, setup, teardown),
		cmocka_unit_test_setup_teardown(same_case_waits_for_the_first, setup, teardown),
	};

	return cmocka_run_group_tests_name("store_concurrent", tests, NULL, NULL);
}
