/* Finding the package blind: the package space as a multi-issue agenda whose utilities
 * are each side's values in minor units (scaled by a power of two, so every sum is
 * exact), folded by the frontier engine, and the fair point chosen with exact integer
 * comparisons. Pure; allocates only for the duration of the call. See doc/package.md. */
#include "package_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ISSUES (NK_COMPONENTS + 1)	/* the components, then the label */
#define EXACT_MAX ((INT64_C(1) << 53) - 1)

/* One issue after pruning: per kept value, its combination index (amount-major, then
 * rate, grace, maturity; or the label) and each party's signed worth (+value for the
 * claimant, -cost for the payer, so that both maximise). */
struct issue {
	size_t n;
	uint32_t *combo;
	int64_t *u[2];
};

struct search {
	const struct nk_package_valuation *v[2];	/* argument order */
	int sign[2];
	struct nk_package_space space;
	struct issue issues[ISSUES];
	size_t nissues;
	int64_t floor[2];	/* argument order: the least gain-0 worth (a reservation, or
				 * the baseline's worth when improving on it), signed as u */
};

struct cand {
	int64_t u[2];
	uint32_t combo;
};

static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->u[0] != y->u[0])
		return x->u[0] > y->u[0] ? -1 : 1;
	if (x->u[1] != y->u[1])
		return x->u[1] > y->u[1] ? -1 : 1;
	return x->combo < y->combo ? -1 : x->combo > y->combo;
}

static int cmp_combo(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	return x->combo < y->combo ? -1 : x->combo > y->combo;
}

/* Keeps the values no other value of the issue dominates for both parties, and of equal
 * ones the first: a package using a dropped value is dominated by, or equal to and later
 * in grid order than, the same package with the keeper instead. */
static size_t prune(struct cand *c, size_t n)
{
	int64_t best = INT64_MIN;
	size_t w = 0;

	qsort(c, n, sizeof(*c), cmp_cand);
	for (size_t r = 0; r < n; r++) {
		if (w && c[r].u[1] <= best)
			continue;
		best = c[r].u[1];
		c[w++] = c[r];
	}
	qsort(c, w, sizeof(*c), cmp_combo);
	return w;
}

static enum nk_status issue_take(struct issue *is, const struct cand *c, size_t n, const char *name,
				 struct nk_error *err)
{
	if (n > NK_VALUES_MAX)
		return nk_fail(err, NK_ERANGE, name, "%zu undominated values of this part alone; at "
			       "most %d: choose a coarser step", n, NK_VALUES_MAX);
	is->combo = malloc(n * sizeof(*is->combo));
	is->u[0] = malloc(n * sizeof(*is->u[0]));
	is->u[1] = malloc(n * sizeof(*is->u[1]));
	if (!is->combo || !is->u[0] || !is->u[1])
		return nk_fail(err, NK_ENOMEM, name, "out of memory");
	for (size_t k = 0; k < n; k++) {
		is->combo[k] = c[k].combo;
		is->u[0][k] = c[k].u[0];
		is->u[1][k] = c[k].u[1];
	}
	is->n = n;
	return NK_OK;
}

static size_t terms_count(const struct nk_package_grid *g)
{
	return g->nrates * g->ngraces * g->nmaturities;
}

/* The combination index k of component grid g as grid indices. */
static void combo_split(const struct nk_package_grid *g, size_t k, size_t *amount, size_t *rate,
			size_t *grace, size_t *maturity)
{
	size_t t = k % terms_count(g);

	*amount = k / terms_count(g);
	*rate = t / (g->ngraces * g->nmaturities);
	*grace = t / g->nmaturities % g->ngraces;
	*maturity = t % g->nmaturities;
}

static enum nk_status build_component(struct search *s, enum nk_component c, struct nk_error *err)
{
	const struct nk_package_grid *g = &s->space.grid[c];
	size_t nterms = terms_count(g), n = 0, w;
	double *factor = NULL;
	struct cand *cand = NULL;
	enum nk_status rc;

	if ((double)g->namounts * (double)nterms > NK_PACKAGE_COMBOS_MAX) {
		rc = nk_fail(err, NK_ERANGE, nk_component_name(c), "%zu amounts x %zu terms is over "
			     "%u combinations: choose a coarser step", g->namounts, nterms,
			     NK_PACKAGE_COMBOS_MAX);
		goto out;
	}
	factor = malloc(2 * nterms * sizeof(*factor));
	cand = malloc(g->namounts * nterms * sizeof(*cand));
	if (!factor || !cand) {
		rc = nk_fail(err, NK_ENOMEM, nk_component_name(c), "out of memory");
		goto out;
	}
	for (size_t t = 0; t < nterms; t++) {
		struct nk_loan_terms terms;
		size_t a, r, gr, m;

		combo_split(g, t, &a, &r, &gr, &m);
		if (c == NK_GRANT)
			package_grant_terms(g->years, g->per_year, &terms);
		else
			package_grid_terms(g, r, gr, m, &terms);
		for (int p = 0; p < 2; p++) {
			factor[2 * t + (size_t)p] = NAN;
			if (!nk_package_terms_valid(g, r, gr, m))
				continue;
			if ((rc = package_factor(c, &terms, s->v[p]->discount, &factor[2 * t + (size_t)p],
						 err)) != NK_OK)
				goto out;
		}
	}
	for (size_t a = 0; a < g->namounts; a++) {
		int64_t amount = g->lo + (int64_t)a * g->step;

		for (size_t t = 0; t < nterms; t++) {
			struct cand *x = &cand[n];

			if (isnan(factor[2 * t]))
				continue;
			for (int p = 0; p < 2; p++) {
				if ((rc = package_worth(c, amount, factor[2 * t + (size_t)p], &x->u[p], err)) != NK_OK)
					goto out;
				x->u[p] *= s->sign[p];
			}
			x->combo = (uint32_t)(a * nterms + t);
			n++;
		}
	}
	w = prune(cand, n);
	rc = issue_take(&s->issues[c], cand, w, nk_component_name(c), err);
out:
	free(factor);
	free(cand);
	return rc;
}

static enum nk_status build_labels(struct search *s, struct nk_error *err)
{
	struct cand cand[NK_PACKAGE_LABELS_MAX];
	size_t n = s->space.nlabels;

	for (size_t l = 0; l < n; l++) {
		cand[l].combo = (uint32_t)l;
		for (int p = 0; p < 2; p++) {
			cand[l].u[p] = 0;
			for (size_t k = 0; k < s->v[p]->nlabels; k++)
				if (!strcmp(s->v[p]->labels[k].name, s->space.labels[l]))
					cand[l].u[p] = s->sign[p] * s->v[p]->labels[k].worth;
		}
	}
	return issue_take(&s->issues[NK_COMPONENTS], cand, prune(cand, n), "labels", err);
}

static void search_free(struct search *s)
{
	for (size_t i = 0; i < ISSUES; i++) {
		free(s->issues[i].combo);
		free(s->issues[i].u[0]);
		free(s->issues[i].u[1]);
	}
}

/* The agenda and profiles the frontier engine folds; labels are value indices. */
struct model {
	struct nk_agenda agenda;
	struct nk_issue issue[ISSUES];
	struct nk_profile profile[2];
	struct nk_valuation valuation[2][ISSUES];
	char *text;		/* "0\0" "1\0" …: the labels */
	char *labels[NK_VALUES_MAX];
	double *scores;
};

static enum nk_status model_build(const struct search *s, int scale, struct model *m,
				  struct nk_error *err)
{
	static char *const names[ISSUES] = { "claims", "grant", "loan", "credits", "label" };
	size_t total = 0, off = 0;
	double *sc;

	memset(m, 0, sizeof(*m));
	m->text = malloc(NK_VALUES_MAX * 5);
	for (size_t i = 0; i < s->nissues; i++)
		total += s->issues[i].n;
	m->scores = malloc(2 * total * sizeof(*m->scores));
	if (!m->text || !m->scores)
		return nk_fail(err, NK_ENOMEM, "package", "out of memory");
	for (size_t v = 0; v < NK_VALUES_MAX; v++) {
		m->labels[v] = m->text + off;
		off += (size_t)snprintf(m->text + off, 5, "%zu", v) + 1;
	}
	m->agenda.name = "package";
	m->agenda.nissues = s->nissues;
	m->agenda.issues = m->issue;
	sc = m->scores;
	for (int p = 0; p < 2; p++) {
		m->profile[p].name = (char *)s->v[p]->party;
		m->profile[p].nissues = s->nissues;
		m->profile[p].valuations = m->valuation[p];
		m->profile[p].reservation = ldexp((double)s->floor[p], -scale);
		m->profile[p].discount = 1;
		m->profile[p].binary = 1;	/* minor units over a power of two, not decimals */
	}
	for (size_t i = 0; i < s->nissues; i++) {
		m->issue[i] = (struct nk_issue){ .name = names[i], .kind = NK_ISSUE_DISCRETE,
						 .nvalues = s->issues[i].n, .labels = m->labels };
		for (int p = 0; p < 2; p++) {
			m->valuation[p][i] = (struct nk_valuation){ .weight = 1, .scores = sc };
			for (size_t v = 0; v < s->issues[i].n; v++)
				*sc++ = ldexp((double)s->issues[i].u[p][v], -scale);
		}
	}
	return NK_OK;
}

/* The exponent of a power of two at least twice every party's largest possible
 * |utility| and |reservation| (so no sum reaches the cap of 1), or -1 past 2^53. */
static int scale_for(const struct search *s)
{
	int64_t most = 1;

	for (int p = 0; p < 2; p++) {
		int64_t sum = llabs(s->floor[p]);

		for (size_t i = 0; i < s->nissues; i++) {
			int64_t big = 0;

			for (size_t v = 0; v < s->issues[i].n; v++)
				big = llabs(s->issues[i].u[p][v]) > big ? llabs(s->issues[i].u[p][v]) : big;
			if (big > EXACT_MAX - sum)
				return -1;
			sum += big;
		}
		most = sum > most ? sum : most;
	}
	return ilogb((double)most) + 2;
}

/* Leximin on two ratios num/den (den > 0), exact: >0 when a is better. */
struct ratio {
	__int128 num, den;
};

static int ratio_cmp(struct ratio a, struct ratio b)
{
	__int128 l = a.num * b.den, r = b.num * a.den;

	return l < r ? -1 : l > r;
}

static int leximin(struct ratio a0, struct ratio a1, struct ratio b0, struct ratio b1)
{
	struct ratio alo = ratio_cmp(a0, a1) <= 0 ? a0 : a1, ahi = ratio_cmp(a0, a1) <= 0 ? a1 : a0;
	struct ratio blo = ratio_cmp(b0, b1) <= 0 ? b0 : b1, bhi = ratio_cmp(b0, b1) <= 0 ? b1 : b0;
	int c = ratio_cmp(alo, blo);

	return c ? c : ratio_cmp(ahi, bhi);
}

/* >0 when gains a (by role) are better than b under solution; best: each role's best gain. */
static int criterion_cmp(enum nk_solution sol, const int64_t *a, const int64_t *b, const int64_t *best)
{
	struct ratio ra[2], rb[2];

	switch (sol) {
	case NK_NASH: {
		__int128 x = (__int128)a[0] * a[1], y = (__int128)b[0] * b[1];

		return x < y ? -1 : x > y;
	}
	case NK_UTILITARIAN:
		return a[0] + a[1] < b[0] + b[1] ? -1 : a[0] + a[1] > b[0] + b[1];
	case NK_EGALITARIAN:
	case NK_KALAI_SMORODINSKY:
	default:
		for (int k = 0; k < 2; k++) {
			bool rel = sol == NK_KALAI_SMORODINSKY;

			ra[k] = rel && !best[k] ? (struct ratio){ 1, 1 }
						: (struct ratio){ a[k], rel ? best[k] : 1 };
			rb[k] = rel && !best[k] ? (struct ratio){ 1, 1 }
						: (struct ratio){ b[k], rel ? best[k] : 1 };
		}
		return leximin(ra[0], ra[1], rb[0], rb[1]);
	}
}

static int outcome_cmp(const uint32_t *a, const uint32_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/* Gains by role of frontier point i, and whether it is inside both reservations. */
static bool point_gains(const struct search *s, const struct nk_frontier *f, size_t i, int scale,
			int64_t value[2], int64_t gain[2])
{
	for (int p = 0; p < 2; p++) {
		int64_t u = (int64_t)ldexp(f->points[i].utility[p], scale);
		enum nk_role role = s->v[p]->role;

		value[role] = s->sign[p] * u;
		gain[role] = u - s->floor[p];
	}
	return gain[0] >= 0 && gain[1] >= 0;
}

static void choose(const struct search *s, const struct nk_frontier *f, int scale,
		   enum nk_solution sol, struct nk_package_result *r, long *chosen)
{
	int64_t best[2] = { 0, 0 }, v[2], g[2], bg[2] = { 0, 0 };

	*chosen = -1;
	for (size_t i = 0; i < f->npoints; i++) {
		if (!point_gains(s, f, i, scale, v, g))
			continue;
		r->acceptable++;
		best[0] = g[0] > best[0] ? g[0] : best[0];
		best[1] = g[1] > best[1] ? g[1] : best[1];
	}
	for (size_t i = 0; i < f->npoints; i++) {
		int c;

		if (!point_gains(s, f, i, scale, v, g))
			continue;
		c = *chosen < 0 ? 1 : criterion_cmp(sol, g, bg, best);
		if (c > 0 || (c == 0 && outcome_cmp(f->points[i].outcome, f->points[*chosen].outcome,
						    f->nissues) < 0)) {
			*chosen = (long)i;
			memcpy(r->value, v, sizeof(r->value));
			memcpy(bg, g, sizeof(bg));
		}
	}
	memcpy(r->gain, bg, sizeof(r->gain));
}

static void package_of(const struct search *s, const uint32_t *outcome, struct nk_package *out)
{
	struct nk_package_index at;

	memset(&at, 0, sizeof(at));
	for (size_t c = 0; c < NK_COMPONENTS; c++)
		combo_split(&s->space.grid[c], s->issues[c].combo[outcome[c]], &at.amount[c],
			    &at.rate[c], &at.grace[c], &at.maturity[c]);
	if (s->nissues > NK_COMPONENTS)
		at.label = s->issues[NK_COMPONENTS].combo[outcome[NK_COMPONENTS]];
	nk_package_at(&s->space, &at, out);
}

enum nk_status package_search(const struct nk_package_valuation *a,
			      const struct nk_package_valuation *b, enum nk_solution solution,
			      const int64_t *floor, struct nk_package_result *out,
			      struct nk_error *err)
{
	const struct nk_profile *profiles[2];
	struct nk_frontier *f = NULL;
	struct nk_package_result r;
	struct search s;
	struct model m;
	enum nk_status rc;
	long chosen;
	int scale;

	memset(&s, 0, sizeof(s));
	memset(&m, 0, sizeof(m));
	memset(&r, 0, sizeof(r));
	if ((size_t)solution >= NK_SOLUTIONS) {
		rc = nk_fail(err, NK_EINVAL, "solution", "not a solution point");
		goto out;
	}
	if ((rc = nk_package_space_build(a, b, &s.space, err)) != NK_OK)
		goto out;
	r.packages = s.space.packages;
	if (s.space.empty) {
		r.blocking = s.space.blocking;
		goto done;
	}
	s.v[0] = a;
	s.v[1] = b;
	for (int p = 0; p < 2; p++) {
		s.sign[p] = s.v[p]->role == NK_CLAIMANT ? 1 : -1;
		s.floor[p] = s.sign[p] * (floor ? floor[s.v[p]->role] : s.v[p]->reservation);
	}
	for (size_t c = 0; c < NK_COMPONENTS; c++)
		if ((rc = build_component(&s, (enum nk_component)c, err)) != NK_OK)
			goto out;
	s.nissues = NK_COMPONENTS;
	if (s.space.nlabels) {
		if ((rc = build_labels(&s, err)) != NK_OK)
			goto out;
		s.nissues++;
	}
	if ((scale = scale_for(&s)) < 0) {
		rc = nk_fail(err, NK_ERANGE, "package", "the values exceed 2^53 minor units, past which "
			     "sums are not exact");
		goto out;
	}
	if ((rc = model_build(&s, scale, &m, err)) != NK_OK)
		goto out;
	profiles[0] = &m.profile[0];
	profiles[1] = &m.profile[1];
	if ((rc = nk_frontier_compute(&m.agenda, profiles, 2, NULL, &f, err)) != NK_OK)
		goto out;
	r.frontier = f->npoints;
	choose(&s, f, scale, solution, &r, &chosen);
	if (chosen >= 0) {
		r.found = true;
		package_of(&s, f->points[chosen].outcome, &r.package);
	}
done:
	*out = r;
	rc = NK_OK;
out:
	nk_frontier_free(f);
	free(m.text);
	free(m.scores);
	search_free(&s);
	return rc;
}

enum nk_status nk_package_propose(const struct nk_package_valuation *a,
				  const struct nk_package_valuation *b, enum nk_solution solution,
				  struct nk_package_result *out, struct nk_error *err)
{
	return package_search(a, b, solution, NULL, out, err);
}
