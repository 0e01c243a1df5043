/* Multi-issue agendas and the parties' confidential profiles: issues with discrete,
 * integer or stepped real values, linear additive utilities (GENIUS/ANAC semantics),
 * reservation utilities, and the bounds every input is held to. */
#ifndef NAKODO_DOMAIN_H
#define NAKODO_DOMAIN_H

#include <nakodo/status.h>

#include <stddef.h>
#include <stdint.h>

/* Bounds on every agenda and profile nakodo accepts. */
#define NK_ISSUES_MAX 64		/* issues on one agenda */
#define NK_VALUES_MAX 1000		/* values of one issue */
#define NK_PARTIES_MIN 2
#define NK_PARTIES_MAX 5
#define NK_NAME_MAX 128			/* bytes of a name or value label, NUL excluded */
#define NK_AGENDA_FILE_MAX (1u << 20)	/* bytes of an agenda or profile file */
#define NK_CONTRIBUTION_MAX 1000.0	/* largest |weight x score| of one issue */

/* Utilities are weight x score per issue, added in issue order, capped at 1.
 * nk_profile_utility adds them in doubles as GENIUS does; the frontier
 * (include/nakodo/frontier.h) computes them exactly from the profile's decimals. See
 * doc/analyze.md. */

enum nk_issue_kind {
	NK_ISSUE_DISCRETE,	/* named values */
	NK_ISSUE_INTEGER,	/* lower, lower + 1, …, upper */
	NK_ISSUE_REAL,		/* lower, lower + step, …, upper */
};

struct nk_issue {
	char *name;
	enum nk_issue_kind kind;
	size_t nvalues;
	char **labels;		/* nvalues labels: the names, or the numbers as text */
	double lower, upper, step;	/* numeric issues only; integer: step 1 */
};

struct nk_agenda {
	char *name;
	size_t nissues;
	struct nk_issue *issues;
};

/* How one party values one issue. scores[v] is the score of value v, already in
 * GENIUS's normalised form (discrete: evaluation / largest evaluation). Numeric issues
 * also keep their linear evaluator: score = offset + slope * (value - lower). */
struct nk_valuation {
	double weight;
	int linear;		/* 1 when the scores come from offset and slope */
	double offset, slope;
	double *scores;		/* nvalues of the issue */
	double *evaluations;	/* NULL, or the evaluations scores were made from (GENIUS
				 * discrete issues: score = evaluation / largest; all 0: 0) */
	double evaluation_max;	/* > 0: scores are evaluations / this instead of the
				 * largest (GENIUS non-linear spaces: their maxutility) */
};

/* A party's confidential profile over one agenda (same issues, same order). */
struct nk_profile {
	char *name;
	size_t nissues;
	struct nk_valuation *valuations;
	double reservation;	/* least utility the party accepts; default 0 */
	double discount;	/* GENIUS discount factor, read and reported, not used; 1 */
	int binary;		/* 1: its numbers are exact binary fractions made in code (the
				 * frontier takes the doubles as they are); 0: decimals read
				 * from a file (it takes the shortest decimal of each) */
};

/* Both free functions accept NULL. */
void nk_agenda_free(struct nk_agenda *agenda);
void nk_profile_free(struct nk_profile *profile);

/* Checks names (non-empty, at most NK_NAME_MAX bytes, unique per agenda and issue),
 * counts and numeric ranges; names the offending field. */
NK_MUST_USE enum nk_status nk_agenda_check(const struct nk_agenda *agenda,
					   struct nk_error *err);

/* Checks that profile fits agenda: same number of issues, finite weights and scores,
 * every |weight x score| at most NK_CONTRIBUTION_MAX, a finite reservation. */
NK_MUST_USE enum nk_status nk_profile_check(const struct nk_agenda *agenda,
					    const struct nk_profile *profile,
					    struct nk_error *err);

/* The number of outcomes of agenda as a double (it may exceed 2^64). */
double nk_agenda_outcomes(const struct nk_agenda *agenda);

/* The value of numeric issue at index v: lower + v * step. */
double nk_issue_number(const struct nk_issue *issue, size_t v);

/* Finds the value of issue whose label is text (numeric issues: also any number equal
 * to one of its values). */
NK_MUST_USE enum nk_status nk_issue_find_value(const struct nk_issue *issue, const char *text,
					       size_t *out, struct nk_error *err);

/* Index of the issue called name, or -1. */
long nk_agenda_find_issue(const struct nk_agenda *agenda, const char *name);

/* The shortest decimal that reads back as x (what a file's "0.9" gives back: "0.9"), in
 * %e form ("9e-01"), into buf of at least NK_NUMBER_MAX bytes. */
#define NK_NUMBER_MAX 32
void nk_number_shortest(double x, char *buf);

/* One issue's contribution, weight x score[v]. */
double nk_contribution(const struct nk_valuation *valuation, size_t v);

/* The utility of outcome (nissues value indices): contributions added in issue order,
 * capped at 1. */
double nk_profile_utility(const struct nk_profile *profile, const uint32_t *outcome);

/* Builds the value labels of a numeric issue from lower, upper and step (integers as
 * "12", reals with up to 15 significant digits). Sets nvalues. */
NK_MUST_USE enum nk_status nk_issue_make_numeric(struct nk_issue *issue, struct nk_error *err);

#endif
