// Principals on the pages (issue 17, tool 5): a principal reads its party's briefing only
// once it has joined with its own key (doc/security.md, "A principal": its token alone,
// which the case's opener holds too, must show no figure). A principal's invitation link
// opens a page that asks for that key first (made in the browser or a key file) and shows
// nothing of the party's figure or draft before; under authority the draft reaches no one
// else (the other side's principal, the mediator's log) until it is approved, and the
// token alone clears nothing. Joining, reading and clearing: principal_clear.test.mjs.
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
  await page.locator('#join-why').waitFor();
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

test('a principal\'s link shows no figure before the principal joins with its key', async () => {
  const c = await env.server.openCase({ rules: { principals: true } });
  const r = await env.server.api('POST', `/v1/cases/${c.case}/figures`,
    { token: c.tokens.claimant, body: { amount: DEMAND } });
  assert.equal(r.status, 200);
  for (const role of ['claimant-principal', 'payer-principal']) {
    const { ctx, page } = await open(role, c.links[role]);
    assert.match(await page.locator('#join-why').textContent(),
      new RegExp(`You read the ${partyOf(role)}'s briefing.*only once you have joined`));
    assert.match(await page.locator('#case-state').textContent(), /Join the case with a key/);
    assert.ok(!(await page.content()).includes('61,234.56'), `${role}: no figure on the page`);
    assert.equal(await page.getByRole('button', { name: /Submit|Approve|Reject/ }).count(), 0);
    assert.equal(await page.locator('#briefing, #draft').count(), 0);
    await assertAccessible(page, `the ${role}'s page before it joins`);
    ctx.assertClean();
    await ctx.close();
  }
});

test('under authority a draft is no event, and an unjoined principal\'s token clears nothing',
  async () => {
  const c = await env.server.openCase({ rules: { principals: true, authority: true } });
  const before = await logTypes(c);
  let r = await env.server.api('POST', `/v1/cases/${c.case}/figures`,
    { token: c.tokens.claimant, body: { amount: DEMAND } });
  assert.equal(r.status, 200);
  assert.equal(r.json.draft.amount, DEMAND);
  assert.deepEqual(await logTypes(c), before, 'a draft is no event');
  const { ctx, page } = await open('claimant-principal', c.links['claimant-principal']);
  assert.ok(!(await page.content()).includes('61,234.56'), 'no draft shown to a token alone');
  await screenshot(page, 'principal-unjoined');
  // the page's token, unjoined, clears nothing (the case's opener holds such a token)
  const tok = await page.evaluate((id) => sessionStorage.getItem(`nakodo:token:${id}:claimant-principal`), c.case);
  assert.match(tok, /^[0-9a-f]{64}$/);
  r = await env.server.api('POST', `/v1/cases/${c.case}/approve`,
    { token: tok, body: { accept: true, draft: 1 } });
  assert.equal(r.status, 409);
  assert.equal(r.json.field, 'role');
  assert.deepEqual(await logTypes(c), before);
  ctx.assertClean();
  await ctx.close();
});
