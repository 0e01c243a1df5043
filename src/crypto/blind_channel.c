/* The blind case's channel (nakodo/blind_channel.h): signed ephemeral crypto_kx keys and
 * one secretstream per direction, with every message padded to its caller's fixed size. */
#include <nakodo/blind_channel.h>
#include <nakodo/seal.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HELLO_ACTION "blind_hello"
#define TAG_SAFETY "nakodo/blind-safety/v1"

struct nk_blind_channel {
	char case_id[NK_CASE_ID_MAX];
	enum nk_role role;
	uint8_t pk[crypto_kx_PUBLICKEYBYTES], sk[crypto_kx_SECRETKEYBYTES];
	uint8_t rx[crypto_kx_SESSIONKEYBYTES], tx[crypto_kx_SESSIONKEYBYTES];
	crypto_secretstream_xchacha20poly1305_state push, pull;
	bool accepted, started, ended;
};

enum nk_status nk_channel_new(const struct nk_party_key *key, const char *case_id,
			      enum nk_role role, uint8_t hello[static NK_CHANNEL_HELLO_BYTES],
			      struct nk_blind_channel **out, struct nk_error *err)
{
	struct nk_blind_channel *ch;
	enum nk_status rc;

	if (role != NK_CLAIMANT && role != NK_PAYER)
		return nk_fail(err, NK_EINVAL, "role", "a blind case's channel joins its claimant "
			       "and its payer");
	if (!case_id || strlen(case_id) >= NK_CASE_ID_MAX)
		return nk_fail(err, NK_EINVAL, "case", "not a case id");
	if (!(ch = sodium_malloc(sizeof(*ch))))
		return nk_fail(err, NK_ENOMEM, "channel", "out of memory");
	memset(ch, 0, sizeof(*ch));
	snprintf(ch->case_id, sizeof(ch->case_id), "%s", case_id);
	ch->role = role;
	crypto_kx_keypair(ch->pk, ch->sk);
	memcpy(hello, ch->pk, sizeof(ch->pk));
	rc = nk_action_sign(key, case_id, role, 1, HELLO_ACTION, ch->pk, sizeof(ch->pk),
			    hello + sizeof(ch->pk), err);
	if (rc != NK_OK) {
		nk_channel_free(ch);
		return rc;
	}
	*out = ch;
	return NK_OK;
}

void nk_channel_free(struct nk_blind_channel *ch)
{
	if (ch)
		sodium_free(ch);	/* wipes */
}

enum nk_status nk_channel_accept(struct nk_blind_channel *ch, const struct nk_identity *peer,
				 const uint8_t hello[static NK_CHANNEL_HELLO_BYTES],
				 uint8_t header[static NK_CHANNEL_HEADER_BYTES],
				 struct nk_error *err)
{
	const enum nk_role other = ch->role == NK_CLAIMANT ? NK_PAYER : NK_CLAIMANT;
	int r;

	/* Again, until the other's stream starts: the other's client may have answered a hello
	 * of an earlier run of this side and started over, and this side answers its new
	 * hello with the same key rather than start over too (doc/blind.md, "A run meets a
	 * stale hello"). */
	if (ch->started)
		return nk_fail(err, NK_EINVAL, "hello", "the channel is open already");
	if (nk_action_verify(peer, ch->case_id, other, 1, HELLO_ACTION, hello,
			     crypto_kx_PUBLICKEYBYTES, hello + crypto_kx_PUBLICKEYBYTES,
			     NULL) != NK_OK)
		return nk_fail(err, NK_EAUTH, "hello", "the %s's channel key is not signed by the "
			       "key it registered on this case: someone else is answering",
			       nk_role_name(other));
	/* the claimant is crypto_kx's client, the payer its server */
	r = ch->role == NK_CLAIMANT
		? crypto_kx_client_session_keys(ch->rx, ch->tx, ch->pk, ch->sk, hello)
		: crypto_kx_server_session_keys(ch->rx, ch->tx, ch->pk, ch->sk, hello);
	if (r != 0)
		return nk_fail(err, NK_ECRYPTO, "hello", "the %s's channel key is not usable",
			       nk_role_name(other));
	crypto_secretstream_xchacha20poly1305_init_push(&ch->push, header, ch->tx);
	sodium_memzero(ch->tx, sizeof(ch->tx));
	ch->accepted = true;
	return NK_OK;
}

enum nk_status nk_channel_start(struct nk_blind_channel *ch,
				const uint8_t header[static NK_CHANNEL_HEADER_BYTES],
				struct nk_error *err)
{
	if (!ch->accepted || ch->started)
		return nk_fail(err, NK_EINVAL, "header", "out of order: the stream's header comes "
			       "once, after the hellos");
	if (crypto_secretstream_xchacha20poly1305_init_pull(&ch->pull, header, ch->rx) != 0)
		return nk_fail(err, NK_ECRYPTO, "header", "the other side's stream header is "
			       "malformed");
	sodium_memzero(ch->rx, sizeof(ch->rx));
	sodium_memzero(ch->sk, sizeof(ch->sk));	/* no other hello is answered now */
	ch->started = true;
	return NK_OK;
}

enum nk_status nk_channel_seal(struct nk_blind_channel *ch, const uint8_t *msg, size_t len,
			       size_t padded, bool last, uint8_t *out, size_t cap,
			       size_t *out_len, struct nk_error *err)
{
	const size_t n = padded + NK_CHANNEL_OVERHEAD;
	uint8_t *plain;

	if (!ch->accepted)
		return nk_fail(err, NK_EINVAL, "message", "the channel is not open");
	if (len > padded || padded > UINT32_MAX || cap < n)
		return nk_fail(err, NK_EINVAL, "message", "longer than its padded size");
	if (!(plain = calloc(1, padded + 4)))
		return nk_fail(err, NK_ENOMEM, "message", "out of memory");
	for (int i = 0; i < 4; i++)
		plain[i] = (uint8_t)(len >> (8 * i));
	if (len)
		memcpy(plain + 4, msg, len);
	crypto_secretstream_xchacha20poly1305_push(&ch->push, out, NULL, plain, padded + 4, NULL,
		0, last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
	sodium_memzero(plain, padded + 4);
	free(plain);
	*out_len = n;
	return NK_OK;
}

enum nk_status nk_channel_open(struct nk_blind_channel *ch, const uint8_t *in, size_t len,
			       uint8_t *out, size_t cap, size_t *out_len, bool *last,
			       struct nk_error *err)
{
	unsigned char tag = 0;
	unsigned long long got = 0;
	uint8_t *plain;
	size_t n = 0;

	if (!ch->started || ch->ended)
		return nk_fail(err, NK_ECRYPTO, "message", "a message after the stream's end, or "
			       "before its header: replayed or out of order");
	if (len < NK_CHANNEL_OVERHEAD || len > ((size_t)1 << 30))
		return nk_fail(err, NK_ECRYPTO, "message", "truncated: shorter than a sealed "
			       "message");
	if (!(plain = malloc(len)))
		return nk_fail(err, NK_ENOMEM, "message", "out of memory");
	if (crypto_secretstream_xchacha20poly1305_pull(&ch->pull, plain, &got, &tag, in, len,
						       NULL, 0) != 0) {
		free(plain);
		return nk_fail(err, NK_ECRYPTO, "message", "does not open on this channel: altered, "
			       "replayed, reordered or truncated on the way");
	}
	for (int i = 0; i < 4; i++)
		n |= (size_t)plain[i] << (8 * i);
	if (n > got - 4 || n > cap) {
		sodium_memzero(plain, got);
		free(plain);
		return nk_fail(err, NK_ECRYPTO, "message", "its length does not fit");
	}
	memcpy(out, plain + 4, n);
	sodium_memzero(plain, got);
	free(plain);
	ch->ended = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
	*last = ch->ended;
	*out_len = n;
	return NK_OK;
}

void nk_channel_safety_number(const char *case_id, const struct nk_identity *claimant,
			      const struct nk_identity *payer,
			      char out[static NK_CHANNEL_SAFETY_MAX])
{
	crypto_generichash_state st;
	uint8_t h[30];
	size_t at = 0;

	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const uint8_t *)TAG_SAFETY, sizeof(TAG_SAFETY));
	crypto_generichash_update(&st, (const uint8_t *)case_id, strlen(case_id) + 1);
	crypto_generichash_update(&st, claimant->sign, sizeof(claimant->sign));
	crypto_generichash_update(&st, claimant->seal, sizeof(claimant->seal));
	crypto_generichash_update(&st, payer->sign, sizeof(payer->sign));
	crypto_generichash_update(&st, payer->seal, sizeof(payer->seal));
	crypto_generichash_final(&st, h, sizeof(h));
	for (int g = 0; g < 6; g++) {	/* five bytes a group, modulo 100000 */
		uint64_t v = 0;

		for (int i = 0; i < 5; i++)
			v = (v << 8) | h[5 * g + i];
		at += (size_t)snprintf(out + at, NK_CHANNEL_SAFETY_MAX - at, g ? " %05u" : "%05u",
				       (unsigned)(v % 100000));
	}
}
