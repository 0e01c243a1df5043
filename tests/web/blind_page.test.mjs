// A blind case's party page (doc/blind.md): the go-between must never receive a figure,
// so the page offers no figure and no deal-closer form (it used to, and sent the typed
// figure to the server, which refused it only once it had it); it says instead that the
// round is computed by the command on the party's machine, and how. Its rules say the
// go-between never holds a figure and name no deal-closer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newRoleContext } from './harness.mjs';
import { useServerAndBrowser, joinWithBrowserKey, expectedConsole } from './party_steps.mjs';

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
  // the token the command needs: the exact command the mediator runs, and the warning
  // that the reissued token must not be opened as a link
  assert.match(text, /Ask the mediator for a token for the command/);
  assert.match(text, new RegExp(`nakodo token reissue ${c.case} claimant`));
  assert.match(text, /opened as a link in a browser it would be traded for another/);
  assert.match(text, new RegExp(`NAKODO_SERVER=${server.origin} NAKODO_TOKEN=TOKEN`));
  // the footer no longer says the party's figure reaches the go-between
  const footer = await page.locator('footer.site').innerText();
  assert.match(footer, /This case is blind: each party's figure stays on its own machine/);
  assert.doesNotMatch(footer, /figure reaches the go-between/);
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

  // the mediator's page says how a page's party gets a token for the command
  const m = await newRoleContext(env.browser, server, 'mediator',
    { ignoreConsole: expectedConsole });
  const mp = await m.newPage();
  await mp.goto(c.links.mediator);
  const hint = await mp.locator('#m-blind-token').innerText();
  assert.match(hint, /Reissue that party's link and send it only the token, the part after #token=/);
  assert.match(await mp.locator('footer.site').innerText(), /This case is blind/);
  await m.close();

  // a case that is not blind keeps both forms and its words
  const plain = await server.openCase({});
  const p2 = await joinWithBrowserKey(env, 'payer', plain.links.payer, 'payer plain pass');
  await p2.page.getByRole('textbox', { name: /Your offer for round 1/ }).waitFor();
  assert.equal(await p2.page.getByRole('textbox', { name: /Deal-closer for round 1/ }).count(), 1);
  assert.equal(await p2.page.locator('#blind-round').count(), 0);
  assert.match(await p2.page.locator('#rules').innerText(),
    /give the go-between one figure in confidence/);
  assert.match(await p2.page.locator('footer.site').innerText(),
    /A party's figure reaches the go-between only to apply the case's rules/);
  await p2.ctx.close();
});
