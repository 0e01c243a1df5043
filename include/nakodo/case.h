/* A negotiation case: an append-only log of events whose fold is the case's state.
 * Each command loads the log, checks itself against the state and either appends its
 * events in one durable transaction or is refused and appends nothing. */
#ifndef NAKODO_CASE_H
#define NAKODO_CASE_H

#include <nakodo/bargain.h>
#include <nakodo/brief.h>
#include <nakodo/keys.h>
#include <nakodo/seal.h>
#include <nakodo/store.h>

#include <jansson.h>

struct nk_receipt;
struct nk_record_log;

/* What the case functions need from outside: the store, the clock, randomness and the
 * server's signing key. now_ms and random may be NULL: the system clock and libsodium
 * are then used. signer is required by every function that reads or writes a case: it
 * countersigns each event's link, checks the links on every load and signs the
 * record. record may be NULL: the record's Merkle tree is then rebuilt from the store
 * when a receipt needs it (a server keeps one loaded, nk_record_log_new). */
struct nk_case_env {
	struct nk_store *store;
	int64_t (*now_ms)(void *arg);
	void (*random)(void *arg, uint8_t *buf, size_t len);
	void *arg;
	const struct nk_server_key *signer;	/* borrowed */
	struct nk_record_log *record;		/* borrowed; may be NULL */
	struct nk_case_cache *cache;		/* borrowed; may be NULL (no cache) */
};

/* ---- the cache of folded states ----
 * A server keeps each case's folded state in memory, keyed by the case's last event
 * (number and chain hash), checked against the store inside every transaction that uses
 * it (one indexed read), so it is never stale, even with other writers on the same
 * database. Bounded: the least recently used case is evicted, and every evicted, replaced
 * or ended case's state is wiped. Shared by threads (its own lock). */
#define NK_CASE_CACHE_MAX 1000000
struct nk_case_cache;
NK_MUST_USE enum nk_status nk_case_cache_new(struct nk_case_cache **out, size_t max_cases,
					     struct nk_error *err);
void nk_case_cache_free(struct nk_case_cache *cache);
/* Lookups that found a current state, lookups that did not, and states held. */
void nk_case_cache_counts(struct nk_case_cache *cache, uint64_t *hits, uint64_t *misses,
			  size_t *held);

/* ---- signed requests ----
 * Once a role has joined with a key, every action it takes on the case carries its
 * signature (nk_action_sign) over the case, the role, a request number greater than any
 * it used before on this case, the action's name and the SHA-256 of the action's
 * canonical body (nk_case_request_body); the number is recorded in the action's event
 * as "request". A missing, wrong or replayed signature is NK_EAUTH and appends nothing.
 * A role that has not joined acts without one. The request and its signature are
 * struct nk_case_request and struct nk_request_auth (<nakodo/brief.h>). */

/* "submit", "extend", …, the name nk_action_sign binds. */
const char *nk_case_action_name(enum nk_case_action action);

/* The canonical body of a request, whose SHA-256 the signature binds: the envelope for
 * send and deposit, otherwise compact JSON with sorted keys of the action's members:
 * {"amount":A,"round":R} (submit), {"amount":A} (propose, and extend without a round;
 * with one as submit), {"accept":B}
 * (answer), {} (close, withdraw), {"round":R,"valuation":V} (package: V is the
 * valuation's normal form, nk_valuation_json_write, as an object with the same sorted
 * keys, reals to 15 significant digits). Returns a new buffer (free()) in *out; it may
 * hold a confidential figure, so the caller wipes it. */
NK_MUST_USE enum nk_status nk_case_request_body(const struct nk_case_request *req,
						uint8_t **out, size_t *len,
						struct nk_error *err);

/* Signs req as role on case id with request number number, on the party's machine. */
NK_MUST_USE enum nk_status nk_case_request_sign(const struct nk_party_key *key, const char *id,
						enum nk_role role, uint64_t number,
						const struct nk_case_request *req,
						struct nk_request_auth *out, struct nk_error *err);

/* Does what req says as role, checking auth (NULL: unsigned; refused once role has
 * joined). The same rules as nk_case_submit and the others below, and for messages:
 *  - send: the envelope's clear header (nk_message_peek) must name this case, kind
 *    text, from = role, a recipient that has joined, the sender's and recipient's
 *    registered keys, and the next number of that direction; it is stored, and a
 *    `message` event records from, to, n, size and its SHA-256 — never its text;
 *  - deposit (claimant or payer, both joined, sealed to the other): stored with a
 *    `deposited` event; the second deposit appends `released` in the same step;
 *  - withdraw: before the release, deletes this role's deposit (`withdrawn`);
 *  - package: as nk_package_case_submit (<nakodo/package_case.h>), signed.
 * An envelope that is malformed or does not match is NK_EINVAL (field "envelope");
 * a number out of turn, a case that has ended, a second deposit: NK_EREFUSED. */
NK_MUST_USE enum nk_status nk_case_act(const struct nk_case_env *env, const char *id,
				       enum nk_role role, const struct nk_case_request *req,
				       const struct nk_request_auth *auth, struct nk_error *err);

/* ---- signed reads ----
 * A joined role's requests that carry no signed body (reads, and the mediator's token
 * routes) carry a signature in headers instead: nk_action_sign with the action "read",
 * the request number set to the signer's clock in milliseconds since the epoch, over
 * the body nk_case_read_body gives. Freshness (a window around the server's clock) and
 * replays (a cache of the signatures seen in the window) are the server's to check. */
#define NK_READ_ACTION "read"

/* The canonical body of a signed read: METHOD " " TARGET "\n" hex(SHA-256(body)), where
 * TARGET is the path and its query as the server decodes it ("/v1/cases/ID/messages?
 * after=3") and body is the request's (empty for a read). Returns a new buffer (free()). */
NK_MUST_USE enum nk_status nk_case_read_body(const char *method, const char *target,
					     const uint8_t *body, size_t body_len,
					     char **out, size_t *len, struct nk_error *err);

/* Signs a bodiless request METHOD TARGET as role on case id at time_ms. */
NK_MUST_USE enum nk_status nk_case_read_sign(const struct nk_party_key *key, const char *id,
					     enum nk_role role, int64_t time_ms,
					     const char *method, const char *target,
					     struct nk_request_auth *out, struct nk_error *err);

/* nk_case_read_sign for a request with a body signed in headers (content, NULL: none),
 * as a blind case's relayed messages are. */
NK_MUST_USE enum nk_status nk_case_read_sign_body(const struct nk_party_key *key,
						  const char *id, enum nk_role role,
						  int64_t time_ms, const char *method,
						  const char *target, const uint8_t *content,
						  size_t content_len, struct nk_request_auth *out,
						  struct nk_error *err);

/* Checks a request by role on case id that carries its signature in headers (body: its
 * body, NULL for none): auth may be NULL while role has not joined; once it has, auth
 * must verify with role's registered key (number = the signer's time_ms). NK_EAUTH
 * naming "signature" otherwise (a signature from a role that has not joined is refused
 * too). *checked says whether a signature was verified (the caller then checks its
 * freshness and replay). Reads a snapshot; appends nothing. */
NK_MUST_USE enum nk_status nk_case_read_check(const struct nk_case_env *env, const char *id,
					      enum nk_role role, const char *method,
					      const char *target, const uint8_t *body,
					      size_t body_len, const struct nk_request_auth *auth,
					      bool *checked, struct nk_error *err);

/* ---- access tokens ----
 * The server's tokens live beside the case; their changes are recorded in its log as a
 * `token` event {"role": R, "change": "reissued"|"revoked"} (never the token), which the
 * role sees in its briefing. change runs inside the event's transaction, so the token
 * store and the log change together or not at all. A case that has ended takes no more
 * events: its tokens may be revoked (unlogged) but not reissued (NK_EREFUSED). */
typedef enum nk_status (*nk_token_change_fn)(void *arg, struct nk_store *store,
					     struct nk_error *err);
NK_MUST_USE enum nk_status nk_case_token_change(const struct nk_case_env *env, const char *id,
						enum nk_role role, bool reissue,
						nk_token_change_fn change, void *arg,
						struct nk_error *err);

/* ---- what a role receives (struct nk_inbox, <nakodo/brief.h>) ---- */

#define NK_INBOX_PAGE_BYTES (1u << 20)	/* envelope bytes in one page (at least one item) */

/* The messages sent to role, and once released the other party's deposit, numbered 1,
 * 2, … in the order they became visible to role (a deposit at its release); the items
 * after index after (0: from the start), up to NK_INBOX_PAGE_BYTES. Nothing in the page
 * depends on events role may not see. The caller frees out with nk_inbox_free. */
NK_MUST_USE enum nk_status nk_case_inbox(const struct nk_case_env *env, const char *id,
					 enum nk_role role, int64_t after, struct nk_inbox *out,
					 struct nk_error *err);
void nk_inbox_free(struct nk_inbox *inbox);	/* accepts NULL and an empty inbox */

/* Opens a new case under rules (checked first); writes its id into id. */
NK_MUST_USE enum nk_status nk_case_open(const struct nk_case_env *env,
					const struct nk_rules *rules,
					char id[static NK_CASE_ID_MAX], struct nk_error *err);

/* Runs inside the opening's transaction, with the new case's id, so that what it
 * writes (the server's access tokens) is committed with the case or not at all. */
typedef enum nk_status (*nk_case_open_hook)(void *arg, struct nk_store *store, const char *id,
					    struct nk_error *err);

/* nk_case_open, with before_commit (may be NULL) called before the commit. */
NK_MUST_USE enum nk_status nk_case_open_with(const struct nk_case_env *env,
					     const struct nk_rules *rules,
					     nk_case_open_hook before_commit, void *arg,
					     char id[static NK_CASE_ID_MAX], struct nk_error *err);

/* nk_case_open_with, the case named by title (NULL: none; else nk_title_check'd),
 * which every role's briefing shows. */
NK_MUST_USE enum nk_status nk_case_open_titled(const struct nk_case_env *env,
					       const struct nk_rules *rules, const char *title,
					       nk_case_open_hook before_commit, void *arg,
					       char id[static NK_CASE_ID_MAX],
					       struct nk_error *err);

/* nk_case_open_titled, with a bridge (doc/toolkit.md, "The bridge"): bridge is the
 * confidential budget (0: none), checked by nk_bridge_check and sealed like a figure,
 * never in the log, a briefing or an error's text; the rules then declare a bridge
 * (rules->bridge is set from it: rules declaring one without a budget are refused).
 * The bridge is tried once, on the last round's figures when they fail to meet. */
NK_MUST_USE enum nk_status nk_case_open_bridged(const struct nk_case_env *env,
						const struct nk_rules *rules, const char *title,
						int64_t bridge, nk_case_open_hook before_commit,
						void *arg, char id[static NK_CASE_ID_MAX],
						struct nk_error *err);

/* The operator's list: up to limit (1 to NK_SUMMARY_PAGE_MAX) cases, newest first, after
 * the case named after ("": from the newest), each with its kind, state, currency,
 * round of rounds and when these last changed (struct nk_case_summary), into out (room
 * for limit); *count says how many. Each comes from the summary kept with the case
 * (nk_store_summary_put), read by one index range; a case from before summaries, which
 * has none until its next change, is folded from its log, and *folded counts those.
 * NK_ENOTFOUND (field "after") when after names no case. */
NK_MUST_USE enum nk_status nk_case_overview(const struct nk_case_env *env, const char *after,
					    size_t limit, struct nk_case_summary *out,
					    size_t *count, size_t *folded, struct nk_error *err);

/* The case's event log, as the mediator may see it: no figure and no answer of a party
 * is ever in it. The caller frees out with nk_event_list_free. */
NK_MUST_USE enum nk_status nk_case_log(const struct nk_case_env *env, const char *id,
				       struct nk_event_list *out, struct nk_error *err);

/* When log's last link (log as nk_case_log gave it) is in a batch (doc/crypto.md,
 * "Batches"): the proof a reader checks it by, with the server's public key alone, put
 * in out (the log's JSON) as "batch" (nk_wire_log_add_proof); nothing otherwise. The
 * proof names no other case. */
NK_MUST_USE enum nk_status nk_case_log_prove(const struct nk_case_env *env, const char *id,
					     const struct nk_event_list *log, json_t *out,
					     struct nk_error *err);

/* Folds log (case id's events, as nk_case_log gives them or read back from its JSON)
 * as every load of the case does, and says in out (the log's JSON) whether it holds:
 * "verified" true, or false with "unverified": {"event": N, "reason": TEXT}, the first
 * event the load refuses. NK_OK when it holds, NK_ECORRUPT (err saying why) when not;
 * NK_ENOMEM. The chain's links are nk_case_log's; this adds the rules of the log, among
 * them the signatures of a blind case's outcomes, which the operator cannot forge. */
NK_MUST_USE enum nk_status nk_case_log_verdict(const char *id,
					       const struct nk_event_list *log, json_t *out,
					       struct nk_error *err);

/* The claimant's demand or the payer's offer for the open round. When it completes
 * the round, the round is evaluated in the same transaction. */
NK_MUST_USE enum nk_status nk_case_submit(const struct nk_case_env *env, const char *id,
					  enum nk_role role, int64_t amount,
					  struct nk_error *err);

/* As nk_case_submit, for a named round: refused (field "round") unless that round is the
 * open one, so that a client retrying a submission whose answer it never received cannot
 * land the figure in a later round. round 0 means the open round, whichever it is. */
NK_MUST_USE enum nk_status nk_case_submit_round(const struct nk_case_env *env, const char *id,
						enum nk_role role, int round, int64_t amount,
						struct nk_error *err);

/* A confidential deal-closer authorisation for the open round. */
NK_MUST_USE enum nk_status nk_case_extend(const struct nk_case_env *env, const char *id,
					  enum nk_role role, int64_t amount,
					  struct nk_error *err);

/* A party's visible proposal for the open round (round 0) or the named one, under the
 * rule open_proposals (<nakodo/open_proposal.h>): every role sees it at once; the party's
 * secret figure must stay at least as generous. */
NK_MUST_USE enum nk_status nk_case_announce(const struct nk_case_env *env, const char *id,
					    enum nk_role role, int round, int64_t amount,
					    struct nk_error *err);

/* The mediator's proposal after impasse, and each side's confidential answer. In a
 * package case (nakodo/package_case.h) nk_case_answer answers the round's proposed
 * package, and nk_case_submit, nk_case_extend and nk_case_propose are refused. */
NK_MUST_USE enum nk_status nk_case_propose(const struct nk_case_env *env, const char *id,
					   int64_t amount, struct nk_error *err);
NK_MUST_USE enum nk_status nk_case_answer(const struct nk_case_env *env, const char *id,
					  enum nk_role role, bool accept,
					  struct nk_error *err);

/* A party registers its public identity for role (claimant, payer or mediator): sig is
 * its nk_join_sign over this case, role and identity, checked here and kept in the
 * `joined` event so the log proves it. A signature that does not verify is NK_EINVAL
 * (field "signature": bad input, not a rule of the case); a role that has joined
 * already, a signing key registered for another role, or a case that has ended is
 * NK_EREFUSED. */
NK_MUST_USE enum nk_status nk_case_join(const struct nk_case_env *env, const char *id,
					enum nk_role role, const struct nk_identity *identity,
					const uint8_t sig[static NK_SIGNATURE_BYTES],
					struct nk_error *err);

/* Keeps case id's deadlines (rules round_time_ms, deadline_ms): records what has passed
 * by env's clock (a round's lapse, or the deadline's closing), as every command and
 * briefing on the case also does first, and sets *next_ms to when the next one falls
 * (0: none, or the case has ended). What a server's timer calls. */
NK_MUST_USE enum nk_status nk_case_tick(const struct nk_case_env *env, const char *id,
					int64_t *next_ms, struct nk_error *err);

/* The mediator ends a case that has not settled. */
NK_MUST_USE enum nk_status nk_case_close(const struct nk_case_env *env, const char *id,
					 struct nk_error *err);

/* What role may know of the case; reads a snapshot and does not take the write lock. */
NK_MUST_USE enum nk_status nk_case_brief(const struct nk_case_env *env, const char *id,
					 enum nk_role role, struct nk_brief *out,
					 struct nk_error *err);

/* The receipt of an ended (settled or closed) case, as the server gives it: the
 * closing statement logged when the case ended, the server's signature on it, its
 * inclusion proof and the checkpoint for the record's current size (signed and kept
 * the first time a receipt needs one for that size). Party signatures are left absent:
 * a party adds its own on its machine (nk_receipt_sign_party). A case that has not
 * ended is NK_EREFUSED. The receipt is checked with nk_receipt_verify before it is
 * returned; NK_ECORRUPT if the record does not hold what the case's log says. */
NK_MUST_USE enum nk_status nk_case_receipt(const struct nk_case_env *env, const char *id,
					   struct nk_receipt *out, struct nk_error *err);

/* The record's Merkle tree kept in memory across calls (thread-safe): it only ever
 * reads committed entries and grows as the record does. Free it after every env that
 * uses it. */
NK_MUST_USE enum nk_status nk_record_log_new(struct nk_record_log **out, struct nk_error *err);
void nk_record_log_free(struct nk_record_log *log);	/* accepts NULL */

#endif
