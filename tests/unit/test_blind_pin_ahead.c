/* The claimant's pin of the payer's transfer taken ahead of its garbling
 * (nk_blind_pin_ahead), so that the client makes it durable while it garbles: the step
 * after it sends the same circuit, byte for byte, as the step alone from the same state;
 * the pin is new once (nk_blind_take_pin), not again at the step; a state saved right
 * after it (what the client writes) runs the round again to the same circuit, held to
 * the pin; an altered transfer is refused ahead as the step refuses it; nothing for the
 * payer. */
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
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define TAG 33

/* side saved with key and loaded again into a new party (the caller frees it) */
static struct nk_blind_party *copy_of(const struct nk_blind_party *side,
				      const struct nk_rules *r, const struct nk_party_key *key)
{
	struct nk_blind_party *out = NULL;
	uint8_t sid[NK_BLIND_SESSION_BYTES], *data = NULL;
	size_t len = 0;

	memset(sid, TAG, sizeof(sid));
	assert_int_equal(nk_blind_save(side, key, 1, 0, &data, &len, NULL), NK_OK);
	assert_int_equal(nk_blind_load(r, NK_CLAIMANT, sid, key, 0, data, len, NULL, &out, NULL),
			 NK_OK);
	free(data);
	return out;
}

static void flip_body(uint8_t *msg, size_t *len, void *arg)
{
	(void)len;
	(void)arg;
	msg[40] ^= 1;
}

static void same_circuit(void **state)
{
	struct nk_blind_input ci = { .figure = 70000 }, pi = { .figure = 40000 };
	struct nk_blind_party *alone, *ahead, *rerun;
	struct nk_party_key *key = NULL;
	struct nk_error err = { 0 };
	struct nk_rules r;
	struct pair x;
	uint8_t *transfer, *c1, *c2, *c3;
	size_t tlen = 0, n1 = 0, n2 = 0, n3 = 0;
	uint64_t sent[2], got[2];

	(void)state;
	pair_hinted_rules(&r);
	assert_int_equal(nk_party_key_generate(&key, NULL), NK_OK);
	assert_int_equal(pair_open(&x, &r, TAG), NK_OK);
	nk_blind_decide(x.c, 1, &ci);
	nk_blind_decide(x.p, 1, &pi);
	assert_int_equal(nk_blind_begin(x.c, 1, &ci, NULL), NK_OK);
	assert_int_equal(nk_blind_begin(x.p, 1, &pi, NULL), NK_OK);
	assert_non_null(transfer = malloc(x.cap));
	assert_non_null(c1 = malloc(x.cap));
	assert_non_null(c2 = malloc(x.cap));
	assert_non_null(c3 = malloc(x.cap));
	assert_int_equal(nk_blind_step(x.p, NULL, 0, transfer, x.cap, &tlen, NULL), NK_OK);
	/* the payer has nothing to pin ahead */
	assert_int_equal(nk_blind_pin_ahead(x.p, transfer, tlen, NULL), NK_OK);
	assert_false(nk_blind_take_pin(x.p));

	alone = copy_of(x.c, &r, key);
	assert_int_equal(nk_blind_begin(alone, 1, &ci, NULL), NK_OK);
	assert_int_equal(nk_blind_step(alone, transfer, tlen, c2, x.cap, &n2, NULL), NK_OK);
	assert_true(nk_blind_take_pin(alone));

	assert_int_equal(nk_blind_pin_ahead(x.c, transfer, tlen, NULL), NK_OK);
	assert_true(nk_blind_take_pin(x.c));
	ahead = copy_of(x.c, &r, key);	/* what the client writes while it garbles */
	assert_int_equal(nk_blind_step(x.c, transfer, tlen, c1, x.cap, &n1, NULL), NK_OK);
	assert_false(nk_blind_take_pin(x.c));	/* pinned once, ahead */
	assert_int_equal(n1, n2);
	assert_memory_equal(c1, c2, n1);
	nk_blind_traffic(x.c, &sent[0], &got[0]);
	nk_blind_traffic(alone, &sent[1], &got[1]);
	assert_true(got[0] == got[1]);	/* the transfer counted once */

	/* a run again from the state written ahead: held to the pin, the same circuit */
	rerun = ahead;
	assert_int_equal(nk_blind_begin(rerun, 1, &ci, NULL), NK_OK);
	assert_int_equal(nk_blind_pin_ahead(rerun, transfer, tlen, NULL), NK_OK);
	assert_false(nk_blind_take_pin(rerun));	/* already durable */
	assert_int_equal(nk_blind_step(rerun, transfer, tlen, c3, x.cap, &n3, NULL), NK_OK);
	assert_int_equal(n3, n1);
	assert_memory_equal(c3, c1, n1);

	/* an altered transfer is refused ahead, as the step refuses it */
	nk_blind_free(rerun);
	rerun = copy_of(alone, &r, key);
	assert_int_equal(nk_blind_begin(rerun, 1, &ci, NULL), NK_OK);
	flip_body(transfer, &tlen, NULL);
	assert_int_not_equal(nk_blind_pin_ahead(rerun, transfer, tlen, &err), NK_OK);
	assert_string_equal(err.field, "message");
	assert_false(nk_blind_take_pin(rerun));

	nk_blind_free(rerun);
	nk_blind_free(alone);
	free(transfer);
	free(c1);
	free(c2);
	free(c3);
	pair_close(&x);
	nk_party_key_free(key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_circuit),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
