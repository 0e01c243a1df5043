// Improvements after a tentative package on the party's page (doc/package.md,
// "Improvements"): with the 1962 valuations both browser parties accept round 1's
// package, which stays tentative; each sends a sealed improvement valuation (Japan's
// "claims" label now costing it US$5 million), sees the proposed improvement with its
// own worths of both packages, and both accept it: the case settles on it. Neither page
// ever holds the other side's improvement valuation.
import { test } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { assertHoldsNone, screenshot, assertAccessible, root } from './harness.mjs';
import { useServerAndBrowser, joinWithBrowserKey, checkNews } from './party_steps.mjs';

const shared = useServerAndBrowser();
const file = (side) => path.join(root, 'examples', `claims-1962-package-${side}.json`);

async function send(page, what, path_) {
  await page.locator('input[type=file][name=file]').setInputFiles(path_);
  await page.getByRole('button', { name: `Send my ${what}` }).click();
}

test('an improvement on a tentative package, accepted by both browser parties', async () => {
  const { server } = shared;
  // Japan's improvement valuation, with values that do not occur by chance
  const j2 = JSON.parse(fs.readFileSync(file('japan'), 'utf8'));
  j2.party = 'JapanZW9';
  j2.labels[0].worth = '5,000,000';
  j2.reservation = '381,337,713.31';
  const j2file = path.join(server.dir, 'japan-improvement.json');
  fs.writeFileSync(j2file, JSON.stringify(j2));
  const c = await server.openCase({
    package: {
      currency: 'USD',
      components: ['grant', 'loan'],
      solution: 'nash',
      rounds: 2,
      monotone: true,
      improvements: true,
    },
  });
  const korea = await joinWithBrowserKey(shared, 'claimant', c.links.claimant, 'korea improve');
  const japan = await joinWithBrowserKey(shared, 'payer', c.links.payer, 'japan improve');
  await korea.page.getByText(/Improvements: a package both accept is tentative/).waitFor();
  await send(korea.page, 'valuation', file('korea'));
  await korea.page.getByText(/Your valuation for round 1 is in/).waitFor();
  await send(japan.page, 'valuation', file('japan'));
  // the answer to Japan's valuation shows the package; a check for news before it came
  // could be overtaken by it (the click then finds no button)
  await japan.page.getByText(/The proposed package/).waitFor();
  await checkNews(korea.page);
  await korea.page.getByText(/The proposed package/).waitFor();
  for (const p of [korea.page, japan.page])
    await p.getByRole('button', { name: 'Accept the package' }).click();
  for (const p of [korea.page, japan.page]) {
    await checkNews(p);
    try {
      await p.getByText(/it is tentative while either may still propose/).waitFor();
    } catch (e) {
      await screenshot(p, 'party-improve-failed-tentative');
      throw e;
    }
  }
  await send(korea.page, 'improvement valuation', file('korea'));
  await korea.page.getByText(/Your improvement valuation is in/).first().waitFor();
  await send(japan.page, 'improvement valuation', j2file);
  await japan.page.getByText('The proposed improvement:').waitFor();
  for (const p of [korea.page, japan.page]) {
    await checkNews(p);
    await p.getByText('The proposed improvement:').waitFor();
  }
  await korea.page.getByText(/By your improvement valuation the accepted package's value/).waitFor();
  await japan.page.getByText(/By your improvement valuation the accepted package's cost/).waitFor();
  const japanSecret = ['JapanZW9', '381,337,713.31', '38133771331'];
  await assertHoldsNone(korea.ctx, korea.page, japanSecret, 'Korea with an improvement proposed');
  await screenshot(korea.page, 'party-improve-01-proposed');
  await assertAccessible(korea.page, 'claimant: a proposed improvement');
  await korea.page.getByRole('button', { name: 'Accept the improvement' }).click();
  await korea.page.getByText(/You answered the improvement: accept/).waitFor();
  await checkNews(japan.page);
  await japan.page.getByRole('button', { name: 'Accept the improvement' }).click();
  await japan.page.locator('#case-state').getByText(/Settled/).waitFor();
  await checkNews(korea.page);
  await korea.page.getByText(/Both accepted the improvement: the case settled on it/).waitFor();
  await assertHoldsNone(korea.ctx, korea.page, japanSecret, 'Korea once settled');
  await screenshot(korea.page, 'party-improve-02-settled');
  korea.ctx.assertClean();
  japan.ctx.assertClean();
  await korea.ctx.close();
  await japan.ctx.close();
});
