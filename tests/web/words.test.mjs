// The party's briefing in words (web/assets/js/party_brief.js), in node without a browser:
// the rules read as English (one proposal or several, one round or several, no range), and
// the rounds table says a figure was deleted when the case ended rather than show a dash;
// and the console's analysis lists an outcome's issues in the agenda's order.
//
//   node --test tests/web/words.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Just enough of a DOM for ui.js's el(): elements that keep attributes and children.
class Node {
  constructor(text = '') { this.children = []; this.attrs = {}; this.own = text; }
  set textContent(t) { this.own = t; this.children = []; }
  get textContent() { return this.own + this.children.map((c) => c.textContent).join(''); }
  setAttribute(k, v) { this.attrs[k] = v; }
  addEventListener() {}
  append(...c) { this.children.push(...c); }
}
globalThis.Node = Node;
globalThis.document = {
  createElement: (tag) => Object.assign(new Node(), { tag, dataset: {} }),
  createTextNode: (t) => new Node(t),
};
const cells = (node, tag) => (node.tag === tag ? [node] : [])
  .concat(node.children.flatMap((c) => cells(c, tag)));

const here = dirname(fileURLToPath(import.meta.url));
const { rulesInWords, historyTable } =
  await import(resolve(here, '../../web/assets/js/party_brief.js'));
const { outcomeText } = await import(resolve(here, '../../web/assets/js/analysis.js'));

const rules = (proposals) => ({
  rounds: 3, settle: 'midpoint', grid: 100, hints_bp: [], range_low: 0, range_high: 100000,
  leakage_bits: 8, monotone: true, proposals, band_bp: 0, band_amount: 0,
});
const brief = (state, proposals = 1) => ({
  role: 'claimant', currency: 'EUR', state, round: 2, rules: rules(proposals),
  rounds: [
    { round: 1, submitted: true, evaluated: true, outcome: 'no-deal' },
    { round: 2, submitted: false, evaluated: false },
  ],
});

test('the proposals rule reads as English', () => {
  const one = rulesInWords(brief('open', 1)).join(' ');
  assert.match(one, /may propose a figure \(once\)\./);
  const three = rulesInWords(brief('open', 3)).join(' ');
  assert.match(three, /may propose a figure \(up to 3 times\)\./);
  assert.doesNotMatch(one + three, /time\(s\)/);
});

test('a case with principals says so, and what authority means', () => {
  const b = brief('open');
  assert.doesNotMatch(rulesInWords(b).join(' '), /principal/);
  b.rules.principals = true;
  assert.match(rulesInWords(b).join(' '), /may have a principal, who reads .* may not act\./);
  b.rules.authority = true;
  assert.match(rulesInWords(b).join(' '), /takes effect only when the principal approves it\./);
});

test('one round is not "at most 1 round"', () => {
  const b = brief('open');
  b.rules.rounds = 1;
  assert.match(rulesInWords(b)[0], /^There is one round\. In it, you and the other side each /);
  assert.match(rulesInWords(brief('open'))[0], /^There are at most 3 rounds\. In each, you /);
});

test('a case without a range says there is no upper limit', () => {
  const b = brief('open');
  b.rules.range_high = 4611686018427387903; // as JSON.parse reads NK_AMOUNT_MAX
  const words = rulesInWords(b).join(' ');
  assert.match(words, /Every figure is at least €0\.00; there is no upper limit\./);
  assert.doesNotMatch(words, /46,116,860/);
  assert.match(rulesInWords(brief('open')).join(' '), /lies between €0\.00 and €1,000\.00\./);
});

test('a figure deleted at the end says so', () => {
  const own = (b) => cells(historyTable(b), 'td').filter((_, i) => i % 6 === 0)
    .map((td) => td.textContent);
  assert.deepEqual(own(brief('settled')), ['deleted at the end', 'not yet']);
  assert.deepEqual(own(brief('closed')), ['deleted at the end', 'not yet']);
  const open = brief('open');
  open.rounds[0].own_figure = 1500000;
  assert.deepEqual(own(open), ['€15,000.00', 'not yet']);
});

test("an outcome's issues come in the agenda's order, as the command prints them", () => {
  const issues = [{ name: 'claims' }, { name: 'fisheries' }, { name: 'basic relations' }];
  // as the server sends it: keys sorted
  const outcome = { 'basic relations': 'silent', claims: 475, fisheries: '12-mile zone' };
  assert.equal(outcomeText(outcome, issues),
    'claims = 475; fisheries = 12-mile zone; basic relations = silent');
  assert.equal(outcomeText({ b: 1, a: 2 }, []), 'b = 1; a = 2');
});
