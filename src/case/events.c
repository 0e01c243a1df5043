/* The stored events' codec (events.h): the table of event types with the version each
 * is written at, and the bodies that once went through the public API's codecs (the
 * rules and the package frame of an opening). Those are written here in the shape they
 * had at version 1, and read back leniently, so that the API may grow without making
 * stored cases unreadable. */
#include "case/events.h"

#include <nakodo/json_build.h>

#include <sodium.h>
#include <string.h>

static const struct {
	const char *name;
	int version;	/* the version written today */
} events[CASE_EV_COUNT] = {
	[CASE_EV_OPENED] = { "opened", 1 },
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

static enum nk_status corrupt(struct nk_error *err, const char *what)
{
	return nk_fail(err, NK_ECORRUPT, "log", "the case's log is inconsistent: %s", what);
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
		return corrupt(err, "an event version that is not a number from 1");
	if (json_integer_value(v) > events[type].version)
		return nk_fail(err, NK_ECORRUPT, "log", "a %s event of version %lld, written by a "
			       "newer nakodo (this one reads up to %d)", events[type].name,
			       (long long)json_integer_value(v), events[type].version);
	*version = (int)json_integer_value(v);
	return NK_OK;
}

/* The rules as version 1 of "opened" writes them: the twelve members nakodo had then. */
static json_t *rules_v1(const struct nk_rules *r)
{
	json_t *hints = json_array();

	for (int i = 0; hints && i < r->hint_count; i++)
		hints = nk_json_append(hints, json_integer(r->hint_bp[i]));
	return json_pack("{s:s, s:i, s:b, s:s, s:I, s:I, s:I, s:o, s:I, s:I, s:f, s:i}",
			 "currency", r->currency, "rounds", r->rounds, "monotone", r->monotone,
			 "settle", nk_settle_name(r->settle), "band_bp", (json_int_t)r->band_bp,
			 "band_amount", (json_int_t)r->band_amount, "grid", (json_int_t)r->grid,
			 "hints_bp", hints, "range_low", (json_int_t)r->range_low,
			 "range_high", (json_int_t)r->range_high,
			 "leakage_bits", r->leakage_bits, "proposals", r->proposals);
}

json_t *case_event_opened_encode(const struct nk_rules *rules,
				 const uint8_t commitment[static 32])
{
	char hex[65];

	sodium_bin2hex(hex, sizeof(hex), commitment, 32);
	return json_pack("{s:o, s:s}", "rules", rules_v1(rules), "seed_commitment", hex);
}

/* An integer member within [min, max]: the bounds the arrays and the arithmetic of the
 * fold and the replay need, not the rules' policy. */
static bool int_in(const json_t *obj, const char *key, int64_t min, int64_t max, int64_t *out)
{
	const json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return false;
	*out = json_integer_value(v);
	return true;
}

static bool read_rules_v1(const json_t *o, struct nk_rules *r)
{
	const json_t *v = json_object_get(o, "currency"), *h;
	const char *settle;
	int64_t n, band_bp, proposals;
	size_t i;

	memset(r, 0, sizeof(*r));
	if (!json_is_string(v) || json_string_length(v) != 3 || !nk_currency_find(json_string_value(v)))
		return false;
	memcpy(r->currency, json_string_value(v), 4);
	if (!int_in(o, "rounds", 1, NK_ROUNDS_MAX, &n))
		return false;
	r->rounds = (int)n;
	if (!json_is_boolean(json_object_get(o, "monotone")))
		return false;
	r->monotone = json_is_true(json_object_get(o, "monotone"));
	settle = json_string_value(json_object_get(o, "settle"));
	for (n = 0; settle && n <= NK_SETTLE_RANDOM &&
		    strcmp(nk_settle_name((enum nk_settle)n), settle) != 0; n++)
		;
	if (!settle || n > NK_SETTLE_RANDOM)
		return false;
	r->settle = (enum nk_settle)n;
	if (!int_in(o, "band_bp", 0, NK_BP_ONE, &band_bp) ||
	    !int_in(o, "band_amount", 0, NK_AMOUNT_MAX, &r->band_amount) ||
	    !int_in(o, "grid", 1, NK_AMOUNT_MAX, &r->grid) ||
	    !int_in(o, "range_low", 0, NK_AMOUNT_MAX, &r->range_low) ||
	    !int_in(o, "range_high", 0, NK_AMOUNT_MAX, &r->range_high) ||
	    !int_in(o, "proposals", 0, NK_PROPOSALS_MAX, &proposals))
		return false;
	r->band_bp = (uint32_t)band_bp;
	r->proposals = (int)proposals;
	v = json_object_get(o, "hints_bp");
	if (!json_is_array(v) || json_array_size(v) > NK_HINTS_MAX)
		return false;
	json_array_foreach(v, i, h) {
		if (!json_is_integer(h) || json_integer_value(h) < 1 ||
		    json_integer_value(h) >= NK_BP_ONE)
			return false;
		r->hint_bp[i] = (uint32_t)json_integer_value(h);
	}
	r->hint_count = (int)json_array_size(v);
	v = json_object_get(o, "leakage_bits");
	if (!json_is_number(v))
		return false;
	r->leakage_bits = json_number_value(v);
	return true;
}

static bool read_hex(const json_t *v, uint8_t *out, size_t len)
{
	size_t got = 0;

	return json_is_string(v) && json_string_length(v) == 2 * len &&
	       sodium_hex2bin(out, len, json_string_value(v), 2 * len, NULL, &got, NULL) == 0 &&
	       got == len;
}

enum nk_status case_event_opened_decode(const json_t *body, struct nk_rules *rules,
					uint8_t commitment[static 32], struct nk_error *err)
{
	struct nk_error ignored = { 0 };
	struct nk_rules r;
	uint8_t c[32];


	/* sound, not necessarily within today's policy (nk_rules_check_sound) */
	if (!read_rules_v1(json_object_get(body, "rules"), &r) ||
	    nk_rules_check_sound(&r, &ignored) != NK_OK)
		return corrupt(err, "its rules do not decode");
	if (!read_hex(json_object_get(body, "seed_commitment"), c, sizeof(c)))
		return corrupt(err, "no seed commitment");
	*rules = r;
	memcpy(commitment, c, sizeof(c));
	return NK_OK;
}

json_t *case_event_package_opened_encode(const struct nk_package_frame *f)
{
	json_t *a = json_array();

	for (int c = 0; a && c < NK_COMPONENTS; c++)
		if (f->components[c])
			a = nk_json_append(a, json_string(nk_component_name((enum nk_component)c)));
	return json_pack("{s:s, s:{s:s, s:o, s:s, s:i, s:b, s:s}}", "kind", "package", "frame",
			 "currency", f->currency, "components", a,
			 "solution", nk_solution_name(f->solution), "rounds", f->rounds,
			 "monotone", f->monotone, "hints", "none");
}

enum nk_status case_event_package_opened_decode(const json_t *body,
						struct nk_package_frame *frame,
						struct nk_error *err)
{
	const json_t *o = json_object_get(body, "frame"), *v, *item;
	struct nk_error ignored = { 0 };
	struct nk_package_frame f;
	int64_t rounds;
	size_t i;

	memset(&f, 0, sizeof(f));
	v = json_object_get(o, "currency");
	if (!json_is_string(v) || json_string_length(v) != 3)
		return corrupt(err, "its package frame does not decode");
	memcpy(f.currency, json_string_value(v), 4);
	v = json_object_get(o, "components");
	if (!json_is_array(v))
		return corrupt(err, "its package frame does not decode");
	json_array_foreach(v, i, item) {
		int c = 0;

		while (c < NK_COMPONENTS && (!json_is_string(item) ||
		       strcmp(json_string_value(item), nk_component_name((enum nk_component)c)) != 0))
			c++;
		if (c == NK_COMPONENTS)
			return corrupt(err, "its package frame does not decode");
		f.components[c] = true;
	}
	v = json_object_get(o, "solution");
	if (!json_is_string(v) ||
	    nk_solution_parse(json_string_value(v), &f.solution, &ignored) != NK_OK ||
	    !int_in(o, "rounds", 1, NK_ROUNDS_MAX, &rounds) ||
	    !json_is_boolean(json_object_get(o, "monotone")))
		return corrupt(err, "its package frame does not decode");
	f.rounds = (int)rounds;
	f.monotone = json_is_true(json_object_get(o, "monotone"));
	*frame = f;
	return NK_OK;
}

const char *case_event_opened_kind(const json_t *body)
{
	const json_t *v = json_object_get(body, "kind");

	return v ? json_string_value(v) : "figures";
}
