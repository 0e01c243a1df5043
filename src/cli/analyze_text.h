/* analyze_text.c: nakodo analyze's report as text. */
#ifndef NAKODO_CLI_ANALYZE_TEXT_H
#define NAKODO_CLI_ANALYZE_TEXT_H

#include <nakodo/analysis.h>

#include <stdio.h>

void analyze_print_text(FILE *f, const struct nk_analysis *an);

#endif
