/* nakodo demo, second act: the 12 November 1962 positions as package valuations
 * (embedded, examples/claims-1962-package-*.json), the package the go-between proposes
 * beside the Kim-Ohira memorandum, each side's value of both, and why loan terms matter. */
#define _GNU_SOURCE	/* memmem, open_memstream */
#include "cmd_package.h"
#include "demo_package.h"
#include "util.h"
#include <nakodo/package_json.h>

#include <stdlib.h>
#include <string.h>

extern const char nk_embedded_package_korea[], nk_embedded_package_japan[],
	nk_embedded_package_memorandum[];
extern const size_t nk_embedded_package_korea_len, nk_embedded_package_japan_len,
	nk_embedded_package_memorandum_len;

struct act {
	struct nk_package_valuation side[2];	/* by role */
	const struct nk_currency *cur;
	struct nk_package memo;
	struct nk_package_result r;
	struct nk_package_worth proposed[2], memo_worth[2];
	char *screen[2];
	size_t screen_len[2];
	FILE *f[2];
};

static void money(const struct act *a, int64_t amount, char out[static CLI_AMOUNT_MAX])
{
	cli_format_amount(a->cur->code, amount, out);
}

/* What a side hands over, on its own screen: never its table, which both drew from the
 * two positions, only what is its own. */
static void show_valuation(struct act *a, enum nk_role role)
{
	const struct nk_package_valuation *v = &a->side[role];
	FILE *f = a->f[role];
	char m[CLI_AMOUNT_MAX];

	fprintf(f, "I value money at %.4g%% a year (my discount rate).\n", v->discount * 100);
	for (size_t l = 0; l < v->nlabels; l++) {
		money(a, v->labels[l].worth, m);
		fprintf(f, "Calling it \"%s\" is %s %s to me.\n", v->labels[l].name,
			role == NK_CLAIMANT ? "worth" : "a cost of", m);
	}
	money(a, v->reservation, m);
	fprintf(f, role == NK_CLAIMANT ? "I accept no package worth less than %s to me.\n"
				       : "I accept no package costing me more than %s.\n", m);
}

static void show_proposal(struct act *a, enum nk_role role)
{
	FILE *f = a->f[role];
	char m[CLI_AMOUNT_MAX], g[CLI_AMOUNT_MAX];

	fprintf(f, "The go-between proposes:\n");
	package_print(f, a->cur, &a->r.package, "  ");
	money(a, a->proposed[role].total, m);
	money(a, a->r.gain[role], g);
	fprintf(f, role == NK_CLAIMANT ? "Worth %s to me, %s more than the least I accept.\n"
				       : "It costs me %s, %s less than the most I accept.\n", m, g);
}

static void flush(FILE *out, struct act *a, enum nk_role role, size_t *shown)
{
	fflush(a->f[role]);
	for (size_t i = *shown; i < a->screen_len[role]; i++) {
		if (i == *shown || a->screen[role][i - 1] == '\n')
			fprintf(out, "    %s, package | ", a->side[role].party);
		fputc(a->screen[role][i], out);
	}
	*shown = a->screen_len[role];
}

/* Does a confidential figure of side `of` (reservation, label worths) show on the other's
 * screen? */
static int leaks(const struct act *a, enum nk_role of)
{
	const struct nk_package_valuation *v = &a->side[of];
	int found = 0;

	for (size_t k = 0; k <= v->nlabels; k++) {
		int64_t x = k < v->nlabels ? v->labels[k].worth : v->reservation;
		char text[CLI_AMOUNT_MAX];

		money(a, x, text);	/* "USD 5,000,000.00": not a tail of 255,000,000.00 */
		if (x && memmem(a->screen[!of], a->screen_len[!of], text, strlen(text)))
			found++;
	}
	return found;
}

static void comparison(FILE *out, const struct act *a)
{
	char x[256], y[256], m[CLI_AMOUNT_MAX], n[CLI_AMOUNT_MAX];
	int64_t total[2] = { 0, 0 };

	fprintf(out, "\nThe go-between's package beside the Kim-Ohira memorandum (12 November 1962):\n"
		"  %-22s %-54s %s\n", "", "proposed", "memorandum");
	for (size_t c = 0; c < NK_COMPONENTS; c++) {
		if (!a->r.package.amount[c] && !a->memo.amount[c])
			continue;
		package_part_text(a->cur, &a->r.package, (enum nk_component)c, x, sizeof(x));
		package_part_text(a->cur, &a->memo, (enum nk_component)c, y, sizeof(y));
		fprintf(out, "  %-22s %-54s %s\n", nk_component_name((enum nk_component)c), x, y);
		total[0] += a->r.package.amount[c];
		total[1] += a->memo.amount[c];
	}
	fprintf(out, "  %-22s %-54s %s\n", "label", a->r.package.label[0] ? a->r.package.label : "(none)",
		a->memo.label[0] ? a->memo.label : "(none)");
	money(a, total[0], m);
	money(a, total[1], n);
	fprintf(out, "  %-22s %-54s %s\n", "face value", m, n);
	for (int k = 0; k < 2; k++) {
		char head[64];

		snprintf(head, sizeof(head), "%s to %.32s (%.4g%%)", k == NK_CLAIMANT ? "worth" : "cost",
			 a->side[k].party, a->side[k].discount * 100);
		money(a, a->proposed[k].total, m);
		money(a, a->memo_worth[k].total, n);
		fprintf(out, "  %-22s %-54s %s\n", head, m, n);
	}
}

/* The grant element of a dollar of loan with these terms at each side's rate. */
static void terms_row(FILE *out, const struct act *a, const char *name, const struct nk_loan_terms *t)
{
	double ge[2] = { 0, 0 };

	for (int k = 0; k < 2; k++)
		if (nk_loan_grant_element(t, a->side[k].discount, &ge[k], NULL) != NK_OK)
			return;
	fprintf(out, "  %-48s %9.2f%% %9.2f%% %9.2f %9.2f\n", name, ge[0] * 100, ge[1] * 100,
		ge[1] > 0 ? ge[0] / ge[1] : 0.0, (ge[0] - ge[1]) * 100);
}

static void why_terms(FILE *out, const struct act *a)
{
	struct nk_loan_terms t = a->memo.terms[NK_LOAN], p = a->r.package.terms[NK_LOAN];
	double g[2] = { 0, 0 };

	fprintf(out, "\nWhy the loan terms matter. A dollar lent is worth its grant element at Korea's own\n"
		"rate to Korea, and costs Japan its grant element at Japan's:\n"
		"  %-48s %10s %10s %9s %9s\n", "per dollar", a->side[0].party, a->side[1].party,
		"ratio", "gap (c)");
	for (int k = 0; k < 2; k++)
		if (nk_instalments_pv_factor(10, 0, 1, a->side[k].discount, &g[k], NULL) != NK_OK)
			return;
	fprintf(out, "  %-48s %9.2f%% %9.2f%% %9.2f %9.2f\n", "grant over 10 years", g[0] * 100,
		g[1] * 100, g[0] / g[1], (g[0] - g[1]) * 100);
	t.grace = 10;
	terms_row(out, a, "loan 3.5%, 5 years' grace, 20 years", &t);
	t = a->memo.terms[NK_LOAN];
	terms_row(out, a, "loan 3.5%, 7 years' grace, 20 years (memo)", &t);
	if (a->r.found && p.maturity) {
		char name[160];	/* room for any %g the compiler can imagine */

		snprintf(name, sizeof(name), "loan %.4g%%, %g years' grace, %g years (proposed)",
			 p.rate * 100, (double)p.grace / p.per_year, (double)p.maturity / p.per_year);
		terms_row(out, a, name, &p);
	}
	fprintf(out, "A grant paid over ten years costs Japan more than it is worth to Korea, which\n"
		"discounts the later instalments harder (a ratio below 1); a soft loan is worth about\n"
		"twice to Korea what it costs Japan, and the longer its grace and maturity, the wider\n"
		"the gap between the two (the last column, in cents a dollar). So the fair package\n"
		"puts as much into the loan as both tables allow, on the longest terms they allow,\n"
		"and lets the grant share out what that gains: for about the same face value as the\n"
		"memorandum it is worth more to Korea and costs Japan less. The label \"claims\" costs\n"
		"Japan more than it is worth to Korea, so the package carries the compromise wording.\n");
}

static enum nk_status load(struct act *a, struct nk_error *err)
{
	enum nk_status rc;

	if ((rc = nk_valuation_json_read(nk_embedded_package_korea, nk_embedded_package_korea_len,
					 "claims-1962-package-korea.json", &a->side[NK_CLAIMANT], err)) != NK_OK ||
	    (rc = nk_valuation_json_read(nk_embedded_package_japan, nk_embedded_package_japan_len,
					 "claims-1962-package-japan.json", &a->side[NK_PAYER], err)) != NK_OK)
		return rc;
	a->cur = nk_currency_find(a->side[NK_CLAIMANT].currency);
	if ((rc = nk_package_json_read(nk_embedded_package_memorandum, nk_embedded_package_memorandum_len,
				       "claims-1962-package-memorandum.json", a->cur, &a->memo, err)) != NK_OK ||
	    (rc = nk_package_propose(&a->side[NK_CLAIMANT], &a->side[NK_PAYER], NK_NASH, &a->r, err)) != NK_OK)
		return rc;
	for (int k = 0; k < 2; k++) {
		if (a->r.found &&
		    (rc = nk_package_value(&a->side[k], &a->r.package, &a->proposed[k], err)) != NK_OK)
			return rc;
		if ((rc = nk_package_value(&a->side[k], &a->memo, &a->memo_worth[k], err)) != NK_OK)
			return rc;
	}
	return NK_OK;
}

int demo_package_act(struct cli_ctx *ctx, FILE *out)
{
	struct act *a = calloc(1, sizeof(*a));
	struct nk_error err = { 0 };
	size_t shown[2] = { 0, 0 };
	int rc = CLI_OK, leak[2];

	if (!a)
		return CLI_STORAGE;
	if (load(a, &err) != NK_OK) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	for (int k = 0; k < 2; k++)
		if (!(a->f[k] = open_memstream(&a->screen[k], &a->screen_len[k]))) {
			rc = CLI_STORAGE;
			goto out;
		}
	fprintf(out, "\n\nSecond act: the package\n=======================\n"
		"The 12 November 1962 positions as package valuations: grants over ten years and a\n"
		"government loan whose amount, rate, grace and maturity may lie anywhere between the\n"
		"two positions, on US$1 million and 0.25%%/one-year/five-year steps, and a label for\n"
		"the money. Each side hands the go-between, sealed, what only it knows: its discount\n"
		"rate, what the label is worth to it, and its reservation - what the other side's\n"
		"position is worth to it (see examples/claims-1962-package.md).\n\n");
	for (int k = 0; k < 2; k++) {
		show_valuation(a, (enum nk_role)k);
		flush(out, a, (enum nk_role)k, &shown[k]);
	}
	if (!a->r.found) {
		fprintf(out, "    go-between | no package both accept\n");
		goto out;
	}
	fprintf(out, "    go-between | the tables meet on %.0f packages; %zu are Pareto-optimal, %zu inside "
		"both reservations;\n    go-between | it proposes the Nash point (the largest product of "
		"the two gains)\n", a->r.packages, a->r.frontier, a->r.acceptable);
	for (int k = 0; k < 2; k++) {
		show_proposal(a, (enum nk_role)k);
		flush(out, a, (enum nk_role)k, &shown[k]);
	}
	comparison(out, a);
	why_terms(out, a);
	leak[NK_CLAIMANT] = leaks(a, NK_CLAIMANT);
	leak[NK_PAYER] = leaks(a, NK_PAYER);
	for (int k = 0; k < 2; k++)
		fprintf(out, "%s's package screen held %d of %s's confidential figures%s.\n",
			a->side[!k].party, leak[k], a->side[k].party, leak[k] ? " -- A LEAK" : "");
	if (leak[0] || leak[1])
		rc = CLI_STORAGE;
out:
	for (int k = 0; k < 2; k++) {
		if (a->f[k])
			fclose(a->f[k]);
		free(a->screen[k]);
	}
	free(a);
	return rc;
}
