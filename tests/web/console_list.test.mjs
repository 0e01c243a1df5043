// The console's list of cases with their states, for cases opened anywhere (not only
// from this tab): read page by page from GET /v1/cases/overview, newest first, with each
// case's kind, state, round, currency and times; "Older cases" and "Newer cases" walk
// the pages. What a party did alone in confidence (a figure before the other's) shows
// nowhere, and no figure reaches the console's page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, browserSession, assertAccessible, screenshot } from './harness.mjs';

const rows = (page) => page.$$eval('#cases-table tbody tr',
  (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));

test('the console lists every case with its state, a page at a time', async () => {
  const server = await startServer();
  const s = await browserSession(server);
  try {
    const cases = [];
    for (let i = 0; i < 25; i++) cases.push(await server.openCase({}));
    const newest = cases[24];
    const moved = cases[23];
    const alone = cases[22];
    const closed = cases[21];
    const figure = (c, role, amount) => server.api('POST', `/v1/cases/${c.case}/figures`,
      { token: c.tokens[role], body: { amount } });
    // round 1 of `moved` ends without a deal; in `alone` only the claimant has moved
    assert.equal((await figure(moved, 'claimant', 7654321)).status, 200);
    assert.equal((await figure(moved, 'payer', 1234567)).status, 200);
    assert.equal((await figure(alone, 'claimant', 7654329)).status, 200);
    assert.equal((await server.api('POST', `/v1/cases/${closed.case}/close`,
      { token: closed.tokens.mediator, body: {} })).status, 200);

    const op = await s.role('operator');
    const { page } = op;
    await page.goto('/');
    await page.fill('#operator-token', server.operator);
    await page.click('#operator-form button[type=submit]');
    await page.waitForSelector('#cases-table tbody tr');
    let shown = await rows(page);
    assert.equal(shown.length, 20, 'a page of 20');
    assert.deepEqual(shown.map((r) => r[0]), cases.slice(5).reverse().map((c) => c.case),
      'newest first');
    const byId = Object.fromEntries(shown.map((r) => [r[0], r]));
    assert.deepEqual(byId[newest.case].slice(1, 5), ['figures', 'open', '1 of 3', 'USD']);
    assert.deepEqual(byId[moved.case].slice(1, 4), ['figures', 'open', '2 of 3']);
    assert.deepEqual(byId[closed.case].slice(1, 3), ['figures', 'closed']);
    // the claimant's lone figure changed nothing the operator sees
    assert.deepEqual(byId[alone.case].slice(1, 5), ['figures', 'open', '1 of 3', 'USD']);
    assert.equal(byId[alone.case][6], byId[alone.case][5], 'its last change is its opening');
    assert.ok(await page.isDisabled('#cases-newer'));
    await assertAccessible(page, 'console, case list');
    await screenshot(page, 'console-list');

    await page.click('#cases-older');
    await page.waitForFunction(() => document.querySelectorAll('#cases-table tbody tr')
      .length === 5);
    shown = await rows(page);
    assert.deepEqual(shown.map((r) => r[0]), cases.slice(0, 5).reverse().map((c) => c.case));
    assert.ok(await page.isDisabled('#cases-older'), 'no page after the last');
    assert.match(await page.textContent('#cases-page'), /Page 2: 5 cases/);
    await page.click('#cases-newer');
    await page.waitForFunction(() => document.querySelectorAll('#cases-table tbody tr')
      .length === 20);
    assert.equal((await rows(page))[0][0], newest.case);

    // no figure reached the page
    const seen = op.responses.map((r) => r.body || '').join('\n')
      + await page.content();
    for (const secret of ['7654321', '7654329', '1234567']) {
      assert.ok(!seen.includes(secret), `the console received a figure (${secret})`);
    }
    // each page was one request to the overview, with a bounded limit
    const asked = op.responses.filter((r) => r.url.includes('/v1/cases/overview'));
    assert.ok(asked.every((r) => /[?&]limit=20(&|$)/.test(r.url)), 'pages of 20');
  } finally {
    await s.close();
    await server.stop();
    server.cleanup();
  }
});
