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

/* A node's hash with the CPU's SHA instructions where it has them (x86-64's SHA-NI):
 * libsodium's SHA-256 is portable C, some 0.4 µs a node, and a batch's root, made in the
 * serial write turn, is a node hash per leaf plus ten (bench/README.md). The same bytes
 * either way (test_ledger checks them against libsodium's). */
#if defined(__x86_64__) && (!defined(__clang__) || __clang_major__ >= 15)
#include <immintrin.h>
#define NODE_SHA_NI 1

static const uint32_t SHA256_K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* SHA-256 of the two 64-byte blocks of a padded 65-byte message (0x01 || left || right),
 * the state kept as the instructions want it (ABEF, CDGH). */
__attribute__((target("sha,sse4.1,ssse3")))
static void node_hash_ni(const uint8_t block[static 128], uint8_t out[static NK_HASH_BYTES])
{
	const __m128i order = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i abef = _mm_set_epi32(0x6a09e667, 0xbb67ae85, 0x510e527f, 0x9b05688c);
	__m128i cdgh = _mm_set_epi32(0x3c6ef372, 0xa54ff53a, 0x1f83d9ab, 0x5be0cd19);
	__m128i t, w[4];

	for (int b = 0; b < 2; b++) {
		__m128i abef0 = abef, cdgh0 = cdgh;

		for (int j = 0; j < 4; j++)
			w[j] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block + 64 * b + 16 * j)),
						order);
		for (int r = 0; r < 16; r++) {
			__m128i m = _mm_add_epi32(w[r & 3], _mm_loadu_si128((const __m128i *)&SHA256_K[4 * r]));

			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, m);
			abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(m, 0x0e));
			if (r < 12) {	/* the schedule's words for the rounds of r + 4 */
				t = _mm_sha256msg1_epu32(w[r & 3], w[(r + 1) & 3]);
				t = _mm_add_epi32(t, _mm_alignr_epi8(w[(r + 3) & 3], w[(r + 2) & 3], 4));
				w[r & 3] = _mm_sha256msg2_epu32(t, w[(r + 3) & 3]);
			}
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}
	/* ABEF, CDGH back to A..D, E..H, each word big-endian */
	t = _mm_shuffle_epi32(abef, 0x1b);			/* FEBA */
	cdgh = _mm_shuffle_epi32(cdgh, 0xb1);			/* DCHG */
	_mm_storeu_si128((__m128i *)out, _mm_shuffle_epi8(_mm_blend_epi16(t, cdgh, 0xf0), order));
	_mm_storeu_si128((__m128i *)(out + 16), _mm_shuffle_epi8(_mm_alignr_epi8(cdgh, t, 8), order));
}
#endif

void nk_merkle_node_hash(const uint8_t left[static NK_HASH_BYTES],
			 const uint8_t right[static NK_HASH_BYTES], uint8_t out[static NK_HASH_BYTES])
{
	static const uint8_t prefix = 0x01;

#ifdef NODE_SHA_NI
	/* libgcc's record of the CPU, filled before main */
	if (__builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1")) {
		uint8_t block[128] = { 0x01 };

		memcpy(block + 1, left, NK_HASH_BYTES);
		memcpy(block + 1 + NK_HASH_BYTES, right, NK_HASH_BYTES);
		block[1 + 2 * NK_HASH_BYTES] = 0x80;
		block[126] = (uint8_t)((8 * (1 + 2 * NK_HASH_BYTES)) >> 8);	/* 520 bits */
		block[127] = (uint8_t)(8 * (1 + 2 * NK_HASH_BYTES));
		node_hash_ni(block, out);
		return;
	}
#endif
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
