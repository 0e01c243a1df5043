/* A side's state of a blind case between two runs of its client (nk_blind_save and
 * nk_blind_load, nakodo/blind.h): the set-up's seeds and offset, the figures and labels
 * of the rounds computed, and the input a begun round is bound to. It holds this side's
 * own figures, so it is sealed to the side's own key (crypto_box_seal to its X25519
 * public key, opened with its secret) and never written in clear. The layout is this
 * build's: a file from another build, or another case or role, is refused. */
#include "crypto/blind_proto.h"
#include "crypto/party_key.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define TAG_STATE "nakodo/blind-state/v1"

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

enum nk_status nk_blind_save(const struct nk_blind_party *p, const struct nk_party_key *key,
			     uint8_t **out, size_t *out_len, struct nk_error *err)
{
	const size_t plain_len = sizeof(TAG_STATE) + 4 + sizeof(*p);
	struct nk_identity me;
	struct nk_blind_party *copy;
	uint8_t *plain, *sealed;
	uint32_t lay = layout();

	if (p->state == ST_SETUP || p->state == ST_BROKEN)
		return nk_fail(err, NK_EINVAL, "state", "a side is saved once its set-up is done, "
			       "between rounds");
	if (!(plain = sodium_malloc(plain_len)))
		return nk_fail(err, NK_ENOMEM, "state", "out of memory");
	if (!(sealed = malloc(plain_len + crypto_box_SEALBYTES))) {
		sodium_free(plain);
		return nk_fail(err, NK_ENOMEM, "state", "out of memory");
	}
	memcpy(plain, TAG_STATE, sizeof(TAG_STATE));
	memcpy(plain + sizeof(TAG_STATE), &lay, 4);
	copy = (struct nk_blind_party *)(plain + sizeof(TAG_STATE) + 4);
	memcpy(copy, p, sizeof(*p));
	/* what a round under way built is rebuilt: the state is the one between rounds,
	 * with the input a begun round is bound to (pending_input) */
	memset(&copy->bc, 0, sizeof(copy->bc));
	copy->built = false;
	copy->label = NULL;
	memset(copy->bit, 0, sizeof(copy->bit));
	memset(&copy->input, 0, sizeof(copy->input));
	if (copy->state > ST_BROKEN)
		copy->state = ST_READY;
	nk_party_key_identity(key, &me);
	crypto_box_seal(sealed, plain, plain_len, me.seal);
	sodium_free(plain);
	*out = sealed;
	*out_len = plain_len + crypto_box_SEALBYTES;
	return NK_OK;
}

enum nk_status nk_blind_load(const struct nk_rules *rules, enum nk_role role,
			     const uint8_t session[static NK_BLIND_SESSION_BYTES],
			     const struct nk_party_key *key, const uint8_t *in, size_t len,
			     struct nk_blind_party **out, struct nk_error *err)
{
	const size_t plain_len = sizeof(TAG_STATE) + 4 + sizeof(struct nk_blind_party);
	struct nk_identity me;
	struct nk_blind_party *p = NULL, *saved;
	uint8_t *plain;
	uint32_t lay = layout();
	enum nk_status rc;

	if (len != plain_len + crypto_box_SEALBYTES)
		return nk_fail(err, NK_ECORRUPT, "state", "not a blind case's state of this build");
	if (!(plain = sodium_malloc(plain_len)))
		return nk_fail(err, NK_ENOMEM, "state", "out of memory");
	nk_party_key_identity(key, &me);
	if (crypto_box_seal_open(plain, in, len, me.seal, party_key_seal_secret(key)) != 0 ||
	    memcmp(plain, TAG_STATE, sizeof(TAG_STATE)) != 0 ||
	    memcmp(plain + sizeof(TAG_STATE), &lay, 4) != 0) {
		sodium_free(plain);
		return nk_fail(err, NK_ECRYPTO, "state", "does not open with this key, or is not a "
			       "blind case's state of this build");
	}
	saved = (struct nk_blind_party *)(plain + sizeof(TAG_STATE) + 4);
	rc = nk_blind_new(rules, role, session, &p, err);
	if (rc == NK_OK && (saved->role != role || saved->state != ST_READY ||
			    memcmp(saved->sid, session, NK_BLIND_SESSION_BYTES) != 0 ||
			    !same_rules(&saved->rules, rules))) {
		rc = nk_fail(err, NK_EINVAL, "state", "the state is another case's, role's or "
			     "rules'");
	} else if (rc == NK_OK) {
		memcpy(p, saved, sizeof(*p));
		p->built = false;
		p->label = NULL;
		memset(&p->bc, 0, sizeof(p->bc));
	}
	sodium_free(plain);
	if (rc != NK_OK) {
		nk_blind_free(p);
		return rc;
	}
	*out = p;
	return NK_OK;
}
