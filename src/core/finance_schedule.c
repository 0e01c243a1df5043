/* core/finance, the money half: a loan's schedule in exact minor units, each balance the
 * exact one rounded to the minor unit, and the present value or grant equivalent of any
 * schedule, rounded once or period by period as published tables do. */
#include "core/finance_impl.h"

#include <nakodo/finance.h>
#include <nakodo/money.h>

#include <math.h>

/* The principal still owed after period t: all of it before the first repayment, then
 * the exact balance rounded to the minor unit (half up). Equal principal owes
 * amount × (n − j)/n after j repayments, computed in integers, so its repayments differ
 * by at most a minor unit; an annuity owes amount × (1 − ((1+i)^j − 1)/((1+i)^n − 1)).
 * Anchoring every balance to the exact one keeps each payment within a minor unit or
 * two of the exact payment: rounding a level payment instead lets its error compound
 * at the loan's rate, and spreading odd minor units over the first repayments lets
 * them pile up, either of which moves many minor units from one period to another. */
static int64_t outstanding_after(const struct nk_loan *loan, int t)
{
	const struct nk_loan_terms *terms = &loan->terms;
	int first = nk_loan_first_repayment(terms), n = nk_loan_repayments(terms);
	int64_t repaid = t - first + 1;	/* repayments made by the end of period t */
	double i = terms->rate / terms->per_year, l;

	if (repaid <= 0)
		return loan->amount;
	if (repaid >= n)
		return 0;
	if (terms->repayment == NK_REPAY_ANNUITY && i > 0) {
		l = log1p(i);
		return llround((double)loan->amount *
			       (1 - expm1((double)repaid * l) / expm1((double)n * l)));
	}
	/* amount × (n − j) <= 10^15 × 1200: exact in int64. */
	return (2 * loan->amount * (n - repaid) + n) / (2 * (int64_t)n);
}

enum nk_status nk_loan_schedule(const struct nk_loan *loan, struct nk_loan_payment *rows,
				size_t cap, size_t *count, struct nk_error *err)
{
	const struct nk_loan_terms *terms = &loan->terms;
	enum nk_status rc;
	int64_t before;
	double i;

	rc = nk_loan_check(loan, err);
	if (rc != NK_OK)
		goto out;
	if (cap < (size_t)terms->maturity) {
		rc = nk_fail(err, NK_ERANGE, "schedule", "needs %d rows, has room for %zu",
			     terms->maturity, cap);
		goto out;
	}
	/* Every figure stays under amount × 2 <= 2 × 10^15 < 2^53: no overflow, and each
	 * product is exact to well under a minor unit before it is rounded. */
	i = terms->rate / terms->per_year;
	before = loan->amount;
	for (int t = 1; t <= terms->maturity; t++) {
		int64_t after = outstanding_after(loan, t);

		rows[t - 1] = (struct nk_loan_payment){
			.period = t,
			.principal = before - after,
			.interest = llround((double)before * i),
			.outstanding = after,
		};
		before = after;
	}
	*count = (size_t)terms->maturity;
out:
	return rc;
}

/* Checks that rows are a schedule: periods rising from 1 to at most the longest loan,
 * no negative figure. */
static enum nk_status rows_check(const struct nk_loan_payment *rows, size_t count,
				 struct nk_error *err)
{
	if (count > NK_LOAN_PERIODS_MAX)
		return nk_fail(err, NK_EINVAL, "schedule", "more than %d rows",
			       NK_LOAN_PERIODS_MAX);
	for (size_t t = 0; t < count; t++) {
		if (rows[t].period < 1 || rows[t].period > NK_LOAN_PERIODS_MAX ||
		    (t > 0 && rows[t].period <= rows[t - 1].period))
			return nk_fail(err, NK_EINVAL, "schedule",
				       "row %zu: periods must rise from 1", t + 1);
		if (rows[t].principal < 0 || rows[t].interest < 0 || rows[t].outstanding < 0)
			return nk_fail(err, NK_EINVAL, "schedule",
				       "row %zu: a negative figure", t + 1);
	}
	return NK_OK;
}

/* Sums term(t) × v^period over the rows, rounding as asked. */
static enum nk_status discounted_sum(const double *terms, const struct nk_loan_payment *rows,
				     size_t count, struct finance_discount k,
				     struct nk_rounding rounding, const char *field,
				     int64_t *out, struct nk_error *err)
{
	enum nk_status rc = NK_OK;
	double sum = 0;
	int64_t total = 0, part;

	for (size_t t = 0; t < count && rc == NK_OK; t++) {
		double value = terms[t] * finance_vpow(k, rows[t].period);

		if (!rounding.each) {
			sum += value;
			continue;
		}
		rc = nk_finance_round(value, rounding.step, field, &part, err);
		if (rc == NK_OK && nk_amount_add(total, part, &total) != NK_OK)
			rc = nk_fail(err, NK_ERANGE, field, "the amount is out of range");
	}
	if (rc == NK_OK && !rounding.each)
		rc = nk_finance_round(sum, rounding.step, field, &total, err);
	if (rc == NK_OK)
		*out = total;
	return rc;
}

static enum nk_status schedule_args_check(const struct nk_loan_payment *rows, size_t count,
					  int per_year, double discount,
					  struct nk_rounding rounding, struct nk_error *err)
{
	enum nk_status rc = finance_per_year_check(per_year, err);

	if (rc == NK_OK)
		rc = nk_rate_check(discount, "discount", err);
	if (rc == NK_OK && rounding.step < 1)
		rc = nk_fail(err, NK_EINVAL, "rounding", "a rounding step is at least 1 minor unit");
	if (rc == NK_OK)
		rc = rows_check(rows, count, err);
	return rc;
}

enum nk_status nk_schedule_present_value(const struct nk_loan_payment *rows, size_t count,
					 int per_year, double discount,
					 struct nk_rounding rounding, int64_t *out,
					 struct nk_error *err)
{
	double flows[NK_LOAN_PERIODS_MAX];
	enum nk_status rc;

	rc = schedule_args_check(rows, count, per_year, discount, rounding, err);
	if (rc != NK_OK)
		goto out;
	for (size_t t = 0; t < count; t++)
		flows[t] = (double)rows[t].principal + (double)rows[t].interest;
	rc = discounted_sum(flows, rows, count, finance_discount_make(discount, per_year), rounding,
			    "present_value", out, err);
out:
	return rc;
}

enum nk_status nk_schedule_grant_equivalent(int64_t amount,
					    const struct nk_loan_payment *rows,
					    size_t count, int per_year, double discount,
					    struct nk_rounding rounding, int64_t *out,
					    struct nk_error *err)
{
	double subsidy[NK_LOAN_PERIODS_MAX];
	struct finance_discount k;
	enum nk_status rc;
	int64_t before = amount;

	rc = schedule_args_check(rows, count, per_year, discount, rounding, err);
	if (rc != NK_OK)
		goto out;
	rc = NK_EINVAL;
	if (amount < 1 || amount > NK_LOAN_AMOUNT_MAX) {
		nk_fail(err, rc, "amount", "out of range for a loan");
		goto out;
	}
	k = finance_discount_make(discount, per_year);
	for (size_t t = 0; t < count; t++) {
		if (rows[t].period != (int)t + 1 || before - rows[t].principal != rows[t].outstanding) {
			nk_fail(err, rc, "schedule",
				"row %zu does not follow from the row before it", t + 1);
			goto out;
		}
		subsidy[t] = k.d * (double)before - (double)rows[t].interest;
		before = rows[t].outstanding;
	}
	if (before != 0) {
		nk_fail(err, rc, "schedule", "the loan is not repaid by its last row");
		goto out;
	}
	rc = discounted_sum(subsidy, rows, count, k, rounding, "grant_equivalent", out, err);
out:
	return rc;
}
