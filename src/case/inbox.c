/* What a role receives: the envelopes addressed to it, found through the log's
 * `message` events and, once both deposits are in, the other party's released deposit.
 * Read in one snapshot, so the log and the envelopes agree, without the write lock. */
#include "case/case_impl.h"
#include "case/record.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nk_inbox_free(struct nk_inbox *inbox)
{
	if (!inbox)
		return;
	for (size_t i = 0; i < inbox->count; i++)
		free(inbox->items[i].envelope);
	free(inbox->items);
	memset(inbox, 0, sizeof(*inbox));
}

/* The other party's deposit as its `deposited` event records it, kept while reading the
 * log until the release (if any) hands it over. */
struct held_deposit {
	uint64_t n;
	uint8_t sha256[NK_HASH_BYTES];
	bool hashed;
};

/* Whether ev makes an envelope visible to me, and from when: a message at its `message`
 * event, the other party's deposit at the `released` event (never at its `deposited`
 * one, which I must not learn of, nor with that event's time). Fills item's kind, roles,
 * number, hash and time. The fold has checked every event already. */
static bool addressed_to(const struct nk_event *ev, const json_t *body, enum nk_role me,
			 struct held_deposit *other, struct nk_inbox_item *item)
{
	struct case_event_envelope env;
	enum case_event type;
	int64_t n[2];

	if (!case_event_find(ev->type, &type))
		return false;
	if (type == CASE_EV_MESSAGE) {
		if (case_event_envelope_decode(type, body, &env, NULL) != NK_OK || env.to != me)
			return false;
		item->kind = NK_MESSAGE_TEXT;
		item->from = env.from;
		item->to = env.to;
		item->n = (uint64_t)env.n;
		item->time_ms = ev->time_ms;
		memcpy(item->sha256, env.sha256, sizeof(item->sha256));
		return true;
	}
	if (me == NK_MEDIATOR)
		return false;
	if (type == CASE_EV_DEPOSITED) {
		if (case_event_envelope_decode(type, body, &env, NULL) == NK_OK && env.from != me) {
			other->n = (uint64_t)env.n;
			memcpy(other->sha256, env.sha256, sizeof(other->sha256));
			other->hashed = true;
		}
		return false;
	}
	if (type != CASE_EV_RELEASED || case_event_released_decode(body, n, NULL) != NK_OK)
		return false;
	item->from = me == NK_CLAIMANT ? NK_PAYER : NK_CLAIMANT;
	item->to = me;
	item->kind = NK_MESSAGE_DEPOSIT;
	item->n = (uint64_t)n[item->from];
	item->time_ms = ev->time_ms;
	memcpy(item->sha256, other->sha256, sizeof(item->sha256));
	/* the release names the deposits it hands over: the last `deposited` of each side */
	return other->hashed && other->n == item->n;
}

static enum nk_status fetch(const struct nk_case_env *env, const struct case_state *st,
			    struct nk_inbox_item *item, struct nk_error *err)
{
	char name[NK_SECRET_NAME_MAX];

	if (item->kind == NK_MESSAGE_TEXT)
		snprintf(name, sizeof(name), "msg.%s.%s.%" PRIu64, nk_role_name(item->from),
			 nk_role_name(item->to), item->n);
	else
		snprintf(name, sizeof(name), "deposit.%s.%" PRIu64, nk_role_name(item->from), item->n);
	return nk_store_envelope_get(env->store, st->id, name, &item->envelope, &item->len, err);
}

/* Items are numbered 1, 2, … in the order they became visible to me, so that the
 * number, the page and `more` depend on my own inbox alone and never on events I may
 * not see (the global seq did: it rose with the other side's hidden actions). */
static enum nk_status collect(const struct nk_case_env *env, const struct case_state *st,
			      const struct nk_event_list *log, enum nk_role me, int64_t after,
			      struct nk_inbox *box, struct nk_error *err)
{
	struct held_deposit other = { 0 };
	int64_t index = 0;
	size_t bytes = 0;
	enum nk_status rc = NK_OK;

	for (size_t i = 0; i < log->count && rc == NK_OK; i++) {
		const struct nk_event *ev = &log->events[i];
		struct nk_inbox_item item = { 0 }, *grown;
		json_t *body;
		bool mine;

		/* the fold read every body a moment ago: only memory can fail here */
		if (!(body = nk_json_loads_exact(ev->body, 0, CASE_BODY_FLAGS)))
			return nk_fail(err, NK_ENOMEM, "inbox", "out of memory");
		mine = addressed_to(ev, body, me, &other, &item);
		json_decref(body);
		if (!mine || ++index <= after)
			continue;
		if (bytes >= NK_INBOX_PAGE_BYTES) {	/* full, and one more item is mine */
			box->more = true;
			break;
		}
		if (!(grown = realloc(box->items, (box->count + 1) * sizeof(*grown))))
			return nk_fail(err, NK_ENOMEM, "inbox", "out of memory");
		box->items = grown;
		item.index = index;
		if ((rc = fetch(env, st, &item, err)) == NK_ENOTFOUND)
			rc = nk_fail(err, NK_ECORRUPT, "envelope", "the log records an envelope the "
				     "store does not hold (event %" PRId64 ")", ev->seq);
		if (rc == NK_OK) {
			box->items[box->count++] = item;
			bytes += item.len;
		}
	}
	return rc;
}

enum nk_status nk_case_inbox(const struct nk_case_env *env, const char *id, enum nk_role role,
			     int64_t after, struct nk_inbox *out, struct nk_error *err)
{
	struct nk_event_list log = { 0 };
	struct nk_inbox box = { 0 };
	struct case_state st;
	enum nk_status rc;

	if (!nk_role_valid(role))
		return nk_fail(err, NK_EINVAL, "role", "not a role");
	if (nk_role_kind(role) == NK_ROLE_PRINCIPAL)
		return nk_fail(err, NK_EREFUSED, "role", "the %s has no inbox: messages are "
			       "sealed to the %s's own key", nk_role_name(role),
			       nk_role_name(nk_role_reads(role)));
	if (after < 0)
		return nk_fail(err, NK_EINVAL, "after", "an item's index is 0 or more");
	if (!nk_case_id_valid(id))
		return nk_fail(err, NK_EINVAL, "case", "not a case id");
	if ((rc = nk_store_begin_read(env->store, err)) != NK_OK)
		return rc;
	rc = nk_store_load(env->store, id, &log, err);
	if (rc == NK_ENOTFOUND)
		nk_fail(err, NK_ENOTFOUND, "case", "no case %s in this database", id);
	if (rc == NK_OK)	/* as every load: a log altered at rest serves nothing */
		rc = case_chain_check(env, id, &log, false, NULL, err);
	if (rc == NK_OK)
		rc = case_fold(id, &log, &st, err);
	if (rc == NK_OK)
		rc = collect(env, &st, &log, role, after, &box, err);
	nk_store_rollback(env->store);
	nk_event_list_free(&log);
	if (rc != NK_OK) {
		nk_inbox_free(&box);
		return rc;
	}
	box.deposit_held = nk_role_is_party(role) && st.deposit_held[role];
	box.released = st.released;
	*out = box;
	return NK_OK;
}
