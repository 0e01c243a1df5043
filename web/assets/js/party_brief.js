// What a party's briefing says, in words: the case's rules in plain language, the state,
// and the round history as a table (the negotiation dance draws the same in dance.js).
import { formatAmount } from './money.js';
import { bitsText } from './bits.js';
import { neutralRuleWords } from './neutral_facts.js';
import { el, scrollTable } from './ui.js';

export const FIGURE_WORD = { claimant: 'demand', payer: 'offer' };

function pct(bp) {
  return `${(bp / 100).toFixed(bp % 100 ? 2 : 0)}%`;
}

/** The case's rules in plain words, for this role. */
export function rulesInWords(brief) {
  const r = brief.rules;
  const c = brief.currency;
  const m = (v) => formatAmount(v, c);
  const me = brief.role;
  // a blind case's figures never reach the go-between (doc/blind.md): the parties' own
  // clients compute each round, and there is no deal-closer
  const blind = r.blind === true;
  const items = [
    (r.rounds === 1 ? 'There is one round. In it, you and the other side '
      : `There are at most ${r.rounds} rounds. In each, you and the other side `) +
      (blind
        ? 'each put one figure into a computation your own machines run together, through ' +
          'the go-between, which relays messages it cannot read and never holds a figure: '
        : 'each give the go-between one figure in confidence: ') +
      'the claimant the least it will accept ' +
      `(its demand), the payer the most it will pay (its offer). You are the ${me}.`,
    // a case opened without a range has the largest amount as its top (2^62 - 1 minor
    // units): say there is no limit rather than print that number
    r.range_high >= Number.MAX_SAFE_INTEGER
      ? `Every figure is at least ${m(r.range_low)}; there is no upper limit.`
      : `Every figure lies between ${m(r.range_low)} and ${m(r.range_high)}.`,
  ];
  if (r.settle === 'random') {
    items.push(
      'When the offer reaches the demand, the case settles at a point drawn at random ' +
        'between the two, from a seed the go-between committed to when the case opened and ' +
        'reveals ' +
        "with the settlement. The settlement then tells each side less about the other's figure.",
    );
  } else {
    items.push(
      `When the offer reaches the demand, the case settles at the midpoint of the two${
        r.grid > 1 ? `, on a multiple of ${m(r.grid)}` : ''
      }. Settling at the midpoint reveals the other ` +
        "side's figure: knowing your own figure and the settlement, you can work out theirs " +
        `${r.grid > 1 ? `to within ${m(r.grid)}` : 'exactly'}, and they yours.`,
    );
  }
  if (r.settle === 'band' || r.band_bp || r.band_amount) {
    const w = [
      r.band_bp ? `${pct(r.band_bp)} of the demand` : null,
      r.band_amount ? m(r.band_amount) : null,
    ]
      .filter(Boolean)
      .join(' or ');
    items.push(`It also settles at the midpoint when the gap is within ${w}.`);
  }
  if (r.hints_bp && r.hints_bp.length) {
    const t = r.hints_bp.map(pct).join(', ');
    items.push(
      `After a round without a deal, the go-between tells each side only how far apart ` +
        `the figures were, in bands of the demand at ${t}. A hint is withheld when it would tell ` +
        `either side more than ${r.leakage_bits} bits about the other's figure.`,
    );
  } else {
    items.push(
      'After a round without a deal, the go-between tells each side only that there was no deal.',
    );
  }
  if (r.monotone) {
    items.push(
      'Figures may not move back: a demand may not rise and an offer may not fall from one ' +
      'round to the next.',
    );
  }
  if (!blind) {
    items.push(
      'In each round you may also authorise a confidential deal-closer: an amount you would ' +
        'go further only if it closes the gap. Extensions are used only when both together ' +
        'close it; ' +
        'the case then settles at the midpoint. The other side never learns yours otherwise.',
    );
  }
  if (r.bridge === true) {
    items.push(
      'This case has a bridge: a confidential budget, the go-between\'s or a funder\'s, that ' +
        'pays the gap if the last round\'s figures fail to meet by no more than it. Then the ' +
        'claimant receives its demand and the payer pays its offer, each told only its own ' +
        'sum. Nobody is told the budget.',
    );
  }
  if (r.principals === true) {
    items.push(
      r.authority === true
        ? "Each party may have a principal, who reads its party's briefing. Each party's " +
          'figure, deal-closer or answer waits as a draft, seen by the party and its principal ' +
          'only, and takes effect only when the principal approves it.'
        : "Each party may have a principal, who reads its party's briefing and may not act.",
    );
  }
  if (r.proposals > 0) {
    items.push(
      'If the rounds end without a deal, the mediator may propose a figure ' +
        `(${r.proposals === 1 ? 'once' : `up to ${r.proposals} times`}). ` +
        'Each side accepts or declines in confidence; it settles only if both accept, ' +
        "and neither learns the other's answer unless both accepted.",
    );
  }
  if (neutralRuleWords(brief)) items.push(neutralRuleWords(brief));
  items.push(
    "The go-between never tells you the other side's figures, extensions, answers or its " +
      'messages to the mediator, and never tells them yours. Messages are sealed in your ' +
      'browser: ' +
      'the go-between carries them but cannot read them.',
  );
  return items;
}

/**
 * Round history as a table a screen reader can walk. party names the side when the
 * reader is not that side (a principal reads its party's rounds): "The claimant's
 * demand" rather than "Your demand".
 */
export function historyTable(brief, party = null) {
  const whose = party ? `The ${party}'s` : 'Your';
  const theirs = party ? `the ${party}'s` : 'yours';
  const c = brief.currency;
  const m = (v) => (Number.isSafeInteger(v) ? formatAmount(v, c) : '—');
  // once the case has ended its figures are deleted: say so rather than show a bare dash
  const ended = brief.state === 'settled' || brief.state === 'closed';
  const ownFigure = (r) => {
    if (!r.submitted) return 'not yet';
    if (Number.isSafeInteger(r.own_figure)) return m(r.own_figure);
    return ended ? 'deleted at the end' : 'submitted';
  };
  const rows = (brief.rounds || []).map((r) =>
    el(
      'tr',
      {},
      el('th', { scope: 'row', text: String(r.round) }),
      el('td', { class: 'num', text: ownFigure(r) }),
      el('td', { class: 'num', text: m(r.own_extension) }),
      el('td', {
        text: r.evaluated ? (r.outcome === 'no-deal' ? 'no deal' : `deal (${r.outcome})`) : 'open',
      }),
      el('td', { text: r.hint || (r.hint_withheld ? 'withheld (it would tell too much)' : '—') }),
      el('td', {
        text: r.leakage
          ? `${m(r.leakage.other_within.low)} – ${m(r.leakage.other_within.high)}`
          : '—',
      }),
      el('td', {
        text: r.leakage
          ? `${m(r.leakage.exposed_within.low)} – ${m(r.leakage.exposed_within.high)} ` +
            `(${bitsText(r.leakage.exposed_bits)} bits)`
          : '—',
      }),
    ),
  );
  return scrollTable(
    `${whose} rounds`,
    el(
      'table',
      {},
      el('caption', { class: 'visually-hidden', text: `${whose} rounds` }),
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...[
            'Round',
            `${whose} ${FIGURE_WORD[brief.role]}`,
            'Deal-closer',
            'Outcome',
            'Hint',
            "The other side's figure lies in",
            `The most they can know of ${theirs}`,
          ].map((h) => el('th', { scope: 'col', text: h })),
        ),
      ),
      el('tbody', {}, ...rows),
    ),
  );
}

/** A settlement by the bridge, as this role's briefing tells it: its own part only. */
export function bridgedWords(brief) {
  const m = formatAmount(brief.settlement.figure, brief.currency);
  if (brief.role === 'claimant') return `Settled by the bridge: you receive your demand, ${m}.`;
  if (brief.role === 'payer') return `Settled by the bridge: you pay your offer, ${m}.`;
  return `Settled by the bridge: the bridge pays the gap, ${m}.`;
}

export function stateWords(brief) {
  const m = (v) => formatAmount(v, brief.currency);
  const rounds = (brief.rules || brief.frame || {}).rounds;
  switch (brief.state) {
    case 'open':
      return `Open: round ${brief.round} of ${rounds}.`;
    case 'settled':
      if (brief.settlement?.by === 'bridge') return bridgedWords(brief);
      return brief.settlement
        ? `Settled at ${m(brief.settlement.figure)} (${brief.settlement.by}).`
        : 'Settled on a package.';
    case 'impasse':
      return 'Impasse: the rounds ended without a deal.';
    case 'closed':
      if (brief.deadlines?.deadline_passed === true) {
        return 'Closed: the deadline passed without a settlement.';
      }
      return 'Closed by the mediator without a settlement.';
    default:
      return brief.state;
  }
}
