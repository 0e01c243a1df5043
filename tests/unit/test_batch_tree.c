/* A batch's tree and reference, apart from any store (doc/crypto.md, "Batches"): v1's
 * dense tree and public empty subtrees, still read; v2's secret slots, ids and empty
 * subtrees, which only the server's key makes: every leaf's path leads to the root, the
 * permutations are permutations, and two batches of different sizes give proofs that
 * their sizes cannot be read from. */
#include <nakodo/ledger.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <string.h>

/* The root and path of a batch: every leaf's path leads to the root, at any count; a
 * reference reads back only as written. */
static void batch_trees_and_refs(void **state)
{
	uint8_t leaves[40][NK_HASH_BYTES], root[NK_HASH_BYTES], again[NK_HASH_BYTES];
	uint8_t path[NK_BATCH_DEPTH][NK_HASH_BYTES], sig[NK_SIGNATURE_BYTES];
	struct nk_batch_ref ref = { .number = 7, .index = 3 }, back;

	(void)state;
	randombytes_buf(leaves, sizeof(leaves));
	for (size_t n = 1; n <= 40; n += 13)
		for (uint32_t i = 0; i < n; i++) {
			assert_int_equal(nk_batch_root((const uint8_t (*)[NK_HASH_BYTES])leaves, n, i,
						       path, root, NULL), NK_OK);
			nk_batch_root_of_path(i, leaves[i], path, again);
			assert_memory_equal(root, again, NK_HASH_BYTES);
			nk_batch_root_of_path(i ^ 1u, leaves[i], path, again);
			assert_memory_not_equal(root, again, NK_HASH_BYTES);
		}
	/* an empty batch's root is the empty subtree's of the full depth, hashed here */
	memset(again, 0, sizeof(again));
	for (int k = 0; k < NK_BATCH_DEPTH; k++)
		nk_merkle_node_hash(again, again, again);
	assert_int_equal(nk_batch_root(NULL, 0, 0, NULL, root, NULL), NK_OK);
	assert_memory_equal(root, again, NK_HASH_BYTES);
	/* and one leaf's path is the empty subtrees of each height */
	memset(again, 0, sizeof(again));
	assert_int_equal(nk_batch_root((const uint8_t (*)[NK_HASH_BYTES])leaves, 1, 0, path, root,
				       NULL), NK_OK);
	for (int k = 0; k < NK_BATCH_DEPTH; k++) {
		assert_memory_equal(path[k], again, NK_HASH_BYTES);
		nk_merkle_node_hash(again, again, again);
	}
	nk_batch_ref_encode(&ref, sig);
	assert_true(nk_batch_ref_decode(sig, &back));
	assert_true(back.number == 7 && back.index == 3);
	sig[63] = 1;
	assert_false(nk_batch_ref_decode(sig, NULL));
	memset(sig, 0, sizeof(sig));
	assert_false(nk_batch_ref_decode(sig, NULL));
}


static struct nk_server_key *key_of(uint8_t b)
{
	uint8_t seed[32];
	struct nk_server_key *key = NULL;

	memset(seed, b, sizeof(seed));
	assert_int_equal(nk_server_key_from_seed(seed, &key, NULL), NK_OK);
	return key;
}

/* The ids: a permutation of 1 .. NK_BATCH_ID_MAX that only the key inverts, in which
 * successive numbers land far apart; a v2 reference reads back with its salt. */
static void ids_and_slots_are_permutations(void **state)
{
	struct nk_server_key *key = key_of(7), *other = key_of(8);
	struct nk_batch_secret b;
	bool seen[NK_BATCH_LEAVES] = { false };
	uint64_t prev = 0, row = 0;
	int ordered = 0;

	(void)state;
	for (uint64_t n = 1; n <= 200; n++) {
		nk_batch_secret_make(key, n, false, &b);
		assert_true(b.id >= 1 && b.id <= NK_BATCH_ID_MAX && b.id != n);
		assert_true(nk_batch_row(key, b.id, &row) && row == n);
		assert_true(nk_batch_row(other, b.id, &row) && row != n);
		ordered += b.id > prev;
		prev = b.id;
	}
	assert_true(ordered > 50 && ordered < 150);	/* not a counter's order */
	assert_false(nk_batch_row(key, 0, &row));
	assert_false(nk_batch_row(key, NK_BATCH_ID_MAX + 1, &row));
	/* the first commit of a batch (v1's index 0) lands anywhere: over 300 batches, in
	 * most of the 64 blocks and at most of a block's 16 places */
	{
		bool block[64] = { false }, within[16] = { false };
		int blocks = 0, places = 0;

		for (uint64_t n = 1; n <= 300; n++) {
			uint32_t s;

			nk_batch_secret_make(key, n, false, &b);
			s = nk_batch_slot(&b, 0);
			blocks += !block[s >> 4];
			places += !within[s & 15];
			block[s >> 4] = within[s & 15] = true;
		}
		assert_true(blocks > 48 && places == 16);
	}
	nk_batch_secret_make(key, 3, false, &b);
	for (uint32_t i = 0; i < NK_BATCH_LEAVES; i++) {
		uint32_t s = nk_batch_slot(&b, i);

		assert_true(s < NK_BATCH_LEAVES && !seen[s]);
		seen[s] = true;
		assert_int_equal(nk_batch_arrival(&b, s), i);
	}
	{
		struct nk_batch_ref ref = { .number = b.id, .index = 1023, .salted = true }, back;
		uint8_t bytes[NK_SIGNATURE_BYTES];

		randombytes_buf(ref.salt, sizeof(ref.salt));
		nk_batch_ref_encode(&ref, bytes);
		assert_true(nk_batch_ref_decode(bytes, &back));
		assert_true(back.salted && back.number == ref.number && back.index == 1023);
		assert_memory_equal(back.salt, ref.salt, sizeof(ref.salt));
		ref.number = NK_BATCH_ID_MAX + 1;	/* beyond a v2 id */
		nk_batch_ref_encode(&ref, bytes);
		assert_false(nk_batch_ref_decode(bytes, NULL));
	}
	nk_server_key_free(key);
	nk_server_key_free(other);
}

/* v2 trees: every leaf's path at its slot leads to the root; a batch of one leaf and one
 * of 700 give proofs in which no sibling is a public empty subtree, and no sibling of one
 * appears in the other (an empty subtree is its batch's own). */
static void salted_trees_hide_their_size(void **state)
{
	static uint8_t leaves[700][NK_HASH_BYTES];
	struct nk_server_key *key = key_of(9);
	struct nk_batch_secret small, big;
	uint8_t root[NK_HASH_BYTES], again[NK_HASH_BYTES], e[NK_HASH_BYTES];
	uint8_t ps[NK_BATCH_DEPTH][NK_HASH_BYTES], pb[NK_BATCH_DEPTH][NK_HASH_BYTES];
	const uint8_t (*l)[NK_HASH_BYTES] = (const uint8_t (*)[NK_HASH_BYTES])leaves;

	(void)state;
	randombytes_buf(leaves, sizeof(leaves));
	nk_batch_secret_make(key, 11, true, &small);
	nk_batch_secret_make(key, 12, true, &big);
	for (size_t n = 1; n <= 40; n += 13)
		for (uint32_t i = 0; i < n; i++) {
			uint32_t s = nk_batch_slot(&small, i);

			assert_int_equal(nk_batch_root_salted(&small, l, n, s, ps, root, NULL), NK_OK);
			nk_batch_root_of_path(s, leaves[i], ps, again);
			assert_memory_equal(root, again, NK_HASH_BYTES);
			nk_batch_root_of_path(s ^ 1u, leaves[i], ps, again);
			assert_memory_not_equal(root, again, NK_HASH_BYTES);
		}
	/* a slot no leaf holds has no path */
	assert_int_equal(nk_batch_root_salted(&small, l, 1, nk_batch_slot(&small, 1), ps, root,
					      NULL), NK_EINVAL);
	assert_int_equal(nk_batch_root_salted(&small, l, 1, nk_batch_slot(&small, 0), ps, root,
					      NULL), NK_OK);
	assert_int_equal(nk_batch_root_salted(&big, l, 700, nk_batch_slot(&big, 699), pb, again,
					      NULL), NK_OK);
	nk_batch_root_of_path(nk_batch_slot(&big, 699), leaves[699], pb, root);
	assert_memory_equal(root, again, NK_HASH_BYTES);
	memset(e, 0, sizeof(e));
	for (int k = 0; k < NK_BATCH_DEPTH; k++) {
		for (int j = 0; j < NK_BATCH_DEPTH; j++)
			assert_memory_not_equal(ps[k], pb[j], NK_HASH_BYTES);
		assert_memory_not_equal(ps[k], e, NK_HASH_BYTES);
		assert_memory_not_equal(pb[k], e, NK_HASH_BYTES);
		nk_merkle_node_hash(e, e, e);
	}
	/* the one-leaf batch's siblings are all its empty subtrees, each keyed by the
	 * batch's secret of its height over its position, which nothing public tells from a
	 * node over leaves */
	for (int k = 0; k < NK_BATCH_DEPTH; k++) {
		uint32_t pos = (nk_batch_slot(&small, 0) >> k) ^ 1u;
		uint8_t be[4] = { (uint8_t)(pos >> 24), (uint8_t)(pos >> 16), (uint8_t)(pos >> 8),
				  (uint8_t)pos };

		crypto_generichash(e, sizeof(e), be, sizeof(be), small.empty[k], NK_HASH_BYTES);
		assert_memory_equal(ps[k], e, NK_HASH_BYTES);
	}
	nk_server_key_free(key);
}

/* Two readers of one batch who compare their proofs: where their paths have not met,
 * their siblings never match, empty or not (one empty value per height let them tell
 * which siblings were empty, and from that how full their block was); where the paths
 * have met, they share the same siblings, as any tree's proofs do. Batches of 2 to 40. */
static void empty_siblings_differ_by_position(void **state)
{
	static uint8_t leaves[40][NK_HASH_BYTES];
	const uint8_t (*l)[NK_HASH_BYTES] = (const uint8_t (*)[NK_HASH_BYTES])leaves;
	struct nk_server_key *key = key_of(10);
	uint8_t root[NK_HASH_BYTES], pa[NK_BATCH_DEPTH][NK_HASH_BYTES];
	uint8_t pb[NK_BATCH_DEPTH][NK_HASH_BYTES];
	struct nk_batch_secret b;

	(void)state;
	randombytes_buf(leaves, sizeof(leaves));
	for (uint64_t row = 20; row < 60; row++) {
		size_t n = 2 + (size_t)(row % 39);
		uint32_t sa, sb;

		nk_batch_secret_make(key, row, true, &b);
		sa = nk_batch_slot(&b, 0);
		sb = nk_batch_slot(&b, (uint32_t)(n - 1));
		assert_int_equal(nk_batch_root_salted(&b, l, n, sa, pa, root, NULL), NK_OK);
		assert_int_equal(nk_batch_root_salted(&b, l, n, sb, pb, root, NULL), NK_OK);
		for (int k = 0; k < NK_BATCH_DEPTH; k++) {
			if ((sa >> k) == (sb >> k))
				assert_memory_equal(pa[k], pb[k], NK_HASH_BYTES);
			else if ((sa >> k) != ((sb >> k) ^ 1u))
				assert_memory_not_equal(pa[k], pb[k], NK_HASH_BYTES);
		}
		sodium_memzero(&b, sizeof(b));
	}
	nk_server_key_free(key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(batch_trees_and_refs),
		cmocka_unit_test(ids_and_slots_are_permutations),
		cmocka_unit_test(salted_trees_hide_their_size),
		cmocka_unit_test(empty_siblings_differ_by_position),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
