// A settled package case's receipt (a v3 statement naming its package) signed in
// JavaScript (crypto.js signReceipt) is byte for byte what `nakodo receipt --key` writes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const js = (f) => resolve(here, '../../web/assets/js', f);
const crypto = await import(js('crypto.js'));
const { openKeyFile } = await import(js('keys.js'));
const NAKODO = process.env.NAKODO || resolve(here, '../../build/src/cli/nakodo');
const PASS = 'a passphrase for the claimant, for tests';
const ex = (side) => resolve(here, '../../examples', `claims-1962-package-${side}.json`);
let work;
let env;

function nakodo(...args) {
  const r = spawnSync(NAKODO, ['--db', join(work, 'r.db'), ...args],
    { encoding: 'utf8', env });
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

before(async () => {
  await crypto.ready();
  work = mkdtempSync(join(tmpdir(), 'nakodo-web-receipt-'));
  writeFileSync(join(work, 'pass'), `${PASS}\n`);
  env = { ...process.env, NAKODO_TEST_KDF: 'min', NAKODO_PASSPHRASE_FILE: join(work, 'pass') };
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('a v3 receipt signed in JavaScript equals the command\'s', async () => {
  const keyFile = join(work, 'c.key');
  nakodo('keygen', '--out', keyFile, '--cost', 'interactive');
  const id = nakodo('package', 'open', '--currency', 'USD', '--components', 'grant,loan');
  nakodo('join', id, '--as', 'claimant', '--key', keyFile);
  nakodo('package', 'submit', id, '--as', 'claimant', '--key', keyFile, ex('korea'));
  nakodo('package', 'submit', id, '--as', 'payer', ex('japan'));
  nakodo('answer', id, '--as', 'claimant', 'accept', '--key', keyFile);
  nakodo('answer', id, '--as', 'payer', 'accept');
  nakodo('receipt', id, '--as', 'payer', '--out', join(work, 'plain.txt'));
  nakodo('receipt', id, '--as', 'claimant', '--key', keyFile, '--out', join(work, 'cli.txt'));
  const plain = readFileSync(join(work, 'plain.txt'), 'utf8');
  assert.match(plain, /^nakodo-receipt v3\n/);
  assert.match(plain, /\npackage [0-9a-f]{64}\n/);
  const key = await openKeyFile(new Uint8Array(readFileSync(keyFile)), PASS);
  const signed = crypto.signReceipt(plain, key, 'claimant', { caseId: id, outcome: 'settled' });
  assert.equal(signed, readFileSync(join(work, 'cli.txt'), 'utf8'));
  // a v3 receipt without its package line is refused, not signed
  assert.throws(() => crypto.signReceipt(plain.replace(/\npackage [0-9a-f]{64}/, ''), key,
    'claimant'), (e) => e.field === 'receipt');
});
