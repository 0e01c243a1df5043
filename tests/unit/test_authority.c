/* Unit tests for principals who clear (case/authority.c): under --authority a party's
 * figure is a sealed draft with no event until its principal approves it; a signed
 * draft request cannot be replayed once it was cleared, nor an approval reused for a
 * later draft; a lapse voids a waiting draft; only a principal that joined with its own
 * key clears, and only its own party's draft. */
#include "case/case_impl.h"
#include "../fake_env.h"
#include <nakodo/ledger.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

struct fixture {
	struct fake_env fake;
	struct nk_store *store;
	struct nk_server_key *signer;
	struct nk_case_env env;
	struct nk_party_key *key[NK_ROLE_COUNT];
	struct nk_brief *b;
	char id[NK_CASE_ID_MAX];
};

static void join(struct fixture *f, enum nk_role role)
{
	uint8_t sig[NK_SIGNATURE_BYTES];
	struct nk_identity idn;

	assert_int_equal(nk_party_key_generate(&f->key[role], NULL), NK_OK);
	nk_party_key_identity(f->key[role], &idn);
	assert_int_equal(nk_join_sign(f->key[role], f->id, role, sig, NULL), NK_OK);
	assert_int_equal(nk_case_join(&f->env, f->id, role, &idn, sig, NULL), NK_OK);
}

/* Party endorses its principal's joined key, signing request number. */
static void endorse(struct fixture *f, enum nk_role party, enum nk_role role, uint64_t number)
{
	struct nk_case_request req = { .action = NK_ACTION_ENDORSE, .endorse = role };
	struct nk_request_auth auth;
	struct nk_identity idn;

	nk_party_key_identity(f->key[role], &idn);
	memcpy(req.endorse_key, idn.sign, sizeof(req.endorse_key));
	assert_int_equal(nk_case_request_sign(f->key[party], f->id, party, number, &req, &auth,
					      NULL), NK_OK);
	assert_int_equal(nk_case_act(&f->env, f->id, party, &req, &auth, NULL), NK_OK);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct nk_rules r;

	assert_true(sodium_init() >= 0);
	f->fake = (struct fake_env)FAKE_ENV_START;
	assert_int_equal(nk_store_open(&f->store, "mem:", NK_STORE_CREATE, NULL), NK_OK);
	assert_int_equal(nk_server_key_generate(&f->signer, NULL), NK_OK);
	f->env = (struct nk_case_env){ f->store, fake_now, fake_random, &f->fake, f->signer,
				       NULL, NULL };
	assert_non_null(f->b = sodium_malloc(sizeof(*f->b)));
	nk_rules_default(&r, nk_currency_find("USD"));
	r.principals = r.authority = true;
	r.round_time_ms = NK_ROUND_TIME_MIN_MS;
	assert_int_equal(nk_case_open(&f->env, &r, f->id, NULL), NK_OK);
	join(f, NK_CLAIMANT);
	join(f, NK_CLAIMANT_PRINCIPAL);
	endorse(f, NK_CLAIMANT, NK_CLAIMANT_PRINCIPAL, 1);	/* the claimant's request 1 */
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	for (int r = 0; r < NK_ROLE_COUNT; r++)
		nk_party_key_free(f->key[r]);
	sodium_free(f->b);
	nk_server_key_free(f->signer);
	nk_store_close(f->store);
	free(f);
	return 0;
}

static enum nk_status act(struct fixture *f, enum nk_role role,
			  const struct nk_case_request *req, uint64_t number, struct nk_error *err)
{
	struct nk_request_auth auth;

	assert_int_equal(nk_case_request_sign(f->key[role], f->id, role, number, req, &auth,
					      NULL), NK_OK);
	return nk_case_act(&f->env, f->id, role, req, &auth, err);
}

static int64_t events(struct fixture *f)
{
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_MEDIATOR, f->b, NULL), NK_OK);
	return f->b->events;
}

static void a_draft_waits_unseen_then_takes_effect(void **state)
{
	struct fixture *f = *state;
	const struct nk_case_request submit = { .action = NK_ACTION_SUBMIT, .amount = 7000 };
	struct nk_case_request approve = { .action = NK_ACTION_APPROVE, .accept = true, .draft = 2 };
	struct nk_error err = { 0 };
	int64_t before = events(f);

	assert_int_equal(act(f, NK_CLAIMANT, &submit, 2, &err), NK_OK);
	assert_int_equal(events(f), before);		/* no event */
	assert_false(f->b->draft);			/* the mediator sees none */
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_PAYER, f->b, NULL), NK_OK);
	assert_false(f->b->draft);
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_CLAIMANT, f->b, NULL), NK_OK);
	assert_true(f->b->draft);
	assert_int_equal(f->b->draft_amount, 7000);
	assert_int_equal(f->b->last_request, 2);	/* numbered past its draft */
	assert_false(f->b->rounds[0].own_submitted);
	/* the party may not clear its own draft; the other principal has none to clear */
	assert_int_equal(act(f, NK_CLAIMANT, &approve, 3, &err), NK_EREFUSED);
	assert_int_equal(nk_case_act(&f->env, f->id, NK_PAYER_PRINCIPAL, &approve, NULL, &err),
			 NK_EREFUSED);
	/* unsigned, once the principal joined: refused */
	assert_int_equal(nk_case_act(&f->env, f->id, NK_CLAIMANT_PRINCIPAL, &approve, NULL, &err),
			 NK_EAUTH);
	assert_int_equal(act(f, NK_CLAIMANT_PRINCIPAL, &approve, 1, &err), NK_OK);
	assert_int_equal(events(f), before + 1);
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_CLAIMANT, f->b, NULL), NK_OK);
	assert_false(f->b->draft);
	assert_true(f->b->rounds[0].own_submitted);
	assert_int_equal(f->b->rounds[0].own_figure, 7000);
	assert_int_equal(f->b->last_request, 2);
	/* the same approval again: no draft waits */
	assert_int_equal(act(f, NK_CLAIMANT_PRINCIPAL, &approve, 1, &err), NK_EREFUSED);
	assert_string_equal(err.field, "draft");
}

static void a_cleared_draft_cannot_be_replayed(void **state)
{
	struct fixture *f = *state;
	const struct nk_case_request submit = { .action = NK_ACTION_SUBMIT, .amount = 7000 };
	const struct nk_case_request other = { .action = NK_ACTION_SUBMIT, .amount = 6500 };
	struct nk_case_request reject = { .action = NK_ACTION_APPROVE, .draft = 5 };
	struct nk_case_request approve = { .action = NK_ACTION_APPROVE, .accept = true, .draft = 5 };
	struct nk_request_auth auth;
	struct nk_error err = { 0 };
	int64_t before = events(f);

	assert_int_equal(nk_case_request_sign(f->key[NK_CLAIMANT], f->id, NK_CLAIMANT, 5, &submit,
					      &auth, NULL), NK_OK);
	assert_int_equal(nk_case_act(&f->env, f->id, NK_CLAIMANT, &submit, &auth, &err), NK_OK);
	assert_int_equal(act(f, NK_CLAIMANT_PRINCIPAL, &reject, 1, &err), NK_OK);
	/* the rejected draft's own request, sent again, is a replay */
	assert_int_equal(nk_case_act(&f->env, f->id, NK_CLAIMANT, &submit, &auth, &err), NK_EAUTH);
	assert_string_equal(err.field, "request");
	assert_int_equal(act(f, NK_CLAIMANT, &other, 4, &err), NK_EAUTH);	/* older */
	/* a new draft; the approval of the rejected one does not clear it */
	assert_int_equal(act(f, NK_CLAIMANT, &other, 6, &err), NK_OK);
	assert_int_equal(act(f, NK_CLAIMANT_PRINCIPAL, &approve, 2, &err), NK_EREFUSED);
	assert_string_equal(err.field, "draft");
	approve.draft = 6;
	assert_int_equal(act(f, NK_CLAIMANT_PRINCIPAL, &approve, 3, &err), NK_OK);
	assert_int_equal(events(f), before + 1);
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_CLAIMANT, f->b, NULL), NK_OK);
	assert_int_equal(f->b->rounds[0].own_figure, 6500);
}

static void a_lapse_voids_a_waiting_draft(void **state)
{
	struct fixture *f = *state;
	const struct nk_case_request submit = { .action = NK_ACTION_SUBMIT, .amount = 7000 };
	struct nk_case_request approve = { .action = NK_ACTION_APPROVE, .accept = true, .draft = 2 };
	struct nk_error err = { 0 };

	assert_int_equal(act(f, NK_CLAIMANT, &submit, 2, &err), NK_OK);
	f->fake.clock += NK_ROUND_TIME_MIN_MS;	/* the round's time runs out */
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_CLAIMANT_PRINCIPAL, f->b, NULL), NK_OK);
	assert_int_equal(f->b->lapsed_round, 1);
	assert_false(f->b->draft);
	assert_int_equal(act(f, NK_CLAIMANT_PRINCIPAL, &approve, 1, &err), NK_EREFUSED);
	assert_non_null(strstr(err.text, "void"));
	/* the party drafts again, numbered past the void draft */
	assert_int_equal(act(f, NK_CLAIMANT, &submit, 2, &err), NK_EAUTH);
	assert_int_equal(act(f, NK_CLAIMANT, &submit, 3, &err), NK_OK);
}

/* An unjoined principal is only its token, which the case's opener holds too. */
static void only_a_joined_principal_clears(void **state)
{
	struct fixture *f = *state;
	const struct nk_case_request approve = { .action = NK_ACTION_APPROVE, .accept = true,
						 .draft = 1 };
	struct nk_error err = { 0 };
	int64_t before;

	assert_int_equal(nk_case_submit(&f->env, f->id, NK_PAYER, 9000, &err), NK_OK);
	before = events(f);
	assert_int_equal(nk_case_act(&f->env, f->id, NK_PAYER_PRINCIPAL, &approve, NULL, &err),
			 NK_EREFUSED);
	assert_non_null(strstr(err.text, "joined with its own key"));
	assert_int_equal(events(f), before);
	join(f, NK_PAYER_PRINCIPAL);
	/* joined, but the payer has not endorsed its key: the opener may have joined first */
	assert_int_equal(act(f, NK_PAYER_PRINCIPAL, &approve, 1, &err), NK_EREFUSED);
	assert_string_equal(err.field, "role");
	assert_non_null(strstr(err.text, "once the payer has endorsed its key"));
	join(f, NK_PAYER);
	endorse(f, NK_PAYER, NK_PAYER_PRINCIPAL, 1);
	assert_int_equal(act(f, NK_PAYER_PRINCIPAL, &approve, 2, &err), NK_OK);
	/* its join, the payer's and its endorsement, then the payer's figure */
	assert_int_equal(events(f), before + 4);
}

static void a_refused_figure_is_not_drafted(void **state)
{
	struct fixture *f = *state;
	struct nk_case_request submit = { .action = NK_ACTION_SUBMIT, .amount = -5 };
	struct nk_error err = { 0 };

	assert_int_not_equal(act(f, NK_CLAIMANT, &submit, 2, &err), NK_OK);
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_CLAIMANT, f->b, NULL), NK_OK);
	assert_false(f->b->draft);
	submit.amount = 100;
	assert_int_equal(act(f, NK_CLAIMANT, &submit, 2, &err), NK_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_draft_waits_unseen_then_takes_effect, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_cleared_draft_cannot_be_replayed, setup, teardown),
		cmocka_unit_test_setup_teardown(a_lapse_voids_a_waiting_draft, setup, teardown),
		cmocka_unit_test_setup_teardown(only_a_joined_principal_clears, setup, teardown),
		cmocka_unit_test_setup_teardown(a_refused_figure_is_not_drafted, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
