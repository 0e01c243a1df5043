/* Plays the simulation's cases under each rule set through the real rules: every figure
 * checked by nk_bargain_check_figure, every round evaluated by nk_bargain_round (hints,
 * deal-closer and the leakage accounting included), the mediator's proposal through
 * nk_bargain_check_proposal and nk_bargain_proposal_outcome, neutral evaluation and the
 * bridge through nakodo/toolkit.h, open proposals through nakodo/open_proposal.h
 * (sim_open.c); then adds up what each rule set achieved. */
#include <nakodo/open_proposal.h>
#include <nakodo/simulate.h>
#include <nakodo/toolkit.h>

#include <string.h>

static double most(double a, double b)
{
	return a > b ? a : b;
}

static int64_t clamp(int64_t x, int64_t lo, int64_t hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

int64_t nk_sim_extension(const struct nk_sim_party *p, enum nk_role role, int64_t figure)
{
	int64_t room = role == NK_CLAIMANT ? figure - p->limit : p->limit - figure;

	return room > 0 ? (int64_t)((__int128)room * p->extend_bp / NK_BP_ONE) : 0;
}

static enum nk_status check_step(const struct nk_rules *r, int round,
				 const struct nk_round_figures *fig, struct nk_error *err)
{
	const struct nk_round_figures *now = &fig[round - 1];
	const struct nk_round_figures *before = round > 1 ? &fig[round - 2] : NULL;
	enum nk_status rc;

	if ((rc = nk_bargain_check_figure(r, NK_CLAIMANT, now->demand,
					  before ? &before->demand : NULL, err)) != NK_OK ||
	    (rc = nk_bargain_check_figure(r, NK_PAYER, now->offer,
					  before ? &before->offer : NULL, err)) != NK_OK)
		return rc;
	if (now->claimant_extension &&
	    (rc = nk_bargain_check_extension(r, now->claimant_extension, err)) != NK_OK)
		return rc;
	if (now->payer_extension &&
	    (rc = nk_bargain_check_extension(r, now->payer_extension, err)) != NK_OK)
		return rc;
	return NK_OK;
}

/* After an impasse: the mediator's proposal or the neutrals, by the rule set. */
static enum nk_status after_impasse(enum nk_sim_ruleset set, const struct nk_rules *r,
				    const struct nk_sim_case *c,
				    const struct nk_round_figures *last,
				    const struct nk_round_result *res, struct nk_sim_outcome *out,
				    struct nk_error *err)
{
	enum nk_status rc = NK_OK;

	if (set == NK_SIM_PROPOSAL) {
		/* The mediator sees no figure: it proposes its own view of the case. */
		int64_t p = clamp(c->mediator_estimate, r->range_low, r->range_high);

		if ((rc = nk_bargain_check_proposal(r, 0, p, err)) != NK_OK)
			return rc;
		if (nk_bargain_proposal_outcome(r, 1, p >= c->claimant.limit,
						p <= c->payer.limit) == NK_PROPOSAL_SETTLES) {
			out->end = NK_SIM_PROPOSAL_END;
			out->rounds = NK_SIM_ROUNDS + 1;
			out->received = out->paid = p;
		}
	} else if (set == NK_SIM_NEUTRAL) {
		int64_t fair[NK_SIM_NEUTRALS];
		struct nk_neutral_result nr;

		for (int i = 0; i < NK_SIM_NEUTRALS; i++)
			fair[i] = clamp(c->neutral_estimate[i], last->offer, last->demand);
		if ((rc = nk_neutral_settle(last->demand, last->offer, fair, NK_SIM_NEUTRALS, &nr,
					    err)) != NK_OK)
			return rc;
		out->end = NK_SIM_NEUTRAL_END;
		out->rounds = NK_SIM_ROUNDS + 1;
		out->received = out->paid = nr.figure;
		out->claimant_bits = most(out->claimant_bits, nk_bargain_bits(r,
			nk_neutral_view(NK_CLAIMANT, last->demand, &nr, res->claimant.other)));
		out->payer_bits = most(out->payer_bits, nk_bargain_bits(r,
			nk_neutral_view(NK_PAYER, last->offer, &nr, res->payer.other)));
	}
	return rc;
}

enum nk_status nk_sim_play(enum nk_sim_ruleset set, const struct nk_sim_case *c,
			   struct nk_sim_outcome *out, struct nk_error *err)
{
	struct nk_rules r;
	struct nk_round_figures fig[NK_SIM_ROUNDS];
	struct nk_round_result res[NK_SIM_ROUNDS];
	struct nk_sim_outcome o;
	struct nk_sim_open open = { { false, false }, { 0, 0 } };
	bool eager_c = false, eager_p = false;
	enum nk_status rc = NK_OK;

	if ((unsigned)set >= NK_SIM_RULESETS)
		return nk_fail(err, NK_EINVAL, "ruleset", "no such rule set");
	nk_sim_rules(set, &r);
	memset(&o, 0, sizeof(o));
	memset(fig, 0, sizeof(fig));
	o.end = NK_SIM_RUPTURE;
	for (int t = 1; t <= NK_SIM_ROUNDS; t++) {
		struct nk_round_figures *f = &fig[t - 1];
		const struct nk_round_result *now = &res[t - 1];

		f->demand = nk_sim_figure(&c->claimant, NK_CLAIMANT, t, eager_c);
		f->offer = nk_sim_figure(&c->payer, NK_PAYER, t, eager_p);
		if (set == NK_SIM_CLOSER && t == NK_SIM_ROUNDS) {
			f->claimant_extension = nk_sim_extension(&c->claimant, NK_CLAIMANT,
								 f->demand);
			f->payer_extension = nk_sim_extension(&c->payer, NK_PAYER, f->offer);
		}
		if (set == NK_SIM_OPEN && (rc = nk_sim_open_round(&r, c, t, &open, fig, err)) != NK_OK)
			return rc;
		if ((rc = check_step(&r, t, fig, err)) != NK_OK ||
		    (rc = nk_bargain_round(&r, t, fig, res, c->seed, err)) != NK_OK)
			return rc;
		if (set == NK_SIM_OPEN) {	/* each side's view, met with the other's bound */
			if (open.has[NK_PAYER])
				nk_open_narrow(&r, NK_PAYER, open.visible[NK_PAYER],
					       &res[t - 1].claimant.other, &res[t - 1].claimant.bits);
			if (open.has[NK_CLAIMANT])
				nk_open_narrow(&r, NK_CLAIMANT, open.visible[NK_CLAIMANT],
					       &res[t - 1].payer.other, &res[t - 1].payer.bits);
		}
		o.rounds = t;
		if (now->deal != NK_NO_DEAL) {
			o.end = NK_SIM_ROUND;
			o.deal = now->deal;
			o.received = o.paid = now->figure;
		}
		/* the bridge is tried once, on the last round's figures (doc/toolkit.md, "When
		 * the bridge is tried"), as a real case tries it */
		if (now->deal == NK_NO_DEAL && set == NK_SIM_BRIDGE && t == NK_SIM_ROUNDS) {
			struct nk_bridge_result b;
			struct nk_round_result told = *now;

			if ((rc = nk_bridge_settle(&r, f->demand, f->offer, c->budget, &b, err)) !=
			    NK_OK)
				return rc;
			told.claimant.bits = nk_bargain_bits(&r, nk_bridge_view(&r, NK_CLAIMANT,
				f->demand, c->budget, b.closes, now->claimant.other));
			told.payer.bits = nk_bargain_bits(&r, nk_bridge_view(&r, NK_PAYER,
				f->offer, c->budget, b.closes, now->payer.other));
			o.claimant_bits = most(o.claimant_bits, told.claimant.bits);
			o.payer_bits = most(o.payer_bits, told.payer.bits);
			if (b.closes) {
				o.end = NK_SIM_BRIDGE_END;
				o.received = b.received;
				o.paid = b.paid;
			}
		}
		o.claimant_bits = most(o.claimant_bits, now->claimant.bits);
		o.payer_bits = most(o.payer_bits, now->payer.bits);
		if (o.end != NK_SIM_RUPTURE)
			break;
		/* told the gap is close, a negotiator gives up half of what it holds back */
		eager_c = eager_c || now->claimant.hint == 0;
		eager_p = eager_p || now->payer.hint == 0;
	}
	if (o.end == NK_SIM_RUPTURE &&
	    (rc = after_impasse(set, &r, c, &fig[NK_SIM_ROUNDS - 1], &res[NK_SIM_ROUNDS - 1], &o,
				err)) != NK_OK)
		return rc;
	*out = o;
	return NK_OK;
}

void nk_sim_count(struct nk_sim_total *t, const struct nk_sim_case *c,
		  const struct nk_sim_outcome *o)
{
	const bool settled = o->end != NK_SIM_RUPTURE;

	if (c->zone) {
		t->zone_cases++;
		t->zone_settled += settled;
	} else {
		t->nozone_cases++;
		t->nozone_settled += settled;
	}
	if (settled) {
		int64_t gain_c = o->received - c->claimant.limit, gain_p = c->payer.limit - o->paid;

		t->rounds_sum += (uint64_t)o->rounds;
		if (gain_c < 0 || gain_p < 0) {
			t->beyond_limit++;
		} else if (gain_c + gain_p > 0) {
			t->shared++;
			t->claimant_share_sum += (double)gain_c / (double)(gain_c + gain_p);
		}
	}
	if (o->end == NK_SIM_BRIDGE_END)
		t->bridged_sum += o->received - o->paid;
	t->by_end[o->end]++;
	t->claimant_bits_sum += o->claimant_bits;
	t->payer_bits_sum += o->payer_bits;
	t->claimant_bits_max = most(t->claimant_bits_max, o->claimant_bits);
	t->payer_bits_max = most(t->payer_bits_max, o->payer_bits);
}

enum nk_status nk_simulate(uint64_t seed, uint64_t cases, nk_sim_progress *progress, void *arg,
			   uint64_t every, struct nk_sim_report *out, struct nk_error *err)
{
	struct nk_sim_report *rep = out;
	enum nk_status rc;

	if (cases < 1 || cases > NK_SIM_CASES_MAX)
		return nk_fail(err, NK_EINVAL, "cases", "between 1 and %d cases",
			       NK_SIM_CASES_MAX);
	memset(rep, 0, sizeof(*rep));
	rep->seed = seed;
	rep->cases = cases;
	for (uint64_t i = 0; i < cases; i++) {
		struct nk_sim_case c;

		nk_sim_case_draw(seed, i, &c);
		for (int s = 0; s < NK_SIM_RULESETS; s++) {
			struct nk_sim_outcome o;

			if ((rc = nk_sim_play((enum nk_sim_ruleset)s, &c, &o, err)) != NK_OK) {
				memset(rep, 0, sizeof(*rep));
				return rc;
			}
			nk_sim_count(&rep->total[s], &c, &o);
		}
		if (progress && ((every && (i + 1) % every == 0) || i + 1 == cases))
			progress(arg, i + 1, cases);
	}
	return NK_OK;
}
