// The invitation token rides in the link's fragment, which no server sees, and the page
// takes it out of the address bar with history.replaceState. But the browser writes the
// address it navigated to in its own profile (History, Favicons, the session files) before
// any script runs, and replaceState adds the bare address without removing the first:
// whoever reads the profile later (a shared computer, a synced history, the address bar's
// suggestions) has the link's token. Until the role joins with a key that token would be
// all it takes to join first, with another key.
//
// The page cannot delete a history entry; so it trades the link's token for a fresh one
// at once (POST …/token/rotate): every token the profile holds must then be dead. The
// test fails on a page that does not rotate (the link's token, in History, still opens
// the case).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from './harness.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

function filesUnder(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

test(
  "an opened invitation link's token is dead wherever the browser's profile kept it",
  async () => {
    const server = await startServer();
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'nakodo-profile-'));
    try {
      const c = await server.openCase({});
      const ctx = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
      });
      const page = await ctx.newPage();
      await page.goto(c.links.claimant);
      await page.getByLabel('A passphrase for your new key').waitFor();
      assert.ok(!page.url().includes('token'), 'the token is still in the address bar');
      await page.goto(`${server.url}/`);
      await ctx.close();
      // every token-shaped string the profile holds, the link's among them
      const found = new Set();
      for (const f of filesUnder(profile)) {
        for (const m of fs.readFileSync(f).toString('latin1').matchAll(/[0-9a-f]{64}/g)) {
          found.add(m[0]);
        }
      }
      assert.ok(found.has(c.tokens.claimant), 'the browser wrote the link into its profile');
      const live = [];
      for (const t of found) {
        const res = await server.api('GET', `/v1/cases/${c.case}/brief`, { token: t });
        if (res.status !== 401) live.push(`${t.slice(0, 8)}…: ${res.status}`);
      }
      assert.deepEqual(live, [], 'a token the browser profile holds still opens the case');
      // and the role itself still holds a working token: the fresh one, in its tab only
      const other = await server.api('GET', `/v1/cases/${c.case}/brief`, {
        token: c.tokens.claimant,
      });
      assert.equal(other.status, 401, "the link's token was not traded");
    } finally {
      await server.stop();
      server.cleanup();
      fs.rmSync(profile, { recursive: true, force: true });
    }
  },
);
