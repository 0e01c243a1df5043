/* nakodo simulate: what each rule set is worth against rupture, measured over many random
 * cases between scripted negotiators played through core/'s real rules (nakodo/simulate.h).
 * Needs no case and no database. Text for a person, --json for a program, --svg for a
 * plot; progress on long runs goes to standard error. */
#include "cli.h"
#include "simulate_svg.h"
#include "util.h"

#include <nakodo/simulate.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define CMD "nakodo simulate"
#define DEFAULT_CASES 10000
#define DEFAULT_SEED 1962
#define PROGRESS_FROM 50000	/* runs this long report their progress */
#define SEED_MAX ((UINT64_C(1) << 53) - 1)	/* a JSON number every reader keeps exact */

static const char simulate_help[] =
	"usage: nakodo simulate [--cases N] [--seed S] [--json] [--svg FILE [--force]]\n\n"
	"Plays N random cases between scripted negotiators (truthful, shading, linear,\n"
	"Boulware, conceder; three cases in four with a zone of agreement) under each rule\n"
	"set, through the real rules of the engine, and prints per rule set: the share of\n"
	"the cases with a zone that settle (the rest are ruptures), the rounds to settle,\n"
	"the claimant's share of the parties' gain, and the bits each side learnt of the\n"
	"other's figures. Every rule set plays the same cases; the same seed gives the same\n"
	"output, byte for byte. doc/toolkit.md describes the negotiators and the rules.\n\n"
	"rule sets: baseline (Cybersettle: 3 blind rounds, midpoint within 30% or $5,000),\n"
	"plain (3 rounds, midpoint), hints, closer (deal-closer), proposal (mediator's\n"
	"proposal), neutral (3 neutrals' evaluation), bridge (a confidential budget),\n"
	"open (open proposals, and the suggestion between them).\n\n"
	"  --cases N    cases to play, 1 to 1,000,000 (default 10,000)\n"
	"  --seed S     the random seed, 0 to 9007199254740991 (2^53 - 1, which every JSON\n"
	"               reader keeps exactly; default 1962)\n"
	"  --json       one JSON object: counts, rates as fractions, bits, amounts in cents\n"
	"  --svg FILE   also draw the settlement rates and bits learnt into FILE (SVG)\n"
	"  --force      replace FILE if it exists\n";

/* A whole number of at most 20 digits, no sign, no spaces; *out <= max. */
static int read_count(struct cli_ctx *ctx, const char *name, const char *text, uint64_t max,
		      uint64_t *out)
{
	uint64_t v = 0;
	const char *p = text;

	for (; *p; p++) {
		if (*p < '0' || *p > '9' || p - text >= 20)
			break;
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return cli_usage_error(ctx, CMD, "--%s: over %llu", name,
					       (unsigned long long)max);
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p || p == text)
		return cli_usage_error(ctx, CMD, "--%s: '%.24s' is not a whole number", name, text);
	if (v > max)
		return cli_usage_error(ctx, CMD, "--%s: over %llu", name, (unsigned long long)max);
	*out = v;
	return CLI_OK;
}

static void progress(void *arg, uint64_t done, uint64_t cases)
{
	struct cli_ctx *ctx = arg;
	char a[32], b[32];

	cli_format_count(done, a);
	cli_format_count(cases, b);
	fprintf(ctx->err, "%s: %s of %s cases played\n", CMD, a, b);
	fflush(ctx->err);
}

/* "1.3/4.0": mean and most bits, each as cli_format_bits shows it ("< 0.1/0.2"). */
static void bits_pair(double mean, double max, char out[static 2 * CLI_BITS_MAX])
{
	char a[CLI_BITS_MAX], b[CLI_BITS_MAX];

	cli_format_bits(mean, a);
	cli_format_bits(max, b);
	snprintf(out, 2 * CLI_BITS_MAX, "%s/%s", a, b);
}

/* "71.2%", or "-" when there is no whole to take a share of. */
static void percent(uint64_t part, uint64_t whole, char out[static 16])
{
	if (whole)
		snprintf(out, 16, "%.1f%%", 100.0 * (double)part / (double)whole);
	else
		snprintf(out, 16, "-");
}

static uint64_t settled(const struct nk_sim_total *t)
{
	return t->zone_settled + t->nozone_settled;
}

/* A mean (or a rate), or JSON null when there was nothing to average. */
static json_t *mean_json(double sum, uint64_t n)
{
	return n ? json_real(sum / (double)n) : json_null();
}

static json_t *total_json(enum nk_sim_ruleset s, const struct nk_sim_total *t,
			  uint64_t cases)
{
	return json_pack("{s:s, s:s, s:I, s:I, s:o, s:o, s:I, s:I, s:o, s:o, s:I, s:o, s:o,"
			 " s:f, s:f, s:{s:I, s:I, s:I, s:I, s:I}, s:I}",
		"name", nk_sim_ruleset_name(s), "rules", nk_sim_ruleset_text(s),
		"zone_cases", (json_int_t)t->zone_cases,
		"zone_settled", (json_int_t)t->zone_settled,
		"zone_settle_rate", mean_json((double)t->zone_settled, t->zone_cases),
		"rupture_rate", mean_json((double)(t->zone_cases - t->zone_settled), t->zone_cases),
		"nozone_cases", (json_int_t)t->nozone_cases,
		"nozone_settled", (json_int_t)t->nozone_settled,
		"rounds_mean", mean_json((double)t->rounds_sum, settled(t)),
		"claimant_share_mean", mean_json(t->claimant_share_sum, t->shared),
		"beyond_limit", (json_int_t)t->beyond_limit,
		"claimant_bits_mean", mean_json(t->claimant_bits_sum, cases),
		"payer_bits_mean", mean_json(t->payer_bits_sum, cases),
		"claimant_bits_max", t->claimant_bits_max,
		"payer_bits_max", t->payer_bits_max,
		"ends", "rupture", (json_int_t)t->by_end[NK_SIM_RUPTURE],
		"round", (json_int_t)t->by_end[NK_SIM_ROUND],
		"proposal", (json_int_t)t->by_end[NK_SIM_PROPOSAL_END],
		"neutral", (json_int_t)t->by_end[NK_SIM_NEUTRAL_END],
		"bridge", (json_int_t)t->by_end[NK_SIM_BRIDGE_END],
		"bridged_cents", (json_int_t)t->bridged_sum);
}

static int print_json(struct cli_ctx *ctx, const struct nk_sim_report *rep)
{
	json_t *list = json_array(), *obj;
	struct nk_error err = { 0 };

	for (int s = 0; list && s < NK_SIM_RULESETS; s++) {
		json_t *one = total_json((enum nk_sim_ruleset)s, &rep->total[s], rep->cases);

		if (!one || json_array_append_new(list, one) != 0) {
			json_decref(list);
			list = NULL;
		}
	}
	obj = list ? json_pack("{s:I, s:I, s:i, s:s, s:I, s:I, s:o}",
			       "seed", (json_int_t)rep->seed, "cases", (json_int_t)rep->cases,
			       "rounds", NK_SIM_ROUNDS, "currency", "USD",
			       "zone_cases", (json_int_t)rep->total[0].zone_cases,
			       "nozone_cases", (json_int_t)rep->total[0].nozone_cases,
			       "rule_sets", list)
		   : NULL;
	if (!obj) {
		nk_fail(&err, NK_ENOMEM, "", "out of memory");
		return cli_report(ctx, &err);
	}
	cli_print_json(ctx, obj);
	return CLI_OK;
}

static void print_text(struct cli_ctx *ctx, const struct nk_sim_report *rep)
{
	FILE *f = ctx->out;
	char a[32], b[32], c[32];

	cli_format_count(rep->cases, a);
	cli_format_count(rep->total[0].zone_cases, b);
	snprintf(c, sizeof(c), "%llu", (unsigned long long)rep->seed);
	fprintf(f, "%s cases (%s with a zone of agreement), seed %s, %d rounds, USD\n\n", a, b, c,
		NK_SIM_ROUNDS);
	fprintf(f, "%-9s %8s %8s %8s %7s %9s %7s %13s %13s\n", "rule set", "settled", "rupture",
		"no zone", "rounds", "claimant", "beyond", "claimant knew", "payer knew");
	fprintf(f, "%-9s %8s %8s %8s %7s %9s %7s %13s %13s\n", "", "(zone)", "(zone)",
		"settled", "", "share", "limit", "bits mean/max", "bits mean/max");
	for (int s = 0; s < NK_SIM_RULESETS; s++) {
		const struct nk_sim_total *t = &rep->total[s];
		char rounds[16], share[16], cb[2 * CLI_BITS_MAX], pb[2 * CLI_BITS_MAX];
		char zs[16], zr[16], ns[16], bl[16];

		snprintf(rounds, sizeof(rounds), settled(t) ? "%.2f" : "-",
			 settled(t) ? (double)t->rounds_sum / (double)settled(t) : 0.0);
		snprintf(share, sizeof(share), t->shared ? "%.3f" : "-",
			 t->shared ? t->claimant_share_sum / (double)t->shared : 0.0);
		bits_pair(t->claimant_bits_sum / (double)rep->cases, t->claimant_bits_max, cb);
		bits_pair(t->payer_bits_sum / (double)rep->cases, t->payer_bits_max, pb);
		percent(t->zone_settled, t->zone_cases, zs);
		percent(t->zone_cases - t->zone_settled, t->zone_cases, zr);
		percent(t->nozone_settled, t->nozone_cases, ns);
		percent(t->beyond_limit, settled(t), bl);
		fprintf(f, "%-9s %8s %8s %8s %7s %9s %7s %13s %13s\n",
			nk_sim_ruleset_name((enum nk_sim_ruleset)s), zs, zr, ns, rounds, share, bl,
			cb, pb);
	}
	{
		const struct nk_sim_total *t = &rep->total[NK_SIM_BRIDGE];
		char spent[CLI_AMOUNT_MAX];

		cli_format_amount("USD", t->by_end[NK_SIM_BRIDGE_END]
				  ? t->bridged_sum / (int64_t)t->by_end[NK_SIM_BRIDGE_END] : 0,
				  spent);
		cli_format_count(t->by_end[NK_SIM_BRIDGE_END], a);
		fprintf(f, "\nrounds: a settlement after impasse (proposal, neutrals) counts as "
			"round %d.\nclaimant share: its gain over both parties' gains, each "
			"measured from its own limit.\nbeyond limit: settled cases in which a "
			"party ended past its limit: the baseline's band\n  and the neutrals "
			"bind the parties to a figure they did not reach.\n"
			"bits: the most each side could know of one of the other's figures, log2 "
			"of the\n  range ($0 to $1,000,000) over what it could rule out.\n"
			"bridge: %s settlements, paying %s on average.\n", NK_SIM_ROUNDS + 1, a,
			spent);
	}
}

int cmd_simulate(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cases", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "svg", required_argument, NULL, 'g' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t cases = DEFAULT_CASES, seed = DEFAULT_SEED;
	const char *svg = NULL;
	struct nk_sim_report *rep = NULL;
	struct nk_error err = { 0 };
	int force = 0, c, rc, index;
	bool given[4] = { false };

	if (cli_wants_help(argc, argv)) {
		fputs(simulate_help, ctx->out);
		return CLI_OK;
	}
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, &index)) != -1) {
		if (c != '?' && c != ':' && given[index])
			return cli_usage_error(ctx, CMD, "--%s given twice", longopts[index].name);
		if (c != '?' && c != ':')
			given[index] = true;
		switch (c) {
		case 'n':
			if ((rc = read_count(ctx, "cases", optarg, NK_SIM_CASES_MAX, &cases)))
				return rc;
			if (cases == 0)
				return cli_usage_error(ctx, CMD, "--cases: at least 1");
			break;
		case 's':
			if ((rc = read_count(ctx, "seed", optarg, SEED_MAX, &seed)))
				return rc;
			break;
		case 'g':
			svg = optarg;
			break;
		case 'f':
			force = 1;
			break;
		default:
			return cli_bad_option(ctx, CMD, longopts, c, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error(ctx, CMD, "unexpected argument '%s'", argv[optind]);
	if (force && !svg)
		return cli_usage_error(ctx, CMD, "--force replaces the --svg file: give --svg");
	rep = calloc(1, sizeof(*rep));
	if (!rep) {
		nk_fail(&err, NK_ENOMEM, "", "out of memory");
		return cli_report(ctx, &err);
	}
	if (nk_simulate(seed, cases, cases >= PROGRESS_FROM ? progress : NULL, ctx, cases / 10,
			rep, &err) != NK_OK ||
	    (svg && cli_simulate_svg(rep, svg, force, &err) != NK_OK)) {
		free(rep);
		return cli_report(ctx, &err);
	}
	rc = CLI_OK;
	if (ctx->json)
		rc = print_json(ctx, rep);
	else
		print_text(ctx, rep);
	free(rep);
	return rc;
}
