// A case's title and the mediator's proposals on the pages: the console's form takes an
// optional title and refuses one the server would refuse, with the server's reason; the
// party's and the mediator's pages show the title as text (markup in it stays literal);
// the proposals' history is shown to each role as its briefing gives it: the mediator
// sees which side has answered the proposal awaiting answers, a party never does; and a
// party's page of an ended case says its figures were deleted at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newRoleContext, defaultRules, screenshot } from './harness.mjs';
import { useServerAndBrowser, joinWithBrowserKey, checkNews } from './party_steps.mjs';

const env = useServerAndBrowser();
const TITLE = 'Harbour lease <b>bold</b> & <img src=x onerror="window.hit=1"> “Ōsaka” عقد';

async function signIn(ctx) {
  const page = await ctx.newPage();
  await page.goto('/');
  await page.fill('#operator-token', env.server.operator);
  await page.click('#operator-form button[type=submit]');
  await page.waitForSelector('#console-body:not([hidden])');
  return page;
}

// What the server answers to a case opened with this title: its status and reason.
async function serverOnTitle(title) {
  const r = await env.server.api('POST', '/v1/cases', { token: env.server.operator,
    body: { rules: defaultRules, title } });
  return { status: r.status, field: r.json?.field, detail: r.json?.detail };
}

async function caseCount() {
  const r = await env.server.api('GET', '/v1/cases', { token: env.server.operator });
  return r.json.cases.length;
}

test('the console opens a titled case, and refuses a title as the server does', async () => {
  const { server, browser } = env;
  const med = await newRoleContext(browser, server, 'operator');
  const page = await signIn(med);
  // A title the server refuses: a control character (after a two-byte letter, so that
  // the byte it names is counted in UTF-8), a line separator, a direction override,
  // one byte too many. The form says what the server says and sends nothing.
  const before = await caseCount();
  // Then characters that show as nothing, and a title of spaces alone.
  for (const bad of ['Lease\u0007 2026', 'Ōsaka\u0085', 'Lease\u2028terms', 'Lease \u202egnp.exe',
    'é'.repeat(60) + 'x', 'Lease\u061c', 'Lease\u200b 2026', 'Lease\ufeff', 'Ōsaka\u{e0041}',
    ' \u3000 ']) {
    const s = await serverOnTitle(bad);
    assert.equal(s.status, 400, JSON.stringify(bad));
    assert.equal(s.field, 'title');
    await page.fill('#open-title', bad);
    await page.click('#open-submit');
    await page.waitForSelector('#open-title-error:not([hidden])');
    assert.equal(await page.textContent('#open-title-error'), s.detail, JSON.stringify(bad));
    assert.equal(await page.getAttribute('#open-title', 'aria-invalid'), 'true');
    assert.match(await page.textContent('#open-errors'), /Title \(optional[^:]*: a title/);
    assert.equal(await page.inputValue('#open-title'), bad, 'what was typed is kept');
  }
  assert.equal(await caseCount(), before, 'a refused title opens no case');

  // A title with markup in it opens a case; the answer's title is shown as typed.
  await page.fill('#open-title', TITLE);
  await page.click('#open-submit');
  await page.waitForSelector('#opened:not([hidden])');
  assert.equal(await page.textContent('#opened-title'), TITLE);
  assert.equal(await page.locator('#opened-summary b, #opened-summary img').count(), 0);
  assert.equal(await caseCount(), before + 1);
  const link = await page.inputValue('#link-mediator');
  const id = /\/case\/([^#]+)#/.exec(link)[1];
  const brief = await server.api('GET', `/v1/cases/${id}/brief`,
    { token: link.split('#token=')[1] });
  assert.equal(brief.json.title, TITLE, 'the server stored the title as typed');
  // An empty field opens an untitled case, without a "title" member.
  await page.fill('#open-title', '');
  await page.click('#open-submit');
  await page.waitForFunction((old) => document.querySelector('#link-mediator')?.value !== old,
    link);
  assert.equal(await page.locator('#opened-title').count(), 0);
  assert.equal(await page.evaluate(() => window.hit), undefined);
  med.assertClean();
  await med.close();
});

// Waits until the text of the element selector names matches re.
async function waitText(page, selector, re) {
  await page.waitForFunction(([sel, src, flags]) => new RegExp(src, flags)
    .test(document.querySelector(sel)?.textContent || ''), [selector, re.source, re.flags]);
}

const rowText = (page, n) => page.textContent(`#proposal-history tr[data-proposal="${n}"]`);

test('the title and the proposals, as each role may see them', async () => {
  const { server } = env;
  const opened = await server.api('POST', '/v1/cases', { token: server.operator,
    body: { rules: { ...defaultRules, rounds: 1, proposals: 2 }, title: TITLE } });
  assert.equal(opened.status, 201, opened.text);
  const { case: id, tokens } = opened.json;
  const link = (role) => `${server.url}/case/${id}#token=${tokens[role]}`;
  const call = async (role, what, body) => {
    const r = await server.api('POST', `/v1/cases/${id}/${what}`, { token: tokens[role], body });
    assert.equal(r.status, 200, `${role} ${what}: ${r.text}`);
  };
  // One round without a deal, then a proposal both do not accept, then a second one
  // the claimant alone has answered so far (all before any page opens its link, which
  // trades the token for a fresh one).
  await call('claimant', 'figures', { amount: 71234567, round: 1 });
  await call('payer', 'figures', { amount: 39876543, round: 1 });
  await call('mediator', 'proposals', { amount: 60000000 });
  await call('claimant', 'answers', { accept: false });
  await call('payer', 'answers', { accept: true });
  await call('mediator', 'proposals', { amount: 55000000 });
  await call('claimant', 'answers', { accept: true });

  const cla = await joinWithBrowserKey(env, 'claimant', link('claimant'), 'claimant words');
  const pay = await joinWithBrowserKey(env, 'payer', link('payer'), 'payer words');
  const med = await newRoleContext(env.browser, server, 'mediator');
  const medPage = await med.newPage();
  await medPage.goto(link('mediator'));
  await medPage.waitForSelector('#m-summary dl');

  // The title on every page, as text: the markup in it is neither bold nor an image.
  for (const page of [cla.page, pay.page, medPage]) {
    await page.waitForSelector('#case-name:not([hidden])');
    assert.equal(await page.textContent('#case-name-text'), TITLE);
    assert.equal(await page.locator('#case-name b, #case-name img').count(), 0);
    assert.equal(await page.evaluate(() => window.hit), undefined);
  }

  // The mediator: both proposals, and which side has answered the one awaiting answers.
  await medPage.waitForSelector('#proposal-history');
  assert.match(await rowText(medPage, 1), /\$600,000\.00.*not accepted by both/);
  assert.match(await rowText(medPage, 2),
    /\$550,000\.00.*awaiting the answers: the claimant has answered, the payer not yet/);
  await screenshot(medPage, 'title-history-mediator');

  // Each party: both proposals and their results, never whether the other has answered.
  for (const [page, role] of [[cla.page, 'claimant'], [pay.page, 'payer']]) {
    await page.waitForSelector('#proposal-history');
    assert.match(await rowText(page, 1), /\$600,000\.00.*not accepted by both/, role);
    const second = await rowText(page, 2);
    assert.match(second, /\$550,000\.00.*awaiting the answers/, role);
    assert.doesNotMatch(await page.textContent('#proposal-history tbody'),
      /has answered|neither side has|both sides have/, role);
    assert.equal(await page.locator('#ended-note').count(), 0, 'the case has not ended');
  }
  await screenshot(pay.page, 'title-history-payer');

  // The payer accepts: the case settles on the second proposal, and each party is told
  // its figures were deleted at the end, with what the settlement told it.
  await pay.page.getByRole('button', { name: 'Accept', exact: true }).click();
  await pay.page.getByRole('button', { name: 'Accept', exact: true })
    .waitFor({ state: 'detached' });
  await checkNews(cla.page);
  for (const [page, role] of [[cla.page, 'claimant'], [pay.page, 'payer']]) {
    await waitText(page, '#case-state', /Settled/);
    assert.match(await rowText(page, 2), /\$550,000\.00.*accepted by both sides/, role);
    const note = await page.textContent('#ended-note');
    assert.match(note, /figures were deleted at the end/, role);
    assert.match(note, /only that both accepted the mediator's proposal/, role);
    assert.match(note, /Each hint below/, role);
    assert.equal(await page.textContent('#case-name-text'), TITLE);
  }
  await medPage.click('.mediator-case > .actions button');
  await waitText(medPage, '#m-summary', /settled/);
  assert.match(await rowText(medPage, 2), /accepted by both sides/);
  assert.equal(await medPage.locator('#ended-note').count(), 0, 'a party\'s note only');
  for (const c of [cla.ctx, pay.ctx, med]) c.assertClean();
  for (const c of [cla.ctx, pay.ctx, med]) await c.close();
});
