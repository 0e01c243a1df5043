/* The byte writer and reader behind every canonical encoding in crypto/, SHA-256 in
 * parts, and the key files' exclusive creation. */
#include "crypto/crypto_impl.h"
#include <nakodo/files.h>

#include <errno.h>
#include <nettle/sha2.h>
#include <sodium.h>
#include <string.h>

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

/* Nettle's SHA-256, not libsodium's: the same function, but nettle (GnuTLS's, already on
 * every machine that has libmicrohttpd) picks the CPU's SHA instructions at run time where
 * it has them, some four times faster on a short message, and every link's chain hash,
 * batch leaf and Merkle node is one, made in the server's serial write turn
 * (bench/README.md, "The committer's work per batch"). The state may hold a salted
 * leaf's secret salt (batch.c): wiped after. */
void sha256_parts(uint8_t out[static NK_HASH_BYTES], const void *a, size_t alen,
		  const void *b, size_t blen, const void *c, size_t clen)
{
	struct sha256_ctx st;

	sha256_init(&st);
	if (a)
		sha256_update(&st, alen, a);
	if (b)
		sha256_update(&st, blen, b);
	if (c)
		sha256_update(&st, clen, c);
	sha256_digest(&st, NK_HASH_BYTES, out);
	sodium_memzero(&st, sizeof(st));
}

enum nk_status write_key_file(const char *path, const uint8_t *data, size_t len,
			      const char *field, struct nk_error *err)
{
	struct nk_file_fault fault = { 0 };
	enum nk_status rc = nk_file_create_exclusive(path, data, len, path, field, &fault, err);

	if (rc == NK_EINVAL && fault.step == NK_FILE_OPEN && fault.errnum == EEXIST)
		rc = nk_fail(err, NK_EINVAL, field, "%s exists already; nakodo never "
			     "overwrites a key file", path);
	return rc;
}
