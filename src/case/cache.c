/* The cache of folded case states (issue 13). Loading a case read its whole log,
 * checked its chain and folded it on every request; the cache keeps the folded state
 * keyed by the case's last event (its number and chain hash). A command reads that
 * event inside its own write transaction (one indexed read, nk_store_last_link) and
 * uses the cached state only when both match, so the cache is never stale: not after a
 * rollback, nor when another process or server appended to the same database. A miss
 * loads as before (chain checked, then folded); the events a command appends are folded
 * into a copy as they are written, and that copy is kept once the commit is durable.
 *
 * A state holds figures of evaluated rounds and hints: each entry is wiped
 * (sodium_memzero) when evicted, replaced or dropped, and an ended case is never kept.
 * The cache is bounded (least recently used evicted first). */
#include "case/cache.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	struct entry *next_hash;
	struct entry *prev, *next;	/* recency: head is the most recent */
	int64_t seq;
	uint8_t chain[NK_CHAIN_BYTES];
	struct case_state st;
};

struct nk_case_cache {
	pthread_mutex_t mu;
	struct entry **buckets;
	size_t nbuckets, count, max;
	struct entry *head, *tail;
	uint64_t hits, misses;
};

/* The write transaction of this thread (one at a time per thread, as the store's). */
static _Thread_local struct {
	bool active;
	int64_t seq;
	uint8_t chain[NK_CHAIN_BYTES];
	struct case_state st;
} pending;

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

static void wipe_free(struct entry *e)
{
	sodium_memzero(e, sizeof(*e));
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
		if (strcmp((*p)->st.id, id) == 0)
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
	if ((e = *p) && e->seq == seq && sodium_memcmp(e->chain, chain, NK_CHAIN_BYTES) == 0) {
		memcpy(out, &e->st, sizeof(*out));
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

static bool ended(const struct case_state *st)
{
	return st->state == NK_STATE_SETTLED || st->state == NK_STATE_CLOSED || st->purged;
}

void case_cache_put(struct nk_case_cache *c, const struct case_state *st, int64_t seq,
		    const uint8_t chain[static NK_CHAIN_BYTES])
{
	struct entry **p, *e;

	pthread_mutex_lock(&c->mu);
	p = slot(c, st->id);
	if (*p && (ended(st) || (*p)->seq <= seq))
		drop(c, p);
	else if (*p)	/* a newer state is kept already (a slower reader's older fold) */
		goto out;
	if (ended(st) || !(e = malloc(sizeof(*e))))
		goto out;
	memcpy(&e->st, st, sizeof(e->st));
	e->seq = seq;
	memcpy(e->chain, chain, NK_CHAIN_BYTES);
	e->next_hash = NULL;
	*slot(c, st->id) = e;
	push_front(c, e);
	if (++c->count > c->max)
		drop(c, slot(c, c->tail->st.id));
out:
	pthread_mutex_unlock(&c->mu);
}

void case_pending_begin(const struct nk_case_env *env, const struct case_state *st,
			int64_t seq, const uint8_t chain[static NK_CHAIN_BYTES])
{
	(void)env;	/* kept without a cache too: the case's summary reads it (summary.c) */
	memcpy(&pending.st, st, sizeof(pending.st));
	pending.seq = seq;
	memcpy(pending.chain, chain, NK_CHAIN_BYTES);
	pending.active = true;
}

/* Folds an event just appended; one that is not the next of the case, or does not
 * fold, ends the pending state unused (the next command loads the log). */
void case_pending_append(const struct nk_case_env *env, const char *id,
			 const struct nk_event *ev)
{
	if (!pending.active)
		return;
	if (strcmp(pending.st.id, id) != 0 || ev->seq != pending.seq + 1 || !ev->linked ||
	    case_fold_event(&pending.st, ev, NULL) != NK_OK) {
		case_pending_end(env, false);
		return;
	}
	pending.seq = ev->seq;
	memcpy(pending.chain, ev->chain, NK_CHAIN_BYTES);
}

void case_pending_end(const struct nk_case_env *env, bool committed)
{
	if (!pending.active)
		return;
	if (committed && env->cache)
		case_cache_put(env->cache, &pending.st, pending.seq, pending.chain);
	sodium_memzero(&pending, sizeof(pending));
}

const struct case_state *case_pending_state(const char *id)
{
	return pending.active && strcmp(pending.st.id, id) == 0 ? &pending.st : NULL;
}
