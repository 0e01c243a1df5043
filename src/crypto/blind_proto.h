/* Internal to crypto/: one side's state in the blind protocol, shared by blind.c (set-up,
 * framing) and blind_round.c (the round and the draw). */
#ifndef NAKODO_CRYPTO_BLIND_PROTO_H
#define NAKODO_CRYPTO_BLIND_PROTO_H

#include "crypto/blind_impl.h"
#include "crypto/ot.h"

#include <nakodo/blind.h>

#define TAG_BLIND "nakodo/blind/v1"
#define TAG_BLIND_COMMIT "nakodo/blind-seed/v1"
#define TAG_BLIND_DRAW "nakodo/blind-draw-seed/v1"
#define TAG_BLIND_PIN "nakodo/blind-pin/v1"
#define TAG_BLIND_LABELS "nakodo/blind-labels/v1"
#define MSG_HEADER 6	/* kind, round, attempt (32 bits, little-endian) */
#define MSG_CHECK 16
/* A draw message's body: the sender's seed share, the count of draws it rejects (32 bits),
 * flags, and the cap's figure index (64 bits), all little-endian (blind_draw.c). */
#define DRAW_BODY (NK_SEED_BYTES + 4 + 1 + 8)

enum { MSG_SETUP1 = 1, MSG_SETUP2, MSG_EXTEND, MSG_CIRCUIT, MSG_OUTPUT, MSG_DRAW };

enum blind_state {
	ST_SETUP, ST_READY, ST_BROKEN,
	ST_BEGUN,		/* payer: sends its transfer; claimant: waits for it */
	ST_WAIT_CIRCUIT,	/* payer */
	ST_WAIT_OUTPUT,		/* claimant */
	ST_DRAW,		/* both: the random rule's public draw */
};

struct nk_blind_party {
	struct nk_rules rules;
	enum nk_role role;
	enum blind_state state;
	uint8_t sid[NK_BLIND_SESSION_BYTES];
	uint8_t th_setup[32], th[32];	/* transcript hashes */
	size_t size[MSG_DRAW + 1];
	int in_n[2];
	uint32_t m;			/* IKNP transfers per round */
	uint64_t sent, received;

	/* set-up */
	bool sent_setup;
	struct ot_base_sender base;	/* payer, until the set-up ends */
	uint8_t k0[OT_BASE][OT_SEED_BYTES], k1[OT_BASE][OT_SEED_BYTES]; /* claimant: k0 */
	struct gc_label delta;		/* claimant */
	uint8_t seed[NK_SEED_BYTES], commit[32], peer_commit[32];

	/* figures and their labels of the rounds computed ([round - 1]) */
	int computed;
	int64_t figure[NK_ROUNDS_MAX];
	int told[NK_ROUNDS_MAX];	/* the band this side was told, or -1 */
	struct gc_label carried[NK_ROUNDS_MAX][2][BLIND_FIG_BITS];

	/* the round under way */
	int round;
	uint32_t attempt;
	struct nk_blind_input input;
	/* the input the last round begun (pending_round) is bound to: a retry, or a
	 * recomputation for a peer that missed the end, takes the same */
	bool pending;
	int pending_round;
	struct nk_blind_input pending_input;
	struct blind_circuit bc;
	bool built;
	struct gc_label *label;		/* claimant: 0-labels; payer: active labels */
	uint8_t bit[OUT_COUNT];
	bool done;
	struct nk_blind_outcome outcome;

	/* the random rule's draw (blind_draw.c) */
	bool seed_known;
	uint8_t draw_seed[NK_SEED_BYTES], peer_seed[NK_SEED_BYTES];	/* peer's share */
	int64_t lo, hi, step, zone;	/* zone: the claimant's low or the payer's high end */
	uint32_t counter;
	int64_t k;			/* the draw under way */
	bool capped;			/* the stream ended before a draw landed in the zone */
	bool settled;			/* the walk is over; what is left of the count is padding */
	bool answer_cap;		/* the peer's cap is to be answered with the figure */
	uint32_t draw_msgs;		/* draw messages of this round so far, both ways */

	/* The pins of the round last begun (doc/blind.md, "A round run again"): the attempt
	 * the payer's transfer of it used, and a hash of the other side's input-carrying
	 * message as first received (the claimant pins the payer's transfer, the payer the
	 * claimant's circuit). A rerun must bring the same message or is refused. */
	int pin_round;
	uint32_t pin_attempt;		/* 0: none yet */
	bool peer_pinned;
	bool pin_fresh;			/* pinned by the last step: to be saved before answering */
	uint8_t pin_peer[32];
	uint8_t label_key[32];		/* claimant: drawn at the set-up, keys its own labels */
};

void blind_seed_commit(const struct nk_blind_party *p, enum nk_role role,
		       const uint8_t seed[static NK_SEED_BYTES], uint8_t out[static 32]);
uint8_t *blind_msg_start(struct nk_blind_party *p, int kind, uint8_t *out, size_t cap);
size_t blind_msg_finish(struct nk_blind_party *p, int kind, uint8_t *out);
const uint8_t *blind_msg_open(struct nk_blind_party *p, int kind, const uint8_t *in,
			      size_t len, struct nk_error *err);
uint32_t blind_msg_attempt(const uint8_t *in);

NK_MUST_USE enum nk_status blind_round_step(struct nk_blind_party *p, const uint8_t *in,
					    size_t in_len, uint8_t *out, size_t cap,
					    size_t *out_len, struct nk_error *err);
void blind_round_clear(struct nk_blind_party *p);
/* The other side's input-carrying message of the round (kind, its body): pinned at its
 * first receipt, compared with the pin after; NK_EREFUSED when it changed. */
NK_MUST_USE enum nk_status blind_pin_peer(struct nk_blind_party *p, int kind,
					  const uint8_t *body, struct nk_error *err);
/* The round computed: its figures' labels carried, the round's work wiped. */
void blind_round_finish(struct nk_blind_party *p);

/* The random rule's draw (blind_draw.c). The claimant opens it with the payer's share,
 * received with the output labels; then each side answers the other's draw message. */
NK_MUST_USE enum nk_status blind_draw_open(struct nk_blind_party *p,
					   const uint8_t peer_share[NK_SEED_BYTES], uint8_t *out,
					   size_t cap, size_t *out_len, struct nk_error *err);
NK_MUST_USE enum nk_status blind_draw_step(struct nk_blind_party *p, const uint8_t *in,
					   size_t in_len, uint8_t *out, size_t cap,
					   size_t *out_len, struct nk_error *err);
/* Forgets the rounds computed, keeping the set-up: for tests and benchmarks that run many
 * first rounds over one set-up. A party of a real case never does (nk_blind_begin
 * refuses a round computed already, which is what keeps figures from being tried again). */
void blind_forget_rounds(struct nk_blind_party *p);

/* A side's state as nk_blind_save writes it before it is sealed: the layout's tag, the
 * layout, the generation, and the struct's saved spans (blind_state.c). *out is
 * sodium_malloc'd: sodium_free() it. */
NK_MUST_USE enum nk_status blind_state_plain(const struct nk_blind_party *p,
					     uint64_t generation, uint8_t **out,
					     size_t *out_len, struct nk_error *err);

#endif
