// A neutral's view of a case (case.js hands over here when the link's token is one of
// the case's neutrals'): the rule it was invited under, nothing of the case before the
// neutrals' turn, then both parties' last figures (shown to the neutrals and nobody
// else) and the form for its one fair figure, and at the end the settlement and the rule
// that decided. Its briefing never holds another neutral's figure, and this page asks
// for nothing else. The go-between shows a neutral anything only once it has joined with
// a key of its own (the opener holds its token too): the page first joins, with a key
// made here or a key file (neutral_key.js), then reads and signs with it.
import { formatAmount, parseAmount, AmountError } from './money.js';
import { el, replace, section, field, form, FormError, announce, newsForm } from './ui.js';
import { titleLine } from './case_facts.js';
import { decidedWords, neutralRuleWords } from './neutral_facts.js';
import { keySection, keysPanel } from './neutral_key.js';

export function mount(root, ctx) {
  const { api, caseId, role } = ctx;
  let brief = ctx.brief;
  let key = null;
  const title = el('h1', { id: 'case-title', text: `Case ${caseId}: you are ${role}` });
  const nameArea = el('div', { id: 'name-area' });
  const status = el('p', { class: 'panel', id: 'case-state', role: 'status' });
  const keyArea = el('div', { id: 'key-area' });
  const actArea = el('div', { id: 'act-area' });
  const rulesArea = el('div', { id: 'rules-area' });
  const refresh = newsForm(() => reload());
  replace(root, title, nameArea, status, refresh.form, keyArea, actArea, rulesArea);
  refresh.form.hidden = true;	// until the key is open: nothing can be read without it

  function fairForm(n) {
    const amount = field({ name: 'amount', label: `Your fair figure (${brief.currency})`,
      hint: 'Between the two last figures above, both included. It is sealed: no party, '
        + 'no other neutral and not the mediator will see it.', inputmode: 'decimal',
      autocomplete: 'off' });
    const f = form({
      label: 'Your fair figure',
      fields: [amount],
      submit: 'Give my fair figure',
      onSubmit: async () => {
        let minor;
        try {
          minor = parseAmount(amount.input.value, brief.currency,
            { low: n.last_figures.offer, high: n.last_figures.demand });
        } catch (e) {
          if (e instanceof AmountError) throw new FormError('amount', e.message);
          throw e;
        }
        brief = await api.fair(minor);
        amount.input.value = '';
        render();
        announce('Your fair figure was given.');
        return 'Given.';
      },
    });
    return f.form;
  }

  function askKey() {
    status.textContent = api.joined
      ? 'You joined this case with a key: open it to see the case and act.'
      : 'Join the case with a key of your own to see the case and act.';
    replace(keyArea, keySection({ api, caseId, role, onOpen: (b, k) => {
      brief = b;
      key = k;
      refresh.form.hidden = false;
      render();
      announce(`Your key is open. Your safety number is ${k.safetyNumber}.`);
    } }, api.joined));
  }

  function render() {
    const n = brief.neutral ?? {};
    if (key) replace(keyArea, keysPanel(caseId, role, key));
    else replace(keyArea);
    replace(nameArea, titleLine(brief));
    const words = {
      open: 'The case is open: the parties are still negotiating. You are shown nothing of it '
        + 'until an impasse, and may do nothing until then.',
      impasse: n.evaluating ? 'The neutrals\' turn has begun.' : 'The case is at an impasse; '
        + 'the mediator\'s proposals come before the neutrals.',
      settled: 'The case has settled.',
      closed: 'The case has closed without a settlement.',
    };
    status.textContent = words[brief.state] || `The case is ${brief.state}.`;
    const parts = [];
    // both parties endorse this key (safety numbers compared) before it is shown anything
    const by = ['claimant', 'payer'].filter((p) => (brief.endorsements?.[p] ?? []).includes(role));
    if (by.length < 2 && (brief.state === 'open' || brief.state === 'impasse')) {
      const other = by[0] === 'claimant' ? 'payer' : 'claimant';
      const which = by.length ? `the ${by[0]} has, the ${other} has not yet` : 'neither has yet';
      parts.push(el('p', { id: 'endorse-waiting', text: 'Waiting for both parties to endorse '
        + `your key (${which}): you are shown their last figures, and give your fair figure, `
        + 'only once both have. Read each your safety number'
        + `${key ? ` (${key.safetyNumber})` : ''}, as shown above.` }));
    }
    if (n.last_figures && Number.isSafeInteger(n.last_figures.demand)) {
      parts.push(el('p', { id: 'last-figures', text: 'The parties\' last figures: the '
        + `claimant's demand ${formatAmount(n.last_figures.demand, brief.currency)}, the `
        + `payer's offer ${formatAmount(n.last_figures.offer, brief.currency)}.` }));
      if (n.own_fair_given && Number.isSafeInteger(n.own_fair)) {
        parts.push(el('p', { id: 'own-fair', text: 'Your fair figure: '
          + `${formatAmount(n.own_fair, brief.currency)} (sealed; no other role sees it).` }));
      } else {
        parts.push(fairForm(n));
      }
    } else if (n.own_fair_given) {
      parts.push(el('p', { id: 'own-fair', text: 'You gave your fair figure.' }));
    }
    if (brief.settlement && Number.isSafeInteger(brief.settlement.figure)) {
      parts.push(el('p', { id: 'settlement', text: 'Settled at '
        + `${formatAmount(brief.settlement.figure, brief.currency)}.` }));
    }
    const decided = decidedWords(brief);
    if (decided) parts.push(el('p', { id: 'neutral-decided', text: decided }));
    if (brief.state === 'settled' || brief.state === 'closed') {
      parts.push(el('p', { text: 'The case has ended; its confidential figures are deleted: '
        + 'the parties\' last figures you were shown and your fair figure with them.' }));
    }
    replace(actArea, section('Your part', { level: 2, id: 'neutral-part' }, ...parts));
    replace(rulesArea, section('The rules of this case', { level: 2, id: 'rules' },
      el('p', { id: 'neutral-rule', text: neutralRuleWords(brief) || '' })));
  }

  async function reload() {
    brief = await api.brief();
    render();
  }

  // a neutral's every read needs its key: the go-between refuses its token alone (409,
  // field role) until it has joined, and a joined role's unsigned reads (401)
  askKey();
}
