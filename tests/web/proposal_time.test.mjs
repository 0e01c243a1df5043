// Until when a mediator's proposal waits (case_facts.js, proposalTimingWords): the party's
// proposal panel and the mediator's page say it has no time limit of its own, only the
// case's deadline, as `nakodo propose` and the briefing say (tests/cli/plain_words.sh).
// They said nothing of it, and a party could not tell whether an answer was due.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newRoleContext, runNakodo } from './harness.mjs';
import { useServerAndBrowser, joinWithBrowserKey, checkNews, expectedConsole }
  from './party_steps.mjs';

const env = useServerAndBrowser();

test('a pending proposal says it has no time of its own, and names the deadline', async () => {
  const { server } = env;
  const deadline = `${new Date(Date.now() + 30 * 86400000).toISOString().slice(0, 10)}T00:00:00Z`;
  const c = await server.openCase({ rules: { rounds: 1, hints_bp: [], deadline } });
  const { ctx, page } = await joinWithBrowserKey(env, 'claimant', c.links.claimant,
    'claimant proposal pass');
  await page.getByLabel('Your demand for round 1 (USD)').fill('700,000');
  await page.getByRole('button', { name: 'Send my demand' }).click();
  await page.getByText('Your demand for round 1 is in.').first().waitFor();
  const as = (token) => ({ NAKODO_SERVER: server.url, NAKODO_TOKEN: token });
  assert.equal((await runNakodo(['submit', c.case, '300,000'], undefined,
    as(c.tokens.payer))).code, 0);
  const p = await runNakodo(['propose', c.case, '500,000'], undefined, as(c.tokens.mediator));
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /no time limit of its own/);
  await checkNews(page);
  const panel = await page.getByText(/^The mediator proposes/).innerText();
  assert.match(panel, /It has no time limit of its own: it stands until both parties answer/);
  assert.match(panel, new RegExp(`the case's deadline, ${deadline} \\(UTC\\), closes the case`));
  await ctx.close();

  const m = await newRoleContext(env.browser, server, 'mediator',
    { ignoreConsole: expectedConsole });
  const mp = await m.newPage();
  await mp.goto(c.links.mediator);
  const waits = await mp.locator('#proposal-waits').innerText();
  assert.match(waits, /^Your proposal waits for both answers\. It has no time limit of its own/);
  assert.match(waits, new RegExp(`deadline, ${deadline} \\(UTC\\)`));
  await m.close();
});
