/* Shared helpers of the command's subcommands (see util.c). */
#ifndef NAKODO_CLI_UTIL_H
#define NAKODO_CLI_UTIL_H

#include "cli.h"

#include <nakodo/case.h>
#include <nakodo/money.h>
#include <nakodo/store.h>

#include <jansson.h>

#define CLI_AMOUNT_MAX (NK_MONEY_TEXT_MAX + 8)

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
/* Reads AMOUNT (or a line of standard input for "-") in cur; wipes the text. */
int cli_read_amount(struct cli_ctx *ctx, const struct nk_currency *cur, const char *arg,
		    int64_t *amount);
bool cli_wants_help(int argc, char **argv);
int cli_parse_role(struct cli_ctx *ctx, const char *cmd, const char *text, enum nk_role *role);
/* "USD 350,000,000.00" */
void cli_format_amount(const char *currency, int64_t amount, char out[static CLI_AMOUNT_MAX]);
/* Renders round i (0-based) of a briefing for a person. */
void cli_print_round(FILE *f, const struct nk_brief *b, int i);
/* Renders a briefing for a person. */
void cli_print_brief(FILE *f, const struct nk_brief *b);

/* The server's signing key, kept in PATH.server-key beside the sqlite database db
 * (made on first need); the caller frees *out with nk_server_key_free. */
struct nk_server_key;
NK_MUST_USE enum nk_status cli_server_key_load(const char *db, struct nk_server_key **out,
					       struct nk_error *err);
/* Prints the server's public key (hex, or {"server_key": HEX} with --json) for the
 * database ctx->db, which must exist unless create. Returns an exit status. */
int cli_print_server_key(struct cli_ctx *ctx, bool create);
#endif
