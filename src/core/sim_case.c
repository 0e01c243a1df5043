/* The simulation's cases and negotiators: the rule sets' case rules, one random case from
 * a seed and its number, and a scripted negotiator's figure in a round. Integer
 * arithmetic throughout (shares in basis points, concessions from a fixed table), so that
 * a seed gives the same cases on every machine. */
#include <nakodo/simulate.h>

#include <string.h>

#define SIM_RANGE_HIGH INT64_C(100000000)	/* $1,000,000 in cents: the declared range */
#define SIM_VALUE_LOW INT64_C(1000000)		/* cases worth $10,000 … */
#define SIM_VALUE_HIGH INT64_C(40000000)	/* … to $400,000 */

static const struct {
	const char *name, *text;
} rulesets[NK_SIM_RULESETS] = {
	[NK_SIM_BASELINE] = { "baseline", "Cybersettle: 3 blind rounds, midpoint when within "
			      "30% or $5,000, nothing else" },
	[NK_SIM_PLAIN] = { "plain", "nakodo's rounds: 3 rounds, midpoint when the figures meet" },
	[NK_SIM_HINTS] = { "hints", "plain, and hints at 10% and 25% within 8 bits" },
	[NK_SIM_CLOSER] = { "closer", "plain, and the deal-closer in the last round" },
	[NK_SIM_PROPOSAL] = { "proposal", "plain, and one mediator's proposal after impasse" },
	[NK_SIM_NEUTRAL] = { "neutral", "plain, and 3 neutrals' evaluation after impasse" },
	[NK_SIM_BRIDGE] = { "bridge", "plain, and a bridge when the last round fails" },
	[NK_SIM_OPEN] = { "open", "plain, and open proposals with the suggestion between them" },
};

const char *nk_sim_ruleset_name(enum nk_sim_ruleset set)
{
	return (unsigned)set < NK_SIM_RULESETS ? rulesets[set].name : "unknown";
}

const char *nk_sim_ruleset_text(enum nk_sim_ruleset set)
{
	return (unsigned)set < NK_SIM_RULESETS ? rulesets[set].text : "unknown";
}

const char *nk_sim_strategy_name(enum nk_sim_strategy strategy)
{
	static const char *const names[NK_SIM_STRATEGIES] = {
		[NK_SIM_TRUTHFUL] = "truthful", [NK_SIM_SHADING] = "shading",
		[NK_SIM_LINEAR] = "linear", [NK_SIM_BOULWARE] = "boulware",
		[NK_SIM_CONCEDER] = "conceder",
	};
	return (unsigned)strategy < NK_SIM_STRATEGIES ? names[strategy] : "unknown";
}

void nk_sim_rules(enum nk_sim_ruleset set, struct nk_rules *r)
{
	nk_rules_default(r, nk_currency_find("USD"));
	r->rounds = NK_SIM_ROUNDS;
	r->range_low = 0;
	r->range_high = SIM_RANGE_HIGH;
	r->proposals = 0;
	switch (set) {
	case NK_SIM_BASELINE:
		r->settle = NK_SETTLE_BAND;
		r->band_bp = 3000;
		r->band_amount = 500000;
		break;
	case NK_SIM_HINTS:
		r->hint_count = 2;
		r->hint_bp[0] = 1000;
		r->hint_bp[1] = 2500;
		break;
	case NK_SIM_PROPOSAL:
		r->proposals = 1;
		break;
	case NK_SIM_OPEN:
		r->open_proposals = true;
		break;
	case NK_SIM_NEUTRAL:	/* a case declares it as --neutrals 3 */
		r->neutrals = NK_SIM_NEUTRALS;
		break;
	default:
		break;
	}
}

/* splitmix64: one stream per case, from the run's seed and the case's number. */
static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t next(uint64_t *state)
{
	return mix(*state += UINT64_C(0x9e3779b97f4a7c15));
}

static int64_t between(uint64_t *state, int64_t lo, int64_t hi)	/* inclusive */
{
	const uint64_t n = (uint64_t)(hi - lo) + 1;
	const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t v;

	while ((v = next(state)) >= limit)
		;
	return lo + (int64_t)(v % n);
}

static int64_t share(int64_t amount, int64_t bp)
{
	return (int64_t)((__int128)amount * bp / NK_BP_ONE);
}

static void draw_party(uint64_t *s, struct nk_sim_party *p, int64_t limit)
{
	p->strategy = (enum nk_sim_strategy)between(s, 0, NK_SIM_STRATEGIES - 1);
	p->limit = limit;
	p->open_bp = (uint32_t)between(s, 2000, 5000);
	p->hold_bp = (uint32_t)between(s, 0, 1500);
	p->shade_bp = (uint32_t)between(s, 500, 2500);
	p->extend_bp = (uint32_t)between(s, 5000, 10000);
}

void nk_sim_case_draw(uint64_t seed, uint64_t index, struct nk_sim_case *c)
{
	uint64_t s = mix(seed ^ mix(index + UINT64_C(0x632be59bd9b4e019)));
	int64_t v, a, b;

	memset(c, 0, sizeof(*c));
	v = c->value = between(&s, SIM_VALUE_LOW, SIM_VALUE_HIGH);
	c->zone = between(&s, 0, 3) != 0;	/* three cases in four have a zone */
	a = between(&s, c->zone ? 0 : 1, share(v, 1000));
	b = between(&s, c->zone ? 0 : 1, share(v, 1000));
	draw_party(&s, &c->claimant, c->zone ? v - a : v + a);
	draw_party(&s, &c->payer, c->zone ? v + b : v - b);
	c->mediator_estimate = v + share(v, between(&s, -1500, 1500));
	for (int i = 0; i < NK_SIM_NEUTRALS; i++)
		c->neutral_estimate[i] = v + share(v, between(&s, -1500, 1500));
	c->budget = 1 + share(v, between(&s, 0, 1000));
	for (size_t i = 0; i < sizeof(c->seed); i += 8) {
		uint64_t w = next(&s);

		for (size_t j = 0; j < 8; j++)
			c->seed[i + j] = (uint8_t)(w >> (8 * j));
	}
}

/* Share of the way from the opening to the last figure, by round: equal steps, late
 * (x^3) and early (x^(1/3)) over x = (round - 1) / (rounds - 1). */
static const int64_t concession_bp[NK_SIM_STRATEGIES][NK_SIM_ROUNDS] = {
	[NK_SIM_LINEAR] = { 0, 5000, 10000 },
	[NK_SIM_BOULWARE] = { 0, 1250, 10000 },
	[NK_SIM_CONCEDER] = { 0, 7937, 10000 },
};

/* limit shaded by bp: up for the claimant's demands, down for the payer's offers. */
static int64_t shaded(int64_t limit, enum nk_role role, uint32_t bp)
{
	return role == NK_CLAIMANT ? limit + share(limit, bp) : limit - share(limit, bp);
}

int64_t nk_sim_figure(const struct nk_sim_party *p, enum nk_role role, int round, bool eager)
{
	int64_t f, open, last;

	switch (p->strategy) {
	case NK_SIM_TRUTHFUL:
		return p->limit;
	case NK_SIM_SHADING:
		f = shaded(p->limit, role, p->shade_bp);
		break;
	default:
		open = shaded(p->limit, role, p->open_bp);
		last = shaded(p->limit, role, p->hold_bp);
		round = round < 1 ? 1 : round > NK_SIM_ROUNDS ? NK_SIM_ROUNDS : round;
		f = open + share(last - open, concession_bp[p->strategy][round - 1]);
		break;
	}
	if (eager)
		f += (p->limit - f) / 2;
	return f < 0 ? 0 : f > SIM_RANGE_HIGH ? SIM_RANGE_HIGH : f;
}
