// Opening a case from the console: the form's text turned into the RULES or FRAME object
// of POST /v1/cases (doc/api.md), with every check `nakodo case new` and `nakodo package
// open` make, so that a mistake is told beside its field before anything is sent; the
// server checks again and its refusal is shown the same way. Amounts are typed in major
// units and sent in minor units as BigInt, since a range may reach 2^62 - 1 minor units,
// beyond what a JavaScript number holds exactly.
import { parseAmount, formatAmount, AmountError } from './money.js';
import { formatLeft } from './case_facts.js';

// The currencies the server knows (src/core/money.c); money.js gives their decimals.
export const CURRENCIES = Object.freeze([
  ['USD', 'US dollar'], ['EUR', 'euro'], ['GBP', 'pound sterling'], ['JPY', 'yen'],
  ['KRW', 'won'], ['CHF', 'Swiss franc'], ['CNY', 'renminbi'], ['INR', 'Indian rupee'],
  ['CAD', 'Canadian dollar'], ['AUD', 'Australian dollar'], ['KWD', 'Kuwaiti dinar'],
].map(([code, name]) => ({ code, name })));

export const ROUNDS_MAX = 50;
export const HINTS_MAX = 6;
export const PROPOSALS_MAX = 5;
export const AMOUNT_MAX = 4611686018427387903n; // NK_AMOUNT_MAX, 2^62 - 1
export const COMPONENTS = ['claims', 'grant', 'loan', 'credits'];
export const TITLE_MAX = 120; // NK_TITLE_MAX, bytes of UTF-8
export const SOLUTIONS = ['nash', 'kalai_smorodinsky', 'egalitarian', 'utilitarian'];
const BP_ONE = 10000;
export const ROUND_TIME_MIN = 60; // NK_ROUND_TIME_MIN_MS / 1000: one minute
export const ROUND_TIME_MAX = 7776000; // NK_ROUND_TIME_MAX_MS / 1000: 90 days
const DEADLINE_AHEAD_MAX_MS = 366 * 86400000; // NK_DEADLINE_AHEAD_MAX_MS
const ROUND_TIME_UNITS = { minutes: 60, hours: 3600, days: 86400 };

/** A whole number within [lo, hi] from text, or a reason. */
function wholeNumber(text, lo, hi, what) {
  const t = String(text ?? '').trim();
  if (t === '') return { error: `${what} is empty` };
  if (!/^[0-9]{1,3}$/.test(t)) {
    return { error: `${what} must be a whole number from ${lo} to ${hi}` };
  }
  const n = Number(t);
  if (n < lo || n > hi) return { error: `${what} must be between ${lo} and ${hi}` };
  return { value: n };
}

/** A percent with at most two decimals, in basis points (nk_percent_parse). */
export function parsePercent(text) {
  const t = String(text ?? '').trim().replace(/%$/, '');
  if (!/^[0-9]{1,3}(\.[0-9]{1,2})?$/.test(t)) {
    return { error: 'expected a percent such as 10 or 12.5 (at most two decimals)' };
  }
  const [whole, frac = ''] = t.split('.');
  const bp = Number(whole) * 100 + Number((frac + '00').slice(0, 2));
  if (bp > BP_ONE) return { error: 'a percent above 100 makes no sense here' };
  return { value: bp };
}

/** "none", "" or "10,25" → thresholds in basis points (nk_rules_parse_hints). */
export function parseHints(text) {
  const t = String(text ?? '').trim();
  if (t === '' || t === 'none') return { value: [] };
  const parts = t.split(',').map((p) => p.trim());
  if (parts.length > HINTS_MAX) return { error: `at most ${HINTS_MAX} thresholds` };
  const bp = [];
  for (const p of parts) {
    if (p === '') return { error: 'an empty threshold (a stray comma?)' };
    const r = parsePercent(p);
    if (r.error) return r;
    if (r.value === 0 || r.value >= BP_ONE) {
      return { error: 'each threshold must lie strictly between 0% and 100%' };
    }
    if (bp.length && r.value <= bp[bp.length - 1]) {
      return { error: 'thresholds must be in ascending order' };
    }
    bp.push(r.value);
  }
  return { value: bp };
}

/**
 * The optional round time: a whole number of minutes, hours or days, in seconds (the
 * API's "round_time"), { value } (null when empty) or { error } beginning with the
 * server's own words for a round_time it refuses.
 */
export function parseRoundTime(text, unit) {
  const t = String(text ?? '').trim();
  if (t === '') return { value: null };
  const size = ROUND_TIME_UNITS[unit];
  if (!size) return { error: 'choose minutes, hours or days' };
  if (!/^[0-9]{1,8}$/.test(t)) {
    return { error: 'must be an integer: a round time is a whole number of minutes, hours '
      + 'or days' };
  }
  const s = Number(t) * size;
  if (s < ROUND_TIME_MIN || s > ROUND_TIME_MAX) {
    return { error: 'out of bounds: a round time is 1 minute to 90 days' };
  }
  return { value: s };
}

/**
 * The optional deadline from a date-time input, read as UTC (the form says so): { value }
 * as the API's UTC text ("2027-01-31T17:00:00Z", null when empty) or { error } in the
 * server's words (nk_time_parse_utc, nk_case_open_titled). "Ahead" is by this browser's
 * clock (now, ms); the server checks again by its own, and its refusal shows here too.
 */
export function parseDeadline(text, now = Date.now()) {
  const t = String(text ?? '').trim();
  if (t === '') return { value: null };
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?Z?$/.exec(t);
  const n = m ? m.slice(1).map((x) => Number(x ?? 0)) : null;
  if (!n || n[0] < 2000 || n[1] < 1 || n[1] > 12 || n[2] < 1 || n[2] > 31 || n[3] > 23
      || n[4] > 59 || n[5] > 59) {
    return { error: 'expected a UTC time such as 2027-01-31T17:00:00Z' };
  }
  const ms = Date.UTC(n[0], n[1] - 1, n[2], n[3], n[4], n[5]);
  const value = new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const two = (x) => String(x).padStart(2, '0');
  // Date.UTC carries 30 February into March: refuse a date that does not exist
  if (value.slice(0, 10) !== `${n[0]}-${two(n[1])}-${two(n[2])}`) return { error: 'no such date' };
  if (ms <= now || ms > now + DEADLINE_AHEAD_MAX_MS) {
    return { error: 'the deadline must lie ahead, within 366 days' };
  }
  return { value };
}

function amount(text, currency, what, { allowEmpty = false, positive = false } = {}) {
  const t = String(text ?? '').trim();
  if (t === '') return allowEmpty ? { value: null } : { error: `${what} is empty` };
  let value;
  try {
    value = BigInt(parseAmount(t, currency));
  } catch (e) {
    if (e instanceof AmountError) return { error: `${what}: ${e.reason}` };
    throw e;
  }
  if (positive && value === 0n) return { error: `${what} must be at least one minor unit` };
  return { value };
}

/**
 * The rules of a case of figures from the form's values (strings, and `monotone` a
 * boolean). Returns { rules } or { errors: [{ field, reason }] }, field being the form's
 * name for the input at fault.
 */
export function rulesFromForm(v, now = Date.now()) {
  const errors = [];
  const bad = (field, reason) => errors.push({ field, reason });
  const currency = CURRENCIES.find((c) => c.code === v.currency);
  if (!currency) bad('currency', 'choose a currency');
  const rounds = wholeNumber(v.rounds, 1, ROUNDS_MAX, 'the number of rounds');
  if (rounds.error) bad('rounds', rounds.error);
  const proposals = wholeNumber(v.proposals, 0, PROPOSALS_MAX, 'the number of proposals');
  if (proposals.error) bad('proposals', proposals.error);
  const hints = parseHints(v.hints);
  if (hints.error) bad('hints', hints.error);
  const leak = String(v.leakage_bits ?? '').trim();
  const bits = Number(leak);
  if (leak === '') bad('leakage_bits', 'the leakage budget is empty');
  else if (!/^[0-9]+(\.[0-9]+)?$/.test(leak) || !(bits >= 0 && bits <= 64)) {
    bad('leakage_bits', 'the leakage budget must be a number of bits between 0 and 64');
  }
  let settle = v.settle;
  let bandBp = 0;
  let bandAmount = 0n;
  if (!['midpoint', 'band', 'random'].includes(settle)) bad('settle', 'choose a settlement rule');
  const c = currency ? currency.code : 'USD';
  if (settle === 'band') {
    const pct = String(v.band_percent ?? '').trim();
    if (pct !== '') {
      const r = parsePercent(pct);
      if (r.error) bad('band_percent', r.error);
      else if (r.value === 0 || r.value >= BP_ONE) {
        bad('band_percent', 'the band percent must lie strictly between 0% and 100%');
      } else bandBp = r.value;
    }
    const a = amount(v.band_amount, c, 'the band amount', { allowEmpty: true });
    if (a.error) bad('band_amount', a.error);
    else if (a.value !== null) bandAmount = a.value;
    if (pct === '' && a.value === null && !errors.some((e) => e.field.startsWith('band'))) {
      bad('band_percent', 'a band needs a percent or an amount (or both)');
    }
    if (a.value === 0n) bad('band_amount', 'a band of 0 is no band');
  }
  let grid = 1n;
  const g = amount(v.grid, c, 'the grid step', { allowEmpty: true, positive: true });
  if (g.error) bad('grid', g.error);
  else if (g.value !== null) grid = g.value;
  const lo = amount(v.range_low, c, 'the lowest figure', { allowEmpty: true });
  const hi = amount(v.range_high, c, 'the highest figure', { allowEmpty: true });
  if (lo.error) bad('range', lo.error);
  if (hi.error) bad('range', hi.error);
  const low = lo.value ?? 0n;
  const high = hi.value ?? AMOUNT_MAX;
  if (!lo.error && !hi.error) {
    if (low >= high) bad('range', 'the lowest figure must be below the highest');
    else if (hints.value && hints.value.length && lo.value === null && hi.value === null) {
      bad('range', 'hints need a declared range, so that their leakage can be measured');
    }
  }
  const roundTime = parseRoundTime(v.round_time, v.round_time_unit);
  if (roundTime.error) bad('round_time', roundTime.error);
  const deadline = parseDeadline(v.deadline, now);
  if (deadline.error) bad('deadline', deadline.error);
  // the bridge's budget (doc/toolkit.md): refused in the server's words (nk_bridge_check)
  const bridge = amount(v.bridge, c, 'the bridge', { allowEmpty: true });
  if (bridge.error) bad('bridge', bridge.error);
  else if (bridge.value !== null && bridge.value <= 0n) {
    bad('bridge', 'a bridge\'s budget must be positive');
  } else if (bridge.value !== null && !lo.error && !hi.error && bridge.value > high - low) {
    bad('bridge', 'a bridge\'s budget may not exceed the width of the case\'s range');
  }
  if (errors.length) return { errors };
  return {
    rules: {
      currency: currency.code,
      rounds: rounds.value,
      monotone: !!v.monotone,
      settle,
      band_bp: bandBp,
      band_amount: bandAmount,
      grid,
      hints_bp: hints.value,
      range_low: low,
      range_high: high,
      leakage_bits: bits,
      proposals: proposals.value,
      ...(roundTime.value === null ? {} : { round_time: roundTime.value }),
      ...(deadline.value === null ? {} : { deadline: deadline.value }),
      ...(bridge.value === null ? {} : { bridge: bridge.value }),
    },
  };
}

/** The frame of a package case (doc/formats.md, "Package frame"). */
export function frameFromForm(v, now = Date.now()) {
  const errors = [];
  const currency = CURRENCIES.find((c) => c.code === v.currency);
  if (!currency) errors.push({ field: 'currency', reason: 'choose a currency' });
  const rounds = wholeNumber(v.rounds, 1, ROUNDS_MAX, 'the number of rounds');
  if (rounds.error) errors.push({ field: 'rounds', reason: rounds.error });
  const comps = Array.isArray(v.components) ? v.components : [];
  if (comps.length < 1 || comps.length > 4) {
    errors.push({ field: 'components', reason: 'choose between 1 and 4 components' });
  } else if (comps.some((x) => !COMPONENTS.includes(x))) {
    errors.push({ field: 'components', reason: 'expected claims, grant, loan or credits' });
  }
  if (!SOLUTIONS.includes(v.solution)) {
    errors.push({ field: 'solution', reason: 'choose a solution' });
  }
  const deadline = parseDeadline(v.package_deadline, now);
  if (deadline.error) errors.push({ field: 'package_deadline', reason: deadline.error });
  if (errors.length) return { errors };
  return {
    frame: {
      currency: currency.code,
      components: COMPONENTS.filter((x) => comps.includes(x)),
      solution: v.solution,
      rounds: rounds.value,
      monotone: !!v.monotone,
      hints: 'none',
      // written only when chosen, as the command writes it
      ...(v.improvements ? { improvements: true } : {}),
      ...(deadline.value === null ? {} : { deadline: deadline.value }),
    },
  };
}

// Characters that would let a title pass for other text where a briefing shows it:
// C0 and C1 controls, line separators, direction marks and overrides (src/base/title.c).
function disguising(cp) {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029
    || cp === 0x061c || cp === 0x200e || cp === 0x200f || (cp >= 0x202a && cp <= 0x202e)
    || (cp >= 0x2066 && cp <= 0x2069);
}

// Characters that show as nothing (src/base/title.c): two titles that look the same
// could differ, or a title look empty.
function invisible(cp) {
  return cp === 0x00ad || cp === 0x034f || cp === 0x115f || cp === 0x1160 || cp === 0x17b4
    || cp === 0x17b5 || cp === 0x180e || cp === 0x200b || (cp >= 0x2060 && cp <= 0x206f)
    || cp === 0x3164 || cp === 0xfeff || cp === 0xffa0 || (cp >= 0xfff0 && cp <= 0xfffb)
    || (cp >= 0x1bca0 && cp <= 0x1bca3) || (cp >= 0x1d173 && cp <= 0x1d17a)
    || (cp >= 0xe0000 && cp <= 0xe00ff) || (cp >= 0xe01f0 && cp <= 0xe0fff);
}

// Taken, but nothing alone: joiners, variation selectors, the Braille blank.
function blankMark(cp) {
  return cp === 0x200c || cp === 0x200d || (cp >= 0x180b && cp <= 0x180d) || cp === 0x180f
    || (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef) || cp === 0x2800;
}

function space(cp) {
  return cp === 0x20 || cp === 0xa0 || cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200a)
    || cp === 0x202f || cp === 0x205f || cp === 0x3000;
}

/**
 * The case's optional title (nk_title_check): { value } (null when the field is empty)
 * or { error } in the server's words, so that a refusal reads the same from either.
 */
export function parseTitle(text) {
  const t = String(text ?? '');
  if (t === '') return { value: null };
  const size = new TextEncoder().encode(t).length;
  if (size > TITLE_MAX) {
    return { error: `a title is at most ${TITLE_MAX} bytes (this one has ${size})` };
  }
  let at = 1;
  let seen = false;
  for (const ch of t) {
    const cp = ch.codePointAt(0);
    // a lone surrogate has no UTF-8 form
    if (cp >= 0xd800 && cp <= 0xdfff) {
      return { error: `a title must be UTF-8 text (byte ${at} is not)` };
    }
    if (disguising(cp)) {
      const hex = cp.toString(16).toUpperCase().padStart(4, '0');
      return { error: 'a title may not hold control, line-separator or direction characters '
        + `(U+${hex} at byte ${at})` };
    }
    if (invisible(cp)) {
      const hex = cp.toString(16).toUpperCase().padStart(4, '0');
      return { error: `a title may not hold invisible characters (U+${hex} at byte ${at})` };
    }
    seen ||= !space(cp) && !blankMark(cp);
    at += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  if (!seen) return { error: 'a title may not be only spaces' };
  return { value: t };
}

/** Which input a server refusal's `field` points at. */
export function inputForField(field) {
  const map = {
    range_low: 'range', range_high: 'range', hints_bp: 'hints', band_bp: 'settle',
    band_amount: 'settle', 'leakage-bits': 'leakage_bits', leakage_bits: 'leakage_bits',
    hints: 'hints', currency: 'currency', rounds: 'rounds', settle: 'settle',
    grid: 'grid', proposals: 'proposals', monotone: 'monotone', components: 'components',
    solution: 'solution', range: 'range', title: 'title', round_time: 'round_time',
    deadline: 'deadline', improvements: 'improvements', bridge: 'bridge',
  };
  return map[field] ?? null;
}

/** The invitation link of a role: the token travels in the fragment only. */
export function invitationLink(origin, caseId, token) {
  return `${origin}/case/${encodeURIComponent(caseId)}#token=${token}`;
}

/** The rules in a few plain words, for the summary after opening. */
export function describeRules(rules) {
  const c = rules.currency;
  const out = [['Currency', c], ['Rounds', String(rules.rounds)],
    ['Monotone', rules.monotone ? 'yes' : 'no']];
  if (rules.improvements) out.push(['Improvements', 'after a tentative package']);
  if ('settle' in rules) {
    let settle = rules.settle;
    if (settle === 'band') {
      const parts = [];
      if (rules.band_bp) parts.push(`${rules.band_bp / 100}% of the demand`);
      if (rules.band_amount) parts.push(formatAmount(rules.band_amount, c));
      settle = `band (within ${parts.join(' or ')})`;
    }
    out.push(['Settlement rule', settle]);
    out.push(['Grid', formatAmount(rules.grid, c)]);
    out.push(['Hints', rules.hints_bp.length
      ? rules.hints_bp.map((b) => `${b / 100}%`).join(', ') : 'none']);
    const noLimit = BigInt(rules.range_high) >= AMOUNT_MAX - 1024n
      || rules.range_high >= Number.MAX_SAFE_INTEGER;
    out.push(['Range', `${formatAmount(rules.range_low, c)} to ${
      noLimit ? 'no limit' : formatAmount(rules.range_high, c)}`]);
    out.push(['Leakage budget', `${rules.leakage_bits} bits`]);
    out.push(['Proposals', String(rules.proposals)]);
    if (Number.isSafeInteger(rules.round_time)) {
      out.push(['Round time', `${formatLeft(rules.round_time * 1000)}: a round not complete `
        + 'by then lapses']);
    }
    if (typeof rules.deadline === 'string') {
      out.push(['Deadline', `${rules.deadline} (UTC): the case closes then unless settled`]);
    }
    if (Number.isSafeInteger(rules.neutrals) && rules.neutrals > 0) {
      out.push(['Neutrals', `${rules.neutrals}: after an impasse each is shown both last `
        + 'figures and gives a fair figure; the party closer to their median settles it']);
    }
    if (rules.bridge === true) {
      out.push(['Bridge', 'yes: a confidential budget pays the gap if the last round\'s '
        + 'figures fail to meet by no more than it (its amount is told to nobody)']);
    }
  } else {
    out.push(['Components', rules.components.join(', ')]);
    out.push(['Solution', rules.solution]);
    if (typeof rules.deadline === 'string') {
      out.push(['Deadline', `${rules.deadline} (UTC): the case closes then unless settled`]);
    }
  }
  return out;
}
