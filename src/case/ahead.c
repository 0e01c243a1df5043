/* A party's figure or deal-closer, prepared before its write transaction. Every write
 * transaction of a server runs in one shared turn (store/group.c), one at a time, so
 * whatever a command does inside it bounds the whole server's rate of submissions. Two
 * parts of a submission depend on nothing the transaction reads but the round it is
 * for: the amount's seal (bound to the storage key, the case and the name, not to the
 * log: nk_store_secret_seal) and the text of its event (the step, the round, the role,
 * the request). Both are made here, for the round the cache last kept the case at (or
 * the one the request names), before the turn; inside it, submit (figure_case.c) uses
 * them only when the state it loaded is at that very round, and the same amount, and
 * else makes them there as before. A guess that misses costs the work twice, never a
 * different answer: what is written is what would have been written.
 *
 * The amount is held here until the command ends, as in the request; it is wiped then
 * (case_ahead_end), with the sealed bytes, whether they were used or not. */
#include "case/cache.h"
#include "case/case_impl.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* A sealed amount: the 8 bytes case_put_amount seals, with the seal's overhead. */
#define SEALED_AMOUNT (NK_SECRET_SEAL_OVERHEAD + 8)

static _Thread_local struct {
	bool ready;
	char id[NK_CASE_ID_MAX];
	enum case_event type;
	int round;
	enum nk_role role;
	json_t *body;		/* the event's body and its text, or NULL */
	char *text;
	char name[NK_SECRET_NAME_MAX];	/* the amount sealed under it, or "" */
	int64_t amount;
	uint8_t sealed[SEALED_AMOUNT];
	size_t sealed_len;
} ahead;

void case_ahead_prepare(const struct nk_case_env *env, const char *id, enum nk_role role,
			const struct nk_case_request *req, const struct nk_request_auth *auth)
{
	const bool extension = req->action == NK_ACTION_EXTEND;
	struct nk_error ignored = { 0 };
	uint8_t buf[8];
	int round = req->round;

	case_ahead_end();
	if ((req->action != NK_ACTION_SUBMIT && !extension) ||
	    (role != NK_CLAIMANT && role != NK_PAYER) || !nk_case_id_valid(id))
		return;
	if (round == 0 && !(env->cache && case_cache_round(env->cache, id, &round)))
		return;
	if (round < 1 || round > NK_ROUNDS_MAX)
		return;
	memcpy(ahead.id, id, strlen(id) + 1);
	ahead.type = extension ? CASE_EV_EXTENSION : CASE_EV_FIGURE;
	ahead.round = round;
	ahead.role = role;
	ahead.body = case_with_request(case_event_step_encode(ahead.type, round, role), auth);
	if (ahead.body && !(ahead.text = nk_json_dumps(ahead.body, CASE_BODY_FLAGS))) {
		json_decref(ahead.body);
		ahead.body = NULL;
	}
	case_secret_name(ahead.name, extension ? "extension" : "figure", round, role);
	ahead.amount = req->amount;
	for (int i = 0; i < 8; i++)
		buf[i] = (uint8_t)((uint64_t)req->amount >> (8 * i));
	if (nk_store_secret_seal(env->store, id, ahead.name, buf, sizeof(buf), ahead.sealed,
				 sizeof(ahead.sealed), &ahead.sealed_len, &ignored) != NK_OK)
		ahead.name[0] = '\0';
	sodium_memzero(buf, sizeof(buf));
	ahead.ready = true;
}

bool case_ahead_event(const char *id, enum case_event type, int round, enum nk_role role,
		      json_t **body, char **text)
{
	if (!ahead.ready || !ahead.body || ahead.type != type || ahead.round != round ||
	    ahead.role != role || strcmp(ahead.id, id) != 0)
		return false;
	*body = ahead.body;	/* taken: used once */
	*text = ahead.text;
	ahead.body = NULL;
	ahead.text = NULL;
	return true;
}

bool case_ahead_sealed(const char *id, const char *name, int64_t amount,
		       const uint8_t **sealed, size_t *len)
{
	if (!ahead.ready || !ahead.name[0] || ahead.amount != amount ||
	    strcmp(ahead.name, name) != 0 || strcmp(ahead.id, id) != 0)
		return false;
	*sealed = ahead.sealed;
	*len = ahead.sealed_len;
	return true;
}

void case_ahead_end(void)
{
	if (!ahead.ready)
		return;
	json_decref(ahead.body);
	free(ahead.text);
	sodium_memzero(&ahead, sizeof(ahead));
}
