/* Round trips of the JSON codecs the server and the command share (formats/): what one
 * side encodes, the other decodes to the same thing. A briefing is compared by encoding
 * it again (the decoder rebuilds what the JSON carries, and the JSON is what both sides
 * print from); requests, signatures and envelopes member by member. */
#include <nakodo/agenda_formats.h>
#include <nakodo/case_json.h>
#include <nakodo/package_json.h>
#include <nakodo/request_json.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(brief_party_and_mediator),
		cmocka_unit_test(brief_malformed_refused),
		cmocka_unit_test(requests_of_each_action),
		cmocka_unit_test(requests_refused_by_field),
		cmocka_unit_test(envelope_round_trip),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
