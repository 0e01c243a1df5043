// A party's key in the browser: made here, or opened from the key file `nakodo keygen`
// writes (doc/formats.md, "Party key file"), and written back in that format under a
// passphrase. The secret halves live only in this object's memory; nothing here
// stores them anywhere. What may be kept (keys.js's callers keep it in sessionStorage)
// is the key file itself, which opens only with its passphrase.
import {
  concat,
  FormatError,
  lib,
  ready,
  safetyNumber,
  toHex,
  u32,
  u64,
  utf8,
  wipe,
} from './crypto.js';

export const KEYFILE_BYTES = 224;
const HEADER = 128;
const MAGIC = 'NKPARTY1';

// Argon2id costs as `nakodo keygen --cost` names them (libsodium's constants).
export const COSTS = Object.freeze({
  interactive: { ops: 2, mem: 64 * 1024 * 1024 },
  moderate: { ops: 3, mem: 256 * 1024 * 1024 },
  sensitive: { ops: 4, mem: 1024 * 1024 * 1024 },
});
const OPS_MIN = 1;
const OPS_MAX = 16;
const MEM_MIN = 8192;
const MEM_MAX = 1024 * 1024 * 1024;
const PASSPHRASE_MAX = 1024;

/** A key-file or passphrase error: field 'key' or 'passphrase', as the CLI says. */
export class KeyError extends FormatError {}

export class PartyKey {
  // seed: the Ed25519 seed; sealSk: the X25519 secret key. Both are copied.
  constructor(seed, sealSk) {
    const s = lib();
    const kp = s.crypto_sign_seed_keypair(seed);
    this.signPk = kp.publicKey;
    this.signSk = kp.privateKey;
    this.seed = Uint8Array.from(seed);
    this.sealSk = Uint8Array.from(sealSk);
    this.sealPk = s.crypto_scalarmult_base(this.sealSk);
    Object.defineProperty(this, 'wiped', { value: false, writable: true, enumerable: false });
  }

  /** A new key from the browser's random source (crypto.getRandomValues). */
  static generate() {
    const s = lib();
    const seed = s.randombytes_buf(32);
    const sealSk = s.randombytes_buf(32);
    const key = new PartyKey(seed, sealSk);
    wipe(seed);
    wipe(sealSk);
    return key;
  }

  get safetyNumber() {
    return safetyNumber(this.signPk, this.sealPk);
  }

  /** {sign, seal} in hex, as the API and the briefings carry them. */
  identity() {
    return { sign: toHex(this.signPk), seal: toHex(this.sealPk) };
  }

  sign(bytes) {
    this.check();
    return lib().crypto_sign_detached(bytes, this.signSk);
  }

  /** Opens a crypto_box_seal box addressed to this key; throws if it does not open. */
  unseal(box) {
    this.check();
    return lib().crypto_box_seal_open(box, this.sealPk, this.sealSk);
  }

  check() {
    if (this.wiped) throw new Error('this key has been wiped');
  }

  /** Overwrites the secret halves; the object is useless afterwards. */
  wipe() {
    wipe(this.seed);
    wipe(this.signSk);
    wipe(this.sealSk);
    this.wiped = true;
  }
}

function passphraseBytes(passphrase) {
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw new KeyError('passphrase', 'a key file needs a passphrase that is not empty');
  }
  const b = utf8(passphrase);
  if (b.length > PASSPHRASE_MAX) {
    wipe(b);
    throw new KeyError('passphrase', `a passphrase has at most ${PASSPHRASE_MAX} bytes`);
  }
  return b;
}

function derive(pass, salt, ops, mem) {
  const s = lib();
  try {
    return s.crypto_pwhash(32, pass, salt, ops, mem, s.crypto_pwhash_ALG_ARGON2ID13);
  } catch {
    throw new KeyError('key', `Argon2id could not get the ${mem} bytes it needs in this browser`);
  }
}

/** The key file's header fields, checked as kf_check does before any passphrase. */
export function checkKeyFile(file) {
  const s = lib();
  if (!(file instanceof Uint8Array)) throw new KeyError('key', 'no key file');
  if (file.length < KEYFILE_BYTES) {
    throw new KeyError(
      'key',
      `the key file is truncated (${file.length} bytes, a key file has ${KEYFILE_BYTES})`,
    );
  }
  if (file.length > KEYFILE_BYTES) {
    throw new KeyError(
      'key',
      `the file is longer than a key file (${file.length} bytes, a key file has ${KEYFILE_BYTES})`,
    );
  }
  if (String.fromCharCode(...file.subarray(0, 8)) !== MAGIC) {
    throw new KeyError('key', 'not a nakodo party key file');
  }
  const sum = s.crypto_generichash(16, file.subarray(0, KEYFILE_BYTES - 16), null);
  if (!s.memcmp(sum, file.subarray(KEYFILE_BYTES - 16))) {
    throw new KeyError(
      'key',
      'the key file is damaged or was altered (its checksum does not match)',
    );
  }
  if (file[8] !== 1 || file[9] !== 1 || file[10] !== 1 || file[11] !== 0) {
    throw new KeyError(
      'key',
      "the key file's version or algorithms are not ones this nakodo knows",
    );
  }
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const ops = dv.getUint32(12, false);
  const mem = dv.getBigUint64(16, false);
  if (ops < OPS_MIN || ops > OPS_MAX || mem < BigInt(MEM_MIN) || mem > BigInt(MEM_MAX)) {
    throw new KeyError(
      'key',
      `the key file asks for an Argon2id cost out of bounds (${ops} passes, ${mem} bytes)`,
    );
  }
  return {
    ops,
    mem: Number(mem),
    salt: file.subarray(24, 40),
    nonce: file.subarray(40, 64),
    signPk: file.subarray(64, 96),
    sealPk: file.subarray(96, 128),
  };
}

/** Opens a key file (bytes) with its passphrase; KeyError on any failure. */
export async function openKeyFile(file, passphrase) {
  const s = await ready();
  const h = checkKeyFile(file);
  const pass = passphraseBytes(passphrase);
  const fkey = derive(pass, h.salt, h.ops, h.mem);
  wipe(pass);
  let secrets;
  try {
    secrets = s.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      file.subarray(HEADER, 208),
      file.subarray(0, HEADER),
      h.nonce,
      fkey,
    );
  } catch {
    throw new KeyError(
      'passphrase',
      'wrong passphrase (or the key file was altered by someone who also fixed its checksum)',
    );
  } finally {
    wipe(fkey);
  }
  const key = new PartyKey(secrets.subarray(0, 32), secrets.subarray(32, 64));
  wipe(secrets);
  if (!s.memcmp(key.signPk, h.signPk) || !s.memcmp(key.sealPk, h.sealPk)) {
    key.wipe();
    throw new KeyError('key', "the key file's public keys are not those of its secret keys");
  }
  return key;
}

/** The key file of key under passphrase (224 bytes), at cost ('moderate' by default). */
export async function writeKeyFile(key, passphrase, cost = 'moderate') {
  const s = await ready();
  const c = COSTS[cost];
  if (!c) throw new KeyError('cost', `no cost ${cost}`);
  const pass = passphraseBytes(passphrase);
  const salt = s.randombytes_buf(16);
  const nonce = s.randombytes_buf(24);
  const header = concat(
    utf8(MAGIC),
    Uint8Array.of(1, 1, 1, 0),
    u32(c.ops),
    u64(c.mem),
    salt,
    nonce,
    key.signPk,
    key.sealPk,
  );
  const fkey = derive(pass, salt, c.ops, c.mem);
  wipe(pass);
  const secrets = concat(key.seed, key.sealSk);
  const ct = s.crypto_aead_xchacha20poly1305_ietf_encrypt(secrets, header, null, nonce, fkey);
  wipe(secrets);
  wipe(fkey);
  const body = concat(header, ct);
  return concat(body, s.crypto_generichash(16, body, null));
}
