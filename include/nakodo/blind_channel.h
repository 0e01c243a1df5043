/* The channel of a blind case (issue 16, doc/blind.md, "The channel"): the two parties'
 * clients talk through the go-between's relay over a channel it cannot read or alter.
 * Per run, each side makes an ephemeral X25519 key (crypto_kx) and signs it with its key
 * registered on the case (the action "blind_hello", bound to the case and the role); each
 * checks the other's against the other's registered key, and each direction is one
 * secretstream (XChaCha20-Poly1305) under the session keys: a message altered, replayed,
 * reordered or cut off does not open. Messages are padded to a size the caller fixes per
 * kind, so the relay learns nothing from their lengths. */
#ifndef NAKODO_BLIND_CHANNEL_H
#define NAKODO_BLIND_CHANNEL_H

#include <nakodo/bargain.h>
#include <nakodo/keys.h>
#include <nakodo/types.h>
#include <nakodo/status.h>

#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NK_CHANNEL_HELLO_BYTES (crypto_kx_PUBLICKEYBYTES + NK_SIGNATURE_BYTES)
#define NK_CHANNEL_HEADER_BYTES crypto_secretstream_xchacha20poly1305_HEADERBYTES
/* A sealed message: a 4-byte length, the message, zeros to the padded size, the tag. */
#define NK_CHANNEL_OVERHEAD (4 + crypto_secretstream_xchacha20poly1305_ABYTES)
#define NK_CHANNEL_SAFETY_MAX 48
/* The most a relayed frame may hold (the server's relay refuses more): a blind case's
 * rules must keep their largest frame, one kind byte and a sealed message, within it. */
#define NK_CHANNEL_FRAME_MAX (128u << 10)

struct nk_party_key;
struct nk_blind_channel;

/* This side's end for case_id as role (claimant or payer): its hello to send first. */
NK_MUST_USE enum nk_status nk_channel_new(const struct nk_party_key *key, const char *case_id,
					  enum nk_role role,
					  uint8_t hello[static NK_CHANNEL_HELLO_BYTES],
					  struct nk_blind_channel **out, struct nk_error *err);
void nk_channel_free(struct nk_blind_channel *ch);

/* Checks the other side's hello against its registered identity, derives the session
 * keys and starts this side's stream: header, to send next. NK_EAUTH when the hello is not
 * signed by that key for this case and role. May be called again with another hello of
 * the other side until nk_channel_start (its client started over): this side's key stays,
 * the session keys and this side's stream are new. */
NK_MUST_USE enum nk_status nk_channel_accept(struct nk_blind_channel *ch,
					     const struct nk_identity *peer,
					     const uint8_t hello[static NK_CHANNEL_HELLO_BYTES],
					     uint8_t header[static NK_CHANNEL_HEADER_BYTES],
					     struct nk_error *err);
/* The other side's stream header, once received. */
NK_MUST_USE enum nk_status nk_channel_start(struct nk_blind_channel *ch,
					    const uint8_t header[static NK_CHANNEL_HEADER_BYTES],
					    struct nk_error *err);

/* msg[len] padded to padded bytes (len <= padded) and sealed into out (padded +
 * NK_CHANNEL_OVERHEAD bytes); last marks the stream's final message. */
NK_MUST_USE enum nk_status nk_channel_seal(struct nk_blind_channel *ch, const uint8_t *msg,
					   size_t len, size_t padded, bool last, uint8_t *out,
					   size_t cap, size_t *out_len, struct nk_error *err);
/* Opens the next message of the other side's stream into out[cap]: NK_ECRYPTO, field
 * "message", when it was altered, replayed, reordered or comes after the final one. */
NK_MUST_USE enum nk_status nk_channel_open(struct nk_blind_channel *ch, const uint8_t *in,
					   size_t len, uint8_t *out, size_t cap, size_t *out_len,
					   bool *last, struct nk_error *err);

/* The number both parties read each other out of band: it depends on the case and on
 * both registered identities only, so it is the same on every run; if it differs, one
 * side's key on the server is not the one its holder registered (doc/blind.md). Six
 * groups of five digits. */
void nk_channel_safety_number(const char *case_id, const struct nk_identity *claimant,
			      const struct nk_identity *payer,
			      char out[static NK_CHANNEL_SAFETY_MAX]);

#endif
