/* The package pieces of the command: the demo's second act (demo_package.c) and the
 * text form of a package that it shares with nakodo package (cmd_package.c). */
#ifndef NAKODO_CLI_DEMO_PACKAGE_H
#define NAKODO_CLI_DEMO_PACKAGE_H

#include "cli.h"

#include <nakodo/money.h>
#include <nakodo/package.h>

#include <stdio.h>

/* Writes a package, one line per part, each line starting with indent. */
void package_print(FILE *f, const struct nk_currency *cur, const struct nk_package *p,
		   const char *indent);

/* One line: "USD 300,000,000.00 over 10 years" / "USD 200,000,000.00 at 3.5%, 7 years'
 * grace, 20 years" for part c of p. */
void package_part_text(const struct nk_currency *cur, const struct nk_package *p,
		       enum nk_component c, char *out, size_t cap);

/* The second act of nakodo demo: the 12 November 1962 positions as package valuations
 * (embedded), the package the go-between proposes beside the Kim-Ohira memorandum, each
 * side's value of both. Prints to out; returns an enum cli_exit (a leak is CLI_STORAGE). */
int demo_package_act(struct cli_ctx *ctx, FILE *out);

#endif
