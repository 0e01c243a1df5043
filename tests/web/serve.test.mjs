// The serving contract (doc/web.md): the pages and their hashed assets, their headers,
// a CSP that the browser enforces, and an invitation link whose token stays in the
// fragment and out of every request and log line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newRoleContext, pageState, screenshot, assertAccessible,
  browserSession,
} from './harness.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
  + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
  + "form-action 'self'; frame-ancestors 'none'";
const STRICT = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
});

function assertStrict(res, what) {
  for (const [name, value] of Object.entries(STRICT)) {
    assert.equal(res.headers.get(name), value, `${what}: ${name}`);
  }
}

// The asset URLs a page names (src= and href= under /assets/).
function assetsOf(html) {
  return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
}

test('the pages: no-store, HTML, strict headers; HEAD too', async () => {
  for (const route of ['/', '/case/abc123', '/case/A_b-9']) {
    for (const method of ['GET', 'HEAD']) {
      const res = await server.api(method, route);
      assert.equal(res.status, 200, `${method} ${route}`);
      assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assertStrict(res, `${method} ${route}`);
      if (method === 'HEAD') assert.equal(res.text, '');
      else assert.match(res.text, /^<!doctype html>/i);
    }
  }
  // the API's answers carry the same headers
  assertStrict(await server.api('GET', '/healthz'), '/healthz');
  assertStrict(await server.api('GET', '/v1/cases'), '/v1/cases (401)');
});

test('a case page tells nothing of whether the case exists', async () => {
  const c = await server.openCase();
  const real = await server.api('GET', `/case/${c.case}`);
  const fake = await server.api('GET', '/case/0123456789abcdef0123');
  assert.equal(real.status, fake.status);
  assert.equal(real.text, fake.text);
  const strip = (h) => [...h.entries()].filter(([k]) => !['date', 'x-request-id'].includes(k));
  assert.deepEqual(strip(real.headers), strip(fake.headers));
  // a malformed id is not a case's page at all
  for (const bad of ['/case/a.b', '/case/', '/case/a/b', `/case/${'x'.repeat(200)}`]) {
    assert.equal((await server.api('GET', bad)).status, 404, bad);
  }
});

test('assets: hashed names, a year immutable, their types; the rest 404', async () => {
  const html = (await server.api('GET', '/case/abc')).text;
  const assets = assetsOf(html);
  assert.ok(assets.some((a) => /^\/assets\/js\/case\.[0-9a-f]{12}\.js$/.test(a)), assets.join());
  assert.ok(assets.some((a) => /^\/assets\/css\/nakodo\.[0-9a-f]{12}\.css$/.test(a)), assets.join());
  assert.ok(!html.includes('/assets/js/case.js'), 'a source path left in the page');
  const types = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml' };
  for (const a of assets) {
    const res = await server.api('GET', a);
    assert.equal(res.status, 200, a);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable', a);
    assert.equal(res.headers.get('content-type'), types[a.split('.').pop()], a);
    assertStrict(res, a);
    const head = await server.api('HEAD', a);
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(Buffer.byteLength(res.text)));
  }
  // a module's imports name hashed modules too
  const js = (await server.api('GET', assets.find((a) => a.includes('/js/case.')))).text;
  for (const m of js.matchAll(/from\s*['"]([^'"]+)['"]/g)) {
    assert.match(m[1], /^\/assets\/js\/[a-z_-]+\.[0-9a-f]{12}\.m?js$/, m[1]);
  }
  for (const bad of ['/assets/js/case.js', '/assets/', '/assets/js/', '/assets/../pages/case.html',
    '/pages/case.html', '/assets/js/case.000000000000.js', '/web/pages/index.html']) {
    const res = await server.api('GET', bad);
    assert.equal(res.status, 404, bad);
    assert.equal(res.headers.get('content-type'), 'application/problem+json', bad);
    assertStrict(res, bad);
  }
  assert.equal((await server.api('POST', '/')).status, 405);
  assert.equal((await server.api('DELETE', assets[0])).status, 405);
});

test('the browser loads the pages with no console error, CSP violation or foreign request', async () => {
  const ctx = await newRoleContext(browser, server, 'operator');
  const page = await ctx.newPage();
  const loaded = [];
  page.on('response', (r) => loaded.push(r.url()));
  await page.goto('/');
  await page.waitForLoadState('networkidle');
  assert.ok(loaded.some((u) => /\/assets\/js\/mediator\.[0-9a-f]{12}\.js$/.test(u)), loaded.join('\n'));
  await screenshot(page, 'serve-index');
  await assertAccessible(page, 'index');
  ctx.assertClean();
  await ctx.close();
});

test('the harness catches what the CSP refuses (an inline script) and foreign requests', async () => {
  const ctx = await newRoleContext(browser, server, 'probe');
  const page = await ctx.newPage();
  await page.goto('/');
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.ranInline = true';
    document.head.append(s);
    const img = document.createElement('img');
    img.src = 'https://example.invalid/x.png';
    document.body.append(img);
  });
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.ranInline), undefined, 'the inline script ran');
  assert.ok(ctx.problems.some((p) => /CSP violation: script-src/.test(p)), ctx.problems.join('\n'));
  assert.ok(ctx.problems.some((p) => /img-src|another origin/.test(p)), ctx.problems.join('\n'));
  assert.throws(() => ctx.assertClean());
  await ctx.close();
});

test('an invitation link: the token reaches no request or log and leaves the address bar', async () => {
  const c = await server.openCase();
  const token = c.tokens.claimant;
  const ctx = await newRoleContext(browser, server, 'claimant');
  const page = await ctx.newPage();
  const sent = [];
  page.on('request', (r) => sent.push({ url: r.url(), headers: r.headers() }));
  await page.goto(c.links.claimant);
  await page.waitForLoadState('networkidle');
  const state = await pageState(page);
  assert.equal(state.url, `${server.url}/case/${c.case}`);
  assert.ok(!state.url.includes(token));
  // the link's token was traded for a fresh one (a link opens once), kept for the session
  const kept = state.sessionStorage[`nakodo:token:${c.case}:claimant`];
  assert.match(kept || '', /^[0-9a-f]{64}$/, 'the page keeps a token for the session');
  assert.ok(!JSON.stringify(state.sessionStorage).includes(token), "the link's token is kept");
  assert.equal((await server.api('GET', `/v1/cases/${c.case}/brief`, { token })).status, 401);
  assert.equal((await server.api('GET', `/v1/cases/${c.case}/brief`, { token: kept })).status, 200);
  assert.deepEqual(state.localStorage, {}, 'nothing in localStorage');
  for (const r of sent) {
    assert.ok(!r.url.includes(token), `a request's URL holds the token: ${r.url}`);
    assert.ok(!r.headers.referer, `a request carries a Referer: ${r.url}`);
  }
  assert.ok(!server.log().includes(token), 'the server log holds the token');
  assert.ok(!server.log().includes(c.case), 'the server log names the case');
  await screenshot(page, 'serve-case-link');
  ctx.assertClean();
  await ctx.close();
});

test('a browser session fails on a problem in any role; the store check finds a secret', async () => {
  const s = await browserSession(server);
  const a = await s.role('claimant');
  await a.page.goto('/case/abc');
  await a.page.evaluate(() => console.error('provoked'));
  await a.page.waitForTimeout(100);
  await assert.rejects(s.close(), /had problems/);
  const c = await server.openCase();
  assert.throws(() => server.assertStoresNone([c.case], 'probe'), /database holds/);
  server.assertStoresNone(['a message text no one sent'], 'probe');
});
