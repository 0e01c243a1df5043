/* The clock: wall time for what is recorded or signed, monotonic time for what is
 * measured (durations, rate limits, retries). */
#ifndef NAKODO_BASE_TIME_H
#define NAKODO_BASE_TIME_H

#include <stdint.h>

/* Milliseconds since the Unix epoch, UTC (CLOCK_REALTIME). */
int64_t nk_time_now_ms(void);
/* Monotonic milliseconds and microseconds, from an arbitrary origin: only their
 * differences mean anything. */
int64_t nk_time_mono_ms(void);
int64_t nk_time_mono_us(void);

#endif
