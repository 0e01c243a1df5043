// The browser tests' plumbing: a real `nakodo serve` on a free loopback port with a
// temporary database, its API, headless Debian chromium driven by playwright-core, one
// browser context per role that records every console error, page error, CSP violation
// and request to another origin (and fails the test on them), the state a page holds
// (for the leak checks), and screenshots under the build folder.
//
// Environment (set by tests/web/run.sh, from meson):
//   NAKODO       the built command (default ../../build/src/cli/nakodo)
//   NAKODO_SHOTS where screenshots go (default ../../build/web-shots)
//   NAKODO_CLOCKED the test build whose clock is the file NAKODO_TEST_CLOCK names, run in
//                its place when a test sets NAKODO_TEST_CLOCK (the shipped one has none)
//   CHROMIUM     the browser (default /usr/bin/chromium)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '..', '..');
export const NAKODO = process.env.NAKODO || path.join(root, 'build', 'src', 'cli', 'nakodo');
export const SHOTS = process.env.NAKODO_SHOTS || path.join(root, 'build', 'web-shots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/* ------------------------------------------------------------------ the server */

// Starts `nakodo serve` on 127.0.0.1:0 with a fresh database in a temporary folder.
// Returns { url, origin, operator, dir, db, log(), api(), openCase(), run(), stop() }.
// extraArgs go after `serve` (e.g. ['--rate', '1000']).
export async function startServer(extraArgs = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nakodo-web-'));
  const db = path.join(dir, 'nakodo.db');
  const clocked = process.env.NAKODO_TEST_CLOCK && process.env.NAKODO_CLOCKED;
  const child = spawn(clocked || NAKODO, ['serve', '--listen', '127.0.0.1:0', '--db', `sqlite:${db}`,
    '--threads', '2', '--rate', '1000', '--burst', '1000', ...extraArgs],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (d) => { stdout += d; });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nakodo serve did not start:\n${stderr}`)),
      15000);
    child.stderr.on('data', (d) => {
      stderr += d;
      const op = /operator token: ([0-9a-f]{64})/.exec(stderr);
      const at = /listening on (http:\/\/[0-9.]+:[0-9]+)/.exec(stderr);
      if (op && at) {
        clearTimeout(timer);
        resolve({ operator: op[1], url: at[1] });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nakodo serve exited (${code}):\n${stderr}`));
    });
  });
  const { operator, url } = await ready;
  const server = {
    url, origin: new URL(url).origin, operator, dir, db, child,
    // Everything the server wrote to standard error so far (its request log); the
    // operator token line is its first, and the only one with a token.
    log: () => stderr.split('\n').filter((l) => !l.startsWith('operator token:')).join('\n'),
    stdout: () => stdout,
    async api(method, route, { token, body, headers = {} } = {}) {
      const h = { ...headers };
      if (token) h.Authorization = `Bearer ${token}`;
      if (body !== undefined) h['Content-Type'] = 'application/json';
      const res = await fetch(url + route, {
        method, headers: h, body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let json = null;
      try { json = JSON.parse(text); } catch { /* not JSON */ }
      return { status: res.status, headers: res.headers, text, json };
    },
    // Opens a case of figures (rules merged over defaults) or, with { package: FRAME },
    // a package case; returns the API's answer plus links per role.
    async openCase(opts = {}) {
      const body = opts.package ? { package: opts.package }
        : { rules: { ...defaultRules, ...(opts.rules || {}) } };
      const res = await server.api('POST', '/v1/cases', { token: opts.token || operator, body });
      assert.equal(res.status, 201, `opening a case: ${res.text}`);
      const c = res.json;
      c.links = {};
      for (const [role, tok] of Object.entries(c.tokens)) c.links[role] = inviteLink(url, c.case, tok);
      return c;
    },
    // Runs the command (e.g. the remote CLI against this server); resolves with
    // { code, stdout, stderr }.
    run: (args, input) => runNakodo(args, input),
    // Stops the server; fails unless it stopped cleanly (a crash, or a sanitizer's
    // report in an instrumented build, is a failure of the test that ran it).
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      assert.equal(child.exitCode, 0, `nakodo serve ended badly:\n${stderr.slice(-4000)}`);
    },
    // The database's files as they are on disk (the database, its WAL and shared
    // memory, its key), for the leak checks: what must never be stored in clear.
    storeBytes() {
      return Buffer.concat(fs.readdirSync(dir).filter((f) => f.startsWith('nakodo.db'))
        .map((f) => fs.readFileSync(path.join(dir, f))));
    },
    // Fails when any of secrets (strings) is in the request log or the database files.
    assertStoresNone(secrets, label) {
      const log = server.log();
      const bytes = server.storeBytes();
      for (const s of secrets) {
        assert.ok(!log.includes(String(s)), `${label}: the server log holds ${s}`);
        assert.ok(!bytes.includes(Buffer.from(String(s))), `${label}: the database holds ${s}`);
      }
    },
    // Removes the temporary folder (after stop; keep it on failure to look at).
    cleanup() { fs.rmSync(dir, { recursive: true, force: true }); },
  };
  return server;
}

export const defaultRules = {
  currency: 'USD', rounds: 3, monotone: true, settle: 'midpoint', band_bp: 0, band_amount: 0,
  grid: 1, hints_bp: [1000, 2500], range_low: 0, range_high: 100000000, leakage_bits: 8.0,
  proposals: 1,
};

// The invitation link: the token only in the fragment, which no request carries.
export function inviteLink(base, caseId, token) {
  return `${base}/case/${caseId}#token=${token}`;
}

export function runNakodo(args, input, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(NAKODO, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (input !== undefined) child.stdin.end(input); else child.stdin.end();
  });
}

/* ------------------------------------------------------------------ the browser */

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // root in a container has no user namespaces for chromium's sandbox
    args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
  });
}

// Reports CSP violations as console errors (which the context records): an init
// script runs before the page's own and is not subject to the page's CSP.
const CSP_WATCH = `
  document.addEventListener('securitypolicyviolation', (e) => {
    console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline'));
  });
`;

// A fresh context (its own storage: one per role) for server, recording trouble.
// Returns { context, newPage(), problems, responses, assertClean() }.
// options: { viewport, ignoreConsole: [RegExp] } (a console error a test provokes on
// purpose, e.g. a 4xx it asserts on, is ignored only when it matches one of these).
export async function newRoleContext(browser, server, role, options = {}) {
  const context = await browser.newContext({
    viewport: options.viewport || { width: 1280, height: 900 },
    baseURL: server.url,
  });
  const problems = [];
  const responses = [];
  const ignore = options.ignoreConsole || [];
  await context.addInitScript(CSP_WATCH);
  // A request to another origin is a failure, and is not let out.
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith('data:') || u.startsWith('blob:') || new URL(u).origin === server.origin) {
      return route.continue();
    }
    problems.push(`${role}: request to another origin: ${u}`);
    return route.abort('blockedbyclient');
  });
  context.on('response', async (res) => {
    const entry = { url: res.url(), status: res.status(), body: null };
    responses.push(entry);
    try {
      const type = res.headers()['content-type'] || '';
      if (/json|text/.test(type)) entry.body = await res.text();
    } catch { /* the page went away */ }
  });
  const watch = (page) => {
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const text = msg.text();
      if (ignore.some((re) => re.test(text))) return;
      problems.push(`${role}: console error: ${text}`);
    });
    page.on('pageerror', (e) => problems.push(`${role}: page error: ${e.message}`));
  };
  context.on('page', watch);
  return {
    role, context, problems, responses,
    async newPage() { return context.newPage(); },
    // Fails the test on anything recorded so far.
    assertClean() {
      assert.deepEqual(problems, [], `${role}'s page had problems`);
    },
    async close() { await context.close(); },
  };
}

// Everything a page holds that a leak could hide in: the DOM (its serialisation, its
// text, and the values of form fields, which the serialisation does not show), web
// storage, the names of IndexedDB databases and their records, and the address.
export async function pageState(page) {
  return page.evaluate(async () => {
    const dump = (s) => Object.fromEntries(Array.from({ length: s.length }, (_, i) => s.key(i))
      .map((k) => [k, s.getItem(k)]));
    const fields = Array.from(document.querySelectorAll('input, textarea, select'))
      .map((e) => `${e.name || e.id}=${e.value}`);
    const idb = {};
    const names = indexedDB.databases ? (await indexedDB.databases()).map((d) => d.name) : [];
    for (const name of names) {
      idb[name] = await new Promise((resolve) => {
        const req = indexedDB.open(name);
        req.onerror = () => resolve({ error: String(req.error) });
        req.onsuccess = async () => {
          const db = req.result;
          const stores = {};
          for (const s of Array.from(db.objectStoreNames)) {
            stores[s] = await new Promise((res) => {
              const all = db.transaction(s).objectStore(s).getAll();
              all.onsuccess = () => res(all.result.map((v) => {
                try { return JSON.stringify(v); } catch { return String(v); }
              }));
              all.onerror = () => res([String(all.error)]);
            });
          }
          db.close();
          resolve(stores);
        };
      });
    }
    return {
      url: location.href,
      html: document.documentElement.outerHTML,
      text: document.body ? document.body.innerText : '',
      fields,
      localStorage: dump(localStorage),
      sessionStorage: dump(sessionStorage),
      indexedDB: idb,
    };
  });
}

// Asserts that none of secrets (strings: figures, message texts, tokens) appears in the
// page's state or in any response the context received; label says where the test is.
export async function assertHoldsNone(ctx, page, secrets, label) {
  const state = await pageState(page);
  const blob = JSON.stringify(state);
  for (const s of secrets) {
    const needle = String(s);
    assert.ok(!blob.includes(needle), `${label}: the ${ctx.role}'s page holds ${needle}`);
    for (const r of ctx.responses) {
      assert.ok(!(r.body || '').includes(needle),
        `${label}: a response to the ${ctx.role}'s page (${r.url}) holds ${needle}`);
    }
  }
  return state;
}

// A screenshot of page as SHOTS/NAME.png (full page).
export async function screenshot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// axe-core's check of the page: fails on any serious or critical violation.
const AXE = fs.readFileSync(path.join(here, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
export async function assertAccessible(page, label) {
  // evaluated through the DevTools protocol, which the page's CSP does not govern
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, {
    resultTypes: ['violations'],
  }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(bad, [], `${label}: accessibility violations`);
  return result;
}

// A browser with one context per role, each checked when the session closes: any
// console error, page error, CSP violation or request to another origin in any of them
// fails the test. Usage:
//   const s = await browserSession(server);
//   const claimant = await s.role('claimant');   // { context, page, problems, ... }
//   ...
//   await s.close();                              // asserts every role stayed clean
export async function browserSession(server, options = {}) {
  const browser = await launchBrowser();
  const roles = [];
  return {
    browser,
    async role(name, roleOptions = {}) {
      const ctx = await newRoleContext(browser, server, name, { ...options, ...roleOptions });
      ctx.page = await ctx.newPage();
      roles.push(ctx);
      return ctx;
    },
    async close() {
      const problems = roles.flatMap((r) => r.problems);
      await browser.close();
      assert.deepEqual(problems, [], 'the pages had problems');
    },
  };
}
