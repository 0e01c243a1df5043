/* Package valuations: their checks, what a package is worth to a side in its own
 * arithmetic, and the package space where two sides' tables meet. Pure: no I/O, no
 * allocation, no global state. See doc/package.md. */
#include "package_impl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const component_names[NK_COMPONENTS] = {
	[NK_CLAIMS] = "claims",
	[NK_GRANT] = "grant",
	[NK_LOAN] = "loan",
	[NK_CREDITS] = "credits",
};

const char *nk_component_name(enum nk_component component)
{
	return (size_t)component < NK_COMPONENTS ? component_names[component] : "unknown";
}

enum nk_status nk_solution_parse(const char *name, enum nk_solution *out, struct nk_error *err)
{
	for (size_t s = 0; s < NK_SOLUTIONS; s++) {
		if (name && !strcmp(name, nk_solution_name((enum nk_solution)s))) {
			*out = (enum nk_solution)s;
			return NK_OK;
		}
	}
	return nk_fail(err, NK_EINVAL, "solution",
		       "\"%.32s\" is not one of nash, kalai_smorodinsky, egalitarian, utilitarian",
		       name ? name : "");
}

static bool per_year_ok(int n)
{
	return n == 1 || n == 2 || n == 3 || n == 4 || n == 6 || n == 12;
}

static enum nk_status check_amounts(const struct nk_amount_range *r, const char *comp,
				    struct nk_error *err)
{
	char field[NK_ERROR_FIELD_MAX];

	snprintf(field, sizeof(field), "%s.amount", comp);
	if (r->step < 1 || r->step > NK_LOAN_AMOUNT_MAX)
		return nk_fail(err, NK_EINVAL, field, "the step must be a positive amount up to the "
			       "largest loan nakodo values");
	if (r->min < 0 || r->max < r->min || r->max > NK_LOAN_AMOUNT_MAX)
		return nk_fail(err, NK_EINVAL, field, "needs 0 <= min <= max <= %lld minor units",
			       (long long)NK_LOAN_AMOUNT_MAX);
	if (r->min % r->step || r->max % r->step)
		return nk_fail(err, NK_EINVAL, field, "min and max must be multiples of the step");
	return NK_OK;
}

/* One loan term's range: lo..hi are its absolute limits. */
static enum nk_status check_term(const struct nk_term_range *r, int lo, int hi, const char *comp,
				 const char *term, struct nk_error *err)
{
	char field[NK_ERROR_FIELD_MAX];

	snprintf(field, sizeof(field), "%s.%s", comp, term);
	if (r->step < 1)
		return nk_fail(err, NK_EINVAL, field, "the step must be positive");
	if (r->min < lo || r->max < r->min || r->max > hi)
		return nk_fail(err, NK_EINVAL, field, "needs %d <= min <= max <= %d (%s)", lo, hi,
			       !strcmp(term, "rate") ? "basis points" : "periods");
	if (r->min % r->step || r->max % r->step)
		return nk_fail(err, NK_EINVAL, field, "min and max must be multiples of the step");
	return NK_OK;
}

static enum nk_status check_table(const struct nk_component_table *t, enum nk_component c,
				  struct nk_error *err)
{
	const char *comp = component_names[c];
	char field[NK_ERROR_FIELD_MAX];
	enum nk_status rc;

	if (!t->offered)
		return NK_OK;
	if ((rc = check_amounts(&t->amount, comp, err)) != NK_OK)
		return rc;
	if (c == NK_CLAIMS)
		return NK_OK;
	snprintf(field, sizeof(field), "%s.per_year", comp);
	if (!per_year_ok(t->per_year))
		return nk_fail(err, NK_EINVAL, field, "%d payments a year is not one of 1, 2, 3, 4, 6, 12",
			       t->per_year);
	if (c == NK_GRANT) {
		snprintf(field, sizeof(field), "%s.years", comp);
		if (t->years < 1 || t->years > NK_LOAN_YEARS_MAX)
			return nk_fail(err, NK_EINVAL, field, "a grant is spread over 1 to %d years",
				       NK_LOAN_YEARS_MAX);
		return NK_OK;
	}
	snprintf(field, sizeof(field), "%s.repayment", comp);
	if (t->repayment != NK_REPAY_EQUAL_PRINCIPAL && t->repayment != NK_REPAY_ANNUITY &&
	    t->repayment != NK_REPAY_BULLET)
		return nk_fail(err, NK_EINVAL, field, "not a repayment method");
	if ((rc = check_term(&t->rate, 0, NK_BP_ONE, comp, "rate", err)) != NK_OK ||
	    (rc = check_term(&t->maturity, 1, NK_LOAN_YEARS_MAX * t->per_year, comp, "maturity",
			     err)) != NK_OK)
		return rc;
	if (t->repayment == NK_REPAY_BULLET)
		return NK_OK;
	if ((rc = check_term(&t->grace, 0, NK_LOAN_YEARS_MAX * t->per_year, comp, "grace", err)) != NK_OK)
		return rc;
	snprintf(field, sizeof(field), "%s.maturity", comp);
	if (t->grace.max > t->maturity.min)
		return nk_fail(err, NK_EINVAL, field, "%g years is shorter than the grace period (%g years)",
			       (double)t->maturity.min / t->per_year, (double)t->grace.max / t->per_year);
	return NK_OK;
}

static bool name_ok(const char *name, size_t cap)
{
	size_t n = strnlen(name, cap);

	return n > 0 && n < cap;
}

enum nk_status nk_package_valuation_check(const struct nk_package_valuation *v, struct nk_error *err)
{
	enum nk_status rc;

	if (!name_ok(v->party, sizeof(v->party)))
		return nk_fail(err, NK_EINVAL, "party", "a name of 1 to %d bytes is needed", NK_NAME_MAX);
	if (v->role != NK_CLAIMANT && v->role != NK_PAYER)
		return nk_fail(err, NK_EINVAL, "role", "must be the claimant or the payer");
	if (!name_ok(v->currency, sizeof(v->currency)) || !nk_currency_find(v->currency))
		return nk_fail(err, NK_EINVAL, "currency", "not an ISO 4217 code nakodo knows");
	if ((rc = nk_rate_check(v->discount, "discount", err)) != NK_OK)
		return rc;
	if (v->reservation < 0 || v->reservation > NK_LOAN_AMOUNT_MAX)
		return nk_fail(err, NK_EINVAL, "reservation", "needs 0 to %lld minor units",
			       (long long)NK_LOAN_AMOUNT_MAX);
	for (size_t c = 0; c < NK_COMPONENTS; c++)
		if ((rc = check_table(&v->table[c], (enum nk_component)c, err)) != NK_OK)
			return rc;
	if (v->nlabels > NK_PACKAGE_LABELS_MAX)
		return nk_fail(err, NK_EINVAL, "labels", "at most %d labels", NK_PACKAGE_LABELS_MAX);
	for (size_t l = 0; l < v->nlabels; l++) {
		if (!name_ok(v->labels[l].name, sizeof(v->labels[l].name)))
			return nk_fail(err, NK_EINVAL, "labels", "label %zu: a name of 1 to %d bytes is needed",
				       l + 1, NK_NAME_MAX);
		if (v->labels[l].worth < 0 || v->labels[l].worth > NK_LOAN_AMOUNT_MAX)
			return nk_fail(err, NK_EINVAL, "labels", "\"%s\": a worth of 0 to %lld minor units",
				       v->labels[l].name, (long long)NK_LOAN_AMOUNT_MAX);
		for (size_t k = 0; k < l; k++)
			if (!strcmp(v->labels[k].name, v->labels[l].name))
				return nk_fail(err, NK_EINVAL, "labels", "\"%s\" appears twice",
					       v->labels[l].name);
	}
	return NK_OK;
}

void package_grant_terms(int years, int per_year, struct nk_loan_terms *out)
{
	memset(out, 0, sizeof(*out));
	out->per_year = per_year;
	out->maturity = years * per_year;
}

enum nk_status package_factor(enum nk_component c, const struct nk_loan_terms *terms,
			      double discount, double *out, struct nk_error *err)
{
	enum nk_status rc;
	double f;

	switch (c) {
	case NK_CLAIMS:
		*out = 1;
		return NK_OK;
	case NK_GRANT:
		rc = nk_instalments_pv_factor(terms->maturity, 0, terms->per_year, discount, &f, err);
		if (rc == NK_OK)
			*out = f;
		return rc;
	case NK_LOAN:
	case NK_CREDITS:
		rc = nk_loan_pv_factor(terms, discount, &f, err);
		if (rc == NK_OK)
			*out = 1 - f;
		return rc;
	default:
		return nk_fail(err, NK_EINVAL, "component", "not a package component");
	}
}

enum nk_status package_worth(enum nk_component c, int64_t amount, double factor, int64_t *out,
			     struct nk_error *err)
{
	if (c == NK_CLAIMS) {
		*out = amount;
		return NK_OK;
	}
	return nk_finance_round((double)amount * factor, 1, component_names[c], out, err);
}

void package_grid_terms(const struct nk_package_grid *g, size_t rate, size_t grace,
			size_t maturity, struct nk_loan_terms *out)
{
	memset(out, 0, sizeof(*out));
	out->rate = (double)(g->rate.min + (int)rate * g->rate.step) / NK_BP_ONE;
	out->per_year = g->per_year;
	out->maturity = g->maturity.min + (int)maturity * g->maturity.step;
	out->grace = g->repayment == NK_REPAY_BULLET ? out->maturity
						     : g->grace.min + (int)grace * g->grace.step;
	out->repayment = g->repayment;
}

enum nk_status nk_package_check(const struct nk_package *p, struct nk_error *err)
{
	enum nk_status rc;

	for (size_t c = 0; c < NK_COMPONENTS; c++) {
		if (p->amount[c] < 0 || p->amount[c] > NK_LOAN_AMOUNT_MAX)
			return nk_fail(err, NK_EINVAL, component_names[c], "needs an amount of 0 to %lld "
				       "minor units", (long long)NK_LOAN_AMOUNT_MAX);
		if (!p->amount[c] || c == NK_CLAIMS)
			continue;
		if (c == NK_GRANT) {
			if (!per_year_ok(p->grant_per_year))
				return nk_fail(err, NK_EINVAL, "grant.per_year", "%d payments a year is not "
					       "one of 1, 2, 3, 4, 6, 12", p->grant_per_year);
			if (p->grant_years < 1 || p->grant_years > NK_LOAN_YEARS_MAX)
				return nk_fail(err, NK_EINVAL, "grant.years", "a grant is spread over 1 to "
					       "%d years", NK_LOAN_YEARS_MAX);
			continue;
		}
		if ((rc = nk_loan_terms_check(&p->terms[c], err)) != NK_OK)
			return rc;
	}
	if (strnlen(p->label, sizeof(p->label)) == sizeof(p->label))
		return nk_fail(err, NK_EINVAL, "label", "longer than %d bytes", NK_NAME_MAX);
	return NK_OK;
}

enum nk_status nk_package_value(const struct nk_package_valuation *v, const struct nk_package *p,
				struct nk_package_worth *out, struct nk_error *err)
{
	struct nk_package_worth w;
	enum nk_status rc;

	if ((rc = nk_package_valuation_check(v, err)) != NK_OK || (rc = nk_package_check(p, err)) != NK_OK)
		return rc;
	memset(&w, 0, sizeof(w));
	for (size_t c = 0; c < NK_COMPONENTS; c++) {
		struct nk_loan_terms grant;
		const struct nk_loan_terms *t = &p->terms[c];
		double f;

		if (!p->amount[c])
			continue;
		if (c == NK_GRANT) {
			package_grant_terms(p->grant_years, p->grant_per_year, &grant);
			t = &grant;
		}
		if ((rc = package_factor((enum nk_component)c, t, v->discount, &f, err)) != NK_OK ||
		    (rc = package_worth((enum nk_component)c, p->amount[c], f, &w.part[c], err)) != NK_OK)
			return rc;
		if ((rc = nk_amount_add(w.total, w.part[c], &w.total)) != NK_OK)
			return nk_fail(err, rc, component_names[c], "the package's worth overflows");
	}
	for (size_t l = 0; p->label[0] && l < v->nlabels; l++)
		if (!strcmp(v->labels[l].name, p->label))
			w.label = v->labels[l].worth;
	if ((rc = nk_amount_add(w.total, w.label, &w.total)) != NK_OK)
		return nk_fail(err, rc, "label", "the package's worth overflows");
	w.acceptable = v->role == NK_CLAIMANT ? w.total >= v->reservation : w.total <= v->reservation;
	*out = w;
	return NK_OK;
}
