// What someone who sees a party's TLS traffic learns from lengths (doc/security.md,
// "Lengths"): the pages' request bodies (web/assets/js/wire.js, through api.js as the
// pages send them) and the server's answers must be as long whatever the figures. The
// same steps of a case of figures run for figures of every order of magnitude, from one
// minor unit to 10^15; each request's body and each answer's body must have the same
// length in every run. Node alone (the pages' own modules), no browser.
//
//   node --test tests/web/wire_lengths.test.mjs      (NAKODO=path/to/nakodo, default build/)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { Api } = await import(resolve(here, '../../web/assets/js/api.js'));
const { wireJson } = await import(resolve(here, '../../web/assets/js/wire.js'));

// range wide enough for 3 × 10^15; leakage not capped, so that no hint is withheld at
// one magnitude and not another (the steps stay the same)
const RULES = {
  currency: 'USD', rounds: 2, monotone: true, settle: 'midpoint', band_bp: 0, band_amount: 0,
  grid: 1, hints_bp: [1000, 2500], range_low: 0, range_high: 4000000000000000,
  leakage_bits: 64.0, proposals: 1,
};
const MAGNITUDES = Array.from({ length: 16 }, (_, k) => 10 ** k);

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); server?.cleanup(); });

/** An Api whose requests and answers are measured into trace: "METHOD route body answer". */
function measured(token, caseId, trace) {
  const fetchImpl = async (url, init) => {
    const res = await globalThis.fetch(url, init);
    const bytes = Buffer.from(await res.arrayBuffer());
    const route = new URL(url).pathname.replace(caseId, 'ID');
    const sent = init.body === undefined ? 0 : Buffer.byteLength(init.body);
    trace.push(`${init.method} ${route} ${res.status} sent=${sent} answer=${bytes.length}`);
    return new Response(bytes, { status: res.status, headers: res.headers });
  };
  return new Api({ token, caseId, base: server.url, fetchImpl });
}

/** One case through two rounds without a deal, a proposal both accept; m scales every figure. */
async function steps(m) {
  const trace = [];
  const c = await server.openCase({ rules: RULES });
  const claimant = measured(c.tokens.claimant, c.case, trace);
  const payer = measured(c.tokens.payer, c.case, trace);
  const mediator = measured(c.tokens.mediator, c.case, trace);
  for (const round of [1, 2]) {
    await claimant.submit(3 * m, round);
    await payer.extend(m);
    await payer.submit(m, round);
    await claimant.brief();
    await payer.brief();
    await mediator.brief();
  }
  await mediator.propose(2 * m);
  await claimant.answer(true);
  await payer.answer(true);
  for (const who of [claimant, payer, mediator]) {
    const b = await who.brief();
    assert.equal(b.state, 'settled', `figures of ${m}: ${JSON.stringify(b)}`);
  }
  await mediator.call('GET', `/v1/cases/${c.case}/log`);
  return trace;
}

test('request bodies and answers are as long for figures of every magnitude', async () => {
  const first = await steps(MAGNITUDES[0]);
  assert.equal(first.length, 19, first.join('\n'));
  for (const m of MAGNITUDES.slice(1)) {
    const trace = await steps(m);
    assert.deepEqual(trace, first, `figures of ${m} minor units against figures of 1`);
  }
});

test('wireJson pads every value to its width, and reads back as the value', () => {
  const small = wireJson({ amount: 1, round: 1, accept: true, note: 'a' });
  const large = wireJson({ amount: 3000000000000000n, round: 2, accept: false, note: 'b'.repeat(60) });
  assert.equal(small.length, large.length);
  assert.deepEqual(JSON.parse(small), { amount: 1, round: 1, accept: true, note: 'a' });
  assert.equal(JSON.parse(large).amount, 3000000000000000);
  // a string is measured in bytes, as the server counts them
  assert.equal(Buffer.byteLength(wireJson({ s: 'é' })), Buffer.byteLength(wireJson({ s: 'ee' })));
  assert.equal(wireJson([0.5]).length, wireJson([123456.789]).length);
});
