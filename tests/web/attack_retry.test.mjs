// A lost answer: the party's signed figure reached the go-between, which took it, but
// the answer never came back. The page says the connection was lost and keeps the
// figure; the party presses the button again. That retry must not be signed with the
// request number the server has already used (a replay, refused 403 for ever after:
// every later action of the page then failed the same way until a reload), and the
// page must end up telling the truth: the figure for that round is in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, joinWithBrowserKey } from './party_steps.mjs';

const env = useServerAndBrowser();

test('a retry after a lost answer is not refused as a replay', async () => {
  const { server } = env;
  const c = await server.openCase({});
  const py = await joinWithBrowserKey(env, 'payer', c.links.payer, 'payer pass three');
  const page = py.page;
  const box = () => page.getByRole('textbox', { name: /Your offer for round 1/ });
  // the figure goes through to the server; its answer is lost on the way back
  await py.ctx.context.route('**/v1/cases/*/figures', async (route) => {
    await route.fetch();
    await route.abort('connectionreset');
  });
  await box().fill('400,000');
  await page.getByRole('button', { name: 'Send my offer' }).click();
  await page.getByText(/connection to the go-between was lost/).waitFor();
  await py.ctx.context.unroute('**/v1/cases/*/figures');

  const before = py.ctx.responses.length;
  await page.getByRole('button', { name: 'Send my offer' }).click();
  await page.waitForResponse((r) => /\/figures$/.test(r.url()));
  await page.waitForTimeout(300);
  const statuses = py.ctx.responses.slice(before)
    .filter((r) => /\/figures$/.test(r.url)).map((r) => r.status);
  assert.ok(!statuses.includes(403), `the retry was refused as a replay: ${statuses}`);
  // the page now knows the offer is in (the round's form is gone or says so)
  await page.getByText(/offer for round 1 is in|already|second figure/i).first().waitFor(
    { timeout: 5000 },
  );
  await py.ctx.close();
});
