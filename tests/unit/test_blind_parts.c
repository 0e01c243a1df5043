/* Known answers for the blind round's building blocks: each garbled gate evaluated on all
 * its inputs, the word gadgets (adder, comparison, equality, selection) garbled against
 * plain arithmetic, the base OT giving the receiver exactly its chosen key and refusing
 * the identity point, and the IKNP extension's correlation t_j = q_j ^ r_j * delta. */
#include "crypto/gc.h"
#include "crypto/ot.h"
#include "../splitmix.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static const uint8_t key[GC_KEY_BYTES] = "blind-parts-key";

static struct gc_label random_delta(void)
{
	struct gc_label d;

	randombytes_buf(d.w, sizeof(d.w));
	d.w[0] |= 1;
	return d;
}

/* Garbles c, evaluates it on bits (one per input wire 2..inputs+1) and decodes the wires
 * in outs; checks that every wire's active label is one of its two labels. */
static void garbled_run(const struct gc_circuit *c, uint32_t inputs, const uint8_t *bits,
			const uint32_t *outs, int n_out, uint8_t *result)
{
	struct gc_label delta = random_delta();
	struct gc_label *l0 = calloc(c->wires, sizeof(*l0)), *l = calloc(c->wires, sizeof(*l));
	uint8_t *tables = malloc((size_t)c->ands * GC_TABLE_BYTES + 1);

	assert_non_null(l0);
	assert_non_null(l);
	assert_non_null(tables);
	for (uint32_t i = 0; i < inputs; i++) {
		randombytes_buf(l0[2 + i].w, GC_LABEL_BYTES);
		l[2 + i] = l0[2 + i];
		if (bits[i])
			gc_label_xor(&l[2 + i], &l[2 + i], &delta);
	}
	gc_garble(c, &delta, l0, tables, 1000, key);
	gc_eval(c, l, tables, 1000, key);
	for (int o = 0; o < n_out; o++) {
		uint32_t w = outs[o];
		struct gc_label one;

		if (w <= GC_TRUE) {
			result[o] = (uint8_t)w;
			continue;
		}
		gc_label_xor(&one, &l0[w], &delta);
		if (memcmp(l[w].w, l0[w].w, 16) == 0)
			result[o] = 0;
		else if (memcmp(l[w].w, one.w, 16) == 0)
			result[o] = 1;
		else
			fail_msg("output %d is neither label", o);
	}
	free(l0);
	free(l);
	free(tables);
}

static void gates_all_inputs(void **state)
{
	struct gc_circuit c;
	uint32_t a, b, outs[4];

	(void)state;
	gc_init(&c);
	a = gc_wire(&c);
	b = gc_wire(&c);
	outs[0] = gc_and(&c, a, b);
	outs[1] = gc_xor(&c, a, b);
	outs[2] = gc_not(&c, a);
	outs[3] = gc_or(&c, a, b);
	assert_false(c.failed);
	assert_int_equal(c.ands, 2);	/* OR is an AND under NOTs; XOR and NOT are free */
	for (int x = 0; x < 4; x++) {
		uint8_t bits[2] = { (uint8_t)(x & 1), (uint8_t)(x >> 1) }, got[4];

		for (int rep = 0; rep < 8; rep++) {	/* fresh labels: every permute bit */
			garbled_run(&c, 2, bits, outs, 4, got);
			assert_int_equal(got[0], bits[0] & bits[1]);
			assert_int_equal(got[1], bits[0] ^ bits[1]);
			assert_int_equal(got[2], !bits[0]);
			assert_int_equal(got[3], bits[0] | bits[1]);
		}
	}
	gc_free(&c);
}

static void folding(void **state)
{
	struct gc_circuit c;
	uint32_t a;

	(void)state;
	gc_init(&c);
	a = gc_wire(&c);
	assert_int_equal(gc_and(&c, a, GC_FALSE), GC_FALSE);
	assert_int_equal(gc_and(&c, a, GC_TRUE), a);
	assert_int_equal(gc_xor(&c, a, a), GC_FALSE);
	assert_int_equal(gc_not(&c, GC_TRUE), GC_FALSE);
	assert_int_equal(c.gates, 0);
	gc_free(&c);
}

static void words(void **state)
{
	(void)state;
	rng_state = 7;
	for (int t = 0; t < 200; t++) {
		struct gc_circuit c;
		uint32_t a[64], b[64], sum[64], outs[131], sel[64];
		uint64_t x = next(), y = t % 3 == 0 ? x : next();
		uint8_t bits[129], got[131];
		uint64_t s = 0, m = 0;

		if (t % 5 == 1)
			y = x + 1;
		gc_init(&c);
		gc_words(&c, a, 64);
		gc_words(&c, b, 64);
		outs[128] = gc_wire(&c);
		(void)gc_add(&c, 64, a, b, GC_FALSE, sum);
		memcpy(outs, sum, sizeof(sum));
		gc_select(&c, 64, outs[128], a, b, sel);
		memcpy(outs + 64, sel, sizeof(sel));
		outs[129] = gc_less(&c, 64, a, b);
		outs[130] = gc_equal(&c, 64, a, b);
		for (int i = 0; i < 64; i++) {
			bits[i] = (uint8_t)(x >> i & 1);
			bits[64 + i] = (uint8_t)(y >> i & 1);
		}
		bits[128] = (uint8_t)(t & 1);
		garbled_run(&c, 129, bits, outs, 131, got);
		for (int i = 63; i >= 0; i--) {
			s = s << 1 | got[i];
			m = m << 1 | got[64 + i];
		}
		assert_true(s == x + y);
		assert_true(m == ((t & 1) ? y : x));
		assert_int_equal(got[129], x < y);
		assert_int_equal(got[130], x == y);
		gc_free(&c);
	}
}

static const uint8_t sid[OT_SID_BYTES] = "blind-parts-session-id-32-bytes";

static void base_ot(void **state)
{
	struct ot_base_sender s;
	uint8_t choice[OT_BASE / 8], *points = malloc(OT_BASE * OT_POINT_BYTES);
	static uint8_t k0[OT_BASE][OT_SEED_BYTES], k1[OT_BASE][OT_SEED_BYTES];
	static uint8_t k[OT_BASE][OT_SEED_BYTES];
	uint8_t other_sid[OT_SID_BYTES];

	(void)state;
	assert_non_null(points);
	ot_base_sender_start(&s);
	randombytes_buf(choice, sizeof(choice));
	assert_int_equal(ot_base_receive(sid, s.A, choice, points, k, NULL), NK_OK);
	assert_int_equal(ot_base_sender_finish(&s, sid, points, k0, k1, NULL), NK_OK);
	for (int i = 0; i < OT_BASE; i++) {
		int c = choice[i / 8] >> (i % 8) & 1;

		assert_memory_equal(k[i], c ? k1[i] : k0[i], OT_SEED_BYTES);
		assert_memory_not_equal(k[i], c ? k0[i] : k1[i], OT_SEED_BYTES);
	}
	/* another session id: no key in common */
	memcpy(other_sid, sid, sizeof(sid));
	other_sid[0] ^= 1;
	assert_int_equal(ot_base_sender_finish(&s, other_sid, points, k0, k1, NULL), NK_OK);
	for (int i = 0; i < OT_BASE; i++) {
		assert_memory_not_equal(k[i], k0[i], OT_SEED_BYTES);
		assert_memory_not_equal(k[i], k1[i], OT_SEED_BYTES);
	}
	free(points);
}

static void identity_refused(void **state)
{
	struct ot_base_sender s;
	uint8_t choice[OT_BASE / 8] = { 0 }, *points = malloc(OT_BASE * OT_POINT_BYTES);
	static uint8_t k0[OT_BASE][OT_SEED_BYTES], k1[OT_BASE][OT_SEED_BYTES];
	uint8_t zero[OT_POINT_BYTES] = { 0 };
	struct nk_error err;

	(void)state;
	assert_non_null(points);
	ot_base_sender_start(&s);
	/* the receiver refuses A = identity */
	assert_int_equal(ot_base_receive(sid, zero, choice, points, k0, &err), NK_ECRYPTO);
	assert_string_equal(err.field, "message");
	assert_int_equal(ot_base_receive(sid, s.A, choice, points, k0, NULL), NK_OK);
	/* the sender refuses B_i = identity, and B_i = A (whose second key is the identity's) */
	memset(points + 5 * OT_POINT_BYTES, 0, OT_POINT_BYTES);
	assert_int_equal(ot_base_sender_finish(&s, sid, points, k0, k1, &err), NK_ECRYPTO);
	assert_non_null(strstr(err.text, "oblivious transfer 5"));
	memcpy(points + 5 * OT_POINT_BYTES, s.A, OT_POINT_BYTES);
	assert_int_equal(ot_base_sender_finish(&s, sid, points, k0, k1, &err), NK_ECRYPTO);
	/* a non-canonical encoding */
	memset(points + 5 * OT_POINT_BYTES, 0xff, OT_POINT_BYTES);
	assert_int_equal(ot_base_sender_finish(&s, sid, points, k0, k1, &err), NK_ECRYPTO);
	free(points);
}

static void extension(void **state)
{
	static uint8_t k0[OT_BASE][OT_SEED_BYTES], k1[OT_BASE][OT_SEED_BYTES];
	static uint8_t k[OT_BASE][OT_SEED_BYTES];
	const uint32_t m = 384;
	struct gc_label delta = random_delta(), t[384], q[384], t2[384];
	uint8_t choice[384 / 8], u[OT_BASE * 384 / 8];

	(void)state;
	randombytes_buf(k0, sizeof(k0));
	randombytes_buf(k1, sizeof(k1));
	for (int i = 0; i < OT_BASE; i++)	/* the sender's seeds: k_{delta_i} */
		memcpy(k[i], (delta.w[i / 64] >> (i % 64) & 1) ? k1[i] : k0[i], OT_SEED_BYTES);
	randombytes_buf(choice, sizeof(choice));
	assert_int_equal(ot_ext_receive(k0, k1, 3, m, choice, t, u), NK_OK);
	assert_int_equal(ot_ext_send(k, &delta, 3, m, u, q), NK_OK);
	for (uint32_t j = 0; j < m; j++) {
		struct gc_label want = q[j];

		if (choice[j / 8] >> (j % 8) & 1)
			gc_label_xor(&want, &want, &delta);
		assert_memory_equal(t[j].w, want.w, 16);
	}
	/* another nonce: other pads */
	assert_int_equal(ot_ext_receive(k0, k1, 4, m, choice, t2, u), NK_OK);
	assert_memory_not_equal(t, t2, sizeof(t));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gates_all_inputs),
		cmocka_unit_test(folding),
		cmocka_unit_test(words),
		cmocka_unit_test(base_ot),
		cmocka_unit_test(identity_refused),
		cmocka_unit_test(extension),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
