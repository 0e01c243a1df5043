/* The kind "package", in three files: its commands and kind table (package_case.c), its
 * appliers (package_fold.c) and its briefing (package_brief.c). One header serves the
 * three, as figure_kind.h does for its kind; brief.c also reads package_frame_rules, for
 * the briefing every kind shares. */
#ifndef NAKODO_CASE_PACKAGE_KIND_H
#define NAKODO_CASE_PACKAGE_KIND_H

#include "case/case_impl.h"

/* package_case.c */
extern const struct case_kind case_kind_package;

/* Opens role's sealed valuation of round into out (sodium_malloc memory). */
NK_MUST_USE enum nk_status package_get_valuation(const struct nk_case_env *env, const char *id,
						 int round, enum nk_role role,
						 struct nk_package_valuation *out,
						 struct nk_error *err);

/* Seals v as what.R.ROLE ("valuation", "improvement"), and opens it into out
 * (sodium_malloc memory). */
NK_MUST_USE enum nk_status package_put_sealed(const struct nk_case_env *env, const char *id,
					      const char *what, int round,
					      const struct nk_package_valuation *v,
					      struct nk_error *err);
NK_MUST_USE enum nk_status package_get_sealed(const struct nk_case_env *env, const char *id,
					      const char *what, int round, enum nk_role role,
					      struct nk_package_valuation *out,
					      struct nk_error *err);

/* package_improve.c: the improvement phase of a tentative package (st->pkg.tentative):
 * a side's improvement valuation (NK_ACTION_PACKAGE), a side's answer (NK_ACTION_ANSWER:
 * to the proposed improvement, or a decline before it that keeps the baseline), the
 * mediator's closing (settles on the baseline) and the party's part of the briefing. */
NK_MUST_USE enum nk_status package_improve_submit(const struct nk_case_env *env,
						  struct case_state *st, enum nk_role role,
						  const struct nk_case_request *req,
						  const struct nk_request_auth *auth, bool *ended,
						  struct nk_error *err);
NK_MUST_USE enum nk_status package_improve_answer(const struct nk_case_env *env,
						  struct case_state *st, enum nk_role role,
						  const struct nk_case_request *req,
						  const struct nk_request_auth *auth, bool *ended,
						  struct nk_error *err);
NK_MUST_USE enum nk_status package_settle_baseline(const struct nk_case_env *env,
						   const struct case_state *st,
						   const char *actor,
						   const struct nk_request_auth *auth,
						   struct nk_error *err);
NK_MUST_USE enum nk_status package_improve_brief(const struct nk_case_env *env,
						 const struct case_state *st,
						 struct nk_package_brief *b, struct nk_error *err);

/* package_fold.c: the opening with its frame, and the appliers of the kind's events. */
NK_MUST_USE enum nk_status package_apply_opened(struct case_state *st, const json_t *body,
						struct nk_error *err);
extern const case_apply_fn package_appliers[CASE_EV_COUNT];

/* The rules a package frame implies, for the briefing every kind shares (nk_case_brief):
 * its currency's defaults with the frame's rounds and monotony, and no proposals. */
void package_frame_rules(const struct nk_package_frame *frame, struct nk_rules *rules);

/* package_brief.c: the kind's briefing, into out->package. */
NK_MUST_USE enum nk_status package_brief(const struct nk_case_env *env,
					 const struct case_state *st, enum nk_role role,
					 const struct case_briefs *out, struct nk_error *err);

#endif
