/* The frontier by exhaustive enumeration: every outcome in lexicographic order, its
 * utilities kept up to date by prefix sums, against a running non-dominated set. The
 * reference the fold is tested and benchmarked against; same quantised utilities. */
#include "core/frontier_common.h"

#include <stdlib.h>
#include <string.h>

struct enum_set {
	size_t np, ni, n, cap;
	struct fr_point *p;
	uint32_t *outcomes;	/* cap x ni */
};

static int grow(struct enum_set *s)
{
	size_t cap = s->cap ? s->cap * 2 : 64;
	struct fr_point *p;
	uint32_t *o;

	if (s->n < s->cap)
		return 1;
	p = realloc(s->p, cap * sizeof(*p));
	if (!p)
		return 0;
	s->p = p;
	o = realloc(s->outcomes, cap * s->ni * sizeof(*o));
	if (!o)
		return 0;
	s->outcomes = o;
	s->cap = cap;
	return 1;
}

/* Puts point u with outcome at index at, replacing entries [from, to). */
static int put(struct enum_set *s, size_t from, size_t to, const fr_u *u,
	       const uint32_t *outcome)
{
	if (from == to) {
		if (!grow(s))
			return 0;
		memmove(s->p + from + 1, s->p + from, (s->n - from) * sizeof(*s->p));
		memmove(s->outcomes + (from + 1) * s->ni, s->outcomes + from * s->ni,
			(s->n - from) * s->ni * sizeof(*s->outcomes));
		s->n++;
		to = from + 1;
	}
	memcpy(s->p[from].u, u, sizeof(s->p[from].u));
	s->p[from].count = 1;
	memcpy(s->outcomes + from * s->ni, outcome, s->ni * sizeof(*outcome));
	if (to > from + 1) {
		memmove(s->p + from + 1, s->p + to, (s->n - to) * sizeof(*s->p));
		memmove(s->outcomes + (from + 1) * s->ni, s->outcomes + to * s->ni,
			(s->n - to) * s->ni * sizeof(*s->outcomes));
		s->n -= to - from - 1;
	}
	return 1;
}

/* Two parties: a staircase by u0 ascending, u1 strictly descending. */
static int insert2(struct enum_set *s, const fr_u *u, const uint32_t *outcome)
{
	size_t lo = 0, hi = s->n, j, from;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->p[mid].u[0] < u[0])
			lo = mid + 1;
		else
			hi = mid;
	}
	j = lo;
	if (j < s->n && s->p[j].u[1] >= u[1]) {
		if (s->p[j].u[0] == u[0] && s->p[j].u[1] == u[1])
			s->p[j].count = fr_add_count(s->p[j].count, 1);
		return 1;
	}
	from = j;
	while (from > 0 && s->p[from - 1].u[1] <= u[1])
		from--;
	return put(s, from, j < s->n && s->p[j].u[0] == u[0] ? j + 1 : j, u, outcome);
}

/* More parties: a plain list. */
static int insertn(struct enum_set *s, const fr_u *u, const uint32_t *outcome)
{
	size_t w = 0;

	for (size_t r = 0; r < s->n; r++) {
		int ge = 1, le = 1;

		for (size_t k = 0; k < s->np; k++) {
			ge &= s->p[r].u[k] >= u[k];
			le &= s->p[r].u[k] <= u[k];
		}
		if (ge && le) {
			s->p[r].count = fr_add_count(s->p[r].count, 1);
			return 1;
		}
		if (ge)
			return 1;
	}
	for (size_t r = 0; r < s->n; r++) {
		int le = 1;

		for (size_t k = 0; k < s->np; k++)
			le &= s->p[r].u[k] <= u[k];
		if (le)
			continue;
		if (w != r) {
			s->p[w] = s->p[r];
			memcpy(s->outcomes + w * s->ni, s->outcomes + r * s->ni, s->ni * sizeof(*outcome));
		}
		w++;
	}
	s->n = w;
	return put(s, s->n, s->n, u, outcome);
}

enum nk_status nk_frontier_enumerate(const struct nk_agenda *agenda,
				     const struct nk_profile *const *profiles, size_t nparties,
				     const struct nk_frontier_options *options,
				     double max_outcomes, struct nk_frontier **out,
				     struct nk_error *err)
{
	fr_u partial[NK_ISSUES_MAX + 1][NK_PARTIES_MAX] = { { 0 } };
	uint32_t outcome[NK_ISSUES_MAX];
	struct enum_set s = { 0 };
	struct fr_table t;
	enum nk_status rc;
	double total = 1;
	size_t i;

	rc = fr_table_init(&t, agenda, profiles, nparties, options, err);
	if (rc)
		return rc;
	for (i = 0; i < t.ni; i++)
		total *= (double)(t.hi[i] - t.lo[i]);
	if (total > max_outcomes) {
		rc = nk_fail(err, NK_ERANGE, "outcomes", "%.0f outcomes exceed the limit of %.0f",
			     total, max_outcomes);
		goto out;
	}
	s.np = t.np;
	s.ni = t.ni;
	for (i = 0; i < t.ni; i++)
		outcome[i] = (uint32_t)t.lo[i];
	i = 0;	/* partial sums are stale from issue i on */
	for (;;) {
		fr_u u[NK_PARTIES_MAX] = { 0 };

		for (; i < t.ni; i++) {
			const fr_u *c = fr_contrib(&t, i, outcome[i]);

			for (size_t k = 0; k < t.np; k++)
				partial[i + 1][k] = partial[i][k] + c[k];
		}
		for (size_t k = 0; k < t.np; k++)
			u[k] = partial[t.ni][k] > t.cap[k] ? t.cap[k] : partial[t.ni][k];
		if (!(t.np == 2 ? insert2(&s, u, outcome) : insertn(&s, u, outcome))) {
			rc = nk_fail(err, NK_ENOMEM, "frontier", "out of memory");
			goto out;
		}
		/* Next outcome: the last issue moves fastest. */
		for (i = t.ni; i-- > 0;) {
			if (++outcome[i] < t.hi[i])
				break;
			outcome[i] = (uint32_t)t.lo[i];
		}
		if (i == (size_t)-1)
			break;
	}
	rc = fr_build(&t, s.p, s.outcomes, s.n, out, err);
	if (!rc)
		(*out)->stages_max = s.n;
out:
	free(s.p);
	free(s.outcomes);
	fr_table_free(&t);
	return rc;
}
