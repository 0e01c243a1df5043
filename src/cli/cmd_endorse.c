/* nakodo endorse (doc/security.md, "Endorsement"): a party vouches for the key its
 * principal, or a neutral, joined with, after comparing its safety number with that
 * person over a channel of their own. The command reads the party's briefing, finds the
 * role's joined key, and endorses it only when the safety number given matches it, so
 * that an endorsement always says what was compared; the request is signed with the
 * party's own key. Also the briefing's line that says who endorsed a key. */
#include "backend.h"
#include "cli.h"
#include "cmd_brief.h"
#include "remote.h"
#include "signed.h"
#include "util.h"

#include <ctype.h>
#include <getopt.h>
#include <sodium.h>
#include <string.h>

static const char *const usage_text =
	"usage: nakodo endorse CASE ROLE [--as claimant|payer] --key FILE --safety-number N\n\n"
	"The party endorses the key ROLE joined the case with: its own principal's\n"
	"(claimant-principal, payer-principal) or a neutral's (neutral-1 .. neutral-5).\n"
	"The case's opener receives every role's invitation token, and whoever joins first\n"
	"with a token holds the role; so a principal reads its party's briefing, and clears\n"
	"its drafts, only once its party has endorsed its key, and a neutral is shown the\n"
	"parties' last figures, and gives its fair figure, only once both parties have.\n\n"
	"First ask the person who should hold ROLE to read you the safety number of its\n"
	"key (nakodo pubkey FILE) over a channel of your own, not through the mediator;\n"
	"your briefing shows the number of the key that joined. Give the number you were\n"
	"read:\n\n"
	"  --safety-number N  the 30 digits (spaces ignored); the command endorses only\n"
	"                     when they match the joined key's, and sends nothing if not\n"
	"  --as claimant|payer  the endorsing party (through a server, the token says it;\n"
	"                     locally, the role the key joined as when not given)\n"
	"  --key FILE         the party's own key, which it joined with (endorsing needs it)\n\n"
	"If the numbers do not match, do not endorse: someone else joined as ROLE, and it\n"
	"stays unable to read anything confidential. The role cannot be joined again; tell\n"
	"the mediator, and ask for the case to be closed and opened anew, with the tokens\n"
	"handed to each person directly. With --json: the party's briefing after it.\n";

/* N with its spaces taken out, into out (NK_SAFETY_NUMBER_MAX); false when it is not
 * 30 digits. */
static bool digits_of(const char *text, char out[static NK_SAFETY_NUMBER_MAX])
{
	size_t n = 0;

	for (; *text; text++) {
		if (*text == ' ')
			continue;
		if (!isdigit((unsigned char)*text) || n == 30)
			return false;
		out[n++] = *text;
	}
	out[n] = '\0';
	return n == 30;
}

void cli_print_endorsed(FILE *f, const struct nk_brief *b, enum nk_role role)
{
	const bool by_c = b->endorsements[NK_CLAIMANT][role];
	const bool by_p = b->endorsements[NK_PAYER][role];
	const enum nk_role side = nk_role_reads(b->viewer);

	if (nk_role_kind(role) == NK_ROLE_PRINCIPAL) {
		fprintf(f, "  %s by the %s\n", b->endorsements[nk_role_reads(role)][role] ?
			"endorsed" : "not endorsed yet", nk_role_name(nk_role_reads(role)));
		return;
	}
	if (nk_role_kind(role) != NK_ROLE_NEUTRAL)
		return;
	if (nk_role_is_party(side) && !b->endorsements[side][role])
		fprintf(f, "  not endorsed by you yet: compare its safety number with the %s, "
			"then nakodo endorse\n", nk_role_name(role));
	else
		fprintf(f, "  endorsed by %s\n", by_c && by_p ? "both parties" : by_c ?
			"the claimant, not yet by the payer" : by_p ?
			"the payer, not yet by the claimant" : "neither party yet");
}

int cmd_endorse(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "as", required_argument, NULL, 'a' }, { "key", required_argument, NULL, 'k' },
		{ "safety-number", required_argument, NULL, 'n' }, REMOTE_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	const char *name = "nakodo endorse";
	const char *as = NULL, *id = NULL, *what = NULL, *key_path = NULL, *number = NULL;
	char given[NK_SAFETY_NUMBER_MAX], safety[NK_SAFETY_NUMBER_MAX];
	char joined[NK_SAFETY_NUMBER_MAX], done[64 + NK_SAFETY_NUMBER_MAX];
	struct cli_backend be = { 0 };
	struct nk_party_key *key = NULL;
	struct nk_case_request req = { .action = NK_ACTION_ENDORSE };
	struct nk_request_auth auth;
	const struct nk_request_auth *signed_by = NULL;
	struct nk_brief *b = NULL;
	struct nk_error err = { 0 };
	enum nk_role role = NK_CLAIMANT;
	int c, rc;

	if (cli_wants_help(argc, argv)) {
		fputs(usage_text, ctx->out);
		return CLI_OK;
	}
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-", opts, NULL)) != -1) {
		if (c == 1 && !id) {
			id = optarg;
		} else if (c == 1 && !what) {
			what = optarg;
		} else if (c == 'a') {
			as = optarg;
		} else if (c == 'k') {
			key_path = optarg;
		} else if (c == 'n') {
			number = optarg;
		} else if (c == REMOTE_OPT_SERVER || c == REMOTE_OPT_TOKEN) {
			remote_option(&be.remote, c, optarg);
		} else {
			return c == 1 ? cli_usage_error(ctx, name, "too many arguments")
				      : cli_bad_option(ctx, name, opts, c, argv);
		}
	}
	if (!id || !what || optind < argc)
		return cli_usage_error(ctx, name, "expected CASE ROLE --as claimant|payer --key "
				       "FILE --safety-number N");
	if ((rc = cli_parse_role_arg(ctx, name, "ROLE", what, &req.endorse)) != CLI_OK)
		return rc;
	if (nk_role_kind(req.endorse) != NK_ROLE_PRINCIPAL &&
	    nk_role_kind(req.endorse) != NK_ROLE_NEUTRAL)
		return cli_usage_error(ctx, name, "ROLE: a principal's or a neutral's key is "
				       "endorsed, not the %s's", nk_role_name(req.endorse));
	if (!number || !digits_of(number, given))
		return cli_usage_error(ctx, name, "--safety-number: the 30 digits of the safety "
				       "number %s read you (spaces ignored)", nk_role_name(req.endorse));
	if (as && (rc = cli_parse_role(ctx, name, as, &role)) != CLI_OK)
		return rc;
	if (as && !nk_role_is_party(role))
		return cli_usage_error(ctx, name, "--as: only the claimant or the payer endorses "
				       "a key");
	if (!key_path)
		return cli_usage_error(ctx, name, "--key: the party endorses with the key it "
				       "joined with");
	if (!(b = sodium_malloc(sizeof(*b))))
		return CLI_STORAGE;
	if ((rc = cli_backend_open(ctx, &be)) != CLI_OK ||
	    (rc = cli_key_load(ctx, key_path, &key)) != CLI_OK ||
	    (rc = cli_acting_brief(ctx, &be, name, id, as ? &role : NULL, key, b)) != CLI_OK)
		goto out;
	if (!nk_role_is_party(b->viewer)) {
		rc = cli_usage_error(ctx, name, "only the claimant or the payer endorses a key, and "
				     "this is the %s", nk_role_name(b->viewer));
		goto out;
	}
	/* before the joined check: the other side's principal is hidden from this party */
	if (nk_role_kind(req.endorse) == NK_ROLE_PRINCIPAL &&
	    nk_role_reads(req.endorse) != b->viewer) {
		rc = cli_usage_error(ctx, name, "ROLE: the %s endorses its own principal's key "
				     "(%s-principal) or a neutral's, not the %s's",
				     nk_role_name(b->viewer), nk_role_name(b->viewer),
				     nk_role_name(req.endorse));
		goto out;
	}
	if (!b->joined[req.endorse]) {
		nk_fail(&err, NK_EREFUSED, "role", "the %s has not joined with a key yet (or is "
			"not in this case): there is no key to endorse", nk_role_name(req.endorse));
		rc = cli_report(ctx, &err);
		goto out;
	}
	nk_safety_number(&b->identity[req.endorse], safety);
	(void)digits_of(safety, joined);
	if (sodium_memcmp(joined, given, 31) != 0) {	/* 30 digits and the NUL */
		/* the joined key's number is not repeated here: copied from the refusal, it
		 * would be endorsed without being compared (nakodo brief shows it, to read) */
		nk_fail(&err, NK_EREFUSED, "safety-number", "the number given is not the safety "
			"number of the key that joined as the %s: do not endorse it; someone else "
			"may hold the role (nakodo endorse --help says what to do)",
			nk_role_name(req.endorse));
		rc = cli_report(ctx, &err);
		goto out;
	}
	memcpy(req.endorse_key, b->identity[req.endorse].sign, sizeof(req.endorse_key));
	/* unjoined, the party sends it unsigned, for the go-between to say why it refuses */
	if ((rc = cli_sign_request(ctx, name, key, b, &req, &auth, &signed_by)) != CLI_OK)
		goto out;
	snprintf(done, sizeof(done), "endorsed: the %s's key, safety number %s",
		 nk_role_name(req.endorse), safety);
	rc = cli_act_and_tell(ctx, &be, id, b->viewer, &req, signed_by, done);
out:
	sodium_free(b);
	nk_party_key_free(key);
	cli_backend_close(&be);
	return rc;
}
