/* A blind round's public outcome (doc/blind.md, "The outcome"): each party's client,
 * having computed the round with the other's, gives the go-between what the round
 * decided — deal or not, the settlement, a commitment to its own figure, and its own
 * hint sealed for itself — signed with its key. The first is recorded as it comes; the
 * second concludes the round exactly as a plain round's evaluation does (round event,
 * settlement or impasse), but only if both say the same; otherwise it is refused and the
 * round stays open, for the clients to compute it again. A side that gives the same
 * public outcome again (a rerun: each client is held to its round's figure) appends
 * nothing; a different one replaces its own, at most NK_BLIND_OUTCOME_GIVEN_MAX outcomes
 * per side and round, so that the log grows by a bounded amount whatever the request
 * rate. No figure reaches the server. Each outcome's event keeps its party's signature, and
 * the fold checks it against the role's registered key: an outcome, and so a round's
 * conclusion, that the parties did not both sign does not load (doc/blind.md). */
#include "case/blind_case.h"
#include "case/figure_kind.h"
#include "base/hex.h"

#include <nakodo/json_build.h>
#include <nakodo/seal.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* The outcomes (events) one side may give of one round: the first, and a few more that
 * differ from the one before, for rounds computed again after a failure. */
#define NK_BLIND_OUTCOME_GIVEN_MAX 4

struct outcome {
	int64_t round;
	enum nk_deal_kind deal;
	int64_t figure;
	char commitment[2 * NK_BLIND_OUTCOME_COMMIT + 1];
	const char *hint;	/* base64, borrowed from the JSON, or NULL */
};

static enum nk_status refuse(struct nk_error *err, const char *field, const char *why)
{
	return nk_fail(err, NK_EINVAL, field, "%s", why);
}

/* obj's outcome (an envelope's text or an event's body) under rules; role_key: the
 * event's extra members "role", "request" and "signature". */
static enum nk_status outcome_read(const struct nk_rules *rules, const json_t *obj,
				   bool role_key, struct outcome *o, struct nk_error *err)
{
	static const char *const known[] = { "round", "outcome", "figure", "commitment", "hint",
					     "role", "request", "signature" };
	const char *deal = json_string_value(json_object_get(obj, "outcome"));
	const char *commit = json_string_value(json_object_get(obj, "commitment"));
	const json_t *fig = json_object_get(obj, "figure"), *v;
	const char *key;
	uint8_t bin[NK_BLIND_OUTCOME_HINT + 1];
	size_t got = 0;

	if (!json_is_object(obj))
		return refuse(err, "outcome", "must be a JSON object");
	json_object_foreach((json_t *)obj, key, v) {
		size_t i = 0;

		while (i < sizeof(known) / sizeof(known[0]) && strcmp(known[i], key) != 0)
			i++;
		if (i == sizeof(known) / sizeof(known[0]) || (!role_key && i >= 5))
			return nk_fail(err, NK_EINVAL, "outcome", "unknown member '%.32s'", key);
	}
	memset(o, 0, sizeof(*o));
	v = json_object_get(obj, "round");
	if (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > rules->rounds)
		return refuse(err, "round", "a round of the case's rules");
	o->round = json_integer_value(v);
	if (deal && strcmp(deal, nk_deal_kind_name(NK_NO_DEAL)) == 0)
		o->deal = NK_NO_DEAL;
	else if (deal && strcmp(deal, nk_deal_kind_name(NK_DEAL_OVERLAP)) == 0)
		o->deal = NK_DEAL_OVERLAP;
	else if (deal && rules->settle == NK_SETTLE_BAND &&
		 strcmp(deal, nk_deal_kind_name(NK_DEAL_BAND)) == 0)
		o->deal = NK_DEAL_BAND;
	else
		return refuse(err, "outcome", "no-deal, overlap, or band under the band rule");
	if (o->deal != NK_NO_DEAL) {
		if (!json_is_integer(fig) || json_integer_value(fig) < rules->range_low ||
		    json_integer_value(fig) > rules->range_high)
			return refuse(err, "figure", "a deal's settlement, within the case's range");
		o->figure = json_integer_value(fig);
	} else if (fig) {
		return refuse(err, "figure", "no settlement without a deal");
	}
	if (!commit || strlen(commit) != 2 * NK_BLIND_OUTCOME_COMMIT ||
	    sodium_hex2bin(bin, sizeof(bin), commit, strlen(commit), NULL, &got, NULL) != 0 ||
	    got != NK_BLIND_OUTCOME_COMMIT)
		return refuse(err, "commitment", "64 hex digits: the commitment to the side's figure");
	memcpy(o->commitment, commit, sizeof(o->commitment));
	/* the hint is there exactly when a plain round would tell one, so its presence
	 * says nothing the outcome does not */
	o->hint = json_string_value(json_object_get(obj, "hint"));
	if (o->deal == NK_NO_DEAL && rules->hint_count > 0) {
		if (!o->hint || sodium_base642bin(bin, sizeof(bin), o->hint, strlen(o->hint), NULL,
						  &got, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
		    got != NK_BLIND_OUTCOME_HINT)
			return nk_fail(err, NK_EINVAL, "hint", "the side's hint sealed for itself: "
				       "base64 of %d bytes", NK_BLIND_OUTCOME_HINT);
	} else if (json_object_get(obj, "hint")) {
		return refuse(err, "hint", "no hint without a failed round under hint rules");
	}
	return NK_OK;
}

/* role's outcome o of the open round, as its request number, stands: one more outcome
 * of the round from role. */
static void stand(struct case_state *st, enum nk_role role, const struct outcome *o,
		  uint64_t request)
{
	if (st->fig.blind_given_round[role] != st->round) {
		st->fig.blind_given_round[role] = st->round;
		st->fig.blind_given[role] = 0;
	}
	st->fig.blind_given[role]++;
	st->fig.rounds[st->round - 1].submitted[role] = true;
	st->fig.blind_deal[role] = o->deal;
	st->fig.blind_figure[role] = o->figure;
	st->fig.blind_request[role] = request;
}

/* The two rules on which outcomes of a round are appended, one function each for the
 * go-between that takes an outcome and the fold that reads it back, so that a log the
 * go-between could not have written does not load: the same public outcome given again
 * is taken without an event (its first stands), ... */
static bool given_already(const struct case_state *st, enum nk_role role,
			  const struct outcome *o)
{
	return st->fig.rounds[st->round - 1].submitted[role] && st->fig.blind_deal[role] == o->deal &&
	       st->fig.blind_figure[role] == o->figure;
}

/* ... and a different one replaces the side's own only while the side has given fewer
 * than NK_BLIND_OUTCOME_GIVEN_MAX of the round (after a lapse, which voids what was
 * given, one more is taken whatever the count: the lapses are bounded). */
static bool given_enough(const struct case_state *st, enum nk_role role)
{
	return st->fig.rounds[st->round - 1].submitted[role] &&
	       st->fig.blind_given_round[role] == st->round &&
	       st->fig.blind_given[role] >= NK_BLIND_OUTCOME_GIVEN_MAX;
}

/* The outcome's text as its party signed it: compact JSON with sorted keys of the
 * outcome's own members (an event's without "role", "request" and "signature"). The
 * go-between takes an outcome only in this form, so that its log can rebuild the text
 * and check the signature. NULL when out of memory. */
static char *outcome_text(const json_t *obj)
{
	json_t *copy = json_copy((json_t *)obj);
	char *text;

	if (!copy)
		return NULL;
	json_object_del(copy, "role");
	json_object_del(copy, "request");
	json_object_del(copy, "signature");
	text = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(copy);
	return text;
}

/* The fold's event (body, by role, of round) names why it is not its party's signed
 * outcome, or NK_OK: the signature over the text rebuilt from the event, with the
 * request number it records, under the role's registered key. */
static enum nk_status outcome_signed(const struct case_state *st, enum nk_role role,
				     const json_t *body, int64_t round, struct nk_error *err)
{
	const char *hex = json_string_value(json_object_get(body, "signature"));
	const json_t *n = json_object_get(body, "request");
	uint8_t sig[NK_SIGNATURE_BYTES];
	const char *why;
	char *text;

	if (!hex)
		why = "it holds no signature of the party (an outcome logged before outcomes kept "
		      "theirs, or one stripped of it), so nothing shows the party gave it";
	else if (strlen(hex) != 2 * NK_SIGNATURE_BYTES ||
		 !nk_hex_decode(hex, NK_SIGNATURE_BYTES, sig))
		why = "its \"signature\" is not 128 lowercase hex digits";
	else if (!json_is_integer(n) || json_integer_value(n) < 1)
		why = "it has no request number, which its signature binds";
	else if (!(text = outcome_text(body)))
		return nk_fail(err, NK_ENOMEM, "log", "no memory to read case %s", st->id);
	else {
		const char *action = nk_case_action_name(NK_ACTION_BLIND_OUTCOME);
		enum nk_status rc = nk_action_verify(&st->identity[role], st->id, role,
						     (uint64_t)json_integer_value(n), action,
						     (const uint8_t *)text, strlen(text), sig,
						     NULL);

		free(text);
		if (rc == NK_OK)
			return NK_OK;
		why = "its signature does not verify with the role's registered key over the "
		      "outcome it records: the party did not sign this outcome";
	}
	return nk_fail(err, NK_ECORRUPT, "log", "the case's log is inconsistent: event %lld (a "
		       "blind_outcome of the %s, round %lld): %s", (long long)st->events,
		       nk_role_name(role), (long long)round, why);
}

json_t *blind_round_outcomes(const struct case_state *st, json_t *body)
{
	return nk_json_set(body, "outcomes", json_pack("{s:I, s:I}", nk_role_name(NK_CLAIMANT),
						       (json_int_t)st->fig.blind_request[NK_CLAIMANT],
						       nk_role_name(NK_PAYER),
						       (json_int_t)st->fig.blind_request[NK_PAYER]));
}

/* NK_OK when the round's event (body) names side's standing outcome, else NK_ECORRUPT
 * saying why. A log written before rounds named them (2026-12-05) has no "outcomes":
 * it is read as it was (each side's last outcome concludes) only where nothing could
 * be chosen, each side having given one outcome of the round; otherwise the member is
 * required, or an operator could drop it to use another of a side's signed outcomes. */
static enum nk_status names_standing(const struct case_state *st, const json_t *body,
				     enum nk_role side, struct nk_error *err)
{
	const json_t *named = json_object_get(body, "outcomes");
	const json_t *n = json_object_get(named, nk_role_name(side));
	const char *why = NULL;

	if (!named && st->fig.blind_given[side] != 1)
		why = "names no outcomes, and this side gave more than one";
	else if (named && (!json_is_object(named) || json_object_size(named) != 2 ||
			   !json_is_integer(n)))
		why = "does not name this side's outcome by its request number";
	else if (named && (uint64_t)json_integer_value(n) != st->fig.blind_request[side])
		why = "names another of this side's signed outcomes than the one that stands";
	if (!why)
		return NK_OK;
	return nk_fail(err, NK_ECORRUPT, "log", "the case's log is inconsistent: event %lld "
		       "concludes blind round %d but %s (the %s)", (long long)st->events,
		       st->round, why, nk_role_name(side));
}

enum nk_status blind_check_round(const struct case_state *st, const json_t *body,
				 enum nk_deal_kind deal, int64_t figure, struct nk_error *err)
{
	static const char *const known[] = { "round", "outcome", "figure", "outcomes" };
	const char *key;
	const json_t *v;

	/* nothing else: a plain round's hints ("claimant", "payer") would be shown to their
	 * sides as the go-between's, and it never holds a blind round's (each client opens
	 * its own sealed one) */
	json_object_foreach((json_t *)body, key, v) {
		size_t i = 0;

		while (i < sizeof(known) / sizeof(known[0]) && strcmp(known[i], key) != 0)
			i++;
		if (i == sizeof(known) / sizeof(known[0]))
			return nk_fail(err, NK_ECORRUPT, "log", "the case's log is inconsistent: "
				       "event %lld concludes blind round %d with a member no blind "
				       "round has ('%.32s')", (long long)st->events, st->round, key);
	}
	for (int side = NK_CLAIMANT; side <= NK_PAYER; side++) {
		if (names_standing(st, body, (enum nk_role)side, err) != NK_OK)
			return NK_ECORRUPT;
		if (st->fig.blind_deal[side] != deal ||
		    (deal != NK_NO_DEAL && st->fig.blind_figure[side] != figure))
			return nk_fail(err, NK_ECORRUPT, "log", "the case's log is inconsistent: "
				       "event %lld concludes blind round %d with an outcome that "
				       "is not the %s's signed one", (long long)st->events,
				       st->round, nk_role_name((enum nk_role)side));
	}
	return NK_OK;
}

enum nk_status blind_check_actor(const struct nk_event *ev, const json_t *body,
				 struct nk_error *err)
{
	const char *who = json_string_value(json_object_get(body, "role"));

	if (strcmp(ev->type, case_event_name(CASE_EV_BLIND_OUTCOME)) != 0 ||
	    (who && strcmp(who, ev->actor) == 0))
		return NK_OK;
	return nk_fail(err, NK_ECORRUPT, "log", "the case's log is inconsistent: event %lld (a "
		       "blind_outcome of the %.16s) has another actor (%.16s)", (long long)ev->seq,
		       who ? who : "no role", ev->actor);
}

enum nk_status blind_check_settled(const struct case_state *st, enum nk_deal_kind by,
				   int64_t figure, struct nk_error *err)
{
	const struct case_round *r = &st->fig.rounds[st->round - 1];
	bool said;

	if (by == NK_DEAL_PROPOSAL)	/* the mediator's, which both accepted */
		said = st->fig.proposal_accepted == 1 && figure == st->fig.proposal;
	else	/* the round's, which both sides' signed outcomes say (blind_check_round) */
		said = st->state == NK_STATE_OPEN && r->evaluated && r->deal == by &&
		       r->figure == figure;
	if (said)
		return NK_OK;
	return nk_fail(err, NK_ECORRUPT, "log", "the case's log is inconsistent: event %lld "
		       "settles blind round %d otherwise than the round's outcome or the "
		       "accepted proposal says", (long long)st->events, st->round);
}

enum nk_status blind_apply_outcome(struct case_state *st, const json_t *body,
				   struct nk_error *err)
{
	const char *who = json_string_value(json_object_get(body, "role"));
	struct outcome o;
	struct nk_error ignored = { 0 };
	enum nk_role role;
	enum nk_status rc;

	if (!st->fig.rules.blind || st->state != NK_STATE_OPEN || !who ||
	    nk_role_parse(who, &role) != NK_OK || role == NK_MEDIATOR ||
	    outcome_read(&st->fig.rules, body, true, &o, &ignored) != NK_OK ||
	    o.round != st->round || st->fig.rounds[st->round - 1].evaluated || !st->joined[role])
		return case_corrupt(err, "a blind round's outcome that does not fit the case");
	if ((rc = outcome_signed(st, role, body, o.round, err)) != NK_OK)
		return rc;
	/* what the go-between appends (blind_outcome_act), and nothing else */
	if (given_already(st, role, &o) || given_enough(st, role))
		return nk_fail(err, NK_ECORRUPT, "log", "the case's log is inconsistent: event "
			       "%lld (a blind_outcome of the %s, round %lld): %s",
			       (long long)st->events, nk_role_name(role), (long long)o.round,
			       given_enough(st, role) ? "the side gave more outcomes of the "
			       "round than it may" : "the same outcome as the side's standing "
			       "one, which the go-between takes without an event");
	stand(st, role, &o, (uint64_t)json_integer_value(json_object_get(body, "request")));
	return NK_OK;
}

enum nk_status blind_outcome_act(const struct nk_case_env *env, struct case_state *st,
				 enum nk_role role, const struct nk_case_request *req,
				 const struct nk_request_auth *auth, bool *ended,
				 struct nk_error *err)
{
	struct case_round *r = &st->fig.rounds[st->round - 1];
	struct nk_round_result res;
	struct outcome o = { 0 };
	json_t *obj, *body;
	char *text = NULL, sig[2 * NK_SIGNATURE_BYTES + 1];
	enum nk_status rc;

	if ((rc = case_refuse_state(st, NK_STATE_OPEN, err)) != NK_OK)
		return rc;
	if (!st->fig.rules.blind)
		return nk_fail(err, NK_EREFUSED, "case", "this case is not blind: the go-between "
			       "computes its rounds from the figures");
	if (!st->joined[NK_CLAIMANT] || !st->joined[NK_PAYER] || !auth)
		return nk_fail(err, NK_EREFUSED, "join", "both parties join the case with their "
			       "keys before its first blind round, and sign their outcomes");
	if (!req->envelope || req->envelope_len == 0 || req->envelope_len > NK_BLIND_OUTCOME_MAX)
		return nk_fail(err, NK_EINVAL, "outcome", "an outcome is 1 to %d bytes of JSON",
			       NK_BLIND_OUTCOME_MAX);
	obj = json_loadb((const char *)req->envelope, req->envelope_len, JSON_REJECT_DUPLICATES,
			 NULL);
	rc = obj ? outcome_read(&st->fig.rules, obj, false, &o, err)
		 : refuse(err, "outcome", "not JSON");
	if (rc == NK_OK && !(text = outcome_text(obj)))
		rc = nk_fail(err, NK_ENOMEM, "outcome", "out of memory");
	if (rc == NK_OK && (strlen(text) != req->envelope_len ||
			    memcmp(text, req->envelope, req->envelope_len) != 0))
		rc = refuse(err, "outcome", "compact JSON with its keys sorted (as jansson's "
			    "JSON_COMPACT | JSON_SORT_KEYS writes it): the log keeps the outcome's "
			    "members and rebuilds the signed text from them");
	free(text);
	if (rc == NK_OK && o.round != st->round)
		rc = nk_fail(err, NK_EREFUSED, "round", "round %lld is not the open round (%d)",
			     (long long)o.round, st->round);
	if (rc == NK_OK && given_already(st, role, &o)) {	/* nothing to add */
		json_decref(obj);
		return NK_OK;
	}
	if (rc == NK_OK && given_enough(st, role))
		rc = nk_fail(err, NK_EREFUSED, "outcome", "the %s has given %d different outcomes "
			     "of round %d, as many as a side may: its last one stands (the "
			     "mediator may close the case)", nk_role_name(role),
			     NK_BLIND_OUTCOME_GIVEN_MAX, st->round);
	body = rc == NK_OK ? json_deep_copy(obj) : NULL;
	json_decref(obj);
	if (rc != NK_OK)
		return rc;
	body = nk_json_set(body, "role", json_string(nk_role_name(role)));
	nk_hex_encode(auth->signature, NK_SIGNATURE_BYTES, sig);
	body = nk_json_set(body, "signature", json_string(sig));
	if ((rc = case_append(env, st->id, nk_role_name(role), CASE_EV_BLIND_OUTCOME,
			      case_with_request(body, auth), err)) != NK_OK)
		return rc;
	stand(st, role, &o, auth->number);
	if (!r->submitted[!role])
		return NK_OK;
	if (st->fig.blind_deal[!role] != o.deal || st->fig.blind_figure[!role] != o.figure)
		return nk_fail(err, NK_EREFUSED, "outcome", "this outcome of round %d differs from "
			       "the %s's: nothing is recorded, the round stays open; compute it "
			       "again", st->round, nk_role_name(!role));
	memset(&res, 0, sizeof(res));
	res.deal = o.deal;
	res.figure = o.figure;
	res.band = -1;
	return case_round_conclude(env, st, &res, ended, err);
}
