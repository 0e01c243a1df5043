// A package case on the party's page (doc/package.md, "Blind package rounds"): the
// frame in words, the valuation for the open round (a file such as examples/'s, or
// pasted JSON), the proposed package with what it is worth to this party, and the
// answer. A joined party's valuation is signed over its normal form, the text
// `nakodo package check` prints, written compact with sorted keys (doc/formats.md,
// "Signed request body"): normalValuation() rebuilds it here.
import { utf8 } from './crypto.js';
import { formatLeft } from './case_facts.js';
import { formatAmount, minorDigits } from './money.js';
import { append, el, field, form, FormError, readFileBytes, scrollTable, section } from './ui.js';

const VALUATION_MAX = 65536;
const AMOUNT_FIELDS = new Set(['reservation', 'min', 'max', 'step', 'worth', 'amount']);
const REAL_FIELDS = new Set(['discount', 'rate', 'grace', 'maturity']);

class Real {
  constructor(v) {
    this.v = v;
  }

  // C's %.15g, with ".0" after a whole number, as jansson writes reals
  toString() {
    const n = Number(this.v.toPrecision(15));
    return Number.isInteger(n) ? `${n}.0` : String(n);
  }
}

/** "250,000,000" → "250,000,000.00" for USD: the normal form's amount text. */
export function normalAmount(text, currency, path) {
  const digits = minorDigits(currency);
  const s = String(text).replace(/,/g, '');
  const m = /^(\d+)(?:\.(\d*))?$/.exec(s);
  if (!m || (m[2] || '').length > digits)
    throw new FormError('valuation', `${path}: not an amount in ${currency}`);
  const whole = BigInt(m[1])
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return digits ? `${whole}.${(m[2] || '').padEnd(digits, '0')}` : whole;
}

function normal(v, currency, key, path) {
  if (Array.isArray(v)) return v.map((x, i) => normal(x, currency, '', `${path}[${i}]`));
  if (v && typeof v === 'object') {
    const o = {};
    for (const [k, x] of Object.entries(v)) {
      // a term given as a range keeps its name's kind in min, max and step
      const kind = REAL_FIELDS.has(key) && ['min', 'max', 'step'].includes(k) ? key : k;
      o[k] = normal(x, currency, kind, path ? `${path}.${k}` : k);
    }
    if (key === 'grant' && o.per_year === undefined) o.per_year = 1;
    return o;
  }
  if (REAL_FIELDS.has(key) && typeof v === 'number') return new Real(v);
  if (AMOUNT_FIELDS.has(key) && typeof v === 'string') return normalAmount(v, currency, path);
  return v;
}

function compact(v) {
  if (v instanceof Real) return v.toString();
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(compact).join(',')}]`;
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${compact(v[k])}`)
    .join(',')}}`;
}

/** The bytes a valuation's signature covers: {"round":R,"valuation":V} compact, sorted. */
export function valuationBody(valuation, round) {
  if (!valuation || typeof valuation !== 'object' || Array.isArray(valuation)) {
    throw new FormError('valuation', 'a valuation is a JSON object');
  }
  const v = normal(valuation, valuation.currency, '', '');
  return utf8(`{"round":${round},"valuation":${compact(v)}}`);
}

/** Sends a valuation for round (bound to it), signed when the role has joined. */
export async function submitValuation(api, valuation, round) {
  return api.act(
    'package',
    'package',
    { round, valuation },
    { signedBody: valuationBody(valuation, round) },
  );
}

export function rulesSection(brief) {
  const f = brief.frame || {};
  return section(
    'The rules of this case',
    { level: 2, id: 'rules' },
    el(
      'ul',
      {},
      el('li', {
        text:
          `A package case in ${f.currency}, over ${(f.components || []).join(', ')}, in at ` +
          `most ${f.rounds} round(s).`,
      }),
      el('li', {
        text:
          'In each round each side gives the go-between its confidential valuation: what each ' +
          'part is worth to it, its discount rate and its reservation (the least value a ' +
          'claimant accepts, the most cost a payer bears).',
      }),
      el('li', {
        text:
          `From the two, the go-between proposes the package the ` +
          `${String(f.solution).replace('_', '-')} solution picks, if one is acceptable to ` +
          `both; each side then accepts or declines in confidence.`,
      }),
      f.monotone
        ? el('li', {
            text:
              "A claimant's reservation may not rise and a payer's may not fall between " +
              'rounds.',
          })
        : null,
      el('li', {
        text:
          "The go-between tells no side the other's valuation, and tells nothing else after a " +
          'round without a package.',
      }),
      typeof f.deadline === 'string'
        ? el('li', {
            text:
              `Deadline: ${f.deadline} (UTC). The case closes then unless it has settled` +
              (f.improvements ? '; in an improvement phase the accepted package stands.' : '.'),
          })
        : null,
      f.improvements
        ? el('li', {
            text:
              'Improvements: a package both accept is tentative. Each side may then give a ' +
              'sealed improvement valuation; the go-between proposes the package better for ' +
              'both (or better for one and no worse for the other) that splits the gain most ' +
              'equally, each on its own scale. It replaces the accepted package only if both ' +
              'accept it; otherwise the accepted package stands.',
          })
        : null,
    ),
  );
}

function parts(pkg, currency) {
  const rows = [];
  for (const [name, p] of Object.entries(pkg)) {
    if (!p || typeof p !== 'object') continue;
    // a number as the mediator's page prints it: no binary noise (3.5, not 3.5000000000000004)
    const num = (v) => (typeof v === 'number' ? String(Number(v.toPrecision(12))) : String(v));
    const terms = Object.entries(p)
      .filter(([k]) => k !== 'amount')
      .map(([k, v]) => `${k} ${num(v)}`)
      .join(', ');
    rows.push(el('li', { text: `${name}: ${p.amount} ${currency}${terms ? ` (${terms})` : ''}` }));
  }
  if (pkg.label) rows.push(el('li', { text: `called “${pkg.label}”` }));
  return el('ul', {}, ...rows);
}

/**
 * The frame's deadline (doc/package.md, "Deadlines") as the CLI's briefing says it: the
 * time left by this browser's clock (now, ms) while the case is open, and whether it
 * passed; null for a case without one. Read from the briefing alone.
 */
export function deadlinePanel(brief, now = Date.now()) {
  const when = brief.frame?.deadline;
  if (typeof when !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(when)) return null;
  const items = [el('li', { id: 'rule-deadline', text: `Deadline: ${when} (UTC).` })];
  if (brief.state === 'open') {
    items.push(el('li', { id: 'deadline-left',
      text: `Time left before the deadline: ${formatLeft(Date.parse(when) - now)}.` }));
  }
  if (brief.deadlines?.deadline_passed === true) {
    items.push(el('li', { id: 'deadline-passed', text: brief.state === 'settled'
      ? 'The deadline passed: the package both accepted stands.'
      : 'The deadline passed: the case closed.' }));
  }
  return el('div', { class: 'panel', id: 'deadlines' },
    el('h3', { text: 'Deadline' }), el('ul', {}, ...items));
}

export function briefSection(brief) {
  const c = brief.frame ? brief.frame.currency : brief.currency;
  const s = section(
    'Your briefing',
    { level: 2, id: 'briefing' },
    el('p', {
      text:
        `Round ${brief.round} of ${brief.frame ? brief.frame.rounds : '?'}; state: ` +
        `${brief.state}.`,
    }),
    deadlinePanel(brief),
  );
  const rows = (brief.rounds || []).map((r) =>
    el(
      'tr',
      {},
      el('th', { scope: 'row', text: String(r.round) }),
      el('td', { text: r.submitted ? 'sent' : 'not yet' }),
      el('td', { text: r.outcome || '—' }),
      el('td', { text: r.answer || '—' }),
      el('td', {
        text: r.accepted === undefined ? '—' : r.accepted ? 'both accepted' : 'not accepted',
      }),
    ),
  );
  append(
    s,
    scrollTable(
      'Your rounds',
      el(
        'table',
        {},
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ...['Round', 'Your valuation', 'Outcome', 'Your answer', 'Result'].map((h) =>
              el('th', { scope: 'col', text: h }),
            ),
          ),
        ),
        el('tbody', {}, ...rows),
      ),
    ),
  );
  if (brief.package && brief.package.package) {
    append(
      s,
      el('h3', { text: `The proposed package (round ${brief.package.round})` }),
      parts(brief.package.package, c),
    );
  }
  const v = brief.own && brief.own.value_of_package;
  if (v) {
    const word = brief.role === 'payer' ? 'costs' : 'is worth';
    append(
      s,
      el(
        'p',
        {},
        `By your valuation of round ${v.round} it ${word} you `,
        el('strong', { text: formatAmount(v.total, c) }),
        v.acceptable ? ', within your reservation.' : ', outside your reservation.',
      ),
      el(
        'ul',
        {},
        ...Object.entries(v.parts || {}).map(([k, x]) =>
          el('li', { text: `${k}: ${formatAmount(x, c)}` }),
        ),
      ),
    );
  }
  if (brief.improvement) append(s, improvementPart(brief, c));
  return s;
}

// The improvement phase as the party may know it: who submitted, the proposed
// improvement, its own worths on its improvement valuation, the result.
function improvementPart(brief, c) {
  const im = brief.improvement;
  const word = brief.role === 'payer' ? 'cost' : 'value';
  const out = el(
    'div',
    {},
    el('h3', { text: 'Improvements' }),
    el('p', {
      text:
        (im.phase === 'open'
          ? 'Both sides accepted the package above: it is tentative while either may still ' +
            'propose an improvement. '
          : 'The improvement phase is over. ') +
        `Your improvement valuation: ${im.submitted?.[brief.role] ? 'in' : 'not in'}.`,
    }),
  );
  if (im.outcome === 'none') {
    append(out, el('p', { text: 'No package improves on it for both: it stands.' }));
  }
  if (im.package) append(out, el('p', { text: 'The proposed improvement:' }), parts(im.package, c));
  if (im.own) {
    append(
      out,
      el(
        'p',
        {},
        `By your improvement valuation the accepted package's ${word} is `,
        el('strong', { text: formatAmount(im.own.baseline, c) }),
        im.own.improvement === undefined
          ? '.'
          : `, the improvement's ${formatAmount(im.own.improvement, c)}.`,
      ),
    );
  }
  if (im.accepted !== undefined) {
    append(
      out,
      el('p', {
        text: im.accepted
          ? 'Both accepted the improvement: the case settled on it.'
          : 'The improvement was not accepted by both: the accepted package stands.',
      }),
    );
  }
  return out;
}

/**
 * A form that reads a valuation file (or pasted JSON) and sends it for round: a round's
 * valuation or an improvement valuation, which travel by the same route.
 */
function valuationForm(api, round, set, { label, what, hint, done }) {
  const file = field({
    name: 'file',
    label: `${what[0].toUpperCase()}${what.slice(1)} file (JSON, as nakodo package check reads)`,
    type: 'file',
    accept: '.json,application/json',
  });
  const text = field({
    name: 'valuation',
    label: `Or paste the ${what}`,
    multiline: true,
    hint,
  });
  return form({
    label,
    fields: [file, text],
    submit: `Send my ${what}`,
    onSubmit: async () => {
      let raw = text.input.value;
      if (file.input.files && file.input.files[0]) {
        raw = new TextDecoder().decode(await readFileBytes(file.input.files[0], VALUATION_MAX));
      }
      if (!raw.trim()) throw new FormError('valuation', 'choose a valuation file or paste one');
      let v;
      try {
        v = JSON.parse(raw);
      } catch {
        throw new FormError('valuation', 'not JSON');
      }
      const b = await submitValuation(api, v, round);
      text.input.value = '';
      file.input.value = '';
      set(b);
      return done;
    },
  });
}

/**
 * What the party can do: send a valuation for the open round, answer a package, and,
 * once the case has ended, the receipt (receipt(): the party page's form, which signs it).
 */
export function actSection(api, brief, { once, set, receipt }) {
  const s = section('What you can do now', { level: 2, id: 'act' });
  const cur = (brief.rounds || []).find((r) => r.round === brief.round);
  const im = brief.improvement;
  const improving = brief.state === 'open' && im && im.phase === 'open';
  if (improving) return improvementActs(api, brief, s, { once, set });
  if (brief.state === 'open' && cur && !cur.submitted) {
    append(
      s,
      once(`valuation-${brief.round}`, () =>
        valuationForm(api, brief.round, set, {
          label: `Your valuation for round ${brief.round}`,
          what: 'valuation',
          hint:
            'Sent for this round only; the go-between seals it and deletes it when the case ' +
            'ends. The other side never sees it.',
          done: `Your valuation for round ${brief.round} is in.`,
        }),
      ).form,
    );
  }
  if (
    brief.state === 'open' &&
    cur &&
    cur.submitted &&
    (!cur.outcome || cur.outcome === 'pending')
  ) {
    append(
      s,
      el('p', {
        text:
          `Your valuation for round ${brief.round} is in; the round is evaluated once the ` +
          `other side's is.`,
      }),
    );
  }
  if (cur && cur.outcome === 'package' && !cur.answer && brief.state === 'open') {
    for (const accept of [true, false]) {
      append(
        s,
        once(`pkg-answer-${brief.round}-${accept}`, () =>
          form({
            label: accept ? 'Accept the package' : 'Decline the package',
            submit: accept ? 'Accept the package' : 'Decline the package',
            onSubmit: async () => {
              set(await api.answer(accept));
              return 'Answered in confidence.';
            },
          }),
        ).form,
      );
    }
  }
  if (cur && cur.answer && brief.state === 'open') {
    append(
      s,
      el('p', {
        text:
          `You answered the proposed package: ${cur.answer}, in confidence. The other side ` +
          `learns it only if both accept.`,
      }),
    );
  }
  if (brief.state !== 'open') {
    append(s, receipt());
  }
  return s;
}

// The improvement phase's actions: the sealed improvement valuation (sent by the same
// route as a round's, signed alike), declining to look further, answering the proposal.
function improvementActs(api, brief, s, { once, set }) {
  const im = brief.improvement;
  const mine = im.submitted?.[brief.role];
  if (!mine && im.outcome === 'pending') {
    append(
      s,
      once(`improvement-${brief.round}`, () =>
        valuationForm(api, brief.round, set, {
          label: 'Your improvement valuation',
          what: 'improvement valuation',
          hint:
            'Your scale over the parts now; its reservation is not used (the accepted package ' +
            'is your floor). Sealed, deleted when the case ends, never shown to the other side.',
          done: 'Your improvement valuation is in.',
        }),
      ).form,
    );
  } else if (im.outcome === 'pending') {
    append(s, el('p', { text: "Your improvement valuation is in; the search runs once the " +
      "other side's is." }));
  }
  const proposed = im.outcome === 'package' && im.answer === undefined;
  if (proposed || (im.outcome === 'pending' && im.answer === undefined)) {
    for (const accept of proposed ? [true, false] : [false]) {
      const label = accept ? 'Accept the improvement'
        : proposed ? 'Decline the improvement' : 'Keep the accepted package';
      append(
        s,
        once(`improvement-answer-${accept}-${proposed}`, () =>
          form({
            label,
            submit: label,
            onSubmit: async () => {
              set(await api.answer(accept));
              return accept ? 'Answered in confidence.' : 'The accepted package stands.';
            },
          }),
        ).form,
      );
    }
  }
  if (im.answer !== undefined && brief.state === 'open') {
    append(s, el('p', { text: `You answered the improvement: ${im.answer}, in confidence.` }));
  }
  return s;
}
