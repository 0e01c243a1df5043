// A go-between that lies about keys: the briefing's `keys` give, per role, the public keys
// the page seals to and verifies with, and a `safety_number` beside them. A server (or
// whoever holds its place) that swaps the other side's sealing key for its own, and keeps
// the true safety number beside it, must not get past the comparison read aloud: the page
// has to show the number of the keys it actually uses, computed in the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newRoleContext } from './harness.mjs';
import { useServerAndBrowser, joinWithBrowserKey, checkNews } from './party_steps.mjs';

const env = useServerAndBrowser();

async function safetyShown(page, label) {
  const dt = page.locator('#keys dt', { hasText: label });
  return (await dt.locator('xpath=following-sibling::dd[1]').innerText()).trim();
}

test('a substituted key shows its own safety number, not the one the server claims', async () => {
  const { server } = env;
  const c = await server.openCase({});
  const cl = await joinWithBrowserKey(env, 'claimant', c.links.claimant, 'claimant pass one');
  const py = await joinWithBrowserKey(env, 'payer', c.links.payer, 'payer pass two');
  await checkNews(cl.page);
  const truePayer = await safetyShown(cl.page, "The payer's safety number");
  const trueOwn = await safetyShown(cl.page, 'Your safety number');
  assert.match(truePayer, /^\d{5}( \d{5}){5}$/);

  // From now on the claimant's briefing names another sealing key for the payer (and a
  // forged number for the claimant itself), each with the number the server claims.
  const evil = 'ab'.repeat(32);
  await cl.page.route('**/v1/cases/*/brief', async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    body.keys.payer.seal = evil;
    body.keys.claimant.safety_number = '00000 00000 00000 00000 00000 00000';
    await route.fulfill({ response: res, json: body });
  });
  await checkNews(cl.page);
  const shownPayer = await safetyShown(cl.page, "The payer's safety number");
  const shownOwn = await safetyShown(cl.page, 'Your safety number');
  assert.notEqual(
    shownPayer,
    truePayer,
    'the page shows the true safety number beside a key that is not the payer\'s',
  );
  assert.equal(shownOwn, trueOwn, "the page shows the server's number for its own key");
  await cl.ctx.close();
  await py.ctx.close();
});

test("the mediator's page shows its own number from its own key", async () => {
  const { server, browser } = env;
  const c = await server.openCase({});
  const med = await newRoleContext(browser, server, 'mediator',
    { ignoreConsole: [/status of 401/] });
  const page = await med.newPage();
  await page.goto(c.links.mediator);
  await page.waitForSelector('#m-summary dl');
  await page.fill('#m-keys form[aria-label="Join with a key made here"] input[name=passphrase]',
    'the mediator passphrase');
  await Promise.all([page.waitForEvent('download'),
    page.click('text=Make a key, download its file and join')]);
  await page.waitForSelector('#m-keys li[data-role=mediator] .safety');
  const own = () => page.textContent('#m-keys li[data-role=mediator] .safety');
  const truth = (await own()).trim();
  // the briefing now names another sealing key for the mediator, with its own number
  const evil = 'cd'.repeat(32);
  await page.route('**/v1/cases/*/brief', async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    body.keys.mediator.seal = evil;
    body.keys.mediator.safety_number = '11111 11111 11111 11111 11111 11111';
    await route.fulfill({ response: res, json: body });
  });
  await page.waitForFunction(
    (seal) => document.querySelector('#m-keys li[data-role=mediator]')
      ?.textContent.includes(seal), evil, { timeout: 12000 });
  assert.equal((await own()).trim(), truth, "the page shows a number that is not its key's");
  await med.close();
});

test('a briefing of another case is not taken for this one', async () => {
  const { server } = env;
  const c = await server.openCase({});
  const cl = await joinWithBrowserKey(env, 'claimant', c.links.claimant, 'claimant pass six');
  const py = await joinWithBrowserKey(env, 'payer', c.links.payer, 'payer pass seven');
  await checkNews(cl.page);
  // the server answers the claimant's briefing as if it were another case's
  await cl.page.route('**/v1/cases/*/brief', async (route) => {
    const res = await route.fetch();
    await route.fulfill({ response: res, json: { ...(await res.json()), case: 'othercase1' } });
  });
  const sent = [];
  cl.page.on('request', (r) => {
    if (/\/messages$/.test(r.url()) && r.method() === 'POST') sent.push(r.postDataJSON());
  });
  await cl.page.getByRole('button', { name: 'Check for news' }).click();
  await cl.page.waitForTimeout(1000);
  const box = cl.page.getByLabel('Message', { exact: true });
  if (await box.count()) {
    await box.fill('hello');
    await cl.page.getByRole('button', { name: 'Seal and send' }).click();
    await cl.page.waitForTimeout(1000);
  }
  for (const b of sent) {
    const env64 = Buffer.from(b.envelope, 'base64');
    assert.ok(!env64.includes(Buffer.from('othercase1')),
      'the page signed a message for the case the server named');
  }
  await cl.ctx.close();
  await py.ctx.close();
});
