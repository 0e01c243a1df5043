// A principal clears its party's drafts from its page (issue 17, tool 5, "through every
// face"): in a case opened with principals and authority, each principal joins from its
// invitation link with a key made in the browser or a key file, and its page shows its
// safety number and waits, shown nothing, until its party has compared that number and
// endorsed the key on the party's own page (doc/security.md, "Endorsement"). Then it reads
// its party's briefing, sees the party's draft and approves or rejects it with a signed
// request. Approved, the figure takes effect (the mediator's log has it, the case
// settles); rejected, it never does and leaves no trace. Nothing confidential goes to the
// address bar, localStorage or the console; a reload asks only the passphrase.
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

const env = useServerAndBrowser();
const DEMAND = 5012345;	// USD 50,123.45
const OFFER = 6543210;	// USD 65,432.10: the two meet
const PASS = 'principal page passphrase';

async function logTypes(c) {
  const r = await env.server.api('GET', `/v1/cases/${c.case}/log`, { token: c.tokens.mediator });
  assert.equal(r.status, 200);
  return r.json.events.map((e) => `${e.actor} ${e.type}`);
}

// The party joins on its page (made here, joinWithBrowserKey) and drafts a figure there.
async function draft(page, word, value) {
  await page.getByLabel(`Your ${word} for round 1 (USD)`).fill(value);
  await page.getByRole('button', { name: `Send my ${word}` }).click();
  await page.getByText(`Your ${word} for round 1 is drafted: it takes effect once your `
    + 'principal approves it.').first().waitFor();
  await page.locator('#draft-waiting').waitFor();
}

// The party endorses its principal's key on its page, with the number the principal read.
async function endorse(partyPage, role, safety) {
  await checkNews(partyPage);
  const cell = partyPage.locator(`#endorse-${role}`);
  await cell.getByLabel(`The safety number the ${role} read to you`).fill(safety);
  await cell.getByRole('button', { name: `Endorse the ${role}'s key` }).click();
  await cell.locator('.endorsed').waitFor();
}

// A principal joined from its link with a key made in its page: it waits, shown nothing,
// until its party endorses the key. Every console message of its page is kept.
async function principal(c, role) {
  const p = await joinWithBrowserKey(env, role, c.links[role], PASS, async (page) => {
    assert.match(await page.textContent('#join-why'), /only once you have joined/);
  });
  p.console = [];
  p.page.on('console', (m) => p.console.push(m.text()));
  p.safety = (await p.page.textContent('#keys .safety')).trim();
  await p.page.locator('#waiting').waitFor();
  assert.equal(await p.page.textContent('#case-state'),
    `Waiting for your party to endorse this key (safety number ${p.safety}).`);
  assert.equal(await p.page.locator('#briefing, #draft').count(), 0);
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

const pageHolds = async (page, what) => JSON.stringify(await pageState(page)).includes(what);

test('each principal waits for its party\'s endorsement, then approves its draft: it settles',
  async () => {
  const c = await env.server.openCase({ rules: { principals: true, authority: true,
    rounds: 2 } });
  const claimant = await joinWithBrowserKey(env, 'claimant', c.links.claimant, PASS);
  const cp = await principal(c, 'claimant-principal');
  await assertAccessible(cp.page, 'the claimant-principal, waiting for the endorsement');
  await screenshot(cp.page, 'principal-waiting');
  // drafted before the endorsement: the principal, joined but not endorsed, sees nothing
  await draft(claimant.page, 'demand', '50123.45');
  await checkNews(cp.page);
  assert.equal(await cp.page.locator('#waiting').count(), 1);
  assert.ok(!(await pageHolds(cp.page, '50,123.45')), 'a figure shown before the endorsement');

  // the party compares the number its page computed from the joined key, and endorses it
  await checkNews(claimant.page);
  assert.equal((await claimant.page.textContent('#endorse-claimant-principal .safety')).trim(),
    cp.safety);
  await endorse(claimant.page, 'claimant-principal', cp.safety);
  await awaitDraft(cp.page, /^The claimant's draft \d+: figure \$50,123\.45 for round 1\.$/);
  assert.match(await cp.page.textContent('#keys'), /Read your safety number to the claimant/);
  assert.match(await cp.page.textContent('#rules'), /You read for the claimant\./);
  const table = await cp.page.textContent('#briefing table');
  assert.match(table, /The claimant's demand/);
  assert.doesNotMatch(table, /Your demand|of yours/, 'the principal is not the party');
  await assertAccessible(cp.page, 'the claimant-principal, a draft awaiting it');
  await screenshot(cp.page, 'principal-draft');
  const before = await logTypes(c);
  assert.ok(!before.includes('claimant figure'), 'a draft is no event');
  await clear(cp.page, 'Approve',
    /approved \(figure \$50,123\.45 for round 1\): it has taken effect as the claimant's own\.$/);
  assert.deepEqual(await logTypes(c), [...before, 'claimant figure'], 'the figure took effect');
  assert.match(await cp.page.textContent('#draft-text'), /No draft of the claimant awaits/);

  // the payer's side: its principal sees only its own party's briefing
  const payer = await joinWithBrowserKey(env, 'payer', c.links.payer, PASS);
  const pp = await principal(c, 'payer-principal');
  await endorse(payer.page, 'payer-principal', pp.safety);
  await draft(payer.page, 'offer', '65432.10');
  await awaitDraft(pp.page, /^The payer's draft \d+: figure \$65,432\.10 for round 1\.$/);
  assert.ok(!(await pageHolds(pp.page, '50,123.45')), 'the payer-principal holds the demand');
  await checkNews(cp.page);
  assert.ok(!(await pageHolds(cp.page, '65,432.10')), 'the claimant-principal holds the offer');
  await clear(pp.page, 'Approve', /approved \(.*\): it has taken effect as the \w+'s own\.$/);
  assert.match(await pp.page.textContent('#case-state'), /settled/i);
  await checkNews(cp.page);
  assert.match(await cp.page.textContent('#case-state'), /settled/i);

  await assertKeepsNothing(cp, [OFFER], 'claimant-principal');
  await assertKeepsNothing(pp, [DEMAND], 'payer-principal');
  for (const x of [cp, pp, claimant, payer]) x.ctx.assertClean();
});

test('a rejected draft never takes effect; a reload asks only the passphrase', async () => {
  const c = await env.server.openCase({ rules: { principals: true, authority: true } });
  const claimant = await joinWithBrowserKey(env, 'claimant', c.links.claimant, PASS);
  const cp = await principal(c, 'claimant-principal');
  await endorse(claimant.page, 'claimant-principal', cp.safety);
  await draft(claimant.page, 'demand', '50123.45');
  const before = await logTypes(c);

  // reloaded, the page asks the passphrase for the key file kept in this tab
  await cp.page.reload();
  await cp.page.getByLabel('Passphrase of your key').fill('not the passphrase');
  await cp.page.getByRole('button', { name: 'Open my key' }).first().click();
  await cp.page.locator('.form-alert:not([hidden]), .field-error:not([hidden])').first()
    .waitFor();
  assert.equal(await cp.page.locator('#briefing').count(), 0, 'nothing read without the key');
  await cp.page.getByLabel('Passphrase of your key').fill(PASS);
  await cp.page.getByRole('button', { name: 'Open my key' }).first().click();
  await cp.page.getByText(/^The claimant's draft \d+: figure \$50,123\.45 for round 1\.$/)
    .waitFor();

  await clear(cp.page, 'Reject',
    /rejected \(.*\): it is void and will never take effect; the claimant may draft again\.$/);
  assert.deepEqual(await logTypes(c), before, 'a rejected draft leaves no event');
  assert.match(await cp.page.textContent('#draft-text'), /No draft of the claimant awaits/);
  await checkNews(claimant.page);
  await claimant.page.getByLabel('Your demand for round 1 (USD)').waitFor();

  // a draft voided before it is cleared: the refusal is told, and stays on the page
  await draft(claimant.page, 'demand', '50123.46');
  await awaitDraft(cp.page, /^The claimant's draft \d+: figure \$50,123\.46 for round 1\.$/);
  const r = await env.server.api('POST', `/v1/cases/${c.case}/close`,
    { token: c.tokens.mediator, body: {} });
  assert.equal(r.status, 200, r.text);
  await clear(cp.page, 'Approve', /was not approved: /);
  assert.equal(await cp.page.getAttribute('#cleared', 'role'), 'alert');
  assert.match(await cp.page.textContent('#case-state'), /closed/i);
  assert.equal(await cp.page.getByRole('button', { name: 'Approve' }).count(), 0);
  await assertKeepsNothing(cp, [], 'claimant-principal');
  for (const x of [cp, claimant]) x.ctx.assertClean();
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
  r = await runNakodo(['--json', 'pubkey', key], undefined, cliEnv);
  assert.equal(r.code, 0, r.stderr);
  const safety = JSON.parse(r.stdout).safety_number;

  const ctx = await newRoleContext(env.browser, server, 'payer-principal',
    { ignoreConsole: expectedConsole });
  const page = await ctx.newPage();
  await page.goto(c.links['payer-principal']);
  await page.locator('input[type=file][name=key]').setInputFiles(key);
  await page.getByLabel('Its passphrase').fill(PASS);
  await page.getByRole('button', { name: 'Open my key' }).click();
  await page.locator('#waiting').waitFor();
  // the same safety number the command prints for that key
  assert.equal((await page.textContent('#keys .safety')).trim(), safety);
  assert.match(await page.textContent('#waiting-text'), new RegExp(safety));

  const payer = await joinWithBrowserKey(env, 'payer', c.links.payer, PASS);
  await endorse(payer.page, 'payer-principal', safety);
  await draft(payer.page, 'offer', '65432.10');
  await awaitDraft(page, /^The payer's draft \d+: figure \$65,432\.10 for round 1\.$/);
  const before = await logTypes(c);
  await clear(page, 'Approve', /approved \(.*\): it has taken effect as the \w+'s own\.$/);
  assert.deepEqual(await logTypes(c), [...before, 'payer figure'], 'the figure took effect');
  for (const x of [ctx, payer.ctx]) x.assertClean();
});
