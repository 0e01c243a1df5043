/* Unit tests for access beside the signed actions (case/access.c): a joined role's
 * signed reads bind the case, the role, the method, the target and the body, and are
 * checked without appending; a token change is logged with the role and shown in its
 * briefing, atomically with the token store's change, and never after the case ends. */
#include <nakodo/case.h>
#include "../fake_env.h"
#include <nakodo/seal.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdlib.h>

struct fixture {
	struct nk_store *store;
	struct nk_server_key *signer;
	struct nk_case_env env;
	struct fake_env fake;	/* the clock of env */
	struct nk_party_key *key[3];
	struct nk_identity idn[3];
	char id[NK_CASE_ID_MAX], other[NK_CASE_ID_MAX];
	int changes;			/* calls of the token change callback */
	enum nk_status change_rc;	/* what it returns */
};

/* A case where the payer has joined, the claimant and the mediator have not. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	uint8_t sig[NK_SIGNATURE_BYTES];
	struct nk_rules rules;

	if (!f || sodium_init() < 0 || nk_store_open(&f->store, "mem:", NK_STORE_CREATE, NULL) != NK_OK ||
	    nk_server_key_generate(&f->signer, NULL) != NK_OK)
		return -1;
	f->env = (struct nk_case_env){ f->store, fake_now, NULL, &f->fake, f->signer, NULL, NULL };
	f->fake = (struct fake_env)FAKE_ENV_START;
	for (int r = 0; r < 3; r++) {
		if (nk_party_key_generate(&f->key[r], NULL) != NK_OK)
			return -1;
		nk_party_key_identity(f->key[r], &f->idn[r]);
	}
	nk_rules_default(&rules, nk_currency_find("USD"));
	if (nk_case_open(&f->env, &rules, f->id, NULL) != NK_OK ||
	    nk_case_open(&f->env, &rules, f->other, NULL) != NK_OK ||
	    nk_join_sign(f->key[NK_PAYER], f->id, NK_PAYER, sig, NULL) != NK_OK ||
	    nk_case_join(&f->env, f->id, NK_PAYER, &f->idn[NK_PAYER], sig, NULL) != NK_OK ||
	    nk_join_sign(f->key[NK_PAYER], f->other, NK_PAYER, sig, NULL) != NK_OK ||
	    nk_case_join(&f->env, f->other, NK_PAYER, &f->idn[NK_PAYER], sig, NULL) != NK_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	for (int r = 0; r < 3; r++)
		nk_party_key_free(f->key[r]);
	nk_store_close(f->store);
	nk_server_key_free(f->signer);
	free(f);
	return 0;
}

static int64_t events(struct fixture *f, const char *id)
{
	struct nk_event_list log = { 0 };
	int64_t n;

	assert_int_equal(nk_case_log(&f->env, id, &log, NULL), NK_OK);
	n = (int64_t)log.count;
	nk_event_list_free(&log);
	return n;
}

/* Checks a signature by key for (sign_id, role, method, target) against the payer's
 * request (id, method, target, body). */
static enum nk_status check(struct fixture *f, int key, const char *sign_id, const char *sign_target,
			    const char *target, const char *method, const char *body, bool *checked)
{
	struct nk_request_auth auth;
	struct nk_error err = { 0 };
	enum nk_status rc;

	assert_int_equal(nk_case_read_sign(f->key[key], sign_id, NK_PAYER, f->fake.clock, "GET",
					   sign_target, &auth, NULL), NK_OK);
	rc = nk_case_read_check(&f->env, f->id, NK_PAYER, method, target, (const uint8_t *)body,
				body ? strlen(body) : 0, &auth, checked, &err);
	if (rc != NK_OK)
		assert_string_equal(err.field, "signature");
	return rc;
}

static void signed_reads_bind_case_role_method_target_and_body(void **state)
{
	struct fixture *f = *state;
	const char *brief = "/v1/cases/x/brief";
	int64_t before = events(f, f->id);
	struct nk_request_auth auth;
	struct nk_error err = { 0 };
	bool checked = true;

	/* the payer has joined: no signature is refused, naming it */
	assert_int_equal(nk_case_read_check(&f->env, f->id, NK_PAYER, "GET", brief, NULL, 0, NULL,
					    &checked, &err), NK_EAUTH);
	assert_string_equal(err.field, "signature");
	assert_false(checked);
	/* its own key over this case, method and target: accepted */
	assert_int_equal(check(f, NK_PAYER, f->id, brief, brief, "GET", NULL, &checked), NK_OK);
	assert_true(checked);
	/* anything else is refused */
	assert_int_equal(check(f, NK_PAYER, f->id, brief, "/v1/cases/x/messages", "GET", NULL,
			       &checked), NK_EAUTH);
	assert_int_equal(check(f, NK_PAYER, f->id, "/v1/cases/x/messages?after=0",
			       "/v1/cases/x/messages?after=5", "GET", NULL, &checked), NK_EAUTH);
	assert_int_equal(check(f, NK_PAYER, f->id, brief, brief, "DELETE", NULL, &checked), NK_EAUTH);
	assert_int_equal(check(f, NK_PAYER, f->id, brief, brief, "GET", "{}", &checked), NK_EAUTH);
	assert_int_equal(check(f, NK_PAYER, f->other, brief, brief, "GET", NULL, &checked), NK_EAUTH);
	assert_int_equal(check(f, NK_CLAIMANT, f->id, brief, brief, "GET", NULL, &checked), NK_EAUTH);
	assert_false(checked);
	/* a role that has not joined reads with its token alone, and a signature is refused */
	assert_int_equal(nk_case_read_check(&f->env, f->id, NK_CLAIMANT, "GET", brief, NULL, 0, NULL,
					    &checked, NULL), NK_OK);
	assert_false(checked);
	assert_int_equal(nk_case_read_sign(f->key[NK_CLAIMANT], f->id, NK_CLAIMANT, f->fake.clock, "GET",
					   brief, &auth, NULL), NK_OK);
	assert_int_equal(nk_case_read_check(&f->env, f->id, NK_CLAIMANT, "GET", brief, NULL, 0, &auth,
					    &checked, NULL), NK_EAUTH);
	/* bad input */
	assert_int_equal(nk_case_read_sign(f->key[NK_PAYER], f->id, NK_PAYER, 0, "GET", brief, &auth,
					   NULL), NK_EINVAL);
	assert_int_equal(nk_case_read_sign(f->key[NK_PAYER], f->id, NK_PAYER, 1, "GET", "brief", &auth,
					   NULL), NK_EINVAL);
	/* reads append nothing */
	assert_int_equal(events(f, f->id), before);
}

static enum nk_status change(void *arg, struct nk_store *store, struct nk_error *err)
{
	struct fixture *f = arg;

	(void)store;
	f->changes++;
	return f->change_rc == NK_OK ? NK_OK : nk_fail(err, f->change_rc, "token", "failed");
}

static void token_changes_are_logged_and_shown_to_the_role(void **state)
{
	struct fixture *f = *state;
	struct nk_brief *b = calloc(1, sizeof(*b));
	struct nk_event_list log = { 0 };
	int64_t before = events(f, f->id);

	assert_non_null(b);
	assert_int_equal(nk_case_token_change(&f->env, f->id, NK_PAYER, true, change, f, NULL), NK_OK);
	assert_int_equal(nk_case_token_change(&f->env, f->id, NK_PAYER, false, change, f, NULL), NK_OK);
	assert_int_equal(f->changes, 2);
	assert_int_equal(nk_case_log(&f->env, f->id, &log, NULL), NK_OK);
	assert_int_equal((int64_t)log.count, before + 2);
	assert_string_equal(log.events[log.count - 2].type, "token");
	assert_string_equal(log.events[log.count - 2].actor, "mediator");
	assert_string_equal(log.events[log.count - 2].body, "{\"change\":\"reissued\",\"role\":\"payer\"}");
	assert_string_equal(log.events[log.count - 1].body, "{\"change\":\"revoked\",\"role\":\"payer\"}");
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_PAYER, b, NULL), NK_OK);
	assert_int_equal(b->token_reissues, 1);
	assert_int_equal(b->token_revokes, 1);
	assert_int_equal(b->token_changed_ms, log.events[log.count - 1].time_ms);
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_CLAIMANT, b, NULL), NK_OK);
	assert_int_equal(b->token_reissues + b->token_revokes, 0);
	nk_event_list_free(&log);
	/* a change whose token write fails appends nothing */
	f->change_rc = NK_ESTORE;
	assert_int_equal(nk_case_token_change(&f->env, f->id, NK_PAYER, true, change, f, NULL), NK_ESTORE);
	assert_int_equal(events(f, f->id), before + 2);
	/* an ended case: revoked without an event, never reissued */
	f->change_rc = NK_OK;
	assert_int_equal(nk_case_close(&f->env, f->id, NULL), NK_OK);
	before = events(f, f->id);
	f->changes = 0;
	assert_int_equal(nk_case_token_change(&f->env, f->id, NK_PAYER, true, change, f, NULL), NK_EREFUSED);
	assert_int_equal(f->changes, 0);
	assert_int_equal(nk_case_token_change(&f->env, f->id, NK_PAYER, false, change, f, NULL), NK_OK);
	assert_int_equal(f->changes, 1);
	assert_int_equal(events(f, f->id), before);
	sodium_memzero(b, sizeof(*b));
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(signed_reads_bind_case_role_method_target_and_body,
						setup, teardown),
		cmocka_unit_test_setup_teardown(token_changes_are_logged_and_shown_to_the_role, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
