// The JSON text of a request body, each value padded with spaces after it to a width that
// does not depend on it (doc/api.md, "Fixed widths"): TLS hides a body's bytes, not its
// length, and a figure written in its own digits would tell its order of magnitude to
// anyone who sees the traffic. JSON allows spaces between a value and what follows it.
// Every number (a JavaScript number or BigInt: integer or not, the page cannot always
// tell) takes 24 bytes, true and false 5, null 66 (it may stand for any value not told),
// a string 66 bytes (quotes included) or,
// longer, 258; keys, and longer strings, as they are. The server writes its answers so.

export const WIDTH_NUMBER = 24;
export const WIDTH_LITERAL = 5;
export const WIDTH_NULL = 66;
export const WIDTH_STRING_SHORT = 66;
export const WIDTH_STRING_LONG = 258;

const encoder = new TextEncoder();

function pad(text, width) {
  // widths are in bytes, as the server counts them
  const n = encoder.encode(text).length;
  return n >= width ? text : text + ' '.repeat(width - n);
}

function encode(v) {
  if (v === null) return pad('null', WIDTH_NULL);
  if (typeof v === 'boolean') return pad(JSON.stringify(v), WIDTH_LITERAL);
  if (typeof v === 'bigint') return pad(v.toString(), WIDTH_NUMBER);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError('a request body holds a number that is not finite');
    return pad(JSON.stringify(v), WIDTH_NUMBER);
  }
  if (typeof v === 'string') {
    const s = JSON.stringify(v);
    const n = encoder.encode(s).length;
    if (n <= WIDTH_STRING_SHORT) return pad(s, WIDTH_STRING_SHORT);
    return n <= WIDTH_STRING_LONG ? pad(s, WIDTH_STRING_LONG) : s;
  }
  if (Array.isArray(v)) return `[${v.map((x) => encode(x === undefined ? null : x)).join(', ')}]`;
  if (typeof v === 'object') {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined && typeof v[k] !== 'function');
    return `{${keys.map((k) => `${JSON.stringify(k)}: ${encode(v[k])}`).join(', ')}}`;
  }
  throw new TypeError(`a request body cannot hold a ${typeof v}`);
}

/** The body's text at fixed widths; BigInt members written as plain integers. */
export function wireJson(value) {
  return encode(value);
}
