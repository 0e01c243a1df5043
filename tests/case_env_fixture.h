/* A case environment for the case functions' unit tests: a mem: store, a server key, the
 * clock and random source of fake_env.h (its clock starting at CASE_FIXTURE_CLOCK, which
 * a test may define first) and, for setup_cached, the cache of folded states, with the
 * cmocka set-up and tear-down that make and free it. One copy for the test files that
 * drive cases through these (test_deadlines.c, test_bridge_case.c, test_endorse.c), and a
 * role's join with a new key. */
#ifndef NAKODO_TESTS_CASE_ENV_FIXTURE_H
#define NAKODO_TESTS_CASE_ENV_FIXTURE_H

#include <nakodo/case.h>
#include "fake_env.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>

#ifndef CASE_FIXTURE_CLOCK
#define CASE_FIXTURE_CLOCK INT64_C(1700000000000)
#endif

struct fixture {
	struct nk_server_key *signer;
	struct nk_store *store;
	struct nk_case_cache *cache;
	struct nk_case_env env;
	struct fake_env fake;
};

static inline int setup_with(void **state, bool cache)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || sodium_init() < 0 ||
	    nk_store_open(&f->store, "mem:", NK_STORE_CREATE, NULL) != NK_OK ||
	    nk_server_key_generate(&f->signer, NULL) != NK_OK ||
	    (cache && nk_case_cache_new(&f->cache, 16, NULL) != NK_OK))
		return -1;
	f->fake = (struct fake_env){ CASE_FIXTURE_CLOCK, 0 };
	f->env = (struct nk_case_env){ f->store, fake_now, fake_random, &f->fake, f->signer,
				       NULL, f->cache };
	*state = f;
	return 0;
}

static inline int setup(void **state)
{
	return setup_with(state, false);
}

static inline int setup_cached(void **state)
{
	return setup_with(state, true);
}

static inline int teardown(void **state)
{
	struct fixture *f = *state;

	nk_store_close(f->store);
	nk_case_cache_free(f->cache);
	nk_server_key_free(f->signer);
	free(f);
	return 0;
}

/* role joins case id with a new key, kept in *key (the caller frees it). */
static inline enum nk_status fixture_join(const struct nk_case_env *env, const char *id,
					  enum nk_role role, struct nk_party_key **key)
{
	uint8_t sig[NK_SIGNATURE_BYTES];
	struct nk_identity idn;
	enum nk_status rc = nk_party_key_generate(key, NULL);

	if (rc != NK_OK)
		return rc;
	nk_party_key_identity(*key, &idn);
	if ((rc = nk_join_sign(*key, id, role, sig, NULL)) != NK_OK)
		return rc;
	return nk_case_join(env, id, role, &idn, sig, NULL);
}

/* nk_store_list_cases's callback: counts the cases into *(int *)arg. */
static inline bool count(const char *id, void *arg)
{
	(void)id;
	(*(int *)arg)++;
	return true;
}

#endif
