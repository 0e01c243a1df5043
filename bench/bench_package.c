/* Benchmark of the package search: time to the proposed package for the 1962 case (the
 * demo's valuations) on a US$1 million step, against valuing every package of the grid
 * in the same run, and how the time grows with the fineness of the steps and with the
 * number of components. Prints the machine. Not a test. Usage: bench_package [-r REPS] [-n] */
#include <nakodo/package.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define M (INT64_C(100000000))	/* a million dollars in cents */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_seconds(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The demo's valuations (examples/claims-1962-package-*.json) with an amount step of
 * step minor units and the first ncomp of: grant, loan, credits, claims; label or not. */
static void valuations(int64_t step, int ncomp, int labels, struct nk_package_valuation v[2])
{
	static const char *const names[3] = { "claims", "claims and economic cooperation",
					      "economic cooperation" };
	static const int64_t worth[2][3] = { { 20 * M, 10 * M, 0 }, { 30 * M, 5 * M, 0 } };

	memset(v, 0, 2 * sizeof(*v));
	for (int k = 0; k < 2; k++) {
		struct nk_package_valuation *x = &v[k];

		snprintf(x->party, sizeof(x->party), "%s", k ? "Japan" : "Korea");
		x->role = k ? NK_PAYER : NK_CLAIMANT;
		memcpy(x->currency, "USD", 4);
		x->discount = k ? 0.06 : 0.10;
		x->reservation = k ? INT64_C(38095475831) : INT64_C(21181469761);
		x->table[NK_GRANT] = (struct nk_component_table){ .offered = true,
			.amount = { 250 * M, 350 * M, step }, .years = 10, .per_year = 1 };
		if (ncomp >= 2)
			x->table[NK_LOAN] = (struct nk_component_table){ .offered = true,
				.amount = { 100 * M, 250 * M, step }, .per_year = 2,
				.rate = { 300, 350, 25 }, .grace = { 10, 14, 2 }, .maturity = { 40, 60, 10 },
				.repayment = NK_REPAY_EQUAL_PRINCIPAL };
		if (ncomp >= 3)	/* commercial credits at a 6% market rate, 10 years, 2 of grace */
			x->table[NK_CREDITS] = (struct nk_component_table){ .offered = true,
				.amount = { 0, 100 * M, step }, .per_year = 2, .rate = { 600, 600, 600 },
				.grace = { 4, 4, 4 }, .maturity = { 20, 20, 20 },
				.repayment = NK_REPAY_EQUAL_PRINCIPAL };
		if (ncomp >= 4)
			x->table[NK_CLAIMS] = (struct nk_component_table){ .offered = true,
				.amount = { 0, 100 * M, step } };
		for (int l = 0; labels && l < 3; l++) {
			snprintf(x->labels[l].name, sizeof(x->labels[l].name), "%s", names[l]);
			x->labels[l].worth = worth[k][l];
			x->nlabels++;
		}
	}
}

/* Median seconds of reps calls of call(arg); -1 when one fails. */
static double median_of(int reps, bool (*call)(void *), void *arg)
{
	double *t = calloc((size_t)reps, sizeof(*t)), median;

	for (int i = 0; t && i < reps; i++) {
		double t0 = now();

		if (!call(arg)) {
			free(t);
			return -1;
		}
		t[i] = now() - t0;
	}
	if (!t)
		return -1;
	qsort(t, (size_t)reps, sizeof(*t), cmp_seconds);
	median = t[reps / 2];
	free(t);
	return median;
}

struct search_call {
	const struct nk_package_valuation *v;
	const struct nk_package *baseline;	/* NULL: a round's search */
	struct nk_package_result *r;
	struct nk_package_improvement *imp;
	struct nk_error *err;
};

static bool search_once(void *arg)
{
	struct search_call *c = arg;

	if (c->baseline)
		return nk_package_improve(&c->v[0], &c->v[1], c->baseline, c->imp, c->err) == NK_OK;
	return nk_package_propose(&c->v[0], &c->v[1], NK_NASH, c->r, c->err) == NK_OK;
}

/* Median seconds of reps searches; -1 when refused (err says why). */
static double time_search(const struct nk_package_valuation v[2], int reps,
			  struct nk_package_result *r, struct nk_error *err)
{
	struct search_call c = { .v = v, .r = r, .err = err };

	return median_of(reps, search_once, &c);
}

/* The baseline: both sides' values of every package of the grid (grant x loan amount x
 * terms x label), the work a search without the fold would do. Returns seconds. */
static double time_enumeration(const struct nk_package_valuation v[2], const struct nk_package_space *s,
			       size_t *count)
{
	const struct nk_package_grid *g = &s->grid[NK_LOAN];
	struct nk_package_index at;
	double t0 = now();
	int64_t sink = 0;

	memset(&at, 0, sizeof(at));
	*count = 0;
	for (at.amount[NK_GRANT] = 0; at.amount[NK_GRANT] < s->grid[NK_GRANT].namounts; at.amount[NK_GRANT]++)
	for (at.amount[NK_LOAN] = 0; at.amount[NK_LOAN] < g->namounts; at.amount[NK_LOAN]++)
	for (at.rate[NK_LOAN] = 0; at.rate[NK_LOAN] < g->nrates; at.rate[NK_LOAN]++)
	for (at.grace[NK_LOAN] = 0; at.grace[NK_LOAN] < g->ngraces; at.grace[NK_LOAN]++)
	for (at.maturity[NK_LOAN] = 0; at.maturity[NK_LOAN] < g->nmaturities; at.maturity[NK_LOAN]++)
	for (at.label = 0; at.label < (s->nlabels ? s->nlabels : 1); at.label++) {
		struct nk_package p;
		struct nk_package_worth w[2];

		nk_package_at(s, &at, &p);
		if (nk_package_value(&v[0], &p, &w[0], NULL) != NK_OK ||
		    nk_package_value(&v[1], &p, &w[1], NULL) != NK_OK)
			return -1;
		sink += w[0].total - w[1].total;
		++*count;
	}
	if (sink == INT64_MIN)
		printf("#\n");
	return now() - t0;
}

static void machine(void)
{
	struct utsname u;
	char cpu[256] = "unknown";
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
			snprintf(cpu, sizeof(cpu), "%s", strchr(line, ':') + 2);
			cpu[strcspn(cpu, "\n")] = 0;
			break;
		}
	if (f)
		fclose(f);
	uname(&u);
	printf("machine: %s, %ld cpus, %s %s %s\n", cpu, sysconf(_SC_NPROCESSORS_ONLN), u.sysname,
	       u.release, u.machine);
}

static void row(const char *name, const struct nk_package_valuation v[2], int reps)
{
	struct nk_package_result r;
	struct nk_error err = { 0 };
	double t = time_search(v, reps, &r, &err);

	if (t < 0)
		printf("  %-44s refused: %s: %s\n", name, err.field, err.text);
	else
		printf("  %-44s %14.0f %9zu %10.3f ms\n", name, r.packages, r.frontier, t * 1e3);
}

/* Improvements after a tentative package: the same search with the baseline's worths as
 * floors (nk_package_improve). Baseline: the Nash proposal; the payer's improvement
 * valuation values its first label 1/6 of what it did. Median seconds, -1 if refused. */
static double time_improve(struct nk_package_valuation v[2], int reps,
			   struct nk_package_improvement *imp, struct nk_error *err)
{
	struct nk_package_result r;
	struct search_call c = { .v = v, .baseline = &r.package, .imp = imp, .err = err };

	if (nk_package_propose(&v[0], &v[1], NK_NASH, &r, err) != NK_OK || !r.found)
		return -1;
	v[1].labels[0].worth /= 6;
	return median_of(reps, search_once, &c);
}

int main(int argc, char **argv)
{
	struct nk_package_valuation v[2];
	struct nk_package_space s;
	struct nk_package_result r;
	struct nk_error err = { 0 };
	int reps = 21, with_enum = 1, opt;
	double search, enumeration;
	size_t count;

	while ((opt = getopt(argc, argv, "r:n")) != -1) {
		if (opt == 'r' && strtol(optarg, NULL, 10) > 0 && strtol(optarg, NULL, 10) < 10000)
			reps = (int)strtol(optarg, NULL, 10);	/* a bad count keeps 21 */
		else if (opt == 'n')
			with_enum = 0;
	}
	machine();
	valuations(M, 2, 1, v);
	(void)time_search(v, 3, &r, &err);	/* warm caches and clocks first */
	search = time_search(v, reps, &r, &err);
	if (search < 0 || nk_package_space_build(&v[0], &v[1], &s, &err) != NK_OK) {
		fprintf(stderr, "bench_package: %s: %s\n", err.field, err.text);
		return 1;
	}
	printf("\nThe 1962 case on a US$1 million step (grant x loan amount x rate x grace x maturity "
	       "x label):\n  %.0f packages, %zu Pareto-optimal; proposal in %.3f ms (median of %d)\n",
	       s.packages, r.frontier, search * 1e3, reps);
	if (with_enum) {
		enumeration = time_enumeration(v, &s, &count);
		printf("  valuing all %zu grid packages for both sides instead: %.1f ms; search / "
		       "enumeration = 1/%.0f\n", count, enumeration * 1e3, enumeration / search);
	}
	printf("\nFineness of the steps (grant and loan amounts; grant, loan, label):\n"
	       "  %-44s %14s %9s %13s\n", "step", "packages", "frontier", "median");
	{
		static const int64_t steps[] = { 10 * M, 5 * M, 2 * M, M, M / 2, M / 4, M / 10 };
		static const char *const names[] = { "US$10 million", "US$5 million", "US$2 million",
						     "US$1 million", "US$500,000", "US$250,000",
						     "US$100,000" };

		for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
			valuations(steps[i], 2, 1, v);
			row(names[i], v, reps);
		}
	}
	printf("\nComponents (US$1 million step):\n  %-44s %14s %9s %13s\n", "components", "packages",
	       "frontier", "median");
	{
		static const char *const names[] = { "grant", "grant, loan", "grant, loan, credits",
						     "grant, loan, credits, claims" };

		for (int n = 1; n <= 4; n++) {
			char name[80];

			valuations(M, n, 0, v);
			row(names[n - 1], v, reps);
			snprintf(name, sizeof(name), "%s, label", names[n - 1]);
			valuations(M, n, 1, v);
			row(name, v, reps);
		}
	}
	printf("\nImprovements on the Nash proposal (grant, loan, label):\n  %-44s %14s %9s %13s\n",
	       "step", "packages", "frontier", "median");
	{
		static const int64_t steps[] = { 10 * M, M, M / 2, M / 4 };
		static const char *const names[] = { "US$10 million", "US$1 million", "US$500,000",
						     "US$250,000" };

		for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
			struct nk_package_improvement imp;
			double t;

			valuations(steps[i], 2, 1, v);
			t = time_improve(v, reps, &imp, &err);
			if (t < 0)
				printf("  %-44s refused: %s: %s\n", names[i], err.field, err.text);
			else
				printf("  %-44s %14.0f %9zu %10.3f ms (%s)\n", names[i], imp.packages,
				       imp.frontier, t * 1e3, imp.found ? "improvement" : "none");
		}
	}
	return 0;
}
