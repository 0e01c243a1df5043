#ifndef NAKODO_CLI_CMD_VERIFY_DRAW_H
#define NAKODO_CLI_CMD_VERIFY_DRAW_H

#include "cli.h"

/* nakodo verify --draw CASE --as claimant|payer AMOUNT: a party checks its random
 * settlement against the seed's commitment and replays the draw with its own figure. */
int cli_verify_draw(struct cli_ctx *ctx, int argc, char **argv);

#endif
