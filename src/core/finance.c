/* core/finance: loan terms and their checks, present values, and the OECD DAC grant
 * element both in closed form and as an explicit sum of discounted cash flows. Rates are
 * doubles; amounts are int64 minor units, rounded from doubles at one named place. */
#include "core/finance_impl.h"

#include <nakodo/finance.h>
#include <nakodo/money.h>

#include <assert.h>
#include <math.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Whole months per period: a payment calendar a person can read. */
static const int per_year_allowed[] = { 1, 2, 3, 4, 6, 12 };

static const struct {
	const char *name;
	enum nk_repayment repayment;
} repayments[] = {
	{ "equal-principal", NK_REPAY_EQUAL_PRINCIPAL },
	{ "annuity", NK_REPAY_ANNUITY },
	{ "bullet", NK_REPAY_BULLET },
};

static const struct nk_concessionality_test concessionality[] = {
	{ "classic", "DAC 1972-2017, all countries", 0.10, 0.25 },
	{ "ldc-lic-2018", "DAC 2018, least developed and low-income", 0.09, 0.45 },
	{ "lmic-2018", "DAC 2018, lower middle-income", 0.07, 0.15 },
	{ "umic-2018", "DAC 2018, upper middle-income", 0.06, 0.10 },
};

const struct nk_concessionality_test *nk_concessionality_tests(size_t *count)
{
	*count = COUNT(concessionality);
	return concessionality;
}

const char *nk_repayment_name(enum nk_repayment repayment)
{
	for (size_t i = 0; i < COUNT(repayments); i++)
		if (repayments[i].repayment == repayment)
			return repayments[i].name;
	return "unknown";
}

enum nk_status nk_repayment_parse(const char *name, const char *field,
				  enum nk_repayment *out, struct nk_error *err)
{
	for (size_t i = 0; name && i < COUNT(repayments); i++) {
		if (strcmp(repayments[i].name, name) == 0) {
			*out = repayments[i].repayment;
			return NK_OK;
		}
	}
	return nk_fail(err, NK_EINVAL, field ? field : "repayment",
		       "'%s' is not a repayment method: equal-principal, annuity or bullet",
		       name ? name : "");
}

static bool repayment_known(enum nk_repayment repayment)
{
	for (size_t i = 0; i < COUNT(repayments); i++)
		if (repayments[i].repayment == repayment)
			return true;
	return false;
}

static bool per_year_ok(int per_year)
{
	for (size_t i = 0; i < COUNT(per_year_allowed); i++)
		if (per_year_allowed[i] == per_year)
			return true;
	return false;
}

enum nk_status finance_per_year_check(int per_year, struct nk_error *err)
{
	if (per_year_ok(per_year))
		return NK_OK;
	return nk_fail(err, NK_EINVAL, "per_year",
		       "%d payments a year is not one of 1, 2, 3, 4, 6, 12", per_year);
}

enum nk_status nk_rate_check(double rate, const char *field, struct nk_error *err)
{
	if (isnan(rate))
		return nk_fail(err, NK_EINVAL, field, "not a number");
	if (rate < 0)
		return nk_fail(err, NK_EINVAL, field, "a rate may not be negative");
	if (rate > NK_RATE_MAX)
		return nk_fail(err, NK_EINVAL, field, "%.10g%% a year is over the limit of %g%%",
			       rate * 100, NK_RATE_MAX * 100);
	return NK_OK;
}

enum nk_status nk_loan_periods(double years, int per_year, const char *field, int *out,
			       struct nk_error *err)
{
	enum nk_status rc;
	double periods, whole;

	rc = finance_per_year_check(per_year, err);
	if (rc != NK_OK)
		goto out;
	rc = NK_EINVAL;
	if (isnan(years)) {
		nk_fail(err, rc, field, "not a number");
		goto out;
	}
	if (years < 0) {
		nk_fail(err, rc, field, "a time may not be negative");
		goto out;
	}
	if (years > NK_LOAN_YEARS_MAX) {
		nk_fail(err, rc, field, "%.10g years is over the limit of %d years", years,
			NK_LOAN_YEARS_MAX);
		goto out;
	}
	periods = years * per_year;
	whole = round(periods);
	if (fabs(periods - whole) > 1e-9) {
		nk_fail(err, rc, field, "%.10g years is not a whole number of periods at %d a year",
			years, per_year);
		goto out;
	}
	*out = (int)whole;
	rc = NK_OK;
out:
	return rc;
}

enum nk_status nk_loan_terms_check(const struct nk_loan_terms *terms, struct nk_error *err)
{
	enum nk_status rc;

	rc = finance_per_year_check(terms->per_year, err);
	if (rc != NK_OK)
		goto out;
	rc = nk_rate_check(terms->rate, "rate", err);
	if (rc != NK_OK)
		goto out;
	rc = NK_EINVAL;
	if (terms->maturity < 1) {
		nk_fail(err, rc, "maturity", "a loan runs for at least one period");
		goto out;
	}
	if (terms->maturity > NK_LOAN_YEARS_MAX * terms->per_year) {
		nk_fail(err, rc, "maturity", "%d periods is over the limit of %d years",
			terms->maturity, NK_LOAN_YEARS_MAX);
		goto out;
	}
	if (terms->grace < 0) {
		nk_fail(err, rc, "grace", "a grace period may not be negative");
		goto out;
	}
	if (terms->grace > terms->maturity) {
		nk_fail(err, rc, "maturity", "%d periods is shorter than the grace period (%d)",
			terms->maturity, terms->grace);
		goto out;
	}
	if (!repayment_known(terms->repayment)) {
		nk_fail(err, rc, "repayment", "unknown repayment method %d",
			(int)terms->repayment);
		goto out;
	}
	if (terms->repayment == NK_REPAY_BULLET && terms->grace != terms->maturity) {
		nk_fail(err, rc, "grace",
			"a bullet loan repays all principal at maturity, so its grace period "
			"is the maturity (%d periods), not %d", terms->maturity, terms->grace);
		goto out;
	}
	rc = NK_OK;
out:
	return rc;
}

enum nk_status nk_loan_check(const struct nk_loan *loan, struct nk_error *err)
{
	if (loan->amount < 1)
		return nk_fail(err, NK_EINVAL, "amount", "a loan lends more than zero");
	if (loan->amount > NK_LOAN_AMOUNT_MAX)
		return nk_fail(err, NK_EINVAL, "amount",
			       "over the limit of %lld minor units",
			       (long long)NK_LOAN_AMOUNT_MAX);
	return nk_loan_terms_check(&loan->terms, err);
}

int nk_loan_first_repayment(const struct nk_loan_terms *terms)
{
	return terms->grace > 1 ? terms->grace : 1;
}

int nk_loan_repayments(const struct nk_loan_terms *terms)
{
	return terms->maturity - nk_loan_first_repayment(terms) + 1;
}

double nk_discount_per_period(double annual, int per_year)
{
	assert(annual >= 0 && per_year >= 1);
	return finance_discount_make(annual, per_year).d;
}

/*
 * Closed forms. With d the discount rate of a period, L = ln(1 + d) and v = 1/(1 + d):
 *   a(n) = sum_{j=1..n} v^j                = (1 − v^n) / d
 *   g(n) = sum_{j=1..n} (n − j + 1) v^j    = (n − a(n)) / d = (n d + expm1(−n L)) / d²
 * g's numerator cancels badly for small d, so it is rewritten as a sum of two positive
 * terms, n (d − L) + (n L + expm1(−n L)), each taken from its series when small.
 */
static double annuity_factor(struct finance_discount k, int n)
{
	if (k.d == 0)
		return n;
	return -expm1(-(double)n * k.L) / k.d;
}

/* x − ln(1 + x) for x >= 0: x²/2 − x³/3 + x⁴/4 − … */
static double minus_log1p(double x)
{
	double power, sum = 0;

	if (x >= 0.05)
		return x - log1p(x);
	power = x * x;
	for (int j = 2; j <= 20; j++) {
		sum += (j % 2 ? -power : power) / j;
		power *= x;
	}
	return sum;
}

/* x + expm1(−x) for x >= 0: x²/2! − x³/3! + x⁴/4! − … */
static double plus_expm1(double x)
{
	double term, sum = 0;

	if (x >= 0.1)
		return x + expm1(-x);
	term = x * x / 2;
	for (int j = 2; j <= 20; j++) {
		sum += j % 2 ? -term : term;
		term *= x / (j + 1);
	}
	return sum;
}

static double decreasing_factor(struct finance_discount k, int n)
{
	if (k.d == 0)
		return (double)n * (n + 1) / 2;
	return (n * minus_log1p(k.d) + plus_expm1(n * k.L)) / (k.d * k.d);
}

/* i / (1 − (1 + i)^−n): the level payment that repays 1 in n periods at i a period. */
static double level_payment(double i, int n)
{
	if (i == 0)
		return 1.0 / n;
	return i / -expm1(-(double)n * log1p(i));
}

/* The DAC's formulas, per unit of face value: interest only on the whole principal for
 * the first − 1 periods, then n periods of repayment. */
static double pv_factor_closed(const struct nk_loan_terms *terms, double discount)
{
	struct finance_discount k = finance_discount_make(discount, terms->per_year);
	double i = terms->rate / terms->per_year;
	int grace_only = nk_loan_first_repayment(terms) - 1;
	int n = nk_loan_repayments(terms);
	double during_grace = i * annuity_factor(k, grace_only);
	double repaying;

	if (terms->repayment == NK_REPAY_ANNUITY)
		repaying = level_payment(i, n) * annuity_factor(k, n);
	else		/* equal principal; a bullet is its case n = 1 */
		repaying = annuity_factor(k, n) / n + i / n * decreasing_factor(k, n);
	return during_grace + finance_vpow(k, grace_only) * repaying;
}

/* The exact balance after period t of a loan of face value 1, and the principal repaid
 * in it, each from its own formula rather than by running subtraction, whose rounding
 * errors a dear annuity compounds over a thousand periods. An annuity's principal grows
 * as (1 + i)^(j − 1) × i / ((1 + i)^n − 1) in its j-th repayment. */
static double balance_after(const struct nk_loan_terms *terms, int t)
{
	int repaid = t - nk_loan_first_repayment(terms) + 1, n = nk_loan_repayments(terms);
	double l = log1p(terms->rate / terms->per_year);

	if (repaid <= 0)
		return 1;
	if (repaid >= n)
		return 0;
	if (terms->repayment == NK_REPAY_ANNUITY && l > 0)
		return -expm1(repaid * l) / expm1(n * l) + 1;
	return (double)(n - repaid) / n;
}

static double principal_in(const struct nk_loan_terms *terms, int t)
{
	int repaid = t - nk_loan_first_repayment(terms) + 1, n = nk_loan_repayments(terms);
	double l = log1p(terms->rate / terms->per_year);

	if (repaid <= 0)
		return 0;
	if (terms->repayment == NK_REPAY_ANNUITY && l > 0)
		return exp((repaid - 1) * l) * expm1(l) / expm1(n * l);
	return 1.0 / n;
}

/* Every period's unrounded cash flow on a face value of 1, discounted one by one. */
static double pv_factor_by_sum(const struct nk_loan_terms *terms, double discount)
{
	struct finance_discount k = finance_discount_make(discount, terms->per_year);
	double i = terms->rate / terms->per_year, pv = 0;

	for (int t = 1; t <= terms->maturity; t++) {
		double interest = balance_after(terms, t - 1) * i;

		pv += (interest + principal_in(terms, t)) * finance_vpow(k, t);
	}
	return pv;
}

static enum nk_status terms_and_discount_check(const struct nk_loan_terms *terms,
					       double discount, struct nk_error *err)
{
	enum nk_status rc = nk_loan_terms_check(terms, err);

	if (rc == NK_OK)
		rc = nk_rate_check(discount, "discount", err);
	return rc;
}

enum nk_status nk_loan_pv_factor(const struct nk_loan_terms *terms, double discount,
				 double *out, struct nk_error *err)
{
	enum nk_status rc = terms_and_discount_check(terms, discount, err);

	if (rc == NK_OK)
		*out = pv_factor_closed(terms, discount);
	return rc;
}

enum nk_status nk_loan_grant_element(const struct nk_loan_terms *terms, double discount,
				     double *out, struct nk_error *err)
{
	enum nk_status rc = terms_and_discount_check(terms, discount, err);

	if (rc == NK_OK)
		*out = 1 - pv_factor_closed(terms, discount);
	return rc;
}

enum nk_status nk_loan_grant_element_by_sum(const struct nk_loan_terms *terms,
					    double discount, double *out,
					    struct nk_error *err)
{
	enum nk_status rc = terms_and_discount_check(terms, discount, err);

	if (rc == NK_OK)
		*out = 1 - pv_factor_by_sum(terms, discount);
	return rc;
}

enum nk_status nk_finance_round(double minor, int64_t step, const char *field,
				int64_t *out, struct nk_error *err)
{
	double steps;
	int64_t rounded;

	if (step < 1)
		return nk_fail(err, NK_EINVAL, field, "a rounding step is at least 1 minor unit");
	if (!isfinite(minor) || fabs(minor) > (double)NK_AMOUNT_MAX)
		return nk_fail(err, NK_ERANGE, field, "the amount is out of range");
	steps = round(minor / (double)step);	/* half away from zero */
	if (nk_amount_mul((int64_t)steps, step, &rounded) != NK_OK ||
	    rounded > NK_AMOUNT_MAX || rounded < -NK_AMOUNT_MAX)
		return nk_fail(err, NK_ERANGE, field, "the amount is out of range");
	*out = rounded;
	return NK_OK;
}

enum nk_status nk_loan_value(const struct nk_loan *loan, double discount,
			     struct nk_loan_value *out, struct nk_error *err)
{
	enum nk_status rc;
	double factor;
	int64_t pv;

	rc = nk_loan_check(loan, err);
	if (rc != NK_OK)
		goto out;
	rc = nk_rate_check(discount, "discount", err);
	if (rc != NK_OK)
		goto out;
	factor = pv_factor_closed(&loan->terms, discount);
	rc = nk_finance_round((double)loan->amount * factor, 1, "present_value", &pv, err);
	if (rc != NK_OK)
		goto out;
	out->grant_element = 1 - factor;
	out->present_value = pv;
	out->grant_equivalent = loan->amount - pv;
out:
	return rc;
}

enum nk_status nk_instalments_pv_factor(int count, int first, int per_year,
					double discount, double *out, struct nk_error *err)
{
	enum nk_status rc;
	struct finance_discount k;

	rc = finance_per_year_check(per_year, err);
	if (rc == NK_OK)
		rc = nk_rate_check(discount, "discount", err);
	if (rc != NK_OK)
		return rc;
	if (count < 1 || count > NK_LOAN_PERIODS_MAX)
		return nk_fail(err, NK_EINVAL, "count", "between 1 and %d instalments",
			       NK_LOAN_PERIODS_MAX);
	if (first < 0 || first > NK_LOAN_PERIODS_MAX)
		return nk_fail(err, NK_EINVAL, "first", "the first instalment falls between "
			       "period 0 and %d", NK_LOAN_PERIODS_MAX);
	k = finance_discount_make(discount, per_year);
	*out = finance_vpow(k, first - 1) * annuity_factor(k, count) / count;
	return NK_OK;
}
