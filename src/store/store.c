/* The generic store: picks a backend from the URL's scheme, holds the storage key,
 * checks every id, name and event before a backend sees it, and keeps track of the
 * transaction. Sealing of secrets is in secret.c. */
#include "store/group.h"
#include "store/store_impl.h"
#include <nakodo/alloc.h>
#include "base/ids.h"
#include <nakodo/time.h>

#include <nakodo/keys.h>

#include <limits.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The backends this build knows, by URL scheme. A bare path goes to the first. */
static const struct nk_store_ops *const store_backends[] = {
	&store_sqlite_ops,
	&store_mem_ops,
	&store_pg_ops,
	&store_postgres_ops,
};

static bool is_letter_or_digit(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Event types, actors and secret names: letters, digits and "-_.:". */
static bool is_token_char(char c)
{
	return is_letter_or_digit(c) || c == '-' || c == '_' || c == '.' || c == ':';
}

enum nk_status store_check_case_id(const char *case_id, struct nk_error *err)
{
	static const char id_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "0123456789-_";
	size_t len;

	if (nk_case_id_valid(case_id))
		return NK_OK;
	/* Only the message is worked out here; the rule is base/ids.c's. */
	if (!case_id)
		return nk_fail(err, NK_EINVAL, "case", "the case id is missing");
	len = strnlen(case_id, NK_CASE_ID_MAX);
	if (len == 0)
		return nk_fail(err, NK_EINVAL, "case", "the case id is empty");
	if (len >= NK_CASE_ID_MAX)
		return nk_fail(err, NK_EINVAL, "case", "the case id is longer than %d characters",
			       NK_CASE_ID_MAX - 1);
	return nk_fail(err, NK_EINVAL, "case", "the case id may hold only letters, digits, '-' "
		       "and '_' (character %zu is not one)", strspn(case_id, id_chars) + 1);
}

/* A short name held in a char[size]: present, NUL-terminated inside it, not empty,
 * letters, digits and "-_.:" only. what names it in the message ("event type"). */
static enum nk_status check_token(const char *value, size_t size, const char *field,
				  const char *what, struct nk_error *err)
{
	size_t len;

	if (!value)
		return nk_fail(err, NK_EINVAL, field, "the %s is missing", what);
	len = strnlen(value, size);
	if (len == 0)
		return nk_fail(err, NK_EINVAL, field, "the %s is empty", what);
	if (len >= size)
		return nk_fail(err, NK_EINVAL, field, "the %s is longer than %zu characters", what,
			       size - 1);
	for (size_t i = 0; i < len; i++)
		if (!is_token_char(value[i]))
			return nk_fail(err, NK_EINVAL, field,
				       "the %s may hold only letters, digits and '-', '_', '.', ':' "
				       "(character %zu is not one)", what, i + 1);
	return NK_OK;
}

enum nk_status store_check_in_tx(const struct nk_store *store, const char *what,
				 struct nk_error *err)
{
	if (!store)
		return nk_fail(err, NK_EINVAL, "store", "no store is open");
	if (!store->in_tx || store->read_tx)
		return nk_fail(err, NK_EINVAL, "transaction",
			       "%s needs a write transaction (nk_store_begin)", what);
	return NK_OK;
}

enum nk_status store_check_names(const char *case_id, const char *name, struct nk_error *err)
{
	enum nk_status rc = store_check_case_id(case_id, err);

	return rc == NK_OK ? store_check_secret_name(name, err) : rc;
}

enum nk_status store_check_write(const struct nk_store *store, const char *what,
				 const char *case_id, struct nk_error *err)
{
	enum nk_status rc = store_check_in_tx(store, what, err);

	return rc == NK_OK ? store_check_case_id(case_id, err) : rc;
}

static enum nk_status check_event(const struct nk_event *ev, struct nk_error *err)
{
	enum nk_status rc;

	if (!ev)
		return nk_fail(err, NK_EINVAL, "event", "the event is missing");
	rc = check_token(ev->type, sizeof(ev->type), "event.type", "event type", err);
	if (rc != NK_OK)
		return rc;
	rc = check_token(ev->actor, sizeof(ev->actor), "event.actor", "event actor", err);
	if (rc != NK_OK)
		return rc;
	if (ev->time_ms < 0)
		return nk_fail(err, NK_EINVAL, "event.time", "the event time is before 1970");
	if (!ev->body)
		return nk_fail(err, NK_EINVAL, "event.body", "the event body is missing");
	if (strnlen(ev->body, NK_EVENT_BODY_MAX + 1) > NK_EVENT_BODY_MAX)
		return nk_fail(err, NK_EINVAL, "event.body", "the event body is longer than %d bytes",
			       NK_EVENT_BODY_MAX);
	return NK_OK;
}

enum nk_status store_check_secret_name(const char *name, struct nk_error *err)
{
	return check_token(name, NK_SECRET_NAME_MAX, "secret.name", "secret name", err);
}

/* Splits url into a backend and the location after "scheme:". A URL without a known
 * scheme is a path for the first backend, unless it looks like "scheme://…". The URL
 * itself is never echoed: it may carry a password. */
enum nk_status store_parse_url(const char *url, const struct nk_store_ops **ops,
				const char **location, struct nk_error *err)
{
	size_t n = 0;

	if (!url || !*url)
		return nk_fail(err, NK_EINVAL, "store", "the store URL is empty");
	while ((url[n] >= 'a' && url[n] <= 'z') ||
	       (n > 0 && ((url[n] >= '0' && url[n] <= '9') || url[n] == '+' || url[n] == '-' ||
			  url[n] == '.')))
		n++;
	if (n > 0 && url[n] == ':') {
		for (size_t i = 0; i < sizeof(store_backends) / sizeof(store_backends[0]); i++) {
			const char *scheme = store_backends[i]->scheme;

			if (strlen(scheme) == n && memcmp(scheme, url, n) == 0) {
				*ops = store_backends[i];
				*location = url + n + 1;
				return NK_OK;
			}
		}
		if (url[n + 1] == '/' && url[n + 2] == '/')
			return nk_fail(err, NK_EINVAL, "store",
				       "this nakodo has no \"%.*s\" store (it knows sqlite:, mem: and "
				       "postgresql:)",
				       (int)n, url);
	}
	*ops = store_backends[0];
	*location = url;
	return NK_OK;
}

enum nk_status nk_store_url_caps(const char *url, unsigned *caps, struct nk_error *err)
{
	const struct nk_store_ops *ops = NULL;
	const char *location = NULL;
	enum nk_status rc = store_parse_url(url, &ops, &location, err);

	if (rc == NK_OK)
		*caps = ops->caps;
	return rc;
}

enum nk_status nk_store_server_key_path(const char *url, char *out, size_t size,
					struct nk_error *err)
{
	const struct nk_store_ops *ops = store_backends[0];
	const char *location = "";

	/* An empty URL is the first backend's empty path, and is refused as that. */
	if (url && *url && store_parse_url(url, &ops, &location, NULL) != NK_OK)
		ops = NULL;
	if (!ops || !ops->server_key_path)
		return nk_fail(err, NK_EINVAL, "db", "the server key lives beside an sqlite "
			       "database file; this store has none");
	return ops->server_key_path(location, out, size, err);
}

enum nk_status nk_store_server_key(const char *url, struct nk_server_key **out,
				   struct nk_error *err)
{
	char path[PATH_MAX];
	unsigned caps = 0;
	bool created = false;
	enum nk_status rc;

	if (sodium_init() < 0)
		return nk_fail(err, NK_ECRYPTO, "", "libsodium could not be initialised");
	/* A store that keeps no files is gone at exit: a key for this run goes with it. */
	if (nk_store_url_caps(url, &caps, NULL) == NK_OK && !(caps & NK_STORE_PERSISTENT))
		return nk_server_key_generate(out, err);
	if ((rc = nk_store_server_key_path(url, path, sizeof(path), err)) != NK_OK)
		return rc;
	return nk_server_key_load_or_create(path, out, &created, err);
}

enum nk_status nk_store_open(struct nk_store **out, const char *url, unsigned flags,
			     struct nk_error *err)
{
	return nk_store_open_grouped(out, url, flags, NULL, err);
}

enum nk_status nk_store_open_grouped(struct nk_store **out, const char *url, unsigned flags,
				     struct nk_store_group *group, struct nk_error *err)
{
	struct nk_store *store = NULL;
	const struct nk_store_ops *ops = NULL;
	const char *location = NULL;
	enum nk_status rc;

	rc = store_parse_url(url, &ops, &location, err);
	if (rc != NK_OK)
		goto out;
	if (flags & ~(unsigned)(NK_STORE_CREATE | NK_STORE_DEFER_DURABLE)) {
		rc = nk_fail(err, NK_EINVAL, "flags", "unknown store flags 0x%x",
			     flags & ~(unsigned)(NK_STORE_CREATE | NK_STORE_DEFER_DURABLE));
		goto out;
	}
	if (sodium_init() < 0) {
		rc = nk_fail(err, NK_ECRYPTO, "", "libsodium could not be initialised");
		goto out;
	}
	nk_alloc_install();	/* before the events' JSON is read */
	rc = NK_ENOMEM;
	store = calloc(1, sizeof(*store));
	if (!store)
		goto out;
	store->ops = ops;
	store->key = sodium_malloc(STORE_KEY_BLOCK);
	if (!store->key) {
		rc = nk_fail(err, NK_ENOMEM, "", "no memory for the storage key");
		goto out;
	}
	rc = ops->open(&store->backend, location, flags & NK_STORE_CREATE, store->key, err);
	if (rc == NK_OK)
		rc = store_token_key_derive(store, err);
	if (rc != NK_OK)
		goto out;
	if (group && ((rc = ops->relax_sync(store->backend, err)) != NK_OK ||
		      (rc = store_group_attach(group, err)) != NK_OK))
		goto out;
	store->group = group;
	store->defer_durable = group && (flags & NK_STORE_DEFER_DURABLE);
	if (sodium_mprotect_readonly(store->key) != 0) {
		rc = nk_fail(err, NK_ECRYPTO, "", "the storage key could not be made read-only");
		goto out;
	}
	*out = store;
	store = NULL;
	rc = NK_OK;
out:
	nk_store_close(store);
	return rc;
}

void nk_store_close(struct nk_store *store)
{
	if (!store)
		return;
	if (store->backend) {
		nk_store_rollback(store);
		store->ops->close(store->backend);
	}
	sodium_free(store->key);	/* wipes it first */
	free(store);
}

/* Refuses to begin a transaction without a store or inside another. */
static enum nk_status may_begin(const struct nk_store *store, struct nk_error *err)
{
	if (!store)
		return nk_fail(err, NK_EINVAL, "store", "no store is open");
	if (store->in_tx)
		return nk_fail(err, NK_EINVAL, "transaction", "a transaction is already open");
	return NK_OK;
}

/* Back to the store's own connection after a write through the group's writer. */
static void own_backend(struct nk_store *store)
{
	if (store->own) {
		store->backend = store->own;
		store->own = NULL;
	}
}

void store_see_own(struct nk_store *store)
{
	if (store && store->unseen && !store->in_tx) {
		store_group_see(store->group, store->unseen);
		store->unseen = 0;
	}
}

/* In a group with a shared writer the transaction runs on the writer, as a savepoint of
 * its open batch (group.c), and this store's own connection waits, unused, until it ends. */
enum nk_status nk_store_begin(struct nk_store *store, struct nk_error *err)
{
	enum nk_status rc = may_begin(store, err);
	void *writer;

	if (rc != NK_OK)
		return rc;
	if (store->group) {
		store_group_take_turn(store->group);
		store->holds_turn = true;
		if ((writer = store_group_writer(store->group)) != NULL) {
			store->own = store->backend;
			store->backend = writer;
		}
	}
	rc = store->ops->begin(store->backend, err);
	if (rc == NK_OK)
		store->in_tx = true;
	else if (store->holds_turn) {
		own_backend(store);
		store_group_give_turn(store->group);
		store->holds_turn = false;
	}
	return rc;
}

enum nk_status nk_store_begin_read(struct nk_store *store, struct nk_error *err)
{
	enum nk_status rc = may_begin(store, err);

	if (rc != NK_OK)
		return rc;
	store_see_own(store);
	rc = store->ops->begin_read(store->backend, err);
	if (rc == NK_OK)
		store->in_tx = store->read_tx = true;
	return rc;
}

enum nk_status nk_store_wait_durable(struct nk_store *store, struct nk_error *err)
{
	if (!store)
		return nk_fail(err, NK_EINVAL, "store", "no store is open");
	if (!store->group)
		return NK_OK;
	return store_group_wait(store->group, store_group_current(store->group), false, err);
}

uint64_t nk_store_durable_ticket(struct nk_store *store)
{
	if (!store || !store->group)
		return 0;
	store->unseen = 0;	/* the caller is done with what it wrote: see nakodo/store.h */
	return store_group_current(store->group);
}

enum nk_status nk_store_commit(struct nk_store *store, struct nk_error *err)
{
	enum nk_status rc, wrc;
	uint64_t ticket = 0;
	bool batched;

	rc = store_check_in_tx(store, "commit", err);
	if (rc != NK_OK)
		return rc;
	if (store->read_tx)
		return nk_fail(err, NK_EINVAL, "transaction", "a read transaction has nothing to commit");
	/* The ticket is issued before COMMIT, under the writer's turn, so that whoever
	 * reads these writes afterwards also sees a ticket that covers them. */
	if (store->group)
		ticket = store_group_issue(store->group);
	batched = store->own != NULL;
	rc = store->ops->commit(store->backend, err);
	/* A commit that failed (a write or a sync of the log) leaves nothing behind, not
	 * even an open transaction that would refuse the next begin. */
	if (rc != NK_OK)
		nk_store_rollback(store);
	if (store->group) {
		if (rc == NK_OK) {
			store->in_tx = false;
			store->holds_turn = false;
			own_backend(store);
			store_group_give_turn(store->group);
			if (batched && store->defer_durable)
				store->unseen = ticket;
		}
		/* marks the ticket written in any case: readers may be waiting for it */
		if (store->defer_durable)
			wrc = store_group_mark(store->group, ticket, rc == NK_OK ? err : NULL);
		else
			wrc = store_group_wait(store->group, ticket, true, rc == NK_OK ? err : NULL);

		if (rc == NK_OK)
			rc = wrc;
	} else if (rc == NK_OK) {
		store->in_tx = false;
	}
	return rc;
}

void nk_store_rollback(struct nk_store *store)
{
	if (!store || !store->in_tx)
		return;
	if (store->read_tx)
		store->ops->end_read(store->backend);
	else
		store->ops->rollback(store->backend);
	own_backend(store);
	store->in_tx = store->read_tx = false;
	if (store->holds_turn) {
		store->holds_turn = false;
		store_group_give_turn(store->group);
	}
}

enum nk_status nk_store_case_create(struct nk_store *store, const char *case_id,
				    struct nk_error *err)
{
	enum nk_status rc;

	rc = store_check_write(store, "creating a case", case_id, err);
	if (rc == NK_OK)
		rc = store->ops->case_create(store->backend, case_id, nk_time_now_ms(), err);
	return rc;
}

enum nk_status nk_store_append(struct nk_store *store, const char *case_id,
			       struct nk_event *ev, struct nk_error *err)
{
	enum nk_status rc;

	rc = store_check_write(store, "appending an event", case_id, err);
	if (rc == NK_OK)
		rc = check_event(ev, err);
	if (rc == NK_OK) {
		int64_t expect = ev->seq;

		rc = store->ops->append(store->backend, case_id, ev, err);
		if (rc == NK_OK && ev->linked && ev->seq != expect)
			rc = nk_fail(err, NK_ECORRUPT, "event", "the event was linked as number %lld "
				     "of case %s but would be stored as %lld", (long long)expect,
				     case_id, (long long)ev->seq);
	}
	return rc;
}

enum nk_status nk_store_load(struct nk_store *store, const char *case_id,
			     struct nk_event_list *out, struct nk_error *err)
{
	struct nk_event_list list = {0};
	enum nk_status rc;

	if (!store || !out)
		return nk_fail(err, NK_EINVAL, "store", "no store or no list to load into");
	rc = store_check_case_id(case_id, err);
	store_see_own(store);
	if (rc == NK_OK)
		rc = store->ops->load(store->backend, case_id, &list, err);
	if (rc == NK_OK)
		*out = list;
	return rc;
}

enum nk_status nk_store_list_cases(struct nk_store *store,
				   bool (*fn)(const char *case_id, void *arg), void *arg,
				   struct nk_error *err)
{
	if (!store || !fn)
		return nk_fail(err, NK_EINVAL, "store", "no store or no function to call");
	store_see_own(store);
	return store->ops->list_cases(store->backend, fn, arg, err);
}

void nk_event_list_free(struct nk_event_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++)
		free(list->events[i].body);
	free(list->events);
	list->events = NULL;
	list->count = 0;
}

enum nk_status nk_store_ping(struct nk_store *store, struct nk_error *err)
{
	if (!store)
		return nk_fail(err, NK_EINVAL, "store", "no store is open");
	if (store->in_tx || !store->ops->ping)
		return NK_OK;
	return store->ops->ping(store->backend, err);
}
