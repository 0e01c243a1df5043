/* The receipt file: one "key value" line per field, in a fixed order, lowercase hex,
 * decimal numbers without leading zeros, "\n" line ends and nothing else. The parser
 * accepts exactly what the formatter writes, so every byte of a receipt is either
 * structure (a change breaks the parse) or a signed or proven value. */
#include "crypto/crypto_impl.h"

#include <nakodo/ledger.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECEIPT_MAGIC "nakodo-receipt"
#define RECEIPT_VERSION "v1"
#define RECEIPT_VERSION_2 "v2"	/* a statement with a settlement: "currency", "settlement" */
#define RECEIPT_VERSION_3 "v3"	/* a statement naming a package: "currency", "package" */

static const char *const role_key[NK_RECEIPT_ROLES] = { "claimant-key", "payer-key", "mediator-key" };
static const char *const role_sig[NK_RECEIPT_ROLES] = { "claimant-sig", "payer-sig", "mediator-sig" };

/* ---- writing ---- */

struct text {
	char *buf;
	size_t len;
	bool overflow;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, NK_RECEIPT_TEXT_MAX - t->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= NK_RECEIPT_TEXT_MAX - t->len)
		t->overflow = true;
	else
		t->len += (size_t)n;
}

static void put_hex(struct text *t, const char *key, const uint8_t *v, size_t n)
{
	char hex[2 * NK_SIGNATURE_BYTES + 1];

	nk_hex_encode(v, n, hex);
	put(t, "%s %s\n", key, hex);
}

enum nk_status nk_receipt_format(const struct nk_receipt *r, char **out, size_t *len,
				 struct nk_error *err)
{
	const struct nk_statement *st = &r->statement;
	struct text t = { .buf = malloc(NK_RECEIPT_TEXT_MAX) };
	uint8_t scratch[NK_STATEMENT_MAX];
	size_t slen;
	enum nk_status rc;

	if (!t.buf)
		return nk_fail(err, NK_ENOMEM, "receipt", "no memory for the receipt");
	rc = nk_statement_encode(st, scratch, &slen, err);
	if (rc != NK_OK)
		goto out;
	if (r->proof_len > NK_MERKLE_PROOF_MAX || r->checkpoint.time_ms < 0) {
		rc = nk_fail(err, NK_EINVAL, "receipt", "the receipt's proof or checkpoint is out "
			     "of bounds");
		goto out;
	}
	put(&t, "%s %s\n", RECEIPT_MAGIC, st->has_package ? RECEIPT_VERSION_3
	    : st->has_settlement ? RECEIPT_VERSION_2 : RECEIPT_VERSION);
	put(&t, "case %s\noutcome %s\n", st->case_id, st->outcome);
	if (st->has_settlement)
		put(&t, "currency %s\nsettlement %" PRId64 "\n", st->currency, st->settlement);
	if (st->has_package) {
		put(&t, "currency %s\n", st->currency);
		put_hex(&t, "package", st->package, NK_HASH_BYTES);
	}
	put(&t, "events %" PRIu64 "\n", st->events);
	put_hex(&t, "head", st->head, NK_HASH_BYTES);
	put(&t, "closed %" PRId64 "\n", st->closed_ms);
	put_hex(&t, "server-key-id", st->key_id, NK_KEY_ID_BYTES);
	for (int i = 0; i < NK_RECEIPT_ROLES; i++)
		if (st->has_party_key[i])
			put_hex(&t, role_key[i], st->party_key[i], NK_PUBLIC_KEY_BYTES);
	put_hex(&t, "statement-sig", r->server_sig, NK_SIGNATURE_BYTES);
	for (int i = 0; i < NK_RECEIPT_ROLES; i++)
		if (r->has_party_sig[i])
			put_hex(&t, role_sig[i], r->party_sig[i], NK_SIGNATURE_BYTES);
	put(&t, "leaf-index %" PRIu64 "\n", r->leaf_index);
	for (size_t i = 0; i < r->proof_len; i++)
		put_hex(&t, "proof", r->proof[i], NK_HASH_BYTES);
	put_hex(&t, "checkpoint-key-id", r->checkpoint.key_id, NK_KEY_ID_BYTES);
	put(&t, "checkpoint-size %" PRIu64 "\n", r->checkpoint.size);
	put_hex(&t, "checkpoint-root", r->checkpoint.root, NK_HASH_BYTES);
	put(&t, "checkpoint-time %" PRId64 "\n", r->checkpoint.time_ms);
	put_hex(&t, "checkpoint-sig", r->checkpoint.sig, NK_SIGNATURE_BYTES);
	if (t.overflow) {
		rc = nk_fail(err, NK_EINVAL, "receipt", "the receipt would exceed %d bytes",
			     NK_RECEIPT_TEXT_MAX);
		goto out;
	}
	*out = t.buf;
	*len = t.len;
	t.buf = NULL;
	rc = NK_OK;
out:
	free(t.buf);
	return rc;
}

/* ---- reading ---- */

struct cursor {
	const char *p, *end;
	int line;
	const char *v;	/* the last line's value */
	size_t vlen;
	struct nk_error *err;
};

/* Records why the receipt is refused (the text names the line); returns false. */
static bool refuse(struct cursor *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool refuse(struct cursor *c, const char *fmt, ...)
{
	char text[NK_ERROR_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	nk_fail(c->err, NK_EINVAL, "receipt", "%s", text);
	return false;
}

static bool at_key(const struct cursor *c, const char *key)
{
	size_t k = strlen(key);

	return (size_t)(c->end - c->p) > k && memcmp(c->p, key, k) == 0 && c->p[k] == ' ';
}

/* Reads the line "key value\n" into c->v; the value is printable, without spaces. */
static bool take(struct cursor *c, const char *key)
{
	const char *v, *q;

	c->line++;
	if (!at_key(c, key))
		return refuse(c, "line %d: expected '%s'", c->line, key);
	v = c->p + strlen(key) + 1;
	/* each fault named as it is, so that a hand-edited receipt can be mended */
	for (q = v; q < c->end && *q != '\n'; q++)
		if (*q == ' ' && q == v)
			return refuse(c, "line %d: '%s' is followed by more than one space (one "
				      "space parts a key from its value)", c->line, key);
		else if (*q == ' ')
			return refuse(c, "line %d: '%s' has a space in or after its value",
				      c->line, key);
		else if (*q == '\r')
			return refuse(c, "line %d: '%s' ends in a carriage return (lines end in a "
				      "line feed alone)", c->line, key);
		else if (*q < ' ' || *q > '~')
			return refuse(c, "line %d: '%s' has a character outside printable ASCII "
				      "(byte 0x%02x)", c->line, key, (unsigned)(unsigned char)*q);
	if (q == c->end || q == v)
		return refuse(c, "line %d: '%s' has no value or no line end", c->line, key);
	c->v = v;
	c->vlen = (size_t)(q - v);
	c->p = q + 1;
	return true;
}

static bool take_hex(struct cursor *c, const char *key, uint8_t *out, size_t n)
{
	uint8_t tmp[NK_SIGNATURE_BYTES];

	if (!take(c, key))
		return false;
	if (c->vlen != 2 * n || !nk_hex_decode(c->v, n, tmp))
		return refuse(c, "line %d: '%s' is %zu lowercase hex digits", c->line, key,
			      2 * n);
	memcpy(out, tmp, n);
	return true;
}

static bool take_u64(struct cursor *c, const char *key, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!take(c, key))
		return false;
	if (c->vlen > 20 || (c->vlen > 1 && c->v[0] == '0'))
		goto bad;
	for (size_t i = 0; i < c->vlen; i++) {
		unsigned d = (unsigned)(c->v[i] - '0');

		if (d > 9 || v > (max - d) / 10)
			goto bad;
		v = v * 10 + d;
	}
	*out = v;
	return true;
bad:
	return refuse(c, "line %d: '%s' is a decimal number up to %" PRIu64 ", without "
		      "leading zeros", c->line, key, max);
}

static bool take_text(struct cursor *c, const char *key, char *out, size_t cap)
{
	if (!take(c, key))
		return false;
	if (c->vlen >= cap)
		return refuse(c, "line %d: '%s' is longer than %zu", c->line, key, cap - 1);
	memcpy(out, c->v, c->vlen);
	out[c->vlen] = '\0';
	return true;
}

static bool parse(struct cursor *c, struct nk_receipt *r)
{
	struct nk_statement *st = &r->statement;
	uint64_t closed, time, settlement;
	uint8_t scratch[NK_STATEMENT_MAX];
	size_t slen;

	if (!take(c, RECEIPT_MAGIC))
		return false;
	if (c->vlen == strlen(RECEIPT_VERSION_2) && memcmp(c->v, RECEIPT_VERSION_2, c->vlen) == 0)
		st->has_settlement = true;
	else if (c->vlen == strlen(RECEIPT_VERSION_3) &&
		 memcmp(c->v, RECEIPT_VERSION_3, c->vlen) == 0)
		st->has_package = true;
	else if (c->vlen != strlen(RECEIPT_VERSION) || memcmp(c->v, RECEIPT_VERSION, c->vlen) != 0)
		return refuse(c, "line 1: not a receipt version this nakodo reads (v1, v2, v3)");
	if (!take_text(c, "case", st->case_id, sizeof(st->case_id)) ||
	    !take_text(c, "outcome", st->outcome, sizeof(st->outcome)))
		return false;
	if (st->has_settlement) {
		if (!take_text(c, "currency", st->currency, sizeof(st->currency)) ||
		    !take_u64(c, "settlement", INT64_MAX, &settlement))
			return false;
		st->settlement = (int64_t)settlement;
	}
	if (st->has_package &&
	    (!take_text(c, "currency", st->currency, sizeof(st->currency)) ||
	     !take_hex(c, "package", st->package, NK_HASH_BYTES)))
		return false;
	if (!take_u64(c, "events", UINT64_MAX, &st->events) ||
	    !take_hex(c, "head", st->head, NK_HASH_BYTES) ||
	    !take_u64(c, "closed", INT64_MAX, &closed) ||
	    !take_hex(c, "server-key-id", st->key_id, NK_KEY_ID_BYTES))
		return false;
	st->closed_ms = (int64_t)closed;
	for (int i = 0; i < NK_RECEIPT_ROLES; i++)
		if (at_key(c, role_key[i])) {
			if (!take_hex(c, role_key[i], st->party_key[i], NK_PUBLIC_KEY_BYTES))
				return false;
			st->has_party_key[i] = true;
		}
	if (nk_statement_encode(st, scratch, &slen, NULL) != NK_OK)
		return refuse(c, "the statement's case id, outcome or currency is malformed");
	if (!take_hex(c, "statement-sig", r->server_sig, NK_SIGNATURE_BYTES))
		return false;
	for (int i = 0; i < NK_RECEIPT_ROLES; i++)
		if (at_key(c, role_sig[i])) {
			if (!take_hex(c, role_sig[i], r->party_sig[i], NK_SIGNATURE_BYTES))
				return false;
			r->has_party_sig[i] = true;
		}
	if (!take_u64(c, "leaf-index", UINT64_MAX, &r->leaf_index))
		return false;
	while (at_key(c, "proof")) {
		if (r->proof_len == NK_MERKLE_PROOF_MAX)
			return refuse(c, "line %d: more than %d proof hashes", c->line + 1,
				      NK_MERKLE_PROOF_MAX);
		if (!take_hex(c, "proof", r->proof[r->proof_len], NK_HASH_BYTES))
			return false;
		r->proof_len++;
	}
	if (!take_hex(c, "checkpoint-key-id", r->checkpoint.key_id, NK_KEY_ID_BYTES) ||
	    !take_u64(c, "checkpoint-size", UINT64_MAX, &r->checkpoint.size) ||
	    !take_hex(c, "checkpoint-root", r->checkpoint.root, NK_HASH_BYTES) ||
	    !take_u64(c, "checkpoint-time", INT64_MAX, &time) ||
	    !take_hex(c, "checkpoint-sig", r->checkpoint.sig, NK_SIGNATURE_BYTES))
		return false;
	r->checkpoint.time_ms = (int64_t)time;
	if (c->p != c->end)
		return refuse(c, "line %d: bytes after the receipt's last line", c->line + 1);
	return true;
}

enum nk_status nk_receipt_parse(const char *text, size_t len, struct nk_receipt *out,
				struct nk_error *err)
{
	struct nk_receipt *r;
	struct cursor c = { .p = text, .err = err };
	bool ok;

	/* the spaces the server sends after the last line, so that a settlement's digits
	 * do not set the answer's length (formats/receipt_wire.c), are not the file's */
	while (len > 0 && text[len - 1] == ' ')
		len--;
	c.end = text + len;
	if (len > NK_RECEIPT_TEXT_MAX)
		return nk_fail(err, NK_EINVAL, "receipt", "a receipt has at most %d bytes",
			       NK_RECEIPT_TEXT_MAX);
	r = calloc(1, sizeof(*r));
	if (!r)
		return nk_fail(err, NK_ENOMEM, "receipt", "no memory for the receipt");
	ok = parse(&c, r);
	if (ok)
		*out = *r;
	free(r);
	return ok ? NK_OK : NK_EINVAL;
}
