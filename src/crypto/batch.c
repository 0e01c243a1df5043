/* Batches: one server signature for every commit a group's flush carries. Each commit's
 * last link names its batch and its leaf there instead of carrying a signature of its
 * own; the leaf binds the case, the link's number and its chain hash; the batch's leaves
 * make a Merkle tree of a fixed depth whose root the server signs once (doc/crypto.md,
 * "Batches"). A proof is always NK_BATCH_DEPTH hashes, whatever the batch held. v2, written
 * now, salts each leaf and hides the batch's number, the leaf's place and the empty
 * subtrees behind secrets of the server's key; v1 is still read. */
#include "crypto/crypto_impl.h"

#include <nakodo/ledger.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define TAG_BATCH_REF "nakodo/batch-ref/v1"
#define TAG_BATCH_LEAF "nakodo/batch-leaf/v1"
#define TAG_BATCH "nakodo/batch/v1"
#define TAG_BATCH_REF2 "nakodo/batch-ref/v2"
#define TAG_BATCH_LEAF2 "nakodo/batch-leaf/v2"
#define TAG_BATCH2 "nakodo/batch/v2"
#define REF_TAG_BYTES 32	/* the ref's tag, zero-padded */
#define REF_SALT_AT (REF_TAG_BYTES + 8 + 4)
/* nk_server_key_derive's contexts: the salts (of the link's case id, seq and chain
 * hash), the ids' permutation's key, each batch's secret (subkey: the store's number) */
#define KDF_SALT "nakodo/batch-sal"
#define KDF_ID "nakodo/batch-id2"
#define KDF_ROW "nakodo/batch-row"
#define ID_HALF 26		/* the id's permutation: a Feistel network of 2 x 26 bits */
#define ID_ROUNDS 8
/* the slots: the batch's arrivals fill blocks of 16 slots in turn, the blocks rotated by a
 * secret offset, each block's 16 slots permuted by a Feistel network of 2 x 2 bits keyed
 * by the batch's secret and the block (doc/crypto.md, "The server's secrets") */
#define BLOCK_BITS 4
#define BLOCKS (NK_BATCH_LEAVES >> BLOCK_BITS)
#define SLOT_ROUNDS 6

void nk_batch_ref_encode(const struct nk_batch_ref *ref, uint8_t out[static NK_SIGNATURE_BYTES])
{
	memset(out, 0, NK_SIGNATURE_BYTES);
	if (ref->salted) {
		memcpy(out, TAG_BATCH_REF2, sizeof(TAG_BATCH_REF2));
		memcpy(out + REF_SALT_AT, ref->salt, NK_BATCH_SALT_BYTES);
	} else {
		memcpy(out, TAG_BATCH_REF, sizeof(TAG_BATCH_REF));
	}
	for (int i = 0; i < 8; i++)
		out[REF_TAG_BYTES + i] = (uint8_t)(ref->number >> (56 - 8 * i));
	for (int i = 0; i < 4; i++)
		out[REF_TAG_BYTES + 8 + i] = (uint8_t)(ref->index >> (24 - 8 * i));
}

bool nk_batch_ref_decode(const uint8_t sig[static NK_SIGNATURE_BYTES], struct nk_batch_ref *ref)
{
	uint8_t want[NK_SIGNATURE_BYTES];
	struct nk_batch_ref r = { 0 };

	for (int i = 0; i < 8; i++)
		r.number = (r.number << 8) | sig[REF_TAG_BYTES + i];
	for (int i = 0; i < 4; i++)
		r.index = (r.index << 8) | sig[REF_TAG_BYTES + 8 + i];
	r.salted = memcmp(sig, TAG_BATCH_REF2, sizeof(TAG_BATCH_REF2)) == 0;
	if (r.salted)
		memcpy(r.salt, sig + REF_SALT_AT, NK_BATCH_SALT_BYTES);
	if (r.number < 1 || r.index >= NK_BATCH_LEAVES || (r.salted && r.number > NK_BATCH_ID_MAX))
		return false;
	nk_batch_ref_encode(&r, want);
	if (memcmp(want, sig, NK_SIGNATURE_BYTES) != 0)
		return false;
	if (ref)
		*ref = r;
	return true;
}

enum nk_status nk_batch_leaf(const char *case_id, int64_t seq,
			     const uint8_t head[static NK_HASH_BYTES],
			     uint8_t leaf[static NK_HASH_BYTES], struct nk_error *err)
{
	uint8_t buf[sizeof(TAG_BATCH_LEAF) + 1 + NK_CASE_ID_MAX + 8];
	struct writer w = { .buf = buf, .cap = sizeof(buf) };

	if (!nk_case_id_valid(case_id) || seq < 1)
		return nk_fail(err, NK_EINVAL, "batch", "a batch leaf is for a linked event of a case");
	w_tag(&w, TAG_BATCH_LEAF);
	w_str8(&w, case_id);
	w_u64(&w, (uint64_t)seq);
	if (w.overflow)
		return nk_fail(err, NK_EINVAL, "batch", "a batch leaf's case id is too long");
	sha256_parts(leaf, buf, w.len, head, NK_HASH_BYTES, NULL, 0);
	return NK_OK;
}

static enum nk_status leaf_salted(const char *case_id, int64_t seq,
				  const uint8_t head[static NK_HASH_BYTES],
				  const uint8_t salt[static NK_BATCH_SALT_BYTES],
				  uint8_t leaf[static NK_HASH_BYTES], struct nk_error *err)
{
	uint8_t buf[sizeof(TAG_BATCH_LEAF2) + 1 + NK_CASE_ID_MAX + 8];
	struct writer w = { .buf = buf, .cap = sizeof(buf) };

	if (!nk_case_id_valid(case_id) || seq < 1)
		return nk_fail(err, NK_EINVAL, "batch", "a batch leaf is for a linked event of a case");
	w_tag(&w, TAG_BATCH_LEAF2);
	w_str8(&w, case_id);
	w_u64(&w, (uint64_t)seq);
	if (w.overflow)
		return nk_fail(err, NK_EINVAL, "batch", "a batch leaf's case id is too long");
	sha256_parts(leaf, buf, w.len, head, NK_HASH_BYTES, salt, NK_BATCH_SALT_BYTES);
	return NK_OK;
}

enum nk_status nk_batch_ref_leaf(const struct nk_batch_ref *ref, const char *case_id, int64_t seq,
				 const uint8_t head[static NK_HASH_BYTES],
				 uint8_t leaf[static NK_HASH_BYTES], struct nk_error *err)
{
	if (ref->salted)
		return leaf_salted(case_id, seq, head, ref->salt, leaf, err);
	return nk_batch_leaf(case_id, seq, head, leaf, err);
}

enum nk_status nk_batch_salted_leaf(const struct nk_server_key *key, const char *case_id,
				    int64_t seq, const uint8_t head[static NK_HASH_BYTES],
				    struct nk_batch_ref *ref, uint8_t leaf[static NK_HASH_BYTES],
				    struct nk_error *err)
{
	uint8_t buf[1 + NK_CASE_ID_MAX + 8 + NK_HASH_BYTES];
	struct writer w = { .buf = buf, .cap = sizeof(buf) };

	if (!nk_case_id_valid(case_id) || seq < 1)
		return nk_fail(err, NK_EINVAL, "batch", "a batch leaf is for a linked event of a case");
	w_str8(&w, case_id);
	w_u64(&w, (uint64_t)seq);
	w_bytes(&w, head, NK_HASH_BYTES);
	if (w.overflow)
		return nk_fail(err, NK_EINVAL, "batch", "a batch leaf's case id is too long");
	nk_server_key_derive(key, KDF_SALT, 0, buf, w.len, ref->salt, NK_BATCH_SALT_BYTES);
	ref->salted = true;
	return leaf_salted(case_id, seq, head, ref->salt, leaf, err);
}

/* EMPTY[h]: the hash of an empty subtree of height h, zero bytes for a leaf, then each
 * level's node over two of the level below; fixed, so not hashed again for every root
 * (test_batch.c checks the table). */
static const uint8_t EMPTY[NK_BATCH_DEPTH + 1][NK_HASH_BYTES] = {
	{ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
	{ 0xae, 0x07, 0x98, 0xd0, 0xec, 0xae, 0xd2, 0xb7, 0x78, 0xed, 0xde, 0xbf, 0x18, 0xf0, 0x71, 0xa5,
	  0x61, 0xc5, 0x36, 0x58, 0xc0, 0x5e, 0x76, 0xce, 0xde, 0xcc, 0x27, 0xca, 0xfb, 0xdb, 0xc5, 0x77 },
	{ 0x90, 0x53, 0x4f, 0xe0, 0xaf, 0xf6, 0xdb, 0x9e, 0xdb, 0x29, 0xee, 0xe7, 0x4e, 0x78, 0xa3, 0x86,
	  0x91, 0x6a, 0x58, 0x1c, 0x8e, 0x64, 0x65, 0x34, 0x94, 0x93, 0xe1, 0xa6, 0xc8, 0x72, 0x41, 0xe1 },
	{ 0xbe, 0xa1, 0x61, 0x62, 0x72, 0x1b, 0xca, 0x4b, 0x6e, 0x17, 0x82, 0xcb, 0xdc, 0x69, 0x5a, 0x47,
	  0x15, 0x22, 0x15, 0x7c, 0x67, 0x16, 0xf5, 0x08, 0xdb, 0x47, 0xc5, 0x99, 0x19, 0x53, 0x40, 0xf4 },
	{ 0x30, 0x76, 0x5f, 0xef, 0x34, 0x1b, 0xdf, 0xe7, 0x49, 0xc3, 0x91, 0xbf, 0x95, 0x6a, 0x9f, 0x03,
	  0xd3, 0x63, 0x94, 0x1b, 0x2e, 0xb8, 0xf8, 0x5a, 0xb1, 0x6b, 0xb6, 0xeb, 0x0d, 0x3c, 0x4d, 0xef },
	{ 0xf1, 0xa0, 0xa7, 0x1a, 0x65, 0x50, 0xc4, 0x1b, 0xc8, 0xd4, 0xda, 0xc4, 0xf1, 0x86, 0xb6, 0xd2,
	  0x74, 0xa8, 0x39, 0xf2, 0xf9, 0x5a, 0xd9, 0xe3, 0xbb, 0x65, 0x1d, 0x45, 0x81, 0x0c, 0x5a, 0x1f },
	{ 0xc6, 0x98, 0x49, 0x07, 0xd2, 0xe5, 0x34, 0x96, 0x43, 0x51, 0x39, 0x3b, 0xc8, 0x5f, 0x04, 0x37,
	  0x40, 0x65, 0xb6, 0x38, 0x70, 0xcc, 0x85, 0x9c, 0x68, 0x19, 0x2d, 0xef, 0x09, 0x0c, 0x10, 0x17 },
	{ 0xdc, 0x06, 0x06, 0xb9, 0x06, 0x23, 0x8d, 0xd1, 0x57, 0xe6, 0x9c, 0xb2, 0x61, 0xe7, 0x56, 0x96,
	  0x00, 0x7e, 0x4d, 0x9a, 0x3f, 0x70, 0x7a, 0x7c, 0xe1, 0x0c, 0xe4, 0x10, 0xd0, 0x8b, 0xcf, 0xec },
	{ 0x8e, 0x4b, 0x37, 0x45, 0xe5, 0xf2, 0xf7, 0xd4, 0x8e, 0x36, 0xb1, 0x92, 0xcb, 0x39, 0x24, 0x2f,
	  0xa0, 0xf7, 0xa7, 0x6f, 0xac, 0x1e, 0x36, 0xa5, 0x19, 0xd8, 0xeb, 0xe0, 0x0f, 0x3e, 0x21, 0xfb },
	{ 0xbd, 0x75, 0x2b, 0x8e, 0x76, 0xf5, 0xf8, 0x91, 0xe5, 0xd3, 0xa1, 0x03, 0x52, 0xdb, 0xf3, 0xac,
	  0x25, 0x12, 0x3b, 0x6e, 0xb4, 0x8a, 0x3a, 0xd1, 0x54, 0x02, 0x0c, 0xd0, 0xc8, 0x4d, 0x21, 0x76 },
	{ 0x29, 0x39, 0x8d, 0x48, 0xe1, 0xa1, 0xa9, 0xf3, 0xc8, 0xe0, 0xf9, 0x7b, 0x0f, 0x8c, 0x06, 0x6d,
	  0x2b, 0xea, 0xf8, 0x8a, 0x31, 0x9b, 0xae, 0xf0, 0x2a, 0x54, 0x82, 0xd6, 0x15, 0x7e, 0xbd, 0x2b },
};

/* Level by level in place over level[0 .. n): each pair becomes its node, an odd last
 * one takes the empty subtree of its height as its right neighbour. With want set,
 * path gets index's sibling at each level. */
static void reduce(uint8_t (*level)[NK_HASH_BYTES], size_t n, uint32_t index, bool want,
		   uint8_t path[static NK_BATCH_DEPTH][NK_HASH_BYTES],
		   uint8_t root[static NK_HASH_BYTES])
{
	for (int k = 0; k < NK_BATCH_DEPTH; k++) {
		size_t sib = index ^ 1u;

		if (want)
			memcpy(path[k], sib < n ? level[sib] : EMPTY[k], NK_HASH_BYTES);
		for (size_t i = 0; i < n; i += 2)
			nk_merkle_node_hash(level[i], i + 1 < n ? level[i + 1] : EMPTY[k], level[i / 2]);
		n = (n + 1) / 2;
		index >>= 1;
	}
	memcpy(root, level[0], NK_HASH_BYTES);
}

enum nk_status nk_batch_root(const uint8_t (*leaves)[NK_HASH_BYTES], size_t count,
			     uint32_t index, uint8_t path[static NK_BATCH_DEPTH][NK_HASH_BYTES],
			     uint8_t root[static NK_HASH_BYTES], struct nk_error *err)
{
	uint8_t (*level)[NK_HASH_BYTES];
	uint8_t unused[NK_BATCH_DEPTH][NK_HASH_BYTES];

	if (count > NK_BATCH_LEAVES || (path && index >= count))
		return nk_fail(err, NK_EINVAL, "batch", "a batch holds at most %u leaves",
			       NK_BATCH_LEAVES);
	if (count == 0) {
		memcpy(root, EMPTY[NK_BATCH_DEPTH], NK_HASH_BYTES);
		return NK_OK;
	}
	if (!(level = malloc(count * NK_HASH_BYTES)))
		return nk_fail(err, NK_ENOMEM, "batch", "out of memory");
	memcpy(level, leaves, count * NK_HASH_BYTES);
	reduce(level, count, index, path != NULL, path ? path : unused, root);
	free(level);
	return NK_OK;
}

/* ---- v2's secrets: a Feistel network keyed by SipHash (crypto_shorthash, a PRF) permutes
 * the store's numbers into ids, and each batch's arrivals into slots; ChaCha20 under the
 * batch's secret gives its empty subtrees. Only the server's key makes or inverts them. */

static uint32_t round_of(const uint8_t key[static 16], unsigned r, uint32_t x, unsigned half)
{
	uint8_t in[5] = { (uint8_t)r, (uint8_t)(x >> 24), (uint8_t)(x >> 16), (uint8_t)(x >> 8),
			  (uint8_t)x };
	uint8_t out[crypto_shorthash_BYTES];

	crypto_shorthash(out, in, sizeof(in), key);
	return (uint32_t)(((uint32_t)out[0] | (uint32_t)out[1] << 8 | (uint32_t)out[2] << 16 |
			   (uint32_t)out[3] << 24) & ((1u << half) - 1));
}

static uint64_t feistel(const uint8_t key[static 16], uint64_t x, unsigned half, unsigned rounds,
			bool inverse)
{
	uint32_t mask = (1u << half) - 1, l = (uint32_t)(x >> half) & mask, r = (uint32_t)x & mask;

	for (unsigned i = 0; i < rounds; i++) {
		uint32_t t;

		if (!inverse) {
			t = l ^ round_of(key, i, r, half);
			l = r;
			r = t;
		} else {
			t = r ^ round_of(key, rounds - 1 - i, l, half);
			r = l;
			l = t;
		}
	}
	return (uint64_t)l << half | r;
}

/* The permutation of 1 .. NK_BATCH_ID_MAX: the network's, walking past 0. */
static uint64_t id_walk(const struct nk_server_key *key, uint64_t x, bool inverse)
{
	uint8_t k[16];
	uint64_t y;

	nk_server_key_derive(key, KDF_ID, 0, NULL, 0, k, sizeof(k));
	y = feistel(k, x, ID_HALF, ID_ROUNDS, inverse);
	if (y == 0)
		y = feistel(k, y, ID_HALF, ID_ROUNDS, inverse);
	sodium_memzero(k, sizeof(k));
	return y;
}

bool nk_batch_row(const struct nk_server_key *key, uint64_t id, uint64_t *row)
{
	if (id < 1 || id > NK_BATCH_ID_MAX)
		return false;
	*row = id_walk(key, id, true);
	return true;
}

void nk_batch_secret_make(const struct nk_server_key *key, uint64_t row, bool empty,
			  struct nk_batch_secret *out)
{
	static const uint8_t nonce[crypto_stream_chacha20_NONCEBYTES];
	uint8_t s[32], stream[sizeof(out->perm) + sizeof(out->empty)];
	size_t len = empty ? sizeof(stream) : sizeof(out->perm);

	out->row = row;
	out->id = id_walk(key, row & NK_BATCH_ID_MAX, false);
	nk_server_key_derive(key, KDF_ROW, row, NULL, 0, s, sizeof(s));
	/* one stream: the permutation's key, then the empty subtrees */
	crypto_stream_chacha20(stream, len, nonce, s);
	memcpy(out->perm, stream, sizeof(out->perm));
	if (empty)
		memcpy(out->empty, stream + sizeof(out->perm), sizeof(out->empty));
	sodium_memzero(s, sizeof(s));
	sodium_memzero(stream, len);
}

/* The block's permutation of its 16 slots (or its inverse): rounds keyed by the batch's
 * secret and tweaked by the block. */
static uint32_t in_block(const struct nk_batch_secret *b, uint32_t block, uint32_t x, bool inverse)
{
	const unsigned half = BLOCK_BITS / 2;
	uint32_t mask = (1u << half) - 1, l = (x >> half) & mask, r = x & mask;

	for (unsigned i = 0; i < SLOT_ROUNDS; i++) {
		uint32_t t;

		if (!inverse) {
			t = l ^ round_of(b->perm, i, block << 8 | r, half);
			l = r;
			r = t;
		} else {
			t = r ^ round_of(b->perm, SLOT_ROUNDS - 1 - i, block << 8 | l, half);
			r = l;
			l = t;
		}
	}
	return l << half | r;
}

static uint32_t rotation(const struct nk_batch_secret *b)
{
	return round_of(b->perm, 255, 0, 8) & (BLOCKS - 1);
}

/* A block's round function as far as it was met: each round takes one of 4 inputs, so
 * the 16 arrivals of a block need at most 24 SipHash between them instead of 96 (a
 * batch's root places every leaf in the committer's turn, bench/README.md). */
struct slot_memo {
	uint32_t rotation;
	uint32_t block;			/* whose rounds f holds */
	uint32_t known;			/* bit 4·i + x: f[i][x] made */
	uint8_t f[SLOT_ROUNDS][1u << (BLOCK_BITS / 2)];
};

static void memo_start(const struct nk_batch_secret *b, struct slot_memo *m)
{
	m->rotation = rotation(b);
	m->block = UINT32_MAX;
	m->known = 0;
}

/* in_block's forward permutation, its rounds taken from m. */
static uint32_t in_block_memo(const struct nk_batch_secret *b, struct slot_memo *m, uint32_t x)
{
	const unsigned half = BLOCK_BITS / 2;
	uint32_t mask = (1u << half) - 1, l = (x >> half) & mask, r = x & mask;

	for (unsigned i = 0; i < SLOT_ROUNDS; i++) {
		uint32_t bit = 1u << (4 * i + r), t;

		if (!(m->known & bit)) {
			m->f[i][r] = (uint8_t)round_of(b->perm, i, m->block << 8 | r, half);
			m->known |= bit;
		}
		t = l ^ m->f[i][r];
		l = r;
		r = t;
	}
	return l << half | r;
}

static uint32_t slot_memo(const struct nk_batch_secret *b, struct slot_memo *m, uint32_t arrival)
{
	uint32_t block = ((arrival >> BLOCK_BITS) + m->rotation) & (BLOCKS - 1);

	if (block != m->block) {
		m->block = block;
		m->known = 0;
	}
	return block << BLOCK_BITS | in_block_memo(b, m, arrival & ((1u << BLOCK_BITS) - 1));
}

/* Arrivals fill a block after another, so that a batch of k leaves costs about k node
 * hashes as in v1 rather than k for each level; the block's place and the leaf's slot in
 * it are the batch's secret, so one slot, seen alone, is any of the 1,024. */
uint32_t nk_batch_slot(const struct nk_batch_secret *b, uint32_t arrival)
{
	struct slot_memo m;
	uint32_t slot;

	memo_start(b, &m);
	slot = slot_memo(b, &m, arrival);
	sodium_memzero(&m, sizeof(m));	/* rounds of the batch's secret permutation */
	return slot;
}

uint32_t nk_batch_arrival(const struct nk_batch_secret *b, uint32_t slot)
{
	uint32_t block = (slot >> BLOCK_BITS) & (BLOCKS - 1);

	return ((block - rotation(b)) & (BLOCKS - 1)) << BLOCK_BITS |
	       in_block(b, block, slot & ((1u << BLOCK_BITS) - 1), true);
}

struct slot_node {
	uint32_t pos;
	uint8_t h[NK_HASH_BYTES];
};

/* The empty subtree of height k at position pos: BLAKE2b keyed by the batch's secret of
 * that height over the position, so that two empty siblings in one batch's proofs are
 * never the same value (one value per height let two readers of a batch who compared
 * their proofs tell which siblings were empty, and so how full their block was). */
static void empty_at(const struct nk_batch_secret *b, int k, uint32_t pos,
		     uint8_t out[static NK_HASH_BYTES])
{
	uint8_t p[4] = { (uint8_t)(pos >> 24), (uint8_t)(pos >> 16), (uint8_t)(pos >> 8),
			 (uint8_t)pos };

	crypto_generichash(out, NK_HASH_BYTES, p, sizeof(p), b->empty[k], NK_HASH_BYTES);
}

enum nk_status nk_batch_root_salted(const struct nk_batch_secret *b,
				    const uint8_t (*leaves)[NK_HASH_BYTES], size_t count,
				    uint32_t slot, uint8_t path[NK_BATCH_DEPTH][NK_HASH_BYTES],
				    uint8_t root[static NK_HASH_BYTES], struct nk_error *err)
{
	uint16_t at[NK_BATCH_LEAVES];
	struct slot_node *nodes;
	struct slot_memo memo;
	size_t n = 0;

	if (count > NK_BATCH_LEAVES || slot >= NK_BATCH_LEAVES)
		return nk_fail(err, NK_EINVAL, "batch", "a batch holds at most %u leaves",
			       NK_BATCH_LEAVES);
	if (count == 0 && !path) {
		memcpy(root, b->empty[NK_BATCH_DEPTH], NK_HASH_BYTES);
		return NK_OK;
	}
	memset(at, 0xff, sizeof(at));
	memo_start(b, &memo);
	for (uint32_t i = 0; i < count; i++)
		at[slot_memo(b, &memo, i)] = (uint16_t)i;
	/* the secret permutation's rounds, and where each arrival went: wiped once used */
	sodium_memzero(&memo, sizeof(memo));
	if (path && at[slot] == UINT16_MAX) {
		sodium_memzero(at, sizeof(at));
		return nk_fail(err, NK_EINVAL, "batch", "no leaf of the batch is at slot %u", slot);
	}
	if (!(nodes = malloc(count * sizeof(*nodes)))) {
		sodium_memzero(at, sizeof(at));
		return nk_fail(err, NK_ENOMEM, "batch", "out of memory");
	}
	for (uint32_t p = 0; p < NK_BATCH_LEAVES; p++)	/* in slot order */
		if (at[p] != UINT16_MAX) {
			nodes[n].pos = p;
			memcpy(nodes[n++].h, leaves[at[p]], NK_HASH_BYTES);
		}
	sodium_memzero(at, sizeof(at));
	/* Level by level: a node whose sibling holds no leaf takes the batch's empty
	 * subtree of its height and the sibling's position there. */
	for (int k = 0; k < NK_BATCH_DEPTH; k++, slot >>= 1) {
		uint8_t e[NK_HASH_BYTES];
		size_t m = 0;

		if (path)
			empty_at(b, k, slot ^ 1u, path[k]);
		for (size_t i = 0; i < n; m++) {
			uint32_t pos = nodes[i].pos;

			if (path && pos == (slot ^ 1u))
				memcpy(path[k], nodes[i].h, NK_HASH_BYTES);
			if (!(pos & 1u) && i + 1 < n && nodes[i + 1].pos == pos + 1) {
				if (path && nodes[i + 1].pos == (slot ^ 1u))
					memcpy(path[k], nodes[i + 1].h, NK_HASH_BYTES);
				nk_merkle_node_hash(nodes[i].h, nodes[i + 1].h, nodes[m].h);
				i += 2;
			} else if (pos & 1u) {
				empty_at(b, k, pos ^ 1u, e);
				nk_merkle_node_hash(e, nodes[i].h, nodes[m].h);
				i++;
			} else {
				empty_at(b, k, pos ^ 1u, e);
				nk_merkle_node_hash(nodes[i].h, e, nodes[m].h);
				i++;
			}
			nodes[m].pos = pos >> 1;
		}
		n = m;
	}
	memcpy(root, nodes[0].h, NK_HASH_BYTES);
	free(nodes);
	return NK_OK;
}

void nk_batch_root_of_path(uint32_t index, const uint8_t leaf[static NK_HASH_BYTES],
			   const uint8_t path[static NK_BATCH_DEPTH][NK_HASH_BYTES],
			   uint8_t root[static NK_HASH_BYTES])
{
	uint8_t h[NK_HASH_BYTES];

	memcpy(h, leaf, sizeof(h));
	for (int k = 0; k < NK_BATCH_DEPTH; k++, index >>= 1) {
		if (index & 1u)
			nk_merkle_node_hash(path[k], h, h);
		else
			nk_merkle_node_hash(h, path[k], h);
	}
	memcpy(root, h, sizeof(h));
}

#define BATCH_MSG (sizeof(TAG_BATCH) + NK_KEY_ID_BYTES + 8 + NK_HASH_BYTES)

static void batch_bytes(const char *tag, const uint8_t key_id[static NK_KEY_ID_BYTES],
			uint64_t number, const uint8_t root[static NK_HASH_BYTES],
			uint8_t out[static BATCH_MSG])
{
	struct writer w = { .buf = out, .cap = BATCH_MSG };

	w_tag(&w, tag);
	w_bytes(&w, key_id, NK_KEY_ID_BYTES);
	w_u64(&w, number);
	w_bytes(&w, root, NK_HASH_BYTES);
}

void nk_batch_sign(const struct nk_server_key *key, uint64_t number,
		   const uint8_t root[static NK_HASH_BYTES], uint8_t sig[static NK_SIGNATURE_BYTES])
{
	uint8_t id[NK_KEY_ID_BYTES], msg[BATCH_MSG];

	nk_server_key_id(key, id);
	batch_bytes(TAG_BATCH, id, number, root, msg);
	nk_server_key_sign(key, msg, sizeof(msg), sig);
}

void nk_batch_sign_salted(const struct nk_server_key *key, uint64_t id,
			  const uint8_t root[static NK_HASH_BYTES],
			  uint8_t sig[static NK_SIGNATURE_BYTES])
{
	uint8_t kid[NK_KEY_ID_BYTES], msg[BATCH_MSG];

	nk_server_key_id(key, kid);
	batch_bytes(TAG_BATCH2, kid, id, root, msg);
	nk_server_key_sign(key, msg, sizeof(msg), sig);
}

static enum nk_status verify_tagged(const char *tag,
				   const uint8_t server[static NK_PUBLIC_KEY_BYTES], uint64_t number,
				   const uint8_t root[static NK_HASH_BYTES],
				   const uint8_t sig[static NK_SIGNATURE_BYTES], struct nk_error *err)
{
	uint8_t id[NK_KEY_ID_BYTES], msg[BATCH_MSG];

	nk_key_id(server, id);
	batch_bytes(tag, id, number, root, msg);
	if (crypto_sign_verify_detached(sig, msg, sizeof(msg), server) != 0)
		return nk_fail(err, NK_ECRYPTO, "batch", "batch %llu is not signed by this "
			       "server's key", (unsigned long long)number);
	return NK_OK;
}

enum nk_status nk_batch_verify(const uint8_t server[static NK_PUBLIC_KEY_BYTES], uint64_t number,
			       const uint8_t root[static NK_HASH_BYTES],
			       const uint8_t sig[static NK_SIGNATURE_BYTES], struct nk_error *err)
{
	return verify_tagged(TAG_BATCH, server, number, root, sig, err);
}

enum nk_status nk_batch_verify_ref(const uint8_t server[static NK_PUBLIC_KEY_BYTES],
				   const struct nk_batch_ref *ref,
				   const uint8_t root[static NK_HASH_BYTES],
				   const uint8_t sig[static NK_SIGNATURE_BYTES], struct nk_error *err)
{
	return verify_tagged(ref->salted ? TAG_BATCH2 : TAG_BATCH, server, ref->number, root, sig,
			     err);
}

enum nk_status nk_batch_proof_verify(const uint8_t server[static NK_PUBLIC_KEY_BYTES],
				     const char *case_id, int64_t seq,
				     const uint8_t head[static NK_HASH_BYTES],
				     const uint8_t ref_bytes[static NK_SIGNATURE_BYTES],
				     const struct nk_batch_proof *proof, struct nk_error *err)
{
	struct nk_batch_ref ref;
	uint8_t leaf[NK_HASH_BYTES], root[NK_HASH_BYTES];
	enum nk_status rc;

	if (!nk_batch_ref_decode(ref_bytes, &ref))
		return nk_fail(err, NK_ECRYPTO, "batch", "the link names no batch");
	if (!proof || proof->ref.number != ref.number || proof->ref.index != ref.index)
		return nk_fail(err, NK_ECRYPTO, "batch", "the link is in batch %llu at %u, and no "
			       "proof of it is given", (unsigned long long)ref.number, ref.index);
	if ((rc = nk_batch_ref_leaf(&ref, case_id, seq, head, leaf, err)) != NK_OK)
		return rc;
	nk_batch_root_of_path(ref.index, leaf, proof->path, root);
	return nk_batch_verify_ref(server, &ref, root, proof->sig, err);
}
