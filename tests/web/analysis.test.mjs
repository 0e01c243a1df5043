// The console's analysis view (issue 12, item 3): an agenda of examples/ and its two
// profiles posted to POST /v1/analyze; the plot shown is byte for byte the SVG of
// `nakodo analyze --svg`, the solution points are those of `nakodo analyze --json`, a
// fixed issue runs it again as `--fix` does, and bad input is told beside its field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  root, newRoleContext, screenshot, assertAccessible, runNakodo,
} from './harness.mjs';
import { useServerAndBrowser } from './party_steps.mjs';

const EX = path.join(root, 'examples');
const DOMAIN = path.join(EX, 'agenda-1962.json');
const PROFILES = [path.join(EX, 'agenda-1962-korea.json'), path.join(EX, 'agenda-1962-japan.json')];
const POINTS = ['nash', 'kalai_smorodinsky', 'egalitarian', 'utilitarian'];

const env = useServerAndBrowser();

// What the command says for the same files: { json, svg }.
async function cli(fix = []) {
  const svg = path.join(env.server.dir, `plot-${fix.length}.svg`);
  const args = ['analyze', DOMAIN, ...PROFILES, ...fix.flatMap((f) => ['--fix', f]),
    '--json', '--svg', svg];
  const r = await runNakodo(args);
  assert.equal(r.code, 0, r.stderr);
  return { json: JSON.parse(r.stdout), svg: fs.readFileSync(svg, 'utf8') };
}

// What the page shows: the plot's SVG text and the points' utilities.
async function shown(page) {
  return page.evaluate(() => {
    const src = document.querySelector('#analysis-plot').getAttribute('src');
    const b64 = src.replace(/^data:image\/svg\+xml;base64,/, '');
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const points = {};
    for (const tr of document.querySelectorAll('#analysis-points tr[data-point]')) {
      const us = [...tr.querySelectorAll('td[data-u]')].map((td) => Number(td.dataset.u));
      points[tr.dataset.point] = us.length ? us : null;
    }
    const summary = document.querySelector('#analysis-summary').textContent;
    return { svg: new TextDecoder().decode(bytes), points, summary };
  });
}

test('the analysis view shows the engine\'s plot and points, and runs again with a fixed issue',
  async () => {
  const { server, browser } = env;
  const ctx = await newRoleContext(browser, server, 'operator',
    { ignoreConsole: [/status of 4\d\d/] });
  const page = await ctx.newPage();
  await page.goto('/');
  await page.fill('#operator-token', server.operator);
  await page.click('#operator-form button[type=submit]');
  await page.waitForSelector('#console-body:not([hidden])');

  // Bad input: told beside the field, nothing shown.
  await page.click('#analysis-submit');
  assert.match(await page.textContent('#analysis-domain-error'), /choose the agenda file/);
  assert.match(await page.textContent('#analysis-profiles-error'),
    /2 to 5 profile files \(0 chosen\)/);
  await page.setInputFiles('#analysis-domain', DOMAIN);
  await page.setInputFiles('#analysis-profiles', [PROFILES[0]]);
  await page.click('#analysis-submit');
  assert.match(await page.textContent('#analysis-profiles-error'), /\(1 chosen\)/);
  const asFile = (f, name = path.basename(f)) => ({ name, mimeType: 'application/json',
    buffer: fs.readFileSync(f) });
  const six = Array.from({ length: 6 }, (_, i) => asFile(PROFILES[i % 2], `p${i}.json`));
  await page.setInputFiles('#analysis-profiles', six);
  await page.click('#analysis-submit');
  assert.match(await page.textContent('#analysis-profiles-error'), /\(6 chosen\)/);
  // A garbled profile: the server's refusal, with its field.
  await page.setInputFiles('#analysis-profiles', [asFile(PROFILES[0]),
    { name: 'bad.json', mimeType: 'application/json',
      buffer: Buffer.from('{"nakodo": "profile", "name": 3') }]);
  await page.click('#analysis-submit');
  await page.waitForSelector('#analysis-errors:not([hidden])');
  assert.match(await page.textContent('#analysis-errors'), /\S/);
  assert.ok(await page.isHidden('#analysis-result'), 'nothing is shown for refused input');
  await assertAccessible(page, 'analysis, refused');

  // The real files: the plot and the points are the command's.
  await page.setInputFiles('#analysis-profiles', PROFILES);
  await page.click('#analysis-submit');
  await page.waitForSelector('#analysis-result:not([hidden])');
  const want = await cli();
  let got = await shown(page);
  assert.equal(got.svg, want.svg, 'the plot is the SVG of nakodo analyze --svg');
  for (const p of POINTS) assert.deepEqual(got.points[p], want.json.points[p].utilities, p);
  assert.match(got.summary, new RegExp(`${want.json.frontier.length} frontier points`));
  // The plot is an image: nothing in it can run or reach the page.
  assert.equal(await page.locator('#analysis-result svg, #analysis-result script').count(), 0);
  await screenshot(page, 'analysis-01-frontier');
  await assertAccessible(page, 'analysis, shown');

  // Fixing an issue runs it again, as --fix does.
  await page.selectOption('#analysis-fix select[data-issue="fisheries"]', '12-mile zone');
  await page.click('#analysis-submit');
  await page.waitForFunction(() => /fixed: fisheries = 12-mile zone/.test(
    document.querySelector('#analysis-summary').textContent));
  const fixed = await cli(['fisheries=12-mile zone']);
  got = await shown(page);
  assert.equal(got.svg, fixed.svg, 'the plot with the fixed issue is the command\'s');
  for (const p of POINTS) {
    const expected = fixed.json.points[p] ? fixed.json.points[p].utilities : null;
    assert.deepEqual(got.points[p], expected, p);
  }
  assert.notEqual(fixed.svg, want.svg);
  // A value out of the range is the server's refusal, beside the fixes.
  await page.fill('#analysis-fix input[data-issue="claims"]', '9999');
  await page.click('#analysis-submit');
  await page.waitForSelector('#analysis-errors:not([hidden])');
  assert.match(await page.textContent('#analysis-fix-error'), /9999/);
  assert.equal(await page.inputValue('#analysis-fix input[data-issue="claims"]'), '9999');
  await screenshot(page, 'analysis-02-fixed');
  ctx.assertClean();
  await ctx.close();
});
