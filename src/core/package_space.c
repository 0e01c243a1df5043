/* The package space: where the claimant's and the payer's tables meet, component by
 * component (the multiples of both steps inside both ranges), and the labels both list.
 * Pure: no I/O, no allocation. */
#include "package_impl.h"

#include <stdio.h>
#include <string.h>

static int64_t gcd64(int64_t a, int64_t b)
{
	while (b) {
		int64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* The common multiple of two positive steps, or 0 when it passes limit. */
static int64_t lcm_within(int64_t a, int64_t b, int64_t limit)
{
	int64_t q = a / gcd64(a, b);

	return q > limit / b ? 0 : q * b;
}

/* Intersects [lo1, hi1] on step s1 with [lo2, hi2] on step s2: the multiples of lcm
 * inside both. *n = 0 when they do not meet. */
static void meet(int64_t lo1, int64_t hi1, int64_t s1, int64_t lo2, int64_t hi2, int64_t s2,
		 int64_t limit, int64_t *lo, int64_t *step, size_t *n)
{
	int64_t l = lcm_within(s1, s2, limit), a = lo1 > lo2 ? lo1 : lo2, b = hi1 < hi2 ? hi1 : hi2;

	*n = 0;
	*step = l ? l : 1;
	*lo = 0;
	if (!l || a > b)
		return;
	a = (a + l - 1) / l * l;	/* bounds are >= 0 */
	b = b / l * l;
	if (a > b)
		return;
	*lo = a;
	*n = (size_t)((b - a) / l) + 1;
}

static void meet_term(const struct nk_term_range *x, const struct nk_term_range *y,
		      struct nk_term_range *out, size_t *n)
{
	int64_t lo, step;

	meet(x->min, x->max, x->step, y->min, y->max, y->step, NK_BP_ONE * 1000, &lo, &step, n);
	out->min = (int)lo;
	out->step = (int)step;
	out->max = *n ? (int)(lo + (int64_t)(*n - 1) * step) : (int)lo;
}

/* The table a side that does not offer component c stands for: amount 0 only. */
static const struct nk_component_table *table_or_none(const struct nk_component_table *t,
						      struct nk_component_table *none)
{
	if (t->offered)
		return t;
	memset(none, 0, sizeof(*none));
	none->amount.step = 1;
	return none;
}

/* A grid whose only amount is 0: one set of terms, any valid one. */
static void zero_grid(struct nk_package_grid *g)
{
	memset(g, 0, sizeof(*g));
	g->namounts = 1;
	g->step = 1;
	g->years = 1;
	g->per_year = 1;
	g->rate.step = g->grace.step = g->maturity.step = 1;
	g->maturity.min = g->maturity.max = 1;
	g->nrates = g->ngraces = g->nmaturities = 1;
	g->repayment = NK_REPAY_EQUAL_PRINCIPAL;
}

/* Where both offer, they must describe the same grant or loan. */
static enum nk_status same_shape(const struct nk_component_table *x, const struct nk_component_table *y,
				 enum nk_component c, struct nk_error *err)
{
	char field[NK_ERROR_FIELD_MAX];

	if (!x->offered || !y->offered || c == NK_CLAIMS)
		return NK_OK;
	if (x->per_year != y->per_year) {
		snprintf(field, sizeof(field), "%s.per_year", nk_component_name(c));
		return nk_fail(err, NK_EINVAL, field, "the two valuations differ (%d and %d a year)",
			       x->per_year, y->per_year);
	}
	if (c == NK_GRANT && x->years != y->years)
		return nk_fail(err, NK_EINVAL, "grant.years", "the two valuations spread the grant "
			       "differently (%d and %d years)", x->years, y->years);
	if (package_is_loan(c) && x->repayment != y->repayment) {
		snprintf(field, sizeof(field), "%s.repayment", nk_component_name(c));
		return nk_fail(err, NK_EINVAL, field, "the two valuations differ (%s and %s)",
			       nk_repayment_name(x->repayment), nk_repayment_name(y->repayment));
	}
	return NK_OK;
}

/* Fills grid g of component c from two tables; returns the name of what blocks, or NULL. */
static const char *meet_component(const struct nk_component_table *x, const struct nk_component_table *y,
				  enum nk_component c, struct nk_package_grid *g)
{
	static const char *const blocks[NK_COMPONENTS][4] = {
		[NK_CLAIMS] = { "claims" },
		[NK_GRANT] = { "grant" },
		[NK_LOAN] = { "loan", "loan.rate", "loan.grace", "loan.maturity" },
		[NK_CREDITS] = { "credits", "credits.rate", "credits.grace", "credits.maturity" },
	};
	const struct nk_component_table *shape = x->offered ? x : y;

	zero_grid(g);
	meet(x->amount.min, x->amount.max, x->amount.step, y->amount.min, y->amount.max,
	     y->amount.step, NK_LOAN_AMOUNT_MAX, &g->lo, &g->step, &g->namounts);
	if (!g->namounts)
		return blocks[c][0];
	if (g->namounts == 1 && g->lo == 0) {	/* nothing of it: terms do not matter */
		g->step = 1;
		return NULL;
	}
	g->per_year = shape->per_year;
	g->years = shape->years;
	if (!package_is_loan(c))
		return NULL;
	g->repayment = shape->repayment;
	meet_term(&x->rate, &y->rate, &g->rate, &g->nrates);
	meet_term(&x->maturity, &y->maturity, &g->maturity, &g->nmaturities);
	if (g->repayment == NK_REPAY_BULLET) {
		g->grace = (struct nk_term_range){ 0, 0, 1 };
		g->ngraces = 1;
	} else {
		meet_term(&x->grace, &y->grace, &g->grace, &g->ngraces);
	}
	if (!g->nrates)
		return blocks[c][1];
	if (!g->ngraces)
		return blocks[c][2];
	if (!g->nmaturities)
		return blocks[c][3];
	return NULL;
}

static void meet_labels(const struct nk_package_valuation *claimant,
			const struct nk_package_valuation *payer, struct nk_package_space *s)
{
	const struct nk_package_valuation *first = claimant->nlabels ? claimant : payer;
	const struct nk_package_valuation *other = first == claimant ? payer : claimant;

	s->nlabels = 0;
	for (size_t l = 0; l < first->nlabels; l++) {
		bool common = !other->nlabels;

		for (size_t k = 0; k < other->nlabels && !common; k++)
			common = !strcmp(first->labels[l].name, other->labels[k].name);
		if (common)
			memcpy(s->labels[s->nlabels++], first->labels[l].name, NK_NAME_MAX + 1);
	}
	if (first->nlabels && !s->nlabels && !s->blocking)
		s->blocking = "labels";
}

enum nk_status nk_package_space_build(const struct nk_package_valuation *a,
				      const struct nk_package_valuation *b,
				      struct nk_package_space *out, struct nk_error *err)
{
	const struct nk_package_valuation *claimant, *payer;
	struct nk_package_space s;
	enum nk_status rc;

	if ((rc = nk_package_valuation_check(a, err)) != NK_OK ||
	    (rc = nk_package_valuation_check(b, err)) != NK_OK)
		return rc;
	if (a->role == b->role)
		return nk_fail(err, NK_EINVAL, "role", "both valuations are the %s's; one claimant "
			       "and one payer are needed", nk_role_name(a->role));
	if (strcmp(a->currency, b->currency))
		return nk_fail(err, NK_EINVAL, "currency", "the two valuations are in different "
			       "currencies (%s and %s)", a->currency, b->currency);
	claimant = a->role == NK_CLAIMANT ? a : b;
	payer = a->role == NK_CLAIMANT ? b : a;
	memset(&s, 0, sizeof(s));
	memcpy(s.currency, a->currency, sizeof(s.currency));
	s.packages = 1;
	for (size_t c = 0; c < NK_COMPONENTS; c++) {
		struct nk_component_table n1, n2;
		const struct nk_component_table *x = table_or_none(&claimant->table[c], &n1);
		const struct nk_component_table *y = table_or_none(&payer->table[c], &n2);
		struct nk_package_grid *g = &s.grid[c];
		const char *block;
		double terms;

		if ((rc = same_shape(x, y, (enum nk_component)c, err)) != NK_OK)
			return rc;
		block = meet_component(x, y, (enum nk_component)c, g);
		if (block && !s.blocking)
			s.blocking = block;
		terms = (double)g->nrates * (double)g->ngraces * (double)g->nmaturities;
		s.packages *= g->lo == 0 ? (double)(g->namounts - (g->namounts > 0)) * terms + 1
					 : (double)g->namounts * terms;
	}
	meet_labels(claimant, payer, &s);
	s.packages *= s.nlabels ? (double)s.nlabels : 1;
	s.empty = s.blocking != NULL;
	if (s.empty)
		s.packages = 0;
	*out = s;
	return NK_OK;
}

bool nk_package_terms_valid(const struct nk_package_grid *g, size_t rate, size_t grace,
			    size_t maturity)
{
	struct nk_loan_terms t;

	if (rate >= g->nrates || grace >= g->ngraces || maturity >= g->nmaturities)
		return false;
	package_grid_terms(g, rate, grace, maturity, &t);
	return t.grace <= t.maturity;
}

void nk_package_at(const struct nk_package_space *s, const struct nk_package_index *at,
		   struct nk_package *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t c = 0; c < NK_COMPONENTS; c++) {
		const struct nk_package_grid *g = &s->grid[c];

		out->amount[c] = g->lo + (int64_t)at->amount[c] * g->step;
		if (c == NK_GRANT) {
			out->grant_years = g->years;
			out->grant_per_year = g->per_year;
		}
		if (package_is_loan((enum nk_component)c))
			package_grid_terms(g, at->rate[c], at->grace[c], at->maturity[c], &out->terms[c]);
	}
	if (s->nlabels)
		memcpy(out->label, s->labels[at->label], NK_NAME_MAX + 1);
}
