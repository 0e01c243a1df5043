/* Internal to crypto/: the bounded byte writer and reader every canonical encoding is
 * built with (encoding.c), and the domain-separation tags, kept in one place so no two
 * signed encodings can share a prefix. Hex and case ids are base/'s (base/hex.h,
 * base/ids.h); a party key's secrets are keys.c's (crypto/party_key.h). */
#ifndef NAKODO_CRYPTO_IMPL_H
#define NAKODO_CRYPTO_IMPL_H

#include "base/hex.h"
#include "base/ids.h"

#include <nakodo/keys.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Domain tags: each ends in NUL, and none is a prefix of another. */
#define TAG_SAFETY "nakodo/safety-number/v1"
#define TAG_KEY_ID "nakodo/key-id/v1"
#define TAG_MESSAGE "nakodo/message/v1"
#define TAG_JOIN "nakodo/join/v1"
#define TAG_ACTION "nakodo/action/v1"
#define TAG_EVENT "nakodo/event/v1"
#define TAG_COUNTERSIGN "nakodo/countersign/v1"
#define TAG_CHECKPOINT "nakodo/checkpoint/v1"
#define TAG_STATEMENT "nakodo/statement/v1"
#define TAG_STATEMENT_V2 "nakodo/statement/v2"
#define TAG_STATEMENT_V3 "nakodo/statement/v3"
#define TAG_PARTY_SIG "nakodo/party-sig/v1"

/* Appends to buf[cap]; once anything does not fit, nothing more is written and
 * overflow stays set, so a caller checks once at the end. */
struct writer {
	uint8_t *buf;
	size_t cap, len;
	bool overflow;
};

void w_bytes(struct writer *w, const void *p, size_t n);
void w_u8(struct writer *w, uint8_t v);
void w_u32(struct writer *w, uint32_t v);
void w_u64(struct writer *w, uint64_t v);
void w_tag(struct writer *w, const char *tag);	/* the tag and its NUL */
/* A string of at most 255 bytes after its one-byte length; longer sets overflow. */
void w_str8(struct writer *w, const char *s);

/* Reads from buf[len]; past the end sets short_read and yields zeros. */
struct reader {
	const uint8_t *buf;
	size_t len, pos;
	bool short_read;
};

const uint8_t *r_bytes(struct reader *r, size_t n);	/* NULL when short */
uint8_t r_u8(struct reader *r);
uint32_t r_u32(struct reader *r);
uint64_t r_u64(struct reader *r);

/* SHA-256 of a message in up to three parts (NULL parts are skipped). */
void sha256_parts(uint8_t out[static NK_HASH_BYTES], const void *a, size_t alen,
		  const void *b, size_t blen, const void *c, size_t clen);

/* Makes a key file at path with nk_file_create_exclusive (nakodo/files.h); an existing
 * file is refused with a sentence saying that nakodo never overwrites a key file. */
NK_MUST_USE enum nk_status write_key_file(const char *path, const uint8_t *data, size_t len,
					  const char *field, struct nk_error *err);

#endif
