/* nakodo loan: a loan's present value and OECD DAC grant element at a discount rate, its
 * schedule in exact money, and the DAC concessionality tests. Needs no case and no
 * database: a calculator over core/finance, for the parties and for the mediator. */
#include "util.h"
#include <nakodo/json_build.h>

#include <nakodo/finance.h>

#include <assert.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CMD "nakodo loan"

static const char loan_help[] =
	"usage: nakodo loan --amount A --rate R --maturity Y --grace G --per-year N\n"
	"                   --repayment equal-principal|annuity|bullet --discount D\n"
	"                   [--currency CODE] [--schedule] [--json]\n\n"
	"What a loan is worth to someone who discounts at D: the present value of its debt\n"
	"service and its grant element (face value minus that present value, as a share of\n"
	"face value: the OECD DAC measure), with the DAC concessionality tests.\n\n"
	"  --amount A       face value in major units (\"200,000,000\"), disbursed at once\n"
	"  --rate R         interest, percent a year; R/N is charged each period on the\n"
	"                   principal outstanding, from the first period\n"
	"  --maturity Y     years from disbursement to the last repayment (at most 100)\n"
	"  --grace G        years from disbursement to the first principal repayment, the\n"
	"                   DAC's grace period; 0 means the first period. A bullet loan's\n"
	"                   grace is its maturity: leave --grace out\n"
	"  --per-year N     payments a year: 1, 2, 3, 4, 6 or 12. Y and G must be whole\n"
	"                   numbers of periods\n"
	"  --repayment M    equal-principal: the same principal each period; annuity: the\n"
	"                   same principal + interest; bullet: all principal at maturity\n"
	"  --discount D     discount rate, percent a year; a period's is (1 + D)^(1/N) - 1\n"
	"  --currency CODE  ISO 4217 code of the amounts (default USD)\n"
	"  --schedule       also print every period's principal, interest and balance\n"
	"  --json           one JSON object: amounts in minor units, rates as fractions\n\n"
	"Rates are 0 to 100 percent. The present value is rounded once, to the nearest minor\n"
	"unit; the schedule's balances are the exact ones rounded to the minor unit.\n\n"
	"example (the 1962 Korea-Japan loan):\n"
	"  nakodo loan --amount 200,000,000 --rate 3.5 --maturity 20 --grace 7 \\\n"
	"              --per-year 2 --repayment equal-principal --discount 10\n";

/* What the options say, once read. */
struct loan_request {
	const struct nk_currency *cur;
	struct nk_loan loan;
	double discount;
	double maturity_years, grace_years;
	bool grace_given, schedule;
	const char *amount_text;	/* read last, once the currency is known */
};

typedef enum nk_status loan_reader(struct loan_request *req, const char *name,
				   const char *text, struct nk_error *err);

/* Reads a plain decimal ("3.5", "20", "-1", "0.25") as ± digits / 10^(decimals + scale):
 * one correctly rounded division, so "3.5" percent is exactly the double 0.035. Refuses
 * exponents, spaces, "inf" and more than 15 digits; the sign is for the caller's own
 * check to refuse with its reason. */
static enum nk_status read_decimal(const char *text, const char *name, int scale,
				   double *out, struct nk_error *err)
{
	const char *p = text + (text[0] == '-');
	int64_t digits = 0;
	int count = 0, decimals = 0;
	bool point = false;
	double divisor = 1;

	for (; *p; p++) {
		if (*p == '.' && !point && p[1]) {
			point = true;
			continue;
		}
		if (*p < '0' || *p > '9' || ++count > 15)
			break;
		digits = digits * 10 + (*p - '0');
		decimals += point;
	}
	if (*p || count == 0)
		return nk_fail(err, NK_EINVAL, name, "'%.24s' is not a plain decimal number "
			       "(at most 15 digits)",
			       text);
	for (int i = 0; i < decimals + scale; i++)
		divisor *= 10;
	*out = (text[0] == '-' ? -1 : 1) * ((double)digits / divisor);
	return NK_OK;
}

static enum nk_status read_currency(struct loan_request *req, const char *name,
				    const char *text, struct nk_error *err)
{
	req->cur = cli_currency_find(text);
	if (!req->cur)
		return nk_fail(err, NK_EINVAL, name, "unknown currency '%.8s'", text);
	return NK_OK;
}

static enum nk_status read_per_year(struct loan_request *req, const char *name,
				    const char *text, struct nk_error *err)
{
	double n;

	int periods;

	if (read_decimal(text, name, 0, &n, err) != NK_OK || n != floor(n))
		return nk_fail(err, NK_EINVAL, name, "'%.24s' is not a whole number of payments",
			       text);
	if (n < 1 || n > NK_LOAN_PER_YEAR_MAX)
		return nk_fail(err, NK_EINVAL, name,
			       "%.24s payments a year is not one of 1, 2, 3, 4, 6, 12", text);
	req->loan.terms.per_year = (int)n;
	return nk_loan_periods(0, req->loan.terms.per_year, name, &periods, err);
}

static enum nk_status read_repayment(struct loan_request *req, const char *name,
				     const char *text, struct nk_error *err)
{
	return nk_repayment_parse(text, name, &req->loan.terms.repayment, err);
}

static enum nk_status read_rate(struct loan_request *req, const char *name,
				const char *text, struct nk_error *err)
{
	enum nk_status rc = read_decimal(text, name, 2, &req->loan.terms.rate, err);

	return rc == NK_OK ? nk_rate_check(req->loan.terms.rate, name, err) : rc;
}

static enum nk_status read_discount(struct loan_request *req, const char *name,
				    const char *text, struct nk_error *err)
{
	enum nk_status rc = read_decimal(text, name, 2, &req->discount, err);

	return rc == NK_OK ? nk_rate_check(req->discount, name, err) : rc;
}

static enum nk_status read_maturity(struct loan_request *req, const char *name,
				    const char *text, struct nk_error *err)
{
	enum nk_status rc = read_decimal(text, name, 0, &req->maturity_years, err);

	if (rc == NK_OK)
		rc = nk_loan_periods(req->maturity_years, req->loan.terms.per_year, name,
				     &req->loan.terms.maturity, err);
	return rc;
}

static enum nk_status read_grace(struct loan_request *req, const char *name,
				 const char *text, struct nk_error *err)
{
	enum nk_status rc = read_decimal(text, name, 0, &req->grace_years, err);

	if (rc == NK_OK)
		rc = nk_loan_periods(req->grace_years, req->loan.terms.per_year, name,
				     &req->loan.terms.grace, err);
	req->grace_given = true;
	return rc;
}

static enum nk_status read_amount(struct loan_request *req, const char *name,
				  const char *text, struct nk_error *err)
{
	req->amount_text = text;
	return NK_OK;
}

static enum nk_status read_schedule(struct loan_request *req, const char *name,
				    const char *text, struct nk_error *err)
{
	req->schedule = true;
	return NK_OK;
}

/* The options in the order they are read: the currency before the amount, the number
 * of payments a year before the times counted in them. */
static const struct loan_option {
	const char *name;	/* the long option, and the field its errors name */
	bool flag;		/* takes no value */
	bool required;		/* --grace is, but for a bullet loan: checked apart */
	loan_reader *read;
} loan_options[] = {
	{ "currency", false, false, read_currency },
	{ "per-year", false, true, read_per_year },
	{ "repayment", false, true, read_repayment },
	{ "rate", false, true, read_rate },
	{ "discount", false, true, read_discount },
	{ "maturity", false, true, read_maturity },
	{ "grace", false, false, read_grace },
	{ "amount", false, true, read_amount },
	{ "schedule", true, false, read_schedule },
};

#define LOAN_OPTIONS (sizeof(loan_options) / sizeof(loan_options[0]))

/* core/finance names its fields as the struct does; the command names its options. */
static void rename_field(struct nk_error *err)
{
	static const struct {
		const char *field, *option;
	} renames[] = {
		{ "per_year", "per-year" },
	};

	for (size_t i = 0; i < sizeof(renames) / sizeof(renames[0]); i++)
		if (strcmp(err->field, renames[i].field) == 0)
			snprintf(err->field, sizeof(err->field), "%s", renames[i].option);
}

/* "20 years", "7 years 6 months", "6 months", "1 year". */
static void format_time(int periods, int per_year, char out[static 40])
{
	int months = periods * (12 / per_year), years = months / 12;

	months %= 12;
	if (years && months)
		snprintf(out, 40, "%d year%s %d month%s", years, years == 1 ? "" : "s",
			 months, months == 1 ? "" : "s");
	else if (years)
		snprintf(out, 40, "%d year%s", years, years == 1 ? "" : "s");
	else
		snprintf(out, 40, "%d month%s", months, months == 1 ? "" : "s");
}

static int parse_request(struct cli_ctx *ctx, int argc, char **argv,
			 struct loan_request *req)
{
	struct option longopts[LOAN_OPTIONS + 1] = { { 0 } };
	const char *text[LOAN_OPTIONS] = { 0 };
	struct nk_error err = { 0 };
	struct nk_loan_terms *terms = &req->loan.terms;
	char limit[NK_MONEY_TEXT_MAX], missing[160] = "";
	int c, count = 0;

	for (size_t i = 0; i < LOAN_OPTIONS; i++)
		longopts[i] = (struct option){ loan_options[i].name,
			loan_options[i].flag ? no_argument : required_argument, NULL, (int)i };
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return cli_bad_option(ctx, CMD, longopts, c, argv);
		if (text[c])
			return cli_usage_error(ctx, CMD, "--%s given twice", loan_options[c].name);
		text[c] = optarg ? optarg : "";
	}
	if (optind != argc)
		return cli_usage_error(ctx, CMD, "unexpected argument '%s'", argv[optind]);

	*req = (struct loan_request){ .cur = nk_currency_find("USD") };
	/* every missing one at once: told one a run, a new user retyped the line four times */
	for (size_t i = 0; i < LOAN_OPTIONS; i++)
		if (!text[i] && loan_options[i].required) {
			size_t n = strlen(missing);

			snprintf(missing + n, sizeof(missing) - n, "%s--%s", n ? ", " : "",
				 loan_options[i].name);
			count++;
		}
	if (count)
		return cli_usage_error(ctx, CMD, "%s %s required", missing,
				       count == 1 ? "is" : "are");
	for (size_t i = 0; i < LOAN_OPTIONS; i++)
		if (text[i] && loan_options[i].read(req, loan_options[i].name, text[i], &err) !=
		    NK_OK)
			goto refused;
	if (!req->grace_given && terms->repayment != NK_REPAY_BULLET)
		return cli_usage_error(ctx, CMD, "--grace is required (but for a bullet loan)");

	if (terms->repayment == NK_REPAY_BULLET) {
		if (req->grace_given && terms->grace != terms->maturity) {
			nk_fail(&err, NK_EINVAL, "grace", "a bullet loan repays all its principal "
				"at maturity, so its grace period is the maturity (%.10g years): "
				"leave --grace out", req->maturity_years);
			goto refused;
		}
		terms->grace = terms->maturity;
	} else if (terms->grace > terms->maturity) {
		nk_fail(&err, NK_EINVAL, "maturity",
			"%.10g years is shorter than the grace period (%.10g years)",
			req->maturity_years, req->grace_years);
		goto refused;
	}
	if (nk_money_parse(req->cur, req->amount_text, "amount", &req->loan.amount, &err) !=
	    NK_OK)
		goto refused;
	if (req->loan.amount > NK_LOAN_AMOUNT_MAX) {
		nk_money_format(req->cur, NK_LOAN_AMOUNT_MAX, 1, limit);
		nk_fail(&err, NK_EINVAL, "amount", "over the largest loan nakodo values, %s %s",
			req->cur->code, limit);
		goto refused;
	}
	if (nk_loan_check(&req->loan, &err) != NK_OK)
		goto refused;
	return CLI_OK;
refused:
	rename_field(&err);
	return cli_report(ctx, &err);
}

static json_t *schedule_json(const struct nk_loan_payment *rows, size_t count)
{
	json_t *list = json_array();

	for (size_t t = 0; list && t < count; t++) {
		if (json_array_append_new(list, json_pack("{s:i, s:I, s:I, s:I, s:I}",
				"period", rows[t].period,
				"principal", (json_int_t)rows[t].principal,
				"interest", (json_int_t)rows[t].interest,
				"payment", (json_int_t)(rows[t].principal + rows[t].interest),
				"outstanding", (json_int_t)rows[t].outstanding)) != 0) {
			json_decref(list);
			return NULL;
		}
	}
	return list;
}

/* The DAC tests at each one's own discount rate. ge[] receives the grant elements. */
static enum nk_status test_grant_elements(const struct nk_loan_terms *terms, double *ge,
					  struct nk_error *err)
{
	size_t n;
	const struct nk_concessionality_test *tests = nk_concessionality_tests(&n);
	enum nk_status rc = NK_OK;

	for (size_t i = 0; i < n && rc == NK_OK; i++)
		rc = nk_loan_grant_element(terms, tests[i].discount, &ge[i], err);
	return rc;
}

static int print_json(struct cli_ctx *ctx, const struct loan_request *req,
		      const struct nk_loan_value *value, const double *test_ge,
		      const struct nk_loan_payment *rows, size_t count)
{
	const struct nk_loan_terms *t = &req->loan.terms;
	struct nk_error err = { 0 };
	size_t n;
	const struct nk_concessionality_test *tests = nk_concessionality_tests(&n);
	json_t *obj, *list = json_array(), *schedule = NULL;

	for (size_t i = 0; list && i < n; i++)
		list = nk_json_append(list, json_pack("{s:s, s:f, s:f, s:f, s:b}",
			"test", tests[i].name, "discount", tests[i].discount,
			"threshold", tests[i].threshold, "grant_element", test_ge[i],
			"passes", test_ge[i] >= tests[i].threshold));
	obj = json_pack("{s:I, s:s, s:f, s:f, s:f, s:i, s:s, s:i, s:i, s:i, s:f, s:f,"
			" s:f, s:I, s:I, s:o}",
		"amount", (json_int_t)req->loan.amount, "currency", req->cur->code,
		"rate", t->rate, "maturity", (double)t->maturity / t->per_year,
		"grace", (double)t->grace / t->per_year, "per_year", t->per_year,
		"repayment", nk_repayment_name(t->repayment),
		"periods", t->maturity, "repayments", nk_loan_repayments(t),
		"first_repayment", nk_loan_first_repayment(t),
		"discount", req->discount,
		"discount_per_period", nk_discount_per_period(req->discount, t->per_year),
		"grant_element", value->grant_element,
		"present_value", (json_int_t)value->present_value,
		"grant_equivalent", (json_int_t)value->grant_equivalent,
		"concessionality", list);
	if (obj && rows) {
		schedule = schedule_json(rows, count);
		if (!schedule || json_object_set_new(obj, "schedule", schedule) != 0) {
			json_decref(obj);
			obj = NULL;
		}
	}
	if (!obj) {
		nk_fail(&err, NK_ENOMEM, "", "out of memory");
		return cli_report(ctx, &err);
	}
	/* every rate as typed, no binary noise: the shortest form that reads back exactly */
	cli_print_json(ctx, obj);
	return CLI_OK;
}

static void print_schedule(FILE *f, const struct nk_currency *cur,
			   const struct nk_loan_payment *rows, size_t count, int per_year)
{
	char due[40], a[NK_MONEY_TEXT_MAX], b[NK_MONEY_TEXT_MAX], c[NK_MONEY_TEXT_MAX],
	     d[NK_MONEY_TEXT_MAX];
	int64_t principal = 0, interest = 0;

	fprintf(f, "\nSchedule (%s):\n%6s  %-18s %20s %20s %20s %20s\n", cur->code, "period",
		"due after", "principal", "interest", "payment", "outstanding");
	for (size_t t = 0; t < count; t++) {
		format_time(rows[t].period, per_year, due);
		nk_money_format(cur, rows[t].principal, 1, a);
		nk_money_format(cur, rows[t].interest, 1, b);
		nk_money_format(cur, rows[t].principal + rows[t].interest, 1, c);
		nk_money_format(cur, rows[t].outstanding, 1, d);
		fprintf(f, "%6d  %-18s %20s %20s %20s %20s\n", rows[t].period, due, a, b, c, d);
		principal += rows[t].principal;
		interest += rows[t].interest;
	}
	nk_money_format(cur, principal, 1, a);
	nk_money_format(cur, interest, 1, b);
	nk_money_format(cur, principal + interest, 1, c);
	fprintf(f, "%6s  %-18s %20s %20s %20s\n", "total", "", a, b, c);
}

static void print_text(struct cli_ctx *ctx, const struct loan_request *req,
		       const struct nk_loan_value *value, const double *test_ge)
{
	static const char *const repaid[] = {
		[NK_REPAY_EQUAL_PRINCIPAL] = "equal principal repayments",
		[NK_REPAY_ANNUITY] = "annuity repayments",
		[NK_REPAY_BULLET] = "bullet repayment",
	};
	const struct nk_loan_terms *t = &req->loan.terms;
	const char *code = req->cur->code;
	size_t n;
	const struct nk_concessionality_test *tests = nk_concessionality_tests(&n);
	char amount[NK_MONEY_TEXT_MAX], pv[NK_MONEY_TEXT_MAX], ge[NK_MONEY_TEXT_MAX];
	char maturity[40], grace[40], first[40];
	int repayments = nk_loan_repayments(t);

	nk_money_format(req->cur, req->loan.amount, 1, amount);
	nk_money_format(req->cur, value->present_value, 1, pv);
	nk_money_format(req->cur, value->grant_equivalent, 1, ge);
	format_time(t->maturity, t->per_year, maturity);
	format_time(t->grace, t->per_year, grace);
	format_time(nk_loan_first_repayment(t), t->per_year, first);
	fprintf(ctx->out, "Loan of %s %s at %.10g%% a year, %d payment%s a year\n", code, amount,
		t->rate * 100, t->per_year, t->per_year == 1 ? "" : "s");
	fprintf(ctx->out, "  maturity %s, grace %s, %s\n", maturity, t->grace ? grace : "none",
		repaid[t->repayment]);
	if (repayments == 1)
		fprintf(ctx->out, "  1 principal repayment, %s after disbursement\n", first);
	else
		fprintf(ctx->out, "  %d principal repayments, from %s to %s after disbursement\n",
			repayments, first, maturity);
	fprintf(ctx->out, "Discounted at %.10g%% a year (%.4f%% a period)\n", req->discount * 100,
		nk_discount_per_period(req->discount, t->per_year) * 100);
	fprintf(ctx->out, "  present value of debt service  %s %s\n", code, pv);
	fprintf(ctx->out, "  grant element                  %.2f%%  (grant equivalent %s %s)\n",
		value->grant_element * 100, code, ge);
	fprintf(ctx->out, "Concessionality tests (OECD DAC)\n");
	for (size_t i = 0; i < n; i++)
		fprintf(ctx->out, "  %-13s %2g%% at %2g%%  %-6s %6.2f%%  %s\n", tests[i].name,
			tests[i].threshold * 100, tests[i].discount * 100,
			test_ge[i] >= tests[i].threshold ? "passes" : "fails", test_ge[i] * 100,
			tests[i].label);
}

int cmd_loan(struct cli_ctx *ctx, int argc, char **argv)
{
	struct nk_loan_payment rows[NK_LOAN_PERIODS_MAX];
	struct loan_request req;
	struct nk_loan_value value;
	struct nk_error err = { 0 };
	double test_ge[8];
	size_t count = 0, ntests;
	int rc;

	if (cli_wants_help(argc, argv)) {
		fputs(loan_help, ctx->out);
		return CLI_OK;
	}
	rc = parse_request(ctx, argc, argv, &req);
	if (rc != CLI_OK)
		return rc;
	nk_concessionality_tests(&ntests);
	assert(ntests <= sizeof(test_ge) / sizeof(test_ge[0]));
	if (nk_loan_value(&req.loan, req.discount, &value, &err) != NK_OK ||
	    test_grant_elements(&req.loan.terms, test_ge, &err) != NK_OK ||
	    (req.schedule &&
	     nk_loan_schedule(&req.loan, rows, NK_LOAN_PERIODS_MAX, &count, &err) != NK_OK)) {
		rename_field(&err);
		return cli_report(ctx, &err);
	}
	if (ctx->json)
		return print_json(ctx, &req, &value, test_ge, req.schedule ? rows : NULL, count);
	print_text(ctx, &req, &value, test_ge);
	if (req.schedule)
		print_schedule(ctx->out, req.cur, rows, count, req.loan.terms.per_year);
	return CLI_OK;
}
