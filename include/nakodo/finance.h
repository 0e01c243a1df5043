/* Loans and what they are worth: repayment schedules in exact money, present values at a
 * discount rate, and the OECD DAC grant element, by closed form and by cash-flow sum.
 * Pure: no I/O, no allocation, no global state; the caller supplies every buffer. */
#ifndef NAKODO_FINANCE_H
#define NAKODO_FINANCE_H

#include <nakodo/status.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bounds on every loan nakodo values. The amount bound keeps every amount and every
 * product amount × rate exact to the minor unit in a double (10^15 < 2^53): ten
 * trillion in a two-decimal currency. */
#define NK_LOAN_AMOUNT_MAX INT64_C(1000000000000000)
#define NK_LOAN_YEARS_MAX 100
#define NK_LOAN_PER_YEAR_MAX 12
#define NK_LOAN_PERIODS_MAX (NK_LOAN_YEARS_MAX * NK_LOAN_PER_YEAR_MAX)
#define NK_RATE_MAX 1.0		/* 100% a year, for interest and discount rates alike */

/* How the principal comes back once the grace period is over. Interest is paid every
 * period, from the first, on the principal then outstanding. */
enum nk_repayment {
	NK_REPAY_EQUAL_PRINCIPAL,	/* the same principal every period */
	NK_REPAY_ANNUITY,		/* the same principal + interest every period */
	NK_REPAY_BULLET,		/* all principal at maturity (grace = maturity) */
};

/* The terms of a loan, apart from its size: what a package varies and what each side
 * values with its own discount rate. Times are counted in periods of 12/per_year
 * months from disbursement, which happens once, at time 0. */
struct nk_loan_terms {
	double rate;			/* interest, a fraction a year (0.035); rate/per_year a period */
	int per_year;			/* payments a year: 1, 2, 3, 4, 6 or 12 */
	int maturity;			/* periods to the last repayment, 1..100 years' worth */
	int grace;			/* periods to the first principal repayment, the DAC's
					 * grace period; 0 means the first period, as 1 does */
	enum nk_repayment repayment;
};

struct nk_loan {
	int64_t amount;			/* face value in minor units, 1..NK_LOAN_AMOUNT_MAX */
	struct nk_loan_terms terms;
};

/* A loan valued at one discount rate. */
struct nk_loan_value {
	double grant_element;		/* (face − PV of debt service) / face, DAC closed form */
	int64_t present_value;		/* PV of debt service, minor units, rounded once */
	int64_t grant_equivalent;	/* amount − present_value */
};

/* One period of a schedule in exact money. Interest is the outstanding principal times
 * rate/per_year, rounded to the nearest minor unit (half away from zero). */
struct nk_loan_payment {
	int period;			/* 1-based: due period × 12/per_year months after disbursement */
	int64_t principal;
	int64_t interest;
	int64_t outstanding;		/* principal still owed after this payment */
};

/* How a present value becomes an amount: to a multiple of step minor units, half away
 * from zero, either once at the end or every discounted period first (as published
 * tables do, summing rounded yearly figures). */
struct nk_rounding {
	int64_t step;			/* >= 1; 1 = the minor unit */
	bool each;
};

/* A concessionality test: a loan passes when its grant element at discount is at least
 * threshold. nk_concessionality_tests lists the OECD DAC ones. */
struct nk_concessionality_test {
	const char *name;		/* "classic", "ldc-lic-2018", ... */
	const char *label;		/* a phrase for people */
	double discount;		/* a fraction a year */
	double threshold;		/* a fraction of face value */
};

/* The DAC tests in force or in history: 25% at 10% (1972 to 2017, all countries);
 * since 2018 45% at 9% (least developed and other low-income countries), 15% at 7%
 * (lower middle-income), 10% at 6% (upper middle-income). Borrowed, static; *count
 * receives the number of entries. */
const struct nk_concessionality_test *nk_concessionality_tests(size_t *count);

/* "equal-principal", "annuity", "bullet". */
const char *nk_repayment_name(enum nk_repayment repayment);

/* The repayment method called name, or NK_EINVAL naming field (default "repayment"). */
NK_MUST_USE enum nk_status nk_repayment_parse(const char *name, const char *field,
					      enum nk_repayment *out, struct nk_error *err);

/* Refuses a rate (interest or discount, a fraction a year) that is negative, over
 * NK_RATE_MAX or not a number, naming field. */
NK_MUST_USE enum nk_status nk_rate_check(double rate, const char *field,
					 struct nk_error *err);

/* Converts years to periods of a year/per_year: refuses a per_year outside 1, 2, 3, 4,
 * 6, 12 (naming "per_year"), and years that are negative, over NK_LOAN_YEARS_MAX or
 * not a whole number of periods (naming field). */
NK_MUST_USE enum nk_status nk_loan_periods(double years, int per_year, const char *field,
					   int *out, struct nk_error *err);

/* Checks terms (fields "rate", "per_year", "maturity", "grace", "repayment") and, for
 * nk_loan_check, the amount too ("amount"). */
NK_MUST_USE enum nk_status nk_loan_terms_check(const struct nk_loan_terms *terms,
					       struct nk_error *err);
NK_MUST_USE enum nk_status nk_loan_check(const struct nk_loan *loan, struct nk_error *err);

/* The number of principal repayments and the period of the first one. Terms must have
 * passed nk_loan_terms_check. */
int nk_loan_repayments(const struct nk_loan_terms *terms);
int nk_loan_first_repayment(const struct nk_loan_terms *terms);

/* (1 + annual)^(1/per_year) − 1: the discount rate of one period, the DAC convention.
 * annual must pass nk_rate_check and per_year be one of the allowed counts. */
double nk_discount_per_period(double annual, int per_year);

/* The present value, at discount (a fraction a year, discounted per period as above),
 * of the debt service of a loan of face value 1 with these terms: O(1), closed form
 * (the DAC formulas for equal principal, annuity and bullet repayment). This is what a
 * package valuation calls for every candidate: a side's value of a loan of amount A is
 * A × (1 − factor) at its own discount rate. */
NK_MUST_USE enum nk_status nk_loan_pv_factor(const struct nk_loan_terms *terms,
					     double discount, double *out,
					     struct nk_error *err);

/* The grant element, 1 − the factor above, as a fraction: closed form. */
NK_MUST_USE enum nk_status nk_loan_grant_element(const struct nk_loan_terms *terms,
						 double discount, double *out,
						 struct nk_error *err);

/* The same grant element as an explicit sum over every period's unrounded cash flow:
 * O(maturity). The two agree to rounding error; tests hold them to it. */
NK_MUST_USE enum nk_status nk_loan_grant_element_by_sum(const struct nk_loan_terms *terms,
							double discount, double *out,
							struct nk_error *err);

/* A loan valued at discount: the closed-form grant element, and the present value of
 * debt service as amount × factor rounded once to the nearest minor unit (half away
 * from zero). */
NK_MUST_USE enum nk_status nk_loan_value(const struct nk_loan *loan, double discount,
					 struct nk_loan_value *out, struct nk_error *err);

/* Writes the loan's schedule, one row per period (loan->terms.maturity rows), into
 * rows[0..cap) and the number of rows into *count. The balance after each period is the
 * exact balance rounded to the minor unit, half up: equal principal repayments differ
 * by at most a minor unit, an annuity's payments are level to within a minor unit or
 * two (at a zero rate it is equal principal), and nothing drifts however long the loan.
 * NK_ERANGE naming "schedule" when cap is too small. */
NK_MUST_USE enum nk_status nk_loan_schedule(const struct nk_loan *loan,
					    struct nk_loan_payment *rows, size_t cap,
					    size_t *count, struct nk_error *err);

/* The present value at discount of a schedule's debt service (principal + interest),
 * rounded as rounding says. */
NK_MUST_USE enum nk_status nk_schedule_present_value(const struct nk_loan_payment *rows,
						     size_t count, int per_year,
						     double discount,
						     struct nk_rounding rounding,
						     int64_t *out, struct nk_error *err);

/* The grant equivalent of a schedule for a loan of face value amount, as state-aid
 * tables compute it: the discounted interest saved each period against a loan charging
 * the discount rate, sum over t of (d × outstanding before t − interest t) / (1 + d)^t,
 * rounded as rounding says. Rounded once it equals amount − present value (to rounding);
 * rounded each period it reproduces the published tables. */
NK_MUST_USE enum nk_status nk_schedule_grant_equivalent(int64_t amount,
							const struct nk_loan_payment *rows,
							size_t count, int per_year,
							double discount,
							struct nk_rounding rounding,
							int64_t *out, struct nk_error *err);

/* The present value at discount of one unit paid in count equal instalments, per_year a
 * year, the first at period first (0 = now): a grant spread over years, or any level
 * stream a package holds. O(1). */
NK_MUST_USE enum nk_status nk_instalments_pv_factor(int count, int first, int per_year,
						    double discount, double *out,
						    struct nk_error *err);

/* Rounds minor (an amount in minor units, e.g. amount × factor) to a multiple of step,
 * half away from zero. NK_ERANGE naming field when it is not finite or its magnitude
 * would pass NK_AMOUNT_MAX; NK_EINVAL when step < 1. */
NK_MUST_USE enum nk_status nk_finance_round(double minor, int64_t step, const char *field,
					    int64_t *out, struct nk_error *err);

#endif
