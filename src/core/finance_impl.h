/* Internal to core/finance: the discounting finance.c and finance_schedule.c share
 * (inline here) and finance.c's check of the payments a year. Not installed. */
#ifndef NAKODO_CORE_FINANCE_IMPL_H
#define NAKODO_CORE_FINANCE_IMPL_H

#include <nakodo/status.h>

#include <math.h>

/* A discount rate of one period: d = (1 + annual)^(1/per_year) − 1, and L = ln(1 + d),
 * from which v^n = (1 + d)^−n = exp(−n L) without compounding rounding errors. */
struct finance_discount {
	double d;
	double L;
};

static inline struct finance_discount finance_discount_make(double annual, int per_year)
{
	struct finance_discount k;

	k.L = log1p(annual) / per_year;
	k.d = expm1(k.L);
	return k;
}

static inline double finance_vpow(struct finance_discount k, int n)
{
	return exp(-(double)n * k.L);
}

/* Refuses a number of payments a year outside 1, 2, 3, 4, 6, 12, naming "per_year". */
NK_MUST_USE enum nk_status finance_per_year_check(int per_year, struct nk_error *err);

#endif
