/* A party's briefing once its case has ended: its figures were deleted then, so the
 * views that were computed from them (where the other side's figure lies, what the
 * other side can know) can no longer be recomputed. What the party learnt is still
 * there, told in terms of its own figure, which it alone now holds: each hint's band
 * as a share of its demand or offer, and what the settlement's rule tells. */
#include "cmd_brief.h"
#include "util.h"

#include <math.h>

/* Percent text of share (a fraction), rounded down or up to 0.01%, so that "more than"
 * and "at most" stay true as printed. */
static void percent(double share, bool up, char out[static 16])
{
	double p = share * 10000.0;

	p = up ? ceil(p - 1e-9) : floor(p + 1e-9);
	snprintf(out, 16, "%.2f%%", p / 100.0);
}

void cli_print_hint_meaning(FILE *f, const struct nk_brief *b, int i)
{
	const struct nk_rules *r = &b->rules;
	int band = b->rounds[i].hint;
	double lo, hi;
	char a[16], z[16];

	if (band < 0 || band > r->hint_count || r->hint_count > NK_HINTS_MAX)
		return;
	/* the band: lo < gap / demand <= hi (no deal: the gap is positive) */
	lo = band > 0 ? r->hint_bp[band - 1] / (double)NK_BP_ONE : 0.0;
	hi = band < r->hint_count ? r->hint_bp[band] / (double)NK_BP_ONE : 1.0;
	if (b->role == NK_CLAIMANT) {
		/* offer = demand (1 - gap / demand) */
		percent(lo, false, a);
		percent(hi, true, z);
		fprintf(f, "    so the payer's offer was %s%s%s%s below your demand\n",
			band > 0 ? "more than " : "", band > 0 ? a : "",
			band > 0 && band < r->hint_count ? " and at most " :
			band == 0 ? "at most " : "", band < r->hint_count ? z : "");
		return;
	}
	/* demand = offer / (1 - gap / demand): above the offer by t / (1 - t) */
	percent(lo / (1.0 - lo), false, a);
	if (hi < 1.0)
		percent(hi / (1.0 - hi), true, z);
	fprintf(f, "    so the claimant's demand was %s%s%s%s above your offer\n",
		band > 0 ? "more than " : "", band > 0 ? a : "",
		band > 0 && band < r->hint_count && hi < 1.0 ? " and at most " :
		band == 0 && hi < 1.0 ? "at most " : "",
		band < r->hint_count && hi < 1.0 ? z : "");
}

void cli_print_ended(FILE *f, const struct nk_brief *b)
{
	const char *other = b->role == NK_CLAIMANT ? "the payer's offer" : "the claimant's demand";
	const char *own = b->role == NK_CLAIMANT ? "demand" : "offer";
	char grid[CLI_AMOUNT_MAX];
	bool hinted = false;

	if (nk_role_kind(b->role) == NK_ROLE_NEUTRAL) {
		fprintf(f, "the case has ended; its confidential figures are deleted: the "
			"parties' last figures you were shown and your fair figure with them\n");
		return;
	}
	if (b->role == NK_MEDIATOR) {
		fprintf(f, "the case has ended; %s\n", b->rules.blind
			? "the go-between never held its figures (a blind case)"
			: "its confidential figures are deleted");
		return;
	}
	if (b->settled && (b->settled_by == NK_DEAL_BAND ||
			   (b->settled_by == NK_DEAL_OVERLAP && b->rules.settle != NK_SETTLE_RANDOM))) {
		cli_format_amount(b->rules.currency, b->rules.grid, grid);
		fprintf(f, "what the settlement told you: it is the midpoint of the two figures, "
			"so %s was twice the settlement less your %s, to within %s\n", other,
			own, grid);
	} else if (b->settled && b->settled_by == NK_DEAL_OVERLAP) {
		fprintf(f, "what the settlement told you: it was drawn between the two figures, "
			"so %s was at %s the settlement\n", other,
			b->role == NK_CLAIMANT ? "least" : "most");
	} else if (b->settled && b->settled_by == NK_DEAL_CLOSER) {
		fprintf(f, "what the settlement told you: the deal-closer extensions bridged "
			"the gap between the two figures\n");
	} else if (b->settled && b->settled_by == NK_DEAL_BRIDGE) {
		fprintf(f, "what the settlement told you: the two figures failed to meet, and "
			"the gap was within the bridge's budget,\nso %s lay within that budget "
			"of yours; the budget is told to nobody\n", other);
	} else if (b->settled && b->settled_by == NK_DEAL_PROPOSAL) {
		fprintf(f, "what the settlement told you: only that both accepted the "
			"mediator's proposal, which is not computed from the figures\n");
	}
	for (int i = 0; i < b->round && i < NK_ROUNDS_MAX; i++)
		hinted = hinted || b->rounds[i].hint >= 0;
	/* A blind case's figures never reached the go-between: there was nothing to delete. */
	if (b->rules.blind)
		fprintf(f, "the case has ended; the go-between never held your %s or the other "
			"side's: in a blind case\neach side's own client computed the rounds "
			"(doc/blind.md)", own);
	else
		fprintf(f, "the case has ended; its confidential figures are deleted: yours were "
			"deleted then, as every party's are,\nso that no copy of a side's limit "
			"outlives the case in the go-between's store or its backups\n"
			"(doc/security.md)");
	if (hinted)
		fprintf(f, "; what each hint told you is above, in terms of your own %s, which "
			"only you hold", own);
	fputc('\n', f);
}
