/* Sealed messages between the roles of a case: signed by the sender, sealed to the
 * recipient's X25519 key on the sender's machine, so the go-between carries text it
 * cannot read. Also the signed statements a party makes to the server (join, actions). */
#ifndef NAKODO_SEAL_H
#define NAKODO_SEAL_H

#include <nakodo/bargain.h>
#include <nakodo/keys.h>
#include <nakodo/types.h>

#define NK_MESSAGE_TEXT_MAX 65536	/* bytes of plaintext in one message */
/* A version-2 envelope shows only its text's size class: the text padded, inside the
 * seal, to the smallest of 256, 512, 1024, … 65536 bytes that holds it (doc/crypto.md,
 * "Padding"); the true length and the padding are sealed and signed with the text. */
#define NK_MESSAGE_PADDED_MIN 256
#define NK_MESSAGE_PADDED_MAX 65536	/* the largest class; holds NK_MESSAGE_TEXT_MAX */
/* Messages one role sends another on a case: each is stored and logged, so without a
 * bound one party could grow a case's log and the store without end at its rate. */
#define NK_MESSAGES_MAX 1000
/* Envelope bytes around the padded text, case id excluded, of the version writers make
 * (doc/formats.md, "Sealed message"); a version-1 envelope had 200 around its text. */
#define NK_ENVELOPE_VERSION 2
#define NK_ENVELOPE_FIXED 204
#define NK_ENVELOPE_FIXED_V1 200
/* The longest envelope of either version (version 1 at most NK_ENVELOPE_FIXED_V1 +
 * NK_CASE_ID_MAX + NK_MESSAGE_TEXT_MAX, which is less). */
#define NK_ENVELOPE_MAX (NK_ENVELOPE_FIXED + NK_CASE_ID_MAX + NK_MESSAGE_PADDED_MAX)
#define NK_ACTION_MAX 32	/* an action's name, NUL included */

enum nk_message_kind {
	NK_MESSAGE_TEXT = 1,	/* nakodo send: a message to read */
	NK_MESSAGE_DEPOSIT = 2,	/* nakodo deposit: held until both sides have deposited */
};

/* The envelope's clear header: what the go-between needs to route and order it, all of
 * it covered by the sender's signature. */
struct nk_envelope_header {
	char case_id[NK_CASE_ID_MAX];
	enum nk_message_kind kind;
	enum nk_role from, to;
	uint64_t seq;		/* 1, 2, … per case, kind and direction (from → to) */
	uint8_t sender_sign[NK_PUBLIC_KEY_BYTES];	/* filled by nk_message_seal */
	uint8_t recipient_seal[NK_PUBLIC_KEY_BYTES];	/* filled by nk_message_seal */
	unsigned version;	/* 1 or 2; filled by peek (seal always writes NK_ENVELOPE_VERSION) */
	/* What the envelope shows of the text's length, filled by seal and peek: in version 2
	 * its padded size class, in version 1 (unpadded) its exact length. The true length
	 * of a version-2 text is known only once opened (nk_opened_message.text_len). */
	size_t padded_len;
};

/* Why a message was not accepted. */
enum nk_message_verdict {
	NK_MESSAGE_OK,
	NK_MESSAGE_MALFORMED,	/* not a nakodo envelope, truncated, or out of bounds */
	NK_MESSAGE_NOT_FOR_ME,	/* another case, kind, recipient role or recipient key */
	NK_MESSAGE_WRONG_SIGNER,	/* names a sender key other than the one registered */
	NK_MESSAGE_ALTERED,	/* does not open, or its signature does not cover it */
	NK_MESSAGE_REPLAYED,	/* an authentic message whose number was used already */
	NK_MESSAGE_OUT_OF_ORDER,	/* an authentic message ahead of the next expected one */
};

/* What the recipient expects of the next message from one sender. */
struct nk_message_expect {
	const char *case_id;
	enum nk_message_kind kind;
	enum nk_role me;
	const struct nk_identity *sender;	/* registered for the header's from role */
	uint64_t next_seq;			/* last accepted number + 1; 1 at first */
};

/* An opened message. text is sodium_malloc'd and NUL-terminated (messages may still
 * hold NUL bytes: use text_len); free with nk_opened_message_free. */
struct nk_opened_message {
	struct nk_envelope_header header;
	char *text;
	size_t text_len;
};

/* The size class a text of len bytes is padded to: the smallest power of two from
 * NK_MESSAGE_PADDED_MIN that holds it; 0 when len is above NK_MESSAGE_TEXT_MAX. */
size_t nk_message_padded_len(size_t len);

/* Signs and seals text (at most NK_MESSAGE_TEXT_MAX bytes) from sender to recipient
 * under header's case id, kind, from, to and seq, as a version-2 envelope: its length
 * tells only nk_message_padded_len(len). Returns a new envelope in *out (the caller
 * frees it with free()) and its length. */
NK_MUST_USE enum nk_status nk_message_seal(const struct nk_party_key *sender,
					   const struct nk_envelope_header *header,
					   const struct nk_identity *recipient,
					   const uint8_t *text, size_t len,
					   uint8_t **out, size_t *out_len,
					   struct nk_error *err);

/* Reads an envelope's clear header without opening it (for routing, and to choose
 * the sender identity to expect). NK_EINVAL if it is not a well-formed envelope. */
NK_MUST_USE enum nk_status nk_message_peek(const uint8_t *env, size_t len,
					   struct nk_envelope_header *out,
					   struct nk_error *err);

/* Opens and verifies an envelope (version 1 or 2) as recipient me. Checks, in order:
 * form, that it is for me (case, kind, role, my sealing key), that it names the expected
 * sender key, that it opens (in version 2 with a true length its class holds and zero
 * padding) and its signature verifies, then its number against next_seq. On any
 * rejection returns NK_ECRYPTO (NK_EINVAL when malformed) and a reason in err; *why
 * (which may be NULL) is set on every return. *out is untouched on failure. */
NK_MUST_USE enum nk_status nk_message_open(const struct nk_party_key *me,
					   const struct nk_message_expect *expect,
					   const uint8_t *env, size_t len,
					   struct nk_opened_message *out,
					   enum nk_message_verdict *why, struct nk_error *err);

void nk_opened_message_free(struct nk_opened_message *msg);	/* wipes; accepts NULL */

/* The SHA-256 of an envelope: what the case log records of a message. */
void nk_envelope_hash(const uint8_t *env, size_t len, uint8_t out[static NK_HASH_BYTES]);

const char *nk_message_verdict_name(enum nk_message_verdict verdict);
const char *nk_message_kind_name(enum nk_message_kind kind);

/* ---- statements a party signs for the server ---- */

/* Joining a case: the party proves it holds the keys it registers for role.
 * Signed: "nakodo/join/v1\0" || case id (u8 length) || role || sign || seal. */
NK_MUST_USE enum nk_status nk_join_sign(const struct nk_party_key *key, const char *case_id,
					enum nk_role role,
					uint8_t sig[static NK_SIGNATURE_BYTES],
					struct nk_error *err);
NK_MUST_USE enum nk_status nk_join_verify(const struct nk_identity *id, const char *case_id,
					  enum nk_role role,
					  const uint8_t sig[static NK_SIGNATURE_BYTES],
					  struct nk_error *err);

/* Any other request a keyed party makes (withdraw, close, …): binds the case, the
 * role, a request number the server has not seen before from this role, the action's
 * name and the SHA-256 of its body. Signed: "nakodo/action/v1\0" || case id (u8 length)
 * || role || u64 number || action (u8 length) || SHA-256(body). */
NK_MUST_USE enum nk_status nk_action_sign(const struct nk_party_key *key, const char *case_id,
					  enum nk_role role, uint64_t number,
					  const char *action, const uint8_t *body,
					  size_t body_len,
					  uint8_t sig[static NK_SIGNATURE_BYTES],
					  struct nk_error *err);
NK_MUST_USE enum nk_status nk_action_verify(const struct nk_identity *id, const char *case_id,
					    enum nk_role role, uint64_t number,
					    const char *action, const uint8_t *body,
					    size_t body_len,
					    const uint8_t sig[static NK_SIGNATURE_BYTES],
					    struct nk_error *err);

#endif
