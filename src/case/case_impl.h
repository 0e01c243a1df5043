/* Internal to case/: the state folded from a case's log, and the helpers the command
 * and briefing files share. */
#ifndef NAKODO_CASE_IMPL_H
#define NAKODO_CASE_IMPL_H

#include <nakodo/case.h>

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
void case_secret_name(char out[static NK_SECRET_NAME_MAX], const char *what, int n,
		      enum nk_role role);
NK_MUST_USE enum nk_status case_get_amount(const struct nk_case_env *env, const char *id,
					   const char *name, int64_t *out, struct nk_error *err);

/* Replays rounds 1..count from the sealed figures into results[]. */
NK_MUST_USE enum nk_status case_replay(const struct nk_case_env *env, const struct case_state *st,
				       int count, struct nk_round_result *results,
				       struct nk_error *err);

#endif
