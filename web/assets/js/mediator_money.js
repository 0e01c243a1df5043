// Amounts on the mediator's pages: typed in major units with the currency's grouping,
// held and sent as BigInt minor units (a range may reach 2^62 - 1 minor units), shown
// grouped. The table is src/core/money.c's.
export const CURRENCIES = Object.freeze([
  { code: 'USD', exponent: 2, name: 'US dollar' },
  { code: 'EUR', exponent: 2, name: 'euro' },
  { code: 'GBP', exponent: 2, name: 'pound sterling' },
  { code: 'JPY', exponent: 0, name: 'yen' },
  { code: 'KRW', exponent: 0, name: 'won' },
  { code: 'CHF', exponent: 2, name: 'Swiss franc' },
  { code: 'CNY', exponent: 2, name: 'renminbi' },
  { code: 'INR', exponent: 2, name: 'Indian rupee' },
  { code: 'CAD', exponent: 2, name: 'Canadian dollar' },
  { code: 'AUD', exponent: 2, name: 'Australian dollar' },
  { code: 'KWD', exponent: 3, name: 'Kuwaiti dinar' },
]);

function exponentOf(code) {
  const c = CURRENCIES.find((x) => x.code === code);
  return c ? c.exponent : 2;
}

/**
 * "1,250,000.50" in CODE → { value: BigInt minor units } or { error }. Commas group
 * digits (in threes, as nk_money_parse takes them); at most the currency's decimals.
 */
export function parseMajor(text, code) {
  const exp = exponentOf(code);
  const t = String(text ?? '').trim();
  if (t.length > 40) return { error: 'the amount is too long' };
  if (t.startsWith('-')) return { error: 'an amount may not be negative' };
  const m = /^([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?$/.exec(t);
  if (!m) return { error: `expected an amount such as 1,250,000${exp ? '.' + '5'.padEnd(exp, '0') : ''}` };
  const frac = m[2] ?? '';
  if (frac.length > exp) {
    return {
      error: exp === 0 ? `${code} amounts have no decimals`
        : `${code} amounts have at most ${exp} decimal${exp === 1 ? '' : 's'}`,
    };
  }
  const digits = m[1].replace(/,/g, '') + frac.padEnd(exp, '0');
  return { value: BigInt(digits) };
}

/** Minor units (BigInt or number) → "1,250,000.50 USD". */
export function formatMinor(minor, code, { unit = true } = {}) {
  const exp = exponentOf(code);
  let v = BigInt(minor);
  const neg = v < 0n;
  if (neg) v = -v;
  const s = v.toString().padStart(exp + 1, '0');
  const whole = s.slice(0, s.length - exp).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const text = (neg ? '-' : '') + whole + (exp ? '.' + s.slice(s.length - exp) : '');
  return unit ? `${text} ${code}` : text;
}
