/* A case's rules: defaults, the consistency check, the command-line text forms, and
 * the figure checks that apply them (range, monotone concessions). */
#include <nakodo/bargain.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nk_rules_default(struct nk_rules *rules, const struct nk_currency *cur)
{
	memset(rules, 0, sizeof(*rules));
	snprintf(rules->currency, sizeof(rules->currency), "%s", cur ? cur->code : "USD");
	rules->rounds = 3;
	rules->monotone = true;
	rules->settle = NK_SETTLE_MIDPOINT;
	rules->grid = 1;
	rules->range_low = 0;
	rules->range_high = NK_AMOUNT_MAX;
	rules->leakage_bits = 8.0;
	rules->proposals = 1;
}

/* With policy, every check a new case's rules must pass; without, only what a round's
 * arithmetic needs (nk_rules_check_sound). One list, so the two never drift apart. */
static enum nk_status check_rules(const struct nk_rules *r, bool policy, struct nk_error *err)
{
	if (!nk_currency_find(r->currency))
		return nk_fail(err, NK_EINVAL, "currency", "unknown currency (use an ISO 4217 code such as USD, EUR, GBP, JPY, KRW)");
	if (r->rounds < 1 || r->rounds > NK_ROUNDS_MAX)
		return nk_fail(err, NK_EINVAL, "rounds", "rounds must be between 1 and %d", NK_ROUNDS_MAX);
	if (r->settle != NK_SETTLE_MIDPOINT && r->settle != NK_SETTLE_BAND &&
	    r->settle != NK_SETTLE_RANDOM)
		return nk_fail(err, NK_EINVAL, "settle", "unknown settlement rule");
	if (policy && r->settle == NK_SETTLE_BAND && r->band_bp == 0 && r->band_amount == 0)
		return nk_fail(err, NK_EINVAL, "settle", "a band needs a percent or an amount");
	if (policy && r->settle != NK_SETTLE_BAND && (r->band_bp || r->band_amount))
		return nk_fail(err, NK_EINVAL, "settle", "a band is given but the rule is not band");
	if (r->band_bp >= NK_BP_ONE)
		return nk_fail(err, NK_EINVAL, "settle", "the band percent must be below 100%%");
	if (r->band_amount < 0 || r->band_amount > NK_AMOUNT_MAX)
		return nk_fail(err, NK_EINVAL, "settle", "the band amount is out of bounds");
	if (r->grid < 1 || r->grid > NK_AMOUNT_MAX)
		return nk_fail(err, NK_EINVAL, "grid", "the grid step must be at least one minor unit");
	if (r->hint_count < 0 || r->hint_count > NK_HINTS_MAX)
		return nk_fail(err, NK_EINVAL, "hints", "at most %d hint thresholds", NK_HINTS_MAX);
	for (int i = 0; i < r->hint_count; i++) {
		if (r->hint_bp[i] == 0 || r->hint_bp[i] >= NK_BP_ONE)
			return nk_fail(err, NK_EINVAL, "hints", "each threshold must lie strictly between 0%% and 100%%");
		if (i > 0 && r->hint_bp[i] <= r->hint_bp[i - 1])
			return nk_fail(err, NK_EINVAL, "hints", "thresholds must be in ascending order");
	}
	if (r->range_low < 0 || r->range_high > NK_AMOUNT_MAX || r->range_low >= r->range_high)
		return nk_fail(err, NK_EINVAL, "range", "the range must satisfy 0 <= LOW < HIGH");
	/* a settlement falls on the grid inside the range: a step wider than the range
	 * leaves at most one place for it, whatever the figures */
	if (policy && r->grid > r->range_high - r->range_low)
		return nk_fail(err, NK_EINVAL, "grid", "the grid step is wider than the range "
			       "(range_high - range_low): at most one settlement would fit on it; "
			       "use a finer grid or a wider range");
	if (policy && r->hint_count > 0 && r->range_low == 0 && r->range_high == NK_AMOUNT_MAX)
		return nk_fail(err, NK_EINVAL, "range", "hints need a declared range, so that their leakage can be measured");
	if (!(r->leakage_bits >= 0.0 && r->leakage_bits <= 64.0))
		return nk_fail(err, NK_EINVAL, "leakage-bits", "the leakage budget must be between 0 and 64 bits");
	if (r->proposals < 0 || r->proposals > NK_PROPOSALS_MAX)
		return nk_fail(err, NK_EINVAL, "proposals", "between 0 and %d mediator's proposals", NK_PROPOSALS_MAX);
	if (r->round_time_ms != 0 && (r->round_time_ms < NK_ROUND_TIME_MIN_MS ||
				      r->round_time_ms > NK_ROUND_TIME_MAX_MS))
		return nk_fail(err, NK_EINVAL, "round-time", "a round's time is from 1 minute to 90 days");
	/* whether it lies ahead is the opening's to check, against its clock */
	if (r->deadline_ms != 0 && (r->deadline_ms < NK_DEADLINE_MIN_MS ||
				    r->deadline_ms > NK_DEADLINE_MAX_MS))
		return nk_fail(err, NK_EINVAL, "deadline",
			       "the deadline is not a time from the year 2000 to 9999");
	if (r->neutrals < 0 || r->neutrals > NK_CASE_NEUTRALS_MAX)
		return nk_fail(err, NK_EINVAL, "neutrals", "between 0 and %d neutrals",
			       NK_CASE_NEUTRALS_MAX);
	if (r->authority && (!r->principals || r->blind))
		return nk_fail(err, NK_EINVAL, "authority", "authority needs principals "
			       "(--principals) and a case that is not blind: a principal clears "
			       "its party's figures");
	return NK_OK;
}

enum nk_status nk_rules_check(const struct nk_rules *r, struct nk_error *err)
{
	return check_rules(r, true, err);
}

enum nk_status nk_rules_check_sound(const struct nk_rules *r, struct nk_error *err)
{
	return check_rules(r, false, err);
}

enum nk_status nk_percent_parse(const char *text, const char *field, uint32_t *bp,
				struct nk_error *err)
{
	uint32_t v = 0;
	int decimals = -1, digits = 0;

	for (const char *p = text; *p; p++) {
		if (*p == '.' && decimals < 0 && digits > 0) {
			decimals = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || digits >= 5 || decimals >= 2)
			return nk_fail(err, NK_EINVAL, field, "expected a percent such as 10 or 12.5 (at most two decimals)");
		v = v * 10 + (uint32_t)(*p - '0');
		digits++;
		if (decimals >= 0)
			decimals++;
	}
	if (digits == 0 || decimals == 0)
		return nk_fail(err, NK_EINVAL, field, "expected a percent such as 10 or 12.5");
	for (int d = decimals < 0 ? 0 : decimals; d < 2; d++)
		v *= 10;
	if (v > NK_BP_ONE)
		return nk_fail(err, NK_EINVAL, field, "a percent above 100 makes no sense here");
	*bp = v;
	return NK_OK;
}

enum nk_status nk_rules_parse_settle(struct nk_rules *rules, const char *text,
				     struct nk_error *err)
{
	const struct nk_currency *cur = nk_currency_find(rules->currency);
	char part[48];
	uint32_t bp = 0;
	int64_t amount = 0;
	const char *p;

	if (strcmp(text, "midpoint") == 0 || strcmp(text, "random") == 0) {
		rules->settle = text[0] == 'm' ? NK_SETTLE_MIDPOINT : NK_SETTLE_RANDOM;
		rules->band_bp = 0;
		rules->band_amount = 0;
		return NK_OK;
	}
	if (strncmp(text, "band:", 5) != 0 || strlen(text) > 5 + 2 * sizeof(part))
		return nk_fail(err, NK_EINVAL, "settle", "expected midpoint, band:P%%, band:AMOUNT, band:P%%,AMOUNT or random");
	p = text + 5;
	while (*p) {
		size_t n = strcspn(p, "+");
		bool pct;

		/* A comma separates the two parts unless it groups digits of an amount. */
		if (strchr(p, '%') && strchr(p, '%') < p + n)
			n = (size_t)(strchr(p, '%') - p) + 1;
		if (n == 0 || n >= sizeof(part))
			return nk_fail(err, NK_EINVAL, "settle", "empty or overlong band part");
		memcpy(part, p, n);
		part[n] = '\0';
		pct = part[n - 1] == '%';
		if (pct) {
			part[n - 1] = '\0';
			if (bp)
				return nk_fail(err, NK_EINVAL, "settle", "the band has two percents");
			if (nk_percent_parse(part, "settle", &bp, err) != NK_OK)
				return NK_EINVAL;
			if (bp == 0 || bp >= NK_BP_ONE)
				return nk_fail(err, NK_EINVAL, "settle", "the band percent must lie strictly between 0%% and 100%%");
		} else {
			if (amount)
				return nk_fail(err, NK_EINVAL, "settle", "the band has two amounts");
			if (nk_money_parse(cur, part, "settle", &amount, err) != NK_OK)
				return err ? err->code : NK_EINVAL;
			if (amount == 0)
				return nk_fail(err, NK_EINVAL, "settle", "a band of 0 is no band");
		}
		p += n;
		if (*p == ',' || *p == '+')
			p++;
		else if (*p)
			return nk_fail(err, NK_EINVAL, "settle", "separate the band's percent and amount with a comma");
	}
	if (!bp && !amount)
		return nk_fail(err, NK_EINVAL, "settle", "band: needs a percent or an amount");
	rules->settle = NK_SETTLE_BAND;
	rules->band_bp = bp;
	rules->band_amount = amount;
	return NK_OK;
}

enum nk_status nk_rules_parse_hints(struct nk_rules *rules, const char *text,
				    struct nk_error *err)
{
	uint32_t bp[NK_HINTS_MAX];
	char part[16];
	int count = 0;
	const char *p = text;

	if (strcmp(text, "none") == 0) {
		rules->hint_count = 0;
		return NK_OK;
	}
	while (*p) {
		size_t n = strcspn(p, ",");

		if (count == NK_HINTS_MAX)
			return nk_fail(err, NK_EINVAL, "hints", "at most %d thresholds", NK_HINTS_MAX);
		if (n == 0 || n >= sizeof(part))
			return nk_fail(err, NK_EINVAL, "hints", "expected none or percents such as 10,25");
		memcpy(part, p, n);
		part[n] = '\0';
		if (part[n - 1] == '%')
			part[n - 1] = '\0';
		if (nk_percent_parse(part, "hints", &bp[count], err) != NK_OK)
			return NK_EINVAL;
		count++;
		p += n;
		if (*p == ',' && *++p == '\0')
			return nk_fail(err, NK_EINVAL, "hints", "a trailing comma");
	}
	if (count == 0)
		return nk_fail(err, NK_EINVAL, "hints", "expected none or percents such as 10,25");
	for (int i = 0; i < count; i++) {
		if (bp[i] == 0 || bp[i] >= NK_BP_ONE)
			return nk_fail(err, NK_EINVAL, "hints", "each threshold must lie strictly between 0%% and 100%%");
		if (i > 0 && bp[i] <= bp[i - 1])
			return nk_fail(err, NK_EINVAL, "hints", "thresholds must be in ascending order");
	}
	memcpy(rules->hint_bp, bp, sizeof(bp[0]) * (size_t)count);
	rules->hint_count = count;
	return NK_OK;
}

enum nk_status nk_rules_parse_range(struct nk_rules *rules, const char *text,
				    struct nk_error *err)
{
	const struct nk_currency *cur = nk_currency_find(rules->currency);
	const char *colon = strchr(text, ':');
	char low_text[48];
	int64_t low, high;
	enum nk_status rc;

	if (!colon || (size_t)(colon - text) >= sizeof(low_text))
		return nk_fail(err, NK_EINVAL, "range", "expected LOW:HIGH, e.g. 0:1,000,000");
	memcpy(low_text, text, (size_t)(colon - text));
	low_text[colon - text] = '\0';
	if ((rc = nk_money_parse(cur, low_text, "range", &low, err)) != NK_OK ||
	    (rc = nk_money_parse(cur, colon + 1, "range", &high, err)) != NK_OK)
		return rc;
	if (low >= high)
		return nk_fail(err, NK_EINVAL, "range", "LOW must be below HIGH");
	rules->range_low = low;
	rules->range_high = high;
	return NK_OK;
}

/* A figure outside the range, refused with the range itself (public, in every briefing),
 * so that the party sees what to type without reading the rules elsewhere. */
static enum nk_status outside_range(const struct nk_rules *rules, const char *what,
				    struct nk_error *err)
{
	const struct nk_currency *cur = nk_currency_find(rules->currency);
	char low[NK_MONEY_TEXT_MAX] = "", high[NK_MONEY_TEXT_MAX] = "";

	if (cur) {
		nk_money_format(cur, rules->range_low, 1, low);
		nk_money_format(cur, rules->range_high, 1, high);
	}
	return nk_fail(err, NK_EINVAL, "amount", "the %s lies outside the case's range, %s %s to "
		       "%s %s", what, rules->currency, low, rules->currency, high);
}

enum nk_status nk_bargain_check_figure(const struct nk_rules *rules, enum nk_role role,
				       int64_t figure, const int64_t *previous,
				       struct nk_error *err)
{
	const char *what = role == NK_CLAIMANT ? "demand" : "offer";

	if (role != NK_CLAIMANT && role != NK_PAYER)
		return nk_fail(err, NK_EREFUSED, "role", "only the claimant and the payer submit figures");
	if (figure < rules->range_low || figure > rules->range_high)
		return outside_range(rules, what, err);
	if (rules->monotone && previous) {
		if (role == NK_CLAIMANT && figure > *previous)
			return nk_fail(err, NK_EREFUSED, "amount", "a demand may not rise from one round to the next (monotone concessions)");
		if (role == NK_PAYER && figure < *previous)
			return nk_fail(err, NK_EREFUSED, "amount", "an offer may not fall from one round to the next (monotone concessions)");
	}
	return NK_OK;
}

enum nk_status nk_bargain_check_extension(const struct nk_rules *rules, int64_t amount,
					  struct nk_error *err)
{
	if (amount <= 0)
		return nk_fail(err, NK_EINVAL, "amount", "an extension must be positive");
	if (amount > rules->range_high - rules->range_low)
		return nk_fail(err, NK_EINVAL, "amount", "an extension may not exceed the width of the case's range");
	return NK_OK;
}

enum nk_status nk_bargain_check_proposal(const struct nk_rules *rules, int made,
					 int64_t figure, struct nk_error *err)
{
	if (made >= rules->proposals)
		return nk_fail(err, NK_EREFUSED, "proposal", "the rules allow %d proposal%s",
			       rules->proposals, rules->proposals == 1 ? "" : "s");
	if (figure < rules->range_low || figure > rules->range_high)
		return outside_range(rules, "proposal", err);
	return NK_OK;
}

enum nk_proposal_outcome nk_bargain_proposal_outcome(const struct nk_rules *rules, int number,
						     bool claimant_accepts, bool payer_accepts)
{
	if (claimant_accepts && payer_accepts)
		return NK_PROPOSAL_SETTLES;
	return number >= rules->proposals ? NK_PROPOSAL_CLOSES : NK_PROPOSAL_AGAIN;
}

static const struct nk_role_info role_table[NK_ROLE_COUNT] = {
	[NK_CLAIMANT] = { "claimant", NK_ROLE_PARTY, NK_CLAIMANT },
	[NK_PAYER] = { "payer", NK_ROLE_PARTY, NK_PAYER },
	[NK_MEDIATOR] = { "mediator", NK_ROLE_MEDIATOR, NK_MEDIATOR },
	[NK_CLAIMANT_PRINCIPAL] = { "claimant-principal", NK_ROLE_PRINCIPAL, NK_CLAIMANT },
	[NK_PAYER_PRINCIPAL] = { "payer-principal", NK_ROLE_PRINCIPAL, NK_PAYER },
	[NK_NEUTRAL_1] = { "neutral-1", NK_ROLE_NEUTRAL, NK_NEUTRAL_1 },
	[NK_NEUTRAL_2] = { "neutral-2", NK_ROLE_NEUTRAL, NK_NEUTRAL_2 },
	[NK_NEUTRAL_3] = { "neutral-3", NK_ROLE_NEUTRAL, NK_NEUTRAL_3 },
	[NK_NEUTRAL_4] = { "neutral-4", NK_ROLE_NEUTRAL, NK_NEUTRAL_4 },
	[NK_NEUTRAL_5] = { "neutral-5", NK_ROLE_NEUTRAL, NK_NEUTRAL_5 },
};

enum nk_role nk_role_neutral(int k)
{
	return (enum nk_role)(NK_NEUTRAL_1 + (k - 1));
}

int nk_role_neutral_index(enum nk_role role)
{
	return role >= NK_NEUTRAL_1 && role <= NK_NEUTRAL_5 ? (int)(role - NK_NEUTRAL_1) + 1 : 0;
}

const struct nk_role_info *nk_role_info(enum nk_role role)
{
	return (unsigned)role < NK_ROLE_COUNT ? &role_table[role] : NULL;
}

bool nk_role_valid(enum nk_role role)
{
	return (unsigned)role < NK_ROLE_COUNT;
}

bool nk_role_is_party(enum nk_role role)
{
	return nk_role_valid(role) && role_table[role].kind == NK_ROLE_PARTY;
}

enum nk_role_kind nk_role_kind(enum nk_role role)
{
	return nk_role_valid(role) ? role_table[role].kind : NK_ROLE_NEUTRAL;
}

enum nk_role nk_role_reads(enum nk_role role)
{
	return nk_role_valid(role) ? role_table[role].reads : role;
}

const char *nk_role_name(enum nk_role role)
{
	return nk_role_valid(role) ? role_table[role].name : "unknown";
}

enum nk_status nk_role_parse(const char *text, enum nk_role *role)
{
	for (unsigned i = 0; i < NK_ROLE_COUNT; i++)
		if (text && strcmp(text, role_table[i].name) == 0) {
			*role = (enum nk_role)i;
			return NK_OK;
		}
	return NK_EINVAL;
}

const char *nk_deal_kind_name(enum nk_deal_kind kind)
{
	static const char *const names[] = {
		[NK_NO_DEAL] = "no-deal", [NK_DEAL_CLOSER] = "deal-closer",
		[NK_DEAL_BAND] = "band", [NK_DEAL_OVERLAP] = "overlap",
		[NK_DEAL_PROPOSAL] = "proposal", [NK_DEAL_NEUTRAL] = "neutral",
		[NK_DEAL_BRIDGE] = "bridge",
	};
	return (unsigned)kind <= NK_DEAL_BRIDGE ? names[kind] : "unknown";
}

const char *nk_settle_name(enum nk_settle settle)
{
	static const char *const names[] = {
		[NK_SETTLE_MIDPOINT] = "midpoint", [NK_SETTLE_BAND] = "band",
		[NK_SETTLE_RANDOM] = "random",
	};
	return (unsigned)settle <= NK_SETTLE_RANDOM ? names[settle] : "unknown";
}
