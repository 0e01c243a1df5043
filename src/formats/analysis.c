/* The mediator's multi-issue analysis (analysis.h): running it, and its JSON and SVG
 * forms, shared by `nakodo analyze` and the server's POST /v1/analyze. */
#define _GNU_SOURCE	/* open_memstream */
#include <nakodo/analysis.h>
#include <nakodo/json_build.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

void nk_analysis_init(struct nk_analysis *an)
{
	memset(an, 0, sizeof(*an));
	for (size_t i = 0; i < NK_ISSUES_MAX; i++)
		an->fixed[i] = -1;
}

void nk_analysis_free(struct nk_analysis *an)
{
	nk_frontier_free(an->frontier);
	for (size_t k = 0; k < NK_PARTIES_MAX; k++)
		nk_profile_free(an->profiles[k]);
	nk_agenda_free(an->agenda);
	nk_analysis_init(an);
}

enum nk_status nk_analysis_fix(struct nk_analysis *an, const char *issue, const char *value,
			       struct nk_error *err)
{
	long i = nk_agenda_find_issue(an->agenda, issue);
	size_t v;

	if (i < 0)
		return nk_fail(err, NK_EINVAL, "fix", "the agenda has no issue '%.128s'", issue);
	if (nk_issue_find_value(&an->agenda->issues[i], value, &v, err) != NK_OK)
		return NK_EINVAL;
	if (an->fixed[i] < 0)
		an->nfixed++;
	an->fixed[i] = (int32_t)v;
	return NK_OK;
}

/* What makes the report readable: ties at the Nash point, how far apart the parties are
 * when nothing is acceptable to all, and what a point of utility is worth in a numeric
 * issue each party scores linearly. */
static void readable(struct nk_analysis *an)
{
	const struct nk_frontier *fr = an->frontier;
	long nash = an->sol.index[NK_NASH];
	double best = INFINITY;

	an->nash_ties = 0;
	an->closest = -1;
	for (size_t i = 0; nash >= 0 && i < fr->npoints; i++) {
		if ((long)i == nash || !fr->points[i].acceptable ||
		    nk_nash_product(fr->points[i].utility, fr->reservation, an->np) !=
		    nk_nash_product(fr->points[nash].utility, fr->reservation, an->np))
			continue;
		if (an->nash_ties < NK_ANALYSIS_TIES_MAX)
			an->nash_tie[an->nash_ties] = (long)i;
		an->nash_ties++;
	}
	for (size_t i = 0; nash < 0 && !an->sol.acceptable && i < fr->npoints; i++) {
		double gap = 0;

		for (size_t k = 0; k < an->np; k++)
			gap += fmax(0, fr->reservation[k] - fr->points[i].utility[k]);
		if (gap < best) {
			best = gap;
			an->closest = (long)i;
		}
	}
	for (size_t k = 0; k < an->np; k++) {
		const struct nk_profile *p = an->profiles[k];
		double top = 0;

		an->shortfall[k] = an->closest < 0 ? 0 :
			fmax(0, fr->reservation[k] - fr->points[an->closest].utility[k]);
		an->money_issue[k] = -1;
		an->money_per_utility[k] = 0;
		for (size_t i = 0; i < an->agenda->nissues; i++) {
			const struct nk_valuation *va = &p->valuations[i];

			if (an->agenda->issues[i].kind == NK_ISSUE_DISCRETE || !va->linear ||
			    va->weight * fabs(va->slope) == 0 || va->weight <= top)
				continue;
			top = va->weight;
			an->money_issue[k] = (long)i;
			an->money_per_utility[k] = 1 / (va->weight * fabs(va->slope));
		}
	}
}

void nk_text_fit(const char *s, size_t width, char *out, size_t n)
{
	size_t chars = 0, cut = 0, i;

	for (i = 0; s[i]; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (chars + 1 == width)
			cut = i;	/* where "…" goes if the rest does not fit */
		chars++;
	}
	if (chars <= width || width == 0) {
		snprintf(out, n, "%s", s);
		return;
	}
	snprintf(out, n, "%.*s…", (int)cut, s);
}

enum nk_status nk_analysis_run(struct nk_analysis *an, nk_progress_fn *progress,
			       void *progress_arg, struct nk_error *err)
{
	struct nk_frontier_options fopt = { .fixed = an->fixed, .progress = progress,
					    .progress_arg = progress_arg };
	enum nk_status rc;

	rc = nk_frontier_compute(an->agenda, (const struct nk_profile *const *)an->profiles,
				 an->np, &fopt, &an->frontier, err);
	if (rc != NK_OK)
		return rc;
	nk_frontier_solutions(an->frontier, &an->sol);
	nk_issue_analysis(an->agenda, (const struct nk_profile *const *)an->profiles, an->np,
			  an->frontier, an->sol.index[NK_NASH], an->reports);
	readable(an);
	return NK_OK;
}

static const char *value_of(const struct nk_agenda *a, size_t issue, uint32_t v)
{
	return a->issues[issue].labels[v];
}

static json_t *point_json(const struct nk_analysis *an, long index)
{
	const struct nk_frontier_point *p;
	json_t *o, *u, *out;

	if (index < 0)
		return json_null();
	p = &an->frontier->points[index];
	u = json_array();
	out = json_object();
	for (size_t k = 0; k < an->np; k++)
		u = nk_json_append(u, json_real(p->utility[k]));
	for (size_t i = 0; i < an->agenda->nissues; i++)
		out = nk_json_set(out, an->agenda->issues[i].name,
				    json_string(value_of(an->agenda, i, p->outcome[i])));
	o = json_pack("{s:o, s:o, s:I, s:b}", "utilities", u, "outcome", out, "outcomes",
		      (json_int_t)(p->count > (uint64_t)INT64_MAX ? INT64_MAX : p->count),
		      "acceptable", p->acceptable);
	return o;
}

/* utility worth of party k in its money issue: {"issue": …, "amount": …}, or null. */
static json_t *money_json(const struct nk_analysis *an, size_t k, double utility)
{
	if (an->money_issue[k] < 0)
		return json_null();
	return json_pack("{s:s, s:f}", "issue", an->agenda->issues[an->money_issue[k]].name,
			 "amount", utility * an->money_per_utility[k]);
}

json_t *nk_analysis_to_json(const struct nk_analysis *an)
{
	json_t *frontier = json_array(), *points = json_object(), *parties = json_array();
	json_t *issues = json_array(), *fixed = json_object();
	const struct nk_agenda *a = an->agenda;

	for (size_t i = 0; i < an->frontier->npoints; i++)
		frontier = nk_json_append(frontier, point_json(an, (long)i));
	for (size_t s = 0; s < NK_SOLUTIONS; s++)
		points = nk_json_set(points, nk_solution_name(s), point_json(an, an->sol.index[s]));
	json_t *ties = json_array(), *apart = json_null();

	for (size_t k = 0; k < an->np; k++)
		parties = nk_json_append(parties, json_pack("{s:s, s:f, s:f, s:f, s:o}", "name",
							 an->profiles[k]->name, "reservation",
							 an->profiles[k]->reservation, "discount",
							 an->profiles[k]->discount, "best",
							 an->sol.best[k], "per_utility",
							 money_json(an, k, 1)));
	for (size_t t = 0; t < an->nash_ties && t < NK_ANALYSIS_TIES_MAX; t++)
		ties = nk_json_append(ties, point_json(an, an->nash_tie[t]));
	if (an->closest >= 0) {
		json_t *gap = json_array(), *money = json_array();

		for (size_t k = 0; k < an->np; k++) {
			gap = nk_json_append(gap, json_real(an->shortfall[k]));
			money = nk_json_append(money, money_json(an, k, an->shortfall[k]));
		}
		apart = json_pack("{s:o, s:o, s:o}", "closest", point_json(an, an->closest),
				  "shortfall", gap, "shortfall_in", money);
	}
	for (size_t i = 0; i < a->nissues; i++) {
		const struct nk_issue_report *r = &an->reports[i];
		json_t *per = json_array();

		for (size_t k = 0; k < an->np; k++)
			per = nk_json_append(per, json_pack("{s:f, s:s, s:f}", "weight", r->weight[k],
							     "preferred", value_of(a, i, (uint32_t)r->preferred[k]),
							     "concession_at_nash", r->concession[k]));
		issues = nk_json_append(issues, json_pack("{s:s, s:i, s:s, s:o, s:o}", "name",
							a->issues[i].name, "values",
							(int)a->issues[i].nvalues, "preferences",
							r->compatible ? "compatible" : "opposed",
							"at_nash", an->sol.index[NK_NASH] >= 0
							? json_string(value_of(a, i, (uint32_t)r->at)) : json_null(),
							"parties", per));
		if (an->fixed[i] >= 0)
			fixed = nk_json_set(fixed, a->issues[i].name,
					    json_string(value_of(a, i, (uint32_t)an->fixed[i])));
	}
	return json_pack("{s:s, s:f, s:o, s:o, s:o, s:I, s:b, s:o, s:o, s:b, s:o, s:I, s:o}",
			 "agenda", a->name ? a->name : "agenda", "outcomes", nk_agenda_outcomes(a),
			 "parties", parties, "fixed", fixed, "frontier", frontier,
			 "acceptable_points", (json_int_t)an->sol.acceptable, "deal_zone",
			 an->sol.acceptable > 0, "points", points, "issues", issues, "exact",
			 an->frontier->exact, "nash_ties", ties, "nash_ties_count",
			 (json_int_t)an->nash_ties, "apart", apart);
}
