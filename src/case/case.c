/* The transaction machinery every kind of case shares. A command loads the log inside a
 * write transaction (chain checked, then folded), checks itself against the folded
 * state, and appends its events (and sealed secrets) before one durable commit; a
 * refused command rolls back and leaves the store as it was. The commands of each kind
 * live in their own files (figure_case.c, package_case.c). */
#include "case/case_impl.h"
#include "case/cache.h"
#include "case/figure_kind.h"
#include "case/package_kind.h"
#include "case/record.h"
#include "case/summary.h"
#include "base/hex.h"
#include <nakodo/time.h>

#include <nakodo/seal.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Whether the last event this thread's write transaction appended has no
 * countersignature (case_append_covered): such a transaction must not commit. Cleared
 * where a write transaction begins and ends. */
static _Thread_local bool uncovered;

/* The bodies and texts of the events this thread's write transaction appended, released
 * once it has ended (case_finish): freeing them (the allocator wipes every block) was
 * work inside the writers' turn. Past the room here, released at once. Nothing in them
 * is sealed: they are the log's own text. */
#define CASE_SPENT_MAX 8
static _Thread_local struct {
	int count;
	json_t *body[CASE_SPENT_MAX];
	char *text[CASE_SPENT_MAX];
} spent;

static void spend(json_t *body, char *text)
{
	if (spent.count < CASE_SPENT_MAX) {
		spent.body[spent.count] = body;
		spent.text[spent.count++] = text;
		return;
	}
	json_decref(body);
	free(text);
}

static void release_spent(void)
{
	for (int i = 0; i < spent.count; i++) {
		json_decref(spent.body[i]);
		free(spent.text[i]);
		spent.body[i] = NULL;
		spent.text[i] = NULL;
	}
	spent.count = 0;
}

int64_t case_now_ms(const struct nk_case_env *env)
{
	return env->now_ms ? env->now_ms(env->arg) : nk_time_now_ms();
}

void case_fill_random(const struct nk_case_env *env, uint8_t *buf, size_t len)
{
	if (env->random)
		env->random(env->arg, buf, len);
	else
		randombytes_buf(buf, len);
}

void case_copy_text(char *out, size_t size, const char *s)
{
	size_t len;

	if (size == 0)
		return;
	len = strnlen(s, size - 1);
	memcpy(out, s, len);
	out[len] = '\0';
}

void case_new_id(const struct nk_case_env *env, char out[static NK_CASE_ID_MAX])
{
	uint8_t raw[NK_CASE_ID_LEN / 2];

	case_fill_random(env, raw, sizeof(raw));
	nk_hex_encode(raw, sizeof(raw), out);
}

/* A case made in this transaction starts its pending state empty, at event 0, as
 * case_fold does: the opening folds into it, the case's summary is kept from it, and
 * the commit puts it in the cache, so that neither reads the new log back (nor does the
 * case's first command, which would check its countersignature). */
static void begin_empty(const struct nk_case_env *env, const char *id)
{
	static const uint8_t none[NK_CHAIN_BYTES];
	struct case_state st;

	memset(&st, 0, sizeof(st));
	snprintf(st.id, sizeof(st.id), "%s", id);
	case_pending_begin(env, &st, 0, none);
	sodium_memzero(&st, sizeof(st));
}

enum nk_status case_create(const struct nk_case_env *env, const char *id, const char *secret,
			   const uint8_t *value, size_t len, json_t *opened,
			   nk_case_open_hook before_commit, void *arg, struct nk_error *err)
{
	enum nk_status rc = nk_store_begin(env->store, err);

	uncovered = false;
	if (rc != NK_OK) {
		json_decref(opened);
		return rc;
	}
	rc = nk_store_case_create(env->store, id, err);
	if (rc == NK_OK)
		begin_empty(env, id);
	if (rc == NK_OK && secret)
		rc = nk_store_secret_put(env->store, id, secret, value, len, err);
	if (rc == NK_OK)
		rc = case_append(env, id, "mediator", CASE_EV_OPENED, opened, err);
	else
		json_decref(opened);
	if (rc == NK_OK && before_commit)
		rc = before_commit(arg, env->store, id, err);
	return case_finish(env, rc, false, err);
}

/* Appends one event; takes the reference to body, and text, its text when it was written
 * already (case_ahead_event; NULL: written here). */
static enum nk_status append(const struct nk_case_env *env, const char *id, const char *actor,
			     enum case_event type, json_t *body, char *text, bool countersign,
			     struct nk_error *err)
{
	struct nk_event ev = { 0 };
	enum nk_status rc;

	ev.body = text ? text : nk_json_dumps(body, CASE_BODY_FLAGS);
	if (!ev.body) {
		json_decref(body);
		return nk_fail(err, NK_ENOMEM, "event", "out of memory");
	}
	ev.time_ms = case_now_ms(env);
	case_copy_text(ev.actor, sizeof(ev.actor), actor);
	case_copy_text(ev.type, sizeof(ev.type), case_event_name(type));
	rc = case_link_event(env, id, &ev, countersign, err);
	if (rc == NK_OK)
		rc = nk_store_append(env->store, id, &ev, err);
	if (rc == NK_OK) {
		uncovered = !countersign;
		/* folded from the tree the text was written from (nk_json_dumps writes it
		 * whole or not at all), not read back */
		case_pending_append(env, id, &ev, body);
		case_summary_appended(id);
	}
	spend(body, ev.body);
	return rc;
}

enum nk_status case_append(const struct nk_case_env *env, const char *id, const char *actor,
			   enum case_event type, json_t *body, struct nk_error *err)
{
	return append(env, id, actor, type, body, NULL, true, err);
}

enum nk_status case_append_covered(const struct nk_case_env *env, const char *id,
				   const char *actor, enum case_event type, json_t *body,
				   struct nk_error *err)
{
	return append(env, id, actor, type, body, NULL, false, err);
}

enum nk_status case_append_written(const struct nk_case_env *env, const char *id,
				   const char *actor, enum case_event type, json_t *body,
				   char *text, bool covered, struct nk_error *err)
{
	return append(env, id, actor, type, body, text, !covered, err);
}

/* The cached state when it is current (the store's last event, read in this
 * transaction, is the one it was folded up to); else NK_ENOTFOUND with *head and *seq
 * set for the fold to key its state by (*seq 0: an unlinked log, not cached). */
static enum nk_status cached(const struct nk_case_env *env, const char *id,
			     struct case_state *st, int64_t *seq,
			     uint8_t head[static NK_CHAIN_BYTES], struct nk_error *err)
{
	bool linked = false, early;
	enum nk_status rc = nk_store_last_link(env->store, id, seq, &linked, head, err);

	if (rc == NK_ENOTFOUND)
		nk_fail(err, NK_ENOTFOUND, "case", "no case %s in this database", id);
	if (rc != NK_OK)
		return rc;
	if (!linked)
		*seq = 0;
	/* copied from the cache before the turn, at this very event (ahead.c) */
	early = case_ahead_state(id, *seq, head, st);
	if (*seq > 0 && early) {
		case_cache_used(env->cache, id, *seq, head);
		return NK_OK;
	}
	return *seq > 0 && case_cache_get(env->cache, id, *seq, head, st) ? NK_OK : NK_ENOTFOUND;
}

static enum nk_status load(const struct nk_case_env *env, const char *id, bool snapshot,
			   struct case_state *st, struct nk_error *err)
{
	struct nk_event_list log = { 0 };
	uint8_t head[NK_CHAIN_BYTES] = { 0 };
	int64_t seq = 0;
	enum nk_status rc;

	if (!nk_case_id_valid(id))
		return nk_fail(err, NK_EINVAL, "case", "not a case id");
	rc = snapshot ? nk_store_begin_read(env->store, err) : nk_store_begin(env->store, err);
	if (rc != NK_OK)
		return rc;
	if (!snapshot)
		uncovered = false;
	if (env->cache && (rc = cached(env, id, st, &seq, head, err)) != NK_ENOTFOUND) {
		if (rc != NK_OK)
			goto out;
		goto loaded;
	}
	rc = nk_store_load(env->store, id, &log, err);
	if (rc == NK_ENOTFOUND)
		nk_fail(err, NK_ENOTFOUND, "case", "no case %s in this database", id);
	if (rc == NK_OK)
		rc = case_chain_check(env, id, &log, false, NULL, err);
	if (rc == NK_OK)
		rc = case_fold(id, &log, st, err);
	if (rc == NK_OK)	/* a log cut back at rest; a cached state was checked so */
		rc = case_leftover_check(env, st, err);
	/* keyed by the last event the fold read, which the snapshot may see past */
	if (rc == NK_OK && log.count > 0 && log.events[log.count - 1].linked) {
		seq = log.events[log.count - 1].seq;
		memcpy(head, log.events[log.count - 1].chain, NK_CHAIN_BYTES);
	} else {
		seq = 0;
	}
	nk_event_list_free(&log);
	if (rc == NK_OK && snapshot && env->cache && seq > 0)
		case_cache_put(env->cache, st, seq, head, NULL);
loaded:
	if (rc == NK_OK && snapshot)
		case_snapshot_loaded(id, seq, head);
	if (rc == NK_OK && !snapshot && seq > 0)
		case_pending_begin(env, st, seq, head);
	if (rc == NK_OK && !snapshot)
		case_summary_loaded(st);
out:
	if (rc != NK_OK)
		nk_store_rollback(env->store);
	else if (case_next_due(st))
		rc = case_catch_up(env, id, snapshot, st, err);
	return rc;
}

enum nk_status case_load(const struct nk_case_env *env, const char *id,
			 struct case_state *st, struct nk_error *err)
{
	return load(env, id, false, st, err);
}

enum nk_status case_load_snapshot(const struct nk_case_env *env, const char *id,
				  struct case_state *st, struct nk_error *err)
{
	return load(env, id, true, st, err);
}

/* The log's leftovers (case_leftover_check), for a log whose rules hold: one that
 * breaks them is the verdict's to name (nk_case_log_verdict), not a failure here. */
static enum nk_status leftover_check_log(const struct nk_case_env *env, const char *id,
					 const struct nk_event_list *log, struct nk_error *err)
{
	struct case_state *st = sodium_malloc(sizeof(*st));
	enum nk_status rc;

	if (!st)
		return nk_fail(err, NK_ENOMEM, "log", "out of memory");
	rc = case_fold(id, log, st, NULL) == NK_OK ? case_leftover_check(env, st, err) : NK_OK;
	sodium_memzero(st, sizeof(*st));
	sodium_free(st);
	return rc;
}

enum nk_status nk_case_log(const struct nk_case_env *env, const char *id,
			   struct nk_event_list *out, struct nk_error *err)
{
	enum nk_status rc;

	if (!nk_case_id_valid(id))
		return nk_fail(err, NK_EINVAL, "case", "not a case id");
	rc = nk_store_load(env->store, id, out, err);
	if (rc == NK_ENOTFOUND)
		nk_fail(err, NK_ENOTFOUND, "case", "no case %s in this database", id);
	if (rc == NK_OK)
		rc = case_chain_check(env, id, out, true, NULL, err);
	if (rc == NK_OK)
		rc = leftover_check_log(env, id, out, err);
	if (rc != NK_OK)
		nk_event_list_free(out);
	return rc;
}

/* After a settlement or a closing: delete every confidential figure of the case, then
 * log its closing statement in the server's record, in the same transaction. */
enum nk_status case_end(const struct nk_case_env *env, const char *id,
			struct nk_error *err)
{
	enum nk_status rc = nk_store_secret_purge(env->store, id, err);

	case_pending_purged(id);
	if (rc == NK_OK)
		rc = case_append(env, id, "go-between", CASE_EV_PURGED,
				 case_event_purged_encode(), err);
	if (rc == NK_OK)
		rc = case_record_close(env, id, err);
	return rc;
}

/* Commits; when the case ended, also scrubs the files of the deleted figures. Once the
 * commit succeeded the action has happened, and the answer says so: a scrub that
 * another reader holds up stays owed (the purge recorded it in the same transaction)
 * and is retried by the server and at every start, until it succeeds. */
enum nk_status case_finish(const struct nk_case_env *env, enum nk_status rc, bool ended,
			     struct nk_error *err)
{
	/* never a log whose last event no countersignature covers (a bug, not an input) */
	if (rc == NK_OK && uncovered)
		rc = nk_fail(err, NK_ECORRUPT, "log", "the action's last event has no "
			     "countersignature: nothing of it was kept");
	uncovered = false;
	if (rc == NK_OK)
		rc = case_summary_keep(env, err);
	case_summary_end();
	case_brief_before_commit(env, rc);
	if (rc != NK_OK) {
		case_pending_end(env, false);
		nk_store_rollback(env->store);
		release_spent();
		return rc;
	}
	rc = nk_store_commit(env->store, err);
	release_spent();
	/* Out of the writers' turn, which the commit gave up: the state in the cache first,
	 * where the case's next writer looks, then the answer's briefing from it. */
	if (rc == NK_OK) {
		case_pending_keep(env);
		case_brief_after_commit(env);
	}
	case_pending_end(env, rc == NK_OK);
	if (rc != NK_OK)
		return rc;
	if (ended && nk_store_scrub(env->store, NULL) != NK_OK) {
		/* owed, and retried: see above */
	}
	return NK_OK;
}

enum nk_status case_seal_answer(const struct nk_case_env *env, const struct case_state *st,
				enum nk_role role, bool accept, enum case_event type, int n,
				bool other_answered, const struct nk_request_auth *auth,
				bool *both, bool accepted[static 2], struct nk_error *err)
{
	char name[NK_SECRET_NAME_MAX];
	uint8_t answers[2] = { 0, 0 }, mine = accept ? 1 : 0;
	size_t len;
	enum nk_status rc;

	case_secret_name(name, "answer", n, role);
	if ((rc = nk_store_secret_put(env->store, st->id, name, &mine, 1, err)) != NK_OK)
		return rc;
	rc = case_append(env, st->id, nk_role_name(role), type,
			 case_with_request(case_event_step_encode(type, n, role), auth), err);
	if (rc != NK_OK || !other_answered)
		return rc;
	for (int side = 0; side < 2 && rc == NK_OK; side++) {
		case_secret_name(name, "answer", n, (enum nk_role)side);
		rc = nk_store_secret_get(env->store, st->id, name, &answers[side], 1, &len, err);
	}
	if (rc == NK_OK) {
		*both = true;
		accepted[NK_CLAIMANT] = answers[NK_CLAIMANT] == 1;
		accepted[NK_PAYER] = answers[NK_PAYER] == 1;
	}
	sodium_memzero(answers, sizeof(answers));
	return rc;
}

enum nk_status case_conclude_answers(const struct nk_case_env *env,
				     const struct case_state *st, enum case_event result, int n,
				     enum nk_proposal_outcome outcome, json_t *settled,
				     enum nk_close_reason reason, bool *ended, struct nk_error *err)
{
	enum nk_status rc;

	rc = case_append(env, st->id, "go-between", result,
			 case_event_result_encode(result, n, outcome == NK_PROPOSAL_SETTLES), err);
	if (rc == NK_OK && outcome == NK_PROPOSAL_SETTLES) {
		rc = case_append(env, st->id, "go-between", CASE_EV_SETTLED, settled, err);
		settled = NULL;
		*ended = true;
	} else if (rc == NK_OK && outcome == NK_PROPOSAL_CLOSES) {
		rc = case_append(env, st->id, "go-between", CASE_EV_CLOSED,
				 case_event_closed_encode(reason), err);
		*ended = true;
	}
	json_decref(settled);
	return rc == NK_OK && *ended ? case_end(env, st->id, err) : rc;
}

enum nk_status case_check_round(const struct case_state *st, int round, struct nk_error *err)
{
	if (round < 0 || round > NK_ROUNDS_MAX)
		return nk_fail(err, NK_EINVAL, "round", "a round is a number from 1 to %d", NK_ROUNDS_MAX);
	if (st && round != 0 && round != st->round)
		return nk_fail(err, NK_EREFUSED, "round", "round %d is not open; round %d is", round,
			       st->round);
	return NK_OK;
}

enum nk_status case_refuse_state(const struct case_state *st, enum nk_case_state want,
				   struct nk_error *err)
{
	if (st->state == want)
		return NK_OK;
	if (st->state == NK_STATE_SETTLED || st->state == NK_STATE_CLOSED)
		return nk_fail(err, NK_EREFUSED, "case", "the case has ended (%s)", nk_case_state_name(st->state));
	return nk_fail(err, NK_EREFUSED, "case", "the case is %s, not %s",
		       nk_case_state_phrase(st->state), nk_case_state_phrase(want));
}

enum nk_status case_refuse_non_party(enum nk_role role, struct nk_error *err)
{
	if (role == NK_CLAIMANT || role == NK_PAYER)
		return NK_OK;
	return nk_fail(err, NK_EREFUSED, "role", "only the claimant or the payer may do this");
}

enum nk_status case_refuse_kind(const struct case_state *st, const struct case_kind *kind,
				  struct nk_error *err)
{
	if (st->kind == kind)
		return NK_OK;
	return nk_fail(err, NK_EREFUSED, "case", "case %s %s", st->id, st->kind->itself);
}

const struct case_kind *const case_kinds[] = { &case_kind_figures, &case_kind_package, NULL };

/* Who may do a kind's action, checked before the case is read, as every command always
 * has: the mediator proposes, the parties do the rest; a named round is in bounds; a
 * valuation is there and is the acting party's. */
static enum nk_status may_act(enum nk_role role, const struct nk_case_request *req,
			      struct nk_error *err)
{
	const bool round = req->action == NK_ACTION_SUBMIT || req->action == NK_ACTION_PACKAGE ||
			   req->action == NK_ACTION_ANNOUNCE;
	const struct nk_package_valuation *v = req->valuation;
	enum nk_status rc;

	if (req->action == NK_ACTION_PROPOSE)
		return role == NK_MEDIATOR ? NK_OK : nk_fail(err, NK_EREFUSED, "role",
							     "only the mediator may do this");
	/* a neutral's one action: its fair figure, after impasse (neutral_case.c) */
	if (nk_role_kind(role) == NK_ROLE_NEUTRAL && req->action == NK_ACTION_SUBMIT)
		return nk_role_valid(role) ? case_check_round(NULL, req->round, err)
					   : nk_fail(err, NK_EINVAL, "role", "not a role");
	if ((rc = case_refuse_non_party(role, err)) != NK_OK ||
	    (rc = case_check_round(NULL, round ? req->round : 0, err)) != NK_OK)
		return rc;
	if (req->action != NK_ACTION_PACKAGE)
		return NK_OK;
	if (!v)
		return nk_fail(err, NK_EINVAL, "valuation", "a package request needs a valuation");
	if (v->role != role)
		return nk_fail(err, NK_EINVAL, "role", "the valuation is the %s's, not the %s's",
			       nk_role_name(v->role), nk_role_name(role));
	return NK_OK;
}

enum nk_status case_kind_act(const struct nk_case_env *env, const char *id, enum nk_role role,
			     const struct nk_case_request *req, const struct nk_request_auth *auth,
			     struct nk_error *err)
{
	/* On the stack, as case_close's: 5.9 KiB from malloc on every action made glibc
	 * merge its fast bins (malloc_consolidate) each time, some 2% of a submission's
	 * CPU (bench/README.md). Wiped before return either way. */
	struct case_state state, *st = &state;
	bool ended = false;
	enum nk_status rc;

	if ((unsigned)req->action >= CASE_ACTIONS)
		return nk_fail(err, NK_EINVAL, "action", "not an action");
	if ((rc = may_act(role, req, err)) != NK_OK)
		return rc;
	/* what of it needs no transaction, before the writers' turn (ahead.c) */
	case_ahead_prepare(env, id, role, req, auth, st);
	if ((rc = case_load(env, id, st, err)) != NK_OK)
		goto done;
	/* The kind first: a request of another kind reaches none of this kind's checks,
	 * codecs or secrets. */
	if (!st->kind->act[req->action].run)
		rc = nk_fail(err, NK_EREFUSED, "case", "case %s %s", st->id, st->kind->itself);
	else if (st->kind->act[req->action].check)
		rc = st->kind->act[req->action].check(role, req, err);
	if (rc == NK_OK)
		rc = case_authorise(st, role, req, auth, err);
	if (rc == NK_OK && case_drafts(st, role, req)) {	/* it awaits its principal */
		rc = case_draft(env, st, role, req, auth, err);
		goto done;
	}
	if (rc == NK_OK)
		rc = st->kind->act[req->action].run(env, st, role, req, auth, &ended, err);
	rc = case_finish(env, rc, ended, err);
done:
	case_ahead_end();
	sodium_memzero(&state, sizeof(state));
	return rc;
}

enum nk_status case_close(const struct nk_case_env *env, const char *id, enum nk_role role,
			  const struct nk_case_request *req, const struct nk_request_auth *auth,
			  struct nk_error *err)
{
	struct case_state st;
	enum nk_status rc;

	if (role != NK_MEDIATOR)
		return nk_fail(err, NK_EREFUSED, "role", "only the mediator may do this");
	if ((rc = case_load(env, id, &st, err)) != NK_OK) {
		sodium_memzero(&st, sizeof(st));
		return rc;
	}
	if ((rc = case_authorise(&st, role, req, auth, err)) != NK_OK)
		goto out;
	if (st.state != NK_STATE_OPEN && st.state != NK_STATE_IMPASSE) {
		rc = case_refuse_state(&st, NK_STATE_OPEN, err);
		goto out;
	}
	/* A tentative package is agreed: closing its improvement phase settles on it. */
	if (st.kind == &case_kind_package && st.pkg.tentative) {
		rc = package_settle_baseline(env, &st, "mediator", auth, err);
		goto out;
	}
	rc = case_append(env, id, "mediator", CASE_EV_CLOSED,
			 case_with_request(case_event_closed_encode(NK_CLOSE_MEDIATOR), auth),
			 err);
	if (rc == NK_OK)
		rc = case_end(env, id, err);
out:
	rc = case_finish(env, rc, rc == NK_OK, err);
	sodium_memzero(&st, sizeof(st));
	return rc;
}

enum nk_status nk_case_close(const struct nk_case_env *env, const char *id, struct nk_error *err)
{
	const struct nk_case_request req = { .action = NK_ACTION_CLOSE };

	return case_close(env, id, NK_MEDIATOR, &req, NULL, err);
}
