/* Settlement packages: claims payments, grants, soft loans and commercial credits, each
 * side's confidential valuation of them in its own arithmetic (core/finance), the package
 * space both valuations allow, and the package the go-between proposes from them, blind. */
#ifndef NAKODO_PACKAGE_H
#define NAKODO_PACKAGE_H

#include <nakodo/bargain.h>
#include <nakodo/domain.h>
#include <nakodo/finance.h>
#include <nakodo/frontier.h>
#include <nakodo/status.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bounds. Every amount of a valuation (bounds, steps, label worths, the reservation) is
 * at most NK_LOAN_AMOUNT_MAX minor units, so that a side's total over five issues stays
 * exact in a double (see doc/package.md). */
#define NK_PACKAGE_LABELS_MAX 8		/* labels a valuation scores */
#define NK_PACKAGE_COMBOS_MAX 1000000u	/* amounts x terms of one component, before pruning */
#define NK_PACKAGE_FILE_MAX (64u * 1024)	/* bytes of a valuation or package file */

/* The parts of a package, in the order the search folds them. */
enum nk_component {
	NK_CLAIMS,	/* a claims payment: cash now, worth its face to both */
	NK_GRANT,	/* a grant in equal instalments over years, the first now */
	NK_LOAN,	/* a government soft loan: amount and terms */
	NK_CREDITS,	/* commercial credits: a loan at a market rate */
	NK_COMPONENTS
};

/* "claims", "grant", "loan", "credits". */
const char *nk_component_name(enum nk_component component);

/* A side's range of amounts, in minor units: min, min + step, ..., max. min and max must be
 * multiples of step (the grid is the multiples of step), 0 <= min <= max. */
struct nk_amount_range {
	int64_t min, max, step;
};

/* A range of a loan term: rates in basis points (350 = 3.5%), grace and maturity in
 * periods of 12/per_year months. min and max are multiples of step, step >= 1. */
struct nk_term_range {
	int min, max, step;
};

/* What a side puts on the table for one component. A component it does not offer is
 * fixed at an amount of 0. Loans and credits: grace.max <= maturity.min; a bullet loan
 * has no grace range (its grace is its maturity). */
struct nk_component_table {
	bool offered;
	struct nk_amount_range amount;
	int years, per_year;		/* grant: years x per_year instalments, the first now;
					 * loans and credits: payments a year */
	struct nk_term_range rate, grace, maturity;	/* loans and credits */
	enum nk_repayment repayment;	/* loans and credits */
};

/* How a side scores one label of the package ("claims", "economic cooperation"): an
 * amount, received (claimant) or paid (payer) on top of the package's money. */
struct nk_package_label {
	char name[NK_NAME_MAX + 1];
	int64_t worth;
};

/* One side's confidential valuation. The claimant's value of a package is the present
 * value at its own discount rate of what it receives plus its label's worth; the payer's
 * cost likewise of what it gives. reservation: the claimant's least acceptable value, the
 * payer's greatest acceptable cost. A side that lists no labels is indifferent to them. */
struct nk_package_valuation {
	char party[NK_NAME_MAX + 1];
	enum nk_role role;		/* NK_CLAIMANT or NK_PAYER */
	char currency[4];
	double discount;		/* a fraction a year */
	int64_t reservation;
	struct nk_component_table table[NK_COMPONENTS];
	size_t nlabels;
	struct nk_package_label labels[NK_PACKAGE_LABELS_MAX];
};

/* A package: an amount per component, the grant's spread, the loans' terms, a label. */
struct nk_package {
	int64_t amount[NK_COMPONENTS];
	int grant_years, grant_per_year;
	struct nk_loan_terms terms[NK_COMPONENTS];	/* NK_LOAN and NK_CREDITS */
	char label[NK_NAME_MAX + 1];			/* "" when the package has none */
};

/* A side's value (claimant) or cost (payer) of a package, per part, in minor units. Each
 * part is amount x factor at the side's discount rate rounded once to the minor unit
 * (claims: factor 1; grant: the instalments' present value factor; loans and credits:
 * the grant element, 1 - the present value factor of debt service). */
struct nk_package_worth {
	int64_t part[NK_COMPONENTS];
	int64_t label;
	int64_t total;
	bool acceptable;	/* total >= reservation (claimant), <= reservation (payer) */
};

/* The grid both valuations allow for one component: amounts lo + k x step (k < namounts)
 * and, for loans and credits, every rate, grace and maturity on both sides' grids, with
 * grace <= maturity (a bullet's grace is its maturity). */
struct nk_package_grid {
	size_t namounts;
	int64_t lo, step;
	int years, per_year;
	struct nk_term_range rate, grace, maturity;
	size_t nrates, ngraces, nmaturities;
	enum nk_repayment repayment;
};

/* The package space: per component the grid on which both sides' tables meet (the
 * multiples of both steps inside both ranges), and the labels both list (in the
 * claimant's order; a side that lists none accepts the other's). Empty when some
 * component's ranges do not meet or no label is common: blocking names it. */
struct nk_package_space {
	char currency[4];
	struct nk_package_grid grid[NK_COMPONENTS];
	size_t nlabels;
	char labels[NK_PACKAGE_LABELS_MAX][NK_NAME_MAX + 1];
	bool empty;
	const char *blocking;	/* static: "grant", "loan.rate", "labels", …; NULL if none */
	double packages;	/* packages on the grid (amount 0 counted once per terms) */
};

/* The go-between's answer. */
struct nk_package_result {
	bool found;			/* false: no package both accept ("no deal") */
	struct nk_package package;	/* the proposal, when found */
	int64_t value[2];		/* by role: the claimant's value, the payer's cost */
	int64_t gain[2];		/* by role: over the reservation, both >= 0 */
	double packages;		/* packages on the grid */
	size_t frontier;		/* Pareto-optimal (value, cost) pairs on the grid */
	size_t acceptable;		/* of those, at or inside both reservations */
	const char *blocking;		/* when the space is empty, what blocked it */
};

/* Checks a valuation: party name, role, currency, discount (nk_rate_check), reservation
 * and label worths 0..NK_LOAN_AMOUNT_MAX, labels unique, and every offered component's
 * ranges (steps >= 1 dividing their bounds, rates 0..100%, grace.max <= maturity.min,
 * years and per_year as nk_loan_periods allows). Names the field: "grant.amount.step". */
NK_MUST_USE enum nk_status nk_package_valuation_check(const struct nk_package_valuation *valuation,
						      struct nk_error *err);

/* The space two valuations allow: one must be the claimant's, the other the payer's, in
 * the same currency; where both offer a grant, loan or credits they must agree on its
 * years, payments a year and repayment method. An empty space is not an error. */
NK_MUST_USE enum nk_status nk_package_space_build(const struct nk_package_valuation *a,
						  const struct nk_package_valuation *b,
						  struct nk_package_space *out, struct nk_error *err);

/* Checks a package on its own: amounts 0..NK_LOAN_AMOUNT_MAX, and for every part with an
 * amount its grant spread or loan terms (nk_loan_terms_check). */
NK_MUST_USE enum nk_status nk_package_check(const struct nk_package *package, struct nk_error *err);

/* What package is worth to the side whose valuation this is (any package, inside its
 * table or not; a label it does not list is worth 0 to it). */
NK_MUST_USE enum nk_status nk_package_value(const struct nk_package_valuation *valuation,
					    const struct nk_package *package,
					    struct nk_package_worth *out, struct nk_error *err);

/* The package at grid indices: amount index per component, (rate, grace, maturity)
 * indices for loans and credits, label index (ignored without labels). For tests and
 * tools that walk the grid; indices must be in range. */
struct nk_package_index {
	size_t amount[NK_COMPONENTS];
	size_t rate[NK_COMPONENTS], grace[NK_COMPONENTS], maturity[NK_COMPONENTS];
	size_t label;
};
void nk_package_at(const struct nk_package_space *space, const struct nk_package_index *at,
		   struct nk_package *out);

/* Whether the loan terms at (rate, grace, maturity) indices of a grid are a loan (grace <=
 * maturity). */
bool nk_package_terms_valid(const struct nk_package_grid *grid, size_t rate, size_t grace,
			    size_t maturity);

/* Proposes the package from two confidential valuations (either order). The search
 * builds the space as a multi-issue agenda (one issue per component, a loan's amount and
 * terms as one issue, the label as one more) whose utilities are each side's values in
 * minor units, scaled by a power of two so that every sum is exact; drops, per issue,
 * values that another value of the same issue dominates for both sides; folds the exact
 * Pareto frontier (nk_frontier_compute); and picks, among the points inside both
 * reservations, the one the solution asks for, comparing gains exactly in integers. Ties
 * go to the first package in grid order, so the answer does not depend on which
 * valuation comes first. NK_ERANGE naming the component when one issue would keep more
 * than NK_VALUES_MAX values or weigh more than NK_PACKAGE_COMBOS_MAX; no deal is not an
 * error (out->found is false). */
NK_MUST_USE enum nk_status nk_package_propose(const struct nk_package_valuation *a,
					      const struct nk_package_valuation *b,
					      enum nk_solution solution,
					      struct nk_package_result *out, struct nk_error *err);

/* The solution called name ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian"). */
NK_MUST_USE enum nk_status nk_solution_parse(const char *name, enum nk_solution *out,
					     struct nk_error *err);

/* The public frame of a package case (nakodo/package_case.h), fixed when it opens: pure
 * rules, kept here beside the valuations they admit. Package rounds give no hint
 * after "no deal" (doc/package.md, "Blind package rounds", says why): there is no hint
 * policy to choose. */
struct nk_package_frame {
	char currency[4];
	bool components[NK_COMPONENTS];	/* which parts a valuation may offer */
	enum nk_solution solution;
	int rounds;			/* 1..NK_ROUNDS_MAX */
	bool monotone;			/* a claimant's reservation never rises, a payer's never falls */
	/* Improvements after a tentative package (doc/package.md, "Improvements"): when both
	 * accept a package, each side may submit a sealed improvement valuation before the
	 * case settles. Off unless the case opened with it. */
	bool improvements;
	/* A deadline (doc/package.md, "Deadlines"): ms since the epoch, 0 none. Past it an
	 * open case closes, and an open improvement phase ends with its baseline standing. */
	int64_t deadline_ms;
};

/* USD-less defaults: every component, Nash, 3 rounds, monotone; currency from cur. */
void nk_package_frame_default(struct nk_package_frame *frame, const struct nk_currency *cur);

/* Checks every field; names the offending one. */
NK_MUST_USE enum nk_status nk_package_frame_check(const struct nk_package_frame *frame,
						  struct nk_error *err);

/* Checks a valuation against a frame: its currency is the frame's ("currency") and it
 * offers no component the frame leaves out ("components.NAME"). */
NK_MUST_USE enum nk_status nk_package_frame_admits(const struct nk_package_frame *frame,
						   const struct nk_package_valuation *v,
						   struct nk_error *err);

/* Improvements after a tentative package (doc/package.md, "Improvements"). Each side's
 * sealed improvement valuation scores packages on its own scale (its reservation is not
 * used: the baseline, the package both accepted, is each side's floor). An improvement
 * is a package of the space both improvement valuations allow that is worth at least the
 * baseline to the claimant and costs the payer at most the baseline, one of the two
 * strictly: a Pareto improvement on each side's own scale. */
struct nk_package_improvement {
	bool found;			/* false: no package improves on the baseline */
	bool incompatible;		/* the two valuations cannot be searched together */
	struct nk_package package;	/* the proposed improvement, when found */
	int64_t baseline[2];		/* by role: the baseline's value (claimant), cost (payer) */
	int64_t value[2];		/* by role: the improvement's value, cost */
	int64_t gain[2];		/* by role: value - baseline; baseline - cost; both >= 0 */
	double packages;		/* packages on the grid */
	size_t frontier;		/* Pareto-optimal (value, cost) pairs on the grid */
	size_t improving;		/* of those, at or inside both baselines */
};

/* The improvement the go-between proposes: among the packages that improve on baseline,
 * the one that splits the gain most equally, exactly, in minor units of each side's own
 * scale: the largest smaller gain; of those, the largest larger gain; of those, the first
 * in grid order (nk_package_propose's order, the same whichever valuation comes first).
 * That is nk_package_propose's egalitarian point with the baseline's worths as the
 * floors; it is Pareto-optimal. found is false when no package improves (the best has
 * both gains 0). Valuations the search cannot take together (different loan or grant
 * shapes, a grid too fine: NK_EINVAL or NK_ERANGE from the search) are not an error:
 * found false, incompatible true. Other errors as nk_package_propose's. */
NK_MUST_USE enum nk_status nk_package_improve(const struct nk_package_valuation *a,
					      const struct nk_package_valuation *b,
					      const struct nk_package *baseline,
					      struct nk_package_improvement *out,
					      struct nk_error *err);

#endif
