// A party's check of a random settlement on its page (draw_check.js), as the command's
// `nakodo verify --draw --commitment HEX` makes it: the page shows the seed's commitment
// in the rules before the first figure; once settled, the commitment the party noted and
// its own figure, typed in, check that the revealed seed is the committed one and draws
// the settlement. A changed commitment and a wrong figure fail, each naming its check;
// the command agrees with the page on the same case. Also for a case without a range,
// whose top (2^62 - 1 minor units) a page's numbers cannot hold exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNakodo } from './harness.mjs';
import { useServerAndBrowser, joinWithBrowserKey, checkNews } from './party_steps.mjs';

const env = useServerAndBrowser();

async function settleAndCheck(rules, demand, offer, label) {
  const { server } = env;
  let c;
  if (rules) {
    c = await server.openCase({ rules: { settle: 'random', hints_bp: [], ...rules } });
  } else { // without a range: the API wants every rule, the command fills in the range
    const o = await runNakodo(['--json', 'case', 'new', '--currency', 'USD', '--settle',
      'random'], undefined, { NAKODO_SERVER: server.url, NAKODO_TOKEN: server.operator });
    assert.equal(o.code, 0, o.stderr);
    c = JSON.parse(o.stdout);
  }
  const { ctx, page } = await joinWithBrowserKey(env, 'claimant', c.links.claimant,
    `claimant draw pass ${label}`);
  const rulesText = await page.locator('#rules').innerText();
  const shown = /commitment to the random draw's seed is ([0-9a-f]{64})/.exec(rulesText);
  assert.ok(shown, `${label}: the rules show the seed's commitment before the first figure`);
  const opened = await server.api('GET', `/v1/cases/${c.case}/brief`, { token: c.tokens.payer });
  assert.equal(shown[1], opened.json.seed_commitment, `${label}: the briefing's commitment`);
  assert.match(rulesText, /Note it now, before your first figure/);

  await page.getByLabel('Your demand for round 1 (USD)').fill(demand);
  await page.getByRole('button', { name: 'Send my demand' }).click();
  await page.getByText('Your demand for round 1 is in.').first().waitFor();
  const env2 = { NAKODO_SERVER: server.url, NAKODO_TOKEN: c.tokens.payer };
  const sub = await runNakodo(['submit', c.case, offer], undefined, env2);
  assert.equal(sub.code, 0, `${label}: the payer's offer: ${sub.stderr}`);
  await checkNews(page);

  const form = page.getByRole('form', { name: 'Check the random draw' });
  await form.waitFor();
  const check = async (commitment, figure) => {
    await form.getByLabel('The seed commitment you noted').fill(commitment);
    await form.getByLabel(/Your demand in the settled round/).fill(figure);
    await form.getByRole('button', { name: 'Check the draw' }).click();
    await form.locator('.draw-result').waitFor();
    await form.locator('.form-status').filter({ hasText: /VERIFIED|Verified/ }).waitFor();
    return `${await form.locator('.draw-result').innerText()}\n${
      await form.locator('.form-status').innerText()}`;
  };
  let out = await check(shown[1], demand);
  assert.match(out,
    /^holds seed-commitment: the revealed seed's SHA-256 is the commitment you noted/m,
    `${label}: ${out}`);
  assert.match(out, /^holds draw: replayed from the seed with your demand/m, `${label}: ${out}`);
  assert.match(out,
    /Verified: the seed was fixed when the case opened and drew this settlement\.$/);

  const other = (shown[1][0] === '0' ? '1' : '0') + shown[1].slice(1);
  out = await check(other, demand);
  assert.match(out, /^fails seed-commitment: the go-between now shows a commitment other/m);
  assert.match(out, /NOT VERIFIED/);

  // a demand above the settlement cannot have drawn it
  const settled = (await server.api('GET', `/v1/cases/${c.case}/brief`,
    { token: c.tokens.payer })).json.settlement.figure;
  const above = ((settled + 1) / 100).toFixed(2);
  out = await check(shown[1], above);
  assert.match(out, /^fails draw: the settlement lies below your demand/m, `${label}: ${out}`);

  // the command, with the payer's token, agrees on the same case
  const v = await runNakodo(['--json', 'verify', '--draw', c.case, '--commitment', shown[1],
    offer], undefined, env2);
  assert.equal(v.code, 0, `${label}: nakodo verify --draw: ${v.stdout}${v.stderr}`);
  assert.equal(JSON.parse(v.stdout).valid, true);
  await ctx.close();
}

test('the page checks a random settlement against the commitment the party noted', async () => {
  await settleAndCheck({ grid: 100, range_low: 0, range_high: 100000000 }, '400,000',
    '650,000', 'ranged');
});

test('and in a case without a range, whose top a page cannot hold exactly', async () => {
  await settleAndCheck(null,
    '1,234.56', '98,765.43', 'no range');
});
