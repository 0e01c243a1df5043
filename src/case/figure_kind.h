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
/* The same, leaving the figures it read in figures[NK_ROUNDS_MAX] (extensions 0 where
 * none), for a caller that needs them too; the caller wipes them. */
NK_MUST_USE enum nk_status case_replay_figures(const struct nk_case_env *env,
					       const struct case_state *st, int count,
					       struct nk_round_result *results,
					       struct nk_round_figures *figures,
					       struct nk_error *err);

/* What the parties may still see of an ended case, sealed under names the purge spares
 * (NK_SECRET_KEPT): a random settlement's seed (figure_case.c, keep_seed) and each
 * side's hint of a failed round, "kept.hint.R.ROLE" (case_kept_hint). */
#define CASE_REVEALED_SEED NK_SECRET_KEPT "seed"

/* Records round st->round's result res (its deal and settlement; its views for the
 * hints, unless the case is blind) and what follows: the settlement and the case's end,
 * the next round, or the impasse. */
NK_MUST_USE enum nk_status case_round_conclude(const struct nk_case_env *env,
					       struct case_state *st,
					       const struct nk_round_result *res, bool *ended,
					       struct nk_error *err);

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
/* brief.c: whether role's briefing of st needs no store beyond the pending transaction's
 * held values (act_brief.c builds it after the commit then). */
bool figure_brief_store_free(const struct case_state *st, enum nk_role role);
NK_MUST_USE enum nk_status figure_brief(const struct nk_case_env *env,
					const struct case_state *st, enum nk_role role,
					const struct case_briefs *out, struct nk_error *err);

/* open_case.c: open proposals. The visible proposal of side standing in round (the
 * latest announced in it or before), false when none; the action that announces one,
 * the check of a secret figure beside it, the applier of its event, and the briefing's
 * part. */
bool case_open_standing(const struct case_state *st, int round, enum nk_role side,
			int64_t *out);
NK_MUST_USE enum nk_status case_open_announce(const struct nk_case_env *env,
					      struct case_state *st, enum nk_role role,
					      const struct nk_case_request *req,
					      const struct nk_request_auth *auth, bool *ended,
					      struct nk_error *err);
NK_MUST_USE enum nk_status case_open_check_figure(const struct case_state *st,
						  enum nk_role role, int64_t figure,
						  struct nk_error *err);
NK_MUST_USE enum nk_status case_open_apply(struct case_state *st, const json_t *body,
					   struct nk_error *err);
void case_open_brief(const struct case_state *st, struct nk_brief *b);
/* Narrows a party's view of a round (what it knows of the other's figure, and what the
 * other can know of its own) by the proposals standing at that round's end. */
void case_open_narrow_view(const struct case_state *st, int round, enum nk_role role,
			   struct nk_view *view);

/* neutral_case.c: neutral evaluation after impasse (doc/toolkit.md). */
NK_MUST_USE enum nk_status neutral_apply_evaluation(struct case_state *st, const json_t *body,
						    struct nk_error *err);
NK_MUST_USE enum nk_status neutral_apply_fair(struct case_state *st, const json_t *body,
					      struct nk_error *err);
/* The case goes to its neutrals (at the impasse when the rules allow no proposal, or
 * once the last proposal was not accepted): appends "evaluation". */
NK_MUST_USE enum nk_status neutral_begin(const struct nk_case_env *env, struct case_state *st,
					 struct nk_error *err);
/* The parties' last figures, which the neutrals are shown (and only they). */
NK_MUST_USE enum nk_status case_neutral_figures(const struct nk_case_env *env,
						const struct case_state *st, int64_t *demand,
						int64_t *offer, struct nk_error *err);
/* A neutral's fair figure (NK_ACTION_SUBMIT by a neutral role); the last one settles. */
NK_MUST_USE enum nk_status neutral_submit(const struct nk_case_env *env, struct case_state *st,
					  enum nk_role role, const struct nk_case_request *req,
					  const struct nk_request_auth *auth, bool *ended,
					  struct nk_error *err);

#endif
