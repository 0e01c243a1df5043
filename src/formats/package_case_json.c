/* JSON codecs of a package case: the frame that opens it, decoded strictly so a stored
 * frame means one thing, and the briefing a role receives. A party's own valuation
 * summary appears only in its own briefing; the mediator's holds public facts alone. */
#include <nakodo/case_json.h>
#include <nakodo/json_build.h>
#include <nakodo/package_case_json.h>
#include <nakodo/package_json.h>
#include <nakodo/time.h>

#include <string.h>

int nk_component_parse(const char *name)
{
	for (int c = 0; c < NK_COMPONENTS; c++)
		if (name && strcmp(name, nk_component_name((enum nk_component)c)) == 0)
			return c;
	return -1;
}

static json_t *components_json(const bool on[static NK_COMPONENTS])
{
	json_t *a = json_array();

	for (int c = 0; a && c < NK_COMPONENTS; c++)
		if (on[c])
			a = nk_json_append(a, json_string(nk_component_name((enum nk_component)c)));
	return a;
}

json_t *nk_package_frame_to_json(const struct nk_package_frame *f)
{
	json_t *o = json_pack("{s:s, s:o, s:s, s:i, s:b, s:s}", "currency", f->currency,
			      "components", components_json(f->components),
			      "solution", nk_solution_name(f->solution), "rounds", f->rounds,
			      "monotone", f->monotone, "hints", "none");

	/* each written only when on, so that a frame without it keeps the shape it had */
	if (f->improvements)
		o = nk_json_set(o, "improvements", json_true());
	if (o && f->deadline_ms) {
		char when[NK_TIME_TEXT_MAX];

		nk_time_format_utc(f->deadline_ms, when);
		o = nk_json_set(o, "deadline", json_string(when));
	}
	return o;
}

static enum nk_status check_keys(const json_t *obj, struct nk_error *err)
{
	static const char *const known[] = {
		"currency", "components", "solution", "rounds", "monotone", "hints", "improvements",
		"deadline",
	};
	const char *key;
	const json_t *v;

	json_object_foreach((json_t *)obj, key, v) {
		size_t i = 0;

		while (i < sizeof(known) / sizeof(known[0]) && strcmp(known[i], key) != 0)
			i++;
		if (i == sizeof(known) / sizeof(known[0]))
			return nk_fail(err, NK_EINVAL, "frame", "unknown field '%.32s'", key);
	}
	return NK_OK;
}

enum nk_status nk_package_frame_from_json(const json_t *obj, struct nk_package_frame *out,
					  struct nk_error *err)
{
	struct nk_package_frame f;
	const json_t *v, *item;
	const char *hints;
	size_t i;
	enum nk_status rc;

	if (!json_is_object(obj))
		return nk_fail(err, NK_EINVAL, "frame", "must be an object");
	if ((rc = check_keys(obj, err)) != NK_OK)
		return rc;
	memset(&f, 0, sizeof(f));
	v = json_object_get(obj, "currency");
	if (!json_is_string(v) || json_string_length(v) != 3)
		return nk_fail(err, NK_EINVAL, "currency", "must be a three-letter code");
	memcpy(f.currency, json_string_value(v), 4);
	v = json_object_get(obj, "components");
	if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > NK_COMPONENTS)
		return nk_fail(err, NK_EINVAL, "components", "must list 1 to %d of claims, grant, loan, credits",
			       NK_COMPONENTS);
	json_array_foreach(v, i, item) {
		int c = nk_component_parse(json_string_value(item));

		if (c < 0)
			return nk_fail(err, NK_EINVAL, "components", "expected claims, grant, loan or credits");
		if (f.components[c])
			return nk_fail(err, NK_EINVAL, "components", "%s is listed twice",
				       nk_component_name((enum nk_component)c));
		f.components[c] = true;
	}
	v = json_object_get(obj, "solution");
	if (!json_is_string(v))
		return nk_fail(err, NK_EINVAL, "solution", "must be nash, kalai_smorodinsky, egalitarian or utilitarian");
	if ((rc = nk_solution_parse(json_string_value(v), &f.solution, err)) != NK_OK)
		return rc;
	v = json_object_get(obj, "rounds");
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > NK_ROUNDS_MAX)
		return nk_fail(err, NK_EINVAL, "rounds", "must be a whole number from 1 to %d", NK_ROUNDS_MAX);
	f.rounds = (int)json_integer_value(v);
	v = json_object_get(obj, "monotone");
	if (!json_is_boolean(v))
		return nk_fail(err, NK_EINVAL, "monotone", "must be true or false");
	f.monotone = json_is_true(v);
	v = json_object_get(obj, "improvements");
	if (v && !json_is_boolean(v))
		return nk_fail(err, NK_EINVAL, "improvements", "must be true or false");
	f.improvements = json_is_true(v);
	v = json_object_get(obj, "deadline");
	if (v && (rc = nk_time_parse_utc(json_string_value(v), "deadline", &f.deadline_ms,
					 err)) != NK_OK)
		return rc;
	v = json_object_get(obj, "hints");
	hints = json_string_value(v);
	if (v && (!hints || strcmp(hints, "none") != 0))
		return nk_fail(err, NK_EINVAL, "hints", "package rounds give no hints: the only policy is \"none\"");
	if ((rc = nk_package_frame_check(&f, err)) != NK_OK)
		return rc;
	*out = f;
	return NK_OK;
}

static json_t *round_json(const struct nk_package_brief *b, int i)
{
	const struct nk_package_brief_round *r = &b->rounds[i];
	json_t *o = json_pack("{s:i, s:s}", "round", i + 1, "outcome",
			      !r->evaluated ? "pending" : r->found ? "package" : "no-deal");

	if (o && b->role != NK_MEDIATOR) {
		o = nk_json_set(o, "submitted", json_boolean(r->own_submitted));
		if (r->own_answer >= 0)
			o = nk_json_set(o, "answer", json_string(r->own_answer ? "accept" : "decline"));
	}
	if (o && r->accepted >= 0)
		o = nk_json_set(o, "accepted", json_boolean(r->accepted == 1));
	return o;
}

static json_t *own_json(const struct nk_package_brief *b)
{
	json_t *o = json_pack("{s:i, s:s, s:f, s:I, s:o}", "round", b->own_round, "party", b->own_party,
			      "discount", b->own_discount, "reservation", (json_int_t)b->own_reservation,
			      "components", components_json(b->own_components));

	if (o && b->has_own_value) {
		const struct nk_package_worth *w = &b->own_value;
		json_t *parts = json_object();

		/* every part the package shows (a part of 0 is worth 0), and the label's */
		for (int c = 0; parts && c < NK_COMPONENTS; c++)
			if (b->package.amount[c] || b->frame.components[c])
				parts = nk_json_set(parts, nk_component_name((enum nk_component)c),
						    json_integer(w->part[c]));
		if (parts)
			parts = nk_json_set(parts, "label", json_integer(w->label));
		o = nk_json_set(o, "value_of_package",
				    json_pack("{s:i, s:o, s:I, s:b}", "round", b->package_round,
					      "parts", parts, "total", (json_int_t)w->total,
					      "acceptable", w->acceptable));
	}
	return o;
}

/* The improvement phase (doc/package.md, "Improvements"): public facts for every role;
 * the party's own answer and worths (on its own improvement scale) in its own only. */
static json_t *improvement_json(const struct nk_currency *cur, const struct nk_package_brief *b)
{
	json_t *sub = json_object(), *o;

	/* who submitted: both for the mediator, a party its own only */
	for (int r = 0; sub && r < 2; r++)
		if (b->role == NK_MEDIATOR || b->role == (enum nk_role)r)
			sub = nk_json_set(sub, nk_role_name((enum nk_role)r),
					  json_boolean(b->improvement_submitted[r]));
	o = json_pack("{s:s, s:o, s:s, s:b}", "phase", b->tentative ? "open" : "ended",
		      "submitted", sub, "outcome", !b->improvement_evaluated ? "pending"
		      : b->improvement_found ? "package" : "none", "improved", b->improved);

	if (o && b->improvement_found && cur)
		o = nk_json_set(o, "package", nk_package_json_framed(cur, &b->improvement,
								      b->frame.components));
	if (o && b->improvement_accepted >= 0)
		o = nk_json_set(o, "accepted", json_boolean(b->improvement_accepted == 1));
	if (o && b->role != NK_MEDIATOR && b->improvement_own_answer >= 0)
		o = nk_json_set(o, "answer", json_string(b->improvement_own_answer ? "accept"
											 : "decline"));
	if (o && b->role != NK_MEDIATOR && b->has_own_improvement) {
		json_t *own = json_pack("{s:I}", "baseline", (json_int_t)b->own_baseline_worth.total);

		if (own && b->has_own_improvement_worth)
			own = nk_json_set(own, "improvement",
					  json_integer((json_int_t)b->own_improvement_worth.total));
		o = nk_json_set(o, "own", own);
	}
	return o;
}

json_t *nk_package_brief_to_json(const struct nk_package_brief *b)
{
	const struct nk_currency *cur = nk_currency_find(b->frame.currency);
	json_t *rounds = json_array(), *o, *keys;

	for (int i = 0; rounds && i < b->round; i++)
		rounds = nk_json_append(rounds, round_json(b, i));
	o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:o, s:o, s:b, s:b}", "case", b->case_id,
		      "kind", "package", "role", nk_role_name(b->role),
		      "state", nk_case_state_name(b->state), "round", b->round,
		      "frame", nk_package_frame_to_json(&b->frame), "rounds", rounds,
		      "settled", b->settled, "secrets_deleted", b->secrets_deleted);
	if (o && b->title[0])
		o = nk_json_set(o, "title", json_string(b->title));
	if (o && b->state == NK_STATE_CLOSED && nk_close_reason_name(b->closed_reason))
		o = nk_json_set(o, "closed_reason",
				json_string(nk_close_reason_name(b->closed_reason)));
	/* as a figure briefing: the mediator's alone has the log's length */
	if (o && b->role == NK_MEDIATOR)
		o = nk_json_set(o, "events", json_integer((json_int_t)b->events));
	if (o && b->has_package && cur)
		o = nk_json_set(o, "package", json_pack("{s:i, s:o}", "round", b->package_round,
							    "package",
							    nk_package_json_framed(cur, &b->package,
										   b->frame.components)));
	if (o && b->has_own)
		o = nk_json_set(o, "own", own_json(b));
	/* as a figure briefing's "deadlines", only when the frame has one */
	if (o && b->frame.deadline_ms)
		o = nk_json_set(o, "deadlines", json_pack("{s:b}", "deadline_passed",
							  b->deadline_passed));
	if (o && b->improvement_phase)
		o = nk_json_set(o, "improvement", improvement_json(cur, b));
	if (o && (keys = nk_keys_to_json(b->joined, b->identity)))
		o = nk_json_set(o, "keys", keys);
	else if (nk_keys_any(b->joined))
		o = nk_json_set(o, "keys", NULL);	/* out of memory: no briefing at all */
	if (o && b->last_request)
		o = nk_json_set(o, "last_request", json_integer((json_int_t)b->last_request));
	if (o && (b->token_reissues || b->token_revokes))
		o = nk_json_set(o, "token", json_pack("{s:I, s:I, s:I}", "reissued",
						      (json_int_t)b->token_reissues, "revoked",
						      (json_int_t)b->token_revokes, "changed_ms",
						      (json_int_t)b->token_changed_ms));
	return o;
}
