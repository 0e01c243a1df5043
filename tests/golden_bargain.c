/* Golden tests for core/bargain: each tests/golden/bargain/NAME.case (rules and the
 * rounds' figures) is run through the engine and its report compared byte for byte
 * with NAME.expected. NAKODO_GOLDEN_UPDATE=1 rewrites the expected files (review the
 * diff before committing them). Prints TAP. */
#define _GNU_SOURCE
#include <nakodo/bargain.h>
#include "golden_driver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 512

static int parse_rules(struct nk_rules *r, char *line, struct nk_error *err)
{
	char *save = NULL;

	for (char *tok = strtok_r(line, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
		char *eq = strchr(tok, '=');
		char *end;

		if (!eq)
			return nk_fail(err, NK_EINVAL, tok, "expected key=value");
		*eq++ = '\0';
		if (!strcmp(tok, "currency")) {
			if (!nk_currency_find(eq))
				return nk_fail(err, NK_EINVAL, tok, "unknown");
			nk_rules_default(r, nk_currency_find(eq));
		} else if (!strcmp(tok, "rounds")) {
			r->rounds = (int)strtol(eq, &end, 10);
		} else if (!strcmp(tok, "settle")) {
			if (nk_rules_parse_settle(r, eq, err))
				return -1;
		} else if (!strcmp(tok, "grid")) {
			if (nk_money_parse(nk_currency_find(r->currency), eq, "grid", &r->grid, err))
				return -1;
		} else if (!strcmp(tok, "hints")) {
			if (nk_rules_parse_hints(r, eq, err))
				return -1;
		} else if (!strcmp(tok, "range")) {
			if (nk_rules_parse_range(r, eq, err))
				return -1;
		} else if (!strcmp(tok, "leakage-bits")) {
			r->leakage_bits = strtod(eq, &end);
		} else if (!strcmp(tok, "monotone")) {
			r->monotone = !strcmp(eq, "on");
		} else {
			return nk_fail(err, NK_EINVAL, tok, "unknown rule");
		}
	}
	return nk_rules_check(r, err);
}

static void report_view(FILE *out, const char *who, const struct nk_rules *r,
			const struct nk_view *v)
{
	char hint[NK_HINT_TEXT_MAX];

	nk_bargain_hint_text(r, v->hint, hint);
	fprintf(out, "  %s: hint %s%s; other in [%lld, %lld] %.3f bits; exposed [%lld, %lld] %.3f bits\n",
		who, hint, v->withheld ? " (withheld)" : "", (long long)v->other.low,
		(long long)v->other.high, v->bits, (long long)v->exposed.low,
		(long long)v->exposed.high, v->exposed_bits);
}

/* Runs one case file into out; returns 0, or -1 with a message in out. dir is unused:
 * bargain cases name no other file. */
static int run_case(FILE *in, const char *dir, FILE *out)
{
	struct nk_rules r;
	struct nk_round_result res[NK_ROUNDS_MAX];
	struct nk_round_figures figs[NK_ROUNDS_MAX];
	struct nk_error err = { 0 };
	uint8_t seed[NK_SEED_BYTES] = { 0 };
	char line[LINE_MAX_LEN];
	int round = 0, have_rules = 0;

	nk_rules_default(&r, nk_currency_find("USD"));
	while (fgets(line, sizeof(line), in)) {
		const struct nk_currency *cur = nk_currency_find(r.currency);
		char a[64] = "", b[64] = "", c[64] = "", d[64] = "";
		struct nk_round_figures f = { 0 };

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (!strncmp(line, "rules ", 6)) {
			if (parse_rules(&r, line + 6, &err)) {
				fprintf(out, "error: %s: %s\n", err.field, err.text);
				return -1;
			}
			have_rules = 1;
			fprintf(out, "rules: %d rounds, %s, grid %lld, %d hints, range [%lld, %lld], budget %.2f bits\n",
				r.rounds, nk_settle_name(r.settle), (long long)r.grid, r.hint_count,
				(long long)r.range_low, (long long)r.range_high, r.leakage_bits);
		} else if (!strncmp(line, "seed ", 5)) {
			for (int i = 0; i < NK_SEED_BYTES && line[5 + 2 * i] && line[6 + 2 * i] != '\n'; i++)
				sscanf(line + 5 + 2 * i, "%2hhx", &seed[i]);
		} else if (have_rules && sscanf(line, "round %63s %63s %63s %63s", a, b, c, d) >= 2) {
			if (nk_money_parse(cur, a, "demand", &f.demand, &err) ||
			    nk_money_parse(cur, b, "offer", &f.offer, &err) ||
			    (c[0] && nk_money_parse(cur, c, "claimant_extension", &f.claimant_extension, &err)) ||
			    (d[0] && nk_money_parse(cur, d, "payer_extension", &f.payer_extension, &err)) ||
			    (figs[round] = f,
			     nk_bargain_round(&r, round + 1, figs, res, seed, &err))) {
				fprintf(out, "round %d: refused: %s: %s\n", round + 1, err.field, err.text);
				return 0;
			}
			fprintf(out, "round %d: demand %lld offer %lld -> %s", round + 1, (long long)f.demand,
				(long long)f.offer, nk_deal_kind_name(res[round].deal));
			if (res[round].deal != NK_NO_DEAL)
				fprintf(out, " at %lld\n", (long long)res[round].figure);
			else
				fprintf(out, ", band %d\n", res[round].band);
			report_view(out, "claimant", &r, &res[round].claimant);
			report_view(out, "payer", &r, &res[round].payer);
			if (res[round].deal != NK_NO_DEAL || ++round == r.rounds)
				break;
		} else {
			fprintf(out, "error: cannot read: %s", line);
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	return golden_main(argc > 1 ? argv[1] : "tests/golden/bargain", run_case, NULL);
}
