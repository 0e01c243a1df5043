/* The blind exchange of limits: a case's rules, the check of each figure, the
 * evaluation of a round, and what each party can know of the other's figure
 * afterwards. Pure and deterministic: no I/O, no clock, randomness only from a seed. */
#ifndef NAKODO_BARGAIN_H
#define NAKODO_BARGAIN_H

#include <nakodo/money.h>
#include <nakodo/status.h>

#include <stdbool.h>
#include <stdint.h>

#define NK_ROUNDS_MAX 50
#define NK_HINTS_MAX 6
#define NK_PROPOSALS_MAX 5
#define NK_SEED_BYTES 32
#define NK_HINT_TEXT_MAX 64
#define NK_BP_ONE 10000		/* basis points in 100% */

/* The roles of a case. The stored names and the first three values are fixed (events,
 * statements and receipts carry them); a new role goes before NK_ROLE_COUNT and gets a
 * row in the role table (core/rules.c), which says what kind it is and whose briefing
 * it reads. Code asks the table (nk_role_is_party, nk_role_reads, …) rather than
 * comparing with NK_MEDIATOR, so that a new role falls into the right place. */
enum nk_role {
	NK_CLAIMANT,	/* receives; its figure is the least it accepts: the demand */
	NK_PAYER,	/* pays; its figure is the most it pays: the offer */
	NK_MEDIATOR,
	NK_CLAIMANT_PRINCIPAL,	/* reads the claimant's briefing (rules.principals) */
	NK_PAYER_PRINCIPAL,	/* reads the payer's briefing, likewise */
	/* Neutral evaluation (doc/toolkit.md): the neutrals a case declares (--neutrals N)
	 * are neutral-1 .. neutral-N; each gives one sealed fair figure after impasse. */
	NK_NEUTRAL_1,
	NK_NEUTRAL_2,
	NK_NEUTRAL_3,
	NK_NEUTRAL_4,
	NK_NEUTRAL_5,
	NK_ROLE_COUNT	/* how many roles there are; not a role */
};

#define NK_PARTY_COUNT 2	/* the claimant and the payer, the values 0 and 1 */

enum nk_role_kind {
	NK_ROLE_PARTY,		/* submits figures and answers; has a confidential figure */
	NK_ROLE_MEDIATOR,	/* runs the case; sees what the rules give the go-between */
	NK_ROLE_PRINCIPAL,	/* reads one party's briefing; acts for no one */
	NK_ROLE_NEUTRAL,	/* gives a figure of its own after impasse (none yet) */
};

struct nk_role_info {
	const char *name;	/* as stored and typed: "claimant", "mediator", … */
	enum nk_role_kind kind;
	enum nk_role reads;	/* whose briefing and inbox it is shown: itself, or its party */
};

enum nk_settle {
	NK_SETTLE_MIDPOINT,	/* deal iff offer >= demand, at the midpoint */
	NK_SETTLE_BAND,		/* also at the midpoint when the gap is within a band */
	NK_SETTLE_RANDOM,	/* uniform on the grid in [demand, offer], from a seed */
};

/* A case's rules, fixed before the first figure. Amounts are minor units. */
struct nk_rules {
	char currency[4];
	int rounds;			/* 1..NK_ROUNDS_MAX */
	bool monotone;			/* offers never fall, demands never rise */
	enum nk_settle settle;
	uint32_t band_bp;		/* band: gap within this share of the demand (0: unused) */
	int64_t band_amount;		/* band: or within this amount (0: unused) */
	int64_t grid;			/* settlement step, >= 1 */
	int hint_count;			/* 0: no hints */
	uint32_t hint_bp[NK_HINTS_MAX];	/* ascending thresholds, shares of the demand */
	int64_t range_low, range_high;	/* every figure lies here; leakage is measured here */
	double leakage_bits;		/* most bits a hint may bring either side to */
	int proposals;			/* mediator's proposals allowed after impasse */
	/* Deadlines (0: none): the time a round may stay incomplete before it lapses, and
	 * the time (ms since the epoch, UTC) past which the case closes. */
	int64_t round_time_ms;		/* 0, or NK_ROUND_TIME_MIN_MS..NK_ROUND_TIME_MAX_MS */
	int64_t deadline_ms;
	/* Principals who clear: each party may have a principal (claimant-principal,
	 * payer-principal), a role with its own token and key that reads its party's
	 * briefing and does nothing else. Declared at opening, so both sides know it. */
	bool principals;
	/* Blind rounds (doc/blind.md): the parties' clients compute each round between
	 * themselves; the go-between relays their messages and never takes a figure. */
	bool blind;
	/* Open proposals (nakodo/open_proposal.h): each party may announce a visible
	 * proposal beside its secret figure. */
	bool open_proposals;
	/* Neutral evaluation: how many neutrals evaluate after impasse (0: none, or
	 * 1..NK_CASE_NEUTRALS_MAX), once the mediator's proposals, if any, have failed. */
	int neutrals;
	/* A bridge (issue 17, doc/toolkit.md): the case declares that a confidential budget,
	 * the go-between's or a funder's, may pay the gap left after the last round. Only
	 * that it exists is a rule every party reads; the budget is sealed apart and never
	 * in the rules (nk_case_open_bridged). */
	bool bridge;
	/* Principals who clear (doc/toolkit.md, case/authority.c): with principals, each
	 * party's figure, extension or answer waits as a sealed draft until its principal
	 * approves it. */
	bool authority;
};

#define NK_CASE_NEUTRALS_MAX 5	/* the neutral roles neutral-1 .. neutral-5 */

#define NK_ROUND_TIME_MIN_MS 60000LL			/* a minute */
#define NK_ROUND_TIME_MAX_MS (90LL * 86400000)		/* 90 days */
#define NK_DEADLINE_AHEAD_MAX_MS (366LL * 86400000)	/* how far ahead a deadline may lie */
#define NK_DEADLINE_MIN_MS 946684800000LL		/* 2000-01-01T00:00:00Z */
#define NK_DEADLINE_MAX_MS 253402300799000LL		/* 9999-12-31T23:59:59Z */

/* The defaults of DESIGN.md: 3 rounds, monotone, midpoint, grid 1, no hints, the
 * whole amount range, 8 bits, one proposal. */
void nk_rules_default(struct nk_rules *rules, const struct nk_currency *cur);

/* Checks every field and their consistency; names the offending one. */
NK_MUST_USE enum nk_status nk_rules_check(const struct nk_rules *rules, struct nk_error *err);

/* Checks only what a round's arithmetic needs (bounds, a known rule, an ordered range),
 * not the policy nk_rules_check adds for a new case (a band only with the band rule, hints
 * only over a declared range). A round runs under this one, so that a case stored under
 * an older policy still replays when the policy tightens. */
NK_MUST_USE enum nk_status nk_rules_check_sound(const struct nk_rules *rules,
						struct nk_error *err);

/* Text forms used by the command line: --settle midpoint|band:P%|band:AMOUNT|
 * band:P%,AMOUNT|random, --hints none|P1,P2,… (percent), --range LOW:HIGH. */
NK_MUST_USE enum nk_status nk_rules_parse_settle(struct nk_rules *rules, const char *text,
						 struct nk_error *err);
NK_MUST_USE enum nk_status nk_rules_parse_hints(struct nk_rules *rules, const char *text,
						struct nk_error *err);
NK_MUST_USE enum nk_status nk_rules_parse_range(struct nk_rules *rules, const char *text,
						struct nk_error *err);
/* Percent text with up to two decimals ("12.5") into basis points. */
NK_MUST_USE enum nk_status nk_percent_parse(const char *text, const char *field,
					    uint32_t *bp, struct nk_error *err);

/* Is figure acceptable from role in a round, given its figure of the round before
 * (previous NULL in round 1)? Range and monotone concessions. */
NK_MUST_USE enum nk_status nk_bargain_check_figure(const struct nk_rules *rules,
						   enum nk_role role, int64_t figure,
						   const int64_t *previous, struct nk_error *err);
/* A deal-closer authorisation: 0 < amount <= the width of the range. */
NK_MUST_USE enum nk_status nk_bargain_check_extension(const struct nk_rules *rules,
						      int64_t amount, struct nk_error *err);
/* A mediator's proposal: the rules still allow one after `made` proposals, and it lies
 * in the range. */
NK_MUST_USE enum nk_status nk_bargain_check_proposal(const struct nk_rules *rules, int made,
						     int64_t figure, struct nk_error *err);

/* What follows the answers to proposal number `number`: the case settles at it only if
 * both sides accepted; otherwise it stays at impasse for another proposal, or closes
 * when that was the last the rules allow. */
enum nk_proposal_outcome {
	NK_PROPOSAL_SETTLES,
	NK_PROPOSAL_AGAIN,
	NK_PROPOSAL_CLOSES,
};
enum nk_proposal_outcome nk_bargain_proposal_outcome(const struct nk_rules *rules, int number,
						     bool claimant_accepts, bool payer_accepts);

/* What both parties put into one round. */
struct nk_round_figures {
	int64_t demand, offer;
	int64_t claimant_extension, payer_extension;	/* deal-closer, 0 if none */
};

enum nk_deal_kind {
	NK_NO_DEAL = 0,
	NK_DEAL_CLOSER,		/* the authorised extensions closed the gap */
	NK_DEAL_BAND,		/* the gap lay within the settlement band */
	NK_DEAL_OVERLAP,	/* offer >= demand */
	NK_DEAL_PROPOSAL,	/* both accepted the mediator's proposal */
	NK_DEAL_NEUTRAL,	/* the neutrals' evaluation after impasse decided */
	NK_DEAL_BRIDGE,		/* the bridge paid the gap (each side its own figure) */
};

struct nk_interval {
	int64_t low, high;	/* inclusive */
};

/* What one party knows, after a round, about the other's figure of that round. */
struct nk_view {
	struct nk_interval other;	/* where the other's figure can still lie */
	double bits;			/* log2(range width / interval width) */
	int hint;			/* the band told, or -1 */
	bool withheld;			/* a hint was due but would have passed the budget */
	struct nk_interval exposed;	/* the sharpest view the other side can hold
					 * of this party's figure, as far as this
					 * party can tell */
	double exposed_bits;
	struct nk_interval exposed_bound; /* the tightest bound the other side can
					   * carry to the next round */
};

struct nk_round_result {
	enum nk_deal_kind deal;
	int64_t figure;			/* the settlement when deal != NK_NO_DEAL */
	int band;			/* the gap's band when no deal and hints are on, or -1 */
	struct nk_view claimant, payer;
};

/* Evaluates round number round (1-based) of a case. figures holds the figures of rounds
 * 1..round; results the results of rounds 1..round-1, and receives this round's in
 * results[round - 1] (nothing else is written, nothing on failure). Knowledge carries
 * over from earlier rounds: under monotone rules one bound, and whenever a side's figure
 * is one it had in an earlier round, everything learnt of it then. seed is the case's
 * committed seed (used only by the random rule, and revealed by its settlement). */
NK_MUST_USE enum nk_status nk_bargain_round(const struct nk_rules *rules, int round,
					    const struct nk_round_figures *figures,
					    struct nk_round_result *results,
					    const uint8_t seed[NK_SEED_BYTES],
					    struct nk_error *err);

/* The midpoint of [low, high] (0 <= low <= high) on the rules' grid, as a round that
 * settles at the midpoint places it: the grid multiple inside nearest to the midpoint,
 * the lower on a tie, or the midpoint rounded down when no multiple lies inside. */
int64_t nk_bargain_midpoint(const struct nk_rules *rules, int64_t low, int64_t high);

/* The hint decision nk_bargain_round makes for role in round (a no-deal round), worked out
 * from what that side knows alone, for a blind round (doc/blind.md): own[k - 1] its figure
 * of round k (1..round), told[k - 1] the band it was told in round k < round (-1: none),
 * and a hypothesis on the other side's figure: the same in rounds since..round and another
 * in round since - 1 (since = 0: unlike every earlier one). Under monotone rules a figure
 * kept is kept in a run, so the hypothesis is exactly what the plain round depends on. */
bool nk_bargain_hint_allowed(const struct nk_rules *rules, int round, enum nk_role role,
			     const int64_t *own, const int *told, int since);

/* The size of what a view leaves, in bits: log2(width of the range / width of the
 * interval); an empty interval counts as one point. */
double nk_bargain_bits(const struct nk_rules *rules, struct nk_interval interval);

/* The random rule's draws (doc/bargain.md, "The random draw"), for whoever computes a
 * round with the seed (the plain round, and a blind round's two clients): a uniform draw
 * in [0, n), 1 <= n <= 2^63, from the BLAKE2b stream of seed for round at *counter, which
 * it advances; false once the stream has reached its cap. */
bool nk_bargain_draw(const uint8_t seed[static NK_SEED_BYTES], int round, uint32_t *counter,
		     uint64_t n, uint64_t *out);

/* The commitment to a seed, published when the case opens: SHA-256(seed). */
void nk_bargain_commit_seed(const uint8_t seed[NK_SEED_BYTES], uint8_t commitment[32]);

/* One side's check of a random settlement (doc/bargain.md, "Checking the draw"): replays
 * round's draws from seed with that side's own figure (the claimant's demand, the payer's
 * offer) and says whether the first draw between it and figure is figure. NK_OK if it
 * is; NK_EREFUSED, naming "figure", if it is not or if own does not lie on its side of
 * figure; NK_EINVAL for a role that is not a party or rules that do not draw. */
NK_MUST_USE enum nk_status nk_bargain_check_draw(const struct nk_rules *rules, int round,
						 enum nk_role role, int64_t own, int64_t figure,
						 const uint8_t seed[NK_SEED_BYTES],
						 struct nk_error *err);

/* Writes a person's name for a hint band: "close (gap within 10% of the demand)". */
void nk_bargain_hint_text(const struct nk_rules *rules, int band,
			  char out[static NK_HINT_TEXT_MAX]);

/* The role table. nk_role_info is NULL for a value that is no role. */
const struct nk_role_info *nk_role_info(enum nk_role role);
bool nk_role_valid(enum nk_role role);
bool nk_role_is_party(enum nk_role role);	/* the claimant or the payer */
enum nk_role_kind nk_role_kind(enum nk_role role);	/* of a valid role */
enum nk_role nk_role_reads(enum nk_role role);		/* of a valid role */
const char *nk_role_name(enum nk_role role);	/* "unknown" for a value that is no role */
/* Neutral k (1..NK_CASE_NEUTRALS_MAX) as a role, and a neutral role's k (0: not one). */
enum nk_role nk_role_neutral(int k);
int nk_role_neutral_index(enum nk_role role);
NK_MUST_USE enum nk_status nk_role_parse(const char *text, enum nk_role *role);
const char *nk_deal_kind_name(enum nk_deal_kind kind);
const char *nk_settle_name(enum nk_settle settle);

#endif
