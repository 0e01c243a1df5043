/* The checks of a case's record (record.c makes the links): every link's hash, the last
 * link's countersignature or batch, and, for a reader, the proof of a last link in a
 * batch (doc/crypto.md, "Batches"). */
#include "case/case_impl.h"
#include "case/record.h"

#include <nakodo/ledger.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* What the server's checks of a link in a batch share: the server's key and the store,
 * and the batch last verified, with the leaves it was verified with (a commit's links
 * share one): a later link of it is compared with those leaves, not with a second read
 * of the batch, which need not be the same read transaction's. */
struct batch_arg {
	const struct nk_case_env *env;
	uint8_t pk[NK_PUBLIC_KEY_BYTES];
	uint64_t verified;		/* the store's number; 0: none yet */
	bool verified_salted;
	uint8_t (*verified_leaves)[NK_CHAIN_BYTES];
	size_t verified_count;
	struct nk_batch_proof *proof;	/* NULL, or filled for the last link */
};

/* The batch a reference names, as the store numbers it, and where its leaf is in the
 * order the store keeps (v2: the server's secrets undone; b made for a root when
 * salted). */
static bool batch_place(const struct nk_case_env *env, const struct nk_batch_ref *ref,
			struct nk_batch_secret *b, uint64_t *row, uint32_t *arrival)
{
	if (!ref->salted) {
		*row = ref->number;
		*arrival = ref->index;
		return true;
	}
	if (!nk_batch_row(env->signer, ref->number, row))
		return false;
	nk_batch_secret_make(env->signer, *row, true, b);
	if (b->id != ref->number)
		return false;
	*arrival = nk_batch_arrival(b, ref->index);
	return true;
}

/* A link in a batch, checked against the batch as the store keeps it: its leaf at its
 * place, and the server's signature of the batch's root (one verification per batch). A
 * batch this process's writer holds open has no signature yet: its leaves were put
 * there by this server as it linked them, and stand for it. */
static enum nk_status batch_holds(void *arg, const char *id, int64_t seq, bool last,
				  const uint8_t head[static NK_HASH_BYTES],
				  const uint8_t ref_bytes[static NK_COUNTERSIG_BYTES],
				  struct nk_error *err)
{
	struct batch_arg *a = arg;
	struct nk_batch_ref ref;
	struct nk_batch_secret b = { 0 };
	uint8_t (*leaves)[NK_CHAIN_BYTES] = NULL;
	uint8_t leaf[NK_HASH_BYTES], sig[NK_COUNTERSIG_BYTES], root[NK_HASH_BYTES];
	uint8_t (*path)[NK_HASH_BYTES] = last && a->proof ? a->proof->path : NULL;
	uint64_t row = 0;
	uint32_t arrival = 0;
	size_t count = 0;
	bool open = false;
	enum nk_status rc;

	if (!nk_batch_ref_decode(ref_bytes, &ref))
		return nk_fail(err, NK_ECRYPTO, "batch", "the link names no batch");
	if ((rc = nk_batch_ref_leaf(&ref, id, seq, head, leaf, err)) != NK_OK)
		return rc;
	if (!batch_place(a->env, &ref, &b, &row, &arrival)) {
		rc = nk_fail(err, NK_ECRYPTO, "batch", "it names batch %llu, which this server "
			     "never numbered", (unsigned long long)ref.number);
		goto out;
	}
	if (!path && a->verified_leaves && row == a->verified && ref.salted == a->verified_salted) {
		if (arrival >= a->verified_count ||
		    sodium_memcmp(a->verified_leaves[arrival], leaf, NK_HASH_BYTES) != 0)
			rc = nk_fail(err, NK_ECRYPTO, "batch", "batch %llu does not hold it at %u",
				     (unsigned long long)ref.number, ref.index);
		goto out;
	}
	rc = nk_store_batch_get(a->env->store, row, &leaves, &count, sig, &open, err);
	if (rc == NK_ENOTFOUND) {
		rc = nk_fail(err, NK_ECRYPTO, "batch", "it names batch %llu, which the store does "
			     "not hold", (unsigned long long)ref.number);
		goto out;
	}
	if (rc != NK_OK)
		goto out;
	if (arrival >= count || sodium_memcmp(leaves[arrival], leaf, NK_HASH_BYTES) != 0)
		rc = nk_fail(err, NK_ECRYPTO, "batch", "batch %llu does not hold it at %u",
			     (unsigned long long)ref.number, ref.index);
	else if (open && path)
		rc = nk_fail(err, NK_EREFUSED, "batch", "its batch is not committed yet");
	else if (open)
		rc = NK_OK;
	else if (ref.salted)
		rc = nk_batch_root_salted(&b, (const uint8_t (*)[NK_HASH_BYTES])leaves, count,
					  ref.index, path, root, err);
	else
		rc = nk_batch_root((const uint8_t (*)[NK_HASH_BYTES])leaves, count, ref.index,
				   path, root, err);
	if (rc == NK_OK && !open && (rc = nk_batch_verify_ref(a->pk, &ref, root, sig, err)) == NK_OK) {
		free(a->verified_leaves);
		a->verified_leaves = leaves;
		a->verified_count = count;
		a->verified = row;
		a->verified_salted = ref.salted;
		leaves = NULL;
		if (path) {
			a->proof->ref = ref;
			memcpy(a->proof->sig, sig, sizeof(sig));
		}
	}
out:
	sodium_memzero(&b, sizeof(b));
	free(leaves);
	return rc;
}

/* Every link's hash after the first unlinked (stored before links existed, hashed but
 * with nothing to compare), and the last link's countersignature or batch: the last
 * link binds every event before it, so a server signature on it vouches for the whole
 * log at the cost of one verification instead of one per event. head gets the chain. */
static bool chain_holds_fast(struct batch_arg *a, const char *id,
			     const struct nk_event_list *log, size_t unlinked,
			     uint8_t head[static NK_HASH_BYTES])
{
	uint8_t prev[NK_HASH_BYTES] = { 0 }, h[NK_HASH_BYTES];
	const uint8_t *sig;

	for (size_t i = 0; i < log->count; i++) {
		if (log->events[i].seq != (int64_t)i + 1 ||
		    nk_chain_hash(prev, id, &log->events[i], h, NULL) != NK_OK ||
		    (i >= unlinked && sodium_memcmp(h, log->events[i].chain, NK_HASH_BYTES) != 0))
			return false;
		memcpy(prev, h, sizeof(prev));
	}
	memcpy(head, prev, NK_HASH_BYTES);
	if (log->count <= unlinked)
		return true;
	sig = log->events[log->count - 1].countersig;
	if (nk_batch_ref_decode(sig, NULL))
		return batch_holds(a, id, (int64_t)log->count, true, prev, sig, NULL) == NK_OK;
	return nk_countersign_verify(a->pk, prev, sig, NULL) == NK_OK;
}

/* The check of case_chain_check and case_log_proof: with proof, the last link's proof
 * for a reader when it is in a batch (*proved says whether). */
static enum nk_status chain_check(const struct nk_case_env *env, const char *id,
				  const struct nk_event_list *log, bool every_sig, uint8_t *head,
				  struct nk_batch_proof *proof, bool *proved, struct nk_error *err)
{
	struct batch_arg a = { .env = env, .proof = proof };
	struct nk_chain_link *links = NULL;
	uint8_t last[NK_HASH_BYTES] = { 0 };
	struct nk_error why = { 0 };
	size_t bad = 0, unlinked = 0;
	enum nk_status rc;

	if ((rc = case_need_signer(env, err)) != NK_OK ||
	    (rc = case_legacy_count(env, id, log->count, &unlinked, err)) != NK_OK)
		return rc;
	if (log->count > 0 && !(links = calloc(log->count, sizeof(*links))))
		return nk_fail(err, NK_ENOMEM, "log", "no memory to check case %s", id);
	for (size_t i = unlinked; i < log->count; i++) {
		if (!log->events[i].linked) {
			rc = nk_fail(err, NK_ECORRUPT, "log", "the case's record is broken at event "
				     "%zu: it has no link (written before the record existed, or "
				     "its link was removed)", i + 1);
			goto out;
		}
		memcpy(links[i].hash, log->events[i].chain, NK_HASH_BYTES);
		memcpy(links[i].sig, log->events[i].countersig, NK_SIGNATURE_BYTES);
	}
	nk_server_key_public(env->signer, a.pk);
	/* The fast check passing is enough unless every signature (or a proof) is wanted;
	 * failing, the full one names the first bad event. */
	if ((every_sig || proof || !chain_holds_fast(&a, id, log, unlinked, last)) &&
	    nk_chain_verify_batched(a.pk, id, log->events, links, log->count, unlinked,
				    batch_holds, &a, last, &bad, &why) != NK_OK) {
		rc = nk_fail(err, NK_ECORRUPT, "log", "the case's record is broken at event %zu: %s",
			     bad + 1, why.text);
		goto out;
	}
	rc = NK_OK;
	if (head)
		memcpy(head, last, NK_HASH_BYTES);
	if (proved)
		*proved = log->count > unlinked &&
			  nk_batch_ref_decode(log->events[log->count - 1].countersig, NULL);
out:
	free(a.verified_leaves);
	free(links);
	return rc;
}

enum nk_status case_chain_check(const struct nk_case_env *env, const char *id,
				const struct nk_event_list *log, bool every_sig, uint8_t *head,
				struct nk_error *err)
{
	return chain_check(env, id, log, every_sig, head, NULL, NULL, err);
}

enum nk_status case_log_proof(const struct nk_case_env *env, const char *id,
			      const struct nk_event_list *log, struct nk_batch_proof *proof,
			      bool *proved, struct nk_error *err)
{
	struct nk_batch_proof p = { 0 };
	bool has = false;
	enum nk_status rc = chain_check(env, id, log, true, NULL, &p, &has, err);

	if (rc == NK_OK) {
		*proof = p;
		*proved = has;
	}
	return rc;
}
