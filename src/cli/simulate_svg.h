/* nakodo simulate --svg: the run's settlement rates and bits learnt, drawn for a person. */
#ifndef NAKODO_CLI_SIMULATE_SVG_H
#define NAKODO_CLI_SIMULATE_SVG_H

#include <nakodo/simulate.h>

/* Writes the plot of rep to path as a new file (replacing one only with force). */
NK_MUST_USE enum nk_status cli_simulate_svg(const struct nk_sim_report *rep, const char *path,
					    int force, struct nk_error *err);

#endif
