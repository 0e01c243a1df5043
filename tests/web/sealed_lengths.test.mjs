// The pages' sealed messages (web/assets/js/crypto.js) padded to a size class, as the
// CLI's (doc/formats.md, "Sealed message", version 2): texts of 1 and 200 bytes, messages
// or deposits, make envelopes of one length; a padding or true-length byte changed
// inside the seal is `altered`; a version-1 envelope still opens; and on a real `nakodo
// serve` the CLI and the pages open each other's padded envelopes, whose logged sizes
// are one, while a version-1 envelope posted from the page still opens in the CLI.
//
//   node --test tests/web/sealed_lengths.test.mjs   (NAKODO=path/to/nakodo, default build/)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const js = (f) => resolve(here, '../../web/assets/js', f);
const crypto = await import(js('crypto.js'));
const { PartyKey } = await import(js('keys.js'));
const { Api } = await import(js('api.js'));

const NAKODO = process.env.NAKODO || resolve(here, '../../build/src/cli/nakodo');
const PASS = 'correct horse battery staple, for tests';
const CASE = 'c0ffee1962';
const A200 = 'a'.repeat(200);
let work;
let env;

before(async () => {
  await crypto.ready();
  work = mkdtempSync(join(tmpdir(), 'nakodo-web-sealed-'));
  writeFileSync(join(work, 'pass'), `${PASS}\n`, { mode: 0o600 });
  env = { ...process.env, NAKODO_TEST_KDF: 'min', NAKODO_PASSPHRASE_FILE: join(work, 'pass') };
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function seal(sender, recipient, text, kind = 'message') {
  return crypto.sealMessage({
    key: sender,
    caseId: CASE,
    kind,
    from: 'claimant',
    to: 'payer',
    seq: 1,
    recipientSeal: recipient.sealPk,
    text,
  });
}

function expectFrom(sender, kind = 'message') {
  return { caseId: CASE, kind, me: 'payer', senderSign: sender.signPk, nextSeq: 1 };
}

/** A version-1 envelope as doc/formats.md lays it out: the text alone, its length shown. */
function sealV1(sender, recipient, text) {
  const s = crypto.lib();
  const body = crypto.utf8(text);
  const cid = crypto.utf8(CASE);
  const header = crypto.concat(
    crypto.utf8('NKMSG001'),
    crypto.u8(1),
    crypto.u8(0),
    crypto.u8(1),
    crypto.u8(cid.length),
    crypto.u64(1),
    sender.signPk,
    recipient.sealPk,
    crypto.u32(body.length),
    cid,
  );
  const sig = sender.sign(crypto.concat(crypto.tag('nakodo/message/v1'), header, body));
  return crypto.concat(header, s.crypto_box_seal(crypto.concat(sig, body), recipient.sealPk));
}

test('size classes: 256 bytes at least, then powers of two up to 65536', () => {
  assert.equal(crypto.paddedLength(0), 256);
  assert.equal(crypto.paddedLength(256), 256);
  assert.equal(crypto.paddedLength(257), 512);
  assert.equal(crypto.paddedLength(65536), 65536);
  assert.equal(crypto.paddedLength(65537), 0);
});

test('texts of 1 and 200 bytes make envelopes of one length, messages and deposits', () => {
  const claimant = PartyKey.generate();
  const payer = PartyKey.generate();
  for (const kind of ['message', 'deposit']) {
    const e1 = seal(claimant, payer, 'y', kind);
    const e200 = seal(claimant, payer, A200, kind);
    const ea = seal(claimant, payer, 'I accept 900', kind);
    const eb = seal(claimant, payer, 'I accept 1,200,000', kind);
    assert.equal(e1.length, e200.length);
    assert.equal(ea.length, eb.length);
    assert.equal(e1.length, ea.length);
    assert.equal(e1.length, 204 + CASE.length + 256);
    const h = crypto.peekMessage(e200);
    assert.equal(h.version, 2);
    assert.equal(h.paddedLen, 256);
    const got = crypto.openMessage(payer, expectFrom(claimant, kind), e200);
    assert.equal(got.verdict, 'ok');
    assert.equal(got.text, A200);
    assert.equal(crypto.openMessage(payer, expectFrom(claimant, kind), eb).text, 'I accept 1,200,000');
  }
  const big = 'b'.repeat(300);
  const e300 = seal(claimant, payer, big);
  assert.equal(e300.length, 204 + CASE.length + 512);
  assert.equal(crypto.openMessage(payer, expectFrom(claimant), e300).text, big);
});

test('a padding or true-length byte changed inside the seal is altered', () => {
  const s = crypto.lib();
  const claimant = PartyKey.generate();
  const payer = PartyKey.generate();
  const env = seal(claimant, payer, 'I accept 900');
  const head = 88 + CASE.length;
  const inner = payer.unseal(env.subarray(head));
  const body = inner.subarray(64);
  assert.deepEqual([...body.subarray(0, 4)], [0, 0, 0, 12]);
  assert.equal(new TextDecoder().decode(body.subarray(4, 16)), 'I accept 900');
  assert.ok(body.subarray(16).every((b) => b === 0));
  for (const at of [16, 100, body.length - 1, 3, 2, 0]) {
    for (const bit of [0, 7]) {
      const changed = inner.slice();
      changed[64 + at] ^= 1 << bit;
      const forged = crypto.concat(env.subarray(0, head), s.crypto_box_seal(changed, payer.sealPk));
      assert.equal(forged.length, env.length);
      const got = crypto.openMessage(payer, expectFrom(claimant), forged);
      assert.equal(got.verdict, 'altered', `byte ${at} bit ${bit}`);
      assert.equal(got.text, undefined);
    }
  }
  // a header showing another class, or a size that is no class: malformed
  for (const shown of [512, 300, 0]) {
    const bad = env.slice();
    new DataView(bad.buffer).setUint32(84, shown, false);
    assert.equal(crypto.openMessage(payer, expectFrom(claimant), bad).verdict, 'malformed');
  }
});

test('a version-1 envelope still opens, and is checked as before', () => {
  const claimant = PartyKey.generate();
  const payer = PartyKey.generate();
  const v1 = sealV1(claimant, payer, 'I accept 1,200,000');
  assert.equal(v1.length, 200 + CASE.length + 18);
  assert.equal(crypto.peekMessage(v1).version, 1);
  const got = crypto.openMessage(payer, expectFrom(claimant), v1);
  assert.equal(got.verdict, 'ok');
  assert.equal(got.text, 'I accept 1,200,000');
  const flipped = v1.slice();
  flipped[flipped.length - 1] ^= 1;
  assert.equal(crypto.openMessage(payer, expectFrom(claimant), flipped).verdict, 'altered');
  const relabelled = v1.slice();
  relabelled.set(crypto.utf8('NKMSG002'), 0);
  assert.equal(crypto.openMessage(payer, expectFrom(claimant), relabelled).verdict, 'malformed');
});

// ---- through a real server: the page as the payer, the CLI as the claimant ----

function nakodo(args, { input, token, json = true } = {}) {
  const r = spawnSync(NAKODO, json ? ['--json', ...args] : args, {
    input,
    encoding: 'utf8',
    env: { ...env, ...(token ? { NAKODO_TOKEN: token } : {}) },
  });
  let parsed = null;
  try {
    parsed = json && r.stdout ? JSON.parse(r.stdout) : null;
  } catch {
    parsed = null;
  }
  return { code: r.status, out: r.stdout, err: r.stderr, json: parsed };
}

async function startServer() {
  const proc = spawn(
    NAKODO,
    ['--db', `sqlite:${join(work, 'cases.db')}`, 'serve', '--listen', '127.0.0.1:0', '--threads', '1'],
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
  return { proc, url, op: /operator token: ([0-9a-f]{64})/.exec(err)[1] };
}

test('the CLI and the pages open each other\'s padded envelopes; the log shows one size', async (t) => {
  const srv = await startServer();
  t.after(() => srv.proc.kill('SIGTERM'));
  env.NAKODO_SERVER = srv.url;
  const opened = nakodo(['case', 'new', '--currency', 'USD', '--range', '0:1000000'], {
    token: srv.op,
  });
  assert.equal(opened.code, 0, opened.err);
  const id = opened.json.case;
  const tok = opened.json.tokens;
  const cliKey = join(work, 'claimant.key');
  assert.equal(nakodo(['keygen', '--out', cliKey]).code, 0);
  assert.equal(
    nakodo(['join', id, '--as', 'claimant', '--key', cliKey], { token: tok.claimant }).code,
    0,
  );
  const api = new Api({ token: tok.payer, caseId: id, base: srv.url });
  const key = PartyKey.generate();
  let b = await api.join(key, 'payer');
  const claimantSeal = crypto.fromHex(b.keys.claimant.seal, 32);

  // page → CLI: 1 and 200 bytes, then a version-1 envelope as stored before padding
  const texts = ['y', A200];
  for (const [i, text] of texts.entries()) {
    const envelope = crypto.sealMessage({
      key,
      caseId: id,
      from: 'payer',
      to: 'claimant',
      seq: i + 1,
      recipientSeal: claimantSeal,
      text,
    });
    assert.equal((await api.postEnvelope('message', envelope)).n, i + 1);
  }
  const cid = crypto.utf8(id);
  const v1text = crypto.utf8('I accept 900, version 1');
  const v1head = crypto.concat(
    crypto.utf8('NKMSG001'),
    crypto.u8(1),
    crypto.u8(1),
    crypto.u8(0),
    crypto.u8(cid.length),
    crypto.u64(3),
    key.signPk,
    claimantSeal,
    crypto.u32(v1text.length),
    cid,
  );
  const v1sig = key.sign(crypto.concat(crypto.tag('nakodo/message/v1'), v1head, v1text));
  const v1 = crypto.concat(
    v1head,
    crypto.lib().crypto_box_seal(crypto.concat(v1sig, v1text), claimantSeal),
  );
  assert.equal((await api.postEnvelope('message', v1)).n, 3);
  const inbox = nakodo(['inbox', id, '--key', cliKey], { token: tok.claimant });
  assert.equal(inbox.code, 0, inbox.err);
  assert.deepEqual(
    inbox.json.items.map((i) => [i.status, i.text]),
    [
      ['ok', 'y'],
      ['ok', A200],
      ['ok', 'I accept 900, version 1'],
    ],
  );

  // CLI → page
  for (const text of ['I accept 900', 'I accept 1,200,000']) {
    const s = nakodo(['send', id, '--to', 'payer', '--key', cliKey], {
      token: tok.claimant,
      input: text,
      json: false,
    });
    assert.equal(s.code, 0, s.err);
  }
  b = await api.brief();
  const { items } = await api.inbox();
  const envs = items.map((i) => crypto.fromBase64(i.envelope));
  assert.equal(envs.length, 2);
  assert.equal(envs[0].length, envs[1].length);
  const expect = {
    caseId: id,
    kind: 'message',
    me: 'payer',
    senderSign: crypto.fromHex(b.keys.claimant.sign, 32),
  };
  assert.deepEqual(
    envs.map((e, i) => crypto.openMessage(key, { ...expect, nextSeq: i + 1 }, e).text),
    ['I accept 900', 'I accept 1,200,000'],
  );

  // the log: the four padded envelopes, from either side, are one size; the version-1 one
  // keeps its own
  const log = await (
    await fetch(`${srv.url}/v1/cases/${id}/log`, {
      headers: { Authorization: `Bearer ${tok.mediator}` },
    })
  ).json();
  const sizes = log.events.filter((e) => e.type === 'message').map((e) => e.body.size);
  const padded = 204 + id.length + 256;
  assert.deepEqual(sizes, [padded, padded, 200 + id.length + v1text.length, padded, padded]);
});
