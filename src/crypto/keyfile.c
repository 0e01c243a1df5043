/* The party key file: a 128-byte header (magic, parameters, salt, nonce, public keys),
 * the two secret keys under XChaCha20-Poly1305 with the header as associated data and
 * a key from Argon2id, and a BLAKE2b checksum that tells damage from a wrong passphrase.
 * Layout in doc/formats.md ("Party key file"). */
#include "crypto/crypto_impl.h"
#include "crypto/party_key.h"
#include <nakodo/files.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define KF_MAGIC "NKPARTY1"
#define KF_VERSION 1
#define KF_KDF_ARGON2ID13 1
#define KF_AEAD_XCHACHA20POLY1305 1
#define KF_HEADER 128
#define KF_SECRETS 64
#define KF_CIPHER (KF_SECRETS + crypto_aead_xchacha20poly1305_ietf_ABYTES)
#define KF_SUM 16
#define KF_OPS_MAX 16u
#define KF_MEM_MAX ((uint64_t)crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE)

_Static_assert(KF_HEADER + KF_CIPHER + KF_SUM == NK_KEYFILE_BYTES, "key file size");
_Static_assert(crypto_pwhash_argon2id_SALTBYTES == 16, "salt size");

/* The header's fields, as read. */
struct kf_header {
	uint32_t ops;
	uint64_t mem;
	const uint8_t *salt, *nonce;
	struct nk_identity id;
};

static void kdf_params(enum nk_kdf_cost cost, uint32_t *ops, uint64_t *mem)
{
	switch (cost) {
	case NK_KDF_SENSITIVE:
		*ops = crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE;
		*mem = crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE;
		break;
	case NK_KDF_INTERACTIVE:
		*ops = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
		*mem = crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
		break;
	case NK_KDF_TEST_ONLY:
		*ops = crypto_pwhash_argon2id_OPSLIMIT_MIN;
		*mem = crypto_pwhash_argon2id_MEMLIMIT_MIN;
		break;
	case NK_KDF_MODERATE:
	default:
		*ops = crypto_pwhash_argon2id_OPSLIMIT_MODERATE;
		*mem = crypto_pwhash_argon2id_MEMLIMIT_MODERATE;
		break;
	}
}

static void checksum(const uint8_t file[static NK_KEYFILE_BYTES], uint8_t sum[static KF_SUM])
{
	crypto_generichash(sum, KF_SUM, file, NK_KEYFILE_BYTES - KF_SUM, NULL, 0);
}

/* Checks everything that needs no passphrase and reads the header. */
static enum nk_status kf_check(const uint8_t *file, size_t len, struct kf_header *h,
			       struct nk_error *err)
{
	struct reader r = { .buf = file, .len = len };
	uint8_t sum[KF_SUM];

	if (len < NK_KEYFILE_BYTES)
		return nk_fail(err, NK_ECORRUPT, "key", "the key file is truncated (%zu bytes, "
			       "a key file has %d)", len, NK_KEYFILE_BYTES);
	if (len > NK_KEYFILE_BYTES)
		return nk_fail(err, NK_ECORRUPT, "key", "the file is longer than a key file "
			       "(%zu bytes, a key file has %d)", len, NK_KEYFILE_BYTES);
	if (memcmp(file, KF_MAGIC, 8) != 0)
		return nk_fail(err, NK_ECORRUPT, "key", "not a nakodo party key file");
	checksum(file, sum);
	if (sodium_memcmp(sum, file + NK_KEYFILE_BYTES - KF_SUM, KF_SUM) != 0)
		return nk_fail(err, NK_ECORRUPT, "key", "the key file is damaged or was altered "
			       "(its checksum does not match)");
	(void)r_bytes(&r, 8);
	if (r_u8(&r) != KF_VERSION || r_u8(&r) != KF_KDF_ARGON2ID13 ||
	    r_u8(&r) != KF_AEAD_XCHACHA20POLY1305 || r_u8(&r) != 0)
		return nk_fail(err, NK_ECORRUPT, "key", "the key file's version or algorithms "
			       "are not ones this nakodo knows");
	h->ops = r_u32(&r);
	h->mem = r_u64(&r);
	if (h->ops < crypto_pwhash_argon2id_OPSLIMIT_MIN || h->ops > KF_OPS_MAX ||
	    h->mem < crypto_pwhash_argon2id_MEMLIMIT_MIN || h->mem > KF_MEM_MAX)
		return nk_fail(err, NK_ECORRUPT, "key", "the key file asks for an Argon2id cost "
			       "out of bounds (%u passes, %llu bytes)", (unsigned)h->ops,
			       (unsigned long long)h->mem);
	h->salt = r_bytes(&r, crypto_pwhash_argon2id_SALTBYTES);
	h->nonce = r_bytes(&r, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	memcpy(h->id.sign, r_bytes(&r, NK_PUBLIC_KEY_BYTES), NK_PUBLIC_KEY_BYTES);
	memcpy(h->id.seal, r_bytes(&r, NK_PUBLIC_KEY_BYTES), NK_PUBLIC_KEY_BYTES);
	return NK_OK;
}

/* The file key from the passphrase, into sodium_malloc'd memory. */
static enum nk_status derive(const struct nk_passphrase *pass, const uint8_t *salt,
			     uint32_t ops, uint64_t mem, uint8_t **key, struct nk_error *err)
{
	uint8_t *k = sodium_malloc(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

	if (!k)
		return nk_fail(err, NK_ENOMEM, "key", "no memory for the file key");
	if (crypto_pwhash(k, crypto_aead_xchacha20poly1305_ietf_KEYBYTES, pass->text, pass->len,
			  salt, ops, (size_t)mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		sodium_free(k);
		return nk_fail(err, NK_ENOMEM, "key", "Argon2id could not get the %llu bytes it "
			       "needs", (unsigned long long)mem);
	}
	*key = k;
	return NK_OK;
}

enum nk_status nk_keyfile_encode(const struct nk_party_key *key, const struct nk_passphrase *pass,
				 enum nk_kdf_cost cost, uint8_t out[static NK_KEYFILE_BYTES],
				 struct nk_error *err)
{
	uint8_t file[NK_KEYFILE_BYTES];
	struct writer w = { .buf = file, .cap = sizeof(file) };
	uint8_t salt[crypto_pwhash_argon2id_SALTBYTES];
	uint8_t nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
	uint8_t *secrets = NULL, *fkey = NULL;
	struct nk_identity id;
	enum nk_status rc;
	uint32_t ops;
	uint64_t mem;

	if (!pass || !pass->text || pass->len == 0) {
		rc = nk_fail(err, NK_EINVAL, "passphrase", "a key file needs a passphrase that is "
			     "not empty");
		goto out;
	}
	kdf_params(cost, &ops, &mem);
	randombytes_buf(salt, sizeof(salt));
	randombytes_buf(nonce, sizeof(nonce));
	nk_party_key_identity(key, &id);
	w_bytes(&w, KF_MAGIC, 8);
	w_u8(&w, KF_VERSION);
	w_u8(&w, KF_KDF_ARGON2ID13);
	w_u8(&w, KF_AEAD_XCHACHA20POLY1305);
	w_u8(&w, 0);
	w_u32(&w, ops);
	w_u64(&w, mem);
	w_bytes(&w, salt, sizeof(salt));
	w_bytes(&w, nonce, sizeof(nonce));
	w_bytes(&w, id.sign, sizeof(id.sign));
	w_bytes(&w, id.seal, sizeof(id.seal));
	if (w.overflow || w.len != KF_HEADER) {
		rc = nk_fail(err, NK_EINVAL, "key", "key file header is %zu bytes", w.len);
		goto out;
	}
	secrets = sodium_malloc(KF_SECRETS);
	if (!secrets) {
		rc = nk_fail(err, NK_ENOMEM, "key", "no memory for the secrets");
		goto out;
	}
	party_key_secrets(key, secrets, secrets + 32);
	rc = derive(pass, salt, ops, mem, &fkey, err);
	if (rc != NK_OK)
		goto out;
	crypto_aead_xchacha20poly1305_ietf_encrypt(file + KF_HEADER, NULL, secrets, KF_SECRETS,
						   file, KF_HEADER, NULL, nonce, fkey);
	checksum(file, file + NK_KEYFILE_BYTES - KF_SUM);
	memcpy(out, file, sizeof(file));
	rc = NK_OK;
out:
	if (secrets)
		sodium_free(secrets);
	if (fkey)
		sodium_free(fkey);
	return rc;
}

enum nk_status nk_keyfile_inspect(const uint8_t *file, size_t len, struct nk_identity *claimed,
				  struct nk_error *err)
{
	struct kf_header h;
	enum nk_status rc = kf_check(file, len, &h, err);

	if (rc == NK_OK)
		*claimed = h.id;
	return rc;
}

enum nk_status nk_keyfile_decode(const uint8_t *file, size_t len, const struct nk_passphrase *pass,
				 struct nk_party_key **out, struct nk_error *err)
{
	struct nk_party_key *key = NULL;
	uint8_t *secrets = NULL, *fkey = NULL;
	struct nk_identity got;
	struct kf_header h;
	enum nk_status rc;

	rc = kf_check(file, len, &h, err);
	if (rc != NK_OK)
		goto out;
	if (!pass || !pass->text) {
		rc = nk_fail(err, NK_EINVAL, "passphrase", "no passphrase given");
		goto out;
	}
	secrets = sodium_malloc(KF_SECRETS);
	if (!secrets) {
		rc = nk_fail(err, NK_ENOMEM, "key", "no memory for the secrets");
		goto out;
	}
	rc = derive(pass, h.salt, h.ops, h.mem, &fkey, err);
	if (rc != NK_OK)
		goto out;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(secrets, NULL, NULL, file + KF_HEADER,
						       KF_CIPHER, file, KF_HEADER, h.nonce,
						       fkey) != 0) {
		rc = nk_fail(err, NK_ECRYPTO, "passphrase", "wrong passphrase (or the key file "
			     "was altered by someone who also fixed its checksum)");
		goto out;
	}
	rc = party_key_from_secrets(secrets, secrets + 32, &key, err);
	if (rc != NK_OK)
		goto out;
	nk_party_key_identity(key, &got);
	if (sodium_memcmp(&got, &h.id, sizeof(got)) != 0) {
		rc = nk_fail(err, NK_ECORRUPT, "key", "the key file's public keys are not those "
			     "of its secret keys");
		goto out;
	}
	*out = key;
	key = NULL;
	rc = NK_OK;
out:
	nk_party_key_free(key);
	if (secrets)
		sodium_free(secrets);
	if (fkey)
		sodium_free(fkey);
	return rc;
}

enum nk_status nk_keyfile_write(const char *path, const struct nk_party_key *key,
				const struct nk_passphrase *pass, enum nk_kdf_cost cost,
				struct nk_error *err)
{
	uint8_t file[NK_KEYFILE_BYTES];
	enum nk_status rc = nk_keyfile_encode(key, pass, cost, file, err);

	if (rc == NK_OK)
		rc = write_key_file(path, file, sizeof(file), "out", err);
	return rc;
}

enum nk_status nk_keyfile_read(const char *path, const struct nk_passphrase *pass,
			       struct nk_party_key **out, struct nk_error *err)
{
	uint8_t *file = NULL;
	size_t len = 0;
	enum nk_status rc = nk_file_read_bounded(path, NK_KEYFILE_BYTES, &file, &len, path,
						 "key", NULL, err);

	if (rc == NK_ECORRUPT)
		rc = nk_fail(err, NK_ECORRUPT, "key", "%s is longer than a key file", path);
	if (rc == NK_OK)
		rc = nk_keyfile_decode(file, len, pass, out, err);
	free(file);
	return rc;
}
