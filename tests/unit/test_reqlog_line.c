/* The request log's line (server/reqlog.c, reqlog_line): byte for byte what gmtime_r,
 * strftime and snprintf wrote before it, for instants from year 1000 to 9999 (leap days,
 * centuries, the ends of months and years, the epoch and before it), for methods longer
 * than their 16 bytes, negative and large durations; and a line too long for its room is
 * cut, whole, to REQLOG_LINE bytes ending in a newline. */
#include "server/server_impl.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* The line as answer.c wrote it until reqlog_line. */
static size_t reference(char line[static REQLOG_LINE], const struct timespec *ts,
			const char *id, const char *method, const char *route, unsigned status,
			int64_t us)
{
	char when[40];
	struct tm tm;
	int n;

	assert_non_null(gmtime_r(&ts->tv_sec, &tm));
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	if (us < 0)
		us = 0;
	n = snprintf(line, REQLOG_LINE, "time=%s.%03ldZ request=%s method=%.16s route=%s "
		     "status=%u ms=%lld.%03lld\n", when, ts->tv_nsec / 1000000, id, method,
		     route, status, (long long)(us / 1000), (long long)(us % 1000));
	assert_true(n > 0);
	if ((size_t)n >= REQLOG_LINE) {
		n = REQLOG_LINE - 1;
		line[n - 1] = '\n';
	}
	return (size_t)n;
}

static void same(time_t secs, long nsec, const char *method, const char *route,
		 unsigned status, int64_t us)
{
	char want[REQLOG_LINE], got[REQLOG_LINE + 8];
	struct timespec ts = { .tv_sec = secs, .tv_nsec = nsec };
	size_t wn = reference(want, &ts, "0123456789abcdef", method, route, status, us);
	size_t gn;

	memset(got, 'x', sizeof(got));
	gn = reqlog_line(got, &ts, "0123456789abcdef", method, route, status, us);
	assert_int_equal(got[REQLOG_LINE], 'x');	/* nothing past its room */
	if (wn < REQLOG_LINE - 1) {	/* whole: the same bytes */
		if (gn != wn || memcmp(got, want, wn) != 0)
			fail_msg("at %lld.%09ld: \"%.*s\" against \"%.*s\"", (long long)secs, nsec,
				 (int)gn, got, (int)wn, want);
	} else {			/* cut: the same start, one line */
		assert_true(gn <= REQLOG_LINE);
		assert_memory_equal(got, want, REQLOG_LINE - 2);
	}
	assert_int_equal(got[gn - 1], '\n');
	assert_null(memchr(got, '\n', gn - 1));
}

static void test_instants(void **state)
{
	static const time_t edges[] = {
		0, -1, 59, 86399, 86400, -86400, -86401, 951782400 /* 2000-02-29 */,
		951868799, 951868800 /* 2000-03-01 */, 4107542399 /* 2100-02-28 23:59:59 */,
		4107542400 /* 2100-03-01 */, 1798761599 /* 2026-12-31 23:59:59 */, 1798761600,
		68256000 /* 1972-03-01 */, 68169600 /* 1972-02-29 */, -2208988800 /* 1900-01-01 */,
		-2203891200 /* 1900-03-01 */, -30610224000 /* 1000-01-01 */,
		253402300799 /* 9999-12-31 23:59:59 */, 1796526306 /* the sitting */,
	};
	uint64_t x = 0x243f6a8885a308d3u;

	(void)state;
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		for (long ns = 0; ns < 1000000000; ns += 333333333)
			same(edges[i], ns, "POST", "/v1/cases/{id}/figures", 200, 1234);
	for (int i = 0; i < 200000; i++) {	/* year 1000 to 9999, evenly */
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		same(-30610224000 + (time_t)(x % 284012524800u), (long)(x >> 34) % 1000000000,
		     "GET", "/healthz", (unsigned)(x % 600), (int64_t)(x >> 40));
	}
}

static void test_fields(void **state)
{
	char route[600];

	(void)state;
	same(1796526306, 999999999, "PROPFIND-AND-MORE-THAN-SIXTEEN", "-", 404, 0);
	same(1796526306, 0, "", "-", 0, -5);	/* a clock that went back: 0 ms */
	same(1796526306, 999, "GET", "/metrics", 4294967295u, INT64_MAX);
	same(1796526306, 1000000, "GET", "/metrics", 503, 999);
	same(1796526306, 1000000, "GET", "/metrics", 503, 1000);
	for (size_t len = 380; len < sizeof(route); len += 7) {	/* around the cut */
		memset(route, 'r', len);
		route[len] = '\0';
		same(1796526306, 5, "DELETE", route, 200, 42);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_instants),
		cmocka_unit_test(test_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
