/* The storage key's file beside a database (PATH.key): made once, with mode 0600,
 * together with a new database, and read on every later open. See doc/storage.md. */
#ifndef NAKODO_STORE_KEYFILE_H
#define NAKODO_STORE_KEYFILE_H

#include "store/store_impl.h"

#define STORE_KEY_CHECK_BYTES 32

/* The key folder (--keys DIR, which the command hands on as $NAKODO_KEYS) and the names
 * of the keys in it. */
#define STORE_KEYS_ENV "NAKODO_KEYS"
#define STORE_KEY_FILE "storage.key"
#define STORE_SERVER_KEY_FILE "server.key"

/* When $NAKODO_KEYS names a key folder: sets *set and puts the path of name inside it
 * into out[size]; with make, makes the folder (mode 0700) when it is missing. When it
 * names none: *set false and out untouched. NK_EINVAL for a path too long or a folder
 * that is not one. */
NK_MUST_USE enum nk_status store_keys_file(const char *name, bool make, char *out, size_t size,
					   bool *set, struct nk_error *err);

/* Reads the key file at path into key. A missing, short, long or damaged file is
 * NK_ECORRUPT naming the path; key is untouched on failure. */
NK_MUST_USE enum nk_status store_keyfile_read(const char *path, uint8_t key[static STORE_KEY_BYTES],
					      struct nk_error *err);

/* Makes a new key file at path (O_EXCL, 0600, fsync'd with its directory) holding a
 * fresh random key, and sets *created. A key file already there (left by a creation
 * that stopped before its database was made) is read instead and *created is false. */
NK_MUST_USE enum nk_status store_keyfile_create(const char *path,
						uint8_t key[static STORE_KEY_BYTES], bool *created,
						struct nk_error *err);

/* A value that proves which key a database was made with, without saying anything of
 * the key: keyed BLAKE2b-256 of a fixed context. */
void store_key_check(const uint8_t key[static STORE_KEY_BYTES],
		     uint8_t check[static STORE_KEY_CHECK_BYTES]);

#endif
