/* nakodo brief and nakodo log: what a role may know of a case, for a person or, with
 * --json, for a program; and the event log as the mediator may see it. */
#include "cmd_brief.h"
#include "package_case.h"
#include "remote.h"
#include "signed.h"
#include "util.h"
#include <nakodo/case_json.h>
#include <nakodo/wire.h>

#include <nakodo/time.h>

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
	else if (i.high == NK_AMOUNT_MAX && i.low == 0)	/* no range set, nothing learned */
		fprintf(f, "anywhere");
	else if (i.high == NK_AMOUNT_MAX)	/* no range set: no bound but the arithmetic's */
		fprintf(f, "at or above %s", lo);
	else
		fprintf(f, "between %s and %s", lo, hi);
}

/* A band's width, as --settle band:P%,AMOUNT gave it: " (a gap within 10% … or 2,500)". */
static void print_band(FILE *f, const struct nk_rules *r)
{
	char amount[CLI_AMOUNT_MAX];

	if (r->settle != NK_SETTLE_BAND || (!r->band_bp && !r->band_amount))
		return;
	fputs(" (a gap within ", f);
	if (r->band_bp)
		fprintf(f, "%g%% of the demand%s", r->band_bp / 100.0, r->band_amount ? " or " : "");
	if (r->band_amount) {
		cli_format_amount(r->currency, r->band_amount, amount);
		fputs(amount, f);
	}
	fputc(')', f);
}

void cli_print_round(FILE *f, const struct nk_brief *b, int i)
{
	const struct nk_brief_round *r = &b->rounds[i];
	const char *cur = b->rules.currency;
	const char *own = b->role == NK_CLAIMANT ? "demand" : "offer";
	const char *other = b->role == NK_CLAIMANT ? "the payer's offer" : "the claimant's demand";
	char amount[CLI_AMOUNT_MAX];

	fprintf(f, "  round %d:", i + 1);
	if (b->role != NK_MEDIATOR) {
		if (!r->own_submitted)
			fprintf(f, " your %s not yet submitted;", own);
		else if (b->rules.blind)	/* the go-between never held it */
			fprintf(f, " your outcome given (your %s stayed on your machine);", own);
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
	if (!r->evaluated) {	/* a case that ended meanwhile waits for nothing */
		fputs(b->state == NK_STATE_OPEN ? " awaiting figures\n" :
		      " not evaluated: the case ended first\n", f);
		return;
	}
	if (r->deal != NK_NO_DEAL) {
		cli_format_amount(cur, r->figure, amount);
		fprintf(f, " deal (%s) at %s\n", nk_deal_kind_name(r->deal), amount);
	} else {
		bool hint_told;

		fputc(' ', f);
		hint_told = cli_print_no_deal(f, b, r);
		fputc('\n', f);
		if (hint_told && b->figures_deleted && !r->has_view)
			cli_print_hint_meaning(f, b, i);
	}
	if (r->has_view) {
		char bits[CLI_BITS_MAX];

		fprintf(f, "    you know %s lies ", other);
		print_interval(f, cur, r->view.other);
		cli_format_bits(r->view.bits, bits);
		fprintf(f, " (%s bits)\n    the other side can know at most that your %s lies ",
			bits, own);
		print_interval(f, cur, r->view.exposed);
		cli_format_bits(r->view.exposed_bits, bits);
		fprintf(f, " (%s bits)\n", bits);
	}
}

/* The rules' deadlines in plain words, the time left by this machine's clock, and the
 * latest lapse as this role may know it. */
static void print_deadlines(FILE *f, const struct nk_brief *b)
{
	const struct nk_rules *r = &b->rules;
	char when[NK_TIME_TEXT_MAX], left[NK_TIME_TEXT_MAX];
	int64_t now = nk_time_now_ms();

	if (r->blind)
		fprintf(f, "blind: the parties' own clients compute each round; the go-between "
			"holds no figure\n");
	if (r->round_time_ms) {
		nk_time_format_left(r->round_time_ms, left);
		fprintf(f, "round time: %s; a round not complete by then lapses, its figures "
			"void, and the round starts again (three lapses close the case)\n", left);
	}
	if (r->deadline_ms) {
		nk_time_format_utc(r->deadline_ms, when);
		fprintf(f, "deadline: %s; the case closes then unless it has settled\n", when);
	}
	if (b->round_due_ms && b->state == NK_STATE_OPEN) {
		nk_time_format_utc(b->round_due_ms, when);
		nk_time_format_left(b->round_due_ms - now, left);
		fprintf(f, "round %d lapses at %s (%s left)\n", b->round, when, left);
	}
	if (r->deadline_ms && (b->state == NK_STATE_OPEN || b->state == NK_STATE_IMPASSE)) {
		nk_time_format_left(r->deadline_ms - now, left);
		fprintf(f, "time left before the deadline: %s\n", left);
	}
	if (b->lapsed_round)
		fprintf(f, "round %d lapsed; its figures are void%s\n", b->lapsed_round,
			b->lapse_missed ? "; you did not submit a figure in time" : "");
	if (b->deadline_passed)
		fprintf(f, "the deadline passed: the case closed\n");
}

/* What the leakage budget bounds: the hints alone. A round's outcome is the rule of the
 * game, told whatever it costs, and with no range set its bits count against the whole
 * default range (0 to 2^62-1), so a party's bits can read far past the budget. */
static void print_budget_scope(FILE *f, const struct nk_brief *b)
{
	if (b->package || !nk_role_is_party(b->role))	/* only a party's briefing counts bits */
		return;
	/* a case without hints speaks of none (tests/cli/wording.sh) */
	fprintf(f, "(%s a round's outcome is always told%s, so the bits below may pass the "
		"budget)\n", b->rules.hint_count ? "the leakage budget bounds the hints alone: a "
		"hint that would pass it is withheld;" : "whatever the leakage budget,",
		b->rules.range_low == 0 && b->rules.range_high == NK_AMOUNT_MAX ?
		", and with no range set its bits count against the whole 0 to 2^62-1" : "");
}

/* A party's note of the seed commitment of a random case that is not blind: the check
 * of a random settlement holds the seed against the commitment noted before the first
 * figure (doc/bargain.md, "Checking the draw"), which only --json showed. */
static void print_seed_commitment(FILE *f, const struct nk_brief *b)
{
	char hex[2 * sizeof(b->seed_commitment) + 1];

	if (b->rules.settle != NK_SETTLE_RANDOM || b->rules.blind ||
	    (b->role != NK_CLAIMANT && b->role != NK_PAYER) || b->viewer != b->role)
		return;
	sodium_bin2hex(hex, sizeof(hex), b->seed_commitment, sizeof(b->seed_commitment));
	fprintf(f, "seed commitment: %s\n", hex);
	if (b->state == NK_STATE_OPEN)
		fprintf(f, "  (note it before your first figure: after a random settlement, nakodo "
			"verify --draw %s --commitment HEX YOUR-%s checks the draw against it)\n",
			b->case_id, b->role == NK_CLAIMANT ? "DEMAND" : "OFFER");
	else if (b->settled && b->settled_by == NK_DEAL_OVERLAP)
		fprintf(f, "  (check the draw against the commitment you noted before your first "
			"figure: nakodo verify --draw %s --commitment HEX YOUR-%s)\n", b->case_id,
			b->role == NK_CLAIMANT ? "DEMAND" : "OFFER");
}

void cli_print_proposal_timing(FILE *f, const struct nk_brief *b)
{
	char when[NK_TIME_TEXT_MAX];

	fprintf(f, "  no time limit of its own: it stands until both parties answer (nakodo answer)\n"
		"  or the mediator closes the case; no round time runs at impasse\n");
	if (b->rules.deadline_ms) {
		nk_time_format_utc(b->rules.deadline_ms, when);
		fprintf(f, "  the case's deadline, %s, closes the case if it is unanswered then\n",
			when);
	}
}

/* Open proposals in plain words: the rule, each side's standing proposal with what it
 * tells every other role of its poster's secret figure, and the suggestion between them. */
static void print_open_proposals(FILE *f, const struct nk_brief *b)
{
	char amount[CLI_AMOUNT_MAX], bits[CLI_BITS_MAX];

	if (!b->rules.open_proposals)
		return;
	fprintf(f, "open proposals: each party may announce a visible proposal (nakodo announce), "
		"one a round, each only toward the other side; its secret figure must stay at "
		"least as generous, so a proposal tells every role that bound on it\n");
	for (int side = 0; side < 2; side++) {
		const bool own = b->role == (enum nk_role)side;

		if (!b->has_open[side])
			continue;
		cli_format_amount(b->rules.currency, b->open[side], amount);
		cli_format_bits(b->open_bits[side], bits);
		fprintf(f, "%s open proposal: %s (round %d); it tells %s that %s %s is at %s "
			"%s (%s bits)\n", own ? "your" : side == NK_CLAIMANT ? "the claimant's"
			: "the payer's", amount, b->open_round[side],
			own ? "the other side" : b->role == NK_MEDIATOR ? "every role" : "you",
			own ? "your" : "its", side == NK_CLAIMANT ? "demand" : "offer",
			side == NK_CLAIMANT ? "most" : "least", amount, bits);
	}
	if (b->has_suggestion) {
		cli_format_amount(b->rules.currency, b->suggestion, amount);
		fprintf(f, "the go-between's suggestion: %s, the midpoint of the two open proposals "
			"on the grid; it tells nothing beyond them\n", amount);
	}
}

void cli_print_brief(FILE *f, const struct nk_brief *b)
{
	const struct nk_rules *r = &b->rules;
	char amount[CLI_AMOUNT_MAX], lo[CLI_AMOUNT_MAX], hi[CLI_AMOUNT_MAX];

	if (b->viewer != b->role)	/* a principal, shown its party's briefing as it is */
		fprintf(f, "case %s, as %s (the %s's briefing, read only): %s", b->case_id,
			nk_role_name(b->viewer), nk_role_name(b->role),
			nk_case_state_name(b->state));
	else
		fprintf(f, "case %s, as %s: %s", b->case_id, nk_role_name(b->role),
			nk_case_state_name(b->state));
	if (b->state == NK_STATE_OPEN && b->round > 0)	/* a neutral is told no round */
		fprintf(f, ", round %d of %d", b->round, r->rounds);
	if (b->state == NK_STATE_CLOSED && nk_close_reason_phrase(b->closed_reason))
		fprintf(f, " (%s)", nk_close_reason_phrase(b->closed_reason));
	fputc('\n', f);
	if (b->title[0]) {
		fputs("title: ", f);
		cli_put_safe(f, b->title, strlen(b->title));
		fputc('\n', f);
	}
	cli_format_amount(r->currency, r->grid, amount);
	fprintf(f, "rules: %d round%s, settle %s", r->rounds, CLI_PLURAL(r->rounds),
		nk_settle_name(r->settle));
	print_band(f, r);
	fprintf(f, ", grid %s, ", amount);
	/* the default range is only the arithmetic's bound, not one anybody declared */
	if (r->range_low == 0 && r->range_high == NK_AMOUNT_MAX) {
		fprintf(f, "no range set");
	} else {
		cli_format_amount(r->currency, r->range_low, lo);
		cli_format_amount(r->currency, r->range_high, hi);
		fprintf(f, "range %s to %s", lo, hi);
	}
	fprintf(f, ", %s, leakage budget %g bits, %d proposal%s\n",
		r->monotone ? "monotone" : "not monotone", r->leakage_bits, r->proposals,
		CLI_PLURAL(r->proposals));
	fputs(CLI_BITS_LINE, f);
	print_budget_scope(f, b);
	print_seed_commitment(f, b);
	print_deadlines(f, b);
	if (r->principals && !r->authority)
		fputs("principals: each party may have a principal who reads its briefing and "
		      "may not act\n", f);
	print_open_proposals(f, b);
	if (r->bridge)
		fprintf(f, "bridge: a confidential budget pays the gap if the last round's figures "
			"fail to meet by no more than it;\n  then the claimant receives its demand "
			"and the payer pays its offer (nobody is told the budget)\n");
	if (r->authority)
		fputs("principals with authority: each party's figure, extension or answer takes "
		      "effect only when its principal approves it\n", f);
	cli_print_draft(f, b);
	for (int k = 0; k < NK_ROLE_COUNT; k++) {
		char sign[NK_KEY_HEX], safety[NK_SAFETY_NUMBER_MAX];

		if (!b->joined[k])
			continue;
		nk_key_to_hex(b->identity[k].sign, sign);
		nk_safety_number(&b->identity[k], safety);
		fprintf(f, "%s's key: %s, safety number %s\n", nk_role_name((enum nk_role)k),
			sign, safety);
		cli_print_endorsed(f, b, (enum nk_role)k);
	}
	for (int k = 0; k < NK_ROLE_COUNT; k++)
		if (b->sent[k] || b->received[k])
			fprintf(f, "messages with the %s: %llu sent, %llu received\n",
				nk_role_name((enum nk_role)k), (unsigned long long)b->sent[k],
				(unsigned long long)b->received[k]);
	/* Never whether the other side has deposited before the release: that is the
	 * disclosure's whole point (doc/api.md, the inbox), so a party is told how it works. */
	if (b->released && b->role != NK_MEDIATOR)
		fprintf(f, "deposits: both released; the %s's deposit waits for you "
			"(nakodo inbox)\n",
			nk_role_name(b->role == NK_CLAIMANT ? NK_PAYER : NK_CLAIMANT));
	else if (b->released)
		fprintf(f, "deposits: both released\n");
	else if (b->deposit_held)
		fprintf(f, "deposit: yours is in; waiting for the other side's (you are not told "
			"whether it has made one until both are in)\n");
	else if (b->role != NK_MEDIATOR && b->joined[NK_CLAIMANT] && b->joined[NK_PAYER] &&
		 b->state == NK_STATE_OPEN)
		fprintf(f, "deposit: none of yours; a deposit the other side may have made is "
			"released to you only when yours is in too (nakodo deposit)\n");
	cli_print_token_changes(f, b->token_reissues, b->token_revokes, b->token_changed_ms);
	for (int i = 0; i < b->round; i++)
		cli_print_round(f, b, i);
	/* the earlier proposals, each with its answer, then the latest as before */
	for (int k = 0; k + 1 < b->proposals && k < NK_PROPOSALS_MAX; k++) {
		if (b->proposal_results[k] < -1)
			continue;
		cli_format_amount(r->currency, b->proposal_figures[k], amount);
		fprintf(f, "mediator's proposal %d: %s; %s\n", k + 1, amount,
			b->proposal_results[k] == 1 ? "both accepted"
			: b->proposal_results[k] == 0 ? "not accepted by both" : "no answer");
	}
	if (b->proposals > 0) {
		cli_format_amount(r->currency, b->proposal, amount);
		fprintf(f, "mediator's proposal %d: %s", b->proposals, amount);
		if (b->role != NK_MEDIATOR && b->own_answer >= 0)
			fprintf(f, "; you %s", b->own_answer ? "accepted" : "declined");
		if (b->proposal_accepted == 1)
			fprintf(f, "; both accepted");
		else if (b->proposal_accepted == 0)
			fprintf(f, "; not accepted by both");
		else if (b->role == NK_MEDIATOR && b->proposal_answered[NK_CLAIMANT] !=
			 b->proposal_answered[NK_PAYER])
			fprintf(f, "; the %s has answered, the %s not yet",
				b->proposal_answered[NK_CLAIMANT] ? "claimant" : "payer",
				b->proposal_answered[NK_CLAIMANT] ? "payer" : "claimant");
		else
			fprintf(f, "; awaiting answers");
		fputc('\n', f);
		if (b->state == NK_STATE_IMPASSE && b->proposal_accepted < 0)
			cli_print_proposal_timing(f, b);
	}
	if (b->settled && b->settled_by == NK_DEAL_BRIDGE) {
		cli_format_amount(r->currency, b->settlement, amount);
		fprintf(f, "settled by the bridge: %s %s\n",
			b->role == NK_CLAIMANT ? "you receive your demand," :
			b->role == NK_PAYER ? "you pay your offer," : "the bridge pays the gap,",
			amount);
	} else if (b->settled) {
		cli_format_amount(r->currency, b->settlement, amount);
		fprintf(f, "settled at %s (%s)\n", amount, nk_deal_kind_name(b->settled_by));
	}
	cli_print_neutral(f, b);
	cli_print_next_step(f, b);
	if (b->figures_deleted)
		cli_print_ended(f, b);
}

/* role's briefing (through a server the token's, which --as, if given, must name),
 * printed from the briefing, or a package case's from its JSON. */
static int show_brief(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
		      const enum nk_role *as)
{
	struct nk_brief *b = sodium_malloc(sizeof(*b));
	struct nk_error err = { 0 };
	json_t *package = NULL;
	int rc;

	if (!b) {
		nk_fail(&err, NK_ENOMEM, "brief", "out of memory");
		return cli_report(ctx, &err);
	}
	rc = be->ops->brief(ctx, be, id, as ? *as : NK_MEDIATOR, b, &package);
	if (rc == CLI_OK && be->is_remote && as && b->viewer != *as) {
		json_decref(package);
		rc = cli_usage_error(ctx, "nakodo brief", "--as %s, but the token is the %s's",
				     nk_role_name(*as), nk_role_name(b->viewer));
	} else if (rc == CLI_OK && package) {
		rc = package_brief_answer(ctx, id, package, false);
	} else if (rc == CLI_OK && ctx->json) {
		cli_print_json(ctx, nk_brief_to_json(b));
	} else if (rc == CLI_OK) {
		cli_print_brief(ctx->out, b);
	}
	sodium_free(b);
	return rc;
}

/* Opens the backend and, through a server, the key file's key (if any) that signs a
 * joined role's reads; locally no key is asked, the database's reader reads everything
 * anyway. */
static int open_reader(struct cli_ctx *ctx, struct cli_backend *be, const char *key_path,
		       struct nk_party_key **key)
{
	int rc;

	if ((rc = cli_backend_open(ctx, be)) != CLI_OK)
		return rc;
	if (be->is_remote && key_path && (rc = cli_key_load(ctx, key_path, key)) != CLI_OK)
		return rc;
	be->remote.key = *key;
	return CLI_OK;
}

int cmd_brief(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "as", required_argument, NULL, 'a' }, { "key", required_argument, NULL, 'k' },
		REMOTE_OPTIONS, { NULL, 0, NULL, 0 },
	};
	struct cli_backend be = { 0 };
	struct nk_party_key *key = NULL;
	const char *as = NULL, *id = NULL, *key_path = NULL;
	enum nk_role role;
	int c, rc;

	if (cli_wants_help(argc, argv)) {
		fputs("usage: nakodo brief CASE --as ROLE [--key FILE]\n\n"
		      "ROLE: claimant, payer or mediator; in a case with principals\n"
		      "claimant-principal or payer-principal (its party's briefing, read only); in a\n"
		      "case with neutral evaluation neutral-1 .. neutral-N.\n"
		      "What that role may know: the rules, the state, its own figures, what it was told\n"
		      "each round, what the other side can at most have inferred about it, and the\n"
		      "settlement when there is one. The mediator's briefing holds no figure of a party.\n"
		      "With --server/--token, once the token's role has joined the case with a key the\n"
		      "server shows its briefing only to a request signed with that key: give --key FILE.\n"
		      "Locally (--db) no key is asked: the database's reader reads everything anyway.\n",
		      ctx->out);
		return CLI_OK;
	}
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-", opts, NULL)) != -1) {
		if (c == 1 && !id)
			id = optarg;
		else if (c == 'a')
			as = optarg;
		else if (c == 'k')
			key_path = optarg;
		else if (c == REMOTE_OPT_SERVER || c == REMOTE_OPT_TOKEN)
			remote_option(&be.remote, c, optarg);
		else
			return cli_bad_option(ctx, "nakodo brief", opts, c, argv);
	}
	if (!id)
		return cli_usage_error(ctx, "nakodo brief", "expected CASE --as ROLE");
	/* through a server the token says the role: --as is then only a check */
	if ((as || !cli_backend_token_role(&be)) &&
	    (rc = cli_parse_role(ctx, "nakodo brief", as, &role)) != CLI_OK)
		return rc;
	if ((rc = open_reader(ctx, &be, key_path, &key)) == CLI_OK)
		rc = show_brief(ctx, &be, id, as ? &role : NULL);
	nk_party_key_free(key);
	cli_backend_close(&be);
	return rc;
}

/* Prints a log in the shape of nk_wire_log_to_json with its verdict (log_verdict), as
 * text or JSON (takes the reference); returns verdict, the exit status. */
static int print_log(struct cli_ctx *ctx, json_t *log, int verdict)
{
	const json_t *events = json_object_get(log, "events");
	const json_t *bad = json_object_get(log, "unverified");

	if (ctx->json) {
		cli_print_json(ctx, log);
		return verdict;
	}
	for (size_t i = 0; i < json_array_size(events); i++) {
		const json_t *ev = json_array_get(events, i);
		const char *chain = json_string_value(json_object_get(ev, "chain"));
		char *body = json_dumps(json_object_get(ev, "body"), JSON_COMPACT | JSON_SORT_KEYS);
		time_t t = (time_t)(json_integer_value(json_object_get(ev, "time_ms")) / 1000);
		struct tm tm;
		char when[32];

		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(ctx->out, "%4lld %s %-10s %-15s %s  chain %s\n",
			(long long)json_integer_value(json_object_get(ev, "seq")), when,
			json_string_value(json_object_get(ev, "actor")),
			json_string_value(json_object_get(ev, "type")), body ? body : "null",
			chain && *chain ? chain : "none (stored before links existed)");
		free(body);
	}
	/* last, where a reader of a long log sees it, and on stderr for a pipe's reader */
	if (bad)
		fprintf(ctx->out, "the log does not verify: event %lld: %s\n",
			(long long)json_integer_value(json_object_get(bad, "event")),
			json_string_value(json_object_get(bad, "reason")));
	if (bad && ctx->err != ctx->out)
		fprintf(ctx->err, "nakodo log: the log does not verify (event %lld)\n",
			(long long)json_integer_value(json_object_get(bad, "event")));
	json_decref(log);
	return verdict;
}

/* The log's verdict (nk_case_log_verdict: the rules every load of the case checks, a
 * blind outcome's signatures among them) set in log, worked out here from its events
 * whatever a server said: CLI_OK when it holds, CLI_REFUSED when not (as `nakodo
 * verify`'s 1), else an error reported. */
static int log_verdict(struct cli_ctx *ctx, const char *id, json_t *log)
{
	struct nk_event_list events = { 0 };
	struct nk_error err = { 0 };
	char case_id[NK_CASE_ID_MAX];
	enum nk_status rc;

	json_object_del(log, "verified");
	json_object_del(log, "unverified");
	if ((rc = nk_wire_log_from_json(log, case_id, &events, &err)) == NK_OK)
		rc = nk_case_log_verdict(id, &events, log, &err);
	nk_event_list_free(&events);
	if (rc == NK_ECORRUPT)
		return CLI_REFUSED;
	return rc == NK_OK ? CLI_OK : cli_report(ctx, &err);
}

int cmd_log(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' }, REMOTE_OPTIONS,
		{ "as", required_argument, NULL, 'a' },	/* only to say why it is refused */
		{ NULL, 0, NULL, 0 },
	};
	struct cli_backend be = { 0 };
	struct nk_party_key *key = NULL;
	const char *id = NULL, *key_path = NULL;
	json_t *log = NULL;
	int c, rc;

	if (cli_wants_help(argc, argv)) {
		fputs("usage: nakodo log CASE [--key FILE]\n\n"
		      "The case's events as the mediator may see them: who did what and when, and\n"
		      "what the go-between answered. Figures and answers of the parties are sealed\n"
		      "apart and never appear here. Each line ends with the event's chain hash,\n"
		      "which binds it and every event before it and which the server countersigned,\n"
		      "signed in a batch of commits, or a later such event covers (--json: \"chain\"\n"
		      "and \"countersignature\" in hex, all zeros when covered, a batch reference\n"
		      "when in a batch; then \"batch\" holds the last link's proof and the batch's\n"
		      "signature; doc/crypto.md, \"Batches\"). With\n"
		      "--server/--token: the mediator's token, and once the mediator has joined\n"
		      "the case, --key FILE to sign the request with its key.\n\n"
		      "The log is also checked as every load of the case checks it (a blind\n"
		      "round's outcomes against their parties' signatures, among the rest): one\n"
		      "that breaks a rule is printed all the same, with a last line naming the\n"
		      "first event that breaks one and why (--json: \"verified\" false and\n"
		      "\"unverified\": {\"event\", \"reason\"}), exit 1. An event changed in the\n"
		      "store, so that the chain of hashes does not hold, is not a log to print:\n"
		      "nothing is printed and the error names the case, exit 3.\n\n"
		      "exit status: 0 the log verifies, 1 it breaks a rule (printed), 2 bad usage,\n"
		      "3 it could not be read or its chain does not hold (nothing printed)\n", ctx->out);
		return CLI_OK;
	}
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-", opts, NULL)) != -1) {
		if (c == 1 && !id)
			id = optarg;
		else if (c == 'k')
			key_path = optarg;
		else if (c == REMOTE_OPT_SERVER || c == REMOTE_OPT_TOKEN)
			remote_option(&be.remote, c, optarg);
		else
			return cli_option_error(ctx, "nakodo log", opts, c, argv, "the log is the "
						"mediator's view (through a server, the mediator's token's)");
	}
	if (!id || optind != argc)
		return cli_usage_error(ctx, "nakodo log", "expected CASE");
	if ((rc = open_reader(ctx, &be, key_path, &key)) == CLI_OK &&
	    (rc = be.ops->log(ctx, &be, id, &log)) == CLI_OK) {
		rc = log_verdict(ctx, id, log);
		if (rc == CLI_OK || rc == CLI_REFUSED)
			rc = print_log(ctx, log, rc);
		else
			json_decref(log);
	}
	nk_party_key_free(key);
	cli_backend_close(&be);
	return rc;
}
