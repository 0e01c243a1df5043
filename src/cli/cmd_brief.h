/* The briefing as a person reads it (cmd_brief.c), shared with the demo, the remote
 * client and the commands that print a briefing after an action. */
#ifndef NAKODO_CLI_CMD_BRIEF_H
#define NAKODO_CLI_CMD_BRIEF_H

#include "cli.h"

#include <nakodo/case.h>

#include <stdbool.h>
#include <stdio.h>

/* What the briefing's "bits" mean, in one line, printed where they first appear. */
#define CLI_BITS_LINE "(bits measure what a figure gives away: each bit halves the span a " \
	"side could still hold it in; 1 bit tells which half of the range, 8 bits which 256th)\n"

/* Renders round i (0-based) of a briefing for a person. */
void cli_print_round(FILE *f, const struct nk_brief *b, int i);
/* A round without a deal as b's role is told it (brief_next.c), for the briefing's round
 * line and the line after the figure that ended the round alike: "no deal", then the
 * hint a party was told, or that it was withheld, or (blind) that it was sealed to the
 * side's own client; the mediator (and any role but a party) is told no hint. Returns
 * whether a hint's text was printed. */
bool cli_print_no_deal(FILE *f, const struct nk_brief *b, const struct nk_brief_round *r);
/* After a party's case ended (brief_ended.c): what the hint of round i told it, in
 * terms of its own figure, which was deleted; and what the settlement told it, with
 * why its figures are gone (the mediator's: that they are). */
void cli_print_hint_meaning(FILE *f, const struct nk_brief *b, int i);
void cli_print_ended(FILE *f, const struct nk_brief *b);
/* The neutral evaluation's part of a briefing (brief_neutral.c): the rule in plain
 * words with what it discloses, and what this role may know of it now. */
void cli_print_neutral(FILE *f, const struct nk_brief *b);
/* Renders a briefing for a person. */
void cli_print_brief(FILE *f, const struct nk_brief *b);
/* The party's draft awaiting its principal, in one line, when b has one (cmd_approve.c). */
void cli_print_draft(FILE *f, const struct nk_brief *b);
/* When the answers to a pending mediator's proposal are due, in words: it has no time
 * of its own (the round time does not run at impasse), only the case's deadline. */
void cli_print_proposal_timing(FILE *f, const struct nk_brief *b);
/* At impasse, what this role does next (brief_next.c): the mediator proposes (with the
 * proposals left) or closes; a party waits for a proposal, then answers it. */
void cli_print_next_step(FILE *f, const struct nk_brief *b);
/* Whether the act between the briefings before and after it ended the round open before
 * without a deal (a party's figure completed it); then what cli_print_round_ended prints
 * instead of the one line of the case's state: the round's outcome as the briefing words
 * it, where the case now stands and, at impasse, the next step. */
bool cli_round_ended(const struct nk_brief *before, const struct nk_brief *after);
void cli_print_round_ended(FILE *f, const char *id, const struct nk_brief *before,
			   const struct nk_brief *after);
/* Under a principal's or a neutral's key line, who has endorsed it (cmd_endorse.c). */
void cli_print_endorsed(FILE *f, const struct nk_brief *b, enum nk_role role);

#endif
