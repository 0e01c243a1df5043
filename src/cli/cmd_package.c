/* nakodo package: settlement packages worked offline from the parties' valuation files
 * (doc/package.md): the package the go-between would propose, a side's value of any
 * package, a valuation checked and written back. */
#include "cmd_package.h"
#include "package_case.h"
#include "util.h"
#include <nakodo/agenda_formats.h>
#include <nakodo/package_json.h>
#include <nakodo/json_build.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define PACKAGE "nakodo package"

static void help(FILE *f)
{
	fputs("usage: nakodo package propose VALUATION VALUATION [--solution NAME] [--json]\n"
	      "       nakodo package value VALUATION PACKAGE [--json]\n"
	      "       nakodo package check VALUATION [--json]\n"
	      "       nakodo package open --currency CODE [--components LIST] [--solution NAME] [--rounds N]\n"
	      "       nakodo package submit CASE --as claimant|payer VALUATION [--round N]\n\n"
	      "Settlement packages - claims payments, grants, soft loans, commercial credits -\n"
	      "valued by each side in its own arithmetic (its discount rate; see doc/package.md).\n"
	      "Valuation and package files are JSON (doc/formats.md, \"Package valuations\").\n\n"
	      "  propose   the package the go-between proposes from the claimant's and the payer's\n"
	      "            confidential valuations (either order): the fair point among the\n"
	      "            packages both accept, on the steps both declared. Exit 1: no package\n"
	      "            both accept.\n"
	      "  value     what a package is worth to (claimant) or costs (payer) the side whose\n"
	      "            valuation is given, part by part, and whether it is inside its\n"
	      "            reservation\n"
	      "  check     reads a valuation, refuses it with the field and the reason, or\n"
	      "            writes it back in normal form\n"
	      "  open      opens a case of blind package rounds under a public frame\n"
	      "  submit    hands the go-between one side's sealed valuation for the round; a\n"
	      "            proposed package is answered with nakodo answer, seen with nakodo brief\n\n"
	      "  --solution NAME  nash (default), kalai_smorodinsky, egalitarian, utilitarian\n"
	      "  --json           one JSON object; propose's \"package\" is a PACKAGE file\n\n"
	      "nakodo package SUBCOMMAND --help gives each one's options.\n", f);
}

static const char propose_help[] =
	"usage: nakodo package propose VALUATION VALUATION [--solution NAME] [--json]\n\n"
	"The package the go-between proposes from the claimant's and the payer's confidential\n"
	"valuation files (either order; doc/formats.md, \"Package valuations\"): the fair point\n"
	"among the packages both accept, on the steps both declared. It prints the package and\n"
	"what it is worth to each side beside its reservation: the output names both\n"
	"reservations, for the go-between who holds both files, never for a party.\n\n"
	"  --solution NAME  the fair point: nash (default), kalai_smorodinsky, egalitarian,\n"
	"                   utilitarian\n"
	"  --json           one JSON object: solution, found, packages, frontier, acceptable,\n"
	"                   blocking, and when found package (a PACKAGE file), claimant, payer\n\n"
	"Exit 1: no package both accept (the tables do not meet, or no package is inside both\n"
	"reservations). It does not say how far apart the sides are: with its own valuation,\n"
	"either side could read the other's reservation out of that distance (doc/package.md).\n";

static const char value_help[] =
	"usage: nakodo package value VALUATION PACKAGE [--json]\n\n"
	"What the package in the PACKAGE file is worth to the claimant, or costs the payer,\n"
	"whose valuation file is given: part by part at its discount rate, the total, and\n"
	"whether it is inside its reservation.\n\n"
	"  --json   one JSON object: party, role, discount, parts, value or cost, reservation,\n"
	"           acceptable\n";

static const char check_help[] =
	"usage: nakodo package check VALUATION [--json]\n\n"
	"Reads a valuation file and writes it back in normal form (amounts in minor units,\n"
	"every default filled in), or refuses it naming the file, the field and the reason\n"
	"(exit 2).\n\n"
	"  --json   the same normal form (it is JSON already)\n";

static int load_valuation(struct cli_ctx *ctx, const char *path, struct nk_package_valuation *v)
{
	struct nk_error err = { 0 };
	char *buf = NULL;
	size_t len = 0;
	enum nk_status rc;

	rc = nk_file_read(path, &buf, &len, &err);
	if (rc == NK_OK)
		rc = nk_valuation_json_read(buf, len, path, v, &err);
	free(buf);
	return rc == NK_OK ? CLI_OK : cli_report_file(ctx, path, &err);
}

static void format_amount(const struct nk_currency *cur, int64_t amount, char out[static CLI_AMOUNT_MAX])
{
	cli_format_amount(cur->code, amount, out);
}

void package_part_text(const struct nk_currency *cur, const struct nk_package *p,
		       enum nk_component c, char *out, size_t cap)
{
	const struct nk_loan_terms *t = &p->terms[c];
	char a[CLI_AMOUNT_MAX];

	format_amount(cur, p->amount[c], a);
	if (!p->amount[c] || c == NK_CLAIMS)
		snprintf(out, cap, "%s", a);
	else if (c == NK_GRANT)
		snprintf(out, cap, "%s over %d year%s%s", a, p->grant_years,
			 CLI_PLURAL(p->grant_years),
			 p->grant_per_year > 1 ? ", in instalments" : "");
	else if (t->repayment == NK_REPAY_BULLET)
		snprintf(out, cap, "%s at %.4g%%, bullet at %g years", a, t->rate * 100,
			 (double)t->maturity / t->per_year);
	else
		snprintf(out, cap, "%s at %.4g%%, %g years' grace, %g years%s", a, t->rate * 100,
			 (double)t->grace / t->per_year, (double)t->maturity / t->per_year,
			 t->repayment == NK_REPAY_ANNUITY ? ", annuity" : "");
}

void package_print(FILE *f, const struct nk_currency *cur, const struct nk_package *p,
		   const char *indent)
{
	bool any = false;

	for (size_t c = 0; c < NK_COMPONENTS; c++) {
		char text[256];

		if (!p->amount[c])
			continue;
		package_part_text(cur, p, (enum nk_component)c, text, sizeof(text));
		fprintf(f, "%s%-8s %s\n", indent, nk_component_name((enum nk_component)c), text);
		any = true;
	}
	if (!any)
		fprintf(f, "%snothing\n", indent);
	if (p->label[0])
		fprintf(f, "%s%-8s %s\n", indent, "label", p->label);
}

static json_t *side_json(const struct nk_package_valuation *v, int64_t value, int64_t gain)
{
	return json_pack("{s:s, s:s, s:I, s:I, s:I}", "party", v->party, "role", nk_role_name(v->role),
			 v->role == NK_CLAIMANT ? "value" : "cost", (json_int_t)value,
			 "reservation", (json_int_t)v->reservation, "gain", (json_int_t)gain);
}

static int propose(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { { "solution", required_argument, NULL, 's' },
					      { NULL, 0, NULL, 0 } };
	enum nk_solution sol = NK_NASH;
	struct nk_package_valuation *v = calloc(2, sizeof(*v));
	const struct nk_package_valuation *side[2];
	const struct nk_currency *cur;
	struct nk_package_result r;
	struct nk_error err = { 0 };
	int c, rc = CLI_USAGE;

	if (!v)
		return CLI_STORAGE;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 's' || nk_solution_parse(optarg, &sol, &err) != NK_OK) {
			rc = c == 's' ? cli_report(ctx, &err)
				      : cli_bad_option(ctx, PACKAGE " propose", opts, c, argv);
			goto out;
		}
	}
	if (argc - optind != 2) {
		rc = cli_usage_error(ctx, PACKAGE " propose", "expected two valuation files");
		goto out;
	}
	if ((rc = load_valuation(ctx, argv[optind], &v[0])) != CLI_OK ||
	    (rc = load_valuation(ctx, argv[optind + 1], &v[1])) != CLI_OK)
		goto out;
	if (nk_package_propose(&v[0], &v[1], sol, &r, &err) != NK_OK) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	cur = nk_currency_find(v[0].currency);
	side[NK_CLAIMANT] = v[0].role == NK_CLAIMANT ? &v[0] : &v[1];
	side[NK_PAYER] = v[0].role == NK_CLAIMANT ? &v[1] : &v[0];
	if (ctx->json) {
		json_t *o = json_pack("{s:s, s:b, s:f, s:I, s:I}", "solution", nk_solution_name(sol),
				      "found", r.found, "packages", r.packages, "frontier",
				      (json_int_t)r.frontier, "acceptable", (json_int_t)r.acceptable);

		if (r.blocking)
			o = nk_json_set(o, "blocking", json_string(r.blocking));
		if (r.found) {
			o = nk_json_set(o, "package", nk_package_json(cur, &r.package));
			o = nk_json_set(o, "claimant", side_json(side[NK_CLAIMANT], r.value[NK_CLAIMANT],
								     r.gain[NK_CLAIMANT]));
			o = nk_json_set(o, "payer", side_json(side[NK_PAYER], r.value[NK_PAYER],
								  r.gain[NK_PAYER]));
		}
		cli_print_json(ctx, o);
	} else if (!r.found) {
		fprintf(ctx->out, "No package both accept: %s.\n",
			r.blocking ? "the two tables do not meet" : "none is inside both reservations");
		if (r.blocking)
			fprintf(ctx->out, "  (they part on %s)\n", r.blocking);
	} else {
		char a[CLI_AMOUNT_MAX], b[CLI_AMOUNT_MAX], g[CLI_AMOUNT_MAX];

		fprintf(ctx->out, "Proposed package (%s), from %.0f packages on the grid; %zu are "
			"Pareto-optimal, %zu of them inside both reservations:\n", nk_solution_name(sol),
			r.packages, r.frontier, r.acceptable);
		package_print(ctx->out, cur, &r.package, "  ");
		for (int k = 0; k < 2; k++) {
			format_amount(cur, r.value[k], a);
			format_amount(cur, side[k]->reservation, b);
			format_amount(cur, r.gain[k], g);
			fprintf(ctx->out, "%s (%s, discount %.4g%%): %s %s, %s %s, %s by %s\n",
				side[k]->party, nk_role_name((enum nk_role)k), side[k]->discount * 100,
				k == NK_CLAIMANT ? "value" : "cost", a,
				k == NK_CLAIMANT ? "least acceptable" : "most acceptable", b,
				k == NK_CLAIMANT ? "above it" : "below it", g);
		}
	}
	rc = r.found ? CLI_OK : CLI_REFUSED;
out:
	free(v);
	return rc;
}

static int value(struct cli_ctx *ctx, int argc, char **argv)
{
	struct nk_package_valuation *v = calloc(1, sizeof(*v));
	const struct nk_currency *cur = NULL;
	struct nk_package p;
	struct nk_package_worth w;
	struct nk_error err = { 0 };
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (!v)
		return CLI_STORAGE;
	if (argc != 3) {
		rc = cli_usage_error(ctx, PACKAGE " value", "expected a valuation file and a package file");
		goto out;
	}
	if ((rc = load_valuation(ctx, argv[1], v)) != CLI_OK)
		goto out;
	cur = nk_currency_find(v->currency);
	if (nk_file_read(argv[2], &buf, &len, &err) != NK_OK ||
	    nk_package_json_read(buf, len, argv[2], cur, &p, &err) != NK_OK ||
	    nk_package_value(v, &p, &w, &err) != NK_OK) {
		rc = cli_report_file(ctx, argv[2], &err);
		goto out;
	}
	if (ctx->json) {
		json_t *parts = json_object();

		for (size_t c = 0; c < NK_COMPONENTS; c++)
			if (p.amount[c])
				parts = nk_json_set(parts, nk_component_name((enum nk_component)c),
						    json_integer(w.part[c]));
		if (p.label[0])
			parts = nk_json_set(parts, "label", json_integer(w.label));
		cli_print_json(ctx, json_pack("{s:s, s:s, s:f, s:o, s:I, s:I, s:b}", "party", v->party,
					      "role", nk_role_name(v->role), "discount", v->discount,
					      "parts", parts, v->role == NK_CLAIMANT ? "value" : "cost",
					      (json_int_t)w.total, "reservation", (json_int_t)v->reservation,
					      "acceptable", w.acceptable));
	} else {
		char a[CLI_AMOUNT_MAX], text[256];

		fprintf(ctx->out, "%s (%s) at its discount rate of %.4g%% a year:\n", v->party,
			nk_role_name(v->role), v->discount * 100);
		for (size_t c = 0; c < NK_COMPONENTS; c++) {
			if (!p.amount[c])
				continue;
			package_part_text(cur, &p, (enum nk_component)c, text, sizeof(text));
			format_amount(cur, w.part[c], a);
			fprintf(ctx->out, "  %-8s %-58s %s %s\n", nk_component_name((enum nk_component)c),
				text, v->role == NK_CLAIMANT ? "worth" : "costs", a);
		}
		if (p.label[0]) {
			format_amount(cur, w.label, a);
			fprintf(ctx->out, "  %-8s %-58s %s %s\n", "label", p.label,
				v->role == NK_CLAIMANT ? "worth" : "costs", a);
		}
		format_amount(cur, w.total, a);
		fprintf(ctx->out, "  %s: %s, %s its reservation\n", v->role == NK_CLAIMANT ? "value" : "cost",
			a, w.acceptable ? "inside" : "outside");
	}
	rc = CLI_OK;
out:
	free(buf);
	free(v);
	return rc;
}

static int check(struct cli_ctx *ctx, int argc, char **argv)
{
	struct nk_package_valuation *v = calloc(1, sizeof(*v));
	struct nk_error err = { 0 };
	char *text = NULL;
	int rc;

	if (!v)
		return CLI_STORAGE;
	if (argc != 2) {
		rc = cli_usage_error(ctx, PACKAGE " check", "expected one valuation file");
		goto out;
	}
	if ((rc = load_valuation(ctx, argv[1], v)) != CLI_OK)
		goto out;
	if (nk_valuation_json_write(v, &text, &err) != NK_OK) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	fprintf(ctx->out, "%s\n", text);
	rc = CLI_OK;
out:
	free(text);
	free(v);
	return rc;
}

static const struct {
	const char *name;
	int (*run)(struct cli_ctx *ctx, int argc, char **argv);
	const char *help;	/* NULL: the subcommand prints its own */
} subcommands[] = {
	{ "propose", propose, propose_help },
	{ "value", value, value_help },
	{ "check", check, check_help },
	{ "open", package_open, NULL },	/* blind package rounds in a case: cmd_package_case.c */
	{ "submit", package_submit, NULL },
};

int cmd_package(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *names[sizeof(subcommands) / sizeof(subcommands[0])], *near;

	for (size_t i = 0; argc >= 2 && i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		names[i] = subcommands[i].name;
		if (strcmp(argv[1], subcommands[i].name) != 0)
			continue;
		if (subcommands[i].help && cli_wants_help(argc - 1, argv + 1)) {
			fputs(subcommands[i].help, ctx->out);
			return CLI_OK;
		}
		return subcommands[i].run(ctx, argc - 1, argv + 1);
	}
	if (argc < 2 || cli_wants_help(argc, argv)) {
		help(argc < 2 ? ctx->err : ctx->out);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if ((near = cli_nearest(argv[1], names, sizeof(names) / sizeof(names[0]))))
		return cli_usage_error(ctx, PACKAGE, "unknown subcommand '%.32s': did you mean "
				       "'%s'?", argv[1], near);
	return cli_usage_error(ctx, PACKAGE, "unknown subcommand '%.32s'", argv[1]);
}
