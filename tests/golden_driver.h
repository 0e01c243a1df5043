/* The shared half of the golden runners: find DIR/NAME.case files, run each through the
 * runner's report function, compare the report byte for byte with NAME.expected (or
 * rewrite it when NAKODO_GOLDEN_UPDATE=1), and print TAP. */
#ifndef NAKODO_GOLDEN_DRIVER_H
#define NAKODO_GOLDEN_DRIVER_H

#include <stdio.h>

/* Writes the report of one case read from in to out; returns 0, or -1 when the case
 * itself could not be run (the test then fails whatever it printed). dir is the folder
 * of the case files, for cases that name other files. */
typedef int golden_run_fn(FILE *in, const char *dir, FILE *out);

/* Runs every case of dir; a report containing `forbidden` (NULL: none) fails too.
 * Returns the process exit status. */
int golden_main(const char *dir, golden_run_fn *run, const char *forbidden);

#endif
