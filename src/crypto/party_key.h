/* Internal to crypto/: what keys.c lets the key file (keyfile.c) and sealed messages
 * (seal.c) reach inside a party key, which nakodo/keys.h keeps opaque. */
#ifndef NAKODO_CRYPTO_PARTY_KEY_H
#define NAKODO_CRYPTO_PARTY_KEY_H

#include <nakodo/keys.h>

#include <stdint.h>

/* Party keys from their two secrets (an Ed25519 seed and an X25519 secret key), and
 * back: for the key file. The secrets are the caller's to wipe. */
NK_MUST_USE enum nk_status party_key_from_secrets(const uint8_t seed[static 32],
						  const uint8_t seal_secret[static 32],
						  struct nk_party_key **out, struct nk_error *err);
void party_key_secrets(const struct nk_party_key *key, uint8_t seed[static 32],
		       uint8_t seal_secret[static 32]);
/* The X25519 secret key, borrowed: for opening sealed boxes. */
const uint8_t *party_key_seal_secret(const struct nk_party_key *key);

#endif
