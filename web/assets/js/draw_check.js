// A party's check of a random settlement in its page, the check `nakodo verify --draw
// CASE --commitment HEX AMOUNT` makes (doc/bargain.md, "Checking the draw"): the revealed
// seed's SHA-256 is the commitment the party noted before its first figure (and the one
// the go-between shows now), and the seed, replayed with the party's own figure, draws
// the settlement. The figure is typed here, used here and sent nowhere: the case deleted
// it when it ended. A blind case's seed is the clients' own, kept in the command's state
// file, so its page says to check it with the command. Draws as core/bargain.c does.
import { lib, sha256, toHex } from './crypto.js';
import { formatAmount, parseAmount } from './money.js';
import { el, field, form, FormError } from './ui.js';

const DRAWS_MAX = 4096; // bargain.c's bound on the draws of one round
const AMOUNT_MAX = 2n ** 62n - 1n; // the largest amount (a case opened without a range)
const ALL = (1n << 128n) - 1n;
const LABEL = new TextEncoder().encode('nakodo-draw2');
const HEX64 = /^[0-9a-f]{64}$/;
const OWN = { claimant: 'demand', payer: 'offer' };

/** Whether brief is a plain (not blind) random case, where the go-between drew the seed. */
function randomPlain(brief) {
  return brief?.rules?.settle === 'random' && brief.rules.blind !== true && !!OWN[brief.role];
}

/** nk_bargain_draw: the next draw in [0, n) from seed for round, or null past the bound. */
function draw(seed, round, state, n) {
  const limit = ALL - (ALL % n);
  const s = lib();
  while (state.counter < DRAWS_MAX) {
    const msg = new Uint8Array(16);
    const c = state.counter;
    msg.set(LABEL);
    msg[12] = round & 0xff;
    msg[13] = c & 0xff;
    msg[14] = (c >> 8) & 0xff;
    msg[15] = (c >> 16) & 0xff;
    state.counter += 1;
    const h = s.crypto_generichash(16, msg, seed);
    let v = 0n;
    for (const b of h) v = (v << 8n) | BigInt(b);
    if (v < limit) return v % n;
  }
  return null;
}

const ceilDiv = (x, g) => x / g + (x % g !== 0n ? 1n : 0n);

/** bargain.c's random_point: the settlement the seed draws in [d, o] (BigInt minor units). */
export function randomPoint(rules, round, seed, d, o) {
  let g = rules.grid;
  let zlo = ceilDiv(d, g);
  let zhi = o / g;
  if (zlo > zhi) { // no grid point inside: every minor unit
    g = 1n;
    zlo = d;
    zhi = o;
  }
  let lo = ceilDiv(rules.low, g);
  let hi = rules.high / g;
  const state = { counter: 0 };
  for (;;) {
    const v = draw(seed, round, state, hi - lo + 1n);
    if (v === null) break;
    const k = lo + v;
    if (k < zlo) lo = k + 1n;
    else if (k > zhi) hi = k - 1n;
    else return k * g;
  }
  let k = lo + (hi - lo) / 2n;
  k = k < zlo ? zlo : k > zhi ? zhi : k;
  return k * g;
}

// The rules' amounts as exact integers. A JSON number past 2^53 does not survive in a
// page; the largest amount (a case without a range) reads as 2^62 and is taken as it.
function exactRules(r) {
  const big = (v) => {
    if (Number.isSafeInteger(v)) return BigInt(v);
    return v === Number(AMOUNT_MAX) ? AMOUNT_MAX : null;
  };
  const out = { grid: big(r.grid), low: big(r.range_low), high: big(r.range_high) };
  return out.grid && out.low !== null && out.high !== null ? out : null;
}

/** The sentence about the seed's commitment for the rules' list, or null. */
export function commitmentWords(brief) {
  if (brief?.rules?.settle !== 'random' || !OWN[brief.role]) return null;
  if (brief.rules.blind === true) {
    return 'The random draw\'s seed comes from both sides\' clients, each committed to its '
      + 'share at the set-up; check a random settlement with the command: nakodo verify '
      + `--draw ${brief.case} --key FILE YOUR-${OWN[brief.role].toUpperCase()}.`;
  }
  if (!HEX64.test(brief.seed_commitment || '')) return null;
  return `The go-between's commitment to the random draw's seed is ${brief.seed_commitment}. `
    + 'Note it now, before your first figure: once a settlement is drawn, "Check the random '
    + 'draw" on this page (or nakodo verify --draw) holds the revealed seed against it.';
}

/**
 * The form that checks a plain random settlement, or null when there is none to check.
 * current() gives the briefing as it is now.
 */
export function drawCheckForm(current) {
  const b0 = current();
  if (!randomPlain(b0) || b0.state !== 'settled' || b0.settlement?.by !== 'overlap'
    || !HEX64.test(b0.settlement.seed || '')) return null;
  const own = OWN[b0.role];
  const noted = field({
    name: 'commitment',
    label: 'The seed commitment you noted before your first figure',
    autocomplete: 'off',
    spellcheck: 'false',
    hint: '64 hex digits, from this page\'s rules (or nakodo brief --json, seed_commitment).',
  });
  const figure = field({
    name: 'figure',
    label: `Your ${own} in the settled round (${b0.currency})`,
    inputmode: 'decimal',
    autocomplete: 'off',
    hint: 'The case deleted it when it ended: type it here; it is used in this browser only.',
  });
  const result = el('ul', { class: 'draw-result', hidden: true });
  const f = form({
    label: 'Check the random draw',
    fields: [noted, figure],
    submit: 'Check the draw',
    extra: [result],
    onSubmit: async () => {
      result.hidden = true;
      const b = current();
      const text = noted.input.value.trim().toLowerCase();
      if (!HEX64.test(text)) {
        throw new FormError('commitment', 'expected the 64 hex digits you noted');
      }
      let mine;
      try {
        mine = BigInt(parseAmount(figure.input.value, b.currency));
      } catch (e) {
        throw new FormError('figure', e.reason || e.message);
      }
      const lines = checkLines(b, text, mine);
      result.replaceChildren(...lines.slice(0, -1).map((t) => el('li', { text: t })));
      result.hidden = false;
      return lines[lines.length - 1];
    },
  });
  return f.form;
}

// The two checks, worded as nakodo verify --draw words them.
function checkLines(b, noted, mine) {
  const s = b.settlement;
  const round = Math.max(0, ...(b.rounds || []).filter((r) => r.evaluated).map((r) => r.round));
  const seed = lib().from_hex(s.seed);
  const hashed = toHex(sha256(seed));
  const seedOk = hashed === b.seed_commitment && noted === b.seed_commitment;
  const seedWords = hashed !== b.seed_commitment
    ? 'the revealed seed\'s SHA-256 is NOT the commitment of the opening event'
    : noted !== b.seed_commitment
      ? 'the go-between now shows a commitment other than the one you noted when the case '
        + 'opened: the seed was changed after it was committed'
      : 'the revealed seed\'s SHA-256 is the commitment you noted when the case opened';
  const rules = exactRules(b.rules);
  const claimant = b.role === 'claimant';
  const settled = BigInt(s.figure);
  let drawOk = false;
  let drawWords;
  if (!rules) {
    drawWords = 'not replayed here: the case\'s range is too large for a page\'s numbers; use '
      + `nakodo verify --draw ${b.case} --commitment ${noted} YOUR-${OWN[b.role].toUpperCase()}`;
  } else if (claimant ? mine > settled : mine < settled) {
    drawWords = `the settlement lies ${claimant ? 'below' : 'above'} your ${OWN[b.role]}: not `
      + 'a draw between the two figures';
  } else {
    drawOk = randomPoint(rules, round, seed, claimant ? mine : settled,
      claimant ? settled : mine) === settled;
    drawWords = drawOk
      ? `replayed from the seed with your ${OWN[b.role]}, the first draw between it and the `
        + 'settlement is the settlement'
      : `replayed from the seed with your ${OWN[b.role]}, the draw does not land on the `
        + 'settlement';
  }
  return [
    `random settlement at ${formatAmount(s.figure, b.currency)} in round ${round}`,
    `${seedOk ? 'holds' : 'fails'} seed-commitment: ${seedWords}`,
    `${drawOk ? 'holds' : 'fails'} draw: ${drawWords}`,
    seedOk && drawOk
      ? 'Verified: the seed was fixed when the case opened and drew this settlement.'
      : 'NOT VERIFIED: the settlement is not the committed seed\'s draw.',
  ];
}
