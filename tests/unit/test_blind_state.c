/* A side's saved state (nk_blind_save, nk_blind_load): written without the circuit under
 * way and without the rows of carried labels past the case's last round, so that it is
 * the same size for every save of a case (the client overwrites its file in place) and
 * far smaller than all NK_ROUNDS_MAX rows; its generation comes back as saved; a case run
 * with both sides saved and loaded between every round computes what one kept in memory
 * computes; a state cut short, grown or altered is refused. */
#include <nakodo/bargain.h>
#include <nakodo/blind.h>
#include <nakodo/keys.h>
#include "crypto/blind_proto.h"
#include "blind_pair.h"

#include <sodium.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define TAG 21

/* Saved and loaded again with key, as between two runs; the saved length in *len. */
static void reload(struct nk_blind_party **side, const struct nk_rules *r, enum nk_role role,
		   const struct nk_party_key *key, size_t *len)
{
	uint8_t sid[NK_BLIND_SESSION_BYTES], *data = NULL;
	uint64_t gen = 0, want = 77 + (uint64_t)*len;

	memset(sid, TAG, sizeof(sid));
	assert_int_equal(nk_blind_save(*side, key, want, 0, &data, len, NULL), NK_OK);
	assert_int_equal(*len, nk_blind_saved_bytes(r));
	nk_blind_free(*side);
	*side = NULL;
	assert_int_equal(nk_blind_load(r, role, sid, key, 0, data, *len, &gen, side, NULL), NK_OK);
	assert_int_equal(gen, want);
	free(data);
}

/* Four rounds that meet in the last, once with both sides reloaded between rounds, once
 * kept in memory: the same outcomes and hints; the saved state is the same size in every
 * round, four rows of carried labels (both figures' 64 labels) and far less than all. */
static void rounds_across_reloads(void **state)
{
	const int64_t demand[4] = { 90000, 80000, 70000, 60000 };
	const int64_t offer[4] = { 20000, 40000, 50000, 65000 };
	const size_t row = sizeof(((struct nk_blind_party *)0)->carried[0]);
	struct nk_party_key *key[2] = { NULL, NULL };
	struct nk_rules r;
	struct pair kept, saved;
	size_t len[2] = { 0, 0 }, last = 0;

	(void)state;
	pair_hinted_rules(&r);
	for (int i = 0; i < 2; i++)
		assert_int_equal(nk_party_key_generate(&key[i], NULL), NK_OK);
	assert_int_equal(pair_open(&kept, &r, TAG), NK_OK);
	assert_int_equal(pair_open(&saved, &r, TAG), NK_OK);
	for (int round = 1; round <= 4; round++) {
		struct nk_blind_input ci = { .figure = demand[round - 1] };
		struct nk_blind_input pi = { .figure = offer[round - 1] };
		struct nk_blind_outcome a[2], b[2];

		nk_blind_decide(kept.c, round, &ci);
		nk_blind_decide(kept.p, round, &pi);
		reload(&saved.c, &r, NK_CLAIMANT, key[0], &len[0]);
		reload(&saved.p, &r, NK_PAYER, key[1], &len[1]);
		assert_true(len[0] < sizeof(struct nk_blind_party) / 4);
		assert_true(len[0] > (size_t)r.rounds * row);
		if (round > 1)
			assert_int_equal(len[0], last);
		last = len[0];
		assert_int_equal(pair_round(&kept, round, &ci, &pi), NK_OK);
		assert_int_equal(pair_round(&saved, round, &ci, &pi), NK_OK);
		assert_int_equal(nk_blind_outcome(kept.c, &a[0], NULL), NK_OK);
		assert_int_equal(nk_blind_outcome(kept.p, &a[1], NULL), NK_OK);
		assert_int_equal(nk_blind_outcome(saved.c, &b[0], NULL), NK_OK);
		assert_int_equal(nk_blind_outcome(saved.p, &b[1], NULL), NK_OK);
		for (int i = 0; i < 2; i++) {
			assert_int_equal(a[i].deal, b[i].deal);
			assert_int_equal(a[i].figure, b[i].figure);
			assert_int_equal(a[i].hint, b[i].hint);
			assert_int_equal(a[i].withheld, b[i].withheld);
		}
		assert_int_equal(a[0].deal == NK_NO_DEAL, round < 4);
	}
	pair_close(&kept);
	pair_close(&saved);
	for (int i = 0; i < 2; i++)
		nk_party_key_free(key[i]);
}

/* A saved state one byte short, one byte long, or with a byte changed is refused, and
 * so is one of a state sealed to another key. */
static void damaged_refused(void **state)
{
	struct nk_party_key *key = NULL, *other = NULL;
	struct nk_blind_party *side = NULL;
	uint8_t sid[NK_BLIND_SESSION_BYTES], *data = NULL, *big;
	struct nk_rules r;
	struct pair x;
	size_t len = 0;

	(void)state;
	pair_hinted_rules(&r);
	memset(sid, TAG, sizeof(sid));
	assert_int_equal(nk_party_key_generate(&key, NULL), NK_OK);
	assert_int_equal(nk_party_key_generate(&other, NULL), NK_OK);
	assert_int_equal(pair_open(&x, &r, TAG), NK_OK);
	assert_int_equal(nk_blind_save(x.c, key, 1, 0, &data, &len, NULL), NK_OK);
	assert_int_equal(nk_blind_load(&r, NK_CLAIMANT, sid, key, 0, data, len, NULL, &side, NULL),
			 NK_OK);
	nk_blind_free(side);
	side = NULL;
	assert_int_not_equal(nk_blind_load(&r, NK_CLAIMANT, sid, key, 0, data, len - 1, NULL, &side,
					   NULL), NK_OK);
	assert_null(side);
	big = calloc(1, len + 1);
	assert_non_null(big);
	memcpy(big, data, len);
	assert_int_not_equal(nk_blind_load(&r, NK_CLAIMANT, sid, key, 0, big, len + 1, NULL, &side,
					   NULL), NK_OK);
	big[len / 2] ^= 1;
	assert_int_not_equal(nk_blind_load(&r, NK_CLAIMANT, sid, key, 0, big, len, NULL, &side,
					   NULL), NK_OK);
	assert_int_not_equal(nk_blind_load(&r, NK_CLAIMANT, sid, other, 0, data, len, NULL, &side,
					   NULL), NK_OK);
	assert_null(side);
	free(big);
	free(data);
	pair_close(&x);
	nk_party_key_free(key);
	nk_party_key_free(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rounds_across_reloads),
		cmocka_unit_test(damaged_refused),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
