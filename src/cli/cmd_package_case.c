/* nakodo package open | submit: blind package rounds in a case (doc/package.md, "Blind
 * package rounds"). The mediator opens a case under a public frame; each side submits
 * its confidential valuation file for the round; answers go through nakodo answer and
 * briefings through nakodo brief. Remote mode sends the same to the server and prints
 * its answer the way local mode prints the local one. */
#include "demo_package.h"
#include "package_case.h"
#include "remote.h"
#include "signed.h"
#include "util.h"
#include <nakodo/agenda_formats.h>
#include <nakodo/package_case_json.h>
#include <nakodo/package_json.h>
#include <nakodo/request_json.h>
#include <nakodo/json_build.h>

#include <nakodo/package_case.h>

#include <getopt.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const char open_help[] =
	"usage: nakodo package open --currency CODE [--components LIST] [--solution NAME]\n"
	"                           [--rounds N] [--no-monotone] [--hints none]\n\n"
	"Opens a package case and prints its id. Its frame is public and never changes:\n\n"
	"  --currency CODE     ISO 4217 code of every valuation (required)\n"
	"  --components LIST   the parts a valuation may offer, of claims,grant,loan,credits\n"
	"                      (default all four)\n"
	"  --solution NAME     the fair package: nash (default), kalai_smorodinsky,\n"
	"                      egalitarian, utilitarian\n"
	"  --rounds N          at most N rounds, 1..50 (default 3)\n"
	"  --no-monotone       let a claimant's reservation rise and a payer's fall\n"
	"  --hints none        package rounds give no hint after \"no deal\"; no other policy\n\n"
	"Each side then submits its valuation (nakodo package submit); when both are in, the\n"
	"go-between proposes a package or says \"no deal\". Both answer a proposed package with\n"
	"nakodo answer; both accept -> settled; otherwise the next round, closing after the last.\n"
	"With --server URL --token TOKEN the case opens on a nakodo server, which answers with\n"
	"one invitation token per role.\n";

static const char submit_help[] =
	"usage: nakodo package submit CASE --as claimant|payer FILE [--round N] [--key FILE]\n\n"
	"Hands the go-between this side's confidential valuation (a valuation file, see\n"
	"doc/formats.md) for the open round. It is checked against the case's frame and, under\n"
	"monotone rules, against this side's valuation of the round before (a claimant's\n"
	"reservation may not rise, a payer's may not fall), then sealed; the log records only\n"
	"that this side submitted. --round N refuses it unless round N is the open one.\n"
	"With --server/--token the token says the role; --as, if given, must agree.\n"
	"Once the side has joined the case with a key (nakodo join), the case takes its\n"
	"valuations only signed by that key: give --key FILE (its passphrase is asked\n"
	"without echo, or read from NAKODO_PASSPHRASE_FILE), locally and through a server.\n";

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

static int open_remote(struct cli_ctx *ctx, const struct remote *r, const struct nk_package_frame *fr)
{
	static const char *const roles[] = { "claimant", "payer", "mediator" };
	json_t *reply = NULL;
	int rc;

	rc = remote_call(ctx, r, "POST", "/v1/cases",
			 json_pack("{s:o}", "package", nk_package_frame_to_json(fr)), &reply);
	if (rc != CLI_OK)
		return rc;
	if (ctx->json) {
		cli_print_json(ctx, reply);
		return CLI_OK;
	}
	fprintf(ctx->out, "%s\n", json_string_value(json_object_get(reply, "case")));
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		fprintf(ctx->out, "%s token: %s\n", roles[i],
			json_string_value(json_object_get(json_object_get(reply, "tokens"), roles[i])));
	json_decref(reply);
	return CLI_OK;
}

int package_open(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "currency", required_argument, NULL, 'c' }, { "components", required_argument, NULL, 'C' },
		{ "solution", required_argument, NULL, 's' }, { "rounds", required_argument, NULL, 'r' },
		{ "no-monotone", no_argument, NULL, 'm' }, { "hints", required_argument, NULL, 'h' },
		REMOTE_OPTIONS, { NULL, 0, NULL, 0 },
	};
	struct remote remote = { 0 };
	struct nk_package_frame fr;
	struct nk_error err = { 0 };
	struct nk_store *store = NULL;
	struct nk_server_key *signer = NULL;
	const char *currency = NULL;
	char id[NK_CASE_ID_MAX], *end;
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
		case 'h':
			if (strcmp(optarg, "none") != 0) {
				nk_fail(&err, NK_EINVAL, "hints", "package rounds give no hints: the only policy is \"none\"");
				return cli_report(ctx, &err);
			}
			break;
		case REMOTE_OPT_SERVER:
		case REMOTE_OPT_TOKEN:
			remote_option(&remote, c, optarg);
			break;
		default:
			return cli_usage_error(ctx, "nakodo package open", "unknown or incomplete option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage_error(ctx, "nakodo package open", "unexpected argument '%s'", argv[optind]);
	if (!currency)
		return cli_usage_error(ctx, "nakodo package open", "--currency is required");
	snprintf(fr.currency, sizeof(fr.currency), "%.3s", currency);
	if (strlen(currency) != 3 || nk_package_frame_check(&fr, &err) != NK_OK) {
		if (strlen(currency) != 3)
			nk_fail(&err, NK_EINVAL, "currency", "unknown currency '%.8s'", currency);
		return cli_report(ctx, &err);
	}
	if (remote_active(&remote))
		return open_remote(ctx, &remote, &fr);
	if ((rc = cli_open_case_store(ctx, true, &store, &signer)) != CLI_OK)
		return rc;
	{
		struct nk_case_env env = { .store = store, .signer = signer };

		if (nk_package_case_open(&env, &fr, NULL, NULL, id, &err) != NK_OK)
			rc = cli_report(ctx, &err);
		else if (ctx->json)
			cli_print_json(ctx, json_pack("{s:s, s:o}", "case", id, "frame", nk_package_frame_to_json(&fr)));
		else
			fprintf(ctx->out, "%s\n", id);
	}
	nk_store_close(store);
	nk_server_key_free(signer);
	return rc;
}

/* The server's answer to the valuation in text (checked here first, so bad input is
 * refused before anything is sent), signed with key when the role has joined. */
static int submit_remote(struct cli_ctx *ctx, const struct remote *r, const char *id,
			 const enum nk_role *as, const struct nk_party_key *key,
			 const struct nk_case_request *req, const char *text, size_t len)
{
	struct nk_brief *b = NULL;
	struct nk_request_auth auth;
	const struct nk_request_auth *signed_by = NULL;
	char path[NK_CASE_ID_MAX + 32];
	json_t *valuation, *body, *reply = NULL;
	json_error_t jerr;
	int rc = CLI_OK;

	if (as || key) {	/* the token's role must be the one named; its keys sign */
		if (!(b = sodium_malloc(sizeof(*b))))
			return CLI_STORAGE;
		if ((rc = remote_brief(ctx, r, id, b)) != CLI_OK)
			goto out;
		if (as && b->role != *as) {
			rc = cli_usage_error(ctx, "nakodo package submit",
					     "--as %s, but the token is the %s's",
					     nk_role_name(*as), nk_role_name(b->role));
			goto out;
		}
		if (key && (rc = cli_sign_request(ctx, "nakodo package submit", key, b, req, &auth,
						  &signed_by)) != CLI_OK)
			goto out;
	}
	if (!(valuation = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr))) {
		rc = cli_usage_error(ctx, "nakodo package submit", "the valuation is not JSON");
		goto out;
	}
	body = json_pack("{s:o}", "valuation", valuation);
	if (body && req->round)
		body = nk_json_set(body, "round", json_integer(req->round));
	body = nk_request_auth_to_json(body, signed_by);
	snprintf(path, sizeof(path), "/v1/cases/%s/package", id);
	if ((rc = remote_call(ctx, r, "POST", path, body, &reply)) == CLI_OK)
		rc = package_brief_answer(ctx, id, reply, true);
out:
	sodium_free(b);
	return rc;
}

/* Locally: the role's briefing gives what a signature needs, then the same case/
 * function the server's route calls. */
static int submit_local(struct cli_ctx *ctx, const char *id, enum nk_role role,
			const struct nk_party_key *key, const struct nk_case_request *req)
{
	struct cli_where w = { 0 };
	struct nk_brief *b = NULL;
	struct nk_request_auth auth;
	const struct nk_request_auth *signed_by = NULL;
	struct nk_error err = { 0 };
	int rc;

	if ((rc = cli_where_open(ctx, &w)) != CLI_OK)
		return rc;
	if (key) {
		if (!(b = sodium_malloc(sizeof(*b)))) {
			rc = CLI_STORAGE;
			goto out;
		}
		rc = cli_acting_brief(ctx, &w, "nakodo package submit", id, &role, key, b);
		if (rc == CLI_OK)
			rc = cli_sign_request(ctx, "nakodo package submit", key, b, req, &auth,
					      &signed_by);
		if (rc != CLI_OK)
			goto out;
	}
	if (nk_case_act(&w.env, id, role, req, signed_by, &err) != NK_OK)
		rc = cli_report(ctx, &err);
	else
		rc = package_show_brief(ctx, &w.env, id, role, true);
out:
	sodium_free(b);
	cli_where_close(&w);
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
	struct remote remote = { 0 };
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
			remote_option(&remote, c, optarg);
		} else {
			return cli_usage_error(ctx, "nakodo package submit", "unexpected '%s'", argv[optind - 1]);
		}
	}
	if (npos != 2)
		return cli_usage_error(ctx, "nakodo package submit", "expected CASE --as ROLE FILE");
	if ((as || !remote_active(&remote)) &&
	    (rc = cli_parse_role(ctx, "nakodo package submit", as, &role)) != CLI_OK)
		return rc;
	if (!(v = sodium_malloc(sizeof(*v))))
		return CLI_STORAGE;
	if (nk_file_read(pos[1], &text, &len, &err) != NK_OK ||
	    nk_valuation_json_read(text, len, pos[1], v, &err) != NK_OK) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	if (key_path && (rc = cli_key_load(ctx, key_path, &key)) != CLI_OK)
		goto out;
	req.round = round;
	req.valuation = v;
	remote.key = key;	/* a joined role's reads are signed too */
	if (remote_active(&remote))
		rc = submit_remote(ctx, &remote, pos[0], as ? &role : NULL, key, &req, text, len);
	else
		rc = submit_local(ctx, pos[0], role, key, &req);
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

static void print_brief(FILE *f, const json_t *b)
{
	const json_t *fr = json_object_get(b, "frame"), *rounds = json_object_get(b, "rounds"), *r, *c;
	const char *cur = json_string_value(json_object_get(fr, "currency")) ?: "";
	const char *state = json_string_value(json_object_get(b, "state")) ?: "";
	const char *role = json_string_value(json_object_get(b, "role")) ?: "";
	bool party = strcmp(role, "mediator") != 0, payer = strcmp(role, "payer") == 0;
	size_t i;

	fprintf(f, "package case %s, as %s: %s", json_string_value(json_object_get(b, "case")),
		json_string_value(json_object_get(b, "role")), state);
	if (strcmp(state, "open") == 0)
		fprintf(f, ", round %lld of %lld", (long long)json_integer_value(json_object_get(b, "round")),
			(long long)json_integer_value(json_object_get(fr, "rounds")));
	fprintf(f, "\nframe: %s; components", cur);
	json_array_foreach(json_object_get(fr, "components"), i, c)
		fprintf(f, "%s %s", i ? "," : "", json_string_value(c));
	fprintf(f, "; solution %s; %lld rounds, %s; no hints\n",
		json_string_value(json_object_get(fr, "solution")),
		(long long)json_integer_value(json_object_get(fr, "rounds")),
		json_is_true(json_object_get(fr, "monotone")) ? "monotone" : "not monotone");
	print_keys(f, json_object_get(b, "keys"));
	if (json_is_object(json_object_get(b, "token")))	/* a reissue must not go unseen */
		fprintf(f, "your token: reissued %lld, revoked %lld by the mediator\n",
			(long long)json_integer_value(json_object_get(json_object_get(b, "token"),
								      "reissued")),
			(long long)json_integer_value(json_object_get(json_object_get(b, "token"),
								      "revoked")));
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
			fprintf(f, " awaiting valuations\n");
		else if (strcmp(outcome, "no-deal") == 0)
			fprintf(f, " no deal (no package both accept)\n");
		else
			fprintf(f, " package proposed%s%s\n", answer ? (strcmp(answer, "accept") == 0
				? "; you accepted" : "; you declined") : "",
				json_is_true(accepted) ? "; accepted by both"
				: json_is_false(accepted) ? "; not accepted by both" : "; awaiting answers");
	}
	if (json_is_object(json_object_get(b, "package")))
		print_package(f, cur, json_object_get(b, "package"), json_object_get(b, "own"), payer);
	if (json_is_true(json_object_get(b, "settled")))
		fprintf(f, "settled with the proposed package\n");
	if (json_is_true(json_object_get(b, "secrets_deleted")))
		fprintf(f, "the case has ended; its confidential valuations are deleted\n");
}

int package_brief_answer(struct cli_ctx *ctx, const char *id, json_t *brief, bool after_action)
{
	const char *state = json_string_value(json_object_get(brief, "state")) ?: "unknown";

	if (ctx->json) {
		cli_print_json(ctx, brief);
		return CLI_OK;
	}
	if (after_action)
		fprintf(ctx->out, "ok: case %s is %s%s\n", id, state,
			strcmp(state, "open") == 0 ? "" : " (see nakodo brief)");
	else
		print_brief(ctx->out, brief);
	json_decref(brief);
	return CLI_OK;
}

int package_show_brief(struct cli_ctx *ctx, const struct nk_case_env *env, const char *id,
		       enum nk_role role, bool after_action)
{
	struct nk_package_brief *b = sodium_malloc(sizeof(*b));
	struct nk_error err = { 0 };
	json_t *j = NULL;
	int rc;

	if (!b) {
		nk_fail(&err, NK_ENOMEM, "brief", "out of memory");
		return cli_report(ctx, &err);
	}
	if (nk_package_case_brief(env, id, role, b, &err) != NK_OK)
		rc = cli_report(ctx, &err);
	else if (!(j = nk_package_brief_to_json(b))) {
		nk_fail(&err, NK_ENOMEM, "brief", "out of memory");
		rc = cli_report(ctx, &err);
	} else
		rc = package_brief_answer(ctx, id, j, after_action);
	sodium_memzero(b, sizeof(*b));
	sodium_free(b);
	return rc;
}
