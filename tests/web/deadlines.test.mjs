// Deadlines on the pages (issue 17): the console's form takes a round time and a deadline
// and refuses them in the server's own words, beside their fields (and shows the
// server's refusal there when only the server's clock can tell); a case with deadlines
// states them, and the time left, on the mediator's page and on both parties'; after a
// lapse each role is told what its briefing says (the party that missed the round is
// told so, the other and the mediator only that it lapsed); at the deadline the case
// closes. The server's clock is a file (NAKODO_TEST_CLOCK, read by nakodo-test), the
// browsers' a fixed time: nothing sleeps for the time it moves.
//
//   NAKODO_CLOCKED=build/tests/nakodo-test node --test tests/web/deadlines.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newRoleContext, assertAccessible } from './harness.mjs';
import { useServerAndBrowser, joinWithBrowserKey, checkNews, expectedConsole }
  from './party_steps.mjs';
import { parseDeadline, parseRoundTime } from '../../web/assets/js/opencase.js';
import { formatLeft } from '../../web/assets/js/case_facts.js';

// The shipped command has no clock to move: the test build does (tests/web/run.sh).
assert.ok(process.env.NAKODO_CLOCKED, 'NAKODO_CLOCKED (build/tests/nakodo-test) is not set');
const T0 = 1800000000000;			// 2027-01-15T08:00:00Z
const MIN = 60000;
const DAY = 86400000;
const clockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nakodo-clock-'));
process.env.NAKODO_TEST_CLOCK = path.join(clockDir, 'clock');
let now = T0;
const contexts = [];
// Moves the server's clock and every browser's.
async function setClock(ms) {
  now = ms;
  fs.writeFileSync(process.env.NAKODO_TEST_CLOCK, String(ms));
  for (const c of contexts) await c.context.clock.setFixedTime(ms);
}
fs.writeFileSync(process.env.NAKODO_TEST_CLOCK, String(T0));

const env = useServerAndBrowser();

async function context(role) {
  const ctx = await newRoleContext(env.browser, env.server, role,
    { ignoreConsole: expectedConsole });
  await ctx.context.clock.setFixedTime(now);
  contexts.push(ctx);
  return ctx;
}

// The server's refusal (field, detail) of rules with these members.
async function serverRefusal(extra) {
  const { server } = env;
  const rules = { currency: 'USD', rounds: 3, monotone: true, settle: 'midpoint', band_bp: 0,
    band_amount: 0, grid: 1, hints_bp: [], range_low: 0, range_high: 1000000,
    leakage_bits: 8, proposals: 1, ...extra };
  const r = await server.api('POST', '/v1/cases', { token: server.operator, body: { rules } });
  assert.equal(r.status, 400, JSON.stringify(extra));
  return { field: r.json.field, detail: r.json.detail };
}

async function caseCount() {
  const r = await env.server.api('GET', '/v1/cases', { token: env.server.operator });
  return r.json.cases.length;
}

const lines = async (page) => (await page.locator('#deadlines').textContent()).trim();

test('the form: each refusal begins with the server\'s words and sits beside its field',
  async () => {
  // In node first: the parsing matches the server's checks, word for word.
  const cases = [
    [parseRoundTime('0', 'minutes'), { round_time: 0 }],
    [parseRoundTime('91', 'days'), { round_time: 91 * 86400 }],
    [parseRoundTime('1.5', 'hours'), { round_time: 1.5 }],
    [parseDeadline('2027-01-15T07:59:59', T0), { deadline: '2027-01-15T07:59:59Z' }],
    [parseDeadline('2028-01-17T08:00:00', T0), { deadline: '2028-01-17T08:00:00Z' }],
    [parseDeadline('2027-02-30T00:00', T0), { deadline: '2027-02-30T00:00:00Z' }],
    [parseDeadline('1999-12-31T00:00', T0), { deadline: '1999-12-31T00:00:00Z' }],
  ];
  for (const [mine, extra] of cases) {
    const theirs = await serverRefusal(extra);
    assert.equal(theirs.field, Object.keys(extra)[0]);
    assert.ok(mine.error?.startsWith(theirs.detail),
      `${JSON.stringify(extra)}: the form says "${mine.error}", the server "${theirs.detail}"`);
  }
  assert.deepEqual(parseRoundTime('1', 'minutes'), { value: 60 });
  assert.deepEqual(parseRoundTime('90', 'days'), { value: 7776000 });
  assert.deepEqual(parseRoundTime('', 'hours'), { value: null });
  assert.deepEqual(parseDeadline('2027-01-15T08:00:01', T0), { value: '2027-01-15T08:00:01Z' });
  assert.deepEqual(parseDeadline('2028-01-16T08:00', T0), { value: '2028-01-16T08:00:00Z' });
  // the CLI's words for time left (nk_time_format_left)
  assert.deepEqual([formatLeft(0), formatLeft(-5), formatLeft(1), formatLeft(30 * MIN),
    formatLeft(5 * DAY), formatLeft(2 * DAY + 3 * 3600000 + 5000), formatLeft(61000)],
  ['0s', '0s', '1s', '30m', '5d', '2d 3h', '1m 1s']);

  // In the browser: the console's form.
  const ctx = await context('operator');
  const page = await ctx.newPage();
  await page.goto('/');
  await page.fill('#operator-token', env.server.operator);
  await page.click('#operator-form button[type=submit]');
  await page.waitForSelector('#console-body:not([hidden])');
  const before = await caseCount();
  const error = (id) => page.locator(`#open-${id}-error`);
  await page.fill('#open-round-time', '91');
  await page.selectOption('#open-round-time-unit', 'days');
  await page.fill('#open-deadline', '2027-01-15T07:00');
  await page.click('#open-submit');
  await error('round-time').waitFor();
  assert.match(await error('round-time').textContent(), /^out of bounds: a round time is 1 minute/);
  assert.equal(await page.getAttribute('#open-round-time', 'aria-invalid'), 'true');
  assert.equal(await error('deadline').textContent(),
    'the deadline must lie ahead, within 366 days');
  assert.equal(await page.getAttribute('#open-deadline', 'aria-invalid'), 'true');
  assert.match(await page.textContent('#open-errors'), /Round time.*out of bounds/s);
  await assertAccessible(page, 'console, deadlines refused');

  // A deadline ahead by this browser's clock but past by the server's: the server's
  // refusal, beside the field, and no case.
  await ctx.context.clock.setFixedTime(T0 - 10 * DAY);
  await page.fill('#open-round-time', '30');
  await page.selectOption('#open-round-time-unit', 'minutes');
  await page.fill('#open-deadline', '2027-01-14T08:00');
  await page.click('#open-submit');
  await page.waitForFunction(() => /not opened/.test(
    document.querySelector('#open-errors')?.textContent || ''));
  assert.equal(await error('deadline').textContent(),
    'The request is malformed: the deadline must lie ahead, within 366 days');
  assert.ok(!(await error('round-time').isVisible()));
  assert.equal(await caseCount(), before);

  await ctx.context.clock.setFixedTime(T0);
  await page.fill('#open-deadline', '2027-01-20T08:00');
  await page.click('#open-submit');
  await page.locator('#opened').waitFor();
  const opened = await page.textContent('#opened-summary');
  assert.match(opened, /Round time30m: a round not complete by then lapses/);
  assert.match(opened, /Deadline2027-01-20T08:00:00Z \(UTC\)/);
  assert.equal(await caseCount(), before + 1);
  ctx.assertClean();
});

test('deadlines on all three pages, a lapse as each role\'s briefing tells it', async () => {
  const { server } = env;
  const c = await server.openCase({ rules: { round_time: 1800,
    deadline: '2027-01-20T08:00:00Z' } });
  const med = await context('mediator');
  const mpage = await med.newPage();
  await mpage.goto(c.links.mediator);
  await mpage.waitForSelector('#m-summary #deadlines');
  const parties = {};
  for (const role of ['claimant', 'payer']) {
    const p = await joinWithBrowserKey(env, role, c.links[role], `a passphrase for the ${role}`,
      async (page) => {
        contexts.push({ context: page.context() });
        await page.context().clock.setFixedTime(now);
      });
    parties[role] = p;
  }
  const rules = [/Round time: 30m\. A round not complete by then lapses/,
    /Deadline: 2027-01-20T08:00:00Z \(UTC\)\. The case closes then unless it has settled\./,
    /Round 1 lapses at 2027-01-15T08:30:00Z \(UTC\): 30m left\./,
    /Time left before the deadline: 5d\./];
  for (const page of [mpage, parties.claimant.page, parties.payer.page]) {
    if (page !== mpage) await checkNews(page);
    const text = await lines(page);
    for (const re of rules) assert.match(text, re);
    assert.doesNotMatch(text, /lapsed/);
  }
  await assertAccessible(parties.payer.page, 'party, deadlines');

  // The claimant gives its demand; the payer does not; 31 minutes pass.
  const cl = parties.claimant.page;
  await cl.getByRole('textbox', { name: /Your demand for round 1/ }).fill('500');
  await cl.getByRole('button', { name: 'Send my demand' }).click();
  await cl.getByText(/Your demand for round 1 is in/).first().waitFor();
  await setClock(T0 + 31 * MIN);
  await checkNews(cl);
  await checkNews(parties.payer.page);
  await mpage.getByRole('button', { name: 'Refresh' }).click();
  await mpage.waitForFunction(() => /lapsed/.test(
    document.querySelector('#deadlines')?.textContent || ''));
  const told = {
    claimant: await cl.locator('#lapse').textContent(),
    payer: await parties.payer.page.locator('#lapse').textContent(),
    mediator: await mpage.locator('#lapse').textContent(),
  };
  assert.deepEqual(told, {
    claimant: 'Round 1 lapsed; its figures are void.',
    payer: 'Round 1 lapsed; its figures are void; you did not submit a figure in time.',
    mediator: 'Round 1 lapsed; its figures are void.',
  });
  // The round's clock started again at the lapse, and the round did not advance.
  for (const page of [cl, parties.payer.page, mpage]) {
    assert.match(await page.locator('#round-due').textContent(),
      /^Round 1 lapses at 2027-01-15T09:0[01]:00Z \(UTC\): (29|30)m( \d+s)? left\.$/);
    assert.match(await page.locator('#deadline-left').textContent(),
      /^Time left before the deadline: 4d 23h\.$/);
  }
  for (const ctx of [med, parties.claimant.ctx, parties.payer.ctx]) ctx.assertClean();
});

test('at the deadline the case closes, and the pages say so', async () => {
  const { server } = env;
  const deadline = new Date(now + DAY).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const c = await server.openCase({ rules: { deadline } });
  const med = await context('mediator');
  const page = await med.newPage();
  await page.goto(c.links.mediator);
  await page.waitForSelector('#m-summary #deadlines');
  assert.match(await lines(page), /Time left before the deadline: 1d\./);
  assert.equal(await page.locator('#rule-round-time').count(), 0);
  assert.equal(await page.locator('#round-due').count(), 0);
  await setClock(now + DAY + 1000);
  await page.getByRole('button', { name: 'Refresh' }).click();
  await page.locator('#deadline-passed').waitFor();
  assert.equal(await page.locator('#deadline-passed').textContent(),
    'The deadline passed: the case closed.');
  assert.equal(await page.locator('#deadline-left').count(), 0);
  assert.match(await page.textContent('#m-summary'), /State\s*closed/);
  med.assertClean();
});
