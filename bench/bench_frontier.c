/* Benchmark of the frontier fold against exhaustive enumeration in the same run: every
 * shared ANAC domain (NAKODO_SHARED or ../shared), random 6x10 … 50x10 agendas, and
 * three-party agendas. Prints times, the ratio and the machine. Not a test. */
#include <nakodo/frontier.h>
#include "formats/agenda_formats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Best of `reps` runs of the fold plus all solution points; seconds. */
static double time_fold(const struct nk_agenda *a, const struct nk_profile *const *p, size_t np,
			int reps, size_t *npoints)
{
	double best = 1e30;

	for (int r = 0; r < reps; r++) {
		struct nk_frontier *f = NULL;
		struct nk_solutions s;
		double t0 = now();

		if (nk_frontier_compute(a, p, np, NULL, &f, NULL))
			return -1;
		nk_frontier_solutions(f, &s);
		t0 = now() - t0;
		best = t0 < best ? t0 : best;
		*npoints = f->npoints;
		nk_frontier_free(f);
	}
	return best;
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

static void row(const char *name, size_t np, double outcomes, size_t points, double fold,
		double en, size_t epoints)
{
	printf("%-26s %d %12.4g %7zu %11.3f", name, (int)np, outcomes, points, fold * 1e3);
	if (en >= 0)
		printf(" %11.1f %9.0fx%s\n", en * 1e3, en / fold, epoints == points ? "" : "  MISMATCH");
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

static void bench_domain(const char *root, size_t d, size_t np, int with_enum)
{
	struct nk_profile *p[3] = { NULL, NULL, NULL };
	struct nk_agenda *a = NULL;
	char path[700], name[64];
	size_t fp = 0, ep = 0;
	double fold, en = -1;

	snprintf(path, sizeof(path), "%s/%s/%s", root, domains[d].dir, domains[d].domain);
	if (nk_agenda_load(path, &a, NULL))
		goto out;
	for (size_t k = 0; k < np; k++) {
		snprintf(path, sizeof(path), "%s/%s/%s", root, domains[d].dir, domains[d].p[k]);
		if (nk_profile_load(a, path, &p[k], NULL))
			goto out;
	}
	fold = time_fold(a, (const struct nk_profile *const *)p, np, 5, &fp);
	if (with_enum)
		en = time_enum(a, (const struct nk_profile *const *)p, np, &ep);
	snprintf(name, sizeof(name), "%s", domains[d].dir);
	row(name, np, nk_agenda_outcomes(a), fp, fold, en, ep);
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
	const struct nk_profile *pp[NK_PARTIES_MAX];
};

static void make_random(struct random_world *w, size_t ni, size_t np, unsigned seed)
{
	static char *names[] = { "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9" };
	static char issue_names[NK_ISSUES_MAX][8];

	srand(seed);
	memset(w, 0, sizeof(*w));
	w->agenda.nissues = ni;
	w->agenda.issues = w->issues;
	for (size_t i = 0; i < ni; i++) {
		snprintf(issue_names[i], sizeof(issue_names[i]), "i%zu", i);
		w->issues[i] = (struct nk_issue){ .name = issue_names[i], .nvalues = 10, .labels = names };
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

int main(void)
{
	static const struct {
		size_t ni, np;
	} randoms[] = { { 6, 2 }, { 10, 2 }, { 20, 2 }, { 50, 2 }, { 4, 3 }, { 6, 3 }, { 10, 3 } };
	const char *shared = getenv("NAKODO_SHARED");
	struct random_world *w = malloc(sizeof(*w));
	char root[600];
	struct utsname u;

	snprintf(root, sizeof(root), "%s/domains", shared ? shared : "../shared");
	if (!w || uname(&u))
		return 1;
	printf("machine: %s %s %s %s, %ld CPUs\n", u.sysname, u.release, u.version, u.machine,
	       sysconf(_SC_NPROCESSORS_ONLN));
	printf("fold = nk_frontier_compute + nk_frontier_solutions, best of 5; enumeration once\n\n");
	printf("%-26s %s %12s %7s %11s %11s %10s\n", "agenda", "n", "outcomes", "points", "fold ms",
	       "enum ms", "ratio");
	for (size_t d = 0; d < sizeof(domains) / sizeof(domains[0]); d++)
		bench_domain(root, d, 2, 1);
	bench_domain(root, 0, 3, 1);
	for (size_t r = 0; r < sizeof(randoms) / sizeof(randoms[0]); r++) {
		size_t fp = 0, ep = 0;
		char name[64];
		double fold, en = -1, outcomes;

		make_random(w, randoms[r].ni, randoms[r].np, 42 + (unsigned)r);
		outcomes = nk_agenda_outcomes(&w->agenda);
		fold = time_fold(&w->agenda, w->pp, randoms[r].np, 5, &fp);
		if (outcomes <= 1e7 && !(randoms[r].np > 2 && outcomes > 1e6))
			en = time_enum(&w->agenda, w->pp, randoms[r].np, &ep);
		snprintf(name, sizeof(name), "random %zux10", randoms[r].ni);
		row(name, randoms[r].np, outcomes, fp, fold, en, ep);
	}
	free(w);
	return 0;
}
