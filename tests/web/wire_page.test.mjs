// The party's page in Chromium: the body it sends for a figure, as the browser sends it,
// is as long for a demand of 0.01 as for 30,000,000,000,000.00, and so is the answer
// (doc/api.md, "Fixed widths"; wire_lengths.test.mjs measures every step of a case
// through the pages' modules in node).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, joinWithBrowserKey } from './party_steps.mjs';

const env = useServerAndBrowser();
const RULES = { rounds: 2, range_high: 4000000000000000, leakage_bits: 64.0 };

/** Joins a fresh case as the claimant in the page and sends the demand typed as text;
 * returns the figure's request body and answer, as the browser sent and received them. */
async function demand(text) {
  const c = await env.server.openCase({ rules: RULES });
  const { ctx, page } = await joinWithBrowserKey(env, 'claimant', c.links.claimant,
    'a passphrase for the lengths test');
  const field = page.getByRole('textbox', { name: /Your demand for round 1/ });
  await field.fill(text);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/figures') && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Send my demand' }).click(),
  ]);
  const sent = response.request().postData();
  const answer = await response.body();
  await ctx.close();
  return { sent, answer, status: response.status() };
}

test('the page sends a figure, and is answered, at one length whatever its size', async () => {
  const small = await demand('0.01');
  const large = await demand('30,000,000,000,000.00');
  assert.equal(small.status, 200, small.answer.toString());
  assert.equal(large.status, 200, large.answer.toString());
  assert.match(small.sent, /"amount": 1 {23},/);
  assert.match(large.sent, /"amount": 3000000000000000 {8},/);
  assert.equal(Buffer.byteLength(large.sent), Buffer.byteLength(small.sent));
  assert.equal(large.answer.length, small.answer.length);
});
