/* The briefing as a person reads it (cmd_brief.c), shared with the demo, the remote
 * client and the commands that print a briefing after an action. */
#ifndef NAKODO_CLI_CMD_BRIEF_H
#define NAKODO_CLI_CMD_BRIEF_H

#include "cli/cli.h"

#include <nakodo/case.h>

#include <stdbool.h>
#include <stdio.h>

/* Renders round i (0-based) of a briefing for a person. */
void cli_print_round(FILE *f, const struct nk_brief *b, int i);
/* Renders a briefing for a person. */
void cli_print_brief(FILE *f, const struct nk_brief *b);

/* Prints role's briefing of case id (text or JSON). After an action, brief_after
 * prints the shorter text form. */
int cli_show_brief(struct cli_ctx *ctx, const struct nk_case_env *env, const char *id,
		   enum nk_role role, bool after_action);

#endif
