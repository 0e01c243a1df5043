/* Unit tests for nk_package_improve (doc/package.md, "Improvements"): on random small
 * cases and baselines (the round's own proposal, a random grid package, a package from
 * elsewhere), the proposal equals an independent enumeration of the grid — a Pareto
 * improvement on both sides' own scales, the largest smaller gain, then the largest
 * larger gain, then the first in grid order — none is proposed exactly when none
 * exists, and the answer does not depend on which valuation comes first. */
#include <nakodo/package.h>

#include "package_gen.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define RANDOM_CASES 2000
#define GRID_CAP 3000	/* packages of a case compared (sp.packages) */
#define ENUM_CAP 8192	/* room for its enumeration */

struct best {
	bool found;
	long index;
	int64_t gain[2];	/* by role */
};

/* >0 when gains a split better than b: the larger smaller gain, then the larger larger. */
static int split_cmp(const int64_t *a, const int64_t *b)
{
	int64_t lo_a = a[0] < a[1] ? a[0] : a[1], hi_a = a[0] < a[1] ? a[1] : a[0];
	int64_t lo_b = b[0] < b[1] ? b[0] : b[1], hi_b = b[0] < b[1] ? b[1] : b[0];

	if (lo_a != lo_b)
		return lo_a > lo_b ? 1 : -1;
	return hi_a > hi_b ? 1 : hi_a < hi_b ? -1 : 0;
}

/* The improvement by enumeration: every grid package valued by nk_package_value. */
static struct best brute_force(const struct nk_package_valuation *c,
			       const struct nk_package_valuation *p, const struct nk_package *all,
			       size_t n, const int64_t *floor)
{
	struct best b = { .found = false, .index = -1 };

	for (size_t i = 0; i < n; i++) {
		struct nk_package_worth wc, wp;
		int64_t g[2];

		assert_int_equal(nk_package_value(c, &all[i], &wc, NULL), NK_OK);
		assert_int_equal(nk_package_value(p, &all[i], &wp, NULL), NK_OK);
		g[NK_CLAIMANT] = wc.total - floor[NK_CLAIMANT];
		g[NK_PAYER] = floor[NK_PAYER] - wp.total;
		if (g[0] < 0 || g[1] < 0 || (g[0] == 0 && g[1] == 0))
			continue;	/* worse for one, or no better for either */
		if (!b.found || split_cmp(g, b.gain) > 0) {	/* ties keep the earlier */
			b.found = true;
			b.index = (long)i;
			memcpy(b.gain, g, sizeof(b.gain));
		}
	}
	return b;
}

/* A baseline for case i: the round's own proposal, a grid package, or a package of another
 * random case (usually outside this grid). */
static bool pick_baseline(uint64_t *seed, const struct nk_package_valuation *c,
			  const struct nk_package_valuation *p, const struct nk_package *all,
			  size_t n, struct nk_package *out)
{
	struct nk_package_result r;
	int how = below(seed, 3);

	if (how == 0) {
		assert_int_equal(nk_package_propose(c, p, NK_NASH, &r, NULL), NK_OK);
		if (r.found) {
			*out = r.package;
			return true;
		}
	}
	if (how == 2) {
		struct nk_package_valuation oc, op;
		struct nk_package_space sp;
		struct nk_package *other = malloc(ENUM_CAP * sizeof(*other));
		size_t m;
		bool ok = false;

		assert_non_null(other);
		random_case(seed, &oc, &op);
		if (nk_package_space_build(&oc, &op, &sp, NULL) == NK_OK && !sp.empty &&
		    sp.packages <= GRID_CAP && (m = enumerate(&sp, other, ENUM_CAP)) > 0) {
			*out = other[below(seed, (int)m)];
			ok = nk_package_check(out, NULL) == NK_OK;
		}
		free(other);
		if (ok)
			return true;
	}
	*out = all[below(seed, (int)n)];
	return true;
}

static void test_improvement_equals_brute_force(void **state)
{
	uint64_t seed = 1965;
	size_t compared = 0, found = 0, none = 0, one_sided = 0, incompatible = 0;
	struct nk_package *all = malloc(ENUM_CAP * sizeof(*all));

	(void)state;
	assert_non_null(all);
	for (int i = 0; i < RANDOM_CASES; i++) {
		struct nk_package_valuation c, p;
		struct nk_package_improvement r, rr;
		struct nk_package_space sp;
		struct nk_package baseline;
		struct nk_package_worth wc, wp;
		struct nk_error e = { 0 };
		struct best bf;
		size_t n;

		random_case(&seed, &c, &p);
		if (nk_package_valuation_check(&c, &e) || nk_package_valuation_check(&p, &e) ||
		    nk_package_space_build(&c, &p, &sp, &e))
			fail_msg("case %d: %s: %s", i, e.field, e.text);
		if (sp.empty || sp.packages > GRID_CAP)
			continue;
		n = enumerate(&sp, all, ENUM_CAP);
		if (!pick_baseline(&seed, &c, &p, all, n, &baseline))
			continue;
		/* The reservation is not an improvement valuation's business. */
		c.reservation = below(&seed, 4) * M;
		p.reservation = below(&seed, 4) * M;
		assert_int_equal(nk_package_improve(&c, &p, &baseline, &r, &e), NK_OK);
		if (r.incompatible) {
			incompatible++;
			continue;
		}
		assert_int_equal(nk_package_value(&c, &baseline, &wc, NULL), NK_OK);
		assert_int_equal(nk_package_value(&p, &baseline, &wp, NULL), NK_OK);
		assert_int_equal(r.baseline[NK_CLAIMANT], wc.total);
		assert_int_equal(r.baseline[NK_PAYER], wp.total);
		bf = brute_force(&c, &p, all, n, r.baseline);
		compared++;
		assert_int_equal(r.found, bf.found);
		/* mirror: the same answer whichever valuation comes first */
		assert_int_equal(nk_package_improve(&p, &c, &baseline, &rr, NULL), NK_OK);
		assert_int_equal(rr.found, r.found);
		if (!r.found) {
			none++;
			continue;
		}
		found++;
		assert_true(same_package(&r.package, &all[bf.index]));
		assert_true(same_package(&rr.package, &r.package));
		assert_int_equal(r.gain[NK_CLAIMANT], bf.gain[NK_CLAIMANT]);
		assert_int_equal(r.gain[NK_PAYER], bf.gain[NK_PAYER]);
		assert_memory_equal(rr.gain, r.gain, sizeof(r.gain));
		/* a Pareto improvement on each side's own scale, by its own arithmetic */
		assert_int_equal(nk_package_value(&c, &r.package, &wc, NULL), NK_OK);
		assert_int_equal(nk_package_value(&p, &r.package, &wp, NULL), NK_OK);
		assert_int_equal(wc.total, r.value[NK_CLAIMANT]);
		assert_int_equal(wp.total, r.value[NK_PAYER]);
		assert_true(wc.total >= r.baseline[NK_CLAIMANT] && wp.total <= r.baseline[NK_PAYER]);
		assert_true(wc.total > r.baseline[NK_CLAIMANT] || wp.total < r.baseline[NK_PAYER]);
		assert_int_equal(r.gain[NK_CLAIMANT], wc.total - r.baseline[NK_CLAIMANT]);
		assert_int_equal(r.gain[NK_PAYER], r.baseline[NK_PAYER] - wp.total);
		one_sided += r.gain[NK_CLAIMANT] == 0 || r.gain[NK_PAYER] == 0;
	}
	free(all);
	print_message("# %zu improvements compared with enumeration: %zu proposed (%zu better for "
		      "one side only), %zu with none; %zu incompatible\n", compared, found,
		      one_sided, none, incompatible);
	assert_true(compared > 500);
	assert_true(found > 100);
	assert_true(none > 50);
	assert_true(one_sided > 0);
}

/* The baseline itself, when it is the best both can do, has no improvement; a baseline
 * both can beat has one that splits the gain to the cent when the grid allows. */
static void test_claims_alone(void **state)
{
	struct nk_package_valuation c, p;
	struct nk_package baseline;
	struct nk_package_improvement r;

	(void)state;
	base(&c, "claimant", NK_CLAIMANT, 0.05);
	base(&p, "payer", NK_PAYER, 0.05);
	/* Claims alone: a dollar is a dollar to both, so nothing improves on any baseline. */
	c.table[NK_CLAIMS] = (struct nk_component_table){ .offered = true,
							  .amount = { 0, 10 * M, M } };
	p.table[NK_CLAIMS] = c.table[NK_CLAIMS];
	memset(&baseline, 0, sizeof(baseline));
	baseline.amount[NK_CLAIMS] = 4 * M;
	assert_int_equal(nk_package_improve(&c, &p, &baseline, &r, NULL), NK_OK);
	assert_false(r.found);
	assert_int_equal(r.baseline[NK_CLAIMANT], 4 * M);
	assert_int_equal(r.baseline[NK_PAYER], 4 * M);
	/* A label the claimant values at 2M and the payer at nothing: claims down by 1M and
	 * the label splits 2M of gain 1M / 1M. */
	snprintf(c.labels[0].name, sizeof(c.labels[0].name), "apology");
	c.labels[0].worth = 2 * M;
	c.nlabels = 1;
	snprintf(p.labels[0].name, sizeof(p.labels[0].name), "apology");
	p.nlabels = 1;
	assert_int_equal(nk_package_improve(&c, &p, &baseline, &r, NULL), NK_OK);
	assert_true(r.found);
	assert_int_equal(r.package.amount[NK_CLAIMS], 3 * M);
	assert_string_equal(r.package.label, "apology");
	assert_int_equal(r.gain[NK_CLAIMANT], M);
	assert_int_equal(r.gain[NK_PAYER], M);
}

static void test_refusals(void **state)
{
	struct nk_package_valuation c, p;
	struct nk_package baseline;
	struct nk_package_improvement r;
	struct nk_error e = { 0 };

	(void)state;
	base(&c, "claimant", NK_CLAIMANT, 0.05);
	base(&p, "other", NK_CLAIMANT, 0.05);
	memset(&baseline, 0, sizeof(baseline));
	assert_int_equal(nk_package_improve(&c, &p, &baseline, &r, &e), NK_EINVAL);
	assert_string_equal(e.field, "role");
	p.role = NK_PAYER;
	baseline.amount[NK_CLAIMS] = -1;
	assert_int_equal(nk_package_improve(&c, &p, &baseline, &r, &e), NK_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_improvement_equals_brute_force),
		cmocka_unit_test(test_claims_alone),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
