/* What a role may know of a case: the public course of the rounds, and for a party its
 * own figures and what it and the other side can know of each other, recomputed from
 * the sealed figures while the case is live and wiped from memory afterwards. */
#include "case/figure_kind.h"
#include "case/package_kind.h"
#include "case/cache.h"

#include <sodium.h>
#include <stddef.h>
#include <string.h>

static enum nk_status fill_party(const struct nk_case_env *env, const struct case_state *st,
				 struct nk_brief *b, struct nk_error *err)
{
	struct nk_round_result results[NK_ROUNDS_MAX];
	struct nk_round_figures figures[NK_ROUNDS_MAX];
	char name[NK_SECRET_NAME_MAX];
	int evaluated = 0;
	enum nk_status rc = NK_OK;

	/* a blind case's figures never reached the go-between: nothing to replay or open */
	for (int i = 1; i <= st->round && !st->fig.rules.blind; i++)
		if (st->fig.rounds[i - 1].evaluated)
			evaluated = i;
	/* the replay reads both sides' figures of the evaluated rounds: the party's own are
	 * taken from it rather than opened a second time (bench/README.md) */
	if (evaluated > 0)
		rc = case_replay_figures(env, st, evaluated, results, figures, err);
	for (int i = 0; rc == NK_OK && i < evaluated; i++) {
		const struct nk_round_figures *f = &figures[i];

		b->rounds[i].has_view = true;
		b->rounds[i].view = b->role == NK_CLAIMANT ? results[i].claimant : results[i].payer;
		/* what the open proposals standing then told, met with what the round told */
		case_open_narrow_view(st, i + 1, b->role, &b->rounds[i].view);
		b->rounds[i].own_figure = b->role == NK_CLAIMANT ? f->demand : f->offer;
		b->rounds[i].own_extension = b->role == NK_CLAIMANT ? f->claimant_extension :
								      f->payer_extension;
	}
	for (int i = evaluated + 1; i <= st->round && rc == NK_OK; i++) {
		const struct case_round *r = &st->fig.rounds[i - 1];
		struct nk_brief_round *br = &b->rounds[i - 1];

		if (st->fig.rules.blind)	/* the go-between holds no figure of it */
			break;
		/* each name made only when it is read (snprintf: some 1,200 instructions) */
		if (r->submitted[b->role]) {
			case_secret_name(name, "figure", i, b->role);
			rc = case_get_amount(env, st->id, name, &br->own_figure, err);
		}
		if (rc == NK_OK && r->extended[b->role]) {
			case_secret_name(name, "extension", i, b->role);
			rc = case_get_amount(env, st->id, name, &br->own_extension, err);
		}
	}
	/* the replay wrote the evaluated rounds' entries alone (zeros after them in
	 * figures): those are wiped, not the whole arrays of NK_ROUNDS_MAX rounds, some 8 kB
	 * a briefing (bench/README.md) */
	if (evaluated > NK_ROUNDS_MAX)
		evaluated = NK_ROUNDS_MAX;
	sodium_memzero(figures, (size_t)evaluated * sizeof(figures[0]));
	if (rc == NK_OK && st->fig.proposals > 0 && st->fig.answered[b->role]) {
		uint8_t answer = 0;
		size_t len = 0;

		case_secret_name(name, "answer", st->fig.proposals, b->role);
		rc = nk_store_secret_get(env->store, st->id, name, &answer, 1, &len, err);
		b->own_answer = answer;
	}
	sodium_memzero(results, (size_t)evaluated * sizeof(results[0]));
	return rc;
}

/* A neutral's briefing: the rules, the state, and once its turn has begun, the parties'
 * last figures and its own fair figure (while the case is live); the settlement and the
 * rule that decided once it ends. Never the rounds, the proposals, nor another
 * neutral's figure. */
static enum nk_status brief_neutral(const struct nk_case_env *env, const struct case_state *st,
				    struct nk_brief *b, struct nk_error *err)
{
	const int k = nk_role_neutral_index(b->role);
	char name[NK_SECRET_NAME_MAX];
	enum nk_status rc = NK_OK;

	b->round = 0;
	if (k > st->fig.rules.neutrals)
		return NK_OK;	/* a role this case does not have: told only the rules */
	b->evaluating = st->fig.evaluating;
	b->own_fair_given = st->fig.fair_given[k - 1];
	if (st->settled) {
		b->settlement = st->fig.settlement;
		b->settled_by = st->fig.settled_by;
	}
	if (!st->fig.evaluating || st->purged || st->state != NK_STATE_IMPASSE ||
	    !case_endorsed(st, b->role))
		return NK_OK;	/* the figures wait for both parties' endorsement */
	rc = case_neutral_figures(env, st, &b->neutral_demand, &b->neutral_offer, err);
	b->neutral_shown = rc == NK_OK;
	case_secret_name(name, "fair", 0, b->role);
	if (rc == NK_OK && b->own_fair_given)
		rc = case_get_amount(env, st->id, name, &b->own_fair, err);
	return rc;
}

/* The part of a briefing only a case of figures has: its rules, rounds, proposals and
 * settlement, and a random settlement's seed for a party. */
static enum nk_status brief_figures(const struct nk_case_env *env, const struct case_state *st,
				    struct nk_brief *b, struct nk_error *err)
{
	const enum nk_role role = b->role;
	enum nk_status rc = NK_OK;

	b->rules = st->fig.rules;
	memcpy(b->seed_commitment, st->fig.seed_commitment, sizeof(b->seed_commitment));
	b->neutral_rule = st->settled && st->fig.settled_by == NK_DEAL_NEUTRAL ?
			  st->fig.neutral_rule : -1;
	/* a neutral sees nothing of the rounds or the proposals: only its own part */
	if (nk_role_kind(role) == NK_ROLE_NEUTRAL)
		return brief_neutral(env, st, b, err);
	b->evaluating = st->fig.evaluating;
	if (role == NK_MEDIATOR)
		b->fair_count = st->fig.fair_count;
	b->proposals = st->fig.proposals;
	b->proposal_pending = st->fig.proposal_pending;
	b->proposal = st->fig.proposal;
	b->proposal_accepted = st->fig.proposal_accepted;
	memcpy(b->proposal_figures, st->fig.proposal_figures, sizeof(b->proposal_figures));
	memcpy(b->proposal_results, st->fig.proposal_results, sizeof(b->proposal_results));
	/* who has answered is in the log the mediator reads; a party is not told whether
	 * the other side has answered yet */
	if (role == NK_MEDIATOR && st->fig.proposal_pending)
		memcpy(b->proposal_answered, st->fig.answered, sizeof(b->proposal_answered));
	b->settlement = st->fig.settlement;
	b->settled_by = st->fig.settled_by;
	/* a bridged settlement is told each role as its own part: the claimant what it
	 * receives, the payer what it pays (kept for each alone: either with the other's
	 * would give the gap, and so the other's figure), the mediator the gap */
	if (st->settled && st->fig.settled_by == NK_DEAL_BRIDGE)
		b->settlement = st->fig.bridge_gap;
	if (st->settled && st->fig.settled_by == NK_DEAL_BRIDGE && role != NK_MEDIATOR)
		rc = case_bridge_kept(env, st->id, role, &b->settlement, err);
	/* a random settlement's seed is the parties' alone: with the settlement it bounds
	 * both limits (doc/bargain.md). Cases settled before it was kept apart carry it in
	 * their log, which the mediator reads anyway. */
	if (nk_role_is_party(role) && st->fig.seed_revealed) {
		b->seed_revealed = true;
		memcpy(b->seed, st->fig.seed, sizeof(b->seed));
	} else if (nk_role_is_party(role) && st->settled && st->fig.rules.settle == NK_SETTLE_RANDOM) {
		size_t len = 0;

		rc = nk_store_secret_get(env->store, st->id, CASE_REVEALED_SEED, b->seed,
					 sizeof(b->seed), &len, err);
		b->seed_revealed = rc == NK_OK && len == sizeof(b->seed);
		if (rc == NK_ENOTFOUND)	/* settled by a proposal or before any draw */
			rc = NK_OK;
	}
	if (st->state == NK_STATE_OPEN && st->fig.rules.round_time_ms)
		b->round_due_ms = st->fig.round_since_ms + st->fig.rules.round_time_ms;
	b->lapsed_round = st->fig.lapsed_round;
	/* a party is told that it missed the lapsed round, and nothing of the other side */
	b->lapse_missed = nk_role_is_party(role) && st->fig.lapsed_round &&
			  st->fig.lapse_missed[role];
	b->deadline_passed = st->fig.deadline_passed;
	b->closed_reason = st->state == NK_STATE_CLOSED ? st->closed_reason : NK_CLOSE_NONE;
	case_open_brief(st, b);
	for (int i = 0; i < st->round; i++) {
		const struct case_round *r = &st->fig.rounds[i];
		struct nk_brief_round *br = &b->rounds[i];

		br->own_submitted = nk_role_is_party(role) && r->submitted[role];
		br->evaluated = r->evaluated;
		br->deal = r->deal;
		br->figure = r->figure;
		/* a side's hint is its own: the mediator is told none (case_kept_hint) */
		br->hint = -1;
		if (nk_role_is_party(role) && r->evaluated && r->deal == NK_NO_DEAL) {
			br->hint = r->hint[role];
			br->withheld = r->withheld[role];
			if (!r->hints_logged && st->fig.rules.hint_count > 0 && rc == NK_OK &&
			    !st->fig.rules.blind)
				rc = case_kept_hint(env, st->id, i + 1, role, &br->hint,
						    &br->withheld, err);
		}
		if (r->evaluated)
			b->rounds_evaluated = i + 1;
	}
	if (rc == NK_OK && nk_role_is_party(role) && !st->purged)
		rc = fill_party(env, st, b, err);
	return rc;
}

/* A briefing's rounds after the first n are never written (the rounds reach st->round):
 * zeroed, copied and wiped as one block with the rest, they made three passes over some
 * 7 kB for a briefing of a few rounds (bench/README.md). These zero b, copy it and wipe
 * it but for rounds [n, NK_ROUNDS_MAX), which b_zero left zero. */
static int brief_rounds_used(const struct case_state *st)
{
	return st->round < 0 ? 0 : st->round > NK_ROUNDS_MAX ? NK_ROUNDS_MAX : st->round;
}

static void brief_zero(struct nk_brief *b, int n)
{
	const size_t head = offsetof(struct nk_brief, rounds) + (size_t)n * sizeof(b->rounds[0]);
	const size_t tail = offsetof(struct nk_brief, rounds) + sizeof(b->rounds);

	memset(b, 0, head);
	memset((char *)b + tail, 0, sizeof(*b) - tail);
}

static void brief_copy(struct nk_brief *out, const struct nk_brief *b, int n)
{
	const size_t head = offsetof(struct nk_brief, rounds) + (size_t)n * sizeof(b->rounds[0]);
	const size_t tail = offsetof(struct nk_brief, rounds) + sizeof(b->rounds);

	memcpy(out, b, head);
	memset((char *)out + head, 0, tail - head);
	memcpy((char *)out + tail, (const char *)b + tail, sizeof(*b) - tail);
}

static void brief_wipe(struct nk_brief *b, int n)
{
	const size_t head = offsetof(struct nk_brief, rounds) + (size_t)n * sizeof(b->rounds[0]);
	const size_t tail = offsetof(struct nk_brief, rounds) + sizeof(b->rounds);

	sodium_memzero(b, head);
	sodium_memzero((char *)b + tail, sizeof(*b) - tail);
}

/* What every kind's briefing of this form holds, from st, loaded (the figure kind's
 * briefing, and the shared facts of any other kind's). */
static enum nk_status brief_loaded(const struct nk_case_env *env, const struct case_state *st,
				   enum nk_role role, struct nk_brief *out, struct nk_error *err)
{
	/* On the stack and wiped at the end: a guarded sodium_malloc block per briefing
	 * costs five system calls, which a server answering every action with a briefing
	 * cannot afford (bench/README.md). */
	struct nk_brief brief, *b = &brief;
	enum nk_status rc = NK_OK;
	const enum nk_role viewer = role;
	const int n = brief_rounds_used(st);

	/* A principal is shown its party's briefing as it is: role becomes the party. A
	 * principal or a neutral the case lacks is refused, as when it acts. */
	role = nk_role_reads(viewer);
	if ((rc = case_refuse_absent_role(st, viewer, err)) != NK_OK)
		return rc;
	/* Until it has joined with its own key, a principal's token is all that stands for
	 * it, and the case's opener holds that token too (doc/security.md, "A principal"):
	 * the party's figures are shown only to a principal that has joined, whose key the
	 * party sees in its own briefing. */
	if (nk_role_kind(viewer) == NK_ROLE_PRINCIPAL && !st->joined[viewer])
		return nk_fail(err, NK_EREFUSED, "role", "the %s reads the %s's briefing once it "
			       "has joined with its own key (nakodo join CASE --as %s --key FILE)",
			       nk_role_name(viewer), nk_role_name(role), nk_role_name(viewer));
	/* So is a neutral's, which is shown both parties' last figures (doc/security.md,
	 * "Neutral evaluation"): its briefing is its once it has joined, with a key the
	 * parties see in theirs. */
	if (nk_role_kind(viewer) == NK_ROLE_NEUTRAL && !st->joined[viewer])
		return case_refuse_unjoined_neutral(viewer, err);
	/* Joined is not enough: whoever joined first with the token holds the role, and the
	 * opener holds the token. The party's briefing is shown to a principal whose key
	 * the party has endorsed (endorse.c); a neutral's, to tell it whether it is
	 * endorsed yet, but with the last figures only once both parties have. */
	if (nk_role_kind(viewer) == NK_ROLE_PRINCIPAL &&
	    (rc = case_refuse_unendorsed(st, viewer, err)) != NK_OK)
		return rc;

	brief_zero(b, n);
	memcpy(b->case_id, st->id, sizeof(b->case_id));
	memcpy(b->title, st->title, sizeof(b->title));
	b->role = role;
	b->viewer = viewer;
	b->state = st->state;
	b->round = st->round;
	b->figures_deleted = st->purged;
	b->own_answer = -1;
	b->proposal_accepted = -1;
	b->settled = st->settled;
	b->neutral_rule = -1;
	/* A package case's own briefing is nk_package_case_brief; this one tells only what
	 * every kind shares, with the rules its frame implies. */
	if (st->kind == &case_kind_figures)
		rc = brief_figures(env, st, b, err);
	else
		package_frame_rules(&st->pkg.frame, &b->rules);
	/* The log's length moves with the other side's extensions, deposits, withdrawals and
	 * messages to the mediator, which a party must not learn: only the mediator, who may
	 * read the log anyway, is told it. */
	b->events = role == NK_MEDIATOR ? st->events : 0;
	memcpy(b->joined, st->joined, sizeof(b->joined));
	memcpy(b->identity, st->identity, sizeof(b->identity));
	case_keys_seen(viewer, b->joined, b->identity);
	case_brief_endorsements(st, viewer, b->endorsements);
	b->last_request = st->last_request[viewer];	/* the asker's own numbering */
	for (int r = 0; r < NK_ROLE_COUNT; r++) {
		b->sent[r] = st->messages[role][r];
		b->received[r] = st->messages[r][role];
	}
	if (role == NK_CLAIMANT || role == NK_PAYER) {
		b->deposits = st->deposits[role];
		b->deposit_held = st->deposit_held[role];
	}
	b->released = st->released;
	b->token_reissues = st->token_reissues[viewer];
	b->token_revokes = st->token_revokes[viewer];
	b->token_changed_ms = st->token_changed_ms[viewer];
	b->package = st->kind == &case_kind_package;
	if (rc == NK_OK && nk_role_is_party(role))	/* a draft awaiting its principal */
		rc = case_brief_draft(env, st, viewer, b, err);
	if (rc == NK_OK)
		brief_copy(out, b, n);
	brief_wipe(b, n);
	return rc;
}

/* Whether role's briefing of st reads nothing from the store but what this thread's
 * pending transaction holds (cache.c): the replay of the evaluated rounds and the amounts
 * sealed for the open round. Such a briefing can be built after the commit, out of the
 * writers' turn (act_brief.c). A party of an open case of figures without kept hints,
 * drafts, proposals or a bridge; anything else reads sealed values, and is built in the
 * transaction as before. Conservative: a briefing that still reaches the store after the
 * commit fails there and is left to the read that follows (act_brief.c). */
bool figure_brief_store_free(const struct case_state *st, enum nk_role role)
{
	char name[NK_SECRET_NAME_MAX];
	int64_t amount;
	int evaluated = 0;

	if (st->kind != &case_kind_figures || (role != NK_CLAIMANT && role != NK_PAYER) ||
	    st->state != NK_STATE_OPEN || st->settled || st->purged || st->fig.rules.authority ||
	    st->fig.rules.bridge || st->fig.rules.neutrals || st->fig.proposals > 0 ||
	    (st->fig.rules.hint_count > 0 && !st->fig.rules.blind))
		return false;
	if (st->fig.rules.blind)
		return true;	/* no replay, no figure held: nothing to open */
	for (int i = 1; i <= st->round && i <= NK_ROUNDS_MAX; i++)
		if (st->fig.rounds[i - 1].evaluated)
			evaluated = i;
	if (evaluated > 0 && !case_pending_replay_holds(st, evaluated))
		return false;
	for (int i = evaluated + 1; i <= st->round && i <= NK_ROUNDS_MAX; i++) {
		const struct case_round *r = &st->fig.rounds[i - 1];

		case_secret_name(name, "figure", i, role);
		if (r->submitted[role] && !case_pending_unsealed(st->id, name, &amount))
			return false;
		case_secret_name(name, "extension", i, role);
		if (r->extended[role] && !case_pending_unsealed(st->id, name, &amount))
			return false;
	}
	sodium_memzero(&amount, sizeof(amount));
	return true;
}

enum nk_status figure_brief(const struct nk_case_env *env, const struct case_state *st,
			    enum nk_role role, const struct case_briefs *out, struct nk_error *err)
{
	return brief_loaded(env, st, role, out->figures, err);
}

enum nk_status nk_case_brief(const struct nk_case_env *env, const char *id, enum nk_role role,
			     struct nk_brief *out, struct nk_error *err)
{
	struct case_state st;
	enum nk_status rc;

	if ((rc = case_load_snapshot(env, id, &st, err)) != NK_OK)
		return rc;
	rc = brief_loaded(env, &st, role, out, err);
	nk_store_rollback(env->store);
	return rc;
}
