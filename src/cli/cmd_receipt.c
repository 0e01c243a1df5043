/* nakodo receipt: exports the receipt of an ended case, from the database or from the
 * server, optionally signed by the party on this machine, to a new file that
 * 'nakodo verify' checks offline. The receipt names outcomes and hashes, never a figure. */
#include "remote.h"
#include <nakodo/files.h>
#include "backend.h"
#include "signed.h"

#include <nakodo/keys.h>
#include <nakodo/ledger.h>

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char receipt_help[] =
	"usage: nakodo receipt CASE --out FILE [--as ROLE] [--key KEYFILE]\n"
	"                      [--server URL --token TOKEN] [--json]\n\n"
	"Writes the receipt of a case that has ended (settled or closed) to FILE, which must\n"
	"not exist: the case's closing statement (outcome, number of events, the hash of the\n"
	"last one, the closing time and each role's registered key), the server's signature\n"
	"on it, its place in the server's record with the inclusion proof, and a checkpoint\n"
	"of the record signed by the server. It holds no figure. With --key, ROLE signs the\n"
	"statement here with the key file's signing key (its passphrase is asked without\n"
	"echo, or read from NAKODO_PASSPHRASE_FILE), which must be the key ROLE registered\n"
	"on the case with 'nakodo join'. --as may be left out: through a server the token\n"
	"says the role (given, --as must agree with it), locally the key's registration\n"
	"does; without --key no role is needed. ROLE is any role of the case: claimant,\n"
	"payer, mediator, and a principal or a neutral where the case has them.\n\n"
	"Check it anywhere, with public keys alone:\n"
	"  nakodo verify FILE --server-key $(nakodo server-key)\n\n"
	"With --server URL --token TOKEN (or NAKODO_SERVER, NAKODO_TOKEN) the receipt comes\n"
	"from the server (GET /v1/cases/CASE/receipt) and --key signs it on this machine.\n"
	"A case that has not ended is refused (exit 1).\n";

/* Creates path (never over an existing file or through a symbolic link), private like
 * every file nakodo writes (doc/storage.md, "File modes"), writes text, syncs it. A
 * partly written file is removed. */
static enum nk_status write_receipt(const char *path, const char *text, size_t len,
				    struct nk_error *err)
{
	struct nk_file_fault fault = { 0 };
	enum nk_status rc = nk_file_create_exclusive(path, text, len, path, "out", &fault, err);

	if (rc != NK_OK && fault.step == NK_FILE_OPEN)
		rc = nk_fail(err, rc, "out", "%s: %s%s", path, strerror(fault.errnum),
			     fault.errnum == EEXIST ? " (a receipt is never written over a file)"
			     : "");
	return rc;
}

/* The role that signs (or that --as names): --as, checked against the token through a
 * server; else the token's, or locally the role that registered key. */
static int signer_role(struct cli_ctx *ctx, struct cli_backend *be, const char *id,
		       const enum nk_role *as, const struct nk_party_key *key, enum nk_role *role)
{
	struct nk_brief *b = sodium_malloc(sizeof(*b));
	int rc;

	if (!b) {
		struct nk_error err = { 0 };

		nk_fail(&err, NK_ENOMEM, "receipt", "out of memory");
		return cli_report(ctx, &err);
	}
	rc = cli_acting_brief(ctx, be, "nakodo receipt", id, as, key, b);
	if (rc == CLI_OK)
		*role = b->viewer;	/* a principal: its own, which signs no receipt */
	sodium_free(b);
	return rc;
}

static void print_written(struct cli_ctx *ctx, const struct nk_receipt *r, const char *out,
			  const char *signed_by)
{
	const struct nk_statement *st = &r->statement;
	char what[CLI_AMOUNT_MAX + 64];

	if (ctx->json) {
		cli_print_json(ctx, cli_statement_json(json_pack("{s:s, s:s, s:I, s:o, s:I, s:I, s:o}", "case",
					      st->case_id, "outcome", st->outcome,
					      "events", (json_int_t)st->events, "out", cli_json_text(out),
					      "entry", (json_int_t)r->leaf_index,
					      "record_size", (json_int_t)r->checkpoint.size,
					      "signed_by", signed_by ? json_string(signed_by) : json_null()),
						       st));
		return;
	}
	cli_statement_text(st, what);
	fprintf(ctx->out, "receipt of case %s (%s, %llu event%s) written to %s\n%s\n"
		"entry %llu of the server's record, checkpoint of %llu entr%s\n",
		st->case_id, st->outcome, (unsigned long long)st->events, CLI_PLURAL(st->events),
		out, what,
		(unsigned long long)r->leaf_index, (unsigned long long)r->checkpoint.size,
		r->checkpoint.size == 1 ? "y" : "ies");
	if (signed_by)
		fprintf(ctx->out, "signed here by the %s's registered key\n", signed_by);
}

int cmd_receipt(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_backend be = { 0 };
	struct cli_case_args args = { 0 };
	struct nk_receipt *r = NULL;
	struct nk_party_key *key = NULL;
	struct nk_error err = { 0 };
	struct stat sb;
	const char *as, *out, *key_path, *id;
	char *text = NULL;
	size_t len = 0;
	enum nk_role role = NK_MEDIATOR;
	bool signs;
	int rc;

	if (cli_wants_help(argc, argv)) {
		fputs(receipt_help, ctx->out);
		return CLI_OK;
	}
	if ((rc = cli_case_args_parse(ctx, "nakodo receipt", "ako", argc, argv, &args,
				      &be.remote)) != CLI_OK)
		return rc;
	id = args.id;
	as = args.as;
	out = args.out;
	key_path = args.key;
	if (!id || optind < argc)
		return cli_usage_error(ctx, "nakodo receipt", "expected CASE --out FILE");
	if (!out)
		return cli_usage_error(ctx, "nakodo receipt", "--out FILE is required");
	if (as && (rc = cli_parse_role(ctx, "nakodo receipt", as, &role)) != CLI_OK)
		return rc;
	if (strlen(id) >= NK_CASE_ID_MAX)
		return cli_usage_error(ctx, "nakodo receipt", "CASE: not a case id");
	/* Checked first so that nothing is asked or fetched for a file that cannot be made;
	 * write_receipt's O_EXCL still guards the race. */
	if (lstat(out, &sb) == 0) {
		nk_fail(&err, NK_EINVAL, "out", "%s exists: a receipt is never written over a file", out);
		return cli_report(ctx, &err);
	}
	if (!(r = calloc(1, sizeof(*r)))) {
		nk_fail(&err, NK_ENOMEM, "receipt", "out of memory");
		return cli_report(ctx, &err);
	}
	if (key_path && (rc = cli_key_load(ctx, key_path, &key)) != CLI_OK)
		goto out;
	be.remote.key = key;
	signs = key != NULL;
	if ((rc = cli_backend_open(ctx, &be)) == CLI_OK && (as || key))
		rc = signer_role(ctx, &be, id, as ? &role : NULL, key, &role);
	if (rc == CLI_OK)
		rc = be.ops->receipt(ctx, &be, id, r);
	if (rc == CLI_OK && strcmp(r->statement.case_id, id) != 0) {
		nk_fail(&err, NK_ESTORE, "server", "the server answered with the receipt of another case");
		rc = cli_report(ctx, &err);
	}
	/* a receipt names the parties and the mediator; a principal's key signs its reads */
	if (nk_role_kind(role) == NK_ROLE_PRINCIPAL)
		signs = false;
	if (rc == CLI_OK && signs && nk_receipt_sign_party(key, role, r, &err) != NK_OK) {
		/* another role's key (the other party's, say): tell which key signs */
		if (err.code == NK_EREFUSED && strcmp(err.field, "key") == 0)
			nk_fail(&err, NK_EINVAL, "key", "%s is not the key the %s joined the case "
				"with: sign with the key file the %s gave to 'nakodo join'", key_path,
				nk_role_name(role), nk_role_name(role));
		rc = cli_report(ctx, &err);
	}
	if (rc != CLI_OK)
		goto out;
	if (nk_receipt_format(r, &text, &len, &err) != NK_OK ||
	    write_receipt(out, text, len, &err) != NK_OK) {
		rc = cli_report(ctx, &err);
		goto out;
	}
	print_written(ctx, r, out, signs ? nk_role_name(role) : NULL);
out:
	nk_party_key_free(key);
	cli_backend_close(&be);
	free(text);
	free(r);
	return rc;
}
