// A blind case's party page (doc/blind.md): the go-between must never receive a figure,
// so the page offers no figure and no deal-closer form (it used to, and sent the typed
// figure to the server, which refused it only once it had it); it says instead that the
// round is computed by the command on the party's machine, and how. Its rules say the
// go-between never holds a figure and name no deal-closer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, joinWithBrowserKey } from './party_steps.mjs';

const env = useServerAndBrowser();

test('a blind case\'s page takes no figure and says how the round is run', async () => {
  const { server } = env;
  const c = await server.openCase({ rules: { blind: true, hints_bp: [] } });
  const { ctx, page } = await joinWithBrowserKey(env, 'claimant', c.links.claimant,
    'claimant blind pass');
  const sent = [];
  page.on('request', (r) => { if (r.method() === 'POST') sent.push(new URL(r.url()).pathname); });
  const note = page.locator('#blind-round');
  await note.waitFor();
  const text = await note.innerText();
  assert.match(text, /This case is blind: your demand for round 1 never goes to the go-between/);
  assert.match(text, new RegExp(`nakodo submit ${c.case} --key FILE -`));
  assert.match(text, /ask the mediator to reissue your token/);
  assert.equal(await page.getByRole('textbox', { name: /Your demand for round/ }).count(), 0,
    'a figure form on a blind case');
  assert.equal(await page.getByRole('textbox', { name: /Deal-closer for round/ }).count(), 0,
    'a deal-closer form on a blind case');
  const rules = await page.locator('#rules').innerText();
  assert.match(rules, /relays messages it cannot read and never holds a figure/);
  assert.doesNotMatch(rules, /deal-closer/);
  assert.doesNotMatch(rules, /give the go-between one figure in confidence/);
  // the rest of the page still works: checking for news posts nothing
  await page.getByRole('button', { name: 'Check for news' }).click();
  await page.getByText('Up to date.').waitFor();
  assert.ok(!sent.some((p) => /\/(submit|extend)$/.test(p)), `sent ${sent.join(', ')}`);
  await ctx.close();

  // a case that is not blind keeps both forms and its words
  const plain = await server.openCase({});
  const p2 = await joinWithBrowserKey(env, 'payer', plain.links.payer, 'payer plain pass');
  await p2.page.getByRole('textbox', { name: /Your offer for round 1/ }).waitFor();
  assert.equal(await p2.page.getByRole('textbox', { name: /Deal-closer for round 1/ }).count(), 1);
  assert.equal(await p2.page.locator('#blind-round').count(), 0);
  assert.match(await p2.page.locator('#rules').innerText(),
    /give the go-between one figure in confidence/);
  await p2.ctx.close();
});
