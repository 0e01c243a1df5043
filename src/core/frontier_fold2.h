/* The folds frontier.c runs: frontier_fold2.c for two parties, frontier_foldn.c for
 * three to five; each in quad precision, as *_int in 128-bit integers for an exact table
 * and as *_fast in doubles for one that fits53 (frontier_common.h). Internal to core/. */
#ifndef NAKODO_CORE_FRONTIER_FOLD2_H
#define NAKODO_CORE_FRONTIER_FOLD2_H

#include "core/frontier_common.h"

/* A streaming merge that never builds the candidates the packages kept so far already
 * dominate. Keeps exactly what the general fold keeps. Fills trail; on failure the caller
 * still frees it. */
NK_MUST_USE enum nk_status fr_fold2(const struct fr_table *t,
				    const struct nk_frontier_options *options,
				    struct fr_trail *trail, struct nk_error *err);
NK_MUST_USE enum nk_status fr_fold2_fast(const struct fr_table *t,
					 const struct nk_frontier_options *options,
					 struct fr_trail *trail, struct nk_error *err);
NK_MUST_USE enum nk_status fr_fold2_int(const struct fr_table *t,
					const struct nk_frontier_options *options,
					struct fr_trail *trail, struct nk_error *err);

/* The fold for three to five parties (two work too; fr_fold2 is faster), alike. */
NK_MUST_USE enum nk_status fr_foldn(const struct fr_table *t,
				    const struct nk_frontier_options *options,
				    struct fr_trail *trail, struct nk_error *err);
NK_MUST_USE enum nk_status fr_foldn_fast(const struct fr_table *t,
					 const struct nk_frontier_options *options,
					 struct fr_trail *trail, struct nk_error *err);
NK_MUST_USE enum nk_status fr_foldn_int(const struct fr_table *t,
					const struct nk_frontier_options *options,
					struct fr_trail *trail, struct nk_error *err);

#endif
