// A package case's deadline on the pages (doc/package.md, "Deadlines"): the console's
// package frame takes a deadline and refuses it in the server's words; the opened
// summary states it; a party's page states it with the time left, and, once the server's
// clock passes it, that the case closed. The server's clock is a file (NAKODO_TEST_CLOCK,
// read by nakodo-test), the browsers' a fixed time: nothing sleeps for the time it moves.
//
//   NAKODO_CLOCKED=build/tests/nakodo-test node --test tests/web/package_deadline.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newRoleContext } from './harness.mjs';
import { useServerAndBrowser, joinWithBrowserKey, checkNews, expectedConsole }
  from './party_steps.mjs';
import { frameFromForm, describeRules } from '../../web/assets/js/opencase.js';

assert.ok(process.env.NAKODO_CLOCKED, 'NAKODO_CLOCKED (build/tests/nakodo-test) is not set');
const T0 = 1800000000000;			// 2027-01-15T08:00:00Z
const DAY = 86400000;
const clockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nakodo-clock-'));
process.env.NAKODO_TEST_CLOCK = path.join(clockDir, 'clock');
fs.writeFileSync(process.env.NAKODO_TEST_CLOCK, String(T0));
const env = useServerAndBrowser();
const form = { currency: 'USD', rounds: '2', components: ['grant', 'loan'], solution: 'nash',
  monotone: true };

test('the frame\'s deadline: the form\'s words are the server\'s', async () => {
  const past = frameFromForm({ ...form, package_deadline: '2027-01-15T07:00' }, T0);
  const frame = { currency: 'USD', components: ['grant', 'loan'], solution: 'nash',
    rounds: 2, monotone: true, hints: 'none', deadline: '2027-01-15T07:00:00Z' };
  const r = await env.server.api('POST', '/v1/cases',
    { token: env.server.operator, body: { package: frame } });
  assert.equal(r.status, 400);
  assert.equal(r.json.field, 'deadline');
  assert.deepEqual(past.errors, [{ field: 'package_deadline', reason: r.json.detail }]);
  const ok = frameFromForm({ ...form, package_deadline: '2027-01-20T08:00' }, T0);
  assert.equal(ok.frame.deadline, '2027-01-20T08:00:00Z');
  assert.equal(frameFromForm({ ...form, package_deadline: '' }, T0).frame.deadline, undefined);
  assert.deepEqual(describeRules({ ...ok.frame }).find(([k]) => k === 'Deadline'),
    ['Deadline', '2027-01-20T08:00:00Z (UTC): the case closes then unless settled']);
});

test('the console opens a package case with a deadline; the party\'s page counts down',
  async () => {
  const ctx = await newRoleContext(env.browser, env.server, 'operator',
    { ignoreConsole: expectedConsole });
  await ctx.context.clock.setFixedTime(T0);
  const page = await ctx.newPage();
  await page.goto('/');
  await page.fill('#operator-token', env.server.operator);
  await page.click('#operator-form button[type=submit]');
  await page.waitForSelector('#console-body:not([hidden])');
  await page.check('input[name=kind][value=package]');
  await page.fill('#open-package-deadline', '2027-01-14T08:00');
  await page.click('#open-submit');
  await page.locator('#open-package-deadline-error').waitFor();
  assert.equal(await page.textContent('#open-package-deadline-error'),
    'the deadline must lie ahead, within 366 days');
  await page.fill('#open-package-deadline', '2027-01-20T08:00');
  await page.click('#open-submit');
  await page.locator('#opened').waitFor();
  assert.match(await page.textContent('#opened-summary'), /Deadline2027-01-20T08:00:00Z \(UTC\)/);
  const link = await page.inputValue('#link-payer');
  const medLink = await page.inputValue('#link-mediator');
  await page.goto(medLink);
  await page.waitForSelector('#m-summary #deadlines');
  assert.equal(await page.textContent('#deadline-left'), 'Time left before the deadline: 5d.');
  ctx.assertClean();

  const payer = await joinWithBrowserKey(env, 'payer', link, 'a passphrase for the payer',
    async (p) => p.context().clock.setFixedTime(T0));
  await checkNews(payer.page);
  await payer.page.waitForSelector('#deadlines');
  assert.match(await payer.page.textContent('#rules'),
    /Deadline: 2027-01-20T08:00:00Z \(UTC\)\. The case closes then unless it has settled\./);
  assert.equal(await payer.page.textContent('#deadline-left'),
    'Time left before the deadline: 5d.');
  fs.writeFileSync(process.env.NAKODO_TEST_CLOCK, String(T0 + 5 * DAY + 1000));
  await payer.page.context().clock.setFixedTime(T0 + 5 * DAY + 1000);
  await checkNews(payer.page);
  await payer.page.waitForSelector('#deadline-passed');
  assert.equal(await payer.page.textContent('#deadline-passed'),
    'The deadline passed: the case closed.');
  payer.ctx.assertClean();
});
