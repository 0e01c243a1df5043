/* Unit tests for core/finance: the 1962 loan, the European Commission's state-aid example,
 * closed form against cash-flow sum on random loans, limiting cases, the DAC
 * concessionality tests, schedules in exact money, and every refusal of bad input. */
#include <nakodo/finance.h>
#include <nakodo/money.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define RANDOM_LOANS 20000

static struct nk_loan_payment rows[NK_LOAN_PERIODS_MAX];

/* splitmix64: a fixed seed gives the same loans on every machine. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static int random_below(uint64_t *state, int bound)
{
	return (int)(next_random(state) % (uint64_t)bound);
}

static double random_unit(uint64_t *state)
{
	return (double)(next_random(state) >> 11) / 9007199254740992.0;
}

/* A random valid loan: every payment count, 1 period to 100 years, any grace, rates up
 * to 20% with exact zeros now and then. */
static struct nk_loan random_loan(uint64_t *state)
{
	static const int per_year[] = { 1, 2, 3, 4, 6, 12 };
	struct nk_loan loan;
	int p = per_year[random_below(state, 6)];

	loan.terms.per_year = p;
	loan.terms.maturity = 1 + random_below(state, NK_LOAN_YEARS_MAX * p);
	loan.terms.grace = random_below(state, loan.terms.maturity + 1);
	loan.terms.rate = random_below(state, 10) == 0 ? 0 : 0.2 * random_unit(state);
	loan.terms.repayment = (enum nk_repayment)random_below(state, 3);
	if (loan.terms.repayment == NK_REPAY_BULLET)
		loan.terms.grace = loan.terms.maturity;
	loan.amount = 1 + (int64_t)(random_unit(state) * (double)NK_LOAN_AMOUNT_MAX);
	return loan;
}

static double random_discount(uint64_t *state)
{
	return random_below(state, 10) == 0 ? 0 : 0.2 * random_unit(state);
}

static double grant_element(const struct nk_loan_terms *terms, double discount)
{
	double ge = NAN;

	assert_int_equal(nk_loan_grant_element(terms, discount, &ge, NULL), NK_OK);
	return ge;
}

static double grant_element_by_sum(const struct nk_loan_terms *terms, double discount)
{
	double ge = NAN;

	assert_int_equal(nk_loan_grant_element_by_sum(terms, discount, &ge, NULL), NK_OK);
	return ge;
}

/* The 1962 Kim–Ohira loan: 3.5%, 20 years, 7-year grace, semi-annual equal principal. */
static const struct nk_loan_terms loan_1962 = {
	.rate = 0.035, .per_year = 2, .maturity = 40, .grace = 14,
	.repayment = NK_REPAY_EQUAL_PRINCIPAL,
};

static void loan_1962_grant_element(void **state)
{
	struct nk_loan_terms later = loan_1962;
	struct nk_loan loan = { .amount = INT64_C(20000000000), .terms = loan_1962 };
	struct nk_loan_value value;
	size_t n = 0;

	(void)state;
	/* 27 repayments, from year 7 (period 14) to year 20 (period 40). */
	assert_int_equal(nk_loan_repayments(&loan_1962), 27);
	assert_int_equal(nk_loan_first_repayment(&loan_1962), 14);
	assert_true(fabs(grant_element(&loan_1962, 0.10) - 0.451839) < 5e-7);
	assert_true(fabs(round(grant_element(&loan_1962, 0.10) * 1e4) - 4518) < 1e-9);
	assert_true(fabs(grant_element_by_sum(&loan_1962, 0.10) - 0.451839) < 5e-7);
	/* The first repayment half a year after a 7-year grace instead: 45.72%. */
	later.grace = 15;
	assert_int_equal(nk_loan_repayments(&later), 26);
	assert_true(fabs(round(grant_element(&later, 0.10) * 1e4) - 4572) < 1e-9);

	/* US$200 million: 20,000,000,000 cents over 27 repayments of 740,740,740.74. */
	assert_int_equal(nk_loan_value(&loan, 0.10, &value, NULL), NK_OK);
	assert_int_equal(value.present_value + value.grant_equivalent, loan.amount);
	assert_true(llabs(value.grant_equivalent - 9036789098) <= 1);
	assert_int_equal(nk_loan_schedule(&loan, rows, NK_LOAN_PERIODS_MAX, &n, NULL), NK_OK);
	assert_int_equal(n, 40);
	assert_int_equal(rows[0].interest, 350000000);
	assert_int_equal(rows[12].principal, 0);
	for (int t = 13; t < 40; t++)
		assert_true(rows[t].principal == 740740740 || rows[t].principal == 740740741);
	assert_int_equal(rows[13].outstanding, 19259259259);	/* 26/27 of the amount */
	assert_int_equal(rows[13].principal, 740740741);
	assert_int_equal(rows[39].outstanding, 0);
}

/* The European Commission's example: 500,000 over 10 years at 6% against an 8%
 * reference rate, equal annual principal, no grace: aid equivalent 41,124, or 41,123
 * when the yearly amounts are rounded first (the published table). */
static void ec_state_aid_vector(void **state)
{
	struct nk_loan loan = {
		.amount = INT64_C(50000000),	/* EUR 500,000.00 in cents */
		.terms = { .rate = 0.06, .per_year = 1, .maturity = 10, .grace = 0,
			   .repayment = NK_REPAY_EQUAL_PRINCIPAL },
	};
	struct nk_loan_value value;
	size_t n = 0;
	int64_t ge = 0, pv = 0;

	(void)state;
	assert_int_equal(nk_loan_value(&loan, 0.08, &value, NULL), NK_OK);
	assert_int_equal(value.grant_equivalent, 4112398);	/* EUR 41,123.98 */
	assert_int_equal(value.present_value, 45887602);
	assert_true(fabs(value.grant_element - 0.0822480) < 5e-7);

	assert_int_equal(nk_loan_schedule(&loan, rows, NK_LOAN_PERIODS_MAX, &n, NULL), NK_OK);
	assert_int_equal(n, 10);
	for (size_t t = 0; t < n; t++) {
		assert_int_equal(rows[t].principal, 5000000);
		assert_int_equal(rows[t].interest, 3000000 - 300000 * (int64_t)t);
	}
	/* Rounded once, to whole euros: 41,124. */
	assert_int_equal(nk_schedule_grant_equivalent(loan.amount, rows, n, 1, 0.08,
		(struct nk_rounding){ .step = 100, .each = false }, &ge, NULL), NK_OK);
	assert_int_equal(ge, 4112400);
	/* Each year's discounted saving rounded to whole euros first: 41,123. */
	assert_int_equal(nk_schedule_grant_equivalent(loan.amount, rows, n, 1, 0.08,
		(struct nk_rounding){ .step = 100, .each = true }, &ge, NULL), NK_OK);
	assert_int_equal(ge, 4112300);
	assert_int_equal(nk_schedule_grant_equivalent(loan.amount, rows, n, 1, 0.08,
		(struct nk_rounding){ .step = 1, .each = false }, &ge, NULL), NK_OK);
	assert_int_equal(ge, 4112398);
	assert_int_equal(nk_schedule_present_value(rows, n, 1, 0.08,
		(struct nk_rounding){ .step = 1, .each = false }, &pv, NULL), NK_OK);
	assert_int_equal(pv, 45887602);

	/* The same in a currency without minor units (amounts as published). */
	loan.amount = 500000;
	assert_int_equal(nk_loan_value(&loan, 0.08, &value, NULL), NK_OK);
	assert_int_equal(value.grant_equivalent, 41124);
	assert_int_equal(nk_loan_schedule(&loan, rows, NK_LOAN_PERIODS_MAX, &n, NULL), NK_OK);
	assert_int_equal(nk_schedule_grant_equivalent(loan.amount, rows, n, 1, 0.08,
		(struct nk_rounding){ .step = 1, .each = true }, &ge, NULL), NK_OK);
	assert_int_equal(ge, 41123);
}

/* Closed form against explicit sum; and the money schedule against both. */
static void closed_form_equals_sum(void **state)
{
	uint64_t seed = UINT64_C(19621112);
	double worst = 0, worst_money = 0;
	int checked = 0;

	(void)state;
	for (int k = 0; k < RANDOM_LOANS; k++) {
		struct nk_loan loan = random_loan(&seed);
		double discount = random_discount(&seed);
		double closed = grant_element(&loan.terms, discount);
		double sum = grant_element_by_sum(&loan.terms, discount);
		double factor = NAN, bound, d, annuity = 0;
		int64_t pv = -1, principal = 0, ge_each = -1, ge_once = -1;
		size_t n = 0;

		assert_true(isfinite(closed));
		if (fabs(closed - sum) > worst)
			worst = fabs(closed - sum);
		if (!(fabs(closed - sum) <= 1e-11 * fmax(1, fabs(closed))))
			printf("# %d/%d/%d/%d r=%.17g d=%.17g closed=%.17g sum=%.17g\n",
			       loan.terms.per_year, loan.terms.maturity, loan.terms.grace,
			       loan.terms.repayment, loan.terms.rate, discount, closed, sum);
		assert_true(fabs(closed - sum) <= 1e-11 * fmax(1, fabs(closed)));

		assert_int_equal(nk_loan_pv_factor(&loan.terms, discount, &factor, NULL), NK_OK);
		assert_true(fabs(1 - factor - closed) < 1e-15);
		assert_int_equal(nk_loan_schedule(&loan, rows, NK_LOAN_PERIODS_MAX, &n, NULL),
				 NK_OK);
		assert_int_equal(n, loan.terms.maturity);
		for (size_t t = 0; t < n; t++) {
			assert_true(rows[t].principal >= 0 && rows[t].interest >= 0);
			principal += rows[t].principal;
		}
		assert_int_equal(principal, loan.amount);
		assert_int_equal(rows[n - 1].outstanding, 0);
		assert_int_equal(nk_schedule_present_value(rows, n, loan.terms.per_year, discount,
			(struct nk_rounding){ .step = 1 }, &pv, NULL), NK_OK);
		/* Each balance is within half a minor unit of the exact one and each interest
		 * within half a unit of the exact interest on it. Summing by parts, the
		 * present values differ by at most ((d + i)/2 + 1/2) × a(n), plus the
		 * doubles' own error on big amounts. */
		d = nk_discount_per_period(discount, loan.terms.per_year);
		for (size_t t = 1; t <= n; t++)
			annuity += pow(1 + d, -(double)t);
		bound = ((d + loan.terms.rate / loan.terms.per_year) / 2 + 0.5) * annuity +
			1e-14 * (double)loan.amount * (1 + factor);
		if (fabs((double)pv - (double)loan.amount * factor) / bound > worst_money)
			worst_money = fabs((double)pv - (double)loan.amount * factor) / bound;
		if (!(fabs((double)pv - (double)loan.amount * factor) <= bound))
			printf("# money %d/%d/%d/%d r=%.17g d=%.17g amount=%lld pv=%lld exact=%.3f bound=%.3f\n",
			       loan.terms.per_year, loan.terms.maturity, loan.terms.grace,
			       loan.terms.repayment, loan.terms.rate, discount, (long long)loan.amount, (long long)pv, (double)loan.amount * factor, bound);
		assert_true(fabs((double)pv - (double)loan.amount * factor) <= bound);
		/* The interest-saving form agrees with face − present value. */
		assert_int_equal(nk_schedule_grant_equivalent(loan.amount, rows, n,
			loan.terms.per_year, discount, (struct nk_rounding){ .step = 1 },
			&ge_once, NULL), NK_OK);
		assert_true(llabs(ge_once - (loan.amount - pv)) <=
			    1 + (int64_t)(1e-14 * (double)loan.amount * (1 + factor)));
		assert_int_equal(nk_schedule_grant_equivalent(loan.amount, rows, n,
			loan.terms.per_year, discount,
			(struct nk_rounding){ .step = 1, .each = true }, &ge_each, NULL), NK_OK);
		assert_true((double)llabs(ge_each - ge_once) <= (double)n / 2 + 1);
		checked++;
	}
	printf("# closed form vs cash-flow sum: %d random loans, max |difference| %.3g; "
	       "money schedule within %.3f of its bound\n", checked, worst, worst_money);
}

/* A zero rate leaves only the discount effect: the grant element is 1 − the present
 * value of the principal repayments alone. */
static void zero_rate_is_discount_effect_alone(void **state)
{
	uint64_t seed = 7;

	(void)state;
	for (int k = 0; k < 2000; k++) {
		struct nk_loan loan = random_loan(&seed);
		double discount = random_discount(&seed), d, pv = 0;
		int first, n;

		loan.terms.rate = 0;
		d = nk_discount_per_period(discount, loan.terms.per_year);
		first = nk_loan_first_repayment(&loan.terms);
		n = nk_loan_repayments(&loan.terms);
		for (int t = first; t <= loan.terms.maturity; t++)
			pv += pow(1 + d, -(double)t) / n;
		assert_true(fabs(grant_element(&loan.terms, discount) - (1 - pv)) < 1e-12);
		if (loan.terms.repayment == NK_REPAY_EQUAL_PRINCIPAL) {
			/* At a zero rate an annuity is equal principal. */
			loan.terms.repayment = NK_REPAY_ANNUITY;
			assert_true(fabs(grant_element(&loan.terms, discount) - (1 - pv)) < 1e-12);
		}
	}
}

/* Interest at the discount rate of a period gives away nothing, whatever the schedule.
 * A nominal rate equal to the annual discount rate is slightly dear when paid more than
 * once a year: 10% a year paid 5% a half-year beats (1.1)^(1/2) − 1 = 4.88%. */
static void rate_at_discount_gives_nothing(void **state)
{
	uint64_t seed = 11;

	(void)state;
	for (int k = 0; k < 2000; k++) {
		struct nk_loan loan = random_loan(&seed);
		double discount = random_discount(&seed);
		int p = loan.terms.per_year;

		loan.terms.rate = p * nk_discount_per_period(discount, p);
		assert_true(fabs(grant_element(&loan.terms, discount)) < 1e-12);
		assert_true(fabs(grant_element_by_sum(&loan.terms, discount)) < 1e-12);
	}
	{
		struct nk_loan_terms t = loan_1962;

		t.rate = 0.10;
		assert_true(grant_element(&t, 0.10) < 0);
		t.per_year = 1, t.maturity = 20, t.grace = 7;
		assert_true(fabs(grant_element(&t, 0.10)) < 1e-14);
	}
}

/* The grant element is (d − i) × the discounted outstanding principal, so with the same
 * maturity a bullet gives away most when i < d and costs most when i > d, and an
 * annuity (slower to repay) lies beyond equal principal in the same direction. */
static void bullet_annuity_equal_principal_order(void **state)
{
	uint64_t seed = 13;

	(void)state;
	for (int k = 0; k < 5000; k++) {
		struct nk_loan loan = random_loan(&seed);
		struct nk_loan_terms bullet, annuity, equal;
		double discount = random_discount(&seed), d, i, gb, ga, ge;
		double sign;

		loan.terms.grace = random_below(&seed, loan.terms.maturity - 1 > 0 ?
						loan.terms.maturity - 1 : 1);
		if (loan.terms.rate == 0)
			loan.terms.rate = 0.01;
		bullet = annuity = equal = loan.terms;
		bullet.repayment = NK_REPAY_BULLET;
		bullet.grace = bullet.maturity;
		annuity.repayment = NK_REPAY_ANNUITY;
		equal.repayment = NK_REPAY_EQUAL_PRINCIPAL;
		d = nk_discount_per_period(discount, loan.terms.per_year);
		i = loan.terms.rate / loan.terms.per_year;
		if (fabs(d - i) < 1e-6)
			continue;
		sign = d > i ? 1 : -1;
		gb = grant_element(&bullet, discount);
		ga = grant_element(&annuity, discount);
		ge = grant_element(&equal, discount);
		assert_true(sign * (gb - ga) >= -1e-12);
		assert_true(sign * (ga - ge) >= -1e-12);
		if (nk_loan_repayments(&equal) >= 2) {
			assert_true(sign * (gb - ga) > 0);
			assert_true(sign * (ga - ge) > 0);
		}
	}
}

static void other_limits(void **state)
{
	struct nk_loan_terms t = loan_1962;
	double total_interest;

	(void)state;
	/* At a zero discount rate the grant element is minus the interest paid. */
	total_interest = 0.0175 * 13 + 0.0175 * (27.0 * 28 / 2) / 27;
	assert_true(fabs(grant_element(&t, 0) + total_interest) < 1e-12);
	assert_true(fabs(grant_element_by_sum(&t, 0) + total_interest) < 1e-12);
	/* Grace to maturity under equal principal is the bullet. */
	t.grace = t.maturity;
	{
		struct nk_loan_terms b = t;

		b.repayment = NK_REPAY_BULLET;
		assert_true(fabs(grant_element(&t, 0.1) - grant_element(&b, 0.1)) < 1e-15);
	}
	/* A grant element rises with the discount rate and falls with the interest rate. */
	t = loan_1962;
	assert_true(grant_element(&t, 0.09) < grant_element(&t, 0.10));
	t.rate = 0.03;
	assert_true(grant_element(&t, 0.10) > grant_element(&loan_1962, 0.10));
	/* Grace 0 and grace of one period are the same loan. */
	t = loan_1962;
	t.grace = 0;
	{
		struct nk_loan_terms one = t;

		one.grace = 1;
		assert_true(grant_element(&t, 0.1) == grant_element(&one, 0.1));
	}
}

static void concessionality_tests(void **state)
{
	size_t n = 0;
	const struct nk_concessionality_test *tests = nk_concessionality_tests(&n);
	struct nk_loan_terms commercial = {
		.rate = 0.08, .per_year = 2, .maturity = 20, .grace = 4,
		.repayment = NK_REPAY_EQUAL_PRINCIPAL,
	};

	(void)state;
	assert_int_equal(n, 4);
	assert_string_equal(tests[0].name, "classic");
	assert_true(tests[0].discount == 0.10 && tests[0].threshold == 0.25);
	assert_true(tests[1].discount == 0.09 && tests[1].threshold == 0.45);
	assert_true(tests[2].discount == 0.07 && tests[2].threshold == 0.15);
	assert_true(tests[3].discount == 0.06 && tests[3].threshold == 0.10);
	/* The 1962 loan passes the classic test, the lower middle-income and upper
	 * middle-income ones, and misses 45% at 9% by a little. */
	assert_true(grant_element(&loan_1962, 0.10) >= 0.25);
	assert_true(grant_element(&loan_1962, 0.09) < 0.45);
	assert_true(grant_element(&loan_1962, 0.09) > 0.40);
	assert_true(grant_element(&loan_1962, 0.07) >= 0.15);
	assert_true(grant_element(&loan_1962, 0.06) >= 0.10);
	/* A loan at 8% for 10 years is not concessional at 10%. */
	assert_true(grant_element(&commercial, 0.10) < 0.25);
	assert_true(grant_element(&commercial, 0.10) > 0);
}

static void schedules_in_money(void **state)
{
	struct nk_loan loan = {
		.amount = 100001,
		.terms = { .rate = 0.05, .per_year = 4, .maturity = 12, .grace = 4,
			   .repayment = NK_REPAY_ANNUITY },
	};
	struct nk_loan_payment keep = { .period = -7 };
	size_t n = 99;
	int64_t payment;

	(void)state;
	/* Too little room: nothing written. */
	rows[0] = keep;
	assert_int_equal(nk_loan_schedule(&loan, rows, 11, &n, NULL), NK_ERANGE);
	assert_int_equal(n, 99);
	assert_int_equal(rows[0].period, -7);
	/* Interest only for three quarters, then nine level payments. */
	assert_int_equal(nk_loan_schedule(&loan, rows, 12, &n, NULL), NK_OK);
	assert_int_equal(n, 12);
	for (int t = 0; t < 3; t++) {
		assert_int_equal(rows[t].principal, 0);
		assert_int_equal(rows[t].interest, 1250);	/* 100,001 × 1.25% */
	}
	payment = rows[3].principal + rows[3].interest;
	for (int t = 3; t < 12; t++)
		assert_true(llabs(rows[t].principal + rows[t].interest - payment) <= 2);
	assert_int_equal(rows[11].outstanding, 0);
	/* A bullet pays interest only, then everything. */
	loan.terms.repayment = NK_REPAY_BULLET;
	loan.terms.grace = 12;
	assert_int_equal(nk_loan_schedule(&loan, rows, 12, &n, NULL), NK_OK);
	assert_int_equal(rows[10].principal, 0);
	assert_int_equal(rows[11].principal, 100001);
	assert_int_equal(rows[11].interest, 1250);
}

static void instalments(void **state)
{
	double f = NAN, sum = 0, d;

	(void)state;
	assert_int_equal(nk_instalments_pv_factor(1, 0, 1, 0.1, &f, NULL), NK_OK);
	assert_true(fabs(f - 1) < 1e-15);
	/* A grant of 300 over 10 years, paid at the end of each year, at 10%. */
	assert_int_equal(nk_instalments_pv_factor(10, 1, 1, 0.1, &f, NULL), NK_OK);
	for (int t = 1; t <= 10; t++)
		sum += pow(1.1, -t) / 10;
	assert_true(fabs(f - sum) < 1e-15);
	/* Monthly from now, at zero discount: worth its face. */
	assert_int_equal(nk_instalments_pv_factor(120, 0, 12, 0, &f, NULL), NK_OK);
	assert_true(fabs(f - 1) < 1e-15);
	d = nk_discount_per_period(0.07, 4);
	sum = 0;
	for (int t = 3; t < 3 + 40; t++)
		sum += pow(1 + d, -t) / 40;
	assert_int_equal(nk_instalments_pv_factor(40, 3, 4, 0.07, &f, NULL), NK_OK);
	assert_true(fabs(f - sum) < 1e-14);
	f = 42;
	assert_int_equal(nk_instalments_pv_factor(0, 1, 1, 0.1, &f, NULL), NK_EINVAL);
	assert_int_equal(nk_instalments_pv_factor(1, -1, 1, 0.1, &f, NULL), NK_EINVAL);
	assert_int_equal(nk_instalments_pv_factor(1, 1, 5, 0.1, &f, NULL), NK_EINVAL);
	assert_int_equal(nk_instalments_pv_factor(1, 1, 1, -0.1, &f, NULL), NK_EINVAL);
	assert_true(f == 42);
}

static void rounding(void **state)
{
	int64_t v = 7;
	struct nk_error err = { 0 };

	(void)state;
	assert_int_equal(nk_finance_round(2.5, 1, "x", &v, NULL), NK_OK);
	assert_int_equal(v, 3);
	assert_int_equal(nk_finance_round(-2.5, 1, "x", &v, NULL), NK_OK);
	assert_int_equal(v, -3);
	assert_int_equal(nk_finance_round(2.4999, 1, "x", &v, NULL), NK_OK);
	assert_int_equal(v, 2);
	assert_int_equal(nk_finance_round(4112398.25, 100, "x", &v, NULL), NK_OK);
	assert_int_equal(v, 4112400);
	assert_int_equal(nk_finance_round(150, 100, "x", &v, NULL), NK_OK);
	assert_int_equal(v, 200);
	v = 7;
	assert_int_equal(nk_finance_round(INFINITY, 1, "pv", &v, &err), NK_ERANGE);
	assert_string_equal(err.field, "pv");
	assert_int_equal(nk_finance_round(NAN, 1, "pv", &v, NULL), NK_ERANGE);
	assert_int_equal(nk_finance_round(5e18, 1, "pv", &v, NULL), NK_ERANGE);
	assert_int_equal(nk_finance_round((double)NK_AMOUNT_MAX, 1, "pv", &v, NULL), NK_ERANGE);
	assert_int_equal(nk_finance_round(1, 0, "pv", &v, NULL), NK_EINVAL);
	assert_int_equal(v, 7);
}

/* One refusal: the status, the field named, and the output left alone. */
static void refuses(struct nk_loan loan, double discount, const char *field)
{
	struct nk_error err = { 0 };
	struct nk_loan_value value = { .grant_element = 9, .present_value = 9 };
	double ge = 9;
	size_t n = 9;

	assert_int_equal(nk_loan_value(&loan, discount, &value, &err), NK_EINVAL);
	assert_string_equal(err.field, field);
	assert_true(strlen(err.text) > 0);
	assert_true(value.grant_element == 9 && value.present_value == 9);
	if (strcmp(field, "amount") != 0) {
		assert_int_equal(nk_loan_grant_element(&loan.terms, discount, &ge, NULL),
				 NK_EINVAL);
		assert_int_equal(nk_loan_grant_element_by_sum(&loan.terms, discount, &ge, NULL),
				 NK_EINVAL);
		assert_true(ge == 9);
	}
	if (strcmp(field, "discount") != 0) {
		assert_int_equal(nk_loan_schedule(&loan, rows, NK_LOAN_PERIODS_MAX, &n, NULL),
				 NK_EINVAL);
		assert_int_equal(n, 9);
	}
}

static void bad_input(void **state)
{
	const struct nk_loan good = { .amount = 100000, .terms = loan_1962 };
	struct nk_loan l;
	struct nk_error err = { 0 };
	enum nk_repayment r = NK_REPAY_ANNUITY;
	int periods = 5;

	(void)state;
	l = good, l.terms.rate = -0.01;
	refuses(l, 0.1, "rate");
	l = good, l.terms.rate = 1.5;
	refuses(l, 0.1, "rate");
	l = good, l.terms.rate = NAN;
	refuses(l, 0.1, "rate");
	refuses(good, -0.1, "discount");
	refuses(good, 2, "discount");
	refuses(good, NAN, "discount");
	l = good, l.terms.grace = 41;
	refuses(l, 0.1, "maturity");
	l = good, l.terms.grace = -1;
	refuses(l, 0.1, "grace");
	l = good, l.terms.maturity = 0, l.terms.grace = 0;
	refuses(l, 0.1, "maturity");
	l = good, l.terms.maturity = 201;
	refuses(l, 0.1, "maturity");
	l = good, l.terms.per_year = 5;
	refuses(l, 0.1, "per_year");
	l = good, l.terms.per_year = 0;
	refuses(l, 0.1, "per_year");
	l = good, l.terms.repayment = (enum nk_repayment)7;
	refuses(l, 0.1, "repayment");
	l = good, l.terms.repayment = NK_REPAY_BULLET;
	refuses(l, 0.1, "grace");
	l = good, l.amount = 0;
	refuses(l, 0.1, "amount");
	l = good, l.amount = NK_LOAN_AMOUNT_MAX + 1;
	refuses(l, 0.1, "amount");
	l = good, l.amount = NK_LOAN_AMOUNT_MAX;
	{
		struct nk_loan_value v;

		assert_int_equal(nk_loan_value(&l, 0.1, &v, NULL), NK_OK);
	}

	assert_int_equal(nk_repayment_parse("bullet", NULL, &r, NULL), NK_OK);
	assert_int_equal(r, NK_REPAY_BULLET);
	assert_int_equal(nk_repayment_parse("balloon", "--repayment", &r, &err), NK_EINVAL);
	assert_string_equal(err.field, "--repayment");
	assert_int_equal(r, NK_REPAY_BULLET);
	assert_string_equal(nk_repayment_name(NK_REPAY_EQUAL_PRINCIPAL), "equal-principal");

	assert_int_equal(nk_loan_periods(7.5, 2, "grace", &periods, NULL), NK_OK);
	assert_int_equal(periods, 15);
	assert_int_equal(nk_loan_periods(0.25, 12, "grace", &periods, NULL), NK_OK);
	assert_int_equal(periods, 3);
	periods = 5;
	assert_int_equal(nk_loan_periods(20.3, 2, "maturity", &periods, &err), NK_EINVAL);
	assert_string_equal(err.field, "maturity");
	assert_int_equal(nk_loan_periods(0.1, 12, "maturity", &periods, NULL), NK_EINVAL);
	assert_int_equal(nk_loan_periods(-1, 2, "maturity", &periods, NULL), NK_EINVAL);
	assert_int_equal(nk_loan_periods(101, 2, "maturity", &periods, NULL), NK_EINVAL);
	assert_int_equal(nk_loan_periods(NAN, 2, "maturity", &periods, NULL), NK_EINVAL);
	assert_int_equal(nk_loan_periods(10, 7, "maturity", &periods, &err), NK_EINVAL);
	assert_string_equal(err.field, "per_year");
	assert_int_equal(periods, 5);
}

static void bad_schedules(void **state)
{
	struct nk_loan loan = { .amount = 1000, .terms = loan_1962 };
	struct nk_error err = { 0 };
	size_t n = 0;
	int64_t out = 77;

	(void)state;
	assert_int_equal(nk_loan_schedule(&loan, rows, NK_LOAN_PERIODS_MAX, &n, NULL), NK_OK);
	/* The subsidy form needs the rows to add up from the face value. */
	assert_int_equal(nk_schedule_grant_equivalent(999, rows, n, 2, 0.1,
		(struct nk_rounding){ .step = 1 }, &out, &err), NK_EINVAL);
	assert_string_equal(err.field, "schedule");
	assert_int_equal(nk_schedule_grant_equivalent(1000, rows, n - 1, 2, 0.1,
		(struct nk_rounding){ .step = 1 }, &out, &err), NK_EINVAL);
	assert_int_equal(nk_schedule_grant_equivalent(1000, rows, n, 2, 0.1,
		(struct nk_rounding){ .step = 0 }, &out, &err), NK_EINVAL);
	assert_string_equal(err.field, "rounding");
	rows[3].period = 3;
	assert_int_equal(nk_schedule_present_value(rows, n, 2, 0.1,
		(struct nk_rounding){ .step = 1 }, &out, &err), NK_EINVAL);
	rows[3].period = 4;
	rows[5].interest = -1;
	assert_int_equal(nk_schedule_present_value(rows, n, 2, 0.1,
		(struct nk_rounding){ .step = 1 }, &out, &err), NK_EINVAL);
	assert_int_equal(nk_schedule_present_value(rows, NK_LOAN_PERIODS_MAX + 1, 2, 0.1,
		(struct nk_rounding){ .step = 1 }, &out, &err), NK_EINVAL);
	assert_int_equal(out, 77);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loan_1962_grant_element),
		cmocka_unit_test(ec_state_aid_vector),
		cmocka_unit_test(closed_form_equals_sum),
		cmocka_unit_test(zero_rate_is_discount_effect_alone),
		cmocka_unit_test(rate_at_discount_gives_nothing),
		cmocka_unit_test(bullet_annuity_equal_principal_order),
		cmocka_unit_test(other_limits),
		cmocka_unit_test(concessionality_tests),
		cmocka_unit_test(schedules_in_money),
		cmocka_unit_test(instalments),
		cmocka_unit_test(rounding),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(bad_schedules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
