/* Internal to case/: the state folded from a case's log, and the helpers the command
 * and briefing files share. */
#ifndef NAKODO_CASE_IMPL_H
#define NAKODO_CASE_IMPL_H

#include <nakodo/case.h>
#include <nakodo/package_case.h>

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
};

/* A package round, as the log records it (the valuations are sealed apart). */
struct package_round {
	bool submitted[2];	/* by NK_CLAIMANT, NK_PAYER */
	bool evaluated;
	bool found;		/* a package was proposed */
	bool answered[2];
	int accepted;		/* -1 pending or no package, 0 not by both, 1 by both */
};

/* The fold of a case's log. */
struct case_state {
	char id[NK_CASE_ID_MAX];
	struct nk_rules rules;
	uint8_t seed_commitment[32];
	enum nk_case_state state;
	int round;			/* 1-based round open for figures (or the last one) */
	struct case_round rounds[NK_ROUNDS_MAX];
	int proposals;
	bool proposal_pending;
	int64_t proposal;
	bool answered[2];
	int proposal_accepted;		/* -1 none, 0 no, 1 yes */
	bool settled;
	int64_t settlement;
	enum nk_deal_kind settled_by;
	bool seed_revealed;
	uint8_t seed[NK_SEED_BYTES];
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
	/* A package case (opened with a frame; its rules are derived from the frame). */
	bool package;
	struct nk_package_frame frame;
	struct package_round prounds[NK_ROUNDS_MAX];
	int package_round;		/* the round of the latest proposed package, 0 none */
	struct nk_package proposed;	/* that package */
};

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
				       const char *actor, const char *type, json_t *body,
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

bool case_valid_id(const char *id);

/* Checks auth for req by role against st (request.c): NULL is fine while role has not
 * joined; otherwise the signature must verify with role's registered key and the number
 * be above role's last. NK_EAUTH naming "signature" or "request" if not. */
NK_MUST_USE enum nk_status case_authorise(const struct case_state *st, enum nk_role role,
					  const struct nk_case_request *req,
					  const struct nk_request_auth *auth, struct nk_error *err);

/* Adds "request": auth's number to an event body when auth is given (NULL-safe). */
json_t *case_with_request(json_t *body, const struct nk_request_auth *auth);

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

/* case.c: the bargaining actions with their signatures, for nk_case_act. */
NK_MUST_USE enum nk_status case_submit(const struct nk_case_env *env, const char *id,
				       enum nk_role role, const struct nk_case_request *req,
				       const struct nk_request_auth *auth, struct nk_error *err);
NK_MUST_USE enum nk_status case_answer(const struct nk_case_env *env, const char *id,
				       enum nk_role role, const struct nk_case_request *req,
				       const struct nk_request_auth *auth, struct nk_error *err);
NK_MUST_USE enum nk_status case_propose(const struct nk_case_env *env, const char *id,
					enum nk_role role, const struct nk_case_request *req,
					const struct nk_request_auth *auth, struct nk_error *err);
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

/* Names of a case's secrets. */
/* The secret a random settlement's seed is kept under for the parties once the case has
 * ended: the purge deletes every other secret (case.c, keep_seed). */
#define CASE_REVEALED_SEED "seed.revealed"

void case_secret_name(char out[static NK_SECRET_NAME_MAX], const char *what, int n,
		      enum nk_role role);
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
NK_MUST_USE enum nk_status case_refuse_non_party(enum nk_role role, struct nk_error *err);
/* Refuses a figure command on a package case, or a package command on a figure case. */
NK_MUST_USE enum nk_status case_refuse_kind(const struct case_state *st, bool package,
					    struct nk_error *err);

/* package_case.c: a package valuation (NK_ACTION_PACKAGE), for nk_case_act. */
NK_MUST_USE enum nk_status package_case_submit(const struct nk_case_env *env, const char *id,
					       enum nk_role role, const struct nk_case_request *req,
					       const struct nk_request_auth *auth,
					       struct nk_error *err);

/* package_case.c: the answer to a round's proposed package (nk_case_answer calls it
 * with the case loaded inside its transaction; it commits or rolls back). */
NK_MUST_USE enum nk_status package_case_answer(const struct nk_case_env *env,
					       struct case_state *st, enum nk_role role,
					       bool accept, const struct nk_request_auth *auth,
					       struct nk_error *err);

/* Opens role's sealed valuation of round into out (sodium_malloc memory). */
NK_MUST_USE enum nk_status package_get_valuation(const struct nk_case_env *env, const char *id,
						 int round, enum nk_role role,
						 struct nk_package_valuation *out,
						 struct nk_error *err);

/* A proposed package as the log and briefings show it (nk_package_json, rates on the
 * basis-point grid). NULL when out of memory. */
json_t *package_public_json(const struct nk_currency *cur, const struct nk_package *p);

/* package_fold.c: the package events' appliers, and the package branches of "opened"
 * and "settled". */
NK_MUST_USE enum nk_status package_apply_opened(struct case_state *st, const json_t *body,
						struct nk_error *err);
NK_MUST_USE enum nk_status package_apply_settled(struct case_state *st, const json_t *body,
						 struct nk_error *err);
NK_MUST_USE enum nk_status package_apply_submitted(struct case_state *st, const json_t *body,
						   struct nk_error *err);
NK_MUST_USE enum nk_status package_apply_round(struct case_state *st, const json_t *body,
					       struct nk_error *err);
NK_MUST_USE enum nk_status package_apply_answer(struct case_state *st, const json_t *body,
						struct nk_error *err);
NK_MUST_USE enum nk_status package_apply_result(struct case_state *st, const json_t *body,
						struct nk_error *err);

#endif
