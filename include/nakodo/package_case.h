/* Blind package rounds: a case opened with a public package frame, in which each side
 * hands the go-between its confidential package valuation for the round, sealed; when
 * both are in, the go-between proposes the fair package (nk_package_propose) or says
 * "no deal", and a proposed package settles the case when both accept it. */
#ifndef NAKODO_PACKAGE_CASE_H
#define NAKODO_PACKAGE_CASE_H

#include <nakodo/brief.h>
#include <nakodo/case.h>
#include <nakodo/package.h>

/* Opens a package case under frame (checked first); before_commit (may be NULL) runs
 * inside the opening's transaction as for nk_case_open_with. */
NK_MUST_USE enum nk_status nk_package_case_open(const struct nk_case_env *env,
						const struct nk_package_frame *frame,
						nk_case_open_hook before_commit, void *arg,
						char id[static NK_CASE_ID_MAX], struct nk_error *err);

/* nk_package_case_open, the case named by title (NULL: none; as nk_case_open_titled). */
NK_MUST_USE enum nk_status nk_package_case_open_titled(const struct nk_case_env *env,
						       const struct nk_package_frame *frame,
						       const char *title,
						       nk_case_open_hook before_commit, void *arg,
						       char id[static NK_CASE_ID_MAX],
						       struct nk_error *err);

/* role's confidential valuation for round (0: the open round, whichever it is; else it
 * must be the open one). Checked against the frame, and against the role's valuation of
 * the round before when the frame is monotone; sealed; the log records only that role
 * submitted for the round. When it completes the round, the round is evaluated in the
 * same transaction. A package case only; a figure case refuses it (and vice versa).
 * Unsigned: once role has joined the case with a key this is NK_EAUTH (field
 * "signature") and appends nothing; a joined role submits through nk_case_act with
 * NK_ACTION_PACKAGE (req.round, req.valuation) and its signature, whose request number
 * the package_submitted event records. */
NK_MUST_USE enum nk_status nk_package_case_submit(const struct nk_case_env *env, const char *id,
						  enum nk_role role, int round,
						  const struct nk_package_valuation *valuation,
						  struct nk_error *err);

/* A package case's answers go through nk_case_answer: a party accepts or declines the
 * round's proposed package, sealed; both accept -> settled with it; otherwise the next
 * round opens, or the case closes after the last. */

/* What role may know of a package case (NK_EINVAL, field "case", for a figure case).
 * out should be sodium_malloc memory: a party's briefing holds its own reservation. */
NK_MUST_USE enum nk_status nk_package_case_brief(const struct nk_case_env *env, const char *id,
						 enum nk_role role, struct nk_package_brief *out,
						 struct nk_error *err);

/* role's briefing of case id, whichever its kind, from one read of its log: a case of
 * figures fills *figures (as nk_case_brief), a package case *package (as
 * nk_package_case_brief); *is_package says which. Both outputs should be memory the
 * caller wipes: a party's briefing holds its own figures or reservation. */
NK_MUST_USE enum nk_status nk_case_brief_any(const struct nk_case_env *env, const char *id,
					     enum nk_role role, struct nk_brief *figures,
					     struct nk_package_brief *package, bool *is_package,
					     struct nk_error *err);

/* nk_case_act, then role's briefing as nk_case_brief_any gives it, built from the state
 * the action left inside the action's own transaction (no second read of the case).
 * *briefed is false when the action was done but no briefing was built (a log from
 * before chain links, a deadline due, a briefing refused): the caller then reads it with
 * nk_case_brief_any. The outputs are as nk_case_brief_any's, to be wiped by the caller. */
NK_MUST_USE enum nk_status nk_case_act_brief(const struct nk_case_env *env, const char *id,
					     enum nk_role role,
					     const struct nk_case_request *req,
					     const struct nk_request_auth *auth,
					     struct nk_brief *figures,
					     struct nk_package_brief *package, bool *is_package,
					     bool *briefed, struct nk_error *err);

#endif
