/* The events of neutral evaluation (doc/toolkit.md, "Neutral evaluation in a case"):
 * the opening's neutrals, the start of the neutrals' turn, each neutral's fair figure
 * (only that it was given: the figure is sealed apart) and the settlement they decide,
 * with the rule that decided and never the neutrals' figures or their median. */
#include "case/events.h"

#include <nakodo/json_build.h>

#include <nakodo/toolkit.h>

#include <string.h>

json_t *case_event_opened_neutrals(json_t *body, const struct nk_rules *rules)
{
	if (!body || !rules->neutrals)
		return body;	/* no neutrals: the bytes an older version wrote */
	body = nk_json_set(body, "v", json_integer(4));
	return nk_json_set(body, "neutrals", json_integer(rules->neutrals));
}

enum nk_status case_event_opened_neutrals_decode(const json_t *body, int version,
						 struct nk_rules *rules, struct nk_error *err)
{
	int64_t n = 0;

	rules->neutrals = 0;
	if (version < 4 || !json_object_get(body, "neutrals"))
		return NK_OK;
	if (!case_event_int_in(body, "neutrals", 1, NK_CASE_NEUTRALS_MAX, &n))
		return case_corrupt(err, "an opening with a bad \"neutrals\"");
	rules->neutrals = (int)n;
	return NK_OK;
}

json_t *case_event_evaluation_encode(int neutrals)
{
	return json_pack("{s:i}", "neutrals", neutrals);
}

json_t *case_event_fair_encode(enum nk_role role)
{
	return json_pack("{s:s}", "role", nk_role_name(role));
}

enum nk_status case_event_fair_decode(const json_t *body, enum nk_role *role,
				      struct nk_error *err)
{
	const char *name = json_string_value(json_object_get(body, "role"));

	if (!name || nk_role_parse(name, role) != NK_OK || !nk_role_neutral_index(*role))
		return case_corrupt(err, "a fair figure without a neutral's role");
	return NK_OK;
}

json_t *case_event_neutral_settled_encode(int64_t figure, int rule)
{
	return json_pack("{s:I, s:s, s:s}", "figure", (json_int_t)figure, "by",
			 nk_deal_kind_name(NK_DEAL_NEUTRAL), "rule", nk_neutral_rule_name(rule));
}

bool case_event_neutral_rule(const json_t *body, int *rule)
{
	return nk_neutral_rule_parse(json_string_value(json_object_get(body, "rule")), rule);
}
