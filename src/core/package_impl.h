/* package.c's internals, which the package search (package_search.c) and the package
 * space (package_space.c) share with the valuation, so that a package's worth at the
 * search and at nk_package_value is the same double rounded the same way. Internal to
 * core/. */
#ifndef NAKODO_PACKAGE_IMPL_H
#define NAKODO_PACKAGE_IMPL_H

#include <nakodo/package.h>

/* The factor a side multiplies an amount of component c by (claims 1, grant the
 * instalments' present value, loans and credits the grant element) at its discount
 * rate. For a grant, terms->per_year and terms->maturity carry per_year and years x
 * per_year. */
NK_MUST_USE enum nk_status package_factor(enum nk_component c, const struct nk_loan_terms *terms,
					  double discount, double *out, struct nk_error *err);

/* amount x factor, rounded once to the minor unit, naming the component. */
NK_MUST_USE enum nk_status package_worth(enum nk_component c, int64_t amount, double factor,
					 int64_t *out, struct nk_error *err);

/* The loan terms at grid indices (for a bullet, grace = maturity). */
void package_grid_terms(const struct nk_package_grid *g, size_t rate, size_t grace,
			size_t maturity, struct nk_loan_terms *out);

/* A grant's spread as the terms package_factor reads. */
void package_grant_terms(int years, int per_year, struct nk_loan_terms *out);

/* nk_package_propose with each side's gain counted from floor[role] (the claimant's
 * least value, the payer's greatest cost; any int64 whose magnitude the search's exact
 * scale covers) instead of its reservation; floor NULL: the reservations. A point counts
 * only at or inside both floors. */
NK_MUST_USE enum nk_status package_search(const struct nk_package_valuation *a,
					  const struct nk_package_valuation *b,
					  enum nk_solution solution, const int64_t *floor,
					  struct nk_package_result *out, struct nk_error *err);

static inline bool package_is_loan(enum nk_component c)
{
	return c == NK_LOAN || c == NK_CREDITS;
}

#endif
