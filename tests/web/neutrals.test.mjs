// Neutral evaluation on the pages (issue 17, tool 3): a neutral's invitation link opens its
// own view, which first joins the case with a key made in the browser (the go-between
// refuses a neutral's token alone, which the case's opener holds too, both the last
// figures and the fair figure), then shows the rule and nothing of the case before the
// impasse; during the
// neutrals' turn both last figures and the form for its fair figure, signed with its key
// (a figure outside them refused beside the field, before anything is sent); its own
// figure once given,
// never another neutral's (and nothing of the figures until both parties have endorsed
// its key: the claimant with the command, the payer on its page); and at the end the
// settlement with the rule. The mediator's
// page counts the figures given; a party's page states the rule that decided and what
// it told that party. No page, and neither the server's log nor its database, holds a
// fair figure that its role may not see.
//
//   NAKODO=build/src/cli/nakodo node --test tests/web/neutrals.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { newRoleContext, assertAccessible, pageState, screenshot, runNakodo }
  from './harness.mjs';
import { useServerAndBrowser, expectedConsole, checkNews, joinWithBrowserKey }
  from './party_steps.mjs';
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

// a neutral joins from its link with a key made in the page; before it has, its page
// holds no figure and offers no form but the key's
const PASS = 'neutral page passphrase';
async function joinAs(role, link) {
  return joinWithBrowserKey(env, role, link, PASS, async (page) => {
    assert.match(await page.textContent('#join-why'), /only once you have joined/);
    assert.equal(await page.locator('input[name=amount]').count(), 0);
  });
}

// Both parties endorse role's key, its safety number compared: the claimant with the
// command (joining first with a key file), the payer with its page's form.
async function endorseBoth(c, payer, role, safety) {
  const dir = env.server.dir;
  const cliEnv = { NAKODO_SERVER: env.server.url, NAKODO_TEST_KDF: 'min',
    NAKODO_PASSPHRASE_FILE: path.join(dir, 'pass'), NAKODO_TOKEN: c.tokens.claimant };
  const key = path.join(dir, `claimant-${c.case}.key`);
  if (!fs.existsSync(key)) {
    fs.writeFileSync(path.join(dir, 'pass'), 'claimant passphrase\n');
    const join = ['join', c.case, '--as', 'claimant', '--key', key];
    for (const args of [['keygen', '--out', key], join]) {
      const r = await runNakodo(args, undefined, cliEnv);
      assert.equal(r.code, 0, r.stderr);
    }
  }
  const r = await runNakodo(['endorse', c.case, role, '--key', key, '--safety-number', safety],
    undefined, cliEnv);
  assert.equal(r.code, 0, r.stderr);
  await checkNews(payer.page);
  const cell = payer.page.locator(`#endorse-${role}`);
  await cell.getByLabel(`The safety number the ${role} read to you`).fill(safety);
  await cell.getByRole('button', { name: `Endorse the ${role}'s key` }).click();
  await cell.locator('.endorsed').waitFor();
}
const safetyOf = async (n) => (await n.page.textContent('#keys .safety')).trim();

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
  const n1 = await joinAs('neutral-1', c.links['neutral-1']);
  await n1.page.locator('#neutral-rule').waitFor();
  assert.match(await n1.page.textContent('#keys'), /Your safety number \(neutral-1\)/);
  assert.match(await n1.page.textContent('#case-title'), /you are neutral-1/);
  assert.match(await n1.page.textContent('#case-state'), /shown nothing of it until an impasse/);
  let state = JSON.stringify(await pageState(n1.page));
  assert.ok(!state.includes(String(DEMAND)) && !state.includes('73,133'),
    'a neutral holds no figure before the impasse');
  await assertAccessible(n1.page, 'neutral, before the impasse');

  assert.equal((await figure(c, 'payer', OFFER)).status, 200);
  // joined, but not endorsed by both parties: still nothing of the figures
  await checkNews(n1.page);
  assert.equal(await n1.page.locator('#last-figures').count(), 0);
  assert.match(await n1.page.textContent('#endorse-waiting'),
    /Waiting for both parties to endorse your key \(neither has yet\)/);
  state = JSON.stringify(await pageState(n1.page));
  assert.ok(!state.includes(String(OFFER)) && !state.includes('61,337'),
    'a neutral the parties have not endorsed holds no figure');
  const payer = await joinWithBrowserKey(env, 'payer', c.links.payer, PASS);
  await endorseBoth(c, payer, 'neutral-1', await safetyOf(n1));
  await checkNews(n1.page);
  await n1.page.locator('#last-figures').waitFor();
  assert.equal(await n1.page.locator('#endorse-waiting').count(), 0);
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

  // neutral-2's token alone (the mediator was given it at the opening) is refused the last
  // figures and the figure; joined with its own key, neutral-2 gives it from its page
  const b2 = await env.server.api('GET', `/v1/cases/${c.case}/brief`,
    { token: c.tokens['neutral-2'] });
  assert.equal(b2.status, 409);
  assert.equal(b2.json.field, 'role');
  assert.ok(!b2.text.includes(String(OFFER)) && !b2.text.includes(String(DEMAND)));
  assert.equal((await figure(c, 'neutral-2', FAIR[1])).status, 409);
  const n2 = await joinAs('neutral-2', c.links['neutral-2']);
  await endorseBoth(c, payer, 'neutral-2', await safetyOf(n2));
  await checkNews(n2.page);
  await n2.page.locator('#last-figures').waitFor();
  await n2.page.locator('input[name=amount]').fill('65432.10');
  await n2.page.getByRole('button', { name: 'Give my fair figure' }).click();
  await n2.page.locator('#own-fair').waitFor();
  // a third neutral sees the figures, not the others' figures
  const n3 = await joinAs('neutral-3', c.links['neutral-3']);
  await endorseBoth(c, payer, 'neutral-3', await safetyOf(n3));
  await checkNews(n3.page);
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

  // the payer, joined with its key, sees each joined neutral's safety number, endorsed
  await checkNews(payer.page);
  const n1Safety = (await n1.page.textContent('#keys .safety')).trim();
  assert.match(await payer.page.textContent('#keys'),
    new RegExp(`The neutral-1's safety number${n1Safety}`));

  await n3.page.locator('input[name=amount]').fill('68888.77');
  await n3.page.getByRole('button', { name: 'Give my fair figure' }).click();
  await n3.page.locator('#neutral-decided').waitFor();
  assert.match(await n3.page.textContent('#settlement'), /\$73,133\.77/);
  assert.match(await n3.page.textContent('#neutral-decided'), /claimant's last demand/);

  // the mediator's page: the rule that decided, no figure but the settlement
  await med.page.locator('#neutral-decided').waitFor();	// it refreshes itself
  assert.match(await med.page.textContent('#neutral-decided'), /claimant's last demand/);
  // the payer's page states the rule among the case's rules, and the settlement
  await checkNews(payer.page);
  await payer.page.locator('#rules').waitFor();
  assert.match(await payer.page.textContent('#rules'), /each neutral is shown BOTH parties/);
  assert.match(await payer.page.textContent('#case-state'), /\$73,133\.77 \(neutral\)/);
  state = JSON.stringify(await pageState(payer.page));
  for (const f of [...FAIR, '70,012', '65,432', '68,888']) {
    assert.ok(!state.includes(String(f)), `the payer's page holds ${f}`);
  }
  await assertAccessible(payer.page, 'payer, settled by the neutrals');
  env.server.assertStoresNone(FAIR, 'neutral evaluation');
  for (const x of [n1, n2, n3, med, payer]) x.ctx.assertClean();
});
