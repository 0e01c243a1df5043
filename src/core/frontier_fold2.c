/* The two-party fold as a streaming merge: each value of the next issue shifts the
 * previous step into a run sorted by party 1's utility; a heap merges the runs, and
 * stretches that the packages kept so far already dominate are skipped unbuilt.
 * Compiled three times: as is, adding quads, and from frontier_fold2_int.c and
 * frontier_fold2_fast.c adding 128-bit integers or doubles (fr_v; see frontier_common.h). */
#include "core/frontier_fold2.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* A partial package: its utilities, how many partial outcomes reach them, and the first
 * of those in lexicographic order, as parent + value and as a rank (key). */
struct pack {
	fr_v u[2];
	uint64_t count;
	uint64_t key;	/* kept: rank among the step's packages; candidate: parent's rank x
			 * NK_VALUES_MAX + value offset, the same order */
	uint32_t parent;
	uint32_t value;
};

/* One value's run: the previous step's packages in order plus that value's
 * contributions; head holds the utilities of the package at position p. */
struct run {
	fr_v add[2];
	fr_v head[2];
	size_t p;
	uint32_t value;
	uint32_t offset;	/* value - lowest allowed value */
};

/* A heap entry: a run and its head's party-1 utility. */
struct slot {
	fr_v u0;
	size_t run;
};

/* One step of the merge. Invariants: every package kept so far has a larger party-1
 * utility than any head; top is the largest party-2 utility kept so far; best_gt the
 * largest party-2 utility among out[0..a), those kept more than gap above the heads. */
struct merge {
	const struct pack *prev;
	size_t nprev;
	const uint32_t *rising;	/* per package: the end of its stretch of the previous step
				 * along which party 2's utility never falls */
	int last;		/* the last issue: utilities are capped at 1 */
	struct fr_reach_v reach;
	struct run *runs;
	struct slot *heap;	/* the runs by head[0], largest first */
	size_t nheap;
	struct pack *out, *group;
	size_t nout, capout, ngroup, capgroup;
	fr_v top, best_gt;
	size_t a;
};

static void run_head(const struct merge *mg, struct run *r)
{
	const struct pack *q = &mg->prev[r->p];
	fr_v u0 = q->u[0] + r->add[0], u1 = q->u[1] + r->add[1];

	if (mg->last) {
		u0 = u0 > mg->reach.cap[0] ? mg->reach.cap[0] : u0;
		u1 = u1 > mg->reach.cap[1] ? mg->reach.cap[1] : u1;
	}
	r->head[0] = u0;
	r->head[1] = u1;
}

/* A candidate with utilities u (at or below every head so far) that the general prune
 * would certainly drop: a kept package more than gap above it for party 1 is at least
 * as good for party 2, or one at or above it for party 1 is more than gap better for
 * party 2 (best_gt and top only grow, and a dropped candidate is dominated by a kept
 * one, so these lower bounds of the prune's maxima suffice), and the party that is
 * worse off cannot reach the cap. */
static int dominated(const struct merge *mg, const fr_v *u)
{
	const struct fr_reach_v *r = &mg->reach;

	return (mg->best_gt >= u[1] && !fr_capable(u[0], r, 0)) ||
	       (mg->top - u[1] > r->gap && !fr_capable(u[1], r, 1));
}

/* Moves run r past dominated candidates; 0 when the run is exhausted. Along a stretch
 * where the previous step's party-2 utility never falls, the candidates' party-2
 * utilities never fall either (adding a constant and capping are monotone) while
 * party 1's never rise, so when the candidate at j is dominated by the rule that covers
 * the head (a kept package better for party 2 than j, or a kept one above the head for
 * party 1 at least as good as j), everything from the head to j is too: gallop to the
 * last such j. */
static int run_skip(const struct merge *mg, struct run *r)
{
	const struct fr_reach_v *rc = &mg->reach;

	while (dominated(mg, r->head)) {
		size_t lo = r->p, end = mg->rising[r->p], step = 1;
		int by_first = !fr_capable(r->head[0], rc, 0);
		struct run probe = *r;

		/* Invariant: the candidate at lo is covered; find the last covered up to end. */
		while (lo < end) {
			size_t j = end - lo < step ? end : lo + step;
			fr_v u1;

			probe.p = j;
			run_head(mg, &probe);
			u1 = probe.head[1];
			if ((mg->top - u1 > rc->gap && !fr_capable(u1, rc, 1)) ||
			    (by_first && mg->best_gt >= u1)) {
				lo = j;
				step *= 2;
			} else if (step == 1) {
				break;
			} else {
				step = 1;
			}
		}
		r->p = lo + 1;
		if (r->p == mg->nprev)
			return 0;
		run_head(mg, r);
	}
	return 1;
}

/* Sifts the entry at i down to its place (a hole moves down, children move up). */
static void heap_down(struct merge *mg, size_t i)
{
	struct slot *h = mg->heap, x = h[i];
	size_t n = mg->nheap;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && h[c + 1].u0 > h[c].u0)
			c++;
		if (!(h[c].u0 > x.u0))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = x;
}

/* The top run's head has moved: re-sort it, or drop it when exhausted. */
static void heap_top_moved(struct merge *mg, int exhausted)
{
	if (exhausted)
		mg->heap[0] = mg->heap[--mg->nheap];
	else
		mg->heap[0].u0 = mg->runs[mg->heap[0].run].head[0];
	if (mg->nheap)
		heap_down(mg, 0);
}

/* Makes room for at least want packages in *a (grown by doubling); 0 when out of memory. */
static int reserve(struct pack **a, size_t *cap, size_t want)
{
	size_t c = *cap ? *cap : 64;
	struct pack *g;

	if (want <= *cap)
		return 1;
	while (c < want)
		c *= 2;
	g = realloc(*a, c * sizeof(*g));
	if (!g)
		return 0;
	*a = g;
	*cap = c;
	return 1;
}

/* Appends x to an array grown by doubling; 0 when out of memory. */
static int append(struct pack **a, size_t *n, size_t *cap, const struct pack *x)
{
	if (*n == *cap && !reserve(a, cap, *n + 1))
		return 0;
	(*a)[(*n)++] = *x;
	return 1;
}

/* The larger of a and b (no NaN here; which zero is returned does not matter). */
static fr_v max2(fr_v a, fr_v b)
{
	return a > b ? a : b;
}

/* Order within a group of equal party-1 utility: party 2 descending, then the
 * lexicographic key (so the first of equal points names the least outcome). */
static int pack_before(const struct pack *x, const struct pack *y)
{
	if (x->u[1] != y->u[1])
		return x->u[1] > y->u[1];
	return x->key < y->key;
}

/* Sorts g[0..n) by pack_before, using tmp[0..n): insertion for small groups, else a
 * natural merge sort, since a group is a few sorted stretches, one per run that
 * reaches it. */
static void sort_group(struct pack *g, struct pack *tmp, size_t n)
{
	struct pack *src = g, *dst = tmp;

	if (n <= 16) {
		for (size_t i = 1; i < n; i++) {
			struct pack x = g[i];
			size_t j = i;

			for (; j > 0 && pack_before(&x, &g[j - 1]); j--)
				g[j] = g[j - 1];
			g[j] = x;
		}
		return;
	}
	for (;;) {
		size_t runs = 0;

		for (size_t lo = 0; lo < n;) {
			size_t mid = lo + 1, hi, i, j, w = lo;

			while (mid < n && !pack_before(&src[mid], &src[mid - 1]))
				mid++;
			hi = mid;
			if (hi < n)
				for (hi = mid + 1; hi < n && !pack_before(&src[hi], &src[hi - 1]); hi++)
					;
			for (i = lo, j = mid; i < mid && j < hi;)
				dst[w++] = pack_before(&src[j], &src[i]) ? src[j++] : src[i++];
			while (i < mid)
				dst[w++] = src[i++];
			while (j < hi)
				dst[w++] = src[j++];
			runs++;
			lo = hi;
		}
		src = dst;
		dst = src == g ? tmp : g;
		if (runs <= 1)
			break;
	}
	if (src != g)
		memcpy(g, src, n * sizeof(*g));
}

/* The general prune applied to one group of equal party-1 utility x: P goes when a
 * package more than gap above x is at least as good for party 2, or one at or above x
 * is more than gap better for party 2, unless the worse-off party could still reach the
 * cap. Equal points share that answer, so the dropped go first and only the rest are
 * sorted and their ties merged. */
static int close_group(struct merge *mg)
{
	const struct fr_reach_v *r = &mg->reach;
	struct pack *g;
	size_t n = 0, w = 0;
	fr_v best_ge = mg->top;

	if (mg->ngroup == 1) {	/* the usual case: nothing to sort or merge */
		const struct pack *p = &mg->group[0];

		mg->ngroup = 0;
		if ((mg->best_gt >= p->u[1] && !fr_capable(p->u[0], r, 0)) ||
		    (max2(best_ge, p->u[1]) - p->u[1] > r->gap && !fr_capable(p->u[1], r, 1)))
			return 1;
		mg->top = max2(mg->top, p->u[1]);
		return append(&mg->out, &mg->nout, &mg->capout, p);
	}
	if (!reserve(&mg->group, &mg->capgroup, 2 * mg->ngroup))	/* room to sort */
		return 0;
	g = mg->group;
	for (size_t i = 0; i < mg->ngroup; i++)
		best_ge = max2(best_ge, g[i].u[1]);
	for (size_t i = 0; i < mg->ngroup; i++) {
		const struct pack *p = &g[i];

		if ((mg->best_gt >= p->u[1] && !fr_capable(p->u[0], r, 0)) ||
		    (best_ge - p->u[1] > r->gap && !fr_capable(p->u[1], r, 1)))
			continue;
		g[w++] = *p;
	}
	if (w > 1)
		sort_group(g, g + mg->ngroup, w);
	for (size_t i = 0; i < w; i++) {
		if (n && g[n - 1].u[1] == g[i].u[1]) {
			g[n - 1].count = fr_add_count(g[n - 1].count, g[i].count);
			continue;
		}
		g[n++] = g[i];
	}
	for (size_t i = 0; i < n; i++) {
		if (!append(&mg->out, &mg->nout, &mg->capout, &g[i]))
			return 0;
		mg->top = max2(mg->top, g[i].u[1]);
	}
	mg->ngroup = 0;
	return 1;
}

/* Adds the candidate at run r's head to the open group. */
static int take_head(struct merge *mg, const struct run *r)
{
	const struct pack *q = &mg->prev[r->p];
	struct pack x = {
		.u = { r->head[0], r->head[1] },
		.count = q->count,
		.key = q->key * (uint64_t)NK_VALUES_MAX + r->offset,
		.parent = (uint32_t)r->p,
		.value = r->value,
	};

	return append(&mg->group, &mg->ngroup, &mg->capgroup, &x);
}

/* Merges all runs into mg->out (party 1 descending, then party 2 descending). */
static int merge_runs(struct merge *mg)
{
	while (mg->nheap) {
		struct run *r = &mg->runs[mg->heap[0].run];
		fr_v x = r->head[0];

		/* Kept packages more than gap above x are more than gap above every head. */
		while (mg->a < mg->nout && mg->out[mg->a].u[0] - x > mg->reach.gap)
			mg->best_gt = max2(mg->best_gt, mg->out[mg->a++].u[1]);
		if (!run_skip(mg, r)) {
			heap_top_moved(mg, 1);
			continue;
		}
		if (r->head[0] != x) {
			heap_top_moved(mg, 0);
			continue;
		}
		/* The group at x: every head equal to x, each run's stretch of them. */
		while (mg->nheap && mg->heap[0].u0 == x) {
			r = &mg->runs[mg->heap[0].run];
			for (;;) {
				if (!dominated(mg, r->head) && !take_head(mg, r))
					return 0;
				if (++r->p == mg->nprev) {
					heap_top_moved(mg, 1);
					break;
				}
				run_head(mg, r);
				if (r->head[0] != x) {
					heap_top_moved(mg, 0);
					break;
				}
			}
		}
		if (mg->ngroup && !close_group(mg))
			return 0;
	}
	return 1;
}

static const struct fr_layout pack_layout = {
	.size = sizeof(struct pack), .u = offsetof(struct pack, u), .nu = 2,
	.count = offsetof(struct pack, count), .key = offsetof(struct pack, key),
	.parent = offsetof(struct pack, parent), .value = offsetof(struct pack, value),
	.arith = FR_ARITH,
};

/* Folds issue i into prev[0..nprev) giving *next (a new array, same order). */
static enum nk_status fold_issue(const struct fr_table *t, size_t i, const void *prev_packs,
				 size_t nprev, void **next, size_t *nnext, struct nk_error *err)
{
	const struct pack *prev = prev_packs;
	size_t m = t->hi[i] - t->lo[i];
	struct merge mg = {
		.prev = prev, .nprev = nprev, .last = i + 1 == t->ni,
		.top = FR_V_MIN, .best_gt = FR_V_MIN,
	};
	uint32_t *rising = NULL;
	enum nk_status rc;

	rc = fr_check_step(nprev, m, i, err);
	if (rc)
		return rc;
	fr_reach_v_after(t, i, &mg.reach);
	mg.runs = malloc(m * sizeof(*mg.runs));
	mg.heap = malloc(m * sizeof(*mg.heap));
	rising = malloc(nprev * sizeof(*rising));
	/* Room for about as many packages as the previous step kept; grown when needed. */
	mg.capout = nprev + nprev / 2 + 16;
	mg.out = malloc(mg.capout * sizeof(*mg.out));
	if (!mg.runs || !mg.heap || !rising || !mg.out)
		goto nomem;
	rising[nprev - 1] = (uint32_t)(nprev - 1);
	for (size_t p = nprev - 1; p-- > 0;)
		rising[p] = prev[p].u[1] <= prev[p + 1].u[1] ? rising[p + 1] : (uint32_t)p;
	mg.rising = rising;
	for (size_t v = t->lo[i]; v < t->hi[i]; v++) {
		struct run *r = &mg.runs[v - t->lo[i]];
		const fr_u *add = fr_contrib(t, i, v);

		*r = (struct run){ .add = { fr_v_of(t, add[0]), fr_v_of(t, add[1]) }, .value = (uint32_t)v,
				   .offset = (uint32_t)(v - t->lo[i]) };
		run_head(&mg, r);
		mg.heap[mg.nheap++] = (struct slot){ r->head[0], v - t->lo[i] };
	}
	for (size_t h = mg.nheap / 2; h-- > 0;)
		heap_down(&mg, h);
	if (!merge_runs(&mg))
		goto nomem;
	rc = fr_work_add(t, (double)nprev * (double)m, 0, err);
	if (rc)
		goto out;
	if (mg.nout > NK_FRONTIER_MAX) {
		rc = nk_fail(err, NK_ERANGE, "frontier",
			     "more than %u partial packages after issue %zu", NK_FRONTIER_MAX, i + 1);
		goto out;
	}
	if (fr_rank(&pack_layout, mg.out, mg.nout, prev, nprev))
		goto nomem;
	*next = mg.out;
	*nnext = mg.nout;
	mg.out = NULL;
	rc = NK_OK;
	goto out;
nomem:
	rc = nk_fail(err, NK_ENOMEM, "frontier", "out of memory");
out:
	free(rising);
	free(mg.runs);
	free(mg.heap);
	free(mg.out);
	free(mg.group);
	return rc;
}

enum nk_status FR_FOLD(fr_fold2)(const struct fr_table *t,
				 const struct nk_frontier_options *options, struct fr_trail *trail,
				 struct nk_error *err)
{
	static const struct pack root = { .count = 1 };
	static const struct fr_fold_ops ops = {
		.root = &root, .step = fold_issue, .layout = &pack_layout,
	};

	return fr_fold(t, options, &ops, trail, err);
}
