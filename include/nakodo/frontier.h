/* The exact Pareto frontier of a multi-issue agenda for 2 to 5 parties, computed by
 * folding the issues one at a time without enumerating outcomes, and the points a
 * mediator needs: Nash, Kalai–Smorodinsky, egalitarian, utilitarian; per-issue analysis. */
#ifndef NAKODO_FRONTIER_H
#define NAKODO_FRONTIER_H

#include <nakodo/domain.h>
#include <nakodo/status.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most partial packages kept at one step of the fold (and points on a frontier). */
#define NK_FRONTIER_MAX (1u << 22)

/* Outcome counts saturate here; a point whose count is NK_COUNT_MANY has at least that many. */
#define NK_COUNT_MANY UINT64_MAX

/* What the fold adds utilities in (doc/analyze.md): any gives the same frontier. Exact
 * utilities are integers (scaled per party): in doubles when they all fit 2^53, else in
 * 128-bit integers; GENIUS's doubles (inexact profiles) in quad precision. */
enum nk_frontier_arith {
	NK_ARITH_AUTO,		/* the fastest exact one */
	NK_ARITH_QUAD,		/* quad precision, in software: the slowest */
	NK_ARITH_INT128,
	NK_ARITH_DOUBLE,
};

/* One distinct utility vector on the frontier. */
struct nk_frontier_point {
	double utility[NK_PARTIES_MAX];	/* one per party, in profile order, capped at 1 */
	uint64_t count;			/* outcomes with exactly these utilities (saturating) */
	bool acceptable;		/* at or above every party's reservation */
	const uint32_t *outcome;	/* the first such outcome in lexicographic order of value
					 * indices (issue order); points into the frontier */
};

/* The frontier, sorted by party 1's utility ascending, then party 2's, and so on (for two
 * parties: party 2's utility descending). Owned by the caller: nk_frontier_free(). */
struct nk_frontier {
	size_t nparties, nissues;
	size_t npoints;
	struct nk_frontier_point *points;
	uint32_t *outcomes;			/* npoints x nissues value indices */
	double reservation[NK_PARTIES_MAX];	/* each party's reservation utility */
	size_t stages_max;			/* most partial packages kept at one step */
	bool exact;		/* utilities computed exactly from the profiles' decimals
				 * (else in doubles as GENIUS does; see doc/analyze.md) */
	enum nk_frontier_arith arith;	/* what the fold added in (the enumeration: quad) */
};

/* Most pairs of partial packages one step of the fold for three or more parties may
 * compare (its dominance test is quadratic); a step estimated or found to need more is
 * refused (NK_ERANGE) with the numbers. */
#define NK_FRONTIER_WORK_MAX (1u << 28)

/* Where a fold stands. Work is pairs compared (three or more parties) or candidates
 * weighed (two). */
struct nk_progress {
	size_t done, total;	/* issues folded, of all */
	double work_done;	/* work so far */
	double work_left;	/* an estimate of the work still to come, extrapolating the
				 * growth of the packages kept so far */
};

/* Called after each issue and about every 2^16 units of work within one; a nonzero
 * return stops the fold (NK_ERANGE, field "stopped"). */
typedef int nk_progress_fn(void *arg, const struct nk_progress *progress);

struct nk_frontier_options {
	const int32_t *fixed;	/* NULL, or per issue a value index, or -1 for free */
	nk_progress_fn *progress;	/* may be NULL */
	void *progress_arg;
	enum nk_frontier_arith arith;	/* NK_ARITH_AUTO (0), or the one to use: quad is
					 * always allowed, int128 when utilities are exact,
					 * double when they fit 2^53 (else NK_EINVAL); the
					 * result is the same (for tests and benchmarks) */
};

/* The exact frontier of agenda under nparties profiles (2..NK_PARTIES_MAX), all outcomes
 * counted, before any reservation filter. Utilities are exact (rationals from the
 * profiles' decimals; `exact` says when a profile's denominators were too large and
 * GENIUS's doubles were used) and dominance is exact on them: a dominates b when a >= b
 * for every party and a > b for one. options may be NULL.
 * Refuses a fold that would keep more than NK_FRONTIER_MAX partial packages (NK_ERANGE). */
NK_MUST_USE enum nk_status nk_frontier_compute(const struct nk_agenda *agenda,
					       const struct nk_profile *const *profiles,
					       size_t nparties,
					       const struct nk_frontier_options *options,
					       struct nk_frontier **out, struct nk_error *err);

/* The same frontier by enumerating every outcome (the reference the fold is checked
 * against); refuses agendas of more than max_outcomes outcomes. */
NK_MUST_USE enum nk_status nk_frontier_enumerate(const struct nk_agenda *agenda,
						 const struct nk_profile *const *profiles,
						 size_t nparties,
						 const struct nk_frontier_options *options,
						 double max_outcomes, struct nk_frontier **out,
						 struct nk_error *err);

void nk_frontier_free(struct nk_frontier *frontier);

/* The solution points, each the index of a frontier point or -1 when no outcome is at or
 * above every reservation. Gains are utilities minus reservations, in doubles. Ties go to
 * the earlier point in frontier order. Kalai–Smorodinsky and egalitarian compare the
 * gains (relative to each party's best possible gain, or absolute) smallest first
 * (leximin). */
enum nk_solution {
	NK_NASH,		/* max product of gains */
	NK_KALAI_SMORODINSKY,	/* max of the smallest gain relative to that party's best gain */
	NK_EGALITARIAN,		/* max of the smallest gain */
	NK_UTILITARIAN,		/* max sum of utilities */
	NK_SOLUTIONS
};

struct nk_solutions {
	long index[NK_SOLUTIONS];
	size_t acceptable;			/* frontier points at or above every reservation */
	double best[NK_PARTIES_MAX];		/* each party's best utility among those */
};

/* A stable lowercase name: "nash", "kalai_smorodinsky", "egalitarian", "utilitarian". */
const char *nk_solution_name(enum nk_solution solution);

void nk_frontier_solutions(const struct nk_frontier *frontier, struct nk_solutions *out);

/* The product of gains (utility - reservation) in party order: the Nash criterion. */
double nk_nash_product(const double *utility, const double *reservation, size_t nparties);

/* How the parties stand on one issue. */
struct nk_issue_report {
	double weight[NK_PARTIES_MAX];	/* the party's weight on the issue */
	size_t preferred[NK_PARTIES_MAX];	/* its best value (the first on a tie) */
	bool compatible;		/* some value is best for every party */
	size_t at;			/* the value at the reference point (Nash) */
	double concession[NK_PARTIES_MAX];	/* utility the party gives up there on this
						 * issue: weight x (best score - score at it) */
};

/* Fills reports[nissues] for the frontier point `point` (e.g. the Nash point; -1 leaves
 * `at` and concessions at 0). */
void nk_issue_analysis(const struct nk_agenda *agenda, const struct nk_profile *const *profiles,
		       size_t nparties, const struct nk_frontier *frontier, long point,
		       struct nk_issue_report *reports);

#endif
