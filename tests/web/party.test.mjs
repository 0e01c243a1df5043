// The party's page in Chromium against a real `nakodo serve`: a whole case of figures
// between two browser parties (keys made in the browser, safety numbers compared, a
// sealed message each way, a round with a hint, a deal-closer that settles, the
// receipt verified by `nakodo verify`), with a leak check after every step, bad input
// on each form, reloading with the key file's passphrase, and axe-core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  newRoleContext,
  assertHoldsNone,
  pageState,
  screenshot,
  assertAccessible,
  runNakodo,
  SHOTS,
} from './harness.mjs';
import { useServerAndBrowser, joinWithBrowserKey as join, checkNews } from './party_steps.mjs';

const env = useServerAndBrowser();
let server;
let browser;

// Opens the invitation link in a fresh context and makes a key in the browser, first
// checking the page before the key: the token out of the address bar, axe, and that
// passphrases that differ are refused.
async function joinWithBrowserKey(role, link, passphrase, shot, cost) {
  ({ server, browser } = env);
  return join(
    env,
    role,
    link,
    passphrase,
    async (page) => {
      assert.ok(!page.url().includes('token'), `${role}: the token is still in the address bar`);
      const state = await pageState(page);
      assert.equal(
        Object.keys(state.sessionStorage).filter((k) => k.startsWith('nakodo:token:')).length,
        1,
      );
      if (shot) await screenshot(page, shot);
      await assertAccessible(page, `${role}: joining`);
      await page.getByLabel('A passphrase for your new key').fill(passphrase);
      await page.getByLabel('The passphrase again').fill(`${passphrase}x`);
      await page.getByRole('button', { name: 'Make my key and join' }).click();
      await page.getByText('the two passphrases differ').waitFor();
    },
    cost,
  );
}

function money(minor) {
  const s = String(minor);
  return `${Number(s.slice(0, -2)).toLocaleString('en-US')}.${s.slice(-2)}`;
}

async function briefOf(token, id) {
  return (await server.api('GET', `/v1/cases/${id}/brief`, { token })).json;
}

async function submitFigure(page, role, round, text) {
  const word = role === 'claimant' ? 'demand' : 'offer';
  await page
    .getByRole('textbox', { name: new RegExp(`Your ${word} for round ${round}`) })
    .fill(text);
  await page.getByRole('button', { name: `Send my ${word}` }).click();
  // told to screen readers through the live region
  await page
    .locator('#announce', { hasText: new RegExp(`Your ${word} for round ${round} is in`) })
    .waitFor({ state: 'attached' });
}

test('a whole case of figures between two browser parties', async () => {
  ({ server, browser } = env);
  const c = await server.openCase({ rules: { rounds: 3, range_high: 100000000 } });
  const id = c.case;
  const cl = await joinWithBrowserKey(
    'claimant',
    c.links.claimant,
    'claimant passphrase 1',
    'party-01-join',
  );
  const py = await joinWithBrowserKey('payer', c.links.payer, 'payer passphrase 2');
  const claimant = cl.page;
  const payer = py.page;

  // safety numbers: each page shows its own and, once both joined, the other's
  await checkNews(payer);
  await checkNews(claimant);
  const mediatorView = (
    await server.api('GET', `/v1/cases/${id}/brief`, { token: c.tokens.mediator })
  ).json;
  for (const [page, role] of [
    [claimant, 'claimant'],
    [payer, 'payer'],
  ]) {
    const text = await page.locator('#keys').innerText();
    for (const r of ['claimant', 'payer']) {
      assert.ok(
        text.includes(mediatorView.keys[r].safety_number),
        `${role}'s page shows the ${r}'s safety number`,
      );
    }
  }
  await screenshot(claimant, 'party-02-joined');
  await assertAccessible(claimant, 'claimant: joined');

  // bad input on the figure form: each shows its reason and sends nothing
  const field = claimant.getByRole('textbox', { name: /Your demand for round 1/ });
  for (const [bad, reason] of [
    ['', 'enter an amount'],
    ['-5', 'cannot be negative'],
    ['12.345', '2 decimal places'],
    ['2000000', 'between'],
    ['12abc', 'digits'],
  ]) {
    await field.fill(bad);
    await claimant.getByRole('button', { name: 'Send my demand' }).click();
    await claimant.getByText(reason).first().waitFor();
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    assert.equal(await field.inputValue(), bad, 'the field keeps what was typed');
    assert.equal(
      await claimant.evaluate(() => document.activeElement.name),
      'amount',
      'focus moves to the field in error',
    );
  }
  // the signed API refuses an unsigned read now that the claimant has joined
  assert.equal(
    (await server.api('GET', `/v1/cases/${id}/brief`, { token: c.tokens.claimant })).status,
    401,
  );
  const mb = (await server.api('GET', `/v1/cases/${id}/brief`, { token: c.tokens.mediator })).json;
  assert.equal(mb.rounds[0].evaluated, false);

  // a sealed message each way, and one to the mediator the payer must never see
  await claimant.getByRole('combobox', { name: 'To', exact: true }).selectOption('payer');
  const toPayer = 'Claimant to payer: our board meets Friday, sealed note 7731.';
  await claimant.getByRole('textbox', { name: 'Message', exact: true }).fill(toPayer);
  await claimant.getByRole('button', { name: 'Seal and send' }).click();
  await claimant.getByText(/Message 1 to the payer sealed and sent/).waitFor();
  assert.equal(
    await claimant.getByRole('textbox', { name: 'Message', exact: true }).inputValue(),
    '',
  );
  const toMediator = 'For the mediator only: we could live with 450k, note 9913.';
  await claimant.getByRole('combobox', { name: 'To', exact: true }).selectOption('mediator');
  // the mediator has no key yet: sealing to it is refused, nothing sent
  await claimant.getByRole('textbox', { name: 'Message', exact: true }).fill(toMediator);
  await claimant.getByRole('button', { name: 'Seal and send' }).click();
  await claimant.getByText(/has not joined with a key yet/).waitFor();
  await assertHoldsNone(py.ctx, payer, [toPayer, toMediator], 'payer before opening the inbox');
  await payer.getByRole('button', { name: 'Open my inbox' }).click();
  await payer.getByText(toPayer).waitFor();
  await payer.getByText('signed by the registered key').first().waitFor();
  const toClaimant = 'Payer to claimant: Friday suits us, note 5521.';
  await payer.getByRole('textbox', { name: 'Message', exact: true }).fill(toClaimant);
  await payer.getByRole('button', { name: 'Seal and send' }).click();
  await payer.getByText(/Message 1 to the claimant sealed and sent/).waitFor();
  await claimant.getByRole('button', { name: 'Open my inbox' }).click();
  await claimant.getByText(toClaimant).waitFor();
  await assertHoldsNone(py.ctx, payer, [toMediator], 'payer after the messages');
  await screenshot(payer, 'party-03-messages');

  // a disclosure deposited and withdrawn before the other side deposits: the claimant
  // is never told of it
  const disclosure = 'Payer disclosure, withdrawn: 15.5 million, note 2207.';
  await payer.getByRole('textbox', { name: 'Your disclosure' }).fill(disclosure);
  await payer.getByRole('button', { name: 'Seal and deposit' }).click();
  await payer.getByText("Your deposit is held, sealed, waiting for the other party's.").waitFor();
  await checkNews(claimant);
  await claimant.getByText('You have not deposited anything.').waitFor();
  await assertHoldsNone(
    cl.ctx,
    claimant,
    [disclosure, '"held":true'],
    "claimant with the payer's deposit held",
  );
  await payer.getByRole('button', { name: 'Withdraw my deposit' }).click();
  await payer.getByText('You have not deposited anything.').waitFor();
  await payer.getByRole('button', { name: 'Seal and deposit' }).waitFor();

  // round 1 with a hint
  const demand1 = '612,345.67';
  const offer1 = '498,765.43';
  await submitFigure(claimant, 'claimant', 1, demand1);
  assert.equal(await claimant.getByRole('textbox', { name: /Your demand for round 1/ }).count(), 0);
  const st = await pageState(claimant);
  assert.ok(!st.fields.some((f) => f.includes('612')), 'the figure field was cleared');
  await checkNews(payer);
  await assertHoldsNone(py.ctx, payer, ['61234567', demand1], 'payer while round 1 is open');
  await submitFigure(payer, 'payer', 1, offer1);
  await checkNews(claimant);
  await claimant.locator('figure.dance svg').waitFor();
  await assertHoldsNone(cl.ctx, claimant, ['49876543', offer1], 'claimant after round 1');
  await assertHoldsNone(py.ctx, payer, ['61234567', demand1], 'payer after round 1');
  const table = await claimant.locator('#briefing table').innerText();
  assert.match(table, /no deal/);
  assert.match(table, /apart|close|far|withheld/);
  await screenshot(claimant, 'party-04-round1-dance');
  await claimant
    .locator('figure.dance')
    .screenshot({ path: path.join(SHOTS, 'party-04-dance.png') });
  await claimant.locator('#briefing').scrollIntoViewIfNeeded();
  await claimant.screenshot({ path: path.join(SHOTS, 'party-04-briefing.png') });
  await assertAccessible(claimant, 'claimant: briefing with the dance');

  // round 2: a deal-closer on each side closes the gap
  await submitFigure(claimant, 'claimant', 2, '560,000.00');
  await claimant.getByRole('textbox', { name: /Deal-closer for round 2/ }).fill('20,000');
  await claimant.getByRole('button', { name: 'Authorise the deal-closer' }).click();
  await claimant.locator('#briefing').getByText('20,000.00').first().waitFor();
  await checkNews(payer);
  await payer.getByRole('textbox', { name: /Deal-closer for round 2/ }).fill('20,000.001');
  await payer.getByRole('button', { name: 'Authorise the deal-closer' }).click();
  await payer.getByText('2 decimal places').first().waitFor();
  await payer.getByRole('textbox', { name: /Deal-closer for round 2/ }).fill('20,000');
  await payer.getByRole('button', { name: 'Authorise the deal-closer' }).click();
  await payer.locator('#briefing').getByText('20,000.00').first().waitFor();
  await assertHoldsNone(
    py.ctx,
    payer,
    ['56000000', '560,000.00'],
    'payer before its round-2 offer',
  );
  await submitFigure(payer, 'payer', 2, '530,000.00');
  await payer
    .locator('#case-state')
    .getByText(/Settled at/)
    .waitFor();
  await checkNews(claimant);
  await claimant
    .locator('#case-state')
    .getByText(/Settled at/)
    .waitFor();
  await claimant.locator('figure.dance line.settle').waitFor({ state: 'attached' });
  await screenshot(claimant, 'party-05-settled');

  // the receipt, downloaded from the page and verified offline
  const [download] = await Promise.all([
    claimant.waitForEvent('download'),
    claimant.getByRole('button', { name: 'Download the receipt' }).click(),
  ]);
  const file = path.join(server.dir, 'receipt.txt');
  await download.saveAs(file);
  assert.match(fs.readFileSync(file, 'utf8'), /^nakodo-receipt v[12]\n/);
  const key = await runNakodo(['--db', `sqlite:${server.db}`, 'server-key']);
  assert.equal(key.code, 0, key.stderr);
  const v = await runNakodo(['--json', 'verify', file, '--server-key', key.stdout.trim()]);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  const checks = Object.fromEntries(JSON.parse(v.stdout).checks.map((x) => [x.check, x.result]));
  assert.equal(
    checks['claimant-signature'],
    'holds',
    "the page signed the receipt with the claimant's key",
  );
  assert.equal(checks.inclusion, 'holds');

  // the server's log and database hold no message text
  const log = server.log();
  const dbBytes = fs
    .readdirSync(server.dir)
    .filter((f) => f.startsWith('nakodo.db'))
    .map((f) => fs.readFileSync(path.join(server.dir, f)).toString('latin1'))
    .join('');
  for (const t of [toPayer, toClaimant, toMediator]) {
    assert.ok(!log.includes(t) && !dbBytes.includes(t), 'a message text reached the server');
  }
  cl.ctx.assertClean();
  py.ctx.assertClean();
  await cl.ctx.close();
  await py.ctx.close();
});

const RELOAD = 'a reload asks only the passphrase; a wrong one or a garbled key file is refused';
test(RELOAD, async () => {
  ({ server, browser } = env);
  const c = await server.openCase({});
  const id = c.case;
  // the default cost, as nakodo keygen's (256 MiB of Argon2id in the page)
  const py = await joinWithBrowserKey(
    'payer',
    c.links.payer,
    'payer reload passphrase',
    null,
    'moderate',
  );
  const page = py.page;
  // the key file kept in the tab is sealed: it is no secret key in clear
  const st = await pageState(page);
  const kept = st.sessionStorage[`nakodo:keyfile:${id}:payer`];
  assert.ok(kept && Buffer.from(kept, 'base64').subarray(0, 8).toString() === 'NKPARTY1');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download my key file' }).click(),
  ]);
  const keyPath = path.join(server.dir, 'payer.key');
  await download.saveAs(keyPath);
  fs.writeFileSync(path.join(server.dir, 'pass'), 'payer reload passphrase\n');
  const pub = await runNakodo(['--json', 'pubkey', keyPath], undefined, {
    NAKODO_PASSPHRASE_FILE: path.join(server.dir, 'pass'),
  });
  assert.equal(pub.code, 0, pub.stderr);
  const mb = await briefOf(c.tokens.mediator, id);
  assert.equal(JSON.parse(pub.stdout).safety_number, mb.keys.payer.safety_number);

  const before = py.ctx.responses.length;
  await page.reload();
  await page.getByLabel('Passphrase of your key').waitFor();
  // the page asked for the passphrase before its first read, not after a refusal
  assert.deepEqual(
    py.ctx.responses
      .slice(before)
      .filter((x) => x.status >= 400)
      .map((x) => x.url),
    [],
  );
  await page.getByLabel('Passphrase of your key').fill('not the passphrase');
  await page.getByRole('button', { name: 'Open my key' }).first().click();
  await page.getByText(/wrong passphrase/).waitFor();
  await screenshot(page, 'party-06-wrong-passphrase');
  // a garbled key file
  const garbled = fs.readFileSync(keyPath);
  garbled[150] ^= 1;
  await page
    .locator('input[type=file][name=key]')
    .setInputFiles({ name: 'bad.key', mimeType: 'application/octet-stream', buffer: garbled });
  await page.getByLabel('Its passphrase').fill('payer reload passphrase');
  await page.getByRole('button', { name: 'Open my key' }).last().click();
  await page.getByText(/damaged or was altered/).waitFor();
  await page.getByLabel('Passphrase of your key').fill('payer reload passphrase');
  await page.getByRole('button', { name: 'Open my key' }).first().click();
  await page.locator('#keys').waitFor();
  // a lost connection: the page says so and keeps what was typed; then it goes through
  await py.ctx.context.route('**/v1/cases/*/figures', (route) => route.abort('connectionreset'));
  await page.getByRole('textbox', { name: /Your offer for round 1/ }).fill('400,000');
  await page.getByRole('button', { name: 'Send my offer' }).click();
  await page.getByText(/connection to the go-between was lost/).waitFor();
  assert.equal(
    await page.getByRole('textbox', { name: /Your offer for round 1/ }).inputValue(),
    '400,000',
  );
  await py.ctx.context.unroute('**/v1/cases/*/figures');
  // a 503 likewise
  await py.ctx.context.route('**/v1/cases/*/figures', (route) =>
    route.fulfill({ status: 503, body: '' }),
  );
  await page.getByRole('button', { name: 'Send my offer' }).click();
  await page.getByText(/not answering just now/).waitFor();
  assert.equal(
    await page.getByRole('textbox', { name: /Your offer for round 1/ }).inputValue(),
    '400,000',
  );
  await py.ctx.context.unroute('**/v1/cases/*/figures');
  await screenshot(page, 'party-09-offline');
  assert.equal((await briefOf(c.tokens.mediator, id)).rounds[0].evaluated, false);
  await submitFigure(page, 'payer', 1, '400,000');
  const after = await briefOf(c.tokens.mediator, id);
  assert.equal(after.rounds[0].evaluated, false);
  py.ctx.assertClean();
  await py.ctx.close();
});

test('a revoked invitation link says so and shows nothing of the case', async () => {
  ({ server, browser } = env);
  const c = await server.openCase({});
  const res = await server.api('DELETE', `/v1/cases/${c.case}/tokens/claimant`, {
    token: c.tokens.mediator,
  });
  assert.equal(res.status, 200);
  const ctx = await newRoleContext(browser, server, 'claimant', {
    ignoreConsole: [/status of 401/],
  });
  const page = await ctx.newPage();
  await page.goto(c.links.claimant);
  await page.getByText('This invitation no longer works').waitFor();
  assert.ok(!page.url().includes('token'));
  await assertAccessible(page, 'revoked link');
  ctx.assertClean();
  await ctx.close();
});

const PHONE =
  'a phone-sized screen shows the page in one readable column; the keyboard alone sends a figure';
test(PHONE, async () => {
  ({ server, browser } = env);
  const c = await server.openCase({});
  const ctx = await newRoleContext(browser, server, 'payer', {
    viewport: { width: 375, height: 740 },
  });
  const page = await ctx.newPage();
  await page.goto(c.links.payer);
  await page.getByLabel('A passphrase for your new key').waitFor();
  const width = () => page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok((await width()) <= 375, `the page is ${await width()} px wide on a 375 px screen`);
  await screenshot(page, 'party-07-phone');
  // the keyboard alone: type into each field in turn and press Enter
  await page.getByLabel('A passphrase for your new key').focus();
  await page.keyboard.type('phone passphrase');
  await page.keyboard.press('Tab');
  await page.keyboard.type('phone passphrase');
  await page.keyboard.press('Tab');
  await page.keyboard.press('ArrowDown'); // interactive
  await page.keyboard.press('Tab'); // the button
  assert.equal(
    await page.evaluate(() => document.activeElement.textContent),
    'Make my key and join',
  );
  await page.keyboard.press('Enter');
  await page.locator('#keys').waitFor();
  await page.screenshot({ path: path.join(SHOTS, 'party-07-phone-joined.png') });
  await page.getByRole('textbox', { name: /Your offer for round 1/ }).focus();
  await page.keyboard.type('250,000');
  await page.keyboard.press('Enter');
  await page
    .locator('#announce', { hasText: /Your offer for round 1 is in/ })
    .waitFor({ state: 'attached' });
  assert.ok((await width()) <= 375, `the briefing is ${await width()} px wide on a 375 px screen`);
  await screenshot(page, 'party-08-phone-briefing');
  await assertAccessible(page, 'payer on a phone');
  ctx.assertClean();
  await ctx.close();
});
