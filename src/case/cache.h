/* Internal to case/: the cache of folded case states (cache.c) and the state a write
 * transaction keeps current beside it (pending.c). */
#ifndef NAKODO_CASE_CACHE_H
#define NAKODO_CASE_CACHE_H
#include "case/case_impl.h"

/* Copies the cached state of case id into *out when the cache holds it folded up to
 * exactly event seq whose chain hash is chain (the store's last event, read in the
 * same transaction); false otherwise. */
bool case_cache_get(struct nk_case_cache *c, const char *id, int64_t seq,
		    const uint8_t chain[static NK_CHAIN_BYTES], struct case_state *out);
/* Before the write turn (case_ahead_prepare): copies the state the cache keeps for case
 * id into *out, whatever its last event, with that event's number and chain hash; false
 * when it keeps none. Counts nothing: the state is used only once
 * the transaction has read the same last event from the store (case_ahead_state), and
 * case_cache_used then counts the hit. */
bool case_cache_peek(struct nk_case_cache *c, const char *id, struct case_state *out,
		     int64_t *seq, uint8_t chain[static NK_CHAIN_BYTES]);
/* A state taken by case_cache_peek served the transaction: counted as a hit, and the
 * entry, if still at event seq (chain), made the most recent. */
void case_cache_used(struct nk_case_cache *c, const char *id, int64_t seq,
		     const uint8_t chain[static NK_CHAIN_BYTES]);
/* The replay of a case of figures' first rounds (figure_case.c, case_replay_figures):
 * each round's sealed figures opened and its result, with the case's seed. As
 * confidential as the figures: kept only beside the case's state, wiped with it. */
struct case_replay {
	int rounds;		/* rounds 1..rounds held */
	bool has_seed;
	uint8_t seed[NK_SEED_BYTES];
	struct nk_round_figures figures[NK_ROUNDS_MAX];
	struct nk_round_result results[NK_ROUNDS_MAX];
};

/* Keeps st as case st->id folded up to event seq (chain), with the rounds of replay
 * (NULL: none) that st's log has evaluated, unless the case has ended (then whatever
 * was kept is wiped and dropped). Evicts the least recently used. */
void case_cache_put(struct nk_case_cache *c, const struct case_state *st, int64_t seq,
		    const uint8_t chain[static NK_CHAIN_BYTES], const struct case_replay *replay);

/* cache.c's entries as pending.c reads and fills them. case_cache_held copies rounds
 * 1..min(count, held) of the replay kept with case id's entry while it is at event seq
 * (chain), and its seed (*has_seed); with open, also the amounts of the open round it
 * holds (bit s of *open_held: slot s, in open[s]); returns the rounds copied, -1 when no
 * entry is at that event. case_cache_keep_replay gives such an entry rounds 1..count of a
 * replay (as far as its state has evaluated them) when it holds fewer.
 * case_cache_put_open is case_cache_put keeping the open round's amounts with the entry
 * (bit s of open_held: open[s]). */
int case_cache_held(struct nk_case_cache *c, const char *id, int64_t seq,
		    const uint8_t chain[static NK_CHAIN_BYTES], int count,
		    struct nk_round_figures *figures, struct nk_round_result *results,
		    uint8_t seed[static NK_SEED_BYTES], bool *has_seed, int64_t *open,
		    uint8_t *open_held);
void case_cache_keep_replay(struct nk_case_cache *c, const char *id, int64_t seq,
			    const uint8_t chain[static NK_CHAIN_BYTES], int count,
			    const struct nk_round_figures *figures,
			    const struct nk_round_result *results,
			    const uint8_t seed[static NK_SEED_BYTES]);

/* Copies into figures[] and results[] rounds 1..n (n <= count) of the replay held for
 * st's case, and into seed its seed when held (*has_seed); returns n (0: none). Held
 * with this thread's pending state of that case (begun with what the cache kept for
 * the state loaded), or, in a read snapshot, with the cache's entry while it is still
 * at the event the snapshot loaded (case_snapshot_loaded). */
int case_replay_held(const struct nk_case_env *env, const struct case_state *st, int count,
		     struct nk_round_figures *figures, struct nk_round_result *results,
		     uint8_t seed[static NK_SEED_BYTES], bool *has_seed);
/* The figure role sealed for round (the claimant's demand, the payer's offer) as the
 * replay held with this thread's pending state of st's case has it, into *out; false
 * when that round is not held (then it is opened from the store, which holds it). */
bool case_replay_figure_held(const struct case_state *st, int round, enum nk_role role,
			     int64_t *out);
/* Keeps rounds 1..count of st's replay and the seed where case_replay_held looks: in the
 * pending state (put in the cache with it on a commit, as far as the log then has
 * evaluated them), or in the snapshot's entry (as far as its state has). */
void case_replay_keep(const struct nk_case_env *env, const struct case_state *st, int count,
		      const struct nk_round_figures *figures,
		      const struct nk_round_result *results,
		      const uint8_t seed[static NK_SEED_BYTES]);
/* Amounts sealed (case_put_amount) inside this thread's pending transaction on case id,
 * at most CASE_PENDING_SEALED of them, read back without opening them again: a party's
 * figure is read back in the transaction that seals it, by the evaluation of the round
 * it completes or by the answer's briefing. A commit keeps those of the open round
 * (figures and deal-closers: CASE_OPEN_SLOTS) with the cache's entry, and a transaction
 * that begins from that entry holds them too: the evaluation of a round does not open
 * the other side's figure sealed by the commit before. Kept and wiped with the pending
 * state and the entry (never with an ended case), and forgotten at once when the
 * transaction purges the case's secrets (case_pending_purged).
 * case_pending_unsealed is false for a name not kept. */
#define CASE_OPEN_SLOTS 4
#define CASE_PENDING_SEALED (CASE_OPEN_SLOTS + 4)
/* figure_case.c: the round whose amounts an entry holds (0: none), their names by slot
 * (case_secret_name's), and the slot of such a name (-1: another name or round). */
int case_open_round(const struct case_state *st);
void case_open_name(char out[static NK_SECRET_NAME_MAX], int s, int round);
int case_open_slot(const char *name, int round);
/* Whether this thread's pending transaction on st's case holds the replay of rounds
 * 1..count (no sealed figure of them to open). */
bool case_pending_replay_holds(const struct case_state *st, int count);
void case_cache_put_open(struct nk_case_cache *c, const struct case_state *st, int64_t seq,
			 const uint8_t chain[static NK_CHAIN_BYTES],
			 const struct case_replay *replay,
			 const int64_t open[static CASE_OPEN_SLOTS], uint8_t open_held);
void case_pending_sealed(const char *id, const char *name, int64_t amount);
bool case_pending_unsealed(const char *id, const char *name, int64_t *out);
void case_pending_purged(const char *id);
/* A read snapshot loaded case id folded up to event seq (chain; seq 0: an unlinked log,
 * which the cache does not keep). */
void case_snapshot_loaded(const char *id, int64_t seq, const uint8_t chain[static NK_CHAIN_BYTES]);

/* This thread's write transaction on a case: begun by case_load with the state it
 * loaded, advanced by case_append with every event appended, and on a commit put in
 * the cache (case_finish) when there is one; anything else ends it unused. Wiped at
 * the end. */
void case_pending_begin(const struct nk_case_env *env, const struct case_state *st,
			int64_t seq, const uint8_t chain[static NK_CHAIN_BYTES]);
void case_pending_append(const struct nk_case_env *env, const char *id,
			 const struct nk_event *ev, const json_t *body);
void case_pending_end(const struct nk_case_env *env, bool committed);
/* Before the write turn (case_ahead_prepare): the pending state filled as
 * case_pending_begin would fill it from st at event seq (chain), with what the cache
 * keeps beside it, but not begun. case_pending_begin then only begins it when the state
 * loaded in the transaction is of that case at that very event (the store's, read in
 * it); else it fills it again. case_pending_unprime wipes one not begun (the command
 * ended before), as case_pending_end does.
 * case_pending_prime_round: when the primed state's open round is completed by role's
 * figure amount, and the replay of every round before it, the seed and the other side's
 * amounts of the round are held, evaluates that round (nk_bargain_round, as
 * case_replay_figures would in the transaction) and holds it with the replay, as the
 * evaluation's replay would have kept it; its result into *out. False, with nothing
 * changed, otherwise. The replay held then runs one round past the state's: only a
 * commit whose log has evaluated the round keeps it (case_cache_put's replay, as far as
 * the log has evaluated), and the figure it holds is the one the transaction seals,
 * since the transaction submits amount at that very state or does not use it. */
void case_pending_prime(const struct nk_case_env *env, const struct case_state *st,
			int64_t seq, const uint8_t chain[static NK_CHAIN_BYTES]);
void case_pending_unprime(void);
bool case_pending_prime_round(enum nk_role role, int64_t amount, struct nk_round_result *out);
/* After a commit that succeeded: puts the pending state in the cache now, which
 * case_pending_end then does not do again, so that the case's next writer finds it
 * while this thread still reads the state (the answer's briefing, act_brief.c). */
void case_pending_keep(const struct nk_case_env *env);
/* The pending state of case id with every event appended so far folded in; NULL when
 * there is none (an unlinked log, an event that did not fold, another case). */
const struct case_state *case_pending_state(const char *id);
/* The last event of case id (its number and chain hash) as this thread's pending state
 * holds it: what the store holds, in that transaction; false when there is none. */
bool case_pending_last(const char *id, int64_t *seq, uint8_t chain[static NK_CHAIN_BYTES]);
#endif
