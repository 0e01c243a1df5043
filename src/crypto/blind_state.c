/* A side's state of a blind case between two runs of its client (nk_blind_save and
 * nk_blind_load, nakodo/blind.h): the set-up's seeds and offset, the figures and labels
 * of the rounds computed, and the input a begun round is bound to. It holds this side's
 * own figures, so it is never written in clear; and the client acts on it (which labels,
 * which round, which generation of its file), so it must be this side's own: sealing to
 * the side's public key (crypto_box_seal, as up to layout v2) let anyone who knew that
 * key seal a state the client accepted. It is therefore encrypted and authenticated with
 * a key only the side's secret key gives (XChaCha20-Poly1305, the key derived by BLAKE2b
 * keyed with the side's X25519 secret), the case's session, the role, the generation and
 * the file's copy slot bound as associated data (doc/blind.md, "State between runs").
 * The layout is this build's: a file from another build, or another case or role, is
 * refused. */
#include "crypto/blind_proto.h"
#include "crypto/party_key.h"

#include <sodium.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define TAG_STATE "nakodo/blind-state/v3"
#define TAG_KEY "nakodo/blind-state-key/v3"
/* A saved copy: the generation in the clear (little-endian), the nonce, then the
 * encrypted state and its tag; 48 bytes beside the state, as the seal had. */
#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define OVERHEAD (8 + NONCE + crypto_aead_xchacha20poly1305_ietf_ABYTES)

/* What binds a state to this build's layout. */
static uint32_t layout(void)
{
	return (uint32_t)sizeof(struct nk_blind_party) ^ (uint32_t)OUT_COUNT << 20;
}

/* The rules a round computes under, member by member (padding is not compared). */
static bool same_rules(const struct nk_rules *a, const struct nk_rules *b)
{
	return a->rounds == b->rounds && a->monotone == b->monotone && a->settle == b->settle &&
	       a->band_bp == b->band_bp && a->band_amount == b->band_amount &&
	       a->grid == b->grid && a->hint_count == b->hint_count &&
	       memcmp(a->hint_bp, b->hint_bp, sizeof(a->hint_bp)) == 0 &&
	       a->range_low == b->range_low && a->range_high == b->range_high &&
	       a->leakage_bits == b->leakage_bits;
}

/* What of the side is written: the whole struct but the circuit under way (rebuilt each
 * round) and the rows of carried labels past the case's last round (zero): some 14 KB for
 * two rounds rather than 140 KB, which every durable write of a round sealed, wrote and
 * flushed (doc/blind.md, "State between runs"). The same size for every save of a case,
 * so that the client overwrites its file in place. Three spans of the struct, in order. */
struct span {
	size_t at, len;
};

static void spans(int rows, struct span s[3])
{
	const size_t carried = offsetof(struct nk_blind_party, carried);
	const size_t row = sizeof(((struct nk_blind_party *)0)->carried[0]);
	const size_t bc = offsetof(struct nk_blind_party, bc);
	const size_t after_bc = bc + sizeof(((struct nk_blind_party *)0)->bc);

	s[0] = (struct span){ 0, carried + (size_t)rows * row };
	s[1] = (struct span){ carried + sizeof(((struct nk_blind_party *)0)->carried),
			      bc - carried - sizeof(((struct nk_blind_party *)0)->carried) };
	s[2] = (struct span){ after_bc, sizeof(struct nk_blind_party) - after_bc };
}

static size_t spans_len(const struct span s[3])
{
	return s[0].len + s[1].len + s[2].len;
}

/* The tag, the layout and the generation, before the spans. */
#define HEAD (sizeof(TAG_STATE) + 4 + 8)

size_t nk_blind_saved_bytes(const struct nk_rules *rules)
{
	struct span sp[3];

	spans(rules->rounds < 0 || rules->rounds > NK_ROUNDS_MAX ? NK_ROUNDS_MAX : rules->rounds,
	      sp);
	return HEAD + spans_len(sp) + OVERHEAD;
}

/* Where member at offset off of the struct lies in the written spans (it must lie in
 * one). */
static size_t span_pos(const struct span s[3], size_t off)
{
	size_t pos = HEAD;

	for (int i = 0; i < 3; i++) {
		if (off >= s[i].at && off < s[i].at + s[i].len)
			return pos + off - s[i].at;
		pos += s[i].len;
	}
	return 0;	/* not reached: every member cleared below is written */
}

#define CLEAR(plain, sp, member)                                                          \
	memset((plain) + span_pos(sp, offsetof(struct nk_blind_party, member)), 0,           \
	       sizeof(((struct nk_blind_party *)0)->member))

enum nk_status blind_state_plain(const struct nk_blind_party *p, uint64_t generation,
				 uint8_t **out, size_t *out_len, struct nk_error *err)
{
	struct span sp[3];
	size_t plain_len, at = HEAD;
	uint8_t *plain;
	uint32_t lay = layout();
	enum blind_state between = p->state > ST_BROKEN ? ST_READY : p->state;

	if (p->state == ST_SETUP || p->state == ST_BROKEN)
		return nk_fail(err, NK_EINVAL, "state", "a side is saved once its set-up is done, "
			       "between rounds");
	if (p->computed < 0 || p->computed > p->rules.rounds || p->rules.rounds > NK_ROUNDS_MAX)
		return nk_fail(err, NK_EINVAL, "state", "a side's rounds out of range");
	spans(p->rules.rounds, sp);
	plain_len = at + spans_len(sp);
	if (!(plain = sodium_malloc(plain_len)))
		return nk_fail(err, NK_ENOMEM, "state", "out of memory");
	memcpy(plain, TAG_STATE, sizeof(TAG_STATE));
	memcpy(plain + sizeof(TAG_STATE), &lay, 4);
	memcpy(plain + sizeof(TAG_STATE) + 4, &generation, 8);
	for (int i = 0; i < 3; i++) {
		memcpy(plain + at, (const uint8_t *)p + sp[i].at, sp[i].len);
		at += sp[i].len;
	}
	/* what a round under way built is rebuilt: the state is the one between rounds,
	 * with the input a begun round is bound to (pending_input) */
	CLEAR(plain, sp, built);
	CLEAR(plain, sp, label);
	CLEAR(plain, sp, bit);
	CLEAR(plain, sp, input);
	memcpy(plain + span_pos(sp, offsetof(struct nk_blind_party, state)), &between,
	       sizeof(between));
	*out = plain;
	*out_len = plain_len;
	return NK_OK;
}

/* The key a side's states are sealed with: derived from its X25519 secret, so that
 * only the side's own key makes or opens them. */
static void state_key(const struct nk_party_key *key, uint8_t k[static 32])
{
	crypto_generichash(k, 32, (const uint8_t *)TAG_KEY, sizeof(TAG_KEY),
			   party_key_seal_secret(key), crypto_box_SECRETKEYBYTES);
}

/* What a copy is bound to besides its bytes: the layout, the case's session, the role,
 * the generation and the copy's slot in the file. */
#define AD_BYTES (sizeof(TAG_STATE) + 4 + NK_BLIND_SESSION_BYTES + 1 + 8 + 1)

static void state_ad(uint8_t ad[static AD_BYTES], const uint8_t *sid, enum nk_role role,
		     uint64_t generation, unsigned slot)
{
	uint32_t lay = layout();
	uint8_t *at = ad;

	memcpy(at, TAG_STATE, sizeof(TAG_STATE));
	at += sizeof(TAG_STATE);
	memcpy(at, &lay, 4);
	at += 4;
	memcpy(at, sid, NK_BLIND_SESSION_BYTES);
	at += NK_BLIND_SESSION_BYTES;
	*at++ = (uint8_t)role;
	for (int i = 0; i < 8; i++)
		*at++ = (uint8_t)(generation >> (8 * i));
	*at = (uint8_t)slot;
}

enum nk_status nk_blind_save(const struct nk_blind_party *p, const struct nk_party_key *key,
			     uint64_t generation, unsigned slot, uint8_t **out,
			     size_t *out_len, struct nk_error *err)
{
	size_t plain_len = 0;
	uint8_t *plain = NULL, *sealed, k[32], ad[AD_BYTES];
	enum nk_status rc = blind_state_plain(p, generation, &plain, &plain_len, err);

	if (rc != NK_OK)
		return rc;
	if (!(sealed = malloc(plain_len + OVERHEAD))) {
		sodium_free(plain);
		return nk_fail(err, NK_ENOMEM, "state", "out of memory");
	}
	for (int i = 0; i < 8; i++)
		sealed[i] = (uint8_t)(generation >> (8 * i));
	randombytes_buf(sealed + 8, NONCE);
	state_ad(ad, p->sid, p->role, generation, slot);
	state_key(key, k);
	crypto_aead_xchacha20poly1305_ietf_encrypt(sealed + 8 + NONCE, NULL, plain, plain_len,
						   ad, sizeof(ad), NULL, sealed + 8, k);
	sodium_memzero(k, sizeof(k));
	sodium_free(plain);
	*out = sealed;
	*out_len = plain_len + OVERHEAD;
	return NK_OK;
}

enum nk_status nk_blind_load(const struct nk_rules *rules, enum nk_role role,
			     const uint8_t session[static NK_BLIND_SESSION_BYTES],
			     const struct nk_party_key *key, unsigned slot, const uint8_t *in,
			     size_t len, uint64_t *generation, struct nk_blind_party **out,
			     struct nk_error *err)
{
	struct span sp[3];
	struct nk_blind_party *p = NULL, *saved = NULL;
	uint8_t *plain, k[32], ad[AD_BYTES];
	size_t plain_len, at = HEAD;
	uint32_t lay = layout();
	uint64_t gen = 0;
	enum nk_status rc;
	int opened;

	if (rules->rounds < 1 || rules->rounds > NK_ROUNDS_MAX ||
	    len != nk_blind_saved_bytes(rules))
		return nk_fail(err, NK_ECORRUPT, "state", "not a blind case's state of this build");
	spans(rules->rounds, sp);
	plain_len = len - OVERHEAD;
	if (!(plain = sodium_malloc(plain_len)) || !(saved = sodium_malloc(sizeof(*saved)))) {
		if (plain)
			sodium_free(plain);
		return nk_fail(err, NK_ENOMEM, "state", "out of memory");
	}
	memset(saved, 0, sizeof(*saved));
	for (int i = 7; i >= 0; i--)
		gen = gen << 8 | in[i];
	state_ad(ad, session, role, gen, slot);
	state_key(key, k);
	opened = crypto_aead_xchacha20poly1305_ietf_decrypt(plain, NULL, NULL, in + 8 + NONCE,
							    len - 8 - NONCE, ad, sizeof(ad),
							    in + 8, k);
	sodium_memzero(k, sizeof(k));
	if (opened != 0 || memcmp(plain, TAG_STATE, sizeof(TAG_STATE)) != 0 ||
	    memcmp(plain + sizeof(TAG_STATE), &lay, 4) != 0 ||
	    memcmp(plain + sizeof(TAG_STATE) + 4, &gen, 8) != 0) {
		rc = nk_fail(err, NK_ECRYPTO, "state", "copy %u was not made by this key for this "
			     "case, role and copy (forged, moved, another case's, cut short, or "
			     "of another build)", slot);
		goto out;
	}
	for (int i = 0; i < 3; i++) {
		memcpy((uint8_t *)saved + sp[i].at, plain + at, sp[i].len);
		at += sp[i].len;
	}
	/* every member comes from the state (its sizes are the ones nk_blind_new would work
	 * out for the same rules and build, by building the circuit: not done again) */
	rc = nk_blind_rules_check(rules, err);
	if (rc == NK_OK && !(p = calloc(1, sizeof(*p))))
		rc = nk_fail(err, NK_ENOMEM, "state", "out of memory");
	if (rc == NK_OK && (saved->role != role || saved->state != ST_READY ||
			    memcmp(saved->sid, session, NK_BLIND_SESSION_BYTES) != 0 ||
			    !same_rules(&saved->rules, rules) || saved->computed < 0 ||
			    saved->computed > rules->rounds)) {
		rc = nk_fail(err, NK_EINVAL, "state", "the state is another case's, role's or "
			     "rules'");
	} else if (rc == NK_OK) {
		memcpy(p, saved, sizeof(*p));
		p->built = false;
		p->label = NULL;
		memset(&p->bc, 0, sizeof(p->bc));
		if (generation)
			*generation = gen;
	}
out:
	sodium_free(saved);
	sodium_free(plain);
	if (rc != NK_OK) {
		nk_blind_free(p);
		return rc;
	}
	*out = p;
	return NK_OK;
}
