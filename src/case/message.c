/* Sealed messages and simultaneous disclosure on a case. The go-between cannot open an
 * envelope; it reads the clear header (nk_message_peek), checks that it names this
 * case, the acting role, keys as registered and the next number of its direction,
 * stores the ciphertext and logs only its size and SHA-256. Deposits are held until
 * both parties' are in; the second one releases both in the same transaction. */
#include "case/case_impl.h"
#include "case/message.h"

#include <nakodo/seal.h>

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static enum nk_status refuse_ended(const struct case_state *st, struct nk_error *err)
{
	if (st->state == NK_STATE_SETTLED || st->state == NK_STATE_CLOSED)
		return nk_fail(err, NK_EREFUSED, "case", "the case has ended (%s)",
			       nk_case_state_name(st->state));
	return NK_OK;
}

/* The clear header of req's envelope, before any lock is taken: it must be an envelope
 * of kind, from role, to another valid role. */
static enum nk_status peek(const struct nk_case_request *req, enum nk_message_kind kind,
			   enum nk_role role, struct nk_envelope_header *h, struct nk_error *err)
{
	if (!req->envelope || req->envelope_len == 0 || req->envelope_len > NK_ENVELOPE_MAX ||
	    nk_message_peek(req->envelope, req->envelope_len, h, NULL) != NK_OK)
		return nk_fail(err, NK_EINVAL, "envelope", "not a sealed nakodo envelope");
	if (h->kind != kind)
		return nk_fail(err, NK_EINVAL, "envelope", "the envelope is a %s, not a %s",
			       nk_message_kind_name(h->kind), nk_message_kind_name(kind));
	if (h->from != role)
		return nk_fail(err, NK_EINVAL, "envelope", "the envelope is from the %s, not from "
			       "the %s who sends it", nk_role_name(h->from), nk_role_name(role));
	if (!nk_role_valid(h->to) || h->to == h->from)
		return nk_fail(err, NK_EINVAL, "envelope", "the envelope is addressed to no other role");
	if (nk_role_kind(h->to) == NK_ROLE_PRINCIPAL)
		return nk_fail(err, NK_EREFUSED, "envelope", "the %s reads its party's briefing "
			       "and receives no messages", nk_role_name(h->to));
	return NK_OK;
}

/* That the header fits the case: its id, both roles joined, the keys as registered. */
static enum nk_status check_header(const struct case_state *st,
				   const struct nk_envelope_header *h, struct nk_error *err)
{
	if (strcmp(h->case_id, st->id) != 0)
		return nk_fail(err, NK_EINVAL, "envelope", "the envelope is for another case");
	for (int i = 0; i < 2; i++) {
		enum nk_role r = i == 0 ? h->from : h->to;

		if (!st->joined[r])
			return nk_fail(err, NK_EREFUSED, "to", "the %s has not joined this case with "
				       "a key", nk_role_name(r));
	}
	if (sodium_memcmp(h->sender_sign, st->identity[h->from].sign, NK_PUBLIC_KEY_BYTES) != 0)
		return nk_fail(err, NK_EINVAL, "envelope", "the envelope names a signing key other "
			       "than the %s's registered one", nk_role_name(h->from));
	if (sodium_memcmp(h->recipient_seal, st->identity[h->to].seal, NK_PUBLIC_KEY_BYTES) != 0)
		return nk_fail(err, NK_EINVAL, "envelope", "the envelope is sealed to a key other "
			       "than the %s's registered one", nk_role_name(h->to));
	return NK_OK;
}

/* Stores req's envelope under name and appends type's event for the envelope h
 * describes, with its size and SHA-256 (and the request number). */
static enum nk_status keep(const struct nk_case_env *env, const struct case_state *st,
			   enum nk_role role, const char *name, enum case_event type,
			   const struct nk_envelope_header *h, const struct nk_case_request *req,
			   const struct nk_request_auth *auth, struct nk_error *err)
{
	struct case_event_envelope ev = { .from = h->from, .to = h->to, .n = (int64_t)h->seq,
					  .size = (int64_t)req->envelope_len };
	enum nk_status rc;

	rc = nk_store_envelope_put(env->store, st->id, name, req->envelope, req->envelope_len, err);
	if (rc != NK_OK)
		return rc;
	nk_envelope_hash(req->envelope, req->envelope_len, ev.sha256);
	return case_append(env, st->id, nk_role_name(role), type,
			   case_with_request(case_event_envelope_encode(type, &ev), auth), err);
}

enum nk_status case_send(const struct nk_case_env *env, const char *id, enum nk_role role,
			 const struct nk_case_request *req, const struct nk_request_auth *auth,
			 struct nk_error *err)
{
	struct nk_envelope_header h;
	struct case_state st;
	char name[NK_SECRET_NAME_MAX];
	uint64_t next;
	enum nk_status rc;

	if ((rc = peek(req, NK_MESSAGE_TEXT, role, &h, err)) != NK_OK)
		return rc;
	if ((rc = case_load(env, id, &st, err)) != NK_OK)
		return rc;
	if ((rc = case_authorise(&st, role, req, auth, err)) != NK_OK ||
	    (rc = refuse_ended(&st, err)) != NK_OK || (rc = check_header(&st, &h, err)) != NK_OK)
		goto out;
	next = st.messages[h.from][h.to] + 1;
	if (h.seq != next) {
		rc = nk_fail(err, NK_EREFUSED, "n", "message %" PRIu64 " from the %s to the %s is "
			     "out of turn: the next is %" PRIu64 " (%s)", h.seq, nk_role_name(h.from),
			     nk_role_name(h.to), next, h.seq < next ? "a replay" : "one is missing");
		goto out;
	}
	if (h.seq > NK_MESSAGES_MAX) {
		rc = nk_fail(err, NK_EREFUSED, "n", "the %s has sent the %s %d messages, as many "
			     "as a case takes from one role to another", nk_role_name(h.from),
			     nk_role_name(h.to), NK_MESSAGES_MAX);
		goto out;
	}
	snprintf(name, sizeof(name), "msg.%s.%s.%" PRIu64, nk_role_name(h.from),
		 nk_role_name(h.to), h.seq);
	rc = keep(env, &st, role, name, CASE_EV_MESSAGE, &h, req, auth, err);
out:
	return case_finish(env, rc, false, err);
}

static enum nk_status refuse_non_party(enum nk_role role, struct nk_error *err)
{
	if (role == NK_CLAIMANT || role == NK_PAYER)
		return NK_OK;
	return nk_fail(err, NK_EREFUSED, "role", "only the claimant and the payer make deposits");
}

enum nk_status case_deposit(const struct nk_case_env *env, const char *id, enum nk_role role,
			    const struct nk_case_request *req, const struct nk_request_auth *auth,
			    struct nk_error *err)
{
	const enum nk_role other = role == NK_CLAIMANT ? NK_PAYER : NK_CLAIMANT;
	struct nk_envelope_header h;
	struct case_state st;
	char name[NK_SECRET_NAME_MAX];
	enum nk_status rc;

	if ((rc = refuse_non_party(role, err)) != NK_OK ||
	    (rc = peek(req, NK_MESSAGE_DEPOSIT, role, &h, err)) != NK_OK)
		return rc;
	if (h.to != other)
		return nk_fail(err, NK_EINVAL, "envelope", "a deposit is sealed to the other party");
	if ((rc = case_load(env, id, &st, err)) != NK_OK)
		return rc;
	if ((rc = case_authorise(&st, role, req, auth, err)) != NK_OK ||
	    (rc = refuse_ended(&st, err)) != NK_OK || (rc = check_header(&st, &h, err)) != NK_OK)
		goto out;
	if (st.released) {
		rc = nk_fail(err, NK_EREFUSED, "deposit", "the deposits were released already; a "
			     "case has one simultaneous disclosure");
		goto out;
	}
	if (st.deposit_held[role]) {
		rc = nk_fail(err, NK_EREFUSED, "deposit", "your deposit is in already; withdraw it "
			     "first to replace it");
		goto out;
	}
	/* Always number 1, a replacement too: a number that counted withdrawals would tell
	 * the other party, at the release, how often this one took its deposit back. */
	if (h.seq != 1) {
		rc = nk_fail(err, NK_EREFUSED, "n", "deposit %" PRIu64 " is out of turn: a deposit "
			     "is always number 1", h.seq);
		goto out;
	}
	snprintf(name, sizeof(name), "deposit.%s.%" PRIu64, nk_role_name(role), h.seq);
	rc = keep(env, &st, role, name, CASE_EV_DEPOSITED, &h, req, auth, err);
	/* The second deposit releases both, in the same transaction. */
	if (rc == NK_OK && st.deposit_held[other]) {
		int64_t n[2];

		n[role] = (int64_t)h.seq;
		n[other] = (int64_t)st.deposits[other];
		rc = case_append(env, id, "go-between", CASE_EV_RELEASED,
				 case_event_released_encode(n), err);
	}
out:
	return case_finish(env, rc, false, err);
}

enum nk_status case_withdraw(const struct nk_case_env *env, const char *id, enum nk_role role,
			     const struct nk_case_request *req, const struct nk_request_auth *auth,
			     struct nk_error *err)
{
	struct case_state st;
	char name[NK_SECRET_NAME_MAX];
	enum nk_status rc;

	if ((rc = refuse_non_party(role, err)) != NK_OK)
		return rc;
	if ((rc = case_load(env, id, &st, err)) != NK_OK)
		return rc;
	if ((rc = case_authorise(&st, role, req, auth, err)) != NK_OK)
		goto out;
	if (st.released) {
		rc = nk_fail(err, NK_EREFUSED, "deposit", "the deposits were released; a released "
			     "deposit cannot be withdrawn");
		goto out;
	}
	if (!st.deposit_held[role]) {
		rc = nk_fail(err, NK_EREFUSED, "deposit", "the %s has no deposit to withdraw",
			     nk_role_name(role));
		goto out;
	}
	snprintf(name, sizeof(name), "deposit.%s.%" PRIu64, nk_role_name(role), st.deposits[role]);
	rc = nk_store_envelope_delete(env->store, id, name, err);
	if (rc == NK_OK)
		rc = case_append(env, id, nk_role_name(role), CASE_EV_WITHDRAWN,
				 case_with_request(case_event_withdrawn_encode(role,
									       (int64_t)st.deposits[role]),
						   auth), err);
out:
	return case_finish(env, rc, false, err);
}
