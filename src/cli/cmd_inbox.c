/* nakodo inbox: fetches the envelopes addressed to the key's role, a page at a time,
 * and opens each here: it must be for this case and role, name the sender's registered
 * key, open under this key, verify, and carry the next number from its sender. A message
 * that fails any of these is shown as rejected, with the reason, never as text. */
#include "signed.h"
#include <nakodo/wire.h>
#include <nakodo/json_build.h>

#include <nakodo/seal.h>

#include <getopt.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define INBOX_PAGES_MAX 100000	/* a bound on the loop, far above any real inbox */

static const char inbox_help[] =
	"usage: nakodo inbox CASE --key FILE [--as ROLE] [--json]\n\n"
	"Prints the messages sent to your role on the case, and once both deposits are in,\n"
	"the other party's deposit: each with its sender, time and number, opened and\n"
	"verified here with the key FILE against the sender's key as registered on the case.\n"
	"A message that does not open or verify, is addressed elsewhere, names another key, or\n"
	"comes out of turn is printed as 'rejected: REASON' (malformed, not-for-me,\n"
	"wrong-signer, altered, replayed, out-of-order), never as text. Before the release a\n"
	"party's own deposit shows only as waiting. Control characters, and bytes that are\n"
	"not valid UTF-8, in a text are shown as \\xHH. With --server URL --token TOKEN the\n"
	"envelopes come from a server.\n";

#define MESSAGE_INDENT "  "

/* The text as a person may safely read it: control bytes other than newline and tab,
 * C1 controls, direction marks and
 * every byte that is not part of valid UTF-8 escaped, so a message cannot drive the terminal nor
 * reorder what it shows; every line indented, so that a line of a message can never
 * pass for the header of another ("[message 3 from the mediator, …]"). */
static void print_text(FILE *f, const char *text, size_t len)
{
	fputs(MESSAGE_INDENT, f);
	for (size_t i = 0; i < len;) {
		/* a run up to a newline or tab (no byte of a multi-byte character is either),
		 * escaped as the case list's titles are; the newline or tab kept */
		size_t end = i;

		while (end < len && text[end] != '\n' && text[end] != '\t')
			end++;
		cli_put_safe(f, text + i, end - i);
		if (end == len)
			break;
		fputc(text[end], f);
		if (text[end] == '\n' && end + 1 < len)
			fputs(MESSAGE_INDENT, f);
		i = end + 1;
	}
	if (len == 0 || text[len - 1] != '\n')
		fputc('\n', f);
}

static void when(int64_t ms, char out[static 32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Opens one item; *why says why not. The sha256 the log records must match too. */
static void open_item(const struct nk_party_key *key, const struct nk_brief *b,
		      const json_t *item, uint64_t next[static NK_ROLE_COUNT],
		      struct nk_opened_message *msg, enum nk_message_verdict *why)
{
	const char *kind = json_string_value(json_object_get(item, "kind"));
	const char *sha = json_string_value(json_object_get(item, "sha256"));
	struct nk_message_expect expect = { .case_id = b->case_id, .me = b->role };
	uint8_t hash[NK_HASH_BYTES], *env = NULL;
	char hex[2 * NK_HASH_BYTES + 1];
	enum nk_role from;
	size_t len = 0;

	*why = NK_MESSAGE_MALFORMED;
	if (nk_role_parse(json_string_value(json_object_get(item, "from")), &from) != NK_OK ||
	    !kind || nk_wire_envelope_from_json(json_object_get(item, "envelope"), &env, &len, NULL) != NK_OK)
		return;
	nk_envelope_hash(env, len, hash);
	sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	if (!sha || strcmp(sha, hex) != 0) {
		*why = NK_MESSAGE_ALTERED;	/* not the envelope the log records */
	} else if (!b->joined[from]) {
		*why = NK_MESSAGE_WRONG_SIGNER;	/* no registered key to check it with */
	} else {
		expect.sender = &b->identity[from];
		expect.kind = strcmp(kind, "deposit") == 0 ? NK_MESSAGE_DEPOSIT : NK_MESSAGE_TEXT;
		expect.next_seq = expect.kind == NK_MESSAGE_DEPOSIT ?
			(uint64_t)json_integer_value(json_object_get(item, "n")) : next[from];
		if (nk_message_open(key, &expect, env, len, msg, why, NULL) == NK_OK &&
		    expect.kind == NK_MESSAGE_TEXT)
			next[from] = msg->header.seq + 1;
	}
	free(env);
}

/* Prints (or adds to out, with --json) one item; false when out of memory. */
static bool show_item(struct cli_ctx *ctx, const struct nk_party_key *key,
		      const struct nk_brief *b, const json_t *item,
		      uint64_t next[static NK_ROLE_COUNT], json_t *out)
{
	struct nk_opened_message msg = { 0 };
	enum nk_message_verdict why;
	int64_t ms = json_integer_value(json_object_get(item, "time_ms"));
	char at[32];
	json_t *o;
	bool ok = true;

	open_item(key, b, item, next, &msg, &why);
	when(ms, at);
	if (!ctx->json) {
		fprintf(ctx->out, "[%s %lld from the %s, %s]\n",
			json_string_value(json_object_get(item, "kind")),
			(long long)json_integer_value(json_object_get(item, "n")),
			json_string_value(json_object_get(item, "from")), at);
		if (why == NK_MESSAGE_OK)
			print_text(ctx->out, msg.text, msg.text_len);
		else
			fprintf(ctx->out, "rejected: %s\n", nk_message_verdict_name(why));
	} else {
		o = json_pack("{s:O, s:O, s:O, s:O, s:O, s:s, s:s}",
			      "index", json_object_get(item, "index"),
			      "kind", json_object_get(item, "kind"), "from", json_object_get(item, "from"),
			      "n", json_object_get(item, "n"), "time_ms", json_object_get(item, "time_ms"),
			      "time", at, "status", why == NK_MESSAGE_OK ? "ok" : "rejected");
		if (o && why != NK_MESSAGE_OK)
			o = nk_json_set(o, "reason", json_string(nk_message_verdict_name(why)));
		else if (o) {	/* text that is not UTF-8 goes as base64 */
			json_t *t = json_stringn(msg.text, msg.text_len);

			o = nk_json_set(o, t ? "text" : "text_base64", t ? t :
					    nk_wire_envelope_to_json((uint8_t *)msg.text, msg.text_len));
		}
		ok = o && json_array_append_new(out, o) == 0;
	}
	nk_opened_message_free(&msg);
	return ok;
}

int cmd_inbox(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_backend be = { 0 };
	struct cli_case_args args = { 0 };
	struct nk_party_key *key = NULL;
	struct nk_brief *b = NULL;
	const char *id, *key_path, *as_text;
	uint64_t next[NK_ROLE_COUNT];
	json_t *page = NULL, *items = json_array(), *deposit = NULL;
	int64_t after = 0;
	size_t shown = 0;
	enum nk_role as;
	int rc;

	for (int r = 0; r < NK_ROLE_COUNT; r++)
		next[r] = 1;	/* every sender's first message is number 1 */
	if (cli_wants_help(argc, argv)) {
		fputs(inbox_help, ctx->out);
		json_decref(items);
		return CLI_OK;
	}
	if ((rc = cli_case_args_parse(ctx, "nakodo inbox", "ak", argc, argv, &args, &be.remote)) != CLI_OK) {
		json_decref(items);
		return rc;
	}
	id = args.id;
	key_path = args.key;
	as_text = args.as;
	rc = CLI_USAGE;
	if (!id || optind < argc || strlen(id) >= NK_CASE_ID_MAX)
		rc = cli_usage_error(ctx, "nakodo inbox", "expected CASE --key FILE");
	else if (!key_path)
		rc = cli_usage_error(ctx, "nakodo inbox", "--key FILE is required");
	else if (!as_text || (rc = cli_parse_role(ctx, "nakodo inbox", as_text, &as)) == CLI_OK)
		rc = CLI_OK;
	if (rc != CLI_OK || !items || !(b = sodium_malloc(sizeof(*b))))
		goto out;
	if ((rc = cli_backend_open(ctx, &be)) != CLI_OK || (rc = cli_key_load(ctx, key_path, &key)) != CLI_OK ||
	    (rc = cli_acting_brief(ctx, &be, "nakodo inbox", id, as_text ? &as : NULL, key,
				   b)) != CLI_OK ||
	    (rc = cli_check_key_role(ctx, "nakodo inbox", key, b)) != CLI_OK)
		goto out;
	for (int pages = 0; pages < INBOX_PAGES_MAX; pages++) {
		const json_t *list, *item;
		size_t i;

		json_decref(page);
		page = NULL;
		if ((rc = be.ops->inbox(ctx, &be, b->case_id, b->role, after, &page)) != CLI_OK)
			goto out;
		list = json_object_get(page, "items");
		json_array_foreach(list, i, item) {
			if (!show_item(ctx, key, b, item, next, items)) {
				rc = cli_report(ctx, &(struct nk_error){ .code = NK_ENOMEM,
									 .text = "out of memory" });
				goto out;
			}
			after = json_integer_value(json_object_get(item, "index"));
			shown++;
		}
		if (!json_is_true(json_object_get(page, "more")) || json_array_size(list) == 0)
			break;
	}
	deposit = json_object_get(page, "deposit");
	if (ctx->json) {
		cli_print_json(ctx, json_pack("{s:s, s:s, s:O, s:O}", "case", id, "role",
					      nk_role_name(b->role), "items", items, "deposit",
					      deposit ? deposit : json_null()));
	} else {
		if (shown == 0)
			fprintf(ctx->out, "no messages for the %s\n", nk_role_name(b->role));
		if (json_is_true(json_object_get(deposit, "held")) &&
		    !json_is_true(json_object_get(deposit, "released")))
			fprintf(ctx->out, "deposit: yours is in; waiting for the release\n");
	}
	rc = CLI_OK;
out:
	json_decref(page);
	json_decref(items);
	sodium_free(b);
	nk_party_key_free(key);
	cli_backend_close(&be);
	return rc;
}
