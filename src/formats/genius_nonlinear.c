/* GENIUS's non-linear utility spaces (NonlinearUtilitySpace: a <utility maxutility=…>
 * holding <ufun> sums of <hyperRectangle>s) read where they are linear in disguise: every
 * ufun aggregates by sum and every rectangle bounds at most one issue, so the utility is
 * a sum over issues (plus a constant) divided by maxutility, capped at 1, which is what a
 * linear additive profile is. Anything else (max or min aggregation, a rectangle over two
 * issues, EXCLUDES) is refused with what is supported. */
#include "formats/genius_xml.h"

#include <libxml/tree.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SUPPORTED "; nakodo reads linear additive profiles and non-linear ones that are a sum " \
	"of one-issue hyperRectangles"

static const xmlNode *find_child(const xmlNode *n, const char *name)
{
	for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (is_elem(c, name))
			return c;
	return NULL;
}

const xmlNode *genius_nonlinear_utility(const xmlNode *space)
{
	const xmlNode *u = find_child(space, "utility");

	for (const xmlNode *c = space->children; !u && c; c = c->next)
		if (is_elem(c, "objective"))
			u = find_child(c, "utility");
	return u;
}

/* An optional numeric attribute: 1 with *out (def when absent), 0 when not a number. */
static int optional_number(const xmlNode *n, const char *name, double def, double *out)
{
	char *s = attr(n, name);
	int ok = !s || attr_number(n, name, out);

	if (!s)
		*out = def;
	xmlFree(s);
	return ok;
}

struct walk {
	const xmlNode *obj;
	const struct nk_agenda *agenda;
	struct nk_profile *pr;
	const char *file;
	double constant;
	struct nk_error *err;
};

/* The agenda issue a rectangle's bound names: by the profile's own issue of that index,
 * else by position. */
static long bound_issue(const struct walk *w, double index)
{
	const xmlNode *in = profile_issue(w->obj, index);
	char *name = in ? attr(in, "name") : NULL;
	long k = -1;

	if (name)
		k = nk_agenda_find_issue(w->agenda, name);
	else if (index >= 1 && index <= (double)w->agenda->nissues && index == floor(index))
		k = (long)index - 1;
	xmlFree(name);
	return k;
}

static enum nk_status rectangle(struct walk *w, const xmlNode *r, double factor)
{
	const xmlNode *b = NULL;
	double u, weight, lo, hi;
	size_t nbounds = 0;
	long k;

	if (!attr_number(r, "utility", &u) || !optional_number(r, "weight", 1, &weight))
		return xml_fail(w->err, w->file, r, "a hyperRectangle needs a numeric utility", NULL);
	for (const xmlNode *c = r->children; c; c = c->next) {
		if (is_elem(c, "EXCLUDES"))
			return xml_fail(w->err, w->file, c, "an EXCLUDES rectangle is not additive",
					SUPPORTED);
		if (is_elem(c, "INCLUDES")) {
			b = c;
			nbounds++;
		}
	}
	if (nbounds == 0) {	/* every outcome: a constant */
		w->constant += u * weight * factor;
		return NK_OK;
	}
	if (nbounds > 1)
		return xml_fail(w->err, w->file, r, "a hyperRectangle over several issues is not "
				"additive", SUPPORTED);
	if (!attr_number(b, "index", &lo) || (k = bound_issue(w, lo)) < 0)
		return xml_fail(w->err, w->file, b, "INCLUDES names no issue of the domain", NULL);
	if (w->agenda->issues[k].kind != NK_ISSUE_INTEGER)
		return xml_fail(w->err, w->file, b, "a hyperRectangle bounds an integer issue, not ",
				w->agenda->issues[k].name);
	if (!attr_number(b, "min", &lo) || !attr_number(b, "max", &hi))
		return xml_fail(w->err, w->file, b, "INCLUDES needs numeric min and max", NULL);
	for (size_t v = 0; v < w->agenda->issues[k].nvalues; v++) {
		double x = nk_issue_number(&w->agenda->issues[k], v);

		if (x >= lo && x <= hi)
			w->pr->valuations[k].evaluations[v] += u * weight * factor;
	}
	return NK_OK;
}

static enum nk_status ufun(struct walk *w, const xmlNode *f, double factor, int depth)
{
	char *agg = attr(f, "aggregation");
	int sum = !agg || !strcmp(agg, "sum");
	enum nk_status rc = NK_OK;

	xmlFree(agg);
	if (!sum)
		return xml_fail(w->err, w->file, f, "a ufun that does not aggregate by sum is not "
				"additive", SUPPORTED);
	if (depth > 16)
		return xml_fail(w->err, w->file, f, "ufuns nested more than 16 deep", NULL);
	for (const xmlNode *c = f->children; c && !rc; c = c->next) {
		double weight;

		if (is_elem(c, "hyperRectangle"))
			rc = rectangle(w, c, factor);
		else if (is_elem(c, "ufun") && !optional_number(c, "weight", 1, &weight))
			rc = xml_fail(w->err, w->file, c, "a ufun weight must be a number", NULL);
		else if (is_elem(c, "ufun"))
			rc = ufun(w, c, factor * weight, depth + 1);
	}
	return rc;
}

enum nk_status genius_read_nonlinear(const xmlNode *utility, const xmlNode *obj,
				     const struct nk_agenda *agenda, struct nk_profile *pr,
				     const char *file, struct nk_error *err)
{
	struct walk w = { .obj = obj, .agenda = agenda, .pr = pr, .file = file, .err = err };
	const xmlNode *top = find_child(utility, "ufun");
	enum nk_status rc;
	double max;

	if (!attr_number(utility, "maxutility", &max) || max <= 0)
		return xml_fail(err, file, utility, "a non-linear utility needs maxutility > 0", NULL);
	if (!top)
		return xml_fail(err, file, utility, "a non-linear utility needs a <ufun>", NULL);
	for (size_t i = 0; i < agenda->nissues; i++) {
		struct nk_valuation *va = &pr->valuations[i];

		va->weight = 1;
		va->evaluation_max = max;
		va->evaluations = calloc(agenda->issues[i].nvalues, sizeof(*va->evaluations));
		va->scores = calloc(agenda->issues[i].nvalues, sizeof(*va->scores));
		if (!va->evaluations || !va->scores)
			return nk_fail(err, NK_ENOMEM, file, "out of memory");
	}
	rc = ufun(&w, top, 1, 0);
	if (rc)
		return rc;
	/* The constant goes to the first issue, every value alike. */
	for (size_t i = 0; i < agenda->nissues; i++) {
		struct nk_valuation *va = &pr->valuations[i];

		for (size_t v = 0; v < agenda->issues[i].nvalues; v++) {
			if (i == 0)
				va->evaluations[v] += w.constant;
			va->scores[v] = va->evaluations[v] / max;
		}
	}
	return NK_OK;
}
