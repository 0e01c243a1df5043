/* nakodo brief and nakodo log: what a role may know of a case, for a person or, with
 * --json, for a program; and the event log as the mediator may see it. */
#include "cli/util.h"
#include "formats/case_json.h"

#include <getopt.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

static void print_interval(FILE *f, const char *cur, struct nk_interval i)
{
	char lo[CLI_AMOUNT_MAX], hi[CLI_AMOUNT_MAX];

	cli_format_amount(cur, i.low, lo);
	cli_format_amount(cur, i.high, hi);
	if (i.low == i.high)
		fprintf(f, "exactly %s", lo);
	else
		fprintf(f, "between %s and %s", lo, hi);
}

void cli_print_round(FILE *f, const struct nk_brief *b, int i)
{
	const struct nk_brief_round *r = &b->rounds[i];
	const char *cur = b->rules.currency;
	const char *own = b->role == NK_CLAIMANT ? "demand" : "offer";
	const char *other = b->role == NK_CLAIMANT ? "the payer's offer" : "the claimant's demand";
	char amount[CLI_AMOUNT_MAX], hint[NK_HINT_TEXT_MAX];

	fprintf(f, "  round %d:", i + 1);
	if (b->role != NK_MEDIATOR) {
		if (!r->own_submitted)
			fprintf(f, " your %s not yet submitted;", own);
		else if (b->figures_deleted)
			fprintf(f, " your %s submitted (deleted when the case ended);", own);
		else {
			cli_format_amount(cur, r->own_figure, amount);
			fprintf(f, " your %s %s;", own, amount);
		}
		if (r->own_extension && !b->figures_deleted) {
			cli_format_amount(cur, r->own_extension, amount);
			fprintf(f, " deal-closer up to %s;", amount);
		}
	}
	if (!r->evaluated) {
		fprintf(f, " awaiting figures\n");
		return;
	}
	if (r->deal != NK_NO_DEAL) {
		cli_format_amount(cur, r->figure, amount);
		fprintf(f, " deal (%s) at %s\n", nk_deal_kind_name(r->deal), amount);
	} else if (b->rules.hint_count == 0) {
		fprintf(f, " no deal\n");
	} else if (r->hint >= 0) {
		nk_bargain_hint_text(&b->rules, r->hint, hint);
		fprintf(f, " no deal; hint: %s\n", hint);
	} else {
		fprintf(f, " no deal; hint withheld%s\n",
			b->role == NK_MEDIATOR ? "" : " (it would pass the leakage budget)");
	}
	if (r->has_view) {
		fprintf(f, "    you know %s lies ", other);
		print_interval(f, cur, r->view.other);
		fprintf(f, " (%.2f bits)\n    the other side can know at most that your %s lies ",
			r->view.bits, own);
		print_interval(f, cur, r->view.exposed);
		fprintf(f, " (%.2f bits)\n", r->view.exposed_bits);
	}
}

void cli_print_brief(FILE *f, const struct nk_brief *b)
{
	const struct nk_rules *r = &b->rules;
	char amount[CLI_AMOUNT_MAX], lo[CLI_AMOUNT_MAX], hi[CLI_AMOUNT_MAX];

	fprintf(f, "case %s, as %s: %s", b->case_id, nk_role_name(b->role), nk_case_state_name(b->state));
	if (b->state == NK_STATE_OPEN)
		fprintf(f, ", round %d of %d", b->round, r->rounds);
	fputc('\n', f);
	cli_format_amount(r->currency, r->range_low, lo);
	cli_format_amount(r->currency, r->range_high, hi);
	cli_format_amount(r->currency, r->grid, amount);
	fprintf(f, "rules: %d rounds, settle %s, grid %s, range %s to %s, %s, leakage budget %.1f bits, %d proposal%s\n",
		r->rounds, nk_settle_name(r->settle), amount, lo, hi,
		r->monotone ? "monotone" : "not monotone", r->leakage_bits, r->proposals,
		r->proposals == 1 ? "" : "s");
	for (int i = 0; i < b->round; i++)
		cli_print_round(f, b, i);
	if (b->proposals > 0) {
		cli_format_amount(r->currency, b->proposal, amount);
		fprintf(f, "mediator's proposal %d: %s", b->proposals, amount);
		if (b->role != NK_MEDIATOR && b->own_answer >= 0)
			fprintf(f, "; you %s", b->own_answer ? "accepted" : "declined");
		if (b->proposal_accepted == 1)
			fprintf(f, "; both accepted");
		else if (b->proposal_accepted == 0)
			fprintf(f, "; not accepted by both");
		else
			fprintf(f, "; awaiting answers");
		fputc('\n', f);
	}
	if (b->settled) {
		cli_format_amount(r->currency, b->settlement, amount);
		fprintf(f, "settled at %s (%s)\n", amount, nk_deal_kind_name(b->settled_by));
	}
	if (b->figures_deleted)
		fprintf(f, "the case has ended; its confidential figures are deleted\n");
}

int cli_show_brief(struct cli_ctx *ctx, const struct nk_case_env *env, const char *id,
		   enum nk_role role, bool after_action)
{
	struct nk_brief *b = sodium_malloc(sizeof(*b));
	struct nk_error err = { 0 };
	int rc = CLI_OK;

	if (!b) {
		nk_fail(&err, NK_ENOMEM, "brief", "out of memory");
		return cli_report(ctx, &err);
	}
	if (nk_case_brief(env, id, role, b, &err) != NK_OK)
		rc = cli_report(ctx, &err);
	else if (ctx->json)
		cli_print_json(ctx, nk_brief_to_json(b));
	else if (after_action)
		fprintf(ctx->out, "ok: case %s is %s%s\n", id, nk_case_state_name(b->state),
			b->state == NK_STATE_OPEN ? "" : " (see nakodo brief)");
	else
		cli_print_brief(ctx->out, b);
	sodium_free(b);
	return rc;
}

int cmd_brief(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "as", required_argument, NULL, 'a' }, { NULL, 0, NULL, 0 },
	};
	struct nk_store *store = NULL;
	const char *as = NULL, *id = NULL;
	enum nk_role role;
	int c, rc;

	if (cli_wants_help(argc, argv)) {
		fputs("usage: nakodo brief CASE --as claimant|payer|mediator\n\n"
		      "What that role may know: the rules, the state, its own figures, what it was told\n"
		      "each round, what the other side can at most have inferred about it, and the\n"
		      "settlement when there is one. The mediator's briefing holds no figure of a party.\n", ctx->out);
		return CLI_OK;
	}
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-", opts, NULL)) != -1) {
		if (c == 1 && !id)
			id = optarg;
		else if (c == 'a')
			as = optarg;
		else
			return cli_usage_error(ctx, "nakodo brief", "unexpected '%s'", argv[optind - 1]);
	}
	if (!id)
		return cli_usage_error(ctx, "nakodo brief", "expected CASE --as ROLE");
	if ((rc = cli_parse_role(ctx, "nakodo brief", as, &role)) != CLI_OK)
		return rc;
	if ((rc = cli_open_store(ctx, false, &store)) != CLI_OK)
		return rc;
	{
		struct nk_case_env env = { .store = store };

		rc = cli_show_brief(ctx, &env, id, role, false);
	}
	nk_store_close(store);
	return rc;
}

int cmd_log(struct cli_ctx *ctx, int argc, char **argv)
{
	struct nk_store *store = NULL;
	struct nk_event_list log = { 0 };
	struct nk_error err = { 0 };
	json_t *events = NULL;
	int rc;

	if (cli_wants_help(argc, argv)) {
		fputs("usage: nakodo log CASE\n\n"
		      "The case's events as the mediator may see them: who did what and when, and\n"
		      "what the go-between answered. Figures and answers of the parties are sealed\n"
		      "apart and never appear here.\n", ctx->out);
		return CLI_OK;
	}
	if (argc != 2)
		return cli_usage_error(ctx, "nakodo log", "expected CASE");
	if ((rc = cli_open_store(ctx, false, &store)) != CLI_OK)
		return rc;
	if (nk_store_load(store, argv[1], &log, &err) != NK_OK) {
		if (err.code == NK_ENOTFOUND)
			nk_fail(&err, NK_ENOTFOUND, "case", "no case %s in this database", argv[1]);
		rc = cli_report(ctx, &err);
		goto out;
	}
	events = json_array();
	for (size_t i = 0; i < log.count; i++) {
		const struct nk_event *ev = &log.events[i];

		if (ctx->json) {
			json_array_append_new(events, json_pack("{s:I, s:I, s:s, s:s, s:o}",
				"seq", (json_int_t)ev->seq, "time_ms", (json_int_t)ev->time_ms,
				"actor", ev->actor, "type", ev->type,
				"body", json_loads(ev->body, 0, NULL)));
		} else {
			time_t t = (time_t)(ev->time_ms / 1000);
			struct tm tm;
			char when[32];

			gmtime_r(&t, &tm);
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
			fprintf(ctx->out, "%4lld %s %-10s %-15s %s\n", (long long)ev->seq, when,
				ev->actor, ev->type, ev->body);
		}
	}
	if (ctx->json)
		cli_print_json(ctx, json_pack("{s:s, s:O}", "case", argv[1], "events", events));
out:
	json_decref(events);
	nk_event_list_free(&log);
	nk_store_close(store);
	return rc;
}
