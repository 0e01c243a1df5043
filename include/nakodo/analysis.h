/* The mediator's multi-issue analysis of an agenda and 2 to 5 profiles (doc/analyze.md):
 * the frontier, the solution points and the per-issue table, as the JSON object that
 * `nakodo analyze --json` prints and POST /v1/analyze answers, and the SVG plot of
 * `nakodo analyze --svg`. The command and the server share it, so the two agree. */
#ifndef NAKODO_ANALYSIS_H
#define NAKODO_ANALYSIS_H

#include <nakodo/domain.h>
#include <nakodo/frontier.h>

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

struct nk_analysis {
	struct nk_agenda *agenda;		/* owned */
	struct nk_profile *profiles[NK_PARTIES_MAX];	/* owned */
	size_t np;
	int32_t fixed[NK_ISSUES_MAX];		/* per issue a value index, or -1 for free */
	size_t nfixed;
	struct nk_frontier *frontier;		/* set by nk_analysis_run */
	struct nk_solutions sol;
	struct nk_issue_report reports[NK_ISSUES_MAX];
};

/* An empty analysis: nothing loaded, no issue fixed. */
void nk_analysis_init(struct nk_analysis *an);

/* Settles issue at value (its label) for the analysis: NK_EINVAL with field "fix" when
 * the agenda has no such issue or the issue no such value. */
NK_MUST_USE enum nk_status nk_analysis_fix(struct nk_analysis *an, const char *issue,
					   const char *value, struct nk_error *err);

/* Computes the frontier (within NK_FRONTIER_MAX, else NK_ERANGE), the solution points and
 * the per-issue table of an agenda with np profiles (2..NK_PARTIES_MAX). progress may be
 * NULL. */
NK_MUST_USE enum nk_status nk_analysis_run(struct nk_analysis *an, nk_progress_fn *progress,
					   void *progress_arg, struct nk_error *err);

/* The JSON object of doc/analyze.md, or NULL when out of memory. */
json_t *nk_analysis_to_json(const struct nk_analysis *an);

/* The SVG plot of parties 1 and 2: frontier, reservations, deal zone, the four points. */
void nk_analysis_svg_write(FILE *f, const struct nk_analysis *an);
/* The same as a new NUL-terminated string (free()). */
NK_MUST_USE enum nk_status nk_analysis_svg(const struct nk_analysis *an, char **out,
					   struct nk_error *err);

/* Frees what an holds (not an itself) and empties it. */
void nk_analysis_free(struct nk_analysis *an);

#endif
