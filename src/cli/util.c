/* Helpers every subcommand shares: error reports, exit statuses, opening the store,
 * reading an amount without it reaching the shell's history, JSON output. */
#include "util.h"

#include <nakodo/alloc.h>
#include <nakodo/json_build.h>
#include <nakodo/files.h>
#include <nakodo/keys.h>
#include <nakodo/ledger.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int cli_exit_for(enum nk_status status)
{
	switch (status) {
	case NK_OK:
		return CLI_OK;
	case NK_EREFUSED:
		return CLI_REFUSED;
	case NK_ESTORE:
	case NK_ECORRUPT:
	case NK_ECRYPTO:
	case NK_ENOMEM:
		return CLI_STORAGE;
	default:
		return CLI_USAGE;
	}
}

size_t cli_text_char(const unsigned char *p, size_t n, size_t *bad)
{
	size_t len = 0;
	unsigned char lo = 0x80, hi = 0xbf;

	*bad = 1;
	if (n == 0)
		return 0;
	if (p[0] < 0x80)
		return p[0] < 0x20 || p[0] == 0x7f ? 0 : 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, lo = p[0] == 0xe0 ? 0xa0 : 0x80, hi = p[0] == 0xed ? 0x9f : 0xbf;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, lo = p[0] == 0xf0 ? 0x90 : 0x80, hi = p[0] == 0xf4 ? 0x8f : 0xbf;
	if (len == 0 || n < len || p[1] < lo || p[1] > hi)
		return 0;	/* a lone continuation byte (0x9b too), a bad lead or a cut */
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	/* valid, but a C1 control (U+0080 to U+009F: U+009B is a CSI to many terminals)
	 * or a Bidi_Control mark: escaped whole */
	if ((p[0] == 0xc2 && p[1] <= 0x9f) || (p[0] == 0xd8 && p[1] == 0x9c) ||
	    (p[0] == 0xe2 && p[1] == 0x80 &&
	     (p[2] == 0x8e || p[2] == 0x8f || (p[2] >= 0xaa && p[2] <= 0xae))) ||
	    (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)) {
		*bad = len;
		return 0;
	}
	return len;
}

/* Writes len bytes of text to f, each character cli_text_char refuses as "\\xNN" per
 * byte (hex) or as one '?'. */
static void put_filtered(FILE *f, const char *text, size_t len, bool hex)
{
	const unsigned char *p = (const unsigned char *)text;

	for (size_t i = 0; i < len;) {
		size_t bad, k = cli_text_char(p + i, len - i, &bad);

		if (k) {
			fwrite(p + i, 1, k, f);
			i += k;
		} else if (hex) {
			for (size_t j = 0; j < bad; j++)
				fprintf(f, "\\x%02x", p[i + j]);
			i += bad;
		} else {
			fputc('?', f);
			i += bad;
		}
	}
}

void cli_put_safe(FILE *f, const char *text, size_t len)
{
	put_filtered(f, text, len, true);
}

/* Writes text to f with every character that would act on a terminal or reorder what
 * it shows, and every byte that is not part of valid UTF-8, as '?': C0 (a line feed
 * too: one error, one line), DEL, C1 (as UTF-8 or a lone byte) and the Bidi_Control
 * marks. An error's text may come from a server's answer, which must not paint over
 * what the command printed. */
static void put_plain(FILE *f, const char *text)
{
	put_filtered(f, text, strlen(text), false);
}

json_t *cli_json_text(const char *text)
{
	json_t *s = json_string(text);
	char *copy = NULL;
	size_t len = 0;
	FILE *f;

	if (s || !text || !(f = open_memstream(&copy, &len)))
		return s;
	put_filtered(f, text, strlen(text), true);
	if (fclose(f) == 0)
		s = json_string(copy);
	free(copy);
	return s;
}

/* The status a refusal is reported as: a role that may never do this ("only the
 * claimant or the payer may do this"), or that the case does not have ("...so it has no
 * neutral-1"), is bad input, exit 2, as the README's table has it and as a server's 403
 * for it is reported; a role refused by the case's state (not joined yet, not endorsed,
 * joined already) stays a refusal by the rules, 1. */
static enum nk_status shown_status(const struct nk_error *err)
{
	if (err->code == NK_EREFUSED && strcmp(err->field, "role") == 0 &&
	    (strncmp(err->text, "only ", 5) == 0 || strstr(err->text, ", so it has no ")))
		return NK_EINVAL;
	/* a wrong passphrase is the user's input, to be typed again: not a storage fault */
	if (err->code == NK_ECRYPTO && strcmp(err->field, "passphrase") == 0)
		return NK_EINVAL;
	return err->code;
}

int cli_report(struct cli_ctx *ctx, const struct nk_error *err)
{
	enum nk_status code = shown_status(err);

	if (ctx->json) {
		json_t *o = json_pack("{s:s, s:o, s:o, s:i}", "error", nk_status_name(code),
				      "field", cli_json_text(err->field), "detail",
				      cli_json_text(err->text), "exit", cli_exit_for(code));

		cli_print_json(ctx, o);
	}
	fputs("nakodo: ", ctx->err);
	if (err->field[0]) {
		put_plain(ctx->err, err->field);
		fputs(": ", ctx->err);
	}
	put_plain(ctx->err, err->text);
	fputc('\n', ctx->err);
	return cli_exit_for(code);
}

int cli_usage_error(struct cli_ctx *ctx, const char *cmd, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* with --json a program reads stdout: it gets the error as one object there too,
	 * in the shape of cli_report's, while a person still reads stderr */
	if (ctx->json)
		cli_print_json(ctx, json_pack("{s:s, s:s, s:o, s:i}", "error", "usage", "command",
					      cmd, "detail", cli_json_text(text), "exit", CLI_USAGE));
	fprintf(ctx->err, "%s: ", cmd);
	put_plain(ctx->err, text);	/* it may quote what was typed, bytes and all */
	fprintf(ctx->err, "\n(see '%s --help')\n", cmd);
	return CLI_USAGE;
}

int cli_report_file(struct cli_ctx *ctx, const char *path, const struct nk_error *err)
{
	const char *text = err->text;
	size_t n = strlen(path) > 60 ? 60 : strlen(path);

	if (strncmp(text, path, n) == 0 && strncmp(text + n, ": ", 2) == 0)
		text += n + 2;
	if (ctx->json)
		cli_print_json(ctx, json_pack("{s:s, s:o, s:o, s:o, s:i}", "error",
					      nk_status_name(err->code), "file", cli_json_text(path),
					      "field", cli_json_text(err->field), "detail",
					      cli_json_text(text), "exit", cli_exit_for(err->code)));
	/* a path or the file's "nakodo" tag is already said: not again as the field */
	if (err->field[0] && strcmp(err->field, path) != 0 && strcmp(err->field, "nakodo") != 0)
		fprintf(ctx->err, "nakodo: %s: %s: %s\n", path, err->field, text);
	else
		fprintf(ctx->err, "nakodo: %s: %s\n", path, text);
	return cli_exit_for(err->code);
}

void cli_print_json(struct cli_ctx *ctx, json_t *obj)
{
	/* reals as the server answers them: the shortest form that reads back exactly */
	char *text = obj ? nk_json_dumps_short(obj, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;

	if (text) {
		fputs(text, ctx->out);
		fputc('\n', ctx->out);
		nk_alloc_free(text);	/* it may hold a party's own figure */
	} else {	/* the answer could not be built whole: print none of it */
		fprintf(ctx->err, "nakodo: out of memory\n");
	}
	json_decref(obj);
}

int cli_open_store(struct cli_ctx *ctx, bool create, struct nk_store **store)
{
	struct nk_error err = { 0 };
	enum nk_status rc = nk_store_open(store, ctx->db, create ? NK_STORE_CREATE : 0, &err);

	bool pending = false;

	if (rc != NK_OK) {
		/* a URL ("postgresql://user:password@…") is never echoed: it may hold a password */
		if (rc == NK_ENOTFOUND && strstr(ctx->db, "://"))
			nk_fail(&err, NK_ESTORE, "db", "the database has no nakodo tables yet (create "
				"them with 'nakodo case new')");
		else if (rc == NK_ENOTFOUND)
			nk_fail(&err, NK_ESTORE, "db", "no database at %s (create one with 'nakodo case new')", ctx->db);
		return cli_report(ctx, &err);
	}
	/* A scrub an earlier command or server left owed is done at every start; one that
	 * still cannot finish is only a warning: it stays owed, and the next start or the
	 * server tries again (doc/storage.md, "Purge and scrub"). */
	if (nk_store_scrub_pending(*store, &pending, &err) == NK_OK && pending &&
	    nk_store_scrub(*store, &err) != NK_OK)
		fprintf(ctx->err, "nakodo: warning: the deleted figures of an ended case are not yet "
			"scrubbed from the database's files; the next command will try again (%s)\n",
			err.text);
	return CLI_OK;
}

int cli_open_case_store(struct cli_ctx *ctx, bool create, struct nk_store **store,
			struct nk_server_key **signer)
{
	struct nk_error err = { 0 };
	enum nk_status rc;
	int exit_rc;

	if ((exit_rc = cli_open_store(ctx, create, store)) != CLI_OK)
		return exit_rc;
	rc = nk_store_server_key(ctx->db, signer, &err);
	if (rc != NK_OK) {
		nk_store_close(*store);
		*store = NULL;
		return cli_report(ctx, &err);
	}
	return CLI_OK;
}

int cli_read_amount(struct cli_ctx *ctx, const struct nk_currency *cur, const char *arg,
		    const char *field, int64_t *amount)
{
	char line[64];
	struct nk_error err = { 0 };
	const char *text = arg;
	enum nk_status rc;

	if (strcmp(arg, "-") == 0) {
		size_t n;

		if (!fgets(line, sizeof(line), stdin)) {
			nk_fail(&err, NK_EINVAL, field, "nothing on standard input");
			return cli_report(ctx, &err);
		}
		n = strcspn(line, "\r\n");
		if (line[n] == '\0' && n == sizeof(line) - 1) {
			sodium_memzero(line, sizeof(line));
			nk_fail(&err, NK_EINVAL, field, "the line on standard input is too long");
			return cli_report(ctx, &err);
		}
		line[n] = '\0';
		text = line;
		/* one amount, one line: "1,000\n2,000" would record the first and drop the
		 * rest unseen, so anything but blank lines after it is refused */
		for (int ch; (ch = getchar()) != EOF;)
			if (!isspace(ch)) {
				sodium_memzero(line, sizeof(line));
				nk_fail(&err, NK_EINVAL, field, "standard input holds more than one "
					"line; give one amount, on one line");
				return cli_report(ctx, &err);
			}
	}
	rc = nk_money_parse(cur, text, field, amount, &err);
	sodium_memzero(line, sizeof(line));
	return rc == NK_OK ? CLI_OK : cli_report(ctx, &err);
}

int cli_option_error(struct cli_ctx *ctx, const char *cmd, const struct option *opts, int c,
		     char **argv, const char *why)
{
	/* a known option consumed its argument, so argv[optind - 1] is that argument: a
	 * mediator's "close CASE --as mediator" was told "unknown option 'mediator'" */
	for (const struct option *o = opts; c != '?' && c != 1 && o->name; o++)
		if (o->val == c && !o->flag)
			return cli_usage_error(ctx, cmd, "this command takes no --%s%s%s", o->name,
					       why ? ": " : "", why ? why : "");
	return cli_bad_option(ctx, cmd, opts, c, argv);
}

int cli_bad_option(struct cli_ctx *ctx, const char *cmd, const struct option *opts, int c,
		   char **argv)
{
	const char *a = argv[optind - 1];
	const size_t n = strlen(a);

	if (c == 1)
		return cli_usage_error(ctx, cmd, "unexpected argument '%s'", a);
	/* getopt_long took "--as" (or its unambiguous start) as the last word, so no value
	 * followed it: the option is known, its value is what is missing */
	if (n > 2 && a[0] == '-' && a[1] == '-' && !strchr(a, '=')) {
		const struct option *hit = NULL;
		size_t hits = 0;

		/* the one option it names (its whole name, or a start no other shares), as
		 * getopt_long reads it: an ambiguous start is not "missing its value" */
		for (const struct option *o = opts; o->name; o++) {
			if (strcmp(o->name, a + 2) == 0) {
				hit = o;
				hits = 1;
				break;
			}
			if (strncmp(o->name, a + 2, n - 2) == 0) {
				hit = o;
				hits++;
			}
		}
		if (hits == 1 && hit->has_arg == required_argument)
			return cli_usage_error(ctx, cmd, "option '--%s' needs a value", hit->name);
	}
	return cli_usage_error(ctx, cmd, "unknown or incomplete option '%s'", a);
}

bool cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	}
	return false;
}

/* The edit distance between a and b (insertions, deletions, substitutions), counted
 * up to the first CLI_NEAR_MAX characters of each: enough to tell a typo. */
#define CLI_NEAR_MAX 32
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strnlen(a, CLI_NEAR_MAX), lb = strnlen(b, CLI_NEAR_MAX);
	size_t row[CLI_NEAR_MAX + 1];

	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

const char *cli_nearest(const char *text, const char *const *names, size_t count)
{
	size_t best = (size_t)-1, len = strnlen(text, CLI_NEAR_MAX);
	const char *near = NULL;

	for (size_t i = 0; i < count; i++) {
		size_t d = edit_distance(text, names[i]);

		if (d < best) {
			best = d;
			near = names[i];
		}
	}
	/* a guess only within a third of the word (at least one edit), never a far one */
	return best <= (len / 3 > 1 ? len / 3 : 1) ? near : NULL;
}

/* Every role a command may name, and the roles that act on a case's figures. */
static const char *const all_roles[] = { "claimant", "payer", "mediator", "claimant-principal",
					 "payer-principal", "neutral-K", NULL };
const char *const cli_roles_submit[] = { "claimant", "payer", "neutral-K", NULL };
const char *const cli_roles_party[] = { "claimant", "payer", NULL };

int cli_parse_role_among(struct cli_ctx *ctx, const char *cmd, const char *what,
			 const char *text, const char *const *names, enum nk_role *role)
{
	char list[160] = "", guess[32];
	const char *near;
	size_t count = 0, len = 0;

	if (!text)
		return cli_usage_error(ctx, cmd, "%s ROLE is required", what);
	if (nk_role_parse(text, role) == NK_OK)
		return CLI_OK;
	while (names[count])
		count++;
	for (size_t i = 0; i < count && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i == 0 ? ""
					: i + 1 == count ? " or " : ", ", names[i]);
	if (!(near = cli_nearest(text, names, count)))
		return cli_usage_error(ctx, cmd, "%s: unknown role '%.32s' (%s)", what, text, list);
	/* "neutral2": the neutral it named, not the placeholder */
	len = strlen(text);
	if (strcmp(near, "neutral-K") == 0 && len && text[len - 1] >= '1' && text[len - 1] <= '9') {
		snprintf(guess, sizeof(guess), "neutral-%c", text[len - 1]);
		near = guess;
	}
	return cli_usage_error(ctx, cmd, "%s: unknown role '%.32s': did you mean '%s'? (%s)", what,
			       text, near, list);
}

int cli_parse_role_arg(struct cli_ctx *ctx, const char *cmd, const char *what, const char *text,
		       enum nk_role *role)
{
	return cli_parse_role_among(ctx, cmd, what, text, all_roles, role);
}

int cli_parse_role(struct cli_ctx *ctx, const char *cmd, const char *text, enum nk_role *role)
{
	return cli_parse_role_arg(ctx, cmd, "--as", text, role);
}

const struct nk_currency *cli_currency_find(const char *code)
{
	char upper[8];
	size_t n = strnlen(code, sizeof(upper));

	if (n == sizeof(upper))
		return NULL;
	for (size_t i = 0; i <= n; i++)
		upper[i] = (char)toupper((unsigned char)code[i]);
	return nk_currency_find(upper);
}

void cli_iso_time(int64_t ms, char out[static CLI_TIME_MAX])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, CLI_TIME_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

json_t *cli_statement_json(json_t *o, const struct nk_statement *st)
{
	char when[CLI_TIME_MAX], amount[CLI_AMOUNT_MAX];

	cli_iso_time(st->closed_ms, when);
	o = nk_json_set(o, "closed", json_string(when));
	o = nk_json_set(o, "closed_ms", json_integer((json_int_t)st->closed_ms));
	if (st->has_package) {
		char hex[NK_KEY_HEX];

		nk_key_to_hex(st->package, hex);
		o = nk_json_set(o, "currency", json_string(st->currency));
		return nk_json_set(o, "package", json_string(hex));
	}
	if (!st->has_settlement)
		return o;
	cli_format_amount(st->currency, st->settlement, amount);
	o = nk_json_set(o, "currency", json_string(st->currency));
	o = nk_json_set(o, "settlement", json_integer((json_int_t)st->settlement));
	return nk_json_set(o, "settlement_text", json_string(amount));
}

void cli_statement_text(const struct nk_statement *st, char out[static CLI_AMOUNT_MAX + 64])
{
	char when[CLI_TIME_MAX], amount[CLI_AMOUNT_MAX];

	cli_iso_time(st->closed_ms, when);
	if (st->has_package) {
		char hex[NK_KEY_HEX];

		nk_key_to_hex(st->package, hex);
		snprintf(out, CLI_AMOUNT_MAX + 64, "settled on the package %.16s… (%s), ended %s",
			 hex, st->currency, when);
		return;
	}
	if (st->has_settlement)
		cli_format_amount(st->currency, st->settlement, amount);
	snprintf(out, CLI_AMOUNT_MAX + 64, "%s%s%sended %s", st->has_settlement ? "settled at " : "",
		 st->has_settlement ? amount : "", st->has_settlement ? ", " : "", when);
}

void cli_format_bits(double bits, char out[static CLI_BITS_MAX])
{
	if (bits == 0)
		snprintf(out, CLI_BITS_MAX, "0");
	else if (bits > 0 && bits < 0.05)	/* "%.1f" would print 0.0 */
		snprintf(out, CLI_BITS_MAX, "< 0.1");
	else
		snprintf(out, CLI_BITS_MAX, "%.1f", bits);
}

void cli_format_amount(const char *currency, int64_t amount, char out[static CLI_AMOUNT_MAX])
{
	char num[NK_MONEY_TEXT_MAX];

	nk_money_format(nk_currency_find(currency), amount, 1, num);
	snprintf(out, CLI_AMOUNT_MAX, "%s %s", currency, num);
}

enum nk_status cli_write_new(const char *path, const void *data, size_t len, int force,
			     const char *what, struct nk_error *err)
{
	struct stat st;
	enum nk_status rc;

	if (force && lstat(path, &st) == 0 && !S_ISDIR(st.st_mode) && unlink(path) != 0)
		return nk_fail(err, NK_EINVAL, path, "cannot replace the %s: %s", what,
			       strerror(errno));
	rc = nk_file_create_exclusive(path, data, len, what, path, NULL, err);
	if (rc == NK_EINVAL)
		rc = nk_fail(err, NK_EINVAL, path, "the %s exists already (--force replaces it)",
			     what);
	return rc;
}

void cli_format_count(uint64_t n, char out[static CLI_COUNT_MAX])
{
	char digits[24];
	int len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n), o = 0;

	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

/* The mediator's changes to this role's token: a party must see that its token was
 * reissued, in case it did not ask for it (a figure and a package case's briefing). */
void cli_print_token_changes(FILE *f, uint32_t reissued, uint32_t revoked, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char when[32];

	if (!reissued && !revoked)
		return;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(f, "your token: reissued %u time%s and revoked %u time%s by the mediator, last "
		"at %s\n", reissued, reissued == 1 ? "" : "s", revoked, revoked == 1 ? "" : "s", when);
}
