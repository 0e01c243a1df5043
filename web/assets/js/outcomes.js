// The rounds' outcomes of a case as the mediator may see them, drawn as SVG from its
// briefing and log only: which rounds were evaluated and how, the impasse, each
// proposal with its result, and the settlement. The mediator never holds a party's
// figure, so nothing here can draw one: the only amounts are the mediator's own
// proposals and the settlement, which every role's briefing shows.
import { formatAmount } from './money.js';

const NS = 'http://www.w3.org/2000/svg';
const STEP = 140;
const LEFT = 24;
const MID = 70;

function svg(tag, attrs = {}, text = null) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== null) e.textContent = text;
  return e;
}

/**
 * The steps to draw, in order: [{ kind: 'round'|'impasse'|'proposal'|'settled'|'closed',
 * label, detail, cls }]. brief: the mediator's briefing; events: its log's events (or []).
 */
export function outcomeSteps(brief, events = []) {
  const cur = brief.currency || brief.frame?.currency || 'USD';
  const steps = [];
  for (const r of brief.rounds || []) {
    const o = r.outcome;
    let detail;
    let cls;
    if (['overlap', 'band', 'deal-closer', 'package'].includes(o)) {
      detail = { overlap: 'deal (overlap)', band: 'deal (within the band)',
        'deal-closer': 'deal (deal-closer)', package: 'a package proposed' }[o];
      cls = 'deal';
    } else if (o === 'no-deal') {
      detail = 'no deal';
      cls = 'no-deal';
    } else {
      detail = r.evaluated === false || o === 'pending' || !o ? 'waiting for figures' : String(o);
      cls = 'pending';
    }
    steps.push({ kind: 'round', label: `Round ${r.round}`, detail, cls });
  }
  const impasse = events.find((e) => e.type === 'impasse');
  if (impasse || brief.state === 'impasse') {
    steps.push({ kind: 'impasse', label: 'impasse', detail: '', cls: 'impasse' });
  }
  const results = new Map(events.filter((e) => e.type === 'proposal-result')
    .map((e) => [e.body?.number, e.body?.accepted]));
  for (const e of events.filter((x) => x.type === 'proposal')) {
    const n = e.body?.number;
    const res = results.has(n) ? (results.get(n) ? 'accepted' : 'declined') : 'answers pending';
    steps.push({ kind: 'proposal', label: `Proposal ${n}`,
      detail: `${formatAmount(e.body?.figure ?? 0, cur)}, ${res}`,
      cls: res === 'declined' ? 'declined' : 'proposal' });
  }
  for (const e of events.filter((x) => x.type === 'package_result')) {
    steps.push({ kind: 'proposal', label: `Package ${e.body?.round}`,
      detail: e.body?.accepted ? 'accepted' : 'declined',
      cls: e.body?.accepted ? 'proposal' : 'declined' });
  }
  if (brief.settlement) {
    const s = brief.settlement;
    const fig = s.figure !== undefined ? formatAmount(s.figure, s.currency || cur) : 'a package';
    steps.push({ kind: 'settled', label: 'Settled', detail: `${fig} (${s.by || 'round'})`,
      cls: 'deal' });
  } else if (brief.state === 'settled') {
    steps.push({ kind: 'settled', label: 'Settled', detail: 'on the proposed package',
      cls: 'deal' });
  } else if (brief.state === 'closed') {
    steps.push({ kind: 'closed', label: 'Closed', detail: 'without a settlement', cls: 'no-deal' });
  }
  return steps;
}

/** A <figure> with the picture and, for screen readers and small screens, a list. */
export function outcomesFigure(brief, events = []) {
  const steps = outcomeSteps(brief, events);
  const width = LEFT * 2 + Math.max(1, steps.length) * STEP;
  const height = 150;
  const title = svg('title', { id: 'outcomes-title' }, 'The rounds\' outcomes');
  const desc = svg('desc', { id: 'outcomes-desc' },
    steps.map((s) => `${s.label}: ${s.detail}`.replace(/: $/, '')).join('. '));
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
    'aria-labelledby': 'outcomes-title outcomes-desc', class: 'outcomes' });
  root.append(title, desc);
  root.append(svg('line', { class: 'lane', x1: LEFT, y1: MID, x2: width - LEFT, y2: MID }));
  steps.forEach((s, i) => {
    const x = LEFT + STEP / 2 + i * STEP;
    const g = svg('g', { 'data-step': s.kind });
    if (s.kind === 'impasse') {
      g.append(svg('line', { class: 'impasse', x1: x, y1: 20, x2: x, y2: 120 }));
    } else if (s.kind === 'proposal') {
      g.append(svg('polygon', { class: s.cls,
        points: `${x},${MID - 12} ${x + 12},${MID} ${x},${MID + 12} ${x - 12},${MID}` }));
    } else if (s.kind === 'settled' || s.kind === 'closed') {
      g.append(svg('rect', { class: s.cls, x: x - 11, y: MID - 11, width: 22, height: 22 }));
    } else {
      g.append(svg('circle', { class: s.cls, cx: x, cy: MID, r: 11 }));
    }
    g.append(svg('text', { x, y: 35, 'text-anchor': 'middle', 'font-weight': 'bold' }, s.label));
    // The detail in lines of its comma-separated parts, so that neighbours never overlap.
    s.detail.split(', ').forEach((line, n) => {
      if (line) g.append(svg('text', { x, y: 105 + 15 * n, 'text-anchor': 'middle' }, line));
    });
    root.append(g);
  });
  const fig = document.createElement('figure');
  fig.className = 'outcomes';
  const cap = document.createElement('figcaption');
  cap.textContent = 'Each round (a filled circle: a deal; a hollow one: no deal; dashed: '
    + 'waiting), the impasse (dashed line), the proposals (diamonds, hollow when declined) '
    + 'and the end (a square). No party\'s figure is ever shown here.';
  fig.append(root, cap);
  return fig;
}
