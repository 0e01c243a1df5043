/* A case's deadlines (doc/bargain.md, "Deadlines"): a round not complete within the
 * rules' round time lapses, and a case past its deadline closes. A package case has a
 * deadline only (doc/package.md, "Deadlines"): past it, the case closes, or, in its
 * improvement phase, settles on the tentative package. Kept wherever the case is loaded
 * (case.c calls case_catch_up), so local mode keeps them when the next command runs, and
 * by the server's timer (nk_case_tick) on time. */
#include "case/figure_kind.h"
#include "case/package_kind.h"

#include <sodium.h>
#include <stdlib.h>

int64_t case_next_due(const struct case_state *st)
{
	const struct nk_rules *r;
	int64_t due = 0;

	if (st->kind == &case_kind_package)
		return st->state == NK_STATE_OPEN && !st->pkg.deadline_passed
		       ? st->pkg.frame.deadline_ms : 0;
	if (st->kind != &case_kind_figures ||
	    (st->state != NK_STATE_OPEN && st->state != NK_STATE_IMPASSE))
		return 0;
	r = &st->fig.rules;
	if (r->deadline_ms && !st->fig.deadline_passed)
		due = r->deadline_ms;
	if (st->state == NK_STATE_OPEN && r->round_time_ms &&
	    (!due || st->fig.round_since_ms + r->round_time_ms < due))
		due = st->fig.round_since_ms + r->round_time_ms;
	return due;
}

/* Logs the closing for reason after a lapse, and ends the case. */
static enum nk_status close_for(const struct nk_case_env *env, const struct case_state *st,
				enum nk_close_reason reason, bool *ended, struct nk_error *err)
{
	enum nk_status rc = case_append(env, st->id, "go-between", CASE_EV_CLOSED,
					case_event_closed_encode(reason), err);

	*ended = true;
	return rc == NK_OK ? case_end(env, st->id, err) : rc;
}

/* A package case's deadline passed: its lapse, then the closing, or in an improvement
 * phase the settlement on the tentative package (issue 17: the baseline stands). */
static enum nk_status record_package_due(const struct nk_case_env *env,
					 const struct case_state *st, bool *ended,
					 struct nk_error *err)
{
	enum nk_status rc = case_append(env, st->id, "go-between", CASE_EV_LAPSED,
					case_event_lapsed_encode(0), err);

	if (rc != NK_OK || !st->pkg.tentative)
		return rc == NK_OK ? close_for(env, st, NK_CLOSE_DEADLINE, ended, err)
				   : rc;
	*ended = true;
	return package_settle_baseline(env, st, "go-between", NULL, err);
}

/* Records what has passed by now, in the transaction st was loaded in: the deadline
 * first (it ends everything), else the open round's lapse, its last closing the case. */
static enum nk_status record_due(const struct nk_case_env *env, const struct case_state *st,
				 int64_t now, bool *ended, struct nk_error *err)
{
	const struct nk_rules *r = &st->fig.rules;
	enum nk_status rc;

	if (st->kind == &case_kind_package)
		return record_package_due(env, st, ended, err);
	if (r->deadline_ms && now >= r->deadline_ms) {
		rc = case_append(env, st->id, "go-between", CASE_EV_LAPSED,
				 case_event_lapsed_encode(0), err);
		return rc == NK_OK ? close_for(env, st, NK_CLOSE_DEADLINE, ended, err)
				   : rc;
	}
	rc = case_append(env, st->id, "go-between", CASE_EV_LAPSED,
			 case_event_lapsed_encode(st->round), err);
	if (rc == NK_OK && st->fig.round_lapses + 1 >= CASE_LAPSES_MAX)
		rc = close_for(env, st, NK_CLOSE_LAPSES, ended, err);
	return rc;
}

enum nk_status case_catch_up(const struct nk_case_env *env, const char *id, bool snapshot,
			     struct case_state *st, struct nk_error *err)
{
	int64_t due = case_next_due(st), now = case_now_ms(env);
	bool ended = false;
	enum nk_status rc;

	if (!due || now < due)
		return NK_OK;
	if (snapshot) {
		/* a read: the write takes its own transaction, then the read starts again */
		nk_store_rollback(env->store);
		if ((rc = case_load(env, id, st, err)) != NK_OK)
			return rc;
		if ((rc = case_finish(env, NK_OK, false, err)) != NK_OK)
			return rc;
		return case_load_snapshot(env, id, st, err);
	}
	rc = record_due(env, st, now, &ended, err);
	if ((rc = case_finish(env, rc, ended, err)) != NK_OK)
		return rc;
	return case_load(env, id, st, err);
}

enum nk_status nk_case_tick(const struct nk_case_env *env, const char *id, int64_t *next_ms,
			    struct nk_error *err)
{
	struct case_state *st = malloc(sizeof(*st));
	enum nk_status rc;

	if (!st)
		return nk_fail(err, NK_ENOMEM, "case", "out of memory");
	*next_ms = 0;
	rc = case_load_snapshot(env, id, st, err);
	if (rc == NK_OK) {
		*next_ms = case_next_due(st);
		nk_store_rollback(env->store);
	}
	sodium_memzero(st, sizeof(*st));
	free(st);
	return rc;
}
