/* Unit tests for core/frontier: the 12 shared ANAC domains against SOURCES.md's reference
 * figures, a brute-force checker against enumeration on thousands of random agendas
 * (ties, caps, reservations, fixed issues, 2 to 5 parties), and hand-made cases. */
#include <nakodo/frontier.h>
#include <nakodo/agenda_formats.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

/* ---- random agendas (a small xorshift, seeded per case, no globals) ---- */

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static double pick(uint64_t *s, const double *set, size_t n)
{
	return set[rnd(s) % n];
}

struct world {
	struct nk_agenda agenda;
	struct nk_issue issues[NK_ISSUES_MAX];
	struct nk_profile profiles[NK_PARTIES_MAX];
	struct nk_valuation vals[NK_PARTIES_MAX][NK_ISSUES_MAX];
	const struct nk_profile *pp[NK_PARTIES_MAX];
	char *labels[NK_ISSUES_MAX][16];
	double scores[NK_PARTIES_MAX][NK_ISSUES_MAX][16];
	char names[NK_ISSUES_MAX][8];
	char vnames[16][8];
	int32_t fixed[NK_ISSUES_MAX];
	size_t np;
};

/* Builds a random agenda of ni issues with up to maxv values: scores and weights from
 * small sets (many ties), sometimes weights summing above 1 (the cap binds), random
 * reservations, sometimes a fixed issue. The sets are dyadic, so that the brute force's
 * doubles are exact like the frontier (ties that doubles round apart are
 * tests/analyze/exact_frontier.py's); the continuous ones never tie. */
static void make_world(struct world *w, uint64_t *s, size_t np, size_t ni, size_t maxv)
{
	static const double score_set[] = { 0, 0.25, 0.5, 0.75, 1, 0.125, 0.375, 0.0625 };
	static const double weight_set[] = { 0.125, 0.25, 0.375, 0.0625, 0.5, 0.1875, 0.4375 };
	static const double res_set[] = { 0, 0, 0.25, 0.375, 0.5, 0.625, 0.8125, 0.9375 };

	memset(w, 0, sizeof(*w));
	w->np = np;
	for (size_t v = 0; v < 16; v++)
		snprintf(w->vnames[v], sizeof(w->vnames[v]), "v%zu", v);
	w->agenda.nissues = ni;
	w->agenda.issues = w->issues;
	for (size_t i = 0; i < ni; i++) {
		snprintf(w->names[i], sizeof(w->names[i]), "i%zu", i);
		w->issues[i].name = w->names[i];
		w->issues[i].nvalues = 1 + rnd(s) % maxv;
		for (size_t v = 0; v < w->issues[i].nvalues; v++)
			w->labels[i][v] = w->vnames[v];
		w->issues[i].labels = w->labels[i];
		w->fixed[i] = -1;
	}
	if (rnd(s) % 4 == 0) {
		size_t i = rnd(s) % ni;

		w->fixed[i] = (int32_t)(rnd(s) % w->issues[i].nvalues);
	}
	for (size_t k = 0; k < np; k++) {
		int continuous = rnd(s) % 3 == 0;
		double sum = 0;

		for (size_t i = 0; i < ni; i++) {
			double wt = continuous ? (double)(rnd(s) % 1000) / 997.0 : pick(s, weight_set, 7);

			w->vals[k][i].weight = wt;
			sum += wt;
			for (size_t v = 0; v < w->issues[i].nvalues; v++)
				w->scores[k][i][v] = continuous ? (double)(rnd(s) % 1000) / 1000.0
								: pick(s, score_set, 8);
			w->vals[k][i].scores = w->scores[k][i];
		}
		/* Usually normalised (by a power of two, exact, unless continuous); a quarter
		 * of the time left above 1 so the cap binds. */
		if (rnd(s) % 4 && sum > 0) {
			double by = continuous ? sum : 1;

			while (!continuous && by < sum)
				by *= 2;
			for (size_t i = 0; i < ni; i++)
				w->vals[k][i].weight /= by;
		}
		w->profiles[k].nissues = ni;
		w->profiles[k].valuations = w->vals[k];
		w->profiles[k].reservation = pick(s, res_set, 8) * (rnd(s) % 2);
		w->pp[k] = &w->profiles[k];
	}
}

/* ---- brute force over every outcome, independent of the fold ---- */

static int leximin_cmp(double *a, double *b, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && a[j] < a[j - 1]; j--) {
			double t = a[j];

			a[j] = a[j - 1];
			a[j - 1] = t;
		}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && b[j] < b[j - 1]; j--) {
			double t = b[j];

			b[j] = b[j - 1];
			b[j - 1] = t;
		}
	for (size_t k = 0; k < n; k++)
		if (a[k] != b[k])
			return a[k] < b[k] ? -1 : 1;
	return 0;
}

/* The frontier's utilities are exact, the brute force's GENIUS's doubles: equal within
 * rounding. */
static int near(double a, double b)
{
	return fabs(a - b) <= 1e-12;
}

static int leximin_near(double *a, double *b, size_t n)
{
	(void)leximin_cmp(a, b, n);	/* sorts both */
	for (size_t k = 0; k < n; k++)
		if (!near(a[k], b[k]))
			return 0;
	return 1;
}

struct brute {
	int any;
	double nash, util;
	double best[NK_PARTIES_MAX];
};

static void brute_points(const struct world *w, struct brute *b)
{
	uint32_t o[NK_ISSUES_MAX] = { 0 };
	size_t ni = w->agenda.nissues, i;

	memset(b, 0, sizeof(*b));
	for (size_t k = 0; k < w->np; k++)
		b->best[k] = -INFINITY;
	for (i = 0; i < ni; i++)
		o[i] = w->fixed[i] >= 0 ? (uint32_t)w->fixed[i] : 0;
	for (;;) {
		double u[NK_PARTIES_MAX], prod, sum = 0;
		int ok = 1;

		for (size_t k = 0; k < w->np; k++) {
			u[k] = nk_profile_utility(w->pp[k], o);
			ok &= u[k] >= w->pp[k]->reservation;
		}
		if (ok) {
			prod = nk_nash_product(u, (double[]){ w->pp[0]->reservation, w->pp[1]->reservation,
				w->np > 2 ? w->pp[2]->reservation : 0, w->np > 3 ? w->pp[3]->reservation : 0,
				w->np > 4 ? w->pp[4]->reservation : 0 }, w->np);
			for (size_t k = 0; k < w->np; k++) {
				sum += u[k];
				b->best[k] = fmax(b->best[k], u[k]);
			}
			if (!b->any || prod > b->nash)
				b->nash = prod;
			if (!b->any || sum > b->util)
				b->util = sum;
			b->any = 1;
		}
		for (i = ni; i-- > 0;) {
			if (w->fixed[i] >= 0)
				continue;
			if (++o[i] < w->issues[i].nvalues)
				break;
			o[i] = 0;
		}
		if (i == (size_t)-1)
			break;
	}
}

/* The egalitarian and KS values need the best gains first: a second pass. */
static void brute_leximin(const struct world *w, const struct brute *b, int relative,
			  double *out)
{
	uint32_t o[NK_ISSUES_MAX] = { 0 };
	size_t ni = w->agenda.nissues, i;
	int have = 0;

	for (i = 0; i < ni; i++)
		o[i] = w->fixed[i] >= 0 ? (uint32_t)w->fixed[i] : 0;
	for (;;) {
		double g[NK_PARTIES_MAX], tmp[NK_PARTIES_MAX];
		int ok = 1;

		for (size_t k = 0; k < w->np; k++) {
			double u = nk_profile_utility(w->pp[k], o), r = w->pp[k]->reservation;
			double range = b->best[k] - r;

			ok &= u >= r;
			g[k] = relative ? (range > 0 ? (u - r) / range : 1.0) : u - r;
		}
		memcpy(tmp, out, sizeof(tmp));
		if (ok && (!have || leximin_cmp(g, tmp, w->np) > 0))
			memcpy(out, g, w->np * sizeof(double));
		have |= ok;
		for (i = ni; i-- > 0;) {
			if (w->fixed[i] >= 0)
				continue;
			if (++o[i] < w->issues[i].nvalues)
				break;
			o[i] = 0;
		}
		if (i == (size_t)-1)
			break;
	}
}

static void point_leximin(const struct nk_frontier *f, long idx, const struct brute *b,
			  int relative, double *out)
{
	for (size_t k = 0; k < f->nparties; k++) {
		double r = f->reservation[k], range = b->best[k] - r, u = f->points[idx].utility[k];

		out[k] = relative ? (range > 0 ? (u - r) / range : 1.0) : u - r;
	}
}

/* Checks fold against enumeration (points, counts, outcomes) and the solution points
 * against brute force; returns the number of frontier points. */
static size_t check_world(struct world *w)
{
	struct nk_frontier_options opt = { .fixed = w->fixed };
	struct nk_frontier *f = NULL, *g = NULL;
	struct nk_solutions s;
	struct brute b;

	assert_int_equal(nk_frontier_compute(&w->agenda, w->pp, w->np, &opt, &f, NULL), NK_OK);
	assert_int_equal(nk_frontier_enumerate(&w->agenda, w->pp, w->np, &opt, 2e6, &g, NULL), NK_OK);
	assert_int_equal(f->npoints, g->npoints);
	for (size_t i = 0; i < f->npoints; i++) {
		for (size_t k = 0; k < w->np; k++) {
			assert_true(f->points[i].utility[k] == g->points[i].utility[k]);
			/* The named outcome really has these utilities (exact there, so
			 * GENIUS's sum in doubles is within rounding of them). */
			assert_true(fabs(nk_profile_utility(w->pp[k], f->points[i].outcome) -
					 f->points[i].utility[k]) < 1e-12);
		}
		assert_int_equal(f->points[i].count, g->points[i].count);
		assert_int_equal(f->points[i].acceptable, g->points[i].acceptable);
		assert_memory_equal(f->points[i].outcome, g->points[i].outcome,
				    w->agenda.nissues * sizeof(uint32_t));
	}
	nk_frontier_solutions(f, &s);
	brute_points(w, &b);
	if (!b.any) {
		for (size_t k = 0; k < NK_SOLUTIONS; k++)
			assert_int_equal(s.index[k], -1);
	} else {
		double x[NK_PARTIES_MAX], y[NK_PARTIES_MAX], sum = 0;

		for (size_t k = 0; k < NK_SOLUTIONS; k++)
			assert_true(s.index[k] >= 0);
		assert_true(near(nk_nash_product(f->points[s.index[NK_NASH]].utility,
						 f->reservation, w->np), b.nash));
		for (size_t k = 0; k < w->np; k++)
			sum += f->points[s.index[NK_UTILITARIAN]].utility[k];
		assert_true(near(sum, b.util));
		brute_leximin(w, &b, 0, x);
		point_leximin(f, s.index[NK_EGALITARIAN], &b, 0, y);
		assert_true(leximin_near(x, y, w->np));
		brute_leximin(w, &b, 1, x);
		point_leximin(f, s.index[NK_KALAI_SMORODINSKY], &b, 1, y);
		assert_true(leximin_near(x, y, w->np));
	}
	nk_frontier_free(f);
	nk_frontier_free(g);
	return s.acceptable;
}

static void brute_force_two_parties(void **state)
{
	uint64_t seed = 0x9E3779B97F4A7C15u;
	struct world *w = malloc(sizeof(*w));
	size_t acceptable = 0;

	(void)state;
	for (int n = 0; n < 3000; n++) {
		make_world(w, &seed, 2, 1 + rnd(&seed) % 6, 1 + rnd(&seed) % 7);
		acceptable += check_world(w) > 0;
	}
	print_message("# 3000 random two-party agendas agree with enumeration (%zu with a deal zone)\n",
		      acceptable);
	free(w);
}

static void brute_force_large(void **state)
{
	uint64_t seed = 12345;
	struct world *w = malloc(sizeof(*w));

	(void)state;
	/* Agendas of up to 10^6 outcomes: 6 issues of 10 values. */
	for (int n = 0; n < 6; n++) {
		make_world(w, &seed, 2, 6, 10);
		for (size_t i = 0; i < 6; i++) {
			w->issues[i].nvalues = 10;
			for (size_t v = 0; v < 10; v++)
				w->labels[i][v] = w->vnames[v];
			for (size_t v = 0; v < 10; v++)
				for (size_t k = 0; k < 2; k++)
					w->scores[k][i][v] = (double)(rnd(&seed) % 1000) / 1000.0;
		}
		(void)check_world(w);
	}
	free(w);
}

static void brute_force_many_parties(void **state)
{
	uint64_t seed = 777;
	struct world *w = malloc(sizeof(*w));

	(void)state;
	for (int n = 0; n < 1500; n++) {
		make_world(w, &seed, 3 + rnd(&seed) % 3, 1 + rnd(&seed) % 5, 1 + rnd(&seed) % 5);
		(void)check_world(w);
	}
	free(w);
}

/* ---- hand-made cases with known answers ---- */

/* One issue whose values give the points listed (two parties). */
static void one_issue(struct world *w, const double (*pts)[2], size_t n, double r0, double r1)
{
	memset(w, 0, sizeof(*w));
	w->np = 2;
	w->agenda.nissues = 1;
	w->agenda.issues = w->issues;
	w->issues[0].name = "price";
	w->issues[0].nvalues = n;
	w->issues[0].labels = w->labels[0];
	w->fixed[0] = -1;
	for (size_t v = 0; v < n; v++) {
		snprintf(w->vnames[v], sizeof(w->vnames[v]), "v%zu", v);
		w->labels[0][v] = w->vnames[v];
		w->scores[0][0][v] = pts[v][0];
		w->scores[1][0][v] = pts[v][1];
	}
	for (size_t k = 0; k < 2; k++) {
		w->vals[k][0].weight = 1;
		w->vals[k][0].scores = w->scores[k][0];
		w->profiles[k].nissues = 1;
		w->profiles[k].valuations = w->vals[k];
		w->pp[k] = &w->profiles[k];
	}
	w->profiles[0].reservation = r0;
	w->profiles[1].reservation = r1;
}

static const uint32_t *solve(struct world *w, struct nk_frontier **f, struct nk_solutions *s)
{
	assert_int_equal(nk_frontier_compute(&w->agenda, w->pp, 2, NULL, f, NULL), NK_OK);
	nk_frontier_solutions(*f, s);
	return NULL;
}

static void solution_concepts_differ(void **state)
{
	static const double pts[][2] = { { 0, 1 }, { 0.5, 0.9 }, { 0.9, 0.4 }, { 1, 0 }, { 0.4, 0.4 } };
	struct world *w = malloc(sizeof(*w));
	struct nk_frontier *f;
	struct nk_solutions s;

	(void)state;
	one_issue(w, pts, 5, 0.3, 0);
	(void)solve(w, &f, &s);
	assert_int_equal(f->npoints, 4);	/* (0.4, 0.4) is dominated */
	assert_int_equal(s.acceptable, 3);	/* (0, 1) is below party 1's 0.3 */
	/* Gains (0.2, 0.9), (0.6, 0.4), (0.7, 0): Nash 0.24 at (0.9, 0.4). */
	assert_true(f->points[s.index[NK_NASH]].utility[0] == 0.9);
	assert_true(f->points[s.index[NK_EGALITARIAN]].utility[0] == 0.9);
	/* Sums 1.4, 1.3, 1.0: utilitarian at (0.5, 0.9). */
	assert_true(f->points[s.index[NK_UTILITARIAN]].utility[0] == 0.5);
	/* Best gains 0.7 and 0.9: relative (0.29, 1), (0.86, 0.44), (1, 0): KS at (0.9, 0.4). */
	assert_true(f->points[s.index[NK_KALAI_SMORODINSKY]].utility[0] == 0.9);
	assert_int_equal(f->points[s.index[NK_UTILITARIAN]].outcome[0], 1);
	nk_frontier_free(f);
	free(w);
}

static void kalai_smorodinsky_follows_best_gains(void **state)
{
	/* Party 2 can gain at most 0.5: KS balances relative gains, egalitarian absolute. */
	static const double pts[][2] = { { 1, 0 }, { 0.6, 0.3 }, { 0.45, 0.45 }, { 0.3, 0.5 } };
	struct world *w = malloc(sizeof(*w));
	struct nk_frontier *f;
	struct nk_solutions s;

	(void)state;
	one_issue(w, pts, 4, 0, 0);
	(void)solve(w, &f, &s);
	assert_true(f->points[s.index[NK_EGALITARIAN]].utility[0] == 0.45);
	/* Relative: (1, 0), (0.6, 0.6), (0.45, 0.9), (0.3, 1) → KS at (0.6, 0.3). */
	assert_true(f->points[s.index[NK_KALAI_SMORODINSKY]].utility[0] == 0.6);
	/* Products: 0, 0.18, 0.2025, 0.15 → Nash at (0.45, 0.45). */
	assert_true(f->points[s.index[NK_NASH]].utility[0] == 0.45);
	assert_true(f->points[s.index[NK_UTILITARIAN]].utility[0] == 1);
	nk_frontier_free(f);
	free(w);
}

static void no_acceptable_outcome_gives_null(void **state)
{
	static const double pts[][2] = { { 1, 0 }, { 0.5, 0.5 }, { 0, 1 } };
	struct world *w = malloc(sizeof(*w));
	struct nk_frontier *f;
	struct nk_solutions s;

	(void)state;
	one_issue(w, pts, 3, 0.6, 0.6);
	(void)solve(w, &f, &s);
	assert_int_equal(f->npoints, 3);
	assert_int_equal(s.acceptable, 0);
	for (size_t k = 0; k < NK_SOLUTIONS; k++)
		assert_int_equal(s.index[k], -1);
	nk_frontier_free(f);
	free(w);
}

static void ties_are_counted_and_named_first(void **state)
{
	/* Two identical issues: (a, b) and (b, a) tie; the first in lexicographic order names
	 * the point. */
	static const double pts[][2] = { { 1, 0 }, { 0, 1 } };
	struct world *w = malloc(sizeof(*w));
	struct nk_frontier *f;
	struct nk_solutions s;

	(void)state;
	one_issue(w, pts, 2, 0, 0);
	w->agenda.nissues = 2;
	w->issues[1] = w->issues[0];
	w->issues[1].name = "terms";
	for (size_t k = 0; k < 2; k++) {
		w->vals[k][0].weight = 0.5;
		w->vals[k][1] = w->vals[k][0];
		w->profiles[k].nissues = 2;
	}
	(void)solve(w, &f, &s);
	assert_int_equal(f->npoints, 3);
	assert_true(f->points[1].utility[0] == 0.5 && f->points[1].utility[1] == 0.5);
	assert_int_equal(f->points[1].count, 2);
	assert_int_equal(f->points[1].outcome[0], 0);
	assert_int_equal(f->points[1].outcome[1], 1);
	assert_int_equal(s.index[NK_NASH], 1);
	nk_frontier_free(f);
	free(w);
}

static void fixed_issue_and_bad_inputs(void **state)
{
	static const double pts[][2] = { { 1, 0 }, { 0.5, 0.5 }, { 0, 1 } };
	struct world *w = malloc(sizeof(*w));
	struct nk_frontier *f = NULL;
	struct nk_error err;
	int32_t fixed[1] = { 2 };
	struct nk_frontier_options opt = { .fixed = fixed };

	(void)state;
	one_issue(w, pts, 3, 0, 0);
	assert_int_equal(nk_frontier_compute(&w->agenda, w->pp, 2, &opt, &f, NULL), NK_OK);
	assert_int_equal(f->npoints, 1);
	assert_true(f->points[0].utility[1] == 1);
	nk_frontier_free(f);
	f = NULL;
	fixed[0] = 3;
	assert_int_equal(nk_frontier_compute(&w->agenda, w->pp, 2, &opt, &f, &err), NK_EINVAL);
	assert_null(f);
	assert_int_equal(nk_frontier_compute(&w->agenda, w->pp, 1, NULL, &f, &err), NK_EINVAL);
	assert_int_equal(nk_frontier_compute(&w->agenda, w->pp, 6, NULL, &f, &err), NK_EINVAL);
	w->scores[0][0][1] = NAN;
	assert_int_equal(nk_frontier_compute(&w->agenda, w->pp, 2, NULL, &f, &err), NK_EINVAL);
	assert_string_equal(err.field, "price");
	assert_null(f);
	free(w);
}

/* ---- the shared ANAC domains ---- */

struct reference {
	const char *dir, *domain, *p1, *p2;
	double outcomes;
	size_t frontier;
	double nash1, nash2;
};

/* Frontier sizes in exact arithmetic (tests/analyze/exact_frontier.py checks them with
 * Python's fractions): SOURCES.md counts GENIUS's doubles, which split 49 exact points of
 * AgentHp2_EnergyGrid2016 into 76 and keep 6 dominated ones on Energy (210). */
static const struct reference refs[] = {
	{ "AgentHp2_EnergyGrid2016", "energy_grid_domain.xml", "consumer.xml", "producer.xml", 5764801, 49, 0.550000, 0.775000 },
	{ "Amsterdam", "Amsterdam_domain.xml", "Amsterdam_party1.xml", "Amsterdam_party2.xml", 3024, 11, 0.830000, 0.855833 },
	{ "Camera", "camera_domain.xml", "camera_buyer_utility.xml", "camera_seller_utility.xml", 3600, 16, 0.815413, 0.880800 },
	{ "Car", "adg.xml", "adg_deal.xml", "adg_deal2.xml", 15625, 53, 0.940300, 0.929600 },
	{ "Energy", "energy_domain.xml", "energy_consumer.xml", "energy_distributor.xml", 390625, 204, 0.625000, 0.754286 },
	{ "EnglandZimbabwe", "EnglandZimbabwe_domain.xml", "England.xml", "Zimbabwe.xml", 576, 25, 0.910916, 0.733218 },
	{ "Grocery", "Grocery_domain.xml", "Grocery_domain_mary.xml", "Grocery_domain_sam.xml", 1600, 7, 0.840000, 0.895000 },
	{ "ItexvsCypress", "ItexvsCypress_domain.xml", "ItexvsCypress_Cypress.xml", "ItexvsCypress_Itex.xml", 180, 18, 0.670478, 0.721478 },
	/* Reference lists 1.000052, the sum before GENIUS's cap at 1. */
	{ "Laptop", "laptop_domain.xml", "laptop_buyer_utility.xml", "laptop_seller_utility.xml", 27, 4, 1.000052, 0.815105 },
	{ "SmartPhone", "SmartPhone.xml", "SmartPhone_util1.xml", "SmartPhone_util2.xml", 12000, 13, 0.892475, 0.803848 },
	{ "Travel", "travel_domain.xml", "travel_chox.xml", "travel_fanny.xml", 188160, 12, 0.882412, 0.802015 },
	{ "Wholesaler", "Wholesaler-domain.xml", "Wholesaler-prof1.xml", "Wholesaler-prof2.xml", 56700, 15, 0.775000, 0.790000 },
};

static void shared_domains_match_reference(void **state)
{
	const char *root = getenv("NAKODO_SHARED");
	char dir[512], path[600];
	struct stat st;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/domains", root ? root : "../shared");
	if (stat(dir, &st) != 0) {
		skip();
		return;
	}
	for (size_t d = 0; d < sizeof(refs) / sizeof(refs[0]); d++) {
		const struct reference *r = &refs[d];
		struct nk_profile *p[2] = { NULL, NULL };
		struct nk_frontier *f = NULL, *g = NULL;
		struct nk_agenda *a = NULL;
		struct nk_error err = { 0 };
		struct nk_solutions s;
		const struct nk_frontier_point *nash;
		double raw = 0;

		snprintf(path, sizeof(path), "%s/%s/%s", dir, r->dir, r->domain);
		assert_int_equal(nk_agenda_load(path, &a, &err), NK_OK);
		snprintf(path, sizeof(path), "%s/%s/%s", dir, r->dir, r->p1);
		assert_int_equal(nk_profile_load(a, path, &p[0], &err), NK_OK);
		snprintf(path, sizeof(path), "%s/%s/%s", dir, r->dir, r->p2);
		assert_int_equal(nk_profile_load(a, path, &p[1], &err), NK_OK);
		assert_true(nk_agenda_outcomes(a) == r->outcomes);
		assert_int_equal(nk_frontier_compute(a, (const struct nk_profile *const *)p, 2, NULL,
						     &f, &err), NK_OK);
		assert_int_equal(f->npoints, r->frontier);
		nk_frontier_solutions(f, &s);
		assert_true(s.index[NK_NASH] >= 0);
		nash = &f->points[s.index[NK_NASH]];
		for (size_t i = 0; i < a->nissues; i++)
			raw += nk_contribution(&p[0]->valuations[i], nash->outcome[i]);
		assert_true(fabs(raw - r->nash1) < 5e-7);
		assert_true(fabs(nash->utility[0] - fmin(r->nash1, 1.0)) < 5e-7);
		assert_true(fabs(nash->utility[1] - r->nash2) < 5e-7);
		/* And the same frontier, counts and outcomes by enumeration. */
		assert_int_equal(nk_frontier_enumerate(a, (const struct nk_profile *const *)p, 2, NULL,
						       1e7, &g, &err), NK_OK);
		assert_int_equal(g->npoints, f->npoints);
		for (size_t i = 0; i < f->npoints; i++) {
			assert_true(f->points[i].utility[0] == g->points[i].utility[0]);
			assert_true(f->points[i].utility[1] == g->points[i].utility[1]);
			assert_int_equal(f->points[i].count, g->points[i].count);
			assert_memory_equal(f->points[i].outcome, g->points[i].outcome,
					    a->nissues * sizeof(uint32_t));
		}
		print_message("# %-24s %9.0f outcomes, %3zu frontier points, Nash (%.6f, %.6f)\n",
			      r->dir, r->outcomes, f->npoints, nash->utility[0], nash->utility[1]);
		nk_frontier_free(f);
		nk_frontier_free(g);
		nk_profile_free(p[0]);
		nk_profile_free(p[1]);
		nk_agenda_free(a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(solution_concepts_differ),
		cmocka_unit_test(kalai_smorodinsky_follows_best_gains),
		cmocka_unit_test(no_acceptable_outcome_gives_null),
		cmocka_unit_test(ties_are_counted_and_named_first),
		cmocka_unit_test(fixed_issue_and_bad_inputs),
		cmocka_unit_test(shared_domains_match_reference),
		cmocka_unit_test(brute_force_two_parties),
		cmocka_unit_test(brute_force_large),
		cmocka_unit_test(brute_force_many_parties),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
