/* The server's append-only Merkle log with RFC 9162 hashing (section 2.1): leaf
 * SHA-256(0x00 || data), node SHA-256(0x01 || left || right), the split at the largest
 * power of two below n, PATH and SUBPROOF as the RFC defines them, and its verifiers. */
#include "crypto/crypto_impl.h"

#include <nakodo/ledger.h>

#include <assert.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define LEVELS 64

/* levels[k][i] is the hash of the complete subtree over leaves [i·2^k, (i+1)·2^k). */
struct level {
	uint8_t (*hash)[NK_HASH_BYTES];
	uint64_t len, cap;
};

struct nk_merkle_log {
	uint64_t size;
	struct level levels[LEVELS];
};

/* A proof under construction. */
struct proof {
	uint8_t (*hash)[NK_HASH_BYTES];
	size_t len;
};

void nk_merkle_leaf_hash(const uint8_t *data, size_t len, uint8_t out[static NK_HASH_BYTES])
{
	static const uint8_t prefix = 0x00;

	sha256_parts(out, &prefix, 1, data, len, NULL, 0);
}

void nk_merkle_node_hash(const uint8_t left[static NK_HASH_BYTES],
			 const uint8_t right[static NK_HASH_BYTES], uint8_t out[static NK_HASH_BYTES])
{
	static const uint8_t prefix = 0x01;

	sha256_parts(out, &prefix, 1, left, NK_HASH_BYTES, right, NK_HASH_BYTES);
}

/* The largest power of two smaller than n (n >= 2). */
static uint64_t split(uint64_t n)
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

enum nk_status nk_merkle_log_new(struct nk_merkle_log **out, struct nk_error *err)
{
	struct nk_merkle_log *log = calloc(1, sizeof(*log));

	if (!log)
		return nk_fail(err, NK_ENOMEM, "log", "no memory for the Merkle log");
	*out = log;
	return NK_OK;
}

void nk_merkle_log_free(struct nk_merkle_log *log)
{
	if (!log)
		return;
	for (int k = 0; k < LEVELS; k++)
		free(log->levels[k].hash);
	free(log);
}

uint64_t nk_merkle_log_size(const struct nk_merkle_log *log)
{
	return log->size;
}

/* Makes room for one more hash on lv. */
static bool level_reserve(struct level *lv)
{
	uint64_t cap;
	void *p;

	if (lv->len < lv->cap)
		return true;
	cap = lv->cap ? lv->cap * 2 : 16;
	p = cap > SIZE_MAX / NK_HASH_BYTES ? NULL : realloc(lv->hash, (size_t)cap * NK_HASH_BYTES);
	if (!p)
		return false;
	lv->hash = p;
	lv->cap = cap;
	return true;
}

enum nk_status nk_merkle_log_append(struct nk_merkle_log *log,
				    const uint8_t leaf[static NK_HASH_BYTES], uint64_t *index,
				    struct nk_error *err)
{
	uint8_t h[NK_HASH_BYTES];
	int k = 0;

	/* Make room first on every level this append completes (level k gains a hash
	 * when the new size is a multiple of 2^k), so that a failure changes nothing. */
	for (uint64_t n = log->size + 1; k < LEVELS; k++, n >>= 1) {
		if (!level_reserve(&log->levels[k]))
			return nk_fail(err, NK_ENOMEM, "log", "no memory to grow the Merkle log");
		if (n & 1)
			break;
	}
	memcpy(h, leaf, sizeof(h));
	for (k = 0; k < LEVELS; k++) {
		struct level *lv = &log->levels[k];

		memcpy(lv->hash[lv->len++], h, NK_HASH_BYTES);
		if (lv->len & 1)
			break;
		nk_merkle_node_hash(lv->hash[lv->len - 2], lv->hash[lv->len - 1], h);
	}
	if (index)
		*index = log->size;
	log->size++;
	return NK_OK;
}

/* MTH(D[a : a + n]) for n >= 1, where the range lies on the RFC's recursion (a is a
 * multiple of the largest power of two not above n, or the range is complete). */
static void range_hash(const struct nk_merkle_log *log, uint64_t a, uint64_t n,
		       uint8_t out[static NK_HASH_BYTES])
{
	uint8_t left[NK_HASH_BYTES], right[NK_HASH_BYTES];
	uint64_t k;

	if ((n & (n - 1)) == 0 && a % n == 0) {
		int level = __builtin_ctzll(n);

		memcpy(out, log->levels[level].hash[a >> level], NK_HASH_BYTES);
		return;
	}
	k = split(n);
	range_hash(log, a, k, left);
	range_hash(log, a + k, n - k, right);
	nk_merkle_node_hash(left, right, out);
}

enum nk_status nk_merkle_log_root(const struct nk_merkle_log *log, uint64_t size,
				  uint8_t root[static NK_HASH_BYTES], struct nk_error *err)
{
	if (size > log->size)
		return nk_fail(err, NK_EINVAL, "size", "the log has %llu entries, not %llu",
			       (unsigned long long)log->size, (unsigned long long)size);
	if (size == 0)
		crypto_hash_sha256(root, NULL, 0);
	else
		range_hash(log, 0, size, root);
	return NK_OK;
}

static void proof_add(const struct nk_merkle_log *log, struct proof *p, uint64_t a, uint64_t n)
{
	assert(p->len < NK_MERKLE_PROOF_MAX);
	range_hash(log, a, n, p->hash[p->len++]);
}

/* PATH(m, D[a : a + n]), RFC 9162 2.1.3.1. */
static void path(const struct nk_merkle_log *log, uint64_t m, uint64_t a, uint64_t n,
		 struct proof *p)
{
	uint64_t k;

	if (n <= 1)
		return;
	k = split(n);
	if (m < k) {
		path(log, m, a, k, p);
		proof_add(log, p, a + k, n - k);
	} else {
		path(log, m - k, a + k, n - k, p);
		proof_add(log, p, a, k);
	}
}

/* SUBPROOF(m, D[a : a + n], b), RFC 9162 2.1.4.1. */
static void subproof(const struct nk_merkle_log *log, uint64_t m, uint64_t a, uint64_t n,
		     bool b, struct proof *p)
{
	uint64_t k;

	if (m == n) {
		if (!b)
			proof_add(log, p, a, n);
		return;
	}
	k = split(n);
	if (m <= k) {
		subproof(log, m, a, k, b, p);
		proof_add(log, p, a + k, n - k);
	} else {
		subproof(log, m - k, a + k, n - k, false, p);
		proof_add(log, p, a, k);
	}
}

enum nk_status nk_merkle_log_inclusion(const struct nk_merkle_log *log, uint64_t index,
				       uint64_t size,
				       uint8_t proof[static NK_MERKLE_PROOF_MAX][NK_HASH_BYTES],
				       size_t *len, struct nk_error *err)
{
	struct proof p = { .hash = proof };

	if (size > log->size || index >= size)
		return nk_fail(err, NK_EINVAL, "index", "no leaf %llu in a tree of %llu (the log "
			       "has %llu)", (unsigned long long)index, (unsigned long long)size,
			       (unsigned long long)log->size);
	path(log, index, 0, size, &p);
	*len = p.len;
	return NK_OK;
}

enum nk_status nk_merkle_log_consistency(const struct nk_merkle_log *log, uint64_t size1,
					 uint64_t size2,
					 uint8_t proof[static NK_MERKLE_PROOF_MAX][NK_HASH_BYTES],
					 size_t *len, struct nk_error *err)
{
	struct proof p = { .hash = proof };

	if (size2 > log->size || size1 > size2)
		return nk_fail(err, NK_EINVAL, "size", "no consistency proof from %llu to %llu (the "
			       "log has %llu)", (unsigned long long)size1,
			       (unsigned long long)size2, (unsigned long long)log->size);
	if (size1 > 0 && size1 < size2)
		subproof(log, size1, 0, size2, true, &p);
	*len = p.len;
	return NK_OK;
}

/* RFC 9162's step over one node of a proof, with fn and sn the positions of the path's
 * two ends: whether the node is hashed on the left (HASH(node || r)) rather than the
 * right; then moves fn and sn up past the levels the step covers. */
static bool proof_node_left(uint64_t *fn, uint64_t *sn)
{
	bool left = (*fn & 1) || *fn == *sn;

	if (left)
		while (!(*fn & 1) && *fn != 0) {
			*fn >>= 1;
			*sn >>= 1;
		}
	*fn >>= 1;
	*sn >>= 1;
	return left;
}

enum nk_status nk_merkle_verify_inclusion(uint64_t index, uint64_t size,
					  const uint8_t leaf[static NK_HASH_BYTES],
					  const uint8_t (*proof)[NK_HASH_BYTES], size_t len,
					  const uint8_t root[static NK_HASH_BYTES],
					  struct nk_error *err)
{
	uint8_t r[NK_HASH_BYTES];
	uint64_t fn, sn;

	/* 1. */
	if (index >= size)
		return nk_fail(err, NK_ECRYPTO, "proof", "leaf %llu is not in a tree of %llu",
			       (unsigned long long)index, (unsigned long long)size);
	/* 2., 3. */
	fn = index;
	sn = size - 1;
	memcpy(r, leaf, sizeof(r));
	/* 4. */
	for (size_t i = 0; i < len; i++) {
		if (sn == 0)
			return nk_fail(err, NK_ECRYPTO, "proof", "the inclusion proof is too long");
		if (proof_node_left(&fn, &sn))
			nk_merkle_node_hash(proof[i], r, r);
		else
			nk_merkle_node_hash(r, proof[i], r);
	}
	/* 5. */
	if (sn != 0)
		return nk_fail(err, NK_ECRYPTO, "proof", "the inclusion proof is too short");
	if (sodium_memcmp(r, root, NK_HASH_BYTES) != 0)
		return nk_fail(err, NK_ECRYPTO, "proof", "the inclusion proof does not lead to the "
			       "root");
	return NK_OK;
}

enum nk_status nk_merkle_verify_consistency(uint64_t size1, uint64_t size2,
					    const uint8_t root1[static NK_HASH_BYTES],
					    const uint8_t root2[static NK_HASH_BYTES],
					    const uint8_t (*proof)[NK_HASH_BYTES], size_t len,
					    struct nk_error *err)
{
	uint8_t fr[NK_HASH_BYTES], sr[NK_HASH_BYTES], empty[NK_HASH_BYTES];
	uint64_t fn, sn;
	size_t i = 0;

	if (size1 > size2)
		return nk_fail(err, NK_ECRYPTO, "proof", "a tree of %llu cannot grow into one of "
			       "%llu", (unsigned long long)size1, (unsigned long long)size2);
	if (size1 == size2) {
		if (len != 0 || sodium_memcmp(root1, root2, NK_HASH_BYTES) != 0)
			return nk_fail(err, NK_ECRYPTO, "proof", "two trees of the same size are "
				       "consistent only with the same root and an empty proof");
		return NK_OK;
	}
	if (size1 == 0) {
		crypto_hash_sha256(empty, NULL, 0);
		if (len != 0 || sodium_memcmp(root1, empty, NK_HASH_BYTES) != 0)
			return nk_fail(err, NK_ECRYPTO, "proof", "the empty tree's root is SHA-256() "
				       "and its proof is empty");
		return NK_OK;
	}
	/* 1. */
	if (len == 0)
		return nk_fail(err, NK_ECRYPTO, "proof", "the consistency proof is empty");
	/* 2., 5.: the path starts with first_hash when first is a power of two */
	if ((size1 & (size1 - 1)) == 0) {
		memcpy(fr, root1, sizeof(fr));
	} else {
		memcpy(fr, proof[0], sizeof(fr));
		i = 1;
	}
	memcpy(sr, fr, sizeof(sr));
	/* 3., 4. */
	fn = size1 - 1;
	sn = size2 - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	/* 6. */
	for (; i < len; i++) {
		if (sn == 0)
			return nk_fail(err, NK_ECRYPTO, "proof", "the consistency proof is too long");
		if (proof_node_left(&fn, &sn)) {
			nk_merkle_node_hash(proof[i], fr, fr);
			nk_merkle_node_hash(proof[i], sr, sr);
		} else {
			nk_merkle_node_hash(sr, proof[i], sr);
		}
	}
	/* 7. */
	if (sn != 0)
		return nk_fail(err, NK_ECRYPTO, "proof", "the consistency proof is too short");
	if (sodium_memcmp(fr, root1, NK_HASH_BYTES) != 0 ||
	    sodium_memcmp(sr, root2, NK_HASH_BYTES) != 0)
		return nk_fail(err, NK_ECRYPTO, "proof", "the consistency proof does not lead to "
			       "both roots");
	return NK_OK;
}
