/* The commands of a case of figures: opening under its rules with a committed seed, a
 * party's figure or deal-closer extension (and the round's evaluation when it completes
 * the round), the mediator's proposal after an impasse and the parties' answers. Each
 * runs inside the transaction case.c begins and ends, and appends its events and sealed
 * figures there or nothing. */
#include "case/blind_case.h"
#include "case/cache.h"
#include "case/figure_kind.h"

#include <nakodo/blind_case.h>

#include <nakodo/seal.h>
#include <nakodo/toolkit.h>

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static enum nk_status get_seed(const struct nk_case_env *env, const char *id,
			       uint8_t seed[NK_SEED_BYTES], struct nk_error *err)
{
	size_t len = 0;
	enum nk_status rc = nk_store_secret_get(env->store, id, "seed", seed, NK_SEED_BYTES, &len, err);

	if (rc == NK_OK && len != NK_SEED_BYTES)
		rc = nk_fail(err, NK_ECORRUPT, "secret", "the sealed seed has the wrong size");
	return rc;
}

enum nk_status case_replay(const struct nk_case_env *env, const struct case_state *st,
			   int count, struct nk_round_result *results, struct nk_error *err)
{
	struct nk_round_figures figures[NK_ROUNDS_MAX];
	enum nk_status rc = case_replay_figures(env, st, count, results, figures, err);

	sodium_memzero(figures, sizeof(figures));
	return rc;
}

enum nk_status case_replay_figures(const struct nk_case_env *env, const struct case_state *st,
				   int count, struct nk_round_result *results,
				   struct nk_round_figures *figures, struct nk_error *err)
{
	uint8_t seed[NK_SEED_BYTES];
	char name[NK_SECRET_NAME_MAX];
	bool has_seed = false;
	int held;
	enum nk_status rc = NK_OK;

	if (count > NK_ROUNDS_MAX)
		return nk_fail(err, NK_ECORRUPT, "log", "more rounds than the rules allow");
	memset(figures, 0, sizeof(*figures) * NK_ROUNDS_MAX);
	/* the rounds replayed before, kept with the case's cached state (cache.c): only
	 * the figures of the rounds after them are opened */
	held = case_replay_held(env, st, count, figures, results, seed, &has_seed);
	if (held < count && !has_seed && (rc = get_seed(env, st->id, seed, err)) != NK_OK)
		return rc;
	for (int i = held + 1; i <= count && rc == NK_OK; i++) {
		const struct case_round *r = &st->fig.rounds[i - 1];
		struct nk_round_figures *f = &figures[i - 1];

		case_secret_name(name, "figure", i, NK_CLAIMANT);
		rc = case_get_amount(env, st->id, name, &f->demand, err);
		case_secret_name(name, "figure", i, NK_PAYER);
		if (rc == NK_OK)
			rc = case_get_amount(env, st->id, name, &f->offer, err);
		if (rc == NK_OK && r->extended[NK_CLAIMANT]) {
			case_secret_name(name, "extension", i, NK_CLAIMANT);
			rc = case_get_amount(env, st->id, name, &f->claimant_extension, err);
		}
		if (rc == NK_OK && r->extended[NK_PAYER]) {
			case_secret_name(name, "extension", i, NK_PAYER);
			rc = case_get_amount(env, st->id, name, &f->payer_extension, err);
		}
		if (rc == NK_OK)
			rc = nk_bargain_round(&st->fig.rules, i, figures, results, seed, err);
		if (rc == NK_OK && r->evaluated &&
		    (r->deal != results[i - 1].deal ||
		     (r->deal != NK_NO_DEAL && r->figure != results[i - 1].figure)))
			rc = nk_fail(err, NK_ECORRUPT, "log", "round %d does not replay to its recorded outcome", i);
	}
	if (rc == NK_OK && held < count)
		case_replay_keep(env, st, count, figures, results, seed);
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

/* The round of st whose sealed amounts an entry may hold (0: none): its open round,
 * not yet evaluated, of a case of figures that is not blind. */
int case_open_round(const struct case_state *st)
{
	return st->kind == &case_kind_figures && !st->fig.rules.blind && st->round >= 1 &&
	       st->round <= NK_ROUNDS_MAX && !st->fig.rounds[st->round - 1].evaluated ? st->round : 0;
}

/* The sealed name of slot s of round: the claimant's and the payer's figure, then
 * their deal-closers. */
void case_open_name(char out[static NK_SECRET_NAME_MAX], int s, int round)
{
	case_secret_name(out, s < 2 ? "figure" : "extension", round, s & 1 ? NK_PAYER : NK_CLAIMANT);
}

/* Read back without snprintf: a commit asks it of every amount it sealed. */
int case_open_slot(const char *name, int round)
{
	static const char *const what[2] = { "figure.", "extension." };
	enum nk_role role;

	for (int k = 0; k < 2; k++) {
		size_t n = strlen(what[k]);
		const char *p = name + n;
		int r = 0;

		if (strncmp(name, what[k], n) != 0)
			continue;
		if (*p == '0')	/* "%d" writes no leading zero */
			return -1;
		for (; *p >= '0' && *p <= '9' && r <= NK_ROUNDS_MAX; p++)
			r = 10 * r + (*p - '0');
		if (r != round || *p != '.' || nk_role_parse(p + 1, &role) != NK_OK ||
		    (role != NK_CLAIMANT && role != NK_PAYER))
			return -1;
		return 2 * k + (role == NK_PAYER);
	}
	return -1;
}

static void hint_name(char out[static NK_SECRET_NAME_MAX], int round, enum nk_role role)
{
	snprintf(out, NK_SECRET_NAME_MAX, NK_SECRET_KEPT "hint.%d.%s", round, nk_role_name(role));
}

/* What a failed round's hint was for one side: its band (or none) and whether the
 * budget withheld it, as two bytes, band + 1 and the flag. Sealed apart for that side,
 * not written into the round's event: whether a hint was withheld depends on the side's
 * own figure, so the mediator, who reads the log, would learn a bound on it
 * (doc/bargain.md, "Hints are each side's own"). */
static enum nk_status keep_hint(const struct nk_case_env *env, const char *id, int round,
				enum nk_role role, const struct nk_view *view,
				struct nk_error *err)
{
	char name[NK_SECRET_NAME_MAX];
	uint8_t kept[2] = { (uint8_t)(view->hint + 1), view->withheld };

	hint_name(name, round, role);
	return nk_store_secret_put(env->store, id, name, kept, sizeof(kept), err);
}

enum nk_status case_kept_hint(const struct nk_case_env *env, const char *id, int round,
			      enum nk_role role, int *hint, bool *withheld, struct nk_error *err)
{
	char name[NK_SECRET_NAME_MAX];
	uint8_t kept[2] = { 0 };
	size_t len = 0;
	enum nk_status rc;

	hint_name(name, round, role);
	rc = nk_store_secret_get(env->store, id, name, kept, sizeof(kept), &len, err);
	if (rc == NK_OK && (len != sizeof(kept) || kept[0] > NK_HINTS_MAX + 1 || kept[1] > 1))
		rc = nk_fail(err, NK_ECORRUPT, "secret", "a kept hint has the wrong form");
	if (rc == NK_OK) {
		*hint = (int)kept[0] - 1;
		*withheld = kept[1];
	}
	return rc;
}

/* A random rule's seed, kept for the two parties after the end under the name the purge
 * spares (case_end): with the settlement it lets each side replay the draw, and it tells
 * each side, and so would tell whoever read it, bounds on both limits (doc/bargain.md,
 * "What the seed tells"). So it is not written into the log, which the mediator reads,
 * but stays sealed, and only a party's briefing shows it. */
static enum nk_status keep_seed(const struct nk_case_env *env, const char *id,
				struct nk_error *err)
{
	uint8_t seed[NK_SEED_BYTES];
	enum nk_status rc = get_seed(env, id, seed, err);

	if (rc == NK_OK)
		rc = nk_store_secret_put(env->store, id, CASE_REVEALED_SEED, seed, sizeof(seed), err);
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

enum nk_status nk_case_open(const struct nk_case_env *env, const struct nk_rules *rules,
			    char id[static NK_CASE_ID_MAX], struct nk_error *err)
{
	return nk_case_open_with(env, rules, NULL, NULL, id, err);
}

enum nk_status nk_case_open_with(const struct nk_case_env *env, const struct nk_rules *rules,
				 nk_case_open_hook before_commit, void *arg,
				 char id[static NK_CASE_ID_MAX], struct nk_error *err)
{
	return nk_case_open_titled(env, rules, NULL, before_commit, arg, id, err);
}

enum nk_status nk_case_open_titled(const struct nk_case_env *env, const struct nk_rules *rules,
				   const char *title, nk_case_open_hook before_commit, void *arg,
				   char id[static NK_CASE_ID_MAX], struct nk_error *err)
{
	return nk_case_open_bridged(env, rules, title, 0, before_commit, arg, id, err);
}

/* The bridge's budget, sealed inside the opening's transaction before the caller's own
 * hook runs, so that the case and its budget are committed together or not at all. */
struct open_hook {
	const struct nk_case_env *env;
	int64_t budget;			/* 0: no bridge */
	nk_case_open_hook inner;
	void *arg;
};

static enum nk_status seal_budget(void *arg, struct nk_store *store, const char *id,
				  struct nk_error *err)
{
	const struct open_hook *h = arg;
	enum nk_status rc = NK_OK;

	if (h->budget)
		rc = case_put_amount(h->env, id, CASE_BRIDGE_BUDGET, h->budget, err);
	if (rc == NK_OK && h->inner)
		rc = h->inner(h->arg, store, id, err);
	return rc;
}

enum nk_status nk_case_open_bridged(const struct nk_case_env *env, const struct nk_rules *rules,
				    const char *title, int64_t bridge,
				    nk_case_open_hook before_commit, void *arg,
				    char id[static NK_CASE_ID_MAX], struct nk_error *err)
{
	uint8_t seed[NK_SEED_BYTES], commitment[32];
	struct nk_rules declared = *rules;
	struct open_hook hook = { env, bridge, before_commit, arg };
	char new_id[NK_CASE_ID_MAX];
	enum nk_status rc;

	declared.bridge = bridge != 0;
	if (rules->bridge && !bridge)
		return nk_fail(err, NK_EINVAL, "bridge", "a bridge is declared without its "
			       "budget");
	if ((rc = declared.blind ? nk_case_blind_rules_check(&declared, err)
				 : nk_rules_check(&declared, err)) != NK_OK ||
	    (bridge && (rc = nk_bridge_check(&declared, bridge, err)) != NK_OK) ||
	    (title && (rc = nk_title_check(title, "title", err)) != NK_OK))
		return rc;
	if (rules->deadline_ms && (rules->deadline_ms <= case_now_ms(env) ||
				   rules->deadline_ms > case_now_ms(env) + NK_DEADLINE_AHEAD_MAX_MS))
		return nk_fail(err, NK_EINVAL, "deadline", "the deadline must lie ahead, within "
			       "366 days");
	case_new_id(env, new_id);
	case_fill_random(env, seed, sizeof(seed));
	nk_bargain_commit_seed(seed, commitment);
	rc = case_create(env, new_id, "seed", seed, sizeof(seed),
			 case_event_opened_bridge(case_event_opened_neutrals(
				 case_event_opened_open_proposals(case_event_opened_blind(
					 case_event_opened_principals(case_event_opened_deadlines(
						 case_event_opened_titled(case_event_opened_encode(
							 &declared, commitment), title),
						 &declared), &declared), &declared), &declared),
				 &declared), &declared),
			 seal_budget, &hook, err);
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(&hook, sizeof(hook));
	if (rc == NK_OK)
		memcpy(id, new_id, sizeof(new_id));
	return rc;
}

/* Both figures of the open round are in: evaluate it and record what follows. */
static enum nk_status evaluate_round(const struct nk_case_env *env, struct case_state *st,
				     bool *ended, struct nk_error *err)
{
	struct nk_round_result results[NK_ROUNDS_MAX];
	enum nk_status rc = case_replay(env, st, st->round, results, err);

	if (rc == NK_OK)
		rc = case_round_conclude(env, st, &results[st->round - 1], ended, err);
	/* the replay writes rounds 1..st->round at most (or refuses more than fit) */
	sodium_memzero(results, (size_t)(st->round < 0 ? 0 : st->round > NK_ROUNDS_MAX
					 ? NK_ROUNDS_MAX : st->round) * sizeof(results[0]));
	return rc;
}

enum nk_status case_round_conclude(const struct nk_case_env *env, struct case_state *st,
				   const struct nk_round_result *res, bool *ended,
				   struct nk_error *err)
{
	int r = st->round;
	json_t *body;
	char *text = NULL;
	enum nk_status rc;

	/* its text written before the transaction, for this round and outcome (ahead.c) */
	if (st->fig.rules.blind || !case_ahead_round(st->id, r, res, &body, &text)) {
		body = case_event_round_encode(r, res->deal, res->figure);
		body = st->fig.rules.blind ? blind_round_outcomes(st, body) : body;
	}
	rc = text ? case_append_written(env, st->id, "go-between", CASE_EV_ROUND, body, text,
					false, err)
		  : case_append(env, st->id, "go-between", CASE_EV_ROUND, body, err);
	if (rc != NK_OK)
		goto out;
	/* a blind round's hints are each side's own, sealed by its client (blind_outcome.c) */
	if (res->deal == NK_NO_DEAL && st->fig.rules.hint_count > 0 && !st->fig.rules.blind &&
	    ((rc = keep_hint(env, st->id, r, NK_CLAIMANT, &res->claimant, err)) != NK_OK ||
	     (rc = keep_hint(env, st->id, r, NK_PAYER, &res->payer, err)) != NK_OK))
		goto out;
	if (res->deal != NK_NO_DEAL) {
		body = case_event_settled_encode(res->figure, res->deal, r);
		rc = case_append(env, st->id, "go-between", CASE_EV_SETTLED, body, err);
		/* a blind case's draw came from its clients' own seed, which the go-between
		 * never holds: its own, unused, is not shown as the draw's */
		if (rc == NK_OK && st->fig.rules.settle == NK_SETTLE_RANDOM && !st->fig.rules.blind)
			rc = keep_seed(env, st->id, err);
		*ended = true;
	} else if (r == st->fig.rules.rounds && st->fig.rules.bridge &&
		   (rc = case_bridge_try(env, st, ended, err)) != NK_OK) {
		goto out;
	}
	if (rc == NK_OK && !*ended && res->deal == NK_NO_DEAL && r == st->fig.rules.rounds) {
		rc = case_append(env, st->id, "go-between", CASE_EV_IMPASSE,
				 case_event_impasse_encode(r), err);
		if (rc == NK_OK && st->fig.rules.proposals == 0 && st->fig.rules.neutrals)
			rc = neutral_begin(env, st, err);
		else if (rc == NK_OK && st->fig.rules.proposals == 0) {
			rc = case_append(env, st->id, "go-between", CASE_EV_CLOSED,
				 case_event_closed_encode(NK_CLOSE_NO_PROPOSAL), err);
			*ended = true;
		}
	}
	if (rc == NK_OK && *ended)
		rc = case_end(env, st->id, err);
out:
	return rc;
}

/* A figure (NK_ACTION_SUBMIT) or a deal-closer extension (NK_ACTION_EXTEND). */
static enum nk_status submit(const struct nk_case_env *env, struct case_state *st,
			     enum nk_role role, const struct nk_case_request *req,
			     const struct nk_request_auth *auth, bool *ended, struct nk_error *err)
{
	const bool extension = req->action == NK_ACTION_EXTEND;
	const int round = req->round;	/* 0: the open one */
	const int64_t amount = req->amount;
	const char *id = st->id;
	char name[NK_SECRET_NAME_MAX];
	enum case_event type;
	json_t *body;
	char *text;
	bool completes;
	enum nk_status rc;

	if (!extension && nk_role_kind(role) == NK_ROLE_NEUTRAL)
		return neutral_submit(env, st, role, req, auth, ended, err);
	if ((rc = case_refuse_state(st, NK_STATE_OPEN, err)) != NK_OK)
		return rc;
	if (st->fig.rules.blind)	/* the go-between never holds a figure of a blind case */
		return nk_fail(err, NK_EREFUSED, extension ? "extension" : "figure",
			       "this case is blind: its rounds are computed by the parties' own "
			       "clients (nakodo submit in remote mode), and the go-between takes "
			       "no figure or deal-closer");
	if ((rc = case_check_round(st, round, err)) != NK_OK)
		return rc;
	if (extension) {
		if (st->fig.rounds[st->round - 1].extended[role]) {
			rc = nk_fail(err, NK_EREFUSED, "round", "an extension for round %d was already authorised", st->round);
			goto out;
		}
		if ((rc = nk_bargain_check_extension(&st->fig.rules, amount, err)) != NK_OK)
			goto out;
	} else {
		int64_t previous = 0;

		if (st->fig.rounds[st->round - 1].submitted[role]) {
			rc = nk_fail(err, NK_EREFUSED, "round", "a figure for round %d was already "
				     "submitted (a figure, once in, stands; if the round fails, the "
				     "next takes a new one)", st->round);
			goto out;
		}
		case_secret_name(name, "figure", st->round - 1, role);
		/* the round before is evaluated: its figures are held with the replay when the
		 * cache kept it, else opened */
		if (st->round > 1 && !case_replay_figure_held(st, st->round - 1, role, &previous) &&
		    (rc = case_get_amount(env, id, name, &previous, err)) != NK_OK)
			goto out;
		rc = nk_bargain_check_figure(&st->fig.rules, role, amount, st->round > 1 ? &previous : NULL, err);
		sodium_memzero(&previous, sizeof(previous));
		if (rc == NK_OK)	/* beside the party's visible proposal, if any */
			rc = case_open_check_figure(st, role, amount, err);
		if (rc != NK_OK)
			goto out;
	}
	case_secret_name(name, extension ? "extension" : "figure", st->round, role);
	if ((rc = case_put_amount(env, id, name, amount, err)) != NK_OK)
		goto out;
	/* A figure that completes its round is followed, in this commit, by the round's
	 * outcome, whose countersignature covers it: one Ed25519 signature fewer. */
	completes = !extension && st->fig.rounds[st->round - 1].submitted[!role];
	type = extension ? CASE_EV_EXTENSION : CASE_EV_FIGURE;
	/* its text written before the transaction, when it was for this round (ahead.c) */
	if (case_ahead_event(id, type, st->round, role, &body, &text))
		rc = case_append_written(env, id, nk_role_name(role), type, body, text,
					 completes, err);
	else
		rc = (completes ? case_append_covered : case_append)(
			env, id, nk_role_name(role), type,
			case_with_request(case_event_step_encode(type, st->round, role), auth),
			err);
	if (rc == NK_OK && !extension) {
		st->fig.rounds[st->round - 1].submitted[role] = true;
		if (completes)
			rc = evaluate_round(env, st, ended, err);
	}
out:
	return rc;
}

enum nk_status nk_case_submit(const struct nk_case_env *env, const char *id, enum nk_role role,
			      int64_t amount, struct nk_error *err)
{
	const struct nk_case_request req = { .action = NK_ACTION_SUBMIT, .amount = amount };

	return case_kind_act(env, id, role, &req, NULL, err);
}

enum nk_status nk_case_submit_round(const struct nk_case_env *env, const char *id,
				    enum nk_role role, int round, int64_t amount,
				    struct nk_error *err)
{
	const struct nk_case_request req = { .action = NK_ACTION_SUBMIT, .round = round,
					     .amount = amount };

	if (round < 1 || round > NK_ROUNDS_MAX)
		return nk_fail(err, NK_EINVAL, "round", "a round is a number from 1 to %d", NK_ROUNDS_MAX);
	return case_kind_act(env, id, role, &req, NULL, err);
}

enum nk_status nk_case_extend(const struct nk_case_env *env, const char *id, enum nk_role role,
			      int64_t amount, struct nk_error *err)
{
	const struct nk_case_request req = { .action = NK_ACTION_EXTEND, .amount = amount };

	return case_kind_act(env, id, role, &req, NULL, err);
}

/* The mediator's proposal after an impasse (NK_ACTION_PROPOSE). */
static enum nk_status propose(const struct nk_case_env *env, struct case_state *st,
			      enum nk_role role, const struct nk_case_request *req,
			      const struct nk_request_auth *auth, bool *ended, struct nk_error *err)
{
	const int64_t amount = req->amount;
	enum nk_status rc;

	(void)role;
	(void)ended;
	if (st->state == NK_STATE_OPEN)	/* say when it can (a new mediator's question) */
		return nk_fail(err, NK_EREFUSED, "case", "the case is open, not at impasse: a "
			       "proposal comes only once every round has failed");
	if ((rc = case_refuse_state(st, NK_STATE_IMPASSE, err)) != NK_OK)
		return rc;
	if (st->fig.proposal_pending)
		return nk_fail(err, NK_EREFUSED, "proposal", "the last proposal awaits its answers: "
			       "another may follow once both parties have answered it");
	if ((rc = nk_bargain_check_proposal(&st->fig.rules, st->fig.proposals, amount, err)) != NK_OK)
		return rc;
	return case_append(env, st->id, "mediator", CASE_EV_PROPOSAL,
			   case_with_request(case_event_proposal_encode(st->fig.proposals + 1, amount),
					     auth), err);
}

enum nk_status nk_case_propose(const struct nk_case_env *env, const char *id, int64_t amount,
			       struct nk_error *err)
{
	const struct nk_case_request req = { .action = NK_ACTION_PROPOSE, .amount = amount };

	return case_kind_act(env, id, NK_MEDIATOR, &req, NULL, err);
}

/* A party's answer to the mediator's proposal (NK_ACTION_ANSWER). */
static enum nk_status answer(const struct nk_case_env *env, struct case_state *st,
			     enum nk_role role, const struct nk_case_request *req,
			     const struct nk_request_auth *auth, bool *ended, struct nk_error *err)
{
	bool both = false, accepted[2] = { false, false }, to_neutrals;
	enum nk_proposal_outcome outcome;
	enum nk_status rc;

	if (st->state == NK_STATE_OPEN)
		return nk_fail(err, NK_EREFUSED, "proposal", "there is no proposal to answer: the "
			       "case is open, not at impasse (the mediator proposes only once every "
			       "round has failed)");
	if ((rc = case_refuse_state(st, NK_STATE_IMPASSE, err)) != NK_OK)
		return rc;
	if (!st->fig.proposal_pending)
		return nk_fail(err, NK_EREFUSED, "proposal", "there is no proposal to answer (the "
			       "mediator has made none since the last was answered)");
	if (st->fig.answered[role])
		return nk_fail(err, NK_EREFUSED, "answer", "this proposal was already answered");
	rc = case_seal_answer(env, st, role, req->accept, CASE_EV_ANSWER, st->fig.proposals,
			      st->fig.answered[!role], auth, &both, accepted, err);
	if (rc != NK_OK || !both)
		goto out;
	outcome = nk_bargain_proposal_outcome(&st->fig.rules, st->fig.proposals,
					      accepted[NK_CLAIMANT], accepted[NK_PAYER]);
	/* the last proposal not accepted: the neutrals' turn, when the case has them */
	to_neutrals = outcome == NK_PROPOSAL_CLOSES && st->fig.rules.neutrals;
	if (to_neutrals)
		outcome = NK_PROPOSAL_AGAIN;
	rc = case_conclude_answers(env, st, CASE_EV_PROPOSAL_RESULT, st->fig.proposals, outcome,
				   case_event_settled_encode(st->fig.proposal, NK_DEAL_PROPOSAL, 0),
				   NK_CLOSE_DECLINED, ended, err);
	if (rc == NK_OK && to_neutrals) {
		st->fig.proposal_pending = false;
		rc = neutral_begin(env, st, err);
	}
out:
	sodium_memzero(accepted, sizeof(accepted));
	return rc;
}

enum nk_status nk_case_answer(const struct nk_case_env *env, const char *id, enum nk_role role,
			      bool accept, struct nk_error *err)
{
	const struct nk_case_request req = { .action = NK_ACTION_ANSWER, .accept = accept };

	return case_kind_act(env, id, role, &req, NULL, err);
}

const struct case_kind case_kind_figures = {
	.name = "figures",
	.open = figure_apply_opened,
	.apply = figure_appliers,
	.act = {
		[NK_ACTION_SUBMIT] = { NULL, submit },
		[NK_ACTION_EXTEND] = { NULL, submit },
		[NK_ACTION_ANSWER] = { NULL, answer },
		[NK_ACTION_PROPOSE] = { NULL, propose },
		[NK_ACTION_BLIND_OUTCOME] = { NULL, blind_outcome_act },
		[NK_ACTION_ANNOUNCE] = { NULL, case_open_announce },
	},
	.brief = figure_brief,
	.itself = "is a case of figures, not of packages",
};
