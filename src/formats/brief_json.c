/* A briefing read back from its JSON (nk_brief_to_json's shape, or a package case's,
 * nk_package_brief_to_json's): what the command gets from the server. Lenient where the
 * encoder is exact (a member it cannot read is left at its default), strict on what
 * names the case, the role and the state. */
#include <nakodo/case_json.h>
#include <nakodo/time.h>
#include <nakodo/json_build.h>
#include <nakodo/package_case_json.h>
#include <nakodo/package_json.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static int64_t get_i(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static bool get_b(const json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

/* The index of text among names(0..count-1), or -1. */
static int name_index(const char *text, const char *(*name)(int), int count)
{
	for (int i = 0; text && i < count; i++)
		if (strcmp(name(i), text) == 0)
			return i;
	return -1;
}

static const char *deal_name(int i) { return nk_deal_kind_name((enum nk_deal_kind)i); }
static const char *state_name(int i) { return nk_case_state_name((enum nk_case_state)i); }

static enum nk_deal_kind deal_of(const json_t *name)
{
	int i = name_index(json_string_value(name), deal_name, NK_DEAL_BRIDGE + 1);

	return i > 0 ? (enum nk_deal_kind)i : NK_NO_DEAL;
}

static struct nk_interval get_interval(const json_t *o)
{
	return (struct nk_interval){ .low = get_i(o, "low"), .high = get_i(o, "high") };
}

static void round_from_json(const json_t *o, const struct nk_rules *rules,
			    struct nk_brief_round *r)
{
	const json_t *hint = json_object_get(o, "hint"), *leak = json_object_get(o, "leakage");

	r->own_submitted = get_b(o, "submitted");
	r->own_figure = get_i(o, "own_figure");
	r->own_extension = get_i(o, "own_extension");
	r->evaluated = get_b(o, "evaluated");
	r->deal = deal_of(json_object_get(o, "outcome"));
	r->figure = get_i(o, "figure");
	r->hint = -1;
	for (int band = 0; json_is_string(hint) && band <= rules->hint_count; band++) {
		char text[NK_HINT_TEXT_MAX];

		nk_bargain_hint_text(rules, band, text);
		if (strcmp(text, json_string_value(hint)) == 0)
			r->hint = band;
	}
	r->withheld = get_b(o, "hint_withheld");
	if (json_is_object(leak)) {
		r->has_view = true;
		r->view.other = get_interval(json_object_get(leak, "other_within"));
		r->view.bits = json_number_value(json_object_get(leak, "bits"));
		r->view.exposed = get_interval(json_object_get(leak, "exposed_within"));
		r->view.exposed_bits = json_number_value(json_object_get(leak, "exposed_bits"));
	}
}

/* A count the server sent, or 0 (negative numbers are not counts). */
static uint64_t get_count(const json_t *o, const char *key)
{
	int64_t v = get_i(o, key);

	return v > 0 ? (uint64_t)v : 0;
}

static void traffic_from_json(const json_t *obj, struct nk_brief *b)
{
	const json_t *m = json_object_get(obj, "messages"), *d = json_object_get(obj, "deposit");

	for (int k = 0; k < NK_ROLE_COUNT; k++) {
		b->sent[k] = get_count(json_object_get(m, "sent"), nk_role_name((enum nk_role)k));
		b->received[k] = get_count(json_object_get(m, "received"),
					   nk_role_name((enum nk_role)k));
	}
	b->last_request = get_count(obj, "last_request");
	b->token_reissues = (uint32_t)get_count(json_object_get(obj, "token"), "reissued");
	b->token_revokes = (uint32_t)get_count(json_object_get(obj, "token"), "revoked");
	b->token_changed_ms = get_i(json_object_get(obj, "token"), "changed_ms");
	b->deposits = get_count(d, "number");
	b->deposit_held = get_b(d, "held");
	b->released = get_b(d, "released");
}

/* The keys the roles registered ("keys", by role), as both kinds of briefing list them. */
static void keys_into(const json_t *obj, bool joined[static NK_ROLE_COUNT],
		      struct nk_identity identity[static NK_ROLE_COUNT])
{
	for (int k = 0; k < NK_ROLE_COUNT; k++) {
		const json_t *key = json_object_get(json_object_get(obj, "keys"),
						    nk_role_name((enum nk_role)k));
		struct nk_error ignored = { 0 };

		joined[k] = json_is_object(key) &&
			nk_key_from_hex(json_string_value(json_object_get(key, "sign")),
					identity[k].sign, &ignored) == NK_OK &&
			nk_key_from_hex(json_string_value(json_object_get(key, "seal")),
					identity[k].seal, &ignored) == NK_OK;
	}
}

static void keys_from_json(const json_t *obj, struct nk_brief *b)
{
	keys_into(obj, b->joined, b->identity);
}

/* What names a briefing: its case, role and state, and the kind it must be ("package",
 * or NULL for a figure briefing, which has no "kind"); rounds must be an array of at
 * most NK_ROUNDS_MAX. Fills the outputs only when all read. */
static enum nk_status heading_from_json(const json_t *obj, const char *kind,
					char case_id[static NK_CASE_ID_MAX], enum nk_role *role,
					enum nk_case_state *state, struct nk_error *err)
{
	const json_t *rounds = json_object_get(obj, "rounds");
	const char *id = json_string_value(json_object_get(obj, "case"));
	const char *got = json_string_value(json_object_get(obj, "kind"));
	enum nk_role r;
	int s;

	if (!id || strlen(id) >= NK_CASE_ID_MAX || (kind && (!got || strcmp(got, kind) != 0)) ||
	    !json_is_array(rounds) || json_array_size(rounds) > NK_ROUNDS_MAX ||
	    nk_role_parse(json_string_value(json_object_get(obj, "role")), &r) != NK_OK ||
	    (s = name_index(json_string_value(json_object_get(obj, "state")), state_name,
			    NK_STATE_CLOSED + 1)) < 0)
		return nk_fail(err, NK_ECORRUPT, "server", "the server's briefing is malformed");
	memcpy(case_id, id, strlen(id) + 1);
	*role = r;
	*state = (enum nk_case_state)s;
	return NK_OK;
}

/* The case's title, when the briefing has one; malformed when it is not a title. */
static enum nk_status title_from_json(const json_t *obj, char title[static NK_TITLE_MAX + 1],
				      struct nk_error *err)
{
	const json_t *t = json_object_get(obj, "title");
	struct nk_error ignored = { 0 };

	title[0] = '\0';
	if (!t)
		return NK_OK;
	if (nk_title_check_stored(json_string_value(t), "title", &ignored) != NK_OK)
		return nk_fail(err, NK_ECORRUPT, "server", "the server's briefing is malformed "
			       "(its \"title\")");
	memcpy(title, json_string_value(t), json_string_length(t) + 1);
	return NK_OK;
}

/* A package case's briefing (nk_package_brief_to_json's shape) carries its own rounds:
 * only what identifies the case and what a signed request needs (the keys and the
 * role's last request number) are kept here; package_brief_answer prints the rest. */
static enum nk_status package_brief_from_json(const json_t *obj, struct nk_brief *b,
					      struct nk_error *err)
{
	enum nk_status rc = heading_from_json(obj, "package", b->case_id, &b->role, &b->state, err);

	if (rc != NK_OK || (rc = title_from_json(obj, b->title, err)) != NK_OK)
		return rc;
	b->package = true;
	b->last_request = get_count(obj, "last_request");
	keys_from_json(obj, b);
	return NK_OK;
}

/* The proposals' history and who has answered (nk_brief_to_json's "proposal"); a
 * server's briefing without them (an older server's) shows the latest proposal only. */
static void proposals_from_json(const json_t *p, struct nk_brief *b)
{
	const json_t *h = json_object_get(p, "history"), *a = json_object_get(p, "answered");
	size_t n = json_array_size(h);

	if (b->proposals < 0 || b->proposals > NK_PROPOSALS_MAX)
		b->proposals = b->proposals < 0 ? 0 : NK_PROPOSALS_MAX;
	for (int k = 0; k < b->proposals; k++) {
		const json_t *e = json_array_get(h, (size_t)k);

		b->proposal_results[k] = -2;	/* not told */
		if ((size_t)k < n && json_is_object(e)) {
			b->proposal_figures[k] = get_i(e, "figure");
			b->proposal_results[k] = -1;
			if (json_is_boolean(json_object_get(e, "accepted")))
				b->proposal_results[k] = get_b(e, "accepted");
		}
	}
	b->proposal_answered[NK_CLAIMANT] = get_b(a, "claimant");
	b->proposal_answered[NK_PAYER] = get_b(a, "payer");
}

/* The briefing's "deadlines" (nk_brief_to_json), absent from an older server's. */
static void deadlines_from_json(const json_t *d, struct nk_brief *b)
{
	const char *due = json_string_value(json_object_get(d, "round_due"));
	int64_t lapsed = get_i(d, "lapsed_round");
	struct nk_error ignored = { 0 };

	if (!due || nk_time_parse_utc(due, "round_due", &b->round_due_ms, &ignored) != NK_OK)
		b->round_due_ms = 0;
	b->lapsed_round = lapsed > 0 && lapsed <= NK_ROUNDS_MAX ? (int)lapsed : 0;
	b->lapse_missed = get_b(d, "you_missed");
	b->deadline_passed = get_b(d, "deadline_passed");
}

/* "viewer": a principal reading role's briefing; absent when role reads its own. */
static enum nk_status viewer_from_json(const json_t *obj, enum nk_role role,
				       enum nk_role *viewer, struct nk_error *err)
{
	const json_t *v = json_object_get(obj, "viewer");

	*viewer = role;
	if (!v)
		return NK_OK;
	if (nk_role_parse(json_string_value(v), viewer) != NK_OK ||
	    nk_role_kind(*viewer) != NK_ROLE_PRINCIPAL || nk_role_reads(*viewer) != role)
		return nk_fail(err, NK_ECORRUPT, "server", "the server's briefing is malformed");
	return NK_OK;
}

/* The briefing's "open_proposals" (nk_brief_to_json), absent without the rule. */
static void open_proposals_from_json(const json_t *o, struct nk_brief *b)
{
	for (int side = 0; side < 2; side++) {
		const json_t *p = json_object_get(o, nk_role_name((enum nk_role)side));
		int64_t round = get_i(p, "round");

		b->has_open[side] = json_is_integer(json_object_get(p, "amount"));
		b->open[side] = get_i(p, "amount");
		b->open_round[side] = round > 0 && round <= NK_ROUNDS_MAX ? (int)round : 0;
		b->open_bits[side] = json_number_value(json_object_get(p, "bits"));
	}
	b->has_suggestion = json_is_integer(json_object_get(o, "suggestion"));
	b->suggestion = get_i(o, "suggestion");
}

enum nk_status nk_brief_from_json(const json_t *obj, struct nk_brief *b, struct nk_error *err)
{
	const json_t *rounds = json_object_get(obj, "rounds"), *p = json_object_get(obj, "proposal");
	const json_t *s = json_object_get(obj, "settlement");
	const char *answer;
	enum nk_status rc;

	memset(b, 0, sizeof(*b));
	if (json_is_string(json_object_get(obj, "kind"))) {
		rc = package_brief_from_json(obj, b, err);
		b->viewer = b->role;	/* a package case has no principals */
		return rc;
	}
	if ((rc = heading_from_json(obj, NULL, b->case_id, &b->role, &b->state, err)) != NK_OK ||
	    (rc = viewer_from_json(obj, b->role, &b->viewer, err)) != NK_OK ||
	    (rc = title_from_json(obj, b->title, err)) != NK_OK ||
	    (rc = nk_rules_from_json(json_object_get(obj, "rules"), &b->rules, err)) != NK_OK)
		return rc;
	b->round = (int)json_array_size(rounds);
	for (int i = 0; i < b->round; i++) {
		round_from_json(json_array_get(rounds, (size_t)i), &b->rules, &b->rounds[i]);
		if (b->rounds[i].evaluated)
			b->rounds_evaluated = i + 1;
	}
	if (json_is_string(json_object_get(obj, "seed_commitment"))) {
		const json_t *c = json_object_get(obj, "seed_commitment");
		uint8_t commit[sizeof(b->seed_commitment)];
		size_t got = 0;

		if (sodium_hex2bin(commit, sizeof(commit), json_string_value(c),
				   json_string_length(c), NULL, &got, NULL) == 0 &&
		    got == sizeof(commit))
			memcpy(b->seed_commitment, commit, sizeof(commit));
	}
	b->figures_deleted = get_b(obj, "figures_deleted");
	b->closed_reason = nk_close_reason_parse(json_string_value(json_object_get(obj,
										   "closed_reason")));
	b->events = get_i(obj, "events");
	deadlines_from_json(json_object_get(obj, "deadlines"), b);
	open_proposals_from_json(json_object_get(obj, "open_proposals"), b);
	nk_brief_neutral_from_json(json_object_get(obj, "neutral"), b);
	b->own_answer = -1;
	b->proposal_accepted = -1;
	if (json_is_object(p)) {
		b->proposals = (int)get_i(p, "count");
		b->proposal = get_i(p, "figure");
		b->proposal_pending = get_b(p, "pending");
		answer = json_string_value(json_object_get(p, "own_answer"));
		if (answer)
			b->own_answer = strcmp(answer, "accept") == 0;
		if (json_is_boolean(json_object_get(p, "accepted")))
			b->proposal_accepted = get_b(p, "accepted");
		proposals_from_json(p, b);
	}
	if (json_is_object(s)) {
		b->settled = true;
		b->settlement = get_i(s, "figure");
		b->settled_by = deal_of(json_object_get(s, "by"));
		if (json_is_string(json_object_get(s, "seed"))) {
			size_t got = 0;

			b->seed_revealed = sodium_hex2bin(b->seed, sizeof(b->seed),
				json_string_value(json_object_get(s, "seed")),
				json_string_length(json_object_get(s, "seed")), NULL, &got, NULL) == 0 &&
				got == sizeof(b->seed);
		}
	}
	traffic_from_json(obj, b);
	nk_brief_draft_from_json(obj, b);
	nk_brief_endorsements_from_json(obj, b);
	keys_from_json(obj, b);
	return NK_OK;
}


/* ---- a package case's whole briefing ---- */

static int package_outcome(const char *name)
{
	static const char *const names[] = { "pending", "no-deal", "package" };

	for (int i = 0; name && i < 3; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

static enum nk_status package_round_from_json(const json_t *o, struct nk_package_brief_round *r,
					      struct nk_error *err)
{
	const char *answer = json_string_value(json_object_get(o, "answer"));
	const json_t *accepted = json_object_get(o, "accepted");
	int outcome = package_outcome(json_string_value(json_object_get(o, "outcome")));

	if (outcome < 0)
		return nk_fail(err, NK_ECORRUPT, "server", "the server's briefing is malformed");
	r->evaluated = outcome > 0;
	r->found = outcome == 2;
	r->own_submitted = get_b(o, "submitted");
	r->own_answer = answer ? strcmp(answer, "accept") == 0 : -1;
	r->accepted = json_is_boolean(accepted) ? json_is_true(accepted) : -1;
	return NK_OK;
}

/* The latest proposed package, read as nk_package_json_read reads a package file. */
static enum nk_status package_from_json(const json_t *p, struct nk_package_brief *b,
					struct nk_error *err)
{
	const struct nk_currency *cur = nk_currency_find(b->frame.currency);
	char *text = nk_json_dumps(json_object_get(p, "package"), JSON_COMPACT);
	enum nk_status rc;

	if (!text)
		return nk_fail(err, NK_ENOMEM, "package", "out of memory");
	rc = nk_package_json_read(text, strlen(text), "package", cur, &b->package, err);
	free(text);
	b->has_package = rc == NK_OK;
	b->package_round = (int)get_i(p, "round");
	return rc;
}

/* The party's own summary: its valuation's round, name, rate, reservation and parts,
 * and what the proposed package is worth to it. */
static void own_from_json(const json_t *o, struct nk_package_brief *b)
{
	const json_t *v = json_object_get(o, "value_of_package"), *item;
	const char *party = json_string_value(json_object_get(o, "party"));
	size_t i;

	b->has_own = true;
	b->own_round = (int)get_i(o, "round");
	if (party && strlen(party) < sizeof(b->own_party))
		memcpy(b->own_party, party, strlen(party) + 1);
	b->own_discount = json_number_value(json_object_get(o, "discount"));
	b->own_reservation = get_i(o, "reservation");
	json_array_foreach(json_object_get(o, "components"), i, item) {
		int c = nk_component_parse(json_string_value(item));

		if (c >= 0)
			b->own_components[c] = true;
	}
	if (!json_is_object(v))
		return;
	b->has_own_value = true;
	for (int c = 0; c < NK_COMPONENTS; c++)
		b->own_value.part[c] = get_i(json_object_get(v, "parts"),
					     nk_component_name((enum nk_component)c));
	b->own_value.label = get_i(json_object_get(v, "parts"), "label");
	b->own_value.total = get_i(v, "total");
	b->own_value.acceptable = get_b(v, "acceptable");
}

/* The improvement phase, as improvement_json (package_case_json.c) writes it. */
static enum nk_status improvement_from_json(const json_t *o, struct nk_package_brief *b,
					    struct nk_error *err)
{
	const char *phase = json_string_value(json_object_get(o, "phase"));
	const char *outcome = json_string_value(json_object_get(o, "outcome"));
	const char *answer = json_string_value(json_object_get(o, "answer"));
	const json_t *accepted = json_object_get(o, "accepted"), *own = json_object_get(o, "own");
	const json_t *submitted = json_object_get(o, "submitted");
	char *text;
	enum nk_status rc = NK_OK;

	if (!phase || !outcome)
		return nk_fail(err, NK_ECORRUPT, "server", "the server's briefing is malformed");
	b->improvement_phase = true;
	b->tentative = strcmp(phase, "open") == 0;
	b->improvement_submitted[NK_CLAIMANT] = get_b(submitted, "claimant");	/* false when */
	b->improvement_submitted[NK_PAYER] = get_b(submitted, "payer");		/* not told */
	b->improvement_evaluated = strcmp(outcome, "pending") != 0;
	b->improvement_found = strcmp(outcome, "package") == 0;
	b->improved = get_b(o, "improved");
	b->improvement_accepted = json_is_boolean(accepted) ? json_is_true(accepted) : -1;
	b->improvement_own_answer = answer ? strcmp(answer, "accept") == 0 : -1;
	if (json_is_object(own)) {
		b->has_own_improvement = true;
		b->own_baseline_worth.total = get_i(own, "baseline");
		b->has_own_improvement_worth = json_object_get(own, "improvement") != NULL;
		b->own_improvement_worth.total = get_i(own, "improvement");
	}
	if (b->improvement_found) {
		if (!(text = nk_json_dumps(json_object_get(o, "package"), JSON_COMPACT)))
			return nk_fail(err, NK_ENOMEM, "package", "out of memory");
		rc = nk_package_json_read(text, strlen(text), "improvement",
					  nk_currency_find(b->frame.currency), &b->improvement, err);
		free(text);
	}
	return rc;
}

enum nk_status nk_package_brief_from_json(const json_t *obj, struct nk_package_brief *b,
					  struct nk_error *err)
{
	const json_t *rounds = json_object_get(obj, "rounds"), *p = json_object_get(obj, "package");
	const json_t *own = json_object_get(obj, "own"), *token = json_object_get(obj, "token");
	enum nk_status rc;

	memset(b, 0, sizeof(*b));
	if ((rc = heading_from_json(obj, "package", b->case_id, &b->role, &b->state,
				    err)) != NK_OK ||
	    (rc = title_from_json(obj, b->title, err)) != NK_OK ||
	    (rc = nk_package_frame_from_json(json_object_get(obj, "frame"), &b->frame, err)) != NK_OK)
		return rc;
	b->round = (int)json_array_size(rounds);
	for (int i = 0; i < b->round; i++)
		if ((rc = package_round_from_json(json_array_get(rounds, (size_t)i), &b->rounds[i],
						  err)) != NK_OK)
			return rc;
	b->settled = get_b(obj, "settled");
	b->secrets_deleted = get_b(obj, "secrets_deleted");
	b->events = get_i(obj, "events");
	if (json_is_object(p) && (rc = package_from_json(p, b, err)) != NK_OK)
		return rc;
	if (json_is_object(own))
		own_from_json(own, b);
	b->improvement_accepted = b->improvement_own_answer = -1;
	if (json_is_object(json_object_get(obj, "improvement")) &&
	    (rc = improvement_from_json(json_object_get(obj, "improvement"), b, err)) != NK_OK)
		return rc;
	b->deadline_passed = get_b(json_object_get(obj, "deadlines"), "deadline_passed");
	keys_into(obj, b->joined, b->identity);
	b->last_request = get_count(obj, "last_request");
	b->token_reissues = (uint32_t)get_count(token, "reissued");
	b->token_revokes = (uint32_t)get_count(token, "revoked");
	b->token_changed_ms = get_i(token, "changed_ms");
	return NK_OK;
}
