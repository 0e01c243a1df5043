/* The stored bodies of open proposals (events.h, "open proposals"): the opening's member
 * that declares the rule, and the "announced" event that records a party's visible
 * proposal. Kept apart from events.c so that the tool's codec reads as one piece. */
#include "case/events.h"

#include <nakodo/json_build.h>

#include <string.h>

static enum nk_status bad(struct nk_error *err, const char *type, const char *member)
{
	return nk_fail(err, NK_ECORRUPT, "log", "the case's log is inconsistent: a %s event "
		       "without a valid \"%s\"", type, member);
}

json_t *case_event_opened_open_proposals(json_t *body, const struct nk_rules *rules)
{
	return case_event_opened_flag(body, "open_proposals", rules->open_proposals);
}

enum nk_status case_event_opened_open_proposals_decode(const json_t *body, int version,
						       struct nk_rules *rules,
						       struct nk_error *err)
{
	return case_event_opened_flag_decode(body, version, "open_proposals",
					     &rules->open_proposals, err);
}

json_t *case_event_announced_encode(enum nk_role role, int round, int64_t amount)
{
	return json_pack("{s:s, s:i, s:I}", "role", nk_role_name(role), "round", round, "amount",
			 (json_int_t)amount);
}

enum nk_status case_event_announced_decode(const json_t *body, struct case_event_announced *out,
					   struct nk_error *err)
{
	const char *role = json_string_value(json_object_get(body, "role"));

	if (!role || nk_role_parse(role, &out->role) != NK_OK || out->role == NK_MEDIATOR)
		return bad(err, "announced", "role");
	if (!case_event_int_in(body, "round", 1, NK_ROUNDS_MAX, &out->round))
		return bad(err, "announced", "round");
	if (!case_event_int_in(body, "amount", 0, NK_AMOUNT_MAX, &out->amount))
		return bad(err, "announced", "amount");
	return NK_OK;
}
