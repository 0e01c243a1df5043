/* The record anyone can check: each case's events hash-chained and countersigned by
 * the server, case statements in one append-only Merkle log per server (RFC 9162
 * hashing) with signed checkpoints, and the receipt that verifies offline. */
#ifndef NAKODO_LEDGER_H
#define NAKODO_LEDGER_H

#include <nakodo/bargain.h>
#include <nakodo/keys.h>
#include <nakodo/types.h>

#define NK_RECEIPT_ROLES 3		/* the roles a receipt names: claimant, payer, mediator */
#define NK_MERKLE_PROOF_MAX 72		/* hashes in any proof of a 64-bit tree */
#define NK_OUTCOME_MAX 32		/* "settled", "impasse", "closed", … NUL included */
#define NK_RECEIPT_TEXT_MAX 16384	/* bytes of a receipt file */
#define NK_STATEMENT_MAX 320		/* bytes of a statement's canonical encoding */

/* ---- the hash chain of a case's events ---- */

/* The chain hash of ev, the event after prev (all zero bytes before the first):
 * SHA-256 of the event's canonical bytes (doc/crypto.md), which bind the case id, the
 * sequence number, time, actor, type, body and prev. NK_EINVAL if a field is out of
 * bounds. */
NK_MUST_USE enum nk_status nk_chain_hash(const uint8_t prev[static NK_HASH_BYTES],
					 const char *case_id, const struct nk_event *ev,
					 uint8_t out[static NK_HASH_BYTES],
					 struct nk_error *err);

/* The server's countersignature of a chain hash: Ed25519 over
 * "nakodo/countersign/v1\0" || key id || hash. */
void nk_countersign(const struct nk_server_key *key, const uint8_t hash[static NK_HASH_BYTES],
		    uint8_t sig[static NK_SIGNATURE_BYTES]);
NK_MUST_USE enum nk_status nk_countersign_verify(const uint8_t server[static NK_PUBLIC_KEY_BYTES],
						 const uint8_t hash[static NK_HASH_BYTES],
						 const uint8_t sig[static NK_SIGNATURE_BYTES],
						 struct nk_error *err);

/* A link with no countersignature of its own: 64 zero bytes where the signature goes
 * (never a valid Ed25519 signature: its R is a point of small order, which libsodium
 * refuses). Only an event followed, in the same commit, by a countersigned one is stored
 * so: that later signature is over a hash that binds this event, so it vouches for it
 * (doc/crypto.md, "Events a later countersignature covers"). */
bool nk_countersig_none(const uint8_t sig[static NK_SIGNATURE_BYTES]);

/* One link as stored beside an event. */
struct nk_chain_link {
	uint8_t hash[NK_HASH_BYTES];
	uint8_t sig[NK_SIGNATURE_BYTES];
};

/* Recomputes the chain over a case's events (in order, seq 1, 2, …) and checks every
 * stored link and countersignature: a link without one (nk_countersig_none), or one
 * that names a batch (nk_batch_ref_decode), is allowed only before a countersigned
 * link, so the last link must be countersigned (nk_chain_verify_proved takes a last
 * link in a batch with its proof). On failure
 * *bad is the index of the first event whose link does not hold (and err says why); on
 * success the head is written. */
NK_MUST_USE enum nk_status nk_chain_verify(const uint8_t server[static NK_PUBLIC_KEY_BYTES],
					   const char *case_id, const struct nk_event *events,
					   const struct nk_chain_link *links, size_t count,
					   uint8_t head[static NK_HASH_BYTES], size_t *bad,
					   struct nk_error *err);

/* nk_chain_verify for a log whose first unlinked events were stored before events had
 * links (doc/crypto.md, "Events older than the record"): their hashes are computed the
 * same way, over the one before, but links[0 .. unlinked - 1] are not read; every
 * later event's link and countersignature are checked. unlinked may exceed count. */
NK_MUST_USE enum nk_status nk_chain_verify_after(const uint8_t server[static NK_PUBLIC_KEY_BYTES],
						 const char *case_id, const struct nk_event *events,
						 const struct nk_chain_link *links, size_t count,
						 size_t unlinked, uint8_t head[static NK_HASH_BYTES],
						 size_t *bad, struct nk_error *err);

/* ---- batches: one signature for the commits of one flush (doc/crypto.md, "Batches") ----
 *
 * On a store that commits many cases' transactions together, a commit's last link holds,
 * where its countersignature would be, a reference to its batch: the batch's id and the
 * slot of the link's leaf. The leaf binds the case id, the link's seq and its chain hash;
 * the server signs the root of the batch's leaves once, in a tree of fixed depth, so that
 * a proof's length tells nothing of how many commits shared it.
 *
 * Two formats. v1 (logs written before v2; still verified): the id is the store's count
 * of batches, the slot the leaf's place in its flush, empty subtrees public constants.
 * v2 (written now): the reference carries a salt the leaf binds; the id is the store's
 * number for the batch under a permutation only the server can invert; the slot is
 * the leaf's place in the flush under a permutation of the 1,024 slots secret to that
 * batch (blocks of 16 filled in turn, so that the tree costs what v1's did, the blocks
 * rotated and each block's slots permuted); empty subtrees hash to values secret to
 * that batch, each height and position its own. Both secrets are derived
 * from the server's key and the store's number (nk_server_key_derive), never stored. */
#define NK_BATCH_DEPTH 10
#define NK_BATCH_LEAVES (1u << NK_BATCH_DEPTH)
#define NK_BATCH_SALT_BYTES 20
#define NK_BATCH_ID_MAX ((UINT64_C(1) << 52) - 1)	/* a v2 id, and a store's number */

struct nk_batch_ref {
	uint64_t number;	/* >= 1: v1 the store's number, v2 the public id */
	uint32_t index;		/* < NK_BATCH_LEAVES: the leaf's slot */
	bool salted;		/* v2: with salt */
	uint8_t salt[NK_BATCH_SALT_BYTES];
};

/* The reference in a link's 64 signature bytes: the tag "nakodo/batch-ref/v1" (v2 when
 * salted) and its NUL, zero-padded to 32 bytes, the number (u64) and the index (u32),
 * big-endian, then 20 zeros (v1) or the salt (v2). decode is true only for exactly the
 * bytes encode writes. */
void nk_batch_ref_encode(const struct nk_batch_ref *ref, uint8_t out[static NK_SIGNATURE_BYTES]);
bool nk_batch_ref_decode(const uint8_t sig[static NK_SIGNATURE_BYTES], struct nk_batch_ref *ref);

/* v1: SHA-256("nakodo/batch-leaf/v1\0" || str8 case id || u64 seq || chain hash). */
NK_MUST_USE enum nk_status nk_batch_leaf(const char *case_id, int64_t seq,
					 const uint8_t head[static NK_HASH_BYTES],
					 uint8_t leaf[static NK_HASH_BYTES], struct nk_error *err);
/* The leaf ref names: v1's, or v2's SHA-256("nakodo/batch-leaf/v2\0" || str8 case id ||
 * u64 seq || chain hash || salt). */
NK_MUST_USE enum nk_status nk_batch_ref_leaf(const struct nk_batch_ref *ref, const char *case_id,
					     int64_t seq, const uint8_t head[static NK_HASH_BYTES],
					     uint8_t leaf[static NK_HASH_BYTES],
					     struct nk_error *err);
/* v1: the root over leaves[0 .. count) (count <= NK_BATCH_LEAVES) in a tree of depth
 * NK_BATCH_DEPTH whose missing leaves are 32 zero bytes, nodes as RFC 9162's; with path
 * (may be NULL), also the siblings of leaf index from the bottom up. */
NK_MUST_USE enum nk_status nk_batch_root(const uint8_t (*leaves)[NK_HASH_BYTES], size_t count,
					 uint32_t index,
					 uint8_t path[NK_BATCH_DEPTH][NK_HASH_BYTES],
					 uint8_t root[static NK_HASH_BYTES], struct nk_error *err);
/* The root a leaf at index and its path lead to (both formats). */
void nk_batch_root_of_path(uint32_t index, const uint8_t leaf[static NK_HASH_BYTES],
			   const uint8_t path[static NK_BATCH_DEPTH][NK_HASH_BYTES],
			   uint8_t root[static NK_HASH_BYTES]);
/* v1: Ed25519 over "nakodo/batch/v1\0" || key id || u64 number || root. */
void nk_batch_sign(const struct nk_server_key *key, uint64_t number,
		   const uint8_t root[static NK_HASH_BYTES], uint8_t sig[static NK_SIGNATURE_BYTES]);
NK_MUST_USE enum nk_status nk_batch_verify(const uint8_t server[static NK_PUBLIC_KEY_BYTES],
					   uint64_t number, const uint8_t root[static NK_HASH_BYTES],
					   const uint8_t sig[static NK_SIGNATURE_BYTES],
					   struct nk_error *err);
/* The signature ref's batch must carry: v1's, or v2's, Ed25519 over "nakodo/batch/v2\0"
 * || key id || u64 id || root. */
NK_MUST_USE enum nk_status nk_batch_verify_ref(const uint8_t server[static NK_PUBLIC_KEY_BYTES],
					       const struct nk_batch_ref *ref,
					       const uint8_t root[static NK_HASH_BYTES],
					       const uint8_t sig[static NK_SIGNATURE_BYTES],
					       struct nk_error *err);

/* ---- v2, the server's side: what only the server's key can make ---- */

/* A v2 link's salt (a keyed BLAKE2b of the case id, seq and chain hash under a secret
 * of the server's: no one without the key can recompute the leaf from what a statement
 * or another log shows) and its leaf. */
NK_MUST_USE enum nk_status nk_batch_salted_leaf(const struct nk_server_key *key,
						const char *case_id, int64_t seq,
						const uint8_t head[static NK_HASH_BYTES],
						struct nk_batch_ref *ref,
						uint8_t leaf[static NK_HASH_BYTES],
						struct nk_error *err);
/* The secrets of the batch the store numbers row (1 .. NK_BATCH_ID_MAX). */
struct nk_batch_secret {
	uint64_t row;
	uint64_t id;					/* its public id */
	uint8_t perm[16];				/* the slots' permutation's key */
	uint8_t empty[NK_BATCH_DEPTH + 1][NK_HASH_BYTES];	/* empty subtrees' keys */
};
/* made with empty set: the empty subtrees too (only a root needs them); wipe with
 * sodium_memzero. */
void nk_batch_secret_make(const struct nk_server_key *key, uint64_t row, bool empty,
			  struct nk_batch_secret *out);
/* The slot of the arrival-th leaf put in the batch, and the inverse. */
uint32_t nk_batch_slot(const struct nk_batch_secret *b, uint32_t arrival);
uint32_t nk_batch_arrival(const struct nk_batch_secret *b, uint32_t slot);
/* The store's number of the batch whose v2 id is id; false when none is (id out of
 * range). */
bool nk_batch_row(const struct nk_server_key *key, uint64_t id, uint64_t *row);
/* v2: the root over leaves[0 .. count) given in arrival order, each at its slot
 * (nk_batch_slot), the empty subtrees b's; with path (may be NULL), the siblings of the
 * leaf at slot, from the bottom up. */
NK_MUST_USE enum nk_status nk_batch_root_salted(const struct nk_batch_secret *b,
						const uint8_t (*leaves)[NK_HASH_BYTES],
						size_t count, uint32_t slot,
						uint8_t path[NK_BATCH_DEPTH][NK_HASH_BYTES],
						uint8_t root[static NK_HASH_BYTES],
						struct nk_error *err);
/* v2: Ed25519 over "nakodo/batch/v2\0" || key id || u64 id || root. */
void nk_batch_sign_salted(const struct nk_server_key *key, uint64_t id,
			  const uint8_t root[static NK_HASH_BYTES],
			  uint8_t sig[static NK_SIGNATURE_BYTES]);

/* What a log gives a reader for its last link when that link is in a batch: the path of
 * its leaf and the batch's signature (doc/crypto.md, "What this tells a reader"). In v2
 * the path's siblings are other commits' salted leaves, nodes over them, and empty
 * subtrees secret to the batch: they tell neither the batch's size nor a leaf anyone
 * without the server's key can recompute; the slot and the id are the server's secret
 * permutations of the leaf's place and the batch's number. In v1 they told both. Two
 * proofs of one batch (a reader of two logs) still tell that the commits shared it,
 * and their slots a lower bound on its size. */
struct nk_batch_proof {
	struct nk_batch_ref ref;
	uint8_t path[NK_BATCH_DEPTH][NK_HASH_BYTES];
	uint8_t sig[NK_SIGNATURE_BYTES];
};

/* NK_OK iff ref_bytes is a batch reference, proof is for the same batch and leaf, and
 * the leaf of (case_id, seq, head) with proof's path leads to a root the server signed
 * as that batch; NK_ECRYPTO otherwise. */
NK_MUST_USE enum nk_status nk_batch_proof_verify(const uint8_t server[static NK_PUBLIC_KEY_BYTES],
						 const char *case_id, int64_t seq,
						 const uint8_t head[static NK_HASH_BYTES],
						 const uint8_t ref_bytes[static NK_SIGNATURE_BYTES],
						 const struct nk_batch_proof *proof,
						 struct nk_error *err);

/* nk_chain_verify_after for a log whose links may be in batches: a link that names a
 * batch vouches for nothing by itself (a later link binds it, as a covered one); the
 * last link is countersigned, or names a batch and last proves it. last may be NULL
 * when the last link is countersigned. */
NK_MUST_USE enum nk_status nk_chain_verify_proved(const uint8_t server[static NK_PUBLIC_KEY_BYTES],
						  const char *case_id, const struct nk_event *events,
						  const struct nk_chain_link *links, size_t count,
						  size_t unlinked, const struct nk_batch_proof *last,
						  uint8_t head[static NK_HASH_BYTES], size_t *bad,
						  struct nk_error *err);

/* How a verifier vouches for a link that names a batch (ref), of event seq with chain
 * hash head, the log's last when last is set: NK_OK when it holds. */
typedef enum nk_status nk_chain_batch_check(void *arg, const char *case_id, int64_t seq,
					    bool last, const uint8_t head[static NK_HASH_BYTES],
					    const uint8_t ref[static NK_SIGNATURE_BYTES],
					    struct nk_error *err);

/* The chain check the others are made of: each link that names a batch is handed to
 * check (NULL: none holds). */
NK_MUST_USE enum nk_status nk_chain_verify_batched(const uint8_t server[static NK_PUBLIC_KEY_BYTES],
						   const char *case_id,
						   const struct nk_event *events,
						   const struct nk_chain_link *links, size_t count,
						   size_t unlinked, nk_chain_batch_check *check,
						   void *arg, uint8_t head[static NK_HASH_BYTES],
						   size_t *bad, struct nk_error *err);

/* ---- the Merkle log (RFC 9162, section 2.1) ---- */

/* SHA-256(0x00 || data) and SHA-256(0x01 || left || right). */
void nk_merkle_leaf_hash(const uint8_t *data, size_t len, uint8_t out[static NK_HASH_BYTES]);
void nk_merkle_node_hash(const uint8_t left[static NK_HASH_BYTES],
			 const uint8_t right[static NK_HASH_BYTES],
			 uint8_t out[static NK_HASH_BYTES]);

/* An append-only log of leaf hashes, in memory, that keeps every complete subtree's
 * hash so that roots and proofs for any earlier size take O(log² n) hashes. */
struct nk_merkle_log;

NK_MUST_USE enum nk_status nk_merkle_log_new(struct nk_merkle_log **out, struct nk_error *err);
void nk_merkle_log_free(struct nk_merkle_log *log);	/* accepts NULL */
/* Appends a leaf hash (not data: hash it first) and sets *index (may be NULL). */
NK_MUST_USE enum nk_status nk_merkle_log_append(struct nk_merkle_log *log,
						const uint8_t leaf[static NK_HASH_BYTES],
						uint64_t *index, struct nk_error *err);
uint64_t nk_merkle_log_size(const struct nk_merkle_log *log);

/* MTH of the first size leaves (size 0: SHA-256 of nothing). NK_EINVAL if size is
 * beyond the log. */
NK_MUST_USE enum nk_status nk_merkle_log_root(const struct nk_merkle_log *log, uint64_t size,
					      uint8_t root[static NK_HASH_BYTES],
					      struct nk_error *err);
/* PATH(index, D[size]) of RFC 9162 2.1.3.1 into proof, *len hashes. */
NK_MUST_USE enum nk_status nk_merkle_log_inclusion(const struct nk_merkle_log *log,
						   uint64_t index, uint64_t size,
						   uint8_t proof[static NK_MERKLE_PROOF_MAX][NK_HASH_BYTES],
						   size_t *len, struct nk_error *err);
/* PROOF(size1, D[size2]) of RFC 9162 2.1.4.1 (empty when size1 is 0 or size2). */
NK_MUST_USE enum nk_status nk_merkle_log_consistency(const struct nk_merkle_log *log,
						     uint64_t size1, uint64_t size2,
						     uint8_t proof[static NK_MERKLE_PROOF_MAX][NK_HASH_BYTES],
						     size_t *len, struct nk_error *err);

/* RFC 9162 2.1.3.2: NK_OK iff the proof takes leaf at index to root in a tree of size;
 * NK_ECRYPTO otherwise. */
NK_MUST_USE enum nk_status nk_merkle_verify_inclusion(uint64_t index, uint64_t size,
						      const uint8_t leaf[static NK_HASH_BYTES],
						      const uint8_t (*proof)[NK_HASH_BYTES], size_t len,
						      const uint8_t root[static NK_HASH_BYTES],
						      struct nk_error *err);
/* RFC 9162 2.1.4.2, with size1 == size2 (equal roots, empty proof) and size1 == 0
 * (empty proof) handled as the RFC's section 2.1.4 says they are trivially
 * consistent. */
NK_MUST_USE enum nk_status nk_merkle_verify_consistency(uint64_t size1, uint64_t size2,
							const uint8_t root1[static NK_HASH_BYTES],
							const uint8_t root2[static NK_HASH_BYTES],
							const uint8_t (*proof)[NK_HASH_BYTES], size_t len,
							struct nk_error *err);

/* ---- checkpoints ---- */

/* A signed tree head: Ed25519 over "nakodo/checkpoint/v1\0" || key id || u64 size ||
 * root || i64 time_ms. */
struct nk_checkpoint {
	uint8_t key_id[NK_KEY_ID_BYTES];
	uint64_t size;
	uint8_t root[NK_HASH_BYTES];
	int64_t time_ms;
	uint8_t sig[NK_SIGNATURE_BYTES];
};

void nk_checkpoint_sign(const struct nk_server_key *key, uint64_t size,
			const uint8_t root[static NK_HASH_BYTES], int64_t time_ms,
			struct nk_checkpoint *out);
/* NK_ECRYPTO naming why: a key id other than server's, or a bad signature. */
NK_MUST_USE enum nk_status nk_checkpoint_verify(const uint8_t server[static NK_PUBLIC_KEY_BYTES],
						const struct nk_checkpoint *cp,
						struct nk_error *err);

/* A checkpoint as the server keeps it: key id, u64 size, root, i64 time_ms, signature
 * (big-endian integers). decode refuses any other length. */
#define NK_CHECKPOINT_BYTES (NK_KEY_ID_BYTES + 8 + NK_HASH_BYTES + 8 + NK_SIGNATURE_BYTES)
void nk_checkpoint_encode(const struct nk_checkpoint *cp, uint8_t out[static NK_CHECKPOINT_BYTES]);
NK_MUST_USE enum nk_status nk_checkpoint_decode(const uint8_t *in, size_t len,
						struct nk_checkpoint *out, struct nk_error *err);

/* ---- closing statements and receipts ---- */

/* A case's closing statement: the leaf the server logs for the case. It holds the
 * outcome's name and, for a settled figure case, the settlement both sides were told,
 * never a confidential figure. With a settlement it is a v2 statement; without one its
 * bytes are v1's, so the statements and receipts made before v2 verify unchanged. */
struct nk_statement {
	char case_id[NK_CASE_ID_MAX];
	char outcome[NK_OUTCOME_MAX];	/* letters, digits, '-' */
	bool has_settlement;		/* v2: the settled amount below */
	char currency[4];		/* v2: ISO 4217, upper case */
	int64_t settlement;		/* v2: in the currency's minor units, >= 0 */
	uint64_t events;		/* events in the chain */
	uint8_t head[NK_HASH_BYTES];	/* chain hash of the last event */
	int64_t closed_ms;
	uint8_t key_id[NK_KEY_ID_BYTES];	/* the server key that signs it */
	bool has_party_key[NK_RECEIPT_ROLES];	/* indexed by enum nk_role */
	uint8_t party_key[NK_RECEIPT_ROLES][NK_PUBLIC_KEY_BYTES];	/* registered Ed25519 keys */
	/* v3: a settled package case names its package by a digest (doc/formats.md,
	 * "Closing statement"), in the currency above; never with has_settlement. */
	bool has_package;
	uint8_t package[NK_HASH_BYTES];
};

/* The statement's canonical bytes (doc/formats.md): the Merkle leaf data, and what
 * the server signs. NK_EINVAL if a field is out of bounds. */
NK_MUST_USE enum nk_status nk_statement_encode(const struct nk_statement *st,
					       uint8_t out[static NK_STATEMENT_MAX], size_t *len,
					       struct nk_error *err);
/* The inverse of nk_statement_encode: accepts exactly the bytes it writes (so that a
 * statement kept as bytes reads back as the same statement). NK_ECORRUPT otherwise. */
NK_MUST_USE enum nk_status nk_statement_decode(const uint8_t *in, size_t len,
					       struct nk_statement *out, struct nk_error *err);
/* The statement's Merkle leaf hash. */
NK_MUST_USE enum nk_status nk_statement_leaf(const struct nk_statement *st,
					     uint8_t leaf[static NK_HASH_BYTES],
					     struct nk_error *err);

struct nk_receipt {
	struct nk_statement statement;
	uint8_t server_sig[NK_SIGNATURE_BYTES];	/* over the statement's bytes */
	bool has_party_sig[NK_RECEIPT_ROLES];
	uint8_t party_sig[NK_RECEIPT_ROLES][NK_SIGNATURE_BYTES];
	uint64_t leaf_index;
	size_t proof_len;
	uint8_t proof[NK_MERKLE_PROOF_MAX][NK_HASH_BYTES];
	struct nk_checkpoint checkpoint;	/* its size is the proof's tree size */
};

/* Server side: signs the statement into r (the rest of r is left as it is). */
NK_MUST_USE enum nk_status nk_receipt_sign_statement(const struct nk_server_key *key,
						     struct nk_receipt *r, struct nk_error *err);
/* A party adds its signature: Ed25519 over "nakodo/party-sig/v1\0" || role || the
 * statement's bytes. NK_EREFUSED if the statement names no key, or another key, for
 * role. */
NK_MUST_USE enum nk_status nk_receipt_sign_party(const struct nk_party_key *key,
						 enum nk_role role, struct nk_receipt *r,
						 struct nk_error *err);

/* The receipt file (doc/formats.md, "Receipt"): strict line-oriented text in which
 * every byte is significant. format returns a new string (the caller frees it with
 * free()); parse refuses anything format would not write, naming the line. */
NK_MUST_USE enum nk_status nk_receipt_format(const struct nk_receipt *r, char **out,
					     size_t *len, struct nk_error *err);
NK_MUST_USE enum nk_status nk_receipt_parse(const char *text, size_t len, struct nk_receipt *out,
					    struct nk_error *err);

/* The checks nk_receipt_verify makes, in the order it reports them. */
enum nk_receipt_check {
	NK_CHECK_STATEMENT_SIG,		/* the server signed the closing statement */
	NK_CHECK_CLAIMANT_SIG,		/* the claimant's key signed it (when present) */
	NK_CHECK_PAYER_SIG,
	NK_CHECK_MEDIATOR_SIG,
	NK_CHECK_INCLUSION,		/* the statement is in the log at the checkpoint */
	NK_CHECK_CHECKPOINT_KEY,	/* the checkpoint names the given server key */
	NK_CHECK_CHECKPOINT_SIG,	/* and that key signed it */
	NK_CHECK_COUNT,
};

enum nk_check_result {
	NK_CHECK_HOLDS,
	NK_CHECK_FAILS,
	NK_CHECK_ABSENT,	/* an optional signature that is not there */
};

#define NK_CHECK_DETAIL_MAX 192

struct nk_receipt_report {
	bool valid;	/* every check holds or is absent */
	enum nk_check_result result[NK_CHECK_COUNT];
	char detail[NK_CHECK_COUNT][NK_CHECK_DETAIL_MAX];
};

/* Checks everything a receipt claims, with the server's public key alone, and fills
 * report with what holds and what does not. Always fills report; returns NK_OK iff
 * report->valid, NK_ECRYPTO otherwise. */
NK_MUST_USE enum nk_status nk_receipt_verify(const struct nk_receipt *r,
					     const uint8_t server[static NK_PUBLIC_KEY_BYTES],
					     struct nk_receipt_report *report,
					     struct nk_error *err);

const char *nk_receipt_check_name(enum nk_receipt_check check);
const char *nk_check_result_name(enum nk_check_result result);

#endif
