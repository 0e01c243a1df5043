/* The stored events of a case: their types, and the codec their bodies are written and
 * replayed with. The log outlives any one version of nakodo, so its bodies are read by
 * this codec alone, never by the public API's (which may grow fields and tighten its
 * checks): each body is replayed by what was valid when it was written. Commands build
 * a body with its type's encoder (a new reference, NULL when out of memory, which
 * case_append reports); appliers read one with its type's decoder, which checks the
 * body's shape only (NK_ECORRUPT naming "log" and the type) and leaves to the applier
 * whether the event fits the case's state.
 *
 * Files: events.c (the table of types, the members every body may carry, and the bodies
 * of plain members), events_frozen.c (the bodies that hold a public type, rules, a
 * package frame or a package, written in the shape they had at version 1). */
#ifndef NAKODO_CASE_EVENTS_H
#define NAKODO_CASE_EVENTS_H

#include <nakodo/brief.h>
#include <nakodo/package.h>
#include <nakodo/title.h>

#include <jansson.h>

/* Every type of event a case's log may hold. The names (case_event_name) are what the
 * log stores: they never change, whatever the enum's order. */
enum case_event {
	CASE_EV_OPENED,
	CASE_EV_FIGURE,
	CASE_EV_EXTENSION,
	CASE_EV_ROUND,
	CASE_EV_IMPASSE,
	CASE_EV_PROPOSAL,
	CASE_EV_ANSWER,
	CASE_EV_PROPOSAL_RESULT,
	CASE_EV_SETTLED,
	CASE_EV_CLOSED,
	CASE_EV_PURGED,
	CASE_EV_JOINED,
	CASE_EV_MESSAGE,
	CASE_EV_DEPOSITED,
	CASE_EV_RELEASED,
	CASE_EV_WITHDRAWN,
	CASE_EV_TOKEN,
	CASE_EV_PACKAGE_SUBMITTED,
	CASE_EV_PACKAGE_ROUND,
	CASE_EV_PACKAGE_ANSWER,
	CASE_EV_PACKAGE_RESULT,
	CASE_EV_LAPSED,
	/* Improvements after a tentative package (package_improve.c). */
	CASE_EV_IMPROVEMENT_SUBMITTED,
	CASE_EV_IMPROVEMENT_ROUND,
	CASE_EV_IMPROVEMENT_ANSWER,
	CASE_EV_IMPROVEMENT_RESULT,
	CASE_EV_BLIND_OUTCOME,	/* a party's outcome of a blind round (blind_outcome.c) */
	CASE_EV_ANNOUNCED,	/* an open proposal (events_open.c) */
	/* neutral evaluation */
	CASE_EV_EVALUATION,
	CASE_EV_FAIR,
	CASE_EV_ENDORSED,	/* a party endorsed a joined key (endorse.c) */
	CASE_EV_COUNT
};

/* The stored name of type ("opened", "proposal-result", "package_result" ...). */
const char *case_event_name(enum case_event type);

/* The type stored as name; false for a name no version of nakodo wrote. */
bool case_event_find(const char *name, enum case_event *out);

/* A body's version: its "v" member, or 1 when it has none (every body written before
 * versions were counted, and every version-1 body since, so that their bytes never
 * changed). NK_ECORRUPT for a version above what this nakodo writes for type: a log
 * written by a newer nakodo is refused whole rather than half understood. */
NK_MUST_USE enum nk_status case_event_version(enum case_event type, const json_t *body,
					      int *version, struct nk_error *err);

/* NK_ECORRUPT naming "log": "the case's log is inconsistent: what". */
NK_MUST_USE enum nk_status case_corrupt(struct nk_error *err, const char *what);

/* ---- members any body may carry ---- */

/* Adds "request": auth's number, when auth is given (NULL-safe in both). */
json_t *case_with_request(json_t *body, const struct nk_request_auth *auth);

/* The "request" member: *number 0 when the body has none; NK_ECORRUPT when it is not a
 * number from 1. */
NK_MUST_USE enum nk_status case_event_request(const json_t *body, uint64_t *number,
					      struct nk_error *err);

/* ---- openings (events_frozen.c) ---- */

/* "opened", a case of figures, version 1: {"rules": RULES, "seed_commitment": HEX}.
 * The decoder reads the rules as version 1 wrote them: unknown members are ignored and
 * only what the fold and the replay rely on is checked (nk_rules_check_sound, not
 * nk_rules_check, whose policy may since have tightened). */
json_t *case_event_opened_encode(const struct nk_rules *rules,
				 const uint8_t commitment[static 32]);
NK_MUST_USE enum nk_status case_event_opened_decode(const json_t *body, struct nk_rules *rules,
						    uint8_t commitment[static 32],
						    struct nk_error *err);

/* "opened", a package case, version 1: {"kind": "package", "frame": FRAME}, read as
 * leniently as the rules above. */
json_t *case_event_package_opened_encode(const struct nk_package_frame *frame);
/* Version 4 of a package opening (after case_event_opened_titled): the frame's
 * "improvements": true and its "deadline_ms": N, each written only when the frame has
 * it. Takes body; NULL when out of memory. */
json_t *case_event_package_improvements(json_t *body, const struct nk_package_frame *frame);
NK_MUST_USE enum nk_status case_event_package_opened_decode(const json_t *body,
							    struct nk_package_frame *frame,
							    struct nk_error *err);

/* Version 2 of either opening adds {"v": 2, "title": TEXT}: body with the title when
 * there is one (nk_title_check'd by the caller), else body as version 1 wrote it;
 * NULL-safe, NULL when out of memory. */
json_t *case_event_opened_titled(json_t *body, const char *title);
/* The title of an opening of version: "" before version 2; NK_ECORRUPT when a version
 * 2 body's title is missing or not a title. */
NK_MUST_USE enum nk_status case_event_opened_title(const json_t *body, int version,
						   char title[static NK_TITLE_MAX + 1],
						   struct nk_error *err);

/* Version 3 of a figures opening adds the rules' deadlines, each when declared:
 * {"v": 3, "round_time_ms": N, "deadline_ms": N} (the title is optional from version
 * 3). body unchanged when the rules declare neither; NULL-safe. */
json_t *case_event_opened_deadlines(json_t *body, const struct nk_rules *rules);
/* Reads them into rules (0: none; both 0 before version 3); NK_ECORRUPT out of bounds. */
NK_MUST_USE enum nk_status case_event_opened_deadlines_decode(const json_t *body, int version,
							      struct nk_rules *rules,
							      struct nk_error *err);

/* Version 4 of a figures opening adds {"v": 4, "bridge": true} when the rules declare a
 * bridge (never its budget, which is sealed); body unchanged otherwise; NULL-safe. */
json_t *case_event_opened_bridge(json_t *body, const struct nk_rules *rules);
/* Reads it into rules->bridge (false before version 4); NK_ECORRUPT when not true. */
NK_MUST_USE enum nk_status case_event_opened_bridge_decode(const json_t *body, int version,
							   struct nk_rules *rules,
							   struct nk_error *err);

/* The kind an opening names: its "kind" member, or "figures" when it has none (the
 * cases opened before kinds were named). NULL when "kind" is not a string. */
const char *case_event_opened_kind(const json_t *body);

/* ---- a party's step: figure, extension, answer, package_submitted, package_answer ----
 * {KEY: n, "role": ROLE}, where KEY is "number" (the proposal answered) for an answer
 * and "round" for the others; role is the claimant or the payer. */
struct case_event_step {
	int64_t n;
	enum nk_role role;
};
json_t *case_event_step_encode(enum case_event type, int64_t n, enum nk_role role);
NK_MUST_USE enum nk_status case_event_step_decode(enum case_event type, const json_t *body,
						  struct case_event_step *out,
						  struct nk_error *err);

/* ---- a case of figures ---- */

/* "round": {"round", "outcome": a deal kind's name, "figure" with a deal}. Logs written
 * before each side's hint was sealed for it (case_kept_hint) also hold, for a failed
 * round, {"claimant": {"band"?, "withheld"}, "payer": {...}}: read into hint[] (-1: none)
 * and withheld[], with hints_logged set. */
struct case_event_round {
	int64_t round;
	enum nk_deal_kind deal;
	int64_t figure;			/* with a deal */
	bool hints_logged;
	int hint[2];			/* by NK_CLAIMANT, NK_PAYER */
	bool withheld[2];
};
json_t *case_event_round_encode(int round, enum nk_deal_kind deal, int64_t figure);
NK_MUST_USE enum nk_status case_event_round_decode(const json_t *body,
						   struct case_event_round *out,
						   struct nk_error *err);

/* "impasse": {"after_round"}; the fold needs nothing of it. */
json_t *case_event_impasse_encode(int after_round);

/* "proposal": {"number", "figure"}; the fold counts the numbers itself. */
json_t *case_event_proposal_encode(int number, int64_t figure);
NK_MUST_USE enum nk_status case_event_proposal_decode(const json_t *body, int64_t *figure,
						      struct nk_error *err);

/* "proposal-result" {"number", "accepted"} and "package_result" {"round", "accepted"}:
 * whether both accepted proposal or round n (a proposal result's n is not read: 0). */
json_t *case_event_result_encode(enum case_event type, int n, bool accepted);
NK_MUST_USE enum nk_status case_event_result_decode(enum case_event type, const json_t *body,
						    int64_t *n, bool *accepted,
						    struct nk_error *err);

/* "settled", a case of figures: {"figure", "by": a deal kind's name, "round" for a
 * round's deal}. Logs written before a random settlement's seed was kept sealed for the
 * parties (CASE_REVEALED_SEED) also hold {"seed": HEX}: read into seed with
 * seed_logged set. */
struct case_event_settled {
	int64_t figure;			/* 0 for a bridge's */
	enum nk_deal_kind by;		/* NK_DEAL_CLOSER .. NK_DEAL_BRIDGE */
	int neutral_rule;		/* by NK_DEAL_NEUTRAL: enum nk_neutral_rule */
	int64_t gap;			/* a bridge's: what it paid */
	bool seed_logged;
	uint8_t seed[NK_SEED_BYTES];
};
json_t *case_event_settled_encode(int64_t figure, enum nk_deal_kind by, int round);
/* A bridged settlement: {"by": "bridge", "gap": G, "round": R}, never either figure. */
json_t *case_event_bridged_encode(int64_t gap, int round);
NK_MUST_USE enum nk_status case_event_settled_decode(const json_t *body,
						     struct case_event_settled *out,
						     struct nk_error *err);

/* "lapsed": {"what": "round", "round": n}, the open round n not complete in its time
 * (its figures void; it stays open), or {"what": "deadline"}, the case's deadline passed
 * (a closing follows). Never who had submitted: the mediator's log shows that anyway,
 * and the parties' briefings say only what each may know (doc/bargain.md). *round is 0
 * for the deadline. */
json_t *case_event_lapsed_encode(int round);
NK_MUST_USE enum nk_status case_event_lapsed_decode(const json_t *body, int64_t *round,
						    struct nk_error *err);

/* ---- events every kind shares ---- */

/* "closed": {"reason"}; "purged": {"secrets": "deleted"}. The fold needs nothing of
 * either's body. */
json_t *case_event_closed_encode(enum nk_close_reason reason);
/* The reason a closing's body gives; NK_CLOSE_OTHER for words no version wrote. */
enum nk_close_reason case_event_closed_reason(const json_t *body);
json_t *case_event_purged_encode(void);

/* "joined": {"role", "sign", "seal", "signature"} (the keys and the signature in hex). */
struct case_event_joined {
	enum nk_role role;		/* any role */
	struct nk_identity identity;
	uint8_t signature[NK_SIGNATURE_BYTES];
};
json_t *case_event_joined_encode(const struct case_event_joined *ev);
NK_MUST_USE enum nk_status case_event_joined_decode(const json_t *body,
						    struct case_event_joined *out,
						    struct nk_error *err);

/* "message" {"from", "to", "n", "size", "sha256"} and "deposited" {"role", "n", "size",
 * "sha256"}: an envelope kept in the store (a deposit is a party's, to the other). */
struct case_event_envelope {
	enum nk_role from, to;
	int64_t n;			/* from 1 */
	int64_t size;			/* 1 .. NK_ENVELOPE_MAX */
	uint8_t sha256[NK_HASH_BYTES];
};
json_t *case_event_envelope_encode(enum case_event type, const struct case_event_envelope *ev);
NK_MUST_USE enum nk_status case_event_envelope_decode(enum case_event type, const json_t *body,
						      struct case_event_envelope *out,
						      struct nk_error *err);

/* "released": {"claimant": n, "payer": n}, the deposits it hands over, by role. */
json_t *case_event_released_encode(const int64_t n[static 2]);
NK_MUST_USE enum nk_status case_event_released_decode(const json_t *body, int64_t n[static 2],
						      struct nk_error *err);

/* "withdrawn": {"role", "n"}, a party's deposit taken back. */
json_t *case_event_withdrawn_encode(enum nk_role role, int64_t n);
NK_MUST_USE enum nk_status case_event_withdrawn_decode(const json_t *body, enum nk_role *role,
						       int64_t *n, struct nk_error *err);

/* "token": {"role", "change": "reissued" or "revoked"}, the mediator's change. */
json_t *case_event_token_encode(enum nk_role role, bool reissued);
NK_MUST_USE enum nk_status case_event_token_decode(const json_t *body, enum nk_role *role,
						   bool *reissued, struct nk_error *err);

/* ---- a package case (the package itself: events_frozen.c) ---- */

/* "package_round": {"round", "outcome": "package" or "no-deal", "incompatible": true
 * when the valuations could not be searched together, "package" with a package}. The
 * package is read in cur, the frame's currency. */
struct case_event_package_round {
	int64_t round;
	bool found;
	bool incompatible;
	struct nk_package package;	/* when found */
};
json_t *case_event_package_round_encode(const struct nk_currency *cur,
					const struct case_event_package_round *ev);
NK_MUST_USE enum nk_status case_event_package_round_decode(const json_t *body,
							   const struct nk_currency *cur,
							   struct case_event_package_round *out,
							   struct nk_error *err);

/* "settled", a package case: {"by": "package", "round", "package"}. */
json_t *case_event_package_settled_encode(const struct nk_currency *cur, int round,
					  const struct nk_package *package);
NK_MUST_USE enum nk_status case_event_package_settled_decode(const json_t *body,
							     const struct nk_currency *cur,
							     int64_t *round,
							     struct nk_package *package,
							     struct nk_error *err);

/* A package as version 1 of the log writes it (the public API's nk_package_json, rates
 * on the basis-point grid), and reads it back on that grid; NULL when out of memory.
 * The briefings show a proposed package in the same shape. */
json_t *case_event_package_encode(const struct nk_currency *cur, const struct nk_package *p);
NK_MUST_USE enum nk_status case_event_package_decode(const json_t *obj,
						     const struct nk_currency *cur,
						     struct nk_package *out, struct nk_error *err);

/* Version 4 of a figures opening: {"v": 4, MEMBER: true} when a rule declared by a flag
 * is on; body unchanged otherwise (its bytes as they were); NULL-safe. The decoder reads
 * it back (false before version 4 or when absent; NK_ECORRUPT when it is not true). */
json_t *case_event_opened_flag(json_t *body, const char *member, bool on);
NK_MUST_USE enum nk_status case_event_opened_flag_decode(const json_t *body, int version,
							 const char *member, bool *on,
							 struct nk_error *err);

/* ---- open proposals (events_open.c) ---- */

/* Version 4 of a figures opening adds {"v": 4, "open_proposals": true} when the rules
 * take open proposals; body unchanged otherwise (its bytes as they were); NULL-safe. */
json_t *case_event_opened_open_proposals(json_t *body, const struct nk_rules *rules);
/* Reads it into rules (false before version 4 or when absent); NK_ECORRUPT when it is
 * not true. */
NK_MUST_USE enum nk_status case_event_opened_open_proposals_decode(const json_t *body,
								   int version,
								   struct nk_rules *rules,
								   struct nk_error *err);

/* "announced": {"role", "round", "amount"}, a party's visible proposal, public to every
 * role (it is the poster's by choice). */
struct case_event_announced {
	enum nk_role role;		/* the claimant or the payer */
	int64_t round;
	int64_t amount;
};
json_t *case_event_announced_encode(enum nk_role role, int round, int64_t amount);
NK_MUST_USE enum nk_status case_event_announced_decode(const json_t *body,
						       struct case_event_announced *out,
						       struct nk_error *err);

/* ---- neutral evaluation (events_neutral.c) ---- */

/* Version 4 of a figures opening adds {"v": 4, "neutrals": N} when the rules declare
 * neutrals (body unchanged otherwise; NULL-safe), read back into rules->neutrals (0
 * before version 4 or without the member; NK_ECORRUPT out of bounds). */
json_t *case_event_opened_neutrals(json_t *body, const struct nk_rules *rules);
NK_MUST_USE enum nk_status case_event_opened_neutrals_decode(const json_t *body, int version,
							     struct nk_rules *rules,
							     struct nk_error *err);

/* "evaluation": {"neutrals": N}, the neutrals' turn begins (after the impasse, or after
 * the mediator's last proposal was not accepted). */
json_t *case_event_evaluation_encode(int neutrals);

/* "fair": {"role": "neutral-K"}, a neutral gave its fair figure (sealed apart, never
 * in the log). */
json_t *case_event_fair_encode(enum nk_role role);
NK_MUST_USE enum nk_status case_event_fair_decode(const json_t *body, enum nk_role *role,
						  struct nk_error *err);

/* "settled" by the neutrals: {"figure", "by": "neutral", "rule": "demand" | "offer" |
 * "midpoint"} (which last figure was closer to their median; never the median). */
json_t *case_event_neutral_settled_encode(int64_t figure, int rule);
/* The "rule" member of such a settlement; false when it is missing or unknown. */
bool case_event_neutral_rule(const json_t *body, int *rule);

/* ---- endorsement (endorse.c) ---- */

/* "endorsed": {"by": PARTY, "role": ROLE, "key": HEX}, party by endorsed role's joined
 * signing key (a principal's or a neutral's). */
struct case_event_endorsed {
	enum nk_role by;		/* the claimant or the payer */
	enum nk_role role;		/* a principal or a neutral */
	uint8_t key[NK_PUBLIC_KEY_BYTES];
};
json_t *case_event_endorsed_encode(const struct case_event_endorsed *ev);
NK_MUST_USE enum nk_status case_event_endorsed_decode(const json_t *body,
						      struct case_event_endorsed *out,
						      struct nk_error *err);

/* ---- the decoders' readers, for events.c and events_frozen.c ---- */

/* An integer member within [min, max]. */
bool case_event_int_in(const json_t *obj, const char *key, int64_t min, int64_t max,
		       int64_t *out);
/* A member of len bytes in hex. */
bool case_event_hex(const json_t *obj, const char *key, uint8_t *out, size_t len);

#endif
