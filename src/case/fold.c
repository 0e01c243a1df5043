/* The state of a case is a fold over its log: each event type has one function that
 * checks it against the state so far and applies it. A log that breaks its own rules
 * is reported as corrupt rather than half-applied. */
#include "case/case_impl.h"
#include <nakodo/case_json.h>

#include <nakodo/seal.h>

#include <sodium.h>
#include <stdio.h>
#include <string.h>

typedef enum nk_status (*apply_fn)(struct case_state *st, const json_t *body,
				   struct nk_error *err);

static enum nk_status corrupt(struct nk_error *err, const char *what)
{
	return nk_fail(err, NK_ECORRUPT, "log", "the case's log is inconsistent: %s", what);
}

static int body_int(const json_t *body, const char *key, int64_t *out)
{
	const json_t *v = json_object_get(body, key);

	if (!json_is_integer(v))
		return -1;
	*out = json_integer_value(v);
	return 0;
}

static int body_role(const json_t *body, enum nk_role *role)
{
	const json_t *v = json_object_get(body, "role");

	if (!json_is_string(v) || nk_role_parse(json_string_value(v), role) != NK_OK ||
	    *role == NK_MEDIATOR)
		return -1;
	return 0;
}

static int body_hex(const json_t *body, const char *key, uint8_t *out, size_t len)
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

static enum nk_status apply_opened(struct case_state *st, const json_t *body,
				   struct nk_error *err)
{
	enum nk_status rc;

	if (st->events != 1)
		return corrupt(err, "opened twice");
	if (json_object_get(body, "kind"))
		return package_apply_opened(st, body, err);
	if ((rc = nk_rules_from_json(json_object_get(body, "rules"), &st->rules, err)) != NK_OK)
		return rc == NK_EINVAL ? corrupt(err, "its rules do not decode") : rc;
	if (body_hex(body, "seed_commitment", st->seed_commitment, 32) != 0)
		return corrupt(err, "no seed commitment");
	st->state = NK_STATE_OPEN;
	st->round = 1;
	return NK_OK;
}

static enum nk_status apply_submission(struct case_state *st, const json_t *body, bool ext,
				       struct nk_error *err)
{
	enum nk_role role;
	int64_t round;

	if (st->package || body_role(body, &role) || body_int(body, "round", &round) ||
	    round != st->round || st->state != NK_STATE_OPEN)
		return corrupt(err, "a figure outside the open round");
	if (ext) {
		if (st->rounds[round - 1].extended[role])
			return corrupt(err, "two extensions in one round");
		st->rounds[round - 1].extended[role] = true;
	} else {
		if (st->rounds[round - 1].submitted[role])
			return corrupt(err, "two figures in one round");
		st->rounds[round - 1].submitted[role] = true;
	}
	return NK_OK;
}

static enum nk_status apply_figure(struct case_state *st, const json_t *body,
				   struct nk_error *err)
{
	return apply_submission(st, body, false, err);
}

static enum nk_status apply_extension(struct case_state *st, const json_t *body,
				      struct nk_error *err)
{
	return apply_submission(st, body, true, err);
}

static enum nk_status apply_round(struct case_state *st, const json_t *body,
				  struct nk_error *err)
{
	struct case_round *r = &st->rounds[st->round - 1];
	int64_t round, v;
	const char *deal;
	enum nk_deal_kind kind;

	if (st->package || body_int(body, "round", &round) || round != st->round || !r->submitted[0] ||
	    !r->submitted[1] || r->evaluated)
		return corrupt(err, "a round evaluated before both figures");
	deal = json_string_value(json_object_get(body, "outcome"));
	for (kind = NK_NO_DEAL; kind <= NK_DEAL_OVERLAP; kind++)
		if (deal && strcmp(deal, nk_deal_kind_name(kind)) == 0)
			break;
	if (kind > NK_DEAL_OVERLAP)
		return corrupt(err, "an unknown round outcome");
	r->evaluated = true;
	r->deal = kind;
	r->hint[0] = r->hint[1] = -1;
	if (kind != NK_NO_DEAL) {
		if (body_int(body, "figure", &r->figure))
			return corrupt(err, "a deal without a figure");
		return NK_OK;
	}
	for (int side = 0; side < 2; side++) {
		const json_t *s = json_object_get(body, nk_role_name((enum nk_role)side));

		if (s && !body_int(s, "band", &v))
			r->hint[side] = (int)v;
		r->withheld[side] = json_is_true(json_object_get(s, "withheld"));
	}
	if (st->round < st->rules.rounds)
		st->round++;
	return NK_OK;
}

static enum nk_status apply_impasse(struct case_state *st, const json_t *body,
				    struct nk_error *err)
{
	if (st->package || st->state != NK_STATE_OPEN || !st->rounds[st->rules.rounds - 1].evaluated)
		return corrupt(err, "an impasse before the last round");
	st->state = NK_STATE_IMPASSE;
	return NK_OK;
}

static enum nk_status apply_proposal(struct case_state *st, const json_t *body,
				     struct nk_error *err)
{
	if (st->state != NK_STATE_IMPASSE || st->proposal_pending ||
	    body_int(body, "figure", &st->proposal))
		return corrupt(err, "a proposal outside impasse");
	st->proposals++;
	st->proposal_pending = true;
	st->answered[0] = st->answered[1] = false;
	st->proposal_accepted = -1;
	return NK_OK;
}

static enum nk_status apply_answer(struct case_state *st, const json_t *body,
				   struct nk_error *err)
{
	enum nk_role role;

	if (!st->proposal_pending || body_role(body, &role) || st->answered[role])
		return corrupt(err, "an answer without a proposal");
	st->answered[role] = true;
	return NK_OK;
}

static enum nk_status apply_proposal_result(struct case_state *st, const json_t *body,
					    struct nk_error *err)
{
	const json_t *v = json_object_get(body, "accepted");

	if (!st->proposal_pending || !st->answered[0] || !st->answered[1] || !json_is_boolean(v))
		return corrupt(err, "a proposal result before both answers");
	st->proposal_pending = false;
	st->proposal_accepted = json_is_true(v);
	return NK_OK;
}

static enum nk_status apply_settled(struct case_state *st, const json_t *body,
				    struct nk_error *err)
{
	const char *by = json_string_value(json_object_get(body, "by"));
	enum nk_deal_kind kind;

	if (st->package)
		return package_apply_settled(st, body, err);
	if (st->state != NK_STATE_OPEN && st->state != NK_STATE_IMPASSE)
		return corrupt(err, "a settlement of an ended case");
	if (body_int(body, "figure", &st->settlement))
		return corrupt(err, "a settlement without a figure");
	for (kind = NK_DEAL_CLOSER; kind <= NK_DEAL_PROPOSAL; kind++)
		if (by && strcmp(by, nk_deal_kind_name(kind)) == 0)
			break;
	if (kind > NK_DEAL_PROPOSAL)
		return corrupt(err, "a settlement by an unknown rule");
	st->settled_by = kind;
	st->seed_revealed = body_hex(body, "seed", st->seed, NK_SEED_BYTES) == 0;
	st->settled = true;
	st->state = NK_STATE_SETTLED;
	return NK_OK;
}

static enum nk_status apply_closed(struct case_state *st, const json_t *body,
				   struct nk_error *err)
{
	if (st->state != NK_STATE_OPEN && st->state != NK_STATE_IMPASSE)
		return corrupt(err, "a closing of an ended case");
	st->state = NK_STATE_CLOSED;
	return NK_OK;
}

static enum nk_status apply_purged(struct case_state *st, const json_t *body,
				   struct nk_error *err)
{
	if (st->state != NK_STATE_SETTLED && st->state != NK_STATE_CLOSED)
		return corrupt(err, "secrets deleted from a live case");
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
		return corrupt(err, "a join without a role");
	if (st->state == NK_STATE_SETTLED || st->state == NK_STATE_CLOSED || st->joined[role])
		return corrupt(err, "a join of an ended case, or a second for one role");
	if (body_hex(body, "sign", id.sign, sizeof(id.sign)) ||
	    body_hex(body, "seal", id.seal, sizeof(id.seal)) ||
	    body_hex(body, "signature", sig, sizeof(sig)))
		return corrupt(err, "a join without its keys and signature");
	if (nk_join_verify(&id, st->id, role, sig, &ignored) != NK_OK)
		return corrupt(err, "a join whose signature does not verify");
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
		return corrupt(err, "a token change without its role or kind");
	if (st->state == NK_STATE_SETTLED || st->state == NK_STATE_CLOSED)
		return corrupt(err, "a token change after the case ended");
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

	if (body_int(body, "n", n) || *n < 1 || body_int(body, "size", &size) || size < 1 ||
	    size > NK_ENVELOPE_MAX || body_hex(body, "sha256", hash, sizeof(hash)))
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
		return corrupt(err, "a message without its roles, number or hash");
	if (ended(st) || !st->joined[from] || !st->joined[to] ||
	    (uint64_t)n != st->messages[from][to] + 1)
		return corrupt(err, "a message out of turn, or between roles without keys");
	st->messages[from][to] = (uint64_t)n;
	return NK_OK;
}

static enum nk_status apply_deposited(struct case_state *st, const json_t *body,
				      struct nk_error *err)
{
	enum nk_role role;
	int64_t n;

	if (body_role(body, &role) || body_envelope(body, &n))
		return corrupt(err, "a deposit without its role, number or hash");
	/* Number 1, a replacement too; logs written before that rule spent a number on each
	 * withdrawal, so one more than the last is read as well. */
	if (ended(st) || st->released || st->deposit_held[role] || !st->joined[NK_CLAIMANT] ||
	    !st->joined[NK_PAYER] || (n != 1 && (uint64_t)n != st->deposits[role] + 1))
		return corrupt(err, "a deposit out of turn");
	st->deposits[role] = (uint64_t)n;
	st->deposit_held[role] = true;
	return NK_OK;
}

static enum nk_status apply_released(struct case_state *st, const json_t *body,
				     struct nk_error *err)
{
	int64_t c, p;

	if (st->released || !st->deposit_held[NK_CLAIMANT] || !st->deposit_held[NK_PAYER] ||
	    body_int(body, "claimant", &c) || body_int(body, "payer", &p) ||
	    (uint64_t)c != st->deposits[NK_CLAIMANT] || (uint64_t)p != st->deposits[NK_PAYER])
		return corrupt(err, "a release before both deposits");
	st->released = true;
	return NK_OK;
}

static enum nk_status apply_withdrawn(struct case_state *st, const json_t *body,
				      struct nk_error *err)
{
	enum nk_role role;
	int64_t n;

	if (body_role(body, &role) || body_int(body, "n", &n) || st->released ||
	    !st->deposit_held[role] || (uint64_t)n != st->deposits[role])
		return corrupt(err, "a withdrawal of no deposit, or after the release");
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
		return corrupt(err, "a signed request numbered out of order, or by no joined role");
	st->last_request[role] = (uint64_t)json_integer_value(v);
	return NK_OK;
}

static const struct {
	const char *type;
	apply_fn apply;
} appliers[] = {
	{ "opened", apply_opened },
	{ "figure", apply_figure },
	{ "extension", apply_extension },
	{ "round", apply_round },
	{ "impasse", apply_impasse },
	{ "proposal", apply_proposal },
	{ "answer", apply_answer },
	{ "proposal-result", apply_proposal_result },
	{ "settled", apply_settled },
	{ "closed", apply_closed },
	{ "purged", apply_purged },
	{ "joined", apply_joined },
	{ "message", apply_message },
	{ "deposited", apply_deposited },
	{ "released", apply_released },
	{ "withdrawn", apply_withdrawn },
	{ "token", apply_token },
	{ "package_submitted", package_apply_submitted },
	{ "package_round", package_apply_round },
	{ "package_answer", package_apply_answer },
	{ "package_result", package_apply_result },
};

enum nk_status case_fold(const char *id, const struct nk_event_list *log,
			 struct case_state *st, struct nk_error *err)
{
	enum nk_status rc = NK_OK;

	memset(st, 0, sizeof(*st));
	snprintf(st->id, sizeof(st->id), "%s", id);
	st->proposal_accepted = -1;
	if (log->count == 0 || strcmp(log->events[0].type, "opened") != 0)
		return corrupt(err, "it does not start with its opening");
	for (size_t i = 0; i < log->count && rc == NK_OK; i++) {
		const struct nk_event *ev = &log->events[i];
		json_t *body = nk_json_loads_exact(ev->body, JSON_REJECT_DUPLICATES,
						   CASE_BODY_FLAGS);
		size_t k = 0;

		st->events++;
		st->event_ms = ev->time_ms;
		while (k < sizeof(appliers) / sizeof(appliers[0]) &&
		       strcmp(appliers[k].type, ev->type) != 0)
			k++;
		/* Every body was checked against the chain before the fold, and the server
		 * writes only text it has read back (nk_json_dumps): one that does not read
		 * back exactly now ran out of memory. */
		if (!body)
			rc = nk_fail(err, NK_ENOMEM, "log", "no memory to read case %s", id);
		else if (!json_is_object(body))
			rc = corrupt(err, "an event body is not a JSON object");
		else if (k == sizeof(appliers) / sizeof(appliers[0]))
			rc = corrupt(err, "an event of unknown type");
		else
			rc = appliers[k].apply(st, body, err);
		if (rc == NK_OK)
			rc = apply_request(st, ev, body, err);
		json_decref(body);
	}
	return rc;
}
