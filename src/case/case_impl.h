/* Internal to case/: the state folded from a case's log, and the helpers the command
 * and briefing files share. */
#ifndef NAKODO_CASE_IMPL_H
#define NAKODO_CASE_IMPL_H

#include <nakodo/case.h>
#include <nakodo/package_case.h>

#include "base/ids.h"
#include "case/events.h"
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
	bool proposal_pending;
	int64_t proposal;
	bool answered[2];
	int proposal_accepted;		/* -1 none, 0 no, 1 yes */
	int64_t settlement;
	enum nk_deal_kind settled_by;
	bool seed_revealed;
	uint8_t seed[NK_SEED_BYTES];
};

/* What the log of a package case adds: its frame, rounds and proposed package
 * (package_case.c). */
struct package_state {
	struct nk_package_frame frame;
	struct package_round rounds[NK_ROUNDS_MAX];
	int package_round;		/* the round of the latest proposed package, 0 none */
	struct nk_package proposed;	/* that package */
};

struct case_kind;

/* The fold of a case's log: what every kind shares, then its kind's own part. */
struct case_state {
	char id[NK_CASE_ID_MAX];
	const struct case_kind *kind;		/* chosen by the opening */
	enum nk_case_state state;
	int round;			/* 1-based round open (or the last one) */
	bool settled;
	bool purged;
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

#define CASE_ACTIONS (NK_ACTION_PACKAGE + 1)

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

extern const struct case_kind case_kind_figures;	/* figure_case.c */
extern const struct case_kind case_kind_package;	/* package_case.c */
extern const struct case_kind *const case_kinds[];	/* every kind, NULL-ended (case.c) */

/* Each kind's opening and appliers (figure_fold.c, package_fold.c). */
NK_MUST_USE enum nk_status figure_apply_opened(struct case_state *st, const json_t *body,
					       struct nk_error *err);
extern const case_apply_fn figure_appliers[CASE_EV_COUNT];
NK_MUST_USE enum nk_status package_apply_opened(struct case_state *st, const json_t *body,
						struct nk_error *err);
extern const case_apply_fn package_appliers[CASE_EV_COUNT];
/* Each kind's briefing (brief.c, package_brief.c). */
NK_MUST_USE enum nk_status figure_brief(const struct nk_case_env *env,
					const struct case_state *st, enum nk_role role,
					const struct case_briefs *out, struct nk_error *err);
NK_MUST_USE enum nk_status package_brief(const struct nk_case_env *env,
					 const struct case_state *st, enum nk_role role,
					 const struct case_briefs *out, struct nk_error *err);
/* The rules a package frame implies, for the briefing every kind shares (nk_case_brief):
 * its currency's defaults with the frame's rounds and monotony, and no proposals. */
void package_frame_rules(const struct nk_package_frame *frame, struct nk_rules *rules);

/* Runs a kind's action (req->action) on case id: who may do it, then the case loaded
 * once, its kind's action or NK_EREFUSED naming the kind, the request's own checks, the
 * signature, the action, and one commit or rollback (case.c). */
NK_MUST_USE enum nk_status case_kind_act(const struct nk_case_env *env, const char *id,
					 enum nk_role role, const struct nk_case_request *req,
					 const struct nk_request_auth *auth, struct nk_error *err);

/* Folds a whole log into st; NK_ECORRUPT if the log breaks the rules it records. */
NK_MUST_USE enum nk_status case_fold(const char *id, const struct nk_event_list *log,
				     struct case_state *st, struct nk_error *err);

/* Begins a transaction and folds the case; on success the caller must commit or roll
 * back. */
NK_MUST_USE enum nk_status case_load(const struct nk_case_env *env, const char *id,
				     struct case_state *st, struct nk_error *err);

/* The same inside a read snapshot (no write lock); the caller rolls back. */
NK_MUST_USE enum nk_status case_load_snapshot(const struct nk_case_env *env, const char *id,
					      struct case_state *st, struct nk_error *err);

/* How an event's body is written (and read back exactly, nk_json_loads_exact). */
#define CASE_BODY_FLAGS NK_JSON_CANONICAL

/* Appends one event of type by actor; takes the reference to body. */
NK_MUST_USE enum nk_status case_append(const struct nk_case_env *env, const char *id,
				       const char *actor, enum case_event type, json_t *body,
				       struct nk_error *err);

/* Ends a command begun by case_load: rolls back when rc failed, else commits (and, when
 * the case ended, tries to scrub the deleted figures from the files; a scrub that
 * cannot finish stays owed and does not fail the committed action). Returns the
 * outcome of the commit. */
NK_MUST_USE enum nk_status case_finish(const struct nk_case_env *env, enum nk_status rc,
				       bool ended, struct nk_error *err);

/* NK_EREFUSED, naming the state, unless st is in state want. */
NK_MUST_USE enum nk_status case_refuse_state(const struct case_state *st,
					     enum nk_case_state want, struct nk_error *err);

/* Checks auth for req by role against st (request.c): NULL is fine while role has not
 * joined; otherwise the signature must verify with role's registered key and the number
 * be above role's last. NK_EAUTH naming "signature" or "request" if not. */
NK_MUST_USE enum nk_status case_authorise(const struct case_state *st, enum nk_role role,
					  const struct nk_case_request *req,
					  const struct nk_request_auth *auth, struct nk_error *err);

/* message.c: send, deposit and withdraw, for nk_case_act. */
NK_MUST_USE enum nk_status case_send(const struct nk_case_env *env, const char *id,
				     enum nk_role role, const struct nk_case_request *req,
				     const struct nk_request_auth *auth, struct nk_error *err);
NK_MUST_USE enum nk_status case_deposit(const struct nk_case_env *env, const char *id,
					enum nk_role role, const struct nk_case_request *req,
					const struct nk_request_auth *auth, struct nk_error *err);
NK_MUST_USE enum nk_status case_withdraw(const struct nk_case_env *env, const char *id,
					 enum nk_role role, const struct nk_case_request *req,
					 const struct nk_request_auth *auth, struct nk_error *err);

/* case.c: the mediator's closing, for any kind. */
NK_MUST_USE enum nk_status case_close(const struct nk_case_env *env, const char *id,
				      enum nk_role role, const struct nk_case_request *req,
				      const struct nk_request_auth *auth, struct nk_error *err);
/* record.c: the event's link after the case's last one (sets ev->seq, chain,
 * countersig and linked), inside the write transaction. */
NK_MUST_USE enum nk_status case_link_event(const struct nk_case_env *env, const char *id,
					   struct nk_event *ev, struct nk_error *err);
/* Checks every event's link and the countersignature of the last (which binds all
 * before it), or, with every_sig, every countersignature; a broken link is NK_ECORRUPT
 * naming the first bad event. head (may be NULL) gets the last link. */
NK_MUST_USE enum nk_status case_chain_check(const struct nk_case_env *env, const char *id,
					    const struct nk_event_list *log, bool every_sig,
					    uint8_t *head, struct nk_error *err);
/* Inside the transaction that ended the case, after its last event: appends its
 * closing statement, signed, to the server's record. */
NK_MUST_USE enum nk_status case_record_close(const struct nk_case_env *env, const char *id,
					     struct nk_error *err);

/* What the parties may still see of an ended case, sealed under names the purge spares
 * (NK_SECRET_KEPT): a random settlement's seed (figure_case.c, keep_seed) and each
 * side's hint of a failed round, "kept.hint.R.ROLE" (case_kept_hint). */
#define CASE_REVEALED_SEED NK_SECRET_KEPT "seed"

/* The hint one side was told of a failed round and whether it was withheld, as
 * figure_case.c kept it (keep_hint); NK_ENOTFOUND if it kept none. */
NK_MUST_USE enum nk_status case_kept_hint(const struct nk_case_env *env, const char *id,
					  int round, enum nk_role role, int *hint, bool *withheld,
					  struct nk_error *err);

/* Names of a case's secrets. */
void case_secret_name(char out[static NK_SECRET_NAME_MAX], const char *what, int n,
		      enum nk_role role);
/* An amount sealed under name, as 8 little-endian bytes (case_get_amount reads it). */
NK_MUST_USE enum nk_status case_put_amount(const struct nk_case_env *env, const char *id,
					   const char *name, int64_t amount, struct nk_error *err);
NK_MUST_USE enum nk_status case_get_amount(const struct nk_case_env *env, const char *id,
					   const char *name, int64_t *out, struct nk_error *err);

/* Replays rounds 1..count from the sealed figures into results[]. */
NK_MUST_USE enum nk_status case_replay(const struct nk_case_env *env, const struct case_state *st,
				       int count, struct nk_round_result *results,
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
NK_MUST_USE enum nk_status case_refuse_non_party(enum nk_role role, struct nk_error *err);
/* NK_EREFUSED naming st's kind unless it is kind. */
NK_MUST_USE enum nk_status case_refuse_kind(const struct case_state *st,
					    const struct case_kind *kind, struct nk_error *err);

/* Opens role's sealed valuation of round into out (sodium_malloc memory). */
NK_MUST_USE enum nk_status package_get_valuation(const struct nk_case_env *env, const char *id,
						 int round, enum nk_role role,
						 struct nk_package_valuation *out,
						 struct nk_error *err);

#endif
