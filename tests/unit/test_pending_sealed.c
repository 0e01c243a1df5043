/* The amounts a transaction sealed, read back in it without opening them again
 * (case/cache.c, case_pending_sealed): kept only for the case of this thread's pending
 * transaction, the latest value of a name, at most CASE_PENDING_SEALED names (the rest
 * are opened from the store), forgotten at a purge and at the transaction's end; and
 * the case's last link, which the pending state holds for case_link_event. */
#include "case/cache.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <stdio.h>

static const char *const id = "00112233445566778899";

static void begin(struct case_state *st)
{
	static const struct nk_case_env env = { 0 };	/* no cache: no replay to take */
	uint8_t chain[NK_CHAIN_BYTES] = { 1 };

	memset(st, 0, sizeof(*st));
	snprintf(st->id, sizeof(st->id), "%s", id);
	case_pending_begin(&env, st, 3, chain);
}

static void test_kept_in_the_transaction(void **state)
{
	static const struct nk_case_env env = { 0 };
	struct case_state st;
	int64_t v = 0;

	(void)state;
	case_pending_sealed(id, "figure.1.claimant", 5);	/* no transaction: not kept */
	assert_false(case_pending_unsealed(id, "figure.1.claimant", &v));
	begin(&st);
	case_pending_sealed(id, "figure.1.claimant", 5);
	case_pending_sealed(id, "figure.1.claimant", 7);	/* the latest value */
	case_pending_sealed("99887766554433221100", "figure.1.payer", 9);	/* another case */
	assert_true(case_pending_unsealed(id, "figure.1.claimant", &v));
	assert_int_equal(v, 7);
	assert_false(case_pending_unsealed(id, "figure.1.payer", &v));
	assert_false(case_pending_unsealed("99887766554433221100", "figure.1.payer", &v));
	case_pending_end(&env, false);
	assert_false(case_pending_unsealed(id, "figure.1.claimant", &v));
}

static void test_bounded_and_purged(void **state)
{
	static const struct nk_case_env env = { 0 };
	struct case_state st;
	char name[NK_SECRET_NAME_MAX];
	int64_t v = 0;

	(void)state;
	begin(&st);
	for (int i = 1; i <= CASE_PENDING_SEALED + 1; i++) {
		snprintf(name, sizeof(name), "figure.%d.payer", i);
		case_pending_sealed(id, name, i);
	}
	for (int i = 1; i <= CASE_PENDING_SEALED; i++) {
		snprintf(name, sizeof(name), "figure.%d.payer", i);
		assert_true(case_pending_unsealed(id, name, &v));
		assert_int_equal(v, i);
	}
	snprintf(name, sizeof(name), "figure.%d.payer", CASE_PENDING_SEALED + 1);
	assert_false(case_pending_unsealed(id, name, &v));	/* past the room: opened */
	case_pending_purged(id);
	assert_false(case_pending_unsealed(id, "figure.1.payer", &v));
	case_pending_sealed(id, "kept.bridge.payer", 11);	/* after the purge, kept again */
	assert_true(case_pending_unsealed(id, "kept.bridge.payer", &v));
	case_pending_end(&env, false);
}

/* The last link the pending state holds is the one it began with, for its case only,
 * and none once it ended (case_link_event reads the store then). */
static void test_last_link(void **state)
{
	static const struct nk_case_env env = { 0 };
	struct case_state st;
	uint8_t chain[NK_CHAIN_BYTES] = { 0 };
	int64_t seq = 0;

	(void)state;
	assert_false(case_pending_last(id, &seq, chain));
	begin(&st);
	assert_false(case_pending_last("99887766554433221100", &seq, chain));
	assert_true(case_pending_last(id, &seq, chain));
	assert_int_equal(seq, 3);
	assert_int_equal(chain[0], 1);
	case_pending_end(&env, false);
	assert_false(case_pending_last(id, &seq, chain));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kept_in_the_transaction),
		cmocka_unit_test(test_bounded_and_purged),
		cmocka_unit_test(test_last_link),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
