/* What a role is told of a case and what it asks of one: the briefings (figure and
 * package cases), the package frame, a request and its signature, a page of the inbox.
 * These are the shapes the case functions (<nakodo/case.h>) fill and the JSON codecs
 * (<nakodo/case_json.h>, <nakodo/wire.h>) carry; they live here, below both, so that the
 * codecs need nothing of the case machinery. */
#ifndef NAKODO_BRIEF_H
#define NAKODO_BRIEF_H

#include <nakodo/bargain.h>
#include <nakodo/keys.h>
#include <nakodo/package.h>
#include <nakodo/seal.h>
#include <nakodo/store.h>
#include <nakodo/title.h>

#define NK_CASE_ID_LEN 20	/* hex characters of a case id */

enum nk_case_state {
	NK_STATE_OPEN,		/* rounds under way */
	NK_STATE_SETTLED,	/* a binding figure was found */
	NK_STATE_IMPASSE,	/* every round failed; a mediator's proposal may follow */
	NK_STATE_CLOSED,	/* ended without settlement */
};

/* Why a closed case closed, as its closing event says (NK_CLOSE_OTHER: words this
 * version does not know, from a later one). */
enum nk_close_reason {
	NK_CLOSE_NONE = 0,	/* not closed */
	NK_CLOSE_MEDIATOR,	/* the mediator closed it */
	NK_CLOSE_DEADLINE,	/* its deadline passed */
	NK_CLOSE_LAPSES,	/* the open round lapsed three times */
	NK_CLOSE_NO_PROPOSAL,	/* impasse, and the rules allow no mediator's proposal */
	NK_CLOSE_DECLINED,	/* the mediator's proposals were not accepted */
	NK_CLOSE_NO_PACKAGE,	/* no package both accepted after the last round */
	NK_CLOSE_PACKAGE_DECLINED,	/* the last round's package was not accepted by both */
	NK_CLOSE_OTHER,
};

/* "mediator", "deadline", "lapses", "no_proposal", "declined", "no_package",
 * "package_declined", "other";
 * NULL for NK_CLOSE_NONE. */
const char *nk_close_reason_name(enum nk_close_reason reason);
/* The reason as a clause ("the mediator closed it"); NULL for none or other. */
const char *nk_close_reason_phrase(enum nk_close_reason reason);
/* The reason a name gives: NK_CLOSE_NONE for NULL, NK_CLOSE_OTHER for a name this
 * version does not know (a later one's). */
enum nk_close_reason nk_close_reason_parse(const char *name);

/* "open", "settled", "impasse", "closed", or "unknown". */
const char *nk_case_state_name(enum nk_case_state state);
/* The state as a sentence says it after "is": "at impasse" for impasse, else its name. */
const char *nk_case_state_phrase(enum nk_case_state state);

/* One round as a role may see it. */
struct nk_brief_round {
	bool own_submitted;
	int64_t own_figure;		/* claimant/payer only, while the case is live */
	int64_t own_extension;		/* 0 if none */
	bool evaluated;
	enum nk_deal_kind deal;
	int64_t figure;			/* when deal */
	int hint;			/* the band told to this role, or -1 */
	bool withheld;
	bool has_view;			/* view is filled (parties, while the case is live) */
	struct nk_view view;
};

/* Everything a role may know of a case. */
struct nk_brief {
	char case_id[NK_CASE_ID_MAX];
	char title[NK_TITLE_MAX + 1];	/* the case's title, or "" (every role sees it) */
	enum nk_role role;
	struct nk_rules rules;
	uint8_t seed_commitment[32];
	enum nk_case_state state;
	int round;			/* the round open for figures, or the last one */
	int rounds_evaluated;
	struct nk_brief_round rounds[NK_ROUNDS_MAX];
	bool figures_deleted;		/* the case ended and its secrets are gone */
	int proposals;			/* mediator's proposals made */
	/* Each of them, 1..proposals at [0..proposals): its figure, and whether both
	 * accepted it (-1 awaiting answers; -2 not told, in a briefing read from an older
	 * server's JSON), which every role may know. */
	int64_t proposal_figures[NK_PROPOSALS_MAX];
	int proposal_results[NK_PROPOSALS_MAX];
	/* The mediator's only: who has answered the proposal awaiting answers (the log
	 * it reads says so), never how. */
	bool proposal_answered[2];	/* by NK_CLAIMANT, NK_PAYER */
	bool proposal_pending;
	int64_t proposal;		/* the latest proposal */
	int own_answer;			/* -1 none, 0 declined, 1 accepted (latest proposal) */
	int proposal_accepted;		/* -1 pending/none, 0 not accepted, 1 accepted */
	bool settled;
	int64_t settlement;
	enum nk_deal_kind settled_by;
	bool seed_revealed;
	uint8_t seed[NK_SEED_BYTES];
	int64_t events;			/* the log's length; 0 in a party's briefing */
	bool joined[NK_ROLE_COUNT];		/* indexed by enum nk_role */
	struct nk_identity identity[NK_ROLE_COUNT];	/* the keys each role registered */
	/* Who is shown this briefing: role itself, or a principal reading role's (its
	 * last_request and token fields are then the principal's own). */
	enum nk_role viewer;
	/* This role's own traffic: what it needs to number its next request and message. */
	uint64_t last_request;			/* its last signed request's number, or 0 */
	uint64_t sent[NK_ROLE_COUNT];		/* messages it has sent to each role */
	uint64_t received[NK_ROLE_COUNT];	/* messages each role has sent it */
	uint64_t deposits;			/* its last deposit's number, or 0 */
	bool deposit_held;			/* its deposit is in and not withdrawn */
	bool released;				/* both deposits were released to both */
	bool package;		/* a package case: nk_package_case_brief has its rounds */
	/* The mediator's changes to this role's access token (doc/api.md, "Access"). */
	uint32_t token_reissues, token_revokes;
	int64_t token_changed_ms;		/* the latest change's time, or 0 */
	/* Deadlines (the rules' round_time_ms and deadline_ms): when the open round lapses
	 * (0: no round clock runs), the latest round that lapsed (0: none) and, in a
	 * party's briefing, whether this party had not submitted in it (never whether the
	 * other side had), and whether the case closed at its deadline. */
	int64_t round_due_ms;
	int lapsed_round;
	bool lapse_missed;
	bool deadline_passed;
	enum nk_close_reason closed_reason;	/* a closed case's, as its log says */
	/* Open proposals (rules.open_proposals), public to every role: each side's standing
	 * visible proposal and the round it was announced in, the go-between's suggestion
	 * between the two when both stand, and what each proposal tells every role of its
	 * poster's secret figure (nk_open_bound) in bits. */
	bool has_open[2];			/* by NK_CLAIMANT, NK_PAYER */
	int64_t open[2];
	int open_round[2];
	bool has_suggestion;
	int64_t suggestion;
	double open_bits[2];
	/* Neutral evaluation (rules.neutrals; doc/toolkit.md): whether the neutrals' turn
	 * has begun (every role but a neutral before it); for the mediator, how many gave
	 * their fair figure (its log says so); for a neutral while it lasts, the parties'
	 * last figures (shown to the neutrals and only to them) and its own fair figure;
	 * with a neutrals' settlement, the rule that decided (enum nk_neutral_rule; -1
	 * none). No role is ever told another neutral's figure nor their median. */
	bool evaluating;
	int fair_count;
	bool neutral_shown;
	int64_t neutral_demand, neutral_offer;
	bool own_fair_given;
	int64_t own_fair;
	int neutral_rule;
	/* Principals who clear (rules.authority): the party's draft awaiting its principal,
	 * shown to the party and its principal only. draft_action is NK_ACTION_SUBMIT,
	 * NK_ACTION_EXTEND or NK_ACTION_ANSWER; draft_amount a figure or extension,
	 * draft_accept an answer; draft_number the number approve names. */
	bool draft;
	int draft_action;		/* enum nk_case_action, declared below */
	int draft_round;
	int64_t draft_amount;
	bool draft_accept;
	uint64_t draft_number;
	/* Endorsement (doc/security.md, "Endorsement"): [p][r] is true when party p
	 * (NK_CLAIMANT, NK_PAYER) endorsed role r's joined key. A party is shown its own
	 * endorsements and both parties' of the neutrals; a neutral, both parties' of its
	 * own key; a principal, its party's; the mediator, all (its log holds them). */
	bool endorsements[2][NK_ROLE_COUNT];
};

/* ---- a request and its signature (nk_case_act, <nakodo/case.h>) ---- */

struct nk_request_auth {
	uint64_t number;				/* 1 .. INT64_MAX */
	uint8_t signature[NK_SIGNATURE_BYTES];
};

enum nk_case_action {
	NK_ACTION_SUBMIT,	/* a figure for the open (or the named) round */
	NK_ACTION_EXTEND,	/* a deal-closer extension */
	NK_ACTION_ANSWER,	/* accept or decline the mediator's proposal */
	NK_ACTION_PROPOSE,	/* the mediator's proposal */
	NK_ACTION_CLOSE,	/* the mediator ends the case */
	NK_ACTION_SEND,		/* a sealed message (kind text) */
	NK_ACTION_DEPOSIT,	/* a sealed deposit (kind deposit) */
	NK_ACTION_WITHDRAW,	/* take a deposit back before its release */
	NK_ACTION_PACKAGE,	/* a confidential package valuation (package cases) */
	NK_ACTION_BLIND_OUTCOME,	/* a party's signed outcome of a blind round (envelope:
					 * its canonical text, doc/blind.md) */
	NK_ACTION_ANNOUNCE,	/* a party's visible proposal (rule open_proposals) */
	NK_ACTION_APPROVE,	/* a principal approves (accept) or rejects its party's draft */
	NK_ACTION_ENDORSE,	/* a party endorses a principal's or a neutral's joined key */
};

struct nk_package_valuation;	/* <nakodo/package.h> */

/* One action and what it says. Only the members its action uses are read. */
struct nk_case_request {
	enum nk_case_action action;
	int round;			/* submit, extend, package, announce: the named round,
					 * or 0: the open one */
	int64_t amount;			/* submit, extend, propose, announce */
	bool accept;			/* answer */
	const uint8_t *envelope;	/* send, deposit: the envelope, as sealed */
	size_t envelope_len;
	const struct nk_package_valuation *valuation;	/* package: borrowed */
	uint64_t draft;			/* approve: the number of the draft it clears */
	/* endorse: the role whose key is endorsed, and that key (its signing key, which
	 * names the joined identity: no two roles of a case share one) */
	enum nk_role endorse;
	uint8_t endorse_key[NK_PUBLIC_KEY_BYTES];
};

/* ---- a page of a role's inbox (nk_case_inbox) ---- */

/* One envelope addressed to a role, as the log records it. */
struct nk_inbox_item {
	int64_t index;			/* 1, 2, …: its place among the role's own items */
	int64_t time_ms;		/* when it was sent; a deposit: when it was released */
	enum nk_message_kind kind;	/* NK_MESSAGE_TEXT or NK_MESSAGE_DEPOSIT */
	enum nk_role from, to;
	uint64_t n;			/* its number in its direction */
	uint8_t sha256[NK_HASH_BYTES];	/* as the log records it */
	uint8_t *envelope;		/* malloc'd */
	size_t len;
};

struct nk_inbox {
	struct nk_inbox_item *items;
	size_t count;
	bool more;			/* the page was full: ask again after the last index */
	bool deposit_held;		/* the role's own deposit is in */
	bool released;			/* both deposits were released */
};

/* ---- package cases (<nakodo/package_case.h>) ---- */

/* struct nk_package_frame, the public frame of a package case, is in <nakodo/package.h>. */

/* One package round as a role may see it. */
struct nk_package_brief_round {
	bool own_submitted;
	bool evaluated;
	bool found;			/* a package was proposed */
	int own_answer;			/* -1 none, 0 declined, 1 accepted */
	int accepted;			/* -1 pending or no package, 0 not by both, 1 by both */
};

/* Everything a role may know of a package case. The own_* fields are filled for the
 * claimant and the payer only, while the case is live (before its secrets are purged). */
struct nk_package_brief {
	char case_id[NK_CASE_ID_MAX];
	char title[NK_TITLE_MAX + 1];	/* the case's title, or "" */
	enum nk_role role;
	struct nk_package_frame frame;
	enum nk_case_state state;
	int round;			/* the round open for valuations, or the last one */
	struct nk_package_brief_round rounds[NK_ROUNDS_MAX];
	bool has_package;		/* a package was proposed in some round */
	int package_round;		/* the round of the latest proposed package */
	struct nk_package package;	/* the latest proposed package */
	bool settled;			/* settled with package */
	bool secrets_deleted;
	int64_t events;			/* the log's length; 0 in a party's briefing */
	bool joined[NK_ROLE_COUNT];		/* indexed by enum nk_role */
	struct nk_identity identity[NK_ROLE_COUNT];	/* the keys each role registered */
	uint64_t last_request;			/* this role's last signed request, or 0 */
	/* The mediator's changes to this role's access token (as in struct nk_brief). */
	uint32_t token_reissues, token_revokes;
	int64_t token_changed_ms;
	/* The party's own, while live: its latest valuation and its value of the package. */
	bool has_own;
	int own_round;			/* the round of that valuation */
	char own_party[NK_NAME_MAX + 1];
	double own_discount;
	int64_t own_reservation;
	bool own_components[NK_COMPONENTS];
	bool has_own_value;		/* own valuation of the proposed package's round */
	struct nk_package_worth own_value;
	/* Improvements after a tentative package (frame.improvements, doc/package.md): the
	 * phase opens when both accept a package (the baseline, package above). Public to
	 * every role: the outcome and the proposed improvement, the result; who submitted
	 * to the mediator only (a party: its own, as for a round's valuations).
	 * The party's own, while live: its answer and its improvement valuation's worth of
	 * the baseline and of the improvement (never the other's). */
	bool tentative;			/* the phase is open: the baseline is not final yet */
	bool improvement_phase;		/* the phase opened (open now, or over) */
	bool improvement_submitted[2];	/* by role; a party's holds only its own */
	bool improvement_evaluated;
	bool improvement_found;		/* an improvement was proposed */
	struct nk_package improvement;
	int improvement_accepted;	/* -1 pending, 0 not by both (or declined), 1 by both */
	bool improved;			/* settled on the improvement, not the baseline */
	int improvement_own_answer;	/* -1 none, 0 declined, 1 accepted */
	bool has_own_improvement;	/* the party's improvement valuation is in, and live */
	struct nk_package_worth own_baseline_worth;	/* on its improvement scale */
	bool has_own_improvement_worth;
	struct nk_package_worth own_improvement_worth;
	/* The frame's deadline passed (frame.deadline_ms): public to every role, as the
	 * closing or the settlement on the tentative package that followed it. */
	bool deadline_passed;
	enum nk_close_reason closed_reason;	/* a closed case's, as its log says */
};

#endif
