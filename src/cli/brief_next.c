/* What a role is told of a round without a deal (the words its briefing and the line
 * after the figure that ended the round share), and what it does next: after such a
 * figure, where the case now stands; at impasse, the mediator's choices (propose, close)
 * and the parties' wait for a proposal and their answer to it. Everything said here is
 * read from the role's own briefing (nothing it was not told), and the words depend on
 * the figures only through what the rules tell that role anyway (the round's hint). */
#include "cmd_brief.h"
#include "util.h"

#include <nakodo/bargain.h>
#include <nakodo/case_json.h>

bool cli_print_no_deal(FILE *f, const struct nk_brief *b, const struct nk_brief_round *r)
{
	char hint[NK_HINT_TEXT_MAX];

	fputs("no deal", f);
	/* A side's hint is its own: the mediator is told none, nor would a neutral be (its
	 * briefing holds no round, and a round's hint is -1 for it: "withheld" would be
	 * false). A principal reads its party's briefing, hint and all. */
	if (b->rules.hint_count == 0 || !nk_role_is_party(b->role))
		return false;
	if (r->hint >= 0) {
		nk_bargain_hint_text(&b->rules, r->hint, hint);
		fprintf(f, "; hint: %s", hint);
		return true;
	}
	/* A blind side's hint, or that it was withheld, was sealed to its own client,
	 * which printed it (doc/blind.md); the go-between never knew which. */
	if (b->rules.blind && !r->withheld)
		fputs("; your hint was sealed to you alone: nakodo submit printed it (or that "
		      "the leakage budget withheld it)", f);
	else
		fputs("; hint withheld (it would pass the leakage budget)", f);
	return false;
}

void cli_print_next_step(FILE *f, const struct nk_brief *b)
{
	const char *as = nk_role_name(b->role);
	struct nk_brief_next n;

	if (!nk_brief_next(b, &n))	/* the decision the JSON's "next" reads too */
		return;
	if (n.action == NK_NEXT_PROPOSE)
		fprintf(f, "next: propose a settlement figure (nakodo propose %s AMOUNT; %d of "
			"%d proposal%s left) or end the case (nakodo close %s)\n", b->case_id,
			n.proposals_left, b->rules.proposals, CLI_PLURAL(b->rules.proposals),
			b->case_id);
	else if (n.action == NK_NEXT_ANSWER)
		fprintf(f, "next: answer the mediator's proposal %d: nakodo answer %s --as %s "
			"accept|decline\n", n.proposal, b->case_id, as);
	else if (n.waiting_for == NK_WAIT_ANSWERS)
		fprintf(f, "next: the parties answer proposal %d (nakodo answer); you may end "
			"the case meanwhile (nakodo close %s)\n", n.proposal, b->case_id);
	else if (n.waiting_for == NK_WAIT_NEUTRALS && n.may_close)
		fprintf(f, "next: the neutrals give their fair figures; you may end the case "
			"meanwhile (nakodo close %s)\n", b->case_id);
	else if (n.waiting_for == NK_WAIT_OUTCOME)
		fprintf(f, "next: wait for the outcome of proposal %d (it settles the case only "
			"if both sides accept)\n", n.proposal);
	else if (n.waiting_for == NK_WAIT_NEUTRALS)
		fprintf(f, "next: wait for the neutrals' fair figures (each neutral gives its own "
			"once both parties have\n  endorsed its key: nakodo endorse); the last one "
			"given settles the case\n");
	else
		fprintf(f, "next: wait for the mediator's proposal (%d of %d proposal%s left) or its "
			"closing of the case;\n  once one is made, answer it: nakodo answer %s --as %s "
			"accept|decline\n", n.proposals_left, b->rules.proposals,
			CLI_PLURAL(b->rules.proposals), b->case_id, as);
}

void cli_print_round_ended(FILE *f, const char *id, const struct nk_brief *before,
			   const struct nk_brief *after)
{
	const int n = before->round;
	const struct nk_brief_round *r = &after->rounds[n > 0 ? n - 1 : 0];

	fprintf(f, "ok: case %s: round %d: ", id, n);
	cli_print_no_deal(f, after, r);
	if (after->state == NK_STATE_OPEN)
		fprintf(f, "; round %d of %d is open\n", after->round, after->rules.rounds);
	else if (after->state == NK_STATE_IMPASSE)
		fprintf(f, "; every round has failed: the case is at impasse\n");
	else if (after->state == NK_STATE_CLOSED && !after->rules.proposals &&
		 !after->rules.neutrals)	/* case_round_conclude's closing, the only one */
		fprintf(f, "; every round has failed and the rules allow no mediator's proposal: "
			"the case is closed (see nakodo brief)\n");
	else
		fprintf(f, "; the case is %s (see nakodo brief)\n",
			nk_case_state_name(after->state));
	cli_print_next_step(f, after);
}

bool cli_round_ended(const struct nk_brief *before, const struct nk_brief *after)
{
	const int n = before->round;

	return before->state == NK_STATE_OPEN && !before->package && !after->package &&
	       n >= 1 && n <= NK_ROUNDS_MAX &&
	       !before->rounds[n - 1].evaluated && after->rounds[n - 1].evaluated &&
	       after->rounds[n - 1].deal == NK_NO_DEAL && !after->settled;
}
