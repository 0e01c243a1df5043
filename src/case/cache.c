/* The cache of folded case states (issue 13). Loading a case read its whole log,
 * checked its chain and folded it on every request; the cache keeps the folded state
 * keyed by the case's last event (its number and chain hash). A command reads that
 * event inside its own write transaction (one indexed read, nk_store_last_link) and
 * uses the cached state only when both match, so the cache is never stale: not after a
 * rollback, nor when another process or server appended to the same database. A miss
 * loads as before (chain checked, then folded); the events a command appends are folded
 * into a copy as they are written (this thread's pending transaction, pending.c), and
 * that copy is kept once the commit is durable.
 *
 * A state holds figures of evaluated rounds and hints: each entry is wiped
 * (sodium_memzero) when evicted, replaced or dropped, and an ended case is never kept.
 * The cache is bounded (least recently used evicted first). An entry keeps its state's
 * bytes with their runs of zeros packed (zpack.c): a whole case_state is some 6 KiB of
 * fixed arrays, mostly zero, and an entry costs about what its case uses; a hit unpacks
 * it straight into the caller's state, a put packs it straight into the entry, so no
 * other copy is made.
 *
 * Beside a case of figures' state, an entry keeps the replay of its evaluated rounds
 * (their sealed figures opened, each round's result, the case's seed): a briefing and
 * an evaluation replay every evaluated round, and opening the 2r sealed figures of
 * round r on every request was a tenth of a submission's CPU (bench/README.md). It is
 * as confidential as the figures themselves: it lives in the entry and in this thread's
 * pending state only, is keyed like the state (a replay is used only with the state of
 * the same last event), wiped with them, and never logged. */
#include "case/cache.h"
#include "case/figure_kind.h"
#include "case/zpack.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	struct entry *next_hash;
	struct entry *prev, *next;	/* recency: head is the most recent */
	char id[NK_CASE_ID_MAX];	/* the state's, and its kind's and evaluated rounds, */
	const struct case_kind *kind;	/* read without unpacking it */
	int evaluated;			/* evaluated_rounds(st, NK_ROUNDS_MAX) */
	int round;			/* st->round */
	int64_t seq;
	uint8_t chain[NK_CHAIN_BYTES];
	/* the replay of rounds 1..replay_rounds: replay_rounds figures, then as many
	 * results, in one block (NULL when none); the seed when has_seed */
	int replay_rounds;
	bool has_seed;
	uint8_t seed[NK_SEED_BYTES];
	struct nk_round_figures *replay;
	/* the amounts sealed for the open round (case_open_name: its figures and
	 * deal-closers), so that its evaluation does not open them again; bit s of
	 * open_held: slot s */
	uint8_t open_held;
	int64_t open_amount[CASE_OPEN_SLOTS];
	size_t packed_len;
	uint8_t packed[];		/* the state (case_zpack) */
};

struct nk_case_cache {
	pthread_mutex_t mu;
	struct entry **buckets;
	size_t nbuckets, count, max;
	struct entry *head, *tail;
	uint64_t hits, misses;
};

enum nk_status nk_case_cache_new(struct nk_case_cache **out, size_t max_cases,
				 struct nk_error *err)
{
	struct nk_case_cache *c;

	if (max_cases < 1 || max_cases > NK_CASE_CACHE_MAX)
		return nk_fail(err, NK_EINVAL, "cache", "from 1 to %d cases", NK_CASE_CACHE_MAX);
	if (!(c = calloc(1, sizeof(*c))))
		return nk_fail(err, NK_ENOMEM, "cache", "no memory for the case cache");
	c->nbuckets = max_cases * 2;
	c->max = max_cases;
	if (!(c->buckets = calloc(c->nbuckets, sizeof(c->buckets[0])))) {
		free(c);
		return nk_fail(err, NK_ENOMEM, "cache", "no memory for the case cache");
	}
	pthread_mutex_init(&c->mu, NULL);
	*out = c;
	return NK_OK;
}

static size_t replay_size(int rounds)
{
	return (size_t)rounds * (sizeof(struct nk_round_figures) + sizeof(struct nk_round_result));
}

static struct nk_round_result *replay_results(const struct entry *e)
{
	return (struct nk_round_result *)(void *)(e->replay + e->replay_rounds);
}

static void wipe_replay(struct entry *e)
{
	if (e->replay) {
		sodium_memzero(e->replay, replay_size(e->replay_rounds));
		free(e->replay);
	}
	e->replay = NULL;
	e->replay_rounds = 0;
	e->has_seed = false;
	sodium_memzero(e->seed, sizeof(e->seed));
}

/* The whole entry, its open round's amounts with it. */
static void wipe_free(struct entry *e)
{
	wipe_replay(e);
	sodium_memzero(e, sizeof(*e) + e->packed_len);
	free(e);
}

void nk_case_cache_free(struct nk_case_cache *c)
{
	struct entry *e, *next;

	if (!c)
		return;
	for (e = c->head; e; e = next) {
		next = e->next;
		wipe_free(e);
	}
	pthread_mutex_destroy(&c->mu);
	free(c->buckets);
	free(c);
}

void nk_case_cache_counts(struct nk_case_cache *c, uint64_t *hits, uint64_t *misses,
			  size_t *held)
{
	pthread_mutex_lock(&c->mu);
	*hits = c->hits;
	*misses = c->misses;
	*held = c->count;
	pthread_mutex_unlock(&c->mu);
}

static struct entry **slot(struct nk_case_cache *c, const char *id)
{
	uint64_t h = 14695981039346656037ull;
	struct entry **p;

	for (const char *s = id; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	for (p = &c->buckets[h % c->nbuckets]; *p; p = &(*p)->next_hash)
		if (strcmp((*p)->id, id) == 0)
			break;
	return p;
}

static void unlink_lru(struct nk_case_cache *c, struct entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

static void push_front(struct nk_case_cache *c, struct entry *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (!c->tail)
		c->tail = e;
}

/* Removes the entry at *p (its bucket's link) and wipes it. */
static void drop(struct nk_case_cache *c, struct entry **p)
{
	struct entry *e = *p;

	*p = e->next_hash;
	unlink_lru(c, e);
	c->count--;
	wipe_free(e);
}

bool case_cache_get(struct nk_case_cache *c, const char *id, int64_t seq,
		    const uint8_t chain[static NK_CHAIN_BYTES], struct case_state *out)
{
	struct entry **p, *e;
	bool hit = false;

	pthread_mutex_lock(&c->mu);
	p = slot(c, id);
	if ((e = *p) && e->seq == seq && sodium_memcmp(e->chain, chain, NK_CHAIN_BYTES) == 0 &&
	    case_zunpack(e->packed, e->packed_len, out, sizeof(*out))) {
		unlink_lru(c, e);
		push_front(c, e);
		hit = true;
	}
	if (hit)
		c->hits++;
	else
		c->misses++;
	pthread_mutex_unlock(&c->mu);
	return hit;
}

bool case_cache_peek(struct nk_case_cache *c, const char *id, struct case_state *out,
		     int64_t *seq, uint8_t chain[static NK_CHAIN_BYTES])
{
	struct entry *e;
	bool held = false;

	pthread_mutex_lock(&c->mu);
	if ((e = *slot(c, id)) && case_zunpack(e->packed, e->packed_len, out, sizeof(*out))) {
		*seq = e->seq;
		memcpy(chain, e->chain, NK_CHAIN_BYTES);
		held = true;
	}
	pthread_mutex_unlock(&c->mu);
	return held;
}

void case_cache_used(struct nk_case_cache *c, const char *id, int64_t seq,
		     const uint8_t chain[static NK_CHAIN_BYTES])
{
	struct entry *e;

	pthread_mutex_lock(&c->mu);
	if ((e = *slot(c, id)) && e->seq == seq &&
	    sodium_memcmp(e->chain, chain, NK_CHAIN_BYTES) == 0) {
		unlink_lru(c, e);
		push_front(c, e);
	}
	c->hits++;
	pthread_mutex_unlock(&c->mu);
}

static bool ended(const struct case_state *st)
{
	return st->state == NK_STATE_SETTLED || st->state == NK_STATE_CLOSED || st->purged;
}

/* How many of the first rounds (at most rounds) st's log has evaluated: all of a replay
 * that may outlive the transaction that made it (a round replayed for its evaluation is
 * kept once its evaluation is in the log, and in a commit only). */
static int evaluated_rounds(const struct case_state *st, int rounds)
{
	int n = 0;

	if (st->kind != &case_kind_figures || st->fig.rules.blind)
		return 0;
	while (n < rounds && n < NK_ROUNDS_MAX && st->fig.rounds[n].evaluated)
		n++;
	return n;
}

/* evaluated_rounds of e's state. */
static int entry_evaluated(const struct entry *e, int rounds)
{
	return rounds < e->evaluated ? rounds : e->evaluated;
}

/* Gives e (its state set) rounds 1..rounds of a replay, as far as its state has
 * evaluated them, and the seed (NULL: none). One that cannot be allocated is left out:
 * the next replay opens the figures again. */
static void set_replay(struct entry *e, const struct nk_round_figures *figures,
		       const struct nk_round_result *results, int rounds, const uint8_t *seed)
{
	int n = entry_evaluated(e, rounds);

	wipe_replay(e);
	if (n > 0 && (e->replay = malloc(replay_size(n)))) {
		e->replay_rounds = n;
		memcpy(e->replay, figures, (size_t)n * sizeof(figures[0]));
		memcpy(replay_results(e), results, (size_t)n * sizeof(results[0]));
	}
	if (seed && e->kind == &case_kind_figures) {
		memcpy(e->seed, seed, NK_SEED_BYTES);
		e->has_seed = true;
	}
}

/* A new entry holding st packed (outside the cache's lock: packing is the slow part of
 * a put), without replay or links; NULL when st has ended or there is no memory. st is
 * packed once, on the stack, then copied into the entry sized to it; the packed bytes
 * left on the stack are wiped, as far as they were written. */
static struct entry *entry_new(const struct case_state *st, int64_t seq,
			       const uint8_t chain[static NK_CHAIN_BYTES])
{
	_Static_assert(sizeof(*st) < (size_t)1 << 28, "CASE_ZPACK_MAX holds below 2^28");
	uint8_t packed[CASE_ZPACK_MAX(sizeof(*st))];
	size_t len;
	struct entry *e;

	if (ended(st))
		return NULL;
	len = case_zpack(st, sizeof(*st), packed);
	e = malloc(sizeof(*e) + len);
	if (e) {
		memcpy(e->packed, packed, len);
		e->packed_len = len;
	}
	sodium_memzero(packed, len);
	if (!e)
		return NULL;
	memcpy(e->id, st->id, sizeof(e->id));
	e->kind = st->kind;
	e->evaluated = evaluated_rounds(st, NK_ROUNDS_MAX);
	e->round = st->round;
	e->seq = seq;
	memcpy(e->chain, chain, NK_CHAIN_BYTES);
	e->replay = NULL;
	e->replay_rounds = 0;
	e->has_seed = false;
	sodium_memzero(e->seed, sizeof(e->seed));
	e->open_held = 0;
	sodium_memzero(e->open_amount, sizeof(e->open_amount));
	e->next_hash = NULL;
	e->prev = e->next = NULL;
	return e;
}

static void put(struct nk_case_cache *c, const struct case_state *st, int64_t seq,
		const uint8_t chain[static NK_CHAIN_BYTES], const struct case_replay *replay,
		const int64_t *open, uint8_t open_held)
{
	struct entry **p, *e = entry_new(st, seq, chain);

	if (e && open && case_open_round(st)) {
		for (int s = 0; s < CASE_OPEN_SLOTS; s++)
			if (open_held & (1u << s))
				e->open_amount[s] = open[s];
		e->open_held = open_held & ((1u << CASE_OPEN_SLOTS) - 1);
	}
	pthread_mutex_lock(&c->mu);
	p = slot(c, st->id);
	if (*p && (ended(st) || (*p)->seq <= seq))
		drop(c, p);
	else if (*p)	/* a newer state is kept already (a slower reader's older fold) */
		goto out;
	if (!e)
		goto out;
	if (replay)
		set_replay(e, replay->figures, replay->results, replay->rounds,
			   replay->has_seed ? replay->seed : NULL);
	*slot(c, st->id) = e;
	push_front(c, e);
	e = NULL;
	if (++c->count > c->max)
		drop(c, slot(c, c->tail->id));
out:
	pthread_mutex_unlock(&c->mu);
	if (e)		/* not kept: wiped like any other */
		wipe_free(e);
}

void case_cache_put(struct nk_case_cache *c, const struct case_state *st, int64_t seq,
		    const uint8_t chain[static NK_CHAIN_BYTES], const struct case_replay *replay)
{
	put(c, st, seq, chain, replay, NULL, 0);
}

void case_cache_put_open(struct nk_case_cache *c, const struct case_state *st, int64_t seq,
			 const uint8_t chain[static NK_CHAIN_BYTES],
			 const struct case_replay *replay,
			 const int64_t open[static CASE_OPEN_SLOTS], uint8_t open_held)
{
	put(c, st, seq, chain, replay, open, open_held);
}

/* The entry of case id when it is at event seq (chain); the caller holds the lock. */
static struct entry *entry_at(struct nk_case_cache *c, const char *id, int64_t seq,
			      const uint8_t chain[static NK_CHAIN_BYTES])
{
	struct entry *e = *slot(c, id);

	return e && e->seq == seq && sodium_memcmp(e->chain, chain, NK_CHAIN_BYTES) == 0 ? e
											   : NULL;
}

/* Copies rounds 1..min(count, what e holds) of e's replay, and its seed; returns them. */
static int copy_out(const struct entry *e, int count, struct nk_round_figures *figures,
		    struct nk_round_result *results, uint8_t seed[static NK_SEED_BYTES],
		    bool *has_seed)
{
	int n = e->replay_rounds < count ? e->replay_rounds : count;

	if (n > 0) {	/* an entry with no replay has none to copy (memcpy of NULL is UB) */
		memcpy(figures, e->replay, (size_t)n * sizeof(figures[0]));
		memcpy(results, replay_results(e), (size_t)n * sizeof(results[0]));
	}
	if ((*has_seed = e->has_seed))
		memcpy(seed, e->seed, NK_SEED_BYTES);
	return n;
}

int case_cache_held(struct nk_case_cache *c, const char *id, int64_t seq,
		    const uint8_t chain[static NK_CHAIN_BYTES], int count,
		    struct nk_round_figures *figures, struct nk_round_result *results,
		    uint8_t seed[static NK_SEED_BYTES], bool *has_seed, int64_t *open,
		    uint8_t *open_held)
{
	struct entry *e;
	int n = -1;

	*has_seed = false;
	pthread_mutex_lock(&c->mu);
	if ((e = entry_at(c, id, seq, chain))) {
		n = copy_out(e, count, figures, results, seed, has_seed);
		if (open) {
			memcpy(open, e->open_amount, sizeof(e->open_amount));
			*open_held = e->open_held;
		}
	}
	pthread_mutex_unlock(&c->mu);
	return n;
}

void case_cache_keep_replay(struct nk_case_cache *c, const char *id, int64_t seq,
			    const uint8_t chain[static NK_CHAIN_BYTES], int count,
			    const struct nk_round_figures *figures,
			    const struct nk_round_result *results,
			    const uint8_t seed[static NK_SEED_BYTES])
{
	struct entry *e;

	pthread_mutex_lock(&c->mu);
	if ((e = entry_at(c, id, seq, chain)) && entry_evaluated(e, count) > e->replay_rounds)
		set_replay(e, figures, results, count, seed);
	pthread_mutex_unlock(&c->mu);
}
