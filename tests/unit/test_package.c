/* Unit tests for core/package: a side's value of a package against core/finance, the
 * package space, the search against brute-force enumeration of the grid on random small
 * cases (every solution point), acceptability, mirror symmetry, and bad input. */
#include <nakodo/package.h>

#include "package_gen.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define RANDOM_CASES 3000

static void loan_table(struct nk_component_table *t, int64_t lo, int64_t hi, int64_t step)
{
	t->offered = true;
	t->amount = (struct nk_amount_range){ lo, hi, step };
	t->per_year = 2;
	t->rate = (struct nk_term_range){ 300, 350, 25 };
	t->grace = (struct nk_term_range){ 10, 14, 2 };
	t->maturity = (struct nk_term_range){ 40, 60, 10 };
	t->repayment = NK_REPAY_EQUAL_PRINCIPAL;
}

/* The Kim-Ohira memorandum: grants 300 over 10 years, loans 200 at 3.5%, 7-year grace,
 * 20 years, semi-annual equal principal. */
static void memorandum(struct nk_package *p)
{
	memset(p, 0, sizeof(*p));
	p->amount[NK_GRANT] = 300 * M;
	p->grant_years = 10;
	p->grant_per_year = 1;
	p->amount[NK_LOAN] = 200 * M;
	p->terms[NK_LOAN] = (struct nk_loan_terms){ .rate = 0.035, .per_year = 2, .maturity = 40,
						    .grace = 14, .repayment = NK_REPAY_EQUAL_PRINCIPAL };
}

static void test_value_matches_finance(void **state)
{
	struct nk_package_valuation korea;
	struct nk_package p;
	struct nk_package_worth w;
	double f, ge;

	(void)state;
	base(&korea, "Korea", NK_CLAIMANT, 0.10);
	memorandum(&p);
	assert_int_equal(nk_package_value(&korea, &p, &w, NULL), NK_OK);
	assert_int_equal(nk_instalments_pv_factor(10, 0, 1, 0.10, &f, NULL), NK_OK);
	assert_int_equal(w.part[NK_GRANT], llround(300.0 * (double)M * f));
	assert_int_equal(nk_loan_grant_element(&p.terms[NK_LOAN], 0.10, &ge, NULL), NK_OK);
	assert_true(fabs(ge - 0.4518) < 0.00005);
	assert_int_equal(w.part[NK_LOAN], llround(200.0 * (double)M * ge));
	assert_int_equal(w.total, w.part[NK_GRANT] + w.part[NK_LOAN]);
	/* A label the side does not list is worth nothing to it; one it lists, its worth. */
	snprintf(p.label, sizeof(p.label), "claims");
	assert_int_equal(nk_package_value(&korea, &p, &w, NULL), NK_OK);
	assert_int_equal(w.label, 0);
	korea.nlabels = 1;
	snprintf(korea.labels[0].name, sizeof(korea.labels[0].name), "claims");
	korea.labels[0].worth = 20 * M;
	assert_int_equal(nk_package_value(&korea, &p, &w, NULL), NK_OK);
	assert_int_equal(w.label, 20 * M);
	assert_int_equal(w.total, w.part[NK_GRANT] + w.part[NK_LOAN] + 20 * M);
	/* Cash now is worth its face to anyone. */
	memset(&p, 0, sizeof(p));
	p.amount[NK_CLAIMS] = 123456789;
	assert_int_equal(nk_package_value(&korea, &p, &w, NULL), NK_OK);
	assert_int_equal(w.total, 123456789);
}

static void test_space_meets_on_both_grids(void **state)
{
	struct nk_package_valuation c, p;
	struct nk_package_space s;

	(void)state;
	base(&c, "A", NK_CLAIMANT, 0.1);
	base(&p, "B", NK_PAYER, 0.05);
	c.table[NK_GRANT] = (struct nk_component_table){ .offered = true, .amount = { 0, 60 * M, 4 * M },
							 .years = 5, .per_year = 1 };
	p.table[NK_GRANT] = (struct nk_component_table){ .offered = true, .amount = { 6 * M, 90 * M, 6 * M },
							 .years = 5, .per_year = 1 };
	assert_int_equal(nk_package_space_build(&c, &p, &s, NULL), NK_OK);
	assert_false(s.empty);
	/* multiples of 12 inside [6, 60]: 12, 24, 36, 48, 60 */
	assert_int_equal(s.grid[NK_GRANT].namounts, 5);
	assert_int_equal(s.grid[NK_GRANT].lo, 12 * M);
	assert_int_equal(s.grid[NK_GRANT].step, 12 * M);
	/* components neither offers are fixed at 0 */
	assert_int_equal(s.grid[NK_LOAN].namounts, 1);
	assert_int_equal(s.grid[NK_LOAN].lo, 0);
	assert_true(s.packages == 5);
	/* ranges that do not meet block the space, naming the part */
	p.table[NK_GRANT].amount = (struct nk_amount_range){ 66 * M, 90 * M, 6 * M };
	assert_int_equal(nk_package_space_build(&c, &p, &s, NULL), NK_OK);
	assert_true(s.empty);
	assert_string_equal(s.blocking, "grant");
	/* a part the claimant insists on and the payer does not offer */
	p.table[NK_GRANT].amount = (struct nk_amount_range){ 6 * M, 90 * M, 6 * M };
	c.table[NK_CLAIMS] = (struct nk_component_table){ .offered = true, .amount = { M, 5 * M, M } };
	assert_int_equal(nk_package_space_build(&c, &p, &s, NULL), NK_OK);
	assert_string_equal(s.blocking, "claims");
	c.table[NK_CLAIMS].amount.min = 0;
	/* no common label */
	c.nlabels = p.nlabels = 1;
	snprintf(c.labels[0].name, sizeof(c.labels[0].name), "claims");
	snprintf(p.labels[0].name, sizeof(p.labels[0].name), "economic cooperation");
	assert_int_equal(nk_package_space_build(&c, &p, &s, NULL), NK_OK);
	assert_string_equal(s.blocking, "labels");
	/* a side without labels accepts the other's */
	p.nlabels = 0;
	assert_int_equal(nk_package_space_build(&c, &p, &s, NULL), NK_OK);
	assert_false(s.empty);
	assert_int_equal(s.nlabels, 1);
	/* loans: terms meet on both grids */
	loan_table(&c.table[NK_LOAN], 0, 10 * M, 5 * M);
	loan_table(&p.table[NK_LOAN], 0, 10 * M, 2 * M);
	p.table[NK_LOAN].rate = (struct nk_term_range){ 325, 400, 25 };
	assert_int_equal(nk_package_space_build(&c, &p, &s, NULL), NK_OK);
	assert_int_equal(s.grid[NK_LOAN].namounts, 2);	/* 0 and 10 */
	assert_int_equal(s.grid[NK_LOAN].nrates, 2);	/* 3.25, 3.5 */
	assert_int_equal(s.grid[NK_LOAN].ngraces, 3);
	assert_int_equal(s.grid[NK_LOAN].nmaturities, 3);
}

/* ---- brute force ---------------------------------------------------------------------- */

struct brute {
	int64_t value[2];		/* by role */
	struct nk_package package;
};

static int64_t gain_of(const struct nk_package_valuation *c, const struct nk_package_valuation *p,
		       const struct brute *b, int role)
{
	return role == NK_CLAIMANT ? b->value[0] - c->reservation : p->reservation - b->value[1];
}

/* An independent reading of the four solution points over a set of gains: >0 if a wins. */
static int better(enum nk_solution sol, const int64_t *a, const int64_t *b, const int64_t *best)
{
	long double x, y, lo_a, hi_a, lo_b, hi_b;

	switch (sol) {
	case NK_NASH: {
		__int128 pa = (__int128)a[0] * a[1], pb = (__int128)b[0] * b[1];

		return pa > pb ? 1 : pa < pb ? -1 : 0;
	}
	case NK_UTILITARIAN:
		return a[0] + a[1] > b[0] + b[1] ? 1 : a[0] + a[1] < b[0] + b[1] ? -1 : 0;
	case NK_EGALITARIAN:
		lo_a = a[0] < a[1] ? a[0] : a[1];
		lo_b = b[0] < b[1] ? b[0] : b[1];
		hi_a = a[0] < a[1] ? a[1] : a[0];
		hi_b = b[0] < b[1] ? b[1] : b[0];
		break;
	default: {
		/* Cross-multiplied exactly: a0/B0 against a1/B1 without division. */
		__int128 ra[2], rb[2], den[2];

		for (int k = 0; k < 2; k++) {
			den[k] = best[k] ? best[k] : 1;
			ra[k] = best[k] ? a[k] : 1;
			rb[k] = best[k] ? b[k] : 1;
		}
		/* compare the smaller ratio of each, then the larger, on the common denominator */
		{
			__int128 a0 = ra[0] * den[1], a1 = ra[1] * den[0];
			__int128 b0 = rb[0] * den[1], b1 = rb[1] * den[0];
			__int128 la = a0 < a1 ? a0 : a1, ha = a0 < a1 ? a1 : a0;
			__int128 lb = b0 < b1 ? b0 : b1, hb = b0 < b1 ? b1 : b0;

			if (la != lb)
				return la > lb ? 1 : -1;
			return ha > hb ? 1 : ha < hb ? -1 : 0;
		}
	}
	}
	x = lo_a;
	y = lo_b;
	if (x != y)
		return x > y ? 1 : -1;
	return hi_a > hi_b ? 1 : hi_a < hi_b ? -1 : 0;
}

/* Every package of the grid valued by both sides, and which are Pareto-optimal: no
 * package with value >= and cost <=, one strictly; of equal ones the first. */
struct grid_values {
	size_t n;
	struct brute *b;
	bool *pareto;
};

static void grid_values(const struct nk_package_valuation *c, const struct nk_package_valuation *p,
			const struct nk_package_space *sp, struct grid_values *g)
{
	size_t cap = 4096;
	struct nk_package *all = malloc(cap * sizeof(*all));

	assert_non_null(all);
	g->n = enumerate(sp, all, cap);
	g->b = malloc(g->n * sizeof(*g->b));
	g->pareto = calloc(g->n, sizeof(*g->pareto));
	assert_non_null(g->b);
	assert_non_null(g->pareto);
	for (size_t i = 0; i < g->n; i++) {
		struct nk_package_worth wc, wp;

		assert_int_equal(nk_package_value(c, &all[i], &wc, NULL), NK_OK);
		assert_int_equal(nk_package_value(p, &all[i], &wp, NULL), NK_OK);
		g->b[i].value[0] = wc.total;
		g->b[i].value[1] = wp.total;
		g->b[i].package = all[i];
	}
	for (size_t i = 0; i < g->n; i++) {
		bool dominated = false;

		for (size_t j = 0; j < g->n && !dominated; j++) {
			const struct brute *x = &g->b[j], *y = &g->b[i];
			bool ge = x->value[0] >= y->value[0] && x->value[1] <= y->value[1];
			bool strict = x->value[0] > y->value[0] || x->value[1] < y->value[1];

			dominated = ge && (strict || j < i);
		}
		g->pareto[i] = !dominated;
	}
	free(all);
}

static void brute_force(const struct nk_package_valuation *c, const struct nk_package_valuation *p,
			const struct grid_values *g, enum nk_solution sol, struct nk_package_result *out)
{
	int64_t best[2] = { 0, 0 };
	long chosen = -1;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < g->n; i++) {
		if (!g->pareto[i])
			continue;
		out->frontier++;
		if (gain_of(c, p, &g->b[i], 0) < 0 || gain_of(c, p, &g->b[i], 1) < 0)
			continue;
		out->acceptable++;
		for (int k = 0; k < 2; k++)
			if (gain_of(c, p, &g->b[i], k) > best[k])
				best[k] = gain_of(c, p, &g->b[i], k);
	}
	for (size_t i = 0; i < g->n; i++) {
		int64_t x[2] = { gain_of(c, p, &g->b[i], 0), gain_of(c, p, &g->b[i], 1) }, h[2] = { 0, 0 };

		if (!g->pareto[i] || x[0] < 0 || x[1] < 0)
			continue;
		if (chosen >= 0) {
			h[0] = gain_of(c, p, &g->b[chosen], 0);
			h[1] = gain_of(c, p, &g->b[chosen], 1);
		}
		if (chosen < 0 || better(sol, x, h, best) > 0)	/* ties keep the earlier */
			chosen = (long)i;
	}
	if (chosen >= 0) {
		out->found = true;
		out->package = g->b[chosen].package;
		out->value[0] = g->b[chosen].value[0];
		out->value[1] = g->b[chosen].value[1];
	}
}

static void test_search_equals_brute_force(void **state)
{
	uint64_t seed = 1962;
	size_t found = 0, compared = 0, packages = 0, skipped = 0, large = 0;

	(void)state;
	for (int i = 0; i < RANDOM_CASES; i++) {
		struct nk_package_valuation c, p;
		struct nk_package_space sp;
		struct grid_values g;

		struct nk_error e = { 0 };

		random_case(&seed, &c, &p);
		if (nk_package_valuation_check(&c, &e) || nk_package_valuation_check(&p, &e) ||
		    nk_package_space_build(&c, &p, &sp, &e))
			fail_msg("case %d: %s: %s", i, e.field, e.text);
		if (sp.empty || sp.packages > 3000) {
			skipped++;
			large += !sp.empty;
			if (getenv("NK_BLOCKING"))
				print_message("# blocked %s (%g)\n", sp.blocking ? sp.blocking : "-", sp.packages);
			continue;
		}
		grid_values(&c, &p, &sp, &g);
		packages += g.n;
		for (int sol = 0; sol < NK_SOLUTIONS; sol++) {
			struct nk_package_result r, rr, bf;
			struct nk_package_worth wc, wp;
			struct nk_error err;

			assert_int_equal(nk_package_propose(&c, &p, (enum nk_solution)sol, &r, &err), NK_OK);
			brute_force(&c, &p, &g, (enum nk_solution)sol, &bf);
			compared++;
			assert_int_equal(r.found, bf.found);
			assert_int_equal(r.frontier, bf.frontier);
			assert_int_equal(r.acceptable, bf.acceptable);
			/* swapping the parties' positions mirrors the outcome */
			assert_int_equal(nk_package_propose(&p, &c, (enum nk_solution)sol, &rr, NULL), NK_OK);
			assert_int_equal(rr.found, r.found);
			if (!r.found)
				continue;
			found++;
			assert_true(same_package(&r.package, &bf.package));
			assert_int_equal(r.value[0], bf.value[0]);
			assert_int_equal(r.value[1], bf.value[1]);
			assert_true(same_package(&rr.package, &r.package));
			assert_int_equal(rr.value[0], r.value[0]);
			assert_int_equal(rr.value[1], r.value[1]);
			/* always acceptable to both, by their own arithmetic */
			assert_int_equal(nk_package_value(&c, &r.package, &wc, NULL), NK_OK);
			assert_int_equal(nk_package_value(&p, &r.package, &wp, NULL), NK_OK);
			assert_true(wc.acceptable && wp.acceptable);
			assert_int_equal(wc.total, r.value[NK_CLAIMANT]);
			assert_int_equal(wp.total, r.value[NK_PAYER]);
			assert_int_equal(r.gain[NK_CLAIMANT], wc.total - c.reservation);
			assert_int_equal(r.gain[NK_PAYER], p.reservation - wp.total);
		}
		free(g.b);
		free(g.pareto);
	}
	print_message("# %zu searches compared with enumeration (%zu grid packages valued), "
		      "%zu with a proposal; %zu cases skipped (%zu over 3000 packages)\n", compared,
		      packages, found, skipped, large);
	assert_true(compared > 2000);
	assert_true(found > 1000);
}

static void expect_refusal(const struct nk_package_valuation *v, const char *field)
{
	struct nk_error err = { 0 };

	assert_int_equal(nk_package_valuation_check(v, &err), NK_EINVAL);
	assert_string_equal(err.field, field);
}

static void test_bad_input(void **state)
{
	struct nk_package_valuation good, v, other;
	struct nk_package_space s, untouched;
	struct nk_package_result r;
	struct nk_error err = { 0 };

	(void)state;
	base(&good, "Korea", NK_CLAIMANT, 0.1);
	loan_table(&good.table[NK_LOAN], 0, 10 * M, M);
	good.table[NK_GRANT] = (struct nk_component_table){ .offered = true, .amount = { 0, 10 * M, M },
							    .years = 10, .per_year = 1 };
	assert_int_equal(nk_package_valuation_check(&good, NULL), NK_OK);
	v = good; v.discount = -0.01; expect_refusal(&v, "discount");
	v = good; v.discount = 2; expect_refusal(&v, "discount");
	v = good; v.discount = NAN; expect_refusal(&v, "discount");
	v = good; v.table[NK_LOAN].rate.max = 20000; expect_refusal(&v, "loan.rate");
	v = good; v.table[NK_LOAN].rate.min = -25; expect_refusal(&v, "loan.rate");
	v = good; v.table[NK_LOAN].maturity = (struct nk_term_range){ 10, 10, 1 };
	expect_refusal(&v, "loan.maturity");	/* shorter than the grace period */
	v = good; v.table[NK_GRANT].amount.step = 3 * M; expect_refusal(&v, "grant.amount");
	v = good; v.table[NK_GRANT].amount.step = 0; expect_refusal(&v, "grant.amount");
	v = good; v.table[NK_LOAN].rate.step = 30; expect_refusal(&v, "loan.rate");
	v = good; v.table[NK_GRANT].years = 0; expect_refusal(&v, "grant.years");
	v = good; v.table[NK_LOAN].per_year = 5; expect_refusal(&v, "loan.per_year");
	v = good; v.reservation = -1; expect_refusal(&v, "reservation");
	v = good; v.party[0] = 0; expect_refusal(&v, "party");
	v = good; v.role = NK_MEDIATOR; expect_refusal(&v, "role");
	v = good; memcpy(v.currency, "XXX", 4); expect_refusal(&v, "currency");
	v = good; v.nlabels = 2;
	snprintf(v.labels[0].name, NK_NAME_MAX, "claims");
	snprintf(v.labels[1].name, NK_NAME_MAX, "claims");
	expect_refusal(&v, "labels");
	/* Combining: different currencies, two claimants, different loan shapes. */
	other = good;
	other.role = NK_PAYER;
	memcpy(other.currency, "EUR", 4);
	memset(&s, 0x5a, sizeof(s));
	untouched = s;
	assert_int_equal(nk_package_space_build(&good, &other, &s, &err), NK_EINVAL);
	assert_string_equal(err.field, "currency");
	assert_memory_equal(&s, &untouched, sizeof(s));
	assert_int_equal(nk_package_propose(&good, &good, NK_NASH, &r, &err), NK_EINVAL);
	assert_string_equal(err.field, "role");
	other = good;
	other.role = NK_PAYER;
	other.table[NK_LOAN].per_year = 4;
	other.table[NK_LOAN].grace = (struct nk_term_range){ 20, 28, 4 };
	other.table[NK_LOAN].maturity = (struct nk_term_range){ 80, 120, 20 };
	assert_int_equal(nk_package_space_build(&good, &other, &s, &err), NK_EINVAL);
	assert_string_equal(err.field, "loan.per_year");
	other.table[NK_LOAN] = good.table[NK_LOAN];
	other.table[NK_LOAN].repayment = NK_REPAY_ANNUITY;
	assert_int_equal(nk_package_space_build(&good, &other, &s, &err), NK_EINVAL);
	assert_string_equal(err.field, "loan.repayment");
	other.table[NK_LOAN] = good.table[NK_LOAN];
	other.table[NK_GRANT].years = 5;
	assert_int_equal(nk_package_space_build(&good, &other, &s, &err), NK_EINVAL);
	assert_string_equal(err.field, "grant.years");
	/* A grid too fine for one issue: refused, naming the part. */
	other = good;
	other.role = NK_PAYER;
	other.table[NK_GRANT].amount = (struct nk_amount_range){ 0, 2000, 1 };
	v = good;
	v.table[NK_GRANT].amount = (struct nk_amount_range){ 0, 2000, 1 };
	assert_int_equal(nk_package_propose(&v, &other, NK_NASH, &r, &err), NK_ERANGE);
	assert_string_equal(err.field, "grant");
	assert_int_equal(nk_solution_parse("median", &(enum nk_solution){ 0 }, &err), NK_EINVAL);
	assert_string_equal(err.field, "solution");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_matches_finance),
		cmocka_unit_test(test_space_meets_on_both_grids),
		cmocka_unit_test(test_search_equals_brute_force),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
