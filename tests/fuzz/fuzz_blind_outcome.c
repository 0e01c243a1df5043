/* libFuzzer harness for what the go-between reads from a blind case's party that no
 * other route reads: the outcome's text (case/blind_outcome.c), signed by the claimant of
 * a blind case both parties joined. Whatever it is, it is taken or refused with a reason,
 * and the case still loads and briefs after it; only the claimant gives outcomes here, so
 * no round ever concludes and the case serves every input. */
#include <nakodo/case.h>
#include <nakodo/seal.h>
#include "../fake_env.h"

#include <sodium.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fixture {
	struct nk_store *store;
	struct nk_server_key *signer;
	struct nk_case_env env;
	struct fake_env fake;
	struct nk_party_key *key[2];
	char id[NK_CASE_ID_MAX];
	uint64_t number;
} f;

static void setup(void)
{
	struct nk_rules rules;
	struct nk_identity idn;
	uint8_t sig[NK_SIGNATURE_BYTES];

	if (sodium_init() < 0 || nk_store_open(&f.store, "mem:", NK_STORE_CREATE, NULL) != NK_OK ||
	    nk_server_key_generate(&f.signer, NULL) != NK_OK)
		abort();
	f.env = (struct nk_case_env){ f.store, fake_now, fake_random, &f.fake, f.signer, NULL, NULL };
	f.fake = (struct fake_env)FAKE_ENV_START;
	nk_rules_default(&rules, nk_currency_find("USD"));
	rules.rounds = 1;
	rules.range_high = 100000000;
	rules.hint_count = 1;
	rules.hint_bp[0] = 1000;
	rules.blind = true;
	if (nk_case_open(&f.env, &rules, f.id, NULL) != NK_OK)
		abort();
	for (int r = 0; r < 2; r++) {
		if (nk_party_key_generate(&f.key[r], NULL) != NK_OK)
			abort();
		nk_party_key_identity(f.key[r], &idn);
		if (nk_join_sign(f.key[r], f.id, r, sig, NULL) != NK_OK ||
		    nk_case_join(&f.env, f.id, r, &idn, sig, NULL) != NK_OK)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nk_case_request req = { .action = NK_ACTION_BLIND_OUTCOME, .envelope = data,
				       .envelope_len = size };
	struct nk_request_auth auth;
	struct nk_error err = { 0 };
	static struct nk_brief b;
	enum nk_status rc;

	if (!f.store)
		setup();
	if (size == 0)
		return 0;
	if (nk_case_request_sign(f.key[NK_CLAIMANT], f.id, NK_CLAIMANT, ++f.number, &req, &auth,
				 NULL) != NK_OK)
		return 0;	/* longer than a request's body may be */
	rc = nk_case_act(&f.env, f.id, NK_CLAIMANT, &req, &auth, &err);
	if (rc != NK_OK && !err.text[0])
		abort();	/* a refusal without its reason */
	if (nk_case_brief(&f.env, f.id, NK_MEDIATOR, &b, NULL) != NK_OK ||
	    b.state != NK_STATE_OPEN)
		abort();	/* what was taken left the case readable and open */
	return 0;
}
