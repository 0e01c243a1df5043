/* The clock: wall time for what is recorded or signed, monotonic time for what is
 * measured (durations, rate limits, retries). */
#ifndef NAKODO_BASE_TIME_H
#define NAKODO_BASE_TIME_H

#include <nakodo/status.h>

#include <stdint.h>

/* Milliseconds since the Unix epoch, UTC (CLOCK_REALTIME). */
int64_t nk_time_now_ms(void);
/* A test executable's wall clock: now_ms answers ms since the epoch, or 0 or less for
 * the system's. Set it once, before any thread starts; NULL restores the system's. */
void nk_time_set_source(int64_t (*now_ms)(void));
/* Monotonic milliseconds and microseconds, from an arbitrary origin: only their
 * differences mean anything. */
int64_t nk_time_mono_ms(void);
int64_t nk_time_mono_us(void);

/* The longest duration nk_time_parse_duration reads (a year), and the room a time's
 * text takes with its NUL. */
#define NK_DURATION_MAX_MS (366LL * 86400000)
#define NK_TIME_TEXT_MAX 32

/* "90s", "30m", "2h", "3d": a whole number and one unit, into milliseconds; NK_EINVAL
 * naming field otherwise (bounds beyond the syntax are the caller's). */
NK_MUST_USE enum nk_status nk_time_parse_duration(const char *text, const char *field,
						  int64_t *ms, struct nk_error *err);
/* "2027-01-31T17:00:00Z" (ISO 8601, UTC, whole seconds, from the year 2000) into
 * milliseconds since the epoch; NK_EINVAL naming field otherwise. */
NK_MUST_USE enum nk_status nk_time_parse_utc(const char *text, const char *field,
					     int64_t *ms, struct nk_error *err);
/* ms since the epoch as nk_time_parse_utc reads it. */
void nk_time_format_utc(int64_t ms, char out[static NK_TIME_TEXT_MAX]);
/* A positive span as "2d 3h", "4h 10m", "9m 5s" or "42s" (0 or less: "0s"). */
void nk_time_format_left(int64_t ms, char out[static NK_TIME_TEXT_MAX]);

#endif
