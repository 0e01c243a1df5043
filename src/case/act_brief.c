/* An action answered with the actor's briefing built from the state the action left,
 * instead of from a second read of the case after it: a server answers every action with
 * a briefing, and that second read (a snapshot, the case's last link, a copy of its
 * state) cost more than the briefing itself (bench/README.md).
 *
 * Built after the commit when it can be: every write transaction of the server runs in
 * one shared turn (store/group.c), so whatever a command does inside it is done one at a
 * time. A briefing that reads no sealed value beyond what the pending transaction holds
 * (figure_brief_store_free) is built from the pending state, which stays this thread's
 * until case_pending_end, once the commit has given the turn up; with no store in reach,
 * so that it cannot read a connection that does not see the batch yet. The state it reads
 * is the one the commit made, as before: its answer is the same, byte for byte. */
#include "case/case_impl.h"
#include "case/cache.h"
#include "case/figure_kind.h"
#include "case/package_kind.h"

#include <nakodo/package_case.h>

#include <string.h>

/* This thread's wish for a briefing. Every commit or rollback of the action's thread
 * rebuilds it or drops it (case_finish, through case_brief_before_commit), so the one
 * that stands is the last transaction's: the action's own, after any catch-up of a
 * deadline that load committed before it. */
static _Thread_local struct {
	bool wanted, done;
	bool after;		/* left for case_brief_after_commit */
	const char *id;
	enum nk_role role;
	struct case_briefs into;
	bool *is_package;
} want;

/* Builds the briefing of st into the caller's place. A briefing refused here (a role the
 * case lacks, say) is refused again, with its reason, by the read that follows: the
 * action itself stands. */
static void build(const struct nk_case_env *env, const struct case_state *st)
{
	struct nk_error ignored = { 0 };

	want.wanted = false;	/* a briefing commits nothing; were it ever to, not nested */
	if (st->kind->brief(env, st, want.role, &want.into, &ignored) == NK_OK) {
		*want.is_package = st->kind == &case_kind_package;
		want.done = true;
	}
	want.wanted = true;
}

void case_brief_before_commit(const struct nk_case_env *env, enum nk_status rc)
{
	const struct case_state *st;
	int64_t due;

	if (!want.wanted)
		return;
	want.done = false;
	want.after = false;
	/* NULL for an unlinked log or another case's commit; a deadline passed would be
	 * caught up by a read of the case: both leave the briefing to that read */
	if (rc != NK_OK || !(st = case_pending_state(want.id)))
		return;
	if ((due = case_next_due(st)) != 0 && case_now_ms(env) >= due)
		return;
	if (figure_brief_store_free(st, want.role)) {
		want.after = true;
		return;
	}
	build(env, st);
}

void case_brief_after_commit(const struct nk_case_env *env)
{
	struct nk_case_env alone = *env;
	const struct case_state *st;

	if (!want.wanted || !want.after)
		return;
	want.after = false;
	alone.store = NULL;	/* see above: anything it would read there fails instead */
	if ((st = case_pending_state(want.id)))
		build(&alone, st);
}

enum nk_status nk_case_act_brief(const struct nk_case_env *env, const char *id,
				 enum nk_role role, const struct nk_case_request *req,
				 const struct nk_request_auth *auth, struct nk_brief *figures,
				 struct nk_package_brief *package, bool *is_package,
				 bool *briefed, struct nk_error *err)
{
	enum nk_status rc;

	*briefed = false;
	want.wanted = nk_role_valid(role) && id;
	want.done = false;
	want.id = id;
	want.role = role;
	want.into = (struct case_briefs){ .figures = figures, .package = package };
	want.is_package = is_package;
	rc = nk_case_act(env, id, role, req, auth, err);
	*briefed = rc == NK_OK && want.done;
	memset(&want, 0, sizeof(want));
	return rc;
}
