/* Open proposals beside secret figures (issue 17, tool 2; doc/toolkit.md, "Open
 * proposals"): under a case's rule open_proposals, a party may announce a visible
 * proposal the other side sees at once. Its secret figure must stay at least as generous
 * as its own visible proposal (the claimant's demand at most its proposal, the payer's
 * offer at least its), checked whenever either changes; a proposal moves only toward the
 * other side; the suggestion shown to every role lies between the two proposals. Pure and
 * deterministic, like the rest of core/. */
#ifndef NAKODO_OPEN_PROPOSAL_H
#define NAKODO_OPEN_PROPOSAL_H

#include <nakodo/bargain.h>

/* A visible proposal announced by role (the claimant or the payer), given its standing
 * one (NULL: none yet) and its secret figure of the open round (NULL: none submitted):
 * the rules take open proposals, it lies in the range, it moves only toward the other
 * side (a claimant's falls, a payer's rises, strictly), and it is no more generous than
 * the secret figure. A refusal names the field "proposal" and only the announced amount,
 * never the secret figure, whose rule it states in words. */
NK_MUST_USE enum nk_status nk_open_check_proposal(const struct nk_rules *rules,
						  enum nk_role role, int64_t proposal,
						  const int64_t *standing, const int64_t *secret,
						  struct nk_error *err);

/* A secret figure of role beside its standing visible proposal (NULL: none): at least as
 * generous. Refused naming "figure" and only the visible proposal's amount. Range and
 * monotone concessions are nk_bargain_check_figure's. */
NK_MUST_USE enum nk_status nk_open_check_figure(const struct nk_rules *rules, enum nk_role role,
						int64_t figure, const int64_t *visible,
						struct nk_error *err);

/* The go-between's suggestion between the two visible proposals: their midpoint on the
 * case's grid (the grid multiple between them nearest to the midpoint, the lower on a
 * tie; the midpoint rounded down when no multiple lies between them), the figure at which
 * the case would settle if both sides made their visible proposals their secret figures
 * and met halfway. A function of the two public proposals and the public rules only: it
 * tells nobody anything that the proposals did not. */
int64_t nk_open_suggestion(const struct nk_rules *rules, int64_t claimant, int64_t payer);

/* What role's visible proposal tells every other role of its secret figure: the
 * claimant's demand lies in [range_low, proposal], the payer's offer in [proposal,
 * range_high]. nk_bargain_bits measures it. */
struct nk_interval nk_open_bound(const struct nk_rules *rules, enum nk_role role,
				 int64_t proposal);

/* Meets a view of role's figure (what the other side knows of it after a round) with the
 * bound role's visible proposal gave during that round, and measures it again. */
void nk_open_narrow(const struct nk_rules *rules, enum nk_role role, int64_t proposal,
		    struct nk_interval *view, double *bits);

#endif
