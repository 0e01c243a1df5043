/* Round trips of the JSON codecs the server and the command share (formats/): what one
 * side encodes, the other decodes to the same thing. A briefing is compared by encoding
 * it again (the decoder rebuilds what the JSON carries, and the JSON is what both sides
 * print from); requests, signatures, envelopes, openings, token answers, the log and
 * an inbox page member by member. */
#include <nakodo/agenda_formats.h>
#include <nakodo/case_json.h>
#include <nakodo/package_case.h>
#include <nakodo/package_case_json.h>
#include <nakodo/package_json.h>
#include <nakodo/request_json.h>
#include <nakodo/seal.h>
#include <nakodo/wire.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef EXAMPLES_DIR
#error "EXAMPLES_DIR names the examples/ directory"
#endif

/* encode(decode(encode(b))) is encode(b), and what names the case survives. */
static void assert_brief_round_trip(const struct nk_brief *b)
{
	struct nk_brief *back = sodium_malloc(sizeof(*back));
	json_t *first = nk_brief_to_json(b), *second;
	struct nk_error err = { 0 };

	assert_non_null(back);
	assert_non_null(first);
	if (nk_brief_from_json(first, back, &err) != NK_OK)
		fail_msg("%s: %s", err.field, err.text);
	assert_string_equal(back->case_id, b->case_id);
	assert_int_equal(back->role, b->role);
	assert_int_equal(back->state, b->state);
	assert_int_equal(back->round, b->round);
	assert_int_equal(back->last_request, b->last_request);
	assert_memory_equal(&back->rules, &b->rules, sizeof(b->rules));
	assert_memory_equal(back->seed_commitment, b->seed_commitment, sizeof(b->seed_commitment));
	second = nk_brief_to_json(back);
	assert_non_null(second);
	if (!json_equal(first, second)) {
		char *a = json_dumps(first, JSON_SORT_KEYS), *c = json_dumps(second, JSON_SORT_KEYS);

		fail_msg("briefing changed on the way back:\n%s\n%s", a, c);
	}
	json_decref(first);
	json_decref(second);
	sodium_free(back);
}

static void fill_brief(struct nk_brief *b, enum nk_role role)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->case_id, sizeof(b->case_id), "0123456789abcdef0123");
	b->role = role;
	nk_rules_default(&b->rules, nk_currency_find("USD"));
	b->rules.hint_count = 2;
	b->rules.hint_bp[0] = 1000;
	b->rules.hint_bp[1] = 2500;
	b->rules.range_low = 100000;
	b->rules.range_high = 900000;
	randombytes_buf(b->seed_commitment, sizeof(b->seed_commitment));
	b->state = NK_STATE_OPEN;
	b->round = 2;
	b->rounds_evaluated = 1;
	b->rounds[0] = (struct nk_brief_round){ .own_submitted = true, .own_figure = 350000,
		.evaluated = true, .deal = NK_NO_DEAL, .hint = 1, .has_view = role != NK_MEDIATOR,
		.view = { .other = { 1000, 2000 }, .bits = 1.5, .hint = 1,
			  .exposed = { 3000, 4000 }, .exposed_bits = 0.25 } };
	b->rounds[1] = (struct nk_brief_round){ .own_submitted = true, .own_figure = 360000,
		.own_extension = 500, .hint = -1 };
	b->proposals = 1;
	b->proposal_pending = true;
	b->proposal = 355000;
	b->own_answer = role == NK_MEDIATOR ? -1 : 1;
	b->proposal_accepted = -1;
	b->events = role == NK_MEDIATOR ? 9 : 0;
	b->joined[NK_CLAIMANT] = true;
	randombytes_buf(&b->identity[NK_CLAIMANT], sizeof(b->identity[NK_CLAIMANT]));
	b->last_request = 4;
	b->sent[NK_PAYER] = 2;
	b->received[NK_MEDIATOR] = 1;
	b->deposits = 1;
	b->deposit_held = true;
	b->token_reissues = 1;
	b->token_changed_ms = 1700000000000;
}

static void brief_party_and_mediator(void **state)
{
	struct nk_brief *b = sodium_malloc(sizeof(*b));

	assert_non_null(b);
	for (int role = 0; role < NK_ROLE_COUNT; role++) {
		fill_brief(b, (enum nk_role)role);
		assert_brief_round_trip(b);
	}
	/* settled, with the random draw's seed shown to the parties */
	fill_brief(b, NK_PAYER);
	b->state = NK_STATE_SETTLED;
	b->proposal_pending = false;
	b->proposal_accepted = 1;
	b->settled = true;
	b->settlement = 355000;
	b->settled_by = NK_DEAL_PROPOSAL;
	b->seed_revealed = true;
	randombytes_buf(b->seed, sizeof(b->seed));
	b->released = true;
	assert_brief_round_trip(b);
	sodium_free(b);
}

static void brief_malformed_refused(void **state)
{
	struct nk_brief *b = sodium_malloc(sizeof(*b));
	struct nk_error err = { 0 };
	json_t *o;

	assert_non_null(b);
	fill_brief(b, NK_CLAIMANT);
	o = nk_brief_to_json(b);
	json_object_set_new(o, "state", json_string("adjourned"));
	assert_int_equal(nk_brief_from_json(o, b, &err), NK_ECORRUPT);
	json_decref(o);
	sodium_free(b);
}

/* encode then decode gives req and auth back, member by member. */
static void assert_request_round_trip(const struct nk_case_request *req,
				      const struct nk_request_auth *auth)
{
	struct nk_package_valuation *v = sodium_malloc(sizeof(*v));
	struct nk_case_request back;
	struct nk_request_auth buf;
	const struct nk_request_auth *got = NULL;
	struct nk_error err = { 0 };
	json_t *body = nk_request_to_json(req, auth);

	assert_non_null(v);
	assert_non_null(body);
	assert_int_equal(nk_request_json_signed(body), auth != NULL);
	if (nk_request_from_json(body, req->action, &back, v, &buf, &got, &err) != NK_OK)
		fail_msg("%s: %s", err.field, err.text);
	assert_int_equal(back.action, req->action);
	assert_int_equal(back.round, req->round);
	assert_int_equal(back.amount, req->amount);
	assert_int_equal(back.accept, req->accept);
	assert_int_equal(back.envelope_len, req->envelope_len);
	if (req->envelope)
		assert_memory_equal(back.envelope, req->envelope, req->envelope_len);
	if (req->valuation) {
		char *a = NULL, *c = NULL;

		assert_ptr_equal(back.valuation, v);
		assert_int_equal(nk_valuation_json_write(req->valuation, &a, NULL), NK_OK);
		assert_int_equal(nk_valuation_json_write(back.valuation, &c, NULL), NK_OK);
		assert_string_equal(a, c);
		free(a);
		free(c);
	} else {
		assert_null(back.valuation);
	}
	if (auth) {
		assert_ptr_equal(got, &buf);
		assert_int_equal(got->number, auth->number);
		assert_memory_equal(got->signature, auth->signature, sizeof(auth->signature));
	} else {
		assert_null(got);
	}
	free((void *)back.envelope);
	json_decref(body);
	sodium_free(v);
}

static struct nk_package_valuation *read_valuation(void)
{
	struct nk_package_valuation *v = sodium_malloc(sizeof(*v));
	char path[512], *text = NULL;
	size_t len = 0;
	struct nk_error err = { 0 };

	assert_non_null(v);
	snprintf(path, sizeof(path), "%s/claims-1962-package-korea.json", EXAMPLES_DIR);
	assert_int_equal(nk_file_read(path, &text, &len, &err), NK_OK);
	if (nk_valuation_json_read(text, len, path, v, &err) != NK_OK)
		fail_msg("%s: %s", err.field, err.text);
	free(text);
	return v;
}

static void requests_of_each_action(void **state)
{
	uint8_t env[300];
	struct nk_request_auth auth = { .number = 7 };
	struct nk_package_valuation *v = read_valuation();
	const struct nk_case_request reqs[] = {
		{ .action = NK_ACTION_SUBMIT, .amount = 350000 },
		{ .action = NK_ACTION_SUBMIT, .amount = 1, .round = NK_ROUNDS_MAX },
		{ .action = NK_ACTION_EXTEND, .amount = 2500 },
		{ .action = NK_ACTION_PROPOSE, .amount = 355000 },
		{ .action = NK_ACTION_ANSWER, .accept = true },
		{ .action = NK_ACTION_ANSWER, .accept = false },
		{ .action = NK_ACTION_CLOSE },
		{ .action = NK_ACTION_WITHDRAW },
		{ .action = NK_ACTION_SEND, .envelope = env, .envelope_len = sizeof(env) },
		{ .action = NK_ACTION_DEPOSIT, .envelope = env, .envelope_len = 1 },
		{ .action = NK_ACTION_PACKAGE, .valuation = v },
		{ .action = NK_ACTION_PACKAGE, .valuation = v, .round = 2 },
	};

	randombytes_buf(env, sizeof(env));
	randombytes_buf(auth.signature, sizeof(auth.signature));
	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		assert_request_round_trip(&reqs[i], NULL);
		assert_request_round_trip(&reqs[i], &auth);
	}
	sodium_free(v);
}

/* What the decoder refuses, by the field it names, leaving *req as it was. */
static void requests_refused_by_field(void **state)
{
	static const struct { enum nk_case_action action; const char *body, *field; } bad[] = {
		{ NK_ACTION_SUBMIT, "{\"amount\": 1, \"round\": 0}", "round" },
		{ NK_ACTION_SUBMIT, "{\"amount\": 1, \"round\": 51}", "round" },
		{ NK_ACTION_SUBMIT, "{\"amount\": 1, \"request\": 1}", "signature" },
		{ NK_ACTION_CLOSE, "{\"signature\": \"00\"}", "request" },
		{ NK_ACTION_CLOSE, "{\"request\": 0, \"signature\": \"00\"}", "request" },
		{ NK_ACTION_CLOSE, "{\"request\": 1, \"signature\": \"00\"}", "signature" },
		{ NK_ACTION_SEND, "{\"envelope\": \"\"}", "envelope" },
		{ NK_ACTION_DEPOSIT, "{\"envelope\": \"not base64!\"}", "envelope" },
		{ NK_ACTION_PACKAGE, "{\"valuation\": {}}", NULL },
	};
	struct nk_package_valuation *v = sodium_malloc(sizeof(*v));

	assert_non_null(v);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *body = json_loads(bad[i].body, 0, NULL);
		struct nk_case_request req = { .amount = 42 };
		struct nk_request_auth buf;
		const struct nk_request_auth *got;
		struct nk_error err = { 0 };

		assert_non_null(body);
		assert_int_equal(nk_request_from_json(body, bad[i].action, &req, v, &buf, &got, &err),
				 NK_EINVAL);
		if (bad[i].field)
			assert_string_equal(err.field, bad[i].field);
		assert_int_equal(req.amount, 42);
		json_decref(body);
	}
	sodium_free(v);
}

static void envelope_round_trip(void **state)
{
	static const size_t sizes[] = { 1, 2, 3, 64, NK_ENVELOPE_MAX };
	uint8_t *env = malloc(NK_ENVELOPE_MAX), *back = NULL;
	size_t len = 0;

	assert_non_null(env);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		json_t *text;

		randombytes_buf(env, sizes[i]);
		text = nk_wire_envelope_to_json(env, sizes[i]);
		assert_int_equal(nk_wire_envelope_from_json(text, &back, &len, NULL), NK_OK);
		assert_int_equal(len, sizes[i]);
		assert_memory_equal(back, env, len);
		free(back);
		json_decref(text);
	}
	free(env);
}

/* encode(decode(encode(b))) is encode(b) for a package briefing. */
static void assert_package_brief_round_trip(const struct nk_package_brief *b)
{
	struct nk_package_brief *back = sodium_malloc(sizeof(*back));
	json_t *first = nk_package_brief_to_json(b), *second;
	struct nk_error err = { 0 };

	assert_non_null(back);
	assert_non_null(first);
	if (nk_package_brief_from_json(first, back, &err) != NK_OK)
		fail_msg("%s: %s", err.field, err.text);
	assert_memory_equal(&back->frame, &b->frame, sizeof(b->frame));
	assert_int_equal(back->has_own_value, b->has_own_value);
	second = nk_package_brief_to_json(back);
	assert_non_null(second);
	if (!json_equal(first, second)) {
		char *a = json_dumps(first, JSON_SORT_KEYS), *c = json_dumps(second, JSON_SORT_KEYS);

		fail_msg("package briefing changed on the way back:\n%s\n%s", a, c);
	}
	json_decref(first);
	json_decref(second);
	sodium_free(back);
}

static void package_brief_round_trip(void **state)
{
	struct nk_package_brief *b = sodium_malloc(sizeof(*b));
	const struct nk_currency *usd = nk_currency_find("USD");
	char path[512], *text = NULL;
	size_t len = 0;
	struct nk_error err = { 0 };

	assert_non_null(b);
	for (int role = 0; role < NK_ROLE_COUNT; role++) {
		memset(b, 0, sizeof(*b));
		snprintf(b->case_id, sizeof(b->case_id), "00112233445566778899");
		b->role = (enum nk_role)role;
		nk_package_frame_default(&b->frame, usd);
		b->state = NK_STATE_OPEN;
		b->round = 2;
		b->rounds[0] = (struct nk_package_brief_round){ .own_submitted = role != NK_MEDIATOR,
			.evaluated = true, .found = true, .own_answer = role == NK_MEDIATOR ? -1 : 0,
			.accepted = 0 };
		b->rounds[1] = (struct nk_package_brief_round){ .own_submitted = role == NK_PAYER,
			.own_answer = -1, .accepted = -1 };
		snprintf(path, sizeof(path), "%s/claims-1962-package-memorandum.json", EXAMPLES_DIR);
		assert_int_equal(nk_file_read(path, &text, &len, &err), NK_OK);
		if (nk_package_json_read(text, len, path, usd, &b->package, &err) != NK_OK)
			fail_msg("%s: %s", err.field, err.text);
		free(text);
		b->has_package = true;
		b->package_round = 1;
		b->events = role == NK_MEDIATOR ? 12 : 0;
		b->joined[NK_PAYER] = true;
		randombytes_buf(&b->identity[NK_PAYER], sizeof(b->identity[NK_PAYER]));
		b->last_request = 3;
		b->token_revokes = 2;
		b->token_changed_ms = 1700000000123;
		if (role != NK_MEDIATOR) {
			b->has_own = true;
			b->own_round = 2;
			snprintf(b->own_party, sizeof(b->own_party), "Korea");
			b->own_discount = 0.085;
			b->own_reservation = 60000000000;
			b->own_components[NK_GRANT] = b->own_components[NK_LOAN] = true;
			b->has_own_value = true;
			b->own_value.part[NK_GRANT] = 20000000000;
			b->own_value.part[NK_LOAN] = 5000000000;
			b->own_value.total = 25000000000;
		}
		assert_package_brief_round_trip(b);
	}
	sodium_free(b);
}

static void open_request_and_answer(void **state)
{
	/* a case without principals: no token of theirs */
	const char *const tokens[NK_ROLE_COUNT] = { "aa11", "bb22", "cc33" };
	char id[NK_CASE_ID_MAX], got[NK_ROLE_COUNT][NK_WIRE_TOKEN_MAX];
	struct nk_package_frame frame, frame_back;
	struct nk_rules rules, rules_back;
	struct nk_error err = { 0 };
	bool package, has_tokens;
	json_t *o;

	nk_rules_default(&rules, nk_currency_find("JPY"));
	rules.rounds = 5;
	nk_package_frame_default(&frame, nk_currency_find("USD"));
	frame.components[NK_CREDITS] = false;
	/* the request */
	o = nk_wire_open_to_json(&rules, NULL);
	assert_int_equal(nk_wire_open_from_json(o, &rules_back, &frame_back, &package, &err), NK_OK);
	assert_false(package);
	assert_memory_equal(&rules_back, &rules, sizeof(rules));
	json_decref(o);
	o = nk_wire_open_to_json(NULL, &frame);
	assert_int_equal(nk_wire_open_from_json(o, &rules_back, &frame_back, &package, &err), NK_OK);
	assert_true(package);
	assert_memory_equal(&frame_back, &frame, sizeof(frame));
	json_object_set_new(o, "rules", nk_rules_to_json(&rules));
	assert_int_equal(nk_wire_open_from_json(o, &rules_back, &frame_back, &package, &err), NK_EINVAL);
	assert_string_equal(err.field, "body");
	json_decref(o);
	/* the answer, with tokens (a server's) and without (the database's) */
	o = nk_wire_opened_to_json("0123abcd", &rules, NULL, tokens);
	assert_int_equal(nk_wire_opened_from_json(o, id, &rules_back, &frame_back, &package, got,
						  &has_tokens, &err), NK_OK);
	assert_string_equal(id, "0123abcd");
	assert_false(package);
	assert_true(has_tokens);
	for (int r = 0; r < NK_ROLE_COUNT; r++)	/* a role the case lacks: "" */
		assert_string_equal(got[r], tokens[r] ? tokens[r] : "");
	assert_memory_equal(&rules_back, &rules, sizeof(rules));
	json_decref(o);
	o = nk_wire_opened_to_json("feed", NULL, &frame, NULL);
	assert_int_equal(nk_wire_opened_from_json(o, id, &rules_back, &frame_back, &package, got,
						  &has_tokens, &err), NK_OK);
	assert_true(package);
	assert_false(has_tokens);
	assert_null(json_object_get(o, "tokens"));
	assert_memory_equal(&frame_back, &frame, sizeof(frame));
	json_decref(o);
}

static void token_answers(void **state)
{
	char id[NK_CASE_ID_MAX], token[NK_WIRE_TOKEN_MAX];
	struct nk_error err = { 0 };
	enum nk_role role;
	uint64_t revoked;
	bool has_token;
	json_t *o = nk_wire_tokens_to_json("c0ffee", "payer", 2, "deadbeef");

	assert_int_equal(nk_wire_tokens_from_json(o, id, &role, &revoked, token, &has_token, &err),
			 NK_OK);
	assert_string_equal(id, "c0ffee");
	assert_int_equal(role, NK_PAYER);
	assert_int_equal(revoked, 2);
	assert_true(has_token);
	assert_string_equal(token, "deadbeef");
	json_decref(o);
	o = nk_wire_tokens_to_json("c0ffee", "mediator", 0, NULL);
	assert_int_equal(nk_wire_tokens_from_json(o, id, &role, &revoked, token, &has_token, &err),
			 NK_OK);
	assert_int_equal(role, NK_MEDIATOR);
	assert_false(has_token);
	json_decref(o);
}

static void join_round_trip(void **state)
{
	struct nk_identity id, back;
	uint8_t sig[NK_SIGNATURE_BYTES], sig_back[NK_SIGNATURE_BYTES];
	struct nk_error err = { 0 };
	json_t *o;

	randombytes_buf(&id, sizeof(id));
	randombytes_buf(sig, sizeof(sig));
	o = nk_join_to_json(&id, sig);
	assert_int_equal(nk_join_from_json(o, &back, sig_back, &err), NK_OK);
	assert_memory_equal(&back, &id, sizeof(id));
	assert_memory_equal(sig_back, sig, sizeof(sig));
	json_object_set_new(o, "signature", json_string("00"));
	assert_int_equal(nk_join_from_json(o, &back, sig_back, &err), NK_EINVAL);
	assert_string_equal(err.field, "signature");
	json_decref(o);
}

static void log_round_trip(void **state)
{
	struct nk_event ev[2] = {
		{ .seq = 1, .time_ms = 1000, .actor = "mediator", .type = "opened",
		  .body = (char *)"{\"rules\":{\"rounds\":3}}" },
		{ .seq = 2, .time_ms = 2000, .actor = "claimant", .type = "submitted",
		  .body = (char *)"{\"round\":1}", .linked = true },
	};
	struct nk_event_list log = { .events = ev, .count = 2 }, back = { 0 };
	char id[NK_CASE_ID_MAX];
	struct nk_error err = { 0 };
	json_t *o;

	randombytes_buf(ev[1].chain, sizeof(ev[1].chain));
	randombytes_buf(ev[1].countersig, sizeof(ev[1].countersig));
	o = nk_wire_log_to_json("abc123", &log);
	assert_non_null(o);
	if (nk_wire_log_from_json(o, id, &back, &err) != NK_OK)
		fail_msg("%s: %s", err.field, err.text);
	assert_string_equal(id, "abc123");
	assert_int_equal(back.count, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(back.events[i].seq, ev[i].seq);
		assert_int_equal(back.events[i].time_ms, ev[i].time_ms);
		assert_string_equal(back.events[i].actor, ev[i].actor);
		assert_string_equal(back.events[i].type, ev[i].type);
		assert_string_equal(back.events[i].body, ev[i].body);
		assert_int_equal(back.events[i].linked, ev[i].linked);
		assert_memory_equal(back.events[i].chain, ev[i].chain, NK_CHAIN_BYTES);
		assert_memory_equal(back.events[i].countersig, ev[i].countersig, NK_COUNTERSIG_BYTES);
	}
	nk_event_list_free(&back);
	json_decref(o);
}

static void inbox_round_trip(void **state)
{
	uint8_t env[2][40];
	struct nk_inbox_item items[2] = {
		{ .index = 1, .time_ms = 5, .kind = NK_MESSAGE_TEXT, .from = NK_PAYER,
		  .to = NK_CLAIMANT, .n = 1, .envelope = env[0], .len = sizeof(env[0]) },
		{ .index = 2, .time_ms = 9, .kind = NK_MESSAGE_DEPOSIT, .from = NK_PAYER,
		  .to = NK_CLAIMANT, .n = 4, .envelope = env[1], .len = 7 },
	};
	struct nk_inbox box = { .items = items, .count = 2, .more = true, .deposit_held = true,
				.released = true }, back = { 0 };
	char id[NK_CASE_ID_MAX];
	struct nk_error err = { 0 };
	enum nk_role role;
	json_t *o;

	randombytes_buf(env, sizeof(env));
	randombytes_buf(items[0].sha256, sizeof(items[0].sha256));
	randombytes_buf(items[1].sha256, sizeof(items[1].sha256));
	o = nk_wire_inbox_to_json("abc123", NK_CLAIMANT, &box);
	assert_non_null(o);
	if (nk_wire_inbox_from_json(o, id, &role, &back, &err) != NK_OK)
		fail_msg("%s: %s", err.field, err.text);
	assert_string_equal(id, "abc123");
	assert_int_equal(role, NK_CLAIMANT);
	assert_int_equal(back.count, 2);
	assert_true(back.more && back.deposit_held && back.released);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(back.items[i].index, items[i].index);
		assert_int_equal(back.items[i].time_ms, items[i].time_ms);
		assert_int_equal(back.items[i].kind, items[i].kind);
		assert_int_equal(back.items[i].from, items[i].from);
		assert_int_equal(back.items[i].to, items[i].to);
		assert_int_equal(back.items[i].n, items[i].n);
		assert_memory_equal(back.items[i].sha256, items[i].sha256, NK_HASH_BYTES);
		assert_int_equal(back.items[i].len, items[i].len);
		assert_memory_equal(back.items[i].envelope, items[i].envelope, items[i].len);
		free(back.items[i].envelope);
	}
	free(back.items);
	json_decref(o);
}

/* What was accepted of a send and of a deposit, and a withdrawal, read back. */
static void sent_and_withdrawn(void **state)
{
	struct nk_party_key *keys[2] = { NULL, NULL };
	struct nk_identity ids[2];
	struct nk_envelope_header h = { .kind = NK_MESSAGE_DEPOSIT, .from = NK_CLAIMANT,
					.to = NK_PAYER, .seq = 3 };
	struct nk_wire_sent s;
	struct nk_error err = { 0 };
	char id[NK_CASE_ID_MAX];
	enum nk_role role;
	uint64_t n;
	uint8_t *env = NULL, hash[NK_HASH_BYTES];
	size_t len = 0;
	json_t *o;

	for (int i = 0; i < 2; i++) {
		assert_int_equal(nk_party_key_generate(&keys[i], NULL), NK_OK);
		nk_party_key_identity(keys[i], &ids[i]);
	}
	snprintf(h.case_id, sizeof(h.case_id), "0123456789abcdef0123");
	assert_int_equal(nk_message_seal(keys[0], &h, &ids[1], (const uint8_t *)"figure", 6, &env,
					 &len, &err), NK_OK);
	nk_envelope_hash(env, len, hash);
	o = nk_wire_sent_to_json(h.case_id, env, len, true);
	assert_non_null(o);
	assert_int_equal(nk_wire_sent_from_json(o, &s, &err), NK_OK);
	assert_string_equal(s.case_id, h.case_id);
	assert_int_equal(s.kind, NK_MESSAGE_DEPOSIT);
	assert_int_equal(s.from, NK_CLAIMANT);
	assert_int_equal(s.to, NK_PAYER);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.size, len);
	assert_memory_equal(s.sha256, hash, sizeof(hash));
	assert_true(s.has_released && s.released);
	json_decref(o);
	o = nk_wire_withdrawn_to_json(h.case_id, NK_PAYER, 2);
	assert_int_equal(nk_wire_withdrawn_from_json(o, id, &role, &n, &err), NK_OK);
	assert_string_equal(id, h.case_id);
	assert_int_equal(role, NK_PAYER);
	assert_int_equal(n, 2);
	json_decref(o);
	free(env);
	nk_party_key_free(keys[0]);
	nk_party_key_free(keys[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(brief_party_and_mediator),
		cmocka_unit_test(brief_malformed_refused),
		cmocka_unit_test(requests_of_each_action),
		cmocka_unit_test(requests_refused_by_field),
		cmocka_unit_test(envelope_round_trip),
		cmocka_unit_test(package_brief_round_trip),
		cmocka_unit_test(open_request_and_answer),
		cmocka_unit_test(token_answers),
		cmocka_unit_test(join_round_trip),
		cmocka_unit_test(log_round_trip),
		cmocka_unit_test(inbox_round_trip),
		cmocka_unit_test(sent_and_withdrawn),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
