// POST /v1/analyze (doc/api.md): the same analysis and plot as `nakodo analyze --json
// --svg` on the files of examples/, for the operator and any case's mediator only, with
// the command's bounds, a body limit of its own that only a good token unlocks, and a
// rate of its own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, runNakodo, root } from './harness.mjs';

const ex = (name) => path.join(root, 'examples', name);
const read = (name) => fs.readFileSync(ex(name), 'utf8');
const DOMAIN = 'agenda-1962.json';
const PROFILES = ['agenda-1962-korea.json', 'agenda-1962-japan.json'];

let server;
let c;

before(async () => {
  server = await startServer();
  c = await server.openCase();
});

after(async () => {
  await server?.stop();
  server?.cleanup();
});

const body = (extra = {}) => ({ domain: read(DOMAIN), profiles: PROFILES.map(read), ...extra });
// Each analysis with a mediator's token of its own case, unless told: a token's rate
// for analyses is 10 at once (tested below with the operator's).
const analyze = async (b, token) => server.api('POST', '/v1/analyze', {
  body: b, token: token === undefined ? (await server.openCase()).tokens.mediator : token,
});

async function cli(fixes) {
  const svg = path.join(server.dir, `cli-${fixes.length}.svg`);
  const args = ['analyze', ex(DOMAIN), ...PROFILES.map(ex), '--json', '--svg', svg];
  for (const f of fixes) args.push('--fix', f);
  const r = await runNakodo(args);
  assert.equal(r.code, 0, r.stderr);
  return { json: JSON.parse(r.stdout), svg: fs.readFileSync(svg, 'utf8') };
}

test('the analysis and the plot are those of nakodo analyze --json --svg', async () => {
  for (const fix of [{}, { claims: '300' }]) {
    const res = await analyze(body(Object.keys(fix).length ? { fix } : {}));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(res.headers.get('content-security-policy'), /default-src 'self'/);
    const want = await cli(Object.entries(fix).map(([k, v]) => `${k}=${v}`));
    assert.deepEqual(res.json.analysis, want.json);
    assert.equal(res.json.svg, want.svg);
    // the reals as the command prints them, digit for digit
    const printed = (await runNakodo(['analyze', ex(DOMAIN), ...PROFILES.map(ex), '--json',
      ...Object.entries(fix).flatMap(([k, v]) => ['--fix', `${k}=${v}`])])).stdout;
    for (const m of printed.matchAll(/: (-?\d+\.\d+)/g)) assert.ok(res.text.includes(m[1]), m[1]);
  }
  assert.deepEqual(Object.keys((await analyze(body({ fix: { claims: '300' } }))).json.analysis.fixed),
    ['claims']);
});

test('who may analyse: the operator and any case\'s mediator; not a party, not anyone', async () => {
  assert.equal((await analyze(body(), c.tokens.mediator)).status, 200);
  assert.equal((await analyze(body(), server.operator)).status, 200);
  for (const [token, status] of [[null, 401], ['0'.repeat(64), 401], [c.tokens.claimant, 403],
    [c.tokens.payer, 403]]) {
    const res = await analyze(body(), token);
    assert.equal(res.status, status, res.text);
    assert.equal(res.json.field, 'Authorization');
  }
  // the token is checked before the files are looked at: a bad body still gets 401
  assert.equal((await analyze({ domain: 1 }, null)).status, 401);
});

test('bad files and bounds: a problem naming the file and the field, nothing run', async () => {
  const cases = [
    [{ domain: read(DOMAIN), profiles: [read(PROFILES[0])] }, 'profiles', /from 2 to 5/],
    [{ domain: read(DOMAIN), profiles: Array(6).fill(read(PROFILES[0])) }, 'profiles', /from 2 to 5/],
    [{ domain: read(DOMAIN) }, 'profiles', /./],
    [{ profiles: PROFILES.map(read) }, 'domain', /./],
    [body({ domain: '<negotiation_template' }), /^domain/, /XML/],
    [body({ domain: '{"issues": 3}' }), /^domain/, /./],
    [body({ profiles: [read(PROFILES[0]), '{ nope'] }), /^profiles\[1\]/, /JSON/],
    [body({ profiles: [read(PROFILES[0]), 7] }), 'profiles[1]', /string/],
    [body({ profiles: [read(PROFILES[0]), 'a\u0000b'] }), 'body', /NUL|\\u0000/],
    [body({ fix: { nosuch: '1' } }), 'fix', /no issue 'nosuch'/],
    [body({ fix: { claims: 'lots' } }), 'fix', /claims/],
    [body({ fix: { claims: 300 } }), 'fix', /string/],
    [body({ fix: ['claims=300'] }), 'fix', /object/],
    [body({ extra: 1 }), 'body', /extra/],
    [body({ domain: 'x'.repeat((1 << 20) + 1) }), /^domain/, /exceeds/],
  ];
  for (const [b, field, detail] of cases) {
    const res = await analyze(b);
    assert.equal(res.status, 400, `${JSON.stringify(b).slice(0, 80)}: ${res.text}`);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    if (field instanceof RegExp) assert.match(res.json.field, field);
    else assert.equal(res.json.field, field);
    assert.match(res.json.detail, detail);
  }
});

test('a long body: read only for a good token; past its own limit, refused', async () => {
  const long = body({ profiles: [read(PROFILES[0]), read(PROFILES[1]) + ' '.repeat(200000)] });
  // over the server's usual 64 KiB: without a good token, refused before it is read
  const anon = await analyze(long, null);
  assert.equal(anon.status, 401, anon.text);
  assert.equal((await analyze(long, c.tokens.claimant)).status, 401);
  const ok = await analyze(long, server.operator);
  assert.equal(ok.status, 200, ok.text);
  // past the route's own limit (16 MiB), even for the operator
  const huge = await fetch(`${server.url}/v1/analyze`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.operator}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ domain: 'x'.repeat(17 << 20), profiles: [] }),
  }).catch((e) => e);
  assert.ok(huge instanceof Error || huge.status === 413, String(huge.status));
});

test('analyses have a rate of their own per token', async () => {
  const s = await startServer();
  try {
    const statuses = [];
    for (let i = 0; i < 14; i++) statuses.push((await s.api('POST', '/v1/analyze',
      { token: s.operator, body: body() })).status);
    assert.ok(statuses.slice(0, 10).every((x) => x === 200), statuses.join());
    assert.ok(statuses.includes(429), statuses.join());
  } finally {
    await s.stop();
    s.cleanup();
  }
});

test('a token guessed with a long body counts as a failed authentication', async () => {
  const s = await startServer(['--fail-rate', '1', '--fail-burst', '2']);
  try {
    const long = JSON.stringify(body({ domain: read(DOMAIN) + ' '.repeat(100000) }));
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${s.url}/v1/analyze`, { method: 'POST', body: long,
        headers: { Authorization: `Bearer ${String(i).repeat(64)}`, 'Content-Type': 'application/json' } });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [401, 401, 429]);
  } finally {
    await s.stop();
    s.cleanup();
  }
});
