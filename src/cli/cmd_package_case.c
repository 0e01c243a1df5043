/* nakodo package open | submit: blind package rounds in a case (doc/package.md, "Blind
 * package rounds"). The mediator opens a case under a public frame; each side submits
 * its confidential valuation file for the round; answers go through nakodo answer and
 * briefings through nakodo brief. Remote mode sends the same to the server and prints
 * its answer the way local mode prints the local one. */
#include "cmd_package.h"
#include "package_case.h"
#include "remote.h"
#include "signed.h"
#include "util.h"
#include <nakodo/agenda_formats.h>
#include <nakodo/package_case_json.h>
#include <nakodo/package_json.h>
#include <nakodo/json_build.h>
#include <nakodo/request_json.h>
#include <nakodo/time.h>

#include <nakodo/package_case.h>

#include <getopt.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const char open_help[] =
	"usage: nakodo package open --currency CODE [--components LIST] [--solution NAME]\n"
	"                           [--rounds N] [--no-monotone] [--hints none] [--improvements]\n"
	"                           [--deadline TIME] [--title TEXT]\n\n"
	"Opens a package case and prints its id. Its frame is public and never changes:\n\n"
	"  --currency CODE     ISO 4217 code of every valuation (required)\n"
	"  --components LIST   the parts a valuation may offer, of claims,grant,loan,credits\n"
	"                      (default all four)\n"
	"  --solution NAME     the fair package: nash (default), kalai_smorodinsky,\n"
	"                      egalitarian, utilitarian\n"
	"  --rounds N          at most N rounds, 1..50 (default 3)\n"
	"  --no-monotone       let a claimant's reservation rise and a payer's fall\n"
	"  --hints none        package rounds give no hint after \"no deal\"; no other policy\n"
	"  --improvements      once both accept a package, each side may submit a sealed\n"
	"                      improvement valuation; the go-between proposes the package\n"
	"                      better for both (or better for one, no worse for the other)\n"
	"                      that splits the gain most equally, and the settlement moves\n"
	"                      only if both accept it (doc/package.md, \"Improvements\")\n"
	"  --deadline TIME     the case closes at TIME unless settled (UTC, e.g.\n"
	"                      2027-01-20T17:00:00Z; ahead, within 366 days); an open\n"
	"                      improvement phase then ends and the package both accepted\n"
	"                      stands. Package rounds have no round time (doc/package.md)\n"
	"  --title TEXT        the case's name, shown to every role: up to 120 bytes of\n"
	"                      UTF-8 without control characters (not secret)\n"
	"  --server URL        open it on a nakodo server; --token TOKEN the operator's or a\n"
	"                      mediator's token (or NAKODO_SERVER, NAKODO_TOKEN)\n"
	"  --json              print {case, frame, tokens} as JSON\n\n"
	"Each side then submits its valuation (nakodo package submit); when both are in, the\n"
	"go-between proposes a package or says \"no deal\". Both answer a proposed package with\n"
	"nakodo answer; both accept -> settled; otherwise the next round, closing after the last.\n"
	"With --server URL --token TOKEN the case opens on a nakodo server, which answers with\n"
	"one invitation token per role.\n";

static const char submit_help[] =
	"usage: nakodo package submit CASE --as claimant|payer FILE [--round N] [--key FILE]\n"
	"                             [--server URL --token TOKEN] [--json]\n\n"
	"Hands the go-between this side's confidential valuation (a valuation file, see\n"
	"doc/formats.md) for the open round. It is checked against the case's frame and, under\n"
	"monotone rules, against this side's valuation of the round before (a claimant's\n"
	"reservation may not rise, a payer's may not fall), then sealed; the log records only\n"
	"that this side submitted. --round N refuses it unless round N is the open one.\n"
	"With --server/--token the token says the role; --as, if given, must agree.\n"
	"Once the side has joined the case with a key (nakodo join), the case takes its\n"
	"valuations only signed by that key: give --key FILE (its passphrase is asked\n"
	"without echo, or read from NAKODO_PASSPHRASE_FILE), locally and through a server.\n\n"
	"  --as ROLE       claimant or payer (through a server, the token's)\n"
	"  --round N       refuse it unless round N is the open one\n"
	"  --key FILE      this side's key file, once it has joined\n"
	"  --server URL    the nakodo server; --token TOKEN this side's token\n"
	"  --json          print the package briefing after it as JSON\n";

static int parse_components(struct cli_ctx *ctx, const char *text, bool out[static NK_COMPONENTS])
{
	char buf[64], *save = NULL, *tok;

	if (strlen(text) >= sizeof(buf))
		return cli_usage_error(ctx, "nakodo package open", "--components: too long");
	memcpy(buf, text, strlen(text) + 1);
	memset(out, 0, NK_COMPONENTS * sizeof(out[0]));
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int c = nk_component_parse(tok);

		if (c < 0)
			return cli_usage_error(ctx, "nakodo package open",
					       "--components: '%s' is not claims, grant, loan or credits", tok);
		out[c] = true;
	}
	return CLI_OK;
}

int package_open(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "currency", required_argument, NULL, 'c' }, { "components", required_argument, NULL, 'C' },
		{ "solution", required_argument, NULL, 's' }, { "rounds", required_argument, NULL, 'r' },
		{ "no-monotone", no_argument, NULL, 'm' }, { "hints", required_argument, NULL, 'h' },
		{ "title", required_argument, NULL, 'T' }, { "improvements", no_argument, NULL, 'I' },
		{ "deadline", required_argument, NULL, 'D' },
		REMOTE_OPTIONS, { NULL, 0, NULL, 0 },
	};
	struct cli_backend be = { .create = true };
	struct nk_package_frame fr;
	struct nk_error err = { 0 };
	const char *currency = NULL, *title = NULL;
	json_t *answer = NULL;
	char *end;
	int c, rc;
	long n;

	if (cli_wants_help(argc, argv)) {
		fputs(open_help, ctx->out);
		return CLI_OK;
	}
	nk_package_frame_default(&fr, NULL);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			currency = optarg;
			break;
		case 'C':
			if ((rc = parse_components(ctx, optarg, fr.components)) != CLI_OK)
				return rc;
			break;
		case 's':
			if (nk_solution_parse(optarg, &fr.solution, &err) != NK_OK)
				return cli_report(ctx, &err);
			break;
		case 'r':
			n = strtol(optarg, &end, 10);
			if (*end || end == optarg || n < 1 || n > NK_ROUNDS_MAX) {
				nk_fail(&err, NK_EINVAL, "rounds", "expected a whole number from 1 to %d", NK_ROUNDS_MAX);
				return cli_report(ctx, &err);
			}
			fr.rounds = (int)n;
			break;
		case 'm':
			fr.monotone = false;
			break;
		case 'I':
			fr.improvements = true;
			break;
		case 'D':
			if (nk_time_parse_utc(optarg, "deadline", &fr.deadline_ms, &err) != NK_OK)
				return cli_report(ctx, &err);
			break;
		case 'T':
			if (nk_title_check(optarg, "title", &err) != NK_OK)
				return cli_report(ctx, &err);
			title = optarg;
			break;
		case 'h':
			if (strcmp(optarg, "none") != 0) {
				nk_fail(&err, NK_EINVAL, "hints", "package rounds give no hints: the only policy is \"none\"");
				return cli_report(ctx, &err);
			}
			break;
		case REMOTE_OPT_SERVER:
		case REMOTE_OPT_TOKEN:
			remote_option(&be.remote, c, optarg);
			break;
		default:
			return cli_bad_option(ctx, "nakodo package open", opts, c, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error(ctx, "nakodo package open", "unexpected argument '%s'", argv[optind]);
	if (!currency)
		return cli_usage_error(ctx, "nakodo package open", "--currency is required");
	if (cli_currency_find(currency))	/* "usd" too: the code's canonical spelling */
		currency = cli_currency_find(currency)->code;
	snprintf(fr.currency, sizeof(fr.currency), "%.3s", currency);
	if (strlen(currency) != 3 || nk_package_frame_check(&fr, &err) != NK_OK) {
		if (strlen(currency) != 3)
			nk_fail(&err, NK_EINVAL, "currency", "unknown currency '%.8s'", currency);
		return cli_report(ctx, &err);
	}
	if ((rc = cli_backend_open(ctx, &be)) == CLI_OK &&
	    (rc = be.ops->open(ctx, &be, NULL, &fr, title, 0, &answer)) == CLI_OK)
		rc = cli_print_opened(ctx, answer);
	cli_backend_close(&be);
	return rc;
}

/* The role's briefing gives what a signature needs (through a server, the token's
 * role, which --as must name), then the action the server's route does, through the
 * backend; printed as the briefing after it. */
static int submit(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
		  const enum nk_role *as, const struct nk_party_key *key,
		  const struct nk_case_request *req)
{
	struct nk_brief *b = NULL;
	struct nk_request_auth auth;
	const struct nk_request_auth *signed_by = NULL;
	enum nk_role role = as ? *as : NK_MEDIATOR;
	json_t *answer = NULL;
	int rc;

	if ((rc = cli_backend_open(ctx, be)) != CLI_OK)
		return rc;
	if (key || (be->is_remote && as)) {
		if (!(b = sodium_malloc(sizeof(*b)))) {
			rc = CLI_STORAGE;
			goto out;
		}
		rc = cli_acting_brief(ctx, be, "nakodo package submit", id, as, key, b);
		if (rc == CLI_OK && key)
			rc = cli_sign_request(ctx, "nakodo package submit", key, b, req, &auth,
					      &signed_by);
		if (rc != CLI_OK)
			goto out;
		role = b->role;
	}
	if ((rc = be->ops->act(ctx, be, id, role, req, signed_by, &answer)) == CLI_OK)
		rc = cli_print_brief_answer(ctx, id, answer, true, NULL);
out:
	sodium_free(b);
	cli_backend_close(be);
	return rc;
}

int package_submit(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "as", required_argument, NULL, 'a' }, { "round", required_argument, NULL, 'n' },
		{ "key", required_argument, NULL, 'k' }, REMOTE_OPTIONS, { NULL, 0, NULL, 0 },
	};
	struct nk_package_valuation *v = NULL;
	struct nk_party_key *key = NULL;
	struct cli_backend be = { 0 };
	struct nk_case_request req = { .action = NK_ACTION_PACKAGE };
	struct nk_error err = { 0 };
	const char *as = NULL, *pos[2] = { NULL, NULL }, *key_path = NULL;
	char *text = NULL, *end;
	size_t len = 0;
	enum nk_role role = NK_MEDIATOR;
	int npos = 0, round = 0, c, rc;
	long n;

	if (cli_wants_help(argc, argv)) {
		fputs(submit_help, ctx->out);
		return CLI_OK;
	}
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-", opts, NULL)) != -1) {
		if (c == 1 && npos < 2) {
			pos[npos++] = optarg;
		} else if (c == 'a') {
			as = optarg;
		} else if (c == 'k') {
			key_path = optarg;
		} else if (c == 'n') {
			n = strtol(optarg, &end, 10);
			if (*end || end == optarg || n < 1 || n > NK_ROUNDS_MAX)
				return cli_usage_error(ctx, "nakodo package submit", "--round: a number from 1 to %d",
						       NK_ROUNDS_MAX);
			round = (int)n;
		} else if (c == REMOTE_OPT_SERVER || c == REMOTE_OPT_TOKEN) {
			remote_option(&be.remote, c, optarg);
		} else {
			return cli_usage_error(ctx, "nakodo package submit", "unexpected '%s'", argv[optind - 1]);
		}
	}
	if (npos != 2)
		return cli_usage_error(ctx, "nakodo package submit", "expected CASE --as ROLE FILE");
	if ((as || !cli_backend_token_role(&be)) &&
	    (rc = cli_parse_role(ctx, "nakodo package submit", as, &role)) != CLI_OK)
		return rc;
	if (!(v = sodium_malloc(sizeof(*v))))
		return CLI_STORAGE;
	if (nk_file_read(pos[1], &text, &len, &err) != NK_OK ||
	    nk_valuation_json_read(text, len, pos[1], v, &err) != NK_OK) {
		rc = cli_report_file(ctx, pos[1], &err);
		goto out;
	}
	if (key_path && (rc = cli_key_load(ctx, key_path, &key)) != CLI_OK)
		goto out;
	req.round = round;
	req.valuation = v;
	be.remote.key = key;	/* a joined role's reads are signed too */
	rc = submit(ctx, &be, pos[0], as ? &role : NULL, key, &req);
out:
	nk_party_key_free(key);
	if (text) {
		sodium_memzero(text, len);
		free(text);
	}
	sodium_memzero(v, sizeof(*v));
	sodium_free(v);
	return rc;
}

/* ---- the package briefing, printed from its JSON ---- */

static void print_own(FILE *f, const char *cur, const json_t *own, bool payer)
{
	char amount[CLI_AMOUNT_MAX];
	const json_t *c;
	size_t i;

	cli_format_amount(cur, json_integer_value(json_object_get(own, "reservation")), amount);
	fprintf(f, "your valuation (round %lld): %s, discount %.4g%%, %s %s; offers",
		(long long)json_integer_value(json_object_get(own, "round")),
		json_string_value(json_object_get(own, "party")) ?: "",
		json_number_value(json_object_get(own, "discount")) * 100,
		payer ? "most acceptable cost" : "least acceptable value", amount);
	json_array_foreach(json_object_get(own, "components"), i, c)
		fprintf(f, "%s %s", i ? "," : "", json_string_value(c));
	fputc('\n', f);
}

static void print_package(FILE *f, const char *cur_code, const json_t *pkg, const json_t *own,
			  bool payer)
{
	const struct nk_currency *cur = nk_currency_find(cur_code);
	const json_t *value = json_object_get(own, "value_of_package");
	char *text = json_dumps(json_object_get(pkg, "package"), JSON_COMPACT);
	char amount[CLI_AMOUNT_MAX];
	struct nk_package p;

	fprintf(f, "proposed package (round %lld):\n", (long long)json_integer_value(json_object_get(pkg, "round")));
	if (text && cur && nk_package_json_read(text, strlen(text), "brief", cur, &p, NULL) == NK_OK)
		package_print(f, cur, &p, "  ");
	free(text);
	if (json_is_object(value)) {
		cli_format_amount(cur_code, json_integer_value(json_object_get(value, "total")), amount);
		fprintf(f, "its %s to you: %s, %s your reservation\n", payer ? "cost" : "value", amount,
			json_is_true(json_object_get(value, "acceptable")) ? "inside" : "outside");
	}
}

/* The improvement phase (doc/package.md, "Improvements"): who submitted, the proposed
 * improvement, the party's own worths on its improvement scale and its answer. */
static void print_improvement(FILE *f, const char *cur_code, const json_t *im, bool party,
			      bool payer)
{
	const struct nk_currency *cur = nk_currency_find(cur_code);
	const char *outcome = json_string_value(json_object_get(im, "outcome")) ?: "";
	const char *answer = json_string_value(json_object_get(im, "answer"));
	const json_t *sub = json_object_get(im, "submitted"), *own = json_object_get(im, "own");
	const json_t *accepted = json_object_get(im, "accepted");
	char amount[CLI_AMOUNT_MAX], *text;
	struct nk_package p;

	fprintf(f, "improvements: %s\n",
		strcmp(json_string_value(json_object_get(im, "phase")) ?: "", "open") == 0
		? "open, the package both accepted is tentative" : "over");
	/* a party's briefing names its own submission only, the mediator's both */
	for (int r = 0; r < 2; r++) {
		const json_t *in = json_object_get(sub, nk_role_name((enum nk_role)r));

		if (in)
			fprintf(f, "  %s improvement valuation: %s\n",
				party ? "your" : r == NK_CLAIMANT ? "the claimant's" : "the payer's",
				json_is_true(in) ? "submitted" : "not submitted");
	}
	if (strcmp(outcome, "none") == 0)
		fprintf(f, "  no package improves on it for both: it stands\n");
	text = json_dumps(json_object_get(im, "package"), JSON_COMPACT);
	if (strcmp(outcome, "package") == 0 && text && cur &&
	    nk_package_json_read(text, strlen(text), "brief", cur, &p, NULL) == NK_OK) {
		fprintf(f, "  proposed improvement:\n");
		package_print(f, cur, &p, "    ");
	}
	free(text);
	if (party && json_is_object(own)) {
		cli_format_amount(cur_code, json_integer_value(json_object_get(own, "baseline")),
				  amount);
		fprintf(f, "  on your improvement valuation: the tentative package's %s %s",
			payer ? "cost" : "value", amount);
		if (json_object_get(own, "improvement")) {
			cli_format_amount(cur_code,
					  json_integer_value(json_object_get(own, "improvement")),
					  amount);
			fprintf(f, ", the improvement's %s", amount);
		}
		fputc('\n', f);
	}
	if (answer)
		fprintf(f, "  you %s\n", strcmp(answer, "accept") == 0 ? "accepted the improvement"
			: "declined (the tentative package stands)");
	if (json_is_boolean(accepted))
		fprintf(f, "  improvement %s\n", json_is_true(accepted) ? "accepted by both"
			: "not accepted by both");
}

/* The keys the roles registered, as a figure briefing lists them (role order). */
static void print_keys(FILE *f, const json_t *keys)
{
	for (int k = 0; k < NK_ROLE_COUNT; k++) {
		const json_t *key = json_object_get(keys, nk_role_name((enum nk_role)k));

		if (json_is_object(key))
			fprintf(f, "%s's key: %s, safety number %s\n",
				nk_role_name((enum nk_role)k),
				json_string_value(json_object_get(key, "sign")) ?: "?",
				json_string_value(json_object_get(key, "safety_number")) ?: "?");
	}
}

/* The frame's deadline in plain words, the time left by this machine's clock, and
 * whether it passed (doc/package.md, "Deadlines"). */
static void print_deadline(FILE *f, const json_t *fr, const json_t *dl, const char *state)
{
	char left[NK_TIME_TEXT_MAX];
	const char *when = json_string_value(json_object_get(fr, "deadline"));
	int64_t ms = 0;

	if (!when || nk_time_parse_utc(when, "deadline", &ms, &(struct nk_error){ 0 }) != NK_OK)
		return;
	fprintf(f, "deadline: %s; the case closes then unless it has settled%s\n", when,
		json_is_true(json_object_get(fr, "improvements"))
		? " (in an improvement phase, the package both accepted stands)" : "");
	if (strcmp(state, "open") == 0) {
		nk_time_format_left(ms - nk_time_now_ms(), left);
		fprintf(f, "time left before the deadline: %s\n", left);
	}
	if (json_is_true(json_object_get(dl, "deadline_passed")))
		fprintf(f, "the deadline passed: %s\n", strcmp(state, "settled") == 0
			? "the package both accepted stands" : "the case closed");
}

static void print_brief(FILE *f, const json_t *b)
{
	const json_t *fr = json_object_get(b, "frame"), *rounds = json_object_get(b, "rounds"), *r, *c;
	const char *cur = json_string_value(json_object_get(fr, "currency")) ?: "";
	const char *state = json_string_value(json_object_get(b, "state")) ?: "";
	const char *role = json_string_value(json_object_get(b, "role")) ?: "", *title, *why;
	bool party = strcmp(role, "mediator") != 0, payer = strcmp(role, "payer") == 0;
	size_t i;

	fprintf(f, "package case %s, as %s: %s", json_string_value(json_object_get(b, "case")),
		json_string_value(json_object_get(b, "role")), state);
	if (strcmp(state, "open") == 0)
		fprintf(f, ", round %lld of %lld", (long long)json_integer_value(json_object_get(b, "round")),
			(long long)json_integer_value(json_object_get(fr, "rounds")));
	why = nk_close_reason_phrase(nk_close_reason_parse(
		json_string_value(json_object_get(b, "closed_reason"))));
	if (why)
		fprintf(f, " (%s)", why);
	fputc('\n', f);
	title = json_string_value(json_object_get(b, "title"));
	/* a server's text: printed only when it is a title, which cannot disguise lines */
	if (title && nk_title_check_stored(title, "title", &(struct nk_error){ 0 }) == NK_OK)
		fprintf(f, "title: %s\n", title);
	fprintf(f, "frame: %s; components", cur);
	json_array_foreach(json_object_get(fr, "components"), i, c)
		fprintf(f, "%s %s", i ? "," : "", json_string_value(c));
	fprintf(f, "; solution %s; %lld round%s, %s; no hints\n",
		json_string_value(json_object_get(fr, "solution")),
		(long long)json_integer_value(json_object_get(fr, "rounds")),
		CLI_PLURAL(json_integer_value(json_object_get(fr, "rounds"))),
		json_is_true(json_object_get(fr, "monotone")) ? "monotone" : "not monotone");
	if (json_is_true(json_object_get(fr, "improvements")))
		fprintf(f, "improvements: once both accept a package, each side may submit an "
			"improvement valuation\n");
	print_deadline(f, fr, json_object_get(b, "deadlines"), state);
	print_keys(f, json_object_get(b, "keys"));
	if (json_is_object(json_object_get(b, "token"))) {	/* a reissue must not go unseen */
		const json_t *tok = json_object_get(b, "token");

		json_int_t reissued = json_integer_value(json_object_get(tok, "reissued"));
		json_int_t revoked = json_integer_value(json_object_get(tok, "revoked"));

		cli_print_token_changes(f, (uint32_t)reissued, (uint32_t)revoked,
					json_integer_value(json_object_get(tok, "changed_ms")));
	}
	if (json_is_object(json_object_get(b, "own")))
		print_own(f, cur, json_object_get(b, "own"), payer);
	json_array_foreach(rounds, i, r) {
		const char *outcome = json_string_value(json_object_get(r, "outcome")) ?: "";
		const char *answer = json_string_value(json_object_get(r, "answer"));
		const json_t *accepted = json_object_get(r, "accepted");

		fprintf(f, "  round %zu:", i + 1);
		if (party)
			fprintf(f, " your valuation %s;", json_is_true(json_object_get(r, "submitted"))
				? "submitted" : "not yet submitted");
		if (strcmp(outcome, "pending") == 0)
			fprintf(f, " %s\n", strcmp(state, "open") == 0 ? "awaiting valuations"
				: "not completed before the case ended");
		else if (strcmp(outcome, "no-deal") == 0)
			fprintf(f, " no deal (no package both accept)\n");
		else
			fprintf(f, " package proposed%s%s\n", answer ? (strcmp(answer, "accept") == 0
				? "; you accepted" : "; you declined") : "",
				json_is_true(accepted) ? "; accepted by both"
				: json_is_false(accepted) ? "; not accepted by both"
				: strcmp(state, "open") == 0 ? "; awaiting answers"
				: "; not answered before the case ended");
	}
	if (json_is_object(json_object_get(b, "package")))
		print_package(f, cur, json_object_get(b, "package"), json_object_get(b, "own"), payer);
	if (json_is_object(json_object_get(b, "improvement")))
		print_improvement(f, cur, json_object_get(b, "improvement"), party, payer);
	if (json_is_true(json_object_get(b, "settled")))
		fprintf(f, "settled with the %s\n",
			json_is_true(json_object_get(json_object_get(b, "improvement"), "improved"))
			? "improvement" : "proposed package");
	if (json_is_true(json_object_get(b, "secrets_deleted")))
		fprintf(f, "the case has ended; its confidential valuations are deleted\n");
}

/* A briefing's state name as a sentence says it after "is" (nk_case_state_phrase). */
static const char *phrase_of(const char *name)
{
	for (int s = NK_STATE_OPEN; s <= NK_STATE_CLOSED; s++)
		if (strcmp(nk_case_state_name((enum nk_case_state)s), name) == 0)
			return nk_case_state_phrase((enum nk_case_state)s);
	return name;
}

int package_brief_answer(struct cli_ctx *ctx, const char *id, json_t *brief, bool after_action)
{
	const char *state = json_string_value(json_object_get(brief, "state")) ?: "unknown";

	if (ctx->json) {
		cli_print_json(ctx, brief);
		return CLI_OK;
	}
	if (after_action)
		fprintf(ctx->out, "ok: case %s is %s%s\n", id,
			phrase_of(state),
			strcmp(state, "open") == 0 ? "" : " (see nakodo brief)");
	else
		print_brief(ctx->out, brief);
	json_decref(brief);
	return CLI_OK;
}
