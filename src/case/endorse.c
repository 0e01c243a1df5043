/* Endorsement (doc/security.md, "Endorsement"): the case's opener receives every role's
 * invitation token, a principal's and a neutral's too, and whoever joins first with a
 * role's token holds the role. So a principal reads its party's briefing, and clears its
 * drafts, only once its party has endorsed the very key it joined with; a neutral is
 * shown the parties' last figures, and gives its fair figure, only once both parties
 * have. A party endorses after comparing the key's safety number with its holder over a
 * channel of their own; the endorsement is the party's signed request, logged as an
 * "endorsed" event naming the key. A role's key never changes once joined (join.c
 * refuses a second join), and the endorsement names the key besides, so an endorsed
 * role cannot be handed to another key. */
#include "case/case_impl.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

json_t *case_event_endorsed_encode(const struct case_event_endorsed *ev)
{
	char key[NK_KEY_HEX];

	nk_key_to_hex(ev->key, key);
	return json_pack("{s:s, s:s, s:s}", "by", nk_role_name(ev->by), "role",
			 nk_role_name(ev->role), "key", key);
}

enum nk_status case_event_endorsed_decode(const json_t *body, struct case_event_endorsed *out,
					  struct nk_error *err)
{
	const char *by = json_string_value(json_object_get(body, "by"));
	const char *role = json_string_value(json_object_get(body, "role"));

	if (!by || nk_role_parse(by, &out->by) != NK_OK || !nk_role_is_party(out->by) ||
	    !role || nk_role_parse(role, &out->role) != NK_OK ||
	    !case_event_hex(body, "key", out->key, sizeof(out->key)))
		return case_corrupt(err, "an endorsed event without a valid \"by\", \"role\" or "
				    "\"key\"");
	return NK_OK;
}

/* May party endorse role at all? Its own side's principal, or any neutral. */
static bool endorsable(enum nk_role party, enum nk_role role)
{
	return nk_role_kind(role) == NK_ROLE_NEUTRAL ||
	       (nk_role_kind(role) == NK_ROLE_PRINCIPAL && nk_role_reads(role) == party);
}

enum nk_status case_apply_endorsed(struct case_state *st, const json_t *body,
				   struct nk_error *err)
{
	struct case_event_endorsed ev;
	enum nk_status rc;

	if ((rc = case_event_endorsed_decode(body, &ev, err)) != NK_OK)
		return rc;
	if (st->state == NK_STATE_SETTLED || st->state == NK_STATE_CLOSED ||
	    !endorsable(ev.by, ev.role) || !st->joined[ev.by] || !st->joined[ev.role] ||
	    st->endorsed[ev.by][ev.role] ||
	    sodium_memcmp(ev.key, st->identity[ev.role].sign, sizeof(ev.key)) != 0)
		return case_corrupt(err, "an endorsement out of turn, or of a key the role did "
				    "not join with");
	st->endorsed[ev.by][ev.role] = true;
	memcpy(st->endorsed_key[ev.by][ev.role], ev.key, sizeof(ev.key));
	return NK_OK;
}

/* Party's endorsement of role's current key. */
static bool endorsed_by(const struct case_state *st, enum nk_role party, enum nk_role role)
{
	return st->joined[role] && st->endorsed[party][role] &&
	       sodium_memcmp(st->endorsed_key[party][role], st->identity[role].sign,
			     NK_PUBLIC_KEY_BYTES) == 0;
}

bool case_endorsed(const struct case_state *st, enum nk_role role)
{
	if (nk_role_kind(role) == NK_ROLE_PRINCIPAL)
		return endorsed_by(st, nk_role_reads(role), role);
	if (nk_role_kind(role) == NK_ROLE_NEUTRAL)
		return endorsed_by(st, NK_CLAIMANT, role) && endorsed_by(st, NK_PAYER, role);
	return true;
}

enum nk_status case_refuse_unendorsed(const struct case_state *st, enum nk_role role,
				      struct nk_error *err)
{
	const char *party = nk_role_name(nk_role_reads(role));

	if (case_endorsed(st, role))
		return NK_OK;
	if (nk_role_kind(role) == NK_ROLE_PRINCIPAL)
		return nk_fail(err, NK_EREFUSED, "role", "the %s reads the %s's briefing and "
			       "clears its drafts once the %s has endorsed its key: ask the %s to "
			       "compare safety numbers with you, then run nakodo endorse",
			       nk_role_name(role), party, party, party);
	return nk_fail(err, NK_EREFUSED, "role", "the %s is shown the last figures and gives "
		       "its fair figure once both parties have endorsed its key (%s): ask each "
		       "to compare safety numbers with you, then run nakodo endorse",
		       nk_role_name(role), endorsed_by(st, NK_CLAIMANT, role) ?
		       "the payer has not yet" : endorsed_by(st, NK_PAYER, role) ?
		       "the claimant has not yet" : "neither has yet");
}

void case_brief_endorsements(const struct case_state *st, enum nk_role viewer,
			     bool out[static 2][NK_ROLE_COUNT])
{
	for (int p = NK_CLAIMANT; p <= NK_PAYER; p++)
		for (int r = 0; r < NK_ROLE_COUNT; r++) {
			const enum nk_role role = (enum nk_role)r;
			/* the mediator reads the log; the endorsed role, its own; a party and
			 * its principal, the party's own and both parties' of the neutrals,
			 * whom both see */
			const enum nk_role side = nk_role_reads(viewer);
			const bool seen = viewer == NK_MEDIATOR || viewer == role ||
					  (nk_role_is_party(side) && nk_role_kind(viewer) !=
					   NK_ROLE_NEUTRAL && (side == (enum nk_role)p ||
					   nk_role_kind(role) == NK_ROLE_NEUTRAL));

			out[p][r] = seen && endorsed_by(st, (enum nk_role)p, role);
		}
}

/* The endorsement, with st loaded in the write transaction. */
static enum nk_status endorse(const struct nk_case_env *env, struct case_state *st,
			      enum nk_role party, const struct nk_case_request *req,
			      const struct nk_request_auth *auth, struct nk_error *err)
{
	const enum nk_role role = req->endorse;
	struct case_event_endorsed ev = { .by = party, .role = role };
	enum nk_status rc;

	if (st->state == NK_STATE_SETTLED || st->state == NK_STATE_CLOSED)
		return nk_fail(err, NK_EREFUSED, "case", "the case has ended (%s)",
			       nk_case_state_name(st->state));
	/* A party's token is the opener's too: only the party's own key vouches for a key */
	if (!st->joined[party])
		return nk_fail(err, NK_EREFUSED, "role", "the %s endorses a key once it has joined "
			       "with its own (nakodo join CASE --as %s --key FILE): its token alone, "
			       "which the case's opener holds too, vouches for no one",
			       nk_role_name(party), nk_role_name(party));
	if ((rc = case_authorise(st, party, req, auth, err)) != NK_OK)
		return rc;
	if ((rc = case_refuse_absent_role(st, role, err)) != NK_OK)
		return rc;
	if (!st->joined[role])
		return nk_fail(err, NK_EREFUSED, "role", "the %s has not joined with a key yet: "
			       "there is no key to endorse", nk_role_name(role));
	if (sodium_memcmp(req->endorse_key, st->identity[role].sign, sizeof(ev.key)) != 0)
		return nk_fail(err, NK_EREFUSED, "key", "this is not the key the %s joined with: "
			       "compare its safety number again", nk_role_name(role));
	if (st->endorsed[party][role])
		return nk_fail(err, NK_EREFUSED, "role", "the %s has already endorsed the %s's key",
			       nk_role_name(party), nk_role_name(role));
	memcpy(ev.key, req->endorse_key, sizeof(ev.key));
	return case_append(env, st->id, nk_role_name(party), CASE_EV_ENDORSED,
			   case_with_request(case_event_endorsed_encode(&ev), auth), err);
}

enum nk_status case_endorse(const struct nk_case_env *env, const char *id, enum nk_role role,
			    const struct nk_case_request *req, const struct nk_request_auth *auth,
			    struct nk_error *err)
{
	struct case_state *st;
	enum nk_status rc;

	if (!nk_role_is_party(role))
		return nk_fail(err, NK_EREFUSED, "role", "only the claimant or the payer endorses "
			       "a key; the %s endorses none", nk_role_name(role));
	if (!nk_role_valid(req->endorse) || !endorsable(role, req->endorse))
		return nk_fail(err, NK_EINVAL, "role", "the %s endorses its own principal's key "
			       "(%s-principal) or a neutral's (neutral-1 .. neutral-%d)",
			       nk_role_name(role), nk_role_name(role), NK_CASE_NEUTRALS_MAX);
	if (!(st = malloc(sizeof(*st))))
		return nk_fail(err, NK_ENOMEM, "case", "out of memory");
	if ((rc = case_load(env, id, st, err)) == NK_OK)
		rc = case_finish(env, endorse(env, st, role, req, auth, err), false, err);
	sodium_memzero(st, sizeof(*st));
	free(st);
	return rc;
}
