// The bridge on the pages (issue 17, tool 4): the console's form takes a budget and
// refuses it in the server's own words beside its field, never keeps it on the page once
// the case is open, and the opened case's rules say only that there is a bridge; every
// role's page states the rule in plain words; a case the bridge settles tells the
// claimant what it receives, the payer what it pays and the mediator the gap, and no page
// holds the other side's figure or the budget.
//
//   NAKODO=build/src/cli/nakodo node --test tests/web/bridge.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newRoleContext, assertAccessible } from './harness.mjs';
import { useServerAndBrowser, joinWithBrowserKey, checkNews, expectedConsole }
  from './party_steps.mjs';
import { rulesFromForm } from '../../web/assets/js/opencase.js';

const env = useServerAndBrowser();

// The server's refusal (field, detail) of rules with these members.
async function serverRefusal(extra) {
  const rules = { currency: 'USD', rounds: 3, monotone: true, settle: 'midpoint', band_bp: 0,
    band_amount: 0, grid: 1, hints_bp: [], range_low: 0, range_high: 1000000,
    leakage_bits: 8, proposals: 1, ...extra };
  const r = await env.server.api('POST', '/v1/cases',
    { token: env.server.operator, body: { rules } });
  assert.equal(r.status, 400, JSON.stringify(extra));
  return { field: r.json.field, detail: r.json.detail };
}

const form = (bridge, extra = {}) => rulesFromForm({ currency: 'USD', rounds: '3',
  proposals: '1', hints: '', leakage_bits: '8', settle: 'midpoint', grid: '', monotone: true,
  range_low: '0', range_high: '10000', round_time: '', round_time_unit: 'hours',
  deadline: '', bridge, ...extra });

test('the form: a budget is refused in the server\'s words, kept off the page once sent',
  async () => {
  // In node first: the form's refusals begin with the server's.
  for (const [text, minor] of [['0', 0], ['10000.01', 1000001]]) {
    const mine = form(text);
    const theirs = await serverRefusal({ bridge: minor });
    assert.equal(theirs.field, 'bridge');
    assert.equal(mine.errors?.[0]?.field, 'bridge');
    assert.ok(mine.errors[0].reason.startsWith(theirs.detail),
      `${text}: the form says "${mine.errors[0].reason}", the server "${theirs.detail}"`);
    assert.ok(!theirs.detail.includes(String(minor)), 'the server repeats no amount');
  }
  assert.equal(form('').rules.bridge, undefined);
  assert.equal(form('7731.29').rules.bridge, 773129n);

  const ctx = await newRoleContext(env.browser, env.server, 'operator',
    { ignoreConsole: expectedConsole });
  const page = await ctx.newPage();
  await page.goto('/');
  await page.fill('#operator-token', env.server.operator);
  await page.click('#operator-form button[type=submit]');
  await page.waitForSelector('#console-body:not([hidden])');
  await page.fill('#open-range-low', '0');
  await page.fill('#open-range-high', '10000');
  await page.fill('#open-bridge', '10000.01');
  await page.click('#open-submit');
  await page.locator('#open-bridge-error').waitFor();
  assert.equal(await page.locator('#open-bridge-error').textContent(),
    'a bridge\'s budget may not exceed the width of the case\'s range');
  assert.equal(await page.getAttribute('#open-bridge', 'aria-invalid'), 'true');
  await assertAccessible(page, 'console, a bridge refused');
  await page.fill('#open-bridge', '7731.29');
  await page.click('#open-submit');
  await page.locator('#opened').waitFor();
  assert.match(await page.textContent('#opened-summary'),
    /Bridgeyes: a confidential budget pays the gap/);
  assert.equal(await page.inputValue('#open-bridge'), '', 'the budget is not kept');
  const text = await page.evaluate(() => document.documentElement.outerHTML);
  assert.ok(!/7,?731\.29|773129/.test(text), 'no budget on the page');
  ctx.assertClean();
});

test('a case the bridge settles: each role told its own part, no page the rest',
  async () => {
  const { server } = env;
  const c = await server.openCase({ rules: { rounds: 1, range_high: 100000000,
    bridge: 773129 } });
  const parties = {};
  for (const role of ['claimant', 'payer']) {
    parties[role] = await joinWithBrowserKey(env, role, c.links[role],
      `a passphrase for the ${role}`);
  }
  const cl = parties.claimant.page;
  const pa = parties.payer.page;
  assert.match(await cl.textContent('body'), /This case has a bridge: a confidential budget/);
  await cl.getByRole('textbox', { name: /Your demand for round 1/ }).fill('605432.19');
  await cl.getByRole('button', { name: 'Send my demand' }).click();
  await cl.getByText(/Your demand for round 1 is in/).first().waitFor();
  await pa.getByRole('textbox', { name: /Your offer for round 1/ }).fill('601234.56');
  await pa.getByRole('button', { name: 'Send my offer' }).click();
  await checkNews(cl);
  await checkNews(pa);
  await cl.getByText('Settled by the bridge: you receive your demand, $605,432.19.').waitFor();
  await pa.getByText('Settled by the bridge: you pay your offer, $601,234.56.').waitFor();
  assert.match(await cl.textContent('#ended-note'),
    /the payer's offer lay within that budget of yours; the budget is told to nobody/);
  await assertAccessible(cl, 'party, settled by the bridge');

  const med = await newRoleContext(env.browser, server, 'mediator',
    { ignoreConsole: expectedConsole });
  const mpage = await med.newPage();
  await mpage.goto(c.links.mediator);
  await mpage.waitForSelector('#m-summary');
  await mpage.getByText(/by the bridge, which pays the gap: \$4,197\.63/).waitFor();
  assert.match(await mpage.textContent('#m-summary'), /Bridge\s*yes/);

  const html = async (page) => page.evaluate(() => document.documentElement.outerHTML);
  const seen = { claimant: await html(cl), payer: await html(pa), mediator: await html(mpage) };
  const budget = /7,?731\.29|773129/;
  const demand = /605,?432\.19|60543219/;
  const offer = /601,?234\.56|60123456/;
  const gap = /4,?197\.63|419763/;
  for (const role of ['claimant', 'payer', 'mediator']) {
    assert.doesNotMatch(seen[role], budget, `the ${role}'s page shows no budget`);
  }
  assert.doesNotMatch(seen.claimant, offer);
  assert.doesNotMatch(seen.claimant, gap);
  assert.doesNotMatch(seen.payer, demand);
  assert.doesNotMatch(seen.payer, gap);
  assert.doesNotMatch(seen.mediator, demand);
  assert.doesNotMatch(seen.mediator, offer);
  for (const ctx of [med, parties.claimant.ctx, parties.payer.ctx]) ctx.assertClean();
});
