/* Unit tests for the arithmetic the frontier fold runs in (doc/analyze.md): doubles when
 * a table's scaled integers fit 2^53, 128-bit integers when they fit 2^113 (2^112 for
 * GENIUS's doubles), quad precision otherwise. Each path is forced on the same random
 * agendas and must give the frontier quad precision gives, point for point, and the one
 * the enumeration gives; the automatic choice must be the one the profiles call for, and
 * a path that would not be exact must be refused. */
#include <nakodo/frontier.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The kinds of profile, each calling for its own arithmetic. */
enum kind {
	SHORT,		/* one- and two-digit decimals: exact, fits 2^53 -> double */
	LONG,		/* 16-digit scores (k/7): exact, past 2^53 -> int128 */
	FINE,		/* 17-digit doubles, too fine for exact: GENIUS's doubles, scaled by a
			 * power of two within 2^112 -> int128 */
	WIDE,		/* GENIUS's doubles from 1e-200 to 1: no power of two fits -> quad */
};

struct world {
	struct nk_agenda agenda;
	struct nk_issue issues[6];
	struct nk_profile profiles[NK_PARTIES_MAX];
	struct nk_valuation vals[NK_PARTIES_MAX][6];
	const struct nk_profile *pp[NK_PARTIES_MAX];
	double scores[NK_PARTIES_MAX][6][5];
	char *labels[5];
	char names[6][4];
	size_t np;
};

/* Near ties on purpose: scores from a few values per kind, so that sums collide and the
 * folds' comparisons of equal and nearly equal sums are what decides the frontier. */
static double score(uint64_t *s, enum kind kind)
{
	static const double fine[] = { 0.1, 0.2, 0.30000000000000004, 0.7, 0.8999999999999999,
				       0.9, 0.3 };

	switch (kind) {
	case SHORT:
		return (double)(rnd(s) % 11) / 10;
	case LONG:
		return (double)(rnd(s) % 8) / 7;
	case FINE:
		return fine[rnd(s) % 7];
	default:
		return rnd(s) % 5 ? (double)(rnd(s) % 5) / 4 : 1e-200;
	}
}

static void make_world(struct world *w, uint64_t *s, size_t np, size_t ni, enum kind kind)
{
	static char *const vnames[] = { "a", "b", "c", "d", "e" };

	memset(w, 0, sizeof(*w));
	w->np = np;
	w->agenda.nissues = ni;
	w->agenda.issues = w->issues;
	for (size_t v = 0; v < 5; v++)
		w->labels[v] = vnames[v];
	for (size_t i = 0; i < ni; i++) {
		snprintf(w->names[i], sizeof(w->names[i]), "i%zu", i);
		w->issues[i] = (struct nk_issue){ .name = w->names[i], .nvalues = 2 + rnd(s) % 4,
						  .labels = w->labels };
	}
	for (size_t k = 0; k < np; k++) {
		for (size_t i = 0; i < ni; i++) {
			/* Two-digit weights, or 1/700 (0.0014285714285714286) for the fine kind. */
			w->vals[k][i].weight = kind == FINE ? 1.0 / 700 : kind == SHORT ? 0.16 : 0.15;
			for (size_t v = 0; v < w->issues[i].nvalues; v++)
				w->scores[k][i][v] = score(s, kind);
			w->vals[k][i].scores = w->scores[k][i];
		}
		w->profiles[k] = (struct nk_profile){ .nissues = ni, .valuations = w->vals[k],
						      .reservation = (double)(rnd(s) % 4) / 8 };
		w->pp[k] = &w->profiles[k];
	}
}

static struct nk_frontier *fold(const struct world *w, enum nk_frontier_arith arith)
{
	struct nk_frontier_options opt = { .arith = arith };
	struct nk_frontier *f = NULL;

	assert_int_equal(nk_frontier_compute(&w->agenda, w->pp, w->np, &opt, &f, NULL), NK_OK);
	return f;
}

/* Point for point: utilities, counts, acceptability and the outcome each names. */
static void assert_same(const struct nk_frontier *a, const struct nk_frontier *b)
{
	assert_int_equal(a->npoints, b->npoints);
	assert_int_equal(a->exact, b->exact);
	for (size_t i = 0; i < a->npoints; i++) {
		const struct nk_frontier_point *p = &a->points[i], *q = &b->points[i];

		for (size_t k = 0; k < a->nparties; k++)
			assert_true(p->utility[k] == q->utility[k]);
		assert_int_equal(p->count, q->count);
		assert_int_equal(p->acceptable, q->acceptable);
		assert_memory_equal(p->outcome, q->outcome, a->nissues * sizeof(*p->outcome));
	}
}

/* Every path that is exact for the kind gives quad's frontier and the enumeration's; the
 * automatic choice is `want`, and the faster paths that would not be exact are refused. */
static void check_kind(enum kind kind, enum nk_frontier_arith want, int exact)
{
	static const enum nk_frontier_arith paths[] = { NK_ARITH_INT128, NK_ARITH_DOUBLE };
	uint64_t s = 0x9e3779b97f4a7c15u + (uint64_t)kind;
	struct world w;

	for (int round = 0; round < 120; round++) {
		struct nk_frontier *quad, *automatic, *en = NULL;

		make_world(&w, &s, 2 + (size_t)round % 3, 3 + rnd(&s) % 4, kind);
		quad = fold(&w, NK_ARITH_QUAD);
		automatic = fold(&w, NK_ARITH_AUTO);
		assert_int_equal(quad->arith, NK_ARITH_QUAD);
		assert_int_equal(automatic->arith, want);
		assert_int_equal(quad->exact, exact);
		assert_same(automatic, quad);
		assert_int_equal(nk_frontier_enumerate(&w.agenda, w.pp, w.np, NULL, 1e6, &en, NULL),
				 NK_OK);
		assert_same(en, quad);
		for (size_t p = 0; p < 2; p++) {
			struct nk_frontier_options opt = { .arith = paths[p] };
			struct nk_frontier *f = NULL;
			struct nk_error err = { 0 };
			int allowed = paths[p] == NK_ARITH_INT128 ? want != NK_ARITH_QUAD
								  : want == NK_ARITH_DOUBLE;

			if (!allowed) {
				assert_int_equal(nk_frontier_compute(&w.agenda, w.pp, w.np, &opt, &f,
								     &err), NK_EINVAL);
				assert_null(f);
				assert_non_null(strstr(err.text, "not exact here"));
				assert_string_equal(err.field, "arith");
				continue;
			}
			f = fold(&w, paths[p]);
			assert_int_equal(f->arith, paths[p]);
			assert_same(f, quad);
			nk_frontier_free(f);
		}
		nk_frontier_free(en);
		nk_frontier_free(automatic);
		nk_frontier_free(quad);
	}
}

static void short_decimals_fold_in_doubles(void **state)
{
	(void)state;
	check_kind(SHORT, NK_ARITH_DOUBLE, 1);
}

static void long_decimals_fold_in_int128(void **state)
{
	(void)state;
	check_kind(LONG, NK_ARITH_INT128, 1);
}

static void fine_doubles_fold_in_int128(void **state)
{
	(void)state;
	check_kind(FINE, NK_ARITH_INT128, 0);
}

static void wide_doubles_stay_in_quad(void **state)
{
	(void)state;
	check_kind(WIDE, NK_ARITH_QUAD, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(short_decimals_fold_in_doubles),
		cmocka_unit_test(long_decimals_fold_in_int128),
		cmocka_unit_test(fine_doubles_fold_in_int128),
		cmocka_unit_test(wide_doubles_stay_in_quad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
