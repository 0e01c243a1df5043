/* The kind "figures", in three files: its commands and kind table (figure_case.c), its
 * appliers (figure_fold.c) and its briefing (brief.c). One header serves the three: they
 * are one kind's parts, and what they declare is used by the kind itself and by the
 * list of kinds (case.c), nowhere else. */
#ifndef NAKODO_CASE_FIGURE_KIND_H
#define NAKODO_CASE_FIGURE_KIND_H

#include "case/case_impl.h"

/* figure_case.c */
extern const struct case_kind case_kind_figures;

/* Replays rounds 1..count from the sealed figures into results[]. */
NK_MUST_USE enum nk_status case_replay(const struct nk_case_env *env, const struct case_state *st,
				       int count, struct nk_round_result *results,
				       struct nk_error *err);

/* What the parties may still see of an ended case, sealed under names the purge spares
 * (NK_SECRET_KEPT): a random settlement's seed (figure_case.c, keep_seed) and each
 * side's hint of a failed round, "kept.hint.R.ROLE" (case_kept_hint). */
#define CASE_REVEALED_SEED NK_SECRET_KEPT "seed"

/* The hint one side was told of a failed round and whether it was withheld, as
 * figure_case.c kept it (keep_hint); NK_ENOTFOUND if it kept none. */
NK_MUST_USE enum nk_status case_kept_hint(const struct nk_case_env *env, const char *id,
					  int round, enum nk_role role, int *hint, bool *withheld,
					  struct nk_error *err);

/* bridge.c: a case that declares a bridge (doc/toolkit.md, "The bridge"). Its budget is
 * sealed under CASE_BRIDGE_BUDGET, deleted with the other secrets when the case ends;
 * what each party pays or receives after a bridged settlement is kept for that party
 * alone under CASE_BRIDGE_KEPT "ROLE", which the purge spares. */
#define CASE_BRIDGE_BUDGET "bridge"
#define CASE_BRIDGE_KEPT NK_SECRET_KEPT "bridge."

/* The open round, the last, failed: tries the bridge on its figures and, when the gap
 * is within the budget, keeps each side's amount and logs the settlement (the gap only:
 * the log is the mediator's), setting *ended. Otherwise appends nothing. */
NK_MUST_USE enum nk_status case_bridge_try(const struct nk_case_env *env,
					   const struct case_state *st, bool *ended,
					   struct nk_error *err);

/* What role receives (claimant) or pays (payer) after a bridged settlement, as kept. */
NK_MUST_USE enum nk_status case_bridge_kept(const struct nk_case_env *env, const char *id,
					    enum nk_role role, int64_t *amount,
					    struct nk_error *err);

/* figure_fold.c: the opening with its rules, and the appliers of the kind's events. */
NK_MUST_USE enum nk_status figure_apply_opened(struct case_state *st, const json_t *body,
					       struct nk_error *err);
extern const case_apply_fn figure_appliers[CASE_EV_COUNT];

/* brief.c: the kind's briefing, into out->figures. */
NK_MUST_USE enum nk_status figure_brief(const struct nk_case_env *env,
					const struct case_state *st, enum nk_role role,
					const struct case_briefs *out, struct nk_error *err);

#endif
