/* The blind round's protocol between the claimant (who garbles) and the payer (who
 * evaluates): a set-up of base OTs once per case, then per round one IKNP extension, one
 * garbled circuit and the return of the claimant's output labels, and under the random
 * rule a public-coin draw from both sides' committed seed shares. Every message has a
 * fixed size per kind and case, a header (kind, round, attempt) and a check binding it
 * to the transcript; doc/blind.md describes it. */
#include "crypto/blind_proto.h"

#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {
	[MSG_SETUP1] = "set-up point", [MSG_SETUP2] = "set-up answer",
	[MSG_EXTEND] = "transfer of the payer's input", [MSG_CIRCUIT] = "garbled circuit",
	[MSG_OUTPUT] = "output labels", [MSG_DRAW] = "draw",
};

static void hash_rules(crypto_generichash_state *st, const struct nk_rules *r)
{
	int64_t v[] = { r->rounds, r->monotone, r->settle, r->band_bp, r->band_amount, r->grid,
			r->hint_count, r->range_low, r->range_high };
	uint8_t b[8];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]) + NK_HINTS_MAX; i++) {
		uint64_t x = i < sizeof(v) / sizeof(v[0]) ? (uint64_t)v[i]
			: r->hint_bp[i - sizeof(v) / sizeof(v[0])];

		for (int k = 0; k < 8; k++)
			b[k] = (uint8_t)(x >> (8 * k));
		crypto_generichash_update(st, b, sizeof(b));
	}
}

void blind_seed_commit(const struct nk_blind_party *p, enum nk_role role,
		       const uint8_t seed[static NK_SEED_BYTES], uint8_t out[static 32])
{
	crypto_generichash_state st;
	const uint8_t who = (uint8_t)role;

	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const uint8_t *)TAG_BLIND_COMMIT, sizeof(TAG_BLIND_COMMIT));
	crypto_generichash_update(&st, p->sid, sizeof(p->sid));
	crypto_generichash_update(&st, &who, 1);
	crypto_generichash_update(&st, seed, NK_SEED_BYTES);
	crypto_generichash_final(&st, out, 32);
}

enum nk_status nk_blind_rules_check(const struct nk_rules *rules, struct nk_error *err)
{
	enum nk_status rc = nk_rules_check(rules, err);

	if (rc != NK_OK)
		return rc;
	/* Everything else a figure case's rules say is computed blind. What is not, a
	 * deal-closer under the random rule, depends on a round's input and is refused
	 * there (nk_blind_begin). */
	return NK_OK;
}

/* Message sizes: every message of one kind in one case has the same size. */
static void sizes(struct nk_blind_party *p, uint32_t ands_max)
{
	const size_t frame = MSG_HEADER + MSG_CHECK;

	p->size[MSG_SETUP1] = frame + OT_POINT_BYTES + NK_BLIND_COMMIT_BYTES;
	p->size[MSG_SETUP2] = frame + (size_t)OT_BASE * OT_POINT_BYTES + NK_BLIND_COMMIT_BYTES;
	p->size[MSG_EXTEND] = frame + (size_t)OT_BASE * p->m / 8;
	p->size[MSG_CIRCUIT] = frame + (size_t)p->in_n[0] * GC_LABEL_BYTES +
			       (size_t)ands_max * GC_TABLE_BYTES + (OUT_COUNT + 7) / 8;
	p->size[MSG_OUTPUT] = frame + (size_t)OUT_TOLD_P * GC_LABEL_BYTES + NK_SEED_BYTES;
	p->size[MSG_DRAW] = frame + DRAW_BODY;
}

enum nk_status nk_blind_new(const struct nk_rules *rules, enum nk_role role,
			    const uint8_t session[static NK_BLIND_SESSION_BYTES],
			    struct nk_blind_party **out, struct nk_error *err)
{
	struct nk_blind_party *p;
	crypto_generichash_state st;
	enum nk_status rc;

	*out = NULL;
	if ((rc = nk_blind_rules_check(rules, err)) != NK_OK)
		return rc;
	if (role != NK_CLAIMANT && role != NK_PAYER)
		return nk_fail(err, NK_EINVAL, "role", "only the claimant and the payer compute a "
			       "blind round");
	if (sodium_init() < 0 || !(p = calloc(1, sizeof(*p))))
		return nk_fail(err, NK_ENOMEM, "", "out of memory for a blind round");
	p->rules = *rules;
	p->role = role;
	memcpy(p->sid, session, sizeof(p->sid));
	/* the largest round fixes every size */
	if (blind_circuit_build(&p->bc, rules, rules->rounds) != NK_OK) {
		free(p);
		return nk_fail(err, NK_ENOMEM, "", "out of memory for the round circuit");
	}
	p->in_n[0] = p->bc.in_n[0];
	p->in_n[1] = p->bc.in_n[1];
	p->m = (uint32_t)((p->in_n[1] + OT_BASE - 1) / OT_BASE * OT_BASE);
	sizes(p, p->bc.c.ands);
	blind_circuit_free(&p->bc);
	randombytes_buf(p->seed, sizeof(p->seed));
	blind_seed_commit(p, role, p->seed, p->commit);
	crypto_generichash_init(&st, NULL, 0, sizeof(p->th_setup));
	crypto_generichash_update(&st, (const uint8_t *)TAG_BLIND, sizeof(TAG_BLIND));
	crypto_generichash_update(&st, p->sid, sizeof(p->sid));
	hash_rules(&st, rules);
	crypto_generichash_final(&st, p->th_setup, sizeof(p->th_setup));
	memcpy(p->th, p->th_setup, sizeof(p->th));
	p->state = ST_SETUP;
	*out = p;
	return NK_OK;
}

void nk_blind_free(struct nk_blind_party *p)
{
	if (!p)
		return;
	blind_round_clear(p);
	sodium_memzero(p, sizeof(*p));
	free(p);
}

size_t nk_blind_message_max(const struct nk_blind_party *p)
{
	size_t m = 0;

	for (int k = MSG_SETUP1; k <= MSG_DRAW; k++)
		m = p->size[k] > m ? p->size[k] : m;
	return m;
}

/* Every message of a kind is exactly its kind's size, which sizes() takes from the rules
 * alone (the largest round's circuit), never from a figure; the sequence of kinds is
 * public. So a message goes as it is; anything else (none is) to the largest. */
size_t nk_blind_message_padded(const struct nk_blind_party *p, const uint8_t *msg, size_t len)
{
	int kind = len ? msg[0] : 0;

	return kind >= MSG_SETUP1 && kind <= MSG_DRAW && len <= p->size[kind] ? p->size[kind]
									    : nk_blind_message_max(p);
}

void nk_blind_seed_commitment(const struct nk_blind_party *p,
			      uint8_t out[static NK_BLIND_COMMIT_BYTES])
{
	memcpy(out, p->commit, NK_BLIND_COMMIT_BYTES);
}

void nk_blind_traffic(const struct nk_blind_party *p, uint64_t *sent, uint64_t *received)
{
	*sent = p->sent;
	*received = p->received;
}

bool nk_blind_done(const struct nk_blind_party *p)
{
	return p->done;
}

bool nk_blind_take_pin(struct nk_blind_party *p)
{
	bool fresh = p->pin_fresh;

	p->pin_fresh = false;
	return fresh;
}

enum nk_status nk_blind_outcome(const struct nk_blind_party *p, struct nk_blind_outcome *out,
				struct nk_error *err)
{
	if (!p->done)
		return nk_fail(err, NK_EINVAL, "round", "the round has not been computed");
	*out = p->outcome;
	return NK_OK;
}

enum nk_status nk_blind_draw_seed(const struct nk_blind_party *p,
				  uint8_t seed[static NK_SEED_BYTES], struct nk_error *err)
{
	if (!p->seed_known)
		return nk_fail(err, NK_EINVAL, "seed", "the seed is revealed only by a random "
			       "settlement");
	memcpy(seed, p->draw_seed, NK_SEED_BYTES);
	return NK_OK;
}

void nk_blind_decide(const struct nk_blind_party *p, int round, struct nk_blind_input *in)
{
	int64_t own[NK_ROUNDS_MAX];

	memset(in->allowed, 0, sizeof(in->allowed));
	if (round < 1 || round > p->rules.rounds || round > p->computed + 1)
		return;
	memcpy(own, p->figure, sizeof(own));
	own[round - 1] = in->figure;
	for (int s = 0; s < round; s++)
		in->allowed[s] = nk_bargain_hint_allowed(&p->rules, round, p->role, own, p->told,
							 s);
	sodium_memzero(own, sizeof(own));
}

/* --- framing ----------------------------------------------------------------------- */

static void check_of(const struct nk_blind_party *p, const uint8_t *msg, size_t len,
		     uint8_t tag[MSG_CHECK])
{
	crypto_generichash(tag, MSG_CHECK, msg, len, p->th, sizeof(p->th));
}

static void absorb(struct nk_blind_party *p, const uint8_t tag[MSG_CHECK])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, sizeof(p->th));
	crypto_generichash_update(&st, p->th, sizeof(p->th));
	crypto_generichash_update(&st, tag, MSG_CHECK);
	crypto_generichash_final(&st, p->th, sizeof(p->th));
}

uint8_t *blind_msg_start(struct nk_blind_party *p, int kind, uint8_t *out, size_t cap)
{
	if (cap < p->size[kind])
		return NULL;
	memset(out, 0, p->size[kind]);
	out[0] = (uint8_t)kind;
	out[1] = (uint8_t)p->round;
	for (int i = 0; i < 4; i++)
		out[2 + i] = (uint8_t)(p->attempt >> (8 * i));
	return out + MSG_HEADER;
}

size_t blind_msg_finish(struct nk_blind_party *p, int kind, uint8_t *out)
{
	const size_t body = p->size[kind] - MSG_CHECK;

	check_of(p, out, body, out + body);
	absorb(p, out + body);
	p->sent += p->size[kind];
	return p->size[kind];
}

uint32_t blind_msg_attempt(const uint8_t *in)
{
	return (uint32_t)in[2] | (uint32_t)in[3] << 8 | (uint32_t)in[4] << 16 |
	       (uint32_t)in[5] << 24;
}

const uint8_t *blind_msg_open(struct nk_blind_party *p, int kind, const uint8_t *in,
			      size_t len, struct nk_error *err)
{
	uint8_t tag[MSG_CHECK];
	size_t body;

	if (!in) {
		(void)nk_fail(err, NK_EINVAL, "message", "this side waits for the peer's %s",
			      kind_names[kind]);
		return NULL;
	}
	if (len != p->size[kind]) {
		(void)nk_fail(err, NK_ECORRUPT, "message", "the peer's %s is %zu bytes where this "
			      "case's are %zu (truncated or padded)", kind_names[kind], len,
			      p->size[kind]);
		return NULL;
	}
	if (in[0] != kind) {
		(void)nk_fail(err, NK_ECORRUPT, "message", "expected the peer's %s, got %s (out of "
			      "order)", kind_names[kind], in[0] >= MSG_SETUP1 && in[0] <= MSG_DRAW
			      ? kind_names[in[0]] : "an unknown kind");
		return NULL;
	}
	if (in[1] != p->round || blind_msg_attempt(in) != p->attempt) {
		(void)nk_fail(err, NK_ECORRUPT, "message", "the peer's %s belongs to round %u, "
			      "attempt %u, not round %d, attempt %u (replayed or out of order)",
			      kind_names[kind], in[1], blind_msg_attempt(in), p->round, p->attempt);
		return NULL;
	}
	body = len - MSG_CHECK;
	check_of(p, in, body, tag);
	if (crypto_verify_16(tag, in + body) != 0) {
		(void)nk_fail(err, NK_ECRYPTO, "message", "the peer's %s does not match this "
			      "round's transcript (altered, replayed or out of order)",
			      kind_names[kind]);
		return NULL;
	}
	absorb(p, tag);
	p->received += len;
	return in + MSG_HEADER;
}

/* --- set-up -------------------------------------------------------------------------- */

static enum nk_status setup_step(struct nk_blind_party *p, const uint8_t *in, size_t in_len,
				 uint8_t *out, size_t cap, size_t *out_len, struct nk_error *err)
{
	const uint8_t *body;
	uint8_t *w, choice[OT_BASE / 8];
	enum nk_status rc;

	if (p->role == NK_PAYER && !p->sent_setup) {	/* the payer opens: A, its commitment */
		if (in)
			return nk_fail(err, NK_EINVAL, "message", "the payer opens the set-up");
		if (!(w = blind_msg_start(p, MSG_SETUP1, out, cap)))
			return nk_fail(err, NK_EINVAL, "out", "the buffer is too small");
		ot_base_sender_start(&p->base);
		memcpy(w, p->base.A, OT_POINT_BYTES);
		memcpy(w + OT_POINT_BYTES, p->commit, NK_BLIND_COMMIT_BYTES);
		*out_len = blind_msg_finish(p, MSG_SETUP1, out);
		p->sent_setup = true;
		return NK_OK;
	}
	if (p->role == NK_PAYER) {
		if (!(body = blind_msg_open(p, MSG_SETUP2, in, in_len, err)))
			return err ? err->code : NK_ECORRUPT;
		rc = ot_base_sender_finish(&p->base, p->sid, body, p->k0, p->k1, err);
		sodium_memzero(&p->base, sizeof(p->base));
		if (rc != NK_OK)
			return rc;
		memcpy(p->peer_commit, body + (size_t)OT_BASE * OT_POINT_BYTES, 32);
		memcpy(p->th_setup, p->th, sizeof(p->th));
		p->state = ST_READY;
		return NK_OK;
	}
	if (!(body = blind_msg_open(p, MSG_SETUP1, in, in_len, err)))
		return err ? err->code : NK_ECORRUPT;
	if (!(w = blind_msg_start(p, MSG_SETUP2, out, cap)))
		return nk_fail(err, NK_EINVAL, "out", "the buffer is too small");
	memcpy(p->peer_commit, body + OT_POINT_BYTES, 32);
	/* delta: the free-XOR offset and the IKNP sender's secret; its lowest bit is 1 so
	 * that a label's lowest bit can serve point-and-permute */
	randombytes_buf(p->delta.w, sizeof(p->delta.w));
	p->delta.w[0] |= 1;
	randombytes_buf(p->label_key, sizeof(p->label_key));
	for (int i = 0; i < OT_BASE / 8; i++)
		choice[i] = (uint8_t)(p->delta.w[i / 8] >> (8 * (i % 8)));
	rc = ot_base_receive(p->sid, body, choice, w, p->k0, err);
	sodium_memzero(choice, sizeof(choice));
	if (rc != NK_OK)
		return rc;
	memcpy(w + (size_t)OT_BASE * OT_POINT_BYTES, p->commit, NK_BLIND_COMMIT_BYTES);
	*out_len = blind_msg_finish(p, MSG_SETUP2, out);
	memcpy(p->th_setup, p->th, sizeof(p->th));
	p->state = ST_READY;
	return NK_OK;
}

enum nk_status nk_blind_step(struct nk_blind_party *p, const uint8_t *in, size_t in_len,
			     uint8_t *out, size_t cap, size_t *out_len, struct nk_error *err)
{
	enum nk_status rc;

	*out_len = 0;
	switch (p->state) {
	case ST_SETUP:
		rc = setup_step(p, in, in_len, out, cap, out_len, err);
		if (rc != NK_OK) {
			*out_len = 0;
			p->state = ST_BROKEN;
		}
		return rc;
	case ST_READY:
		return nk_fail(err, NK_EINVAL, "round", "no round has been begun");
	case ST_BROKEN:
		return nk_fail(err, NK_EINVAL, "message", "the set-up failed; start the case's "
			       "set-up again");
	default:
		rc = blind_round_step(p, in, in_len, out, cap, out_len, err);
		if (rc != NK_OK) {
			*out_len = 0;
			blind_round_clear(p);
		}
		return rc;
	}
}
