/* The demo's second act (demo_package.c): the package half of nakodo demo. */
#ifndef NAKODO_CLI_DEMO_PACKAGE_H
#define NAKODO_CLI_DEMO_PACKAGE_H

#include "cli.h"

#include <stdio.h>

/* The second act of nakodo demo: the 12 November 1962 positions as package valuations
 * (embedded), the package the go-between proposes beside the Kim-Ohira memorandum, each
 * side's value of both. Prints to out; returns an enum cli_exit (a leak is CLI_STORAGE). */
int demo_package_act(struct cli_ctx *ctx, FILE *out);

#endif
