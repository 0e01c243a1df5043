/* The zero-run packing of folded states that the cache of folded states keeps
 * (case/zpack.c): every byte of every position comes back, zero runs of every length at
 * every offset pack as the plain rule says and within their bound, random buffers and real
 * states of every kind (the kind pointer, the padding) round-trip, a packed form that
 * does not make exactly the state's size is refused and leaves nothing, and the cache
 * serves back the very bytes it was given. */
#include <nakodo/case.h>
#include <nakodo/package_case.h>
#include "case/cache.h"
#include "case/figure_kind.h"
#include "case/package_kind.h"
#include "case/zpack.h"
#include "../case_env_fixture.h"
#include "../splitmix.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#define STATE_BYTES sizeof(struct case_state)

/* Packs n bytes of src, checks the size-only pass agrees, unpacks into a buffer filled
 * with 0xff first and checks every byte; returns the packed length. */
static size_t round_trip(const uint8_t *src, size_t n)
{
	size_t len = case_zpack(src, n, NULL);
	uint8_t *packed = malloc(len + 1), *back = malloc(n + 1);

	assert_non_null(packed);
	assert_non_null(back);
	assert_int_equal(case_zpack(src, n, packed), len);
	memset(back, 0xff, n + 1);
	assert_true(case_zunpack(packed, len, back, n));
	assert_memory_equal(back, src, n);
	assert_int_equal(back[n], 0xff);	/* nothing written past n */
	free(packed);
	free(back);
	return len;
}

/* One byte set at each position of a state's size in turn, on zeros: a packing that
 * drops or moves any byte fails here. */
static void every_byte_survives(void **state)
{
	uint8_t *buf = calloc(1, STATE_BYTES);

	(void)state;
	assert_non_null(buf);
	assert_true(round_trip(buf, STATE_BYTES) <= 8);	/* all zeros: one record */
	for (size_t i = 0; i < STATE_BYTES; i++) {
		buf[i] = (uint8_t)(1 + i % 255);
		round_trip(buf, STATE_BYTES);
		buf[i] = 0;
	}
	memset(buf, 0xff, STATE_BYTES);
	round_trip(buf, STATE_BYTES);
	free(buf);
}

/* Random buffers of random sizes made of zero runs and literals (with short zero runs
 * inside them), and wholly random bytes of a state's size. */
static void random_buffers_round_trip(void **state)
{
	size_t cap = 4 * STATE_BYTES;
	uint8_t *buf = malloc(cap);

	(void)state;
	assert_non_null(buf);
	rng_state = 13;
	for (int t = 0; t < 2000; t++) {
		size_t n = (size_t)between(0, (int64_t)cap), i = 0;

		while (i < n) {
			size_t run = (size_t)between(0, 300);

			if (run > n - i)
				run = n - i;
			if (next() & 1)
				memset(buf + i, 0, run);
			else
				for (size_t k = 0; k < run; k++)
					buf[i + k] = next() % 4 ? (uint8_t)next() : 0;
			i += run;
		}
		round_trip(buf, n);
	}
	for (size_t i = 0; i < STATE_BYTES; i++)
		buf[i] = (uint8_t)next();
	/* random bytes cost little more than themselves */
	assert_true(round_trip(buf, STATE_BYTES) < STATE_BYTES + STATE_BYTES / 64);
	free(buf);
}

/* The packing rule written plainly, a byte at a time: a record is the run of zeros
 * ahead, then the literal up to the next run of 8 zeros or of zeros to the end. */
static size_t plain_count(uint8_t *dst, size_t v)
{
	size_t k = 0;

	do {
		dst[k++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	return k;
}

static size_t plain_pack(const uint8_t *p, size_t n, uint8_t *dst)
{
	size_t pos = 0, out = 0;

	while (pos < n) {
		size_t z = 0, lit = 0;

		while (pos + z < n && p[pos + z] == 0)
			z++;
		for (size_t i = pos + z; i < n;) {
			size_t run = 0;

			while (i + run < n && p[i + run] == 0)
				run++;
			if (run >= 8 || (run > 0 && i + run == n))
				break;
			i += run ? run : 1;
			lit = i - pos - z;
		}
		out += plain_count(dst + out, z);
		out += plain_count(dst + out, lit);
		memcpy(dst + out, p + pos + z, lit);
		out += lit;
		pos += z + lit;
	}
	return out;
}

/* Zero runs of every length from 0 to 20 after a byte that is not zero, at every
 * offset from a word's start, and random mixes: the packing is the plain rule's, byte
 * for byte, within CASE_ZPACK_MAX, and comes back whole. */
static void every_run_at_every_offset(void **state)
{
	uint8_t buf[600], mine[CASE_ZPACK_MAX(sizeof(buf))], plain[2 * sizeof(buf) + 64];

	(void)state;
	rng_state = 1205;
	for (int t = 0; t < 20000; t++) {
		size_t n = t < 21 * 8 ? sizeof(buf) : (size_t)between(0, sizeof(buf)), i;
		size_t len;

		memset(buf, 0, sizeof(buf));
		i = t < 21 * 8 ? (size_t)(t % 8) : (size_t)between(0, 7);
		while (i < n) {
			size_t run = t < 21 * 8 ? (size_t)(t / 8) : (size_t)between(0, 20);

			buf[i] = (uint8_t)between(1, 255);
			i += 1 + run;
		}
		len = case_zpack(buf, n, mine);
		assert_true(len <= CASE_ZPACK_MAX(n));
		assert_int_equal(plain_pack(buf, n, plain), len);
		assert_memory_equal(mine, plain, len);
		round_trip(buf, n);
	}
}

/* A packed form cut short, or with more than the state after it, is refused and wipes
 * what it had written. */
static void a_wrong_size_is_refused(void **state)
{
	uint8_t src[256], packed[512], back[256];
	size_t len;

	(void)state;
	memset(src, 0, sizeof(src));
	memcpy(src + 40, "a figure", 8);
	src[255] = 7;
	len = case_zpack(src, sizeof(src), packed);
	assert_true(len < sizeof(src));
	for (size_t cut = 1; cut < len; cut++) {
		memset(back, 0xee, sizeof(back));
		assert_false(case_zunpack(packed, cut, back, sizeof(back)));
		for (size_t i = 0; i < sizeof(back); i++)
			assert_int_equal(back[i], 0);
	}
	packed[len] = 1;	/* one more zero than the state holds */
	assert_false(case_zunpack(packed, len + 1, back, sizeof(back)));
	assert_false(case_zunpack(packed, len, back, sizeof(back) - 1));
	assert_true(case_zunpack(packed, len, back, sizeof(back)));
	assert_memory_equal(back, src, sizeof(src));
}

/* Folds case id's log as a load does. */
static void fold(struct fixture *f, const char *id, struct case_state *st)
{
	struct nk_event_list log = { 0 };

	assert_int_equal(nk_case_log(&f->env, id, &log, NULL), NK_OK);
	memset(st, 0, sizeof(*st));
	assert_int_equal(case_fold(id, &log, st, NULL), NK_OK);
	nk_event_list_free(&log);
}

/* st packed and unpacked, and put in the cache and got back, is st byte for byte; it
 * packs to a fraction of its size. */
static void real_round_trip(struct fixture *f, const struct case_state *st,
			    const struct case_kind *kind)
{
	static struct case_state back;
	uint8_t chain[NK_CHAIN_BYTES];
	size_t len = round_trip((const uint8_t *)st, sizeof(*st));

	assert_ptr_equal(st->kind, kind);
	assert_true(len < sizeof(*st) / 4);
	memset(chain, 0x5a, sizeof(chain));
	case_cache_put(f->cache, st, 99, chain, NULL);
	memset(&back, 0xff, sizeof(back));
	assert_true(case_cache_get(f->cache, st->id, 99, chain, &back));
	assert_memory_equal(&back, st, sizeof(back));
	assert_ptr_equal(back.kind, kind);
	assert_false(case_cache_get(f->cache, st->id, 98, chain, &back));
}

static void submit(struct fixture *f, const char *id, enum nk_role role, int64_t amount)
{
	struct nk_error err = { 0 };
	enum nk_status rc = nk_case_submit(&f->env, id, role, amount, &err);

	if (rc != NK_OK)
		fprintf(stderr, "# %s: %s\n", err.field, err.text);
	assert_int_equal(rc, NK_OK);
}

/* A case of figures several rounds in, then both parties joined, and a package case. */
static void real_states_of_every_kind_round_trip(void **state)
{
	struct fixture *f = *state;
	static struct case_state st;
	struct nk_party_key *k1, *k2;
	struct nk_package_frame fr;
	struct nk_rules rules;
	char id[NK_CASE_ID_MAX];

	nk_rules_default(&rules, nk_currency_find("USD"));
	rules.rounds = 5;
	rules.proposals = 0;
	assert_int_equal(nk_case_open(&f->env, &rules, id, NULL), NK_OK);
	for (int r = 0; r < 3; r++) {
		submit(f, id, NK_CLAIMANT, 90000000 - r);
		submit(f, id, NK_PAYER, 1000000 + r);
	}
	assert_int_equal(fixture_join(&f->env, id, NK_CLAIMANT, &k1), NK_OK);
	assert_int_equal(fixture_join(&f->env, id, NK_PAYER, &k2), NK_OK);
	fold(f, id, &st);
	assert_true(st.fig.rounds[0].evaluated && st.fig.rounds[2].evaluated);
	real_round_trip(f, &st, &case_kind_figures);
	nk_party_key_free(k1);
	nk_party_key_free(k2);

	nk_package_frame_default(&fr, nk_currency_find("USD"));
	assert_int_equal(nk_package_case_open(&f->env, &fr, NULL, NULL, id, NULL), NK_OK);
	fold(f, id, &st);
	real_round_trip(f, &st, &case_kind_package);
	for (size_t k = 0; case_kinds[k]; k++)
		assert_true(case_kinds[k] == &case_kind_figures ||
			    case_kinds[k] == &case_kind_package);	/* a new kind: add it */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_byte_survives),
		cmocka_unit_test(random_buffers_round_trip),
		cmocka_unit_test(every_run_at_every_offset),
		cmocka_unit_test(a_wrong_size_is_refused),
		cmocka_unit_test_setup_teardown(real_states_of_every_kind_round_trip,
						setup_cached, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
