/* Internal to case/: the state folded from a case's log and the kinds of case, with the
 * shared machinery over them: the fold (fold.c) and load, append, finish, secrets and
 * refusals (case.c). One header serves the two files because each is half of one step
 * every command takes: case_load reads the log and case_fold turns it into the state
 * the rest of the header describes. The other files of case/ with callers elsewhere
 * in the folder have their own headers: events.h, record.h, request.h, message.h, and
 * one per kind of case (figure_kind.h, package_kind.h). */
#ifndef NAKODO_CASE_IMPL_H
#define NAKODO_CASE_IMPL_H

#include <nakodo/case.h>
#include <nakodo/package_case.h>

#include "base/ids.h"
#include "case/events.h"
#include "case/request.h"
#include <nakodo/json_build.h>

#include <jansson.h>

struct case_round {
	bool submitted[2];	/* by NK_CLAIMANT, NK_PAYER */
	bool extended[2];
	bool evaluated;
	enum nk_deal_kind deal;
	int64_t figure;
	int hint[2];
	bool withheld[2];
	bool hints_logged;	/* hint and withheld came from the log (cases from before
				 * they were kept sealed for each side: case_kept_hint) */
};

/* A package round, as the log records it (the valuations are sealed apart). */
struct package_round {
	bool submitted[2];	/* by NK_CLAIMANT, NK_PAYER */
	bool evaluated;
	bool found;		/* a package was proposed */
	bool answered[2];
	int accepted;		/* -1 pending or no package, 0 not by both, 1 by both */
};

/* What the log of a case of figures adds to the shared state (figure_case.c). */
struct figure_state {
	struct nk_rules rules;
	uint8_t seed_commitment[32];
	struct case_round rounds[NK_ROUNDS_MAX];
	int proposals;
	int64_t proposal_figures[NK_PROPOSALS_MAX];	/* each proposal's, in order */
	int proposal_results[NK_PROPOSALS_MAX];		/* -1 pending, 0 not by both, 1 both */
	bool proposal_pending;
	int64_t proposal;
	bool answered[2];
	int proposal_accepted;		/* -1 none, 0 no, 1 yes */
	int64_t settlement;
	enum nk_deal_kind settled_by;
	bool seed_revealed;
	uint8_t seed[NK_SEED_BYTES];
	/* Deadlines (deadline.c): when the open round's clock started (its opening, or
	 * its latest lapse) and how often it lapsed, the latest lapsed round (0 none) and
	 * who had not submitted in it, and whether the case's deadline passed. */
	int64_t round_since_ms;
	int round_lapses;
	int lapsed_round;
	bool lapse_missed[2];
	bool deadline_passed;
	/* Blind rounds (blind_outcome.c): the outcome each side gave of the open round,
	 * while r->submitted[side] says it gave one. */
	enum nk_deal_kind blind_deal[2];
	int64_t blind_figure[2];
	/* how many outcomes each side gave of round blind_given_round[side] (each one an
	 * event: bounded by NK_BLIND_OUTCOME_GIVEN_MAX) */
	int blind_given[2];
	int blind_given_round[2];
	/* the request number of each side's outcome that stands, which the round's event
	 * names ("outcomes") */
	uint64_t blind_request[2];
	/* Open proposals (open_case.c): each side's visible proposal announced in each round,
	 * if any; one stands until the side announces another. */
	bool announced[NK_ROUNDS_MAX][2];
	int64_t announced_amount[NK_ROUNDS_MAX][2];
	/* Neutral evaluation (neutral_case.c): the neutrals' turn has begun, which of
	 * neutral-1 .. neutral-N gave its fair figure, and the rule that settled. */
	bool evaluating;
	bool fair_given[NK_CASE_NEUTRALS_MAX];
	int fair_count;
	int neutral_rule;		/* enum nk_neutral_rule, with settled_by neutral */
	/* A bridge (bridge.c): the gap it paid, once a bridged settlement is logged. */
	int64_t bridge_gap;
};

/* What the log of a package case adds: its frame, rounds and proposed package
 * (package_case.c). */
struct package_state {
	struct nk_package_frame frame;
	struct package_round rounds[NK_ROUNDS_MAX];
	int package_round;		/* the round of the latest proposed package, 0 none */
	struct nk_package proposed;	/* that package */
	/* Improvements (package_improve.c): once both accept round package_round's package
	 * under a frame with improvements, it is the tentative baseline, which stands unless
	 * both accept the improvement proposed from both sides' improvement valuations. */
	bool tentative;
	bool imp_submitted[2];		/* by role */
	bool imp_evaluated;
	bool imp_found;			/* an improvement was proposed */
	struct nk_package improvement;	/* it */
	bool imp_answered[2];
	int imp_accepted;		/* -1 pending, 0 not by both or waived, 1 by both */
	bool improved;			/* settled on the improvement */
	/* A deadline (deadline.c): the frame's deadline passed (the case closed, or an
	 * improvement phase ended on its baseline). */
	bool deadline_passed;
};

struct case_kind;

/* The fold of a case's log: what every kind shares, then its kind's own part. */
struct case_state {
	char id[NK_CASE_ID_MAX];
	const struct case_kind *kind;		/* chosen by the opening */
	char title[NK_TITLE_MAX + 1];		/* the opening's, or "" */
	enum nk_case_state state;
	int round;			/* 1-based round open (or the last one) */
	bool settled;
	bool purged;
	enum nk_close_reason closed_reason;	/* as the closing event words it */
	int64_t events;
	bool joined[NK_ROLE_COUNT];		/* by enum nk_role: one identity per role */
	struct nk_identity identity[NK_ROLE_COUNT];
	uint64_t last_request[NK_ROLE_COUNT];	/* the last signed request's number */
	uint64_t messages[NK_ROLE_COUNT][NK_ROLE_COUNT];	/* [from][to]: the last n */
	uint64_t deposits[2];			/* by party: the last deposit number used */
	bool deposit_held[2];			/* by party: a deposit is in */
	bool released;				/* both deposits were released */
	/* The mediator's changes to each role's token (`token` events). */
	uint32_t token_reissues[NK_ROLE_COUNT], token_revokes[NK_ROLE_COUNT];
	int64_t token_changed_ms[NK_ROLE_COUNT];
	int64_t event_ms;			/* the time of the event being folded */
	int64_t summary_ms;			/* when the state or round last changed */
	/* Endorsement (endorse.c): [party][role], the party endorsed role's key, this one. */
	bool endorsed[2][NK_ROLE_COUNT];
	uint8_t endorsed_key[2][NK_ROLE_COUNT][NK_PUBLIC_KEY_BYTES];
	union {
		struct figure_state fig;	/* kind case_kind_figures */
		struct package_state pkg;	/* kind case_kind_package */
	};
};

/* Checks one event against st and applies it (fold.c). */
typedef enum nk_status (*case_apply_fn)(struct case_state *st, const json_t *body,
					struct nk_error *err);

/* An action of a kind, run by case_kind_act with the case loaded in the write
 * transaction, its kind checked and the request authorised; sets *ended when the case
 * ended (case_finish then scrubs). It may change *st. */
typedef enum nk_status (*case_action_fn)(const struct nk_case_env *env, struct case_state *st,
					 enum nk_role role, const struct nk_case_request *req,
					 const struct nk_request_auth *auth, bool *ended,
					 struct nk_error *err);

/* The request's own checks for a kind's action, once the kind is known and before the
 * signature is checked (a valuation's, say); NULL when there are none. */
typedef enum nk_status (*case_check_fn)(enum nk_role role, const struct nk_case_request *req,
					struct nk_error *err);

#define CASE_ACTIONS (NK_ACTION_APPROVE + 1)

/* Where a kind's briefing goes: each kind fills its own form (nk_case_brief_any). */
struct case_briefs {
	struct nk_brief *figures;
	struct nk_package_brief *package;
};

/* A kind's briefing of role, from st loaded inside a read snapshot. */
typedef enum nk_status (*case_brief_fn)(const struct nk_case_env *env,
					const struct case_state *st, enum nk_role role,
					const struct case_briefs *out, struct nk_error *err);

/* A kind of case, chosen by its opening: what its log's own events mean and which
 * actions it takes. Everything else (load, chain check, append, finish, secrets,
 * signed requests, tokens, messages and deposits) is the same for every kind. A new
 * kind is a new table here, its files, and an entry in case_kinds. */
struct case_kind {
	const char *name;		/* as the opening names it (events.h) */
	case_apply_fn open;		/* reads the opening's body */
	const case_apply_fn *apply;	/* [CASE_EV_COUNT]: its own events; NULL elsewhere */
	struct {
		case_check_fn check;
		case_action_fn run;	/* NULL: another kind's action, refused */
	} act[CASE_ACTIONS];
	case_brief_fn brief;		/* what a role may know of it */
	const char *itself;		/* "is a ...": how a refusal names the kind */
};

/* Every kind, NULL-ended (case.c); each kind's table is in its own header
 * (figure_kind.h, package_kind.h). */
extern const struct case_kind *const case_kinds[];

/* Runs a kind's action (req->action) on case id: who may do it, then the case loaded
 * once, its kind's action or NK_EREFUSED naming the kind, the request's own checks, the
 * signature, the action, and one commit or rollback (case.c). */
NK_MUST_USE case_request_fn case_kind_act;

/* Folds a whole log into st; NK_ECORRUPT if the log breaks the rules it records. */
NK_MUST_USE enum nk_status case_fold(const char *id, const struct nk_event_list *log,
				     struct case_state *st, struct nk_error *err);

/* A state folded from the store (st) against what the commits of its log wrote beside
 * it: NK_ECORRUPT when the store holds what only events after the log's last could have
 * written (its last events were deleted at rest: leftover.c). */
NK_MUST_USE enum nk_status case_leftover_check(const struct nk_case_env *env,
					       const struct case_state *st,
					       struct nk_error *err);

/* Applies one more event of the log to st, as case_fold does for each (the cache of
 * folded states, cache.c, keeps a state current with the events a command appends). */
NK_MUST_USE enum nk_status case_fold_event(struct case_state *st, const struct nk_event *ev,
					   struct nk_error *err);
/* case_fold_event with ev's body already read (borrowed; NULL: out of memory): the
 * tree a command's append wrote ev->body from, so that it is not read back. */
NK_MUST_USE enum nk_status case_fold_event_body(struct case_state *st,
						const struct nk_event *ev, const json_t *body,
						struct nk_error *err);
/* Begins a transaction and folds the case; on success the caller must commit or roll
 * back. */
NK_MUST_USE enum nk_status case_load(const struct nk_case_env *env, const char *id,
				     struct case_state *st, struct nk_error *err);

/* The same inside a read snapshot (no write lock); the caller rolls back. */
NK_MUST_USE enum nk_status case_load_snapshot(const struct nk_case_env *env, const char *id,
					      struct case_state *st, struct nk_error *err);

/* How an event's body is written (and read back exactly, nk_json_loads_exact). */
#define CASE_BODY_FLAGS NK_JSON_CANONICAL

/* A fresh case id from env's random source. */
void case_new_id(const struct nk_case_env *env, char out[static NK_CASE_ID_MAX]);

/* Opens case id in one transaction: creates it, seals value under secret (NULL: none),
 * appends its opening (taking the reference to opened), runs before_commit (may be
 * NULL) and commits; or rolls back and leaves no trace. */
NK_MUST_USE enum nk_status case_create(const struct nk_case_env *env, const char *id,
				       const char *secret, const uint8_t *value, size_t len,
				       json_t *opened, nk_case_open_hook before_commit,
				       void *arg, struct nk_error *err);

/* Appends one event of type by actor; takes the reference to body. */
NK_MUST_USE enum nk_status case_append(const struct nk_case_env *env, const char *id,
				       const char *actor, enum case_event type, json_t *body,
				       struct nk_error *err);

/* case_append for an event that another event of the same commit, appended after it,
 * will follow: it is chained but not countersigned (the later countersignature binds
 * it; doc/crypto.md), which saves an Ed25519 signature. case_finish refuses to commit a
 * transaction whose last event was appended so, and rolls it back. */
NK_MUST_USE enum nk_status case_append_covered(const struct nk_case_env *env, const char *id,
					       const char *actor, enum case_event type,
					       json_t *body, struct nk_error *err);

/* case_append (covered: case_append_covered) of body whose text was written already,
 * by case_ahead_event; takes both. */
NK_MUST_USE enum nk_status case_append_written(const struct nk_case_env *env, const char *id,
					       const char *actor, enum case_event type,
					       json_t *body, char *text, bool covered,
					       struct nk_error *err);

/* ahead.c: what a command can prepare before its transaction from the state the cache
 * last kept its case at, each part used in the transaction only when the state loaded
 * there is that very one (or the part is the same whatever the state). Into *st, the
 * state (case_ahead_state hands it to case_load once, when the store's last event read
 * in the transaction is the one it was folded up to), with the pending state primed
 * from it (case_pending_prime). For a party's figure or deal-closer, for the round that
 * state is at (or the one the request names): the text of its event and its sealed
 * amount; and when the figure completes the round, the round's evaluation (held with
 * the pending replay, case_pending_prime_round) and the text of its outcome's event.
 * case_ahead_event hands over (once) the event of type for round by role when it was
 * prepared for exactly that; case_ahead_sealed, the amount sealed under name when it
 * was prepared for that name and amount; case_ahead_round, the round's event for round
 * when it was prepared for that round, deal and figure. case_ahead_end wipes what is
 * left (case_kind_act, when the command ends). */
void case_ahead_prepare(const struct nk_case_env *env, const char *id, enum nk_role role,
			const struct nk_case_request *req, const struct nk_request_auth *auth,
			struct case_state *st);
bool case_ahead_state(const char *id, int64_t seq, const uint8_t chain[static NK_CHAIN_BYTES],
		      const struct case_state *st);
bool case_ahead_event(const char *id, enum case_event type, int round, enum nk_role role,
		      json_t **body, char **text);
bool case_ahead_round(const char *id, int round, const struct nk_round_result *res,
		      json_t **body, char **text);
/* Whether case_ahead_prepare evaluated a round (its event waits for case_ahead_round):
 * what tests/unit/test_authority_probe.c asks of a draft. */
bool case_ahead_evaluated(void);
bool case_ahead_sealed(const char *id, const char *name, int64_t amount,
		       const uint8_t **sealed, size_t *len);
void case_ahead_end(void);

/* Ends a command begun by case_load: rolls back when rc failed, else commits (and, when
 * the case ended, tries to scrub the deleted figures from the files; a scrub that
 * cannot finish stays owed and does not fail the committed action). Returns the
 * outcome of the commit. */
NK_MUST_USE enum nk_status case_finish(const struct nk_case_env *env, enum nk_status rc,
				       bool ended, struct nk_error *err);

/* NK_EREFUSED, naming the state, unless st is in state want. */
NK_MUST_USE enum nk_status case_refuse_state(const struct case_state *st,
					     enum nk_case_state want, struct nk_error *err);

/* The lapses of one round that close the case: the parties are not negotiating. */
#define CASE_LAPSES_MAX 3

/* deadline.c: when st's next deadline falls (ms since the epoch; 0: none). */
int64_t case_next_due(const struct case_state *st);
/* Builds the briefing nk_case_act_brief asked for, when there is one, from the state in
 * hand before a commit, or leaves it for case_brief_after_commit (act_brief.c);
 * case_finish calls it with the transaction's rc before every commit or rollback, and
 * the last one stands. */
void case_brief_before_commit(const struct nk_case_env *env, enum nk_status rc);
/* Builds, after a commit that succeeded and before case_pending_end, the briefing that
 * case_brief_before_commit left for after the writers' turn (act_brief.c). */
void case_brief_after_commit(const struct nk_case_env *env);
/* Loaded by case_load (snapshot: case_load_snapshot) with a deadline passed: records
 * the lapse or the closing in its own transaction, then loads st again as asked, so
 * that every command and every briefing sees a case whose deadlines are kept. */
NK_MUST_USE enum nk_status case_catch_up(const struct nk_case_env *env, const char *id,
					 bool snapshot, struct case_state *st,
					 struct nk_error *err);

/* case.c: the mediator's closing, for any kind. */
NK_MUST_USE case_request_fn case_close;
/* Copies s into out[size] as snprintf's "%s" would (cut to size - 1 bytes, always
 * terminated), without its format machinery: the write turn copied names this way on
 * every append (bench/README.md, branch turnw13). */
void case_copy_text(char *out, size_t size, const char *s);
/* Names of a case's secrets. */
void case_secret_name(char out[static NK_SECRET_NAME_MAX], const char *what, int n,
		      enum nk_role role);
/* An amount sealed under name, as 8 little-endian bytes (case_get_amount reads it). */
NK_MUST_USE enum nk_status case_put_amount(const struct nk_case_env *env, const char *id,
					   const char *name, int64_t amount, struct nk_error *err);
NK_MUST_USE enum nk_status case_get_amount(const struct nk_case_env *env, const char *id,
					   const char *name, int64_t *out, struct nk_error *err);

/* NK_EREFUSED (field "role") for a role the case does not have: a neutral beyond the
 * neutrals its rules declare, any neutral in a package case, a principal in a case
 * opened without principals (neutral_case.c, principal.c). */
NK_MUST_USE enum nk_status case_refuse_absent_role(const struct case_state *st,
						   enum nk_role role, struct nk_error *err);
/* NK_EREFUSED (field "role") for a neutral that has not joined with its own key: its
 * token, which the case's opener holds too, neither reads the parties' last figures nor
 * gives the fair figure (neutral_case.c). */
NK_MUST_USE enum nk_status case_refuse_unjoined_neutral(enum nk_role role,
							struct nk_error *err);

/* Shared by the command files (case.c, package_case.c). */
int64_t case_now_ms(const struct nk_case_env *env);
void case_fill_random(const struct nk_case_env *env, uint8_t *buf, size_t len);
/* Deletes every secret of an ended case, records it, and logs the closing statement. */
NK_MUST_USE enum nk_status case_end(const struct nk_case_env *env, const char *id,
				    struct nk_error *err);
/* A submission may name its round (0: the open one, whichever it is): NK_EINVAL unless
 * round is 0 to NK_ROUNDS_MAX; with st loaded, NK_EREFUSED unless it names the open one,
 * so that a retried submission cannot land in a later round. */
NK_MUST_USE enum nk_status case_check_round(const struct case_state *st, int round,
					    struct nk_error *err);
/* A party's sealed answer to proposal n (the mediator's n-th figure, a round's package):
 * sealed as answer.n.ROLE, then logged as type (case_event_step_encode) with the request
 * number. When the other party had answered already (other_answered), reads both back
 * into accepted[] (by role) and sets *both. */
NK_MUST_USE enum nk_status case_seal_answer(const struct nk_case_env *env,
					    const struct case_state *st, enum nk_role role,
					    bool accept, enum case_event type, int n,
					    bool other_answered,
					    const struct nk_request_auth *auth, bool *both,
					    bool accepted[static 2], struct nk_error *err);
/* Once both parties answered proposal n (of outcome): logs its result as type result
 * and, by outcome, the settlement (settled, the kind's body) or a closing for reason,
 * and then ends the case (*ended). Takes the reference to settled. */
NK_MUST_USE enum nk_status case_conclude_answers(const struct nk_case_env *env,
						 const struct case_state *st,
						 enum case_event result, int n,
						 enum nk_proposal_outcome outcome,
						 json_t *settled, enum nk_close_reason reason,
						 bool *ended, struct nk_error *err);
NK_MUST_USE enum nk_status case_refuse_non_party(enum nk_role role, struct nk_error *err);
/* NK_EREFUSED naming st's kind unless it is kind. */
NK_MUST_USE enum nk_status case_refuse_kind(const struct case_state *st,
					    const struct case_kind *kind, struct nk_error *err);

/* ---- principals (principal.c) ---- */

/* Version 4 of a figures opening adds {"v": 4, "principals": true} when the rules
 * declare principals; body unchanged otherwise. NULL-safe. */
json_t *case_event_opened_principals(json_t *body, const struct nk_rules *rules);
/* Reads the member into rules (false before version 4 or without it). */
NK_MUST_USE enum nk_status case_event_opened_principals_decode(const json_t *body, int version,
							       struct nk_rules *rules,
							       struct nk_error *err);
bool case_allows_principals(const struct case_state *st);
/* NK_EREFUSED when role is a principal and st's rules declare none. */
NK_MUST_USE enum nk_status case_refuse_principal_role(const struct case_state *st,
						      enum nk_role role, struct nk_error *err);
/* NK_EREFUSED when role is a principal: a principal acts for no one. */
NK_MUST_USE enum nk_status case_refuse_principal_act(enum nk_role role, struct nk_error *err);
/* Clears the keys viewer's briefing may not list (the other side's principal's). */
void case_keys_seen(enum nk_role viewer, bool joined[static NK_ROLE_COUNT],
		    struct nk_identity identity[static NK_ROLE_COUNT]);

/* ---- principals who clear (authority.c) ---- */

/* Does role's request become a draft (a party's figure, extension or answer in a case of
 * figures opened with authority)? */
bool case_drafts(const struct case_state *st, enum nk_role role,
		 const struct nk_case_request *req);
/* With st loaded by case_load and req authorised: checks req by doing it and rolling
 * back, then keeps it as role's sealed draft, with no event, in a transaction of its
 * own, which it ends. */
NK_MUST_USE enum nk_status case_draft(const struct nk_case_env *env, struct case_state *st,
				      enum nk_role role, const struct nk_case_request *req,
				      const struct nk_request_auth *auth, struct nk_error *err);
/* NK_ACTION_APPROVE: a principal approves (req->accept) or rejects its party's draft
 * number req->draft; approval does the party's action then. */
NK_MUST_USE case_request_fn case_approve;
/* Puts the draft of viewer's party, if one waits, into b (the party's or its
 * principal's briefing), and numbers the party's next request past its last draft. */
NK_MUST_USE enum nk_status case_brief_draft(const struct nk_case_env *env,
					    const struct case_state *st, enum nk_role viewer,
					    struct nk_brief *b, struct nk_error *err);

/* ---- endorsement (endorse.c) ---- */

/* NK_ACTION_ENDORSE: a joined party endorses its principal's or a neutral's joined key
 * (req->endorse, req->endorse_key), logged as "endorsed". */
NK_MUST_USE case_request_fn case_endorse;
/* Applies an "endorsed" event (a shared applier of fold.c). */
NK_MUST_USE enum nk_status case_apply_endorsed(struct case_state *st, const json_t *body,
					       struct nk_error *err);
/* Is role's current key endorsed as its kind needs: a principal's by its party, a
 * neutral's by both parties? Any other role needs none. */
bool case_endorsed(const struct case_state *st, enum nk_role role);
/* NK_EREFUSED (field "role") unless case_endorsed, saying whose endorsement is missing
 * and what to do. */
NK_MUST_USE enum nk_status case_refuse_unendorsed(const struct case_state *st,
						  enum nk_role role, struct nk_error *err);
/* The endorsements viewer's briefing may show (struct nk_brief's endorsements). */
void case_brief_endorsements(const struct case_state *st, enum nk_role viewer,
			     bool out[static 2][NK_ROLE_COUNT]);

#endif
