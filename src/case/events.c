/* The stored events' codec (events.h): the table of event types with the version each
 * is written at, the members any body may carry, and the bodies made of plain members
 * (numbers, roles, names, hashes). The bodies that hold a public type are in
 * events_frozen.c. Every decoder here is as lenient as the applier that read the body
 * before the codec existed: a member no applier needed is not required, so that every
 * log that folded then folds now. */
#include "case/events.h"
#include "base/hex.h"

#include <nakodo/json_build.h>
#include <nakodo/title.h>

#include <sodium.h>
#include <string.h>

static const struct {
	const char *name;
	int version;	/* the version written today */
} events[CASE_EV_COUNT] = {
	[CASE_EV_OPENED] = { "opened", 4 },	/* 2: a title; 3: deadlines; 4: improvements, principals,
						 * blind, open proposals, neutrals, a bridge */
	[CASE_EV_FIGURE] = { "figure", 1 },
	[CASE_EV_EXTENSION] = { "extension", 1 },
	[CASE_EV_ROUND] = { "round", 1 },
	[CASE_EV_IMPASSE] = { "impasse", 1 },
	[CASE_EV_PROPOSAL] = { "proposal", 1 },
	[CASE_EV_ANSWER] = { "answer", 1 },
	[CASE_EV_PROPOSAL_RESULT] = { "proposal-result", 1 },
	[CASE_EV_SETTLED] = { "settled", 1 },
	[CASE_EV_CLOSED] = { "closed", 1 },
	[CASE_EV_PURGED] = { "purged", 1 },
	[CASE_EV_JOINED] = { "joined", 1 },
	[CASE_EV_MESSAGE] = { "message", 1 },
	[CASE_EV_DEPOSITED] = { "deposited", 1 },
	[CASE_EV_RELEASED] = { "released", 1 },
	[CASE_EV_WITHDRAWN] = { "withdrawn", 1 },
	[CASE_EV_TOKEN] = { "token", 1 },
	[CASE_EV_PACKAGE_SUBMITTED] = { "package_submitted", 1 },
	[CASE_EV_PACKAGE_ROUND] = { "package_round", 1 },
	[CASE_EV_PACKAGE_ANSWER] = { "package_answer", 1 },
	[CASE_EV_PACKAGE_RESULT] = { "package_result", 1 },
	[CASE_EV_LAPSED] = { "lapsed", 1 },
	[CASE_EV_IMPROVEMENT_SUBMITTED] = { "improvement_submitted", 1 },
	[CASE_EV_IMPROVEMENT_ROUND] = { "improvement_round", 1 },
	[CASE_EV_IMPROVEMENT_ANSWER] = { "improvement_answer", 1 },
	[CASE_EV_IMPROVEMENT_RESULT] = { "improvement_result", 1 },
	[CASE_EV_BLIND_OUTCOME] = { "blind_outcome", 1 },
	[CASE_EV_ANNOUNCED] = { "announced", 1 },
	/* neutral evaluation (events_neutral.c) */
	[CASE_EV_EVALUATION] = { "evaluation", 1 },
	[CASE_EV_FAIR] = { "fair", 1 },
	[CASE_EV_ENDORSED] = { "endorsed", 1 },	/* endorse.c */
};

const char *case_event_name(enum case_event type)
{
	return (unsigned)type < CASE_EV_COUNT ? events[type].name : "unknown";
}

bool case_event_find(const char *name, enum case_event *out)
{
	for (int t = 0; name && t < CASE_EV_COUNT; t++)
		if (strcmp(events[t].name, name) == 0) {
			*out = (enum case_event)t;
			return true;
		}
	return false;
}

enum nk_status case_corrupt(struct nk_error *err, const char *what)
{
	return nk_fail(err, NK_ECORRUPT, "log", "the case's log is inconsistent: %s", what);
}

/* A body of type that does not decode, naming the member. */
static enum nk_status bad(struct nk_error *err, enum case_event type, const char *member)
{
	return nk_fail(err, NK_ECORRUPT, "log", "the case's log is inconsistent: a %s event "
		       "without a valid \"%s\"", events[type].name, member);
}

json_t *case_event_opened_flag(json_t *body, const char *member, bool on)
{
	if (!body || !on)
		return body;	/* without the rule: the bytes such an opening always had */
	body = nk_json_set(body, "v", json_integer(4));
	return nk_json_set(body, member, json_true());
}

enum nk_status case_event_opened_flag_decode(const json_t *body, int version,
					     const char *member, bool *on, struct nk_error *err)
{
	const json_t *v = json_object_get(body, member);

	*on = false;
	if (version < 4 || !v)
		return NK_OK;
	if (!json_is_true(v))
		return bad(err, CASE_EV_OPENED, member);
	*on = true;
	return NK_OK;
}

enum nk_status case_event_version(enum case_event type, const json_t *body, int *version,
				  struct nk_error *err)
{
	const json_t *v = json_object_get(body, "v");

	if (!v) {
		*version = 1;
		return NK_OK;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return case_corrupt(err, "an event version that is not a number from 1");
	if (json_integer_value(v) > events[type].version)
		return nk_fail(err, NK_ECORRUPT, "log", "a %s event of version %lld, written by a "
			       "newer nakodo (this one reads up to %d)", events[type].name,
			       (long long)json_integer_value(v), events[type].version);
	*version = (int)json_integer_value(v);
	return NK_OK;
}

bool case_event_int_in(const json_t *obj, const char *key, int64_t min, int64_t max,
		       int64_t *out)
{
	const json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return false;
	*out = json_integer_value(v);
	return true;
}

static bool any_int(const json_t *obj, const char *key, int64_t *out)
{
	return case_event_int_in(obj, key, INT64_MIN, INT64_MAX, out);
}

bool case_event_hex(const json_t *obj, const char *key, uint8_t *out, size_t len)
{
	const json_t *v = json_object_get(obj, key);
	size_t got = 0;

	return json_is_string(v) && json_string_length(v) == 2 * len &&
	       sodium_hex2bin(out, len, json_string_value(v), 2 * len, NULL, &got, NULL) == 0 &&
	       got == len;
}

/* At most a signature's bytes. */
static json_t *hex(const uint8_t *bin, size_t len)
{
	char text[2 * NK_SIGNATURE_BYTES + 1];

	if (2 * len + 1 > sizeof(text))
		return NULL;
	nk_hex_encode(bin, len, text);
	return json_string(text);
}

static bool role_of(const json_t *obj, const char *key, enum nk_role *role)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) && nk_role_parse(json_string_value(v), role) == NK_OK;
}

static bool party_of(const json_t *obj, const char *key, enum nk_role *role)
{
	return role_of(obj, key, role) && nk_role_is_party(*role);
}

/* A deal kind's name among first..last. */
static bool deal_of(const json_t *obj, const char *key, enum nk_deal_kind first,
		    enum nk_deal_kind last, enum nk_deal_kind *out)
{
	const char *name = json_string_value(json_object_get(obj, key));

	for (enum nk_deal_kind k = first; name && k <= last; k++)
		if (strcmp(name, nk_deal_kind_name(k)) == 0) {
			*out = k;
			return true;
		}
	return false;
}

json_t *case_with_request(json_t *body, const struct nk_request_auth *auth)
{
	return body && auth ? nk_json_set(body, "request", json_integer((json_int_t)auth->number))
			    : body;
}

enum nk_status case_event_request(const json_t *body, uint64_t *number, struct nk_error *err)
{
	const json_t *v = json_object_get(body, "request");

	*number = 0;
	if (!v)
		return NK_OK;
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return case_corrupt(err, "a signed request numbered out of order, or by no joined role");
	*number = (uint64_t)json_integer_value(v);
	return NK_OK;
}

static const char *step_key(enum case_event type)
{
	return type == CASE_EV_ANSWER ? "number" : "round";
}

json_t *case_event_step_encode(enum case_event type, int64_t n, enum nk_role role)
{
	return json_pack("{s:I, s:s}", step_key(type), (json_int_t)n, "role", nk_role_name(role));
}

enum nk_status case_event_step_decode(enum case_event type, const json_t *body,
				      struct case_event_step *out, struct nk_error *err)
{
	if (!party_of(body, "role", &out->role))
		return bad(err, type, "role");
	/* an answer's number was never needed: the fold counts the proposals itself */
	if (type == CASE_EV_ANSWER) {
		out->n = 0;
		return NK_OK;
	}
	return any_int(body, step_key(type), &out->n) ? NK_OK : bad(err, type, step_key(type));
}

json_t *case_event_round_encode(int round, enum nk_deal_kind deal, int64_t figure)
{
	json_t *body = json_pack("{s:i, s:s}", "round", round, "outcome", nk_deal_kind_name(deal));

	return deal == NK_NO_DEAL ? body : nk_json_set(body, "figure", json_integer(figure));
}

enum nk_status case_event_round_decode(const json_t *body, struct case_event_round *out,
				       struct nk_error *err)
{
	memset(out, 0, sizeof(*out));
	out->hint[0] = out->hint[1] = -1;
	if (!any_int(body, "round", &out->round))
		return bad(err, CASE_EV_ROUND, "round");
	if (!deal_of(body, "outcome", NK_NO_DEAL, NK_DEAL_OVERLAP, &out->deal))
		return case_corrupt(err, "an unknown round outcome");
	if (out->deal != NK_NO_DEAL)
		return any_int(body, "figure", &out->figure) ? NK_OK
			: case_corrupt(err, "a deal without a figure");
	/* the hints of logs from before case_kept_hint, read as they always were, but for
	 * a band no rules have (the same bound as a kept hint's) */
	for (int side = 0; side < 2; side++) {
		const json_t *s = json_object_get(body, nk_role_name((enum nk_role)side));
		int64_t band;

		if (s && any_int(s, "band", &band) && (band < 0 || band > NK_HINTS_MAX))
			return bad(err, CASE_EV_ROUND, "band");
		if (s && any_int(s, "band", &band))
			out->hint[side] = (int)band;
		out->withheld[side] = json_is_true(json_object_get(s, "withheld"));
		out->hints_logged = out->hints_logged || s;
	}
	return NK_OK;
}

json_t *case_event_impasse_encode(int after_round)
{
	return json_pack("{s:i}", "after_round", after_round);
}

json_t *case_event_proposal_encode(int number, int64_t figure)
{
	return json_pack("{s:i, s:I}", "number", number, "figure", (json_int_t)figure);
}

enum nk_status case_event_proposal_decode(const json_t *body, int64_t *figure,
					  struct nk_error *err)
{
	return any_int(body, "figure", figure) ? NK_OK : bad(err, CASE_EV_PROPOSAL, "figure");
}

json_t *case_event_result_encode(enum case_event type, int n, bool accepted)
{
	return json_pack("{s:i, s:b}", type == CASE_EV_PROPOSAL_RESULT ? "number" : "round", n,
			 "accepted", accepted);
}

enum nk_status case_event_result_decode(enum case_event type, const json_t *body, int64_t *n,
					bool *accepted, struct nk_error *err)
{
	const json_t *v = json_object_get(body, "accepted");

	/* a proposal result's number was never needed: the fold counts the proposals */
	*n = 0;
	if ((type == CASE_EV_PACKAGE_RESULT || type == CASE_EV_IMPROVEMENT_RESULT) &&
	    !any_int(body, "round", n))
		return bad(err, type, "round");
	if (!json_is_boolean(v))
		return bad(err, type, "accepted");
	*accepted = json_is_true(v);
	return NK_OK;
}

json_t *case_event_settled_encode(int64_t figure, enum nk_deal_kind by, int round)
{
	json_t *body = json_pack("{s:I, s:s}", "figure", (json_int_t)figure, "by",
				 nk_deal_kind_name(by));

	/* a proposal's settlement names no round */
	return by == NK_DEAL_PROPOSAL ? body : nk_json_set(body, "round", json_integer(round));
}

enum nk_status case_event_settled_decode(const json_t *body, struct case_event_settled *out,
					 struct nk_error *err)
{
	memset(out, 0, sizeof(*out));
	if (deal_of(body, "by", NK_DEAL_BRIDGE, NK_DEAL_BRIDGE, &out->by))
		return case_event_int_in(body, "gap", 1, NK_AMOUNT_MAX, &out->gap) ? NK_OK
			: bad(err, CASE_EV_SETTLED, "gap");
	if (!any_int(body, "figure", &out->figure))
		return case_corrupt(err, "a settlement without a figure");
	if (!deal_of(body, "by", NK_DEAL_CLOSER, NK_DEAL_NEUTRAL, &out->by))
		return case_corrupt(err, "a settlement by an unknown rule");
	if (out->by == NK_DEAL_NEUTRAL && !case_event_neutral_rule(body, &out->neutral_rule))
		return case_corrupt(err, "a neutrals' settlement without its rule");
	/* the seed of logs from before CASE_REVEALED_SEED */
	out->seed_logged = case_event_hex(body, "seed", out->seed, NK_SEED_BYTES);
	return NK_OK;
}

json_t *case_event_bridged_encode(int64_t gap, int round)
{
	return json_pack("{s:s, s:I, s:i}", "by", nk_deal_kind_name(NK_DEAL_BRIDGE), "gap",
			 (json_int_t)gap, "round", round);
}

/* A closing's words, as the log keeps them: each reason has written these since it was
 * first logged, so the fold reads a reason back from its words (case_event_closed_reason). */
static const char *const closed_words[] = {
	[NK_CLOSE_MEDIATOR] = "closed by the mediator",
	[NK_CLOSE_DEADLINE] = "the case's deadline passed",
	[NK_CLOSE_LAPSES] = "the open round lapsed three times",
	[NK_CLOSE_NO_PROPOSAL] = "impasse, and the rules allow no mediator's proposal",
	[NK_CLOSE_DECLINED] = "the mediator's proposals were not accepted",
	[NK_CLOSE_NO_PACKAGE] = "no package both accept, after the last round",
	[NK_CLOSE_PACKAGE_DECLINED] = "the last round's package was not accepted by both",
};

json_t *case_event_closed_encode(enum nk_close_reason reason)
{
	if (reason <= NK_CLOSE_NONE || reason >= NK_CLOSE_OTHER)
		return NULL;	/* a bug, not an input: the append then fails */
	return json_pack("{s:s}", "reason", closed_words[reason]);
}

enum nk_close_reason case_event_closed_reason(const json_t *body)
{
	const char *words = json_string_value(json_object_get(body, "reason"));

	for (int i = NK_CLOSE_NONE + 1; words && i < NK_CLOSE_OTHER; i++)
		if (strcmp(words, closed_words[i]) == 0)
			return (enum nk_close_reason)i;
	return NK_CLOSE_OTHER;
}

json_t *case_event_purged_encode(void)
{
	return json_pack("{s:s}", "secrets", "deleted");
}

json_t *case_event_joined_encode(const struct case_event_joined *ev)
{
	return json_pack("{s:s, s:o, s:o, s:o}", "role", nk_role_name(ev->role),
			 "sign", hex(ev->identity.sign, sizeof(ev->identity.sign)),
			 "seal", hex(ev->identity.seal, sizeof(ev->identity.seal)),
			 "signature", hex(ev->signature, sizeof(ev->signature)));
}

enum nk_status case_event_joined_decode(const json_t *body, struct case_event_joined *out,
					struct nk_error *err)
{
	if (!role_of(body, "role", &out->role))
		return case_corrupt(err, "a join without a role");
	if (!case_event_hex(body, "sign", out->identity.sign, sizeof(out->identity.sign)) ||
	    !case_event_hex(body, "seal", out->identity.seal, sizeof(out->identity.seal)) ||
	    !case_event_hex(body, "signature", out->signature, sizeof(out->signature)))
		return case_corrupt(err, "a join without its keys and signature");
	return NK_OK;
}

json_t *case_event_envelope_encode(enum case_event type, const struct case_event_envelope *ev)
{
	json_t *body = type == CASE_EV_MESSAGE
		? json_pack("{s:s, s:s}", "from", nk_role_name(ev->from), "to", nk_role_name(ev->to))
		: json_pack("{s:s}", "role", nk_role_name(ev->from));

	body = nk_json_set(body, "n", json_integer(ev->n));
	body = nk_json_set(body, "size", json_integer(ev->size));
	return nk_json_set(body, "sha256", hex(ev->sha256, sizeof(ev->sha256)));
}

enum nk_status case_event_envelope_decode(enum case_event type, const json_t *body,
					  struct case_event_envelope *out, struct nk_error *err)
{
	bool roles;

	if (type == CASE_EV_MESSAGE) {
		roles = role_of(body, "from", &out->from) && role_of(body, "to", &out->to) &&
			out->from != out->to;
	} else {
		roles = party_of(body, "role", &out->from);
		out->to = out->from == NK_CLAIMANT ? NK_PAYER : NK_CLAIMANT;
	}
	if (!roles)
		return bad(err, type, type == CASE_EV_MESSAGE ? "from\" or \"to" : "role");
	if (!case_event_int_in(body, "n", 1, INT64_MAX, &out->n) ||
	    !case_event_int_in(body, "size", 1, NK_ENVELOPE_MAX, &out->size) ||
	    !case_event_hex(body, "sha256", out->sha256, sizeof(out->sha256)))
		return bad(err, type, "n\", \"size\" or \"sha256");
	return NK_OK;
}

json_t *case_event_released_encode(const int64_t n[static 2])
{
	return json_pack("{s:I, s:I}", nk_role_name(NK_CLAIMANT), (json_int_t)n[NK_CLAIMANT],
			 nk_role_name(NK_PAYER), (json_int_t)n[NK_PAYER]);
}

enum nk_status case_event_released_decode(const json_t *body, int64_t n[static 2],
					  struct nk_error *err)
{
	for (int side = 0; side < 2; side++)
		if (!any_int(body, nk_role_name((enum nk_role)side), &n[side]))
			return bad(err, CASE_EV_RELEASED, nk_role_name((enum nk_role)side));
	return NK_OK;
}

json_t *case_event_withdrawn_encode(enum nk_role role, int64_t n)
{
	return json_pack("{s:s, s:I}", "role", nk_role_name(role), "n", (json_int_t)n);
}

enum nk_status case_event_withdrawn_decode(const json_t *body, enum nk_role *role, int64_t *n,
					   struct nk_error *err)
{
	if (!party_of(body, "role", role))
		return bad(err, CASE_EV_WITHDRAWN, "role");
	return any_int(body, "n", n) ? NK_OK : bad(err, CASE_EV_WITHDRAWN, "n");
}

json_t *case_event_token_encode(enum nk_role role, bool reissued)
{
	return json_pack("{s:s, s:s}", "role", nk_role_name(role), "change",
			 reissued ? "reissued" : "revoked");
}

enum nk_status case_event_token_decode(const json_t *body, enum nk_role *role, bool *reissued,
				       struct nk_error *err)
{
	const char *change = json_string_value(json_object_get(body, "change"));

	if (!role_of(body, "role", role) || !change ||
	    (strcmp(change, "reissued") != 0 && strcmp(change, "revoked") != 0))
		return case_corrupt(err, "a token change without its role or kind");
	*reissued = strcmp(change, "reissued") == 0;
	return NK_OK;
}

json_t *case_event_opened_titled(json_t *body, const char *title)
{
	if (!body || !title || !*title)
		return body;	/* untitled: version 1, its bytes as they always were */
	body = nk_json_set(body, "v", json_integer(2));
	return nk_json_set(body, "title", json_string(title));
}

enum nk_status case_event_opened_title(const json_t *body, int version,
				       char title[static NK_TITLE_MAX + 1], struct nk_error *err)
{
	const char *text = json_string_value(json_object_get(body, "title"));
	struct nk_error ignored = { 0 };

	title[0] = '\0';
	/* version 2 exists for its title; from version 3 a title is optional */
	if (version < 2 || (version >= 3 && !json_object_get(body, "title")))
		return NK_OK;
	if (!text || nk_title_check_stored(text, "title", &ignored) != NK_OK)
		return bad(err, CASE_EV_OPENED, "title");
	memcpy(title, text, strlen(text) + 1);
	return NK_OK;
}

json_t *case_event_opened_deadlines(json_t *body, const struct nk_rules *rules)
{
	if (!body || (!rules->round_time_ms && !rules->deadline_ms))
		return body;	/* no deadlines: version 1 or 2, its bytes as they always were */
	body = nk_json_set(body, "v", json_integer(3));
	if (rules->round_time_ms)
		body = nk_json_set(body, "round_time_ms", json_integer(rules->round_time_ms));
	if (rules->deadline_ms)
		body = nk_json_set(body, "deadline_ms", json_integer(rules->deadline_ms));
	return body;
}

enum nk_status case_event_opened_deadlines_decode(const json_t *body, int version,
						  struct nk_rules *rules, struct nk_error *err)
{
	rules->round_time_ms = rules->deadline_ms = 0;
	if (version < 3)
		return NK_OK;
	if (json_object_get(body, "round_time_ms") &&
	    !case_event_int_in(body, "round_time_ms", NK_ROUND_TIME_MIN_MS, NK_ROUND_TIME_MAX_MS,
			       &rules->round_time_ms))
		return bad(err, CASE_EV_OPENED, "round_time_ms");
	if (json_object_get(body, "deadline_ms") &&
	    !case_event_int_in(body, "deadline_ms", NK_DEADLINE_MIN_MS, NK_DEADLINE_MAX_MS,
			       &rules->deadline_ms))
		return bad(err, CASE_EV_OPENED, "deadline_ms");
	return NK_OK;
}

json_t *case_event_lapsed_encode(int round)
{
	return round > 0 ? json_pack("{s:s, s:i}", "what", "round", "round", round)
			 : json_pack("{s:s}", "what", "deadline");
}

enum nk_status case_event_lapsed_decode(const json_t *body, int64_t *round,
					struct nk_error *err)
{
	const char *what = json_string_value(json_object_get(body, "what"));

	*round = 0;
	if (what && strcmp(what, "deadline") == 0)
		return NK_OK;
	if (!what || strcmp(what, "round") != 0)
		return bad(err, CASE_EV_LAPSED, "what");
	return case_event_int_in(body, "round", 1, NK_ROUNDS_MAX, round) ? NK_OK
		: bad(err, CASE_EV_LAPSED, "round");
}

json_t *case_event_opened_bridge(json_t *body, const struct nk_rules *rules)
{
	return case_event_opened_flag(body, "bridge", rules->bridge);
}

enum nk_status case_event_opened_bridge_decode(const json_t *body, int version,
					       struct nk_rules *rules, struct nk_error *err)
{
	return case_event_opened_flag_decode(body, version, "bridge", &rules->bridge, err);
}
