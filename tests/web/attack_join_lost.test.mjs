// A join whose answer is lost: the key made in the browser reached the go-between and is
// now the role's registered key, but the page heard nothing. Nothing acts for a joined
// role without that key's signature (not the token, not the mediator's reissue), so a
// page that forgets the key at that moment locks its party out of the case for good. The
// party retries with the same passphrase and must end up joined with the key that landed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newRoleContext } from './harness.mjs';
import { useServerAndBrowser, expectedConsole } from './party_steps.mjs';

const env = useServerAndBrowser();

test('a join whose answer was lost does not lose the registered key', async () => {
  const { server, browser } = env;
  const c = await server.openCase({});
  const ctx = await newRoleContext(browser, server, 'claimant', { ignoreConsole: expectedConsole });
  const page = await ctx.newPage();
  await page.goto(c.links.claimant);
  const makeKey = async () => {
    await page.getByLabel('A passphrase for your new key').fill('claimant pass five');
    await page.getByLabel('The passphrase again').fill('claimant pass five');
    await page.getByLabel('Protection of the key file').selectOption('interactive');
    await page.getByRole('button', { name: 'Make my key and join' }).click();
  };
  // the join reaches the server; its answer is lost on the way back
  await ctx.context.route('**/v1/cases/*/join', async (route) => {
    await route.fetch();
    await route.abort('connectionreset');
  });
  await makeKey();
  await page.getByText(/connection to the go-between was lost/).waitFor();
  await ctx.context.unroute('**/v1/cases/*/join');
  const registered = (await server.api('GET', `/v1/cases/${c.case}/brief`,
    { token: c.tokens.mediator })).json.keys?.claimant;
  assert.ok(registered, 'the first join did land');

  await makeKey();
  await page.locator('#keys').waitFor({ timeout: 15000 });
  const own = await page.locator('#keys dt', { hasText: 'Your safety number' })
    .locator('xpath=following-sibling::dd[1]').innerText();
  assert.equal(own.trim(), registered.safety_number, 'the page holds another key');
  // and it can act: a figure goes through, signed with the key that landed
  await page.getByRole('textbox', { name: /Your demand for round 1/ }).fill('500,000');
  await page.getByRole('button', { name: 'Send my demand' }).click();
  await page.getByText('Your demand for round 1 is in.').first().waitFor();
  await ctx.close();
});
