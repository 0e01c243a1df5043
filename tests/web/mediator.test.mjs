// The mediator's pages in a real browser (issue 12, items 3, 5 and 6): the console at /
// (operator token, every rule of a new case, invitation links) and the case page for
// the mediator's role, through a whole case across three browser contexts, the parties
// on their own pages (and, in a package case, through the remote command). Every form is given
// bad input and must show the reason and change nothing; the mediator's page must
// never hold a party's figure; axe-core finds no serious violation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  newRoleContext, assertHoldsNone, screenshot, assertAccessible, runNakodo,
} from './harness.mjs';
import { useServerAndBrowser, joinWithBrowserKey } from './party_steps.mjs';

const env = useServerAndBrowser();

// Waits until the text of the element selector names matches re.
async function waitText(page, selector, re) {
  await page.waitForFunction(([sel, src, flags]) => new RegExp(src, flags)
    .test(document.querySelector(sel)?.textContent || ''), [selector, re.source, re.flags]);
}

// A case opened through the API, and its mediator's page.
async function mediatorOfNewCase(opts = {}) {
  const { server, browser } = env;
  const c = await server.openCase(opts);
  const med = await newRoleContext(browser, server, 'mediator',
    { ignoreConsole: [/status of 401/] });
  const page = await med.newPage();
  await page.goto(c.links.mediator);
  await page.waitForSelector('#m-summary dl');
  return { c, med, page };
}

async function caseCount() {
  const { server } = env;
  const r = await server.api('GET', '/v1/cases', { token: server.operator });
  return r.json.cases.length;
}

// The console, signed in with the operator token.
async function signIn(ctx) {
  const { server } = env;
  const page = await ctx.newPage();
  await page.goto('/');
  await page.fill('#operator-token', server.operator);
  await page.click('#operator-form button[type=submit]');
  await page.waitForSelector('#console-body:not([hidden])');
  return page;
}

// Fills the open-case form: values by input id suffix (open-ID).
async function fillOpen(page, values) {
  for (const [id, v] of Object.entries(values)) {
    const sel = `#open-${id}`;
    if (typeof v === 'boolean') await page.setChecked(sel, v);
    else if (['currency', 'settle', 'solution'].includes(id)) await page.selectOption(sel, v);
    else await page.fill(sel, v);
  }
}

async function errorOf(page, id) {
  const p = page.locator(`#open-${id}-error`);
  return (await p.isVisible()) ? p.textContent() : '';
}

// The party's command against the server with its token (amounts in major units).
async function party(token, ...args) {
  const r = await runNakodo(args, undefined,
    { NAKODO_SERVER: env.server.url, NAKODO_TOKEN: token });
  assert.equal(r.code, 0, `nakodo ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// The party's page (webpages' party.js), driven as a person would, by role and label.
async function safetyOf(page, label) {
  const dt = page.locator('#keys dt', { hasText: label });
  return (await dt.locator('xpath=following-sibling::dd[1]').textContent()).trim();
}

async function news(page) {
  await page.getByRole('button', { name: 'Check for news' }).click();
  await page.getByText('Up to date.').waitFor();
}

async function figure(page, word, round, text) {
  await news(page);
  await page.getByRole('textbox', { name: new RegExp(`Your ${word} for round ${round}`) })
    .fill(text);
  await page.getByRole('button', { name: `Send my ${word}` }).click();
  await page.getByText(new RegExp(`Your ${word} for round ${round} is in`)).first().waitFor();
}

test('the console: the operator token, refusals beside their fields, every rule, the links',
  async () => {
  const { server, browser } = env;
  const ctx = await newRoleContext(browser, server, 'operator', {
    ignoreConsole: [/status of (401|503)/, /ERR_FAILED/],
  });
  await ctx.context.grantPermissions(['clipboard-read', 'clipboard-write'],
    { origin: server.origin });
  const page = await ctx.newPage();
  await page.goto('/');
  await assertAccessible(page, 'console, signed out');
  await screenshot(page, 'mediator-01-token');

  // A token that is not one, and one the server does not know: told, nothing kept.
  await page.fill('#operator-token', 'not a token');
  await page.click('#operator-form button[type=submit]');
  assert.match(await page.textContent('#operator-token-error'), /64 hexadecimal digits/);
  await page.fill('#operator-token', 'ab'.repeat(32));
  await page.click('#operator-form button[type=submit]');
  await waitText(page, '#operator-token-error', /not known/);
  assert.equal(await page.getAttribute('#operator-token', 'aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);

  await page.fill('#operator-token', server.operator);
  await page.click('#operator-form button[type=submit]');
  await page.waitForSelector('#console-body:not([hidden])');
  // The token lives in this tab's session only, never in localStorage.
  assert.equal(await page.evaluate(() => sessionStorage.getItem('nakodo.operator')),
    server.operator);
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  assert.equal(await page.inputValue('#operator-token'), '');

  // Bad input on each field: the reason beside it, the form kept, no case opened.
  const before = await caseCount();
  const bad = [
    [{ rounds: '' }, 'rounds', /empty/],
    [{ rounds: '51' }, 'rounds', /between 1 and 50/],
    [{ rounds: '3', proposals: '-1' }, 'proposals', /whole number/],
    [{ proposals: '1', hints: '25,10' }, 'hints', /ascending/],
    [{ hints: '10,100' }, 'hints', /strictly between/],
    [{ hints: '10,25', 'range-high': '' }, 'range', /declared range/],
    [{ 'range-low': '-5', 'range-high': '1,000' }, 'range', /negative/],
    [{ 'range-low': '2,000', 'range-high': '1,000' }, 'range', /below the highest/],
    [{ 'range-low': '0', 'range-high': '1,000.001' }, 'range', /2 decimal places/],
    [{ 'range-high': '1,000,000', grid: '0.005' }, 'grid', /2 decimal places/],
    [{ grid: '0' }, 'grid', /at least one minor unit/],
    [{ grid: '', leakage: '65' }, 'leakage', /between 0 and 64/],
    [{ leakage: '8', settle: 'band' }, 'band-percent', /percent or an amount/],
    [{ 'band-percent': '100' }, 'band-percent', /strictly between/],
    [{ 'band-percent': '', 'band-amount': '-3' }, 'band-amount', /negative/],
  ];
  for (const [values, field, reason] of bad) {
    await fillOpen(page, values);
    await page.click('#open-submit');
    const shown = await errorOf(page, field);
    assert.match(shown, reason, `${JSON.stringify(values)}: "${shown}"`);
    assert.ok(await page.isVisible('#open-errors'), 'the summary of refusals is shown');
    for (const [id, v] of Object.entries(values)) {
      if (typeof v === 'string' && id !== 'settle') {
        assert.equal(await page.inputValue(`#open-${id}`), v);
      }
    }
  }
  await assertAccessible(page, 'console, with refusals shown');
  await screenshot(page, 'mediator-02-refusals');
  assert.equal(await caseCount(), before, 'no refused form opened a case');

  // Every rule, as `nakodo case new --currency USD --rounds 4 --settle band:5%,2,500
  // --grid 1,000 --hints 10,25 --range 100,000:2,000,000 --leakage-bits 6 --proposals 2
  // --no-monotone` sets it.
  await fillOpen(page, { currency: 'USD', rounds: '4', settle: 'band', 'band-percent': '5',
    'band-amount': '2,500', grid: '1,000', hints: '10,25', 'range-low': '100,000',
    'range-high': '2,000,000', leakage: '6', proposals: '2', monotone: false });
  // A lost connection, then a busy server: told, and nothing typed is lost.
  const posting = (answer) => (r) => (r.request().method() === 'POST' ? answer(r) : r.fallback());
  await page.route('**/v1/cases', posting((r) => r.abort('failed')));
  await page.click('#open-submit');
  await waitText(page, '#open-errors', /could not be reached/);
  await page.unroute('**/v1/cases');
  await page.route('**/v1/cases', posting((r) => r.fulfill({ status: 503,
    contentType: 'application/problem+json', body: '{"status": 503, "title": "busy"}' })));
  await page.click('#open-submit');
  await waitText(page, '#open-errors', /busy \(503\)/);
  await page.unroute('**/v1/cases');
  assert.equal(await page.inputValue('#open-range-low'), '100,000');
  assert.equal(await page.inputValue('#open-band-amount'), '2,500');
  assert.equal(await caseCount(), before);
  await page.click('#open-submit');
  await page.waitForSelector('#opened:not([hidden])');
  assert.equal(await caseCount(), before + 1);
  const links = {};
  for (const role of ['claimant', 'payer', 'mediator']) {
    links[role] = await page.inputValue(`#link-${role}`);
    assert.match(links[role], new RegExp(`^${server.url}/case/[A-Za-z0-9_-]+#token=[0-9a-f]{64}$`));
  }
  const id = /\/case\/([^#]+)#/.exec(links.mediator)[1];
  const mediatorToken = links.mediator.split('#token=')[1];
  // The parties' tokens are shown once and kept nowhere; only the mediator's is kept,
  // in this tab's session, for the case list.
  const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage })
    + JSON.stringify({ ...localStorage }));
  for (const role of ['claimant', 'payer']) {
    assert.ok(!stored.includes(links[role].split('#token=')[1]), role);
  }
  assert.ok(stored.includes(mediatorToken));
  const brief = (await server.api('GET', `/v1/cases/${id}/brief`, { token: mediatorToken })).json;
  assert.deepEqual(brief.rules, {
    band_amount: 250000, band_bp: 500, currency: 'USD', grid: 100000, hints_bp: [1000, 2500],
    leakage_bits: 6, monotone: false, proposals: 2, range_high: 200000000, range_low: 10000000,
    rounds: 4, settle: 'band',
  });
  // Copying a link puts it on the clipboard, and says so.
  await page.click('button.copy[data-role=payer]');
  await waitText(page, '#copy-status', /copied/);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), links.payer);
  await screenshot(page, 'mediator-03-opened');
  await assertAccessible(page, 'console, case opened');
  // The list shows the case with its state, from the mediator's briefing.
  await page.waitForFunction((cid) => [...document.querySelectorAll('#cases-table tbody tr')]
    .some((tr) => tr.cells[0].textContent === cid && tr.cells[2].textContent === 'open'), id);

  // A package case with its frame; and yen, which has no minor unit.
  await page.check('input[name=kind][value=package]');
  await page.uncheck('input[name=components][value=grant]');
  await page.uncheck('input[name=components][value=loan]');
  await page.click('#open-submit');
  assert.match(await errorOf(page, 'components'), /between 1 and 4/);
  await page.check('input[name=components][value=claims]');
  await page.check('input[name=components][value=credits]');
  await fillOpen(page, { currency: 'JPY', rounds: '2', solution: 'egalitarian' });
  await page.click('#open-submit');
  await page.waitForFunction((old) => !document.querySelector('#link-mediator').value
    .includes(old), id);
  const pkgLink = await page.inputValue('#link-mediator');
  const pkgId = /\/case\/([^#]+)#/.exec(pkgLink)[1];
  const pkg = (await server.api('GET', `/v1/cases/${pkgId}/brief`,
    { token: pkgLink.split('#token=')[1] })).json;
  assert.deepEqual(pkg.frame, { components: ['claims', 'credits'], currency: 'JPY', hints: 'none',
    monotone: false, rounds: 2, solution: 'egalitarian' });

  // A phone-sized screen still shows every control without sideways scrolling.
  await page.setViewportSize({ width: 375, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth
    - window.innerWidth);
  assert.ok(overflow <= 1, `the console scrolls sideways by ${overflow}px at phone width`);
  await screenshot(page, 'mediator-04-phone');
  ctx.assertClean();
  await ctx.close();
});

test('a whole case across three browser contexts, seen and led from the mediator\'s pages',
  async () => {
  const { server, browser } = env;
  const med = await newRoleContext(browser, server, 'mediator', {
    ignoreConsole: [/status of (401|403|409)/, /ERR_FAILED/],
  });
  const consolePage = await signIn(med);
  await fillOpen(consolePage, { rounds: '2', hints: '10,25', 'range-low': '0',
    'range-high': '1,000,000', proposals: '1' });
  await consolePage.click('#open-submit');
  await consolePage.waitForSelector('#opened:not([hidden])');
  const links = {};
  for (const role of ['claimant', 'payer', 'mediator']) {
    links[role] = await consolePage.inputValue(`#link-${role}`);
  }
  const id = /\/case\/([^#]+)#/.exec(links.mediator)[1];
  const tok = (role) => links[role].split('#token=')[1];

  // Each party opens its invitation in its own context and joins with a key made in its
  // browser; the token has left the address bar.
  const { ctx: cla, page: claPage } = await joinWithBrowserKey(env, 'claimant', links.claimant,
    'the claimant passphrase');
  const { ctx: pay, page: payPage } = await joinWithBrowserKey(env, 'payer', links.payer,
    'the payer passphrase');
  for (const p of [claPage, payPage]) {
    assert.ok(!p.url().includes('token'), `the address bar still holds the token: ${p.url()}`);
  }

  // The mediator's case page, from its link.
  const page = await med.newPage();
  await page.goto(links.mediator);
  await page.waitForSelector('#m-summary dl');
  assert.ok(!page.url().includes('token'));
  await assertAccessible(page, 'mediator case page, open');
  await screenshot(page, 'mediator-05-case-open');

  // The mediator joins with a key made in its browser too, and its key file is
  // downloaded. Each safety number on the mediator's page is the party's own.
  await page.fill('#m-keys form[aria-label="Join with a key made here"] input[name=passphrase]',
    'a passphrase of the mediator');
  const [keyFile] = await Promise.all([page.waitForEvent('download'),
    page.click('text=Make a key, download its file and join')]);
  assert.equal(fs.statSync(await keyFile.path()).size, 224);
  await page.waitForFunction(() => document.querySelectorAll('#m-keys .safety').length === 3);
  for (const [role, p] of [['claimant', claPage], ['payer', payPage]]) {
    const mine = await safetyOf(p, 'Your safety number');
    const seen = (await page.locator(`#m-keys li[data-role=${role}] .safety`).textContent()).trim();
    assert.match(mine, /^(\d{5} ){5}\d{5}$/);
    assert.equal(seen, mine, `the ${role}'s safety number`);
  }
  // Sealed messages: the claimant writes to the mediator and to the payer, the mediator
  // to the payer. The mediator reads its own; the one between the parties never reaches
  // its page.
  const toMediator = 'Our board can live with a structured payment.';
  const toPayer = 'Between us: the grant part matters most to our side.';
  const toPayerFromMediator = 'Both of you are close; think about the structure.';
  await news(claPage);
  for (const [recipient, text] of [['mediator', toMediator], ['payer', toPayer]]) {
    await claPage.locator('#messages select[name=to]').selectOption(recipient);
    await claPage.getByRole('textbox', { name: 'Message', exact: true }).fill(text);
    await claPage.getByRole('button', { name: 'Seal and send' }).click();
    await claPage.getByText(new RegExp(`to the ${recipient} sealed and sent`)).waitFor();
  }
  await page.click('#m-messages button:has-text("Open my inbox")');
  await page.locator('#m-messages .inbox').getByText(toMediator).waitFor();
  await page.locator('#m-messages select[name=to]').selectOption('payer');
  await page.getByRole('textbox', { name: 'Message', exact: true }).fill(toPayerFromMediator);
  await page.getByRole('button', { name: 'Seal and send' }).click();
  await page.getByText(/Message 1 to the payer sealed and sent/).waitFor();
  await news(payPage);
  await payPage.getByRole('button', { name: 'Open my inbox' }).click();
  await payPage.locator('.inbox').getByText(toPayerFromMediator).waitFor();
  await payPage.locator('.inbox').getByText(toPayer).waitFor();
  await assertHoldsNone(med, page, [toPayer], 'a message between the parties');
  await screenshot(page, 'mediator-05b-messages');
  await assertAccessible(page, 'mediator case page, messages');
  const joined = (await server.api('GET', `/v1/cases/${id}/brief`, { token: tok('mediator') }));
  assert.equal(joined.status, 401, 'a joined mediator\'s unsigned read is refused');

  // Round 1 with a hint and a deal-closer, round 2 without a deal: an impasse. The
  // figures are odd amounts, so that a leak of any of them is found.
  const secrets = ['712,345.67', '71234567', '398,765.43', '39876543', '690,001.11', '69000111',
    '401,234.99', '40123499', '12,345.67', '1234567'];
  await figure(claPage, 'demand', 1, '712,345.67');
  await news(payPage);
  await payPage.getByRole('textbox', { name: /Deal-closer for round 1/ }).fill('12,345.67');
  await payPage.getByRole('button', { name: 'Authorise the deal-closer' }).click();
  await payPage.getByRole('button', { name: 'Authorise the deal-closer' })
    .waitFor({ state: 'detached' });
  await figure(payPage, 'offer', 1, '398,765.43');
  await figure(claPage, 'demand', 2, '690,001.11');
  await figure(payPage, 'offer', 2, '401,234.99');
  await page.click('.mediator-case > .actions button');
  await waitText(page, '#m-summary', /impasse/);
  assert.equal(await page.locator('#m-outcomes [data-step=round]').count(), 2);
  assert.equal(await page.locator('#m-outcomes [data-step=impasse]').count(), 1);
  await assertHoldsNone(med, page, secrets, 'after the impasse');

  // The payer's link is reissued: the new one is shown, the old one no longer works.
  await page.click('[data-action=reissue-payer]');
  await page.waitForSelector('#new-link-payer');
  const newPayer = await page.inputValue('#new-link-payer');
  assert.match(newPayer, new RegExp(`/case/${id}#token=[0-9a-f]{64}$`));
  assert.notEqual(newPayer, links.payer);
  const stale = await payPage.context().newPage();
  await stale.goto(links.payer);
  await stale.waitForSelector('text=This invitation no longer works');
  await stale.close();
  links.payer = newPayer;
  // The payer comes back in with its new link and the key it kept.
  // (a link that differs only in its fragment would not load the page again)
  await payPage.goto('about:blank');
  await payPage.goto(newPayer);
  await payPage.getByLabel('Passphrase of your key').fill('the payer passphrase');
  await payPage.getByRole('button', { name: 'Open my key' }).first().click();
  await payPage.locator('#keys dt', { hasText: 'Your safety number' }).waitFor();
  await waitText(page, '#m-invite', /payer[^]*reissued once/);

  // A proposal: bad amounts are told and change nothing; then one both sides accept.
  const events = async () => (await page.locator('#m-log li').count());
  const logBefore = await events();
  for (const [amount, reason] of [['', /enter an amount/], ['-5', /negative/],
    ['1,000.005', /2 decimal places/], ['2,000,000', /between/]]) {
    await page.fill('#m-actions input[name=amount]', amount);
    await page.click('text=Propose this figure');
    await page.waitForFunction((r) => new RegExp(r).test(
      document.querySelector('#m-actions .field-error:not([hidden])')?.textContent || ''),
    reason.source);
    assert.equal(await page.inputValue('#m-actions input[name=amount]'), amount);
  }
  await page.click('.mediator-case > .actions button');
  await page.waitForTimeout(300);
  assert.equal(await events(), logBefore, 'a refused proposal appends nothing');
  await page.fill('#m-actions input[name=amount]', '550,000');
  await page.route('**/proposals', (r) => r.abort('failed'));
  await page.click('text=Propose this figure');
  await page.waitForFunction(() => /connection .* was lost/.test(
    document.querySelector('#m-actions .form-alert')?.textContent || ''));
  assert.equal(await page.inputValue('#m-actions input[name=amount]'), '550,000');
  await page.unroute('**/proposals');
  await page.click('text=Propose this figure');
  await waitText(page, '#m-summary', /answers pending/);
  for (const p of [claPage, payPage]) {
    await news(p);
    await p.getByRole('button', { name: 'Accept', exact: true }).click();
    await p.getByRole('button', { name: 'Accept', exact: true }).waitFor({ state: 'detached' });
  }
  await page.click('.mediator-case > .actions button');
  await waitText(page, '#m-summary', /settled/);
  assert.match(await page.textContent('#m-outcomes'), /Proposal 1.*\$550,000\.00.*accepted/s);
  await screenshot(page, 'mediator-06-case-settled');
  await assertAccessible(page, 'mediator case page, settled');

  // The receipt, downloaded and verified offline with the server's key.
  const [receipt] = await Promise.all([page.waitForEvent('download'),
    page.click('#download-receipt')]);
  const file = path.join(server.dir, 'receipt.txt');
  await receipt.saveAs(file);
  const key = await runNakodo(['--db', `sqlite:${server.db}`, 'server-key']);
  const verified = await runNakodo(['verify', file, '--server-key', key.stdout.trim()]);
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  assert.match(verified.stdout, /holds\s+statement-signature/);

  await assertHoldsNone(med, page, [...secrets, toPayer], 'at the end');
  await assertHoldsNone(med, consolePage, secrets, 'the console at the end');
  for (const c of [med, cla, pay]) c.assertClean();
  for (const c of [med, cla, pay]) await c.close();
});

test('the mediator closes a case, and a revoked link opens nothing', async () => {
  const { server } = env;
  const { c, med, page } = await mediatorOfNewCase();
  await page.click('[data-action=revoke-claimant]');
  await waitText(page, '#m-invite', /claimant[^]*revoked once/);
  const claimant = await server.api('GET', `/v1/cases/${c.case}/brief`,
    { token: c.tokens.claimant });
  assert.equal(claimant.status, 401, 'the revoked token is refused');
  const other = await med.newPage();
  await other.goto(c.links.claimant);
  await other.waitForSelector('text=This invitation no longer works');
  await page.click('text=Close the case…');
  await page.click('text=Yes, close it');
  await waitText(page, '#m-summary', /closed/);
  assert.ok(await page.isVisible('#download-receipt'));
  assert.ok(await page.isDisabled('[data-action=reissue-payer]'), 'an ended case reissues nothing');
  med.assertClean();
  await med.close();
});

test('a package case with the 1962 valuations, seen by its mediator', async () => {
  const { c, med, page } = await mediatorOfNewCase({ package: { currency: 'USD',
    components: ['grant', 'loan'], solution: 'nash', rounds: 2, monotone: true } });
  const ex = (name) => path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..',
    'examples', `claims-1962-package-${name}.json`);
  await party(c.tokens.claimant, 'package', 'submit', c.case, '--as', 'claimant', ex('korea'));
  await party(c.tokens.payer, 'package', 'submit', c.case, '--as', 'payer', ex('japan'));
  await page.click('.mediator-case > .actions button');
  await waitText(page, '#m-summary', /Package proposed in round 1/);
  assert.match(await page.textContent('#m-outcomes'), /a package proposed/);
  await party(c.tokens.claimant, 'answer', c.case, '--as', 'claimant', 'accept');
  await party(c.tokens.payer, 'answer', c.case, '--as', 'payer', 'accept');
  await page.click('.mediator-case > .actions button');
  await waitText(page, '#m-summary', /settled/);
  assert.match(await page.textContent('#m-outcomes'), /Package 1.*accepted.*Settled/s);
  // Each side's reservation and discount rate stay its own.
  await assertHoldsNone(med, page,
    ['211,814,697.61', '21181469761', '380,954,758.31', '38095475831'],
    'package case');
  await screenshot(page, 'mediator-07-package-settled');
  await assertAccessible(page, 'mediator case page, package settled');
  await page.setViewportSize({ width: 375, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth
    - window.innerWidth);
  assert.ok(overflow <= 1, `the case page scrolls sideways by ${overflow}px at phone width`);
  await screenshot(page, 'mediator-08-package-phone');
  med.assertClean();
  await med.close();
});

test('a mediator that joined opens its key file again after a reload; a wrong passphrase '
  + 'opens nothing', async () => {
  const { server } = env;
  const { c, med, page } = await mediatorOfNewCase();
  const makeKey = '#m-keys form[aria-label="Join with a key made here"] input[name=passphrase]';
  await page.fill(makeKey, 'short');
  await page.click('text=Make a key, download its file and join');
  await page.getByText('use at least 8 characters').waitFor();
  await page.fill('#m-keys form[aria-label="Join with a key made here"] input[name=passphrase]',
    'the mediator passphrase');
  const [download] = await Promise.all([page.waitForEvent('download'),
    page.click('text=Make a key, download its file and join')]);
  const keyPath = path.join(server.dir, 'mediator.key');
  await download.saveAs(keyPath);
  await page.waitForSelector('#m-keys li[data-role=mediator] .safety');
  const safety = (await page.textContent('#m-keys li[data-role=mediator] .safety')).trim();

  // the reload asks for the key before its first read: no 401 for want of a signature
  const before = med.responses.length;
  await page.reload();
  await page.getByRole('heading', { name: 'Open your key' }).waitFor();
  await page.waitForTimeout(300);
  assert.deepEqual(med.responses.slice(before).filter((r) => r.status === 401)
    .map((r) => r.url), [], 'the reload provoked a 401');
  await page.locator('input[type=file][name=key]').setInputFiles(keyPath);
  await page.getByLabel('Its passphrase').fill('not the passphrase');
  await page.getByRole('button', { name: 'Open the key' }).click();
  await page.getByText(/wrong passphrase/).waitFor();
  await page.getByLabel('Its passphrase').fill('the mediator passphrase');
  await page.getByRole('button', { name: 'Open the key' }).click();
  await page.waitForSelector('#m-summary dl');
  assert.equal((await page.textContent('#m-keys li[data-role=mediator] .safety')).trim(), safety);
  // Its reads are signed now: the log is there.
  await page.waitForSelector('#m-log li[data-type=joined]');
  await assertAccessible(page, 'mediator case page, key reopened');
  med.assertClean();
  await med.close();
});
