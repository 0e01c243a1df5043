/* What a log cut back at rest leaves behind (doc/security.md, "The operator"). Every
 * committed log ends on a link the server countersigned, so a log whose last events were
 * deleted from the store (sqlite3 on the file) still verifies: a prefix of the chain is a
 * chain. What those events' commits wrote beside them stays, though, and contradicts the
 * shorter log: a closing statement in the server's record for a case whose log never
 * ended (written with the purge, in the same commit), or a figure sealed for the open
 * round by a party that, by the log, has not submitted one (sealed with its event; a
 * round's lapse voids its figures and leaves their seals, so a round that lapsed is not
 * checked).
 * Checked when a case is folded from the store, never when it is served from the cache
 * (a state folded, and checked, from the same log): one indexed lookup a fold, and one
 * more for each party yet to submit in an open round; none on a submission's path. */
#include "case/case_impl.h"
#include "case/cache.h"

#include <sodium.h>
#include <string.h>

/* What the operator's `nakodo log` says; the API's problem says only that the case's
 * data does not verify (server/answer.c), the same to every role. */
static enum nk_status cut_back(struct nk_error *err, const char *what)
{
	return nk_fail(err, NK_ECORRUPT, "log", "the store holds %s that the log does not "
		       "record: its last events were deleted where it is stored", what);
}

/* Something was found that the log st was folded from does not record. A commit to the
 * case after that log was read could have written it (nk_case_log reads outside a
 * transaction, and PostgreSQL's write transactions read each statement afresh): then
 * the store's last event is no longer the log's, and the log read is merely older. */
static enum nk_status found(const struct nk_case_env *env, const struct case_state *st,
			    struct nk_error *err, const char *what)
{
	uint8_t chain[NK_CHAIN_BYTES];
	int64_t seq = 0;
	bool linked = false;
	enum nk_status rc = nk_store_last_link(env->store, st->id, &seq, &linked, chain, err);

	if (rc != NK_OK)
		return rc;
	return seq == st->events ? cut_back(err, what) : NK_OK;
}

/* rc of a lookup that finds nothing when the log holds: NK_ENOTFOUND; a failure of the
 * store itself is the store's; anything found (a secret that opens or not) is checked. */
static enum nk_status absent(const struct nk_case_env *env, const struct case_state *st,
			     enum nk_status rc, const struct nk_error *why,
			     struct nk_error *err, const char *what)
{
	if (rc == NK_ENOTFOUND)
		return NK_OK;
	if (rc == NK_ESTORE || rc == NK_ENOMEM) {
		if (err)
			*err = *why;
		return rc;
	}
	return found(env, st, err, what);
}

enum nk_status case_leftover_check(const struct nk_case_env *env, const struct case_state *st,
				   struct nk_error *err)
{
	uint8_t entry[NK_RECORD_ENTRY_MAX], sig[NK_RECORD_SIG_BYTES], plain[8];
	char name[NK_SECRET_NAME_MAX];
	struct nk_error why = { 0 };
	enum nk_status rc = NK_OK;
	uint64_t index;
	size_t len;
	int round;

	if (st->purged)	/* ended: its secrets are gone and the record binds its log */
		return NK_OK;
	rc = absent(env, st, nk_store_record_find(env->store, st->id, &index, entry, &len, sig,
						  &why),
		    &why, err, "the case's closing statement");
	/* a round that lapsed voided its figures, whose seals stay: not checked */
	round = st->state == NK_STATE_OPEN && st->fig.round_lapses == 0 ? case_open_round(st) : 0;
	for (int role = NK_CLAIMANT; rc == NK_OK && round > 0 && role <= NK_PAYER; role++) {
		if (st->fig.rounds[round - 1].submitted[role])
			continue;
		case_secret_name(name, "figure", round, (enum nk_role)role);
		rc = absent(env, st, nk_store_secret_get(env->store, st->id, name, plain,
							 sizeof(plain), &len, &why),
			    &why, err, "a sealed figure");
		sodium_memzero(plain, sizeof(plain));
	}
	sodium_memzero(&why, sizeof(why));
	return rc;
}
