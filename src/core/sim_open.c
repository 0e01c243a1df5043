/* Open proposals in the simulation (rule set "open"; doc/toolkit.md): a scripted
 * negotiator announces its scheduled figure as its visible proposal, and takes the
 * go-between's suggestion as its secret figure when its own limit admits it, as a party
 * takes a mediator's proposal it can live with. Every announcement and figure passes the
 * rules in nakodo/open_proposal.h. */
#include <nakodo/open_proposal.h>
#include <nakodo/simulate.h>

static int64_t *figure_of(struct nk_round_figures *f, enum nk_role side)
{
	return side == NK_CLAIMANT ? &f->demand : &f->offer;
}

enum nk_status nk_sim_open_round(const struct nk_rules *r, const struct nk_sim_case *c,
				 int round, struct nk_sim_open *st, struct nk_round_figures *fig,
				 struct nk_error *err)
{
	struct nk_round_figures *f = &fig[round - 1];
	enum nk_status rc;

	for (int side = 0; side < 2; side++) {
		const enum nk_role role = (enum nk_role)side;
		const int64_t want = *figure_of(f, role);
		const bool moves = !st->has[side] || (role == NK_CLAIMANT ? want < st->visible[side]
									 : want > st->visible[side]);

		if (!moves)
			continue;
		if ((rc = nk_open_check_proposal(r, role, want, st->has[side] ? &st->visible[side]
								: NULL, NULL, err)) != NK_OK)
			return rc;
		st->has[side] = true;
		st->visible[side] = want;
	}
	if (st->has[NK_CLAIMANT] && st->has[NK_PAYER]) {
		const int64_t s = nk_open_suggestion(r, st->visible[NK_CLAIMANT],
						     st->visible[NK_PAYER]);

		if (c->claimant.limit <= s && s < f->demand)
			f->demand = s;
		if (c->payer.limit >= s && s > f->offer)
			f->offer = s;
	}
	/* never less generous than the side's last figure (the rules are monotone) */
	if (round > 1 && fig[round - 2].demand < f->demand)
		f->demand = fig[round - 2].demand;
	if (round > 1 && fig[round - 2].offer > f->offer)
		f->offer = fig[round - 2].offer;
	for (int side = 0; side < 2; side++)
		if ((rc = nk_open_check_figure(r, (enum nk_role)side, *figure_of(f, (enum nk_role)side),
					       &st->visible[side], err)) != NK_OK)
			return rc;
	return NK_OK;
}
