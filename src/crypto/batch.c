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

/* The hash of an empty subtree of height h: zero bytes for a leaf, then each level's
 * node over two of the level below. */
static void empty_subtree(int h, uint8_t out[static NK_HASH_BYTES])
{
	memset(out, 0, NK_HASH_BYTES);
	for (int k = 0; k < h; k++)
		nk_merkle_node_hash(out, out, out);
}

/* Level by level in place over level[0 .. n): each pair becomes its node, an odd last
 * one takes the empty subtree of its height as its right neighbour. With want set,
 * path gets index's sibling at each level. */
static void reduce(uint8_t (*level)[NK_HASH_BYTES], size_t n, uint32_t index, bool want,
		   uint8_t path[static NK_BATCH_DEPTH][NK_HASH_BYTES],
		   uint8_t root[static NK_HASH_BYTES])
{
	uint8_t empty[NK_HASH_BYTES];

	memset(empty, 0, sizeof(empty));
	for (int k = 0; k < NK_BATCH_DEPTH; k++) {
		size_t sib = index ^ 1u;

		if (want)
			memcpy(path[k], sib < n ? level[sib] : empty, NK_HASH_BYTES);
		for (size_t i = 0; i < n; i += 2)
			nk_merkle_node_hash(level[i], i + 1 < n ? level[i + 1] : empty, level[i / 2]);
		n = (n + 1) / 2;
		index >>= 1;
		nk_merkle_node_hash(empty, empty, empty);
	}
	if (n == 0)
		memcpy(root, empty, NK_HASH_BYTES);
	else
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
		empty_subtree(NK_BATCH_DEPTH, root);
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
