/* The stored bodies that hold a public type: the rules of a case of figures, the frame
 * of a package case, and a proposed or settled package. Each is written here in the
 * shape version 1 of its event gave it, and read back leniently (unknown members
 * ignored, only what the fold, the replay and the briefings rely on checked).
 *
 * Frozen by design: these look like the public API's codecs (nk_rules_to_json in
 * formats/case_json.c, nk_package_json in formats/package_json.c) because version 1
 * was written by them, but they must not share code with them. The API may grow a
 * member or tighten a check; the log's bytes and what reads them may not change, or
 * every stored case would read differently or turn corrupt. A new shape is a new
 * version here (events.c's table), read beside this one. */
#include "case/events.h"

#include <nakodo/json_build.h>
#include <nakodo/money.h>

#include <math.h>
#include <sodium.h>
#include <string.h>

/* The rules as version 1 of "opened" writes them: the twelve members nakodo had then.
 * The same lines as nk_rules_to_json today, and deliberately not a call to it (see the
 * head of this file): that encoder follows the API, this one the stored bytes. */
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
	if (!case_event_int_in(o, "rounds", 1, NK_ROUNDS_MAX, &n))
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
	if (!case_event_int_in(o, "band_bp", 0, NK_BP_ONE, &band_bp) ||
	    !case_event_int_in(o, "band_amount", 0, NK_AMOUNT_MAX, &r->band_amount) ||
	    !case_event_int_in(o, "grid", 1, NK_AMOUNT_MAX, &r->grid) ||
	    !case_event_int_in(o, "range_low", 0, NK_AMOUNT_MAX, &r->range_low) ||
	    !case_event_int_in(o, "range_high", 0, NK_AMOUNT_MAX, &r->range_high) ||
	    !case_event_int_in(o, "proposals", 0, NK_PROPOSALS_MAX, &proposals))
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

enum nk_status case_event_opened_decode(const json_t *body, struct nk_rules *rules,
					uint8_t commitment[static 32], struct nk_error *err)
{
	struct nk_error ignored = { 0 };
	struct nk_rules r;
	uint8_t c[32];

	/* sound, not necessarily within today's policy (nk_rules_check_sound) */
	if (!read_rules_v1(json_object_get(body, "rules"), &r) ||
	    nk_rules_check_sound(&r, &ignored) != NK_OK)
		return case_corrupt(err, "its rules do not decode");
	if (!case_event_hex(body, "seed_commitment", c, sizeof(c)))
		return case_corrupt(err, "no seed commitment");
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

json_t *case_event_package_improvements(json_t *body, const struct nk_package_frame *f)
{
	json_t *frame = json_object_get(body, "frame");

	if (!body || (!f->improvements && !f->deadline_ms))
		return body;	/* without either: the bytes it always had */
	if (!frame || (f->improvements &&
		       json_object_set_new(frame, "improvements", json_true()) != 0) ||
	    (f->deadline_ms &&
	     json_object_set_new(frame, "deadline_ms", json_integer(f->deadline_ms)) != 0)) {
		json_decref(body);
		return NULL;
	}
	return nk_json_set(body, "v", json_integer(4));
}

/* A component's name, as nk_component_name spells it. */
static bool component_of(const json_t *v, enum nk_component *out)
{
	for (int c = 0; json_is_string(v) && c < NK_COMPONENTS; c++)
		if (strcmp(json_string_value(v), nk_component_name((enum nk_component)c)) == 0) {
			*out = (enum nk_component)c;
			return true;
		}
	return false;
}

enum nk_status case_event_package_opened_decode(const json_t *body,
						struct nk_package_frame *frame,
						struct nk_error *err)
{
	const json_t *o = json_object_get(body, "frame"), *v, *item;
	struct nk_error ignored = { 0 };
	struct nk_package_frame f;
	enum nk_component c;
	int64_t rounds;
	size_t i;

	memset(&f, 0, sizeof(f));
	v = json_object_get(o, "currency");
	if (!json_is_string(v) || json_string_length(v) != 3)
		return case_corrupt(err, "its package frame does not decode");
	memcpy(f.currency, json_string_value(v), 4);
	v = json_object_get(o, "components");
	if (!json_is_array(v))
		return case_corrupt(err, "its package frame does not decode");
	json_array_foreach(v, i, item) {
		if (!component_of(item, &c))
			return case_corrupt(err, "its package frame does not decode");
		f.components[c] = true;
	}
	v = json_object_get(o, "solution");
	if (!json_is_string(v) ||
	    nk_solution_parse(json_string_value(v), &f.solution, &ignored) != NK_OK ||
	    !case_event_int_in(o, "rounds", 1, NK_ROUNDS_MAX, &rounds) ||
	    !json_is_boolean(json_object_get(o, "monotone")))
		return case_corrupt(err, "its package frame does not decode");
	f.rounds = (int)rounds;
	f.monotone = json_is_true(json_object_get(o, "monotone"));
	/* version 4: improvements, present only when on */
	v = json_object_get(o, "improvements");
	if (v && !json_is_true(v))
		return case_corrupt(err, "its package frame does not decode");
	f.improvements = v != NULL;
	/* version 4: a deadline, present only when declared */
	if (json_object_get(o, "deadline_ms") &&
	    !case_event_int_in(o, "deadline_ms", NK_DEADLINE_MIN_MS, NK_DEADLINE_MAX_MS,
			       &f.deadline_ms))
		return case_corrupt(err, "its package frame does not decode");
	*frame = f;
	return NK_OK;
}

const char *case_event_opened_kind(const json_t *body)
{
	const json_t *v = json_object_get(body, "kind");

	return v ? json_string_value(v) : "figures";
}

/* Package rates lie on the basis-point grids of the valuations: written in percent with
 * at most two decimals (3.5, not 3.5000000000000004) and read back onto the same grid,
 * so that a package survives its trip through the log exactly. */
static double rate_on_grid(double rate)
{
	return nearbyint(rate * NK_BP_ONE) / NK_BP_ONE;
}

static json_t *amount_v1(const struct nk_currency *cur, int64_t amount)
{
	char text[NK_MONEY_TEXT_MAX];

	nk_money_format(cur, amount, 1, text);
	return json_string(text);
}

/* A package's part as version 1 wrote it: amounts as grouped text in major units, a
 * loan's rate in percent, its maturity and grace in years. */
static json_t *part_v1(const struct nk_currency *cur, const struct nk_package *p,
		       enum nk_component c)
{
	const struct nk_loan_terms *t = &p->terms[c];
	json_t *part = json_pack("{s:o}", "amount", amount_v1(cur, p->amount[c]));

	if (c == NK_CLAIMS)
		return part;
	if (c == NK_GRANT) {
		part = nk_json_set(part, "years", json_integer(p->grant_years));
		return nk_json_set(part, "per_year", json_integer(p->grant_per_year));
	}
	part = nk_json_set(part, "rate", json_real(nearbyint(t->rate * NK_BP_ONE) / 100));
	part = nk_json_set(part, "maturity", json_real((double)t->maturity / t->per_year));
	if (t->repayment != NK_REPAY_BULLET)
		part = nk_json_set(part, "grace", json_real((double)t->grace / t->per_year));
	part = nk_json_set(part, "per_year", json_integer(t->per_year));
	return nk_json_set(part, "repayment", json_string(nk_repayment_name(t->repayment)));
}

json_t *case_event_package_encode(const struct nk_currency *cur, const struct nk_package *p)
{
	json_t *o = json_pack("{s:s, s:s}", "nakodo", "package", "currency", cur->code);

	for (int c = 0; o && c < NK_COMPONENTS; c++)
		if (p->amount[c])
			o = nk_json_set(o, nk_component_name((enum nk_component)c),
					part_v1(cur, p, (enum nk_component)c));
	if (o && p->label[0])
		o = nk_json_set(o, "label", json_string(p->label));
	return o;
}

/* A number of years (or a rate in percent) as a finite number. */
static bool real_of(const json_t *o, const char *key, double *out)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_number(v) || !isfinite(json_number_value(v)))
		return false;
	*out = json_number_value(v);
	return true;
}

static bool read_part_v1(const json_t *o, const struct nk_currency *cur, enum nk_component c,
			 struct nk_package *p)
{
	struct nk_error ignored = { 0 };
	struct nk_loan_terms *t = &p->terms[c];
	const json_t *amount = json_object_get(o, "amount");
	int64_t n;
	double x;

	if (!json_is_object(o) || !json_is_string(amount) ||
	    nk_money_parse(cur, json_string_value(amount), "amount", &p->amount[c],
			   &ignored) != NK_OK)
		return false;
	if (c == NK_CLAIMS)
		return true;
	if (c == NK_GRANT) {
		p->grant_per_year = 1;
		if (json_object_get(o, "per_year")) {
			if (!case_event_int_in(o, "per_year", 0, 1000, &n))
				return false;
			p->grant_per_year = (int)n;
		}
		if (!case_event_int_in(o, "years", 0, 1000, &n))
			return false;
		p->grant_years = (int)n;
		return true;
	}
	if (!case_event_int_in(o, "per_year", 0, 1000, &n) ||
	    nk_repayment_parse(json_string_value(json_object_get(o, "repayment")), "repayment",
			       &t->repayment, &ignored) != NK_OK)
		return false;
	t->per_year = (int)n;
	if (!real_of(o, "rate", &x) || nk_rate_check(x / 100, "rate", &ignored) != NK_OK)
		return false;
	t->rate = rate_on_grid(x / 100);
	if (!real_of(o, "maturity", &x) ||
	    nk_loan_periods(x, t->per_year, "maturity", &t->maturity, &ignored) != NK_OK)
		return false;
	if (t->repayment == NK_REPAY_BULLET && !json_object_get(o, "grace")) {
		t->grace = t->maturity;
		return true;
	}
	return real_of(o, "grace", &x) &&
	       nk_loan_periods(x, t->per_year, "grace", &t->grace, &ignored) == NK_OK;
}

enum nk_status case_event_package_decode(const json_t *obj, const struct nk_currency *cur,
					 struct nk_package *out, struct nk_error *err)
{
	struct nk_error ignored = { 0 };
	const json_t *label = json_object_get(obj, "label");
	struct nk_package p;

	memset(&p, 0, sizeof(p));
	if (!json_is_object(obj) || !cur)
		return case_corrupt(err, "a package that does not decode");
	for (int c = 0; c < NK_COMPONENTS; c++) {
		const json_t *part = json_object_get(obj, nk_component_name((enum nk_component)c));

		if (part && !read_part_v1(part, cur, (enum nk_component)c, &p))
			return case_corrupt(err, "a package that does not decode");
	}
	if (label && (!json_is_string(label) || json_string_length(label) > NK_NAME_MAX ||
		      strlen(json_string_value(label)) != json_string_length(label)))
		return case_corrupt(err, "a package that does not decode");
	if (label)
		memcpy(p.label, json_string_value(label), json_string_length(label) + 1);
	if (nk_package_check(&p, &ignored) != NK_OK)
		return case_corrupt(err, "a package that does not decode");
	*out = p;
	return NK_OK;
}

json_t *case_event_package_round_encode(const struct nk_currency *cur,
					const struct case_event_package_round *ev)
{
	json_t *body = json_pack("{s:I, s:s}", "round", (json_int_t)ev->round, "outcome",
				 ev->found ? "package" : "no-deal");

	if (ev->incompatible)
		body = nk_json_set(body, "incompatible", json_true());
	if (ev->found)
		body = nk_json_set(body, "package", case_event_package_encode(cur, &ev->package));
	return body;
}

enum nk_status case_event_package_round_decode(const json_t *body,
					       const struct nk_currency *cur,
					       struct case_event_package_round *out,
					       struct nk_error *err)
{
	const char *outcome = json_string_value(json_object_get(body, "outcome"));

	memset(out, 0, sizeof(*out));
	if (!case_event_int_in(body, "round", INT64_MIN, INT64_MAX, &out->round) || !outcome)
		return case_corrupt(err, "a package round without its round or outcome");
	out->incompatible = json_is_true(json_object_get(body, "incompatible"));
	if (strcmp(outcome, "no-deal") == 0)
		return NK_OK;
	if (strcmp(outcome, "package") != 0)
		return case_corrupt(err, "an unknown package round outcome");
	out->found = true;
	return case_event_package_decode(json_object_get(body, "package"), cur, &out->package,
					 err);
}

json_t *case_event_package_settled_encode(const struct nk_currency *cur, int round,
					  const struct nk_package *package)
{
	return json_pack("{s:s, s:i, s:o}", "by", "package", "round", round, "package",
			 case_event_package_encode(cur, package));
}

enum nk_status case_event_package_settled_decode(const json_t *body,
						 const struct nk_currency *cur, int64_t *round,
						 struct nk_package *package, struct nk_error *err)
{
	const char *by = json_string_value(json_object_get(body, "by"));

	if (!case_event_int_in(body, "round", INT64_MIN, INT64_MAX, round) || !by ||
	    strcmp(by, "package") != 0)
		return case_corrupt(err, "a package settlement without its round or rule");
	return case_event_package_decode(json_object_get(body, "package"), cur, package, err);
}
