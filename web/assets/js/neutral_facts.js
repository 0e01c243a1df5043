// Neutral evaluation on the pages (doc/toolkit.md, "Neutral evaluation in a case"): the
// rule in the words every role is shown when the case opens, with the disclosure it makes
// to the neutrals, and what this role's briefing says of it now. Nothing here is worked
// out from anything but the briefing's "neutral" member (doc/api.md): a party's and the
// mediator's briefings never hold a neutral's figure, so no page can show one.
import { el } from './ui.js';

/** The neutral roles a case may have (neutral-1 .. neutral-5). */
export const NEUTRAL_ROLE = /^neutral-[1-5]$/;

const DECIDED = {
  demand: "the claimant's last demand, which was closer to the neutrals' median",
  offer: "the payer's last offer, which was closer to the neutrals' median",
  midpoint: 'the midpoint of the last figures, which were equally close to the neutrals\' median',
};
const OTHER = { claimant: "the payer's", payer: "the claimant's" };

/** The rule in plain words (the CLI's brief_neutral.c says the same), or null. */
export function neutralRuleWords(brief) {
  const n = brief?.rules?.neutrals;
  if (!Number.isSafeInteger(n) || n < 1) return null;
  return `Neutral evaluation, ${n} neutral${n === 1 ? '' : 's'}: if the last round ends `
    + `without a deal${brief.rules.proposals ? ' and no mediator\'s proposal is accepted' : ''}, `
    + 'each neutral is shown BOTH parties\' last figures (the neutrals and nobody else) and '
    + 'gives a sealed fair figure between them; the case settles on the last figure of the '
    + 'party closer to the neutrals\' median (on a tie, at the midpoint). The parties are '
    + 'told the settlement and which rule decided, never a neutral\'s figure; the side whose '
    + 'figure was farther learns the other\'s last figure exactly (it is the settlement).';
}

/** What the rule decided, in words, or null before it did. */
export function decidedWords(brief) {
  const rule = brief?.neutral?.rule;
  return DECIDED[rule] ? `The neutrals decided: the settlement is ${DECIDED[rule]}.` : null;
}

/** The panel on a party's or the mediator's page, or null for a case without neutrals. */
export function neutralPanel(brief) {
  const words = neutralRuleWords(brief);
  if (!words) return null;
  const n = brief.neutral ?? {};
  const items = [el('li', { id: 'neutral-rule', text: words })];
  if (n.evaluating === true && brief.state === 'impasse') {
    items.push(el('li', { id: 'neutral-turn', text: Number.isSafeInteger(n.fair_given)
      ? `The neutrals' turn has begun: ${n.fair_given} of ${brief.rules.neutrals} fair `
        + 'figures given (which neutral gave one is in your log; no figure is).'
      : 'The neutrals\' turn has begun.' }));
  }
  const decided = decidedWords(brief);
  if (decided) items.push(el('li', { id: 'neutral-decided', text: decided }));
  if (decided && typeof n.other_figure_told === 'boolean') {
    items.push(el('li', { id: 'neutral-told', text: n.other_figure_told
      ? `What the settlement told you: ${OTHER[brief.role]} last figure exactly (${
        n.rule === 'midpoint' ? 'twice the settlement less your own' : 'it is the settlement'}).`
      : 'What the settlement told you: nothing more of the other side\'s figure (the '
        + 'settlement is your own last figure, and the neutrals\' median is not shown).' }));
  }
  return el('div', { class: 'panel', id: 'neutrals' },
    el('h3', { text: 'Neutral evaluation' }), el('ul', {}, ...items));
}
