// A principal clears its party's drafts from its page (issue 17, tool 5, "through every
// face"): in a case opened with principals and authority, each principal joins from its
// invitation link with a key made in the browser (its safety number shown, and the same
// one its party's briefing holds), reads its party's briefing, sees the party's draft and
// approves or rejects it with a signed request. Approved, the figure takes effect (the
// mediator's log has it, the case settles); rejected, it never does and leaves no trace.
// Nothing confidential goes to the address bar, localStorage or the console; a reload asks
// only the passphrase.
//
//   NAKODO=build/src/cli/nakodo node --test tests/web/principal_clear.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { assertAccessible, newRoleContext, pageState, runNakodo, screenshot }
  from './harness.mjs';
import { useServerAndBrowser, checkNews, expectedConsole, joinWithBrowserKey }
  from './party_steps.mjs';
import { ready, safetyNumberOf } from '../../web/assets/js/crypto.js';

const env = useServerAndBrowser();
const DEMAND = 5012345;	// USD 50,123.45
const OFFER = 6543210;	// USD 65,432.10: the two meet
const PASS = 'principal page passphrase';

const figure = (c, role, amount) => env.server.api('POST', `/v1/cases/${c.case}/figures`,
  { token: c.tokens[role], body: { amount } });

async function logTypes(c) {
  const r = await env.server.api('GET', `/v1/cases/${c.case}/log`, { token: c.tokens.mediator });
  assert.equal(r.status, 200);
  return r.json.events.map((e) => `${e.actor} ${e.type}`);
}

// A principal joined from its link; every console message of its page is kept.
async function principal(c, role) {
  const p = await joinWithBrowserKey(env, role, c.links[role], PASS, async (page) => {
    assert.match(await page.textContent('#join-why'), /only once you have joined/);
  });
  p.console = [];
  p.page.on('console', (m) => p.console.push(m.text()));
  await p.page.locator('#briefing').waitFor();
  return p;
}

// Waits for the draft's buttons (the page refreshes itself; the button speeds it up).
async function awaitDraft(page, words) {
  await checkNews(page);
  await page.getByText(words).waitFor();
}

async function clear(page, button, said) {
  await page.getByRole('button', { name: button, exact: true }).click();
  await page.locator('#cleared').getByText(said).waitFor();
}

// Nothing of the case in the address bar or localStorage, and in the console neither a
// figure nor a token (Chromium's own notes there, such as a refusal's status, are no secret).
async function assertKeepsNothing(p, secrets, label) {
  const st = await pageState(p.page);
  assert.equal(new URL(st.url).hash, '', `${label}: the address bar`);
  assert.deepEqual(st.localStorage, {}, `${label}: localStorage`);
  for (const k of Object.keys(st.sessionStorage)) {
    assert.match(k, /^nakodo:(token|keyfile|joined|role|traded):/, `${label}: ${k}`);
  }
  for (const s of secrets) {
    assert.ok(!JSON.stringify(st.sessionStorage).includes(String(s)), `${label}: ${s} kept`);
  }
  const tokens = Object.entries(st.sessionStorage).filter(([k]) => /:token:/.test(k))
    .map(([, v]) => v);
  const money = (n) => (n / 100).toLocaleString('en-US', { minimumFractionDigits: 2 });
  for (const s of [DEMAND, OFFER, money(DEMAND), money(OFFER), ...tokens]) {
    assert.ok(!p.console.join('\n').includes(String(s)), `${label}: ${s} in the console`);
  }
}

test('each principal joins, sees its party\'s draft, approves it, and the case settles',
  async () => {
  const c = await env.server.openCase({ rules: { principals: true, authority: true,
    rounds: 2 } });
  const cp = await principal(c, 'claimant-principal');
  // its safety number, as its party's briefing shows the key that joined as its principal
  const shown = (await cp.page.textContent('#keys .safety')).trim();
  await ready();
  const party = await env.server.api('GET', `/v1/cases/${c.case}/brief`,
    { token: c.tokens.claimant });
  assert.equal(safetyNumberOf(party.json.keys['claimant-principal']), shown);
  assert.match(await cp.page.textContent('#keys'), /Read your safety number to the claimant/);
  assert.match(await cp.page.textContent('#draft-text'), /No draft of the claimant awaits/);
  assert.match(await cp.page.textContent('#rules'), /You read for the claimant\./);
  await assertAccessible(cp.page, 'the claimant-principal, joined');

  const before = await logTypes(c);
  assert.equal((await figure(c, 'claimant', DEMAND)).status, 200);
  await awaitDraft(cp.page, "The claimant's draft 1: figure $50,123.45 for round 1.");
  await assertAccessible(cp.page, 'the claimant-principal, a draft awaiting it');
  await screenshot(cp.page, 'principal-draft');
  assert.deepEqual(await logTypes(c), before, 'a draft is no event');
  await clear(cp.page, 'Approve', 'Draft 1 approved: it has taken effect.');
  assert.deepEqual(await logTypes(c), [...before, 'claimant figure'], 'the figure took effect');
  assert.match(await cp.page.textContent('#draft-text'), /No draft of the claimant awaits/);

  // the payer's side: its principal sees only its own party's briefing
  const pp = await principal(c, 'payer-principal');
  assert.equal((await figure(c, 'payer', OFFER)).status, 200);
  await awaitDraft(pp.page, "The payer's draft 1: figure $65,432.10 for round 1.");
  let st = JSON.stringify(await pageState(pp.page));
  assert.ok(!st.includes('50,123.45') && !st.includes(String(DEMAND)),
    'the payer-principal holds the claimant\'s figure');
  st = JSON.stringify(await pageState(cp.page));
  assert.ok(!st.includes('65,432.10') && !st.includes(String(OFFER)),
    'the claimant-principal holds the payer\'s draft');
  await clear(pp.page, 'Approve', 'Draft 1 approved: it has taken effect.');
  assert.match(await pp.page.textContent('#case-state'), /settled/i);
  await checkNews(cp.page);
  assert.match(await cp.page.textContent('#case-state'), /settled/i);

  await assertKeepsNothing(cp, [OFFER], 'claimant-principal');
  await assertKeepsNothing(pp, [DEMAND], 'payer-principal');
  for (const x of [cp, pp]) x.ctx.assertClean();
});

test('a rejected draft never takes effect; a reload asks only the passphrase', async () => {
  const c = await env.server.openCase({ rules: { principals: true, authority: true } });
  const cp = await principal(c, 'claimant-principal');
  const before = await logTypes(c);
  assert.equal((await figure(c, 'claimant', DEMAND)).status, 200);

  // reloaded, the page asks the passphrase for the key file kept in this tab
  await cp.page.reload();
  await cp.page.getByLabel('Passphrase of your key').fill('not the passphrase');
  await cp.page.getByRole('button', { name: 'Open my key' }).first().click();
  await cp.page.locator('.form-alert:not([hidden]), .field-error:not([hidden])').first()
    .waitFor();
  assert.equal(await cp.page.locator('#briefing').count(), 0, 'nothing read without the key');
  await cp.page.getByLabel('Passphrase of your key').fill(PASS);
  await cp.page.getByRole('button', { name: 'Open my key' }).first().click();
  await cp.page.getByText("The claimant's draft 1: figure $50,123.45 for round 1.").waitFor();

  await clear(cp.page, 'Reject', 'Draft 1 rejected: it will never take effect.');
  assert.deepEqual(await logTypes(c), before, 'a rejected draft leaves no event');
  const b = await env.server.api('GET', `/v1/cases/${c.case}/brief`, { token: c.tokens.claimant });
  assert.equal(b.json.draft, undefined);
  assert.equal(b.json.rounds[0].submitted, false, 'the figure never took effect');

  // a draft voided before it is cleared: the refusal is told, and stays on the page
  assert.equal((await figure(c, 'claimant', DEMAND + 1)).status, 200);
  await awaitDraft(cp.page, "The claimant's draft 2: figure $50,123.46 for round 1.");
  const r = await env.server.api('POST', `/v1/cases/${c.case}/close`,
    { token: c.tokens.mediator, body: {} });
  assert.equal(r.status, 200, r.text);
  await clear(cp.page, 'Approve', 'Draft 2 was not approved:');
  assert.equal(await cp.page.getAttribute('#cleared', 'role'), 'alert');
  assert.match(await cp.page.textContent('#case-state'), /closed/i);
  assert.equal(await cp.page.getByRole('button', { name: 'Approve' }).count(), 0);
  await assertKeepsNothing(cp, [], 'claimant-principal');
  cp.ctx.assertClean();
});

test('a principal that joined with the command opens its key file on its page', async () => {
  const { server } = env;
  const c = await server.openCase({ rules: { principals: true, authority: true } });
  const pass = path.join(server.dir, 'pp-pass');
  fs.writeFileSync(pass, `${PASS}\n`);
  const cliEnv = { NAKODO_SERVER: server.url, NAKODO_TEST_KDF: 'min',
    NAKODO_PASSPHRASE_FILE: pass, NAKODO_TOKEN: c.tokens['payer-principal'] };
  const key = path.join(server.dir, 'payer-principal.key');
  let r = await runNakodo(['keygen', '--out', key], undefined, cliEnv);
  assert.equal(r.code, 0, r.stderr);
  r = await runNakodo(['join', c.case, '--as', 'payer-principal', '--key', key], undefined,
    cliEnv);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await figure(c, 'payer', OFFER)).status, 200);

  const ctx = await newRoleContext(env.browser, server, 'payer-principal',
    { ignoreConsole: expectedConsole });
  const page = await ctx.newPage();
  await page.goto(c.links['payer-principal']);
  await page.locator('input[type=file][name=key]').setInputFiles(key);
  await page.getByLabel('Its passphrase').fill(PASS);
  await page.getByRole('button', { name: 'Open my key' }).click();
  await page.getByText("The payer's draft 1: figure $65,432.10 for round 1.").waitFor();
  // the same safety number the command prints for that key
  r = await runNakodo(['brief', c.case, '--as', 'payer-principal', '--key', key, '--json'],
    undefined, cliEnv);
  assert.equal(r.code, 0, r.stderr);
  const sign = JSON.parse(r.stdout).keys['payer-principal'];
  await ready();
  assert.equal((await page.textContent('#keys .safety')).trim(), safetyNumberOf(sign));
  await clear(page, 'Approve', 'Draft 1 approved: it has taken effect.');
  const b = await server.api('GET', `/v1/cases/${c.case}/brief`, { token: c.tokens.payer });
  assert.equal(b.json.rounds[0].submitted, true, 'the figure took effect');
  ctx.assertClean();
});
