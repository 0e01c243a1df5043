/* The neutral evaluation in a briefing, for a person: the rule as every role is told it
 * when the case opens (with its disclosure of both last figures to the neutrals), and
 * then what this role may know: the mediator how many neutrals have given a figure, a
 * neutral the two last figures and its own, a party the rule that decided and, honestly,
 * what the settlement told it of the other's figure (doc/toolkit.md). */
#include "cmd_brief.h"
#include "util.h"

#include <nakodo/case_json.h>
#include <nakodo/toolkit.h>

static void print_rule(FILE *f, const struct nk_brief *b)
{
	fprintf(f, "neutral evaluation: %d neutral%s. If the last round ends without a deal%s,\n"
		"each neutral is shown BOTH parties' last figures (the neutrals and nobody else)\n"
		"and gives a sealed fair figure between them; the case settles on the last figure\n"
		"of the party closer to the neutrals' median (on a tie, at the midpoint). The\n"
		"parties are told the settlement and which rule decided, never a neutral's figure;\n"
		"the side whose figure was farther learns the other's last figure exactly (it is\n"
		"the settlement)\n", b->rules.neutrals,
		CLI_PLURAL(b->rules.neutrals),
		b->rules.proposals ? "\nand no mediator's proposal is accepted" : "");
}

void cli_print_neutral(FILE *f, const struct nk_brief *b)
{
	char d[CLI_AMOUNT_MAX], o[CLI_AMOUNT_MAX], x[CLI_AMOUNT_MAX], bits[CLI_BITS_MAX];
	const char *cur = b->rules.currency;

	if (!b->rules.neutrals)
		return;
	print_rule(f, b);
	if (b->evaluating && !b->settled)
		fprintf(f, "the neutrals' turn has begun%s", b->role == NK_MEDIATOR ? "" : "\n");
	if (b->role == NK_MEDIATOR && b->evaluating && !b->settled)
		fprintf(f, ": %d of %d fair figure%s given\n", b->fair_count, b->rules.neutrals,
			CLI_PLURAL(b->rules.neutrals));
	if (b->neutral_shown) {
		cli_format_amount(cur, b->neutral_demand, d);
		cli_format_amount(cur, b->neutral_offer, o);
		fprintf(f, "the parties' last figures: the claimant's demand %s, the payer's "
			"offer %s; your fair figure lies between them\n", d, o);
		if (b->own_fair_given) {
			cli_format_amount(cur, b->own_fair, x);
			fprintf(f, "your fair figure: %s (sealed; no other role sees it)\n", x);
		}
		if (!b->own_fair_given && b->evaluating && !b->settled)
			fprintf(f, "give it once: nakodo submit %s --as %s AMOUNT --key FILE\n",
				b->case_id, nk_role_name(b->role));
	} else if (nk_role_kind(b->role) == NK_ROLE_NEUTRAL && b->own_fair_given) {
		fprintf(f, "you gave your fair figure\n");
	} else if (nk_role_kind(b->role) == NK_ROLE_NEUTRAL && b->evaluating && !b->settled) {
		fprintf(f, "you are shown the last figures, and give your fair figure, once both\n"
			"parties have endorsed your key (above)\n");
	}
	if (b->neutral_rule < 0)
		return;
	fprintf(f, "the neutrals decided: the settlement is %s\n",
		b->neutral_rule == NK_NEUTRAL_DEMAND ? "the claimant's last demand, which was "
		"closer to their median" : b->neutral_rule == NK_NEUTRAL_OFFER ? "the payer's "
		"last offer, which was closer to their median" : "the midpoint of the last "
		"figures, which were equally close to their median");
	cli_format_bits(nk_neutral_told_bits(&b->rules, b->neutral_rule), bits);
	if (nk_role_is_party(b->role) && nk_neutral_tells_other(b->role, b->neutral_rule))
		fprintf(f, "what the settlement told you: the %s last figure exactly (%s;\n"
			"%s bits, all there is to know of it)\n",
			b->role == NK_CLAIMANT ? "payer's" : "claimant's",
			b->neutral_rule == NK_NEUTRAL_MIDPOINT ? "twice the settlement less your "
			"own" : "it is the settlement", bits);
	else if (nk_role_is_party(b->role))
		fprintf(f, "what the settlement told you: nothing more of the other's figure\n"
			"(the settlement is your own last figure, and the neutrals' median is not "
			"shown)\n");
}
