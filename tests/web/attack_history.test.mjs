// The invitation token rides in the link's fragment, which no server sees, and the page
// takes it out of the address bar with history.replaceState. But the browser writes the
// address it navigated to in its own profile (History, Favicons, the session files) before
// any script runs, and replaceState adds the bare address without removing the first:
// whoever reads the profile later (a shared computer, a synced history, the address bar's
// suggestions) has the token. Until the role joins with a key that token is all it takes
// to join first, with another key.
//
// The page cannot delete a history entry; the cure is on the server's side (the page
// trades the link's token for a fresh one on first use, so the recorded one is dead).
// Until then this test is marked todo: it documents the leak and fails on the code.
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
  "an opened invitation link's token is not left in the browser's profile",
  { todo: 'needs the server to trade a link token for a fresh one on first use' },
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
      const token = Buffer.from(c.tokens.claimant);
      const holding = filesUnder(profile)
        .filter((f) => fs.readFileSync(f).includes(token))
        .map((f) => path.relative(profile, f));
      assert.deepEqual(holding, [], 'the token is kept in the browser profile');
    } finally {
      await server.stop();
      server.cleanup();
      fs.rmSync(profile, { recursive: true, force: true });
    }
  },
);
