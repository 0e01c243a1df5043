// Principals on the pages (issue 17, tool 5): a principal's invitation link opens a
// read-only view of its party's briefing; in a case opened with authority, the party's
// draft awaiting it, with Approve and Reject. The draft reaches no one else (the other
// side's principal, the mediator's log) until it is approved, and then it takes effect
// as the party's own.
//
//   node --test tests/web/principal.test.mjs   (NAKODO: the built command)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newRoleContext, assertAccessible, screenshot } from './harness.mjs';
import { useServerAndBrowser, expectedConsole } from './party_steps.mjs';
import { draftWords, partyOf } from '../../web/assets/js/principal.js';

const env = useServerAndBrowser();
const DEMAND = 6123456;

async function open(role, link) {
  const ctx = await newRoleContext(env.browser, env.server, role,
    { ignoreConsole: expectedConsole });
  const page = await ctx.newPage();
  await page.goto(link);
  await page.locator('#viewer').waitFor();
  return { ctx, page };
}

async function logTypes(c) {
  const r = await env.server.api('GET', `/v1/cases/${c.case}/log`, { token: c.tokens.mediator });
  assert.equal(r.status, 200);
  return r.json.events.map((e) => `${e.actor} ${e.type}`);
}

test('the draft in words, as the command prints it', () => {
  const brief = { currency: 'USD', draft: { action: 'figure', amount: DEMAND, round: 2, number: 3 } };
  assert.equal(draftWords(brief), 'figure $61,234.56 for round 2');
  brief.draft = { action: 'answer', accept: false, round: 1, number: 4 };
  brief.proposal = { count: 1 };
  assert.equal(draftWords(brief), "decline the mediator's proposal 1");
  assert.equal(draftWords({ currency: 'USD' }), null);
  assert.equal(partyOf('payer-principal'), 'payer');
});

test('a principal\'s link opens its party\'s briefing, read only', async () => {
  const c = await env.server.openCase({ rules: { principals: true } });
  let r = await env.server.api('POST', `/v1/cases/${c.case}/figures`,
    { token: c.tokens.claimant, body: { amount: DEMAND } });
  assert.equal(r.status, 200);
  const { ctx, page } = await open('claimant-principal', c.links['claimant-principal']);
  assert.match(await page.locator('#viewer').textContent(),
    /You are the claimant-principal: you read the claimant's briefing, read only/);
  assert.match(await page.locator('#rounds').textContent(), /\$61,234\.56/);
  assert.equal(await page.locator('#draft').count(), 0, 'no authority: no draft panel');
  assert.equal(await page.getByRole('button', { name: /Submit|Approve/ }).count(), 0);
  await assertAccessible(page, 'the principal\'s page');
  const other = await open('payer-principal', c.links['payer-principal']);
  assert.ok(!(await other.page.content()).includes('61,234.56'),
    'the other side\'s principal sees nothing of the demand');
  ctx.assertClean();
  other.ctx.assertClean();
  await ctx.close();
  await other.ctx.close();
});

test('under authority the page shows the draft, which only the principal\'s key clears',
  async () => {
  const c = await env.server.openCase({ rules: { principals: true, authority: true } });
  const before = await logTypes(c);
  let r = await env.server.api('POST', `/v1/cases/${c.case}/figures`,
    { token: c.tokens.claimant, body: { amount: DEMAND } });
  assert.equal(r.status, 200);
  assert.equal(r.json.draft.amount, DEMAND);
  assert.deepEqual(await logTypes(c), before, 'a draft is no event');
  const { ctx, page } = await open('claimant-principal', c.links['claimant-principal']);
  assert.equal(await page.locator('#draft-text').textContent(),
    "The claimant's draft 1: figure $61,234.56 for round 1.");
  assert.match(await page.locator('#draft-how').textContent(),
    new RegExp(`nakodo approve ${c.case} --key FILE --draft 1`));
  assert.equal(await page.getByRole('button', { name: /Approve|Reject/ }).count(), 0);
  await assertAccessible(page, 'the principal\'s page with a draft');
  await screenshot(page, 'principal-draft');
  const other = await open('payer-principal', c.links['payer-principal']);
  assert.match(await other.page.locator('#draft').textContent(), /No draft of the payer/);
  assert.ok(!(await other.page.content()).includes('61,234.56'));
  // the page's token, unjoined, clears nothing (the case's opener holds such a token)
  const tok = await page.evaluate((id) => sessionStorage.getItem(`nakodo:token:${id}:claimant-principal`), c.case);
  assert.match(tok, /^[0-9a-f]{64}$/);
  r = await env.server.api('POST', `/v1/cases/${c.case}/approve`,
    { token: tok, body: { accept: true, draft: 1 } });
  assert.equal(r.status, 409);
  assert.equal(r.json.field, 'role');
  assert.deepEqual(await logTypes(c), before);
  ctx.assertClean();
  other.ctx.assertClean();
  await ctx.close();
  await other.ctx.close();
});
