/* The deadlines' keeper's watch list (server/deadlines.c): a case handed over twice —
 * by the route that opened it and by the rescan that found it among the summaries, in
 * either order — is watched once, since the check and the watching happen under one
 * hold of the list's lock. */
#include "server/server_impl.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* A server whose keeper is started but has no thread: deadlines_watch's list alone. */
static struct nk_server *keeper(void)
{
	struct nk_server *srv = calloc(1, sizeof(*srv));

	assert_non_null(srv);
	assert_non_null(srv->dl_watch = calloc(2, sizeof(*srv->dl_watch)));
	srv->dl_cap = 2;
	pthread_mutex_init(&srv->dl_mu, NULL);
	pthread_cond_init(&srv->dl_wake, NULL);
	srv->dl_started = true;
	return srv;
}

static void keeper_free(struct nk_server *srv)
{
	pthread_cond_destroy(&srv->dl_wake);
	pthread_mutex_destroy(&srv->dl_mu);
	free(srv->dl_watch);
	free(srv);
}

static void a_case_handed_twice_is_watched_once(void **state)
{
	struct nk_server *srv = keeper();

	(void)state;
	deadlines_watch(srv, "case-one");
	deadlines_watch(srv, "case-one");
	assert_int_equal(srv->dl_count, 1);
	deadlines_watch(srv, "case-two");
	deadlines_watch(srv, "case-three");	/* the list grows past its first size */
	deadlines_watch(srv, "case-two");
	assert_int_equal(srv->dl_count, 3);
	assert_string_equal(srv->dl_watch[0].id, "case-one");
	assert_string_equal(srv->dl_watch[1].id, "case-two");
	assert_string_equal(srv->dl_watch[2].id, "case-three");
	keeper_free(srv);
}

/* Many threads hand the same cases over at once: each is watched exactly once. */
struct hand { struct nk_server *srv; int from; };

static void *hand_over(void *arg)
{
	const struct hand *h = arg;
	char id[16];

	for (int i = 0; i < 200; i++) {
		snprintf(id, sizeof(id), "case-%d", (i + h->from) % 200);
		deadlines_watch(h->srv, id);
	}
	return NULL;
}

static void handed_at_once_watched_once(void **state)
{
	struct nk_server *srv = keeper();
	struct hand h[4];
	pthread_t t[4];

	(void)state;
	for (int i = 0; i < 4; i++) {
		h[i] = (struct hand){ srv, 50 * i };
		assert_int_equal(pthread_create(&t[i], NULL, hand_over, &h[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(srv->dl_count, 200);
	keeper_free(srv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_case_handed_twice_is_watched_once),
		cmocka_unit_test(handed_at_once_watched_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
