/* The clock (time.h). */
#include <nakodo/time.h>
#include <nakodo/status.h>

#include <stdbool.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Where nk_time_now_ms reads the wall clock: the system's, unless a test executable set
 * another before main (tests/support/test_hooks.c). The shipped command never sets one
 * and reads no variable of the environment for its clock. */
static int64_t (*now_source)(void);

void nk_time_set_source(int64_t (*now_ms)(void))
{
	now_source = now_ms;
}

int64_t nk_time_now_ms(void)
{
	struct timespec ts;
	int64_t ms;

	if (now_source && (ms = now_source()) > 0)
		return ms;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t nk_time_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t nk_time_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

enum nk_status nk_time_parse_duration(const char *text, const char *field, int64_t *ms,
				      struct nk_error *err)
{
	static const struct { char unit; int64_t ms; } units[] = {
		{ 's', 1000 }, { 'm', 60000 }, { 'h', 3600000 }, { 'd', 86400000 },
	};
	char *end;
	long long n;

	if (!text || !*text || *text < '0' || *text > '9' || strlen(text) > 12)
		return nk_fail(err, NK_EINVAL, field, "expected a duration such as 90s, 30m, 2h or 3d");
	n = strtoll(text, &end, 10);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (end[0] == units[i].unit && end[1] == '\0' && n <= NK_DURATION_MAX_MS / units[i].ms) {
			*ms = n * units[i].ms;
			return NK_OK;
		}
	return nk_fail(err, NK_EINVAL, field, "expected a duration such as 90s, 30m, 2h or 3d");
}

enum nk_status nk_time_parse_utc(const char *text, const char *field, int64_t *ms,
				 struct nk_error *err)
{
	struct tm tm;
	int n = 0;

	memset(&tm, 0, sizeof(tm));
	if (!text || strlen(text) != 20 ||
	    sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 || n != 20 ||
	    tm.tm_year < 2000 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59)
		return nk_fail(err, NK_EINVAL, field, "expected a UTC time such as "
			       "2027-01-31T17:00:00Z");
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*ms = (int64_t)timegm(&tm) * 1000;
	/* timegm normalises 31 February into March: refuse a date that does not exist */
	{
		char back[NK_TIME_TEXT_MAX];

		nk_time_format_utc(*ms, back);
		if (strcmp(back, text) != 0)
			return nk_fail(err, NK_EINVAL, field, "no such date");
	}
	return NK_OK;
}

void nk_time_format_utc(int64_t ms, char out[static NK_TIME_TEXT_MAX])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms < 0 || !gmtime_r(&t, &tm) ||
	    strftime(out, NK_TIME_TEXT_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, NK_TIME_TEXT_MAX, "(no time)");
}

void nk_time_format_left(int64_t ms, char out[static NK_TIME_TEXT_MAX])
{
	static const struct { int64_t s; char unit; } units[] = {
		{ 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' },
	};
	int64_t s = ms > 0 ? (ms + 999) / 1000 : 0;
	size_t n = 0;

	/* the largest unit and the next one, when it is not zero: "2d 3h", "30m", "42s" */
	for (size_t i = 0; i < 4; i++) {
		if (s < units[i].s && i < 3)
			continue;
		n = (size_t)snprintf(out, NK_TIME_TEXT_MAX, "%lld%c", (long long)(s / units[i].s),
				     units[i].unit);
		if (i < 3 && s % units[i].s / units[i + 1].s)
			snprintf(out + n, NK_TIME_TEXT_MAX - n, " %lld%c",
				 (long long)(s % units[i].s / units[i + 1].s), units[i + 1].unit);
		return;
	}
}
