/* Unit tests for the principals rule (case/principal.c, formats/case_json.c): the opening
 * keeps the bytes it had unless the rule is declared, then writes version 4 with
 * "principals": true and reads it back; a malformed member is a corrupt log; the rules'
 * JSON carries the member only when declared and refuses a non-boolean. */
#include "case/case_impl.h"
#include "../fake_env.h"
#include <nakodo/case_json.h>
#include <nakodo/ledger.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static json_t *opening(const struct nk_rules *r)
{
	static const uint8_t commitment[32] = { 1 };

	return case_event_opened_principals(case_event_opened_deadlines(
		case_event_opened_encode(r, commitment), r), r);
}

static char *dump(const json_t *body)
{
	char *text = nk_json_dumps(body, CASE_BODY_FLAGS);

	assert_non_null(text);
	return text;
}

static void an_opening_without_the_rule_keeps_its_bytes(void **state)
{
	static const uint8_t commitment[32] = { 1 };
	struct nk_rules r;
	json_t *with, *without;
	char *a, *b;

	(void)state;
	nk_rules_default(&r, nk_currency_find("USD"));
	without = opening(&r);
	with = case_event_opened_encode(&r, commitment);
	a = dump(without);
	b = dump(with);
	assert_string_equal(a, b);
	assert_null(strstr(a, "principals"));
	free(a);
	free(b);
	json_decref(with);
	json_decref(without);
}

static void an_opening_with_the_rule_is_version_4(void **state)
{
	struct nk_rules r, back;
	struct nk_error err = { 0 };
	int version = 0;
	json_t *body;

	(void)state;
	nk_rules_default(&r, nk_currency_find("USD"));
	r.principals = true;
	body = opening(&r);
	assert_int_equal(case_event_version(CASE_EV_OPENED, body, &version, &err), NK_OK);
	assert_int_equal(version, 4);
	assert_true(json_is_true(json_object_get(body, "principals")));
	assert_int_equal(case_event_opened_principals_decode(body, version, &back, &err), NK_OK);
	assert_true(back.principals);
	/* before version 4 the member means nothing */
	assert_int_equal(case_event_opened_principals_decode(body, 3, &back, &err), NK_OK);
	assert_false(back.principals);
	/* anything but true is a corrupt log, naming the member */
	json_object_set_new(body, "principals", json_false());
	assert_int_equal(case_event_opened_principals_decode(body, 4, &back, &err), NK_ECORRUPT);
	assert_non_null(strstr(err.text, "principals"));
	json_object_set_new(body, "principals", json_string("yes"));
	assert_int_equal(case_event_opened_principals_decode(body, 4, &back, &err), NK_ECORRUPT);
	json_decref(body);
}

static void the_rules_json_carries_it_only_when_declared(void **state)
{
	struct nk_rules r, back;
	struct nk_error err = { 0 };
	json_t *o;

	(void)state;
	nk_rules_default(&r, nk_currency_find("EUR"));
	o = nk_rules_to_json(&r);
	assert_null(json_object_get(o, "principals"));
	assert_int_equal(nk_rules_from_json(o, &back, &err), NK_OK);
	assert_false(back.principals);
	json_decref(o);
	r.principals = true;
	o = nk_rules_to_json(&r);
	assert_true(json_is_true(json_object_get(o, "principals")));
	assert_int_equal(nk_rules_from_json(o, &back, &err), NK_OK);
	assert_true(back.principals);
	assert_memory_equal(&back, &r, sizeof(r));
	json_object_set_new(o, "principals", json_integer(1));
	assert_int_equal(nk_rules_from_json(o, &back, &err), NK_EINVAL);
	assert_string_equal(err.field, "principals");
	json_decref(o);
}

/* The case refuses every action of a principal itself, whatever the command and the
 * server check before it, and writes nothing; its briefing is its party's. */
static void the_case_refuses_a_principal_every_action(void **state)
{
	struct fake_env fake = FAKE_ENV_START;
	struct nk_server_key *signer = NULL;
	struct nk_store *store = NULL;
	struct nk_case_env env;
	struct nk_rules r;
	struct nk_error err = { 0 };
	struct nk_brief *b;
	char id[NK_CASE_ID_MAX];
	int64_t events;

	(void)state;
	assert_true(sodium_init() >= 0);
	assert_non_null(b = sodium_malloc(sizeof(*b)));
	assert_int_equal(nk_store_open(&store, "mem:", NK_STORE_CREATE, NULL), NK_OK);
	assert_int_equal(nk_server_key_generate(&signer, NULL), NK_OK);
	env = (struct nk_case_env){ store, fake_now, fake_random, &fake, signer, NULL, NULL };
	nk_rules_default(&r, nk_currency_find("USD"));
	r.principals = true;
	assert_int_equal(nk_case_open(&env, &r, id, &err), NK_OK);
	assert_int_equal(nk_case_submit(&env, id, NK_CLAIMANT, 7000, &err), NK_OK);
	assert_int_equal(nk_case_brief(&env, id, NK_MEDIATOR, b, &err), NK_OK);
	events = b->events;
	for (int a = NK_ACTION_SUBMIT; a <= NK_ACTION_PACKAGE; a++)
		for (int who = 0; who < NK_ROLE_COUNT; who++) {
			struct nk_case_request req = { .action = (enum nk_case_action)a,
						       .amount = 6000, .accept = true };

			if (nk_role_kind((enum nk_role)who) != NK_ROLE_PRINCIPAL)
				continue;
			assert_int_equal(nk_case_act(&env, id, (enum nk_role)who, &req, NULL, &err),
					 NK_EREFUSED);
			assert_string_equal(err.field, "role");
			assert_non_null(strstr(err.text, "may not act"));
		}
	assert_int_equal(nk_case_brief(&env, id, NK_MEDIATOR, b, &err), NK_OK);
	assert_int_equal(b->events, events);	/* nothing written */
	/* a principal that has not joined with its own key reads nothing: its token alone,
	 * which the case's opener holds too, would show the party's figure (a joined
	 * principal's briefing is tests/cli/principals.sh's) */
	memset(b, 0, sizeof(*b));
	assert_int_equal(nk_case_brief(&env, id, NK_CLAIMANT_PRINCIPAL, b, &err), NK_EREFUSED);
	assert_string_equal(err.field, "role");
	assert_non_null(strstr(err.text, "once it has joined"));
	assert_int_equal(b->rounds[0].own_figure, 0);
	assert_int_equal(nk_case_brief(&env, id, NK_PAYER_PRINCIPAL, b, &err), NK_EREFUSED);
	/* a case without the rule has no principals at all */
	r.principals = false;
	assert_int_equal(nk_case_open(&env, &r, id, &err), NK_OK);
	assert_int_equal(nk_case_brief(&env, id, NK_PAYER_PRINCIPAL, b, &err), NK_EREFUSED);
	assert_non_null(strstr(err.text, "without principals"));
	sodium_free(b);
	nk_server_key_free(signer);
	nk_store_close(store);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_opening_without_the_rule_keeps_its_bytes),
		cmocka_unit_test(an_opening_with_the_rule_is_version_4),
		cmocka_unit_test(the_rules_json_carries_it_only_when_declared),
		cmocka_unit_test(the_case_refuses_a_principal_every_action),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
