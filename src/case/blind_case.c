/* A blind case's rules and the opening's member that says a case is blind (doc/blind.md).
 * The engine (crypto/blind.c) computes every rule of a figure case; what is refused here
 * is what the go-between would learn from the relay, or what the clients do not work
 * out yet, so that a case opened blind is blind in every round it can reach. */
#include "case/blind_case.h"
#include "case/events.h"

#include <nakodo/blind.h>
#include <nakodo/blind_channel.h>
#include <nakodo/blind_case.h>
#include <nakodo/json_build.h>

/* The largest frame of a round carries the garbled circuit, whose tables grow with the
 * rounds when hints are told (a figure test per earlier round): the relay must carry it,
 * with a stream header in front (a side's first message goes in its header's frame). */
static enum nk_status blind_frame_check(const struct nk_rules *rules, struct nk_error *err)
{
	static const uint8_t sid[NK_BLIND_SESSION_BYTES];
	struct nk_blind_party *p;
	enum nk_status rc = nk_blind_new(rules, NK_CLAIMANT, sid, &p, err);
	size_t frame;

	if (rc != NK_OK)
		return rc;
	frame = 1 + NK_CHANNEL_HEADER_BYTES + nk_blind_message_max(p) + NK_CHANNEL_OVERHEAD;
	nk_blind_free(p);
	if (frame > NK_CHANNEL_FRAME_MAX)
		return nk_fail(err, NK_EINVAL, "rounds", "a blind case of %d rounds with %d hint "
			       "thresholds needs messages of %zu bytes, over the relay's %u: use "
			       "fewer rounds or thresholds", rules->rounds, rules->hint_count,
			       frame, NK_CHANNEL_FRAME_MAX);
	return NK_OK;
}

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
	/* From round 2 a side's hint decision is a vector, one entry per round since which
	 * the other's figure may have been kept (nk_blind_input.allowed), which the circuit
	 * picks from. Under monotone rules a kept figure is kept in a run, so that entry is
	 * what the plain round's decision depends on; without them the other's figure may
	 * come back to any set of earlier figures, and the decision depends on the set. */
	if (rules->hint_count > 0 && rules->rounds > 1 && !rules->monotone)
		return nk_fail(err, NK_EINVAL, "hints", "a blind case of more than one round tells "
			       "hints only under monotone concessions (drop --no-monotone, or use "
			       "--hints none or --rounds 1): without them the hint decision "
			       "depends on which earlier figures the other side came back to, "
			       "which a blind round does not compute");
	return blind_frame_check(rules, err);
}

json_t *case_event_opened_blind(json_t *body, const struct nk_rules *rules)
{
	return case_event_opened_flag(body, "blind", rules->blind);
}

enum nk_status case_event_opened_blind_decode(const json_t *body, int version,
					      struct nk_rules *rules, struct nk_error *err)
{
	return case_event_opened_flag_decode(body, version, "blind", &rules->blind, err);
}
