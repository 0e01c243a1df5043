/* Golden tests for core/frontier: each tests/golden/frontier/NAME.case names an agenda,
 * 2 to 5 profiles and fixed issues; the frontier, the four points and the per-issue
 * table are printed with exact doubles (%.17g) and compared byte for byte with
 * NAME.expected. The enumeration must print the same. NAKODO_GOLDEN_UPDATE=1 rewrites
 * the expected files (review the diff before committing them). Prints TAP. */
#define _GNU_SOURCE
#include <nakodo/frontier.h>
#include <nakodo/agenda_formats.h>
#include "golden_driver.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CASE_LINE_MAX 1024

/* One case's inputs, loaded. */
struct golden_case {
	struct nk_agenda *agenda;
	struct nk_profile *profiles[NK_PARTIES_MAX];
	size_t np;
	int32_t fixed[NK_ISSUES_MAX];
};

static void case_free(struct golden_case *c)
{
	for (size_t k = 0; k < c->np; k++)
		nk_profile_free(c->profiles[k]);
	nk_agenda_free(c->agenda);
}

/* Reads "agenda FILE", "profile FILE" and "fix ISSUE=VALUE" lines; '#' starts a comment.
 * Files are relative to dir. */
static enum nk_status case_load(FILE *in, const char *dir, struct golden_case *c,
				struct nk_error *err)
{
	char line[CASE_LINE_MAX], path[2 * CASE_LINE_MAX];
	enum nk_status rc = NK_OK;

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < NK_ISSUES_MAX; i++)
		c->fixed[i] = -1;
	while (!rc && fgets(line, sizeof(line), in)) {
		char *arg = strchr(line, ' ');

		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		if (!arg)
			return nk_fail(err, NK_EINVAL, line, "expected a keyword and an argument");
		*arg++ = '\0';
		snprintf(path, sizeof(path), "%s/%s", dir, arg);
		if (!strcmp(line, "agenda") && !c->agenda) {
			rc = nk_agenda_load(path, &c->agenda, err);
		} else if (!strcmp(line, "profile") && c->agenda && c->np < NK_PARTIES_MAX) {
			rc = nk_profile_load(c->agenda, path, &c->profiles[c->np], err);
			c->np += !rc;
		} else if (!strcmp(line, "fix") && c->agenda && strchr(arg, '=')) {
			char *value = strchr(arg, '=');
			long issue;
			size_t v;

			*value++ = '\0';
			issue = nk_agenda_find_issue(c->agenda, arg);
			if (issue < 0)
				return nk_fail(err, NK_EINVAL, arg, "no such issue");
			rc = nk_issue_find_value(&c->agenda->issues[issue], value, &v, err);
			if (!rc)
				c->fixed[issue] = (int32_t)v;
		} else {
			return nk_fail(err, NK_EINVAL, line, "unknown or misplaced line");
		}
	}
	return rc;
}

static void print_utilities(FILE *out, const double *u, size_t np)
{
	fputc('[', out);
	for (size_t k = 0; k < np; k++)
		fprintf(out, "%s%.17g", k ? ", " : "", u[k]);
	fputc(']', out);
}

static void print_outcome(FILE *out, const struct nk_agenda *a, const uint32_t *outcome)
{
	for (size_t i = 0; i < a->nissues; i++)
		fprintf(out, "%s%s=%s", i ? ", " : "", a->issues[i].name,
			a->issues[i].labels[outcome[i]]);
}

static void print_point(FILE *out, const struct nk_agenda *a, const struct nk_frontier *f,
			long i)
{
	const struct nk_frontier_point *p = &f->points[i];

	print_utilities(out, p->utility, f->nparties);
	if (p->count == NK_COUNT_MANY)
		fprintf(out, " outcomes=many");
	else
		fprintf(out, " outcomes=%llu", (unsigned long long)p->count);
	fprintf(out, " %s: ", p->acceptable ? "acceptable" : "below a reservation");
	print_outcome(out, a, p->outcome);
	fputc('\n', out);
}

/* The whole answer for frontier f: its points, the four solution points and the
 * per-issue table at the Nash point. */
static void report(FILE *out, const struct golden_case *c, const struct nk_frontier *f)
{
	const struct nk_profile *const *pp = (const struct nk_profile *const *)c->profiles;
	struct nk_issue_report reports[NK_ISSUES_MAX];
	struct nk_solutions s;

	nk_frontier_solutions(f, &s);
	fprintf(out, "frontier: %zu points, %zu acceptable to every party\n", f->npoints,
		s.acceptable);
	for (size_t i = 0; i < f->npoints; i++) {
		fprintf(out, "  ");
		print_point(out, c->agenda, f, (long)i);
	}
	for (size_t k = 0; k < NK_SOLUTIONS; k++) {
		fprintf(out, "%s: ", nk_solution_name((enum nk_solution)k));
		if (s.index[k] < 0)
			fprintf(out, "none\n");
		else
			print_point(out, c->agenda, f, s.index[k]);
	}
	nk_issue_analysis(c->agenda, pp, c->np, f, s.index[NK_NASH], reports);
	for (size_t i = 0; i < c->agenda->nissues; i++) {
		const struct nk_issue *is = &c->agenda->issues[i];
		const struct nk_issue_report *r = &reports[i];

		fprintf(out, "issue %s: %s, at nash %s\n", is->name,
			r->compatible ? "compatible" : "opposed",
			s.index[NK_NASH] < 0 ? "-" : is->labels[r->at]);
		for (size_t k = 0; k < c->np; k++)
			fprintf(out, "  %s: weight %.17g, prefers %s, concedes %.17g\n",
				c->profiles[k]->name ? c->profiles[k]->name : "?", r->weight[k],
				is->labels[r->preferred[k]], r->concession[k]);
	}
}

static int run_case(FILE *in, const char *dir, FILE *out)
{
	struct nk_frontier_options o = { 0 };
	struct nk_frontier *f = NULL, *g = NULL;
	struct nk_error err = { 0 };
	struct golden_case c;
	char *folded = NULL, *enumerated = NULL;
	size_t flen = 0, elen = 0;
	FILE *fm, *em;
	int rc = -1;

	if (case_load(in, dir, &c, &err) || !c.agenda || c.np < NK_PARTIES_MIN) {
		fprintf(out, "error: %s: %s\n", err.field, err.text[0] ? err.text : "incomplete case");
		goto out;
	}
	o.fixed = c.fixed;
	fprintf(out, "agenda %s: %zu issues, %.17g outcomes\n", c.agenda->name ? c.agenda->name : "?",
		c.agenda->nissues, nk_agenda_outcomes(c.agenda));
	for (size_t i = 0; i < c.agenda->nissues; i++)
		if (c.fixed[i] >= 0)
			fprintf(out, "fixed %s=%s\n", c.agenda->issues[i].name,
				c.agenda->issues[i].labels[c.fixed[i]]);
	for (size_t k = 0; k < c.np; k++)
		fprintf(out, "party %zu %s: reservation %.17g\n", k + 1,
			c.profiles[k]->name ? c.profiles[k]->name : "?", c.profiles[k]->reservation);
	if (nk_frontier_compute(c.agenda, (const struct nk_profile *const *)c.profiles, c.np, &o,
				&f, &err) ||
	    nk_frontier_enumerate(c.agenda, (const struct nk_profile *const *)c.profiles, c.np,
				  &o, 1e7, &g, &err)) {
		fprintf(out, "error: %s: %s\n", err.field, err.text);
		goto out;
	}
	fm = open_memstream(&folded, &flen);
	em = open_memstream(&enumerated, &elen);
	if (!fm || !em) {
		if (fm)
			fclose(fm);
		if (em)
			fclose(em);
		goto out;
	}
	report(fm, &c, f);
	report(em, &c, g);
	fclose(fm);
	fclose(em);
	fwrite(folded, 1, flen, out);
	fprintf(out, "enumeration: %s\n",
		flen == elen && !memcmp(folded, enumerated, flen) ? "the same" : "DIFFERS");
	rc = 0;
out:
	free(folded);
	free(enumerated);
	nk_frontier_free(f);
	nk_frontier_free(g);
	case_free(&c);
	return rc;
}

int main(int argc, char **argv)
{
	/* the enumeration must print the same report, or the case says so */
	return golden_main(argc > 1 ? argv[1] : "tests/golden/frontier", run_case,
			   "enumeration: DIFFERS");
}
