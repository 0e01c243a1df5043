/* Reading back what the server keeps of the record: a closing statement from its
 * canonical bytes and a checkpoint from its fixed layout. Each reader accepts exactly
 * what the matching writer produces, so a stored value cannot mean two things. */
#include "crypto/crypto_impl.h"

#include <nakodo/ledger.h>

#include <sodium.h>
#include <string.h>

void nk_checkpoint_encode(const struct nk_checkpoint *cp, uint8_t out[static NK_CHECKPOINT_BYTES])
{
	struct writer w = { .buf = out, .cap = NK_CHECKPOINT_BYTES };

	w_bytes(&w, cp->key_id, NK_KEY_ID_BYTES);
	w_u64(&w, cp->size);
	w_bytes(&w, cp->root, NK_HASH_BYTES);
	w_u64(&w, (uint64_t)cp->time_ms);
	w_bytes(&w, cp->sig, NK_SIGNATURE_BYTES);
}

enum nk_status nk_checkpoint_decode(const uint8_t *in, size_t len, struct nk_checkpoint *out,
				    struct nk_error *err)
{
	struct reader r = { .buf = in, .len = len };
	struct nk_checkpoint cp;

	if (!in || len != NK_CHECKPOINT_BYTES)
		return nk_fail(err, NK_ECORRUPT, "checkpoint", "a kept checkpoint is %d bytes",
			       NK_CHECKPOINT_BYTES);
	memcpy(cp.key_id, r_bytes(&r, NK_KEY_ID_BYTES), NK_KEY_ID_BYTES);
	cp.size = r_u64(&r);
	memcpy(cp.root, r_bytes(&r, NK_HASH_BYTES), NK_HASH_BYTES);
	cp.time_ms = (int64_t)r_u64(&r);
	memcpy(cp.sig, r_bytes(&r, NK_SIGNATURE_BYTES), NK_SIGNATURE_BYTES);
	*out = cp;
	return NK_OK;
}

/* A one-byte length and that many bytes into out[cap], NUL-terminated. */
static bool read_str8(struct reader *r, char *out, size_t cap)
{
	size_t n = r_u8(r);
	const uint8_t *p = r_bytes(r, n);

	if (!p || n >= cap || memchr(p, '\0', n))
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

_Static_assert(sizeof(TAG_STATEMENT) == sizeof(TAG_STATEMENT_V2) &&
	       sizeof(TAG_STATEMENT) == sizeof(TAG_STATEMENT_V3), "statement tags' length");

enum nk_status nk_statement_decode(const uint8_t *in, size_t len, struct nk_statement *out,
				   struct nk_error *err)
{
	struct reader r = { .buf = in, .len = len };
	struct nk_statement st;
	uint8_t again[NK_STATEMENT_MAX];
	const uint8_t *p;
	size_t again_len = 0;

	memset(&st, 0, sizeof(st));
	if (!in || len > NK_STATEMENT_MAX)
		goto bad;
	/* the tags have one length; v2 adds the settlement after the outcome, v3 the
	 * package's digest */
	p = r_bytes(&r, sizeof(TAG_STATEMENT));
	if (!p || (memcmp(p, TAG_STATEMENT, sizeof(TAG_STATEMENT)) != 0 &&
		   memcmp(p, TAG_STATEMENT_V2, sizeof(TAG_STATEMENT_V2)) != 0 &&
		   memcmp(p, TAG_STATEMENT_V3, sizeof(TAG_STATEMENT_V3)) != 0))
		goto bad;
	st.has_settlement = memcmp(p, TAG_STATEMENT_V2, sizeof(TAG_STATEMENT_V2)) == 0;
	st.has_package = memcmp(p, TAG_STATEMENT_V3, sizeof(TAG_STATEMENT_V3)) == 0;
	if (!read_str8(&r, st.case_id, sizeof(st.case_id)) ||
	    !read_str8(&r, st.outcome, sizeof(st.outcome)))
		goto bad;
	if (st.has_settlement || st.has_package) {
		if (!read_str8(&r, st.currency, sizeof(st.currency)))
			goto bad;
	}
	if (st.has_settlement)
		st.settlement = (int64_t)r_u64(&r);
	if (st.has_package && (p = r_bytes(&r, NK_HASH_BYTES)))
		memcpy(st.package, p, NK_HASH_BYTES);
	st.events = r_u64(&r);
	if ((p = r_bytes(&r, NK_HASH_BYTES)))
		memcpy(st.head, p, NK_HASH_BYTES);
	st.closed_ms = (int64_t)r_u64(&r);
	if ((p = r_bytes(&r, NK_KEY_ID_BYTES)))
		memcpy(st.key_id, p, NK_KEY_ID_BYTES);
	for (int role = 0; role < NK_RECEIPT_ROLES; role++) {
		uint8_t has = r_u8(&r);

		if (has > 1)
			goto bad;
		st.has_party_key[role] = has == 1;
		if (has && (p = r_bytes(&r, NK_PUBLIC_KEY_BYTES)))
			memcpy(st.party_key[role], p, NK_PUBLIC_KEY_BYTES);
	}
	if (r.short_read || r.pos != len)
		goto bad;
	/* Canonical: the bytes must be exactly what encoding the result writes. */
	if (nk_statement_encode(&st, again, &again_len, NULL) != NK_OK || again_len != len ||
	    memcmp(again, in, len) != 0)
		goto bad;
	*out = st;
	return NK_OK;
bad:
	return nk_fail(err, NK_ECORRUPT, "statement", "the closing statement's bytes do not "
		       "decode");
}
