// A browser payer and a CLI claimant in one case: each joins its own way, each opens
// the other's sealed messages, the server takes both sides' signed requests, and the
// case goes through an impasse to the mediator's proposal, accepted on both sides.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  startServer, launchBrowser, newRoleContext, assertHoldsNone, screenshot, assertAccessible,
  runNakodo,
} from './harness.mjs';

let server;
let browser;
let env;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  fs.writeFileSync(path.join(server.dir, 'pass'), 'cli claimant passphrase\n');
  env = {
    NAKODO_SERVER: server.url, NAKODO_TEST_KDF: 'min',
    NAKODO_PASSPHRASE_FILE: path.join(server.dir, 'pass'),
  };
});

after(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
});

test('a browser payer and a CLI claimant: messages and signatures both ways, impasse, proposal, settlement', async () => {
  const c = await server.openCase({ rules: { rounds: 1, proposals: 1 } });
  const id = c.case;
  const cli = (args, input) => runNakodo(args, input, { ...env, NAKODO_TOKEN: c.tokens.claimant });
  const key = path.join(server.dir, 'claimant.key');
  let r = await runNakodo(['keygen', '--out', key], undefined, env);
  assert.equal(r.code, 0, r.stderr);
  r = await cli(['join', id, '--as', 'claimant', '--key', key]);
  assert.equal(r.code, 0, r.stderr);

  const ctx = await newRoleContext(browser, server, 'payer', { ignoreConsole: [/status of 40[0139]/] });
  const page = await ctx.newPage();
  await page.goto(c.links.payer);
  await page.getByLabel('A passphrase for your new key').fill('browser payer passphrase');
  await page.getByLabel('The passphrase again').fill('browser payer passphrase');
  await page.getByLabel('Protection of the key file').selectOption('interactive');
  await page.getByRole('button', { name: 'Make my key and join' }).click();
  await page.locator('#keys').waitFor();
  const keysText = await page.locator('#keys').innerText();
  r = await cli(['--json', 'brief', id, '--key', key]);
  assert.equal(r.code, 0, r.stderr);
  const cb = JSON.parse(r.stdout);
  assert.ok(keysText.includes(cb.keys.claimant.safety_number), 'the page shows the CLI claimant\'s safety number');
  assert.ok(keysText.includes(cb.keys.payer.safety_number), 'and its own, as the CLI sees it');

  // CLI → browser
  const fromCli = 'From the CLI claimant: the board meets Friday, note 4417.';
  r = await cli(['send', id, '--to', 'payer', '--key', key], fromCli);
  assert.equal(r.code, 0, r.stderr);
  await assertHoldsNone(ctx, page, [fromCli], 'payer before opening its inbox');
  await page.getByRole('button', { name: 'Open my inbox' }).click();
  await page.getByText(fromCli).waitFor();
  await page.getByText('signed by the registered key').waitFor();
  // browser → CLI
  const fromBrowser = 'From the browser payer: Friday suits us, note 8830.';
  await page.getByRole('combobox', { name: 'To', exact: true }).selectOption('claimant');
  await page.getByRole('textbox', { name: 'Message', exact: true }).fill(fromBrowser);
  await page.getByRole('button', { name: 'Seal and send' }).click();
  await page.getByText(/Message 1 to the claimant sealed and sent/).waitFor();
  r = await cli(['--json', 'inbox', id, '--key', key]);
  assert.equal(r.code, 0, r.stderr);
  const inbox = JSON.parse(r.stdout);
  assert.equal(inbox.items[0].status, 'ok');
  assert.equal(inbox.items[0].text, fromBrowser);

  // one round without a deal: an impasse
  r = await cli(['submit', id, '--key', key, '--round', '1', '700000']);
  assert.equal(r.code, 0, r.stderr);
  await page.getByRole('button', { name: 'Check for news' }).click();
  await assertHoldsNone(ctx, page, ['70000000', '700,000.00'], 'payer with the claimant\'s figure in');
  await page.getByRole('textbox', { name: /Your offer for round 1/ }).fill('400,000');
  await page.getByRole('button', { name: 'Send my offer' }).click();
  await page.locator('#case-state').getByText(/Impasse/).waitFor();
  await assertHoldsNone(ctx, page, ['70000000', '700,000.00'], 'payer at the impasse');

  // the mediator proposes; the CLI accepts, then the browser
  const p = await server.api('POST', `/v1/cases/${id}/proposals`, { token: c.tokens.mediator, body: { amount: 55000000 } });
  assert.equal(p.status, 200, p.text);
  r = await cli(['answer', id, '--key', key, 'accept']);
  assert.equal(r.code, 0, r.stderr);
  await page.getByRole('button', { name: 'Check for news' }).click();
  await page.getByText(/The mediator proposes/).waitFor();
  await assertHoldsNone(ctx, page, ['"own_answer":"accept"'], 'payer before answering');
  await screenshot(page, 'party-cli-01-proposal');
  await assertAccessible(page, 'payer: the proposal');
  await page.getByRole('button', { name: 'Accept', exact: true }).click();
  await page.locator('#case-state').getByText(/Settled at \$550,000\.00/).waitFor();
  r = await cli(['--json', 'brief', id, '--key', key]);
  assert.equal(JSON.parse(r.stdout).state, 'settled');
  ctx.assertClean();
  await ctx.close();
});
