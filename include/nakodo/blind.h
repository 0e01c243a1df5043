/* Operator-blind rounds (issue 16, doc/blind.md): the two parties' own machines compute a
 * round of a figure case between themselves by two-party computation (garbled circuits
 * over oblivious transfer), so that whoever relays their messages never sees a figure.
 * One nk_blind_party is one side's state for one case: set up once, then one round after
 * another. Messages have a fixed size per kind and case. Semi-honest security: see
 * doc/blind.md for what a cheating party can and cannot do. */
#ifndef NAKODO_BLIND_H
#define NAKODO_BLIND_H

#include <nakodo/bargain.h>
#include <nakodo/status.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NK_BLIND_SESSION_BYTES 32
#define NK_BLIND_COMMIT_BYTES 32
/* Draw messages of a random settlement, both ways, whatever the figures: the walk of
 * bargain.c's random_point() is padded to this count, which it exceeds with a chance
 * below 2^-150 for any figures (doc/blind.md, "The random rule"); it then goes on,
 * unpadded, to the plain engine's end. NK_BLIND_DRAW_MESSAGES_MAX bounds it: one message
 * per word of the draw's stream, the cap's answer and the first. */
#ifndef NK_BLIND_DRAW_MESSAGES	/* a test build may lower it, to go past it */
#define NK_BLIND_DRAW_MESSAGES 256
#endif
#define NK_BLIND_DRAW_MESSAGES_MAX 4100

struct nk_blind_party;

/* Can a case under these rules be computed blind? nk_rules_check's answer, then what a
 * blind round cannot keep, each refused with its reason. */
NK_MUST_USE enum nk_status nk_blind_rules_check(const struct nk_rules *rules,
						struct nk_error *err);

/* A new side (NK_CLAIMANT garbles, NK_PAYER evaluates) for the case whose session id both
 * sides share (e.g. a hash of the case id and both parties' keys). The caller frees it
 * with nk_blind_free. */
NK_MUST_USE enum nk_status nk_blind_new(const struct nk_rules *rules, enum nk_role role,
					const uint8_t session[static NK_BLIND_SESSION_BYTES],
					struct nk_blind_party **out, struct nk_error *err);
void nk_blind_free(struct nk_blind_party *party);

/* The largest message this side can write or read, for its buffers. */
size_t nk_blind_message_max(const struct nk_blind_party *party);
/* The size a message of this side's (msg[len], from nk_blind_step) is padded to on the
 * wire: its kind's, fixed by the case's rules and never by a figure (each message already
 * has it). The sequence of kinds is public (set-up, extension, circuit, output, and the
 * draws of a random settlement in a fixed count), so a size per kind tells the go-between
 * nothing the rules and the outcome do not. */
size_t nk_blind_message_padded(const struct nk_blind_party *party, const uint8_t *msg,
			       size_t len);

/* This side's commitment to its share of the random rule's seed, published with the
 * case (the share is revealed only when a round settles under the random rule). */
void nk_blind_seed_commitment(const struct nk_blind_party *party,
			      uint8_t out[static NK_BLIND_COMMIT_BYTES]);

/* What one side puts into a round. allowed[s] says whether this side may be told the
 * hint band if the round fails, given what it knows, in case the other side's figure
 * has been this round's since round s and not before (s = 0: none of the earlier
 * rounds'); the circuit picks the entry the other's figures make true (the earliest
 * round whose figure is this round's), which this side never learns. */
struct nk_blind_input {
	int64_t figure;		/* the demand (claimant) or the offer (payer) */
	int64_t extension;	/* deal-closer, 0 if none */
	bool allowed[NK_ROUNDS_MAX];
};

/* Fills in->allowed[0..round-1] for this side's figure in->figure in round (the round
 * after the last it computed): each entry the plain round's decision under its
 * hypothesis, from this side's own figures and the bands it was told
 * (nk_bargain_hint_allowed); all false when the rules tell no hint. */
void nk_blind_decide(const struct nk_blind_party *party, int round,
		     struct nk_blind_input *in);

/* Starts round (1-based) with this side's input: the round after the last this party
 * computed. A round that failed or was interrupted may be begun again; one computed may
 * not (its figures tried again would tell more than the rules allow). */
NK_MUST_USE enum nk_status nk_blind_begin(struct nk_blind_party *party, int round,
					  const struct nk_blind_input *input,
					  struct nk_error *err);

/* One step: reads the peer's message (in NULL when this side speaks first), writes this
 * side's next message to out[cap] (*out_len = 0 when there is none to send). On failure
 * the round is abandoned, nothing of it kept, and err says why. */
NK_MUST_USE enum nk_status nk_blind_step(struct nk_blind_party *party, const uint8_t *in,
					 size_t in_len, uint8_t *out, size_t cap,
					 size_t *out_len, struct nk_error *err);

/* Has the round's outcome been computed (the set-up alone computes none)? */
bool nk_blind_done(const struct nk_blind_party *party);

/* Did the last step pin the other side's message of the round (doc/blind.md, "A round
 * run again")? Then the side's state is to be saved before its answer is sent, so that
 * a rerun is held to the pin. Clears the mark. */
bool nk_blind_take_pin(struct nk_blind_party *party);
/* The claimant's pin of the payer's transfer in[in_len] taken before the step that
 * answers it (the garbling), so that the client can make the pin durable while the step
 * computes and wait for it only before it sends the answer (doc/blind.md, "Fewer
 * crossings"); nk_blind_take_pin then says whether it is new. The step takes the same
 * bytes again, checked against the pin. Nothing for the payer, or outside the claimant's
 * wait for the transfer. On failure the round is abandoned, as the step's. */
NK_MUST_USE enum nk_status nk_blind_pin_ahead(struct nk_blind_party *party,
					      const uint8_t *in, size_t in_len,
					      struct nk_error *err);

/* A round's outcome as this side knows it: the public part (deal and settlement) and its
 * own hint, as nk_bargain_round's result would give them. */
struct nk_blind_outcome {
	enum nk_deal_kind deal;
	int64_t figure;		/* when deal != NK_NO_DEAL */
	int hint;		/* the band told to this side, or -1 */
	bool withheld;		/* a hint was due but not allowed */
};

NK_MUST_USE enum nk_status nk_blind_outcome(const struct nk_blind_party *party,
					    struct nk_blind_outcome *out, struct nk_error *err);

/* The random rule's seed, both shares revealed (after a random settlement): the seed
 * under which nk_bargain_round draws the same settlement. */
NK_MUST_USE enum nk_status nk_blind_draw_seed(const struct nk_blind_party *party,
					      uint8_t seed[static NK_SEED_BYTES],
					      struct nk_error *err);
/* The check of a random settlement's seed, as a party makes it afterwards from its saved
 * state (nakodo verify --draw): both shares match the commitments exchanged at the
 * set-up, before any figure, and the seed is the one both derive from them; NK_ECRYPTO
 * naming the share that does not. Gives the seed of the last round computed. */
NK_MUST_USE enum nk_status nk_blind_draw_check(const struct nk_blind_party *party,
					       uint8_t seed[static NK_SEED_BYTES],
					       struct nk_error *err);

/* This side's state between two runs of its client (it holds its figures): between
 * rounds or with a round begun (the input it is bound to kept), never mid-set-up.
 * Encrypted and authenticated with a key derived from this side's secret key, bound to
 * the case's session, the role, generation (the client's count of its saves, so that of
 * two copies the newer is known) and slot (which copy of the client's file it is), so
 * that no one without the secret key can make a state the client accepts. Always
 * nk_blind_saved_bytes(rules) bytes for a case's rules, whatever its rounds computed.
 * *out is malloc'd; free() it. */
struct nk_party_key;
NK_MUST_USE enum nk_status nk_blind_save(const struct nk_blind_party *party,
					 const struct nk_party_key *key, uint64_t generation,
					 unsigned slot, uint8_t **out, size_t *out_len,
					 struct nk_error *err);
size_t nk_blind_saved_bytes(const struct nk_rules *rules);
/* A side saved by nk_blind_save, for the same rules, role, session and slot, opened with
 * the same key, and its generation (may be NULL); NK_ECRYPTO when it was not made so
 * (forged with the public key alone, moved to the other slot, another case's or role's,
 * damaged), NK_EINVAL when its rules are another's. */
NK_MUST_USE enum nk_status nk_blind_load(const struct nk_rules *rules, enum nk_role role,
					 const uint8_t session[static NK_BLIND_SESSION_BYTES],
					 const struct nk_party_key *key, unsigned slot,
					 const uint8_t *in, size_t len, uint64_t *generation,
					 struct nk_blind_party **out, struct nk_error *err);

/* Bytes this side has sent and received so far. */
void nk_blind_traffic(const struct nk_blind_party *party, uint64_t *sent, uint64_t *received);

#endif
