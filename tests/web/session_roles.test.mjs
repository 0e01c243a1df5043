// What a case's page keeps in the tab is kept by case and role (web/assets/js/session.js):
// a tab that opens the claimant's link, joins, and then opens the payer's link of the same
// case is the payer's page, with the payer's token; the claimant's key file and join stay
// the claimant's, and going back to the claimant (its link again, now used up: the tab
// still holds its fresh token) asks the claimant's passphrase, not the payer's. A joined
// party's reload provokes no 401.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pageState } from './harness.mjs';
import { useServerAndBrowser, joinWithBrowserKey, expectedConsole } from './party_steps.mjs';

const env = useServerAndBrowser();

test('two roles of one case in one tab keep their own token, key file and join', async () => {
  const { server } = env;
  const c = await server.openCase({});
  const { ctx, page } = await joinWithBrowserKey(env, 'claimant', c.links.claimant,
    'the claimant passphrase');
  let st = (await pageState(page)).sessionStorage;
  const claimantToken = st[`nakodo:token:${c.case}:claimant`];
  assert.match(claimantToken, /^[0-9a-f]{64}$/);
  assert.ok(st[`nakodo:keyfile:${c.case}:claimant`]);
  assert.equal(st[`nakodo:joined:${c.case}:claimant`], 'claimant');

  // the payer's link in the same tab: the payer's page, asking for the payer's key
  await page.goto('about:blank');
  await page.goto(c.links.payer);
  await page.getByLabel('A passphrase for your new key').waitFor();
  assert.match(await page.textContent('#case-title'), /you are the payer/);
  st = (await pageState(page)).sessionStorage;
  assert.equal(st[`nakodo:role:${c.case}`], 'payer');
  assert.equal(st[`nakodo:token:${c.case}:claimant`], claimantToken, "the claimant's is kept");
  assert.ok(!st[`nakodo:keyfile:${c.case}:payer`], 'no key file for the payer yet');
  const brief = await server.api('GET', `/v1/cases/${c.case}/brief`,
    { token: st[`nakodo:token:${c.case}:payer`] });
  assert.equal(brief.json.role, 'payer');

  // back to the claimant: its link is used up, but the tab holds its fresh token; the
  // page asks for the claimant's passphrase before any read (no 401 provoked)
  const before = ctx.responses.length;
  await page.goto('about:blank');
  await page.goto(c.links.claimant);
  await page.getByLabel(/Passphrase of your key/).waitFor();
  assert.match(await page.textContent('#case-title'), /you are the claimant/);
  await page.getByLabel(/Passphrase of your key/).fill('the claimant passphrase');
  await page.getByRole('button', { name: 'Open my key' }).first().click();
  await page.locator('#keys dt', { hasText: 'Your safety number' }).waitFor();
  const refused = ctx.responses.slice(before).filter((r) => r.status === 401 &&
    !r.url.endsWith('/token/rotate'));
  assert.deepEqual(refused.map((r) => r.url), [], 'a read was refused for want of the key');
  ctx.assertClean();
  await ctx.close();
});
