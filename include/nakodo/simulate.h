/* The simulation of issue 17: many random cases between scripted negotiators, each played
 * under several rule sets through the real rules of core/ (nk_bargain_round for every
 * round, hints and the leakage accounting; the deal-closer's extensions; the mediator's
 * proposal; neutral evaluation and the bridge of nakodo/toolkit.h), with what each rule
 * set is worth against rupture. Pure and deterministic: every case comes from the seed
 * and its number, so a run repeats exactly and every rule set plays the same cases.
 * doc/toolkit.md describes the negotiators and the rule sets. */
#ifndef NAKODO_SIMULATE_H
#define NAKODO_SIMULATE_H

#include <nakodo/bargain.h>

#define NK_SIM_CASES_MAX 1000000
#define NK_SIM_ROUNDS 3
#define NK_SIM_NEUTRALS 3

enum nk_sim_ruleset {
	NK_SIM_BASELINE,	/* Cybersettle: 3 blind rounds, midpoint within 30% or $5,000 */
	NK_SIM_PLAIN,		/* nakodo's rounds: midpoint when the figures meet */
	NK_SIM_HINTS,		/* and hints at 10% and 25% within 8 bits */
	NK_SIM_CLOSER,		/* and the deal-closer in the last round */
	NK_SIM_PROPOSAL,	/* and one mediator's proposal after impasse */
	NK_SIM_NEUTRAL,		/* and neutral evaluation after impasse */
	NK_SIM_BRIDGE,		/* and a bridge when the last round fails */
	NK_SIM_OPEN,		/* and open proposals, with the suggestion between them */
	NK_SIM_RULESETS,
};

enum nk_sim_strategy {
	NK_SIM_TRUTHFUL,	/* its limit every round */
	NK_SIM_SHADING,		/* its limit shaded by a fraction, every round */
	NK_SIM_LINEAR,		/* from an opening to its last figure in equal steps */
	NK_SIM_BOULWARE,	/* holds out, concedes late */
	NK_SIM_CONCEDER,	/* concedes early */
	NK_SIM_STRATEGIES,
};

/* How a rule set's case ended. */
enum nk_sim_end {
	NK_SIM_RUPTURE,
	NK_SIM_ROUND,		/* a round settled (overlap, band or deal-closer) */
	NK_SIM_PROPOSAL_END,	/* both accepted the mediator's proposal */
	NK_SIM_NEUTRAL_END,	/* the neutrals' fair figure decided */
	NK_SIM_BRIDGE_END,	/* the bridge paid the gap */
};

/* One scripted negotiator. Shares are basis points of its limit. */
struct nk_sim_party {
	enum nk_sim_strategy strategy;
	int64_t limit;		/* the least the claimant accepts, the most the payer pays */
	uint32_t open_bp;	/* a conceding strategy's first figure: limit shaded by this */
	uint32_t hold_bp;	/* and its last: limit shaded by this */
	uint32_t shade_bp;	/* the shading strategy's constant shading */
	uint32_t extend_bp;	/* the deal-closer: share of the distance to its limit */
};

/* One random case, the same for every rule set. Amounts in US cents. */
struct nk_sim_case {
	int64_t value;			/* what the case is worth, which nobody states */
	bool zone;			/* claimant.limit <= payer.limit */
	struct nk_sim_party claimant, payer;
	int64_t mediator_estimate;	/* the mediator's view of the value */
	int64_t neutral_estimate[NK_SIM_NEUTRALS];
	int64_t budget;			/* the bridge's */
	uint8_t seed[NK_SEED_BYTES];	/* the case's seed for nk_bargain_round */
};

/* What one rule set made of one case. */
struct nk_sim_outcome {
	enum nk_sim_end end;
	enum nk_deal_kind deal;		/* with NK_SIM_ROUND */
	int rounds;			/* rounds played; a step after impasse counts one more */
	int64_t received, paid;		/* by the claimant, by the payer (settled) */
	double claimant_bits;		/* most the claimant knew of an offer, in bits */
	double payer_bits;		/* most the payer knew of a demand */
};

/* Totals of one rule set over a run. Gains are measured from each party's limit. */
struct nk_sim_total {
	uint64_t zone_cases, zone_settled;
	uint64_t nozone_cases, nozone_settled;
	uint64_t rounds_sum;		/* over settled cases */
	uint64_t beyond_limit;		/* settled with a party past its limit */
	uint64_t shared;		/* settlements whose split is counted */
	double claimant_share_sum;	/* claimant's gain / both gains, over `shared` */
	double claimant_bits_sum, payer_bits_sum;	/* over every case */
	double claimant_bits_max, payer_bits_max;
	uint64_t by_end[NK_SIM_BRIDGE_END + 1];
	int64_t bridged_sum;		/* what the bridge paid, cents */
};

struct nk_sim_report {
	uint64_t seed, cases;
	struct nk_sim_total total[NK_SIM_RULESETS];
};

/* A rule set's name ("baseline", "plain", "hints", "closer", "proposal", "neutral",
 * "bridge") and one line saying what it is. */
const char *nk_sim_ruleset_name(enum nk_sim_ruleset set);
const char *nk_sim_ruleset_text(enum nk_sim_ruleset set);
const char *nk_sim_strategy_name(enum nk_sim_strategy strategy);

/* The case rules a rule set plays under (each passes nk_rules_check). */
void nk_sim_rules(enum nk_sim_ruleset set, struct nk_rules *rules);

/* Case number index of the run with this seed. */
void nk_sim_case_draw(uint64_t seed, uint64_t index, struct nk_sim_case *c);

/* A negotiator's figure in round (1..NK_SIM_ROUNDS); eager once a hint told it the gap
 * was close (it then gives up half of what it still holds back). */
int64_t nk_sim_figure(const struct nk_sim_party *p, enum nk_role role, int round, bool eager);

/* The deal-closer a negotiator authorises with this figure: extend_bp of the way to its
 * limit (0: none). */
int64_t nk_sim_extension(const struct nk_sim_party *p, enum nk_role role, int64_t figure);

/* Open proposals (rule set "open", sim_open.c): each side's standing visible proposal. */
struct nk_sim_open {
	bool has[2];			/* by NK_CLAIMANT, NK_PAYER */
	int64_t visible[2];
};

/* Round (1..NK_SIM_ROUNDS) of the open rule set, fig[round - 1] holding each side's
 * scheduled figure: each side announces that figure as its visible proposal when it
 * moves toward the other side (nk_open_check_proposal); then, when both proposals
 * stand, a side whose limit admits the suggestion (nk_open_suggestion) moves its secret
 * figure to it, never less generous than its schedule or its last figure
 * (nk_open_check_figure). */
NK_MUST_USE enum nk_status nk_sim_open_round(const struct nk_rules *r, const struct nk_sim_case *c,
					     int round, struct nk_sim_open *st,
					     struct nk_round_figures *fig, struct nk_error *err);

/* Plays one case under one rule set. NK_EINVAL only if a scripted figure broke the rules,
 * which is a bug in the script (the error names it). */
NK_MUST_USE enum nk_status nk_sim_play(enum nk_sim_ruleset set, const struct nk_sim_case *c,
				       struct nk_sim_outcome *out, struct nk_error *err);

/* Adds an outcome into a rule set's totals. */
void nk_sim_count(struct nk_sim_total *t, const struct nk_sim_case *c,
		  const struct nk_sim_outcome *o);

/* Runs cases (1..NK_SIM_CASES_MAX) from seed under every rule set; progress, if not
 * NULL, is called every `every` cases (and at the end) with the number done. */
typedef void nk_sim_progress(void *arg, uint64_t done, uint64_t cases);
NK_MUST_USE enum nk_status nk_simulate(uint64_t seed, uint64_t cases,
				       nk_sim_progress *progress, void *arg, uint64_t every,
				       struct nk_sim_report *out, struct nk_error *err);

#endif
