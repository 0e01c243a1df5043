// Steps the party pages' tests share: one server and one browser per test file, and a
// party that opens its invitation link and joins with a key made in the browser.
import { before, after } from 'node:test';
import { startServer, launchBrowser, newRoleContext } from './harness.mjs';

// A refusal a test provokes on purpose, or a connection it cuts, shows in Chromium's
// console ("Failed to load resource"): these are expected, any other error is not.
export const expectedConsole = [
  /status of 40[0139]/,
  /status of 503/,
  /ERR_CONNECTION_RESET|ERR_FAILED/,
];

/** Registers the file's before/after hooks; returns an object they fill: .server, .browser. */
export function useServerAndBrowser() {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
    env.server?.cleanup();
  });
  return env;
}

/**
 * Opens link in a new context for role and joins with a key made in the browser (at the
 * interactive cost unless told, to keep the tests quick). Returns {ctx, page}; before(page), when
 * given, runs once the key form is shown.
 */
export async function joinWithBrowserKey(
  { server, browser },
  role,
  link,
  passphrase,
  before = null,
  cost = 'interactive',
) {
  const ctx = await newRoleContext(browser, server, role, { ignoreConsole: expectedConsole });
  const page = await ctx.newPage();
  await page.goto(link);
  await page.getByLabel('A passphrase for your new key').waitFor();
  if (before) await before(page);
  await page.getByLabel('A passphrase for your new key').fill(passphrase);
  await page.getByLabel('The passphrase again').fill(passphrase);
  await page.getByLabel('Protection of the key file').selectOption(cost);
  await page.getByRole('button', { name: 'Make my key and join' }).click();
  await page.locator('#keys').waitFor();
  return { ctx, page };
}

/** Asks the briefing again and waits until the page has drawn it. */
export async function checkNews(page) {
  await page.getByRole('button', { name: 'Check for news' }).click();
  await page.getByText('Up to date.').waitFor();
}
