/* Party key pairs in guarded memory, public identities, safety numbers and key ids.
 * The two halves of a party key are independent: the sealing key is not derived from
 * the signing key, so neither use weakens the other. */
#include "crypto/crypto_impl.h"
#include "crypto/party_key.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

struct nk_party_key {
	uint8_t sign_secret[crypto_sign_SECRETKEYBYTES];	/* seed || public, as libsodium keeps it */
	uint8_t seal_secret[crypto_box_SECRETKEYBYTES];
	struct nk_identity id;
};

enum nk_status party_key_from_secrets(const uint8_t seed[static 32],
				      const uint8_t seal_secret[static 32],
				      struct nk_party_key **out, struct nk_error *err)
{
	struct nk_party_key *key = sodium_malloc(sizeof(*key));

	if (!key)
		return nk_fail(err, NK_ENOMEM, "key", "no memory for a key");
	if (crypto_sign_seed_keypair(key->id.sign, key->sign_secret, seed) != 0 ||
	    crypto_scalarmult_base(key->id.seal, seal_secret) != 0) {
		sodium_free(key);
		return nk_fail(err, NK_ECRYPTO, "key", "the key's secrets do not make a key pair");
	}
	memcpy(key->seal_secret, seal_secret, sizeof(key->seal_secret));
	sodium_mprotect_readonly(key);
	*out = key;
	return NK_OK;
}

void party_key_secrets(const struct nk_party_key *key, uint8_t seed[static 32],
		       uint8_t seal_secret[static 32])
{
	crypto_sign_ed25519_sk_to_seed(seed, key->sign_secret);
	memcpy(seal_secret, key->seal_secret, 32);
}

const uint8_t *party_key_seal_secret(const struct nk_party_key *key)
{
	return key->seal_secret;
}

enum nk_status nk_party_key_generate(struct nk_party_key **out, struct nk_error *err)
{
	uint8_t *secrets = sodium_malloc(64);
	enum nk_status rc;

	if (!secrets)
		return nk_fail(err, NK_ENOMEM, "key", "no memory for a key");
	randombytes_buf(secrets, 64);
	rc = party_key_from_secrets(secrets, secrets + 32, out, err);
	sodium_free(secrets);
	return rc;
}

void nk_party_key_free(struct nk_party_key *key)
{
	if (key)
		sodium_free(key);
}

void nk_party_key_identity(const struct nk_party_key *key, struct nk_identity *out)
{
	*out = key->id;
}

void nk_party_key_sign(const struct nk_party_key *key, const uint8_t *msg, size_t len,
		       uint8_t sig[static NK_SIGNATURE_BYTES])
{
	crypto_sign_detached(sig, NULL, msg, len, key->sign_secret);
}

void nk_safety_number(const struct nk_identity *id, char out[static NK_SAFETY_NUMBER_MAX])
{
	uint8_t h[crypto_hash_sha512_BYTES];
	crypto_hash_sha512_state st;
	size_t at = 0;

	crypto_hash_sha512_init(&st);
	crypto_hash_sha512_update(&st, (const uint8_t *)TAG_SAFETY, sizeof(TAG_SAFETY));
	crypto_hash_sha512_update(&st, id->sign, sizeof(id->sign));
	crypto_hash_sha512_update(&st, id->seal, sizeof(id->seal));
	crypto_hash_sha512_final(&st, h);
	for (int g = 0; g < 6; g++) {
		uint64_t v = 0;

		for (int i = 0; i < 5; i++)
			v = v << 8 | h[5 * g + i];
		at += (size_t)snprintf(out + at, NK_SAFETY_NUMBER_MAX - at, "%s%05u",
				       g ? " " : "", (unsigned)(v % 100000));
	}
}

void nk_key_to_hex(const uint8_t key[static NK_PUBLIC_KEY_BYTES], char out[static NK_KEY_HEX])
{
	nk_hex_encode(key, NK_PUBLIC_KEY_BYTES, out);
}

enum nk_status nk_key_from_hex(const char *hex, uint8_t key[static NK_PUBLIC_KEY_BYTES],
			       struct nk_error *err)
{
	uint8_t tmp[NK_PUBLIC_KEY_BYTES];

	if (!hex || strlen(hex) != 2 * NK_PUBLIC_KEY_BYTES ||
	    !nk_hex_decode(hex, NK_PUBLIC_KEY_BYTES, tmp))
		return nk_fail(err, NK_EINVAL, "key", "a public key is 64 lowercase hex digits");
	memcpy(key, tmp, sizeof(tmp));
	return NK_OK;
}

void nk_key_id(const uint8_t key[static NK_PUBLIC_KEY_BYTES], uint8_t id[static NK_KEY_ID_BYTES])
{
	uint8_t h[NK_HASH_BYTES];

	sha256_parts(h, TAG_KEY_ID, sizeof(TAG_KEY_ID), key, NK_PUBLIC_KEY_BYTES, NULL, 0);
	memcpy(id, h, NK_KEY_ID_BYTES);
}
