/* frontier_fold2.c: the two-party fold, which frontier.c runs for two parties.
 * Internal to core/. */
#ifndef NAKODO_CORE_FRONTIER_FOLD2_H
#define NAKODO_CORE_FRONTIER_FOLD2_H

#include "core/frontier_common.h"

/* A streaming merge that never builds the candidates the packages kept so far already
 * dominate. Keeps exactly what the general fold keeps. Fills trail; on failure the caller
 * still frees it. */
NK_MUST_USE enum nk_status fr_fold2(const struct fr_table *t,
				    const struct nk_frontier_options *options,
				    struct fr_trail *trail, struct nk_error *err);

#endif
