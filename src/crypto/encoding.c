/* The byte writer and reader behind every canonical encoding in crypto/, strict hex,
 * SHA-256 in parts, and the small-file reading and O_EXCL writing the key files share. */
#include "crypto/crypto_impl.h"

#include <nakodo/store.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void w_bytes(struct writer *w, const void *p, size_t n)
{
	if (w->overflow || n > w->cap - w->len) {
		w->overflow = true;
		return;
	}
	if (n)
		memcpy(w->buf + w->len, p, n);
	w->len += n;
}

void w_u8(struct writer *w, uint8_t v)
{
	w_bytes(w, &v, 1);
}

void w_u32(struct writer *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	w_bytes(w, b, sizeof(b));
}

void w_u64(struct writer *w, uint64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (56 - 8 * i));
	w_bytes(w, b, sizeof(b));
}

void w_tag(struct writer *w, const char *tag)
{
	w_bytes(w, tag, strlen(tag) + 1);
}

void w_str8(struct writer *w, const char *s)
{
	size_t n = strlen(s);

	if (n > 255) {
		w->overflow = true;
		return;
	}
	w_u8(w, (uint8_t)n);
	w_bytes(w, s, n);
}

const uint8_t *r_bytes(struct reader *r, size_t n)
{
	const uint8_t *p;

	if (r->short_read || n > r->len - r->pos) {
		r->short_read = true;
		return NULL;
	}
	p = r->buf + r->pos;
	r->pos += n;
	return p;
}

uint8_t r_u8(struct reader *r)
{
	const uint8_t *p = r_bytes(r, 1);

	return p ? p[0] : 0;
}

uint32_t r_u32(struct reader *r)
{
	const uint8_t *p = r_bytes(r, 4);

	return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3] : 0;
}

uint64_t r_u64(struct reader *r)
{
	const uint8_t *p = r_bytes(r, 8);
	uint64_t v = 0;

	if (!p)
		return 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

void hex_encode(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/* The value of a lowercase hex digit, or -1; branch-free over the digit so that keys
 * decode in time independent of their bits. */
static int hex_value(unsigned char c)
{
	int digit = (int)c - '0';
	int letter = (int)c - 'a' + 10;
	int is_digit = ((unsigned)digit <= 9) ? -1 : 0;
	int is_letter = ((unsigned)((int)c - 'a') <= 5) ? -1 : 0;

	return (digit & is_digit) | (letter & is_letter) | ~(is_digit | is_letter);
}

bool hex_decode(const char *text, size_t n, uint8_t *out)
{
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (!text[2 * i] || !text[2 * i + 1])
			return false;
		hi = hex_value((unsigned char)text[2 * i]);
		lo = hex_value((unsigned char)text[2 * i + 1]);
		bad |= (hi | lo) < 0;
		out[i] = (uint8_t)((hi << 4 | lo) & 0xff);
	}
	return !bad;
}

void sha256_parts(uint8_t out[static NK_HASH_BYTES], const void *a, size_t alen,
		  const void *b, size_t blen, const void *c, size_t clen)
{
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	if (a)
		crypto_hash_sha256_update(&st, a, alen);
	if (b)
		crypto_hash_sha256_update(&st, b, blen);
	if (c)
		crypto_hash_sha256_update(&st, c, clen);
	crypto_hash_sha256_final(&st, out);
}

bool case_id_ok(const char *id)
{
	size_t n = 0;

	if (!id)
		return false;
	for (; id[n]; n++) {
		char ch = id[n];

		if (n + 1 >= NK_CASE_ID_MAX)
			return false;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
			return false;
	}
	return n > 0;
}

enum nk_status read_small_file(const char *path, size_t max, uint8_t **out, size_t *len,
			       const char *field, struct nk_error *err)
{
	enum nk_status rc;
	uint8_t *buf = NULL;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		rc = nk_fail(err, errno == ENOENT ? NK_ENOTFOUND : NK_ESTORE, field,
			     "%s could not be opened: %s", path, strerror(errno));
		goto out;
	}
	buf = malloc(max + 1);
	if (!buf) {
		rc = nk_fail(err, NK_ENOMEM, field, "out of memory");
		goto out;
	}
	while (got <= max) {
		ssize_t n = read(fd, buf + got, max + 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = nk_fail(err, NK_ESTORE, field, "%s could not be read: %s", path,
				     strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got > max) {
		rc = nk_fail(err, NK_ECORRUPT, field, "%s is longer than %zu bytes", path, max);
		goto out;
	}
	*out = buf;
	*len = got;
	buf = NULL;
	rc = NK_OK;
out:
	if (buf) {
		sodium_memzero(buf, max + 1);
		free(buf);
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

/* fsyncs the directory holding path, so that a new file there survives a crash. */
static enum nk_status sync_dir(const char *path, const char *field, struct nk_error *err)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	enum nk_status rc = NK_OK;
	int fd;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0)
		rc = nk_fail(err, NK_ESTORE, field, "could not sync directory %s: %s", dir,
			     strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

enum nk_status write_new_file(const char *path, const uint8_t *data, size_t len,
			      const char *field, struct nk_error *err)
{
	enum nk_status rc;
	size_t done = 0;
	bool made = false;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0) {
		if (errno == EEXIST)
			rc = nk_fail(err, NK_EINVAL, field, "%s exists already; nakodo never "
				     "overwrites a key file", path);
		else
			rc = nk_fail(err, NK_ESTORE, field, "%s could not be created: %s", path,
				     strerror(errno));
		goto out;
	}
	made = true;
	/* The mode asked for can be narrowed by the umask, never widened; make sure. */
	if (fchmod(fd, 0600) != 0) {
		rc = nk_fail(err, NK_ESTORE, field, "%s: %s", path, strerror(errno));
		goto out;
	}
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = nk_fail(err, NK_ESTORE, field, "%s could not be written: %s", path,
				     strerror(errno));
			goto out;
		}
		done += (size_t)n;
	}
	if (fsync(fd) != 0) {
		rc = nk_fail(err, NK_ESTORE, field, "%s could not be synced: %s", path,
			     strerror(errno));
		goto out;
	}
	rc = sync_dir(path, field, err);
out:
	if (fd >= 0)
		close(fd);
	if (rc != NK_OK && made)
		unlink(path);
	return rc;
}
