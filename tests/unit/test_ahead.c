/* A party's figure prepared before its write transaction (case/ahead.c): its seal
 * (nk_store_secret_seal, then nk_store_secret_put_sealed inside) opens only under the
 * case and the name it was sealed for, as nk_store_secret_put's; and a figure prepared
 * for the wrong round (the cache's entry was left behind by a writer that does not use
 * it) is made again in the transaction, so that every round's figure is sealed under its
 * own round's name and every briefing is the one a read gives. And a round evaluated
 * before the transaction (from the state the cache kept, case_pending_prime_round) is
 * the round the transaction would have evaluated: each round once, its recorded outcome
 * the one a reader without the cache replays from the sealed figures, every briefing
 * the same as a case's run without the cache; and an evaluation made from an entry the
 * log has left behind is not used. */
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

/* The number of events of type in case id's log (its chain and countersignatures
 * checked). */
static int count_events(const struct nk_case_env *env, const char *id, const char *type)
{
	struct nk_event_list log = { 0 };
	struct nk_error err = { 0 };
	int n = 0;

	assert_int_equal(nk_case_log(env, id, &log, &err), NK_OK);
	for (size_t i = 0; i < log.count; i++)
		n += strcmp(log.events[i].type, type) == 0;
	nk_event_list_free(&log);
	return n;
}

/* Rounds of figures that close in steps: a deal at the last round (or none when
 * never_meet). */
static int64_t demand_at(int i)
{
	return 1000000 - i * 70000;
}

static int64_t offer_at(int i, bool never_meet)
{
	return never_meet ? 100000 + i * 1000 : 100000 + i * 75000;
}

/* Plays the same figures on a case run through the cache and a case run without it,
 * under rules, and compares both parties' briefings round by round; a reader without
 * the cache then replays every recorded round of the cached case from its sealed
 * figures (a round recorded with another outcome is refused as corrupt). */
static void play_both(struct fixture *f, const struct nk_rules *r, bool never_meet)
{
	struct nk_case_env uncached = f->env;
	struct nk_brief *a = sodium_malloc(sizeof(*a)), *b = sodium_malloc(sizeof(*b));
	struct nk_error err = { 0 };
	char cached_id[NK_CASE_ID_MAX], plain_id[NK_CASE_ID_MAX];
	bool over = false;
	int rounds = 0;

	assert_non_null(a);
	assert_non_null(b);
	uncached.cache = NULL;
	assert_int_equal(nk_case_open(&f->env, r, cached_id, &err), NK_OK);
	assert_int_equal(nk_case_open(&uncached, r, plain_id, &err), NK_OK);
	for (int i = 1; i <= r->rounds && !over; i++) {
		/* the payer first in odd rounds, the claimant in even ones: either completes */
		for (int k = 0; k < 2; k++) {
			enum nk_role role = (enum nk_role)((i + k) % 2);
			int64_t amount = role == NK_CLAIMANT ? demand_at(i) : offer_at(i, never_meet);

			submit(&f->env, cached_id, role, amount);
			submit(&uncached, plain_id, role, amount);
		}
		rounds = i;
		for (int side = 0; side < 2; side++) {
			assert_int_equal(nk_case_brief(&f->env, cached_id, (enum nk_role)side, a,
						       &err), NK_OK);
			assert_int_equal(nk_case_brief(&uncached, plain_id, (enum nk_role)side, b,
						       &err), NK_OK);
			assert_int_equal(a->state, b->state);
			assert_int_equal(a->rounds_evaluated, b->rounds_evaluated);
			for (int j = 0; j < i; j++) {
				assert_true(a->rounds[j].evaluated);
				assert_int_equal(a->rounds[j].deal, b->rounds[j].deal);
				assert_int_equal(a->rounds[j].figure, b->rounds[j].figure);
				assert_int_equal(a->rounds[j].hint, b->rounds[j].hint);
				assert_int_equal(a->rounds[j].withheld, b->rounds[j].withheld);
				assert_int_equal(a->rounds[j].own_figure, b->rounds[j].own_figure);
			}
			over = a->state != NK_STATE_OPEN;
		}
	}
	/* each round evaluated once, and as a reader without the cache replays it */
	assert_int_equal(count_events(&uncached, cached_id, "round"), rounds);
	if (!over) {
		assert_int_equal(nk_case_brief(&uncached, cached_id, NK_CLAIMANT, a, &err), NK_OK);
		assert_int_equal(a->rounds_evaluated, rounds);
	}
	sodium_free(a);
	sodium_free(b);
}

static void a_round_evaluated_ahead_is_the_one_evaluated_inside(void **state)
{
	struct fixture *f = *state;
	struct nk_rules r;

	nk_rules_default(&r, nk_currency_find("USD"));
	r.rounds = 8;
	r.range_low = 0;
	r.range_high = 2000000;
	play_both(f, &r, false);	/* midpoint, a deal in the last rounds */
	play_both(f, &r, true);		/* never: an impasse after the last */
	r.settle = NK_SETTLE_BAND;
	r.band_bp = 3000;
	r.grid = 500;
	play_both(f, &r, false);
	r.settle = NK_SETTLE_MIDPOINT;
	r.band_bp = 0;
	r.hint_count = 2;
	r.hint_bp[0] = 1000;
	r.hint_bp[1] = 5000;
	play_both(f, &r, false);	/* hints, kept per side, and the leakage budget */
	play_both(f, &r, true);
}

/* The random rule's draw needs the seed, which the replay holds from the second round
 * on: every recorded outcome replays from the sealed figures and the sealed seed. */
static void a_random_round_evaluated_ahead_replays(void **state)
{
	struct fixture *f = *state;
	struct nk_case_env uncached = f->env;
	struct nk_brief *b = sodium_malloc(sizeof(*b));
	struct nk_error err = { 0 };
	struct nk_rules r;
	char id[NK_CASE_ID_MAX];

	assert_non_null(b);
	uncached.cache = NULL;
	nk_rules_default(&r, nk_currency_find("USD"));
	r.rounds = 6;
	r.settle = NK_SETTLE_RANDOM;
	r.range_high = 2000000;
	assert_int_equal(nk_case_open(&f->env, &r, id, &err), NK_OK);
	for (int i = 1; i <= 5; i++) {
		submit(&f->env, id, NK_CLAIMANT, demand_at(i));
		submit(&f->env, id, NK_PAYER, offer_at(i, true));
	}
	submit(&f->env, id, NK_CLAIMANT, 500000);
	submit(&f->env, id, NK_PAYER, 600000);	/* a draw in [500000, 600000] */
	assert_int_equal(count_events(&uncached, id, "round"), 6);
	assert_int_equal(nk_case_brief(&uncached, id, NK_CLAIMANT, b, &err), NK_OK);
	assert_true(b->settled);
	assert_true(b->settlement >= 500000 && b->settlement <= 600000);
	assert_int_equal(b->rounds_evaluated, 6);
	sodium_free(b);
}

/* The cache's entry is left at round i with the claimant's figure in; without the
 * cache, the payer completes round i and the claimant submits round i + 1. The payer's
 * next figure, through the cache, is evaluated ahead against round i (the entry's) and
 * must be evaluated inside against round i + 1 (the store's). */
static void an_evaluation_ahead_of_a_moved_log_is_not_used(void **state)
{
	struct fixture *f = *state;
	struct nk_case_env uncached = f->env;
	struct nk_brief *b = sodium_malloc(sizeof(*b));
	struct nk_error err = { 0 };
	struct nk_rules r;
	char id[NK_CASE_ID_MAX];

	assert_non_null(b);
	uncached.cache = NULL;
	nk_rules_default(&r, nk_currency_find("USD"));
	r.rounds = 10;
	assert_int_equal(nk_case_open(&f->env, &r, id, &err), NK_OK);
	submit(&f->env, id, NK_CLAIMANT, 1000000);
	submit(&f->env, id, NK_PAYER, 1000);		/* round 1; the replay and seed held */
	submit(&f->env, id, NK_CLAIMANT, 900000);	/* the entry: round 2, claimant in */
	submit(&uncached, id, NK_PAYER, 2000);		/* round 2 evaluated past the entry */
	submit(&uncached, id, NK_CLAIMANT, 800000);
	submit(&f->env, id, NK_PAYER, 850000);		/* ahead: round 2 deal; inside: round 3 */
	assert_int_equal(count_events(&uncached, id, "round"), 3);
	for (int side = 0; side < 2; side++) {
		assert_int_equal(nk_case_brief(&uncached, id, (enum nk_role)side, b, &err), NK_OK);
		assert_true(b->settled);
		assert_int_equal(b->rounds_evaluated, 3);
		assert_int_equal(b->rounds[1].deal, NK_NO_DEAL);
		assert_int_equal(b->settlement, 825000);	/* round 3's midpoint */
	}
	sodium_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(sealed_ahead_opens_only_where_it_was_sealed_for,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_stale_guess_is_made_again_inside, setup_cached,
						teardown),
		cmocka_unit_test_setup_teardown(a_round_evaluated_ahead_is_the_one_evaluated_inside,
						setup_cached, teardown),
		cmocka_unit_test_setup_teardown(a_random_round_evaluated_ahead_replays,
						setup_cached, teardown),
		cmocka_unit_test_setup_teardown(an_evaluation_ahead_of_a_moved_log_is_not_used,
						setup_cached, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
