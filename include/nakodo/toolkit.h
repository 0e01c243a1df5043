/* The mediator's tools after the figures fail to meet (issue 17): neutral evaluation and
 * a bridge. Each is a pure rule over the parties' figures, like a round's evaluation, with
 * what it tells each side in the same accounting (nk_view's intervals and bits). Pure and
 * deterministic: no I/O, no clock, no randomness. doc/toolkit.md says what each side and
 * the go-between learn. */
#ifndef NAKODO_TOOLKIT_H
#define NAKODO_TOOLKIT_H

#include <nakodo/bargain.h>

#define NK_NEUTRALS_MAX 9

/* --- neutral evaluation ----------------------------------------------------------------
 * After an impasse, N neutrals each give a sealed fair figure within the span of the
 * parties' last figures [offer, demand]; their median is the fair figure, and the case
 * settles on the last figure of the party closer to it, at the midpoint on a tie. */

enum nk_neutral_rule {
	NK_NEUTRAL_DEMAND,	/* the demand was closer: the payer pays it */
	NK_NEUTRAL_OFFER,	/* the offer was closer: the claimant receives it */
	NK_NEUTRAL_MIDPOINT,	/* equally close: at the fair figure, the midpoint */
};

/* "demand", "offer", "midpoint" ("unknown" for no rule); parse: false when unknown. */
const char *nk_neutral_rule_name(int rule);
bool nk_neutral_rule_parse(const char *name, int *rule);

struct nk_neutral_result {
	int64_t fair;			/* the median of the neutrals' figures */
	int64_t figure;			/* the settlement */
	enum nk_neutral_rule rule;
};

/* One neutral's fair figure: within [offer, demand], the last figures, which must not
 * meet (offer < demand: figures that meet settle in their round). */
NK_MUST_USE enum nk_status nk_neutral_check(int64_t demand, int64_t offer, int64_t fair,
					    struct nk_error *err);

/* The median of count (1..NK_NEUTRALS_MAX) fair figures, each checked as above, and the
 * settlement it decides. For an even count the median is the lower middle figure plus
 * half the distance to the upper one, rounded down. out untouched on failure. */
NK_MUST_USE enum nk_status nk_neutral_settle(int64_t demand, int64_t offer,
					     const int64_t *fair, int count,
					     struct nk_neutral_result *out, struct nk_error *err);

/* What viewer (whose last figure is own) knows afterwards of the other's last figure,
 * given prior (its view after the last round): the settlement on the other's figure, or
 * the midpoint, tells it exactly; a settlement on its own figure tells nothing more,
 * since the fair figure is not shown. */
struct nk_interval nk_neutral_view(enum nk_role viewer, int64_t own,
				   const struct nk_neutral_result *res, struct nk_interval prior);

/* --- the bridge ------------------------------------------------------------------------
 * A confidential budget (the go-between's or a funder's): when the figures of a round do
 * not meet but their gap is within it, the case settles with the claimant receiving its
 * demand, the payer paying its offer and the bridge paying the gap. */

struct nk_bridge_result {
	bool closes;
	int64_t received;	/* by the claimant: its demand */
	int64_t paid;		/* by the payer: its offer */
	int64_t bridged;	/* by the bridge: the gap */
};

/* A budget: 0 < budget <= the width of the case's range (a wider one closes nothing
 * more). */
NK_MUST_USE enum nk_status nk_bridge_check(const struct nk_rules *rules, int64_t budget,
					   struct nk_error *err);

/* Whether the bridge closes a round whose figures did not meet (offer < demand, both in
 * the range), and the three payments when it does (all zero when it does not). */
NK_MUST_USE enum nk_status nk_bridge_settle(const struct nk_rules *rules, int64_t demand,
					    int64_t offer, int64_t budget,
					    struct nk_bridge_result *out, struct nk_error *err);

/* What viewer (whose figure is own) can know of the other's figure after the bridge's
 * answer, counted as if it knew the budget (an upper bound: a side that does not know it
 * learns less). Closed: the other's figure lies within budget of its own; not closed:
 * beyond it. Met with prior and the range. */
struct nk_interval nk_bridge_view(const struct nk_rules *rules, enum nk_role viewer,
				  int64_t own, int64_t budget, bool closed,
				  struct nk_interval prior);

#endif
