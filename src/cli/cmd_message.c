/* nakodo send, deposit and withdraw: a party's sealed words to another role. The text is
 * read from standard input, signed and sealed here to the recipient's registered key,
 * and only the envelope, with a signed request, leaves this machine. */
#include "signed.h"
#include <nakodo/request_json.h>
#include <nakodo/wire.h>
#include <nakodo/json_build.h>

#include <nakodo/seal.h>

#include <getopt.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

struct message_command {
	const char *name;
	const char *help;
	enum nk_case_action action;
};

static const struct message_command message_commands[] = {
	{ "nakodo send",
	  "usage: nakodo send CASE --to claimant|payer|mediator --key FILE [--as ROLE]\n\n"
	  "Reads a message (at most 65536 bytes) from standard input, signs it with the key\n"
	  "FILE and seals it to the recipient's key as registered on the case, here, on this\n"
	  "machine; the go-between stores only the envelope, which it cannot open, and logs its\n"
	  "number, size and SHA-256. Both roles must have joined with a key (nakodo join). The\n"
	  "sender's role is the key's (or --as ROLE; through a server, the token's). Prints the\n"
	  "message's number, size and SHA-256. The passphrase is asked without echo or read\n"
	  "from NAKODO_PASSPHRASE_FILE. With --server URL --token TOKEN it goes to a server.\n",
	  NK_ACTION_SEND },
	{ "nakodo deposit",
	  "usage: nakodo deposit CASE --key FILE [--as claimant|payer]\n\n"
	  "Simultaneous disclosure. Reads a text from standard input and seals it, signed, to\n"
	  "the other party. The go-between holds both parties' deposits and releases them to\n"
	  "both in the same step, when the second one arrives; until then each side learns only\n"
	  "that it is waiting. Read the other side's deposit, once released, with nakodo inbox.\n"
	  "One disclosure per case; before the release 'nakodo withdraw' takes yours back.\n",
	  NK_ACTION_DEPOSIT },
	{ "nakodo withdraw",
	  "usage: nakodo withdraw CASE --key FILE [--as claimant|payer]\n\n"
	  "Takes your deposit back before the release: the go-between deletes it and logs the\n"
	  "withdrawal. After the release it is refused (exit 1). A side holds one deposit at\n"
	  "a time, always numbered 1: the one made after a withdrawal is deposit 1 again,\n"
	  "and the other side only ever sees that one.\n",
	  NK_ACTION_WITHDRAW },
};

/* Reads standard input, at most NK_MESSAGE_TEXT_MAX bytes, into sodium_malloc'd text. */
static int read_text(struct cli_ctx *ctx, uint8_t **text, size_t *len)
{
	struct nk_error err = { 0 };
	uint8_t *buf = sodium_malloc(NK_MESSAGE_TEXT_MAX + 1);
	size_t n = 0, got;

	if (!buf) {
		nk_fail(&err, NK_ENOMEM, "message", "out of memory");
		return cli_report(ctx, &err);
	}
	while (n <= NK_MESSAGE_TEXT_MAX &&
	       (got = fread(buf + n, 1, NK_MESSAGE_TEXT_MAX + 1 - n, stdin)) > 0)
		n += got;
	if (n == 0 || n > NK_MESSAGE_TEXT_MAX) {
		sodium_free(buf);
		nk_fail(&err, NK_EINVAL, "message", n ? "longer than %d bytes" :
			"nothing on standard input (at most %d bytes)", NK_MESSAGE_TEXT_MAX);
		return cli_report(ctx, &err);
	}
	*text = buf;
	*len = n;
	return CLI_OK;
}

static void print_result(struct cli_ctx *ctx, json_t *reply)
{
	const char *kind = json_string_value(json_object_get(reply, "kind"));
	const json_t *withdrawn = json_object_get(reply, "withdrawn");

	if (ctx->json) {
		cli_print_json(ctx, reply);
		return;
	}
	if (withdrawn)
		fprintf(ctx->out, "withdrew deposit %lld from case %s\n",
			(long long)json_integer_value(withdrawn),
			json_string_value(json_object_get(reply, "case")));
	else
		fprintf(ctx->out, "%s %lld %s the %s: %lld bytes, sha256 %s\n%s",
			kind && strcmp(kind, "deposit") == 0 ? "deposited" : "sent message",
			(long long)json_integer_value(json_object_get(reply, "n")),
			kind && strcmp(kind, "deposit") == 0 ? "for" : "to",
			json_string_value(json_object_get(reply, "to")),
			(long long)json_integer_value(json_object_get(reply, "size")),
			json_string_value(json_object_get(reply, "sha256")),
			!json_object_get(reply, "released") ? "" :
			json_is_true(json_object_get(reply, "released")) ?
			"both deposits are in and released (see nakodo inbox)\n" :
			"waiting: the deposits are released when the other side's is in\n");
	json_decref(reply);
}

/* Seals text for req's action from b's role; sets req's envelope (free() it). */
static int seal(struct cli_ctx *ctx, const struct nk_party_key *key,
		const struct nk_brief *b, enum nk_role to, const uint8_t *text, size_t len,
		struct nk_case_request *req)
{
	struct nk_envelope_header h = { .from = b->role, .to = to };
	struct nk_error err = { 0 };
	uint8_t *env = NULL;
	size_t env_len = 0;

	/* the case refuses it, not the command's words: no "see --help" */
	if (!b->joined[b->role] || !b->joined[to]) {
		nk_fail(&err, NK_EINVAL, "key", "the %s has not joined case %s with a key (nakodo "
			"join), so there is %s", nk_role_name(b->joined[to] ? b->role : to),
			b->case_id, b->joined[to] ? "no key to sign with" : "no key to seal to");
		return cli_report(ctx, &err);
	}
	snprintf(h.case_id, sizeof(h.case_id), "%s", b->case_id);
	h.kind = req->action == NK_ACTION_SEND ? NK_MESSAGE_TEXT : NK_MESSAGE_DEPOSIT;
	h.seq = req->action == NK_ACTION_SEND ? b->sent[to] + 1 : 1;	/* deposits: always 1 */
	if (nk_message_seal(key, &h, &b->identity[to], text, len, &env, &env_len, &err) != NK_OK)
		return cli_report(ctx, &err);
	req->envelope = env;
	req->envelope_len = env_len;
	return CLI_OK;
}

static int run(struct cli_ctx *ctx, const struct message_command *mc, int argc, char **argv)
{
	struct cli_backend be = { 0 };
	struct cli_case_args args = { 0 };
	struct nk_case_request req = { .action = mc->action };
	struct nk_request_auth auth;
	const struct nk_request_auth *signed_by = NULL;
	struct nk_party_key *key = NULL;
	struct nk_brief *b = NULL;
	const char *id, *key_path, *as_text, *to_text;
	enum nk_role as, to = NK_MEDIATOR;
	uint8_t *text = NULL;
	size_t text_len = 0;
	json_t *reply = NULL;
	struct nk_error err = { 0 };
	int rc;

	if (cli_wants_help(argc, argv)) {
		fputs(mc->help, ctx->out);
		return CLI_OK;
	}
	if ((rc = cli_case_args_parse(ctx, mc->name, mc->action == NK_ACTION_SEND ? "akt" : "ak",
				      argc, argv, &args, &be.remote)) != CLI_OK)
		return rc;
	id = args.id;
	key_path = args.key;
	as_text = args.as;
	to_text = args.to;
	if (!id || optind < argc || strlen(id) >= NK_CASE_ID_MAX)
		return cli_usage_error(ctx, mc->name, "expected CASE");
	if (!key_path)
		return cli_usage_error(ctx, mc->name, "--key FILE is required");
	if (mc->action == NK_ACTION_SEND && !to_text)
		return cli_usage_error(ctx, mc->name, "--to ROLE is required");
	if (to_text && nk_role_parse(to_text, &to) != NK_OK)
		return cli_usage_error(ctx, mc->name, "--to: unknown role '%s'", to_text);
	if (as_text && (rc = cli_parse_role(ctx, mc->name, as_text, &as)) != CLI_OK)
		return rc;
	if (mc->action != NK_ACTION_WITHDRAW && (rc = read_text(ctx, &text, &text_len)) != CLI_OK)
		return rc;
	if (!(b = sodium_malloc(sizeof(*b)))) {
		rc = CLI_STORAGE;
		goto out;
	}
	if ((rc = cli_backend_open(ctx, &be)) != CLI_OK || (rc = cli_key_load(ctx, key_path, &key)) != CLI_OK ||
	    (rc = cli_acting_brief(ctx, &be, mc->name, id, as_text ? &as : NULL, key, b)) != CLI_OK)
		goto out;
	if (mc->action == NK_ACTION_DEPOSIT || mc->action == NK_ACTION_WITHDRAW) {
		if (b->role == NK_MEDIATOR) {	/* the token's role: a refusal, not bad usage */
			nk_fail(&err, NK_EINVAL, "role", "only the claimant and the payer make deposits");
			rc = cli_report(ctx, &err);
			goto out;
		}
		to = b->role == NK_CLAIMANT ? NK_PAYER : NK_CLAIMANT;
	} else if (to == b->role) {
		nk_fail(&err, NK_EINVAL, "to", "the %s is your own role; a message goes to another "
			"party of the case", nk_role_name(b->role));
		rc = cli_report(ctx, &err);
		goto out;
	}
	if (text && (rc = seal(ctx, key, b, to, text, text_len, &req)) != CLI_OK)
		goto out;
	if ((rc = cli_sign_request(ctx, mc->name, key, b, &req, &auth, &signed_by)) != CLI_OK)
		goto out;
	if ((rc = be.ops->act(ctx, &be, b->case_id, b->role, &req, signed_by, &reply)) == CLI_OK)
		print_result(ctx, reply);
out:
	free((void *)req.envelope);
	sodium_free(text);
	sodium_free(b);
	nk_party_key_free(key);
	cli_backend_close(&be);
	return rc;
}

int cmd_send(struct cli_ctx *ctx, int argc, char **argv)
{
	return run(ctx, &message_commands[0], argc, argv);
}

int cmd_deposit(struct cli_ctx *ctx, int argc, char **argv)
{
	return run(ctx, &message_commands[1], argc, argv);
}

int cmd_withdraw(struct cli_ctx *ctx, int argc, char **argv)
{
	return run(ctx, &message_commands[2], argc, argv);
}
