/* Benchmark of the frontier fold against exhaustive enumeration in the same run: every
 * shared ANAC domain (NAKODO_SHARED or ../shared), random 6x10 … 50x10 agendas, and
 * three-party agendas. Prints times, the ratio and the machine; and the fold forced into
 * quad precision (nk_frontier_options.arith, the path before doubles and int128) beside the fold as
 * it runs, with their ratio. Not a test.
 * Usage: bench_frontier [-r REPS] [-f] [-p PARTIES] [NAME…]  (-f: fold only, for
 * callgrind/perf; -p: only rows with that many parties; NAME: a row's agenda name, e.g.
 * Energy or "random 50x10", run alone). */
#include <nakodo/frontier.h>
#include <nakodo/agenda_formats.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* What to run: chosen rows (none: all), repetitions of the fold, enumeration or not. */
struct bench_config {
	char *const *only;
	int nonly;
	size_t parties;		/* 0: any */
	int reps;
	int with_enum;
};

static int wanted(const struct bench_config *cfg, const char *name, size_t np)
{
	if (cfg->parties && cfg->parties != np)
		return 0;
	if (!cfg->nonly)
		return 1;
	for (int i = 0; i < cfg->nonly; i++)
		if (!strcmp(cfg->only[i], name))
			return 1;
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Fold times: the best and the median of the runs, seconds; -1 on failure. */
struct fold_time {
	double best, median;
};

static int cmp_seconds(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Runs the fold plus all solution points `reps` times (quad: forced into quad precision);
 * *arith: what it ran in. */
static struct fold_time time_fold(const struct nk_agenda *a, const struct nk_profile *const *p,
				  size_t np, int reps, int quad, size_t *npoints,
				  enum nk_frontier_arith *arith)
{
	struct nk_frontier_options opt = { .arith = quad ? NK_ARITH_QUAD : NK_ARITH_AUTO };
	struct fold_time ft = { -1, -1 };
	double *t = malloc((size_t)reps * sizeof(*t));

	for (int r = 0; t && r < reps; r++) {
		struct nk_frontier *f = NULL;
		struct nk_solutions s;
		double t0 = now();

		if (nk_frontier_compute(a, p, np, &opt, &f, NULL))
			goto out;
		nk_frontier_solutions(f, &s);
		t[r] = now() - t0;
		*npoints = f->npoints;
		*arith = f->arith;
		nk_frontier_free(f);
	}
	if (t) {
		qsort(t, (size_t)reps, sizeof(*t), cmp_seconds);
		ft = (struct fold_time){ t[0], t[reps / 2] };
	}
out:
	free(t);
	return ft;
}

static double time_enum(const struct nk_agenda *a, const struct nk_profile *const *p, size_t np,
			size_t *npoints)
{
	struct nk_frontier *f = NULL;
	struct nk_solutions s;
	double t0 = now();

	if (nk_frontier_enumerate(a, p, np, NULL, 1e7, &f, NULL))
		return -1;
	nk_frontier_solutions(f, &s);
	t0 = now() - t0;
	*npoints = f->npoints;
	nk_frontier_free(f);
	return t0;
}

/* The fold as it runs (fold, fpoints, in arith) and forced into quad precision
 * (quad, qpoints), then the enumeration (en, epoints; en < 0: not run). */
struct row_times {
	struct fold_time fold, quad;
	size_t fpoints, qpoints, epoints;
	enum nk_frontier_arith arith;
	double en;
};

static void row(const char *name, size_t np, double outcomes, const struct row_times *rt)
{
	size_t points = rt->fpoints, epoints = rt->epoints;
	struct fold_time fold = rt->fold;
	double en = rt->en;
	const char *path = rt->arith == NK_ARITH_DOUBLE ? "double"
			 : rt->arith == NK_ARITH_INT128 ? "int128" : "quad";

	printf("%-26s %d %12.4g %7zu %-6s %9.3f %9.3f %9.3f %6.1fx%s", name, (int)np, outcomes,
	       points, path, rt->quad.median * 1e3, fold.best * 1e3,
	       fold.median * 1e3, rt->quad.median / fold.median,
	       rt->qpoints == points ? "" : " MISMATCH");
	if (en >= 0)
		printf(" %11.1f %9.0fx%s\n", en * 1e3, en / fold.best,
		       epoints == points ? "" : "  MISMATCH");
	else
		printf(" %11s %10s\n", "-", "-");
}

static const struct {
	const char *dir, *domain, *p[3];
} domains[] = {
	{ "AgentHp2_EnergyGrid2016", "energy_grid_domain.xml", { "consumer.xml", "producer.xml", "provider.xml" } },
	{ "Amsterdam", "Amsterdam_domain.xml", { "Amsterdam_party1.xml", "Amsterdam_party2.xml" } },
	{ "Camera", "camera_domain.xml", { "camera_buyer_utility.xml", "camera_seller_utility.xml" } },
	{ "Car", "adg.xml", { "adg_deal.xml", "adg_deal2.xml" } },
	{ "Energy", "energy_domain.xml", { "energy_consumer.xml", "energy_distributor.xml" } },
	{ "EnglandZimbabwe", "EnglandZimbabwe_domain.xml", { "England.xml", "Zimbabwe.xml" } },
	{ "Grocery", "Grocery_domain.xml", { "Grocery_domain_mary.xml", "Grocery_domain_sam.xml" } },
	{ "ItexvsCypress", "ItexvsCypress_domain.xml", { "ItexvsCypress_Cypress.xml", "ItexvsCypress_Itex.xml" } },
	{ "Laptop", "laptop_domain.xml", { "laptop_buyer_utility.xml", "laptop_seller_utility.xml" } },
	{ "SmartPhone", "SmartPhone.xml", { "SmartPhone_util1.xml", "SmartPhone_util2.xml" } },
	{ "Travel", "travel_domain.xml", { "travel_chox.xml", "travel_fanny.xml" } },
	{ "Wholesaler", "Wholesaler-domain.xml", { "Wholesaler-prof1.xml", "Wholesaler-prof2.xml" } },
};

static void bench_domain(const struct bench_config *cfg, const char *root, size_t d, size_t np)
{
	struct nk_profile *p[3] = { NULL, NULL, NULL };
	struct nk_agenda *a = NULL;
	char path[700], name[64];
	struct row_times rt = { .en = -1 };
	enum nk_frontier_arith qd;

	if (!wanted(cfg, domains[d].dir, np))
		return;
	snprintf(path, sizeof(path), "%s/%s/%s", root, domains[d].dir, domains[d].domain);
	if (nk_agenda_load(path, &a, NULL))
		goto out;
	for (size_t k = 0; k < np; k++) {
		snprintf(path, sizeof(path), "%s/%s/%s", root, domains[d].dir, domains[d].p[k]);
		if (nk_profile_load(a, path, &p[k], NULL))
			goto out;
	}
	rt.quad = time_fold(a, (const struct nk_profile *const *)p, np, cfg->reps, 1, &rt.qpoints,
			    &qd);
	rt.fold = time_fold(a, (const struct nk_profile *const *)p, np, cfg->reps, 0, &rt.fpoints,
			    &rt.arith);
	if (cfg->with_enum)
		rt.en = time_enum(a, (const struct nk_profile *const *)p, np, &rt.epoints);
	snprintf(name, sizeof(name), "%s", domains[d].dir);
	row(name, np, nk_agenda_outcomes(a), &rt);
out:
	for (size_t k = 0; k < 3; k++)
		nk_profile_free(p[k]);
	nk_agenda_free(a);
}

/* A random agenda of ni issues x nv values, uniform weights (normalised) and scores. */
struct random_world {
	struct nk_agenda agenda;
	struct nk_issue issues[NK_ISSUES_MAX];
	struct nk_profile profiles[NK_PARTIES_MAX];
	struct nk_valuation vals[NK_PARTIES_MAX][NK_ISSUES_MAX];
	double scores[NK_PARTIES_MAX][NK_ISSUES_MAX][10];
	char *labels[10];
	char issue_names[NK_ISSUES_MAX][24];	/* "i" and any size_t */
	const struct nk_profile *pp[NK_PARTIES_MAX];
};

static void make_random(struct random_world *w, size_t ni, size_t np, unsigned seed)
{
	static char *const names[] = { "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9" };

	srand(seed);
	memset(w, 0, sizeof(*w));
	w->agenda.nissues = ni;
	w->agenda.issues = w->issues;
	for (size_t v = 0; v < 10; v++)
		w->labels[v] = names[v];
	for (size_t i = 0; i < ni; i++) {
		snprintf(w->issue_names[i], sizeof(w->issue_names[i]), "i%zu", i);
		w->issues[i] = (struct nk_issue){ .name = w->issue_names[i], .nvalues = 10,
						  .labels = w->labels };
	}
	for (size_t k = 0; k < np; k++) {
		double sum = 0;

		for (size_t i = 0; i < ni; i++) {
			w->vals[k][i].weight = (double)rand() / RAND_MAX;
			sum += w->vals[k][i].weight;
			for (size_t v = 0; v < 10; v++)
				w->scores[k][i][v] = (double)rand() / RAND_MAX;
			w->vals[k][i].scores = w->scores[k][i];
		}
		for (size_t i = 0; i < ni; i++)
			w->vals[k][i].weight /= sum;
		w->profiles[k] = (struct nk_profile){ .nissues = ni, .valuations = w->vals[k] };
		w->pp[k] = &w->profiles[k];
	}
}

int main(int argc, char **argv)
{
	static const struct {
		size_t ni, np;
	} randoms[] = { { 6, 2 }, { 10, 2 }, { 20, 2 }, { 50, 2 }, { 4, 3 }, { 6, 3 }, { 10, 3 } };
	struct bench_config cfg = { .reps = 5, .with_enum = 1 };
	const char *shared = getenv("NAKODO_SHARED");
	struct random_world *w = malloc(sizeof(*w));
	char root[600];
	struct utsname u;
	int opt;

	while ((opt = getopt(argc, argv, "fp:r:")) != -1) {
		if (opt == 'f') {
			cfg.with_enum = 0;
		} else if (opt == 'p') {
			cfg.parties = (size_t)strtoul(optarg, NULL, 10);
		} else if (opt == 'r') {
			cfg.reps = (int)strtol(optarg, NULL, 10);
			if (cfg.reps < 1 || cfg.reps > 100000)
				goto usage;
		} else {
			goto usage;
		}
	}
	cfg.only = argv + optind;
	cfg.nonly = argc - optind;
	snprintf(root, sizeof(root), "%s/domains", shared ? shared : "../shared");
	if (!w || uname(&u))
		return 1;
	printf("machine: %s %s %s %s, %ld CPUs\n", u.sysname, u.release, u.version, u.machine,
	       sysconf(_SC_NPROCESSORS_ONLN));
	printf("fold = nk_frontier_compute + nk_frontier_solutions, best and median of %d;\n"
	       "path = what the fold ran in (double when the table fits 2^53, else int128 when\n"
	       "exact); quad ms = median of the fold forced into quad precision (the path\n"
	       "before), speedup = quad median / median; enumeration once; ratio =\n"
	       "enumeration / best fold\n\n",
	       cfg.reps);
	printf("%-26s %s %12s %7s %-6s %9s %9s %9s %7s %11s %10s\n", "agenda", "n", "outcomes",
	       "points", "path", "quad ms", "best ms", "median ms", "speedup", "enum ms", "ratio");
	for (size_t d = 0; d < sizeof(domains) / sizeof(domains[0]); d++)
		bench_domain(&cfg, root, d, 2);
	bench_domain(&cfg, root, 0, 3);
	for (size_t r = 0; r < sizeof(randoms) / sizeof(randoms[0]); r++) {
		struct row_times rt = { .en = -1 };
		char name[64];
		double outcomes;
		enum nk_frontier_arith qd;

		snprintf(name, sizeof(name), "random %zux10", randoms[r].ni);
		if (!wanted(&cfg, name, randoms[r].np))
			continue;
		make_random(w, randoms[r].ni, randoms[r].np, 42 + (unsigned)r);
		outcomes = nk_agenda_outcomes(&w->agenda);
		rt.quad = time_fold(&w->agenda, w->pp, randoms[r].np, cfg.reps, 1, &rt.qpoints, &qd);
		rt.fold = time_fold(&w->agenda, w->pp, randoms[r].np, cfg.reps, 0, &rt.fpoints,
				    &rt.arith);
		if (cfg.with_enum && outcomes <= 1e7 && !(randoms[r].np > 2 && outcomes > 1e6))
			rt.en = time_enum(&w->agenda, w->pp, randoms[r].np, &rt.epoints);
		row(name, randoms[r].np, outcomes, &rt);
	}
	free(w);
	return 0;
usage:
	fprintf(stderr, "usage: bench_frontier [-r REPS] [-f] [-p PARTIES] [NAME...]\n");
	free(w);
	return 2;
}
