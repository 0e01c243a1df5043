// The party's page (claimant or payer), opened from its invitation link: the rules in
// plain words, joining with a key made here or a key file from `nakodo keygen`, both
// sides' safety numbers, the figure for the open round, the deal-closer, the answer to
// a proposal, the briefing with its history and the negotiation dance, sealed messages,
// the disclosure, a package case's valuation, and the receipt.
//
// What it keeps: the token (case.js) and, once a key exists, the key *file* — the secret
// keys under the passphrase, as `nakodo keygen` writes them — in this tab's
// sessionStorage, so a reload asks only the passphrase. The open key, figures and
// opened messages live in memory; the figure field is emptied once sent.
import { ApiError } from './api.js';
import { safetyNumberOf, signReceipt, toBase64 } from './crypto.js';
import { drawDance } from './dance.js';
import { commitmentWords, drawCheckForm } from './draw_check.js';
import {
  deadlinesPanel, endedNote, proposalHistory, proposalTimingWords, titleLine,
} from './case_facts.js';
import { NEUTRAL_ROLE, neutralPanel } from './neutral_facts.js';
import { openKeyFile, PartyKey, writeKeyFile } from './keys.js';
import { messagesSection } from './messages.js';
import { announceForm, openProposalsPanel, openRuleInWords } from './party_open.js';
import { endorseCell } from './party_endorse.js';
import { FIGURE_WORD, historyTable, rulesInWords, stateWords } from './party_brief.js';
import { formatAmount, parseAmount } from './money.js';
import * as pkg from './package.js';
import {
  announce,
  append,
  dl,
  download,
  el,
  field,
  form,
  FormError,
  newsForm,
  readFileBytes,
  replace,
  section,
  setText,
} from './ui.js';
import { joinedKey, keyFileKey } from './session.js';
import { keyFileFields, newKeyFields, storedKeyFile } from './key_fields.js';

const OTHER = { claimant: 'payer', payer: 'claimant' };

export function mount(root, ctx) {
  const { api, caseId, role } = ctx;
  let brief = ctx.brief;
  let key = null;
  // the sealed file of a key made here whose join got no answer: that join may have
  // landed, making it the role's key for good, so a retry joins with it, not a new one
  let pendingJoin = null;
  const forms = new Map();
  const isPackage = () => brief && brief.kind === 'package';

  const title = el('h1', { id: 'case-title', text: `Case ${caseId}: you are the ${role}` });
  const nameArea = el('div', { id: 'name-area' });
  const status = el('p', { class: 'panel', id: 'case-state', role: 'status' });
  const keyArea = el('div', { id: 'key-area' });
  const actArea = el('div', { id: 'act-area' });
  const briefArea = el('div', { id: 'brief-area' });
  const msgArea = el('div', { id: 'msg-area' });
  const rulesArea = el('div', { id: 'rules-area' });
  const refresh = newsForm(() => reload());
  replace(root, title, nameArea, status, refresh.form, keyArea, actArea, briefArea, msgArea,
    rulesArea);

  const storedFile = () => storedKeyFile(caseId, role);

  async function reload() {
    brief = await api.brief();
    render();
  }

  function joinedWithKey() {
    return !!(brief && brief.keys && brief.keys[role]);
  }

  function once(id, make) {
    if (!forms.has(id)) forms.set(id, make());
    return forms.get(id);
  }

  // ---- keys ----

  async function useKey(k, file) {
    if (joinedWithKey() || api.joined) {
      const registered = brief && brief.keys ? brief.keys[role] : null;
      api.setKey(k);
      if (!brief) {
        try {
          brief = await api.brief();
        } catch (e) {
          api.setKey(null);
          k.wipe();
          if (e instanceof ApiError && e.status === 403 && e.field === 'signature') {
            throw new FormError('key', `this is not the key the ${role} registered on this case`);
          }
          throw e;
        }
      }
      const reg = registered || (brief.keys && brief.keys[role]);
      if (reg && reg.sign !== k.identity().sign) {
        api.setKey(null);
        k.wipe();
        throw new FormError('key', `this is not the key the ${role} registered on this case`);
      }
    } else {
      // kept before the join, so that a lost answer does not lose a registered key
      sessionStorage.setItem(keyFileKey(caseId, role), toBase64(file));
      try {
        brief = await api.join(k, role);
      } catch (e) {
        if (!(e instanceof ApiError && e.needsKey)) {
          if (e instanceof ApiError && e.offline) pendingJoin = file;
          else sessionStorage.removeItem(keyFileKey(caseId, role));
          throw e;
        }
        // an earlier join landed: read the briefing signed with this key (403 if not it)
        api.joined = true;
        api.setKey(k);
        try {
          brief = await api.brief();
        } catch (e2) {
          api.setKey(null);
          if (e2.status === 403) sessionStorage.removeItem(keyFileKey(caseId, role));
          throw e2.status === 403 && e2.field === 'signature'
            ? new FormError('key', `the ${role} has joined this case with another key`)
            : e2;
        }
      }
      pendingJoin = null;
    }
    key = k;
    sessionStorage.setItem(keyFileKey(caseId, role), toBase64(file));
    sessionStorage.setItem(joinedKey(caseId, role), role);
    forms.delete('key');
    render();
    announce(`Your key is open. Your safety number is ${k.safetyNumber}.`);
  }

  function keyForms() {
    return once('key', () => {
      const wrap = el('div');
      const joined = api.joined || joinedWithKey();
      const stored = storedFile();
      if (joined && stored) {
        const pass = field({
          name: 'passphrase',
          label: 'Passphrase of your key',
          type: 'password',
          autocomplete: 'current-password',
        });
        const f = form({
          label: 'Open your key',
          fields: [pass],
          submit: 'Open my key',
          onSubmit: async () => {
            const k = await openKeyFile(stored, pass.input.value);
            pass.input.value = '';
            await useKey(k, stored);
          },
        });
        append(
          wrap,
          section(
            'Open your key',
            { level: 2, id: 'key' },
            el('p', {
              text:
                `You joined this case with a key. Its file is kept in this tab, sealed under ` +
                `your passphrase: type it to open the key.`,
            }),
            f.form,
          ),
        );
      }
      // a key file from nakodo keygen, or the file this page offered for download
      const { file, fpass } = keyFileFields();
      const openForm = form({
        label: 'Use a key file',
        fields: [file, fpass],
        submit: joined ? 'Open my key' : 'Open and join',
        onSubmit: async () => {
          const bytes = await readFileBytes(file.input.files[0], 4096).catch((e) => {
            throw new FormError('key', e.reason);
          });
          const k = await openKeyFile(bytes, fpass.input.value);
          fpass.input.value = '';
          await useKey(k, bytes);
        },
      });
      if (joined) {
        append(
          wrap,
          section(
            stored ? 'Or use your key file' : 'Open your key',
            { level: 2, id: 'key-file' },
            el('p', { text: `You joined this case with a key: open its file to act and read.` }),
            openForm.form,
          ),
        );
        return wrap;
      }
      const { pass1, pass2, cost } = newKeyFields();
      const makeForm = form({
        label: 'Make a key in this browser',
        fields: [pass1, pass2, cost],
        submit: 'Make my key and join',
        onSubmit: async () => {
          if (!pass1.input.value) throw new FormError('passphrase', 'choose a passphrase');
          if (pass1.input.value !== pass2.input.value)
            throw new FormError('passphrase2', 'the two passphrases differ');
          let k;
          let bytes = pendingJoin;
          if (bytes) {
            k = await openKeyFile(bytes, pass1.input.value).catch(() => {
              throw new FormError('passphrase', 'the key made a moment ago (whose joining got ' +
                'no answer) is sealed under the passphrase typed then: type that one');
            });
          } else {
            k = PartyKey.generate();
            bytes = await writeKeyFile(k, pass1.input.value, cost.input.value);
          }
          pass1.input.value = '';
          pass2.input.value = '';
          await useKey(k, bytes);
        },
      });
      append(
        wrap,
        section(
          'Join the case with your key',
          { level: 2, id: 'key' },
          el('p', {
            text:
              'Before your first figure, join with a key of your own: from then on ' +
              'nothing is done in your name without its signature, not even by someone who ' +
              'got hold of your link.',
          }),
          el('h3', { text: 'Make a key here' }),
          makeForm.form,
          el('h3', { text: 'Or use a key file made by nakodo keygen' }),
          openForm.form,
        ),
      );
      return wrap;
    });
  }

  function keysPanel() {
    const rows = [];
    for (const r of [role, OTHER[role], 'mediator']) {
      const k = brief.keys && brief.keys[r];
      // the own number from the key open in this page, the others' from the keys the
      // page uses for them; never the server's `safety_number` (see safetyNumberOf)
      const own = r === role && key ? key.safetyNumber : null;
      rows.push([
        r === role ? `Your safety number (${r})` : `The ${r}'s safety number`,
        k ? el('span', { class: 'safety', text: own || safetyNumberOf(k) }) : 'has not joined yet',
      ]);
    }
    // the party's principal reads its briefing, and a neutral is shown both last figures,
    // only once the party has endorsed the key it joined with (party_endorse.js)
    const endorsable = Object.keys(brief.keys || {})
      .filter((n) => n === `${role}-principal` || NEUTRAL_ROLE.test(n)).sort();
    for (const r of endorsable) {
      rows.push([`The ${r}'s safety number`, endorseCell(api, brief, role, r, once, (b) => {
        brief = b;
        render();
        announce(`You endorsed the ${r}'s key.`);
      })]);
    }
    const dlButton = el('button', {
      type: 'button',
      class: 'secondary',
      text: 'Download my key file',
    });
    dlButton.addEventListener('click', () => {
      const f = storedFile();
      if (f) download(`nakodo-${caseId}-${role}.key`, f);
    });
    return section(
      'Keys and safety numbers',
      { level: 2, id: 'keys' },
      el('p', {
        text:
          'Read your safety number to the other side over a channel you trust ' +
          '(in person, by telephone) and compare theirs: when both match what you see here, ' +
          'nobody sits between you.',
      }),
      dl(rows),
      el('div', { class: 'actions' }, dlButton),
    );
  }

  // ---- acting ----

  function figureForm(round) {
    return once(`figure-${round}`, () => {
      const word = FIGURE_WORD[role];
      const amount = field({
        name: 'amount',
        label: `Your ${word} for round ${round} (${brief.currency})`,
        inputmode: 'decimal',
        autocomplete: 'off',
        hint:
          role === 'claimant'
            ? 'The least you will accept. Only the go-between sees it.'
            : 'The most you will pay. Only the go-between sees it.',
      });
      amount.aliases = ['round'];
      return form({
        label: `Your ${word} for round ${round}`,
        fields: [amount],
        submit: `Send my ${word}`,
        onSubmit: async () => {
          const minor = parseValue(amount);
          brief = await api.submit(minor, round);
          amount.input.value = '';
          render();
          // under authority it is a draft until the party's principal approves it
          const said = brief.draft?.action === 'figure' && brief.draft.round === round
            ? `Your ${word} for round ${round} is drafted: it takes effect once your `
              + 'principal approves it.'
            : `Your ${word} for round ${round} is in.`;
          announce(said);
          return said;
        },
      });
    });
  }

  function parseValue(f) {
    try {
      return parseAmount(f.input.value, brief.currency, {
        low: brief.rules.range_low,
        high: brief.rules.range_high,
      });
    } catch (e) {
      throw new FormError(f.input.name, e.reason || e.message);
    }
  }

  function extensionForm(round) {
    return once(`extend-${round}`, () => {
      const amount = field({
        name: 'amount',
        label: `Deal-closer for round ${round} (${brief.currency})`,
        inputmode: 'decimal',
        autocomplete: 'off',
        hint:
          'How much further you would go, only if it closes the gap. The other side never ' +
          'learns it otherwise.',
      });
      return form({
        label: `Deal-closer for round ${round}`,
        fields: [amount],
        submit: 'Authorise the deal-closer',
        onSubmit: async () => {
          let minor;
          try {
            minor = parseAmount(amount.input.value, brief.currency, {
              low: 1,
              high: brief.rules.range_high,
            });
          } catch (e) {
            throw new FormError('amount', e.reason || e.message);
          }
          brief = await api.extend(minor);
          amount.input.value = '';
          render();
          return 'Your deal-closer is authorised for this round.';
        },
      });
    });
  }

  function proposalForms(p) {
    return once(`proposal-${p.count}`, () => {
      const mk = (accept) =>
        form({
          label: accept ? 'Accept the proposal' : 'Decline the proposal',
          submit: accept ? 'Accept' : 'Decline',
          onSubmit: async () => {
            brief = await api.answer(accept);
            render();
            return accept ? 'You accepted, in confidence.' : 'You declined, in confidence.';
          },
        });
      const yes = mk(true);
      const no = mk(false);
      no.button.classList.add('secondary');
      return el(
        'div',
        { class: 'panel' },
        el(
          'p',
          {},
          'The mediator proposes ',
          el('strong', { text: formatAmount(p.figure, brief.currency) }),
          '. It settles only if both sides accept; the other side learns your answer only if ' +
            `both accepted. ${proposalTimingWords(brief)}`,
        ),
        el('div', { class: 'actions' }, yes.form, no.form),
      );
    });
  }

  function receiptForm() {
    return once('receipt', () =>
      form({
        label: 'The receipt',
        submit: 'Download the receipt',
        onSubmit: async () => {
          // signed here by the party, as `nakodo receipt --key` signs it
          const text = signReceipt(await api.receipt(), key, role, {
            caseId,
            outcome: brief.state,
          });
          download(`nakodo-receipt-${caseId}.txt`, text, 'text/plain');
          return (
            `Receipt downloaded as nakodo-receipt-${caseId}.txt, signed with your key. ` +
            `Anyone checks it offline with nakodo verify nakodo-receipt-${caseId}.txt ` +
            "--server-key KEY, where KEY is the server's public key: ask the operator for it " +
            'over a channel you trust, never take it from the receipt.'
          );
        },
      }),
    );
  }

  // ---- the whole page ----

  let msgs = null;

  function render() {
    let words = brief ? stateWords(brief) : 'Your key is needed to read this case.';
    if (brief && brief.token) {
      // the mediator's reissues and revocations of this role's link are told to it
      const n = (brief.token.reissued || 0) + (brief.token.revoked || 0);
      const times = `${n} time${n === 1 ? '' : 's'}`;
      words +=
        ` The mediator changed your invitation link ${times}; ` +
        'if you did not ask for it, tell the mediator.';
    }
    setText(status, words);
    replace(nameArea, titleLine(brief));
    const haveKey = !!key;
    if (!brief || !haveKey) {
      replace(keyArea, keyForms());
    } else {
      replace(keyArea, keysPanel());
    }
    if (!brief || !haveKey) {
      replace(actArea);
      replace(briefArea);
      replace(msgArea);
      if (brief) replace(rulesArea, rulesSection());
      return;
    }
    if (isPackage()) {
      replace(
        actArea,
        pkg.actSection(api, brief, {
          once,
          receipt: () => receiptForm().form,
          refresh: reload,
          set: (b) => {
            brief = b;
            render();
          },
        }),
      );
      replace(briefArea, pkg.briefSection(brief));
    } else {
      replace(actArea, actSection());
      replace(
        briefArea,
        section(
          'Your briefing',
          { level: 2, id: 'briefing' },
          el('p', {
            text:
              `Round ${brief.round} of ${brief.rules.rounds}. Everything below is what the ` +
              `go-between may tell you.`,
          }),
          deadlinesPanel(brief),
          openProposalsPanel(brief),
          neutralPanel(brief),
          endedNote(brief),
          drawDance(brief) || el('p', { text: 'The picture appears once you have sent a figure.' }),
          historyTable(brief),
          proposalHistory(brief),
        ),
      );
    }
    if (!msgs) msgs = messagesSection({ api, key: () => key, brief: () => brief, refresh: reload });
    msgs.update(brief);
    replace(msgArea, msgs.node);
    replace(rulesArea, rulesSection());
  }

  function rulesSection() {
    if (isPackage()) return pkg.rulesSection(brief);
    return section(
      'The rules of this case',
      { level: 2, id: 'rules' },
      el('ul', {}, ...[...rulesInWords(brief), openRuleInWords(brief), commitmentWords(brief)]
        .filter(Boolean)
        .map((t) => el('li', { text: t }))),
    );
  }

  // A blind case takes no figure from a page: the go-between must never receive one
  // (doc/blind.md), and the round is computed by the command on the party's machine.
  // The command needs a token of the party's own, which this tab does not show: the
  // mediator reissues one, and the note gives the exact commands on both sides.
  function blindNote() {
    const word = FIGURE_WORD[role];
    return el('div', { id: 'blind-round' },
      el('p', { text: `This case is blind: your ${word} for round ${brief.round} never goes `
        + 'to the go-between, so this page takes none. The round is computed between your '
        + 'machine and the other side\'s by the nakodo command, which each side runs at the '
        + 'same time, with the key it joined with (Download my key file, above).' }),
      el('p', { text: '1. Ask the mediator for a token for the command. The mediator runs '
        + `(or uses "Reissue the ${role}'s link" on its page, and sends you the part after `
        + '#token=):' }),
      el('pre', { class: 'command', text: `nakodo token reissue ${caseId} ${role}` }),
      el('p', { text: 'Use that token only with the command: opened as a link in a browser it '
        + 'would be traded for another, and the command\'s would stop working. This tab stops '
        + 'working once it is reissued.' }),
      el('p', { text: `2. Run, on your machine, with the key file and your ${word} on standard `
        + 'input:' }),
      el('pre', { class: 'command', text: `NAKODO_SERVER=${location.origin} NAKODO_TOKEN=TOKEN \\\n`
        + `  nakodo submit ${caseId} --key FILE -` }),
      el('p', { text: '3. After the rounds, answer a mediator\'s proposal, read messages and '
        + `fetch the receipt with the same token (nakodo answer ${caseId} accept|decline --key `
        + `FILE, nakodo inbox ${caseId} --key FILE, nakodo receipt ${caseId} --out FILE --key `
        + 'FILE), or, while the case is open, ask the mediator for a new link to come back to '
        + 'this page.' }));
  }

  function actSection() {
    const s = section('What you can do now', { level: 2, id: 'act' });
    const cur = (brief.rounds || []).find((r) => r.round === brief.round);
    if (brief.state === 'open' && cur && !cur.evaluated) {
      const drafted = brief.draft?.action === 'figure' && brief.draft.round === brief.round;
      if (brief.rules?.blind === true) append(s, blindNote());
      else if (drafted && !cur.submitted)
        append(s, el('p', { id: 'draft-waiting', text: `Your ${FIGURE_WORD[role]} for round `
          + `${brief.round}, ${formatAmount(brief.draft.amount, brief.currency)}, awaits your `
          + 'principal\'s approval: it takes effect, and the round goes on, once approved.' }));
      else if (!cur.submitted) append(s, figureForm(brief.round).form);
      else
        append(
          s,
          el('p', {
            text:
              `Your ${FIGURE_WORD[role]} for round ${brief.round} is in; the round is ` +
              `evaluated once the other side's is.`,
          }),
        );
      if (brief.rules?.blind !== true && !Number.isSafeInteger(cur.own_extension))
        append(s, extensionForm(brief.round).form);
      const open = once(`announce-${brief.round}-${brief.open_proposals?.[role]?.amount}`, () =>
        announceForm(api, brief, brief.round, (b, said) => {
          brief = b;
          render();
          announce(said);
        }) ?? { form: null });
      if (open.form) append(s, open.form);
    }
    const p = brief.proposal;
    if (p && p.pending && !p.own_answer) append(s, proposalForms(p));
    else if (p && p.own_answer)
      append(s, el('p', { text: `You answered the mediator's proposal: ${p.own_answer}.` }));
    if (brief.state === 'settled' || brief.state === 'closed') append(s, receiptForm().form);
    const check = brief.state === 'settled' ? once('draw-check', () => drawCheckForm(() => brief))
      : null;
    if (check) append(s, check);
    if (s.children.length === 1)
      append(s, el('p', { text: 'Nothing to do now: check for news later.' }));
    return s;
  }

  if (ctx.brief && ctx.brief.kind === 'package') brief = ctx.brief;
  render();
}

export { ApiError };
