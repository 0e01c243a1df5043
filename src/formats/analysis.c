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

json_t *nk_analysis_to_json(const struct nk_analysis *an)
{
	json_t *frontier = json_array(), *points = json_object(), *parties = json_array();
	json_t *issues = json_array(), *fixed = json_object();
	const struct nk_agenda *a = an->agenda;

	for (size_t i = 0; i < an->frontier->npoints; i++)
		frontier = nk_json_append(frontier, point_json(an, (long)i));
	for (size_t s = 0; s < NK_SOLUTIONS; s++)
		points = nk_json_set(points, nk_solution_name(s), point_json(an, an->sol.index[s]));
	for (size_t k = 0; k < an->np; k++)
		parties = nk_json_append(parties, json_pack("{s:s, s:f, s:f, s:f}", "name",
							 an->profiles[k]->name, "reservation",
							 an->profiles[k]->reservation, "discount",
							 an->profiles[k]->discount, "best",
							 an->sol.best[k]));
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
	return json_pack("{s:s, s:f, s:o, s:o, s:o, s:I, s:b, s:o, s:o}", "agenda",
			 a->name ? a->name : "agenda", "outcomes", nk_agenda_outcomes(a), "parties",
			 parties, "fixed", fixed, "frontier", frontier, "acceptable_points",
			 (json_int_t)an->sol.acceptable, "deal_zone", an->sol.acceptable > 0,
			 "points", points, "issues", issues);
}

/* ---- the SVG plot: parties 1 and 2, frontier, reservations, points ---- */

#define SVG_W 900
#define SVG_H 560
#define PLOT_X 80
#define PLOT_Y 60
#define PLOT_W 440
#define PLOT_H 420

static void svg_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

struct scale {
	double lo, hi;
};

static double sx(const struct scale *s, double u)
{
	return PLOT_X + (u - s->lo) / (s->hi - s->lo) * PLOT_W;
}

static double sy(const struct scale *s, double u)
{
	return PLOT_Y + PLOT_H - (u - s->lo) / (s->hi - s->lo) * PLOT_H;
}

void nk_analysis_svg_write(FILE *f, const struct nk_analysis *an)
{
	static const char *const colour[NK_SOLUTIONS] = { "#d62728", "#ff7f0e", "#2ca02c", "#9467bd" };
	static const char *const label[NK_SOLUTIONS] = { "Nash", "Kalai-Smorodinsky", "egalitarian",
							 "utilitarian" };
	static const char *const tag[NK_SOLUTIONS] = { "N", "KS", "E", "U" };
	const struct nk_frontier *fr = an->frontier;
	double r0 = an->profiles[0]->reservation, r1 = an->profiles[1]->reservation;
	struct scale sc = { fmin(0, fmin(r0, r1)), fmax(1, fmax(r0, r1)) };
	int stacked[NK_SOLUTIONS] = { 0 };

	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"font-family=\"sans-serif\" font-size=\"12\">\n", SVG_W, SVG_H);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n<text x=\"%d\" y=\"24\" "
		"font-size=\"16\" font-weight=\"bold\">Pareto frontier: ", PLOT_X);
	svg_text(f, an->agenda->name ? an->agenda->name : "agenda");
	fprintf(f, "</text>\n<text x=\"%d\" y=\"44\" fill=\"#555\">%.0f outcomes, %zu frontier points, "
		"%zu acceptable to all%s%s</text>\n", PLOT_X, nk_agenda_outcomes(an->agenda),
		fr->npoints, an->sol.acceptable, an->nfixed ? "; issues fixed" : "",
		an->np > 2 ? "; parties 1 and 2 shown" : "");
	/* Deal zone, grid, axes. */
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#e8f5e9\"/>\n",
		sx(&sc, r0), sy(&sc, sc.hi), sx(&sc, sc.hi) - sx(&sc, r0), sy(&sc, r1) - sy(&sc, sc.hi));
	for (int t = 0; t <= 10; t += 2) {
		double u = sc.lo + (sc.hi - sc.lo) * t / 10.0;

		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
			"<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.1f</text>\n",
			sx(&sc, u), PLOT_Y, sx(&sc, u), PLOT_Y + PLOT_H, sx(&sc, u), PLOT_Y + PLOT_H + 16, u);
		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
			"<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>\n",
			PLOT_X, sy(&sc, u), PLOT_X + PLOT_W, sy(&sc, u), PLOT_X - 6, sy(&sc, u) + 4, u);
	}
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>\n",
		PLOT_X, PLOT_Y, PLOT_W, PLOT_H);
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">utility of ", PLOT_X + PLOT_W / 2,
		PLOT_Y + PLOT_H + 40);
	svg_text(f, an->profiles[0]->name);
	fprintf(f, "</text>\n<text transform=\"translate(%d %d) rotate(-90)\" text-anchor=\"middle\">"
		"utility of ", PLOT_X - 45, PLOT_Y + PLOT_H / 2);
	svg_text(f, an->profiles[1]->name);
	fputs("</text>\n", f);
	/* Reservation lines. */
	fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#1b5e20\" "
		"stroke-dasharray=\"6 4\"/>\n<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
		"stroke=\"#1b5e20\" stroke-dasharray=\"6 4\"/>\n", sx(&sc, r0), PLOT_Y, sx(&sc, r0),
		PLOT_Y + PLOT_H, PLOT_X, sy(&sc, r1), PLOT_X + PLOT_W, sy(&sc, r1));
	/* The frontier as a staircase through its points. */
	fputs("<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.2\" points=\"", f);
	for (size_t i = 0; i < fr->npoints; i++)
		fprintf(f, "%.1f,%.1f ", sx(&sc, fr->points[i].utility[0]), sy(&sc, fr->points[i].utility[1]));
	fputs("\"/>\n", f);
	for (size_t i = 0; i < fr->npoints; i++)
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n",
			sx(&sc, fr->points[i].utility[0]), sy(&sc, fr->points[i].utility[1]),
			fr->points[i].acceptable ? "#1f77b4" : "#aaa");
	/* Solution points, labels stacked where points coincide. */
	for (size_t s = 0; s < NK_SOLUTIONS; s++) {
		long ix = an->sol.index[s];
		double x, y;

		if (ix < 0)
			continue;
		for (size_t t = 0; t < s; t++)
			stacked[s] += an->sol.index[t] == ix;
		x = sx(&sc, fr->points[ix].utility[0]);
		y = sy(&sc, fr->points[ix].utility[1]);
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"none\" stroke=\"%s\" "
			"stroke-width=\"2\"/>\n", x, y, 6 + 3 * stacked[s], colour[s]);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\" font-weight=\"bold\" "
			"text-anchor=\"end\">%s</text>\n", x - 10 - 3 * stacked[s] - 22 * stacked[s], y - 8,
			colour[s], tag[s]);
	}
	/* Legend. */
	{
		int lx = PLOT_X + PLOT_W + 24, ly = PLOT_Y + 10;

		fprintf(f, "<circle cx=\"%d\" cy=\"%d\" r=\"3\" fill=\"#1f77b4\"/><text x=\"%d\" y=\"%d\">"
			"frontier point, acceptable</text>\n", lx, ly, lx + 12, ly + 4);
		ly += 20;
		fprintf(f, "<circle cx=\"%d\" cy=\"%d\" r=\"3\" fill=\"#aaa\"/><text x=\"%d\" y=\"%d\">"
			"below a reservation</text>\n", lx, ly, lx + 12, ly + 4);
		ly += 20;
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"#e8f5e9\" "
			"stroke=\"#1b5e20\" stroke-dasharray=\"3 2\"/><text x=\"%d\" y=\"%d\">deal zone "
			"(above both reservations)</text>\n", lx - 5, ly - 5, lx + 12, ly + 4);
		for (size_t s = 0; s < NK_SOLUTIONS; s++) {
			ly += 20;
			long ix = an->sol.index[s];

			fprintf(f, "<circle cx=\"%d\" cy=\"%d\" r=\"6\" fill=\"none\" stroke=\"%s\" "
				"stroke-width=\"2\"/><text x=\"%d\" y=\"%d\"><tspan font-weight=\"bold\" "
				"fill=\"%s\">%s</tspan> %s", lx, ly, colour[s], lx + 12, ly + 4, colour[s],
				tag[s], label[s]);
			if (ix < 0)
				fputs(": none</text>\n", f);
			else
				fprintf(f, " (%.3f, %.3f)</text>\n", fr->points[ix].utility[0],
					fr->points[ix].utility[1]);
		}
		ly += 32;
		for (size_t k = 0; k < 2; k++, ly += 18) {
			fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"#1b5e20\">reservation of ", lx - 5, ly);
			svg_text(f, an->profiles[k]->name);
			fprintf(f, ": %.3f</text>\n", an->profiles[k]->reservation);
		}
	}
	fputs("</svg>\n", f);
}


enum nk_status nk_analysis_svg(const struct nk_analysis *an, char **out, struct nk_error *err)
{
	size_t len = 0;
	FILE *f = open_memstream(out, &len);

	if (!f)
		return nk_fail(err, NK_ENOMEM, "svg", "out of memory");
	nk_analysis_svg_write(f, an);
	if (fclose(f) != 0 || !*out) {
		free(*out);
		*out = NULL;
		return nk_fail(err, NK_ENOMEM, "svg", "out of memory");
	}
	return NK_OK;
}
