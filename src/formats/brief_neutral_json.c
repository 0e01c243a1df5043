/* The "neutral" part of a briefing (doc/api.md, "Neutral evaluation"): what each role may
 * know of the neutrals' evaluation, and nothing more than nk_case_brief filled in. */
#include <nakodo/case_json.h>
#include <nakodo/json_build.h>
#include <nakodo/toolkit.h>

bool nk_neutral_tells_other(enum nk_role role, int rule)
{
	if (rule == NK_NEUTRAL_MIDPOINT)
		return nk_role_is_party(role);
	return (role == NK_CLAIMANT && rule == NK_NEUTRAL_OFFER) ||
	       (role == NK_PAYER && rule == NK_NEUTRAL_DEMAND);
}

double nk_neutral_told_bits(const struct nk_rules *rules, int rule)
{
	const struct nk_interval at = { rules->range_low, rules->range_low +
					(rule == NK_NEUTRAL_MIDPOINT ? 1 : 0) };

	return nk_bargain_bits(rules, at);
}

json_t *nk_brief_neutral_to_json(const struct nk_brief *b)
{
	json_t *o = json_pack("{s:i, s:b}", "neutrals", b->rules.neutrals, "evaluating",
			      b->evaluating);

	if (b->role == NK_MEDIATOR)
		o = nk_json_set(o, "fair_given", json_integer(b->fair_count));
	if (nk_role_kind(b->role) == NK_ROLE_NEUTRAL)
		o = nk_json_set(o, "own_fair_given", json_boolean(b->own_fair_given));
	if (b->neutral_shown) {
		o = nk_json_set(o, "last_figures", json_pack("{s:I, s:I}", "demand",
							     (json_int_t)b->neutral_demand, "offer",
							     (json_int_t)b->neutral_offer));
		if (b->own_fair_given)
			o = nk_json_set(o, "own_fair", json_integer(b->own_fair));
	}
	if (b->neutral_rule >= 0) {
		o = nk_json_set(o, "rule", json_string(nk_neutral_rule_name(b->neutral_rule)));
		if (nk_role_is_party(b->role))
			o = nk_json_set(o, "other_figure_told",
					json_boolean(nk_neutral_tells_other(b->role,
									    b->neutral_rule)));
		if (nk_neutral_tells_other(b->role, b->neutral_rule))
			o = nk_json_set(o, "other_figure_bits",
					json_real(nk_neutral_told_bits(&b->rules,
								       b->neutral_rule)));
	}
	return o;
}

void nk_brief_neutral_from_json(const json_t *obj, struct nk_brief *b)
{
	const json_t *last = json_object_get(obj, "last_figures");
	const json_t *fair = json_object_get(obj, "own_fair");
	json_int_t given = json_integer_value(json_object_get(obj, "fair_given"));

	b->neutral_rule = -1;
	if (!json_is_object(obj))
		return;
	b->evaluating = json_is_true(json_object_get(obj, "evaluating"));
	b->fair_count = given >= 0 && given <= NK_CASE_NEUTRALS_MAX ? (int)given : 0;
	b->own_fair_given = json_is_true(json_object_get(obj, "own_fair_given"));
	if (json_is_integer(json_object_get(last, "demand")) &&
	    json_is_integer(json_object_get(last, "offer"))) {
		b->neutral_shown = true;
		b->neutral_demand = json_integer_value(json_object_get(last, "demand"));
		b->neutral_offer = json_integer_value(json_object_get(last, "offer"));
	}
	if (json_is_integer(fair))
		b->own_fair = json_integer_value(fair);
	if (!nk_neutral_rule_parse(json_string_value(json_object_get(obj, "rule")),
				   &b->neutral_rule))
		b->neutral_rule = -1;
}
