/* What a command prepares before its write transaction. Every write transaction of a
 * server runs in one shared turn (store/group.c), one at a time, so whatever a command
 * does inside it bounds the whole server's rate of submissions.
 *
 * The state the cache last kept the case at is copied out of it here, with the pending
 * state primed from it (pending.c), keyed by its last event: inside the turn, case_load
 * uses both only when the store's last event, read there, is that very event (else it
 * reads the cache or the log as before), so the state loaded is the one it would have
 * loaded. Two parts of a party's submission depend on nothing the transaction reads but
 * the round it is for: the amount's seal (bound to the storage key, the case and the
 * name, not to the log: nk_store_secret_seal) and the text of its event (the step, the
 * round, the role, the request); both are made here, for that state's round (or the one
 * the request names), and submit (figure_case.c) uses them only when the state it
 * loaded is at that very round, with the same amount. When the figure completes the
 * round, the round's evaluation is made here too, from what that state holds (the
 * replay of the rounds before, the seed, the other side's figure), with the text of the
 * round's event: the evaluation used only with the state it was made from, the text
 * only for the same round, deal and figure. A guess that misses costs the work twice,
 * never a different answer: what is written is what would have been written.
 *
 * The amount, the state and the evaluation are held here (and in the pending state)
 * until the command ends, as in the request and the transaction; they are wiped then
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
	/* the caller's state, filled from the cache at event seq (chain); NULL once
	 * case_ahead_state looked */
	const struct case_state *st;
	int64_t seq;
	uint8_t chain[NK_CHAIN_BYTES];
	enum case_event type;
	int round;
	enum nk_role role;
	json_t *body;		/* the event's body and its text, or NULL */
	char *text;
	char name[NK_SECRET_NAME_MAX];	/* the amount sealed under it, or "" */
	int64_t amount;
	uint8_t sealed[SEALED_AMOUNT];
	size_t sealed_len;
	/* the round's outcome when the figure completes it: its result and event */
	struct nk_round_result result;
	json_t *round_body;
	char *round_text;
} ahead;

/* The round's outcome, evaluated from the primed state (case_pending_prime_round), and
 * its event's text. */
static void prepare_round(enum nk_role role, int64_t amount)
{
	if (!case_pending_prime_round(role, amount, &ahead.result))
		return;
	ahead.round_body = case_event_round_encode(ahead.round, ahead.result.deal,
						   ahead.result.figure);
	if (ahead.round_body &&
	    !(ahead.round_text = nk_json_dumps(ahead.round_body, CASE_BODY_FLAGS))) {
		json_decref(ahead.round_body);
		ahead.round_body = NULL;
	}
}

void case_ahead_prepare(const struct nk_case_env *env, const char *id, enum nk_role role,
			const struct nk_case_request *req, const struct nk_request_auth *auth,
			struct case_state *st)
{
	const bool extension = req->action == NK_ACTION_EXTEND;
	struct nk_error ignored = { 0 };
	uint8_t buf[8];
	int round = req->round;

	case_ahead_end();
	if (!nk_case_id_valid(id))
		return;
	memcpy(ahead.id, id, strlen(id) + 1);
	ahead.ready = true;
	if (env->cache && case_cache_peek(env->cache, id, st, &ahead.seq, ahead.chain)) {
		ahead.st = st;
		case_pending_prime(env, st, ahead.seq, ahead.chain);
	}
	if ((req->action != NK_ACTION_SUBMIT && !extension) ||
	    (role != NK_CLAIMANT && role != NK_PAYER))
		return;
	if (round == 0 && ahead.st)
		round = st->round;
	if (round < 1 || round > NK_ROUNDS_MAX)
		return;
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
	/* Never for a draft that awaits its principal (case_drafts): its trial does the same
	 * work whatever the other side gave (authority.c), and an evaluation made here would
	 * take longer when the round would settle, and be made only when the other side's
	 * figure is in, telling both by its time (tests/unit/test_authority_probe.c). */
	if (!extension && ahead.st && round == st->round && !case_drafts(st, role, req))
		prepare_round(role, req->amount);
}

bool case_ahead_evaluated(void)
{
	return ahead.ready && ahead.round_body != NULL;
}

bool case_ahead_state(const char *id, int64_t seq, const uint8_t chain[static NK_CHAIN_BYTES],
		      const struct case_state *st)
{
	bool same = ahead.ready && ahead.st == st && ahead.seq == seq &&
		    strcmp(ahead.id, id) == 0 && sodium_memcmp(ahead.chain, chain, NK_CHAIN_BYTES) == 0;

	ahead.st = NULL;	/* once: a second load (a deadline's catch-up) reads again */
	return same;
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

bool case_ahead_round(const char *id, int round, const struct nk_round_result *res,
		      json_t **body, char **text)
{
	if (!ahead.ready || !ahead.round_body || ahead.round != round ||
	    ahead.result.deal != res->deal || ahead.result.figure != res->figure ||
	    strcmp(ahead.id, id) != 0)
		return false;
	*body = ahead.round_body;	/* taken: used once */
	*text = ahead.round_text;
	ahead.round_body = NULL;
	ahead.round_text = NULL;
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
	case_pending_unprime();
	if (!ahead.ready)
		return;
	json_decref(ahead.body);
	free(ahead.text);
	json_decref(ahead.round_body);
	free(ahead.round_text);
	sodium_memzero(&ahead, sizeof(ahead));
}
