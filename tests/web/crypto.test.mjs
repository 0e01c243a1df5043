// The pages' cryptography (web/assets/js/crypto.js, keys.js, api.js) against the CLI,
// in node (same modules, same vendored libsodium, no browser needed): key files both
// ways, safety numbers, and a case on a real `nakodo serve` where a party keyed in
// JavaScript and a party keyed by `nakodo keygen` join, sign actions and reads, and
// open each other's sealed messages.
//
//   node --test tests/web/crypto.test.mjs      (NAKODO=path/to/nakodo, default build/)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const js = (f) => resolve(here, '../../web/assets/js', f);
const crypto = await import(js('crypto.js'));
const { PartyKey, openKeyFile, writeKeyFile, checkKeyFile } = await import(js('keys.js'));
const { Api, ApiError } = await import(js('api.js'));
const { parseAmount, formatAmount } = await import(js('money.js'));

const NAKODO = process.env.NAKODO || resolve(here, '../../build/src/cli/nakodo');
const PASS = 'correct horse battery staple, for tests';
let work;
let env;

function nakodo(args, { input, token, json = true } = {}) {
  const r = spawnSync(NAKODO, json ? ['--json', ...args] : args, {
    input,
    encoding: 'utf8',
    env: { ...env, ...(token ? { NAKODO_TOKEN: token } : {}) },
  });
  return {
    code: r.status,
    out: r.stdout,
    err: r.stderr,
    json: json && r.stdout ? tryJson(r.stdout) : null,
  };
}

function tryJson(s) {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}

before(async () => {
  await crypto.ready();
  work = mkdtempSync(join(tmpdir(), 'nakodo-web-crypto-'));
  writeFileSync(join(work, 'pass'), `${PASS}\n`);
  env = { ...process.env, NAKODO_TEST_KDF: 'min', NAKODO_PASSPHRASE_FILE: join(work, 'pass') };
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the documented safety number of bytes 0…63', () => {
  const sign = Uint8Array.from({ length: 32 }, (_, i) => i);
  const seal = Uint8Array.from({ length: 32 }, (_, i) => i + 32);
  assert.equal(crypto.safetyNumber(sign, seal), '84019 32294 46753 88498 93138 87196');
});

test("a key file from nakodo keygen opens, with the CLI's identity and safety number", async () => {
  const r = nakodo(['keygen', '--out', join(work, 'cli.key')]);
  assert.equal(r.code, 0, r.err);
  const file = new Uint8Array(readFileSync(join(work, 'cli.key')));
  const key = await openKeyFile(file, PASS);
  assert.deepEqual(key.identity(), { sign: r.json.sign, seal: r.json.seal });
  assert.equal(key.safetyNumber, r.json.safety_number);
});

test('a wrong passphrase, a garbled or truncated file: each a clear error, no key', async () => {
  const file = new Uint8Array(readFileSync(join(work, 'cli.key')));
  await assert.rejects(
    openKeyFile(file, `${PASS}!`),
    (e) => e.field === 'passphrase' && /wrong passphrase/.test(e.reason),
  );
  await assert.rejects(openKeyFile(file, ''), (e) => e.field === 'passphrase');
  const garbled = file.slice();
  garbled[150] ^= 1;
  await assert.rejects(
    openKeyFile(garbled, PASS),
    (e) => e.field === 'key' && /damaged/.test(e.reason),
  );
  await assert.rejects(openKeyFile(file.slice(0, 200), PASS), (e) => /truncated/.test(e.reason));
  await assert.rejects(openKeyFile(new TextEncoder().encode('x'.repeat(224)), PASS), (e) =>
    /not a nakodo party key file/.test(e.reason),
  );
  // fixed checksum over a flipped ciphertext bit: the AEAD still refuses
  const s = crypto.lib();
  garbled.set(s.crypto_generichash(16, garbled.subarray(0, 208), null), 208);
  await assert.rejects(openKeyFile(garbled, PASS), (e) => e.field === 'passphrase');
});

test('a key made and written in the browser opens in the CLI', async () => {
  const key = PartyKey.generate();
  const file = await writeKeyFile(key, PASS, 'interactive');
  assert.equal(file.length, 224);
  assert.equal(checkKeyFile(file).ops, 2);
  writeFileSync(join(work, 'browser.key'), file);
  const r = nakodo(['pubkey', join(work, 'browser.key')]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.json.sign, key.identity().sign);
  assert.equal(r.json.safety_number, key.safetyNumber);
  const back = await openKeyFile(file, PASS);
  assert.deepEqual(back.identity(), key.identity());
});

test('canonical request bodies are compact with sorted keys', () => {
  assert.equal(
    crypto.canonicalJson({ round: 2, amount: 40000000 }),
    '{"amount":40000000,"round":2}',
  );
  assert.equal(crypto.canonicalJson({ accept: false }), '{"accept":false}');
  assert.equal(crypto.canonicalJson({}), '{}');
});

test('amounts: major units in, minor units out; bad input refused with its reason', () => {
  assert.equal(parseAmount('1,250,000.50', 'USD'), 125000050);
  assert.equal(parseAmount('400000', 'USD'), 40000000);
  assert.equal(parseAmount('300000', 'JPY'), 300000);
  assert.throws(() => parseAmount('', 'USD'), /enter an amount/);
  assert.throws(() => parseAmount('-5', 'USD'), /negative/);
  assert.throws(() => parseAmount('1.234', 'USD'), /2 decimal places/);
  assert.throws(() => parseAmount('1.5', 'JPY'), /whole number/);
  assert.throws(() => parseAmount('12abc', 'USD'), /digits/);
  assert.throws(() => parseAmount('200', 'USD', { low: 0, high: 10000 }), /between/);
  assert.throws(() => parseAmount('99999999999999999999', 'USD'), /too large/);
  assert.match(formatAmount(125000050, 'USD'), /1,250,000\.50/);
  assert.match(formatAmount(300000, 'JPY'), /300,000/);
});

// ---- a case on a real server: the browser's code as the payer, the CLI as claimant ----

async function startServer() {
  const proc = spawn(
    NAKODO,
    [
      '--db',
      `sqlite:${join(work, 'cases.db')}`,
      'serve',
      '--listen',
      '127.0.0.1:0',
      '--threads',
      '1',
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  const url = await new Promise((res, rej) => {
    const t = setTimeout(() => rej(new Error(`serve did not start: ${err}`)), 10000);
    proc.stderr.on('data', (d) => {
      err += d;
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(t);
        res(m[1]);
      }
    });
    proc.on('exit', (c) => rej(new Error(`serve exited ${c}: ${err}`)));
  });
  const op = /operator token: ([0-9a-f]{64})/.exec(err)[1];
  return { proc, url, op };
}

const INTEROP =
  'a JavaScript payer and a CLI claimant: joins, signed actions and reads, messages both ways';
test(INTEROP, async (t) => {
  const srv = await startServer();
  t.after(() => srv.proc.kill('SIGTERM'));
  env.NAKODO_SERVER = srv.url;
  const opened = nakodo(
    ['case', 'new', '--currency', 'USD', '--hints', '10,25', '--range', '0:1000000'],
    { token: srv.op },
  );
  assert.equal(opened.code, 0, opened.err);
  const id = opened.json.case;
  const tok = opened.json.tokens;
  const cliKey = join(work, 'cli.key');
  assert.equal(
    nakodo(['join', id, '--as', 'claimant', '--key', cliKey], { token: tok.claimant }).code,
    0,
  );

  const api = new Api({ token: tok.payer, caseId: id, base: srv.url });
  let b = await api.brief();
  assert.equal(b.role, 'payer');
  const key = PartyKey.generate();
  b = await api.join(key, 'payer');
  assert.equal(b.keys.payer.safety_number, key.safetyNumber);
  assert.equal(api.joined, true);

  // once joined, an unsigned read is refused and asks for the key
  const bare = new Api({ token: tok.payer, caseId: id, base: srv.url });
  await assert.rejects(
    bare.brief(),
    (e) => e instanceof ApiError && e.needsKey && e.role === 'payer',
  );

  // signed read and a signed, round-bound figure
  b = await api.brief();
  b = await api.submit(30000000, 1);
  assert.equal(b.rounds[0].own_figure, 30000000);
  assert.equal(b.last_request, 1);
  await assert.rejects(api.submit(30000000, 1), (e) => e.status === 409);
  b = await api.extend(100000);
  assert.equal(b.rounds[0].own_extension, 100000);

  // the CLI's claimant sees the browser party's signed actions as valid
  const cb = nakodo(['brief', id, '--key', cliKey], { token: tok.claimant });
  assert.equal(cb.code, 0, cb.err);
  assert.equal(cb.json.keys.payer.safety_number, key.safetyNumber);

  // browser → CLI
  const text = 'From the payer: our board meets on Friday.\n日本\0end';
  const envelope = crypto.sealMessage({
    key,
    caseId: id,
    from: 'payer',
    to: 'claimant',
    seq: (b.messages?.sent?.claimant || 0) + 1,
    recipientSeal: crypto.fromHex(b.keys.claimant.seal, 32),
    text,
  });
  const sent = await api.postEnvelope('message', envelope);
  assert.equal(sent.n, 1);
  const inbox = nakodo(['inbox', id, '--key', cliKey], { token: tok.claimant });
  assert.equal(inbox.code, 0, inbox.err);
  assert.equal(inbox.json.items[0].status, 'ok');
  assert.equal(inbox.json.items[0].text, text);

  // CLI → browser
  const reply = 'From the claimant: Friday suits us.';
  const s = nakodo(['send', id, '--to', 'payer', '--key', cliKey], {
    token: tok.claimant,
    input: reply,
    json: false,
  });
  assert.equal(s.code, 0, s.err);
  b = await api.brief();
  const { items } = await api.inbox();
  assert.equal(items.length, 1);
  const env1 = crypto.fromBase64(items[0].envelope);
  assert.equal(crypto.toHex(crypto.sha256(env1)), items[0].sha256);
  const expect = {
    caseId: id,
    kind: 'message',
    me: 'payer',
    senderSign: crypto.fromHex(b.keys.claimant.sign, 32),
    nextSeq: 1,
  };
  const got = crypto.openMessage(key, expect, env1);
  assert.equal(got.verdict, 'ok');
  assert.equal(got.text, reply);
  assert.equal(got.header.from, 'claimant');
  assert.equal(crypto.openMessage(key, { ...expect, nextSeq: 2 }, env1).verdict, 'replayed');
  const flipped = env1.slice();
  flipped[flipped.length - 1] ^= 1;
  const bad = crypto.openMessage(key, expect, flipped);
  assert.equal(bad.verdict, 'altered');
  assert.equal(bad.text, undefined);
  assert.equal(
    crypto.openMessage(key, { ...expect, senderSign: key.signPk }, env1).verdict,
    'wrong-signer',
  );
  assert.equal(
    crypto.openMessage(key, { ...expect, caseId: 'another' }, env1).verdict,
    'not-for-me',
  );
  assert.equal(crypto.openMessage(key, expect, env1.subarray(0, 100)).verdict, 'malformed');

  // a CLI-signed figure for the claimant completes the round
  const sub = nakodo(['submit', id, '--key', cliKey, '--round', '1', '400000'], {
    token: tok.claimant,
  });
  assert.equal(sub.code, 0, sub.err);
  b = await api.brief();
  assert.equal(b.rounds[0].evaluated, true);
  // deposits: both sides, released at once
  const dep = crypto.sealMessage({
    key,
    caseId: id,
    kind: 'deposit',
    from: 'payer',
    to: 'claimant',
    seq: 1,
    recipientSeal: crypto.fromHex(b.keys.claimant.seal, 32),
    text: 'payer deposit',
  });
  const d = await api.postEnvelope('deposit', dep);
  assert.equal(d.released, false);
  const cd = nakodo(['deposit', id, '--key', cliKey], {
    token: tok.claimant,
    input: 'claimant deposit',
    json: false,
  });
  assert.equal(cd.code, 0, cd.err);
  const after2 = await api.inbox();
  const depItem = after2.items.find((i) => i.kind === 'deposit');
  assert.ok(depItem, 'the released deposit is in the inbox');
  const opened2 = crypto.openMessage(
    key,
    { ...expect, kind: 'deposit', nextSeq: depItem.n },
    crypto.fromBase64(depItem.envelope),
  );
  assert.equal(opened2.verdict, 'ok');
  assert.equal(opened2.text, 'claimant deposit');
  const ci = nakodo(['inbox', id, '--key', cliKey], { token: tok.claimant });
  assert.ok(
    ci.json.items.some((i) => i.kind === 'deposit' && i.text === 'payer deposit'),
    ci.out,
  );

  // the receipt: signed in JavaScript, byte for byte what `nakodo receipt --key` writes
  const closed = await fetch(`${srv.url}/v1/cases/${id}/close`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${tok.mediator}` },
  });
  assert.equal(closed.status, 200);
  const signed = crypto.signReceipt(await api.receipt(), key, 'payer');
  writeFileSync(join(work, 'payer.key'), await writeKeyFile(key, PASS, 'interactive'));
  const out = join(work, 'receipt-cli.txt');
  const rc = nakodo(
    ['receipt', id, '--as', 'payer', '--out', out, '--key', join(work, 'payer.key')],
    { token: tok.payer, json: false },
  );
  assert.equal(rc.code, 0, rc.err);
  assert.equal(signed, readFileSync(out, 'utf8'));
  assert.throws(
    () => crypto.signReceipt(signed, key, 'claimant'),
    (e) => e.field === 'key',
  );
});
