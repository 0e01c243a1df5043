/* The generic side of the record: the server's list of ended cases' statements and
 * its checkpoints, and each event's link. The store keeps them as bytes; what they
 * mean (and every signature) belongs to case/ and crypto/. Checks happen here. */
#include "store/store_impl.h"

#include <string.h>

/* Every read here may run outside a transaction, on the store's own connection. */
static enum nk_status check_store(struct nk_store *store, struct nk_error *err)
{
	if (!store)
		return nk_fail(err, NK_EINVAL, "store", "no store is open");
	store_see_own(store);
	return NK_OK;
}

enum nk_status nk_store_last_link(struct nk_store *store, const char *case_id, int64_t *seq,
				  bool *linked, uint8_t chain[static NK_CHAIN_BYTES],
				  struct nk_error *err)
{
	int64_t s = 0;
	bool l = false;
	uint8_t c[NK_CHAIN_BYTES] = { 0 };
	enum nk_status rc = check_store(store, err);

	if (rc == NK_OK)
		rc = store_check_case_id(case_id, err);
	if (rc == NK_OK)
		rc = store->ops->last_link(store->backend, case_id, &s, &l, c, err);
	if (rc == NK_OK) {
		*seq = s;
		*linked = l;
		memcpy(chain, c, NK_CHAIN_BYTES);
	}
	return rc;
}

enum nk_status nk_store_legacy_events(struct nk_store *store, const char *case_id,
				      int64_t *count, struct nk_error *err)
{
	int64_t n = 0;
	enum nk_status rc = check_store(store, err);

	if (rc == NK_OK)
		rc = store_check_case_id(case_id, err);
	if (rc == NK_OK)
		rc = store->ops->legacy_events(store->backend, case_id, &n, err);
	if (rc == NK_OK)
		*count = n;
	return rc;
}

enum nk_status nk_store_record_append(struct nk_store *store, const char *case_id,
				      const uint8_t *data, size_t len,
				      const uint8_t sig[static NK_RECORD_SIG_BYTES],
				      uint64_t *index, struct nk_error *err)
{
	uint64_t i = 0;
	enum nk_status rc = store_check_write(store, "appending to the record", case_id, err);

	if (rc == NK_OK && (!data || len == 0 || len > NK_RECORD_ENTRY_MAX))
		rc = nk_fail(err, NK_EINVAL, "record", "an entry is 1 to %d bytes",
			     NK_RECORD_ENTRY_MAX);
	if (rc == NK_OK)
		rc = store->ops->record_append(store->backend, case_id, data, len, sig, &i, err);
	if (rc == NK_OK && index)
		*index = i;
	return rc;
}

enum nk_status nk_store_record_find(struct nk_store *store, const char *case_id,
				    uint64_t *index, uint8_t data[static NK_RECORD_ENTRY_MAX],
				    size_t *len, uint8_t sig[static NK_RECORD_SIG_BYTES],
				    struct nk_error *err)
{
	enum nk_status rc = check_store(store, err);

	if (rc == NK_OK)
		rc = store_check_case_id(case_id, err);
	if (rc == NK_OK)
		rc = store->ops->record_find(store->backend, case_id, index, data, len, sig, err);
	return rc;
}

enum nk_status nk_store_record_size(struct nk_store *store, uint64_t *size,
				    struct nk_error *err)
{
	enum nk_status rc = check_store(store, err);

	return rc == NK_OK ? store->ops->record_size(store->backend, size, err) : rc;
}

enum nk_status nk_store_record_each(struct nk_store *store, uint64_t start,
				    bool (*fn)(uint64_t index, const uint8_t *data, size_t len,
					       void *arg),
				    void *arg, struct nk_error *err)
{
	enum nk_status rc = check_store(store, err);

	if (rc == NK_OK && !fn)
		rc = nk_fail(err, NK_EINVAL, "record", "no function to call");
	return rc == NK_OK ? store->ops->record_each(store->backend, start, fn, arg, err) : rc;
}

enum nk_status nk_store_checkpoint_put(struct nk_store *store, uint64_t size,
				       const uint8_t *data, size_t len, struct nk_error *err)
{
	uint64_t entries = 0;
	enum nk_status rc = store_check_in_tx(store, "keeping a checkpoint", err);

	if (rc == NK_OK && (!data || len == 0 || len > NK_CHECKPOINT_DATA_MAX))
		rc = nk_fail(err, NK_EINVAL, "checkpoint", "a checkpoint is 1 to %d bytes",
			     NK_CHECKPOINT_DATA_MAX);
	if (rc == NK_OK)
		rc = store->ops->record_size(store->backend, &entries, err);
	if (rc == NK_OK && (size == 0 || size > entries))
		rc = nk_fail(err, NK_EINVAL, "checkpoint", "a checkpoint covers 1 to %llu entries",
			     (unsigned long long)entries);
	if (rc == NK_OK)
		rc = store->ops->checkpoint_put(store->backend, size, data, len, err);
	return rc;
}

enum nk_status nk_store_checkpoint_get(struct nk_store *store, uint64_t size,
				       uint8_t data[static NK_CHECKPOINT_DATA_MAX], size_t *len,
				       struct nk_error *err)
{
	enum nk_status rc = check_store(store, err);

	return rc == NK_OK ? store->ops->checkpoint_get(store->backend, size, data, len, err) : rc;
}

enum nk_status nk_store_batch_leaf(struct nk_store *store, const uint8_t leaf[static NK_CHAIN_BYTES],
				   nk_store_batch_signer *sign, void *arg, uint64_t *number,
				   uint32_t *index, struct nk_error *err)
{
	uint64_t n = 0;
	uint32_t i = 0;
	enum nk_status rc = store_check_in_tx(store, "putting a link in a batch", err);

	if (rc != NK_OK)
		return rc;
	if (store->read_tx || !sign)
		return nk_fail(err, NK_EINVAL, "store", "a batch takes links in a write transaction, "
			       "with a signer");
	if (!store->ops->batch_leaf)
		return NK_ENOTFOUND;
	rc = store->ops->batch_leaf(store->backend, leaf, sign, arg, &n, &i, err);
	if (rc == NK_OK) {
		*number = n;
		*index = i;
	}
	return rc;
}

enum nk_status nk_store_batch_get(struct nk_store *store, uint64_t number,
				  uint8_t (**leaves)[NK_CHAIN_BYTES], size_t *count,
				  uint8_t sig[static NK_COUNTERSIG_BYTES], bool *open,
				  struct nk_error *err)
{
	enum nk_status rc = check_store(store, err);

	if (rc != NK_OK)
		return rc;
	if (!store->ops->batch_get)
		return nk_fail(err, NK_ENOTFOUND, "batch", "this store keeps no batches");
	return store->ops->batch_get(store->backend, number, leaves, count, sig, open, err);
}

bool nk_store_batching(const struct nk_store *store)
{
	return store && store->in_tx && !store->read_tx && store->own && store->ops->batch_leaf;
}
