/* The server's Ed25519 signing key: it countersigns every event, signs checkpoints and
 * closing statements. Its file is "NKSERVK1", the 32-byte seed, the public key and a
 * 16-byte BLAKE2b checksum of those (88 bytes), mode 0600, never overwritten. */
#include "crypto/crypto_impl.h"
#include <nakodo/files.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define SK_MAGIC "NKSERVK1"
#define SK_SUM 16

_Static_assert(8 + 32 + 32 + SK_SUM == NK_SERVER_KEYFILE_BYTES, "server key file size");

struct nk_server_key {
	uint8_t secret[crypto_sign_SECRETKEYBYTES];
	uint8_t pk[NK_PUBLIC_KEY_BYTES];
	uint8_t id[NK_KEY_ID_BYTES];
};

enum nk_status nk_server_key_from_seed(const uint8_t seed[static 32], struct nk_server_key **out,
				       struct nk_error *err)
{
	struct nk_server_key *key = sodium_malloc(sizeof(*key));

	if (!key)
		return nk_fail(err, NK_ENOMEM, "server-key", "no memory for the server key");
	crypto_sign_seed_keypair(key->pk, key->secret, seed);
	nk_key_id(key->pk, key->id);
	sodium_mprotect_readonly(key);
	*out = key;
	return NK_OK;
}

enum nk_status nk_server_key_generate(struct nk_server_key **out, struct nk_error *err)
{
	uint8_t *seed = sodium_malloc(32);
	enum nk_status rc;

	if (!seed)
		return nk_fail(err, NK_ENOMEM, "server-key", "no memory for the server key");
	randombytes_buf(seed, 32);
	rc = nk_server_key_from_seed(seed, out, err);
	sodium_free(seed);
	return rc;
}

void nk_server_key_free(struct nk_server_key *key)
{
	if (key)
		sodium_free(key);
}

void nk_server_key_public(const struct nk_server_key *key, uint8_t pk[static NK_PUBLIC_KEY_BYTES])
{
	memcpy(pk, key->pk, NK_PUBLIC_KEY_BYTES);
}

void nk_server_key_derive(const struct nk_server_key *key, const char context[static 16],
			  uint64_t subkey, const uint8_t *msg, size_t len, uint8_t *out,
			  size_t out_len)
{
	uint8_t salt[crypto_generichash_blake2b_SALTBYTES] = { 0 };

	for (int i = 0; i < 8; i++)
		salt[i] = (uint8_t)(subkey >> (8 * i));
	/* the secret key is the seed followed by the public key */
	(void)crypto_generichash_blake2b_salt_personal(out, out_len, msg, len, key->secret, 32,
						       salt, (const uint8_t *)context);
}

void nk_server_key_id(const struct nk_server_key *key, uint8_t id[static NK_KEY_ID_BYTES])
{
	memcpy(id, key->id, NK_KEY_ID_BYTES);
}

void nk_server_key_sign(const struct nk_server_key *key, const uint8_t *msg, size_t len,
			uint8_t sig[static NK_SIGNATURE_BYTES])
{
	crypto_sign_detached(sig, NULL, msg, len, key->secret);
}

static void file_sum(const uint8_t *file, uint8_t sum[static SK_SUM])
{
	crypto_generichash(sum, SK_SUM, file, NK_SERVER_KEYFILE_BYTES - SK_SUM, NULL, 0);
}

static enum nk_status decode(const uint8_t *file, size_t len, struct nk_server_key **out,
			     struct nk_error *err)
{
	struct nk_server_key *key = NULL;
	uint8_t sum[SK_SUM];
	enum nk_status rc;

	if (len != NK_SERVER_KEYFILE_BYTES || memcmp(file, SK_MAGIC, 8) != 0)
		return nk_fail(err, NK_ECORRUPT, "server-key", "not a nakodo server key file "
			       "(%zu bytes)", len);
	file_sum(file, sum);
	if (sodium_memcmp(sum, file + NK_SERVER_KEYFILE_BYTES - SK_SUM, SK_SUM) != 0)
		return nk_fail(err, NK_ECORRUPT, "server-key", "the server key file is damaged "
			       "(its checksum does not match)");
	rc = nk_server_key_from_seed(file + 8, &key, err);
	if (rc != NK_OK)
		return rc;
	if (sodium_memcmp(key->pk, file + 40, NK_PUBLIC_KEY_BYTES) != 0) {
		nk_server_key_free(key);
		return nk_fail(err, NK_ECORRUPT, "server-key", "the server key file's public key "
			       "is not that of its seed");
	}
	*out = key;
	return NK_OK;
}

enum nk_status nk_server_key_read(const char *path, struct nk_server_key **out,
				  struct nk_error *err)
{
	uint8_t *file = NULL;
	size_t len = 0;
	enum nk_status rc = nk_file_read_bounded(path, NK_SERVER_KEYFILE_BYTES, &file,
						 &len, path, "server-key", NULL, err);

	if (rc == NK_OK)
		rc = decode(file, len, out, err);
	if (file) {
		sodium_memzero(file, len);
		free(file);
	}
	return rc;
}

enum nk_status nk_server_key_load_or_create(const char *path, struct nk_server_key **out,
					    bool *created, struct nk_error *err)
{
	uint8_t *file = NULL;
	uint8_t seed[32];
	struct nk_server_key *key = NULL;
	enum nk_status rc = nk_server_key_read(path, out, err);

	if (rc != NK_ENOTFOUND) {
		if (rc == NK_OK)
			*created = false;
		return rc;
	}
	file = sodium_malloc(NK_SERVER_KEYFILE_BYTES);
	if (!file)
		return nk_fail(err, NK_ENOMEM, "server-key", "no memory for the server key");
	randombytes_buf(seed, sizeof(seed));
	rc = nk_server_key_from_seed(seed, &key, err);
	if (rc != NK_OK)
		goto out;
	memcpy(file, SK_MAGIC, 8);
	memcpy(file + 8, seed, 32);
	memcpy(file + 40, key->pk, 32);
	file_sum(file, file + NK_SERVER_KEYFILE_BYTES - SK_SUM);
	rc = write_key_file(path, file, NK_SERVER_KEYFILE_BYTES, "server-key", err);
	if (rc != NK_OK)
		goto out;
	*out = key;
	*created = true;
	key = NULL;
out:
	sodium_memzero(seed, sizeof(seed));
	sodium_free(file);
	nk_server_key_free(key);
	return rc;
}
