// Amounts as people type and read them (major units, the currency's grouping) and as
// the API takes them (integers in minor units: cents for USD, yen for JPY).
// parseAmount refuses what the CLI refuses: empty, negative, more decimals than the
// currency has, past the case's range or past what a JSON integer carries exactly.

/** The currency's minor-unit digits (Intl knows ISO 4217: JPY 0, USD 2, BHD 3). */
export function minorDigits(currency) {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits;
  } catch {
    return 2;
  }
}

/** A money parsing error with the reason to show next to the field. */
export class AmountError extends Error {
  constructor(reason) {
    super(reason);
    this.name = 'AmountError';
    this.reason = reason;
  }
}

function locale() {
  return (globalThis.navigator && navigator.language) || 'en';
}

/** minor (an integer) shown in major units with the currency's symbol and grouping. */
export function formatAmount(minor, currency, { symbol = true } = {}) {
  const digits = minorDigits(currency);
  const n = BigInt(minor);
  const neg = n < 0n;
  const abs = neg ? -n : n;
  const scale = 10n ** BigInt(digits);
  const whole = abs / scale;
  const frac = abs % scale;
  // Intl formats the whole part (grouping) and the currency; the fraction is spliced
  // in exactly, so that amounts past 2^53 minor units are never rounded.
  const opts = symbol
    ? { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }
    : { minimumFractionDigits: digits, maximumFractionDigits: digits };
  const fmt = new Intl.NumberFormat(locale(), opts);
  const parts = fmt.formatToParts(neg ? -0.5 : 0.5);
  let out = '';
  for (const p of parts) {
    if (p.type === 'integer')
      out += new Intl.NumberFormat(locale(), { useGrouping: true }).format(whole);
    else if (p.type === 'group') continue;
    else if (p.type === 'fraction') out += String(frac).padStart(digits, '0');
    else out += p.value;
  }
  return out;
}

/** The decimal and group separators the user's locale writes. */
function separators() {
  const parts = new Intl.NumberFormat(locale()).formatToParts(12345.6);
  return {
    decimal: parts.find((p) => p.type === 'decimal')?.value || '.',
    group: parts.find((p) => p.type === 'group')?.value || ',',
  };
}

/**
 * The minor-unit integer of text typed in major units ("1,250,000.50" → 125000050 for
 * USD). bounds: {low, high} in minor units (the case's range), inclusive. Throws
 * AmountError with the reason.
 */
export function parseAmount(text, currency, { low = 0, high = Number.MAX_SAFE_INTEGER } = {}) {
  const digits = minorDigits(currency);
  const s = String(text ?? '')
    .trim()
    .replace(/[\s\u00a0\u202f']/g, '');
  if (s === '') throw new AmountError('enter an amount');
  if (/^[-\u2212]/.test(s)) throw new AmountError('an amount cannot be negative');
  const { decimal, group } = separators();
  let body = s;
  // Accept the locale's separators and the plain "1,234.56" form alike.
  if (decimal !== '.' && body.includes(decimal)) {
    body = body.split(group).join('').replace(decimal, '.');
  } else {
    body = body.replace(/,/g, '');
  }
  if (!/^\d+(\.\d*)?$|^\.\d+$/.test(body)) {
    throw new AmountError('an amount is digits, with an optional decimal point');
  }
  const [whole, frac = ''] = body.split('.');
  if (frac.length > digits) {
    throw new AmountError(
      digits === 0
        ? `${currency} has no minor unit: enter a whole number`
        : `${currency} has ${digits} decimal places at most`,
    );
  }
  const minor =
    BigInt(whole || '0') * 10n ** BigInt(digits) +
    BigInt((frac + '0'.repeat(digits)).slice(0, digits) || '0');
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new AmountError('the amount is too large');
  const n = Number(minor);
  if (n < low || n > high) {
    throw new AmountError(
      `the amount must lie between ${formatAmount(low, currency)} and ` +
      `${formatAmount(high, currency)}`,
    );
  }
  return n;
}

/** A minor-unit amount as plain major-unit text for an input's value ("1250000.50"). */
export function toInputText(minor, currency) {
  const digits = minorDigits(currency);
  const n = BigInt(minor);
  if (digits === 0) return String(n);
  const scale = 10n ** BigInt(digits);
  return `${n / scale}.${String(n % scale).padStart(digits, '0')}`;
}
