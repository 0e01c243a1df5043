// What a briefing says of the case besides its rounds, shown alike on the party's and
// the mediator's pages: the case's title, its deadlines and their lapses, every proposal
// made after an impasse with its answer, and, to a party once the case has ended, what
// became of its figures.
// Each shows only what the role's briefing holds (doc/api.md): a party's has no
// `answered`, so its page cannot say whether the other side has answered, and an ended
// case's has no figure of the party, so nothing here is worked out from one.
import { formatAmount } from './money.js';
import { el, scrollTable } from './ui.js';

const OWN = { claimant: 'demand', payer: 'offer' };
const OTHER = { claimant: "the payer's offer", payer: "the claimant's demand" };

/**
 * The title line (#case-name), hidden for an untitled case. The title is text from
 * whoever opened the case: it goes in as text, isolated (<bdi>) so that a right-to-left
 * title cannot reorder the words around it.
 */
export function titleLine(brief) {
  const title = brief && typeof brief.title === 'string' ? brief.title : null;
  return el('p', { class: 'case-name', id: 'case-name', hidden: title === null },
    'Title: ', el('bdi', { id: 'case-name-text', text: title ?? '' }));
}

// A proposal's result in words, from what the briefing says of it.
function resultOf(entry, latest, p) {
  if (entry.accepted === true) return 'accepted by both sides: the case settled on it';
  if (entry.accepted === false) return 'not accepted by both sides';
  if (!latest || !p.pending) return 'no result given';
  if (!p.answered) return 'awaiting the answers';
  const who = ['claimant', 'payer'];
  const done = who.filter((r) => p.answered[r] === true);
  if (done.length === 2) return 'awaiting the answers: both sides have answered';
  if (done.length === 0) return 'awaiting the answers: neither side has answered yet';
  const not = who.find((r) => !done.includes(r));
  return `awaiting the answers: the ${done[0]} has answered, the ${not} not yet`;
}

/** Every proposal made (the briefing's proposal.history) as a table, or null. */
export function proposalHistory(brief) {
  const p = brief?.proposal;
  const history = Array.isArray(p?.history) ? p.history : [];
  if (history.length === 0) return null;
  const rows = history.map((e, i) => el('tr', { 'data-proposal': String(e.number) },
    el('th', { scope: 'row', text: String(e.number) }),
    el('td', { class: 'num', text: Number.isSafeInteger(e.figure)
      ? formatAmount(e.figure, brief.currency) : '—' }),
    el('td', { text: resultOf(e, i === history.length - 1, p) })));
  const note = brief.role === 'mediator'
    ? 'Which side has answered the proposal awaiting answers is in your log; how each '
      + 'answered is told to no one unless both accepted.'
    : 'Neither side learns the other\'s answer unless both accepted, nor whether the other '
      + 'side has answered yet.';
  return el('div', { id: 'proposal-history' },
    el('h3', { text: 'The mediator\'s proposals' }),
    el('p', { class: 'hint', text: note }),
    scrollTable('The mediator\'s proposals', el('table', {},
      el('caption', { class: 'visually-hidden', text: 'The mediator\'s proposals' }),
      el('thead', {}, el('tr', {}, ...['Proposal', 'Figure', 'Result']
        .map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, ...rows))));
}

// What the settlement's rule told a party of the other side's figure, in words only
// (the CLI's brief_ended.c says the same), or null.
function settlementWords(brief, role) {
  const s = brief.settlement;
  if (!s) return null;
  const other = OTHER[role];
  const midpoint = s.by === 'band' || (s.by === 'overlap' && brief.rules?.settle !== 'random');
  if (midpoint) {
    return `What the settlement told you: it is the midpoint of the two figures, so ${other} `
      + `was twice the settlement less your ${OWN[role]}, to within `
      + `${formatAmount(brief.rules.grid, brief.currency)}.`;
  }
  if (s.by === 'overlap') {
    return `What the settlement told you: it was drawn between the two figures, so ${other} `
      + `was at ${role === 'claimant' ? 'least' : 'most'} the settlement.`;
  }
  if (s.by === 'deal-closer') {
    return 'What the settlement told you: the deal-closer extensions bridged the gap between '
      + 'the two figures.';
  }
  if (s.by === 'bridge') {
    return 'What the settlement told you: the two figures failed to meet, and the gap was '
      + `within the bridge's budget, so ${other} lay within that budget of yours; the budget `
      + 'is told to nobody.';
  }
  if (s.by === 'proposal') {
    return 'What the settlement told you: only that both accepted the mediator\'s proposal, '
      + 'which is not computed from the figures.';
  }
  return null;
}

/** To a party of an ended case: its figures are deleted, and what it still has. Or null. */
export function endedNote(brief) {
  const role = brief?.role;
  if (!OWN[role] || !(brief.state === 'settled' || brief.state === 'closed')) return null;
  // a blind case's figures never reached the go-between; hints only when one was told
  const hinted = (brief.rounds ?? []).some((r) => typeof r?.hint === 'string');
  return el('div', { class: 'panel', id: 'ended-note' },
    el('p', { text: brief.rules?.blind === true
      ? `The case has ended. The go-between never held your ${OWN[role]} or the other side's: `
        + 'in a blind case each side\'s own client computed the rounds.'
      : 'The case has ended, and its confidential figures were deleted at the '
      + 'end: yours, as every party\'s, so that no copy of a side\'s limit outlives the case '
      + 'in the go-between\'s store or its backups. Where the other side\'s figure lay was '
      + `worked out from your ${OWN[role]}, so it is no longer shown.` }),
    settlementWords(brief, role) && el('p', { text: settlementWords(brief, role) }),
    hinted
      ? el('p', { text: 'Each hint below says how far apart the two figures were, as a share '
        + `of the demand; set against your own ${OWN[role]}, which only you now hold, it `
        + `tells where ${OTHER[role]} lay.` })
      : null);
}

/** Time left in the CLI's words (nk_time_format_left): "2d 3h", "30m", "42s". */
export function formatLeft(ms) {
  const units = [[86400, 'd'], [3600, 'h'], [60, 'm'], [1, 's']];
  const s = ms > 0 ? Math.ceil(ms / 1000) : 0;
  for (let i = 0; i < units.length; i++) {
    const [size, unit] = units[i];
    if (s < size && i < 3) continue;
    const next = i < 3 ? Math.floor((s % size) / units[i + 1][0]) : 0;
    return `${Math.floor(s / size)}${unit}${next ? ` ${next}${units[i + 1][1]}` : ''}`;
  }
  return '0s';
}

// A briefing's UTC time ("2027-01-31T17:00:00Z") in ms, or null for anything else.
function utcMs(text) {
  return typeof text === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(text)
    ? Date.parse(text) : null;
}

/**
 * The case's deadlines (doc/bargain.md, "Deadlines") in words, or null for a case without:
 * the rules, the time left by this browser's clock (now, ms), and the latest lapse as
 * this role's briefing tells it. A party is told whether it missed the round
 * (`you_missed`); the mediator's briefing has no such member, so its page says only that
 * the round lapsed. Nothing here is worked out from anything but the briefing.
 */
export function deadlinesPanel(brief, now = Date.now()) {
  const r = brief?.rules;
  if (!r || (r.round_time === undefined && r.deadline === undefined)) return null;
  const d = brief.deadlines ?? {};
  const running = brief.state === 'open' || brief.state === 'impasse';
  const line = (id, text) => el('li', { id, text });
  const items = [];
  if (Number.isSafeInteger(r.round_time)) {
    items.push(line('rule-round-time', `Round time: ${formatLeft(r.round_time * 1000)}. A `
      + 'round not complete by then lapses: its figures are void, each side gives its figure '
      + 'again, and the round starts again (three lapses close the case).'));
  }
  const deadline = utcMs(r.deadline);
  if (deadline !== null) {
    items.push(line('rule-deadline', `Deadline: ${r.deadline} (UTC). The case closes then `
      + 'unless it has settled.'));
  }
  const due = utcMs(d.round_due);
  if (due !== null && brief.state === 'open') {
    items.push(line('round-due', `Round ${brief.round} lapses at ${d.round_due} (UTC): `
      + `${formatLeft(due - now)} left.`));
  }
  if (deadline !== null && running) {
    items.push(line('deadline-left',
      `Time left before the deadline: ${formatLeft(deadline - now)}.`));
  }
  if (Number.isSafeInteger(d.lapsed_round)) {
    items.push(line('lapse', `Round ${d.lapsed_round} lapsed; its figures are void${
      d.you_missed === true ? '; you did not submit a figure in time' : ''}.`));
  }
  if (d.deadline_passed === true) {
    items.push(line('deadline-passed', 'The deadline passed: the case closed.'));
  }
  return el('div', { class: 'panel', id: 'deadlines' },
    el('h3', { text: 'Deadlines' }), el('ul', {}, ...items));
}

/**
 * Until when a mediator's proposal waits for its answers, as `nakodo propose` and the
 * briefing say: it has no time of its own (no round time runs at impasse), only the
 * case's deadline, when there is one.
 */
export function proposalTimingWords(brief) {
  const deadline = brief?.rules?.deadline;
  return 'It has no time limit of its own: it stands until both parties answer or the '
    + 'mediator closes the case (no round time runs after the rounds)'
    + `${typeof deadline === 'string' ? `; the case's deadline, ${deadline} (UTC), closes `
      + 'the case if it is unanswered then' : ''}.`;
}
