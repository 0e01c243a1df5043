/* GENIUS/ANAC XML domains and linear additive profiles, read with libxml2 and the
 * semantics of GENIUS 10.4 (doc/formats.md, "GENIUS / ANAC XML"). Anything else (real
 * issues without a step, non-linear spaces, nested objectives) is refused by line. */
#include "formats/agenda_read.h"
#include "formats/genius_xml.h"
#include <nakodo/agenda_formats.h>

#include <libxml/parser.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum nk_status xml_fail(struct nk_error *err, const char *file, const xmlNode *node,
			       const char *reason, const char *what)
{
	char where[NK_ERROR_FIELD_MAX];

	size_t n = strlen(file);

	/* The end of a long path names the file; the line must fit too. */
	snprintf(where, sizeof(where), "%s%s:%ld", n > 44 ? "…" : "", n > 44 ? file + n - 44 : file,
		 node ? (long)xmlGetLineNo(node) : 0L);
	return nk_fail(err, NK_EINVAL, where, "%s%.160s", reason, what ? what : "");
}

int is_elem(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

char *attr(const xmlNode *n, const char *name)
{
	return (char *)xmlGetProp(n, (const xmlChar *)name);
}

int attr_number(const xmlNode *n, const char *name, double *out)
{
	char *s = attr(n, name), *end;
	int ok = 0;
	double x;

	if (!s)
		return 0;
	errno = 0;
	x = strtod(s, &end);
	while (*end == ' ')
		end++;
	if (!errno && end != s && !*end && isfinite(x)) {
		*out = x;
		ok = 1;
	}
	xmlFree(s);
	return ok;
}

static enum nk_status parse_xml(const char *buf, size_t len, const char *file, xmlDoc **out,
				struct nk_error *err)
{
	enum nk_status rc = NK_ECORRUPT;
	xmlParserCtxt *ctxt = NULL;
	xmlDoc *doc = NULL;

	if (len > NK_AGENDA_FILE_MAX) {
		rc = nk_fail(err, NK_EINVAL, file, "the file exceeds %u bytes", NK_AGENDA_FILE_MAX);
		goto out;
	}
	ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		rc = nk_fail(err, NK_ENOMEM, file, "out of memory");
		goto out;
	}
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, file, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char where[NK_ERROR_FIELD_MAX];
		char msg[160];
		size_t m;

		size_t n = strlen(file);

		snprintf(where, sizeof(where), "%s%s:%d", n > 44 ? "…" : "",
			 n > 44 ? file + n - 44 : file, e ? e->line : 0);
		snprintf(msg, sizeof(msg), "%s", e && e->message ? e->message : "not XML");
		m = strlen(msg);
		while (m && (msg[m - 1] == '\n' || msg[m - 1] == ' '))
			msg[--m] = 0;
		rc = nk_fail(err, NK_EINVAL, where, "malformed XML: %s", msg);
		goto out;
	}
	/* GENIUS files have no DOCTYPE. One could declare entities, which the parser keeps
	 * as references and xmlGetProp expands: a few hundred KiB that read as gigabytes
	 * (tests/adversary/xml_entities.sh). */
	if (doc->intSubset || doc->extSubset) {
		char where[NK_ERROR_FIELD_MAX];

		snprintf(where, sizeof(where), "%.40s", file);
		rc = nk_fail(err, NK_ECORRUPT, where, "a DOCTYPE is not supported: GENIUS files "
			     "have none");
		goto out;
	}
	*out = doc;
	doc = NULL;
	rc = NK_OK;
out:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return rc;
}

/* The <objective> under root (root is a negotiation_template or a utility_space). */
static const xmlNode *find_objective(const xmlNode *root)
{
	const xmlNode *space = NULL;

	if (is_elem(root, "utility_space"))
		space = root;
	for (const xmlNode *c = root->children; !space && c; c = c->next)
		if (is_elem(c, "utility_space"))
			space = c;
	for (const xmlNode *c = space ? space->children : NULL; c; c = c->next)
		if (is_elem(c, "objective"))
			return c;
	return NULL;
}

static const xmlNode *space_of(const xmlNode *objective)
{
	return objective->parent;
}

/* Refuses what GENIUS's linear additive space does not mean: non-linear spaces and
 * objectives nested in objectives. */
static enum nk_status refuse_unsupported(const xmlNode *space, const char *file,
					 struct nk_error *err)
{
	for (const xmlNode *c = space->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!strcmp((const char *)c->name, "hyperRectangle") ||
		    !strcmp((const char *)c->name, "constraint"))
			return xml_fail(err, file, c, (const char *)c->name,
					" utility spaces are not supported; nakodo reads linear "
					"additive profiles and non-linear ones that are a sum of "
					"one-issue hyperRectangles");
		if (is_elem(c, "objective")) {
			enum nk_status rc = refuse_unsupported(c, file, err);

			if (rc)
				return rc;
			if (c->parent && is_elem(c->parent, "objective"))
				return xml_fail(err, file, c, "nested objectives are not supported", NULL);
		}
	}
	return NK_OK;
}

static enum nk_status read_issue(const xmlNode *n, struct nk_issue *is, const char *file,
				 struct nk_error *err)
{
	enum nk_status rc = NK_ECORRUPT;
	/* GENIUS 10.4 takes the type from "type", else from "vtype". */
	char *type = attr(n, "type"), *name = attr(n, "name");
	size_t count = 0;

	if (!type)
		type = attr(n, "vtype");
	if (!type || !name || !*name || strlen(name) > NK_NAME_MAX) {
		rc = xml_fail(err, file, n, "an issue needs a type (or vtype) and a name of 1 to 128 "
			      "bytes", NULL);
		goto out;
	}
	is->name = strdup(name);
	if (!is->name) {
		rc = nk_fail(err, NK_ENOMEM, file, "out of memory");
		goto out;
	}
	if (!strcmp(type, "discrete")) {
		is->kind = NK_ISSUE_DISCRETE;
		for (const xmlNode *c = n->children; c; c = c->next)
			count += is_elem(c, "item");
		if (count < 1 || count > NK_VALUES_MAX) {
			rc = xml_fail(err, file, n, "a discrete issue needs 1 to 1000 items: ", name);
			goto out;
		}
		is->labels = calloc(count, sizeof(*is->labels));
		if (!is->labels) {
			rc = nk_fail(err, NK_ENOMEM, file, "out of memory");
			goto out;
		}
		for (const xmlNode *c = n->children; c; c = c->next) {
			char *value;

			if (!is_elem(c, "item"))
				continue;
			value = attr(c, "value");
			if (!value || !*value || strlen(value) > NK_NAME_MAX) {
				xmlFree(value);
				rc = xml_fail(err, file, c, "an item needs a value of 1 to 128 bytes", NULL);
				goto out;
			}
			is->labels[is->nvalues] = strdup(value);
			xmlFree(value);
			if (!is->labels[is->nvalues]) {
				rc = nk_fail(err, NK_ENOMEM, file, "out of memory");
				goto out;
			}
			is->nvalues++;
		}
	} else if (!strcmp(type, "integer")) {
		is->kind = NK_ISSUE_INTEGER;
		is->step = 1;
		if (!attr_number(n, "lowerbound", &is->lower) || !attr_number(n, "upperbound", &is->upper) ||
		    is->lower != floor(is->lower) || is->upper != floor(is->upper)) {
			rc = xml_fail(err, file, n, "an integer issue needs integer lowerbound and upperbound: ",
				      name);
			goto out;
		}
		char reason[NK_ERROR_TEXT_MAX];

		if (agenda_read_numeric(is, reason, err)) {
			rc = xml_fail(err, file, n, reason, NULL);
			goto out;
		}
	} else {
		rc = xml_fail(err, file, n, "unsupported issue type (discrete and integer are read; "
			      "give real issues a step in nakodo's JSON form): ", type);
		goto out;
	}
	rc = NK_OK;
out:
	xmlFree(type);
	xmlFree(name);
	return rc;
}

/* Parses buf and finds its objective in a linear additive space (what: "domain" or
 * "profile", for the refusal); *doc is the caller's to free with xmlFreeDoc, even on
 * failure. */
static enum nk_status open_objective(const char *buf, size_t len, const char *file,
				     const char *what, xmlDoc **doc, const xmlNode **obj,
				     struct nk_error *err)
{
	enum nk_status rc = parse_xml(buf, len, file, doc, err);

	if (rc)
		return rc;
	*obj = find_objective(xmlDocGetRootElement(*doc));
	if (!*obj)
		return xml_fail(err, file, xmlDocGetRootElement(*doc),
				"no utility_space/objective: not a GENIUS ", what);
	return refuse_unsupported(space_of(*obj), file, err);
}

enum nk_status nk_genius_read_domain(const char *buf, size_t len, const char *file,
				     struct nk_agenda **out, struct nk_error *err)
{
	enum nk_status rc;
	struct nk_agenda *ag = NULL;
	const xmlNode *obj;
	xmlDoc *doc = NULL;
	size_t count = 0;

	rc = open_objective(buf, len, file, "domain", &doc, &obj, err);
	if (rc)
		goto out;
	for (const xmlNode *c = obj->children; c; c = c->next) {
		if (is_elem(c, "weight") || genius_nonlinear_utility(space_of(obj))) {
			rc = nk_fail(err, NK_EINVAL, file, "this is a profile (it has weights), not a "
				     "domain: give the domain file first, then the profiles");
			goto out;
		}
		count += is_elem(c, "issue");
	}
	if (count < 1 || count > NK_ISSUES_MAX) {
		rc = xml_fail(err, file, obj, "a domain has 1 to 64 issues", NULL);
		goto out;
	}
	rc = agenda_read_new(count, file, &ag, err);
	if (rc)
		goto out;
	{
		/* Many GENIUS domains call their objective "root": then the file names it. */
		char *name = attr(obj, "name");
		const char *base = strrchr(file, '/'), *dot;

		base = base ? base + 1 : file;
		dot = strrchr(base, '.');
		if (name && *name && strcmp(name, "root") && strlen(name) <= NK_NAME_MAX)
			ag->name = strdup(name);
		else
			ag->name = strndup(base, dot && dot != base ? (size_t)(dot - base)
								: NK_NAME_MAX);
		xmlFree(name);
		if (!ag->name) {
			rc = nk_fail(err, NK_ENOMEM, file, "out of memory");
			goto out;
		}
	}
	for (const xmlNode *c = obj->children; c; c = c->next) {
		if (!is_elem(c, "issue"))
			continue;
		ag->nissues++;
		rc = read_issue(c, &ag->issues[ag->nissues - 1], file, err);
		if (rc)
			goto out;
	}
	rc = agenda_read_done(&ag, out, err);
out:
	nk_agenda_free(ag);
	xmlFreeDoc(doc);
	return rc;
}

const xmlNode *profile_issue(const xmlNode *obj, double index)
{
	double k;

	for (const xmlNode *c = obj->children; c; c = c->next)
		if (is_elem(c, "issue") && attr_number(c, "index", &k) && k == index)
			return c;
	return NULL;
}

static enum nk_status read_valuation(const xmlNode *n, const struct nk_issue *is,
				     struct nk_valuation *va, const char *file,
				     struct nk_error *err)
{
	double *evals = calloc(is->nvalues, sizeof(*evals));
	unsigned char *seen = calloc(is->nvalues, 1);
	enum nk_status rc = NK_ECORRUPT;
	double max = 0;

	if (!evals || !seen) {
		rc = nk_fail(err, NK_ENOMEM, file, "out of memory");
		goto out;
	}
	if (is->kind != NK_ISSUE_DISCRETE) {
		const xmlNode *ev = NULL;
		char *ftype;

		for (const xmlNode *c = n->children; c && !ev; c = c->next)
			if (is_elem(c, "evaluator"))
				ev = c;
		ftype = ev ? attr(ev, "ftype") : NULL;
		if (!ev || !ftype || strcmp(ftype, "linear") ||
		    !attr_number(ev, "slope", &va->slope)) {
			xmlFree(ftype);
			rc = xml_fail(err, file, ev ? ev : n,
				      "a numeric issue needs <evaluator ftype=\"linear\" slope=…>: ", is->name);
			goto out;
		}
		xmlFree(ftype);
		if (!attr_number(ev, "offset", &va->offset))
			va->offset = 0;
		va->linear = 1;
		for (size_t v = 0; v < is->nvalues; v++)
			evals[v] = va->offset + va->slope * (nk_issue_number(is, v) - is->lower);
		va->scores = evals;
		evals = NULL;
		rc = NK_OK;
		goto out;
	}
	for (const xmlNode *c = n->children; c; c = c->next) {
		char *value;
		size_t v;
		double e;

		if (!is_elem(c, "item"))
			continue;
		value = attr(c, "value");
		for (v = 0; value && v < is->nvalues; v++)
			if (!strcmp(value, is->labels[v]))
				break;
		if (!value || v == is->nvalues) {
			rc = xml_fail(err, file, c, "an item that is not a value of the issue: ", value);
			xmlFree(value);
			goto out;
		}
		xmlFree(value);
		if (!attr_number(c, "evaluation", &e) || e < 0) {
			rc = xml_fail(err, file, c, "an item needs an evaluation >= 0", NULL);
			goto out;
		}
		evals[v] = e;
		seen[v] = 1;
		max = e > max ? e : max;
	}
	for (size_t v = 0; v < is->nvalues; v++) {
		if (!seen[v]) {
			rc = xml_fail(err, file, n, "no evaluation for value ", is->labels[v]);
			goto out;
		}
	}
	/* Scores are evaluations over the largest; when every evaluation is 0 (where GENIUS
	 * would divide by 0) every score is 0: the issue weighs nothing. The evaluations are
	 * kept for exact arithmetic (frontier_exact.c) and for writing the profile back. */
	va->scores = calloc(is->nvalues, sizeof(*va->scores));
	if (!va->scores) {
		rc = nk_fail(err, NK_ENOMEM, file, "out of memory");
		goto out;
	}
	for (size_t v = 0; v < is->nvalues && max > 0; v++)
		va->scores[v] = evals[v] / max;
	va->evaluations = evals;
	evals = NULL;
	rc = NK_OK;
out:
	free(evals);
	free(seen);
	return rc;
}

/* reservation and discount_factor may sit in the utility_space or the objective. */
static void read_space_number(const xmlNode *space, const char *elem, double *out)
{
	for (const xmlNode *c = space->children; c; c = c->next) {
		if (is_elem(c, elem)) {
			(void)attr_number(c, "value", out);
			return;
		}
		if (is_elem(c, "objective"))
			read_space_number(c, elem, out);
	}
}

static int has_weights(const xmlNode *obj)
{
	for (const xmlNode *c = obj->children; c; c = c->next)
		if (is_elem(c, "weight"))
			return 1;
	return 0;
}

enum nk_status nk_genius_read_profile(const struct nk_agenda *agenda, const char *buf, size_t len,
				      const char *file, struct nk_profile **out,
				      struct nk_error *err)
{
	enum nk_status rc;
	struct nk_profile *pr = NULL;
	const xmlNode *obj;
	xmlDoc *doc = NULL;
	double root_index;
	size_t i = 0;

	rc = open_objective(buf, len, file, "profile", &doc, &obj, err);
	if (rc)
		goto out;
	rc = agenda_read_profile_new(agenda, file, &pr, err);
	if (rc)
		goto out;
	read_space_number(space_of(obj), "reservation", &pr->reservation);
	read_space_number(space_of(obj), "discount_factor", &pr->discount);
	if (genius_nonlinear_utility(space_of(obj))) {
		rc = genius_read_nonlinear(genius_nonlinear_utility(space_of(obj)), obj, agenda, pr,
					   file, err);
		if (rc)
			goto out;
		i = agenda->nissues;
	} else if (!has_weights(obj)) {
		rc = nk_fail(err, NK_EINVAL, file, "this is a domain (it has no weights), not a "
			     "profile: give the domain file first, then the profiles");
		goto out;
	}
	if (!attr_number(obj, "index", &root_index))
		root_index = -1;
	for (const xmlNode *c = obj->children; c; c = c->next) {
		const xmlNode *in;
		double index, w;
		char *name;
		long k;

		if (!is_elem(c, "weight") || genius_nonlinear_utility(space_of(obj)))
			continue;
		if (!attr_number(c, "index", &index) || !attr_number(c, "value", &w) || w < 0) {
			rc = xml_fail(err, file, c, "a weight needs an index and a value >= 0", NULL);
			goto out;
		}
		/* GENIUS ignores a weight for the root objective's own index. */
		if (index == root_index && !profile_issue(obj, index))
			continue;
		in = profile_issue(obj, index);
		name = in ? attr(in, "name") : NULL;
		k = name ? nk_agenda_find_issue(agenda, name) : -1;
		if (k < 0 || pr->valuations[k].scores) {
			rc = xml_fail(err, file, c, "the profile does not fit the domain: a weight for "
				      "an issue it lacks, or twice for one: ", name);
			xmlFree(name);
			goto out;
		}
		xmlFree(name);
		pr->valuations[k].weight = w;
		rc = read_valuation(in, &agenda->issues[k], &pr->valuations[k], file, err);
		if (rc)
			goto out;
		i++;
	}
	if (i != agenda->nissues) {
		rc = xml_fail(err, file, obj, "fewer weights than the domain has issues", NULL);
		goto out;
	}
	{
		const char *base = strrchr(file, '/');

		const char *dot;

		base = base ? base + 1 : file;
		dot = strrchr(base, '.');
		pr->name = strndup(base, dot && dot != base ? (size_t)(dot - base) : NK_NAME_MAX);
		if (!pr->name) {
			rc = nk_fail(err, NK_ENOMEM, file, "out of memory");
			goto out;
		}
	}
	rc = agenda_read_profile_done(agenda, &pr, out, err);
out:
	nk_profile_free(pr);
	xmlFreeDoc(doc);
	return rc;
}
