/* Sealed messages: the sender signs (Ed25519) a domain-separated encoding of the clear
 * header and the sealed body, then seals signature and body to the recipient's X25519
 * key with crypto_box_seal. Why this pair, and not crypto_box, is in doc/crypto.md.
 * Writers make version 2, whose body is the text's true length, the text and zeros up
 * to its size class, so an envelope's length tells only the class; readers open version
 * 1 too, whose body was the text alone (doc/formats.md, "Sealed message"). */
#include "crypto/crypto_impl.h"
#include "crypto/party_key.h"

#include <nakodo/seal.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define ENV_MAGIC_V1 "NKMSG001"
#define ENV_MAGIC_V2 "NKMSG002"
#define ENV_HEADER 88	/* clear header before the case id */
#define TRUE_LEN_BYTES 4	/* version 2: the text's true length, first in the body */
#define ENV_INNER(body_len) (NK_SIGNATURE_BYTES + (body_len))
#define ENV_SEALED(body_len) (crypto_box_SEALBYTES + ENV_INNER(body_len))

_Static_assert(ENV_HEADER + crypto_box_SEALBYTES + NK_SIGNATURE_BYTES == NK_ENVELOPE_FIXED_V1,
	       "envelope size, version 1");
_Static_assert(ENV_HEADER + crypto_box_SEALBYTES + NK_SIGNATURE_BYTES + TRUE_LEN_BYTES ==
	       NK_ENVELOPE_FIXED, "envelope size, version 2");
_Static_assert(NK_MESSAGE_PADDED_MAX >= NK_MESSAGE_TEXT_MAX && NK_MESSAGE_PADDED_MAX <= UINT32_MAX &&
	       (NK_MESSAGE_PADDED_MAX & (NK_MESSAGE_PADDED_MAX - 1)) == 0 &&
	       (NK_MESSAGE_PADDED_MIN & (NK_MESSAGE_PADDED_MIN - 1)) == 0,
	       "the largest class holds the longest text; classes are powers of two");

size_t nk_message_padded_len(size_t len)
{
	size_t p = NK_MESSAGE_PADDED_MIN;

	if (len > NK_MESSAGE_TEXT_MAX)
		return 0;
	while (p < len)
		p *= 2;
	return p;
}

/* That a version-2 header's size is one of the classes. */
static bool padded_len_ok(size_t p)
{
	return p >= NK_MESSAGE_PADDED_MIN && p <= NK_MESSAGE_PADDED_MAX && (p & (p - 1)) == 0;
}

/* The bytes sealed after the signature, and signed after the clear header: version 1
 * the text; version 2 u32 true length ‖ text ‖ zeros, padded_len bytes after the length. */
static size_t body_len(const struct nk_envelope_header *h)
{
	return h->version == 1 ? h->padded_len : TRUE_LEN_BYTES + h->padded_len;
}

static bool role_ok(unsigned v)
{
	return nk_role_valid((enum nk_role)v);
}

static bool kind_ok(unsigned v)
{
	return v == NK_MESSAGE_TEXT || v == NK_MESSAGE_DEPOSIT;
}

/* The clear header's bytes into w. */
static void write_header(struct writer *w, const struct nk_envelope_header *h)
{
	w_bytes(w, h->version == 1 ? ENV_MAGIC_V1 : ENV_MAGIC_V2, 8);
	w_u8(w, (uint8_t)h->kind);
	w_u8(w, (uint8_t)h->from);
	w_u8(w, (uint8_t)h->to);
	w_u8(w, (uint8_t)strlen(h->case_id));
	w_u64(w, h->seq);
	w_bytes(w, h->sender_sign, NK_PUBLIC_KEY_BYTES);
	w_bytes(w, h->recipient_seal, NK_PUBLIC_KEY_BYTES);
	w_u32(w, (uint32_t)h->padded_len);
	w_bytes(w, h->case_id, strlen(h->case_id));
}

/* What the sender signs: the tag, the clear header, the body; in guarded memory, as
 * the text is confidential. The tag is version 1's: the magic, which the header carries
 * and the signature covers, keeps one version's signature from passing for the other. */
static enum nk_status signed_bytes(const uint8_t *header, size_t header_len, const uint8_t *body,
				   size_t body_len, uint8_t **out, size_t *len,
				   struct nk_error *err)
{
	size_t n = sizeof(TAG_MESSAGE) + header_len + body_len;
	uint8_t *buf = sodium_malloc(n ? n : 1);

	if (!buf)
		return nk_fail(err, NK_ENOMEM, "message", "no memory for the message");
	memcpy(buf, TAG_MESSAGE, sizeof(TAG_MESSAGE));
	memcpy(buf + sizeof(TAG_MESSAGE), header, header_len);
	if (body_len)
		memcpy(buf + sizeof(TAG_MESSAGE) + header_len, body, body_len);
	*out = buf;
	*len = n;
	return NK_OK;
}

enum nk_status nk_message_seal(const struct nk_party_key *sender,
			       const struct nk_envelope_header *header,
			       const struct nk_identity *recipient, const uint8_t *text,
			       size_t len, uint8_t **out, size_t *out_len, struct nk_error *err)
{
	struct nk_envelope_header h = *header;
	struct nk_identity me;
	uint8_t *env = NULL, *inner = NULL, *sbytes = NULL, *body;
	size_t env_len, slen = 0, blen;
	struct writer w;
	enum nk_status rc;

	if (!nk_case_id_valid(h.case_id) || !kind_ok(h.kind) || !role_ok(h.from) || !role_ok(h.to) ||
	    h.from == h.to || h.seq == 0) {
		rc = nk_fail(err, NK_EINVAL, "message", "a message needs a case id, a kind, two "
			     "different roles and a number from 1");
		goto out;
	}
	if (len > NK_MESSAGE_TEXT_MAX) {
		rc = nk_fail(err, NK_EINVAL, "message", "a message has at most %d bytes",
			     NK_MESSAGE_TEXT_MAX);
		goto out;
	}
	nk_party_key_identity(sender, &me);
	memcpy(h.sender_sign, me.sign, NK_PUBLIC_KEY_BYTES);
	memcpy(h.recipient_seal, recipient->seal, NK_PUBLIC_KEY_BYTES);
	h.version = NK_ENVELOPE_VERSION;
	h.padded_len = nk_message_padded_len(len);
	blen = body_len(&h);
	env_len = ENV_HEADER + strlen(h.case_id) + ENV_SEALED(blen);
	env = malloc(env_len);
	inner = sodium_malloc(ENV_INNER(blen));
	if (!env || !inner) {
		rc = nk_fail(err, NK_ENOMEM, "message", "no memory for the message");
		goto out;
	}
	body = inner + NK_SIGNATURE_BYTES;
	memset(body, 0, blen);
	w = (struct writer){ .buf = body, .cap = TRUE_LEN_BYTES };
	w_u32(&w, (uint32_t)len);
	if (len)
		memcpy(body + TRUE_LEN_BYTES, text, len);
	w = (struct writer){ .buf = env, .cap = env_len };
	write_header(&w, &h);
	rc = signed_bytes(env, w.len, body, blen, &sbytes, &slen, err);
	if (rc != NK_OK)
		goto out;
	nk_party_key_sign(sender, sbytes, slen, inner);
	if (crypto_box_seal(env + w.len, inner, ENV_INNER(blen), recipient->seal) != 0) {
		rc = nk_fail(err, NK_ECRYPTO, "to", "the recipient's sealing key is not usable");
		goto out;
	}
	*out = env;
	*out_len = env_len;
	env = NULL;
	rc = NK_OK;
out:
	free(env);
	if (inner)
		sodium_free(inner);
	if (sbytes)
		sodium_free(sbytes);
	return rc;
}

enum nk_status nk_message_peek(const uint8_t *env, size_t len, struct nk_envelope_header *out,
			       struct nk_error *err)
{
	struct reader r = { .buf = env, .len = len };
	struct nk_envelope_header h = { 0 };
	const uint8_t *magic = r_bytes(&r, 8);
	unsigned kind = r_u8(&r), from = r_u8(&r), to = r_u8(&r), idlen = r_u8(&r);
	const uint8_t *p;

	h.seq = r_u64(&r);
	if ((p = r_bytes(&r, NK_PUBLIC_KEY_BYTES)))
		memcpy(h.sender_sign, p, NK_PUBLIC_KEY_BYTES);
	if ((p = r_bytes(&r, NK_PUBLIC_KEY_BYTES)))
		memcpy(h.recipient_seal, p, NK_PUBLIC_KEY_BYTES);
	h.padded_len = r_u32(&r);
	if (r.short_read)
		return nk_fail(err, NK_EINVAL, "message", "not a nakodo message envelope");
	if (memcmp(magic, ENV_MAGIC_V2, 8) == 0)
		h.version = 2;
	else if (memcmp(magic, ENV_MAGIC_V1, 8) == 0)
		h.version = 1;
	else
		return nk_fail(err, NK_EINVAL, "message", "not a nakodo message envelope");
	if (!kind_ok(kind) || !role_ok(from) || !role_ok(to) || from == to || h.seq == 0 ||
	    idlen == 0 || idlen >= NK_CASE_ID_MAX ||
	    (h.version == 1 ? h.padded_len > NK_MESSAGE_TEXT_MAX : !padded_len_ok(h.padded_len)))
		return nk_fail(err, NK_EINVAL, "message", "the envelope's header is out of bounds");
	p = r_bytes(&r, idlen);
	if (!p || len - r.pos != ENV_SEALED(body_len(&h)))
		return nk_fail(err, NK_EINVAL, "message", "the envelope is truncated or has bytes "
			       "after its end");
	memcpy(h.case_id, p, idlen);
	/* a NUL inside the declared length would make the id shorter than the header says,
	 * and the box would be read from the wrong place */
	if (strlen(h.case_id) != idlen || !nk_case_id_valid(h.case_id))
		return nk_fail(err, NK_EINVAL, "message", "the envelope's case id is malformed");
	h.kind = (enum nk_message_kind)kind;
	h.from = (enum nk_role)from;
	h.to = (enum nk_role)to;
	*out = h;
	return NK_OK;
}

/* Records the verdict and the reason; returns the status for it. */
static enum nk_status reject(enum nk_message_verdict v, enum nk_message_verdict *why,
			     struct nk_error *err, const char *text)
{
	if (why)
		*why = v;
	return nk_fail(err, v == NK_MESSAGE_MALFORMED ? NK_EINVAL : NK_ECRYPTO, "message", "%s: %s",
		       nk_message_verdict_name(v), text);
}

enum nk_status nk_message_open(const struct nk_party_key *me, const struct nk_message_expect *expect,
			       const uint8_t *env, size_t len, struct nk_opened_message *out,
			       enum nk_message_verdict *why, struct nk_error *err)
{
	struct nk_envelope_header h;
	struct nk_error perr = { 0 };
	struct nk_identity mine;
	uint8_t *inner = NULL, *sbytes = NULL;
	const uint8_t *body;
	char *text = NULL;
	size_t head_len, slen = 0, blen, text_len, skip;
	enum nk_status rc;

	if (nk_message_peek(env, len, &h, &perr) != NK_OK) {
		rc = reject(NK_MESSAGE_MALFORMED, why, err, perr.text);
		goto out;
	}
	nk_party_key_identity(me, &mine);
	if (strcmp(h.case_id, expect->case_id) != 0 || h.kind != expect->kind ||
	    h.to != expect->me || sodium_memcmp(h.recipient_seal, mine.seal, NK_PUBLIC_KEY_BYTES)) {
		rc = reject(NK_MESSAGE_NOT_FOR_ME, why, err, "it is addressed to another case, "
			    "kind, role or key");
		goto out;
	}
	if (sodium_memcmp(h.sender_sign, expect->sender->sign, NK_PUBLIC_KEY_BYTES) != 0) {
		rc = reject(NK_MESSAGE_WRONG_SIGNER, why, err, "it names a signing key other than "
			    "the one registered for the sender's role");
		goto out;
	}
	head_len = ENV_HEADER + strlen(h.case_id);
	blen = body_len(&h);
	inner = sodium_malloc(ENV_INNER(blen));
	if (!inner) {
		rc = nk_fail(err, NK_ENOMEM, "message", "no memory for the message");
		goto out;
	}
	if (crypto_box_seal_open(inner, env + head_len, ENV_SEALED(blen), mine.seal,
				 party_key_seal_secret(me)) != 0) {
		rc = reject(NK_MESSAGE_ALTERED, why, err, "it does not open under your key; it "
			    "was altered on the way");
		goto out;
	}
	body = inner + NK_SIGNATURE_BYTES;
	text_len = h.padded_len;
	skip = 0;
	if (h.version == 2) {
		struct reader r = { .buf = body, .len = TRUE_LEN_BYTES };

		text_len = r_u32(&r);
		skip = TRUE_LEN_BYTES;
		/* anyone can seal a box to the recipient: what is inside is the sender's only
		 * once the signature verifies, and a length its class does not hold or a
		 * padding that is not zeros is no sender's */
		if (text_len > h.padded_len || text_len > NK_MESSAGE_TEXT_MAX ||
		    !sodium_is_zero(body + skip + text_len, h.padded_len - text_len)) {
			rc = reject(NK_MESSAGE_ALTERED, why, err, "its sealed length or padding is "
				    "not what a sender writes; it was altered on the way");
			goto out;
		}
	}
	text = sodium_malloc(text_len + 1);
	if (!text) {
		rc = nk_fail(err, NK_ENOMEM, "message", "no memory for the message");
		goto out;
	}
	rc = signed_bytes(env, head_len, body, blen, &sbytes, &slen, err);
	if (rc != NK_OK)
		goto out;
	if (crypto_sign_verify_detached(inner, sbytes, slen, h.sender_sign) != 0) {
		rc = reject(NK_MESSAGE_ALTERED, why, err, "its signature does not cover what it "
			    "says: altered, or not signed by the sender's key");
		goto out;
	}
	if (h.seq < expect->next_seq) {
		rc = reject(NK_MESSAGE_REPLAYED, why, err, "its number was used already");
		goto out;
	}
	if (h.seq > expect->next_seq) {
		rc = reject(NK_MESSAGE_OUT_OF_ORDER, why, err, "it comes before an earlier-numbered "
			    "message, which is missing");
		goto out;
	}
	if (text_len)
		memcpy(text, body + skip, text_len);
	text[text_len] = '\0';
	out->header = h;
	out->text = text;
	out->text_len = text_len;
	text = NULL;
	if (why)
		*why = NK_MESSAGE_OK;
	rc = NK_OK;
out:
	if (inner)
		sodium_free(inner);
	if (text)
		sodium_free(text);
	if (sbytes)
		sodium_free(sbytes);
	return rc;
}

void nk_opened_message_free(struct nk_opened_message *msg)
{
	if (msg && msg->text) {
		sodium_free(msg->text);
		msg->text = NULL;
		msg->text_len = 0;
	}
}

void nk_envelope_hash(const uint8_t *env, size_t len, uint8_t out[static NK_HASH_BYTES])
{
	crypto_hash_sha256(out, env, len);
}

const char *nk_message_verdict_name(enum nk_message_verdict verdict)
{
	static const char *const names[] = {
		[NK_MESSAGE_OK] = "ok",
		[NK_MESSAGE_MALFORMED] = "malformed",
		[NK_MESSAGE_NOT_FOR_ME] = "not-for-me",
		[NK_MESSAGE_WRONG_SIGNER] = "wrong-signer",
		[NK_MESSAGE_ALTERED] = "altered",
		[NK_MESSAGE_REPLAYED] = "replayed",
		[NK_MESSAGE_OUT_OF_ORDER] = "out-of-order",
	};

	if ((size_t)verdict >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[verdict];
}

const char *nk_message_kind_name(enum nk_message_kind kind)
{
	return kind == NK_MESSAGE_TEXT ? "message" : kind == NK_MESSAGE_DEPOSIT ? "deposit" : "unknown";
}
