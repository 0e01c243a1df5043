/* Neutral evaluation and the bridge: the rules that may still settle a case whose figures
 * did not meet, and what each tells the two sides. Error texts name fields, never a
 * figure: every amount here is a party's secret or the bridge's. */
#include <nakodo/toolkit.h>

#include <string.h>

static const char *const neutral_rule_names[] = {
	[NK_NEUTRAL_DEMAND] = "demand", [NK_NEUTRAL_OFFER] = "offer",
	[NK_NEUTRAL_MIDPOINT] = "midpoint",
};

const char *nk_neutral_rule_name(int rule)
{
	return rule >= NK_NEUTRAL_DEMAND && rule <= NK_NEUTRAL_MIDPOINT ? neutral_rule_names[rule]
									 : "unknown";
}

bool nk_neutral_rule_parse(const char *name, int *rule)
{
	for (int r = NK_NEUTRAL_DEMAND; name && r <= NK_NEUTRAL_MIDPOINT; r++)
		if (strcmp(name, neutral_rule_names[r]) == 0) {
			*rule = r;
			return true;
		}
	return false;
}

enum nk_status nk_neutral_check(int64_t demand, int64_t offer, int64_t fair,
				struct nk_error *err)
{
	if (offer >= demand)
		return nk_fail(err, NK_EINVAL, "figures", "the last figures meet: their round "
			       "settles them, no neutral evaluates them");
	if (fair < offer || fair > demand)
		return nk_fail(err, NK_EINVAL, "fair", "a neutral's fair figure must lie within "
			       "the span of the parties' last figures");
	return NK_OK;
}

/* The k-th smallest of v[0..n) (n <= NK_NEUTRALS_MAX), by insertion sort of a copy. */
static int64_t nth_smallest(const int64_t *v, int n, int k)
{
	int64_t s[NK_NEUTRALS_MAX];

	for (int i = 0; i < n; i++) {
		int j = i;

		for (; j > 0 && s[j - 1] > v[i]; j--)
			s[j] = s[j - 1];
		s[j] = v[i];
	}
	return s[k];
}

enum nk_status nk_neutral_settle(int64_t demand, int64_t offer, const int64_t *fair,
				 int count, struct nk_neutral_result *out, struct nk_error *err)
{
	struct nk_neutral_result res;
	__int128 to_demand, to_offer;
	enum nk_status rc;

	if (count < 1 || count > NK_NEUTRALS_MAX)
		return nk_fail(err, NK_EINVAL, "neutrals", "between 1 and %d neutrals",
			       NK_NEUTRALS_MAX);
	for (int i = 0; i < count; i++)
		if ((rc = nk_neutral_check(demand, offer, fair[i], err)) != NK_OK)
			return rc;
	if (count % 2) {
		res.fair = nth_smallest(fair, count, count / 2);
	} else {
		int64_t low = nth_smallest(fair, count, count / 2 - 1);

		res.fair = low + (nth_smallest(fair, count, count / 2) - low) / 2;
	}
	to_demand = (__int128)demand - res.fair;
	to_offer = (__int128)res.fair - offer;
	if (to_demand < to_offer) {
		res.rule = NK_NEUTRAL_DEMAND;
		res.figure = demand;
	} else if (to_offer < to_demand) {
		res.rule = NK_NEUTRAL_OFFER;
		res.figure = offer;
	} else {
		/* equally close: the fair figure is the midpoint, a whole amount */
		res.rule = NK_NEUTRAL_MIDPOINT;
		res.figure = res.fair;
	}
	*out = res;
	return NK_OK;
}

static struct nk_interval meet(struct nk_interval a, struct nk_interval b)
{
	struct nk_interval m = { a.low > b.low ? a.low : b.low,
				 a.high < b.high ? a.high : b.high };

	return m;
}

struct nk_interval nk_neutral_view(enum nk_role viewer, int64_t own,
				   const struct nk_neutral_result *res, struct nk_interval prior)
{
	struct nk_interval exact;
	bool own_won = viewer == NK_CLAIMANT ? res->rule == NK_NEUTRAL_DEMAND
					     : res->rule == NK_NEUTRAL_OFFER;

	if (own_won)
		return prior;
	if (res->rule == NK_NEUTRAL_MIDPOINT)
		exact.low = 2 * res->figure - own;	/* figures <= 2^62: no overflow */
	else
		exact.low = res->figure;
	exact.high = exact.low;
	return meet(prior, exact);
}

enum nk_status nk_bridge_check(const struct nk_rules *rules, int64_t budget,
			       struct nk_error *err)
{
	if (budget <= 0)
		return nk_fail(err, NK_EINVAL, "bridge", "a bridge's budget must be positive");
	if (budget > rules->range_high - rules->range_low)
		return nk_fail(err, NK_EINVAL, "bridge", "a bridge's budget may not exceed the "
			       "width of the case's range");
	return NK_OK;
}

enum nk_status nk_bridge_settle(const struct nk_rules *rules, int64_t demand, int64_t offer,
				int64_t budget, struct nk_bridge_result *out,
				struct nk_error *err)
{
	struct nk_bridge_result res;
	enum nk_status rc;

	if ((rc = nk_bridge_check(rules, budget, err)) != NK_OK)
		return rc;
	if (demand < rules->range_low || demand > rules->range_high ||
	    offer < rules->range_low || offer > rules->range_high)
		return nk_fail(err, NK_EINVAL, "amount", "a figure lies outside the case's range");
	if (offer >= demand)
		return nk_fail(err, NK_EINVAL, "figures", "the figures meet: their round settles "
			       "them, not the bridge");
	memset(&res, 0, sizeof(res));
	if (demand - offer <= budget) {
		res.closes = true;
		res.received = demand;
		res.paid = offer;
		res.bridged = demand - offer;
	}
	*out = res;
	return NK_OK;
}

struct nk_interval nk_bridge_view(const struct nk_rules *rules, enum nk_role viewer,
				  int64_t own, int64_t budget, bool closed,
				  struct nk_interval prior)
{
	struct nk_interval told = { rules->range_low, rules->range_high };

	/* A bridge is asked only of figures that did not meet; budget <= the range's width
	 * and own within the range keep every sum below 2^63. */
	if (viewer == NK_CLAIMANT) {	/* of the offer, below own */
		if (closed) {
			told.low = own - budget;
			told.high = own - 1;
		} else {
			told.high = own - budget - 1;
		}
	} else {			/* of the demand, above own */
		if (closed) {
			told.low = own + 1;
			told.high = own + budget;
		} else {
			told.low = own + budget + 1;
		}
	}
	return meet(meet(prior, told),
		    (struct nk_interval){ rules->range_low, rules->range_high });
}
