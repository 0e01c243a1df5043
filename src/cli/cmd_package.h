/* The text form of a package (cmd_package.c), shared with the demo's second act and
 * the package case's briefing. */
#ifndef NAKODO_CLI_CMD_PACKAGE_H
#define NAKODO_CLI_CMD_PACKAGE_H

#include <nakodo/money.h>
#include <nakodo/package.h>

#include <stddef.h>
#include <stdio.h>

/* Writes a package, one line per part, each line starting with indent. */
void package_print(FILE *f, const struct nk_currency *cur, const struct nk_package *p,
		   const char *indent);

/* One line: "USD 300,000,000.00 over 10 years" / "USD 200,000,000.00 at 3.5%, 7 years'
 * grace, 20 years" for part c of p. */
void package_part_text(const struct nk_currency *cur, const struct nk_package *p,
		       enum nk_component c, char *out, size_t cap);

#endif
