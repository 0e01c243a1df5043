// The mediator's view of a case (case.js hands over here when the link's token is the
// case's mediator token): the state and rules, the rounds' outcomes drawn, the event
// log as the mediator may read it, the invitations to reissue or revoke, the keys and
// safety numbers the parties registered, a proposal after an impasse, closing, and the
// receipt of an ended case. The mediator's briefing and log never hold a party's figure
// (doc/api.md), and this page asks for nothing else. Every text from the server goes in
// as text (ui.js).
import { casePath, ApiError } from './api.js';
import { ready, safetyNumberOf } from './crypto.js';
import { PartyKey, openKeyFile, writeKeyFile, KEYFILE_BYTES } from './keys.js';
import { parseAmount, formatAmount, AmountError } from './money.js';
import {
  el, replace, section, dl, field, form, FormError, announce, download, readFileBytes,
} from './ui.js';
import { describeRules, invitationLink } from './opencase.js';
import { outcomesFigure } from './outcomes.js';
import { deadlinesPanel, proposalHistory, proposalTimingWords, titleLine } from './case_facts.js';
import { deadlinePanel } from './package.js';
import { openProposalsPanel } from './party_open.js';
import { neutralPanel } from './neutral_facts.js';
import { mediatorMessages } from './mediator_messages.js';
import { joinedKey, tokenKey } from './session.js';

const ROLES = ['claimant', 'payer', 'mediator'];
const ENDED = ['settled', 'closed'];
const REFRESH_MS = 5000;
const times = (n) => (n === 1 ? 'once' : `${n} times`);

function addStylesheet() {
  if (document.querySelector('link[data-mediator]')) return;
  document.head.append(el('link', { rel: 'stylesheet', href: '/assets/css/mediator.css',
    'data-mediator': true }));
}

function reasonOf(e) {
  if (e instanceof ApiError) return e.field && !e.offline ? `${e.field}: ${e.reason}` : e.reason;
  return e && e.message ? e.message : String(e);
}

export function mount(root, ctx) {
  addStylesheet();
  const { api, caseId } = ctx;
  // One request at a time: the server takes a role's signed reads only at rising times,
  // so a refresh and an action must not overtake each other on the wire.
  let queue = Promise.resolve();
  const rawCall = api.call.bind(api);
  api.call = (...args) => {
    const p = queue.then(() => rawCall(...args));
    queue = p.catch(() => {});
    return p;
  };
  const view = {
    brief: ctx.brief, events: [], links: {}, busy: false, timer: null, key: null, messages: null,
  };
  const parts = {};

  // --- the parts of the page, each rebuilt from view ---------------------------------

  function summary() {
    const b = view.brief;
    const rules = b.rules ?? b.frame;
    const pairs = [['Case', el('code', { text: caseId })],
      ['Kind', b.kind === 'package' ? 'package' : 'figures'],
      ['State', String(b.state)], ['Round', String(b.round ?? '—')],
      ['Events in the log', String(b.events ?? view.events.length)]];
    if (b.proposal) {
      const p = b.proposal;
      pairs.push(['Proposal', `${p.count} made, the last ${formatAmount(p.figure, b.currency)}${
        p.pending ? ', answers pending' : p.accepted ? ', accepted' : ', declined'}`]);
    }
    if (b.settlement && b.settlement.figure !== undefined) {
      const s = b.settlement;
      pairs.push(['Settlement', s.by === 'bridge'
        ? `by the bridge, which pays the gap: ${formatAmount(s.figure, s.currency || b.currency)}`
        : `${formatAmount(s.figure, s.currency || b.currency)} (${s.by})`]);
    }
    if (b.package?.package) {
      pairs.push([`Package proposed in round ${b.package.round}`, packageText(b.package.package)]);
    }
    if (b.improvement) {
      const im = b.improvement;
      const who = ['claimant', 'payer'].filter((r) => im.submitted?.[r]).join(' and ') || 'nobody';
      pairs.push(['Improvement phase', `${im.phase}; valuations from ${who}; ${
        im.outcome === 'package' ? 'an improvement proposed'
          : im.outcome === 'none' ? 'none improves on the package' : 'not yet searched'}${
        im.accepted === undefined ? '' : im.accepted ? ', accepted by both' : ', not accepted'}`]);
      if (im.package) pairs.push(['Proposed improvement', packageText(im.package)]);
    }
    if (rules) for (const [k, v] of describeRules(rules)) pairs.push([k, v]);
    return dl(pairs);
  }

  // A proposed package (doc/formats.md, "Package") in words: each part and its terms.
  function packageText(pkg) {
    const skip = ['currency', 'label', 'nakodo'];
    const num = (v) => (typeof v === 'number' ? String(Number(v.toPrecision(12))) : String(v));
    return Object.entries(pkg).filter(([k]) => !skip.includes(k)).map(([name, part]) => {
      if (typeof part !== 'object' || part === null) return `${name} ${num(part)}`;
      const { amount, ...terms } = part;
      const rest = Object.entries(terms).map(([k, v]) => `${k.replace(/_/g, ' ')} ${num(v)}`);
      const how = rest.length ? ` (${rest.join(', ')})` : '';
      return `${name}: ${amount ?? ''} ${pkg.currency || ''}${how}`;
    }).join('; ') + (pkg.label ? ` — ${pkg.label}` : '');
  }

  function proposeForm() {
    const b = view.brief;
    const rules = b.rules;
    const made = b.proposal?.count ?? 0;
    if (b.kind === 'package' || !rules) return null;
    if (b.state !== 'impasse') {
      return el('p', { class: 'hint', text: b.state === 'open'
        ? 'A proposal is possible once the rounds end in an impasse.'
        : 'The case has ended: no more proposals.' });
    }
    if (b.proposal?.pending) {
      return el('p', { id: 'proposal-waits',
        text: `Your proposal waits for both answers. ${proposalTimingWords(b)}` });
    }
    if (made >= rules.proposals) {
      return el('p', { text: rules.proposals === 1 ? 'The one proposal the rules allow was made.'
        : `All ${rules.proposals} proposals the rules allow were made.` });
    }
    const amount = field({ name: 'amount', label: `Your proposal (${b.currency})`,
      inputmode: 'decimal', autocomplete: 'off',
      hint: 'An amount as the parties write theirs (e.g. 1,250,000.50), within the case\'s '
        + `range shown above; ${rules.proposals - made} of ${rules.proposals} proposals left.` });
    return form({ label: 'Propose a figure', fields: [amount], submit: 'Propose this figure',
      onSubmit: async () => {
        let minor;
        try {
          minor = parseAmount(amount.input.value, b.currency,
            { low: rules.range_low, high: Math.min(rules.range_high, Number.MAX_SAFE_INTEGER) });
        } catch (e) {
          if (e instanceof AmountError) throw new FormError('amount', e.reason);
          throw e;
        }
        view.brief = await api.propose(minor);
        amount.input.value = '';
        await refresh('Your proposal is sent to both parties.');
        return '';
      } }).form;
  }

  function closeControl() {
    const b = view.brief;
    if (ENDED.includes(b.state)) return el('p', { text: `The case has ended (${b.state}).` });
    const confirm = el('button', { type: 'button', class: 'danger', hidden: true,
      text: 'Yes, close it: this cannot be undone' });
    const ask = el('button', { type: 'button', class: 'danger', text: 'Close the case…' });
    const note = el('p', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
    ask.addEventListener('click', () => { confirm.hidden = false; confirm.focus(); });
    confirm.addEventListener('click', () => act(note, async () => {
      view.brief = await api.close();
      await refresh('The case is closed; its figures are deleted.');
    }));
    return el('div', {}, el('p', { class: 'hint', text: 'Closing ends an unsettled case: every '
      + 'sealed figure is deleted and both parties are told.' }),
    el('div', { class: 'actions' }, ask, confirm), note);
  }

  function invitations() {
    const b = view.brief;
    const counts = {};
    for (const e of view.events.filter((x) => x.type === 'token')) {
      const c = (counts[e.body?.role] ??= { reissued: 0, revoked: 0 });
      if (e.body?.change === 'reissued') c.reissued += 1; else c.revoked += 1;
    }
    const rows = ROLES.map((role) => {
      const joined = !!b.keys?.[role];
      const c = counts[role] || { reissued: 0, revoked: 0 };
      const note = el('p', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
      const linkBox = el('div', { class: 'new-link' });
      if (view.links[role]) linkBox.append(linkField(role, view.links[role]));
      const reissue = el('button', { type: 'button', 'data-action': `reissue-${role}`,
        text: `Reissue the ${role}'s link`, disabled: ENDED.includes(b.state) });
      reissue.addEventListener('click', () => act(note, async () => {
        const r = await api.call('POST', casePath(caseId, `tokens/${role}`));
        view.links[role] = invitationLink(location.origin, caseId, r.token);
        if (role === 'mediator') {
          api.token = r.token;
          // case.js keeps the role's token here: a reload still opens the case
          sessionStorage.setItem(tokenKey(caseId, 'mediator'), r.token);
        }
        await refresh(`A new ${role}'s link is made; the old one no longer works.`);
      }));
      const revoke = el('button', { type: 'button', class: 'danger',
        'data-action': `revoke-${role}`,
        text: `Revoke the ${role}'s link` });
      revoke.addEventListener('click', () => act(note, async () => {
        if (role === 'mediator'
          && !window.confirm('Revoke your own link? This page then loses the case.')) return;
        await api.call('DELETE', casePath(caseId, `tokens/${role}`));
        delete view.links[role];
        await refresh(`The ${role}'s link is revoked.`);
      }));
      return el('li', { 'data-role': role },
        el('h3', { text: role }),
        el('p', { text: `${joined ? 'Joined with a key' : 'Not joined yet'}; link reissued `
          + `${times(c.reissued)}, revoked ${times(c.revoked)}.` }),
        el('div', { class: 'actions' }, reissue, revoke), linkBox, note);
    });
    const list = el('ul', { class: 'plain' }, ...rows);
    if (b.rules?.blind !== true) return list;
    // a party on its page cannot compute a blind round: it runs the command, with a token
    // of its own that this page reissues (the party's page shows the same steps)
    return el('div', {}, el('p', { id: 'm-blind-token', class: 'hint', text: 'This case is '
      + 'blind: a party that uses its page runs each round with the nakodo command, which '
      + 'needs a token of its own. Reissue that party\'s link and send it only the token, the '
      + 'part after #token= (or run nakodo token reissue CASE ROLE): opened as a link in a '
      + 'browser, it would be traded for another and the command\'s would stop working.' }),
    list);
  }

  function linkField(role, link) {
    const id = `new-link-${role}`;
    const input = el('input', { id, type: 'text', readonly: true, value: link, class: 'link',
      spellcheck: 'false', autocomplete: 'off' });
    const status = el('span', { role: 'status', 'aria-live': 'polite' });
    const copy = el('button', { type: 'button', class: 'secondary', text: 'Copy' });
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(link);
        status.textContent = 'Copied.';
      } catch {
        input.focus();
        input.select();
        status.textContent = 'Copying is not allowed here: the link is selected; press Ctrl+C.';
      }
    });
    return el('div', { class: 'field' }, el('label', { for: id, text: `The ${role}'s new link` }),
      input, el('div', { class: 'actions' }, copy), status);
  }

  function keys() {
    const b = view.brief;
    const items = ROLES.map((role) => {
      const k = b.keys?.[role];
      if (!k) {
        return el('li', { 'data-role': role }, el('strong', { text: role }),
          ': no key registered yet.');
      }
      return el('li', { 'data-role': role }, el('strong', { text: role }),
        dl([['safety number', el('span', { class: 'safety',
          // its own from the key open here (the server's entry could name another
          // sealing key), the parties' from the keys this page seals to
          text: role === 'mediator' && view.key ? view.key.safetyNumber : safetyNumberOf(k) })],
          ['signing key', el('code', { text: k.sign })],
          ['sealing key', el('code', { text: k.seal })]]));
    });
    const out = [el('p', { class: 'hint', text: 'Read each party its safety number over a '
      + 'channel you trust (a call): if they match what its page shows, the key is its own.' }),
    el('ul', { class: 'plain keys' }, ...items)];
    if (!b.keys?.mediator && !ENDED.includes(b.state)) out.push(joinPanel());
    return el('div', {}, ...out);
  }

  // The mediator may join with a key of its own, so that the parties can seal messages
  // to it and its token alone no longer acts for it. A key made here is written as a key
  // file under a passphrase (offered as a download) before joining: it lives only in
  // this tab's memory otherwise, and a lost key cannot be replaced.
  function joinPanel() {
    const pass = field({ name: 'passphrase', label: 'Passphrase for the new key file',
      type: 'password', autocomplete: 'new-password',
      hint: 'At least 8 characters. The key file is downloaded; keep it.' });
    const make = form({ label: 'Join with a key made here', fields: [pass],
      submit: 'Make a key, download its file and join', onSubmit: async () => {
        if (pass.input.value.length < 8) {
          throw new FormError('passphrase', 'use at least 8 characters');
        }
        await ready();
        const key = PartyKey.generate();
        const file = await writeKeyFile(key, pass.input.value, 'interactive');
        pass.input.value = '';
        download(`mediator-${caseId}.key`, file);
        view.brief = await api.join(key, 'mediator');
        sessionStorage.setItem(joinedKey(caseId, 'mediator'), 'mediator');
        view.key = key;
        await refresh(`Joined with a key; safety number ${key.safetyNumber}.`);
        return '';
      } });
    return section('Join this case with a key (optional)', { level: 3, id: 'mediator-join' },
      el('p', { class: 'hint', text: 'Once joined, every request of yours is signed by this key '
        + 'and the parties can send you sealed messages.' }), make.form, openKeyForm(false).form);
  }

  function openKeyForm(joined) {
    const file = field({ name: 'key', label: 'Key file (made by nakodo keygen or this page)',
      type: 'file' });
    const pass = field({ name: 'passphrase', label: 'Its passphrase', type: 'password',
      autocomplete: 'current-password' });
    return form({ label: joined ? 'Open the mediator\'s key' : 'Join with a key file',
      fields: [file, pass], submit: joined ? 'Open the key' : 'Open the key and join',
      onSubmit: async () => {
        const bytes = await readFileBytes(file.input.files[0], KEYFILE_BYTES + 1)
          .catch((e) => { throw new FormError('key', e.reason || e.message); });
        const key = await openKeyFile(bytes, pass.input.value);
        pass.input.value = '';
        if (joined) {
          api.setKey(key);
          view.brief = await api.brief();
          if (view.brief.keys?.mediator?.sign !== key.identity().sign) {
            api.setKey(null);
            key.wipe();
            throw new FormError('key', 'this is not the key the mediator registered on this case');
          }
        } else {
          view.brief = await api.join(key, 'mediator');
        }
        // a reload then asks for the key before its first read, rather than provoke a 401
        sessionStorage.setItem(joinedKey(caseId, 'mediator'), 'mediator');
        view.key = key;
        await refresh('The key is open for this tab.');
        return '';
      } });
  }

  function logList() {
    const items = view.events.map((e) => {
      const when = new Date(e.time_ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
      const cur = view.brief.currency || view.brief.frame?.currency;
      const body = Object.entries(e.body || {}).filter(([k]) => k !== 'rules' && k !== 'frame')
        .map(([k, v]) => `${k} ${k === 'figure' && Number.isInteger(v) && cur ? formatAmount(v, cur)
          : k === 'package' && v && typeof v === 'object' ? `(${packageText(v)})`
            : typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ');
      return el('li', { value: e.seq, 'data-type': e.type },
        el('time', { datetime: new Date(e.time_ms).toISOString(), text: when }),
        ` — ${e.actor}: ${e.type}${body ? ` (${body})` : ''}`);
    });
    return items.length ? el('ol', { class: 'events' }, ...items)
      : el('p', { text: 'The log could not be read yet.' });
  }

  function receipt() {
    const b = view.brief;
    if (!ENDED.includes(b.state)) {
      return el('p', { class: 'hint', text: 'The receipt exists once the case has ended.' });
    }
    const note = el('p', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
    const button = el('button', { type: 'button', id: 'download-receipt',
      text: 'Download the receipt' });
    button.addEventListener('click', () => act(note, async () => {
      const text = await api.receipt();
      download(`receipt-${caseId}.txt`, text, 'text/plain;charset=utf-8');
      note.textContent = `The receipt is downloaded (receipt-${caseId}.txt). Anyone checks it `
        + `offline with nakodo verify receipt-${caseId}.txt --server-key KEY, where KEY is the `
        + "server's public key, as its operator's nakodo server-key prints it.";
    }));
    return el('div', {}, el('p', { text: 'Signed by the server; anyone can check it offline '
      + 'with nakodo verify and the server\'s public key.' }),
    el('div', { class: 'actions' }, button), note);
  }

  // --- running actions and refreshing ---------------------------------------------------

  async function act(note, fn) {
    if (view.busy) return;
    view.busy = true;
    note.textContent = '';
    try {
      await fn();
    } catch (e) {
      note.textContent = `Not done: ${reasonOf(e)}`;
      note.setAttribute('role', 'alert');
    } finally {
      view.busy = false;
    }
  }

  async function refresh(message) {
    if (!parts.summary) {
      build();
      if (message) announce(message);
      return;
    }
    try {
      view.brief = await api.brief();
      view.events = (await api.call('GET', casePath(caseId, 'log'))).events || [];
      parts.error.hidden = true;
      // A poll that finds nothing new leaves the page alone, so that a screen reader's
      // place (or a half-read log) is not pulled from under the reader.
      const seen = JSON.stringify([view.brief, view.events.length, view.links]);
      if (!message && seen === view.seen) return;
      view.seen = seen;
    } catch (e) {
      parts.error.textContent = `The case could not be read just now: ${reasonOf(e)}. `
        + 'It is tried again in a few seconds.';
      parts.error.hidden = false;
    }
    render();
    if (message) announce(message);
  }

  function render() {
    const active = document.activeElement;
    const keepFocus = active && root.contains(active) && active.id ? active.id : null;
    // A form the mediator is typing in is not rebuilt under its fingers.
    const typing = active && root.contains(active)
      && ['INPUT', 'TEXTAREA', 'SELECT'].includes(active.tagName);
    replace(parts.name, titleLine(view.brief));
    replace(parts.summary, summary(), view.brief.kind === 'package' ? deadlinePanel(view.brief)
      : deadlinesPanel(view.brief), openProposalsPanel(view.brief),
      neutralPanel(view.brief),
      proposalHistory(view.brief));
    replace(parts.outcomes, outcomesFigure(view.brief, view.events));
    if (!typing || !parts.actions.contains(active)) {
      replace(parts.actions, proposeForm(), closeControl());
    }
    if (!typing || !parts.invite.contains(active)) replace(parts.invite, invitations());
    if (!typing || !parts.keys.contains(active)) replace(parts.keys, keys());
    if (view.key && !view.messages) {
      view.messages = mediatorMessages({ api, key: () => view.key, brief: () => view.brief,
        refresh: () => refresh() });
      replace(parts.messages, view.messages.node);
    }
    view.messages?.update(view.brief);
    replace(parts.log, logList());
    replace(parts.receipt, receipt());
    if (keepFocus && !typing) document.getElementById(keepFocus)?.focus();
  }

  function build() {
    parts.error = el('p', { class: 'problem', role: 'alert', hidden: true });
    parts.name = el('div');
    parts.summary = el('div');
    parts.outcomes = el('div');
    parts.actions = el('div');
    parts.invite = el('div');
    parts.keys = el('div');
    parts.log = el('div');
    parts.messages = el('div');
    parts.receipt = el('div');
    const again = el('button', { type: 'button', class: 'secondary', text: 'Refresh' });
    again.addEventListener('click', () => refresh('Up to date.'));
    replace(root, el('h1', { id: 'case-title', text: 'Your case, as its mediator' }), parts.name,
      el('div', { class: 'mediator-case' }, parts.error, el('div', { class: 'actions' }, again),
        section('The case', { id: 'm-summary' }, parts.summary),
        section('Rounds and outcomes', { id: 'm-outcomes' }, parts.outcomes),
        section('Propose or close', { id: 'm-actions' }, parts.actions),
        section('Invitations', { id: 'm-invite' }, el('p', { class: 'hint', text: 'A reissued '
          + 'link replaces the old one; a party that has joined still needs its key.' }),
        parts.invite),
        section('Keys and safety numbers', { id: 'm-keys' }, parts.keys),
        parts.messages,
        section('Event log', { id: 'm-log' }, el('p', { class: 'hint', text: 'Who did what and '
          + 'when; never a figure, an answer before both are in, or a message\'s text.' }),
        parts.log),
        section('Receipt', { id: 'm-receipt' }, parts.receipt)));
    render();
    view.timer = setInterval(() => {
      if (!root.isConnected) { clearInterval(view.timer); return; }
      if (!view.busy && !document.hidden) refresh();
    }, REFRESH_MS);
    refresh();
  }

  if (view.brief) {
    build();
  } else {
    // The mediator has joined with a key: nothing can be read without it. Once the key
    // is open, refresh() builds the whole page.
    replace(root, el('h1', { id: 'case-title', text: 'Your case, as its mediator' }),
      section('Open your key', { id: 'm-key' }, el('p', { text: 'This case\'s mediator has '
        + 'joined with a key, so the go-between answers only requests it signs. Open its key '
        + 'file; the key stays in this tab\'s memory.' }), openKeyForm(true).form));
  }
}
