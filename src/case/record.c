/* The record of a case: each event linked to the one before and countersigned by the
 * server as it is appended, every link checked when the case is loaded, the closing
 * statement logged in the server's record when the case ends, and the receipt that
 * proves it offline (doc/crypto.md, "The record"). */
#include "case/case_impl.h"
#include "case/cache.h"
#include "case/figure_kind.h"
#include "case/record.h"

#include <nakodo/ledger.h>

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The open batch's secrets, made by its first link and kept for its other links and its
 * root. Each link made them again (a key derivation, a ChaCha20 block, the id's
 * permutation: some 5k instructions in the serial write turn) and the root once more in
 * the committer's (bench/README.md). They are a function of the key and the batch's
 * number alone, so a kept copy is never stale; wiped once the batch is signed, and with
 * the record. The links and the seal run in the write turn; mu makes it safe without. */
struct batch_keep {
	pthread_mutex_t mu;
	const struct nk_server_key *key;	/* the only key it serves; set by the first */
	bool held;
	struct nk_batch_secret b;		/* made with the empty subtrees */
};

struct nk_record_log {
	pthread_mutex_t mu;
	struct nk_merkle_log *tree;	/* the record's leaves, all committed */
	struct batch_keep batch;	/* the server's links' open batch */
};

enum nk_status case_need_signer(const struct nk_case_env *env, struct nk_error *err)
{
	if (env->signer)
		return NK_OK;
	return nk_fail(err, NK_EINVAL, "signer", "no server key: a case is read and written "
		       "only with the server's signing key");
}

/* How many leading events of the case were stored before links existed; at most
 * count, the events its log holds (those are never deleted). */
enum nk_status case_legacy_count(const struct nk_case_env *env, const char *id, size_t count,
				 size_t *n, struct nk_error *err)
{
	int64_t legacy = 0;
	enum nk_status rc = nk_store_legacy_events(env->store, id, &legacy, err);

	if (rc != NK_OK)
		return rc;
	if (legacy < 0 || (uint64_t)legacy > count)
		return nk_fail(err, NK_ECORRUPT, "log", "the case's record is broken: it holds %zu "
			       "events but %lld were stored before links existed", count,
			       (long long)legacy);
	*n = (size_t)legacy;
	return NK_OK;
}

/* The chain hash of the case's first n events, computed as if each had been linked
 * (events stored before links existed have none to compare). */
static enum nk_status prefix_chain(const char *id, const struct nk_event_list *log, size_t n,
				   uint8_t out[static NK_HASH_BYTES], struct nk_error *err)
{
	uint8_t prev[NK_HASH_BYTES] = { 0 }, h[NK_HASH_BYTES];
	enum nk_status rc;

	for (size_t i = 0; i < n && i < log->count; i++) {
		if (log->events[i].seq != (int64_t)i + 1)
			return nk_fail(err, NK_ECORRUPT, "log", "the case's record is broken at event "
				       "%zu: the log has a gap or is out of order", i + 1);
		if ((rc = nk_chain_hash(prev, id, &log->events[i], h, err)) != NK_OK)
			return rc;
		memcpy(prev, h, sizeof(prev));
	}
	memcpy(out, prev, NK_HASH_BYTES);
	return NK_OK;
}

/* The link to put after a last event that has none: allowed only when every event so
 * far was stored before links existed; then the chain of them all. */
static enum nk_status legacy_head(const struct nk_case_env *env, const char *id, int64_t last,
				  uint8_t prev[static NK_HASH_BYTES], struct nk_error *err)
{
	struct nk_event_list log = { 0 };
	size_t n = 0;
	enum nk_status rc = nk_store_load(env->store, id, &log, err);

	if (rc == NK_OK)
		rc = case_legacy_count(env, id, log.count, &n, err);
	if (rc == NK_OK && (n != log.count || (int64_t)n != last))
		rc = nk_fail(err, NK_ECORRUPT, "log", "event %lld of case %s has no link: it was "
			     "written before the record existed", (long long)last, id);
	if (rc == NK_OK)
		rc = prefix_chain(id, &log, n, prev, err);
	nk_event_list_free(&log);
	return rc;
}

/* The batch's signature in the v2 format (doc/crypto.md, "Batches"): the server key signs
 * the root of the batch's leaves, once for every link in it, each leaf at its secret
 * slot, the empty subtrees the batch's secrets b, under the batch's public id. */
static void sign_root(const struct nk_server_key *key, const struct nk_batch_secret *b,
		      const uint8_t (*leaves)[NK_CHAIN_BYTES], size_t count,
		      uint8_t sig[static NK_COUNTERSIG_BYTES])
{
	uint8_t root[NK_HASH_BYTES];

	if (nk_batch_root_salted(b, leaves, count, 0, NULL, root, NULL) != NK_OK)
		memset(sig, 0, NK_COUNTERSIG_BYTES);
	else
		nk_batch_sign_salted(key, b->id, root, sig);
}

/* The store holds at most NK_BATCH_LEAVES and numbers its batches from 1; a root that
 * cannot be made leaves a signature no link verifies with. */
static bool signable(uint64_t number, uint8_t sig[static NK_COUNTERSIG_BYTES])
{
	if (number >= 1 && number <= NK_BATCH_ID_MAX)
		return true;
	memset(sig, 0, NK_COUNTERSIG_BYTES);
	return false;
}

/* The store's signer of a batch (nk_store_batch_signer) whose links were vouched for
 * without a record: arg is the server key. */
static void sign_batch(void *arg, uint64_t number, const uint8_t (*leaves)[NK_CHAIN_BYTES],
		       size_t count, uint8_t sig[static NK_COUNTERSIG_BYTES])
{
	const struct nk_server_key *key = arg;
	struct nk_batch_secret b;

	if (!signable(number, sig))
		return;
	nk_batch_secret_make(key, number, true, &b);
	sign_root(key, &b, leaves, count, sig);
	sodium_memzero(&b, sizeof(b));
}

/* The store's signer of a batch whose links were vouched for with the record's kept
 * secrets: arg is the keep; the batch's secrets are dropped once it is signed. */
static void sign_batch_kept(void *arg, uint64_t number, const uint8_t (*leaves)[NK_CHAIN_BYTES],
			    size_t count, uint8_t sig[static NK_COUNTERSIG_BYTES])
{
	struct batch_keep *k = arg;

	pthread_mutex_lock(&k->mu);
	if (signable(number, sig)) {
		if (!k->held || k->b.row != number)
			nk_batch_secret_make(k->key, number, true, &k->b);
		sign_root(k->key, &k->b, leaves, count, sig);
	}
	sodium_memzero(&k->b, sizeof(k->b));
	k->held = false;
	pthread_mutex_unlock(&k->mu);
}

/* The batch's public id and the slot of its arrival-th leaf, from k's secrets of the
 * batch numbered row (made now when k holds another's). */
static void kept_place(struct batch_keep *k, uint64_t row, uint32_t arrival, uint64_t *id,
		       uint32_t *slot)
{
	pthread_mutex_lock(&k->mu);
	if (!k->held || k->b.row != row) {
		nk_batch_secret_make(k->key, row, true, &k->b);
		k->held = true;
	}
	*id = k->b.id;
	*slot = nk_batch_slot(&k->b, arrival);
	pthread_mutex_unlock(&k->mu);
}

/* The keep that serves env's key, or NULL (no record, or a record already serving
 * another key). */
static struct batch_keep *keep_for(const struct nk_case_env *env)
{
	struct batch_keep *k = env->record ? &env->record->batch : NULL;
	bool ours;

	if (!k)
		return NULL;
	pthread_mutex_lock(&k->mu);
	if (!k->key)
		k->key = env->signer;
	ours = k->key == env->signer;
	pthread_mutex_unlock(&k->mu);
	return ours ? k : NULL;
}

/* The link's own signature: a place in the open batch, which the server signs once for
 * all its links when the group commits it, or, on a store without batches, the
 * server's countersignature. The store numbers the batch and counts its leaves; the
 * reference names them only as the server's secrets permute them. */
static enum nk_status vouch(const struct nk_case_env *env, const char *id, struct nk_event *ev,
			    struct nk_error *err)
{
	struct nk_batch_ref ref = { 0 };
	struct nk_batch_secret b;
	struct batch_keep *keep = NULL;
	uint8_t leaf[NK_HASH_BYTES];
	uint64_t row = 0;
	uint32_t arrival = 0;
	enum nk_status rc = NK_ENOTFOUND;

	if (nk_store_batching(env->store)) {
		keep = keep_for(env);
		rc = nk_batch_salted_leaf(env->signer, id, ev->seq, ev->chain, &ref, leaf, err);
	}
	if (rc == NK_OK)
		rc = nk_store_batch_leaf(env->store, leaf, keep ? sign_batch_kept : sign_batch,
					 keep ? (void *)keep : (void *)env->signer, &row, &arrival,
					 err);
	if (rc == NK_OK && (row < 1 || row > NK_BATCH_ID_MAX))
		rc = nk_fail(err, NK_ECORRUPT, "batch", "the store numbers its batches beyond "
			     "what a reference can name");
	if (rc == NK_OK && keep) {
		kept_place(keep, row, arrival, &ref.number, &ref.index);
		nk_batch_ref_encode(&ref, ev->countersig);
	} else if (rc == NK_OK) {
		nk_batch_secret_make(env->signer, row, false, &b);
		ref.number = b.id;
		ref.index = nk_batch_slot(&b, arrival);
		sodium_memzero(&b, sizeof(b));
		nk_batch_ref_encode(&ref, ev->countersig);
	} else if (rc == NK_ENOTFOUND) {
		nk_countersign(env->signer, ev->chain, ev->countersig);
	}
	return rc == NK_ENOTFOUND ? NK_OK : rc;
}

enum nk_status case_link_event(const struct nk_case_env *env, const char *id,
			       struct nk_event *ev, bool countersign, struct nk_error *err)
{
	uint8_t prev[NK_CHAIN_BYTES] = { 0 };
	int64_t last = 0;
	bool linked = false;
	enum nk_status rc;

	if ((rc = case_need_signer(env, err)) != NK_OK)
		return rc;
	/* inside a command's transaction its pending state holds the case's last link (read
	 * by its load, advanced by each append, under the case's write lock): not read again */
	if (case_pending_last(id, &last, prev))
		linked = true;
	else if ((rc = nk_store_last_link(env->store, id, &last, &linked, prev, err)) != NK_OK)
		return rc;
	if (last > 0 && !linked && (rc = legacy_head(env, id, last, prev, err)) != NK_OK)
		return rc;
	ev->seq = last + 1;
	if ((rc = nk_chain_hash(prev, id, ev, ev->chain, err)) != NK_OK)
		return rc;
	if (!countersign)
		memset(ev->countersig, 0, sizeof(ev->countersig));
	else if ((rc = vouch(env, id, ev, err)) != NK_OK)
		return rc;
	ev->linked = true;
	return NK_OK;
}

/* A settled package case's package, named in its statement (v3): SHA-256 of the settled
 * event's "package" member as compact JSON with sorted keys (doc/formats.md), which
 * whoever holds that event can check (jq -jcS .package | sha256sum). */
static enum nk_status package_digest(const struct nk_event_list *log, struct nk_statement *stmt,
				     struct nk_error *err)
{
	const struct nk_event *ev = NULL;
	json_t *body = NULL;
	char *text = NULL;
	enum nk_status rc = NK_OK;

	for (size_t i = log->count; i > 0 && !ev; i--)
		if (strcmp(log->events[i - 1].type, "settled") == 0)
			ev = &log->events[i - 1];
	if (!ev || !(body = json_loads(ev->body, 0, NULL)) ||
	    !json_is_object(json_object_get(body, "package")) ||
	    !(text = json_dumps(json_object_get(body, "package"),
				JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17))))
		rc = case_corrupt(err, "its settled package does not read");
	else {
		crypto_hash_sha256(stmt->package, (const uint8_t *)text, strlen(text));
		stmt->has_package = true;
	}
	free(text);
	json_decref(body);
	return rc;
}

/* The closing statement of an ended case from its whole log. */
static enum nk_status statement_of(const struct nk_case_env *env, const char *id,
				   const struct nk_event_list *log, struct nk_statement *stmt,
				   struct nk_error *err)
{
	struct case_state st;
	enum nk_status rc;

	memset(stmt, 0, sizeof(*stmt));
	if ((rc = case_chain_check(env, id, log, true, stmt->head, err)) != NK_OK ||
	    (rc = case_fold(id, log, &st, err)) != NK_OK)
		return rc;
	if (st.state != NK_STATE_SETTLED && st.state != NK_STATE_CLOSED)
		return nk_fail(err, NK_EREFUSED, "case", "the case has not ended (it is %s): a "
			       "receipt is for a settled or closed case", nk_case_state_name(st.state));
	snprintf(stmt->case_id, sizeof(stmt->case_id), "%s", id);
	snprintf(stmt->outcome, sizeof(stmt->outcome), "%s", nk_case_state_name(st.state));
	/* The settlement both sides were told, so that the receipt proves the amount and not
	 * only "settled" (a v2 statement); a package case's settlement is a package, which
	 * the statement names by its digest (v3). */
	/* A bridged settlement has no one amount both sides were told: each was told its
	 * own, and either with the other's would give away a figure. Its statement names
	 * the rule that settled it, and no amount (doc/toolkit.md, "The bridge"). */
	if (st.state == NK_STATE_SETTLED && st.kind == &case_kind_figures &&
	    st.fig.settled_by == NK_DEAL_BRIDGE) {
		snprintf(stmt->outcome, sizeof(stmt->outcome), "settled-by-bridge");
	} else if (st.state == NK_STATE_SETTLED && st.kind == &case_kind_figures) {
		stmt->has_settlement = true;
		stmt->settlement = st.fig.settlement;
		memcpy(stmt->currency, st.fig.rules.currency, sizeof(stmt->currency));
	} else if (st.state == NK_STATE_SETTLED) {
		memcpy(stmt->currency, st.pkg.frame.currency, sizeof(stmt->currency));
		if ((rc = package_digest(log, stmt, err)) != NK_OK)
			return rc;
	}
	stmt->events = log->count;
	stmt->closed_ms = log->events[log->count - 1].time_ms;
	nk_server_key_id(env->signer, stmt->key_id);
	for (int r = 0; r < NK_RECEIPT_ROLES; r++) {
		stmt->has_party_key[r] = st.joined[r];
		if (st.joined[r])
			memcpy(stmt->party_key[r], st.identity[r].sign, NK_PUBLIC_KEY_BYTES);
	}
	return NK_OK;
}

enum nk_status case_record_close(const struct nk_case_env *env, const char *id,
				 struct nk_error *err)
{
	struct nk_event_list log = { 0 };
	struct nk_receipt *r = calloc(1, sizeof(*r));
	uint8_t bytes[NK_STATEMENT_MAX];
	size_t len = 0;
	enum nk_status rc;

	if (!r)
		return nk_fail(err, NK_ENOMEM, "record", "out of memory");
	rc = nk_store_load(env->store, id, &log, err);
	if (rc == NK_OK)
		rc = statement_of(env, id, &log, &r->statement, err);
	if (rc == NK_OK)
		rc = nk_receipt_sign_statement(env->signer, r, err);
	if (rc == NK_OK)
		rc = nk_statement_encode(&r->statement, bytes, &len, err);
	if (rc == NK_OK)
		rc = nk_store_record_append(env->store, id, bytes, len, r->server_sig, NULL, err);
	nk_event_list_free(&log);
	free(r);
	return rc;
}

enum nk_status nk_record_log_new(struct nk_record_log **out, struct nk_error *err)
{
	struct nk_record_log *log = calloc(1, sizeof(*log));
	enum nk_status rc;

	if (!log)
		return nk_fail(err, NK_ENOMEM, "record", "out of memory");
	if ((rc = nk_merkle_log_new(&log->tree, err)) != NK_OK) {
		free(log);
		return rc;
	}
	pthread_mutex_init(&log->mu, NULL);
	pthread_mutex_init(&log->batch.mu, NULL);
	*out = log;
	return NK_OK;
}

void nk_record_log_free(struct nk_record_log *log)
{
	if (!log)
		return;
	nk_merkle_log_free(log->tree);
	pthread_mutex_destroy(&log->mu);
	sodium_memzero(&log->batch.b, sizeof(log->batch.b));
	pthread_mutex_destroy(&log->batch.mu);
	free(log);
}

struct grow_arg {
	struct nk_merkle_log *tree;
	enum nk_status rc;
	struct nk_error *err;
};

static bool add_leaf(uint64_t index, const uint8_t *data, size_t len, void *arg)
{
	struct grow_arg *g = arg;
	uint8_t leaf[NK_HASH_BYTES];

	nk_merkle_leaf_hash(data, len, leaf);
	g->rc = nk_merkle_log_append(g->tree, leaf, NULL, g->err);
	return g->rc == NK_OK;
}

/* Brings tree up to size entries from the store (what it holds is committed and never
 * changes, so a tree at least that large is already right). */
static enum nk_status grow_tree(struct nk_store *store, struct nk_merkle_log *tree, uint64_t size,
				struct nk_error *err)
{
	struct grow_arg g = { .tree = tree, .rc = NK_OK, .err = err };
	enum nk_status rc;

	if (nk_merkle_log_size(tree) >= size)
		return NK_OK;
	rc = nk_store_record_each(store, nk_merkle_log_size(tree), add_leaf, &g, err);
	if (rc == NK_OK)
		rc = g.rc;
	if (rc == NK_OK && nk_merkle_log_size(tree) < size)
		rc = nk_fail(err, NK_ECORRUPT, "record", "the record has fewer entries than it counts");
	return rc;
}

/* The checkpoint for size entries: the kept one, or one signed and kept now. Either
 * way its root must be tree's. */
static enum nk_status checkpoint_for(const struct nk_case_env *env, struct nk_merkle_log *tree,
				     uint64_t size, struct nk_checkpoint *cp, struct nk_error *err)
{
	uint8_t root[NK_HASH_BYTES], data[NK_CHECKPOINT_DATA_MAX];
	size_t len = 0;
	enum nk_status rc;

	if ((rc = nk_merkle_log_root(tree, size, root, err)) != NK_OK)
		return rc;
	rc = nk_store_checkpoint_get(env->store, size, data, &len, err);
	if (rc == NK_OK) {
		if ((rc = nk_checkpoint_decode(data, len, cp, err)) != NK_OK)
			return rc;
		if (cp->size != size || sodium_memcmp(cp->root, root, NK_HASH_BYTES) != 0)
			return nk_fail(err, NK_ECORRUPT, "record", "the checkpoint kept for %llu "
				       "entries does not match the record", (unsigned long long)size);
		return NK_OK;
	}
	if (rc != NK_ENOTFOUND)
		return rc;
	nk_checkpoint_sign(env->signer, size, root, case_now_ms(env), cp);
	nk_checkpoint_encode(cp, data);
	return nk_store_checkpoint_put(env->store, size, data, NK_CHECKPOINT_BYTES, err);
}

/* Proof and checkpoint from a tree that holds the record's first size entries. */
static enum nk_status prove(const struct nk_case_env *env, struct nk_merkle_log *tree,
			    uint64_t size, struct nk_receipt *r, struct nk_error *err)
{
	enum nk_status rc = grow_tree(env->store, tree, size, err);

	if (rc == NK_OK)
		rc = checkpoint_for(env, tree, size, &r->checkpoint, err);
	if (rc == NK_OK)
		rc = nk_merkle_log_inclusion(tree, r->leaf_index, size, r->proof, &r->proof_len, err);
	return rc;
}

/* Whether the case had ended within the events stored before links (and the record)
 * existed: then the record has no statement of it, rightly. */
static bool ended_before_record(const struct nk_case_env *env, const char *id,
				const struct nk_event_list *log)
{
	struct case_state st;
	size_t n = 0;

	if (case_legacy_count(env, id, log->count, &n, NULL) != NK_OK || n == 0)
		return false;
	{
		struct nk_event_list prefix = { log->events, n };

		if (case_fold(id, &prefix, &st, NULL) != NK_OK)
			return false;
	}
	return st.state == NK_STATE_SETTLED || st.state == NK_STATE_CLOSED;
}

/* The entry the record holds for the case, checked against the case's own log. */
static enum nk_status find_entry(const struct nk_case_env *env, const char *id,
				 const struct nk_event_list *log, struct nk_receipt *r,
				 struct nk_error *err)
{
	uint8_t data[NK_RECORD_ENTRY_MAX], want[NK_STATEMENT_MAX], got[NK_STATEMENT_MAX];
	struct nk_statement now;
	size_t len = 0, want_len = 0, got_len = 0;
	enum nk_status rc;

	rc = nk_store_record_find(env->store, id, &r->leaf_index, data, &len, r->server_sig, err);
	if (rc == NK_ENOTFOUND && ended_before_record(env, id, log))
		return nk_fail(err, NK_EREFUSED, "case", "case %s ended before this server kept a "
			       "record: it has no closing statement to give a receipt for", id);
	if (rc == NK_ENOTFOUND)
		return nk_fail(err, NK_ECORRUPT, "record", "case %s ended but its closing statement "
			       "is not in the server's record", id);
	if (rc == NK_OK)
		rc = nk_statement_decode(data, len, &r->statement, err);
	if (rc != NK_OK)
		return rc;
	/* Events may follow the end (a deposit withdrawn after it, never released); the
	 * statement covers the log up to its own count, so compare the log as it was then.
	 * What follows the statement is chained and countersigned but in no statement. */
	if (r->statement.events < 1 || r->statement.events > log->count ||
	    strcmp(r->statement.case_id, id) != 0)
		return nk_fail(err, NK_ECORRUPT, "record", "the record's statement of case %s does "
			       "not match its log", id);
	{
		struct nk_event_list prefix = { log->events, (size_t)r->statement.events };

		rc = statement_of(env, id, &prefix, &now, err);
	}
	/* A case settled before statements carried the settlement (v1) was recorded
	 * without it: compare what v1 held. */
	if (rc == NK_OK && !r->statement.has_settlement) {
		now.has_settlement = false;
		now.settlement = 0;
	}
	/* and one settled on a package before statements named it (v3), without it */
	if (rc == NK_OK && !r->statement.has_package)
		now.has_package = false;
	if (rc == NK_OK && !r->statement.has_settlement && !r->statement.has_package)
		memset(now.currency, 0, sizeof(now.currency));
	if (rc == NK_OK && (nk_statement_encode(&now, want, &want_len, err) != NK_OK ||
			    nk_statement_encode(&r->statement, got, &got_len, err) != NK_OK))
		rc = NK_ECORRUPT;
	if (rc == NK_OK && (want_len != got_len || memcmp(want, got, got_len) != 0))
		rc = nk_fail(err, NK_ECORRUPT, "record", "the record's statement of case %s does "
			     "not match its log", id);
	return rc;
}

enum nk_status nk_case_receipt(const struct nk_case_env *env, const char *id,
			       struct nk_receipt *out, struct nk_error *err)
{
	struct nk_receipt *r = calloc(1, sizeof(*r));
	struct nk_receipt_report report;
	struct nk_event_list log = { 0 };
	struct nk_merkle_log *own = NULL;
	uint8_t pk[NK_PUBLIC_KEY_BYTES];
	uint64_t size = 0;
	enum nk_status rc;

	if (!r)
		return nk_fail(err, NK_ENOMEM, "receipt", "out of memory");
	if ((rc = case_need_signer(env, err)) != NK_OK || (rc = nk_store_begin(env->store, err)) != NK_OK)
		goto out;
	rc = nk_store_load(env->store, id, &log, err);
	if (rc == NK_ENOTFOUND)
		nk_fail(err, NK_ENOTFOUND, "case", "no case %s in this database", id);
	if (rc == NK_OK) {
		struct nk_statement ended;

		/* refuses a case that has not ended, before looking for its entry */
		rc = statement_of(env, id, &log, &ended, err);
	}
	if (rc == NK_OK)
		rc = find_entry(env, id, &log, r, err);
	if (rc == NK_OK)
		rc = nk_store_record_size(env->store, &size, err);
	if (rc == NK_OK && env->record) {
		pthread_mutex_lock(&env->record->mu);
		rc = prove(env, env->record->tree, size, r, err);
		pthread_mutex_unlock(&env->record->mu);
	} else if (rc == NK_OK && (rc = nk_merkle_log_new(&own, err)) == NK_OK) {
		rc = prove(env, own, size, r, err);
	}
	if (rc == NK_OK)
		rc = nk_store_commit(env->store, err);
	else
		nk_store_rollback(env->store);
	if (rc != NK_OK)
		goto out;
	nk_server_key_public(env->signer, pk);
	if (nk_receipt_verify(r, pk, &report, NULL) != NK_OK) {
		rc = nk_fail(err, NK_ECORRUPT, "record", "the receipt of case %s does not verify: "
			     "the server's record is damaged", id);
		goto out;
	}
	*out = *r;
out:
	nk_merkle_log_free(own);
	nk_event_list_free(&log);
	free(r);
	return rc;
}
