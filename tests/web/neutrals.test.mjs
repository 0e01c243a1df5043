// Neutral evaluation on the pages (issue 17, tool 3): a neutral's invitation link opens its
// own view, which shows the rule and nothing of the case before the impasse; during the
// neutrals' turn both last figures and the form for its fair figure (a figure outside
// them refused beside the field, before anything is sent); its own figure once given,
// never another neutral's; and at the end the settlement with the rule. The mediator's
// page counts the figures given; a party's page states the rule that decided and what
// it told that party. No page, and neither the server's log nor its database, holds a
// fair figure that its role may not see.
//
//   NAKODO=build/src/cli/nakodo node --test tests/web/neutrals.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newRoleContext, assertAccessible, pageState, screenshot } from './harness.mjs';
import { useServerAndBrowser, expectedConsole, checkNews } from './party_steps.mjs';
import { neutralRuleWords, NEUTRAL_ROLE } from '../../web/assets/js/neutral_facts.js';

const env = useServerAndBrowser();
const DEMAND = 7313377;	// USD 73,133.77
const OFFER = 6133711;
const FAIR = [7001234, 6543210, 6888877];	// the median 6888877 is nearer the demand

async function open(role, link) {
  const ctx = await newRoleContext(env.browser, env.server, role,
    { ignoreConsole: expectedConsole });
  const page = await ctx.newPage();
  await page.goto(link);
  return { ctx, page };
}

const figure = (c, role, amount) => env.server.api('POST', `/v1/cases/${c.case}/figures`,
  { token: c.tokens[role], body: { amount } });

test('the rule in words names the disclosure, and only neutral roles match', () => {
  const words = neutralRuleWords({ rules: { neutrals: 3, proposals: 0 } });
  assert.match(words, /3 neutrals/);
  assert.match(words, /shown BOTH parties' last figures/);
  assert.equal(neutralRuleWords({ rules: { proposals: 1 } }), null);
  assert.ok(NEUTRAL_ROLE.test('neutral-5') && !NEUTRAL_ROLE.test('neutral-6')
    && !NEUTRAL_ROLE.test('payer'));
});

test('a neutral\'s page: nothing before the impasse, then the figures and its own', async () => {
  const c = await env.server.openCase({ rules: { rounds: 1, proposals: 0, neutrals: 3,
    hints_bp: [] } });
  assert.deepEqual(Object.keys(c.tokens).sort(),
    ['claimant', 'mediator', 'neutral-1', 'neutral-2', 'neutral-3', 'payer']);
  assert.equal((await figure(c, 'claimant', DEMAND)).status, 200);
  const n1 = await open('neutral-1', c.links['neutral-1']);
  await n1.page.locator('#neutral-rule').waitFor();
  assert.match(await n1.page.textContent('#case-title'), /you are neutral-1/);
  assert.match(await n1.page.textContent('#case-state'), /shown nothing of it until an impasse/);
  let state = JSON.stringify(await pageState(n1.page));
  assert.ok(!state.includes(String(DEMAND)) && !state.includes('73,133'),
    'a neutral holds no figure before the impasse');
  await assertAccessible(n1.page, 'neutral, before the impasse');

  assert.equal((await figure(c, 'payer', OFFER)).status, 200);
  await checkNews(n1.page);
  await n1.page.locator('#last-figures').waitFor();
  assert.match(await n1.page.textContent('#last-figures'), /\$73,133\.77.*\$61,337\.11/);
  // outside the span: refused beside the field, nothing sent
  await n1.page.locator('input[name=amount]').fill('80000');
  await n1.page.getByRole('button', { name: 'Give my fair figure' }).click();
  await n1.page.locator('.field-error:not([hidden])').waitFor();
  assert.equal(await n1.page.getAttribute('input[name=amount]', 'aria-invalid'), 'true');
  await n1.page.locator('input[name=amount]').fill('70012.34');
  await n1.page.getByRole('button', { name: 'Give my fair figure' }).click();
  await n1.page.locator('#own-fair').waitFor();
  assert.match(await n1.page.textContent('#own-fair'), /\$70,012\.34/);
  await assertAccessible(n1.page, 'neutral, its figure given');
  await screenshot(n1.page, 'neutral-given');

  // a second neutral sees the figures, not the first one's figure
  assert.equal((await figure(c, 'neutral-2', FAIR[1])).status, 200);
  const n3 = await open('neutral-3', c.links['neutral-3']);
  await n3.page.locator('#last-figures').waitFor();
  state = JSON.stringify(await pageState(n3.page));
  for (const f of [FAIR[0], FAIR[1], '70,012', '65,432']) {
    assert.ok(!state.includes(String(f)), `neutral-3's page holds ${f}`);
  }

  // the mediator: a count, no figure
  const med = await open('mediator', c.links.mediator);
  await med.page.locator('#neutral-turn').waitFor();
  assert.match(await med.page.textContent('#neutral-turn'), /2 of 3 fair figures given/);
  state = JSON.stringify(await pageState(med.page));
  for (const f of [...FAIR, '70,012', OFFER, DEMAND]) {
    assert.ok(!state.includes(String(f)), `the mediator's page holds ${f}`);
  }

  await n3.page.locator('input[name=amount]').fill('68888.77');
  await n3.page.getByRole('button', { name: 'Give my fair figure' }).click();
  await n3.page.locator('#neutral-decided').waitFor();
  assert.match(await n3.page.textContent('#settlement'), /\$73,133\.77/);
  assert.match(await n3.page.textContent('#neutral-decided'), /claimant's last demand/);

  // the mediator's page: the rule that decided, no figure but the settlement
  await med.page.locator('#neutral-decided').waitFor();	// it refreshes itself
  assert.match(await med.page.textContent('#neutral-decided'), /claimant's last demand/);
  // the payer's page states the rule among the case's rules, and the settlement
  const payer = await open('payer', c.links.payer);
  await payer.page.locator('#rules').waitFor();
  assert.match(await payer.page.textContent('#rules'), /each neutral is shown BOTH parties/);
  assert.match(await payer.page.textContent('#case-state'), /\$73,133\.77 \(neutral\)/);
  state = JSON.stringify(await pageState(payer.page));
  for (const f of [...FAIR, '70,012', '65,432', '68,888']) {
    assert.ok(!state.includes(String(f)), `the payer's page holds ${f}`);
  }
  await assertAccessible(payer.page, 'payer, settled by the neutrals');
  env.server.assertStoresNone(FAIR, 'neutral evaluation');
  for (const x of [n1, n3, med, payer]) x.ctx.assertClean();
});
