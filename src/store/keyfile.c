/* The storage key's file: "NKSTKEY1", the 32-byte key, and a 16-byte BLAKE2b checksum
 * of both, 56 bytes in all. Made with O_CREAT|O_EXCL and mode 0600, then fsync'd; a
 * file of another size, magic or checksum is refused as damaged. */
#include "store/keyfile.h"
#include <nakodo/files.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEYFILE_MAGIC "NKSTKEY1"
#define KEYFILE_MAGIC_BYTES 8
#define KEYFILE_SUM_BYTES 16
#define KEYFILE_BYTES (KEYFILE_MAGIC_BYTES + STORE_KEY_BYTES + KEYFILE_SUM_BYTES)

static const char key_check_context[] = "nakodo/store/key-check/v1";

/* Checksum of the magic and the key, as stored at the file's end. */
static void keyfile_sum(const uint8_t file[static KEYFILE_BYTES],
			uint8_t sum[static KEYFILE_SUM_BYTES])
{
	crypto_generichash(sum, KEYFILE_SUM_BYTES, file, KEYFILE_MAGIC_BYTES + STORE_KEY_BYTES,
			   NULL, 0);
}

void store_key_check(const uint8_t key[static STORE_KEY_BYTES],
		     uint8_t check[static STORE_KEY_CHECK_BYTES])
{
	crypto_generichash(check, STORE_KEY_CHECK_BYTES, (const uint8_t *)key_check_context,
			   sizeof(key_check_context) - 1, key, STORE_KEY_BYTES);
}

enum nk_status store_keyfile_read(const char *path, uint8_t key[static STORE_KEY_BYTES],
				  struct nk_error *err)
{
	char what[PATH_MAX + 16];
	uint8_t *file = NULL;
	uint8_t sum[KEYFILE_SUM_BYTES];
	size_t got = 0;
	enum nk_status rc;

	snprintf(what, sizeof(what), "key file %s", path);
	rc = nk_file_read_bounded(path, KEYFILE_BYTES, &file, &got, what, "key", NULL, err);
	if (rc == NK_ENOTFOUND) {
		rc = nk_fail(err, NK_ECORRUPT, "key", "key file %s is missing; without it "
			     "the database's secrets cannot be opened", path);
		goto out;
	}
	if (rc == NK_ECORRUPT)
		goto damaged;
	if (rc != NK_OK)
		goto out;
	if (got == KEYFILE_BYTES)
		keyfile_sum(file, sum);
	if (got != KEYFILE_BYTES || memcmp(file, KEYFILE_MAGIC, KEYFILE_MAGIC_BYTES) != 0 ||
	    sodium_memcmp(sum, file + KEYFILE_MAGIC_BYTES + STORE_KEY_BYTES,
			  KEYFILE_SUM_BYTES) != 0)
		goto damaged;
	memcpy(key, file + KEYFILE_MAGIC_BYTES, STORE_KEY_BYTES);
	rc = NK_OK;
	goto out;
damaged:
	rc = nk_fail(err, NK_ECORRUPT, "key", "key file %s is damaged", path);
out:
	if (file) {
		sodium_memzero(file, got);
		free(file);
	}
	return rc;
}

enum nk_status store_keyfile_create(const char *path, uint8_t key[static STORE_KEY_BYTES],
				    bool *created, struct nk_error *err)
{
	char what[PATH_MAX + 16];
	uint8_t file[KEYFILE_BYTES];
	struct nk_file_fault fault = { 0 };
	struct nk_error made = { 0 };
	enum nk_status rc;

	snprintf(what, sizeof(what), "key file %s", path);
	memcpy(file, KEYFILE_MAGIC, KEYFILE_MAGIC_BYTES);
	randombytes_buf(file + KEYFILE_MAGIC_BYTES, STORE_KEY_BYTES);
	keyfile_sum(file, file + KEYFILE_MAGIC_BYTES + STORE_KEY_BYTES);
	/* into a local error: a file already there is no failure, and err stays as it was */
	rc = nk_file_create_exclusive(path, file, sizeof(file), what, "key", &fault, &made);
	if (rc != NK_OK && fault.step == NK_FILE_OPEN && fault.errnum == EEXIST) {
		rc = store_keyfile_read(path, key, err);
		if (rc == NK_OK)
			*created = false;
		goto out;
	}
	if (rc != NK_OK) {
		if (err)
			*err = made;
		goto out;
	}
	memcpy(key, file + KEYFILE_MAGIC_BYTES, STORE_KEY_BYTES);
	*created = true;
out:
	sodium_memzero(file, sizeof(file));
	return rc;
}

/* Takes every access of other users away from a key file in the folder, as from the key
 * file beside a database (an earlier nakodo, or a hand, left it readable): one that
 * cannot be made private, or is another user's, is refused, naming its mode. The folder
 * is left as it is: a hand may name any, and its files are what it guards. */
static enum nk_status tighten(const char *file, struct nk_error *err)
{
	struct stat st;

	if (lstat(file, &st) != 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 077))
		return NK_OK;
	errno = EPERM;	/* another user's (even for root): not ours to change */
	if (st.st_uid != geteuid() || chmod(file, st.st_mode & 0700) != 0)
		return nk_fail(err, NK_ESTORE, "keys", "key file %s may be read by other users "
			       "(mode %04o) and could not be made private: %s", file,
			       (unsigned)(st.st_mode & 07777), strerror(errno));
	return NK_OK;
}

enum nk_status store_keys_file(const char *name, bool make, char *out, size_t size, bool *set,
			       struct nk_error *err)
{
	const char *dir = getenv(STORE_KEYS_ENV);
	struct stat st;

	*set = dir && *dir;
	if (!*set)
		return NK_OK;
	if (make && mkdir(dir, 0700) == 0 && chmod(dir, 0700) != 0)
		return nk_fail(err, NK_ESTORE, "keys", "could not make key folder %s private: %s",
			       dir, strerror(errno));
	if (make && stat(dir, &st) != 0)
		return nk_fail(err, NK_ESTORE, "keys", "key folder %s cannot be made: %s", dir,
			       strerror(errno));
	if (make && !S_ISDIR(st.st_mode))
		return nk_fail(err, NK_EINVAL, "keys", "key folder %s is not a folder", dir);
	if ((size_t)snprintf(out, size, "%s/%s", dir, name) >= size)
		return nk_fail(err, NK_EINVAL, "keys", "the key folder's path is too long");
	return tighten(out, err);
}
