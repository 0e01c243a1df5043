/* Shared helpers of the command's subcommands (util.c); what cli.h declares of the
 * exit statuses and error reports is there too. */
#ifndef NAKODO_CLI_UTIL_H
#define NAKODO_CLI_UTIL_H

#include "cli.h"

#include <nakodo/case.h>
#include <nakodo/money.h>
#include <nakodo/store.h>

#include <jansson.h>

#define CLI_AMOUNT_MAX (NK_MONEY_TEXT_MAX + 8)

/* "s" unless n is one: "1 round", "2 rounds". */
#define CLI_PLURAL(n) ((n) == 1 ? "" : "s")

/* Maps a status to the exit status of enum cli_exit (cli.h). */
int cli_exit_for(enum nk_status status);

/* Of the len bytes at p: the length of the character there when it may be printed as
 * it is (valid UTF-8, not a control, C1 control or Bidi_Control mark; tab and newline
 * are the caller's), else 0 with *bad the bytes to escape (1 for a byte that is not part
 * of valid UTF-8, a lone 0x9b among them). */
size_t cli_text_char(const unsigned char *p, size_t len, size_t *bad);
/* Writes text (a party's or a server's) to f with every byte cli_text_char refuses
 * shown as \xHH, so that it cannot drive the reader's terminal. */
void cli_put_safe(FILE *f, const char *text, size_t len);
/* text as a JSON string (a new reference, NULL without memory): when it is not valid
 * UTF-8, which JSON cannot carry, each byte that is not is written "\\xNN" instead, as
 * cli_put_safe writes it, so that --json still prints the error, what was typed and all. */
json_t *cli_json_text(const char *text);

/* Prints "nakodo: FIELD: TEXT" (or a JSON problem object with --json) and returns the
 * exit status for err->code. */
int cli_report(struct cli_ctx *ctx, const struct nk_error *err);

/* Reports err, which arose reading the file at path, as "nakodo: FILE: FIELD: REASON"
 * (the file said once, though the library's readers start their reasons with it; the
 * field left out when it is the file or its "nakodo" tag, so that no prefix is doubled)
 * and, with --json, as cli_report's object with "file" beside "field". */
int cli_report_file(struct cli_ctx *ctx, const char *path, const struct nk_error *err);

/* Prints "nakodo CMD: MESSAGE" and a pointer to --help on stderr and, with --json, the
 * object {"error": "usage", "command", "detail", "exit": 2} on stdout; returns
 * CLI_USAGE. */
int cli_usage_error(struct cli_ctx *ctx, const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The usage error for what getopt_long returned as c (opterr 0, optstring "-") when the
 * command does not take it: an option of opts that this command has no use for is named
 * by its long name ("this command takes no --as", and why when given), not by the
 * argument it took (argv[optind - 1]); any other is an unknown or incomplete option. */
struct option;
/* The usage error for an option getopt_long refused ('?' or ':') or an extra argument
 * (1): a known option given last, without its value, is "option '--as' needs a value",
 * the one wording of every command (and of the global options); any other is an unknown
 * or incomplete option, or an unexpected argument. */
int cli_bad_option(struct cli_ctx *ctx, const char *cmd, const struct option *opts, int c,
		   char **argv);
int cli_option_error(struct cli_ctx *ctx, const char *cmd, const struct option *opts, int c,
		     char **argv, const char *why);

/* Prints obj (taking the reference) as the command's JSON answer. */
void cli_print_json(struct cli_ctx *ctx, json_t *obj);
/* Opens ctx->db; reports and returns an exit status on failure. */
int cli_open_store(struct cli_ctx *ctx, bool create, struct nk_store **store);
/* Opens ctx->db and the server's signing key every case function needs: the one in
 * PATH.server-key beside an sqlite database (made on first need), or a key made for
 * this run for a store without a file (mem:). The caller closes the store and frees
 * the key (nk_server_key_free). Reports and returns an exit status on failure. */
struct nk_server_key;
int cli_open_case_store(struct cli_ctx *ctx, bool create, struct nk_store **store,
			struct nk_server_key **signer);
/* Reads AMOUNT (or a line of standard input for "-") in cur; wipes the text. A refusal
 * names field ("amount", "bridge"). */
int cli_read_amount(struct cli_ctx *ctx, const struct nk_currency *cur, const char *arg,
		    const char *field, int64_t *amount);
bool cli_wants_help(int argc, char **argv);
/* Writes data to path as a new private file (0600, never through a link another user
 * planted there); an existing file is replaced only when force is set. what names the
 * file in errors ("SVG file"). */
NK_MUST_USE enum nk_status cli_write_new(const char *path, const void *data, size_t len,
					 int force, const char *what, struct nk_error *err);
/* --as ROLE: a usage error when text is NULL or names no role (with the nearest role's
 * name, when it looks like a typo of one). cli_parse_role_arg names the argument what. */
int cli_parse_role(struct cli_ctx *ctx, const char *cmd, const char *text, enum nk_role *role);
/* The same among names (NULL-terminated; "neutral-K" stands for neutral-1 ..), which the
 * refusal lists and guesses from: the roles that may do what cmd does. */
extern const char *const cli_roles_submit[];	/* claimant, payer, neutral-K */
extern const char *const cli_roles_party[];	/* claimant, payer */
int cli_parse_role_among(struct cli_ctx *ctx, const char *cmd, const char *what,
			 const char *text, const char *const *names, enum nk_role *role);
int cli_parse_role_arg(struct cli_ctx *ctx, const char *cmd, const char *what, const char *text,
		       enum nk_role *role);
/* Of names, the one text is likely a typo of (a few edits away), or NULL. */
const char *cli_nearest(const char *text, const char *const *names, size_t count);
/* The currency of an ISO 4217 code in any case ("usd", "Usd"), or NULL. */
const struct nk_currency *cli_currency_find(const char *code);
/* ms since 1970 as ISO 8601 in UTC, to the second: "2026-12-04T22:51:35Z". */
#define CLI_TIME_MAX 24
void cli_iso_time(int64_t ms, char out[static CLI_TIME_MAX]);
/* A count grouped in thousands: "1,000,000" (20 digits and 6 commas at most). */
#define CLI_COUNT_MAX 32
void cli_format_count(uint64_t n, char out[static CLI_COUNT_MAX]);
/* "USD 350,000,000.00" */
void cli_format_amount(const char *currency, int64_t amount, char out[static CLI_AMOUNT_MAX]);
/* "your token: reissued N times and revoked M times by the mediator, last at TIME" when
 * the mediator changed this role's token (ms: the latest change); nothing otherwise. */
void cli_print_token_changes(FILE *f, uint32_t reissued, uint32_t revoked, int64_t ms);
/* Bits of leakage as text shows them: to one decimal, "0" when none, and "< 0.1" when
 * some but less than one decimal shows, which "0.0" would tell a party was none. --json
 * keeps the exact number. */
#define CLI_BITS_MAX 16
void cli_format_bits(double bits, char out[static CLI_BITS_MAX]);

struct nk_statement;
/* A closing statement's time (ISO 8601 UTC) and settlement for a receipt's reader: adds
 * "closed", "closed_ms" and, with a settlement, "currency", "settlement" (minor units) and
 * "settlement_text" to o; text gets "settled at USD 450,000.00 " or "", then the time. */
json_t *cli_statement_json(json_t *o, const struct nk_statement *st);
void cli_statement_text(const struct nk_statement *st, char out[static CLI_AMOUNT_MAX + 64]);
#endif
