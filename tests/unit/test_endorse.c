/* Unit tests for endorsement (case/endorse.c): a principal reads its party's briefing only
 * once its party has endorsed the key it joined with, and a neutral is shown the last
 * figures only once both parties have; only a joined party endorses, its own principal
 * or a neutral, the role's current key, once; the event names the key; each briefing
 * shows the endorsements its role may know; the briefing's JSON carries them both ways. */
#include "case/case_impl.h"
#include "../case_env_fixture.h"
#include <nakodo/case_json.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* One case (principals, two neutrals, one round, no proposal) and its roles' keys. */
struct world {
	struct nk_case_env env;
	struct nk_party_key *key[NK_ROLE_COUNT];
	uint64_t seq[NK_ROLE_COUNT];
	struct nk_brief *b;
	char id[NK_CASE_ID_MAX];
};

static void open_world(struct fixture *fx, struct world *f)
{
	struct nk_rules r;

	memset(f, 0, sizeof(*f));
	f->env = fx->env;
	assert_non_null(f->b = sodium_malloc(sizeof(*f->b)));
	nk_rules_default(&r, nk_currency_find("USD"));
	r.principals = true;
	r.rounds = 1;
	r.proposals = 0;
	r.neutrals = 2;
	assert_int_equal(nk_case_open(&f->env, &r, f->id, NULL), NK_OK);
}

static void close_world(struct world *f)
{
	for (int r = 0; r < NK_ROLE_COUNT; r++)
		nk_party_key_free(f->key[r]);
	sodium_free(f->b);
}

static void join(struct world *f, enum nk_role role)
{
	assert_int_equal(fixture_join(&f->env, f->id, role, &f->key[role]), NK_OK);
}

/* party endorses role's key (key: another key's bytes, or NULL for the key role joined
 * with), signed with the party's key unless sign is false. */
static enum nk_status endorse(struct world *f, enum nk_role party, enum nk_role role,
			      const uint8_t *key, bool sign, struct nk_error *err)
{
	struct nk_case_request req = { .action = NK_ACTION_ENDORSE, .endorse = role };
	struct nk_request_auth auth;
	struct nk_identity idn = { 0 };
	enum nk_status rc;

	if (f->key[role])
		nk_party_key_identity(f->key[role], &idn);
	memcpy(req.endorse_key, key ? key : idn.sign, sizeof(req.endorse_key));
	if (sign)
		assert_int_equal(nk_case_request_sign(f->key[party], f->id, party,
						      f->seq[party] + 1, &req, &auth, NULL), NK_OK);
	rc = nk_case_act(&f->env, f->id, party, &req, sign ? &auth : NULL, err);
	if (rc == NK_OK)
		f->seq[party]++;
	return rc;
}

static void submit(struct world *f, enum nk_role party, int64_t amount)
{
	struct nk_case_request req = { .action = NK_ACTION_SUBMIT, .amount = amount };
	struct nk_request_auth auth;

	assert_int_equal(nk_case_request_sign(f->key[party], f->id, party, ++f->seq[party], &req,
					      &auth, NULL), NK_OK);
	assert_int_equal(nk_case_act(&f->env, f->id, party, &req, &auth, NULL), NK_OK);
}

static void a_principal_reads_once_its_party_endorsed_its_key(void **state)
{
	struct world w, *f = &w;
	struct nk_error err = { 0 };
	uint8_t other[NK_PUBLIC_KEY_BYTES] = { 1 };

	open_world(*state, f);
	join(f, NK_CLAIMANT_PRINCIPAL);
	/* the party's token alone vouches for no one: the opener holds it too */
	assert_int_equal(endorse(f, NK_CLAIMANT, NK_CLAIMANT_PRINCIPAL, NULL, false, &err),
			 NK_EREFUSED);
	assert_string_equal(err.field, "role");
	assert_non_null(strstr(err.text, "once it has joined"));
	join(f, NK_CLAIMANT);
	join(f, NK_PAYER);
	submit(f, NK_CLAIMANT, 7000);
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_CLAIMANT_PRINCIPAL, f->b, &err),
			 NK_EREFUSED);
	assert_string_equal(err.field, "role");
	assert_non_null(strstr(err.text, "once the claimant has endorsed its key"));
	/* unsigned by a joined party; another key; the other side's principal; no principal
	 * or neutral at all; the principal itself; the mediator */
	assert_int_equal(endorse(f, NK_CLAIMANT, NK_CLAIMANT_PRINCIPAL, NULL, false, &err),
			 NK_EAUTH);
	assert_int_equal(endorse(f, NK_CLAIMANT, NK_CLAIMANT_PRINCIPAL, other, true, &err),
			 NK_EREFUSED);
	assert_string_equal(err.field, "key");
	assert_int_equal(endorse(f, NK_PAYER, NK_CLAIMANT_PRINCIPAL, NULL, true, &err), NK_EINVAL);
	assert_string_equal(err.field, "role");
	assert_int_equal(endorse(f, NK_CLAIMANT, NK_PAYER, NULL, true, &err), NK_EINVAL);
	assert_int_equal(endorse(f, NK_CLAIMANT_PRINCIPAL, NK_CLAIMANT_PRINCIPAL, NULL, true,
				 &err), NK_EREFUSED);
	assert_int_equal(nk_case_act(&f->env, f->id, NK_MEDIATOR, &(struct nk_case_request){
		.action = NK_ACTION_ENDORSE, .endorse = NK_NEUTRAL_1 }, NULL, &err), NK_EREFUSED);
	/* a role that has not joined has no key to endorse */
	assert_int_equal(endorse(f, NK_PAYER, NK_PAYER_PRINCIPAL, other, true, &err),
			 NK_EREFUSED);
	assert_non_null(strstr(err.text, "has not joined"));
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_CLAIMANT_PRINCIPAL, f->b, &err),
			 NK_EREFUSED);
	/* the endorsement */
	assert_int_equal(endorse(f, NK_CLAIMANT, NK_CLAIMANT_PRINCIPAL, NULL, true, &err), NK_OK);
	assert_int_equal(endorse(f, NK_CLAIMANT, NK_CLAIMANT_PRINCIPAL, NULL, true, &err),
			 NK_EREFUSED);
	assert_non_null(strstr(err.text, "already endorsed"));
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_CLAIMANT_PRINCIPAL, f->b, &err), NK_OK);
	assert_int_equal(f->b->rounds[0].own_figure, 7000);
	assert_true(f->b->endorsements[NK_CLAIMANT][NK_CLAIMANT_PRINCIPAL]);
	/* the other side is told nothing of it; the mediator is */
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_PAYER, f->b, &err), NK_OK);
	assert_false(f->b->endorsements[NK_CLAIMANT][NK_CLAIMANT_PRINCIPAL]);
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_MEDIATOR, f->b, &err), NK_OK);
	assert_true(f->b->endorsements[NK_CLAIMANT][NK_CLAIMANT_PRINCIPAL]);
	close_world(f);
}

/* The log's event names the endorsing party, the role and the key, and the request. */
static void the_event_holds_the_key(void **state)
{
	struct world w, *f = &w;
	struct nk_event_list log = { 0 };
	struct nk_identity idn;
	char key[NK_KEY_HEX], want[256];
	bool found = false;

	open_world(*state, f);
	join(f, NK_CLAIMANT);
	join(f, NK_NEUTRAL_2);
	assert_int_equal(endorse(f, NK_CLAIMANT, NK_NEUTRAL_2, NULL, true, NULL), NK_OK);
	nk_party_key_identity(f->key[NK_NEUTRAL_2], &idn);
	nk_key_to_hex(idn.sign, key);
	snprintf(want, sizeof(want), "{\"by\":\"claimant\",\"key\":\"%s\",\"request\":1,"
		 "\"role\":\"neutral-2\"}", key);
	assert_int_equal(nk_case_log(&f->env, f->id, &log, NULL), NK_OK);
	for (size_t i = 0; i < log.count; i++)
		if (strcmp(log.events[i].type, "endorsed") == 0) {
			assert_string_equal(log.events[i].body, want);
			assert_string_equal(log.events[i].actor, "claimant");
			found = true;
		}
	assert_true(found);
	nk_event_list_free(&log);
	close_world(f);
}

static void a_neutral_sees_the_figures_once_both_parties_endorsed(void **state)
{
	struct world w, *f = &w;
	struct nk_error err = { 0 };
	json_t *o;
	struct nk_brief *back;

	open_world(*state, f);
	join(f, NK_CLAIMANT);
	join(f, NK_PAYER);
	join(f, NK_NEUTRAL_1);
	submit(f, NK_CLAIMANT, 9000);
	submit(f, NK_PAYER, 6000);
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_NEUTRAL_1, f->b, &err), NK_OK);
	assert_true(f->b->evaluating);
	assert_false(f->b->neutral_shown);
	assert_int_equal(f->b->neutral_demand, 0);
	assert_int_equal(endorse(f, NK_CLAIMANT, NK_NEUTRAL_1, NULL, true, &err), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_NEUTRAL_1, f->b, &err), NK_OK);
	assert_false(f->b->neutral_shown);	/* one endorsement is not enough */
	assert_true(f->b->endorsements[NK_CLAIMANT][NK_NEUTRAL_1]);
	assert_false(f->b->endorsements[NK_PAYER][NK_NEUTRAL_1]);
	assert_int_equal(nk_case_submit(&f->env, f->id, NK_NEUTRAL_1, 7000, &err), NK_EAUTH);
	{
		struct nk_case_request req = { .action = NK_ACTION_SUBMIT, .amount = 7000 };
		struct nk_request_auth auth;

		assert_int_equal(nk_case_request_sign(f->key[NK_NEUTRAL_1], f->id, NK_NEUTRAL_1, 1,
						      &req, &auth, NULL), NK_OK);
		assert_int_equal(nk_case_act(&f->env, f->id, NK_NEUTRAL_1, &req, &auth, &err),
				 NK_EREFUSED);
		assert_string_equal(err.field, "role");
		assert_non_null(strstr(err.text, "the payer has not yet"));
	}
	assert_int_equal(endorse(f, NK_PAYER, NK_NEUTRAL_1, NULL, true, &err), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_NEUTRAL_1, f->b, &err), NK_OK);
	assert_true(f->b->neutral_shown);
	assert_int_equal(f->b->neutral_demand, 9000);
	assert_int_equal(f->b->neutral_offer, 6000);
	/* a party sees both parties' endorsements of the neutrals; JSON carries them back */
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_PAYER, f->b, &err), NK_OK);
	assert_true(f->b->endorsements[NK_CLAIMANT][NK_NEUTRAL_1]);
	assert_true(f->b->endorsements[NK_PAYER][NK_NEUTRAL_1]);
	assert_non_null(o = nk_brief_to_json(f->b));
	assert_non_null(json_object_get(o, "endorsements"));
	assert_string_equal(json_string_value(json_array_get(json_object_get(json_object_get(
		o, "endorsements"), "payer"), 0)), "neutral-1");
	assert_non_null(back = sodium_malloc(sizeof(*back)));
	assert_int_equal(nk_brief_from_json(o, back, NULL), NK_OK);
	assert_memory_equal(back->endorsements, f->b->endorsements, sizeof(back->endorsements));
	sodium_free(back);
	json_decref(o);
	close_world(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_principal_reads_once_its_party_endorsed_its_key,
						setup, teardown),
		cmocka_unit_test_setup_teardown(the_event_holds_the_key, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_neutral_sees_the_figures_once_both_parties_endorsed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
