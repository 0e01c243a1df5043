/* The contribution table and the frontier builder shared by the fold and the
 * enumeration; input checks for both live here; and what the two folds (frontier.c,
 * frontier_fold2.c) share: the step limit, the reach, and the driver over the issues.
 * Pure. */
#include "core/frontier_common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Whether the integer folds may run, and with what scale. An exact table is integers
 * already, each party's sum of largest |contribution| (sum[k]) at most 2^113 (and
 * comparisons there have no gap, so the sign of a difference is all that counts).
 * Otherwise the contributions are GENIUS's doubles, binary fractions: times 2^s, s the
 * most fraction bits one has, they are integers, and so are the gap and the cap (the
 * gap is a multiple of the ulp of the largest sum, no finer than any contribution's).
 * While every sum times 2^s stays within 2^112, every partial sum, reach and difference
 * the quad fold makes is a multiple of 2^-s below 2^113 in magnitude: exact, so the
 * integers give the very same answer. Doubles: the same within 2^53 (2^52 with a gap). */
static void fr_table_ints(struct fr_table *t, const fr_u *sum)
{
	int s = 0, e;
	fr_u lim;

	t->iscale = 1;
	t->ints = t->exact;
	t->fits53 = t->exact;
	if (!t->exact) {
		for (size_t i = 0; i < t->ni; i++)
			for (size_t n = 0; n < (t->hi[i] - t->lo[i]) * t->np; n++) {
				double x = (double)t->c[i][n];

				if (x == 0)
					continue;
				frexp(x, &e);	/* |x| < 2^e: 53 bits, the last of weight 2^(e-53) */
				s = 53 - e > s ? 53 - e : s;
			}
		if (s > 900)
			return;
		t->iscale = (fr_u)ldexp(1.0, s);
		t->ints = 1;
		t->fits53 = 1;
	}
	lim = t->exact ? (fr_u)ldexp(1.0, 113) : (fr_u)ldexp(1.0, 112);
	for (size_t k = 0; k < t->np; k++) {
		fr_u m = sum[k] * t->iscale, cap = t->cap[k] * t->iscale;

		if (m > lim || cap > lim)
			t->ints = 0;
		if (m > (t->exact ? FR_DOUBLE_EXACT : FR_DOUBLE_EXACT / 2) ||
		    cap > FR_DOUBLE_EXACT)
			t->fits53 = 0;
	}
	if (!t->exact) {	/* every gap is a multiple of this one */
		double g = 2.0 * (nextafter(t->magnitude, INFINITY) - t->magnitude);
		fr_u gi = (fr_u)g * t->iscale;

		if (gi != (fr_u)(__extension__(__int128)gi))
			t->ints = t->fits53 = 0;
	}
	t->fits53 = t->fits53 && t->ints;
}

enum nk_status fr_table_init(struct fr_table *t, const struct nk_agenda *agenda,
			     const struct nk_profile *const *profiles, size_t nparties,
			     const struct nk_frontier_options *options, struct nk_error *err)
{
	const int32_t *fixed = options ? options->fixed : NULL;
	enum nk_status rc;
	size_t total = 0;
	fr_u *p, sum[NK_PARTIES_MAX];

	memset(t, 0, sizeof(*t));
	if (nparties < NK_PARTIES_MIN || nparties > NK_PARTIES_MAX || !profiles)
		return nk_fail(err, NK_EINVAL, "profiles", "2 to %d parties are needed, not %zu",
			       NK_PARTIES_MAX, nparties);
	rc = nk_agenda_check(agenda, err);
	if (rc)
		return rc;
	for (size_t k = 0; k < nparties; k++) {
		rc = nk_profile_check(agenda, profiles[k], err);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < agenda->nissues; i++) {
		size_t n = agenda->issues[i].nvalues;

		if (fixed && fixed[i] >= 0) {
			if ((size_t)fixed[i] >= n)
				return nk_fail(err, NK_EINVAL, agenda->issues[i].name,
					       "fixed value %d is out of range", fixed[i]);
			t->lo[i] = (size_t)fixed[i];
			t->hi[i] = (size_t)fixed[i] + 1;
		} else {
			t->lo[i] = 0;
			t->hi[i] = n;
		}
		total += t->hi[i] - t->lo[i];
	}
	t->buf = malloc(total * nparties * sizeof(*t->buf));
	if (!t->buf)
		return nk_fail(err, NK_ENOMEM, "frontier", "out of memory");
	t->np = nparties;
	t->ni = agenda->nissues;
	p = t->buf;
	for (size_t i = 0; i < agenda->nissues; i++) {
		t->c[i] = p;
		for (size_t v = t->lo[i]; v < t->hi[i]; v++)
			for (size_t k = 0; k < nparties; k++)
				*p++ = nk_contribution(&profiles[k]->valuations[i], v);
	}
	for (size_t k = 0; k < nparties; k++)
		t->reservation[k] = profiles[k]->reservation;
	fr_table_exact(t, agenda, profiles);
	for (size_t k = 0; k < nparties; k++) {
		fr_u m = 0;

		for (size_t i = 0; i < t->ni; i++) {
			fr_u big = 0, best = -INFINITY;

			for (size_t v = t->lo[i]; v < t->hi[i]; v++) {
				fr_u x = fr_contrib(t, i, v)[k];

				big = x > big ? x : -x > big ? -x : big;
				best = x > best ? x : best;
			}
			m += big;
			t->best[i][k] = best;
		}
		sum[k] = m;
		t->magnitude = fmax(t->magnitude, fmax((double)m, 1.0));
	}
	fr_table_ints(t, sum);
	return NK_OK;
}

void fr_table_free(struct fr_table *t)
{
	free(t->buf);
	t->buf = NULL;
}

struct build_sort {
	const struct fr_point *p;
	size_t index;
	size_t np;
};

static int cmp_ascending(const void *a, const void *b)
{
	const struct build_sort *x = a, *y = b;

	for (size_t k = 0; k < x->np; k++)
		if (x->p->u[k] != y->p->u[k])
			return x->p->u[k] < y->p->u[k] ? -1 : 1;
	return 0;
}

enum nk_status fr_build(const struct fr_table *t, const struct fr_point *points,
			const uint32_t *outcomes, size_t n, struct nk_frontier **out,
			struct nk_error *err)
{
	enum nk_status rc = NK_ENOMEM;
	struct build_sort *order = NULL;
	struct nk_frontier *f = NULL;
	int descending;

	f = calloc(1, sizeof(*f));
	order = calloc(n ? n : 1, sizeof(*order));
	if (!f || !order)
		goto out;
	f->points = calloc(n ? n : 1, sizeof(*f->points));
	f->outcomes = calloc(n * t->ni + 1, sizeof(*f->outcomes));
	if (!f->points || !f->outcomes)
		goto out;
	f->nparties = t->np;
	f->nissues = t->ni;
	f->npoints = n;
	f->exact = t->exact;
	f->arith = NK_ARITH_QUAD;
	memcpy(f->reservation, t->reservation, sizeof(f->reservation));
	for (size_t i = 0; i < n; i++)
		order[i] = (struct build_sort){ .p = &points[i], .index = i, .np = t->np };
	/* The fold leaves its points in descending order: then reversing sorts them. */
	descending = 1;
	for (size_t i = 1; i < n && descending; i++)
		descending = cmp_ascending(&order[i], &order[i - 1]) < 0;
	if (descending) {
		for (size_t i = 0; i < n / 2; i++) {
			struct build_sort x = order[i];

			order[i] = order[n - 1 - i];
			order[n - 1 - i] = x;
		}
	} else {
		qsort(order, n, sizeof(*order), cmp_ascending);
	}
	for (size_t i = 0; i < n; i++) {
		struct nk_frontier_point *fp = &f->points[i];

		fp->acceptable = true;
		for (size_t k = 0; k < t->np; k++) {
			fp->utility[k] = (double)(order[i].p->u[k] / t->scale[k]);
			if (order[i].p->u[k] < t->threshold[k])
				fp->acceptable = false;
		}
		fp->count = order[i].p->count;
		memcpy(f->outcomes + i * t->ni, outcomes + order[i].index * t->ni,
		       t->ni * sizeof(*outcomes));
		fp->outcome = f->outcomes + i * t->ni;
	}
	*out = f;
	f = NULL;
	rc = NK_OK;
out:
	if (rc)
		nk_fail(err, rc, "frontier", "out of memory");
	nk_frontier_free(f);
	free(order);
	return rc;
}

void nk_frontier_free(struct nk_frontier *frontier)
{
	if (!frontier)
		return;
	free(frontier->points);
	free(frontier->outcomes);
	free(frontier);
}

enum nk_status fr_check_step(size_t nprev, size_t m, size_t i, struct nk_error *err)
{
	if (nprev > NK_FRONTIER_MAX / m * 4)
		return nk_fail(err, NK_ERANGE, "frontier",
			       "the fold would weigh over %u partial packages at issue %zu",
			       NK_FRONTIER_MAX * 4, i + 1);
	return NK_OK;
}

void fr_reach_after(const struct fr_table *t, size_t issue, struct fr_reach *r)
{
	size_t left = t->ni - 1 - issue;

	for (size_t k = 0; k < t->np; k++) {
		r->rem[k] = 0;
		for (size_t i = issue + 1; i < t->ni; i++)
			r->rem[k] += t->best[i][k];
		r->cap[k] = t->cap[k];
	}
	r->gap = left && !t->exact ? 2.0 * (double)(left + 1) *
		(nextafter(t->magnitude, INFINITY) - t->magnitude) : 0;
}

void fr_trail_free(struct fr_trail *trail)
{
	for (size_t i = 0; i < NK_ISSUES_MAX; i++)
		free(trail->links[i]);
	free(trail->points);
}

enum nk_status fr_work_add(const struct fr_table *t, double w, int bounded,
			   struct nk_error *err)
{
	struct fr_work *k = t->work;

	k->at.work_done += w;
	k->at.work_left = k->at.work_left > w ? k->at.work_left - w : 0;
	k->step += w;
	k->since += w;
	if (bounded && k->step > NK_FRONTIER_WORK_MAX)
		return nk_fail(err, NK_ERANGE, "frontier", "issue %zu of %zu compared more than %u "
			       "pairs of partial packages, the bound for %zu parties; fix issues "
			       "(--fix) or analyse fewer parties", k->at.done + 1, t->ni,
			       NK_FRONTIER_WORK_MAX, t->np);
	if (k->since >= 65536) {
		k->since = 0;
		if (k->options && k->options->progress &&
		    k->options->progress(k->options->progress_arg, &k->at))
			return nk_fail(err, NK_ERANGE, "stopped", "stopped during issue %zu of %zu",
				       k->at.done + 1, t->ni);
	}
	return NK_OK;
}

/* Before folding issue i into nprev packages (the step before kept prevprev): the work
 * of this step and of the rest, extrapolating the growth of the packages kept (each step
 * keeps about g times as many as the one before, g the last ratio, at least 1). A
 * quadratic step estimated over NK_FRONTIER_WORK_MAX is refused before it starts. */
static enum nk_status fold_estimate(const struct fr_table *t, const struct fr_fold_ops *ops,
				    size_t i, size_t nprev, size_t prevprev, struct nk_error *err)
{
	double g = prevprev ? (double)nprev / (double)prevprev : 1, kept = (double)nprev;
	double left = 0, first = 0;

	g = g < 1 ? 1 : g;
	for (size_t j = i; j < t->ni; j++) {
		double cand = kept * (double)(t->hi[j] - t->lo[j]), next = kept * g;

		next = next > cand ? cand : next > NK_FRONTIER_MAX ? NK_FRONTIER_MAX : next;
		left += ops->quadratic ? cand * next / 2 : cand;
		if (j == i)
			first = ops->quadratic ? cand * next / 2 : cand;
		kept = next;
	}
	t->work->at.work_left = left;
	t->work->step = 0;
	if (ops->quadratic && i > 0 && first > NK_FRONTIER_WORK_MAX)
		return nk_fail(err, NK_ERANGE, "frontier", "issue %zu of %zu would compare about "
			       "%.2g pairs of partial packages (%zu kept so far, growing %.1fx an "
			       "issue), over the %u allowed for %zu parties; fix issues (--fix) or "
			       "analyse fewer parties", i + 1, t->ni, first, nprev, g,
			       NK_FRONTIER_WORK_MAX, t->np);
	return NK_OK;
}

/* The driver both folds share: folds the issues in one at a time through ops->step,
 * keeping each step's links for the walk back and the last step's points. */
/* Fields of package r of a step, read and written through the fold's layout. */
static uint32_t get32(const struct fr_layout *l, const void *step, size_t r, size_t field)
{
	uint32_t v;

	memcpy(&v, (const unsigned char *)step + r * l->size + field, sizeof(v));
	return v;
}

static uint64_t get64(const struct fr_layout *l, const void *step, size_t r, size_t field)
{
	uint64_t v;

	memcpy(&v, (const unsigned char *)step + r * l->size + field, sizeof(v));
	return v;
}

static void set64(const struct fr_layout *l, void *step, size_t r, size_t field, uint64_t v)
{
	memcpy((unsigned char *)step + r * l->size + field, &v, sizeof(v));
}

static struct fr_link fold_link(const struct fr_layout *l, const void *step, size_t r)
{
	return (struct fr_link){ get32(l, step, r, l->parent), get32(l, step, r, l->value) };
}

/* Package r of a step as a point in the table's units (the integer folds' divided back by
 * iscale, a power of two: exact). */
static struct fr_point fold_point(const struct fr_table *t, const struct fr_layout *l,
				  const void *step, size_t r)
{
	struct fr_point p = { .count = get64(l, step, r, l->count) };
	const unsigned char *u = (const unsigned char *)step + r * l->size + l->u;

	int scaled = l->arith != NK_ARITH_QUAD && t->iscale != 1;
	size_t nu = l->nu < t->np ? l->nu : t->np;	/* slots past the parties are unset */

	for (size_t k = 0; k < nu; k++) {
		if (l->arith == NK_ARITH_DOUBLE) {
			double x;

			memcpy(&x, u + k * sizeof(x), sizeof(x));
			p.u[k] = x;
		} else if (l->arith == NK_ARITH_INT128) {
			__extension__ __int128 x;

			memcpy(&x, u + k * sizeof(x), sizeof(x));
			p.u[k] = (fr_u)x;	/* below 2^113: exact */
		} else {
			memcpy(&p.u[k], u + k * sizeof(p.u[k]), sizeof(p.u[k]));
		}
		if (scaled)
			p.u[k] /= t->iscale;
	}
	return p;
}

enum nk_status fr_rank(const struct fr_layout *l, void *step, size_t n, const void *prev,
		       size_t nprev)
{
	size_t *begin = calloc(nprev + 1, sizeof(*begin));
	size_t *fill = malloc((nprev + 1) * sizeof(*fill));
	uint32_t *slot = malloc((n ? n : 1) * sizeof(*slot));
	enum nk_status rc = NK_ENOMEM;

	if (!begin || !fill || !slot)
		goto out;
	for (size_t r = 0; r < n; r++)
		begin[get64(l, prev, get32(l, step, r, l->parent), l->key) + 1]++;
	for (size_t b = 0; b < nprev; b++)
		begin[b + 1] += begin[b];
	memcpy(fill, begin, (nprev + 1) * sizeof(*fill));
	for (size_t r = 0; r < n; r++) {
		size_t b = get64(l, prev, get32(l, step, r, l->parent), l->key), at = fill[b]++;
		uint32_t value = get32(l, step, r, l->value);

		/* Insertion by value among the parent's children placed so far. */
		while (at > begin[b] && get32(l, step, slot[at - 1], l->value) > value) {
			slot[at] = slot[at - 1];
			at--;
		}
		slot[at] = (uint32_t)r;
	}
	for (size_t r = 0; r < n; r++)
		set64(l, step, slot[r], l->key, r);
	rc = NK_OK;
out:
	free(begin);
	free(fill);
	free(slot);
	return rc;
}

enum nk_status fr_fold(const struct fr_table *t, const struct nk_frontier_options *options,
		       const struct fr_fold_ops *ops, struct fr_trail *trail, struct nk_error *err)
{
	void *cur = NULL;
	size_t ncur = 1, nprev_last = 1, prevprev = 1;
	enum nk_status rc = NK_OK;

	(void)options;
	for (size_t i = 0; i < t->ni; i++) {
		void *next = NULL;
		size_t nnext = 0;

		rc = fold_estimate(t, ops, i, ncur, prevprev, err);
		if (rc)
			goto out;
		rc = ops->step(t, i, cur ? cur : ops->root, ncur, &next, &nnext, err);
		if (rc)
			goto out;
		free(cur);
		cur = next;
		ncur = nnext;
		trail->links[i] = malloc((ncur ? ncur : 1) * sizeof(*trail->links[i]));
		if (!trail->links[i])
			goto nomem;
		for (size_t r = 0; r < ncur; r++)
			trail->links[i][r] = fold_link(ops->layout, cur, r);
		if (ncur > trail->stages_max)
			trail->stages_max = ncur;
		t->work->at.done = i + 1;
		if (t->work->options && t->work->options->progress &&
		    t->work->options->progress(t->work->options->progress_arg, &t->work->at))
			goto stopped;
		prevprev = nprev_last;
		nprev_last = ncur;
	}
	trail->points = malloc((ncur ? ncur : 1) * sizeof(*trail->points));
	if (!trail->points)
		goto nomem;
	for (size_t r = 0; r < ncur; r++)	/* t->ni >= 1, so cur is the last step */
		trail->points[r] = fold_point(t, ops->layout, cur, r);
	trail->npoints = ncur;
	goto out;
stopped:
	rc = nk_fail(err, NK_ERANGE, "stopped", "stopped after issue %zu of %zu", t->work->at.done,
		     t->ni);
	goto out;
nomem:
	rc = nk_fail(err, NK_ENOMEM, "frontier", "out of memory");
out:
	free(cur);
	return rc;
}
