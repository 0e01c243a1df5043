/* Signed requests: once a role has joined with a key, each of its actions carries its
 * signature over the case, the role, a fresh request number, the action's name and the
 * SHA-256 of the action's canonical body. This file makes and checks those signatures
 * and dispatches nk_case_act to the command that does the action. */
#include "case/case_impl.h"
#include "case/message.h"
#include <nakodo/package_json.h>

#include <nakodo/seal.h>

#include <inttypes.h>
#include <stdio.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	case_request_fn *run;
} actions[] = {
	/* a kind's actions: run by the case's kind, refused by another kind */
	[NK_ACTION_SUBMIT] = { "submit", case_kind_act },
	[NK_ACTION_EXTEND] = { "extend", case_kind_act },
	[NK_ACTION_ANSWER] = { "answer", case_kind_act },
	[NK_ACTION_PROPOSE] = { "propose", case_kind_act },
	[NK_ACTION_CLOSE] = { "close", case_close },
	[NK_ACTION_SEND] = { "send", case_send },
	[NK_ACTION_DEPOSIT] = { "deposit", case_deposit },
	[NK_ACTION_WITHDRAW] = { "withdraw", case_withdraw },
	[NK_ACTION_PACKAGE] = { "package", case_kind_act },
	[NK_ACTION_BLIND_OUTCOME] = { "blind_outcome", case_kind_act },
	[NK_ACTION_ANNOUNCE] = { "announce", case_kind_act },
	[NK_ACTION_APPROVE] = { "approve", case_approve },	/* a principal's (authority.c) */
	[NK_ACTION_ENDORSE] = { "endorse", case_endorse },	/* a party's (endorse.c) */
};

static bool known_action(enum nk_case_action action)
{
	return (unsigned)action < sizeof(actions) / sizeof(actions[0]);
}

const char *nk_case_action_name(enum nk_case_action action)
{
	return known_action(action) ? actions[action].name : "unknown";
}

/* {"round":R,"valuation":V}: V is the valuation's normal form (the text it is sealed
 * in), read back as an object, so the client and the server reach the same bytes from
 * the same valuation. The normal form's reals have 15 significant digits, which read
 * back and print again unchanged at that precision. */
static enum nk_status package_body(const struct nk_case_request *req, json_t **out,
				   struct nk_error *err)
{
	char *text = NULL;
	size_t len;
	json_t *v;
	enum nk_status rc;

	if (!req->valuation)
		return nk_fail(err, NK_EINVAL, "valuation", "a package request needs a valuation");
	if ((rc = nk_valuation_json_write(req->valuation, &text, err)) != NK_OK)
		return rc;
	len = strlen(text);
	v = json_loadb(text, len, 0, NULL);
	sodium_memzero(text, len);
	free(text);
	if (!v || !(*out = json_pack("{s:i, s:o}", "round", req->round, "valuation", v)))
		return nk_fail(err, NK_ENOMEM, "request", "out of memory");
	return NK_OK;
}

/* The body of an action whose members are integers and truth values, as
 * json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) wrote it from a tree of them (keys sorted,
 * integers as "%lld"), without the tree: a joined party signs, and the go-between checks,
 * every figure's body (test_request_body compares the two). */
static enum nk_status plain_body(const struct nk_case_request *req, uint8_t **out,
				 size_t *len, struct nk_error *err)
{
	const long long amount = (long long)req->amount, round = req->round;
	const char *yes = req->accept ? "true" : "false";
	char text[96];
	int n;

	switch (req->action) {
	case NK_ACTION_SUBMIT:
	case NK_ACTION_ANNOUNCE:
		n = snprintf(text, sizeof(text), "{\"amount\":%lld,\"round\":%lld}", amount, round);
		break;
	case NK_ACTION_EXTEND:
		n = req->round ? snprintf(text, sizeof(text), "{\"amount\":%lld,\"round\":%lld}",
					  amount, round)
			       : snprintf(text, sizeof(text), "{\"amount\":%lld}", amount);
		break;
	case NK_ACTION_PROPOSE:
		n = snprintf(text, sizeof(text), "{\"amount\":%lld}", amount);
		break;
	case NK_ACTION_ANSWER:
		n = snprintf(text, sizeof(text), "{\"accept\":%s}", yes);
		break;
	case NK_ACTION_APPROVE:
		n = snprintf(text, sizeof(text), "{\"accept\":%s,\"draft\":%lld}", yes,
			     (long long)req->draft);
		break;
	default:	/* close, withdraw */
		n = snprintf(text, sizeof(text), "{}");
		break;
	}
	if (n <= 0 || (size_t)n >= sizeof(text) || !(*out = malloc((size_t)n + 1))) {
		sodium_memzero(text, sizeof(text));
		return nk_fail(err, NK_ENOMEM, "request", "out of memory");
	}
	memcpy(*out, text, (size_t)n + 1);
	*len = (size_t)n;
	sodium_memzero(text, sizeof(text));	/* it may hold a figure */
	return NK_OK;
}

enum nk_status nk_case_request_body(const struct nk_case_request *req, uint8_t **out,
				    size_t *len, struct nk_error *err)
{
	json_t *o = NULL;
	size_t flags = JSON_COMPACT | JSON_SORT_KEYS;
	enum nk_status rc;
	char *text;

	if (!req || !known_action(req->action))
		return nk_fail(err, NK_EINVAL, "action", "not an action");
	switch (req->action) {
	case NK_ACTION_SEND:
	case NK_ACTION_DEPOSIT:
	case NK_ACTION_BLIND_OUTCOME:
		if (!req->envelope || req->envelope_len == 0 || req->envelope_len > NK_ENVELOPE_MAX)
			return nk_fail(err, NK_EINVAL, "envelope", "an envelope is 1 to %d bytes",
				       NK_ENVELOPE_MAX);
		if (!(*out = malloc(req->envelope_len)))
			return nk_fail(err, NK_ENOMEM, "request", "out of memory");
		memcpy(*out, req->envelope, req->envelope_len);
		*len = req->envelope_len;
		return NK_OK;
	case NK_ACTION_SUBMIT:
	case NK_ACTION_ANNOUNCE:
	case NK_ACTION_EXTEND:	/* the round only when named: older clients sign {"amount"} */
	case NK_ACTION_PROPOSE:
	case NK_ACTION_ANSWER:
	case NK_ACTION_APPROVE:
	case NK_ACTION_CLOSE:
	case NK_ACTION_WITHDRAW:
		return plain_body(req, out, len, err);
	case NK_ACTION_ENDORSE: {
		char key[NK_KEY_HEX];

		if (!nk_role_valid(req->endorse))
			return nk_fail(err, NK_EINVAL, "role", "not a role");
		nk_key_to_hex(req->endorse_key, key);
		o = json_pack("{s:s, s:s}", "key", key, "role", nk_role_name(req->endorse));
		break;
	}
	case NK_ACTION_PACKAGE:
		if ((rc = package_body(req, &o, err)) != NK_OK)
			return rc;
		flags |= JSON_REAL_PRECISION(15);
		break;
	}
	text = o ? json_dumps(o, flags) : NULL;
	json_decref(o);
	if (!text)
		return nk_fail(err, NK_ENOMEM, "request", "out of memory");
	*out = (uint8_t *)text;
	*len = strlen(text);
	return NK_OK;
}

enum nk_status nk_case_request_sign(const struct nk_party_key *key, const char *id,
				    enum nk_role role, uint64_t number,
				    const struct nk_case_request *req,
				    struct nk_request_auth *out, struct nk_error *err)
{
	struct nk_request_auth auth = { .number = number };
	uint8_t *body = NULL;
	size_t len = 0;
	enum nk_status rc;

	if (number == 0 || number > INT64_MAX)
		return nk_fail(err, NK_EINVAL, "request", "a request number is 1 to 2^63-1");
	if ((rc = nk_case_request_body(req, &body, &len, err)) != NK_OK)
		return rc;
	rc = nk_action_sign(key, id, role, number, actions[req->action].name, body, len,
			    auth.signature, err);
	if (rc == NK_OK)
		*out = auth;
	if (body)
		sodium_memzero(body, len);	/* it may hold a figure */
	free(body);
	return rc;
}

enum nk_status case_authorise(const struct case_state *st, enum nk_role role,
			      const struct nk_case_request *req, const struct nk_request_auth *auth,
			      struct nk_error *err)
{
	uint8_t *body = NULL;
	size_t len = 0;
	enum nk_status rc;

	if (!st->joined[role]) {
		if (!auth)
			return NK_OK;
		return nk_fail(err, NK_EAUTH, "signature", "the %s has not joined this case with a "
			       "key, so there is no key to check the signature against", nk_role_name(role));
	}
	if (!auth)
		return nk_fail(err, NK_EAUTH, "signature", "the %s has joined this case with a key: "
			       "its requests must be signed with it (--key FILE)", nk_role_name(role));
	if (auth->number == 0 || auth->number > INT64_MAX)
		return nk_fail(err, NK_EAUTH, "request", "a request number is 1 to 2^63-1");
	if ((rc = nk_case_request_body(req, &body, &len, err)) != NK_OK)
		return rc;
	rc = nk_action_verify(&st->identity[role], st->id, role, auth->number,
			      actions[req->action].name, body, len, auth->signature, NULL);
	sodium_memzero(body, len);
	free(body);
	if (rc != NK_OK)
		return nk_fail(err, NK_EAUTH, "signature", "the request is not signed by the %s's "
			       "registered key for this case, action and body", nk_role_name(role));
	/* Checked after the signature: only an authentic request is called a replay. */
	if (auth->number <= st->last_request[role])
		return nk_fail(err, NK_EAUTH, "request", "request number %" PRIu64 " was used "
			       "already (the %s's last is %" PRIu64 "): a replay, or an older request",
			       auth->number, nk_role_name(role), st->last_request[role]);
	return NK_OK;
}

enum nk_status nk_case_act(const struct nk_case_env *env, const char *id, enum nk_role role,
			   const struct nk_case_request *req, const struct nk_request_auth *auth,
			   struct nk_error *err)
{
	if (!req || !known_action(req->action))
		return nk_fail(err, NK_EINVAL, "action", "not an action");
	if (!nk_role_valid(role))
		return nk_fail(err, NK_EINVAL, "role", "not a role");
	if (req->action != NK_ACTION_APPROVE && case_refuse_principal_act(role, err) != NK_OK)
		return NK_EREFUSED;
	return actions[req->action].run(env, id, role, req, auth, err);
}
