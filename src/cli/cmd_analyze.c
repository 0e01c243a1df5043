/* nakodo analyze: the mediator's multi-issue analysis of an agenda and 2 to 5
 * confidential profiles: frontier, solution points, per-issue table, conditional
 * analysis (--fix), as text, JSON or a labelled SVG plot. */
#include "util.h"

#include <nakodo/agenda_formats.h>
#include <nakodo/analysis.h>

#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ANALYZE "nakodo analyze"

/* Progress on standard error once the work has run for more than a second. */
struct progress {
	FILE *err;
	struct timespec start;
	int shown;
};

static double seconds_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) * 1e-9;
}

static void show_progress(void *arg, size_t done, size_t total)
{
	struct progress *p = arg;

	if (!p->shown && seconds_since(&p->start) < 1.0)
		return;
	p->shown = 1;
	fprintf(p->err, "\r" ANALYZE ": issue %zu of %zu folded (%.1f s)", done, total,
		seconds_since(&p->start));
	if (done == total)
		fputc('\n', p->err);
	fflush(p->err);
}

static void help(FILE *f)
{
	fputs("usage: nakodo analyze DOMAIN PROFILE PROFILE [PROFILE…] [--fix ISSUE=VALUE]…\n"
	      "                      [--json] [--svg FILE]\n\n"
	      "The mediator's analysis of a multi-issue agenda from 2 to 5 confidential profiles\n"
	      "(GENIUS XML or nakodo JSON, see doc/formats.md): the exact Pareto frontier, the\n"
	      "Nash, Kalai-Smorodinsky, egalitarian and utilitarian points among the outcomes\n"
	      "every party prefers to no deal, and per issue each side's weight, preferred value\n"
	      "and concession at the Nash point.\n\n"
	      "  --fix ISSUE=VALUE  analyse the rest with ISSUE settled at VALUE (repeatable)\n"
	      "  --svg FILE         draw the frontier, reservations and points (parties 1 and 2)\n"
	      "  --json             one JSON object: frontier, points, issues (doc/analyze.md)\n", f);
}

static const char *value_of(const struct nk_agenda *a, size_t issue, uint32_t v)
{
	return a->issues[issue].labels[v];
}

static void print_outcome(FILE *f, const struct nk_analysis *an, const uint32_t *o)
{
	for (size_t i = 0; i < an->agenda->nissues; i++)
		fprintf(f, "%s%s=%s", i ? ", " : "", an->agenda->issues[i].name,
			value_of(an->agenda, i, o[i]));
}

static void print_text(FILE *f, const struct nk_analysis *an)
{
	static const char *const kinds[] = { "discrete", "integer", "real" };
	const struct nk_agenda *a = an->agenda;
	const struct nk_frontier *fr = an->frontier;

	fprintf(f, "agenda %s: %zu issues, %.0f outcomes\n", a->name ? a->name : "", a->nissues,
		nk_agenda_outcomes(a));
	for (size_t i = 0; i < a->nissues; i++) {
		const struct nk_issue *is = &a->issues[i];

		fprintf(f, "  %-24s %-8s %zu values: %s … %s%s%s\n", is->name, kinds[is->kind],
			is->nvalues, is->labels[0], is->labels[is->nvalues - 1],
			an->fixed[i] >= 0 ? "   fixed at " : "",
			an->fixed[i] >= 0 ? is->labels[an->fixed[i]] : "");
	}
	fprintf(f, "parties:");
	for (size_t k = 0; k < an->np; k++)
		fprintf(f, "%s %s (reservation %.4f)", k ? "," : "", an->profiles[k]->name,
			an->profiles[k]->reservation);
	fprintf(f, "\nfrontier: %zu points, %zu of them acceptable to every party\n", fr->npoints,
		an->sol.acceptable);
	if (!an->sol.acceptable)
		fprintf(f, "no outcome is acceptable to every party: there is no deal zone%s\n",
			an->nfixed ? " with these issues fixed" : "");
	fprintf(f, "\n%-18s", "point");
	for (size_t k = 0; k < an->np; k++)
		fprintf(f, " %10.10s", an->profiles[k]->name);
	fprintf(f, "  outcome\n");
	for (size_t s = 0; s < NK_SOLUTIONS; s++) {
		long ix = an->sol.index[s];

		fprintf(f, "%-18s", nk_solution_name(s));
		if (ix < 0) {
			fprintf(f, " none\n");
			continue;
		}
		for (size_t k = 0; k < an->np; k++)
			fprintf(f, " %10.6f", fr->points[ix].utility[k]);
		fprintf(f, "  ");
		print_outcome(f, an, fr->points[ix].outcome);
		if (fr->points[ix].count > 1)
			fprintf(f, " (and %llu more outcomes alike)",
				(unsigned long long)(fr->points[ix].count - 1));
		fputc('\n', f);
	}
	fprintf(f, "\n%-24s %-10s", "issue", "stance");
	for (size_t k = 0; k < an->np; k++)
		fprintf(f, " %-28.28s", an->profiles[k]->name);
	fprintf(f, " at Nash\n%-35s", "");
	for (size_t k = 0; k < an->np; k++)
		fprintf(f, " %-28s", "weight prefers (concedes)");
	fputc('\n', f);
	for (size_t i = 0; i < a->nissues; i++) {
		const struct nk_issue_report *r = &an->reports[i];

		fprintf(f, "%-24.24s %-10s", a->issues[i].name, r->compatible ? "compatible" : "opposed");
		for (size_t k = 0; k < an->np; k++) {
			char cell[64];

			snprintf(cell, sizeof(cell), "%.3f %.12s (%.3f)", r->weight[k],
				 value_of(a, i, (uint32_t)r->preferred[k]), r->concession[k]);
			fprintf(f, " %-28s", cell);
		}
		fprintf(f, " %s\n", an->sol.index[NK_NASH] >= 0 ? value_of(a, i, (uint32_t)r->at) : "-");
	}
}

/* Parses ISSUE=VALUE into an->fixed. */
static int parse_fix(struct cli_ctx *ctx, struct nk_analysis *an, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char name[NK_NAME_MAX + 1];
	struct nk_error err = { 0 };
	long i;

	if (!eq || (size_t)(eq - arg) > NK_NAME_MAX)
		return cli_usage_error(ctx, ANALYZE, "--fix wants ISSUE=VALUE, not '%s'", arg);
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = 0;
	i = nk_agenda_find_issue(an->agenda, name);
	if (i < 0)
		return cli_usage_error(ctx, ANALYZE, "--fix: the agenda has no issue '%s'", name);
	if (nk_analysis_fix(an, name, eq + 1, &err))
		return cli_report(ctx, &err);
	return CLI_OK;
}

static enum nk_status write_svg(const struct nk_analysis *an, const char *path, struct nk_error *err)
{
	/* The picture shows both profiles: private like every file nakodo writes, and never
	 * written through a link another user planted at the path. */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 && fchmod(fd, 0600) == 0 ? fdopen(fd, "w") : NULL;
	enum nk_status rc = NK_OK;

	if (!f) {
		if (fd >= 0)
			close(fd);
		return nk_fail(err, NK_EINVAL, path, "cannot write the SVG file");
	}
	nk_analysis_svg_write(f, an);
	if (ferror(f))
		rc = nk_fail(err, NK_EINVAL, path, "cannot write the SVG file");
	if (fclose(f) && !rc)
		rc = nk_fail(err, NK_EINVAL, path, "cannot write the SVG file");
	return rc;
}

int cmd_analyze(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fix", required_argument, NULL, 'f' },
		{ "svg", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *files[1 + NK_PARTIES_MAX], *fixes[NK_ISSUES_MAX], *svg = NULL;
	struct progress prog = { .err = ctx->err };
	struct nk_analysis *an = malloc(sizeof(*an));
	struct nk_error err = { 0 };
	size_t nfiles = 0, nfix = 0;
	int c, rc = CLI_USAGE;

	if (!an) {
		nk_fail(&err, NK_ENOMEM, "analyze", "out of memory");
		return cli_report(ctx, &err);
	}
	nk_analysis_init(an);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-", opts, NULL)) != -1) {
		if (c == 'h') {
			help(ctx->out);
			rc = CLI_OK;
			goto out;
		} else if (c == 1 && nfiles < 1 + NK_PARTIES_MAX) {
			files[nfiles++] = optarg;
		} else if (c == 'f' && nfix < NK_ISSUES_MAX) {
			fixes[nfix++] = optarg;
		} else if (c == 's') {
			svg = optarg;
		} else {
			rc = cli_usage_error(ctx, ANALYZE, "unexpected '%s'", argv[optind - 1]);
			goto out;
		}
	}
	if (nfiles < 1 + NK_PARTIES_MIN) {
		rc = cli_usage_error(ctx, ANALYZE, "expected DOMAIN and 2 to %d PROFILEs", NK_PARTIES_MAX);
		goto out;
	}
	if (nk_agenda_load(files[0], &an->agenda, &err)) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	for (size_t k = 0; k + 1 < nfiles; k++) {
		if (nk_profile_load(an->agenda, files[k + 1], &an->profiles[k], &err)) {
			rc = cli_report(ctx, &err);
			goto out;
		}
		an->np++;
	}
	for (size_t i = 0; i < nfix; i++)
		if ((rc = parse_fix(ctx, an, fixes[i])) != CLI_OK)
			goto out;
	clock_gettime(CLOCK_MONOTONIC, &prog.start);
	if (nk_analysis_run(an, show_progress, &prog, &err)) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	if (svg && write_svg(an, svg, &err)) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	if (ctx->json)
		cli_print_json(ctx, nk_analysis_to_json(an));
	else
		print_text(ctx->out, an);
	rc = CLI_OK;
out:
	nk_analysis_free(an);
	free(an);
	return rc;
}
