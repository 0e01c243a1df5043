// The byte layouts of doc/formats.md ("Keys, sealed messages and receipts") in the
// browser, over the same libsodium primitives the CLI uses. Every function here makes
// exactly the bytes src/crypto/ makes, so a browser party and a CLI party verify and
// open each other's statements and envelopes (tests/web/crypto.test.mjs checks it
// against key files and envelopes the CLI wrote).
import sodiumModule from '../vendor/libsodium/libsodium-wrappers.mjs';
import { FormError as FormatError } from './ui.js';

// Bad bytes from outside are reported with the field they belong to, as a form's are.
export { FormatError };

let sodium = null;

/** libsodium, once its WebAssembly is ready. */
export async function ready() {
  if (!sodium) {
    await sodiumModule.ready;
    sodium = sodiumModule;
  }
  return sodium;
}

/** libsodium after ready() resolved; throws before. */
export function lib() {
  if (!sodium) throw new Error('crypto.js: ready() has not resolved yet');
  return sodium;
}

// The role bytes the statements carry (enum nk_role): the parties, the mediator, the
// principals and the neutrals, which sign their own joins and actions too.
export const ROLES = Object.freeze({
  claimant: 0,
  payer: 1,
  mediator: 2,
  'claimant-principal': 3,
  'payer-principal': 4,
  'neutral-1': 5,
  'neutral-2': 6,
  'neutral-3': 7,
  'neutral-4': 8,
  'neutral-5': 9,
});
export const ROLE_NAMES = Object.freeze(['claimant', 'payer', 'mediator']);
export const KINDS = Object.freeze({ message: 1, deposit: 2 });
export const MESSAGE_TEXT_MAX = 65536;
// Version 2 pads the text, inside the seal, to the smallest of 256, 512, … 65536 bytes
// that holds it, so an envelope's length tells only that class (doc/crypto.md,
// "Padding"); version 1, unpadded, is still opened.
export const MESSAGE_PADDED_MIN = 256;
export const MESSAGE_PADDED_MAX = 65536;
const ENV_HEADER = 88;
const ENV_MAGIC = Object.freeze({ 1: 'NKMSG001', 2: 'NKMSG002' });
const TRUE_LEN_BYTES = 4;
const CASE_ID = /^[A-Za-z0-9_-]{1,63}$/;

const encoder = new TextEncoder();

export function utf8(s) {
  return encoder.encode(s);
}

export function concat(...parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function u8(v) {
  return Uint8Array.of(v & 0xff);
}

export function u32(v) {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, false);
  return b;
}

/** Big-endian 64-bit; v a Number (a safe integer) or a BigInt. */
export function u64(v) {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(v)), false);
  return b;
}

export function str8(s) {
  const b = typeof s === 'string' ? utf8(s) : s;
  if (b.length > 255) throw new RangeError('str8: longer than 255 bytes');
  return concat(u8(b.length), b);
}

/** A domain tag: its ASCII name and the terminating NUL. */
export function tag(name) {
  return concat(utf8(name), u8(0));
}

export function toHex(bytes) {
  return lib().to_hex(bytes);
}

export function fromHex(hex, bytes, field = 'hex') {
  if (typeof hex !== 'string' || !/^[0-9a-f]*$/.test(hex) || hex.length !== 2 * bytes) {
    throw new FormatError(field, `expected ${2 * bytes} lowercase hex digits`);
  }
  return lib().from_hex(hex);
}

/** sodium's original base64, padded: what the API carries envelopes in. */
export function toBase64(bytes) {
  const s = lib();
  return s.to_base64(bytes, s.base64_variants.ORIGINAL);
}

export function fromBase64(text, field = 'envelope') {
  const s = lib();
  try {
    return s.from_base64(text, s.base64_variants.ORIGINAL);
  } catch {
    throw new FormatError(field, 'not base64');
  }
}

export function sha256(bytes) {
  return lib().crypto_hash_sha256(bytes);
}
export function sha512(bytes) {
  return lib().crypto_hash_sha512(bytes);
}

/** Overwrites a secret's bytes (what sodium_memzero does for the CLI). */
export function wipe(bytes) {
  if (bytes && bytes.length) lib().memzero(bytes);
}

function roleByte(role) {
  const v = ROLES[role];
  if (v === undefined) throw new FormatError('role', `no role ${role}`);
  return v;
}

/** The 30-digit safety number of an identity (doc/formats.md, "Safety number"). */
export function safetyNumber(signPk, sealPk) {
  const d = sha512(concat(tag('nakodo/safety-number/v1'), signPk, sealPk));
  const groups = [];
  for (let g = 0; g < 6; g++) {
    let v = 0n;
    for (let i = 0; i < 5; i++) v = (v << 8n) | BigInt(d[5 * g + i]);
    groups.push(String(v % 100000n).padStart(5, '0'));
  }
  return groups.join(' ');
}

/**
 * The safety number of a briefing's `keys[role]` entry, computed here from the public
 * keys the page seals to and verifies with: never the server's `safety_number`, which a
 * server that swapped a key would leave as it was, so the comparison read aloud between
 * the parties would pass. A malformed key gives a notice instead of a number.
 */
export function safetyNumberOf(entry) {
  try {
    return safetyNumber(fromHex(entry.sign, 32, 'sign'), fromHex(entry.seal, 32, 'seal'));
  } catch {
    return 'a malformed key (do not use this case)';
  }
}

/** The bytes a join signature covers. */
export function joinStatement(caseId, role, signPk, sealPk) {
  return concat(tag('nakodo/join/v1'), str8(caseId), u8(roleByte(role)), signPk, sealPk);
}

/** The bytes an action signature covers: body the action's canonical body bytes. */
export function actionStatement(caseId, role, number, action, body) {
  return concat(
    tag('nakodo/action/v1'),
    str8(caseId),
    u8(roleByte(role)),
    u64(number),
    str8(action),
    sha256(body),
  );
}

/** The body a signed read signs: METHOD " " TARGET "\n" hex(SHA-256(body)). */
export function readBody(method, target, body = new Uint8Array(0)) {
  return utf8(`${method} ${target}\n${toHex(sha256(body))}`);
}

/**
 * Compact JSON with sorted keys at every depth, as jansson's JSON_COMPACT|JSON_SORT_KEYS
 * writes the signed request bodies (doc/formats.md, "Signed request body"). Integers
 * only: the bodies the pages sign hold no reals.
 */
export function canonicalJson(v) {
  if (v === null || typeof v === 'boolean') return JSON.stringify(v);
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new RangeError('canonicalJson: integers only');
    return String(v);
  }
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(v).sort(byBytes);
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
}

// jansson sorts keys with strcmp, byte order of the UTF-8; for the ASCII keys of the
// request bodies that is the order of code units.
function byBytes(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The size class a text of n bytes is padded to (nk_message_padded_len); 0 past the bound. */
export function paddedLength(n) {
  if (n > MESSAGE_TEXT_MAX) return 0;
  let p = MESSAGE_PADDED_MIN;
  while (p < n) p *= 2;
  return p;
}

function isClass(p) {
  return p >= MESSAGE_PADDED_MIN && p <= MESSAGE_PADDED_MAX && (p & (p - 1)) === 0;
}

// The bytes signed after the header and sealed after the signature: version 1 the text,
// version 2 u32 true length ‖ text ‖ zeros up to the class.
function bodyLength(h) {
  return h.version === 1 ? h.paddedLen : TRUE_LEN_BYTES + h.paddedLen;
}

function envelopeHeader(h) {
  const cid = utf8(h.caseId);
  return concat(
    utf8(ENV_MAGIC[2]),
    u8(h.kind),
    u8(h.from),
    u8(h.to),
    u8(cid.length),
    u64(h.seq),
    h.senderSign,
    h.recipientSeal,
    u32(h.paddedLen),
    cid,
  );
}

/**
 * Seals and signs a text for another role (doc/formats.md, "Sealed message"), as a
 * version-2 envelope: the body is u32 true length ‖ text ‖ zeros up to the text's size
 * class; the sender signs tag ‖ clear header (showing the class) ‖ body, then seals
 * signature ‖ body to the recipient's X25519 key with crypto_box_seal. key: a PartyKey
 * (keys.js).
 */
export function sealMessage({ key, caseId, kind = 'message', from, to, seq, recipientSeal, text }) {
  const s = lib();
  if (!CASE_ID.test(caseId)) throw new FormatError('case', 'not a case id');
  const body = typeof text === 'string' ? utf8(text) : text;
  if (body.length > MESSAGE_TEXT_MAX) {
    throw new FormatError('text', `a message holds at most ${MESSAGE_TEXT_MAX} bytes`);
  }
  if (!Number.isSafeInteger(seq) || seq < 1) throw new FormatError('n', 'a number from 1');
  const header = envelopeHeader({
    caseId,
    kind: KINDS[kind],
    from: roleByte(from),
    to: roleByte(to),
    seq,
    senderSign: key.signPk,
    recipientSeal,
    paddedLen: paddedLength(body.length),
  });
  const padded = new Uint8Array(TRUE_LEN_BYTES + paddedLength(body.length));
  padded.set(u32(body.length), 0);
  padded.set(body, TRUE_LEN_BYTES);
  const signed = concat(tag('nakodo/message/v1'), header, padded);
  const sig = key.sign(signed);
  const inner = concat(sig, padded);
  const sealed = s.crypto_box_seal(inner, recipientSeal);
  wipe(inner);
  wipe(signed);
  wipe(padded);
  if (typeof text === 'string') wipe(body);
  return concat(header, sealed);
}

/** The clear header of an envelope, or a FormatError (verdict malformed). */
export function peekMessage(env) {
  if (!(env instanceof Uint8Array) || env.length < ENV_HEADER) {
    throw new FormatError('message', 'the envelope is truncated');
  }
  const dv = new DataView(env.buffer, env.byteOffset, env.byteLength);
  const magic = new TextDecoder().decode(env.subarray(0, 8));
  const h = {
    kind: env[8],
    from: env[9],
    to: env[10],
    idlen: env[11],
    seq: dv.getBigUint64(12, false),
    senderSign: env.slice(20, 52),
    recipientSeal: env.slice(52, 84),
    paddedLen: dv.getUint32(84, false),
  };
  if (magic === ENV_MAGIC[2]) h.version = 2;
  else if (magic === ENV_MAGIC[1]) h.version = 1;
  else throw new FormatError('message', 'not a nakodo message envelope');
  if (
    h.kind < 1 ||
    h.kind > 2 ||
    h.from > 2 ||
    h.to > 2 ||
    h.from === h.to ||
    h.seq === 0n ||
    h.idlen === 0 ||
    h.idlen >= 64 ||
    (h.version === 1 ? h.paddedLen > MESSAGE_TEXT_MAX : !isClass(h.paddedLen))
  ) {
    throw new FormatError('message', "the envelope's header is out of bounds");
  }
  if (env.length !== ENV_HEADER + h.idlen + 48 + 64 + bodyLength(h)) {
    throw new FormatError('message', 'the envelope is truncated or has bytes after its end');
  }
  const id = env.subarray(ENV_HEADER, ENV_HEADER + h.idlen);
  h.caseId = String.fromCharCode(...id);
  if (!CASE_ID.test(h.caseId))
    throw new FormatError('message', "the envelope's case id is malformed");
  h.headLen = ENV_HEADER + h.idlen;
  return h;
}

function equal(a, b) {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

/**
 * Opens an envelope in the order nk_message_open checks it, stopping at the first
 * failure: malformed, not-for-me, wrong-signer, altered, replayed, out-of-order.
 * expect = {caseId, kind, me (role), senderSign, nextSeq}. Returns {verdict: 'ok', text,
 * header} or {verdict, reason}; a rejected envelope's text is never returned.
 */
export function openMessage(key, expect, env) {
  const s = lib();
  let h;
  try {
    h = peekMessage(env);
  } catch (e) {
    return { verdict: 'malformed', reason: e.message };
  }
  if (
    h.caseId !== expect.caseId ||
    h.kind !== KINDS[expect.kind] ||
    h.to !== ROLES[expect.me] ||
    !equal(h.recipientSeal, key.sealPk)
  ) {
    return { verdict: 'not-for-me', reason: 'it is addressed to another case, kind, role or key' };
  }
  if (!equal(h.senderSign, expect.senderSign)) {
    return {
      verdict: 'wrong-signer',
      reason: "it names a signing key other than the one registered for the sender's role",
    };
  }
  let inner;
  try {
    inner = key.unseal(env.subarray(h.headLen));
  } catch {
    return {
      verdict: 'altered',
      reason: 'it does not open under your key; it was altered on the way',
    };
  }
  const body = inner.subarray(64);
  let text = body;
  if (h.version === 2) {
    // anyone can seal a box to the recipient: a true length its class does not hold, or
    // a padding that is not zeros, is no sender's
    const n = new DataView(body.buffer, body.byteOffset, 4).getUint32(0, false);
    let pad = 0;
    if (n <= h.paddedLen) for (let i = TRUE_LEN_BYTES + n; i < body.length; i++) pad |= body[i];
    if (n > h.paddedLen || n > MESSAGE_TEXT_MAX || pad !== 0) {
      wipe(inner);
      return {
        verdict: 'altered',
        reason: 'its sealed length or padding is not what a sender writes; it was altered on the way',
      };
    }
    text = body.subarray(TRUE_LEN_BYTES, TRUE_LEN_BYTES + n);
  }
  const signed = concat(tag('nakodo/message/v1'), env.subarray(0, h.headLen), body);
  const ok = s.crypto_sign_verify_detached(inner.subarray(0, 64), signed, h.senderSign);
  wipe(signed);
  if (!ok) {
    wipe(inner);
    return {
      verdict: 'altered',
      reason:
        "its signature does not cover what it says: altered, or not signed by the sender's key",
    };
  }
  const next = BigInt(expect.nextSeq);
  if (h.seq !== next) {
    wipe(inner);
    return h.seq < next
      ? { verdict: 'replayed', reason: 'its number was used already' }
      : {
          verdict: 'out-of-order',
          reason: 'it comes before an earlier-numbered message, which is missing',
        };
  }
  // bytes that are not UTF-8 show as U+FFFD: the text is only ever shown, as text
  const decoded = new TextDecoder('utf-8').decode(text);
  wipe(inner);
  return {
    verdict: 'ok',
    text: decoded,
    header: { from: ROLE_NAMES[h.from], to: ROLE_NAMES[h.to], seq: Number(h.seq) },
  };
}

const RECEIPT_MAX = 16384;
const STATEMENT_FIELDS = ['case', 'outcome', 'events', 'head', 'closed', 'server-key-id'];

/**
 * Adds role's signature to a receipt file (doc/formats.md, "Receipt file"), as
 * `nakodo receipt --key` does: Ed25519 over "nakodo/party-sig/v1\0" ‖ u8 role ‖ the
 * closing statement's bytes, rebuilt from the receipt's lines. Refuses a receipt that
 * does not name key for role, and, given expect {caseId, outcome}, one of another case or
 * outcome. Returns the new text.
 */
export function signReceipt(text, key, role, expect = {}) {
  if (
    typeof text !== 'string' ||
    text.length > RECEIPT_MAX ||
    !['v1', 'v2', 'v3'].some((v) => text.startsWith(`nakodo-receipt ${v}\n`))
  ) {
    throw new FormatError('receipt', 'not a nakodo receipt');
  }
  const lines = text.split('\n');
  if (lines.pop() !== '')
    throw new FormatError('receipt', 'the receipt does not end with a newline');
  const get = (name) => {
    const l = lines.find((x) => x.startsWith(`${name} `));
    return l === undefined ? null : l.slice(name.length + 1);
  };
  for (const f of STATEMENT_FIELDS) {
    if (get(f) === null) throw new FormatError('receipt', `the receipt has no ${f}`);
  }
  // as `nakodo receipt` does, sign nothing but this case's statement, and (when the
  // caller knows it) only the outcome the party saw: the text comes from the server
  if (expect.caseId !== undefined && get('case') !== expect.caseId) {
    throw new FormatError('receipt', 'the server answered with the receipt of another case');
  }
  if (expect.outcome !== undefined && get('outcome') !== expect.outcome) {
    throw new FormatError('receipt',
      `the receipt says the case ${get('outcome')}, but it ended ${expect.outcome}`);
  }
  const mine = get(`${role}-key`);
  if (mine !== toHex(key.signPk)) {
    throw new FormatError('key', `the receipt does not name this key for the ${role}`);
  }
  // v2: a settled figure case's statement carries its settlement after the outcome;
  // v3: a settled package case's, the digest of its package
  const v2 = text.startsWith('nakodo-receipt v2\n');
  const v3 = text.startsWith('nakodo-receipt v3\n');
  if (v2 && (get('currency') === null || get('settlement') === null))
    throw new FormatError('receipt', 'a v2 receipt has a currency and a settlement');
  if (v3 && (get('currency') === null || get('package') === null))
    throw new FormatError('receipt', 'a v3 receipt has a currency and a package');
  const parts = [
    tag(v3 ? 'nakodo/statement/v3' : v2 ? 'nakodo/statement/v2' : 'nakodo/statement/v1'),
    str8(get('case')),
    str8(get('outcome')),
    ...(v2 ? [str8(get('currency')), u64(BigInt(get('settlement')))] : []),
    ...(v3 ? [str8(get('currency')), fromHex(get('package'), 32, 'receipt')] : []),
    u64(BigInt(get('events'))),
    fromHex(get('head'), 32, 'receipt'),
    u64(BigInt(get('closed'))),
    fromHex(get('server-key-id'), 8, 'receipt'),
  ];
  for (const r of ROLE_NAMES) {
    const k = get(`${r}-key`);
    parts.push(k === null ? u8(0) : concat(u8(1), fromHex(k, 32, 'receipt')));
  }
  const statement = concat(...parts);
  const sig = key.sign(concat(tag('nakodo/party-sig/v1'), u8(roleByte(role)), statement));
  // the signature lines follow statement-sig in role order; an existing one is replaced
  const out = lines.filter((l) => !l.startsWith(`${role}-sig `));
  const order = ['statement-sig', ...ROLE_NAMES.map((r) => `${r}-sig`)];
  const mineAt = order.indexOf(`${role}-sig`);
  let at = out.findIndex((l) => l.startsWith('statement-sig '));
  if (at < 0) throw new FormatError('receipt', 'the receipt has no statement-sig');
  while (at + 1 < out.length && order.slice(1, mineAt).some((p) => out[at + 1].startsWith(`${p} `)))
    at += 1;
  out.splice(at + 1, 0, `${role}-sig ${toHex(sig)}`);
  return `${out.join('\n')}\n`;
}
