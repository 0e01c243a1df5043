/* A principal's clearance (doc/toolkit.md, "Principals"): in a case opened with
 * --authority, nakodo approve lets the party's draft figure, extension or answer take
 * effect, and nakodo reject voids it; only a principal that joined with its own key. Both read the principal's briefing first, to show
 * what is cleared and to bind the request to that draft's number. */
#include "backend.h"
#include "cli.h"
#include "cmd_brief.h"
#include "remote.h"
#include "signed.h"
#include "util.h"

#include <getopt.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* To the party, what its draft still waits for when no approval can come yet: a party
 * whose principal had not joined was told only "awaiting approval", and waited. */
static void print_draft_wait(FILE *f, const struct nk_brief *b)
{
	enum nk_role p = b->role == NK_CLAIMANT ? NK_CLAIMANT_PRINCIPAL : NK_PAYER_PRINCIPAL;

	if (b->viewer != b->role || (b->role != NK_CLAIMANT && b->role != NK_PAYER))
		return;
	if (!b->joined[b->role])	/* its briefing shows no other key before it joins */
		fprintf(f, "  it can be approved only once you have joined with your key (nakodo\n"
			"  join) and endorsed the %s's (nakodo endorse)\n", nk_role_name(p));
	else if (!b->joined[p])
		fprintf(f, "  the %s has not joined the case yet: the draft waits until it joins\n"
			"  with its key, you endorse that key (nakodo endorse) and it approves\n",
			nk_role_name(p));
	else if (!b->endorsements[b->role][p])
		fprintf(f, "  you have not endorsed the %s's key: compare safety numbers with it,\n"
			"  then nakodo endorse CASE %s; only then can it approve\n", nk_role_name(p),
			nk_role_name(p));
}

/* What the draft is, in the words the page's draftWords uses: "figure USD 700.00 for
 * round 1", "accept the mediator's proposal 1". */
static void draft_words(const struct nk_brief *b, char *out, size_t cap)
{
	char amount[CLI_AMOUNT_MAX];

	if (b->draft_action == NK_ACTION_ANSWER) {
		snprintf(out, cap, "%s the mediator's proposal %d", b->draft_accept ? "accept" :
			 "decline", b->proposals);
		return;
	}
	cli_format_amount(b->rules.currency, b->draft_amount, amount);
	snprintf(out, cap, "%s %s for round %d", b->draft_action == NK_ACTION_EXTEND ?
		 "deal-closer extension" : "figure", amount, b->draft_round);
	sodium_memzero(amount, sizeof(amount));
}

void cli_print_draft(FILE *f, const struct nk_brief *b)
{
	char what[CLI_AMOUNT_MAX + 64];

	if (!b->draft)
		return;
	draft_words(b, what, sizeof(what));
	fprintf(f, "draft %llu awaiting the %s-principal's approval: %s\n",
		(unsigned long long)b->draft_number, nk_role_name(b->role), what);
	sodium_memzero(what, sizeof(what));
	print_draft_wait(f, b);
}

static int usage_help(struct cli_ctx *ctx, const char *name, bool approve)
{
	fprintf(ctx->out, "usage: %s CASE --as claimant-principal|payer-principal --key FILE "
		"[--draft N]\n\n%s", name, approve ?
		"In a case opened with authority, a party's figure, deal-closer extension or\n"
		"answer to the mediator's proposal is only a draft until its principal clears\n"
		"it. approve makes the draft that waits now (nakodo brief CASE --as\n"
		"claimant-principal shows it: \"draft N awaiting ...\") the party's own: it takes\n"
		"effect at once, and only then does the other side or the mediator see\n"
		"anything of it. What is approved is that one draft, never later ones.\n" :
		"In a case opened with authority, a party's figure, deal-closer extension or\n"
		"answer to the mediator's proposal is only a draft until its principal clears\n"
		"it. reject voids the draft that waits now (nakodo brief CASE --as\n"
		"claimant-principal shows it): it never takes effect, and the party may draft\n"
		"again. No one else learns that there was a draft.\n");
	fputs("\n  --key FILE  the principal's own key, which joined the case (nakodo join) and\n"
	      "              which its party endorsed (nakodo endorse, after comparing safety\n"
	      "              numbers); the request is signed with it\n"
	      "  --draft N   clear draft N only (the number the briefing shows), so that a\n"
	      "              draft made since it was read is not cleared by mistake\n"
	      "  --as ROLE   the principal; through a server (--server URL --token TOKEN) the\n"
	      "              token says the role\n", ctx->out);
	return CLI_OK;
}

static int run(struct cli_ctx *ctx, bool approve, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "as", required_argument, NULL, 'a' }, { "key", required_argument, NULL, 'k' },
		{ "draft", required_argument, NULL, 'd' }, REMOTE_OPTIONS, { NULL, 0, NULL, 0 },
	};
	const char *name = approve ? "nakodo approve" : "nakodo reject";
	const char *as = NULL, *id = NULL, *key_path = NULL;
	struct cli_backend be = { 0 };
	struct nk_party_key *key = NULL;
	struct nk_case_request req = { .action = NK_ACTION_APPROVE, .accept = approve };
	struct nk_request_auth auth;
	const struct nk_request_auth *signed_by = NULL;
	struct nk_brief *b = NULL;
	struct nk_error err = { 0 };
	enum nk_role role = NK_CLAIMANT_PRINCIPAL;
	uint64_t draft = 0;
	char what[CLI_AMOUNT_MAX + 64], done[2 * CLI_AMOUNT_MAX + 256];
	int c, rc;

	if (cli_wants_help(argc, argv))
		return usage_help(ctx, name, approve);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-", opts, NULL)) != -1) {
		if (c == 1 && !id) {
			id = optarg;
		} else if (c == 'a') {
			as = optarg;
		} else if (c == 'k') {
			key_path = optarg;
		} else if (c == 'd') {
			char *end;
			unsigned long long n = strtoull(optarg, &end, 10);

			if (*end || end == optarg || optarg[0] == '-' || n < 1 || n > INT64_MAX)
				return cli_usage_error(ctx, name, "--draft: a draft's number, 1 or more");
			draft = n;
		} else if (c == REMOTE_OPT_SERVER || c == REMOTE_OPT_TOKEN) {
			remote_option(&be.remote, c, optarg);
		} else {
			return c == 1 ? cli_usage_error(ctx, name, "too many arguments")
				      : cli_bad_option(ctx, name, opts, c, argv);
		}
	}
	if (!id || optind < argc)
		return cli_usage_error(ctx, name, "expected CASE --as claimant-principal|"
				       "payer-principal");
	if ((as || !cli_backend_token_role(&be)) &&
	    (rc = cli_parse_role(ctx, name, as, &role)) != CLI_OK)
		return rc;
	if (as && nk_role_kind(role) != NK_ROLE_PRINCIPAL)
		return cli_usage_error(ctx, name, "--as: only a principal (claimant-principal or "
				       "payer-principal) approves or rejects a draft");
	if ((rc = cli_backend_open(ctx, &be)) != CLI_OK)
		return rc;
	if (key_path && (rc = cli_key_load(ctx, key_path, &key)) != CLI_OK)
		goto out;
	be.remote.key = key;
	if (!(b = sodium_malloc(sizeof(*b)))) {
		rc = CLI_STORAGE;
		goto out;
	}
	if ((rc = be.ops->brief(ctx, &be, id, role, b, NULL)) != CLI_OK)
		goto out;
	if (nk_role_kind(b->viewer) != NK_ROLE_PRINCIPAL || (as && b->viewer != role)) {
		rc = cli_usage_error(ctx, name, "only a principal approves or rejects a draft, and "
				     "the token is the %s's", nk_role_name(b->viewer));
		goto out;
	}
	if (!b->rules.authority || !b->draft) {
		nk_fail(&err, NK_EREFUSED, "draft", b->rules.authority ? "no draft of the %s awaits "
			"approval" : "case %.64s was opened without authority (--authority): its "
			"principals clear nothing", b->rules.authority ? nk_role_name(b->role) : id);
		rc = cli_report(ctx, &err);
		goto out;
	}
	req.draft = draft ? draft : b->draft_number;
	/* the principal signs, reading its party's briefing */
	if ((rc = cli_sign_request_as(ctx, name, key, b, b->viewer, &req, &auth,
				      &signed_by)) != CLI_OK)
		goto out;
	/* say which draft and what it was: "approved: it has taken effect" left a principal
	 * unsure what it had just cleared */
	draft_words(b, what, sizeof(what));
	snprintf(done, sizeof(done), approve ? "approved the %s's draft %llu, %s: it has taken "
		 "effect as the %s's own" : "rejected the %s's draft %llu, %s: it is void and will "
		 "never take effect; the %s may draft again", nk_role_name(b->role),
		 (unsigned long long)req.draft, what, nk_role_name(b->role));
	rc = cli_act_and_tell(ctx, &be, id, b->viewer, &req, signed_by, done);
	sodium_memzero(what, sizeof(what));
	sodium_memzero(done, sizeof(done));
out:
	sodium_free(b);
	nk_party_key_free(key);
	cli_backend_close(&be);
	return rc;
}

int cmd_approve(struct cli_ctx *ctx, int argc, char **argv) { return run(ctx, true, argc, argv); }
int cmd_reject(struct cli_ctx *ctx, int argc, char **argv) { return run(ctx, false, argc, argv); }
