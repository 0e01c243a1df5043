/* The state of a case is a fold over its log: each event type has one function that
 * checks it against the state so far and applies it. A log that breaks its own rules
 * is reported as corrupt rather than half-applied. This file holds the driver and the
 * events every kind of case shares; the opening picks the kind, whose table supplies
 * the appliers of its own events (figure_fold.c, package_fold.c). */
#include "case/blind_case.h"
#include "case/case_impl.h"

#include <nakodo/seal.h>

#include <stdio.h>
#include <string.h>

static enum nk_status apply_closed(struct case_state *st, const json_t *body,
				   struct nk_error *err)
{
	if (st->state != NK_STATE_OPEN && st->state != NK_STATE_IMPASSE)
		return case_corrupt(err, "a closing of an ended case");
	st->state = NK_STATE_CLOSED;
	st->closed_reason = case_event_closed_reason(body);
	return NK_OK;
}

static enum nk_status apply_purged(struct case_state *st, const json_t *body,
				   struct nk_error *err)
{
	if (st->state != NK_STATE_SETTLED && st->state != NK_STATE_CLOSED)
		return case_corrupt(err, "secrets deleted from a live case");
	st->purged = true;
	return NK_OK;
}

/* A party's registered identity. Its signature is checked again here, so that a log
 * whose joins were altered at rest is reported rather than trusted. */
static enum nk_status apply_joined(struct case_state *st, const json_t *body,
				   struct nk_error *err)
{
	struct case_event_joined ev;
	struct nk_error ignored = { 0 };
	enum nk_status rc;

	if ((rc = case_event_joined_decode(body, &ev, err)) != NK_OK)
		return rc;
	if (st->state == NK_STATE_SETTLED || st->state == NK_STATE_CLOSED || st->joined[ev.role])
		return case_corrupt(err, "a join of an ended case, or a second for one role");
	if (nk_join_verify(&ev.identity, st->id, ev.role, ev.signature, &ignored) != NK_OK)
		return case_corrupt(err, "a join whose signature does not verify");
	st->joined[ev.role] = true;
	st->identity[ev.role] = ev.identity;
	return NK_OK;
}

/* The mediator reissued or revoked a role's token: counted, with its time, for the
 * role's briefing. An ended case takes none. */
static enum nk_status apply_token(struct case_state *st, const json_t *body,
				  struct nk_error *err)
{
	enum nk_role role;
	bool reissued;
	enum nk_status rc;

	if ((rc = case_event_token_decode(body, &role, &reissued, err)) != NK_OK)
		return rc;
	if (st->state == NK_STATE_SETTLED || st->state == NK_STATE_CLOSED)
		return case_corrupt(err, "a token change after the case ended");
	if (reissued)
		st->token_reissues[role]++;
	else
		st->token_revokes[role]++;
	st->token_changed_ms[role] = st->event_ms;
	return NK_OK;
}

static bool ended(const struct case_state *st)
{
	return st->state == NK_STATE_SETTLED || st->state == NK_STATE_CLOSED;
}

/* A sealed message: the next of its direction, between two roles that have joined. */
static enum nk_status apply_message(struct case_state *st, const json_t *body,
				    struct nk_error *err)
{
	struct case_event_envelope ev;
	enum nk_status rc;

	if ((rc = case_event_envelope_decode(CASE_EV_MESSAGE, body, &ev, err)) != NK_OK)
		return rc;
	if (ended(st) || !st->joined[ev.from] || !st->joined[ev.to] ||
	    (uint64_t)ev.n != st->messages[ev.from][ev.to] + 1)
		return case_corrupt(err, "a message out of turn, or between roles without keys");
	st->messages[ev.from][ev.to] = (uint64_t)ev.n;
	return NK_OK;
}

static enum nk_status apply_deposited(struct case_state *st, const json_t *body,
				      struct nk_error *err)
{
	struct case_event_envelope ev;
	enum nk_status rc;

	if ((rc = case_event_envelope_decode(CASE_EV_DEPOSITED, body, &ev, err)) != NK_OK)
		return rc;
	/* Number 1, a replacement too; logs written before that rule spent a number on each
	 * withdrawal, so one more than the last is read as well. */
	if (ended(st) || st->released || st->deposit_held[ev.from] || !st->joined[NK_CLAIMANT] ||
	    !st->joined[NK_PAYER] || (ev.n != 1 && (uint64_t)ev.n != st->deposits[ev.from] + 1))
		return case_corrupt(err, "a deposit out of turn");
	st->deposits[ev.from] = (uint64_t)ev.n;
	st->deposit_held[ev.from] = true;
	return NK_OK;
}

static enum nk_status apply_released(struct case_state *st, const json_t *body,
				     struct nk_error *err)
{
	int64_t n[2];
	enum nk_status rc;

	if ((rc = case_event_released_decode(body, n, err)) != NK_OK)
		return rc;
	if (st->released || !st->deposit_held[NK_CLAIMANT] || !st->deposit_held[NK_PAYER] ||
	    (uint64_t)n[NK_CLAIMANT] != st->deposits[NK_CLAIMANT] ||
	    (uint64_t)n[NK_PAYER] != st->deposits[NK_PAYER])
		return case_corrupt(err, "a release before both deposits");
	st->released = true;
	return NK_OK;
}

static enum nk_status apply_withdrawn(struct case_state *st, const json_t *body,
				      struct nk_error *err)
{
	enum nk_role role;
	int64_t n;
	enum nk_status rc;

	if ((rc = case_event_withdrawn_decode(body, &role, &n, err)) != NK_OK)
		return rc;
	if (st->released || !st->deposit_held[role] || (uint64_t)n != st->deposits[role])
		return case_corrupt(err, "a withdrawal of no deposit, or after the release");
	st->deposit_held[role] = false;
	return NK_OK;
}

/* A signed request's number, in the body of the event it made: the acting role's, and
 * above its last, so a replay can never have been accepted. */
static enum nk_status apply_request(struct case_state *st, const struct nk_event *ev,
				    const json_t *body, struct nk_error *err)
{
	enum nk_role role;
	uint64_t n;
	enum nk_status rc;

	if ((rc = case_event_request(body, &n, err)) != NK_OK || n == 0 ||
	    (rc = blind_check_actor(ev, body, err)) != NK_OK)
		return rc;
	if (nk_role_parse(ev->actor, &role) != NK_OK || !st->joined[role] ||
	    n <= st->last_request[role])
		return case_corrupt(err, "a signed request numbered out of order, or by no joined role");
	st->last_request[role] = n;
	return NK_OK;
}

/* The opening chooses the case's kind, whose own applier reads the rest of it. */
static enum nk_status apply_opened(struct case_state *st, const json_t *body,
				   struct nk_error *err)
{
	const char *name = case_event_opened_kind(body);

	if (st->events != 1)
		return case_corrupt(err, "opened twice");
	for (size_t k = 0; case_kinds[k]; k++)
		if (name && strcmp(case_kinds[k]->name, name) == 0) {
			st->kind = case_kinds[k];
			return st->kind->open(st, body, err);
		}
	return case_corrupt(err, "a case of an unknown kind");
}

/* The events every kind shares, indexed by type (events.h); a kind's own are in its
 * table (struct case_kind). */
static const case_apply_fn shared_appliers[CASE_EV_COUNT] = {
	[CASE_EV_OPENED] = apply_opened,
	[CASE_EV_CLOSED] = apply_closed,
	[CASE_EV_PURGED] = apply_purged,
	[CASE_EV_JOINED] = apply_joined,
	[CASE_EV_MESSAGE] = apply_message,
	[CASE_EV_DEPOSITED] = apply_deposited,
	[CASE_EV_RELEASED] = apply_released,
	[CASE_EV_WITHDRAWN] = apply_withdrawn,
	[CASE_EV_TOKEN] = apply_token,
	[CASE_EV_ENDORSED] = case_apply_endorsed,	/* endorse.c */
};

/* The applier of type in st's case; NULL for an event its kind does not have. */
static case_apply_fn applier(const struct case_state *st, enum case_event type)
{
	if (shared_appliers[type])
		return shared_appliers[type];
	return st->kind ? st->kind->apply[type] : NULL;
}

enum nk_status case_fold_event(struct case_state *st, const struct nk_event *ev,
				struct nk_error *err)
{
	json_t *body = nk_json_loads_exact(ev->body, JSON_REJECT_DUPLICATES, CASE_BODY_FLAGS);
	enum nk_status rc = case_fold_event_body(st, ev, body, err);

	json_decref(body);
	return rc;
}

enum nk_status case_fold_event_body(struct case_state *st, const struct nk_event *ev,
				    const json_t *body, struct nk_error *err)
{
	enum case_event type = CASE_EV_COUNT;
	enum nk_case_state was = st->state;
	int round = st->round, version = 0;
	enum nk_status rc;

	st->events++;
	st->event_ms = ev->time_ms;
	if (!case_event_find(ev->type, &type))
		type = CASE_EV_COUNT;
	/* Every body was checked against the chain before the fold, and the server writes
	 * only text it has read back (nk_json_dumps): one that does not read back exactly
	 * now ran out of memory. */
	if (!body)
		rc = nk_fail(err, NK_ENOMEM, "log", "no memory to read case %s", st->id);
	else if (!json_is_object(body))
		rc = case_corrupt(err, "an event body is not a JSON object");
	else if (type == CASE_EV_COUNT)
		rc = case_corrupt(err, "an event of unknown type");
	else if (!applier(st, type))
		rc = case_corrupt(err, "an event its kind of case does not have");
	else if ((rc = case_event_version(type, body, &version, err)) == NK_OK)
		rc = applier(st, type)(st, body, err);
	/* every kind's opening may carry the case's title (version 2) */
	if (rc == NK_OK && type == CASE_EV_OPENED)
		rc = case_event_opened_title(body, version, st->title, err);
	if (rc == NK_OK)
		rc = apply_request(st, ev, body, err);
	/* what the operator's list may show: never the time of a party's lone act */
	if (rc == NK_OK && (type == CASE_EV_OPENED || st->state != was || st->round != round))
		st->summary_ms = ev->time_ms;
	return rc;
}

enum nk_status case_fold(const char *id, const struct nk_event_list *log,
			 struct case_state *st, struct nk_error *err)
{
	enum nk_status rc = NK_OK;

	memset(st, 0, sizeof(*st));
	snprintf(st->id, sizeof(st->id), "%s", id);
	if (log->count == 0 || strcmp(log->events[0].type, case_event_name(CASE_EV_OPENED)) != 0)
		return case_corrupt(err, "it does not start with its opening");
	for (size_t i = 0; i < log->count && rc == NK_OK; i++)
		rc = case_fold_event(st, &log->events[i], err);
	return rc;
}
