// The negotiation dance: a party's own figure round by round, the interval in which it
// now knows the other side's figure (what the round's outcome and hint told it), the
// most the other side can know of its own (with the bits), and the settlement. Drawn
// as SVG from the briefing's JSON alone, so it shows nothing the briefing does not
// hold; a table beside it says the same in words for those who do not look.
import { formatAmount } from './money.js';
import { bitsText } from './bits.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 640;
const H = 320;
const M = { left: 110, right: 20, top: 20, bottom: 40 };

function svg(tag, attrs = {}, text = null) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== null) e.textContent = text;
  return e;
}

/** What the picture shows, per round, from a party's briefing. */
export function danceData(brief) {
  const rounds = (brief.rounds || []).map((r) => ({
    round: r.round,
    own: Number.isSafeInteger(r.own_figure) ? r.own_figure : null,
    extension: Number.isSafeInteger(r.own_extension) ? r.own_extension : null,
    evaluated: !!r.evaluated,
    outcome: r.outcome || null,
    hint: typeof r.hint === 'string' ? r.hint : null,
    other: r.leakage ? r.leakage.other_within : null,
    exposed: r.leakage ? r.leakage.exposed_within : null,
    bits: r.leakage ? r.leakage.bits : null,
    exposedBits: r.leakage ? r.leakage.exposed_bits : null,
  }));
  const settlement = brief.settlement ? brief.settlement.figure : null;
  return { rounds, settlement, currency: brief.currency };
}

/** The SVG figure (a <figure> with the drawing and its caption), or null with nothing to draw. */
export function drawDance(brief, { title = 'The negotiation dance' } = {}) {
  const d = danceData(brief);
  const values = [];
  for (const r of d.rounds) {
    if (r.own !== null) values.push(r.own);
    if (r.other) values.push(r.other.low, r.other.high);
    if (r.exposed) values.push(r.exposed.low, r.exposed.high);
  }
  if (d.settlement !== null) values.push(d.settlement);
  if (values.length === 0) return null;
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  // a lone value (a settlement once the figures are deleted) gets a band around it
  const pad = hi === lo ? Math.max(hi * 0.1, 100) : (hi - lo) * 0.06;
  lo = Math.max(0, lo - pad);
  hi += pad;
  const n = Math.max(d.rounds.length, 1);
  const colW = (W - M.left - M.right) / n;
  const x = (i) => M.left + colW * (i + 0.5);
  const y = (v) => M.top + (H - M.top - M.bottom) * (1 - (v - lo) / (hi - lo));
  const money = (v) => formatAmount(Math.round(v), d.currency);

  const titleId = `dance-title-${Math.random().toString(36).slice(2, 8)}`;
  const descId = `${titleId}-desc`;
  const root = svg('svg', {
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-labelledby': `${titleId} ${descId}`,
    class: 'dance',
    preserveAspectRatio: 'xMidYMid meet',
  });
  root.append(svg('title', { id: titleId }, title));
  const words = d.rounds
    .filter((r) => r.own !== null || r.other)
    .map((r) => {
      const parts = [`round ${r.round}`];
      if (r.own !== null) parts.push(`your figure ${money(r.own)}`);
      if (r.other)
        parts.push(
          `the other side's figure lies in ${money(r.other.low)} to ${money(r.other.high)}`,
        );
      if (r.exposed)
        parts.push(
          `the other side can know yours within ${money(r.exposed.low)} to ` +
          `${money(r.exposed.high)}`,
        );
      return parts.join(', ');
    });
  if (d.settlement !== null) words.push(`settled at ${money(d.settlement)}`);
  root.append(svg('desc', { id: descId }, words.join('; ') || 'no round evaluated yet'));

  // axes and a few gridlines with amounts
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((hi - lo) * k) / 4;
    root.append(svg('line', { class: 'grid', x1: M.left, x2: W - M.right, y1: y(v), y2: y(v) }));
    root.append(svg('text', { x: M.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, money(v)));
  }
  root.append(svg('line', { class: 'axis', x1: M.left, x2: M.left, y1: M.top, y2: H - M.bottom }));
  d.rounds.forEach((r, i) => {
    root.append(
      svg('text', { x: x(i), y: H - M.bottom + 18, 'text-anchor': 'middle' }, `round ${r.round}`),
    );
  });

  // bands: what this side now knows of the other's figure, and what the other can know
  d.rounds.forEach((r, i) => {
    if (r.other) {
      const b = svg('rect', {
        class: 'other',
        x: x(i) - colW * 0.3,
        width: colW * 0.28,
        y: y(r.other.high),
        height: Math.max(2, y(r.other.low) - y(r.other.high)),
      });
      b.append(
        svg(
          'title',
          {},
          `round ${r.round}: the other side's figure lies in ` +
            `${money(r.other.low)} – ${money(r.other.high)}${r.hint ? ` (hint: ${r.hint})` : ''}`,
        ),
      );
      root.append(b);
    }
    if (r.exposed) {
      const b = svg('rect', {
        class: 'exposed',
        x: x(i) + colW * 0.02,
        width: colW * 0.28,
        y: y(r.exposed.high),
        height: Math.max(2, y(r.exposed.low) - y(r.exposed.high)),
      });
      b.append(
        svg(
          'title',
          {},
          `round ${r.round}: the most the other side can know of your ` +
            `figure: ${money(r.exposed.low)} – ${money(r.exposed.high)} ` +
            `(${bitsText(r.exposedBits)} bits)`,
        ),
      );
      root.append(b);
      root.append(
        svg(
          'text',
          { x: x(i) + colW * 0.16, y: y(r.exposed.high) - 4, 'text-anchor': 'middle' },
          `${bitsText(r.exposedBits)} bits`,
        ),
      );
    }
  });

  // own figures, joined round to round
  const pts = d.rounds.map((r, i) => (r.own !== null ? [x(i), y(r.own)] : null)).filter(Boolean);
  if (pts.length > 1) {
    root.append(
      svg('polyline', { class: 'own-line', points: pts.map((p) => p.join(',')).join(' ') }),
    );
  }
  d.rounds.forEach((r, i) => {
    if (r.own === null) return;
    const c = svg('circle', { class: 'own', cx: x(i), cy: y(r.own), r: 5 });
    c.append(svg('title', {}, `round ${r.round}: your figure ${money(r.own)}`));
    root.append(c);
  });
  if (d.settlement !== null) {
    root.append(
      svg('line', {
        class: 'settle',
        x1: M.left,
        x2: W - M.right,
        y1: y(d.settlement),
        y2: y(d.settlement),
      }),
    );
    root.append(
      svg(
        'text',
        { x: W - M.right, y: y(d.settlement) - 6, 'text-anchor': 'end' },
        `settled at ${money(d.settlement)}`,
      ),
    );
  }

  const fig = document.createElement('figure');
  fig.className = 'dance';
  fig.append(root);
  const legend = document.createElement('ul');
  legend.className = 'legend';
  for (const [cls, label] of [
    ['own', 'your figure'],
    ['other', "where the other side's figure lies"],
    ['exposed', 'the most the other side can know of yours'],
    ['settle', 'the settlement'],
  ]) {
    const li = document.createElement('li');
    const sw = document.createElement('span');
    sw.className = `swatch ${cls}`;
    sw.setAttribute('aria-hidden', 'true');
    li.append(sw, label);
    legend.append(li);
  }
  const cap = document.createElement('figcaption');
  cap.textContent =
    'Drawn in this browser from your briefing only: it shows nothing the ' +
    'briefing does not already tell you.';
  fig.append(legend, cap);
  return fig;
}
