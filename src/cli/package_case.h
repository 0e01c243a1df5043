/* The command's side of blind package rounds (cmd_package_case.c): nakodo package open
 * and submit, and the package briefing printed alike from a local case and from the
 * server's answer. */
#ifndef NAKODO_CLI_PACKAGE_CASE_H
#define NAKODO_CLI_PACKAGE_CASE_H

#include "cli.h"

#include <nakodo/case.h>

#include <jansson.h>

int package_open(struct cli_ctx *ctx, int argc, char **argv);
int package_submit(struct cli_ctx *ctx, int argc, char **argv);

/* Prints a package briefing (nk_package_brief_to_json's shape; takes the reference):
 * JSON with --json, else one line after an action, else the whole briefing. */
int package_brief_answer(struct cli_ctx *ctx, const char *id, json_t *brief, bool after_action);

#endif
