/* Open proposals beside secret figures: the checks that keep a party's secret figure at
 * least as generous as its visible proposal, the go-between's suggestion between the two
 * proposals, and the bound a proposal gives the other side (doc/toolkit.md). */
#include <nakodo/open_proposal.h>

#include <stdio.h>

/* Is a at least as generous as b for role: a claimant's a lower, a payer's higher. */
static bool as_generous(enum nk_role role, int64_t a, int64_t b)
{
	return role == NK_CLAIMANT ? a <= b : a >= b;
}

static const char *figure_name(enum nk_role role)
{
	return role == NK_CLAIMANT ? "demand" : "offer";
}

enum nk_status nk_open_check_proposal(const struct nk_rules *rules, enum nk_role role,
				      int64_t proposal, const int64_t *standing,
				      const int64_t *secret, struct nk_error *err)
{
	char amount[NK_MONEY_TEXT_MAX];
	const struct nk_currency *cur = nk_currency_find(rules->currency);

	if (!rules->open_proposals)
		return nk_fail(err, NK_EREFUSED, "proposal", "the rules of this case take no "
			       "open proposals (a case opened with --open-proposals does)");
	if (role != NK_CLAIMANT && role != NK_PAYER)
		return nk_fail(err, NK_EINVAL, "role", "only the claimant or the payer announces "
			       "an open proposal");
	if (proposal < rules->range_low || proposal > rules->range_high)
		return nk_fail(err, NK_EINVAL, "proposal", "the proposal lies outside the case's "
			       "range");
	nk_money_format(cur, proposal, 1, amount);
	if (standing && (proposal == *standing || !as_generous(role, proposal, *standing)))
		return nk_fail(err, NK_EREFUSED, "proposal", "an open proposal moves only toward "
			       "the other side: %s %s must be %s than your standing proposal",
			       rules->currency, amount,
			       role == NK_CLAIMANT ? "lower" : "higher");
	if (secret && !as_generous(role, *secret, proposal))
		return nk_fail(err, NK_EREFUSED, "proposal", "your secret %s of this round must be "
			       "at least as generous as your open proposal, and it is not as "
			       "generous as %s %s: announce a proposal %s your %s",
			       figure_name(role), rules->currency, amount,
			       role == NK_CLAIMANT ? "at or above" : "at or below", figure_name(role));
	return NK_OK;
}

enum nk_status nk_open_check_figure(const struct nk_rules *rules, enum nk_role role,
				    int64_t figure, const int64_t *visible, struct nk_error *err)
{
	char amount[NK_MONEY_TEXT_MAX];

	if (!visible || as_generous(role, figure, *visible))
		return NK_OK;
	nk_money_format(nk_currency_find(rules->currency), *visible, 1, amount);
	return nk_fail(err, NK_EREFUSED, "figure", "your %s must be at %s your open proposal "
		       "of %s %s: a secret figure stays at least as generous as its party's "
		       "proposal", figure_name(role), role == NK_CLAIMANT ? "most" : "least",
		       rules->currency, amount);
}

int64_t nk_open_suggestion(const struct nk_rules *rules, int64_t claimant, int64_t payer)
{
	return claimant <= payer ? nk_bargain_midpoint(rules, claimant, payer)
				 : nk_bargain_midpoint(rules, payer, claimant);
}

struct nk_interval nk_open_bound(const struct nk_rules *rules, enum nk_role role,
				 int64_t proposal)
{
	struct nk_interval i = { rules->range_low, rules->range_high };

	if (role == NK_CLAIMANT)
		i.high = proposal;
	else
		i.low = proposal;
	return i;
}

void nk_open_narrow(const struct nk_rules *rules, enum nk_role role, int64_t proposal,
		    struct nk_interval *view, double *bits)
{
	struct nk_interval b = nk_open_bound(rules, role, proposal);

	if (b.low > view->low)
		view->low = b.low;
	if (b.high < view->high)
		view->high = b.high;
	*bits = nk_bargain_bits(rules, *view);
}
