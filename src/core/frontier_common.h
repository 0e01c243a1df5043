/* frontier_common.c: the pieces the frontier folds (frontier.c, frontier_fold2.c) and
 * the brute-force enumeration (frontier_enum.c) share, so that all see exactly the same
 * quantised utilities and build their answer the same way. Internal to core/. */
#ifndef NAKODO_CORE_FRONTIER_COMMON_H
#define NAKODO_CORE_FRONTIER_COMMON_H

#include <nakodo/frontier.h>

#define FR_CAP 1.0

/* Utilities inside the folds and the enumeration: quad precision, whose 113-bit
 * significand holds every integer the exact mode (frontier_exact.c) makes, so that
 * every addition there is exact. */
#if defined(__clang__)
__extension__ typedef __float128 fr_u;	/* the same type; clang before 17 lacks _Float128 */
#else
__extension__ typedef _Float128 fr_u;
#endif

/* The folds (frontier_fold2.c, frontier_foldn.c) are compiled three times, each adding
 * its own number type fr_v: fr_u as is; __int128 from frontier_*_int.c (FR_INT), exact
 * for every exact table (its integers stay below 2^113) and several times faster than
 * quad precision done in software; double from frontier_*_fast.c (FR_FAST), faster
 * still, exact when the table's integers fit 2^53 (fits53 below). FR_V_MIN is below
 * every utility. */
#if defined(FR_FAST)
typedef double fr_v;
#define FR_FOLD(name) name##_fast
#define FR_ARITH NK_ARITH_DOUBLE
#define FR_V_MIN (-INFINITY)
#elif defined(FR_INT)
__extension__ typedef __int128 fr_v;
#define FR_FOLD(name) name##_int
#define FR_ARITH NK_ARITH_INT128
#define FR_V_MIN (-((fr_v)1 << 120))
#else
typedef fr_u fr_v;
#define FR_FOLD(name) name
#define FR_ARITH NK_ARITH_QUAD
#define FR_V_MIN (-INFINITY)
#endif

/* 2^53: a double holds every integer up to here, so sums and comparisons of integers
 * whose magnitudes add up to no more than this are exact in doubles. */
#define FR_DOUBLE_EXACT 9007199254740992.0

/* Per issue, the allowed values [lo, hi) and each value's contribution to each party:
 * c[i][(v - lo[i]) * np + p]. */
struct fr_table {
	size_t np, ni;
	size_t lo[NK_ISSUES_MAX], hi[NK_ISSUES_MAX];
	fr_u *c[NK_ISSUES_MAX];
	double reservation[NK_PARTIES_MAX];
	fr_u best[NK_ISSUES_MAX][NK_PARTIES_MAX];	/* per issue, each party's largest
							 * contribution among the allowed values */
	double magnitude;	/* bound on |any partial sum| of any party */
	fr_u *buf;
	/* Exact mode (frontier_exact.c): party k's contributions are integers, its
	 * utility is the sum / scale[k], capped at cap[k] = scale[k], acceptable from
	 * threshold[k] on. Otherwise scale 1, cap 1, threshold = reservation. */
	int exact;
	fr_u scale[NK_PARTIES_MAX], cap[NK_PARTIES_MAX], threshold[NK_PARTIES_MAX];
	/* The integer folds (int128, double) add the table's numbers times iscale, a
	 * power of two (1 when exact), which makes every one an integer: ints says they
	 * may (every sum quad precision makes is then exact too, so the answer is the
	 * same), fits53 that doubles hold them all. See fr_table_ints. */
	fr_u iscale;
	int ints, fits53;
	struct fr_work *work;	/* the fold's accounting, mutable; NULL: none */
};

/* The work of a fold: counted, bounded per step, reported to options->progress. */
struct fr_work {
	const struct nk_frontier_options *options;
	struct nk_progress at;
	double step;		/* work of the current step so far */
	double since;		/* work since the caller was last told */
};

/* Counts w units of work in the current step of t's fold and tells the caller about
 * every 2^16 units. NK_ERANGE when the step passes NK_FRONTIER_WORK_MAX (if bounded) or
 * the caller stops the fold. */
NK_MUST_USE enum nk_status fr_work_add(const struct fr_table *t, double w, int bounded,
				       struct nk_error *err);

/* Checks the inputs (agenda, profiles, party count, fixed values) and builds the table. */
NK_MUST_USE enum nk_status fr_table_init(struct fr_table *t, const struct nk_agenda *agenda,
					 const struct nk_profile *const *profiles, size_t nparties,
					 const struct nk_frontier_options *options,
					 struct nk_error *err);
void fr_table_free(struct fr_table *t);

/* Makes t exact when every party's contributions, scaled to integers, fit 2^53 (sets
 * exact, scale, cap, threshold); else leaves the doubles with scale 1. */
void fr_table_exact(struct fr_table *t, const struct nk_agenda *agenda,
		    const struct nk_profile *const *profiles);

static inline const fr_u *fr_contrib(const struct fr_table *t, size_t issue, size_t v)
{
	return t->c[issue] + (v - t->lo[issue]) * t->np;
}

/* A point of the answer before it is sorted: utilities, count and its outcome. */
struct fr_point {
	fr_u u[NK_PARTIES_MAX];
	uint64_t count;
};

/* Builds the frontier from n points (utilities distinct and mutually non-dominated) and
 * their outcomes (n x ni, same order); sorts it. Takes nothing over. */
NK_MUST_USE enum nk_status fr_build(const struct fr_table *t, const struct fr_point *points,
				    const uint32_t *outcomes, size_t n, struct nk_frontier **out,
				    struct nk_error *err);

static inline uint64_t fr_add_count(uint64_t a, uint64_t b)
{
	return a > NK_COUNT_MANY - b ? NK_COUNT_MANY : a + b;
}

/* How far the rest of the fold can still move a partial package: rem[k] is the most
 * party k can still add, gap the most that rounding in the additions still to come can
 * close between two partial sums (2 ulp of the largest magnitude per addition; 0 at the
 * last issue, after which nothing is added, and 0 when the table is exact); cap[k] the
 * cap of party k's utility. */
struct fr_reach {
	fr_u rem[NK_PARTIES_MAX];
	fr_u cap[NK_PARTIES_MAX];
	fr_u gap;
};

/* The reach after folding in issue `issue` (0-based). */
void fr_reach_after(const struct fr_table *t, size_t issue, struct fr_reach *r);

/* The reach in the fold's own number type (integers of an exact table; in the double
 * instance it fits 2^53: the conversion is exact). */
struct fr_reach_v {
	fr_v rem[NK_PARTIES_MAX];
	fr_v cap[NK_PARTIES_MAX];
	fr_v gap;
};

/* A number of the table in the fold's type: times iscale in the integer folds. */
static inline fr_v fr_v_of(const struct fr_table *t, fr_u x)
{
	return FR_ARITH == NK_ARITH_QUAD ? (fr_v)x : (fr_v)(x * t->iscale);
}

static inline void fr_reach_v_after(const struct fr_table *t, size_t issue,
				    struct fr_reach_v *r)
{
	struct fr_reach q;

	fr_reach_after(t, issue, &q);
	for (size_t k = 0; k < t->np; k++) {
		r->rem[k] = fr_v_of(t, q.rem[k]);
		r->cap[k] = fr_v_of(t, q.cap[k]);
	}
	r->gap = fr_v_of(t, q.gap);
}

/* Party k could still reach its cap (1) from utility u, so a better value for k alone
 * does not make another package dominate this one (after the cap both may be equal). */
static inline int fr_capable(fr_v u, const struct fr_reach_v *r, size_t k)
{
	return u + r->rem[k] + r->gap >= r->cap[k];
}

/* The kept packages of one step of the fold, as back-pointers: enough to walk back. */
struct fr_link {
	uint32_t parent;	/* index in the previous step */
	uint32_t value;		/* value of this step's issue */
};

/* What a fold leaves: per issue the kept packages' links, the last step's packages
 * (utilities and counts, in the order of links[ni - 1]) and the largest step. */
struct fr_trail {
	struct fr_link *links[NK_ISSUES_MAX];
	struct fr_point *points;
	size_t npoints;
	size_t stages_max;
};

void fr_trail_free(struct fr_trail *trail);

/* Refuses a step that would weigh more than 4 x NK_FRONTIER_MAX candidates (nprev
 * kept packages times m values of issue i, 0-based): NK_ERANGE, else NK_OK. */
NK_MUST_USE enum nk_status fr_check_step(size_t nprev, size_t m, size_t i,
					 struct nk_error *err);

/* A fold's own package type, opaque here: its size and where its fields lie (offsets of
 * nu utilities u, in the type arith names, uint64_t count and key, uint32_t parent and
 * value). */
struct fr_layout {
	size_t size;
	size_t u, nu, count, key, parent, value;
	enum nk_frontier_arith arith;
};

/* Replaces each of the n kept packages' key by its rank in lexicographic order of
 * outcomes, given the previous step's packages ranked likewise: bucket by the parent's
 * rank, then by value within a bucket. NK_ENOMEM, else NK_OK. */
NK_MUST_USE enum nk_status fr_rank(const struct fr_layout *layout, void *step, size_t n,
				   const void *prev, size_t nprev);

/* What makes one fold differ from the other: its package type, the empty package it
 * starts from (count 1), and how it folds issue i (0-based) into the packages kept so far
 * giving a new array. */
struct fr_fold_ops {
	const void *root;
	int quadratic;		/* its work is pairs compared, bounded by NK_FRONTIER_WORK_MAX */
	enum nk_status (*step)(const struct fr_table *t, size_t i, const void *prev,
			       size_t nprev, void **next, size_t *nnext, struct nk_error *err);
	const struct fr_layout *layout;
};

/* Folds every issue in through ops, reporting progress; fills trail; on failure the
 * caller still frees it. */
NK_MUST_USE enum nk_status fr_fold(const struct fr_table *t,
				   const struct nk_frontier_options *options,
				   const struct fr_fold_ops *ops, struct fr_trail *trail,
				   struct nk_error *err);

#endif
