/* A party's draft awaiting its principal (doc/toolkit.md, "Principals"), in the party's
 * and its principal's briefings: {"action": "figure"|"extension"|"answer", "round",
 * "amount" (a figure or extension) or "accept" (an answer), "number"}. */
#include <nakodo/case_json.h>
#include <nakodo/json_build.h>

#include <string.h>

static const char *draft_action_name(int action)
{
	switch (action) {
	case NK_ACTION_SUBMIT: return "figure";
	case NK_ACTION_EXTEND: return "extension";
	case NK_ACTION_ANSWER: return "answer";
	default: return NULL;
	}
}

json_t *nk_brief_draft_to_json(json_t *o, const struct nk_brief *b)
{
	const char *name = draft_action_name(b->draft_action);
	json_t *d;

	if (!o || !b->draft || !name)
		return o;
	d = json_pack("{s:s, s:i, s:I}", "action", name, "round", b->draft_round,
		      "number", (json_int_t)b->draft_number);
	if (d && b->draft_action == NK_ACTION_ANSWER)
		d = nk_json_set(d, "accept", json_boolean(b->draft_accept));
	else if (d)
		d = nk_json_set(d, "amount", json_integer((json_int_t)b->draft_amount));
	return nk_json_set(o, "draft", d);
}

void nk_brief_draft_from_json(const json_t *obj, struct nk_brief *b)
{
	const json_t *d = json_object_get(obj, "draft");
	const char *action = json_string_value(json_object_get(d, "action"));
	json_int_t number = json_integer_value(json_object_get(d, "number"));
	json_int_t round = json_integer_value(json_object_get(d, "round"));

	b->draft = false;
	if (!action || number <= 0 || round < 1 || round > NK_ROUNDS_MAX)
		return;
	for (int a = NK_ACTION_SUBMIT; a <= NK_ACTION_ANSWER; a++)
		if (strcmp(draft_action_name(a), action) == 0) {
			b->draft = true;
			b->draft_action = a;
		}
	b->draft_round = (int)round;
	b->draft_number = (uint64_t)number;
	b->draft_amount = json_integer_value(json_object_get(d, "amount"));
	b->draft_accept = json_is_true(json_object_get(d, "accept"));
}
