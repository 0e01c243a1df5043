// The receipt the party's page signs comes from the server. `nakodo receipt` refuses the
// receipt of another case than the one asked for ("the server answered with the receipt
// of another case") before its key signs anything; the page must too, else a server can
// have the party's key sign the closing statement of another case (a key file from
// `nakodo keygen` may serve several cases) or an outcome the party never saw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, joinWithBrowserKey, checkNews } from './party_steps.mjs';

const env = useServerAndBrowser();

async function receiptAttempt(page) {
  let downloaded = false;
  page.once('download', () => { downloaded = true; });
  await page.getByRole('button', { name: 'Download the receipt' }).click();
  await page.waitForTimeout(1000);
  return downloaded;
}

test("the page signs no receipt of another case, nor another outcome", async () => {
  const { server } = env;
  const c = await server.openCase({});
  const cl = await joinWithBrowserKey(env, 'claimant', c.links.claimant, 'claimant pass four');
  const closed = await server.api('POST', `/v1/cases/${c.case}/close`,
    { token: c.tokens.mediator, body: {} });
  assert.equal(closed.status, 200, JSON.stringify(closed.json));
  await checkNews(cl.page);

  const forge = async (edit) => {
    await cl.page.unroute('**/v1/cases/*/receipt');
    await cl.page.route('**/v1/cases/*/receipt', async (route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, body: edit(await res.text()) });
    });
  };
  await forge((t) => t.replace(/^case .*$/m, 'case someothercase'));
  assert.equal(await receiptAttempt(cl.page), false, 'signed the receipt of another case');
  await forge((t) => t.replace(/^outcome closed$/m, 'outcome settled'));
  assert.equal(await receiptAttempt(cl.page), false, 'signed an outcome the case did not have');
  // the true one still goes through
  await cl.page.unroute('**/v1/cases/*/receipt');
  assert.equal(await receiptAttempt(cl.page), true, 'the true receipt was not offered');
  await cl.ctx.close();
});
