/* The opening's blind member (blind_case.c): version 4 of a figures opening adds
 * {"v": 4, "blind": true} when the case is blind, and nothing otherwise, so that every
 * other case keeps the bytes it had. */
#ifndef NAKODO_CASE_BLIND_CASE_H
#define NAKODO_CASE_BLIND_CASE_H

#include <nakodo/bargain.h>
#include <nakodo/status.h>

#include <nakodo/blind_case.h>

#include <jansson.h>

struct case_state;
struct nk_event;
struct nk_case_env;
struct nk_case_request;
struct nk_request_auth;

/* blind_outcome.c: the action (its kind's table, figure_case.c) and the applier. */
NK_MUST_USE enum nk_status blind_outcome_act(const struct nk_case_env *env,
					     struct case_state *st, enum nk_role role,
					     const struct nk_case_request *req,
					     const struct nk_request_auth *auth, bool *ended,
					     struct nk_error *err);
NK_MUST_USE enum nk_status blind_apply_outcome(struct case_state *st, const json_t *body,
					       struct nk_error *err);
/* The fold's check of a blind round's conclusion (its event's body, deal, and figure
 * with a deal): it names each side's standing outcome, and both say it; NK_ECORRUPT
 * naming the side otherwise. */
NK_MUST_USE enum nk_status blind_check_round(const struct case_state *st, const json_t *body,
					     enum nk_deal_kind deal, int64_t figure,
					     struct nk_error *err);
/* The fold's check of a blind case's settlement (by, figure): the concluded round's
 * deal and figure, or the accepted proposal; NK_ECORRUPT otherwise. */
NK_MUST_USE enum nk_status blind_check_settled(const struct case_state *st,
					       enum nk_deal_kind by, int64_t figure,
					       struct nk_error *err);
/* NK_OK unless ev (body) is a blind_outcome whose party is not its actor: the request
 * numbers are checked per actor, so an outcome under another actor would escape its
 * party's numbering (an earlier one put back after a later). */
NK_MUST_USE enum nk_status blind_check_actor(const struct nk_event *ev, const json_t *body,
					     struct nk_error *err);
/* body (a round's event) with "outcomes": each side's standing outcome by its request
 * number; takes body; NULL when out of memory. */
json_t *blind_round_outcomes(const struct case_state *st, json_t *body);

/* body with the member when rules->blind; NULL-safe, NULL when out of memory. */
json_t *case_event_opened_blind(json_t *body, const struct nk_rules *rules);
/* rules->blind from a body of version; false before version 4; NK_ECORRUPT when the
 * member is there and not true. */
NK_MUST_USE enum nk_status case_event_opened_blind_decode(const json_t *body, int version,
							  struct nk_rules *rules,
							  struct nk_error *err);

#endif
