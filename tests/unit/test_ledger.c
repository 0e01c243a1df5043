/* Unit tests for the record: the Merkle log against RFC 6962's published vectors (as
 * transparency-dev/merkle's tests list them) and against a direct recursive reading of
 * RFC 9162 for every size up to LOG_N leaves; corrupted proofs; the event chain; and
 * receipts, including every single-byte change of one receipt file. */
#include "crypto/crypto_impl.h"

#include <nakodo/ledger.h>
#include <nakodo/seal.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#define LOG_N 260

/* ---- a straightforward recursive reference (RFC 9162 2.1.1, 2.1.3.1, 2.1.4.1) ---- */

struct ref {
	uint8_t leaf[LOG_N][32];
	uint8_t memo[LOG_N + 1][LOG_N + 1][32];
	bool have[LOG_N + 1][LOG_N + 1];
};

static uint64_t ref_split(uint64_t n)
{
	uint64_t k = 1;

	while (2 * k < n)
		k *= 2;
	return k;
}

/* MTH(D[a : a + n]) */
static const uint8_t *mth(struct ref *r, uint64_t a, uint64_t n)
{
	if (!r->have[a][n]) {
		if (n == 1) {
			memcpy(r->memo[a][n], r->leaf[a], 32);
		} else {
			uint64_t k = ref_split(n);

			nk_merkle_node_hash(mth(r, a, k), mth(r, a + k, n - k), r->memo[a][n]);
		}
		r->have[a][n] = true;
	}
	return r->memo[a][n];
}

static void ref_path(struct ref *r, uint64_t m, uint64_t a, uint64_t n, uint8_t (*out)[32],
		     size_t *len)
{
	uint64_t k;

	if (n == 1)
		return;
	k = ref_split(n);
	if (m < k) {
		ref_path(r, m, a, k, out, len);
		memcpy(out[(*len)++], mth(r, a + k, n - k), 32);
	} else {
		ref_path(r, m - k, a + k, n - k, out, len);
		memcpy(out[(*len)++], mth(r, a, k), 32);
	}
}

static void ref_subproof(struct ref *r, uint64_t m, uint64_t a, uint64_t n, bool b,
			 uint8_t (*out)[32], size_t *len)
{
	uint64_t k;

	if (m == n) {
		if (!b)
			memcpy(out[(*len)++], mth(r, a, n), 32);
		return;
	}
	k = ref_split(n);
	if (m <= k) {
		ref_subproof(r, m, a, k, b, out, len);
		memcpy(out[(*len)++], mth(r, a + k, n - k), 32);
	} else {
		ref_subproof(r, m - k, a + k, n - k, false, out, len);
		memcpy(out[(*len)++], mth(r, a, k), 32);
	}
}

static void unhex(const char *hex, uint8_t *out, size_t n)
{
	assert_int_equal(sodium_hex2bin(out, n, hex, strlen(hex), NULL, NULL, NULL), 0);
}

/* ---- RFC 6962 vectors ---- */

static const char *const vector_leaves[] = {
	"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
	"606162636465666768696a6b6c6d6e6f",
};
static const char *const vector_roots[] = {
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

struct vector_proof {
	uint64_t a, b;	/* inclusion: index, size; consistency: size1, size2 */
	const char *hash[3];
};

static const struct vector_proof vector_inclusion[] = {
	{ 0, 8, { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
		  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		  "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
	{ 5, 8, { "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
		  "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
		  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
	{ 2, 3, { "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125" } },
	{ 1, 5, { "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
};

static const struct vector_proof vector_consistency[] = {
	{ 1, 8, { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
		  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		  "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
	{ 6, 8, { "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
		  "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
		  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
	{ 2, 5, { "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
	{ 6, 7, { "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
		  "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
		  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
};

static struct nk_merkle_log *vector_log(uint8_t roots[9][32])
{
	struct nk_merkle_log *log = NULL;

	assert_int_equal(nk_merkle_log_new(&log, NULL), NK_OK);
	for (int i = 0; i < 8; i++) {
		uint8_t data[16], leaf[32];
		size_t n = strlen(vector_leaves[i]) / 2;

		unhex(vector_leaves[i], data, n);
		nk_merkle_leaf_hash(data, n, leaf);
		assert_int_equal(nk_merkle_log_append(log, leaf, NULL, NULL), NK_OK);
	}
	for (int i = 0; i <= 8; i++)
		unhex(vector_roots[i], roots[i], 32);
	return log;
}

static void rfc6962_vectors(void **state)
{
	uint8_t roots[9][32], root[32], proof[NK_MERKLE_PROOF_MAX][32], want[3][32], leaf[32];
	struct nk_merkle_log *log = vector_log(roots);
	size_t len;

	for (uint64_t n = 0; n <= 8; n++) {
		assert_int_equal(nk_merkle_log_root(log, n, root, NULL), NK_OK);
		assert_memory_equal(root, roots[n], 32);
	}
	assert_int_equal(nk_merkle_log_root(log, 9, root, NULL), NK_EINVAL);
	for (size_t v = 0; v < sizeof(vector_inclusion) / sizeof(vector_inclusion[0]); v++) {
		const struct vector_proof *t = &vector_inclusion[v];
		size_t n = 0;

		while (n < 3 && t->hash[n])
			unhex(t->hash[n], want[n], 32), n++;
		assert_int_equal(nk_merkle_log_inclusion(log, t->a, t->b, proof, &len, NULL), NK_OK);
		assert_int_equal(len, n);
		assert_memory_equal(proof, want, 32 * n);
		unhex(vector_leaves[t->a], root, strlen(vector_leaves[t->a]) / 2);
		nk_merkle_leaf_hash(root, strlen(vector_leaves[t->a]) / 2, leaf);
		assert_int_equal(nk_merkle_verify_inclusion(t->a, t->b, leaf,
							    (const uint8_t(*)[32])want, n,
							    roots[t->b], NULL), NK_OK);
	}
	for (size_t v = 0; v < sizeof(vector_consistency) / sizeof(vector_consistency[0]); v++) {
		const struct vector_proof *t = &vector_consistency[v];
		size_t n = 0;

		while (n < 3 && t->hash[n])
			unhex(t->hash[n], want[n], 32), n++;
		assert_int_equal(nk_merkle_log_consistency(log, t->a, t->b, proof, &len, NULL), NK_OK);
		assert_int_equal(len, n);
		assert_memory_equal(proof, want, 32 * n);
		assert_int_equal(nk_merkle_verify_consistency(t->a, t->b, roots[t->a], roots[t->b],
							      (const uint8_t(*)[32])want, n, NULL),
				 NK_OK);
	}
	nk_merkle_log_free(log);
}

/* sha256_parts is libsodium's SHA-256 of its parts' concatenation, whichever way this
 * CPU gets it: every length from 0 to 300 bytes (each padding case, one block and
 * several) split at every place into three parts, NULL parts skipped. */
static void parts_are_sha256(void **state)
{
	uint8_t msg[300], got[32], want[32];

	(void)state;
	randombytes_buf(msg, sizeof(msg));
	for (size_t len = 0; len <= sizeof(msg); len++) {
		crypto_hash_sha256(want, msg, len);
		for (size_t i = 0; i <= len; i += 1 + len / 40)
			for (size_t j = i; j <= len; j += 1 + len / 20) {
				memset(got, 0, sizeof(got));
				sha256_parts(got, msg, i, msg + i, j - i, msg + j, len - j);
				assert_memory_equal(got, want, 32);
			}
		sha256_parts(got, NULL, 0, msg, len, NULL, 0);
		assert_memory_equal(got, want, 32);
	}
}

/* A node's hash is SHA-256(0x01 || left || right) as libsodium computes it (nettle makes
 * it, with the CPU's SHA instructions where it has them): random pairs, and the bits
 * that a wrong padding or byte order would change. */
static void node_hash_is_sha256(void **state)
{
	uint8_t l[32], r[32], got[32], want[32], msg[65] = { 0x01 };

	(void)state;
	for (int i = 0; i < 20000; i++) {
		if (i < 512) {	/* one bit set, in each of the 512 */
			memset(l, 0, sizeof(l));
			memset(r, 0, sizeof(r));
			(i < 256 ? l : r)[(i % 256) / 8] = (uint8_t)(1u << (i % 8));
		} else {
			randombytes_buf(l, sizeof(l));
			randombytes_buf(r, sizeof(r));
		}
		memcpy(msg + 1, l, 32);
		memcpy(msg + 33, r, 32);
		crypto_hash_sha256(want, msg, sizeof(msg));
		nk_merkle_node_hash(l, r, got);
		assert_memory_equal(got, want, 32);
	}
	/* out may be either input, as the batch roots use it */
	nk_merkle_node_hash(l, r, l);
	assert_memory_equal(l, want, 32);
}

/* Every size up to LOG_N: roots, every inclusion proof and every consistency proof
 * equal the reference's, and verify. */
static void against_reference(void **state)
{
	struct ref *r = calloc(1, sizeof(*r));
	struct nk_merkle_log *log = NULL;
	uint8_t (*got)[32] = calloc(NK_MERKLE_PROOF_MAX, 32);
	uint8_t (*want)[32] = calloc(NK_MERKLE_PROOF_MAX, 32);
	uint8_t root[32], root1[32];
	long proofs = 0;

	assert_int_equal(nk_merkle_log_new(&log, NULL), NK_OK);
	for (uint64_t i = 0; i < LOG_N; i++) {
		uint8_t data[8];

		for (int b = 0; b < 8; b++)
			data[b] = (uint8_t)(i >> (8 * b));
		nk_merkle_leaf_hash(data, sizeof(data), r->leaf[i]);
		assert_int_equal(nk_merkle_log_append(log, r->leaf[i], &(uint64_t){ 0 }, NULL), NK_OK);
	}
	assert_int_equal(nk_merkle_log_size(log), LOG_N);
	for (uint64_t n = 1; n <= LOG_N; n++) {
		assert_int_equal(nk_merkle_log_root(log, n, root, NULL), NK_OK);
		assert_memory_equal(root, mth(r, 0, n), 32);
		for (uint64_t m = 0; m < n; m++) {
			size_t len = 0, rlen = 0;

			assert_int_equal(nk_merkle_log_inclusion(log, m, n, got, &len, NULL), NK_OK);
			ref_path(r, m, 0, n, want, &rlen);
			assert_int_equal(len, rlen);
			if (len)
				assert_memory_equal(got, want, 32 * len);
			assert_int_equal(nk_merkle_verify_inclusion(m, n, r->leaf[m],
								    (const uint8_t(*)[32])got, len,
								    root, NULL), NK_OK);
			proofs++;
		}
		for (uint64_t m = 1; m < n; m++) {
			size_t len = 0, rlen = 0;

			assert_int_equal(nk_merkle_log_consistency(log, m, n, got, &len, NULL), NK_OK);
			ref_subproof(r, m, 0, n, true, want, &rlen);
			assert_int_equal(len, rlen);
			if (len)
				assert_memory_equal(got, want, 32 * len);
			memcpy(root1, mth(r, 0, m), 32);
			assert_int_equal(nk_merkle_verify_consistency(m, n, root1, root,
								      (const uint8_t(*)[32])got, len,
								      NULL), NK_OK);
			proofs++;
		}
	}
	print_message("# %ld proofs equal the reference and verify\n", proofs);
	nk_merkle_log_free(log);
	free(got);
	free(want);
	free(r);
}

static bool incl_ok(uint64_t m, uint64_t n, const uint8_t *leaf, uint8_t (*p)[32], size_t len,
		    const uint8_t *root)
{
	return nk_merkle_verify_inclusion(m, n, leaf, (const uint8_t(*)[32])p, len, root, NULL) ==
	       NK_OK;
}

static bool cons_ok(uint64_t m, uint64_t n, const uint8_t *r1, const uint8_t *r2, uint8_t (*p)[32],
		    size_t len)
{
	return nk_merkle_verify_consistency(m, n, r1, r2, (const uint8_t(*)[32])p, len, NULL) ==
	       NK_OK;
}

/* The probes transparency-dev/merkle applies to its proofs, for every proof of every
 * size up to 70: none of them verifies. */
static void corrupted_proofs(void **state)
{
	struct nk_merkle_log *log = NULL;
	uint8_t leaves[70][32], roots[71][32], p[NK_MERKLE_PROOF_MAX + 2][32];
	uint8_t junk[32];
	long probes = 0;

	memset(junk, 0xab, sizeof(junk));
	assert_int_equal(nk_merkle_log_new(&log, NULL), NK_OK);
	for (int i = 0; i < 70; i++) {
		nk_merkle_leaf_hash((const uint8_t *)&i, sizeof(i), leaves[i]);
		assert_int_equal(nk_merkle_log_append(log, leaves[i], NULL, NULL), NK_OK);
	}
	for (uint64_t n = 0; n <= 70; n++)
		assert_int_equal(nk_merkle_log_root(log, n, roots[n], NULL), NK_OK);
	for (uint64_t n = 1; n <= 70; n++) {
		for (uint64_t m = 0; m < n; m++) {
			size_t len;

			assert_int_equal(nk_merkle_log_inclusion(log, m, n, p, &len, NULL), NK_OK);
			assert_true(incl_ok(m, n, leaves[m], p, len, roots[n]));
			assert_false(incl_ok(m + 1, n, leaves[m], p, len, roots[n]));
			assert_false(m > 0 && incl_ok(m - 1, n, leaves[m], p, len, roots[n]));
			assert_false(incl_ok(m ^ 2, n, leaves[m], p, len, roots[n]));
			assert_false(incl_ok(m, 2 * n, leaves[m], p, len, roots[n]));
			assert_false(incl_ok(m, n / 2, leaves[m], p, len, roots[n]));
			assert_false(incl_ok(m, n, junk, p, len, roots[n]));
			assert_false(incl_ok(m, n, leaves[m], p, len, roots[n - 1]));
			memcpy(p[len], junk, 32);
			assert_false(incl_ok(m, n, leaves[m], p, len + 1, roots[n]));
			assert_false(len > 0 && incl_ok(m, n, leaves[m], p, len - 1, roots[n]));
			for (size_t i = 0; i < len; i++) {
				p[i][0] ^= 8;
				assert_false(incl_ok(m, n, leaves[m], p, len, roots[n]));
				p[i][0] ^= 8;
			}
			memmove(p[1], p[0], 32 * len);
			memcpy(p[0], roots[n], 32);
			assert_false(incl_ok(m, n, leaves[m], p, len + 1, roots[n]));
			probes += 10 + (long)len;
		}
		for (uint64_t m = 1; m < n; m++) {
			size_t len;

			assert_int_equal(nk_merkle_log_consistency(log, m, n, p, &len, NULL), NK_OK);
			assert_true(cons_ok(m, n, roots[m], roots[n], p, len));
			assert_false(cons_ok(m - 1, n, roots[m], roots[n], p, len));
			assert_false(cons_ok(m + 1, n, roots[m], roots[n], p, len));
			assert_false(cons_ok(m, 2 * n, roots[m], roots[n], p, len));
			assert_false(cons_ok(m, n / 2, roots[m], roots[n], p, len));
			assert_false(cons_ok(m, n, roots[n], roots[m], p, len));
			assert_false(cons_ok(m, n, junk, roots[n], p, len));
			assert_false(cons_ok(m, n, roots[m], junk, p, len));
			assert_false(cons_ok(m, n, roots[m], roots[n], p, 0));
			assert_false(cons_ok(m, n, roots[m], roots[n], p, len - 1));
			memcpy(p[len], roots[m], 32);
			assert_false(cons_ok(m, n, roots[m], roots[n], p, len + 1));
			for (size_t i = 0; i < len; i++) {
				p[i][0] ^= 16;
				assert_false(cons_ok(m, n, roots[m], roots[n], p, len));
				p[i][0] ^= 16;
			}
			probes += 11 + (long)len;
		}
	}
	/* the trivial cases */
	assert_true(cons_ok(0, 5, roots[0], roots[5], p, 0));
	assert_false(cons_ok(0, 5, junk, roots[5], p, 0));
	assert_true(cons_ok(5, 5, roots[5], roots[5], p, 0));
	assert_false(cons_ok(5, 5, roots[5], roots[4], p, 0));
	assert_false(cons_ok(5, 5, roots[5], roots[5], p, 1));
	assert_false(cons_ok(6, 5, roots[6], roots[5], p, 0));
	assert_false(incl_ok(0, 0, leaves[0], p, 0, roots[0]));
	print_message("# %ld corrupted proofs refused\n", probes);
	nk_merkle_log_free(log);
}

/* ---- the event chain ---- */

#define CASE "case-0003"

static void make_events(struct nk_event ev[5], char bodies[5][64])
{
	static const char *const types[] = { "opened", "joined", "message", "submitted", "settled" };

	for (int i = 0; i < 5; i++) {
		memset(&ev[i], 0, sizeof(ev[i]));
		ev[i].seq = i + 1;
		ev[i].time_ms = 1700000000000 + 1000 * i;
		snprintf(ev[i].actor, sizeof(ev[i].actor), "%s", i % 2 ? "payer" : "claimant");
		snprintf(ev[i].type, sizeof(ev[i].type), "%s", types[i]);
		snprintf(bodies[i], 64, "{\"n\":%d}", i);
		ev[i].body = bodies[i];
	}
}

static void link_events(const struct nk_server_key *key, const struct nk_event *ev, size_t n,
			struct nk_chain_link *links)
{
	uint8_t prev[32] = { 0 };

	for (size_t i = 0; i < n; i++) {
		assert_int_equal(nk_chain_hash(prev, CASE, &ev[i], links[i].hash, NULL), NK_OK);
		nk_countersign(key, links[i].hash, links[i].sig);
		memcpy(prev, links[i].hash, 32);
	}
}

static struct nk_server_key *server(uint8_t tag)
{
	uint8_t seed[32];
	struct nk_server_key *key = NULL;

	memset(seed, tag, sizeof(seed));
	assert_int_equal(nk_server_key_from_seed(seed, &key, NULL), NK_OK);
	return key;
}

static size_t chain_bad(const uint8_t *pk, const char *id, const struct nk_event *ev,
			const struct nk_chain_link *links, size_t n)
{
	uint8_t head[32];
	size_t bad = 99;

	if (nk_chain_verify(pk, id, ev, links, n, head, &bad, NULL) == NK_OK)
		return 99;
	return bad;
}

static void chain(void **state)
{
	struct nk_server_key *a = server(0x11), *b = server(0x22);
	struct nk_event ev[5], swapped[5];
	struct nk_chain_link links[5], foreign[5];
	char bodies[5][64];
	uint8_t pk[32], head[32];
	size_t bad = 0;

	nk_server_key_public(a, pk);
	make_events(ev, bodies);
	link_events(a, ev, 5, links);
	assert_int_equal(nk_chain_verify(pk, CASE, ev, links, 5, head, &bad, NULL), NK_OK);
	assert_memory_equal(head, links[4].hash, 32);
	assert_int_equal(chain_bad(pk, "case-0004", ev, links, 5), 0);	/* another case */
	bodies[2][5] = '7';
	assert_int_equal(chain_bad(pk, CASE, ev, links, 5), 2);
	bodies[2][5] = '2';
	ev[3].time_ms++;
	assert_int_equal(chain_bad(pk, CASE, ev, links, 5), 3);
	ev[3].time_ms--;
	ev[4].actor[0] = 'm';
	assert_int_equal(chain_bad(pk, CASE, ev, links, 5), 4);
	ev[4].actor[0] = 'c';
	ev[1].type[0] = 'J';
	assert_int_equal(chain_bad(pk, CASE, ev, links, 5), 1);
	ev[1].type[0] = 'j';
	links[3].hash[7] ^= 1;
	assert_int_equal(chain_bad(pk, CASE, ev, links, 5), 3);
	links[3].hash[7] ^= 1;
	links[4].sig[0] ^= 1;
	assert_int_equal(chain_bad(pk, CASE, ev, links, 5), 4);
	links[4].sig[0] ^= 1;
	/* two events swapped (and renumbered), one dropped */
	memcpy(swapped, ev, sizeof(ev));
	swapped[1] = ev[2], swapped[2] = ev[1];
	swapped[1].seq = 2, swapped[2].seq = 3;
	assert_int_equal(chain_bad(pk, CASE, swapped, links, 5), 1);
	assert_int_equal(chain_bad(pk, CASE, ev + 1, links + 1, 4), 0);
	/* countersigned by another server */
	link_events(b, ev, 5, foreign);
	assert_int_equal(chain_bad(pk, CASE, ev, foreign, 5), 0);
	nk_server_key_free(a);
	nk_server_key_free(b);
}

/* ---- receipts ---- */

struct fixture {
	struct nk_server_key *a, *b;
	struct nk_party_key *claimant, *payer;
	uint8_t pk_a[32], pk_b[32];
	struct nk_merkle_log *log;
	struct nk_statement st[10];
	struct nk_receipt r;	/* case 3's */
};

static void statement_for(struct fixture *f, int i, const uint8_t head[32])
{
	struct nk_statement *st = &f->st[i];
	struct nk_identity id;

	memset(st, 0, sizeof(*st));
	snprintf(st->case_id, sizeof(st->case_id), "case-%04d", i);
	snprintf(st->outcome, sizeof(st->outcome), "%s", i % 3 ? "settled" : "impasse");
	st->events = 5;
	memcpy(st->head, head, 32);
	st->closed_ms = 1700000100000 + i;
	nk_server_key_id(f->a, st->key_id);
	nk_party_key_identity(f->claimant, &id);
	st->has_party_key[NK_CLAIMANT] = true;
	memcpy(st->party_key[NK_CLAIMANT], id.sign, 32);
	nk_party_key_identity(f->payer, &id);
	st->has_party_key[NK_PAYER] = true;
	memcpy(st->party_key[NK_PAYER], id.sign, 32);
}

/* The receipt of case i at the log's current size. */
static void receipt_for(struct fixture *f, int i, const struct nk_server_key *cp_key,
			struct nk_receipt *r)
{
	uint8_t root[32];
	uint64_t size = nk_merkle_log_size(f->log);

	memset(r, 0, sizeof(*r));
	r->statement = f->st[i];
	assert_int_equal(nk_receipt_sign_statement(f->a, r, NULL), NK_OK);
	r->leaf_index = (uint64_t)i;
	assert_int_equal(nk_merkle_log_inclusion(f->log, r->leaf_index, size, r->proof,
						 &r->proof_len, NULL), NK_OK);
	assert_int_equal(nk_merkle_log_root(f->log, size, root, NULL), NK_OK);
	nk_checkpoint_sign(cp_key, size, root, 1700000200000, &r->checkpoint);
}

static int receipt_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct nk_event ev[5];
	struct nk_chain_link links[5];
	char bodies[5][64];

	f->a = server(0x11);
	f->b = server(0x22);
	nk_server_key_public(f->a, f->pk_a);
	nk_server_key_public(f->b, f->pk_b);
	assert_int_equal(nk_party_key_generate(&f->claimant, NULL), NK_OK);
	assert_int_equal(nk_party_key_generate(&f->payer, NULL), NK_OK);
	assert_int_equal(nk_merkle_log_new(&f->log, NULL), NK_OK);
	make_events(ev, bodies);
	link_events(f->a, ev, 5, links);
	for (int i = 0; i < 10; i++) {
		uint8_t leaf[32], head[32];

		memcpy(head, links[4].hash, 32);
		head[0] ^= (uint8_t)(i != 3);	/* only case 3 has this chain */
		statement_for(f, i, head);
		assert_int_equal(nk_statement_leaf(&f->st[i], leaf, NULL), NK_OK);
		assert_int_equal(nk_merkle_log_append(f->log, leaf, NULL, NULL), NK_OK);
	}
	receipt_for(f, 3, f->a, &f->r);
	assert_int_equal(nk_receipt_sign_party(f->claimant, NK_CLAIMANT, &f->r, NULL), NK_OK);
	*state = f;
	return 0;
}

static int receipt_teardown(void **state)
{
	struct fixture *f = *state;

	nk_server_key_free(f->a);
	nk_server_key_free(f->b);
	nk_party_key_free(f->claimant);
	nk_party_key_free(f->payer);
	nk_merkle_log_free(f->log);
	free(f);
	return 0;
}

static bool verifies(const struct nk_receipt *r, const uint8_t *pk, struct nk_receipt_report *rep)
{
	struct nk_receipt_report scratch;

	return nk_receipt_verify(r, pk, rep ? rep : &scratch, NULL) == NK_OK;
}

static void receipt_round_trip(void **state)
{
	struct fixture *f = *state;
	struct nk_receipt *back = calloc(1, sizeof(*back));
	struct nk_receipt_report rep;
	char *text = NULL, *again = NULL;
	size_t len, len2;

	assert_true(verifies(&f->r, f->pk_a, &rep));
	assert_int_equal(rep.result[NK_CHECK_STATEMENT_SIG], NK_CHECK_HOLDS);
	assert_int_equal(rep.result[NK_CHECK_CLAIMANT_SIG], NK_CHECK_HOLDS);
	assert_int_equal(rep.result[NK_CHECK_PAYER_SIG], NK_CHECK_ABSENT);
	assert_non_null(strstr(rep.detail[NK_CHECK_PAYER_SIG], "did not sign"));
	assert_int_equal(rep.result[NK_CHECK_MEDIATOR_SIG], NK_CHECK_ABSENT);
	assert_non_null(strstr(rep.detail[NK_CHECK_MEDIATOR_SIG], "no key"));
	assert_int_equal(rep.result[NK_CHECK_INCLUSION], NK_CHECK_HOLDS);
	assert_int_equal(rep.result[NK_CHECK_CHECKPOINT_KEY], NK_CHECK_HOLDS);
	assert_int_equal(rep.result[NK_CHECK_CHECKPOINT_SIG], NK_CHECK_HOLDS);
	assert_int_equal(nk_receipt_format(&f->r, &text, &len, NULL), NK_OK);
	assert_int_equal(strlen(text), len);
	assert_int_equal(nk_receipt_parse(text, len, back, NULL), NK_OK);
	assert_int_equal(nk_receipt_format(back, &again, &len2, NULL), NK_OK);
	assert_int_equal(len, len2);
	assert_memory_equal(text, again, len);
	assert_true(verifies(back, f->pk_a, NULL));
	free(text);
	free(again);
	free(back);
}

/* Every byte of the receipt file replaced by each of the 255 other values: the file
 * no longer parses, or it no longer verifies. */
static void every_single_byte_change(void **state)
{
	struct fixture *f = *state;
	struct nk_receipt *r = calloc(1, sizeof(*r));
	char *text = NULL;
	size_t len;
	long unparsed = 0, refused = 0;

	assert_int_equal(nk_receipt_format(&f->r, &text, &len, NULL), NK_OK);
	for (size_t i = 0; i < len; i++) {
		char orig = text[i];

		for (int v = 0; v < 256; v++) {
			if ((char)v == orig)
				continue;
			text[i] = (char)v;
			memset(r, 0, sizeof(*r));
			if (nk_receipt_parse(text, len, r, NULL) != NK_OK) {
				unparsed++;
				continue;
			}
			if (verifies(r, f->pk_a, NULL))
				fail_msg("byte %zu changed to 0x%02x still verifies", i, v);
			refused++;
		}
		text[i] = orig;
	}
	assert_int_equal(unparsed + refused, 255L * (long)len);
	print_message("# %zu-byte receipt: %ld changes refused by the parser, %ld by the checks\n",
		      len, unparsed, refused);
	assert_int_equal(nk_receipt_parse(text, len, r, NULL), NK_OK);
	assert_true(verifies(r, f->pk_a, NULL));
	/* and every truncation */
	for (size_t n = 0; n < len; n++)
		assert_int_equal(nk_receipt_parse(text, n, r, NULL), NK_EINVAL);
	free(text);
	free(r);
}

static void proof_for_another_case(void **state)
{
	struct fixture *f = *state;
	struct nk_receipt r = f->r, other;
	struct nk_receipt_report rep;

	receipt_for(f, 4, f->a, &other);
	r.leaf_index = other.leaf_index;
	r.proof_len = other.proof_len;
	memcpy(r.proof, other.proof, sizeof(r.proof));
	assert_false(verifies(&r, f->pk_a, &rep));
	assert_int_equal(rep.result[NK_CHECK_INCLUSION], NK_CHECK_FAILS);
	assert_non_null(strstr(rep.detail[NK_CHECK_INCLUSION], "another case"));
	assert_int_equal(rep.result[NK_CHECK_STATEMENT_SIG], NK_CHECK_HOLDS);
	assert_int_equal(rep.result[NK_CHECK_CHECKPOINT_SIG], NK_CHECK_HOLDS);
	/* case 4's own statement and proof, under case 3's statement signature */
	other.has_party_sig[NK_CLAIMANT] = false;
	memcpy(other.server_sig, f->r.server_sig, sizeof(other.server_sig));
	assert_false(verifies(&other, f->pk_a, &rep));
	assert_int_equal(rep.result[NK_CHECK_STATEMENT_SIG], NK_CHECK_FAILS);
	assert_int_equal(rep.result[NK_CHECK_INCLUSION], NK_CHECK_HOLDS);
}

static void checkpoint_from_another_server(void **state)
{
	struct fixture *f = *state;
	struct nk_receipt r, *rp = &r;
	struct nk_receipt_report rep;

	receipt_for(f, 3, f->b, rp);
	assert_false(verifies(rp, f->pk_a, &rep));
	assert_int_equal(rep.result[NK_CHECK_CHECKPOINT_KEY], NK_CHECK_FAILS);
	assert_non_null(strstr(rep.detail[NK_CHECK_CHECKPOINT_KEY], "another server"));
	assert_int_equal(rep.result[NK_CHECK_INCLUSION], NK_CHECK_HOLDS);	/* same log */
	/* ... that claims the first server's key id */
	nk_server_key_id(f->a, r.checkpoint.key_id);
	assert_false(verifies(rp, f->pk_a, &rep));
	assert_int_equal(rep.result[NK_CHECK_CHECKPOINT_KEY], NK_CHECK_HOLDS);
	assert_int_equal(rep.result[NK_CHECK_CHECKPOINT_SIG], NK_CHECK_FAILS);
	/* the right receipt checked against another server's key */
	assert_false(verifies(&f->r, f->pk_b, &rep));
	assert_int_equal(rep.result[NK_CHECK_STATEMENT_SIG], NK_CHECK_FAILS);
	assert_int_equal(rep.result[NK_CHECK_CHECKPOINT_KEY], NK_CHECK_FAILS);
}

static void party_signatures(void **state)
{
	struct fixture *f = *state;
	struct nk_receipt r = f->r;
	struct nk_receipt_report rep;

	assert_int_equal(nk_receipt_sign_party(f->claimant, NK_PAYER, &r, NULL), NK_EREFUSED);
	assert_int_equal(nk_receipt_sign_party(f->payer, NK_MEDIATOR, &r, NULL), NK_EREFUSED);
	assert_int_equal(nk_receipt_sign_party(f->payer, NK_PAYER, &r, NULL), NK_OK);
	assert_true(verifies(&r, f->pk_a, &rep));
	assert_int_equal(rep.result[NK_CHECK_PAYER_SIG], NK_CHECK_HOLDS);
	/* the claimant's signature moved to the payer's line */
	memcpy(r.party_sig[NK_PAYER], r.party_sig[NK_CLAIMANT], NK_SIGNATURE_BYTES);
	assert_false(verifies(&r, f->pk_a, &rep));
	assert_int_equal(rep.result[NK_CHECK_PAYER_SIG], NK_CHECK_FAILS);
	/* a signature for a role without a key */
	r = f->r;
	r.has_party_sig[NK_MEDIATOR] = true;
	assert_false(verifies(&r, f->pk_a, &rep));
	assert_int_equal(rep.result[NK_CHECK_MEDIATOR_SIG], NK_CHECK_FAILS);
}

#define LEDGER_RECORD_TESTS                                                               \
	cmocka_unit_test(chain),                                                          \
	cmocka_unit_test_setup_teardown(receipt_round_trip, receipt_setup, receipt_teardown), \
	cmocka_unit_test_setup_teardown(every_single_byte_change, receipt_setup,          \
					receipt_teardown),                                \
	cmocka_unit_test_setup_teardown(proof_for_another_case, receipt_setup,            \
					receipt_teardown),                                \
	cmocka_unit_test_setup_teardown(checkpoint_from_another_server, receipt_setup,    \
					receipt_teardown),                                \
	cmocka_unit_test_setup_teardown(party_signatures, receipt_setup, receipt_teardown),

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc6962_vectors),
		cmocka_unit_test(parts_are_sha256),
		cmocka_unit_test(node_hash_is_sha256),
		cmocka_unit_test(against_reference),
		cmocka_unit_test(corrupted_proofs),
		LEDGER_RECORD_TESTS
	};

	if (sodium_init() < 0)
		return 1;
	if (getenv("NK_TEST_FILTER"))	/* e.g. NK_TEST_FILTER=chain */
		cmocka_set_test_filter(getenv("NK_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
