/* The mediator's points on a frontier (Nash, Kalai–Smorodinsky, egalitarian,
 * utilitarian), compared exactly on quantised gains, and the per-issue analysis.
 * Only points at or above every reservation count. Pure. */
#include "core/frontier_common.h"

#include <string.h>

#include <math.h>

const char *nk_solution_name(enum nk_solution solution)
{
	static const char *const names[NK_SOLUTIONS] = {
		[NK_NASH] = "nash",
		[NK_KALAI_SMORODINSKY] = "kalai_smorodinsky",
		[NK_EGALITARIAN] = "egalitarian",
		[NK_UTILITARIAN] = "utilitarian",
	};

	return (size_t)solution < NK_SOLUTIONS ? names[solution] : "unknown";
}

/* A point's gains, each divided by a scale (1, or the party's best possible gain for
 * Kalai–Smorodinsky), sorted ascending for leximin comparison. */
struct gains {
	double r[NK_PARTIES_MAX];
	size_t np;
};

static int cmp_leximin(const struct gains *a, const struct gains *b)
{
	for (size_t k = 0; k < a->np; k++)
		if (a->r[k] != b->r[k])
			return a->r[k] < b->r[k] ? -1 : 1;
	return 0;
}

static void gains_of(const struct nk_frontier *f, size_t i, const double *scale,
		     struct gains *out)
{
	out->np = f->nparties;
	for (size_t k = 0; k < f->nparties; k++) {
		double g = f->points[i].utility[k] - f->reservation[k];

		/* A party that can gain nothing has all it can get. */
		out->r[k] = scale[k] > 0 ? g / scale[k] : 1.0;
	}
	for (size_t a = 1; a < out->np; a++) {	/* at most 5: insertion */
		double x = out->r[a];
		size_t j = a;

		for (; j > 0 && x < out->r[j - 1]; j--)
			out->r[j] = out->r[j - 1];
		out->r[j] = x;
	}
}

double nk_nash_product(const double *utility, const double *reservation, size_t nparties)
{
	double p = 1;

	for (size_t k = 0; k < nparties; k++)
		p *= utility[k] - reservation[k];
	return p;
}

void nk_frontier_solutions(const struct nk_frontier *f, struct nk_solutions *out)
{
	double ones[NK_PARTIES_MAX], range[NK_PARTIES_MAX], nash = 0, util = 0;
	struct gains ks = { { 0 }, 0 }, eg = { { 0 }, 0 };
	size_t np = f->nparties;
	struct nk_solutions s;

	memset(&s, 0, sizeof(s));
	for (size_t k = 0; k < NK_SOLUTIONS; k++)
		s.index[k] = -1;
	for (size_t k = 0; k < np; k++) {
		s.best[k] = -INFINITY;
		ones[k] = 1;
	}
	for (size_t i = 0; i < f->npoints; i++) {
		if (!f->points[i].acceptable)
			continue;
		s.acceptable++;
		for (size_t k = 0; k < np; k++)
			s.best[k] = fmax(s.best[k], f->points[i].utility[k]);
	}
	for (size_t k = 0; k < np; k++) {
		if (!s.acceptable)
			s.best[k] = 0;
		range[k] = s.acceptable ? s.best[k] - f->reservation[k] : 0;
	}
	for (size_t i = 0; s.acceptable && i < f->npoints; i++) {
		const struct nk_frontier_point *p = &f->points[i];
		double prod, sum = 0;
		struct gains gk, ge;

		if (!p->acceptable)
			continue;
		prod = nk_nash_product(p->utility, f->reservation, np);
		for (size_t k = 0; k < np; k++)
			sum += p->utility[k];
		if (s.index[NK_NASH] < 0 || prod > nash) {
			s.index[NK_NASH] = (long)i;
			nash = prod;
		}
		if (s.index[NK_UTILITARIAN] < 0 || sum > util) {
			s.index[NK_UTILITARIAN] = (long)i;
			util = sum;
		}
		gains_of(f, i, range, &gk);
		if (s.index[NK_KALAI_SMORODINSKY] < 0 || cmp_leximin(&gk, &ks) > 0) {
			s.index[NK_KALAI_SMORODINSKY] = (long)i;
			ks = gk;
		}
		gains_of(f, i, ones, &ge);
		if (s.index[NK_EGALITARIAN] < 0 || cmp_leximin(&ge, &eg) > 0) {
			s.index[NK_EGALITARIAN] = (long)i;
			eg = ge;
		}
	}
	*out = s;
}

void nk_issue_analysis(const struct nk_agenda *agenda, const struct nk_profile *const *profiles,
		       size_t nparties, const struct nk_frontier *frontier, long point,
		       struct nk_issue_report *reports)
{
	for (size_t i = 0; i < agenda->nissues; i++) {
		const struct nk_issue *is = &agenda->issues[i];
		struct nk_issue_report r;

		memset(&r, 0, sizeof(r));
		if (frontier && point >= 0 && (size_t)point < frontier->npoints)
			r.at = frontier->points[point].outcome[i];
		for (size_t k = 0; k < nparties; k++) {
			const struct nk_valuation *va = &profiles[k]->valuations[i];
			size_t bestv = 0;

			for (size_t v = 1; v < is->nvalues; v++)
				if (va->scores[v] > va->scores[bestv])
					bestv = v;
			r.weight[k] = va->weight;
			r.preferred[k] = bestv;
			if (frontier && point >= 0)
				r.concession[k] = va->weight * (va->scores[bestv] - va->scores[r.at]);
		}
		for (size_t v = 0; v < is->nvalues && !r.compatible; v++) {
			bool all = true;

			for (size_t k = 0; k < nparties; k++) {
				const struct nk_valuation *va = &profiles[k]->valuations[i];

				all = all && va->scores[v] == va->scores[r.preferred[k]];
			}
			r.compatible = all;
		}
		reports[i] = r;
	}
}
