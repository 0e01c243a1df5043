/* nakodo analyze's text report (analyze_text.h): the agenda, the parties, the points with
 * their ties, how far apart the parties are when nothing is acceptable to all, and the
 * per-issue table. Names and values that do not fit their column end in "…". */
#include "analyze_text.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

/* The characters of UTF-8 text s. */
static size_t chars_of(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Writes s cut to width characters and padded to width (UTF-8 aware). */
static void cell(FILE *f, const char *s, size_t width, int right)
{
	char buf[4 * NK_NAME_MAX + 8];
	size_t chars = 0;

	nk_text_fit(s, width, buf, sizeof(buf));
	chars = chars_of(buf);
	if (right)
		fprintf(f, "%*s%s", (int)(width - chars), "", buf);
	else
		fprintf(f, "%s%*s", buf, (int)(width - chars), "");
}

static const char *label(const struct nk_agenda *a, size_t issue, uint32_t v)
{
	return a->issues[issue].labels[v];
}

static void outcome(FILE *f, const struct nk_analysis *an, const uint32_t *o)
{
	for (size_t i = 0; i < an->agenda->nissues; i++)
		fprintf(f, "%s%s=%s", i ? ", " : "", an->agenda->issues[i].name,
			label(an->agenda, i, o[i]));
}

/* " (≈ 12.5 claims)" for utility u of party k, when its profile relates it to money. */
static void money(FILE *f, const struct nk_analysis *an, size_t k, double u)
{
	if (an->money_issue[k] >= 0)
		fprintf(f, " (≈ %.3g %s)", u * an->money_per_utility[k],
			an->agenda->issues[an->money_issue[k]].name);
}

/* The width of the points' utility columns: a utility's 10, or the longest party's name,
 * up to 24 (a longer one ends in "…"), so that "Department A" and "Department B" are not
 * both cut to "Departmen…". */
static int utility_width(const struct nk_analysis *an)
{
	size_t w = 10;

	for (size_t k = 0; k < an->np; k++) {
		size_t c = chars_of(an->profiles[k]->name);

		if (c > w)
			w = c < 24 ? c : 24;
	}
	return (int)w;
}

static void point_row(FILE *f, const struct nk_analysis *an, const char *name, long ix)
{
	const struct nk_frontier_point *p = &an->frontier->points[ix];
	int w = utility_width(an);

	cell(f, name, 18, 0);
	for (size_t k = 0; k < an->np; k++)
		fprintf(f, " %*.6f", w, p->utility[k]);
	fputs("  ", f);
	outcome(f, an, p->outcome);
	if (p->count > 1)
		fprintf(f, " (and %llu more outcome%s alike)", (unsigned long long)(p->count - 1),
			CLI_PLURAL(p->count - 1));
	fputc('\n', f);
}

static void header(FILE *f, const struct nk_analysis *an)
{
	static const char *const kinds[] = { "discrete", "integer", "real" };
	const struct nk_agenda *a = an->agenda;

	fprintf(f, "agenda %s: %zu issue%s, %.0f outcome%s\n", a->name ? a->name : "", a->nissues,
		CLI_PLURAL(a->nissues), nk_agenda_outcomes(a), CLI_PLURAL(nk_agenda_outcomes(a)));
	for (size_t i = 0; i < a->nissues; i++) {
		const struct nk_issue *is = &a->issues[i];
		char first[4 * NK_NAME_MAX + 8], last[4 * NK_NAME_MAX + 8];

		fputs("  ", f);
		cell(f, is->name, 24, 0);
		nk_text_fit(is->labels[0], 24, first, sizeof(first));
		nk_text_fit(is->labels[is->nvalues - 1], 24, last, sizeof(last));
		fprintf(f, " %-8s %zu values: %s … %s", kinds[is->kind], is->nvalues, first, last);
		if (an->fixed[i] >= 0)
			fprintf(f, "   fixed at %s", is->labels[an->fixed[i]]);
		fputc('\n', f);
	}
	fputs("parties:", f);
	for (size_t k = 0; k < an->np; k++) {
		fprintf(f, "%s %s (reservation %.4f", k ? "," : "", an->profiles[k]->name,
			an->profiles[k]->reservation);
		if (an->money_issue[k] >= 0)
			fprintf(f, "; 0.01 utility ≈ %.3g %s", 0.01 * an->money_per_utility[k],
				a->issues[an->money_issue[k]].name);
		fputc(')', f);
	}
	fprintf(f, "\nfrontier: %zu point%s, %zu of them acceptable to every party\n",
		an->frontier->npoints, CLI_PLURAL(an->frontier->npoints), an->sol.acceptable);
	if (!an->frontier->exact)
		fputs("note: a profile's decimals need more precision than nakodo computes exactly "
		      "with; utilities are GENIUS's doubles, so near-ties may be kept apart\n", f);
}

/* No deal zone: how far apart the parties are at the frontier point nearest to one. */
static void apart(FILE *f, const struct nk_analysis *an)
{
	fprintf(f, "no outcome is acceptable to every party: there is no deal zone%s.\n",
		an->nfixed ? " with these issues fixed" : "");
	if (an->closest < 0)
		return;
	fputs("closest to one, the parties are this far apart:", f);
	for (size_t k = 0, n = 0; k < an->np; k++) {
		if (an->shortfall[k] <= 0)
			continue;
		fprintf(f, "%s %s %.4f below its reservation", n++ ? "," : "",
			an->profiles[k]->name, an->shortfall[k]);
		money(f, an, k, an->shortfall[k]);
	}
	fputs("\n  at: ", f);
	outcome(f, an, an->frontier->points[an->closest].outcome);
	fputc('\n', f);
}

static void issues(FILE *f, const struct nk_analysis *an)
{
	const struct nk_agenda *a = an->agenda;
	int deal = an->sol.index[NK_NASH] >= 0;

	fputc('\n', f);
	cell(f, "issue", 24, 0);
	fputs(" stance    ", f);
	for (size_t k = 0; k < an->np; k++) {
		fputc(' ', f);
		cell(f, an->profiles[k]->name, 28, 0);
	}
	fputs(deal ? " at Nash\n" : "\n", f);
	fprintf(f, "%-35s", "");
	for (size_t k = 0; k < an->np; k++) {
		fputc(' ', f);
		cell(f, deal ? "weight prefers (concedes)" : "weight prefers", 28, 0);
	}
	fputc('\n', f);
	for (size_t i = 0; i < a->nissues; i++) {
		const struct nk_issue_report *r = &an->reports[i];

		cell(f, a->issues[i].name, 24, 0);
		fprintf(f, " %-10s", r->compatible ? "compatible" : "opposed");
		for (size_t k = 0; k < an->np; k++) {
			char text[4 * NK_NAME_MAX + 64], value[4 * NK_NAME_MAX + 8];

			nk_text_fit(label(a, i, (uint32_t)r->preferred[k]), deal ? 12 : 20, value,
				    sizeof(value));
			if (deal)
				snprintf(text, sizeof(text), "%.3f %s (%.3f)", r->weight[k], value,
					 r->concession[k]);
			else
				snprintf(text, sizeof(text), "%.3f %s", r->weight[k], value);
			fputc(' ', f);
			cell(f, text, 28, 0);
		}
		if (deal)
			fprintf(f, " %s", label(a, i, (uint32_t)r->at));
		fputc('\n', f);
	}
}

void analyze_print_text(FILE *f, const struct nk_analysis *an)
{
	header(f, an);
	if (!an->sol.acceptable)
		apart(f, an);
	fputc('\n', f);
	cell(f, "point", 18, 0);
	for (size_t k = 0; k < an->np; k++) {
		fputc(' ', f);
		cell(f, an->profiles[k]->name, (size_t)utility_width(an), 1);
	}
	fputs("  outcome\n", f);
	for (size_t s = 0; s < NK_SOLUTIONS; s++) {
		if (an->sol.index[s] < 0) {
			cell(f, nk_solution_name(s), 18, 0);
			fputs(" none\n", f);
			continue;
		}
		point_row(f, an, nk_solution_name(s), an->sol.index[s]);
		for (size_t t = 0; s == NK_NASH && t < an->nash_ties && t < NK_ANALYSIS_TIES_MAX; t++)
			point_row(f, an, "  tied with nash", an->nash_tie[t]);
		if (s == NK_NASH && an->nash_ties > NK_ANALYSIS_TIES_MAX)
			fprintf(f, "  and %zu more point%s tied with nash\n",
				an->nash_ties - NK_ANALYSIS_TIES_MAX,
				CLI_PLURAL(an->nash_ties - NK_ANALYSIS_TIES_MAX));
	}
	issues(f, an);
}
