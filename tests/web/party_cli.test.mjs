// A browser payer and a CLI claimant in one case: each joins its own way, each opens
// the other's sealed messages, the server takes both sides' signed requests, and the
// case goes through an impasse to the mediator's proposal, accepted on both sides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { assertHoldsNone, screenshot, assertAccessible, runNakodo } from './harness.mjs';
import { useServerAndBrowser, joinWithBrowserKey, checkNews } from './party_steps.mjs';

const shared = useServerAndBrowser();
let server;
let env;

// the hooks of party_steps.mjs start the server; the test sets up the CLI's side
function cliEnv() {
  ({ server } = shared);
  fs.writeFileSync(path.join(server.dir, 'pass'), 'cli claimant passphrase\n');
  env = {
    NAKODO_SERVER: server.url,
    NAKODO_TEST_KDF: 'min',
    NAKODO_PASSPHRASE_FILE: path.join(server.dir, 'pass'),
  };
}

const NAME =
  'a browser payer and a CLI claimant: messages and signatures both ways, ' +
  'impasse, proposal, settlement';
test(NAME, async () => {
  cliEnv();
  const c = await server.openCase({ rules: { rounds: 1, proposals: 1 } });
  const id = c.case;
  const cli = (args, input) => runNakodo(args, input, { ...env, NAKODO_TOKEN: c.tokens.claimant });
  const key = path.join(server.dir, 'claimant.key');
  let r = await runNakodo(['keygen', '--out', key], undefined, env);
  assert.equal(r.code, 0, r.stderr);
  r = await cli(['join', id, '--as', 'claimant', '--key', key]);
  assert.equal(r.code, 0, r.stderr);

  const { ctx, page } = await joinWithBrowserKey(
    shared,
    'payer',
    c.links.payer,
    'browser payer passphrase',
  );
  const keysText = await page.locator('#keys').innerText();
  r = await cli(['--json', 'brief', id, '--key', key]);
  assert.equal(r.code, 0, r.stderr);
  const cb = JSON.parse(r.stdout);
  assert.ok(
    keysText.includes(cb.keys.claimant.safety_number),
    "the page shows the CLI claimant's safety number",
  );
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

  // the simultaneous disclosure: the browser deposits first and learns only that it waits
  const payerDisclosure = 'Payer discloses: our budget line is 18.2 million, note 6604.';
  const claimantDisclosure = 'Claimant discloses: our board approved 21 million, note 3390.';
  await page.getByRole('textbox', { name: 'Your disclosure' }).fill(payerDisclosure);
  await page.getByRole('button', { name: 'Seal and deposit' }).click();
  await page
    .locator('#announce', { hasText: /it waits, sealed, for the other party/ })
    .waitFor({ state: 'attached' });
  await page.getByText("Your deposit is held, sealed, waiting for the other party's.").waitFor();
  r = await cli(['--json', 'inbox', id, '--key', key]);
  assert.ok(!r.stdout.includes(payerDisclosure), 'the claimant sees no deposit before its own');
  r = await cli(['deposit', id, '--key', key], claimantDisclosure);
  assert.equal(r.code, 0, r.stderr);
  await page.getByRole('button', { name: 'Open my inbox' }).click();
  await page.getByText(claimantDisclosure).waitFor();
  r = await cli(['--json', 'inbox', id, '--key', key]);
  assert.ok(
    JSON.parse(r.stdout).items.some(
      (i) => i.kind === 'deposit' && i.status === 'ok' && i.text === payerDisclosure,
    ),
    r.stdout,
  );
  await screenshot(page, 'party-cli-00-disclosure');

  // one round without a deal: an impasse
  r = await cli(['submit', id, '--key', key, '--round', '1', '700000']);
  assert.equal(r.code, 0, r.stderr);
  await checkNews(page);
  await assertHoldsNone(
    ctx,
    page,
    ['70000000', '700,000.00'],
    "payer with the claimant's figure in",
  );
  await page.getByRole('textbox', { name: /Your offer for round 1/ }).fill('400,000');
  await page.getByRole('button', { name: 'Send my offer' }).click();
  await page
    .locator('#case-state')
    .getByText(/Impasse/)
    .waitFor();
  await assertHoldsNone(ctx, page, ['70000000', '700,000.00'], 'payer at the impasse');

  // the mediator proposes; the CLI accepts, then the browser
  const p = await server.api('POST', `/v1/cases/${id}/proposals`, {
    token: c.tokens.mediator,
    body: { amount: 55000000 },
  });
  assert.equal(p.status, 200, p.text);
  r = await cli(['answer', id, '--key', key, 'accept']);
  assert.equal(r.code, 0, r.stderr);
  await checkNews(page);
  await page.getByText(/The mediator proposes/).waitFor();
  await assertHoldsNone(ctx, page, ['"own_answer":"accept"'], 'payer before answering');
  await screenshot(page, 'party-cli-01-proposal');
  await assertAccessible(page, 'payer: the proposal');
  await page.getByRole('button', { name: 'Accept', exact: true }).click();
  await page
    .locator('#case-state')
    .getByText(/Settled at \$550,000\.00/)
    .waitFor();
  r = await cli(['--json', 'brief', id, '--key', key]);
  assert.equal(JSON.parse(r.stdout).state, 'settled');
  ctx.assertClean();
  await ctx.close();
});
