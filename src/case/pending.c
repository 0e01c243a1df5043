/* This thread's write transaction on a case, beside the cache of folded states
 * (cache.c): the state loaded, with every event appended folded in as it is written
 * (never read back), the replay of its evaluated rounds and the amounts sealed in it;
 * put in the cache once the commit is durable, wiped at the end either way. And the
 * case and last event of this thread's latest read snapshot, which the cache's entry
 * must still be at for its replay to serve. As confidential as the figures they hold:
 * thread-local, wiped, never logged. Split from cache.c, which keeps the entries. */
#include "case/cache.h"
#include "case/figure_kind.h"

#include <sodium.h>
#include <string.h>

/* The write transaction of this thread (one at a time per thread, as the store's). */
static _Thread_local struct {
	bool active;
	bool primed;		/* filled before the turn, not yet begun (case_pending_prime) */
	bool kept;		/* put in the cache already (case_pending_keep) */
	int64_t seq;
	uint8_t chain[NK_CHAIN_BYTES];
	struct case_state st;
	struct case_replay replay;
	/* the amounts this transaction sealed (case_put_amount), by name */
	int sealed_count;
	struct {
		char name[NK_SECRET_NAME_MAX];
		int64_t amount;
	} sealed[CASE_PENDING_SEALED];
} pending;

/* The state this thread's latest read snapshot loaded (case_snapshot_loaded): its case
 * and last event, which the cache's entry must still be at for its replay to serve. */
static _Thread_local struct {
	bool active;
	char id[NK_CASE_ID_MAX];
	int64_t seq;
	uint8_t chain[NK_CHAIN_BYTES];
} snap;

/* Wipes what the pending state holds: of the replay, what was used, without the cost of
 * wiping all its rounds. */
static void wipe(void)
{
	struct case_replay *r = &pending.replay;

	sodium_memzero(r->figures, (size_t)r->rounds * sizeof(r->figures[0]));
	sodium_memzero(r->results, (size_t)r->rounds * sizeof(r->results[0]));
	sodium_memzero(r->seed, sizeof(r->seed));
	r->rounds = 0;
	r->has_seed = false;
	sodium_memzero(pending.sealed, sizeof(pending.sealed));
	pending.sealed_count = 0;
	sodium_memzero(&pending.st, sizeof(pending.st));
	pending.active = false;
	pending.primed = false;
	pending.kept = false;
	pending.seq = 0;
}

/* The pending state of st at event seq (chain), with what the cache keeps beside it. */
static void fill(const struct nk_case_env *env, const struct case_state *st, int64_t seq,
		 const uint8_t chain[static NK_CHAIN_BYTES])
{
	int64_t open[CASE_OPEN_SLOTS];
	uint8_t open_held = 0;
	int n;

	if (pending.active || pending.primed)
		wipe();
	/* kept without a cache too: the case's summary reads it (summary.c) */
	memcpy(&pending.st, st, sizeof(pending.st));
	pending.seq = seq;
	pending.kept = false;
	memcpy(pending.chain, chain, NK_CHAIN_BYTES);
	pending.replay.rounds = 0;
	pending.replay.has_seed = false;
	sodium_memzero(pending.sealed, sizeof(pending.sealed));
	pending.sealed_count = 0;
	/* the replay kept with the state loaded, if it was kept */
	if (env->cache && (n = case_cache_held(env->cache, st->id, seq, chain, NK_ROUNDS_MAX,
					       pending.replay.figures, pending.replay.results,
					       pending.replay.seed, &pending.replay.has_seed,
					       open, &open_held)) >= 0) {
		pending.replay.rounds = n;
		/* the open round's amounts, read back as if sealed in this one */
		for (int s = 0, r = case_open_round(st); r && s < CASE_OPEN_SLOTS; s++)
			if (open_held & (1u << s)) {
				case_open_name(pending.sealed[pending.sealed_count].name, s, r);
				pending.sealed[pending.sealed_count++].amount = open[s];
			}
		sodium_memzero(open, sizeof(open));
	}
}

void case_pending_begin(const struct nk_case_env *env, const struct case_state *st,
			int64_t seq, const uint8_t chain[static NK_CHAIN_BYTES])
{
	/* filled before the turn from the very state loaded (the same event, read from the
	 * store in this transaction: case_ahead_state), and untouched since */
	if (!(pending.primed && pending.seq == seq && strcmp(pending.st.id, st->id) == 0 &&
	      sodium_memcmp(pending.chain, chain, NK_CHAIN_BYTES) == 0))
		fill(env, st, seq, chain);
	pending.primed = false;
	pending.active = true;
}

void case_pending_prime(const struct nk_case_env *env, const struct case_state *st,
			int64_t seq, const uint8_t chain[static NK_CHAIN_BYTES])
{
	fill(env, st, seq, chain);
	pending.primed = seq > 0;
	if (!pending.primed)
		wipe();
}

void case_pending_unprime(void)
{
	if (pending.primed && !pending.active)
		wipe();
}

/* The amount held for slot s of the open round r (the figures and deal-closers sealed
 * by the commits before, as the cache's entry kept them); false when not held. */
static bool open_amount(int s, int r, int64_t *out)
{
	char name[NK_SECRET_NAME_MAX];

	case_open_name(name, s, r);
	for (int i = 0; i < pending.sealed_count; i++)
		if (strcmp(pending.sealed[i].name, name) == 0) {
			*out = pending.sealed[i].amount;
			return true;
		}
	return false;
}

bool case_pending_prime_round(enum nk_role role, int64_t amount, struct nk_round_result *out)
{
	struct case_replay *rp = &pending.replay;
	const struct case_state *st = &pending.st;
	const int r = case_open_round(st);
	struct nk_round_figures *f;
	struct nk_error ignored = { 0 };
	const struct case_round *round;

	if (!pending.primed || pending.active || r < 1 || (role != NK_CLAIMANT && role != NK_PAYER) ||
	    st->state != NK_STATE_OPEN || rp->rounds != r - 1 || !rp->has_seed)
		return false;
	round = &st->fig.rounds[r - 1];
	if (round->submitted[role] || !round->submitted[!role])
		return false;
	f = &rp->figures[r - 1];
	memset(f, 0, sizeof(*f));
	if (!open_amount(!role, r, role == NK_CLAIMANT ? &f->offer : &f->demand) ||
	    (round->extended[NK_CLAIMANT] && !open_amount(2, r, &f->claimant_extension)) ||
	    (round->extended[NK_PAYER] && !open_amount(3, r, &f->payer_extension)))
		goto none;
	if (role == NK_CLAIMANT)
		f->demand = amount;
	else
		f->offer = amount;
	if (nk_bargain_round(&st->fig.rules, r, rp->figures, rp->results, rp->seed, &ignored) !=
	    NK_OK)
		goto none;
	rp->rounds = r;
	*out = rp->results[r - 1];
	return true;
none:
	sodium_memzero(f, sizeof(*f));
	sodium_memzero(&rp->results[r - 1], sizeof(rp->results[r - 1]));
	return false;
}

/* Folds an event just appended; one that is not the next of the case, or does not
 * fold, ends the pending state unused (the next command loads the log). */
void case_pending_append(const struct nk_case_env *env, const char *id,
			 const struct nk_event *ev, const json_t *body)
{
	if (!pending.active)
		return;
	if (strcmp(pending.st.id, id) != 0 || ev->seq != pending.seq + 1 || !ev->linked ||
	    case_fold_event_body(&pending.st, ev, body, NULL) != NK_OK) {
		case_pending_end(env, false);
		return;
	}
	pending.seq = ev->seq;
	memcpy(pending.chain, ev->chain, NK_CHAIN_BYTES);
}

/* Puts the pending state in the cache, with its replay and the amounts of its open round
 * that the transaction holds (sealed in it, or held by the entry it began from). */
static void put_committed(struct nk_case_cache *c)
{
	int64_t open[CASE_OPEN_SLOTS] = { 0 };
	uint8_t open_held = 0;
	int round = case_open_round(&pending.st), s;

	for (int i = 0; round && i < pending.sealed_count; i++)
		if ((s = case_open_slot(pending.sealed[i].name, round)) >= 0) {
			open[s] = pending.sealed[i].amount;
			open_held |= (uint8_t)(1u << s);
		}
	case_cache_put_open(c, &pending.st, pending.seq, pending.chain, &pending.replay, open,
			    open_held);
	sodium_memzero(open, sizeof(open));
}

void case_pending_keep(const struct nk_case_env *env)
{
	if (!pending.active || !env->cache || pending.kept)
		return;
	put_committed(env->cache);
	pending.kept = true;
}

void case_pending_end(const struct nk_case_env *env, bool committed)
{
	if (!pending.active && !pending.primed)
		return;
	if (pending.active && committed && env->cache && !pending.kept)
		put_committed(env->cache);
	wipe();
}

const struct case_state *case_pending_state(const char *id)
{
	return pending.active && strcmp(pending.st.id, id) == 0 ? &pending.st : NULL;
}

bool case_pending_last(const char *id, int64_t *seq, uint8_t chain[static NK_CHAIN_BYTES])
{
	if (!pending.active || strcmp(pending.st.id, id) != 0)
		return false;
	*seq = pending.seq;
	memcpy(chain, pending.chain, NK_CHAIN_BYTES);
	return true;
}

void case_snapshot_loaded(const char *id, int64_t seq, const uint8_t chain[static NK_CHAIN_BYTES])
{
	snap.active = seq > 0;
	case_copy_text(snap.id, sizeof(snap.id), id);
	snap.seq = seq;
	memcpy(snap.chain, chain, NK_CHAIN_BYTES);
}

static bool in_pending(const struct case_state *st)
{
	return pending.active && strcmp(pending.st.id, st->id) == 0;
}

static bool in_snapshot(const struct nk_case_env *env, const struct case_state *st)
{
	return env->cache && snap.active && strcmp(snap.id, st->id) == 0;
}

int case_replay_held(const struct nk_case_env *env, const struct case_state *st, int count,
		     struct nk_round_figures *figures, struct nk_round_result *results,
		     uint8_t seed[static NK_SEED_BYTES], bool *has_seed)
{
	const struct case_replay *r = &pending.replay;
	int n = 0;

	*has_seed = false;
	if (count < 1 || count > NK_ROUNDS_MAX)
		return 0;
	if (in_pending(st)) {
		n = r->rounds < count ? r->rounds : count;
		memcpy(figures, r->figures, (size_t)n * sizeof(figures[0]));
		memcpy(results, r->results, (size_t)n * sizeof(results[0]));
		if ((*has_seed = r->has_seed))
			memcpy(seed, r->seed, NK_SEED_BYTES);
	} else if (in_snapshot(env, st) &&
		   (n = case_cache_held(env->cache, st->id, snap.seq, snap.chain, count, figures,
					results, seed, has_seed, NULL, NULL)) < 0) {
		n = 0;
	}
	return n;
}

bool case_replay_figure_held(const struct case_state *st, int round, enum nk_role role,
			     int64_t *out)
{
	const struct case_replay *r = &pending.replay;

	if (!in_pending(st) || round < 1 || round > r->rounds ||
	    (role != NK_CLAIMANT && role != NK_PAYER))
		return false;
	*out = role == NK_CLAIMANT ? r->figures[round - 1].demand : r->figures[round - 1].offer;
	return true;
}

bool case_pending_replay_holds(const struct case_state *st, int count)
{
	return in_pending(st) && pending.replay.rounds >= count;
}

void case_replay_keep(const struct nk_case_env *env, const struct case_state *st, int count,
		      const struct nk_round_figures *figures,
		      const struct nk_round_result *results,
		      const uint8_t seed[static NK_SEED_BYTES])
{
	struct case_replay *r = &pending.replay;

	if (count < 1 || count > NK_ROUNDS_MAX)
		return;
	if (in_pending(st)) {
		if (count > r->rounds) {
			memcpy(r->figures, figures, (size_t)count * sizeof(figures[0]));
			memcpy(r->results, results, (size_t)count * sizeof(results[0]));
			r->rounds = count;
		}
		memcpy(r->seed, seed, NK_SEED_BYTES);
		r->has_seed = true;
	} else if (in_snapshot(env, st)) {
		case_cache_keep_replay(env->cache, st->id, snap.seq, snap.chain, count, figures,
				       results, seed);
	}
}

/* The index of name among the amounts sealed in the pending transaction on case id;
 * sealed_count when it is not there; -1 when there is no such transaction. */
static int sealed_index(const char *id, const char *name)
{
	int i = 0;

	if (!pending.active || strcmp(pending.st.id, id) != 0)
		return -1;
	while (i < pending.sealed_count && strcmp(pending.sealed[i].name, name) != 0)
		i++;
	return i;
}

void case_pending_sealed(const char *id, const char *name, int64_t amount)
{
	int i = sealed_index(id, name);

	/* not kept when the room is full: then it is opened from the store, which holds it */
	if (i < 0 || i >= CASE_PENDING_SEALED || strlen(name) >= NK_SECRET_NAME_MAX)
		return;
	case_copy_text(pending.sealed[i].name, sizeof(pending.sealed[i].name), name);
	pending.sealed[i].amount = amount;
	if (i == pending.sealed_count)
		pending.sealed_count++;
}

bool case_pending_unsealed(const char *id, const char *name, int64_t *out)
{
	int i = sealed_index(id, name);

	if (i < 0 || i >= pending.sealed_count)
		return false;
	*out = pending.sealed[i].amount;
	return true;
}

void case_pending_purged(const char *id)
{
	if (sealed_index(id, "") < 0)
		return;
	sodium_memzero(pending.sealed, sizeof(pending.sealed));
	pending.sealed_count = 0;
}
