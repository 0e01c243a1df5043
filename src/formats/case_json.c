/* JSON codecs for rules and briefings. Amounts are integers in minor units, always
 * beside the currency; decoding is strict so that a stored or sent rule set means
 * exactly one thing. */
#include <nakodo/case_json.h>
#include <nakodo/json_build.h>
#include <nakodo/time.h>
#include "base/hex.h"

#include <string.h>

const char *nk_case_state_name(enum nk_case_state state)
{
	static const char *const names[] = {
		[NK_STATE_OPEN] = "open", [NK_STATE_SETTLED] = "settled",
		[NK_STATE_IMPASSE] = "impasse", [NK_STATE_CLOSED] = "closed",
	};
	return (unsigned)state <= NK_STATE_CLOSED ? names[state] : "unknown";
}

static const char *const close_names[] = {
	[NK_CLOSE_MEDIATOR] = "mediator", [NK_CLOSE_DEADLINE] = "deadline",
	[NK_CLOSE_LAPSES] = "lapses", [NK_CLOSE_NO_PROPOSAL] = "no_proposal",
	[NK_CLOSE_DECLINED] = "declined", [NK_CLOSE_NO_PACKAGE] = "no_package",
	[NK_CLOSE_PACKAGE_DECLINED] = "package_declined", [NK_CLOSE_OTHER] = "other",
};

const char *nk_close_reason_name(enum nk_close_reason reason)
{
	return reason > NK_CLOSE_NONE && reason <= NK_CLOSE_OTHER ? close_names[reason] : NULL;
}

enum nk_close_reason nk_close_reason_parse(const char *name)
{
	for (int i = NK_CLOSE_NONE + 1; name && i <= NK_CLOSE_OTHER; i++)
		if (strcmp(close_names[i], name) == 0)
			return (enum nk_close_reason)i;
	return name ? NK_CLOSE_OTHER : NK_CLOSE_NONE;
}

const char *nk_close_reason_phrase(enum nk_close_reason reason)
{
	static const char *const phrases[] = {
		[NK_CLOSE_MEDIATOR] = "the mediator closed it",
		[NK_CLOSE_DEADLINE] = "its deadline passed",
		[NK_CLOSE_LAPSES] = "the open round lapsed three times",
		[NK_CLOSE_NO_PROPOSAL] =
			"every round failed and the rules allow no mediator's proposal",
		[NK_CLOSE_DECLINED] = "the mediator's proposals were not accepted",
		[NK_CLOSE_NO_PACKAGE] = "no package both accepted after the last round",
		[NK_CLOSE_PACKAGE_DECLINED] = "the last round's package was not accepted by both",
	};
	return reason > NK_CLOSE_NONE && reason < NK_CLOSE_OTHER ? phrases[reason] : NULL;
}

const char *nk_case_state_phrase(enum nk_case_state state)
{
	return state == NK_STATE_IMPASSE ? "at impasse" : nk_case_state_name(state);
}

json_t *nk_rules_to_json(const struct nk_rules *r)
{
	json_t *hints = json_array();
	json_t *obj;

	for (int i = 0; hints && i < r->hint_count; i++)
		hints = nk_json_append(hints, json_integer(r->hint_bp[i]));
	obj = json_pack("{s:s, s:i, s:b, s:s, s:I, s:I, s:I, s:o, s:I, s:I, s:f, s:i}",
			"currency", r->currency, "rounds", r->rounds, "monotone", r->monotone,
			"settle", nk_settle_name(r->settle), "band_bp", (json_int_t)r->band_bp,
			"band_amount", (json_int_t)r->band_amount, "grid", (json_int_t)r->grid,
			"hints_bp", hints, "range_low", (json_int_t)r->range_low,
			"range_high", (json_int_t)r->range_high,
			"leakage_bits", r->leakage_bits, "proposals", r->proposals);
	/* deadlines only when declared, so that every rule set without them reads as it did */
	if (obj && r->round_time_ms)
		obj = nk_json_set(obj, "round_time", json_integer(r->round_time_ms / 1000));
	if (obj && r->deadline_ms) {
		char when[NK_TIME_TEXT_MAX];

		nk_time_format_utc(r->deadline_ms, when);
		obj = nk_json_set(obj, "deadline", json_string(when));
	}
	if (obj && r->principals)	/* likewise only when declared */
		obj = nk_json_set(obj, "principals", json_true());
	if (obj && r->authority)	/* likewise only when declared */
		obj = nk_json_set(obj, "authority", json_true());
	if (obj && r->blind)	/* likewise only when blind */
		obj = nk_json_set(obj, "blind", json_true());
	if (obj && r->open_proposals)	/* likewise only when declared */
		obj = nk_json_set(obj, "open_proposals", json_true());
	/* neutral evaluation, likewise only when declared */
	if (obj && r->neutrals)
		obj = nk_json_set(obj, "neutrals", json_integer(r->neutrals));
	/* a bridge only when declared, as a fact: its budget is never in the rules */
	if (obj && r->bridge)
		obj = nk_json_set(obj, "bridge", json_true());
	return obj;
}

/* Reads an integer member within [min, max]; refuses reals, strings and absence. */
static enum nk_status get_int(const json_t *obj, const char *key, int64_t min, int64_t max,
			      int64_t *out, struct nk_error *err)
{
	const json_t *v = json_object_get(obj, key);

	if (!v)
		return nk_fail(err, NK_EINVAL, key, "missing");
	if (!json_is_integer(v))
		return nk_fail(err, NK_EINVAL, key, "must be an integer");
	if (json_integer_value(v) < min || json_integer_value(v) > max)
		return nk_fail(err, NK_EINVAL, key, "out of bounds");
	*out = json_integer_value(v);
	return NK_OK;
}

enum nk_status nk_rules_from_json(const json_t *obj, struct nk_rules *out, struct nk_error *err)
{
	static const char *const known[] = {
		"currency", "rounds", "monotone", "settle", "band_bp", "band_amount", "grid",
		"hints_bp", "range_low", "range_high", "leakage_bits", "proposals",
		"round_time", "deadline", "principals", "blind",	/* optional: from here on */
		"open_proposals", "neutrals", "bridge", "authority",
	};
	const size_t required = 12;	/* the members before "round_time" */
	struct nk_rules r;
	const char *key;
	const json_t *v;
	int64_t n;
	enum nk_status rc;

	if (!json_is_object(obj))
		return nk_fail(err, NK_EINVAL, "rules", "must be an object");
	json_object_foreach((json_t *)obj, key, v) {
		size_t i = 0;

		while (i < sizeof(known) / sizeof(known[0]) && strcmp(known[i], key) != 0)
			i++;
		if (i == sizeof(known) / sizeof(known[0]))
			return nk_fail(err, NK_EINVAL, "rules", "unknown key '%.32s'", key);
	}
	/* Every member but the deadlines is required: name the first one absent rather
	 * than its type. */
	for (size_t i = 0; i < required; i++)
		if (!json_object_get(obj, known[i]))
			return nk_fail(err, NK_EINVAL, known[i],
				       "missing (every member of the rules is required)");
	memset(&r, 0, sizeof(r));
	v = json_object_get(obj, "currency");
	if (!json_is_string(v) || json_string_length(v) != 3)
		return nk_fail(err, NK_EINVAL, "currency", "must be a three-letter code");
	memcpy(r.currency, json_string_value(v), 4);
	if ((rc = get_int(obj, "rounds", 1, NK_ROUNDS_MAX, &n, err)) != NK_OK)
		return rc;
	r.rounds = (int)n;
	v = json_object_get(obj, "monotone");
	if (!json_is_boolean(v))
		return nk_fail(err, NK_EINVAL, "monotone", "must be true or false");
	r.monotone = json_is_true(v);
	v = json_object_get(obj, "settle");
	if (!json_is_string(v))
		return nk_fail(err, NK_EINVAL, "settle", "must be a string");
	for (n = 0; n <= NK_SETTLE_RANDOM && strcmp(nk_settle_name((enum nk_settle)n), json_string_value(v)); n++)
		;
	if (n > NK_SETTLE_RANDOM)
		return nk_fail(err, NK_EINVAL, "settle", "unknown settlement rule");
	r.settle = (enum nk_settle)n;
	if ((rc = get_int(obj, "band_bp", 0, NK_BP_ONE, &n, err)) != NK_OK)
		return rc;
	r.band_bp = (uint32_t)n;
	if ((rc = get_int(obj, "band_amount", 0, NK_AMOUNT_MAX, &r.band_amount, err)) != NK_OK ||
	    (rc = get_int(obj, "grid", 1, NK_AMOUNT_MAX, &r.grid, err)) != NK_OK ||
	    (rc = get_int(obj, "range_low", 0, NK_AMOUNT_MAX, &r.range_low, err)) != NK_OK ||
	    (rc = get_int(obj, "range_high", 0, NK_AMOUNT_MAX, &r.range_high, err)) != NK_OK)
		return rc;
	v = json_object_get(obj, "hints_bp");
	if (!json_is_array(v) || json_array_size(v) > NK_HINTS_MAX)
		return nk_fail(err, NK_EINVAL, "hints_bp", "must be an array of at most %d integers", NK_HINTS_MAX);
	for (size_t i = 0; i < json_array_size(v); i++) {
		const json_t *t = json_array_get(v, i);

		if (!json_is_integer(t) || json_integer_value(t) < 1 || json_integer_value(t) >= NK_BP_ONE)
			return nk_fail(err, NK_EINVAL, "hints_bp", "thresholds are integers in 1..9999");
		r.hint_bp[i] = (uint32_t)json_integer_value(t);
	}
	r.hint_count = (int)json_array_size(v);
	v = json_object_get(obj, "leakage_bits");
	if (!json_is_number(v))
		return nk_fail(err, NK_EINVAL, "leakage_bits", "must be a number");
	r.leakage_bits = json_number_value(v);
	if ((rc = get_int(obj, "proposals", 0, NK_PROPOSALS_MAX, &n, err)) != NK_OK)
		return rc;
	r.proposals = (int)n;
	if (json_object_get(obj, "round_time")) {
		if ((rc = get_int(obj, "round_time", NK_ROUND_TIME_MIN_MS / 1000,
				  NK_ROUND_TIME_MAX_MS / 1000, &n, err)) != NK_OK)
			return rc;
		r.round_time_ms = n * 1000;
	}
	v = json_object_get(obj, "deadline");
	if (v && (rc = nk_time_parse_utc(json_string_value(v), "deadline", &r.deadline_ms,
					 err)) != NK_OK)
		return rc;
	v = json_object_get(obj, "principals");
	if (v && !json_is_boolean(v))
		return nk_fail(err, NK_EINVAL, "principals", "must be true or false");
	r.principals = json_is_true(v);
	v = json_object_get(obj, "blind");
	if (v && !json_is_boolean(v))
		return nk_fail(err, NK_EINVAL, "blind", "must be true or false");
	r.blind = json_is_true(v);
	v = json_object_get(obj, "authority");
	if (v && !json_is_boolean(v))
		return nk_fail(err, NK_EINVAL, "authority", "must be true or false");
	r.authority = json_is_true(v);
	/* A blind case's rules are checked where it is opened (nk_case_blind_rules_check,
	 * in the case layer, which knows what the parties' computation can keep). */
	v = json_object_get(obj, "open_proposals");
	if (v && !json_is_boolean(v))
		return nk_fail(err, NK_EINVAL, "open_proposals", "must be true or false");
	r.open_proposals = json_is_true(v);
	if (json_object_get(obj, "neutrals")) {
		if ((rc = get_int(obj, "neutrals", 0, NK_CASE_NEUTRALS_MAX, &n, err)) != NK_OK)
			return rc;
		r.neutrals = (int)n;
	}
	v = json_object_get(obj, "bridge");
	if (v && !json_is_boolean(v))
		return nk_fail(err, NK_EINVAL, "bridge", "must be true or false here (a case's "
			       "opening request gives the budget, doc/api.md)");
	r.bridge = json_is_true(v);
	if ((rc = nk_rules_check(&r, err)) != NK_OK)
		return rc;
	*out = r;
	return NK_OK;
}

enum nk_status nk_rules_from_text(const char *text, size_t len, struct nk_rules *rules,
				  struct nk_error *err)
{
	json_error_t jerr;
	json_t *obj;
	enum nk_status rc;

	if (len > 4096)
		return nk_fail(err, NK_EINVAL, "rules", "longer than 4096 bytes");
	obj = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!obj)
		return nk_fail(err, NK_EINVAL, "rules", "not JSON: %s (line %d)", jerr.text, jerr.line);
	rc = nk_rules_from_json(obj, rules, err);
	json_decref(obj);
	return rc;
}

/* Built member by member rather than with json_pack, which parses its format on every
 * call: every evaluated round of every answer has one (bench/README.md). */
static json_t *interval_to_json(const struct nk_interval *w)
{
	return nk_json_set(nk_json_set(json_object(), "low", json_integer((json_int_t)w->low)),
			   "high", json_integer((json_int_t)w->high));
}

static json_t *view_to_json(const struct nk_view *v)
{
	json_t *o = nk_json_set(json_object(), "other_within", interval_to_json(&v->other));

	o = nk_json_set(o, "bits", json_real(v->bits));
	o = nk_json_set(o, "exposed_within", interval_to_json(&v->exposed));
	return nk_json_set(o, "exposed_bits", json_real(v->exposed_bits));
}

static json_t *round_to_json(const struct nk_brief *b, int i)
{
	const struct nk_brief_round *r = &b->rounds[i];
	bool party = b->role != NK_MEDIATOR;
	json_t *o = nk_json_set(json_object(), "round", json_integer(i + 1));

	o = nk_json_set(o, "evaluated", json_boolean(r->evaluated));
	if (!o)
		return NULL;
	if (party) {
		o = nk_json_set(o, "submitted", json_boolean(r->own_submitted));
		/* a blind case's figures never reach the go-between */
		if (r->own_submitted && !b->figures_deleted && !b->rules.blind)
			o = nk_json_set(o, "own_figure", json_integer(r->own_figure));
		if (r->own_extension && !b->figures_deleted)
			o = nk_json_set(o, "own_extension", json_integer(r->own_extension));
	}
	if (r->evaluated) {
		o = nk_json_set(o, "outcome", json_string(nk_deal_kind_name(r->deal)));
		if (r->deal != NK_NO_DEAL)
			o = nk_json_set(o, "figure", json_integer(r->figure));
		else if (b->rules.hint_count > 0 && party) {	/* hints are each side's own */
			char text[NK_HINT_TEXT_MAX];

			nk_bargain_hint_text(&b->rules, r->hint, text);
			o = nk_json_set(o, "hint", r->hint >= 0 ? json_string(text) : json_null());
			o = nk_json_set(o, "hint_withheld", json_boolean(r->withheld));
		}
		if (r->has_view)
			o = nk_json_set(o, "leakage", view_to_json(&r->view));
	}
	return o;
}

bool nk_keys_any(const bool joined[static NK_ROLE_COUNT])
{
	for (int r = 0; r < NK_ROLE_COUNT; r++)
		if (joined[r])
			return true;
	return false;
}

/* The identities the roles registered (nakodo/case_json.h): a figure briefing and a
 * package briefing list them alike. */
json_t *nk_keys_to_json(const bool joined[static NK_ROLE_COUNT],
			const struct nk_identity identity[static NK_ROLE_COUNT])
{
	json_t *keys = NULL;

	for (int r = 0; r < NK_ROLE_COUNT; r++) {
		char sign[NK_KEY_HEX], seal[NK_KEY_HEX], safety[NK_SAFETY_NUMBER_MAX];

		if (!joined[r])
			continue;
		if (!keys && !(keys = json_object()))
			return NULL;
		nk_key_to_hex(identity[r].sign, sign);
		nk_key_to_hex(identity[r].seal, seal);
		nk_safety_number(&identity[r], safety);
		keys = nk_json_set(keys, nk_role_name((enum nk_role)r),
				    json_pack("{s:s, s:s, s:s}", "sign", sign, "seal", seal,
					      "safety_number", safety));
	}
	return keys;
}

/* The role's own requests, messages and deposit, each only once there is one. */
static json_t *traffic_to_json(const struct nk_brief *b, json_t *o)
{
	json_t *sent = json_object(), *received = json_object();

	if (!sent || !received) {
		json_decref(o);
		o = NULL;
	}
	for (int r = 0; r < NK_ROLE_COUNT; r++) {
		if (b->sent[r])
			sent = nk_json_set(sent, nk_role_name((enum nk_role)r),
					    json_integer((json_int_t)b->sent[r]));
		if (b->received[r])
			received = nk_json_set(received, nk_role_name((enum nk_role)r),
					    json_integer((json_int_t)b->received[r]));
	}
	if (json_object_size(sent) || json_object_size(received))
		o = nk_json_set(o, "messages", json_pack("{s:O, s:O}", "sent", sent,
							     "received", received));
	json_decref(sent);
	json_decref(received);
	if (b->last_request)
		o = nk_json_set(o, "last_request", json_integer((json_int_t)b->last_request));
	/* the mediator's changes to this role's token, so a party sees any reissue */
	if (b->token_reissues || b->token_revokes)
		o = nk_json_set(o, "token", json_pack("{s:I, s:I, s:I}", "reissued",
						      (json_int_t)b->token_reissues, "revoked",
						      (json_int_t)b->token_revokes, "changed_ms",
						      (json_int_t)b->token_changed_ms));
	if (b->deposits || b->released)
		o = nk_json_set(o, "deposit", json_pack("{s:I, s:b, s:b}", "number",
							    (json_int_t)b->deposits, "held",
							    b->deposit_held, "released", b->released));
	return o;
}

/* {"round_due": TIME while a round's clock runs, "lapsed_round": N after a lapse with
 * "you_missed" in a party's briefing, "deadline_passed"}. */
static json_t *deadlines_to_json(const struct nk_brief *b)
{
	json_t *d = json_pack("{s:b}", "deadline_passed", b->deadline_passed);
	char when[NK_TIME_TEXT_MAX];

	if (d && b->round_due_ms) {
		nk_time_format_utc(b->round_due_ms, when);
		d = nk_json_set(d, "round_due", json_string(when));
	}
	if (d && b->lapsed_round) {
		d = nk_json_set(d, "lapsed_round", json_integer(b->lapsed_round));
		if (b->role != NK_MEDIATOR)
			d = nk_json_set(d, "you_missed", json_boolean(b->lapse_missed));
	}
	return d;
}

/* Open proposals, every role's alike: {"claimant": {"amount", "round", "bound": {"low",
 * "high"}, "bits"} when it stands, "payer": likewise, "suggestion": A when both stand}.
 * The bound is what the proposal tells every other role of its poster's secret figure. */
static json_t *open_proposals_to_json(const struct nk_brief *b)
{
	json_t *o = json_object();

	for (int side = 0; o && side < 2; side++) {
		struct nk_interval i = { b->rules.range_low, b->rules.range_high };

		if (!b->has_open[side])
			continue;
		if (side == NK_CLAIMANT)
			i.high = b->open[side];
		else
			i.low = b->open[side];
		o = nk_json_set(o, nk_role_name((enum nk_role)side),
				json_pack("{s:I, s:i, s:{s:I, s:I}, s:f}", "amount",
					  (json_int_t)b->open[side], "round", b->open_round[side],
					  "bound", "low", (json_int_t)i.low, "high",
					  (json_int_t)i.high, "bits", b->open_bits[side]));
	}
	if (o && b->has_suggestion)
		o = nk_json_set(o, "suggestion", json_integer((json_int_t)b->suggestion));
	return o;
}

/* Every proposal made, in order: [{"number", "figure", "accepted" once answered}]. */
static json_t *proposal_history(const struct nk_brief *b)
{
	json_t *a = json_array(), *p;

	for (int k = 0; a && k < b->proposals && k < NK_PROPOSALS_MAX; k++) {
		p = json_pack("{s:i, s:I}", "number", k + 1,
			      "figure", (json_int_t)b->proposal_figures[k]);
		if (p && b->proposal_results[k] >= 0)
			p = nk_json_set(p, "accepted", json_boolean(b->proposal_results[k]));
		a = nk_json_append(a, p);
	}
	return a;
}

json_t *nk_brief_to_json(const struct nk_brief *b)
{
	json_t *keys;
	char commit_hex[65];
	json_t *rounds = json_array(), *o;

	nk_hex_encode(b->seed_commitment, sizeof(b->seed_commitment), commit_hex);
	for (int i = 0; rounds && i < b->round; i++)
		rounds = nk_json_append(rounds, round_to_json(b, i));
	o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:o, s:o, s:b, s:s}",
		      "case", b->case_id, "role", nk_role_name(b->role),
		      "currency", b->rules.currency, "state", nk_case_state_name(b->state),
		      "round", b->round, "rules", nk_rules_to_json(&b->rules), "rounds", rounds,
		      "figures_deleted", b->figures_deleted, "seed_commitment", commit_hex);
	if (o && b->title[0])
		o = nk_json_set(o, "title", json_string(b->title));
	if (o && b->state == NK_STATE_CLOSED && nk_close_reason_name(b->closed_reason))
		o = nk_json_set(o, "closed_reason",
				json_string(nk_close_reason_name(b->closed_reason)));
	/* a principal reading its party's briefing */
	if (o && nk_role_kind(b->viewer) == NK_ROLE_PRINCIPAL &&
	    nk_role_reads(b->viewer) == b->role)
		o = nk_json_set(o, "viewer", json_string(nk_role_name(b->viewer)));
	if (!o)
		return NULL;
	/* A party's briefing has no event count: it would rise with the other side's
	 * hidden actions (doc/api.md, "What a party's answers never carry"). */
	if (b->role == NK_MEDIATOR)
		o = nk_json_set(o, "events", json_integer((json_int_t)b->events));
	if (b->proposals > 0) {
		json_t *p = json_pack("{s:i, s:I, s:b}", "count", b->proposals,
				      "figure", (json_int_t)b->proposal, "pending", b->proposal_pending);

		if (b->role != NK_MEDIATOR && b->own_answer >= 0)
			p = nk_json_set(p, "own_answer", json_string(b->own_answer ? "accept" : "decline"));
		if (b->proposal_accepted >= 0)
			p = nk_json_set(p, "accepted", json_boolean(b->proposal_accepted));
		p = nk_json_set(p, "history", proposal_history(b));
		if (b->role == NK_MEDIATOR && b->proposal_pending)
			p = nk_json_set(p, "answered", json_pack("{s:b, s:b}", "claimant",
								 b->proposal_answered[NK_CLAIMANT],
								 "payer",
								 b->proposal_answered[NK_PAYER]));
		o = nk_json_set(o, "proposal", p);
	}
	if (b->rules.round_time_ms || b->rules.deadline_ms)
		o = nk_json_set(o, "deadlines", deadlines_to_json(b));
	if (b->rules.open_proposals)
		o = nk_json_set(o, "open_proposals", open_proposals_to_json(b));
	if (b->rules.neutrals)
		o = nk_json_set(o, "neutral", nk_brief_neutral_to_json(b));
	if (b->settled) {
		json_t *s = json_pack("{s:I, s:s, s:s}", "figure", (json_int_t)b->settlement,
				      "currency", b->rules.currency, "by", nk_deal_kind_name(b->settled_by));

		if (b->seed_revealed) {
			char seed_hex[2 * NK_SEED_BYTES + 1];

			nk_hex_encode(b->seed, NK_SEED_BYTES, seed_hex);
			s = nk_json_set(s, "seed", json_string(seed_hex));
		}
		o = nk_json_set(o, "settlement", s);
	}
	if ((keys = nk_keys_to_json(b->joined, b->identity)))
		o = nk_json_set(o, "keys", keys);
	else if (nk_keys_any(b->joined))
		o = nk_json_set(o, "keys", NULL);	/* out of memory: no briefing at all */
	return traffic_to_json(b, nk_brief_next_to_json(nk_brief_endorsements_to_json(
						nk_brief_draft_to_json(o, b), b), b));
}
