/* GENIUS XML written back from what nakodo read (nakodo analyze --export-genius): a domain
 * and one profile per party that GENIUS 10.4 and nakodo read to the same utilities. An
 * integer issue stays integer when every party scores it linearly; otherwise (and for
 * real issues, which GENIUS cannot step) it is written as a discrete issue of its labels.
 * Numbers are the shortest decimals that read back as the same doubles, so a profile read
 * from GENIUS comes back with its own evaluations and weights. */
#include "formats/xml_escape.h"
#include <nakodo/agenda_formats.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void xml_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static void put_number(FILE *f, double x)
{
	char buf[NK_NUMBER_MAX];

	nk_number_shortest(x, buf);
	fputs(buf, f);
}

/* Issue i is written as an integer issue: every party scores it linearly. */
static int as_integer(const struct nk_agenda *a, const struct nk_profile *const *pp, size_t np,
		      size_t i)
{
	if (a->issues[i].kind != NK_ISSUE_INTEGER)
		return 0;
	for (size_t k = 0; k < np; k++)
		if (!pp[k]->valuations[i].linear)
			return 0;
	return 1;
}

/* The opening of issue i, as the domain and every profile write it. */
static void issue_open(FILE *f, const struct nk_agenda *a, const struct nk_profile *const *pp,
		       size_t np, size_t i)
{
	const struct nk_issue *is = &a->issues[i];
	const char *kind = as_integer(a, pp, np, i) ? "integer" : "discrete";

	fprintf(f, "  <issue index=\"%zu\" etype=\"%s\" type=\"%s\" vtype=\"%s\" name=\"", i + 1,
		kind, kind, kind);
	xml_escape(f, is->name);
	if (as_integer(a, pp, np, i))
		fprintf(f, "\" lowerbound=\"%.0f\" upperbound=\"%.0f\"", is->lower, is->upper);
	else
		fputc('"', f);
}

static void objective_open(FILE *f, const struct nk_agenda *a)
{
	fputs("<objective index=\"0\" etype=\"objective\" type=\"objective\" description=\"\" "
	      "name=\"", f);
	xml_escape(f, a->name ? a->name : "domain");
	fputs("\">\n", f);
}

static enum nk_status finish(FILE *f, char **out, struct nk_error *err)
{
	if (ferror(f) | (fclose(f) != 0) || !*out) {
		free(*out);
		*out = NULL;
		return nk_fail(err, NK_ENOMEM, "genius", "out of memory");
	}
	return NK_OK;
}

enum nk_status nk_genius_write_domain(const struct nk_agenda *a,
				      const struct nk_profile *const *pp, size_t np, char **out,
				      struct nk_error *err)
{
	size_t len = 0;
	FILE *f;

	*out = NULL;
	f = open_memstream(out, &len);
	if (!f)
		return nk_fail(err, NK_ENOMEM, "genius", "out of memory");
	fprintf(f, "<negotiation_template>\n<utility_space number_of_issues=\"%zu\">\n",
		a->nissues);
	objective_open(f, a);
	for (size_t i = 0; i < a->nissues; i++) {
		issue_open(f, a, pp, np, i);
		if (as_integer(a, pp, np, i)) {
			fputs("/>\n", f);
			continue;
		}
		fputs(">\n", f);
		for (size_t v = 0; v < a->issues[i].nvalues; v++) {
			fprintf(f, "    <item index=\"%zu\" value=\"", v + 1);
			xml_escape(f, a->issues[i].labels[v]);
			fputs("\"/>\n", f);
		}
		fputs("  </issue>\n", f);
	}
	fputs("</objective>\n</utility_space>\n</negotiation_template>\n", f);
	return finish(f, out, err);
}

enum nk_status nk_genius_write_profile(const struct nk_agenda *a,
				       const struct nk_profile *const *pp, size_t np, size_t k,
				       char **out, struct nk_error *err)
{
	const struct nk_profile *p = pp[k];
	double weight[NK_ISSUES_MAX];
	size_t len = 0;
	FILE *f;

	*out = NULL;
	/* GENIUS divides discrete evaluations by their largest: scores whose largest is not
	 * 1 (or a non-linear profile's) are written as evaluations with the weight scaled. */
	for (size_t i = 0; i < a->nissues; i++) {
		const struct nk_valuation *va = &p->valuations[i];
		double top = 0;

		weight[i] = va->weight;
		if (as_integer(a, pp, np, i) || (va->evaluations && va->evaluation_max <= 0))
			continue;
		for (size_t v = 0; v < a->issues[i].nvalues; v++) {
			if (va->scores[v] < 0)
				return nk_fail(err, NK_EINVAL, a->issues[i].name, "%s scores a value "
					       "below 0, which GENIUS evaluations cannot say", p->name);
			top = fmax(top, va->scores[v]);
		}
		if (top > 0)
			weight[i] = va->weight * top;
	}
	f = open_memstream(out, &len);
	if (!f)
		return nk_fail(err, NK_ENOMEM, "genius", "out of memory");
	fprintf(f, "<utility_space number_of_issues=\"%zu\">\n", a->nissues);
	objective_open(f, a);
	for (size_t i = 0; i < a->nissues; i++) {
		fprintf(f, "  <weight index=\"%zu\" value=\"", i + 1);
		put_number(f, weight[i]);
		fputs("\"/>\n", f);
	}
	for (size_t i = 0; i < a->nissues; i++) {
		const struct nk_valuation *va = &p->valuations[i];
		double top = weight[i] != 0 && va->weight != 0 ? weight[i] / va->weight : 1;

		issue_open(f, a, pp, np, i);
		fputs(">\n", f);
		if (as_integer(a, pp, np, i)) {
			fputs("    <evaluator ftype=\"linear\" offset=\"", f);
			put_number(f, va->offset);
			fputs("\" slope=\"", f);
			put_number(f, va->slope);
			fputs("\"/>\n  </issue>\n", f);
			continue;
		}
		for (size_t v = 0; v < a->issues[i].nvalues; v++) {
			fprintf(f, "    <item index=\"%zu\" value=\"", v + 1);
			xml_escape(f, a->issues[i].labels[v]);
			fputs("\" evaluation=\"", f);
			put_number(f, va->evaluations && va->evaluation_max <= 0 ? va->evaluations[v]
										 : va->scores[v] / top);
			fputs("\"/>\n", f);
		}
		fputs("  </issue>\n", f);
	}
	fputs("</objective>\n<reservation value=\"", f);
	put_number(f, p->reservation);
	fputs("\"/>\n<discount_factor value=\"", f);
	put_number(f, p->discount);
	fputs("\"/>\n</utility_space>\n", f);
	return finish(f, out, err);
}
