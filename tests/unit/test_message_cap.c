/* An attack on sealed messages (case/message.c): each message is stored (up to 64 KiB)
 * and logged, and a role could send the other as many as its request rate allowed, so
 * one party grew the case's log and the store without end (3 MB a second at the default
 * rate). A role now sends another at most NK_MESSAGES_MAX messages on a case; the next
 * is refused (409, field n) with nothing stored, and the other directions go on. */
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
#include <stdio.h>
#include <stdlib.h>

struct fixture {
	struct nk_store *store;
	struct nk_server_key *signer;
	struct nk_case_env env;
	struct fake_env fake;
	struct nk_party_key *key[2];	/* claimant, payer */
	struct nk_identity idn[2];
	uint64_t number[2];
	char id[NK_CASE_ID_MAX];
};

/* A message from → to numbered n, signed with from's next request number. */
static enum nk_status send_one(struct fixture *f, enum nk_role from, enum nk_role to,
			       uint64_t n, struct nk_error *err)
{
	struct nk_envelope_header h = { .kind = NK_MESSAGE_TEXT, .from = from, .to = to,
					.seq = n };
	struct nk_case_request req = { .action = NK_ACTION_SEND };
	struct nk_request_auth auth;
	uint8_t *env = NULL;
	size_t len = 0;
	enum nk_status rc;

	snprintf(h.case_id, sizeof(h.case_id), "%s", f->id);
	assert_int_equal(nk_message_seal(f->key[from], &h, &f->idn[to], (const uint8_t *)"hi",
					 2, &env, &len, NULL), NK_OK);
	req.envelope = env;
	req.envelope_len = len;
	assert_int_equal(nk_case_request_sign(f->key[from], f->id, from, ++f->number[from], &req,
					      &auth, NULL), NK_OK);
	rc = nk_case_act(&f->env, f->id, from, &req, &auth, err);
	free(env);
	return rc;
}

/* How many messages the claimant's briefing says it sent the payer. */
static uint64_t sent(struct fixture *f)
{
	struct nk_brief *b = sodium_malloc(sizeof(*b));
	uint64_t n;

	assert_non_null(b);
	assert_int_equal(nk_case_brief(&f->env, f->id, NK_CLAIMANT, b, NULL), NK_OK);
	n = b->sent[NK_PAYER];
	sodium_free(b);
	return n;
}

static void a_role_sends_another_a_bounded_number_of_messages(void **state)
{
	struct fixture f = { 0 };
	struct nk_rules rules;
	struct nk_error err = { 0 };

	(void)state;
	f.fake = (struct fake_env)FAKE_ENV_START;
	assert_int_equal(nk_store_open(&f.store, "mem:", NK_STORE_CREATE, NULL), NK_OK);
	assert_int_equal(nk_server_key_generate(&f.signer, NULL), NK_OK);
	f.env = (struct nk_case_env){ f.store, fake_now, fake_random, &f.fake, f.signer, NULL,
				      NULL };
	nk_rules_default(&rules, nk_currency_find("USD"));
	assert_int_equal(nk_case_open(&f.env, &rules, f.id, NULL), NK_OK);
	for (int r = 0; r < 2; r++) {
		uint8_t sig[NK_SIGNATURE_BYTES];

		assert_int_equal(nk_party_key_generate(&f.key[r], NULL), NK_OK);
		nk_party_key_identity(f.key[r], &f.idn[r]);
		assert_int_equal(nk_join_sign(f.key[r], f.id, (enum nk_role)r, sig, NULL), NK_OK);
		assert_int_equal(nk_case_join(&f.env, f.id, (enum nk_role)r, &f.idn[r], sig, NULL),
				 NK_OK);
	}
	for (uint64_t n = 1; n <= NK_MESSAGES_MAX; n++)
		assert_int_equal(send_one(&f, NK_CLAIMANT, NK_PAYER, n, NULL), NK_OK);
	assert_int_equal(sent(&f), NK_MESSAGES_MAX);
	assert_int_equal(send_one(&f, NK_CLAIMANT, NK_PAYER, NK_MESSAGES_MAX + 1, &err),
			 NK_EREFUSED);
	assert_string_equal(err.field, "n");
	assert_non_null(strstr(err.text, "as many as a case takes"));
	assert_int_equal(sent(&f), NK_MESSAGES_MAX);	/* nothing added */
	/* the other direction is its own */
	assert_int_equal(send_one(&f, NK_PAYER, NK_CLAIMANT, 1, NULL), NK_OK);
	for (int r = 0; r < 2; r++)
		nk_party_key_free(f.key[r]);
	nk_server_key_free(f.signer);
	nk_store_close(f.store);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_role_sends_another_a_bounded_number_of_messages),
	};

	assert_true(sodium_init() >= 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
