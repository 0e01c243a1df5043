// A package case on the party's page, with the 1962 valuations of examples/: both
// parties join with browser keys, upload their valuation files (signed over the normal
// form `nakodo package check` prints), see the proposed package with what it is worth
// to each, and accept it; neither page ever holds the other side's reservation.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { assertHoldsNone, screenshot, assertAccessible, runNakodo, root } from './harness.mjs';
import { useServerAndBrowser, joinWithBrowserKey, checkNews } from './party_steps.mjs';

const crypto = await import(path.join(root, 'web/assets/js/crypto.js'));
const { valuationBody } = await import(path.join(root, 'web/assets/js/package.js'));

const shared = useServerAndBrowser();
let server;
const file = (side) => path.join(root, 'examples', `claims-1962-package-${side}.json`);

before(async () => {
  await crypto.ready();
});

test("the signed valuation body is nakodo package check's normal form", async () => {
  for (const side of ['korea', 'japan']) {
    const r = await runNakodo(['package', 'check', file(side)]);
    assert.equal(r.code, 0, r.stderr);
    const body = new TextDecoder().decode(
      valuationBody(JSON.parse(fs.readFileSync(file(side), 'utf8')), 2),
    );
    assert.deepEqual(JSON.parse(body), { round: 2, valuation: JSON.parse(r.stdout) });
    // reals keep C's ".0", amounts the currency's decimals
    assert.match(body, /"discount":(10|6)\.0,/);
    assert.match(body, /"min":"250,000,000\.00"/);
  }
});

async function party(role, link, side) {
  const { ctx, page } = await joinWithBrowserKey(shared, role, link, `${role} package passphrase`);
  // bad input first: nothing chosen, then something that is not JSON
  await page.getByRole('button', { name: 'Send my valuation' }).click();
  await page.getByText('choose a valuation file or paste one').waitFor();
  await page.getByRole('textbox', { name: 'Or paste the valuation' }).fill('{not json');
  await page.getByRole('button', { name: 'Send my valuation' }).click();
  await page.getByText('not JSON').waitFor();
  await page.getByRole('textbox', { name: 'Or paste the valuation' }).fill('');
  await page.locator('input[type=file][name=file]').setInputFiles(file(side));
  await page.getByRole('button', { name: 'Send my valuation' }).click();
  try {
    await page
      .getByText(/Your valuation for round 1 is in|The proposed package/)
      .first()
      .waitFor({ timeout: 10000 });
  } catch (e) {
    await screenshot(page, `party-package-failed-${role}`);
    throw e;
  }
  return { ctx, page };
}

test('a package case with the 1962 valuations between two browser parties', async () => {
  ({ server } = shared);
  const c = await server.openCase({
    package: {
      currency: 'USD',
      components: ['grant', 'loan'],
      solution: 'nash',
      rounds: 2,
      monotone: true,
    },
  });
  const korea = await party('claimant', c.links.claimant, 'korea');
  const japan = await party('payer', c.links.payer, 'japan');
  // the other side's reservation, in the valuation's text and in minor units
  const koreaSecret = ['211,814,697.61', '21181469761'];
  const japanSecret = ['380,954,758.31', '38095475831'];
  await checkNews(korea.page);
  await korea.page.getByText(/The proposed package/).waitFor();
  await korea.page.getByText(/By your valuation of round 1 it is worth you/).waitFor();
  await japan.page.getByText(/By your valuation of round 1 it costs you/).waitFor();
  await assertHoldsNone(korea.ctx, korea.page, japanSecret, 'Korea with a package proposed');
  await assertHoldsNone(japan.ctx, japan.page, koreaSecret, 'Japan with a package proposed');
  await screenshot(korea.page, 'party-package-01-proposed');
  await assertAccessible(korea.page, 'claimant: a proposed package');

  await korea.page.getByRole('button', { name: 'Accept the package' }).click();
  await korea.page.getByText(/You answered the proposed package: accept/).waitFor();
  await checkNews(japan.page);
  await japan.page.getByRole('button', { name: 'Accept the package' }).click();
  await japan.page
    .locator('#case-state')
    .getByText(/Settled/)
    .waitFor();
  await assertHoldsNone(japan.ctx, japan.page, koreaSecret, 'Japan once settled');
  await checkNews(korea.page);
  await korea.page
    .locator('#case-state')
    .getByText(/Settled/)
    .waitFor();
  await assertHoldsNone(korea.ctx, korea.page, japanSecret, 'Korea once settled');
  await screenshot(korea.page, 'party-package-02-settled');
  // the receipt, signed in the page with Korea's key
  const [download] = await Promise.all([
    korea.page.waitForEvent('download'),
    korea.page.getByRole('button', { name: 'Download the receipt' }).click(),
  ]);
  const receipt = path.join(server.dir, 'package-receipt.txt');
  await download.saveAs(receipt);
  const key = await runNakodo(['--db', `sqlite:${server.db}`, 'server-key']);
  const v = await runNakodo(['--json', 'verify', receipt, '--server-key', key.stdout.trim()]);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  const checks = Object.fromEntries(JSON.parse(v.stdout).checks.map((x) => [x.check, x.result]));
  assert.equal(checks['claimant-signature'], 'holds');
  korea.ctx.assertClean();
  japan.ctx.assertClean();
  await korea.ctx.close();
  await japan.ctx.close();
});
