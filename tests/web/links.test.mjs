// Invitation links (doc/web.md, doc/api.md): `nakodo case new` against a server prints
// one per role, made from the server's --public-url when it has one, else from the
// address the command used; the token only ever in the fragment; a link opens the
// case's page in the browser and leaves the address bar without its token.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, runNakodo, launchBrowser, newRoleContext, pageState } from './harness.mjs';

const ROLES = ['claimant', 'payer', 'mediator'];
let server;

before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); server?.cleanup(); });

function assertLinks(answer, base) {
  assert.deepEqual(Object.keys(answer.links).sort(), [...ROLES].sort());
  for (const role of ROLES) {
    assert.equal(answer.links[role], `${base}/case/${answer.case}#token=${answer.tokens[role]}`);
    const u = new URL(answer.links[role]);
    assert.ok(!u.pathname.includes(answer.tokens[role]) && !u.search, 'token outside the fragment');
  }
}

test('case new --json against a server: links beside tokens, from the address it used', async () => {
  for (const args of [['case', 'new', '--currency', 'USD'],
    ['package', 'open', '--currency', 'USD', '--components', 'grant,loan']]) {
    const r = await runNakodo(['--json', ...args, '--server', server.url, '--token', server.operator]);
    assert.equal(r.code, 0, r.stderr);
    assertLinks(JSON.parse(r.stdout), server.url);
  }
  // the API's own answer has no links without --public-url (the server cannot know
  // the address its users reach it at); the command adds them
  const api = await server.api('POST', '/v1/cases', { token: server.operator,
    body: { rules: (await server.openCase()).rules } });
  assert.equal(api.status, 201);
  assert.equal(api.json.links, undefined);
});

test('case new (text) prints a link per role after the tokens', async () => {
  const r = await runNakodo(['case', 'new', '--currency', 'EUR', '--server', server.url,
    '--token', server.operator]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  const id = lines[0];
  for (const role of ROLES) {
    const token = lines.find((l) => l.startsWith(`${role} token: `)).split(': ')[1];
    assert.ok(lines.includes(`${role} link: ${server.url}/case/${id}#token=${token}`), r.stdout);
  }
});

test('serve --public-url: the open answer carries its links; a bad URL is refused', async () => {
  const s = await startServer(['--public-url', 'https://nakodo.example:8443/']);
  try {
    const c = await s.api('POST', '/v1/cases', { token: s.operator,
      body: { rules: (await server.openCase()).rules } });
    assert.equal(c.status, 201);
    assertLinks(c.json, 'https://nakodo.example:8443');
    const r = await runNakodo(['--json', 'case', 'new', '--currency', 'USD', '--server', s.url,
      '--token', s.operator]);
    assertLinks(JSON.parse(r.stdout), 'https://nakodo.example:8443');
  } finally {
    await s.stop();
    s.cleanup();
  }
  for (const bad of ['nakodo.example', 'ftp://x', 'https://x/path', 'https://x/#a', 'https://x?q',
    'https://', 'https://x y']) {
    const r = await runNakodo(['serve', '--listen', '127.0.0.1:0', '--db', 'mem:', '--threads', '1',
      '--public-url', bad]);
    assert.notEqual(r.code, 0, bad);
    assert.match(r.stderr, /public-url/, bad);
  }
});

test('a link from the command opens the case page; the token leaves the address bar', async () => {
  const r = await runNakodo(['--json', 'case', 'new', '--currency', 'USD', '--server', server.url,
    '--token', server.operator]);
  const answer = JSON.parse(r.stdout);
  const browser = await launchBrowser();
  try {
    const ctx = await newRoleContext(browser, server, 'payer');
    const page = await ctx.newPage();
    await page.goto(answer.links.payer);
    await page.waitForLoadState('networkidle');
    const state = await pageState(page);
    assert.equal(state.url, `${server.url}/case/${answer.case}`);
    assert.ok(!server.log().includes(answer.tokens.payer));
    ctx.assertClean();
  } finally {
    await browser.close();
  }
});
