/* The "mem:" backend: everything in this process's memory, gone at close, for tests.
 * A transaction remembers how many cases and events were committed and a copy of the
 * sealed secrets, so that rollback can put everything back. */
#include "store/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Keeps the envelopes for which keep(item, commit) holds, freeing the others, and
 * clears the marks of the transaction that ends. */
static bool envelope_survives(const struct mem_envelope *e, bool commit)
{
	return commit ? !e->deleted : !e->added;
}

static void envelopes_settle(struct mem_envelopes *v, bool commit)
{
	size_t kept = 0;

	for (size_t i = 0; i < v->count; i++) {
		struct mem_envelope *e = &v->items[i];

		if (!envelope_survives(e, commit)) {
			free(e->bytes);
			continue;
		}
		e->added = e->deleted = false;
		v->items[kept++] = *e;
	}
	v->count = kept;
}

static void tokens_free(struct mem_tokens *t)
{
	free(t->items);
	*t = (struct mem_tokens){0};
}

/* A malloc'd copy of count items of size bytes each (NULL for none), for begin. */
static enum nk_status items_copy(void **out, const void *items, size_t count, size_t size)
{
	void *copy = NULL;

	if (count > 0) {
		copy = malloc(count * size);
		if (!copy)
			return NK_ENOMEM;
		memcpy(copy, items, count * size);
	}
	*out = copy;
	return NK_OK;
}

/* Frees secrets, overwriting the sealed bytes first. */
static void secrets_free(struct mem_secrets *s)
{
	if (s->items)
		sodium_memzero(s->items, s->count * sizeof(s->items[0]));
	free(s->items);
	*s = (struct mem_secrets){0};
}

bool mem_grow(void **items, size_t *cap, size_t count, size_t elem, size_t first)
{
	void *grown;
	size_t n = *cap ? 2 * *cap : first;

	if (count < *cap)
		return true;
	if (!(grown = realloc(*items, n * elem)))
		return false;
	*items = grown;
	*cap = n;
	return true;
}

struct mem_case *mem_find_case(struct mem_store *m, const char *case_id)
{
	for (size_t i = 0; i < m->ncases; i++)
		if (strcmp(m->cases[i].id, case_id) == 0)
			return &m->cases[i];
	return NULL;
}

enum nk_status mem_no_case(const char *case_id, struct nk_error *err)
{
	return nk_fail(err, NK_ENOTFOUND, "case", "there is no case %s", case_id);
}

/* Drops the events of c from index keep on. */
static void case_truncate(struct mem_case *c, size_t keep)
{
	for (size_t i = keep; i < c->count; i++)
		free(c->events[i].body);
	c->count = keep;
}

static enum nk_status mem_open(void **state, const char *location, unsigned flags,
			       uint8_t key[static STORE_KEY_BYTES], struct nk_error *err)
{
	struct mem_store *m;

	if (*location)
		return nk_fail(err, NK_EINVAL, "store", "a mem: store takes no location");
	m = calloc(1, sizeof(*m));
	if (!m)
		return nk_fail(err, NK_ENOMEM, "store", "no memory for the store");
	randombytes_buf(key, STORE_KEY_BYTES);
	*state = m;
	return NK_OK;
}

static void mem_close(void *state)
{
	struct mem_store *m = state;

	for (size_t i = 0; i < m->ncases; i++) {
		case_truncate(&m->cases[i], 0);
		free(m->cases[i].events);
	}
	free(m->cases);
	secrets_free(&m->secrets);
	secrets_free(&m->saved);
	tokens_free(&m->tokens);
	tokens_free(&m->saved_tokens);
	envelopes_settle(&m->envelopes, false);
	for (size_t i = 0; i < m->envelopes.count; i++)
		free(m->envelopes.items[i].bytes);
	free(m->envelopes.items);
	free(m->entries);
	free(m->checkpoints);
	free(m);
}

static enum nk_status mem_begin(void *state, struct nk_error *err)
{
	struct mem_store *m = state;
	void *secrets, *tokens;

	if (items_copy(&secrets, m->secrets.items, m->secrets.count,
		       sizeof(m->secrets.items[0])) != NK_OK)
		return nk_fail(err, NK_ENOMEM, "store", "no memory to begin a transaction");
	m->saved = (struct mem_secrets){ secrets, m->secrets.count };
	if (items_copy(&tokens, m->tokens.items, m->tokens.count,
		       sizeof(m->tokens.items[0])) != NK_OK) {
		secrets_free(&m->saved);
		return nk_fail(err, NK_ENOMEM, "store", "no memory to begin a transaction");
	}
	m->saved_tokens = (struct mem_tokens){ tokens, m->tokens.count };
	return NK_OK;
}

static enum nk_status mem_commit(void *state, struct nk_error *err)
{
	struct mem_store *m = state;

	m->committed_cases = m->ncases;
	m->committed_entries = m->nentries;
	m->committed_checkpoints = m->ncheckpoints;
	for (size_t i = 0; i < m->ncases; i++) {
		m->cases[i].committed = m->cases[i].count;
		m->cases[i].committed_sum = m->cases[i].sum;
	}
	secrets_free(&m->saved);
	tokens_free(&m->saved_tokens);
	envelopes_settle(&m->envelopes, true);
	return NK_OK;
}

static void mem_rollback(void *state)
{
	struct mem_store *m = state;

	for (size_t i = m->committed_cases; i < m->ncases; i++) {
		case_truncate(&m->cases[i], 0);
		free(m->cases[i].events);
	}
	m->ncases = m->committed_cases;
	m->nentries = m->committed_entries;
	m->ncheckpoints = m->committed_checkpoints;
	for (size_t i = 0; i < m->ncases; i++) {
		case_truncate(&m->cases[i], m->cases[i].committed);
		m->cases[i].sum = m->cases[i].committed_sum;
	}
	secrets_free(&m->secrets);
	m->secrets = m->saved;
	m->saved = (struct mem_secrets){0};
	tokens_free(&m->tokens);
	m->tokens = m->saved_tokens;
	m->saved_tokens = (struct mem_tokens){0};
	envelopes_settle(&m->envelopes, false);
}

static enum nk_status mem_case_create(void *state, const char *case_id, int64_t created_ms,
				      struct nk_error *err)
{
	struct mem_store *m = state;
	struct mem_case *c;

	if (mem_find_case(m, case_id))
		return nk_fail(err, NK_EINVAL, "case", "case %s already exists", case_id);
	if (!mem_grow((void **)&m->cases, &m->cases_cap, m->ncases, sizeof(*c), 8))
		return nk_fail(err, NK_ENOMEM, "case", "no memory for another case");
	c = &m->cases[m->ncases++];
	*c = (struct mem_case){.created_ms = created_ms};
	snprintf(c->id, sizeof(c->id), "%s", case_id);
	return NK_OK;
}

static enum nk_status mem_append(void *state, const char *case_id, struct nk_event *ev,
				 struct nk_error *err)
{
	struct mem_case *c = mem_find_case(state, case_id);
	struct nk_event *copy;
	char *body;

	if (!c)
		return mem_no_case(case_id, err);
	if (!mem_grow((void **)&c->events, &c->cap, c->count, sizeof(*c->events), 16))
		return nk_fail(err, NK_ENOMEM, "event", "no memory for another event");
	body = strdup(ev->body);
	if (!body)
		return nk_fail(err, NK_ENOMEM, "event", "no memory for another event");
	copy = &c->events[c->count];
	*copy = *ev;
	copy->body = body;
	copy->seq = (int64_t)c->count + 1;
	c->count++;
	ev->seq = copy->seq;
	return NK_OK;
}

static enum nk_status mem_load(void *state, const char *case_id, struct nk_event_list *out,
			       struct nk_error *err)
{
	struct mem_case *c = mem_find_case(state, case_id);
	struct nk_event_list list = {0};
	enum nk_status rc = NK_OK;

	if (!c)
		return mem_no_case(case_id, err);
	if (c->count > 0) {
		list.events = calloc(c->count, sizeof(list.events[0]));
		if (!list.events) {
			rc = nk_fail(err, NK_ENOMEM, "event", "no memory to load case %s", case_id);
			goto out;
		}
	}
	for (; list.count < c->count; list.count++) {
		list.events[list.count] = c->events[list.count];
		list.events[list.count].body = strdup(c->events[list.count].body);
		if (!list.events[list.count].body) {
			rc = nk_fail(err, NK_ENOMEM, "event", "no memory to load case %s", case_id);
			goto out;
		}
	}
	*out = list;
	list = (struct nk_event_list){0};
out:
	nk_event_list_free(&list);
	return rc;
}

static enum nk_status mem_list_cases(void *state, bool (*fn)(const char *case_id, void *arg),
				     void *arg, struct nk_error *err)
{
	struct mem_store *m = state;

	for (size_t i = 0; i < m->ncases; i++)
		if (!fn(m->cases[i].id, arg))
			break;
	return NK_OK;
}

static struct mem_secret *find_secret(struct mem_store *m, const char *case_id,
				      const char *name)
{
	for (size_t i = 0; i < m->secrets.count; i++)
		if (strcmp(m->secrets.items[i].case_id, case_id) == 0 &&
		    strcmp(m->secrets.items[i].name, name) == 0)
			return &m->secrets.items[i];
	return NULL;
}

static enum nk_status mem_secret_put(void *state, const char *case_id, const char *name,
				     const uint8_t *sealed, size_t len, struct nk_error *err)
{
	struct mem_store *m = state;
	struct mem_secret *s;

	if (!mem_find_case(m, case_id))
		return mem_no_case(case_id, err);
	s = find_secret(m, case_id, name);
	if (!s) {
		struct mem_secret *grown = realloc(m->secrets.items,
						   (m->secrets.count + 1) * sizeof(*grown));

		if (!grown)
			return nk_fail(err, NK_ENOMEM, "secret", "no memory for another secret");
		m->secrets.items = grown;
		s = &m->secrets.items[m->secrets.count++];
		*s = (struct mem_secret){0};
		snprintf(s->case_id, sizeof(s->case_id), "%s", case_id);
		snprintf(s->name, sizeof(s->name), "%s", name);
	}
	sodium_memzero(s->sealed, sizeof(s->sealed));
	memcpy(s->sealed, sealed, len);
	s->len = len;
	return NK_OK;
}

static enum nk_status mem_secret_get(void *state, const char *case_id, const char *name,
				     uint8_t sealed[static STORE_SEALED_MAX], size_t *len,
				     struct nk_error *err)
{
	const struct mem_secret *s = find_secret(state, case_id, name);

	if (!s)
		return nk_fail(err, NK_ENOTFOUND, "secret", "case %s has no secret %s", case_id,
			       name);
	memcpy(sealed, s->sealed, s->len);
	*len = s->len;
	return NK_OK;
}

static enum nk_status mem_secret_purge(void *state, const char *case_id,
				       struct nk_error *err)
{
	struct mem_store *m = state;
	size_t kept = 0;

	if (!mem_find_case(m, case_id))
		return mem_no_case(case_id, err);
	for (size_t i = 0; i < m->secrets.count; i++)
		if (strcmp(m->secrets.items[i].case_id, case_id) != 0 ||
		    strncmp(m->secrets.items[i].name, NK_SECRET_KEPT, strlen(NK_SECRET_KEPT)) == 0)
			m->secrets.items[kept++] = m->secrets.items[i];
	if (kept < m->secrets.count)
		sodium_memzero(m->secrets.items + kept,
			       (m->secrets.count - kept) * sizeof(m->secrets.items[0]));
	m->secrets.count = kept;
	return NK_OK;
}

/* Purged secrets were overwritten in place; the copy kept for rollback went at commit. */
static enum nk_status mem_scrub(void *state, struct nk_error *err)
{
	return NK_OK;
}

/* Nothing is ever owed: a purge leaves no copy behind. */
static enum nk_status mem_scrub_owed(void *state, int64_t *mark, struct nk_error *err)
{
	*mark = 0;
	return NK_OK;
}

static enum nk_status mem_scrub_done(void *state, int64_t mark, struct nk_error *err)
{
	return NK_OK;
}

/* A mem: store has one user at a time: its snapshot is simply the store. */
static enum nk_status mem_begin_read(void *state, struct nk_error *err)
{
	return NK_OK;
}

static void mem_end_read(void *state)
{
}

static enum nk_status mem_token_put(void *state, const uint8_t hash[static STORE_TOKEN_HASH],
				    const char *case_id, const char *role, struct nk_error *err)
{
	struct mem_store *m = state;
	struct mem_token *grown, *t;

	if (*case_id && !mem_find_case(m, case_id))
		return mem_no_case(case_id, err);
	for (size_t i = 0; i < m->tokens.count; i++)
		if (sodium_memcmp(m->tokens.items[i].hash, hash, STORE_TOKEN_HASH) == 0)
			return nk_fail(err, NK_EINVAL, "token", "the token exists");
	grown = realloc(m->tokens.items, (m->tokens.count + 1) * sizeof(*grown));
	if (!grown)
		return nk_fail(err, NK_ENOMEM, "token", "no memory for another token");
	m->tokens.items = grown;
	t = &grown[m->tokens.count++];
	memcpy(t->hash, hash, STORE_TOKEN_HASH);
	snprintf(t->case_id, sizeof(t->case_id), "%s", case_id);
	snprintf(t->role, sizeof(t->role), "%s", role);
	return NK_OK;
}

static enum nk_status mem_token_find(void *state, const uint8_t hash[static STORE_TOKEN_HASH],
				     uint8_t stored[static STORE_TOKEN_HASH],
				     char case_id[static NK_CASE_ID_MAX],
				     char role[static NK_TOKEN_ROLE_MAX], struct nk_error *err)
{
	struct mem_store *m = state;

	for (size_t i = 0; i < m->tokens.count; i++) {
		const struct mem_token *t = &m->tokens.items[i];

		if (sodium_memcmp(t->hash, hash, STORE_TOKEN_HASH) == 0) {
			memcpy(stored, t->hash, STORE_TOKEN_HASH);
			memcpy(case_id, t->case_id, NK_CASE_ID_MAX);
			memcpy(role, t->role, NK_TOKEN_ROLE_MAX);
			return NK_OK;
		}
	}
	return nk_fail(err, NK_ENOTFOUND, "token", "no such token");
}

static enum nk_status mem_token_revoke(void *state, const char *case_id, const char *role,
				       size_t *count, struct nk_error *err)
{
	struct mem_store *m = state;
	size_t kept = 0;

	for (size_t i = 0; i < m->tokens.count; i++)
		if (strcmp(m->tokens.items[i].case_id, case_id) != 0 ||
		    strcmp(m->tokens.items[i].role, role) != 0)
			m->tokens.items[kept++] = m->tokens.items[i];
	*count = m->tokens.count - kept;
	m->tokens.count = kept;
	return NK_OK;
}

static enum nk_status mem_token_count(void *state, const char *case_id, const char *role,
				      size_t *count, struct nk_error *err)
{
	struct mem_store *m = state;
	size_t n = 0;

	for (size_t i = 0; i < m->tokens.count; i++)
		n += strcmp(m->tokens.items[i].case_id, case_id) == 0 &&
		     strcmp(m->tokens.items[i].role, role) == 0;
	*count = n;
	return NK_OK;
}

static struct mem_envelope *find_envelope(struct mem_store *m, const char *case_id,
					   const char *name)
{
	for (size_t i = 0; i < m->envelopes.count; i++) {
		struct mem_envelope *e = &m->envelopes.items[i];

		if (!e->deleted && strcmp(e->case_id, case_id) == 0 && strcmp(e->name, name) == 0)
			return e;
	}
	return NULL;
}

static enum nk_status mem_envelope_put(void *state, const char *case_id, const char *name,
				       const uint8_t *env, size_t len, struct nk_error *err)
{
	struct mem_store *m = state;
	struct mem_envelope *grown, *e;
	uint8_t *copy;

	if (!mem_find_case(m, case_id))
		return mem_no_case(case_id, err);
	if (find_envelope(m, case_id, name))
		return nk_fail(err, NK_EINVAL, "envelope", "case %s has an envelope %s already",
			       case_id, name);
	if (!(copy = malloc(len)))
		return nk_fail(err, NK_ENOMEM, "envelope", "out of memory");
	grown = realloc(m->envelopes.items, (m->envelopes.count + 1) * sizeof(*grown));
	if (!grown) {
		free(copy);
		return nk_fail(err, NK_ENOMEM, "envelope", "out of memory");
	}
	m->envelopes.items = grown;
	e = &grown[m->envelopes.count++];
	*e = (struct mem_envelope){ .bytes = copy, .len = len, .added = true };
	memcpy(copy, env, len);
	snprintf(e->case_id, sizeof(e->case_id), "%s", case_id);
	snprintf(e->name, sizeof(e->name), "%s", name);
	return NK_OK;
}

static enum nk_status mem_envelope_get(void *state, const char *case_id, const char *name,
				       uint8_t **out, size_t *len, struct nk_error *err)
{
	const struct mem_envelope *e = find_envelope(state, case_id, name);
	uint8_t *copy;

	if (!e)
		return nk_fail(err, NK_ENOTFOUND, "envelope", "case %s has no envelope %s", case_id, name);
	if (!(copy = malloc(e->len)))
		return nk_fail(err, NK_ENOMEM, "envelope", "out of memory");
	memcpy(copy, e->bytes, e->len);
	*out = copy;
	*len = e->len;
	return NK_OK;
}

static enum nk_status mem_envelope_delete(void *state, const char *case_id, const char *name,
					  struct nk_error *err)
{
	struct mem_envelope *e = find_envelope(state, case_id, name);

	if (!e)
		return nk_fail(err, NK_ENOTFOUND, "envelope", "case %s has no envelope %s", case_id, name);
	e->deleted = true;	/* one added in this transaction goes at its end either way */
	return NK_OK;
}

static enum nk_status mem_relax_sync(void *state, struct nk_error *err)
{
	return NK_OK;
}

static enum nk_status mem_flush(const char *location, struct nk_error *err)
{
	return NK_OK;
}

const struct nk_store_ops store_mem_ops = {
	.scheme = "mem",
	.caps = 0,	/* its data lives in the one handle that opened it, until it closes */
	.open = mem_open,
	.close = mem_close,
	.begin = mem_begin,
	.commit = mem_commit,
	.rollback = mem_rollback,
	.case_create = mem_case_create,
	.append = mem_append,
	.load = mem_load,
	.list_cases = mem_list_cases,
	.summary_put = mem_summary_put,
	.summary_page = mem_summary_page,
	.last_link = mem_last_link,
	.legacy_events = mem_legacy_events,
	.record_append = mem_record_append,
	.record_find = mem_record_find,
	.record_size = mem_record_size,
	.record_each = mem_record_each,
	.checkpoint_put = mem_checkpoint_put,
	.checkpoint_get = mem_checkpoint_get,
	.secret_put = mem_secret_put,
	.secret_get = mem_secret_get,
	.secret_purge = mem_secret_purge,
	.scrub = mem_scrub,
	.scrub_owed = mem_scrub_owed,
	.scrub_done = mem_scrub_done,
	.begin_read = mem_begin_read,
	.end_read = mem_end_read,
	.token_put = mem_token_put,
	.token_find = mem_token_find,
	.token_revoke = mem_token_revoke,
	.token_count = mem_token_count,
	.envelope_put = mem_envelope_put,
	.envelope_get = mem_envelope_get,
	.envelope_delete = mem_envelope_delete,
	.relax_sync = mem_relax_sync,
	.flush = mem_flush,
};
