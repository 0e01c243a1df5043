/* The tests' blind case (tests/unit/test_blind_case.c, tests/adversary/blind_pick.c): a
 * case of figures opened blind in the in-memory store, both parties joined with keys of
 * their own; an outcome given through the go-between, or signed by a party and appended
 * by an operator who holds the server's key. Include after cmocka.h. */
#ifndef NAKODO_TESTS_BLIND_CASE_FIXTURE_H
#define NAKODO_TESTS_BLIND_CASE_FIXTURE_H

#include <nakodo/case.h>
#include "../fake_env.h"
#include "case/case_impl.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fixture {
	struct nk_store *store;
	struct nk_server_key *signer;
	struct nk_case_env env;
	struct fake_env fake;
	struct nk_party_key *key[2];
	struct nk_identity idn[2];
	char id[NK_CASE_ID_MAX];
	uint64_t number[2];
};

#define COMMIT "\"commitment\":" \
	"\"0101010101010101010101010101010101010101010101010101010101010101\""

static inline int setup_rules(void **state, int rounds, int proposals)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct nk_rules rules;
	uint8_t sig[NK_SIGNATURE_BYTES];

	if (!f || sodium_init() < 0 ||
	    nk_store_open(&f->store, "mem:", NK_STORE_CREATE, NULL) != NK_OK ||
	    nk_server_key_generate(&f->signer, NULL) != NK_OK)
		return -1;
	f->env = (struct nk_case_env){ f->store, fake_now, fake_random, &f->fake, f->signer, NULL,
				       NULL };
	f->fake = (struct fake_env)FAKE_ENV_START;
	nk_rules_default(&rules, nk_currency_find("USD"));
	rules.rounds = rounds;
	rules.proposals = proposals;
	rules.range_high = 100000000;
	rules.blind = true;
	if (nk_case_open(&f->env, &rules, f->id, NULL) != NK_OK)
		return -1;
	for (int r = 0; r < 2; r++) {
		if (nk_party_key_generate(&f->key[r], NULL) != NK_OK)
			return -1;
		nk_party_key_identity(f->key[r], &f->idn[r]);
		if (nk_join_sign(f->key[r], f->id, r, sig, NULL) != NK_OK ||
		    nk_case_join(&f->env, f->id, r, &f->idn[r], sig, NULL) != NK_OK)
			return -1;
	}
	*state = f;
	return 0;
}

static inline int teardown(void **state)
{
	struct fixture *f = *state;

	for (int r = 0; r < 2; r++)
		nk_party_key_free(f->key[r]);
	nk_store_close(f->store);
	nk_server_key_free(f->signer);
	free(f);
	return 0;
}

/* role gives the outcome text, signed with its key and next number. */
static inline enum nk_status give(struct fixture *f, enum nk_role role, const char *text,
				  struct nk_error *err)
{
	struct nk_case_request req = { .action = NK_ACTION_BLIND_OUTCOME,
				       .envelope = (const uint8_t *)text,
				       .envelope_len = strlen(text) };
	struct nk_request_auth auth;

	assert_int_equal(nk_case_request_sign(f->key[role], f->id, role, ++f->number[role], &req,
					      &auth, NULL), NK_OK);
	return nk_case_act(&f->env, f->id, role, &req, &auth, err);
}

/* role signs text, as the outcome request req, with its next request number. */
static inline struct nk_request_auth sign(struct fixture *f, enum nk_role role,
					  const char *text, struct nk_case_request *req)
{
	struct nk_request_auth auth;

	*req = (struct nk_case_request){ .action = NK_ACTION_BLIND_OUTCOME,
					 .envelope = (const uint8_t *)text,
					 .envelope_len = strlen(text) };
	assert_int_equal(nk_case_request_sign(f->key[role], f->id, role, ++f->number[role], req,
					      &auth, NULL), NK_OK);
	return auth;
}

/* What an operator with the server's key can do: append any event, linked and
 * countersigned like the go-between's own. */
static inline void forge(struct fixture *f, const char *actor, enum case_event type,
			 json_t *body)
{
	assert_non_null(body);
	assert_int_equal(nk_store_begin(f->store, NULL), NK_OK);
	assert_int_equal(case_append(&f->env, f->id, actor, type, body, NULL), NK_OK);
	assert_int_equal(nk_store_commit(f->store, NULL), NK_OK);
}

/* An outcome event for role as the go-between writes it, with signature hex (or none). */
static inline json_t *outcome_event(const char *text, enum nk_role role, uint64_t number,
				    const char *sig_hex)
{
	json_t *o = json_loads(text, 0, NULL);

	assert_non_null(o);
	json_object_set_new(o, "role", json_string(nk_role_name(role)));
	json_object_set_new(o, "request", json_integer((json_int_t)number));
	if (sig_hex)
		json_object_set_new(o, "signature", json_string(sig_hex));
	return o;
}

#endif
