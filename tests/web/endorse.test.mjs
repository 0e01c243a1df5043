// Endorsement on the party's page (doc/security.md, "Endorsement"): the case's opener holds
// the principal's token too, and whoever joins first with it holds the role. Beside its
// principal's safety number the party's page asks for the number the principal read out;
// a number that is not the joined key's is refused beside the field and nothing is sent
// (the key that joined first, the mediator's here, reads nothing still); the right number
// endorses the key, the page says so, and only then does the principal read the party's
// briefing. The other side's page shows nothing of it.
//
//   NAKODO=build/src/cli/nakodo node --test tests/web/endorse.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { assertAccessible, pageState, runNakodo, screenshot } from './harness.mjs';
import { useServerAndBrowser, joinWithBrowserKey, checkNews } from './party_steps.mjs';

const env = useServerAndBrowser();
const PASS = 'endorse page passphrase';
const DEMAND = 7313377;	// USD 73,133.77

// the command as the holder of token: a key file made once per name, joined, read
function cli(c, token) {
  const dir = env.server.dir;
  fs.writeFileSync(path.join(dir, 'pass'), 'cli passphrase\n');
  const e = { NAKODO_SERVER: env.server.url, NAKODO_TEST_KDF: 'min',
    NAKODO_PASSPHRASE_FILE: path.join(dir, 'pass'), NAKODO_TOKEN: token };
  return {
    key: (name) => path.join(dir, `${name}.key`),
    run: (args) => runNakodo(args, undefined, e),
  };
}

async function keyOf(c, name) {
  const k = cli(c, '');
  if (!fs.existsSync(k.key(name))) {
    const r = await k.run(['keygen', '--out', k.key(name)]);
    assert.equal(r.code, 0, r.stderr);
  }
  const r = await k.run(['--json', 'pubkey', k.key(name)]);
  assert.equal(r.code, 0, r.stderr);
  return { file: k.key(name), safety: JSON.parse(r.stdout).safety_number };
}

async function events(c) {
  const r = await env.server.api('GET', `/v1/cases/${c.case}/log`, { token: c.tokens.mediator });
  assert.equal(r.status, 200);
  return r.json.events.length;
}

// the claimant joins on its page and sends its demand, signed
async function claimantWithDemand(c) {
  const claimant = await joinWithBrowserKey(env, 'claimant', c.links.claimant, PASS);
  await claimant.page.getByLabel('Your demand for round 1 (USD)').fill('73133.77');
  await claimant.page.getByRole('button', { name: 'Send my demand' }).click();
  await claimant.page.getByText('Your demand for round 1 is in.').first().waitFor();
  return claimant;
}

test('a principal\'s key that is not the one compared is not endorsed, and reads nothing',
  async () => {
    const c = await env.server.openCase({ rules: { principals: true } });
    const claimant = await claimantWithDemand(c);
    // the mediator, holding the principal's token, joins first with a key of its own
    const squat = cli(c, c.tokens['claimant-principal']);
    const mine = await keyOf(c, 'mediator-own');
    const real = await keyOf(c, 'real-principal');
    let r = await squat.run(['join', c.case, '--as', 'claimant-principal', '--key', mine.file]);
    assert.equal(r.code, 0, r.stderr);
    r = await squat.run(['--json', 'brief', c.case, '--key', mine.file]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /once the claimant has endorsed its key/);
    assert.ok(!(r.stdout + r.stderr).includes(String(DEMAND)));

    await checkNews(claimant.page);
    const cell = claimant.page.locator('#endorse-claimant-principal');
    await cell.waitFor();
    assert.equal((await cell.locator('.safety').textContent()).trim(), mine.safety);
    await assertAccessible(claimant.page, 'the claimant, its principal not endorsed');
    const before = await events(c);
    // the real principal reads its own number: it is not the joined key's
    await cell.getByLabel('The safety number the claimant-principal read to you')
      .fill(real.safety);
    await cell.getByRole('button', { name: "Endorse the claimant-principal's key" }).click();
    await cell.locator('.field-error:not([hidden])').waitFor();
    assert.match(await cell.locator('.field-error').textContent(),
      /not the safety number of the key that joined as the claimant-principal: do not endorse/);
    assert.equal(await events(c), before, 'nothing was sent');
    await screenshot(claimant.page, 'endorse-mismatch');
    r = await squat.run(['brief', c.case, '--key', mine.file]);
    assert.equal(r.code, 1, 'the key that joined first still reads nothing');
    claimant.ctx.assertClean();
  });

test('the party endorses its principal\'s key on its page; then the principal reads',
  async () => {
    const c = await env.server.openCase({ rules: { principals: true } });
    const claimant = await claimantWithDemand(c);
    const principal = cli(c, c.tokens['claimant-principal']);
    const real = await keyOf(c, 'principal');
    let r = await principal.run(['join', c.case, '--as', 'claimant-principal', '--key', real.file]);
    assert.equal(r.code, 0, r.stderr);
    r = await principal.run(['brief', c.case, '--key', real.file]);
    assert.equal(r.code, 1, 'not before its party endorsed it');

    await checkNews(claimant.page);
    const cell = claimant.page.locator('#endorse-claimant-principal');
    await cell.getByLabel('The safety number the claimant-principal read to you')
      .fill(real.safety.replace(/ /g, ''));	// spaces or none
    await cell.getByRole('button', { name: "Endorse the claimant-principal's key" }).click();
    await cell.locator('.endorsed').waitFor();
    assert.equal((await cell.textContent()).includes('Endorsed by you.'), true);
    assert.equal(await cell.locator('form').count(), 0);
    await assertAccessible(claimant.page, 'the claimant, its principal endorsed');
    await screenshot(claimant.page, 'endorse-done');
    r = await principal.run(['--json', 'brief', c.case, '--key', real.file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).rounds[0].own_figure, DEMAND);

    // the payer's page shows nothing of the claimant's principal or its endorsement
    const payer = await joinWithBrowserKey(env, 'payer', c.links.payer, PASS);
    const state = JSON.stringify(await pageState(payer.page));
    assert.ok(!state.includes('claimant-principal'), 'the payer sees the other principal');
    assert.equal(await payer.page.locator('[id^=endorse-]').count(), 0);
    for (const x of [claimant, payer]) x.ctx.assertClean();
  });
