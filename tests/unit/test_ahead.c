/* A party's figure prepared before its write transaction (case/ahead.c): its seal
 * (nk_store_secret_seal, then nk_store_secret_put_sealed inside) opens only under the
 * case and the name it was sealed for, as nk_store_secret_put's; and a figure prepared
 * for the wrong round (the cache's entry was left behind by a writer that does not use
 * it) is made again in the transaction, so that every round's figure is sealed under its
 * own round's name and every briefing is the one a read gives. */
#include <nakodo/case.h>
#include <nakodo/case_json.h>
#include <nakodo/money.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdlib.h>

#include "../case_env_fixture.h"

static void sealed_ahead_opens_only_where_it_was_sealed_for(void **state)
{
	struct fixture *f = *state;
	const uint8_t plain[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t sealed[NK_SECRET_SEAL_OVERHEAD + 8], back[8];
	struct nk_error err = { 0 };
	struct nk_rules r;
	char id[NK_CASE_ID_MAX];
	size_t len = 0, got = 0;

	nk_rules_default(&r, nk_currency_find("USD"));
	assert_int_equal(nk_case_open(&f->env, &r, id, &err), NK_OK);
	/* no room: refused */
	assert_int_equal(nk_store_secret_seal(f->store, id, "x.1", plain, sizeof(plain), sealed,
					      sizeof(sealed) - 1, &len, &err), NK_EINVAL);
	assert_int_equal(nk_store_secret_seal(f->store, id, "x.1", plain, sizeof(plain), sealed,
					      sizeof(sealed), &len, &err), NK_OK);
	assert_int_equal(len, sizeof(sealed));
	/* outside a transaction, or shorter than a seal: refused */
	assert_int_equal(nk_store_secret_put_sealed(f->store, id, "x.1", sealed, len, &err),
			 NK_EINVAL);
	assert_int_equal(nk_store_begin(f->store, &err), NK_OK);
	assert_int_equal(nk_store_secret_put_sealed(f->store, id, "x.1", sealed,
						    NK_SECRET_SEAL_OVERHEAD - 1, &err), NK_EINVAL);
	assert_int_equal(nk_store_secret_put_sealed(f->store, id, "x.1", sealed, len, &err), NK_OK);
	/* the same bytes under another name do not open */
	assert_int_equal(nk_store_secret_put_sealed(f->store, id, "x.2", sealed, len, &err), NK_OK);
	assert_int_equal(nk_store_commit(f->store, &err), NK_OK);
	assert_int_equal(nk_store_begin_read(f->store, &err), NK_OK);
	assert_int_equal(nk_store_secret_get(f->store, id, "x.1", back, sizeof(back), &got, &err),
			 NK_OK);
	assert_int_equal(got, sizeof(plain));
	assert_memory_equal(back, plain, sizeof(plain));
	assert_int_equal(nk_store_secret_get(f->store, id, "x.2", back, sizeof(back), &got, &err),
			 NK_ECRYPTO);
	nk_store_rollback(f->store);
	sodium_memzero(back, sizeof(back));
}

static void submit(const struct nk_case_env *env, const char *id, enum nk_role role,
		   int64_t amount)
{
	const struct nk_case_request req = { .action = NK_ACTION_SUBMIT, .amount = amount };
	struct nk_error err = { 0 };

	assert_int_equal(nk_case_act(env, id, role, &req, NULL, &err), NK_OK);
}

static void a_stale_guess_is_made_again_inside(void **state)
{
	struct fixture *f = *state;
	struct nk_case_env uncached = f->env;
	struct nk_brief *b = sodium_malloc(sizeof(*b));
	struct nk_event_list log = { 0 };
	struct nk_error err = { 0 };
	struct nk_rules r;
	char id[NK_CASE_ID_MAX];

	assert_non_null(b);
	uncached.cache = NULL;
	nk_rules_default(&r, nk_currency_find("USD"));
	r.rounds = 10;
	assert_int_equal(nk_case_open(&f->env, &r, id, &err), NK_OK);
	for (int i = 1; i <= 3; i++) {
		/* the claimant through the cache, which keeps round i; the payer past it */
		submit(&f->env, id, NK_CLAIMANT, 1000000 - i * 1000);
		submit(&uncached, id, NK_PAYER, i * 1000);
	}
	submit(&f->env, id, NK_CLAIMANT, 900000);	/* guessed round 3, is round 4 */
	submit(&f->env, id, NK_PAYER, 4000);
	for (int side = 0; side < 2; side++) {
		assert_int_equal(nk_case_brief(&f->env, id, (enum nk_role)side, b, &err), NK_OK);
		assert_int_equal(b->round, 5);
		for (int i = 1; i <= 4; i++) {
			int64_t want = side == NK_CLAIMANT ? (i == 4 ? 900000 : 1000000 - i * 1000)
							   : i * 1000;

			assert_true(b->rounds[i - 1].evaluated);
			assert_int_equal(b->rounds[i - 1].own_figure, want);
		}
	}
	/* the chain and every countersignature check */
	assert_int_equal(nk_case_log(&f->env, id, &log, &err), NK_OK);
	nk_event_list_free(&log);
	sodium_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(sealed_ahead_opens_only_where_it_was_sealed_for,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_stale_guess_is_made_again_inside, setup_cached,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
