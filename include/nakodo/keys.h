/* Party keys and server keys: an Ed25519 signing key and an X25519 sealing key per
 * party, kept in a passphrase-protected key file, and the server's Ed25519 key that
 * countersigns the record. Secret halves live only in sodium_malloc'd memory. */
#ifndef NAKODO_KEYS_H
#define NAKODO_KEYS_H

#include <nakodo/status.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NK_PUBLIC_KEY_BYTES 32	/* Ed25519 and X25519 public keys alike */
#define NK_SIGNATURE_BYTES 64	/* Ed25519 */
#define NK_HASH_BYTES 32	/* SHA-256 */
#define NK_KEY_ID_BYTES 8	/* names a server key in checkpoints and statements */
#define NK_KEY_HEX (2 * NK_PUBLIC_KEY_BYTES + 1)	/* lowercase hex and its NUL */
#define NK_KEY_ID_HEX (2 * NK_KEY_ID_BYTES + 1)
#define NK_SAFETY_NUMBER_MAX 36	/* "12345 67890 12345 67890 12345 67890" and NUL */
#define NK_PASSPHRASE_MAX 1024	/* bytes */
#define NK_KEYFILE_BYTES 224	/* a party key file, exactly (doc/formats.md) */
#define NK_SERVER_KEYFILE_BYTES 88

/* A party's public identity: what it registers on a case and what others seal to. */
struct nk_identity {
	uint8_t sign[NK_PUBLIC_KEY_BYTES];	/* Ed25519: verifies what the party signs */
	uint8_t seal[NK_PUBLIC_KEY_BYTES];	/* X25519: opens what is sealed to the party */
};

/* A party's key pair; opaque. Its memory is sodium_malloc'd (guarded, locked, wiped on
 * free) and read-only once made. */
struct nk_party_key;

/* How hard the passphrase is to guess: the Argon2id cost of a new key file. The
 * default is MODERATE (3 passes, 256 MiB). TEST_ONLY is libsodium's minimum and only
 * for test suites: it makes a passphrase cheap to guess. */
enum nk_kdf_cost {
	NK_KDF_MODERATE,
	NK_KDF_SENSITIVE,	/* 4 passes, 1 GiB */
	NK_KDF_INTERACTIVE,	/* 2 passes, 64 MiB */
	NK_KDF_TEST_ONLY,	/* 1 pass, 8 KiB */
};

/* A passphrase in sodium_malloc'd memory; text is NUL-terminated, len excludes it. */
struct nk_passphrase {
	char *text;
	size_t len;
};

/* ---- party keys ---- */

/* Makes a fresh key pair (both halves independent and random). */
NK_MUST_USE enum nk_status nk_party_key_generate(struct nk_party_key **out,
						 struct nk_error *err);
/* Wipes and frees; accepts NULL. */
void nk_party_key_free(struct nk_party_key *key);
void nk_party_key_identity(const struct nk_party_key *key, struct nk_identity *out);

/* Signs msg with the party's Ed25519 key (detached). For the crypto modules; other
 * callers sign through nk_message_seal, nk_join_sign and the like, which add the
 * domain separation a bare signature lacks. */
void nk_party_key_sign(const struct nk_party_key *key, const uint8_t *msg, size_t len,
		       uint8_t sig[static NK_SIGNATURE_BYTES]);

/* ---- key files (doc/formats.md, "Party key file") ---- */

/* Encrypts key under the passphrase into exactly NK_KEYFILE_BYTES. An empty passphrase
 * is NK_EINVAL. */
NK_MUST_USE enum nk_status nk_keyfile_encode(const struct nk_party_key *key,
					     const struct nk_passphrase *pass,
					     enum nk_kdf_cost cost,
					     uint8_t out[static NK_KEYFILE_BYTES],
					     struct nk_error *err);

/* Opens a key file's bytes. A file of the wrong size or magic, a damaged checksum or
 * parameters out of bounds is NK_ECORRUPT (and no key derivation is run); a passphrase
 * that does not open it is NK_ECRYPTO. */
NK_MUST_USE enum nk_status nk_keyfile_decode(const uint8_t *file, size_t len,
					     const struct nk_passphrase *pass,
					     struct nk_party_key **out, struct nk_error *err);

/* Checks a key file's structure, checksum and bounds without the passphrase, and
 * returns the public identity its header claims (authenticated only by decoding). */
NK_MUST_USE enum nk_status nk_keyfile_inspect(const uint8_t *file, size_t len,
					      struct nk_identity *claimed,
					      struct nk_error *err);

/* Writes a new key file at path: O_CREAT|O_EXCL, mode 0600, fsync'd. An existing file
 * is NK_EINVAL and stays as it was. */
NK_MUST_USE enum nk_status nk_keyfile_write(const char *path, const struct nk_party_key *key,
					    const struct nk_passphrase *pass,
					    enum nk_kdf_cost cost, struct nk_error *err);
/* Reads and opens the key file at path (see nk_keyfile_decode). */
NK_MUST_USE enum nk_status nk_keyfile_read(const char *path, const struct nk_passphrase *pass,
					   struct nk_party_key **out, struct nk_error *err);

/* ---- passphrases ---- */

/* Reads a passphrase: from the first line of the file named by NAKODO_PASSPHRASE_FILE
 * when it is set, otherwise from /dev/tty with echo off after printing prompt there
 * (and, when confirm, a second time, refusing a mismatch). Never from an argument.
 * The caller wipes it with nk_passphrase_wipe. */
NK_MUST_USE enum nk_status nk_passphrase_get(const char *prompt, bool confirm,
					     struct nk_passphrase *out, struct nk_error *err);
/* Copies len bytes of text into a new passphrase (tests, and callers with their own
 * source). */
NK_MUST_USE enum nk_status nk_passphrase_set(const char *text, size_t len,
					     struct nk_passphrase *out, struct nk_error *err);
/* Wipes and frees the text; accepts a zeroed struct. */
void nk_passphrase_wipe(struct nk_passphrase *pass);

/* ---- identities ---- */

/* The safety number of an identity: 30 digits in six groups of five, from
 * SHA-512("nakodo/safety-number/v1\0" || sign || seal). Each group is the big-endian
 * value of five hash bytes modulo 100000, so it holds ~99.7 bits. Two people who read
 * each other the numbers their own software shows for the same role know they hold
 * the same keys. */
void nk_safety_number(const struct nk_identity *id, char out[static NK_SAFETY_NUMBER_MAX]);

/* Lowercase hex of a public key, and its strict reverse (64 lowercase hex digits). */
void nk_key_to_hex(const uint8_t key[static NK_PUBLIC_KEY_BYTES], char out[static NK_KEY_HEX]);
NK_MUST_USE enum nk_status nk_key_from_hex(const char *hex, uint8_t key[static NK_PUBLIC_KEY_BYTES],
					   struct nk_error *err);

/* The identifier of a server's signing key: SHA-256("nakodo/key-id/v1\0" || key),
 * first NK_KEY_ID_BYTES bytes. */
void nk_key_id(const uint8_t key[static NK_PUBLIC_KEY_BYTES], uint8_t id[static NK_KEY_ID_BYTES]);

/* ---- the server's signing key ---- */

/* The server's Ed25519 key; opaque, sodium_malloc'd like a party key. */
struct nk_server_key;

NK_MUST_USE enum nk_status nk_server_key_generate(struct nk_server_key **out,
						  struct nk_error *err);
/* From a 32-byte seed (deterministic; tests and fuzz corpora). */
NK_MUST_USE enum nk_status nk_server_key_from_seed(const uint8_t seed[static 32],
						   struct nk_server_key **out,
						   struct nk_error *err);
void nk_server_key_free(struct nk_server_key *key);	/* wipes; accepts NULL */
void nk_server_key_public(const struct nk_server_key *key, uint8_t pk[static NK_PUBLIC_KEY_BYTES]);
void nk_server_key_id(const struct nk_server_key *key, uint8_t id[static NK_KEY_ID_BYTES]);
void nk_server_key_sign(const struct nk_server_key *key, const uint8_t *msg, size_t len,
			uint8_t sig[static NK_SIGNATURE_BYTES]);
/* A secret of the server's own (out_len 16 to 64 bytes), for the subkey-th use of
 * context (exactly 16 characters) and msg (may be empty): BLAKE2b keyed with the key's
 * seed, with subkey as its salt and context as its personalisation (libsodium's
 * crypto_kdf is the same with no msg), never the signing key itself; the same
 * arguments always give the same secret. The caller wipes it (sodium_memzero). */
void nk_server_key_derive(const struct nk_server_key *key, const char context[static 16],
			  uint64_t subkey, const uint8_t *msg, size_t len, uint8_t *out,
			  size_t out_len);

/* The server key's file (doc/formats.md, "Server key file"): unencrypted, like the
 * storage key, because the server starts unattended; mode 0600, O_EXCL, fsync'd.
 * nk_server_key_load_or_create reads it, or makes it when missing and sets *created. */
NK_MUST_USE enum nk_status nk_server_key_load_or_create(const char *path,
							struct nk_server_key **out,
							bool *created, struct nk_error *err);
NK_MUST_USE enum nk_status nk_server_key_read(const char *path, struct nk_server_key **out,
					      struct nk_error *err);

#endif
