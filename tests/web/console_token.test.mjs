// The console's operator token as a person pastes it from the terminal where
// `nakodo serve` printed it: with a space or a newline around it, or the whole line
// 'operator token: …'. The field takes each (it once cut the paste at 64 characters and
// refused it), and still refuses what is not a token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, browserSession } from './harness.mjs';

test('the operator token is taken as pasted from the terminal', async () => {
  const server = await startServer();
  const s = await browserSession(server);
  try {
    const { page } = await s.role('operator');
    for (const pasted of [` ${server.operator} `, `${server.operator}\n`,
      `operator token: ${server.operator}`]) {
      await page.goto('/');
      await page.fill('#operator-token', pasted);
      await page.click('#operator-form button[type=submit]');
      await page.waitForSelector('#console-body:not([hidden])');
      assert.equal(await page.evaluate(() => sessionStorage.getItem('nakodo.operator')),
        server.operator, JSON.stringify(pasted));
      await page.evaluate(() => sessionStorage.clear());
    }
    await page.goto('/');
    await page.fill('#operator-token', `operator token: ${server.operator.slice(1)}`);
    await page.click('#operator-form button[type=submit]');
    assert.match(await page.textContent('#operator-token-error'), /64 hexadecimal digits/);
  } finally {
    await s.close();
    await server.stop();
  }
});
