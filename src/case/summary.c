/* The operator's list of cases with their states (nk_case_overview). Folding every
 * case's log for each page would cost the whole database per request, so each case's
 * summary (kind, state, currency, round of rounds, when they last changed) is kept in
 * the store, written in the very transaction whose events change it: a command notes
 * the state it loaded (case_summary_loaded), the events it appends (case_append), and
 * before its commit (case_finish) compares the state they fold to (the pending state of
 * cache.c, else the log folded again) with the one loaded. Most commands (a figure, a
 * message, a join) change neither state nor round, and write nothing more.
 *
 * The summary says only what the mediator's briefing shows, and moves only when both
 * parties learn of it too: a round's evaluation (both figures were in), an impasse, a
 * settlement, a closing. Never when one party acted alone in confidence (doc/security.md,
 * "The operator"). */
#include "case/case_impl.h"
#include "case/cache.h"
#include "case/summary.h"
#include <nakodo/brief.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* This thread's write transaction: the case, and what its summary said when loaded. */
static _Thread_local struct {
	char id[NK_CASE_ID_MAX];
	bool appended;		/* events were appended */
	bool loaded;		/* state and round below are the case's before them */
	enum nk_case_state state;
	int round;
} tx;

void case_summary_loaded(const struct case_state *st)
{
	memset(&tx, 0, sizeof(tx));
	case_copy_text(tx.id, sizeof(tx.id), st->id);
	tx.loaded = true;
	tx.state = st->state;
	tx.round = st->round;
}

void case_summary_appended(const char *id)
{
	if (strcmp(tx.id, id) != 0) {	/* a case made in this transaction */
		memset(&tx, 0, sizeof(tx));
		case_copy_text(tx.id, sizeof(tx.id), id);
	}
	tx.appended = true;
}

/* The summary of a folded state. */
static void summary_of(const struct case_state *st, struct nk_case_summary *s)
{
	bool package = st->kind && strcmp(st->kind->name, "package") == 0;

	memset(s, 0, sizeof(*s));
	case_copy_text(s->case_id, sizeof(s->case_id), st->id);
	case_copy_text(s->kind, sizeof(s->kind), st->kind ? st->kind->name : "none");
	case_copy_text(s->state, sizeof(s->state), nk_case_state_name(st->state));
	case_copy_text(s->currency, sizeof(s->currency),
		       package ? st->pkg.frame.currency : st->fig.rules.currency);
	s->rounds = package ? st->pkg.frame.rounds : st->fig.rules.rounds;
	s->round = st->round;
	s->changed_ms = st->summary_ms;	/* not event_ms: a lone act may be the last */
	s->kept = true;
}

/* Folds case id's log as the store holds it in the open transaction into *st. */
static enum nk_status fold_again(const struct nk_case_env *env, const char *id,
				 struct case_state *st, struct nk_error *err)
{
	struct nk_event_list log = { 0 };
	enum nk_status rc = nk_store_load(env->store, id, &log, err);

	if (rc == NK_OK)
		rc = case_fold(id, &log, st, err);
	nk_event_list_free(&log);
	return rc;
}

enum nk_status case_summary_keep(const struct nk_case_env *env, struct nk_error *err)
{
	const struct case_state *after;
	struct case_state *own = NULL;
	struct nk_case_summary s;
	enum nk_status rc = NK_OK;

	if (!tx.appended)
		return NK_OK;
	if (!(after = case_pending_state(tx.id))) {
		if (!(own = sodium_malloc(sizeof(*own))))
			return nk_fail(err, NK_ENOMEM, "summary", "out of memory");
		if ((rc = fold_again(env, tx.id, own, err)) != NK_OK)
			goto out;
		after = own;
	}
	if (!tx.loaded || after->state != tx.state || after->round != tx.round) {
		summary_of(after, &s);
		rc = nk_store_summary_put(env->store, &s, err);
	}
out:
	if (own) {
		sodium_memzero(own, sizeof(*own));
		sodium_free(own);
	}
	return rc;
}

void case_summary_end(void)
{
	memset(&tx, 0, sizeof(tx));
}

enum nk_status nk_case_overview(const struct nk_case_env *env, const char *after,
				size_t limit, struct nk_case_summary *out, size_t *count,
				size_t *folded, struct nk_error *err)
{
	struct case_state *st = NULL;
	enum nk_status rc = nk_store_begin_read(env->store, err);
	int64_t created;

	*folded = 0;
	if (rc != NK_OK)
		return rc;
	rc = nk_store_summary_page(env->store, after, limit, out, count, err);
	/* A case from before summaries has none until its next change: its log is folded
	 * here, at most one page of them per request. */
	for (size_t i = 0; rc == NK_OK && i < *count; i++) {
		if (out[i].kept)
			continue;
		if (!st && !(st = sodium_malloc(sizeof(*st)))) {
			rc = nk_fail(err, NK_ENOMEM, "summary", "out of memory");
			break;
		}
		if ((rc = fold_again(env, out[i].case_id, st, err)) != NK_OK)
			break;
		created = out[i].created_ms;
		summary_of(st, &out[i]);
		out[i].created_ms = created;
		(*folded)++;
	}
	nk_store_rollback(env->store);
	if (st) {
		sodium_memzero(st, sizeof(*st));
		sodium_free(st);
	}
	return rc;
}
