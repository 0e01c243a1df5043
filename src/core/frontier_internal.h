/* Pieces the frontier fold and the brute-force enumeration share, so that both see
 * exactly the same quantised utilities and build their answer the same way. Internal. */
#ifndef NAKODO_FRONTIER_INTERNAL_H
#define NAKODO_FRONTIER_INTERNAL_H

#include <nakodo/frontier.h>

#define FR_CAP 1.0

/* Per issue, the allowed values [lo, hi) and each value's contribution to each party:
 * c[i][(v - lo[i]) * np + p]. */
struct fr_table {
	size_t np, ni;
	size_t lo[NK_ISSUES_MAX], hi[NK_ISSUES_MAX];
	double *c[NK_ISSUES_MAX];
	double reservation[NK_PARTIES_MAX];
	double magnitude;	/* bound on |any partial sum| of any party */
	double *buf;
};

/* Checks the inputs (agenda, profiles, party count, fixed values) and builds the table. */
enum nk_status fr_table_init(struct fr_table *t, const struct nk_agenda *agenda,
			     const struct nk_profile *const *profiles, size_t nparties,
			     const struct nk_frontier_options *options, struct nk_error *err);
void fr_table_free(struct fr_table *t);

static inline const double *fr_contrib(const struct fr_table *t, size_t issue, size_t v)
{
	return t->c[issue] + (v - t->lo[issue]) * t->np;
}

/* A point of the answer before it is sorted: utilities, count and its outcome. */
struct fr_point {
	double u[NK_PARTIES_MAX];
	uint64_t count;
};

/* Builds the frontier from n points (utilities distinct and mutually non-dominated) and
 * their outcomes (n x ni, same order); sorts it. Takes nothing over. */
enum nk_status fr_build(const struct fr_table *t, const struct fr_point *points,
			const uint32_t *outcomes, size_t n, struct nk_frontier **out,
			struct nk_error *err);

static inline uint64_t fr_add_count(uint64_t a, uint64_t b)
{
	return a > NK_COUNT_MANY - b ? NK_COUNT_MANY : a + b;
}

#endif
