/* Confidential values at rest: each is sealed with XSalsa20-Poly1305 (secretbox) under
 * a subkey derived from the storage key, its case id and its name, so that a sealed
 * blob opens only where it was put. Backends only ever see the sealed bytes. */
#include "store/group.h"
#include "store/store_impl.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

static const char seal_context[] = "nakodo/store/secret/v1";

/* The seals' nonces, drawn from a pool of random bytes per thread: one getrandom(2) for
 * NONCE_POOL seals instead of one each (a seal is a submission's only draw). A nonce need
 * not be secret, only never used twice with one key; each is taken once and wiped from
 * the pool. A process forked with a pool would hand its rest out a second time in the
 * child, so a fork bumps forks (pthread_atfork, in the child) and a pool drawn before the
 * fork is thrown away there; without that watch (pthread_atfork failed) every nonce is
 * drawn on its own, as before. */
#define NONCE_POOL 16
static atomic_uint forks;
static atomic_bool watching;
static pthread_once_t fork_watch = PTHREAD_ONCE_INIT;
static _Thread_local struct {
	uint8_t bytes[NONCE_POOL * crypto_secretbox_NONCEBYTES];
	size_t used;		/* bytes taken (and wiped) */
	bool drawn;
	unsigned forks;		/* the count of forks when it was drawn */
} nonces;

static void forked(void)
{
	atomic_fetch_add(&forks, 1);
}

static void watch_forks(void)
{
	atomic_store(&watching, pthread_atfork(NULL, NULL, forked) == 0);
}

static void next_nonce(uint8_t nonce[static crypto_secretbox_NONCEBYTES])
{
	unsigned now;

	if (pthread_once(&fork_watch, watch_forks) != 0 || !atomic_load(&watching)) {
		randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
		return;
	}
	now = atomic_load(&forks);
	if (!nonces.drawn || nonces.forks != now ||
	    nonces.used + crypto_secretbox_NONCEBYTES > sizeof(nonces.bytes)) {
		randombytes_buf(nonces.bytes, sizeof(nonces.bytes));
		nonces.used = 0;
		nonces.drawn = true;
		nonces.forks = now;
	}
	memcpy(nonce, nonces.bytes + nonces.used, crypto_secretbox_NONCEBYTES);
	sodium_memzero(nonces.bytes + nonces.used, crypto_secretbox_NONCEBYTES);
	nonces.used += crypto_secretbox_NONCEBYTES;
}

/* subkey = BLAKE2b-256, keyed with the storage key, of context NUL case NUL name NUL.
 * Neither a case id nor a name can hold a NUL, so the message is unambiguous. */
static enum nk_status derive_subkey(uint8_t subkey[static STORE_KEY_BYTES],
				    const uint8_t key[static STORE_KEY_BYTES],
				    const char *case_id, const char *name, struct nk_error *err)
{
	crypto_generichash_state st;
	int rc;

	rc = crypto_generichash_init(&st, key, STORE_KEY_BYTES, STORE_KEY_BYTES);
	if (rc == 0)
		rc = crypto_generichash_update(&st, (const uint8_t *)seal_context,
					       sizeof(seal_context));
	if (rc == 0)
		rc = crypto_generichash_update(&st, (const uint8_t *)case_id, strlen(case_id) + 1);
	if (rc == 0)
		rc = crypto_generichash_update(&st, (const uint8_t *)name, strlen(name) + 1);
	if (rc == 0)
		rc = crypto_generichash_final(&st, subkey, STORE_KEY_BYTES);
	sodium_memzero(&st, sizeof(st));
	if (rc != 0)
		return nk_fail(err, NK_ECRYPTO, "secret", "the sealing key could not be derived");
	return NK_OK;
}

_Static_assert(NK_SECRET_SEAL_OVERHEAD == STORE_SEAL_OVERHEAD, "the public overhead is the seal's");

/* Seals len bytes of plain for (case_id, name) into sealed[cap] (*sealed_len bytes);
 * on failure, whatever was written of sealed is wiped. */
static enum nk_status seal(const struct nk_store *store, const char *case_id, const char *name,
			   const uint8_t *plain, size_t len, uint8_t *sealed, size_t cap,
			   size_t *sealed_len, struct nk_error *err)
{
	uint8_t subkey[STORE_KEY_BYTES];
	uint8_t *nonce = sealed + 1;
	enum nk_status rc = store_check_names(case_id, name, err);

	if (rc == NK_OK && len > NK_SECRET_MAX)
		rc = nk_fail(err, NK_EINVAL, "secret", "the secret is longer than %d bytes",
			     NK_SECRET_MAX);
	if (rc == NK_OK && !plain && len > 0)
		rc = nk_fail(err, NK_EINVAL, "secret", "the secret is missing");
	if (rc == NK_OK && (!sealed || cap < STORE_SEAL_OVERHEAD + len))
		rc = nk_fail(err, NK_EINVAL, "secret", "no room for the sealed secret");
	if (rc != NK_OK)
		return rc;
	rc = derive_subkey(subkey, store->key, case_id, name, err);
	if (rc != NK_OK)
		return rc;
	sealed[0] = STORE_SEAL_VERSION;
	next_nonce(nonce);
	if (crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES,
				  len ? plain : (const uint8_t *)"", len, nonce, subkey) != 0) {
		sodium_memzero(sealed, STORE_SEAL_OVERHEAD + len);
		rc = nk_fail(err, NK_ECRYPTO, "secret", "the secret could not be sealed");
	}
	sodium_memzero(subkey, sizeof(subkey));
	*sealed_len = rc == NK_OK ? STORE_SEAL_OVERHEAD + len : 0;
	return rc;
}

enum nk_status nk_store_secret_seal(const struct nk_store *store, const char *case_id,
				    const char *name, const uint8_t *plain, size_t len,
				    uint8_t *sealed, size_t cap, size_t *sealed_len,
				    struct nk_error *err)
{
	if (!store || !sealed_len)
		return nk_fail(err, NK_EINVAL, "store", "no store is open");
	return seal(store, case_id, name, plain, len, sealed, cap, sealed_len, err);
}

enum nk_status nk_store_secret_put_sealed(struct nk_store *store, const char *case_id,
					  const char *name, const uint8_t *sealed,
					  size_t sealed_len, struct nk_error *err)
{
	enum nk_status rc = store_check_write(store, "storing a secret", case_id, err);

	if (rc == NK_OK)
		rc = store_check_secret_name(name, err);
	if (rc == NK_OK && (!sealed || sealed_len < STORE_SEAL_OVERHEAD ||
			    sealed_len > STORE_SEALED_MAX || sealed[0] != STORE_SEAL_VERSION))
		rc = nk_fail(err, NK_EINVAL, "secret", "not a sealed secret");
	if (rc == NK_OK)
		rc = store->ops->secret_put(store->backend, case_id, name, sealed, sealed_len, err);
	return rc;
}

enum nk_status nk_store_secret_put(struct nk_store *store, const char *case_id,
				   const char *name, const uint8_t *plain, size_t len,
				   struct nk_error *err)
{
	uint8_t sealed[STORE_SEALED_MAX];
	size_t written = 0;	/* of sealed: wiped as far as it was written */
	enum nk_status rc;

	rc = store_check_write(store, "storing a secret", case_id, err);
	if (rc == NK_OK)
		rc = seal(store, case_id, name, plain, len, sealed, sizeof(sealed), &written, err);
	if (rc == NK_OK)
		rc = store->ops->secret_put(store->backend, case_id, name, sealed, written, err);
	sodium_memzero(sealed, written);
	return rc;
}

enum nk_status nk_store_secret_get(struct nk_store *store, const char *case_id,
				   const char *name, uint8_t *plain, size_t cap, size_t *len,
				   struct nk_error *err)
{
	uint8_t subkey[STORE_KEY_BYTES];
	uint8_t sealed[STORE_SEALED_MAX];
	uint8_t opened[NK_SECRET_MAX];
	const uint8_t *nonce = sealed + 1;
	size_t sealed_len = 0, plain_len, written = 0;	/* of opened */
	enum nk_status rc;

	if (!store || !len || (!plain && cap > 0))
		rc = nk_fail(err, NK_EINVAL, "secret", "no store or no buffer to open into");
	else
		rc = store_check_names(case_id, name, err);
	if (rc != NK_OK)
		goto out;
	store_see_own(store);
	rc = store->ops->secret_get(store->backend, case_id, name, sealed, &sealed_len, err);
	if (rc != NK_OK)
		goto out;
	if (sealed_len < STORE_SEAL_OVERHEAD || sealed[0] != STORE_SEAL_VERSION) {
		rc = nk_fail(err, NK_ECRYPTO, "secret",
			     "secret %s of case %s is damaged or in an unknown format", name, case_id);
		goto out;
	}
	plain_len = sealed_len - STORE_SEAL_OVERHEAD;
	if (plain_len > cap) {
		rc = nk_fail(err, NK_EINVAL, "secret", "the buffer is too small for secret %s",
			     name);
		goto out;
	}
	rc = derive_subkey(subkey, store->key, case_id, name, err);
	if (rc != NK_OK)
		goto out;
	written = plain_len;	/* at most what an opening writes, whether it opens or not */
	if (crypto_secretbox_open_easy(opened, nonce + crypto_secretbox_NONCEBYTES,
				       sealed_len - 1 - crypto_secretbox_NONCEBYTES, nonce,
				       subkey) != 0) {
		rc = nk_fail(err, NK_ECRYPTO, "secret",
			     "secret %s of case %s does not open under the storage key "
			     "(damaged, or sealed for another case or name)", name, case_id);
		goto out;
	}
	if (plain_len > 0)
		memcpy(plain, opened, plain_len);
	*len = plain_len;
	rc = NK_OK;
out:
	sodium_memzero(opened, written);
	sodium_memzero(subkey, sizeof(subkey));
	return rc;
}

enum nk_status nk_store_secret_purge(struct nk_store *store, const char *case_id,
				     struct nk_error *err)
{
	enum nk_status rc;

	rc = store_check_write(store, "purging secrets", case_id, err);
	if (rc == NK_OK)
		rc = store->ops->secret_purge(store->backend, case_id, err);
	return rc;
}

static enum nk_status check_outside_tx(const struct nk_store *store, struct nk_error *err)
{
	if (!store)
		return nk_fail(err, NK_EINVAL, "store", "no store is open");
	if (store->in_tx)
		return nk_fail(err, NK_EINVAL, "transaction",
			       "scrubbing runs outside a transaction; commit first");
	return NK_OK;
}

/* The owed scrubs are read before the checkpoint and only those are forgotten after
 * it: a purge committed meanwhile may have missed the checkpoint and stays owed. A
 * grouped store checkpoints in the writers' turn, so that the group's writers wait on
 * the turn rather than in SQLite's busy handler; the owed rows are then forgotten in a
 * transaction of their own, and a second checkpoint, which may fail harmlessly (it
 * could only leave pages without secrets behind), empties the WAL of that too. */
enum nk_status nk_store_scrub(struct nk_store *store, struct nk_error *err)
{
	enum nk_status rc;
	int64_t mark = 0;

	if ((rc = check_outside_tx(store, err)) != NK_OK)
		return rc;
	store_see_own(store);
	if ((rc = store->ops->scrub_owed(store->backend, &mark, err)) != NK_OK)
		return rc;
	/* the shared writer's open batch holds the write lock that truncating the WAL needs */
	if (store->group) {
		store_group_take_turn(store->group);
		store_group_settle(store->group);
	}
	rc = store->ops->scrub(store->backend, err);
	if (store->group)
		store_group_give_turn(store->group);
	if (rc != NK_OK || mark == 0)
		return rc;
	if ((rc = nk_store_begin(store, err)) != NK_OK)
		return rc;
	rc = store->ops->scrub_done(store->backend, mark, err);
	if (rc == NK_OK)
		rc = nk_store_commit(store, err);
	if (rc != NK_OK) {
		nk_store_rollback(store);
		return rc;
	}
	store_see_own(store);
	if (store->group) {
		store_group_take_turn(store->group);
		store_group_settle(store->group);
	}
	(void)store->ops->scrub(store->backend, NULL);
	if (store->group)
		store_group_give_turn(store->group);
	return NK_OK;
}

enum nk_status nk_store_scrub_pending(struct nk_store *store, bool *pending,
				      struct nk_error *err)
{
	enum nk_status rc;
	int64_t mark = 0;

	if (!pending)
		return nk_fail(err, NK_EINVAL, "store", "nowhere to answer");
	if ((rc = check_outside_tx(store, err)) != NK_OK)
		return rc;
	store_see_own(store);
	if ((rc = store->ops->scrub_owed(store->backend, &mark, err)) != NK_OK)
		return rc;
	*pending = mark > 0;
	return NK_OK;
}
