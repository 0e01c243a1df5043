/* What the benchmarks share: a monotonic clock in ms and the percentiles of a sample. */
#ifndef NAKODO_BENCH_TIME_H
#define NAKODO_BENCH_TIME_H

#include <stdlib.h>
#include <time.h>

static inline double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static inline int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The p-quantile (0 to 1) of v's n values; sorts v. */
static inline double pct(double *v, int n, double p)
{
	qsort(v, (size_t)n, sizeof(*v), bench_cmp);
	return v[(int)(p * (n - 1) + 0.5)];
}

#endif
