/* nakodo analyze: the mediator's multi-issue analysis of an agenda and 2 to 5
 * confidential profiles: frontier, solution points, per-issue table, conditional
 * analysis (--fix), as text, JSON or a labelled SVG plot. */
#include "analyze_text.h"
#include "util.h"

#include <nakodo/agenda_formats.h>
#include <nakodo/analysis.h>

#include <nakodo/files.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ANALYZE "nakodo analyze"

/* Progress on standard error once the work has run for more than a second. */
/* Progress on standard error, with an estimate of the time left, once the work has run
 * for a second: on a terminal, or anywhere with --progress; and the --timeout. */
struct progress {
	FILE *err;
	struct timespec start;
	int show;		/* 0 never, 1 on one line (terminal), 2 a line per report */
	double last;		/* seconds at the last report, or 0 */
	double timeout;		/* seconds, or 0 for none */
	int timed_out;
	size_t done, total;
};

static double seconds_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) * 1e-9;
}

/* A duration for a person: "40 s", "12 min", "3.5 h", "2e+04 h". */
static void duration(char *buf, size_t n, double s)
{
	if (s < 90)
		snprintf(buf, n, "%.0f s", s);
	else if (s < 5400)
		snprintf(buf, n, "%.0f min", s / 60);
	else
		snprintf(buf, n, "%.2g h", s / 3600);
}

static int show_progress(void *arg, const struct nk_progress *at)
{
	struct progress *p = arg;
	double t = seconds_since(&p->start), rate;
	char spent[32], left[32];

	p->done = at->done;
	p->total = at->total;
	if (p->timeout > 0 && t > p->timeout) {
		p->timed_out = 1;
		return 1;
	}
	if (!p->show || t < 1.0 || (t - p->last < 1.0 && at->done < at->total))
		return 0;
	p->last = t;
	rate = at->work_done / t;
	duration(spent, sizeof(spent), t);
	if (rate > 0 && at->work_left > 0)
		duration(left, sizeof(left), at->work_left / rate);
	else
		snprintf(left, sizeof(left), "?");
	fprintf(p->err, "%s" ANALYZE ": issue %zu of %zu folded, %s so far, about %s left%s",
		p->show == 1 ? "\r" : "", at->done, at->total, spent,
		at->done == at->total ? "0 s" : left, p->show == 1 ? "\033[K" : "\n");
	if (p->show == 1 && at->done == at->total)
		fputc('\n', p->err);
	fflush(p->err);
	return 0;
}

static void help(FILE *f)
{
	fputs("usage: nakodo analyze DOMAIN PROFILE PROFILE [PROFILE…] [--fix ISSUE=VALUE]…\n"
	      "                      [--json] [--svg FILE] [--export-genius DIR] [--force]\n"
	      "                      [--progress] [--timeout SECONDS]\n\n"
	      "The mediator's analysis of a multi-issue agenda from 2 to 5 confidential profiles\n"
	      "(GENIUS XML or nakodo JSON, see doc/formats.md): the exact Pareto frontier, the\n"
	      "Nash, Kalai-Smorodinsky, egalitarian and utilitarian points among the outcomes\n"
	      "every party prefers to no deal, and per issue each side's weight, preferred value\n"
	      "and concession at the Nash point.\n\n"
	      "  --fix ISSUE=VALUE  analyse the rest with ISSUE settled at VALUE (repeatable)\n"
	      "  --svg FILE         draw the frontier, reservations and points (a panel per pair of\n"
	      "                     parties beyond two; hover names each point's outcome)\n"
	      "  --export-genius DIR  write the domain and profiles as GENIUS XML into DIR\n"
	      "                     (domain.xml, NAME.xml; files private, 0600)\n"
	      "  --force            replace files --svg or --export-genius would write\n"
	      "  --progress         report progress and the time left on standard error (a\n"
	      "                     terminal gets it anyway, once the work takes a second)\n"
	      "  --timeout SECONDS  stop (exit 2) when the analysis takes longer\n"
	      "  --json             one JSON object: frontier, points, issues (doc/analyze.md)\n", f);
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
	if (i < 0) {
		/* name the issues there are, so that a misspelt one is seen at once */
		char issues[200];
		size_t len = 0;

		issues[0] = 0;
		for (size_t k = 0; k < an->agenda->nissues; k++) {
			int n = snprintf(issues + len, sizeof issues - len, "%s'%s'", k ? ", " : "",
					 an->agenda->issues[k].name);

			if (n < 0 || len + (size_t)n + 6 >= sizeof issues) {
				snprintf(issues + len, sizeof issues - len, ", …");
				break;
			}
			len += (size_t)n;
		}
		return cli_usage_error(ctx, ANALYZE, "--fix: the agenda has no issue '%s'; its "
				       "issues are %s", name, issues);
	}
	if (nk_analysis_fix(an, name, eq + 1, &err))
		return cli_report(ctx, &err);
	return CLI_OK;
}

static enum nk_status write_svg(const struct nk_analysis *an, const char *path, int force,
				struct nk_error *err)
{
	char *svg = NULL;
	enum nk_status rc = nk_analysis_svg(an, &svg, err);

	if (!rc)
		rc = cli_write_new(path, svg, strlen(svg), force, "SVG file", err);
	free(svg);
	return rc;
}

/* The file name for profile k in an export: its name with anything but letters, digits,
 * '.', '-' and '_' made '_', and -N added when another party (or the domain) has it. */
#define EXPORT_NAME_MAX (NK_NAME_MAX + 32)

static void export_name(const struct nk_analysis *an, size_t k, char out[EXPORT_NAME_MAX])
{
	char mine[NK_NAME_MAX + 1], other[NK_NAME_MAX + 1];
	int clash = 0;

	snprintf(mine, sizeof(mine), "%s", an->profiles[k]->name);
	for (char *c = mine; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr(".-_", *c))
			*c = '_';
	clash = !strcmp(mine, "domain") || !*mine || mine[0] == '.';
	for (size_t j = 0; j < an->np && !clash; j++) {
		snprintf(other, sizeof(other), "%s", an->profiles[j]->name);
		for (char *c = other; *c; c++)
			if (!isalnum((unsigned char)*c) && !strchr(".-_", *c))
				*c = '_';
		clash = j != k && !strcmp(mine, other);
	}
	if (clash)
		snprintf(out, EXPORT_NAME_MAX, "%.128s-%u.xml", mine, (unsigned)(k + 1));
	else
		snprintf(out, EXPORT_NAME_MAX, "%.128s.xml", mine);
}

/* --export-genius DIR: the domain and each profile as GENIUS XML (domain.xml, NAME.xml). */
static enum nk_status export_genius(const struct nk_analysis *an, const char *dir, int force,
				    FILE *note, struct nk_error *err)
{
	const struct nk_profile *const *pp = (const struct nk_profile *const *)an->profiles;
	char path[4096], name[EXPORT_NAME_MAX];
	enum nk_status rc;
	char *xml = NULL;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return nk_fail(err, NK_EINVAL, dir, "cannot make the directory: %s", strerror(errno));
	for (size_t k = 0; k <= an->np; k++) {
		if (k == 0) {
			snprintf(name, sizeof(name), "domain.xml");
			rc = nk_genius_write_domain(an->agenda, pp, an->np, &xml, err);
		} else {
			export_name(an, k - 1, name);
			rc = nk_genius_write_profile(an->agenda, pp, an->np, k - 1, &xml, err);
		}
		if (!rc && (size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
			rc = nk_fail(err, NK_EINVAL, dir, "the path is too long");
		if (!rc)
			rc = cli_write_new(path, xml, strlen(xml), force, "GENIUS file", err);
		free(xml);
		xml = NULL;
		if (rc)
			return rc;
		fprintf(note, ANALYZE ": wrote %s\n", path);
	}
	return NK_OK;
}

int cmd_analyze(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fix", required_argument, NULL, 'f' },
		{ "svg", required_argument, NULL, 's' },
		{ "export-genius", required_argument, NULL, 'g' },
		{ "force", no_argument, NULL, 'F' },
		{ "progress", no_argument, NULL, 'P' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *files[1 + NK_PARTIES_MAX], *fixes[NK_ISSUES_MAX], *svg = NULL, *genius = NULL;
	struct progress prog = { .err = ctx->err };
	struct nk_analysis *an = malloc(sizeof(*an));
	struct nk_error err = { 0 };
	size_t nfiles = 0, nfix = 0;
	int c, rc = CLI_USAGE, force = 0;

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
		} else if (c == 'g') {
			genius = optarg;
		} else if (c == 'F') {
			force = 1;
		} else if (c == 'P') {
			prog.show = 2;
		} else if (c == 'T') {
			char *end;

			errno = 0;
			prog.timeout = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(prog.timeout > 0) ||
			    prog.timeout > 1e6) {
				rc = cli_usage_error(ctx, ANALYZE, "--timeout wants seconds from "
						     "0.001 to 1000000, not '%s'", optarg);
				goto out;
			}
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
	if (genius && export_genius(an, genius, force, ctx->err, &err)) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	if (!prog.show && isatty(fileno(ctx->err)))
		prog.show = 1;
	clock_gettime(CLOCK_MONOTONIC, &prog.start);
	if (nk_analysis_run(an, show_progress, &prog, &err)) {
		if (prog.show == 1 && prog.last > 0)
			fputc('\n', ctx->err);
		if (prog.timed_out)
			nk_fail(&err, NK_ERANGE, "--timeout", "the analysis passed %g s at issue %zu "
				"of %zu and was stopped", prog.timeout, prog.done + 1, prog.total);
		rc = cli_report(ctx, &err);
		goto out;
	}
	if (svg && write_svg(an, svg, force, &err)) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	if (ctx->json)
		cli_print_json(ctx, nk_analysis_to_json(an));
	else
		analyze_print_text(ctx->out, an);
	rc = CLI_OK;
out:
	nk_analysis_free(an);
	free(an);
	return rc;
}
