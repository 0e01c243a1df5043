// Open proposals on a party's page (doc/toolkit.md, "Open proposals"): the rule in plain
// words, each side's standing visible proposal with the bound it gives on its poster's
// secret figure, the go-between's suggestion between them, and the form that announces
// this party's own. Everything shown here is public to every role of the case.
import { formatAmount, parseAmount } from './money.js';
import { bitsText } from './bits.js';
import { el, field, form, FormError } from './ui.js';

const WORD = { claimant: 'demand', payer: 'offer' };
const OTHER = { claimant: 'payer', payer: 'claimant' };

/** The rule in plain words, or null when the case does not take open proposals. */
export function openRuleInWords(brief) {
  if (brief?.rules?.open_proposals !== true) return null;
  return (
    'Each side may also announce an open proposal, which the other side and the mediator ' +
    'see at once, beside its secret figure. Your secret figure must stay at least as ' +
    'generous as your open proposal (a demand at most the claimant\'s proposal, an offer at ' +
    'least the payer\'s), so a proposal tells everyone that bound on your figure. One a ' +
    'round, each only toward the other side. When both stand, the go-between shows their ' +
    'midpoint as a suggestion; the case still settles only when the secret figures meet.'
  );
}

/** The standing proposals and the suggestion, or null without the rule. */
export function openProposalsPanel(brief) {
  if (brief?.rules?.open_proposals !== true) return null;
  const o = brief.open_proposals ?? {};
  const m = (v) => formatAmount(v, brief.currency);
  const me = brief.role;
  const items = [];
  for (const side of ['claimant', 'payer']) {
    const p = o[side];
    if (!p || !Number.isSafeInteger(p.amount)) continue;
    const own = side === me;
    const bits = typeof p.bits === 'number' ? ` (${bitsText(p.bits)} bits)` : '';
    items.push(
      el('li', {
        id: `open-${side}`,
        text:
          `${own ? 'Your' : `The ${side}'s`} open proposal: ${m(p.amount)} (round ${p.round}). ` +
          `It tells ${own ? 'the other side' : me === 'mediator' ? 'every role' : 'you'} that ` +
          `${own ? 'your' : 'its'} ` +
          `${WORD[side]} is at ${side === 'claimant' ? 'most' : 'least'} ${m(p.amount)}${bits}.`,
      }),
    );
  }
  if (Number.isSafeInteger(o.suggestion)) {
    items.push(
      el('li', {
        id: 'open-suggestion',
        text:
          `The go-between's suggestion: ${m(o.suggestion)}, the midpoint of the two open ` +
          'proposals. It tells nothing beyond them.',
      }),
    );
  }
  if (!items.length) {
    items.push(el('li', { id: 'open-none', text: 'No open proposal has been announced yet.' }));
  }
  return el(
    'div',
    { class: 'panel', id: 'open-proposals' },
    el('h3', { text: 'Open proposals' }),
    el('ul', {}, ...items),
  );
}

/**
 * The form that announces this party's open proposal for round, or null when the case
 * does not take them or the party announced one in this round already. done(brief, words)
 * takes the answer's briefing and what to tell the party.
 */
export function announceForm(api, brief, round, done) {
  if (brief?.rules?.open_proposals !== true || brief.state !== 'open') return null;
  const mine = brief.open_proposals?.[brief.role];
  if (mine && mine.round === round) return null;
  const amount = field({
    name: 'amount',
    label: `Your open proposal for round ${round} (${brief.currency})`,
    inputmode: 'decimal',
    autocomplete: 'off',
    hint:
      `Seen at once by the ${OTHER[brief.role]} and the mediator. Your secret ` +
      `${WORD[brief.role]} must stay at ${brief.role === 'claimant' ? 'most' : 'least'} this` +
      (mine ? `; it may only move toward the ${OTHER[brief.role]}'s.` : '.'),
  });
  return form({
    label: `Your open proposal for round ${round}`,
    fields: [amount],
    submit: 'Announce my open proposal',
    onSubmit: async () => {
      let minor;
      try {
        minor = parseAmount(amount.input.value, brief.currency, {
          low: brief.rules.range_low,
          high: brief.rules.range_high,
        });
      } catch (e) {
        throw new FormError('amount', e.reason || e.message);
      }
      const said = `Your open proposal of ${formatAmount(minor, brief.currency)} is announced.`;
      const answer = await api.announce(minor, round);
      amount.input.value = '';
      done(answer, said);	// the form goes: one a round
      return said;
    },
  });
}
