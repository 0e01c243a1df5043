/* Agendas and profiles: bounds checks, value lookup and the quantised linear additive
 * utility every analysis (the fold and the brute-force enumeration alike) is built on.
 * Pure: no I/O, no globals. */
#include <nakodo/domain.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nk_agenda_free(struct nk_agenda *agenda)
{
	if (!agenda)
		return;
	for (size_t i = 0; i < agenda->nissues && agenda->issues; i++) {
		struct nk_issue *is = &agenda->issues[i];

		for (size_t v = 0; v < is->nvalues && is->labels; v++)
			free(is->labels[v]);
		free(is->labels);
		free(is->name);
	}
	free(agenda->issues);
	free(agenda->name);
	free(agenda);
}

void nk_profile_free(struct nk_profile *profile)
{
	if (!profile)
		return;
	for (size_t i = 0; i < profile->nissues && profile->valuations; i++) {
		free(profile->valuations[i].scores);
		free(profile->valuations[i].evaluations);
	}
	free(profile->valuations);
	free(profile->name);
	free(profile);
}

static int name_ok(const char *name)
{
	return name && name[0] && strlen(name) <= NK_NAME_MAX;
}

static enum nk_status check_issue(const struct nk_issue *is, size_t i, struct nk_error *err)
{
	if (!name_ok(is->name))
		return nk_fail(err, NK_EINVAL, "issue", "issue %zu: a name of 1 to %d bytes is needed",
			       i + 1, NK_NAME_MAX);
	if (is->nvalues < 1 || is->nvalues > NK_VALUES_MAX || !is->labels)
		return nk_fail(err, NK_EINVAL, is->name, "an issue has 1 to %d values, not %zu",
			       NK_VALUES_MAX, is->nvalues);
	if (is->kind != NK_ISSUE_DISCRETE &&
	    (!isfinite(is->lower) || !isfinite(is->upper) || !isfinite(is->step) ||
	     is->step <= 0 || is->upper < is->lower))
		return nk_fail(err, NK_EINVAL, is->name, "a numeric issue needs lower <= upper and a positive step");
	for (size_t v = 0; v < is->nvalues; v++) {
		if (!name_ok(is->labels[v]))
			return nk_fail(err, NK_EINVAL, is->name,
				       "value %zu: a label of 1 to %d bytes is needed", v + 1, NK_NAME_MAX);
		for (size_t w = 0; w < v; w++)
			if (!strcmp(is->labels[v], is->labels[w]))
				return nk_fail(err, NK_EINVAL, is->name, "value \"%s\" appears twice",
					       is->labels[v]);
	}
	return NK_OK;
}

enum nk_status nk_agenda_check(const struct nk_agenda *agenda, struct nk_error *err)
{
	if (!agenda || agenda->nissues < 1 || agenda->nissues > NK_ISSUES_MAX || !agenda->issues)
		return nk_fail(err, NK_EINVAL, "issues", "an agenda has 1 to %d issues", NK_ISSUES_MAX);
	if (agenda->name && strlen(agenda->name) > NK_NAME_MAX)
		return nk_fail(err, NK_EINVAL, "name", "the agenda's name exceeds %d bytes", NK_NAME_MAX);
	for (size_t i = 0; i < agenda->nissues; i++) {
		enum nk_status rc = check_issue(&agenda->issues[i], i, err);

		if (rc)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(agenda->issues[i].name, agenda->issues[j].name))
				return nk_fail(err, NK_EINVAL, agenda->issues[i].name,
					       "two issues have this name");
	}
	return NK_OK;
}

enum nk_status nk_profile_check(const struct nk_agenda *agenda, const struct nk_profile *profile,
				struct nk_error *err)
{
	if (!profile || profile->nissues != agenda->nissues || !profile->valuations)
		return nk_fail(err, NK_EINVAL, "profile", "the profile does not cover the agenda's %zu issues",
			       agenda->nissues);
	if (profile->name && strlen(profile->name) > NK_NAME_MAX)
		return nk_fail(err, NK_EINVAL, "name", "the profile's name exceeds %d bytes", NK_NAME_MAX);
	if (!isfinite(profile->reservation) || fabs(profile->reservation) > NK_CONTRIBUTION_MAX)
		return nk_fail(err, NK_EINVAL, "reservation", "the reservation must be a finite number");
	for (size_t i = 0; i < agenda->nissues; i++) {
		const struct nk_valuation *va = &profile->valuations[i];
		const char *issue = agenda->issues[i].name;

		if (!isfinite(va->weight) || va->weight < 0 || !va->scores)
			return nk_fail(err, NK_EINVAL, issue, "weight must be a finite number >= 0");
		for (size_t v = 0; v < agenda->issues[i].nvalues; v++) {
			double c = va->weight * va->scores[v];

			if (!isfinite(va->scores[v]) || !isfinite(c) || fabs(c) > NK_CONTRIBUTION_MAX)
				return nk_fail(err, NK_EINVAL, issue,
					       "value \"%s\": weight x score must be finite and at most %g",
					       agenda->issues[i].labels[v], NK_CONTRIBUTION_MAX);
		}
	}
	return NK_OK;
}

double nk_agenda_outcomes(const struct nk_agenda *agenda)
{
	double n = 1;

	for (size_t i = 0; i < agenda->nissues; i++)
		n *= (double)agenda->issues[i].nvalues;
	return n;
}

double nk_issue_number(const struct nk_issue *issue, size_t v)
{
	return issue->lower + (double)v * issue->step;
}

/* What an issue takes, for an error that should say what to write instead: a discrete
 * issue's first labels (as many as fit), a numeric issue's bounds and step. */
static void issue_values_hint(const struct nk_issue *issue, char *buf, size_t size)
{
	size_t len;

	if (issue->nvalues == 0) {
		snprintf(buf, size, "no value at all");
		return;
	}
	if (issue->kind != NK_ISSUE_DISCRETE) {
		snprintf(buf, size, "a number from %.24s to %.24s in steps of %g",
			 issue->labels[0], issue->labels[issue->nvalues - 1], issue->step);
		return;
	}
	len = (size_t)snprintf(buf, size, "one of");
	for (size_t v = 0; v < issue->nvalues; v++) {
		int n = snprintf(buf + len, size - len, "%s '%s'", v ? "," : "", issue->labels[v]);

		/* whole labels only (one cut short would be copied as it stands); keep room
		 * for ", …" when the rest does not fit */
		if (n < 0 || len + (size_t)n + 6 >= size) {
			snprintf(buf + len, size - len, ", …");
			return;
		}
		len += (size_t)n;
	}
}

enum nk_status nk_issue_find_value(const struct nk_issue *issue, const char *text, size_t *out,
				   struct nk_error *err)
{
	char hint[180];
	char *end;
	double x;

	for (size_t v = 0; v < issue->nvalues; v++) {
		if (!strcmp(issue->labels[v], text)) {
			*out = v;
			return NK_OK;
		}
	}
	if (issue->kind != NK_ISSUE_DISCRETE) {
		errno = 0;
		x = strtod(text, &end);
		if (!errno && end != text && !*end && isfinite(x)) {
			double k = round((x - issue->lower) / issue->step);

			if (k >= 0 && k < (double)issue->nvalues &&
			    fabs(nk_issue_number(issue, (size_t)k) - x) <= 1e-9 * fmax(1, fabs(x))) {
				*out = (size_t)k;
				return NK_OK;
			}
		}
	}
	issue_values_hint(issue, hint, sizeof hint);
	return nk_fail(err, NK_EINVAL, issue->name, "\"%.32s\" is not a value of this issue; it "
		       "takes %s", text, hint);
}

long nk_agenda_find_issue(const struct nk_agenda *agenda, const char *name)
{
	for (size_t i = 0; i < agenda->nissues; i++)
		if (!strcmp(agenda->issues[i].name, name))
			return (long)i;
	return -1;
}

void nk_number_shortest(double x, char *buf)
{
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, NK_NUMBER_MAX, "%.*e", prec - 1, x);
		if (strtod(buf, NULL) == x)
			return;
	}
}

double nk_contribution(const struct nk_valuation *valuation, size_t v)
{
	return valuation->weight * valuation->scores[v];
}

double nk_profile_utility(const struct nk_profile *profile, const uint32_t *outcome)
{
	double sum = 0;

	for (size_t i = 0; i < profile->nissues; i++) {
		double c = nk_contribution(&profile->valuations[i], outcome[i]);

		sum += c;
	}
	return sum > 1 ? 1 : sum;
}

enum nk_status nk_issue_make_numeric(struct nk_issue *issue, struct nk_error *err)
{
	enum nk_status rc = NK_EINVAL;
	char **labels = NULL;
	double span, n;
	size_t count = 0;

	if (!isfinite(issue->lower) || !isfinite(issue->upper) || !isfinite(issue->step) ||
	    issue->step <= 0 || issue->upper < issue->lower) {
		rc = nk_fail(err, NK_EINVAL, issue->name ? issue->name : "issue",
			     "a numeric issue needs finite lower <= upper and a positive step");
		goto out;
	}
	span = (issue->upper - issue->lower) / issue->step;
	n = floor(span + 1e-9) + 1;
	if (n > NK_VALUES_MAX) {
		rc = nk_fail(err, NK_EINVAL, issue->name ? issue->name : "issue",
			     "the range has %.0f values; at most %d are allowed", n, NK_VALUES_MAX);
		goto out;
	}
	count = (size_t)n;
	labels = calloc(count, sizeof(*labels));
	if (!labels) {
		rc = nk_fail(err, NK_ENOMEM, "issue", "out of memory");
		goto out;
	}
	for (size_t v = 0; v < count; v++) {
		char buf[64];
		double x = issue->lower + (double)v * issue->step;

		if (issue->kind == NK_ISSUE_INTEGER)
			snprintf(buf, sizeof(buf), "%.0f", x);
		else
			snprintf(buf, sizeof(buf), "%.15g", x);
		labels[v] = strdup(buf);
		if (!labels[v]) {
			rc = nk_fail(err, NK_ENOMEM, "issue", "out of memory");
			goto out;
		}
	}
	issue->labels = labels;
	issue->nvalues = count;
	labels = NULL;
	rc = NK_OK;
out:
	for (size_t v = 0; labels && v < count; v++)
		free(labels[v]);
	free(labels);
	return rc;
}
