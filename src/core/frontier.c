/* The exact Pareto frontier without enumeration: fold the issues in one at a time,
 * keeping only partial packages that some completion could leave undominated, with
 * back-pointers so every frontier point names its outcome. Pure; see doc/analyze.md. */
#include "frontier_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A partial package: utilities of the issues folded so far, how many partial outcomes
 * reach them, and the first of those (in lexicographic order) as parent + value. */
struct node {
	double u[NK_PARTIES_MAX];
	uint64_t count;
	uint32_t parent;	/* index in the previous step */
	uint32_t value;		/* value of this step's issue */
	uint64_t key;		/* lexicographic rank: parent's rank, then value */
};

/* What is kept of an earlier step: enough to walk back to the outcome. */
struct link {
	uint32_t parent;
	uint32_t value;
};

struct fold {
	const struct fr_table *t;
	size_t np;
	struct link *links[NK_ISSUES_MAX];	/* per issue, the kept nodes' links */
	size_t kept[NK_ISSUES_MAX];
	size_t stages_max;
};

static int cmp_desc2(const void *a, const void *b)
{
	const struct node *x = a, *y = b;

	if (x->u[0] != y->u[0])
		return x->u[0] > y->u[0] ? -1 : 1;
	if (x->u[1] != y->u[1])
		return x->u[1] > y->u[1] ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

#define CMP_DESC_N(N)                                                        \
	static int cmp_desc##N(const void *a, const void *b)                 \
	{                                                                    \
		const struct node *x = a, *y = b;                            \
		for (size_t k = 0; k < (N); k++)                             \
			if (x->u[k] != y->u[k])                              \
				return x->u[k] > y->u[k] ? -1 : 1;           \
		return x->key < y->key ? -1 : x->key > y->key;               \
	}
CMP_DESC_N(3)
CMP_DESC_N(4)
CMP_DESC_N(5)

static int (*const cmp_desc[NK_PARTIES_MAX + 1])(const void *, const void *) = {
	[2] = cmp_desc2, [3] = cmp_desc3, [4] = cmp_desc4, [5] = cmp_desc5,
};

static int same_point(const struct node *a, const struct node *b, size_t np)
{
	for (size_t k = 0; k < np; k++)
		if (a->u[k] != b->u[k])
			return 0;
	return 1;
}

/* Merges equal points in sorted c[0..n) (the first, lexicographically least, stays and
 * takes the summed count); returns the new length. */
static size_t merge_ties(struct node *c, size_t n, size_t np)
{
	size_t w = 0;

	for (size_t r = 0; r < n; r++) {
		if (w && same_point(&c[w - 1], &c[r], np)) {
			c[w - 1].count = fr_add_count(c[w - 1].count, c[r].count);
			continue;
		}
		c[w++] = c[r];
	}
	return w;
}

/* How far the rest of the fold can still move a partial package: rem[k] is the most
 * party k can still add, gap the most that rounding in the additions still to come can
 * close between two partial sums (2 ulp of the largest magnitude per addition; 0 at the
 * last issue, after which nothing is added). */
struct reach {
	double rem[NK_PARTIES_MAX];
	double gap;
};

/* Party k could still reach the cap of 1 from c, so a better value for k alone does not
 * make another package dominate it (after the cap both may be equal). */
static int capable(const struct node *c, const struct reach *r, size_t k)
{
	return c->u[k] + r->rem[k] + r->gap >= FR_CAP;
}

/* A is robustly better than b for party k: still better after every completion. */
static int robust(double a, double b, const struct node *c, const struct reach *r, size_t k)
{
	return a - b > r->gap && !capable(c, r, k);
}

/* Two parties: one sweep over the candidates sorted by u0 descending, u1 descending.
 * P goes when some P' >= P is robustly better for party 0 (the highest u1 among those
 * with u0 > P0 + gap is at least P1) or for party 1 (the highest u1 among u0 >= P0
 * exceeds P1 + gap). */
static size_t prune2(struct node *c, size_t n, const struct reach *r)
{
	double best_ge = -INFINITY, best_gt = -INFINITY;
	size_t w = 0, g = 0, a = 0;

	while (g < n) {
		size_t end = g;

		while (end < n && c[end].u[0] == c[g].u[0])
			end++;
		for (size_t k = g; k < end; k++)
			best_ge = fmax(best_ge, c[k].u[1]);
		for (size_t k = g; k < end; k++) {
			const struct node *p = &c[k];
			int drop;

			while (a < n && c[a].u[0] - p->u[0] > r->gap)
				best_gt = fmax(best_gt, c[a++].u[1]);
			drop = (best_gt >= p->u[1] && !capable(p, r, 0)) ||
			       (best_ge - p->u[1] > r->gap && !capable(p, r, 1));
			if (!drop)
				c[w++] = *p;
		}
		g = end;
	}
	return w;
}

/* P is dominated by K when K >= P everywhere and K is robustly better for one party. */
static int dominates(const struct node *k, const struct node *p, const struct reach *r, size_t np)
{
	int strict = 0;

	for (size_t j = 0; j < np; j++) {
		if (k->u[j] < p->u[j])
			return 0;
		if (!strict && robust(k->u[j], p->u[j], p, r, j))
			strict = 1;
	}
	return strict;
}

/* More parties: each candidate, in lexicographically descending order, against those
 * kept (a dominator always comes first in that order). */
static size_t prunen(struct node *c, size_t n, const struct reach *r, size_t np)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++) {
		size_t j;

		for (j = 0; j < w; j++)
			if (dominates(&c[j], &c[i], r, np))
				break;
		if (j == w)
			c[w++] = c[i];
	}
	return w;
}

static void reach_after(const struct fr_table *t, size_t issue, struct reach *r)
{
	size_t left = t->ni - 1 - issue;

	for (size_t k = 0; k < t->np; k++) {
		r->rem[k] = 0;
		for (size_t i = issue + 1; i < t->ni; i++) {
			double best = -INFINITY;

			for (size_t v = t->lo[i]; v < t->hi[i]; v++)
				best = fmax(best, fr_contrib(t, i, v)[k]);
			r->rem[k] += best;
		}
	}
	r->gap = left ? 2.0 * (double)(left + 1) * (nextafter(t->magnitude, INFINITY) - t->magnitude) : 0;
}

/* Merges the runs a[0..n) and b[0..m), each sorted by u0 descending, into out. */
static void merge_runs(const struct node *a, size_t n, const struct node *b, size_t m,
		       struct node *out)
{
	size_t i = 0, j = 0, w = 0;

	while (i < n && j < m)
		out[w++] = b[j].u[0] > a[i].u[0] ? b[j++] : a[i++];
	while (i < n)
		out[w++] = a[i++];
	while (j < m)
		out[w++] = b[j++];
}

/* Within runs of equal u0, the full order: the other parties descending, then the
 * lexicographic key (so the first of equal points names the least outcome). */
static void sort_groups(struct node *c, size_t n, size_t np)
{
	for (size_t g = 0, end; g < n; g = end) {
		for (end = g + 1; end < n && c[end].u[0] == c[g].u[0]; end++)
			;
		if (end - g > 16) {
			qsort(c + g, end - g, sizeof(*c), cmp_desc[np]);
			continue;
		}
		for (size_t i = g + 1; i < end; i++) {	/* small groups: insertion */
			struct node x = c[i];
			size_t j = i;

			for (; j > g && cmp_desc[np](&x, &c[j - 1]) < 0; j--)
				c[j] = c[j - 1];
			c[j] = x;
		}
	}
}

/* Replaces each kept node's key by its rank in lexicographic order of outcomes:
 * bucket by the parent's rank, then by value within a bucket. */
static enum nk_status rank_nodes(struct node *c, size_t n, const struct node *prev, size_t nprev)
{
	size_t *begin = calloc(nprev + 1, sizeof(*begin));
	size_t *fill = malloc((nprev + 1) * sizeof(*fill));
	uint32_t *slot = malloc((n ? n : 1) * sizeof(*slot));
	enum nk_status rc = NK_ENOMEM;

	if (!begin || !fill || !slot)
		goto out;
	for (size_t r = 0; r < n; r++)
		begin[prev[c[r].parent].key + 1]++;
	for (size_t b = 0; b < nprev; b++)
		begin[b + 1] += begin[b];
	memcpy(fill, begin, (nprev + 1) * sizeof(*fill));
	for (size_t r = 0; r < n; r++) {
		size_t b = prev[c[r].parent].key, at = fill[b]++;

		/* Insertion by value among the parent's children placed so far. */
		while (at > begin[b] && c[slot[at - 1]].value > c[r].value) {
			slot[at] = slot[at - 1];
			at--;
		}
		slot[at] = (uint32_t)r;
	}
	for (size_t r = 0; r < n; r++)
		c[slot[r]].key = r;
	rc = NK_OK;
out:
	free(begin);
	free(fill);
	free(slot);
	return rc;
}

/* Folds issue i into prev[0..nprev) (in fold order: utilities descending) giving next
 * (a new array, same order) and its length. */
static enum nk_status fold_issue(struct fold *fd, size_t i, const struct node *prev, size_t nprev,
				 struct node **next, size_t *nnext, struct nk_error *err)
{
	const struct fr_table *t = fd->t;
	size_t m = t->hi[i] - t->lo[i], n = nprev * m;
	int last = i + 1 == t->ni;
	struct node *c = NULL, *tmp = NULL, *sorted;
	struct reach reach;
	enum nk_status rc;

	if (nprev > NK_FRONTIER_MAX / m * 4) {
		rc = nk_fail(err, NK_ERANGE, "frontier",
			     "the fold would weigh over %u partial packages at issue %zu",
			     NK_FRONTIER_MAX * 4, i + 1);
		goto out;
	}
	c = malloc(n * sizeof(*c));
	tmp = malloc(n * sizeof(*tmp));
	if (!c || !tmp) {
		rc = nk_fail(err, NK_ENOMEM, "frontier", "out of memory");
		goto out;
	}
	reach_after(t, i, &reach);
	/* One run per value, each already in descending order of u0 (adding a constant
	 * and capping never reorder). */
	for (size_t v = t->lo[i]; v < t->hi[i]; v++) {
		const double *add = fr_contrib(t, i, v);
		struct node *run = c + (v - t->lo[i]) * nprev;

		for (size_t p = 0; p < nprev; p++) {
			struct node *x = &run[p];

			for (size_t k = 0; k < fd->np; k++) {
				x->u[k] = prev[p].u[k] + add[k];
				if (last && x->u[k] > FR_CAP)
					x->u[k] = FR_CAP;
			}
			x->count = prev[p].count;
			x->parent = (uint32_t)p;
			x->value = (uint32_t)v;
			x->key = prev[p].key * (uint64_t)NK_VALUES_MAX + (v - t->lo[i]);
		}
	}
	/* The runs, one per value, each already in descending order of u0 (adding a
	 * constant and capping never reorder), are merged pairwise, O(n log m). */
	for (size_t width = nprev; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;

			merge_runs(c + lo, mid - lo, c + mid, hi - mid, tmp + lo);
		}
		sorted = c;
		c = tmp;
		tmp = sorted;
	}
	sort_groups(c, n, fd->np);
	n = merge_ties(c, n, fd->np);
	n = fd->np == 2 ? prune2(c, n, &reach) : prunen(c, n, &reach, fd->np);
	if (n > NK_FRONTIER_MAX) {
		rc = nk_fail(err, NK_ERANGE, "frontier",
			     "more than %u partial packages after issue %zu", NK_FRONTIER_MAX, i + 1);
		goto out;
	}
	if (rank_nodes(c, n, prev, nprev)) {
		rc = nk_fail(err, NK_ENOMEM, "frontier", "out of memory");
		goto out;
	}
	*next = c;
	*nnext = n;
	c = NULL;
	rc = NK_OK;
out:
	free(c);
	free(tmp);
	return rc;
}

static void free_fold(struct fold *fd)
{
	for (size_t i = 0; i < NK_ISSUES_MAX; i++)
		free(fd->links[i]);
}

/* Walks back from node r of the last step, writing the outcome. */
static void outcome_of(const struct fold *fd, size_t r, uint32_t *outcome)
{
	for (size_t i = fd->t->ni; i-- > 0;) {
		outcome[i] = fd->links[i][r].value;
		r = fd->links[i][r].parent;
	}
}

enum nk_status nk_frontier_compute(const struct nk_agenda *agenda,
				   const struct nk_profile *const *profiles, size_t nparties,
				   const struct nk_frontier_options *options,
				   struct nk_frontier **out, struct nk_error *err)
{
	struct fold fd = { 0 };
	struct fr_table t;
	struct node *cur = NULL, root = { .count = 1 };
	struct fr_point *points = NULL;
	uint32_t *outcomes = NULL;
	struct nk_frontier *f = NULL;
	size_t ncur = 1;
	enum nk_status rc;

	rc = fr_table_init(&t, agenda, profiles, nparties, options, err);
	if (rc)
		return rc;
	fd.t = &t;
	fd.np = nparties;
	for (size_t i = 0; i < t.ni; i++) {
		struct node *next = NULL;
		size_t nnext = 0;

		rc = fold_issue(&fd, i, cur ? cur : &root, ncur, &next, &nnext, err);
		if (rc)
			goto out;
		free(cur);
		cur = next;
		ncur = nnext;
		fd.links[i] = malloc(ncur * sizeof(*fd.links[i]));
		if (!fd.links[i]) {
			rc = nk_fail(err, NK_ENOMEM, "frontier", "out of memory");
			goto out;
		}
		for (size_t r = 0; r < ncur; r++)
			fd.links[i][r] = (struct link){ cur[r].parent, cur[r].value };
		if (ncur > fd.stages_max)
			fd.stages_max = ncur;
		if (options && options->progress)
			options->progress(options->progress_arg, i + 1, t.ni);
	}
	points = malloc(ncur * sizeof(*points));
	outcomes = malloc(ncur * t.ni * sizeof(*outcomes));
	if (!points || !outcomes) {
		rc = nk_fail(err, NK_ENOMEM, "frontier", "out of memory");
		goto out;
	}
	for (size_t r = 0; r < ncur; r++) {
		memcpy(points[r].u, cur[r].u, sizeof(points[r].u));
		points[r].count = cur[r].count;
		outcome_of(&fd, r, outcomes + r * t.ni);
	}
	rc = fr_build(&t, points, outcomes, ncur, &f, err);
	if (rc)
		goto out;
	f->stages_max = fd.stages_max;
	*out = f;
out:
	free(cur);
	free(points);
	free(outcomes);
	free_fold(&fd);
	fr_table_free(&t);
	return rc;
}
