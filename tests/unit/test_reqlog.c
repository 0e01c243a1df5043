/* The request log's writer thread (server/reqlog.c): every line put before the stop is in
 * the log after it, whole and once, each thread's lines in the order it put them, also
 * when the buffer fills and when the stop comes at once after a put; lines put before
 * the start or after the stop are written at once. */
#include "server/server_impl.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define PUTTERS 4
#define LINES 6000	/* per thread: some 40 bytes each, so the buffer fills many times */

static struct nk_server *server_new(void)
{
	struct nk_server *srv = calloc(1, sizeof(*srv));

	assert_non_null(srv);
	assert_non_null(srv->cfg.log = tmpfile());
	reqlog_init(srv);
	return srv;
}

static void server_free(struct nk_server *srv)
{
	reqlog_free(srv);
	fclose(srv->cfg.log);
	free(srv);
}

static void put(struct nk_server *srv, int thread, int i)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "time=x request=%d.%d status=200\n", thread, i);

	reqlog_put(srv, line, (size_t)n);
}

struct putter {
	struct nk_server *srv;
	int thread;
};

static void *putter_run(void *arg)
{
	const struct putter *p = arg;

	for (int i = 0; i < LINES; i++)
		put(p->srv, p->thread, i);
	return NULL;
}

/* Reads the log back: each thread's count of lines, checked in order; any other line
 * fails the test. */
static void read_back(FILE *log, int counts[PUTTERS])
{
	char line[128];
	int thread, i;

	memset(counts, 0, PUTTERS * sizeof(counts[0]));
	rewind(log);
	while (fgets(line, sizeof(line), log)) {
		assert_int_equal(sscanf(line, "time=x request=%d.%d status=200\n", &thread, &i), 2);
		assert_true(thread >= 0 && thread < PUTTERS);
		assert_int_equal(i, counts[thread]);	/* in order, none lost, none twice */
		counts[thread]++;
	}
}

static void every_line_of_many_threads_is_written_by_the_stop(void **state)
{
	struct nk_server *srv = server_new();
	struct putter p[PUTTERS];
	pthread_t t[PUTTERS];
	int counts[PUTTERS];
	struct nk_error err;

	(void)state;
	assert_int_equal(reqlog_start(srv, &err), NK_OK);
	for (int k = 0; k < PUTTERS; k++) {
		p[k] = (struct putter){ srv, k };
		assert_int_equal(pthread_create(&t[k], NULL, putter_run, &p[k]), 0);
	}
	for (int k = 0; k < PUTTERS; k++)
		pthread_join(t[k], NULL);
	reqlog_stop(srv);
	read_back(srv->cfg.log, counts);
	for (int k = 0; k < PUTTERS; k++)
		assert_int_equal(counts[k], LINES);
	server_free(srv);
}

/* The stop, coming before the writer has woken for the last lines, still writes them. */
static void a_stop_at_once_after_a_put_loses_nothing(void **state)
{
	int counts[PUTTERS];
	struct nk_error err;

	(void)state;
	for (int run = 0; run < 200; run++) {
		struct nk_server *srv = server_new();

		assert_int_equal(reqlog_start(srv, &err), NK_OK);
		for (int i = 0; i <= run % 3; i++)
			put(srv, 0, i);
		reqlog_stop(srv);
		read_back(srv->cfg.log, counts);
		assert_int_equal(counts[0], run % 3 + 1);
		server_free(srv);
	}
}

static void lines_outside_the_writers_life_are_written_at_once(void **state)
{
	struct nk_server *srv = server_new();
	int counts[PUTTERS];
	struct nk_error err;

	(void)state;
	put(srv, 0, 0);
	read_back(srv->cfg.log, counts);
	assert_int_equal(counts[0], 1);
	assert_int_equal(reqlog_start(srv, &err), NK_OK);
	reqlog_stop(srv);
	fseek(srv->cfg.log, 0, SEEK_END);
	put(srv, 0, 1);
	read_back(srv->cfg.log, counts);
	assert_int_equal(counts[0], 2);
	server_free(srv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_line_of_many_threads_is_written_by_the_stop),
		cmocka_unit_test(a_stop_at_once_after_a_put_loses_nothing),
		cmocka_unit_test(lines_outside_the_writers_life_are_written_at_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
