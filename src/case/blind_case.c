/* A blind case's rules and the opening's member that says a case is blind (doc/blind.md).
 * The engine (crypto/blind.c) computes every rule of a figure case; what is refused here
 * is what the go-between would learn from the relay, or what the clients do not work
 * out yet, so that a case opened blind is blind in every round it can reach. */
#include "case/blind_case.h"

#include <nakodo/blind.h>
#include <nakodo/blind_case.h>
#include <nakodo/json_build.h>

enum nk_status nk_case_blind_rules_check(const struct nk_rules *rules, struct nk_error *err)
{
	enum nk_status rc = nk_blind_rules_check(rules, err);

	if (rc != NK_OK)
		return rc;
	/* Rules whose keeping needs the go-between to hold the figures, which in a blind
	 * case it never does. */
	if (rules->open_proposals)
		return nk_fail(err, NK_EINVAL, "open_proposals", "a blind case cannot take open "
			       "proposals: the go-between checks each secret figure against its "
			       "party's visible proposal, and it never holds a figure here");
	if (rules->bridge)
		return nk_fail(err, NK_EINVAL, "bridge", "a blind case cannot take a bridge: the "
			       "go-between measures the gap between the last figures against the "
			       "budget, and it never holds a figure here");
	if (rules->neutrals)
		return nk_fail(err, NK_EINVAL, "neutrals", "a blind case cannot go to neutral "
			       "evaluation: the neutrals are shown both parties' last figures, "
			       "which the go-between never holds here");
	/* Under the random rule the clients exchange one message per draw, and the number
	 * of draws depends on how narrow the zone between the figures is: the go-between
	 * would learn how close they were. */
	if (rules->settle == NK_SETTLE_RANDOM)
		return nk_fail(err, NK_EINVAL, "settle", "a blind case cannot settle by the random "
			       "rule: the number of draws the clients exchange would tell the "
			       "go-between how close the figures are; use midpoint or band");
	/* From round 2 a side's hint decision is a vector, one entry per earlier round the
	 * other's figure may repeat (nk_blind_input.allowed); the clients work out round 1's
	 * only (doc/blind.md, "Not wired yet"). */
	if (rules->hint_count > 0 && rules->rounds > 1)
		return nk_fail(err, NK_EINVAL, "hints", "a blind case tells hints in a case of one "
			       "round only (--rounds 1), or none (--hints none): the later "
			       "rounds' hint decisions are not computed blind yet");
	return NK_OK;
}

json_t *case_event_opened_blind(json_t *body, const struct nk_rules *rules)
{
	if (!body || !rules->blind)
		return body;	/* not blind: the bytes it had */
	body = nk_json_set(body, "v", json_integer(4));
	return nk_json_set(body, "blind", json_true());
}

enum nk_status case_event_opened_blind_decode(const json_t *body, int version,
					      struct nk_rules *rules, struct nk_error *err)
{
	const json_t *v = json_object_get(body, "blind");

	rules->blind = false;
	if (version < 4 || !v)
		return NK_OK;
	if (!json_is_true(v))
		return nk_fail(err, NK_ECORRUPT, "log", "the case's log is inconsistent: an opening "
			       "whose \"blind\" is not true");
	rules->blind = true;
	return NK_OK;
}
