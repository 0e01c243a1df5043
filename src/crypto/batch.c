/* Batches: one server signature for every commit a group's flush carries. Each commit's
 * last link names its batch and its leaf there instead of carrying a signature of its
 * own; the leaf binds the case, the link's number and its chain hash; the batch's leaves
 * make a Merkle tree of a fixed depth whose root the server signs once (doc/crypto.md,
 * "Batches"). A proof is always NK_BATCH_DEPTH hashes, whatever the batch held. */
#include "crypto/crypto_impl.h"

#include <nakodo/ledger.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define TAG_BATCH_REF "nakodo/batch-ref/v1"
#define TAG_BATCH_LEAF "nakodo/batch-leaf/v1"
#define TAG_BATCH "nakodo/batch/v1"
#define REF_TAG_BYTES 32	/* the ref's tag, zero-padded */

void nk_batch_ref_encode(const struct nk_batch_ref *ref, uint8_t out[static NK_SIGNATURE_BYTES])
{
	memset(out, 0, NK_SIGNATURE_BYTES);
	memcpy(out, TAG_BATCH_REF, sizeof(TAG_BATCH_REF));
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
	if (r.number < 1 || r.index >= NK_BATCH_LEAVES)
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

static void batch_bytes(const uint8_t key_id[static NK_KEY_ID_BYTES], uint64_t number,
			const uint8_t root[static NK_HASH_BYTES], uint8_t out[static BATCH_MSG])
{
	struct writer w = { .buf = out, .cap = BATCH_MSG };

	w_tag(&w, TAG_BATCH);
	w_bytes(&w, key_id, NK_KEY_ID_BYTES);
	w_u64(&w, number);
	w_bytes(&w, root, NK_HASH_BYTES);
}

void nk_batch_sign(const struct nk_server_key *key, uint64_t number,
		   const uint8_t root[static NK_HASH_BYTES], uint8_t sig[static NK_SIGNATURE_BYTES])
{
	uint8_t id[NK_KEY_ID_BYTES], msg[BATCH_MSG];

	nk_server_key_id(key, id);
	batch_bytes(id, number, root, msg);
	nk_server_key_sign(key, msg, sizeof(msg), sig);
}

enum nk_status nk_batch_verify(const uint8_t server[static NK_PUBLIC_KEY_BYTES], uint64_t number,
			       const uint8_t root[static NK_HASH_BYTES],
			       const uint8_t sig[static NK_SIGNATURE_BYTES], struct nk_error *err)
{
	uint8_t id[NK_KEY_ID_BYTES], msg[BATCH_MSG];

	nk_key_id(server, id);
	batch_bytes(id, number, root, msg);
	if (crypto_sign_verify_detached(sig, msg, sizeof(msg), server) != 0)
		return nk_fail(err, NK_ECRYPTO, "batch", "batch %llu is not signed by this "
			       "server's key", (unsigned long long)number);
	return NK_OK;
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
	if ((rc = nk_batch_leaf(case_id, seq, head, leaf, err)) != NK_OK)
		return rc;
	nk_batch_root_of_path(ref.index, leaf, proof->path, root);
	return nk_batch_verify(server, ref.number, root, proof->sig, err);
}
