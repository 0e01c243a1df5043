/* Sealed messages: the sender signs (Ed25519) a domain-separated encoding of the clear
 * header and the text, then seals signature and text to the recipient's X25519 key
 * with crypto_box_seal. Why this pair, and not crypto_box, is in doc/crypto.md. */
#include "crypto/crypto_impl.h"
#include "crypto/party_key.h"

#include <nakodo/seal.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define ENV_MAGIC "NKMSG001"
#define ENV_HEADER 88	/* clear header before the case id */
#define ENV_INNER(text_len) (NK_SIGNATURE_BYTES + (text_len))
#define ENV_SEALED(text_len) (crypto_box_SEALBYTES + ENV_INNER(text_len))

_Static_assert(ENV_HEADER + crypto_box_SEALBYTES + NK_SIGNATURE_BYTES == NK_ENVELOPE_FIXED,
	       "envelope size");

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
	w_bytes(w, ENV_MAGIC, 8);
	w_u8(w, (uint8_t)h->kind);
	w_u8(w, (uint8_t)h->from);
	w_u8(w, (uint8_t)h->to);
	w_u8(w, (uint8_t)strlen(h->case_id));
	w_u64(w, h->seq);
	w_bytes(w, h->sender_sign, NK_PUBLIC_KEY_BYTES);
	w_bytes(w, h->recipient_seal, NK_PUBLIC_KEY_BYTES);
	w_u32(w, (uint32_t)h->text_len);
	w_bytes(w, h->case_id, strlen(h->case_id));
}

/* What the sender signs: the tag, the clear header, the text; in guarded memory, as
 * the text is confidential. */
static enum nk_status signed_bytes(const uint8_t *header, size_t header_len, const uint8_t *text,
				   size_t text_len, uint8_t **out, size_t *len,
				   struct nk_error *err)
{
	size_t n = sizeof(TAG_MESSAGE) + header_len + text_len;
	uint8_t *buf = sodium_malloc(n ? n : 1);

	if (!buf)
		return nk_fail(err, NK_ENOMEM, "message", "no memory for the message");
	memcpy(buf, TAG_MESSAGE, sizeof(TAG_MESSAGE));
	memcpy(buf + sizeof(TAG_MESSAGE), header, header_len);
	if (text_len)
		memcpy(buf + sizeof(TAG_MESSAGE) + header_len, text, text_len);
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
	uint8_t *env = NULL, *inner = NULL, *sbytes = NULL;
	size_t env_len, slen = 0;
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
	h.text_len = len;
	env_len = ENV_HEADER + strlen(h.case_id) + ENV_SEALED(len);
	env = malloc(env_len);
	inner = sodium_malloc(ENV_INNER(len));
	if (!env || !inner) {
		rc = nk_fail(err, NK_ENOMEM, "message", "no memory for the message");
		goto out;
	}
	w = (struct writer){ .buf = env, .cap = env_len };
	write_header(&w, &h);
	rc = signed_bytes(env, w.len, text, len, &sbytes, &slen, err);
	if (rc != NK_OK)
		goto out;
	nk_party_key_sign(sender, sbytes, slen, inner);
	if (len)
		memcpy(inner + NK_SIGNATURE_BYTES, text, len);
	if (crypto_box_seal(env + w.len, inner, ENV_INNER(len), recipient->seal) != 0) {
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
	h.text_len = r_u32(&r);
	if (r.short_read || memcmp(magic, ENV_MAGIC, 8) != 0)
		return nk_fail(err, NK_EINVAL, "message", "not a nakodo message envelope");
	if (!kind_ok(kind) || !role_ok(from) || !role_ok(to) || from == to || h.seq == 0 ||
	    idlen == 0 || idlen >= NK_CASE_ID_MAX || h.text_len > NK_MESSAGE_TEXT_MAX)
		return nk_fail(err, NK_EINVAL, "message", "the envelope's header is out of bounds");
	p = r_bytes(&r, idlen);
	if (!p || len - r.pos != ENV_SEALED(h.text_len))
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
	char *text = NULL;
	size_t head_len, slen = 0;
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
	inner = sodium_malloc(ENV_INNER(h.text_len));
	text = sodium_malloc(h.text_len + 1);
	if (!inner || !text) {
		rc = nk_fail(err, NK_ENOMEM, "message", "no memory for the message");
		goto out;
	}
	if (crypto_box_seal_open(inner, env + head_len, ENV_SEALED(h.text_len), mine.seal,
				 party_key_seal_secret(me)) != 0) {
		rc = reject(NK_MESSAGE_ALTERED, why, err, "it does not open under your key; it "
			    "was altered on the way");
		goto out;
	}
	rc = signed_bytes(env, head_len, inner + NK_SIGNATURE_BYTES, h.text_len, &sbytes, &slen, err);
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
	if (h.text_len)
		memcpy(text, inner + NK_SIGNATURE_BYTES, h.text_len);
	text[h.text_len] = '\0';
	out->header = h;
	out->text = text;
	out->text_len = h.text_len;
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
