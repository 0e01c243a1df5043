/* The state of a case is a fold over its log: each event type has one function that
 * checks it against the state so far and applies it. A log that breaks its own rules
 * is reported as corrupt rather than half-applied. This file holds the driver and the
 * events every kind of case shares; the opening picks the kind, whose table supplies
 * the appliers of its own events (figure_fold.c, package_fold.c). */
#include "case/case_impl.h"
#include <nakodo/case_json.h>

#include <nakodo/seal.h>

#include <sodium.h>
#include <stdio.h>
#include <string.h>

enum nk_status case_corrupt(struct nk_error *err, const char *what)
{
	return nk_fail(err, NK_ECORRUPT, "log", "the case's log is inconsistent: %s", what);
}

int case_body_int(const json_t *body, const char *key, int64_t *out)
{
	const json_t *v = json_object_get(body, key);

	if (!json_is_integer(v))
		return -1;
	*out = json_integer_value(v);
	return 0;
}

int case_body_role(const json_t *body, enum nk_role *role)
{
	const json_t *v = json_object_get(body, "role");

	if (!json_is_string(v) || nk_role_parse(json_string_value(v), role) != NK_OK ||
	    *role == NK_MEDIATOR)
		return -1;
	return 0;
}

int case_body_hex(const json_t *body, const char *key, uint8_t *out, size_t len)
{
	const json_t *v = json_object_get(body, key);
	size_t got = 0;

	if (!json_is_string(v) || json_string_length(v) != 2 * len)
		return -1;
	if (sodium_hex2bin(out, len, json_string_value(v), 2 * len, NULL, &got, NULL) != 0 ||
	    got != len)
		return -1;
	return 0;
}

static enum nk_status apply_closed(struct case_state *st, const json_t *body,
				   struct nk_error *err)
{
	if (st->state != NK_STATE_OPEN && st->state != NK_STATE_IMPASSE)
		return case_corrupt(err, "a closing of an ended case");
	st->state = NK_STATE_CLOSED;
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
	const json_t *v = json_object_get(body, "role");
	uint8_t sig[NK_SIGNATURE_BYTES];
	struct nk_identity id;
	struct nk_error ignored = { 0 };
	enum nk_role role;

	if (!json_is_string(v) || nk_role_parse(json_string_value(v), &role) != NK_OK)
		return case_corrupt(err, "a join without a role");
	if (st->state == NK_STATE_SETTLED || st->state == NK_STATE_CLOSED || st->joined[role])
		return case_corrupt(err, "a join of an ended case, or a second for one role");
	if (case_body_hex(body, "sign", id.sign, sizeof(id.sign)) ||
	    case_body_hex(body, "seal", id.seal, sizeof(id.seal)) ||
	    case_body_hex(body, "signature", sig, sizeof(sig)))
		return case_corrupt(err, "a join without its keys and signature");
	if (nk_join_verify(&id, st->id, role, sig, &ignored) != NK_OK)
		return case_corrupt(err, "a join whose signature does not verify");
	st->joined[role] = true;
	st->identity[role] = id;
	return NK_OK;
}

static int body_any_role(const json_t *body, const char *key, enum nk_role *role)
{
	const json_t *v = json_object_get(body, key);

	return json_is_string(v) && nk_role_parse(json_string_value(v), role) == NK_OK ? 0 : -1;
}

/* The mediator reissued or revoked a role's token: counted, with its time, for the
 * role's briefing. An ended case takes none. */
static enum nk_status apply_token(struct case_state *st, const json_t *body,
				  struct nk_error *err)
{
	const char *change = json_string_value(json_object_get(body, "change"));
	enum nk_role role;

	if (body_any_role(body, "role", &role) || !change ||
	    (strcmp(change, "reissued") != 0 && strcmp(change, "revoked") != 0))
		return case_corrupt(err, "a token change without its role or kind");
	if (st->state == NK_STATE_SETTLED || st->state == NK_STATE_CLOSED)
		return case_corrupt(err, "a token change after the case ended");
	if (change[2] == 'i')
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

/* What every envelope event records: its number, size and SHA-256. */
static int body_envelope(const json_t *body, int64_t *n)
{
	uint8_t hash[NK_HASH_BYTES];
	int64_t size;

	if (case_body_int(body, "n", n) || *n < 1 || case_body_int(body, "size", &size) || size < 1 ||
	    size > NK_ENVELOPE_MAX || case_body_hex(body, "sha256", hash, sizeof(hash)))
		return -1;
	return 0;
}

/* A sealed message: the next of its direction, between two roles that have joined. */
static enum nk_status apply_message(struct case_state *st, const json_t *body,
				    struct nk_error *err)
{
	enum nk_role from, to;
	int64_t n;

	if (body_any_role(body, "from", &from) || body_any_role(body, "to", &to) || from == to ||
	    body_envelope(body, &n))
		return case_corrupt(err, "a message without its roles, number or hash");
	if (ended(st) || !st->joined[from] || !st->joined[to] ||
	    (uint64_t)n != st->messages[from][to] + 1)
		return case_corrupt(err, "a message out of turn, or between roles without keys");
	st->messages[from][to] = (uint64_t)n;
	return NK_OK;
}

static enum nk_status apply_deposited(struct case_state *st, const json_t *body,
				      struct nk_error *err)
{
	enum nk_role role;
	int64_t n;

	if (case_body_role(body, &role) || body_envelope(body, &n))
		return case_corrupt(err, "a deposit without its role, number or hash");
	/* Number 1, a replacement too; logs written before that rule spent a number on each
	 * withdrawal, so one more than the last is read as well. */
	if (ended(st) || st->released || st->deposit_held[role] || !st->joined[NK_CLAIMANT] ||
	    !st->joined[NK_PAYER] || (n != 1 && (uint64_t)n != st->deposits[role] + 1))
		return case_corrupt(err, "a deposit out of turn");
	st->deposits[role] = (uint64_t)n;
	st->deposit_held[role] = true;
	return NK_OK;
}

static enum nk_status apply_released(struct case_state *st, const json_t *body,
				     struct nk_error *err)
{
	int64_t c, p;

	if (st->released || !st->deposit_held[NK_CLAIMANT] || !st->deposit_held[NK_PAYER] ||
	    case_body_int(body, "claimant", &c) || case_body_int(body, "payer", &p) ||
	    (uint64_t)c != st->deposits[NK_CLAIMANT] || (uint64_t)p != st->deposits[NK_PAYER])
		return case_corrupt(err, "a release before both deposits");
	st->released = true;
	return NK_OK;
}

static enum nk_status apply_withdrawn(struct case_state *st, const json_t *body,
				      struct nk_error *err)
{
	enum nk_role role;
	int64_t n;

	if (case_body_role(body, &role) || case_body_int(body, "n", &n) || st->released ||
	    !st->deposit_held[role] || (uint64_t)n != st->deposits[role])
		return case_corrupt(err, "a withdrawal of no deposit, or after the release");
	st->deposit_held[role] = false;
	return NK_OK;
}

/* A signed request's number, in the body of the event it made: the acting role's, and
 * above its last, so a replay can never have been accepted. */
static enum nk_status apply_request(struct case_state *st, const struct nk_event *ev,
				    const json_t *body, struct nk_error *err)
{
	const json_t *v = json_object_get(body, "request");
	enum nk_role role;

	if (!v)
		return NK_OK;
	if (!json_is_integer(v) || nk_role_parse(ev->actor, &role) != NK_OK || !st->joined[role] ||
	    json_integer_value(v) < 1 || (uint64_t)json_integer_value(v) <= st->last_request[role])
		return case_corrupt(err, "a signed request numbered out of order, or by no joined role");
	st->last_request[role] = (uint64_t)json_integer_value(v);
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
};

/* The applier of type in st's case; NULL for an event its kind does not have. */
static case_apply_fn applier(const struct case_state *st, enum case_event type)
{
	if (shared_appliers[type])
		return shared_appliers[type];
	return st->kind ? st->kind->apply[type] : NULL;
}

enum nk_status case_fold(const char *id, const struct nk_event_list *log,
			 struct case_state *st, struct nk_error *err)
{
	enum nk_status rc = NK_OK;

	memset(st, 0, sizeof(*st));
	snprintf(st->id, sizeof(st->id), "%s", id);
	if (log->count == 0 || strcmp(log->events[0].type, case_event_name(CASE_EV_OPENED)) != 0)
		return case_corrupt(err, "it does not start with its opening");
	for (size_t i = 0; i < log->count && rc == NK_OK; i++) {
		const struct nk_event *ev = &log->events[i];
		json_t *body = nk_json_loads_exact(ev->body, JSON_REJECT_DUPLICATES,
						   CASE_BODY_FLAGS);
		enum case_event type = CASE_EV_COUNT;
		int version = 0;

		st->events++;
		st->event_ms = ev->time_ms;
		if (!case_event_find(ev->type, &type))
			type = CASE_EV_COUNT;
		/* Every body was checked against the chain before the fold, and the server
		 * writes only text it has read back (nk_json_dumps): one that does not read
		 * back exactly now ran out of memory. */
		if (!body)
			rc = nk_fail(err, NK_ENOMEM, "log", "no memory to read case %s", id);
		else if (!json_is_object(body))
			rc = case_corrupt(err, "an event body is not a JSON object");
		else if (type == CASE_EV_COUNT)
			rc = case_corrupt(err, "an event of unknown type");
		else if (!applier(st, type))
			rc = case_corrupt(err, "an event its kind of case does not have");
		else if ((rc = case_event_version(type, body, &version, err)) == NK_OK)
			rc = applier(st, type)(st, body, err);
		if (rc == NK_OK)
			rc = apply_request(st, ev, body, err);
		json_decref(body);
	}
	return rc;
}
