/* The fold for three to five parties: each step builds every candidate (the packages kept
 * so far, each with every value of the next issue), sorts them and keeps those no other
 * dominates for good. Compiled twice: as is, adding quads (fr_v), and from
 * frontier_foldn_fast.c with FR_FAST, adding doubles, which hold a table's integers
 * exactly when they fit 2^53 (fr_table.fits53). See doc/analyze.md. */
#include "core/frontier_fold2.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* A partial package: utilities of the issues folded so far, how many partial outcomes
 * reach them, and the first of those (in lexicographic order) as parent + value. */
struct node {
	fr_v u[NK_PARTIES_MAX];
	uint64_t count;
	uint32_t parent;	/* index in the previous step */
	uint32_t value;		/* value of this step's issue */
	uint64_t key;		/* lexicographic rank: parent's rank, then value */
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

/* A is robustly better than b for party k: still better after every completion. */
static int robust(fr_v a, fr_v b, const struct node *c, const struct fr_reach_v *r,
		  size_t k)
{
	return a - b > r->gap && !fr_capable(c->u[k], r, k);
}

/* P is dominated by K when K >= P everywhere and K is robustly better for one party. */
static int dominates(const struct node *k, const struct node *p, const struct fr_reach_v *r,
		     size_t np)
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

/* Each candidate, in lexicographically descending order, against those kept (a
 * dominator always comes first in that order), counting the pairs compared; stops with
 * NK_ERANGE past the bounds (pairs, or NK_FRONTIER_MAX kept) or when the caller asks. */
static enum nk_status prunen(const struct fr_table *t, size_t issue, struct node *c,
			     size_t *n, const struct fr_reach_v *r, struct nk_error *err)
{
	double pairs = 0;
	size_t w = 0;

	for (size_t i = 0; i < *n; i++) {
		size_t j;

		for (j = 0; j < w; j++)
			if (dominates(&c[j], &c[i], r, t->np))
				break;
		if (j == w)
			c[w++] = c[i];
		pairs += (double)j;
		if (w > NK_FRONTIER_MAX)
			return nk_fail(err, NK_ERANGE, "frontier", "more than %u partial packages "
				       "after issue %zu", NK_FRONTIER_MAX, issue + 1);
		if (pairs >= 4096 || i + 1 == *n) {
			enum nk_status rc = fr_work_add(t, pairs, 1, err);

			if (rc)
				return rc;
			pairs = 0;
		}
	}
	*n = w;
	return NK_OK;
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

static const struct fr_layout node_layout = {
	.size = sizeof(struct node), .u = offsetof(struct node, u), .nu = NK_PARTIES_MAX,
	.count = offsetof(struct node, count), .key = offsetof(struct node, key),
	.parent = offsetof(struct node, parent), .value = offsetof(struct node, value),
	.arith = FR_ARITH,
};

/* Folds issue i into prev[0..nprev) (in fold order: utilities descending) giving next
 * (a new array, same order) and its length. */
static enum nk_status fold_issue(const struct fr_table *t, size_t i, const void *prev_nodes,
				 size_t nprev, void **next, size_t *nnext, struct nk_error *err)
{
	const struct node *prev = prev_nodes;
	size_t m = t->hi[i] - t->lo[i], n = nprev * m;
	int last = i + 1 == t->ni;
	struct node *c = NULL, *tmp = NULL, *sorted;
	struct fr_reach_v reach;
	enum nk_status rc;

	rc = fr_check_step(nprev, m, i, err);
	if (rc)
		goto out;
	c = malloc(n * sizeof(*c));
	tmp = malloc(n * sizeof(*tmp));
	if (!c || !tmp) {
		rc = nk_fail(err, NK_ENOMEM, "frontier", "out of memory");
		goto out;
	}
	fr_reach_v_after(t, i, &reach);
	/* One run per value, each already in descending order of u0 (adding a constant
	 * and capping never reorder). */
	for (size_t v = t->lo[i]; v < t->hi[i]; v++) {
		const fr_u *contrib = fr_contrib(t, i, v);
		struct node *run = c + (v - t->lo[i]) * nprev;
		fr_v add[NK_PARTIES_MAX];

		for (size_t k = 0; k < t->np; k++)
			add[k] = fr_v_of(t, contrib[k]);
		for (size_t p = 0; p < nprev; p++) {
			struct node *x = &run[p];

			for (size_t k = 0; k < t->np; k++) {
				x->u[k] = prev[p].u[k] + add[k];
				if (last && x->u[k] > reach.cap[k])
					x->u[k] = reach.cap[k];
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
	sort_groups(c, n, t->np);
	n = merge_ties(c, n, t->np);
	rc = prunen(t, i, c, &n, &reach, err);
	if (rc)
		goto out;
	if (fr_rank(&node_layout, c, n, prev, nprev)) {
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

enum nk_status FR_FOLD(fr_foldn)(const struct fr_table *t,
				 const struct nk_frontier_options *options, struct fr_trail *trail,
				 struct nk_error *err)
{
	static const struct node root = { .count = 1 };
	static const struct fr_fold_ops ops = {
		.root = &root, .step = fold_issue, .layout = &node_layout, .quadratic = 1,
	};

	return fr_fold(t, options, &ops, trail, err);
}

