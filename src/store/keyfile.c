/* The storage key's file: "NKSTKEY1", the 32-byte key, and a 16-byte BLAKE2b checksum
 * of both, 56 bytes in all. Made with O_CREAT|O_EXCL and mode 0600, then fsync'd; a
 * file of another size, magic or checksum is refused as damaged. */
#include "store/keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
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

enum nk_status store_fsync_dir(const char *path, struct nk_error *err)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	enum nk_status rc = NK_OK;
	int fd = -1;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0)
		rc = nk_fail(err, NK_ESTORE, "store", "could not sync directory %s: %s", dir,
			     strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

enum nk_status store_keyfile_read(const char *path, uint8_t key[static STORE_KEY_BYTES],
				  struct nk_error *err)
{
	uint8_t file[KEYFILE_BYTES + 1];
	uint8_t sum[KEYFILE_SUM_BYTES];
	size_t got = 0;
	enum nk_status rc;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			rc = nk_fail(err, NK_ECORRUPT, "key", "key file %s is missing; without it "
				     "the database's secrets cannot be opened", path);
		else
			rc = nk_fail(err, NK_ESTORE, "key", "key file %s could not be opened: %s",
				     path, strerror(errno));
		goto out;
	}
	while (got < sizeof(file)) {
		ssize_t n = read(fd, file + got, sizeof(file) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = nk_fail(err, NK_ESTORE, "key", "key file %s could not be read: %s",
				     path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got == KEYFILE_BYTES)
		keyfile_sum(file, sum);
	if (got != KEYFILE_BYTES || memcmp(file, KEYFILE_MAGIC, KEYFILE_MAGIC_BYTES) != 0 ||
	    sodium_memcmp(sum, file + KEYFILE_MAGIC_BYTES + STORE_KEY_BYTES,
			  KEYFILE_SUM_BYTES) != 0) {
		rc = nk_fail(err, NK_ECORRUPT, "key", "key file %s is damaged", path);
		goto out;
	}
	memcpy(key, file + KEYFILE_MAGIC_BYTES, STORE_KEY_BYTES);
	rc = NK_OK;
out:
	sodium_memzero(file, sizeof(file));
	if (fd >= 0)
		close(fd);
	return rc;
}

static enum nk_status write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NK_ESTORE;
		buf += n;
		len -= (size_t)n;
	}
	return NK_OK;
}

enum nk_status store_keyfile_create(const char *path, uint8_t key[static STORE_KEY_BYTES],
				    bool *created, struct nk_error *err)
{
	uint8_t file[KEYFILE_BYTES];
	enum nk_status rc = NK_OK;
	bool made = false;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 && errno == EEXIST) {
		rc = store_keyfile_read(path, key, err);
		if (rc == NK_OK)
			*created = false;
		goto out;
	}
	if (fd < 0) {
		rc = nk_fail(err, NK_ESTORE, "key", "key file %s could not be created: %s", path,
			     strerror(errno));
		goto out;
	}
	made = true;
	memcpy(file, KEYFILE_MAGIC, KEYFILE_MAGIC_BYTES);
	randombytes_buf(file + KEYFILE_MAGIC_BYTES, STORE_KEY_BYTES);
	keyfile_sum(file, file + KEYFILE_MAGIC_BYTES + STORE_KEY_BYTES);
	if (write_all(fd, file, sizeof(file)) != NK_OK || fsync(fd) != 0) {
		rc = nk_fail(err, NK_ESTORE, "key", "key file %s could not be written: %s", path,
			     strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = nk_fail(err, NK_ESTORE, "key", "key file %s could not be written: %s", path,
			     strerror(errno));
		goto out;
	}
	fd = -1;
	rc = store_fsync_dir(path, err);
	if (rc != NK_OK)
		goto out;
	memcpy(key, file + KEYFILE_MAGIC_BYTES, STORE_KEY_BYTES);
	*created = true;
out:
	if (fd >= 0)
		close(fd);
	if (rc != NK_OK && made)
		unlink(path);
	sodium_memzero(file, sizeof(file));
	return rc;
}
