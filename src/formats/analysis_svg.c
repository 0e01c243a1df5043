/* The SVG plot of an analysis (analysis.h): for two parties the frontier in their plane;
 * for three to five, one panel per pair of parties (projections of the frontier points,
 * no staircase, which would join points that are not neighbours). Frontier points and
 * solution points carry a <title> naming their outcome (shown on hover); labels N, KS, E
 * and U are placed so that they do not overlap, and labels of one point are joined; the
 * deal zone is shaded only when there is one; the title is the agenda's name. */
#define _GNU_SOURCE	/* open_memstream */
#include "formats/xml_escape.h"
#include <nakodo/analysis.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PLOT_X 80
#define PLOT_Y 70
#define LEGEND_W 400
#define OUTCOME_CHARS 56

static const char *const colour[NK_SOLUTIONS] = { "#d62728", "#ff7f0e", "#2ca02c", "#9467bd" };
static const char *const tag[NK_SOLUTIONS] = { "N", "KS", "E", "U" };
static const char *const long_name[NK_SOLUTIONS] = { "Nash", "Kalai-Smorodinsky",
						     "egalitarian", "utilitarian" };

/* "issue=value, …" of frontier point ix, escaped. */
static void outcome(FILE *f, const struct nk_analysis *an, long ix)
{
	const uint32_t *o = an->frontier->points[ix].outcome;

	for (size_t i = 0; i < an->agenda->nissues; i++) {
		fputs(i ? ", " : "", f);
		xml_escape(f, an->agenda->issues[i].name);
		fputc('=', f);
		xml_escape(f, an->agenda->issues[i].labels[o[i]]);
	}
}

static void utilities(FILE *f, const struct nk_analysis *an, long ix)
{
	fputc('(', f);
	for (size_t k = 0; k < an->np; k++)
		fprintf(f, "%s%.3f", k ? ", " : "", an->frontier->points[ix].utility[k]);
	fputc(')', f);
}

/* A <title> for point ix: what hovering shows. */
static void title(FILE *f, const struct nk_analysis *an, long ix, const char *what)
{
	fputs("<title>", f);
	if (what)
		fprintf(f, "%s: ", what);
	outcome(f, an, ix);
	fputs("&#10;utilities ", f);
	utilities(f, an, ix);
	if (an->frontier->points[ix].count > 1)
		fprintf(f, "&#10;%llu outcomes alike",
			(unsigned long long)an->frontier->points[ix].count);
	fputs("</title>", f);
}

struct panel {
	double x, y, w, h;	/* plot area */
	size_t a, b;		/* party on the x axis, on the y axis */
	double lo, hi;		/* utility range of both axes */
};

static double px(const struct panel *p, double u)
{
	return p->x + (u - p->lo) / (p->hi - p->lo) * p->w;
}

static double py(const struct panel *p, double u)
{
	return p->y + p->h - (u - p->lo) / (p->hi - p->lo) * p->h;
}

struct box {
	double x0, y0, x1, y1;
};

/* Whether a and b come closer than LABEL_GAP: close solution points (N, KS and E are
 * often a few pixels apart) otherwise get labels that touch a neighbour's marker. */
#define LABEL_GAP 4.0
static int overlap(const struct box *a, const struct box *b)
{
	return a->x0 < b->x1 + LABEL_GAP && b->x0 < a->x1 + LABEL_GAP &&
	       a->y0 < b->y1 + LABEL_GAP && b->y0 < a->y1 + LABEL_GAP;
}

/* Labels of the solution points: one per distinct point ("N KS" when they coincide),
 * each at the first offset around its point that keeps LABEL_GAP from every label and
 * marker placed (in its marker's colour, which the legend names, however far it moved). */
static void labels(FILE *f, const struct nk_analysis *an, const struct panel *p)
{
	static const double dir[8][2] = { { -1, -1 }, { 1, -1 }, { -1, 1 }, { 1, 1 },
					  { 0, -1.4 }, { 0, 1.4 }, { -1.6, 0 }, { 1.6, 0 } };
	struct box placed[2 * NK_SOLUTIONS];
	size_t nplaced = 0;

	for (size_t s = 0; s < NK_SOLUTIONS; s++) {	/* the markers first: labels avoid them */
		long ix = an->sol.index[s];

		if (ix < 0)
			continue;
		placed[nplaced++] = (struct box){ px(p, an->frontier->points[ix].utility[p->a]) - 8,
						  py(p, an->frontier->points[ix].utility[p->b]) - 8,
						  px(p, an->frontier->points[ix].utility[p->a]) + 8,
						  py(p, an->frontier->points[ix].utility[p->b]) + 8 };
	}
	for (size_t s = 0; s < NK_SOLUTIONS; s++) {
		long ix = an->sol.index[s];
		char name[16] = "";
		double x, y, w;
		struct box b = { 0 };
		int first = 1;

		if (ix < 0)
			continue;
		for (size_t t = 0; t < s; t++)
			first &= an->sol.index[t] != ix;
		if (!first)
			continue;
		for (size_t t = s; t < NK_SOLUTIONS; t++)
			if (an->sol.index[t] == ix)
				snprintf(name + strlen(name), sizeof(name) - strlen(name), "%s%s",
					 *name ? " " : "", tag[t]);
		x = px(p, an->frontier->points[ix].utility[p->a]);
		y = py(p, an->frontier->points[ix].utility[p->b]);
		w = 8.0 * (double)strlen(name) + 4;
		for (int r = 1, done = 0; r <= 6 && !done; r++)
			for (size_t d = 0; d < 8 && !done; d++) {
				double cx = x + dir[d][0] * (10 + w / 2) * r, cy = y + dir[d][1] * 12 * r;

				b = (struct box){ cx - w / 2, cy - 7, cx + w / 2, cy + 7 };
				done = 1;
				for (size_t q = 0; q < nplaced && done; q++)
					done = !overlap(&b, &placed[q]);
			}
		if (nplaced < sizeof(placed) / sizeof(placed[0]))
			placed[nplaced++] = b;

		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\" font-weight=\"bold\" "
			"text-anchor=\"middle\">%s", (b.x0 + b.x1) / 2, b.y1 - 3, colour[s], name);
		title(f, an, ix, name);
		fputs("</text>\n", f);
	}
}

static void draw_panel(FILE *f, const struct nk_analysis *an, const struct panel *p)
{
	const struct nk_frontier *fr = an->frontier;
	double ra = fr->reservation[p->a], rb = fr->reservation[p->b];

	if (an->sol.acceptable > 0)	/* the deal zone, seen in this pair's plane */
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			"fill=\"#e8f5e9\"/>\n", px(p, ra), py(p, p->hi), px(p, p->hi) - px(p, ra),
			py(p, rb) - py(p, p->hi));
	for (int t = 0; t <= 10; t += 2) {
		double u = p->lo + (p->hi - p->lo) * t / 10.0;

		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.1f</text>\n", px(p, u),
			p->y, px(p, u), p->y + p->h, px(p, u), p->y + p->h + 16, u);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>\n", p->x, py(p, u),
			p->x + p->w, py(p, u), p->x - 6, py(p, u) + 4, u);
	}
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
		"stroke=\"#333\"/>\n<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">utility of ",
		p->x, p->y, p->w, p->h, p->x + p->w / 2, p->y + p->h + 36);
	xml_escape(f, an->profiles[p->a]->name);
	fprintf(f, "</text>\n<text transform=\"translate(%.1f %.1f) rotate(-90)\" "
		"text-anchor=\"middle\">utility of ", p->x - 42, p->y + p->h / 2);
	xml_escape(f, an->profiles[p->b]->name);
	fputs("</text>\n", f);
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#1b5e20\" "
		"stroke-dasharray=\"6 4\"/>\n<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		"stroke=\"#1b5e20\" stroke-dasharray=\"6 4\"/>\n", px(p, ra), p->y, px(p, ra),
		p->y + p->h, p->x, py(p, rb), p->x + p->w, py(p, rb));
	if (an->np == 2) {	/* the frontier as a staircase: only meaningful in its plane */
		fputs("<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.2\" points=\"", f);
		for (size_t i = 0; i < fr->npoints; i++)
			fprintf(f, "%.1f,%.1f ", px(p, fr->points[i].utility[p->a]),
				py(p, fr->points[i].utility[p->b]));
		fputs("\"/>\n", f);
	}
	for (size_t i = 0; i < fr->npoints; i++) {
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\">",
			px(p, fr->points[i].utility[p->a]), py(p, fr->points[i].utility[p->b]),
			fr->points[i].acceptable ? "#1f77b4" : "#aaaaaa");
		title(f, an, (long)i, NULL);
		fputs("</circle>\n", f);
	}
	for (size_t s = 0; s < NK_SOLUTIONS; s++) {
		long ix = an->sol.index[s];
		int same = 0;

		if (ix < 0)
			continue;
		for (size_t t = 0; t < s; t++)
			same += an->sol.index[t] == ix;
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"none\" stroke=\"%s\" "
			"stroke-width=\"2\">", px(p, fr->points[ix].utility[p->a]),
			py(p, fr->points[ix].utility[p->b]), 6 + 3 * same, colour[s]);
		title(f, an, ix, long_name[s]);
		fputs("</circle>\n", f);
	}
	labels(f, an, p);
}

/* The legend at (x, y): returns the y below it. */
static double legend(FILE *f, const struct nk_analysis *an, double x, double y)
{
	fprintf(f, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"3\" fill=\"#1f77b4\"/><text x=\"%.0f\" "
		"y=\"%.0f\">frontier point, acceptable to all (hover: its outcome)</text>\n",
		x, y, x + 12, y + 4);
	y += 20;
	fprintf(f, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"3\" fill=\"#aaa\"/><text x=\"%.0f\" "
		"y=\"%.0f\">below a reservation</text>\n", x, y, x + 12, y + 4);
	y += 20;
	if (an->sol.acceptable > 0)
		fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"10\" height=\"10\" fill=\"#e8f5e9\" "
			"stroke=\"#1b5e20\" stroke-dasharray=\"3 2\"/><text x=\"%.0f\" y=\"%.0f\">"
			"deal zone (above every reservation)</text>\n", x - 5, y - 5, x + 12, y + 4);
	else
		fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" fill=\"#b71c1c\">no deal zone: no outcome "
			"is acceptable to every party</text>\n", x - 5, y + 4);
	for (size_t s = 0; s < NK_SOLUTIONS; s++) {
		long ix = an->sol.index[s];
		char *line = NULL, cut[4 * OUTCOME_CHARS + 8];
		size_t len = 0;
		FILE *m;

		y += 22;
		fprintf(f, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"6\" fill=\"none\" stroke=\"%s\" "
			"stroke-width=\"2\"/><text x=\"%.0f\" y=\"%.0f\"><tspan font-weight=\"bold\" "
			"fill=\"%s\">%s</tspan> %s", x, y, colour[s], x + 12, y + 4, colour[s], tag[s],
			long_name[s]);
		if (ix < 0) {
			fputs(": none</text>\n", f);
			continue;
		}
		fputc(' ', f);
		utilities(f, an, ix);
		if (s == NK_NASH && an->nash_ties)
			fprintf(f, ", tied with %zu other point%s", an->nash_ties,
				an->nash_ties > 1 ? "s" : "");
		fputs("</text>\n", f);
		y += 16;
		m = open_memstream(&line, &len);
		if (m) {
			outcome(m, an, ix);
			fclose(m);
		}
		nk_text_fit(line ? line : "", OUTCOME_CHARS, cut, sizeof(cut));
		fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" fill=\"#555\" font-size=\"11\">%s", x + 12,
			y + 4, cut);
		title(f, an, ix, long_name[s]);
		fputs("</text>\n", f);
		free(line);
	}
	y += 30;
	for (size_t k = 0; k < an->np; k++, y += 18) {
		fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" fill=\"#1b5e20\">reservation of ", x - 5, y);
		xml_escape(f, an->profiles[k]->name);
		fprintf(f, ": %.3f", an->profiles[k]->reservation);
		if (an->closest >= 0 && an->shortfall[k] > 0)
			fprintf(f, " (the closest outcome is %.3f short)", an->shortfall[k]);
		fputs("</text>\n", f);
	}
	return y;
}

void nk_analysis_svg_write(FILE *f, const struct nk_analysis *an)
{
	size_t np = an->np, npairs = np * (np - 1) / 2, n = 0;
	size_t cols = npairs == 1 ? 1 : npairs <= 3 ? npairs : npairs <= 6 ? 3 : 4;
	size_t rows = (npairs + cols - 1) / cols;
	double pw = np == 2 ? 440 : 230, ph = np == 2 ? 420 : 210, gx = 90, gy = 80;
	double lo = 0, hi = 1, w, h;

	for (size_t k = 0; k < np; k++) {
		lo = fmin(lo, an->frontier->reservation[k]);
		hi = fmax(hi, an->frontier->reservation[k]);
	}
	w = PLOT_X + (double)cols * (pw + gx) + LEGEND_W;
	h = fmax(PLOT_Y + (double)rows * (ph + gy), PLOT_Y + 260 + 38.0 * NK_SOLUTIONS +
		 18.0 * (double)np);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		"font-family=\"sans-serif\" font-size=\"12\">\n<title>Pareto frontier: ", w, h);
	xml_escape(f, an->agenda->name ? an->agenda->name : "agenda");
	fprintf(f, "</title>\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n<text x=\"%d\" "
		"y=\"26\" font-size=\"16\" font-weight=\"bold\">Pareto frontier: ", PLOT_X);
	xml_escape(f, an->agenda->name ? an->agenda->name : "agenda");
	fprintf(f, "</text>\n<text x=\"%d\" y=\"46\" fill=\"#555\">%.0f outcomes, %zu frontier "
		"points, %zu acceptable to all%s%s</text>\n", PLOT_X,
		nk_agenda_outcomes(an->agenda), an->frontier->npoints, an->sol.acceptable,
		an->nfixed ? "; issues fixed" : "",
		np > 2 ? "; one panel per pair of parties (projections)" : "");
	for (size_t a = 0; a < np; a++)
		for (size_t b = a + 1; b < np; b++, n++) {
			struct panel p = { .x = PLOT_X + (double)(n % cols) * (pw + gx),
					   .y = PLOT_Y + (double)(n / cols) * (ph + gy),
					   .w = pw, .h = ph, .a = a, .b = b, .lo = lo, .hi = hi };

			draw_panel(f, an, &p);
		}
	(void)legend(f, an, PLOT_X + (double)cols * (pw + gx), PLOT_Y + 10);
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
