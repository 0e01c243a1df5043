/* The appliers of a package case (its kind's table in package_case.c points here): the
 * opening with its frame, each side's submission, the evaluated round with its public
 * package, the answers and their result, and the settlement. As in fold.c, an event that breaks the
 * rules its log records makes the log corrupt rather than half-applied. */
#include "case/case_impl.h"
#include <nakodo/package_json.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The "round" member, which must name the open round. */
static bool open_round(const struct case_state *st, const json_t *body)
{
	const json_t *v = json_object_get(body, "round");

	return st->state == NK_STATE_OPEN && json_is_integer(v) &&
	       json_integer_value(v) == st->round;
}

static bool party(const json_t *body, enum nk_role *role)
{
	const char *name = json_string_value(json_object_get(body, "role"));

	return nk_role_parse(name, role) == NK_OK && *role != NK_MEDIATOR;
}

/* Package rates lie on the basis-point grids of the valuations: written in percent with
 * at most two decimals (3.5, not 3.5000000000000004) and read back onto the same grid,
 * so that a package survives its trip through the log exactly. */
static double rate_on_grid(double rate)
{
	return nearbyint(rate * NK_BP_ONE) / NK_BP_ONE;
}

json_t *package_public_json(const struct nk_currency *cur, const struct nk_package *p)
{
	json_t *o = nk_package_json(cur, p);

	for (int c = NK_LOAN; o && c <= NK_CREDITS; c++) {
		json_t *part = json_object_get(o, nk_component_name((enum nk_component)c));
		double rate = nearbyint(p->terms[c].rate * NK_BP_ONE) / 100;

		if (json_is_object(part) &&
		    json_object_set_new(part, "rate", json_real(rate)) != 0) {
			json_decref(o);
			o = NULL;
		}
	}
	return o;
}

/* The public package of an event, in the frame's currency. */
static enum nk_status read_package(const struct case_state *st, const json_t *obj,
				   struct nk_package *out, struct nk_error *err)
{
	const struct nk_currency *cur = nk_currency_find(st->pkg.frame.currency);
	char *text = json_is_object(obj) ? nk_json_dumps(obj, JSON_COMPACT) : NULL;
	struct nk_error ignored = { 0 };
	enum nk_status rc = json_is_object(obj) && !text ? NK_ENOMEM : NK_ECORRUPT;

	if (text && cur)
		rc = nk_package_json_read(text, strlen(text), "log", cur, out, &ignored);
	free(text);
	for (int c = NK_LOAN; rc == NK_OK && c <= NK_CREDITS; c++)
		out->terms[c].rate = rate_on_grid(out->terms[c].rate);
	if (rc == NK_ENOMEM)
		return nk_fail(err, rc, "log", "out of memory");
	return rc == NK_OK ? NK_OK : case_corrupt(err, "a package that does not decode");
}

void package_frame_rules(const struct nk_package_frame *frame, struct nk_rules *rules)
{
	nk_rules_default(rules, nk_currency_find(frame->currency));
	rules->rounds = frame->rounds;
	rules->monotone = frame->monotone;
	rules->proposals = 0;
}

enum nk_status package_apply_opened(struct case_state *st, const json_t *body,
				    struct nk_error *err)
{
	enum nk_status rc;

	if ((rc = case_event_package_opened_decode(body, &st->pkg.frame, err)) != NK_OK)
		return rc;
	if (!nk_currency_find(st->pkg.frame.currency))
		return case_corrupt(err, "its package frame does not decode");
	for (int i = 0; i < NK_ROUNDS_MAX; i++)
		st->pkg.rounds[i].accepted = -1;
	st->state = NK_STATE_OPEN;
	st->round = 1;
	return NK_OK;
}

static enum nk_status apply_submitted(struct case_state *st, const json_t *body,
				       struct nk_error *err)
{
	enum nk_role role;
	struct package_round *r = &st->pkg.rounds[st->round - 1];

	if (!open_round(st, body) || !party(body, &role) || r->evaluated || r->submitted[role])
		return case_corrupt(err, "a valuation outside the open round, or a second one");
	r->submitted[role] = true;
	return NK_OK;
}

static enum nk_status apply_round(struct case_state *st, const json_t *body,
				   struct nk_error *err)
{
	const char *outcome = json_string_value(json_object_get(body, "outcome"));
	struct package_round *r = &st->pkg.rounds[st->round - 1];
	enum nk_status rc;

	if (!open_round(st, body) || !r->submitted[NK_CLAIMANT] || !r->submitted[NK_PAYER] ||
	    r->evaluated || !outcome)
		return case_corrupt(err, "a package round evaluated before both valuations");
	r->evaluated = true;
	if (strcmp(outcome, "package") == 0) {
		if ((rc = read_package(st, json_object_get(body, "package"), &st->pkg.proposed, err)) != NK_OK)
			return rc;
		r->found = true;
		st->pkg.package_round = st->round;
	} else if (strcmp(outcome, "no-deal") != 0) {
		return case_corrupt(err, "an unknown package round outcome");
	} else if (st->round < st->pkg.frame.rounds) {
		st->round++;
	}
	return NK_OK;
}

static enum nk_status apply_answer(struct case_state *st, const json_t *body,
				    struct nk_error *err)
{
	struct package_round *r = &st->pkg.rounds[st->round - 1];
	enum nk_role role;

	if (!open_round(st, body) || !party(body, &role) || !r->found || r->accepted >= 0 ||
	    r->answered[role])
		return case_corrupt(err, "an answer without a proposed package");
	r->answered[role] = true;
	return NK_OK;
}

static enum nk_status apply_result(struct case_state *st, const json_t *body,
				    struct nk_error *err)
{
	struct package_round *r = &st->pkg.rounds[st->round - 1];
	const json_t *v = json_object_get(body, "accepted");

	if (!open_round(st, body) || !r->answered[NK_CLAIMANT] || !r->answered[NK_PAYER] ||
	    r->accepted >= 0 || !json_is_boolean(v))
		return case_corrupt(err, "a package result before both answers");
	r->accepted = json_is_true(v);
	if (!r->accepted && st->round < st->pkg.frame.rounds)
		st->round++;
	return NK_OK;
}

static enum nk_status apply_settled(struct case_state *st, const json_t *body,
				     struct nk_error *err)
{
	const char *by = json_string_value(json_object_get(body, "by"));
	const struct nk_currency *cur = nk_currency_find(st->pkg.frame.currency);
	json_t *proposed;
	bool same;

	if (!open_round(st, body) || st->pkg.rounds[st->round - 1].accepted != 1 || !by ||
	    strcmp(by, "package") != 0 || !cur)
		return case_corrupt(err, "a package settlement before both accepted");
	if (!(proposed = package_public_json(cur, &st->pkg.proposed)))
		return nk_fail(err, NK_ENOMEM, "log", "out of memory");
	same = json_equal(proposed, json_object_get(body, "package"));
	json_decref(proposed);
	if (!same)
		return case_corrupt(err, "a settlement on another package than the one proposed");
	st->settled = true;
	st->state = NK_STATE_SETTLED;
	return NK_OK;
}

/* Indexed by the event's type; the events every kind shares are fold.c's. */
const case_apply_fn package_appliers[CASE_EV_COUNT] = {
	[CASE_EV_PACKAGE_SUBMITTED] = apply_submitted,
	[CASE_EV_PACKAGE_ROUND] = apply_round,
	[CASE_EV_PACKAGE_ANSWER] = apply_answer,
	[CASE_EV_PACKAGE_RESULT] = apply_result,
	[CASE_EV_SETTLED] = apply_settled,
};
