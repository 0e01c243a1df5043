/* Principals who clear (doc/toolkit.md, "Principals"): in a case opened with --authority,
 * a party's figure, extension or answer does not take effect when the party sends it. It
 * is checked as if it did, then kept as a sealed draft (draft.ROLE) with no event: an
 * event would move the log the mediator reads, the overview's times and the counts. Its
 * principal's signed approval appends the party's own event then, with the party's
 * request number; a rejection voids it. A draft is bound to the round (and its lapses)
 * and the proposal it was made in: once the case moves on it is void. */
#include "case/figure_kind.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* The sealed draft: [0] live, [1] action, [2] accept, [3] 0, then little-endian round,
 * lapses, proposals (4 bytes each), amount and number (8 bytes each). A cleared draft
 * stays as a dead one with its number and no amount: the party's next draft must carry
 * a higher number, so that a signed draft request cannot be replayed. */
#define DRAFT_BYTES 36

struct draft {
	bool live;
	enum nk_case_action action;
	bool accept;
	uint32_t round, lapses, proposals;
	int64_t amount;
	uint64_t number;
};

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void draft_name(char out[static NK_SECRET_NAME_MAX], enum nk_role party)
{
	case_secret_name(out, "draft", 0, party);
}

static enum nk_status draft_put(const struct nk_case_env *env, const char *id,
				enum nk_role party, const struct draft *d, struct nk_error *err)
{
	uint8_t buf[DRAFT_BYTES] = { d->live, (uint8_t)d->action, d->accept, 0 };
	char name[NK_SECRET_NAME_MAX];
	enum nk_status rc;

	put_le(buf + 4, d->round, 4);
	put_le(buf + 8, d->lapses, 4);
	put_le(buf + 12, d->proposals, 4);
	put_le(buf + 16, (uint64_t)d->amount, 8);
	put_le(buf + 24, d->number, 8);
	draft_name(name, party);
	rc = nk_store_secret_put(env->store, id, name, buf, sizeof(buf), err);
	sodium_memzero(buf, sizeof(buf));
	return rc;
}

/* The party's draft, live or dead; all zero (and NK_OK) when it never drafted. */
static enum nk_status draft_get(const struct nk_case_env *env, const char *id,
				enum nk_role party, struct draft *d, struct nk_error *err)
{
	uint8_t buf[DRAFT_BYTES];
	char name[NK_SECRET_NAME_MAX];
	size_t len = 0;
	enum nk_status rc;

	memset(d, 0, sizeof(*d));
	draft_name(name, party);
	rc = nk_store_secret_get(env->store, id, name, buf, sizeof(buf), &len, err);
	if (rc == NK_ENOTFOUND)
		return NK_OK;
	if (rc == NK_OK && (len != DRAFT_BYTES || buf[0] > 1 || buf[2] > 1 ||
			    (buf[1] != NK_ACTION_SUBMIT && buf[1] != NK_ACTION_EXTEND &&
			     buf[1] != NK_ACTION_ANSWER)))
		rc = nk_fail(err, NK_ECORRUPT, "secret", "a sealed draft has the wrong form");
	if (rc == NK_OK) {
		d->live = buf[0];
		d->action = (enum nk_case_action)buf[1];
		d->accept = buf[2];
		d->round = (uint32_t)get_le(buf + 4, 4);
		d->lapses = (uint32_t)get_le(buf + 8, 4);
		d->proposals = (uint32_t)get_le(buf + 12, 4);
		d->amount = (int64_t)get_le(buf + 16, 8);
		d->number = get_le(buf + 24, 8);
	}
	sodium_memzero(buf, sizeof(buf));
	return rc;
}

/* Is a live draft still for where the case stands? A lapse, a new round or proposal,
 * or the case's end voids it. */
static bool draft_current(const struct case_state *st, const struct draft *d)
{
	const enum nk_case_state want = d->action == NK_ACTION_ANSWER ? NK_STATE_IMPASSE
								      : NK_STATE_OPEN;

	return d->live && st->state == want && d->round == (uint32_t)st->round &&
	       d->lapses == (uint32_t)st->fig.round_lapses &&
	       d->proposals == (uint32_t)st->fig.proposals;
}

bool case_drafts(const struct case_state *st, enum nk_role role,
		 const struct nk_case_request *req)
{
	return st->kind == &case_kind_figures && st->fig.rules.authority &&
	       nk_role_is_party(role) && (req->action == NK_ACTION_SUBMIT ||
					  req->action == NK_ACTION_EXTEND ||
					  req->action == NK_ACTION_ANSWER);
}

/* The highest request number the party has used, drafts included. */
static uint64_t party_last(const struct case_state *st, enum nk_role party,
			   const struct draft *d)
{
	return d->number > st->last_request[party] ? d->number : st->last_request[party];
}

enum nk_status case_draft(const struct nk_case_env *env, struct case_state *st,
			  enum nk_role role, const struct nk_case_request *req,
			  const struct nk_request_auth *auth, struct nk_error *err)
{
	struct draft d;
	char id[NK_CASE_ID_MAX];
	bool ended = false;
	enum nk_status undone, rc = draft_get(env, st->id, role, &d, err);

	memcpy(id, st->id, sizeof(id));	/* case_load rewrites st, st->id included */

	if (rc == NK_OK && draft_current(st, &d))
		rc = nk_fail(err, NK_EREFUSED, "draft", "a draft of the %s awaits its principal's "
			     "approval; only one waits at a time: the principal approves or "
			     "rejects it first (nakodo approve, nakodo reject)",
			     nk_role_name(role));
	if (rc == NK_OK && auth && auth->number <= d.number)
		rc = nk_fail(err, NK_EAUTH, "request", "request number %llu was used already by "
			     "a draft: a replay, or an older request",
			     (unsigned long long)auth->number);
	/* Checked by doing it, then undone: the same refusals as without authority. Done as
	 * if the other side had not yet given its figure or answer: done whole, it would
	 * conclude the round or the proposal, and how long that takes (a settlement's
	 * purge and signed statement against a failed round's hints) would tell the party,
	 * draft after draft cleared by its principal, where the other side's figure lies
	 * (tests/unit/test_authority_probe.c). No refusal comes from the concluding. */
	if (rc == NK_OK && st->round >= 1 && st->round <= NK_ROUNDS_MAX) {
		st->fig.rounds[st->round - 1].submitted[!role] = false;
		st->fig.answered[!role] = false;
	}
	if (rc == NK_OK)
		rc = st->kind->act[req->action].run(env, st, role, req, auth, &ended, err);
	sodium_memzero(&d, sizeof(d));
	undone = case_finish(env, rc == NK_OK ? NK_EREFUSED : rc, false, NULL);
	(void)undone;	/* a rollback, which cannot fail */
	if (rc != NK_OK)
		return rc;
	if ((rc = case_load(env, id, st, err)) != NK_OK)
		return rc;
	if ((rc = draft_get(env, st->id, role, &d, err)) == NK_OK && draft_current(st, &d))
		rc = nk_fail(err, NK_EREFUSED, "draft", "a draft of the %s awaits its principal's "
			     "approval; only one waits at a time: the principal approves or "
			     "rejects it first (nakodo approve, nakodo reject)",
			     nk_role_name(role));
	if (rc == NK_OK) {
		uint64_t last = party_last(st, role, &d);

		d = (struct draft){ .live = true, .action = req->action, .accept = req->accept,
				    .round = (uint32_t)st->round,
				    .lapses = (uint32_t)st->fig.round_lapses,
				    .proposals = (uint32_t)st->fig.proposals,
				    .amount = req->action == NK_ACTION_ANSWER ? 0 : req->amount,
				    .number = auth ? auth->number : last + 1 };
		if (auth && auth->number <= last)
			rc = nk_fail(err, NK_EAUTH, "request", "request number %llu was used already",
				     (unsigned long long)auth->number);
		else
			rc = draft_put(env, st->id, role, &d, err);
	}
	sodium_memzero(&d, sizeof(d));
	return case_finish(env, rc, false, err);
}

/* The principal's approval (req->accept) or rejection of its party's draft number
 * req->draft (NK_ACTION_APPROVE). */
static enum nk_status clear(const struct nk_case_env *env, struct case_state *st,
			    enum nk_role role, const struct nk_case_request *req,
			    const struct nk_request_auth *auth, bool *ended, struct nk_error *err)
{
	const enum nk_role party = nk_role_reads(role);
	struct draft d;
	enum nk_status rc;

	if (!(st->kind == &case_kind_figures && st->fig.rules.authority))
		return nk_fail(err, NK_EREFUSED, "authority", "this case was opened without "
			       "authority (--authority): its principals clear nothing");
	/* Until it joins with its own key a principal is only its token, which the case's
	 * opener holds too: the mediator must not clear a party's figure in its name. */
	if (!st->joined[role])
		return nk_fail(err, NK_EREFUSED, "role", "the %s clears its party's drafts once it "
			       "has joined with its own key (nakodo join CASE --as %s --key FILE)",
			       nk_role_name(role), nk_role_name(role));
	/* nor once it has joined, until its party endorsed the key: the opener may have
	 * joined with the token first (endorse.c) */
	if ((rc = case_refuse_unendorsed(st, role, err)) != NK_OK)
		return rc;
	if ((rc = case_authorise(st, role, req, auth, err)) != NK_OK ||
	    (rc = draft_get(env, st->id, party, &d, err)) != NK_OK)
		return rc;
	if (!draft_current(st, &d))
		rc = nk_fail(err, NK_EREFUSED, "draft", "no draft of the %s awaits approval%s",
			     nk_role_name(party), d.live ? " (the one drafted is void: the case "
			     "has moved on since)" : "");
	else if (req->draft != d.number)
		rc = nk_fail(err, NK_EREFUSED, "draft", "the draft awaiting approval is number "
			     "%llu, not %llu", (unsigned long long)d.number,
			     (unsigned long long)req->draft);
	if (rc == NK_OK) {
		const struct nk_case_request preq = { .action = d.action, .amount = d.amount,
						      .accept = d.accept };
		/* the party's event carries its number, unless it has signed later since */
		const struct nk_request_auth pauth = { .number = d.number };
		const bool numbered = st->joined[party] && d.number > st->last_request[party];
		struct draft dead = { .number = d.number };

		rc = draft_put(env, st->id, party, &dead, err);
		if (rc == NK_OK && req->accept)
			rc = st->kind->act[d.action].run(env, st, party, &preq,
							 numbered ? &pauth : NULL, ended, err);
	}
	sodium_memzero(&d, sizeof(d));
	return rc;
}

enum nk_status case_approve(const struct nk_case_env *env, const char *id, enum nk_role role,
			    const struct nk_case_request *req, const struct nk_request_auth *auth,
			    struct nk_error *err)
{
	struct case_state *st;
	bool ended = false;
	enum nk_status rc;

	if (nk_role_kind(role) != NK_ROLE_PRINCIPAL)
		return nk_fail(err, NK_EREFUSED, "role", "only a principal approves or rejects "
			       "its party's draft");
	if (req->draft == 0 || req->draft > INT64_MAX)
		return nk_fail(err, NK_EINVAL, "draft", "a draft's number is 1 to 2^63-1");
	if (!(st = malloc(sizeof(*st))))
		return nk_fail(err, NK_ENOMEM, "case", "out of memory");
	if ((rc = case_load(env, id, st, err)) == NK_OK) {
		if ((rc = case_refuse_principal_role(st, role, err)) == NK_OK)
			rc = clear(env, st, role, req, auth, &ended, err);
		rc = case_finish(env, rc, ended, err);
	}
	sodium_memzero(st, sizeof(*st));
	free(st);
	return rc;
}

enum nk_status case_brief_draft(const struct nk_case_env *env, const struct case_state *st,
				enum nk_role viewer, struct nk_brief *b, struct nk_error *err)
{
	const enum nk_role party = nk_role_reads(viewer);
	struct draft d;
	enum nk_status rc;

	if (!(st->kind == &case_kind_figures && st->fig.rules.authority) ||
	    !nk_role_is_party(party) || st->purged)
		return NK_OK;
	if ((rc = draft_get(env, st->id, party, &d, err)) != NK_OK)
		return rc;
	if (viewer == party && d.number > b->last_request)
		b->last_request = d.number;	/* its next request must be numbered past it */
	if (draft_current(st, &d)) {
		b->draft = true;
		b->draft_action = (int)d.action;
		b->draft_round = (int)d.round;
		b->draft_amount = d.amount;
		b->draft_accept = d.accept;
		b->draft_number = d.number;
	}
	sodium_memzero(&d, sizeof(d));
	return NK_OK;
}
