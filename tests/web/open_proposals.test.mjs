// Open proposals on the pages (issue 17, tool 2): in a case opened with them, each
// party's page states the rule in plain words, announces its own open proposal, shows
// the other side's with the bound it gives and, once both stand, the go-between's
// suggestion; a secret figure less generous than the party's own proposal is refused in
// the server's words, which name the proposal and never the figure.
//
//   NAKODO=build/src/cli/nakodo node --test tests/web/open_proposals.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, newRoleContext } from './harness.mjs';
import { useServerAndBrowser, joinWithBrowserKey, checkNews, expectedConsole }
  from './party_steps.mjs';

const env = useServerAndBrowser();

async function announceOn(page, role, round, amount) {
  await page.getByRole('textbox', { name: new RegExp(`Your open proposal for round ${round}`) })
    .fill(amount);
  await page.getByRole('button', { name: 'Announce my open proposal' }).click();
  await page.locator(`#open-${role}`).waitFor();
}

test('both parties announce, see each other\'s proposal and the suggestion', async () => {
  const c = await env.server.openCase({ rules: { open_proposals: true } });
  const p = {};
  for (const role of ['claimant', 'payer']) {
    p[role] = await joinWithBrowserKey(env, role, c.links[role], `a passphrase for the ${role}`);
  }
  const cl = p.claimant.page;
  const py = p.payer.page;
  assert.match(await cl.textContent('#rules'), /announce an open proposal/);
  assert.match(await py.locator('#open-none').textContent(), /No open proposal/);

  await announceOn(cl, 'claimant', 1, '7000');
  assert.match(await cl.locator('#open-claimant').textContent(),
    new RegExp('^Your open proposal: \\$7,000\\.00 \\(round 1\\)\\. It tells the other side '
      + 'that your demand is at most \\$7,000\\.00'));
  await checkNews(py);
  assert.match(await py.locator('#open-claimant').textContent(),
    /^The claimant's open proposal: \$7,000\.00 \(round 1\)\. It tells you that its demand/);
  assert.equal(await py.locator('#open-suggestion').count(), 0);

  await announceOn(py, 'payer', 1, '3000');
  assert.match(await py.locator('#open-suggestion').textContent(),
    /^The go-between's suggestion: \$5,000\.00, the midpoint of the two open proposals\./);
  await checkNews(cl);
  assert.match(await cl.locator('#open-payer').textContent(), /offer is at least \$3,000\.00/);
  assert.match(await cl.locator('#open-suggestion').textContent(), /\$5,000\.00/);
  // one a round: the form is gone once announced
  assert.equal(await py.getByRole('button', { name: 'Announce my open proposal' }).count(), 0);

  // an offer below the payer's own proposal: refused, naming the proposal only
  await py.getByRole('textbox', { name: /Your offer for round 1/ }).fill('2999.99');
  await py.getByRole('button', { name: 'Send my offer' }).click();
  const refusal = py.getByText(/at least your open proposal of USD 3,000\.00/).first();
  await refusal.waitFor();
  assert.doesNotMatch(await refusal.textContent(), /2,999\.99/);
  await assertAccessible(py, 'party, open proposals');
  // the mediator's page shows the same
  const med = await newRoleContext(env.browser, env.server, 'mediator',
    { ignoreConsole: expectedConsole });
  const mpage = await med.newPage();
  await mpage.goto(c.links.mediator);
  await mpage.locator('#m-summary #open-suggestion').waitFor();
  assert.match(await mpage.locator('#open-claimant').textContent(),
    /^The claimant's open proposal: \$7,000\.00 \(round 1\)\. It tells every role that its demand/);
  med.assertClean();
  for (const role of ['claimant', 'payer']) p[role].ctx.assertClean();
});
