/* Envelopes at rest: the checks every backend relies on (case id, name, size, inside a
 * transaction) before the bytes reach it. Envelopes are ciphertext sealed to a party, so
 * unlike secrets they are stored as they came. */
#include "store/store_impl.h"

#include <nakodo/seal.h>

enum nk_status nk_store_envelope_put(struct nk_store *store, const char *case_id,
				     const char *name, const uint8_t *env, size_t len,
				     struct nk_error *err)
{
	enum nk_status rc;

	rc = store_check_write(store, "storing an envelope", case_id, err);
	if (rc == NK_OK)
		rc = store_check_secret_name(name, err);
	if (rc == NK_OK && (!env || len == 0 || len > NK_ENVELOPE_MAX))
		rc = nk_fail(err, NK_EINVAL, "envelope", "an envelope is 1 to %d bytes", NK_ENVELOPE_MAX);
	if (rc == NK_OK)
		rc = store->ops->envelope_put(store->backend, case_id, name, env, len, err);
	return rc;
}

enum nk_status nk_store_envelope_get(struct nk_store *store, const char *case_id,
				     const char *name, uint8_t **out, size_t *len,
				     struct nk_error *err)
{
	enum nk_status rc;

	if (!store || !out || !len)
		return nk_fail(err, NK_EINVAL, "store", "no store or nowhere to put the envelope");
	rc = store_check_names(case_id, name, err);
	store_see_own(store);
	if (rc == NK_OK)
		rc = store->ops->envelope_get(store->backend, case_id, name, out, len, err);
	return rc;
}

enum nk_status nk_store_envelope_delete(struct nk_store *store, const char *case_id,
					const char *name, struct nk_error *err)
{
	enum nk_status rc;

	rc = store_check_write(store, "deleting an envelope", case_id, err);
	if (rc == NK_OK)
		rc = store_check_secret_name(name, err);
	if (rc == NK_OK)
		rc = store->ops->envelope_delete(store->backend, case_id, name, err);
	return rc;
}
