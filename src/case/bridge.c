/* A case's bridge (doc/toolkit.md, "The bridge"): a confidential budget, sealed when the
 * case opens, that pays the gap when the last round's figures fail to meet by no more
 * than it. The rule is core's (nk_bridge_settle); this file reads the sealed figures and
 * budget, and records the settlement so that each role sees only its own part: the log,
 * which the mediator reads, holds the gap and neither figure; each party's amount is
 * kept for it alone, past the purge, so that its briefing can tell it what it receives
 * or pays as one sum. */
#include "case/figure_kind.h"

#include <nakodo/toolkit.h>

#include <sodium.h>
#include <stdio.h>

static void kept_name(char out[static NK_SECRET_NAME_MAX], enum nk_role role)
{
	snprintf(out, NK_SECRET_NAME_MAX, CASE_BRIDGE_KEPT "%s", nk_role_name(role));
}

enum nk_status case_bridge_try(const struct nk_case_env *env, const struct case_state *st,
			       bool *ended, struct nk_error *err)
{
	struct nk_bridge_result res = { 0 };
	int64_t demand = 0, offer = 0, budget = 0;
	char name[NK_SECRET_NAME_MAX];
	enum nk_status rc;

	case_secret_name(name, "figure", st->round, NK_CLAIMANT);
	rc = case_get_amount(env, st->id, name, &demand, err);
	case_secret_name(name, "figure", st->round, NK_PAYER);
	if (rc == NK_OK)
		rc = case_get_amount(env, st->id, name, &offer, err);
	if (rc == NK_OK)
		rc = case_get_amount(env, st->id, CASE_BRIDGE_BUDGET, &budget, err);
	if (rc == NK_OK)
		rc = nk_bridge_settle(&st->fig.rules, demand, offer, budget, &res, err);
	if (rc == NK_OK && res.closes) {
		kept_name(name, NK_CLAIMANT);
		rc = case_put_amount(env, st->id, name, res.received, err);
		kept_name(name, NK_PAYER);
		if (rc == NK_OK)
			rc = case_put_amount(env, st->id, name, res.paid, err);
		if (rc == NK_OK)
			rc = case_append(env, st->id, "go-between", CASE_EV_SETTLED,
					 case_event_bridged_encode(res.bridged, st->round), err);
		*ended = rc == NK_OK;
	}
	sodium_memzero(&demand, sizeof(demand));
	sodium_memzero(&offer, sizeof(offer));
	sodium_memzero(&budget, sizeof(budget));
	sodium_memzero(&res, sizeof(res));
	return rc;
}

enum nk_status case_bridge_kept(const struct nk_case_env *env, const char *id,
				enum nk_role role, int64_t *amount, struct nk_error *err)
{
	char name[NK_SECRET_NAME_MAX];

	kept_name(name, role);
	return case_get_amount(env, id, name, amount, err);
}
