/* Access tokens at rest: only BLAKE2b-256 of a token, keyed with a key derived from the
 * storage key, ever reaches a backend, and a lookup compares the stored hash with the
 * computed one in constant time. Checks of case ids and role names happen here. The
 * hashing key is derived once, at open, into the storage key's guarded block (never
 * swapped, read-only, wiped when the store closes). */
#include "store/store_impl.h"

#include <string.h>

static const char token_key_context[] = "nakodo/store/token-key/v1";

enum nk_status store_token_key_derive(struct nk_store *store, struct nk_error *err)
{
	if (crypto_generichash(store->key + STORE_KEY_BYTES, STORE_TOKEN_KEY_BYTES,
			       (const uint8_t *)token_key_context, sizeof(token_key_context) - 1,
			       store->key, STORE_KEY_BYTES) != 0)
		return nk_fail(err, NK_ECRYPTO, "token", "the token key could not be derived");
	return NK_OK;
}

/* Keyed with the key derived once at open (it was derived anew for every lookup: half
 * of the hashing of every authenticated request). */
static enum nk_status token_hash(const struct nk_store *store,
				 const uint8_t token[static NK_TOKEN_BYTES],
				 uint8_t hash[static STORE_TOKEN_HASH], struct nk_error *err)
{
	if (crypto_generichash(hash, STORE_TOKEN_HASH, token, NK_TOKEN_BYTES,
			       store->key + STORE_KEY_BYTES, STORE_TOKEN_KEY_BYTES) != 0)
		return nk_fail(err, NK_ECRYPTO, "token", "the token could not be hashed");
	return NK_OK;
}

/* case_id is "" (server-wide) or a case id; role is a short name. */
static enum nk_status check_owner(const char *case_id, const char *role, struct nk_error *err)
{
	size_t len = role ? strnlen(role, NK_TOKEN_ROLE_MAX) : 0;

	if (!case_id)
		return nk_fail(err, NK_EINVAL, "case", "the case id is missing");
	if (*case_id && store_check_case_id(case_id, err) != NK_OK)
		return NK_EINVAL;
	if (len == 0 || len >= NK_TOKEN_ROLE_MAX)
		return nk_fail(err, NK_EINVAL, "role", "the role name is empty or too long");
	for (size_t i = 0; i < len; i++)
		if (!((role[i] >= 'a' && role[i] <= 'z') || (role[i] >= '0' && role[i] <= '9') ||
		      role[i] == '-' || role[i] == '_' || role[i] == '.' || role[i] == ':'))
			return nk_fail(err, NK_EINVAL, "role", "the role name may hold only "
				       "lowercase letters, digits and '-', '_', '.', ':'");
	return NK_OK;
}

enum nk_status nk_store_token_put(struct nk_store *store, const uint8_t token[static NK_TOKEN_BYTES],
				  const char *case_id, const char *role, struct nk_error *err)
{
	uint8_t hash[STORE_TOKEN_HASH];
	enum nk_status rc;

	rc = store_check_in_tx(store, "storing a token", err);
	if (rc == NK_OK)
		rc = check_owner(case_id, role, err);
	if (rc == NK_OK)
		rc = token_hash(store, token, hash, err);
	if (rc == NK_OK)
		rc = store->ops->token_put(store->backend, hash, case_id, role, err);
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

enum nk_status nk_store_token_find(struct nk_store *store, const uint8_t token[static NK_TOKEN_BYTES],
				   char case_id[static NK_CASE_ID_MAX],
				   char role[static NK_TOKEN_ROLE_MAX], struct nk_error *err)
{
	uint8_t hash[STORE_TOKEN_HASH], stored[STORE_TOKEN_HASH];
	char c[NK_CASE_ID_MAX], r[NK_TOKEN_ROLE_MAX];
	enum nk_status rc;

	if (!store || !token)
		return nk_fail(err, NK_EINVAL, "token", "no store or no token");
	rc = token_hash(store, token, hash, err);
	store_see_own(store);
	if (rc == NK_OK)
		rc = store->ops->token_find(store->backend, hash, stored, c, r, err);
	if (rc == NK_OK && sodium_memcmp(stored, hash, STORE_TOKEN_HASH) != 0)
		rc = nk_fail(err, NK_ENOTFOUND, "token", "no such token");
	if (rc == NK_OK) {
		memcpy(case_id, c, sizeof(c));
		memcpy(role, r, sizeof(r));
	}
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

enum nk_status nk_store_token_revoke(struct nk_store *store, const char *case_id,
				     const char *role, size_t *count, struct nk_error *err)
{
	size_t n = 0;
	enum nk_status rc;

	rc = store_check_in_tx(store, "revoking tokens", err);
	if (rc == NK_OK)
		rc = check_owner(case_id, role, err);
	if (rc == NK_OK)
		rc = store->ops->token_revoke(store->backend, case_id, role, &n, err);
	if (rc == NK_OK && count)
		*count = n;
	return rc;
}

enum nk_status nk_store_token_count(struct nk_store *store, const char *case_id,
				    const char *role, size_t *count, struct nk_error *err)
{
	size_t n = 0;
	enum nk_status rc;

	if (!store || !count)
		return nk_fail(err, NK_EINVAL, "token", "no store or nowhere to count");
	rc = check_owner(case_id, role, err);
	store_see_own(store);
	if (rc == NK_OK)
		rc = store->ops->token_count(store->backend, case_id, role, &n, err);
	if (rc == NK_OK)
		*count = n;
	return rc;
}
