// Bits of leakage on the pages (web/assets/js/bits.js): a tiny leakage is "< 0.1 bits",
// not "0.0 bits", which reads as none to a party; and no page formats bits by itself.
// Plain node: no browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const js = resolve(dirname(fileURLToPath(import.meta.url)), '../../web/assets/js');
const { bitsText } = await import(
  `data:text/javascript,${encodeURIComponent(readFileSync(resolve(js, 'bits.js'), 'utf8'))}`
);

test('bits as the command shows them', () => {
  assert.equal(bitsText(0), '0');
  assert.equal(bitsText(1.4571227124826229e-6), '< 0.1');
  assert.equal(bitsText(0.0499), '< 0.1');
  assert.equal(bitsText(0.05), '0.1');
  assert.equal(bitsText(19.917213290774054), '19.9');
});

test('every page shows bits through bitsText', () => {
  for (const f of readdirSync(js).filter((n) => n.endsWith('.js'))) {
    const src = readFileSync(resolve(js, f), 'utf8');
    assert.doesNotMatch(src, /toFixed\([0-9]\)\}? bits/, `${f} formats bits by itself`);
  }
});
