/* nakodo server-key's printing (cmd_server_key.c), which nakodo serve --print-key
 * shares. */
#ifndef NAKODO_CLI_CMD_SERVER_KEY_H
#define NAKODO_CLI_CMD_SERVER_KEY_H

#include "cli.h"

#include <stdbool.h>

/* Prints the server's public key (hex, or {"server_key": HEX} with --json) for the
 * database ctx->db, which must exist unless create. Returns an exit status. */
int cli_print_server_key(struct cli_ctx *ctx, bool create);

#endif
