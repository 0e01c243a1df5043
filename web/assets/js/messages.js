// Sealed messages and the simultaneous disclosure, in the browser: composed, sealed to
// the recipient's registered key and signed here (doc/crypto.md, "Sealed messages on a
// case"); the inbox fetched as envelopes and opened here, each checked against the
// hash the log records and the sender's registered key, numbered per sender as
// `nakodo inbox` numbers them. Opened texts live in this page's memory only, and are
// put on the page as text.
import {
  fromBase64,
  fromHex,
  MESSAGE_TEXT_MAX,
  openMessage,
  sealMessage,
  sha256,
  toHex,
  utf8,
} from './crypto.js';
import { announce, el, field, form, FormError, replace, section, setText } from './ui.js';

const ROLE_WORDS = { claimant: 'the claimant', payer: 'the payer', mediator: 'the mediator' };

/** Seals text to role `to` and posts it; returns the server's answer. */
export async function sendMessage(api, key, brief, to, text) {
  const rk = brief.keys && brief.keys[to];
  if (!rk)
    throw new FormError(
      'to',
      `${ROLE_WORDS[to]} has not joined with a key yet: a message can be sealed only to a ` +
      `registered key`,
    );
  const bytes = utf8(text);
  if (bytes.length === 0) throw new FormError('text', 'write the message first');
  if (bytes.length > MESSAGE_TEXT_MAX)
    throw new FormError('text', `a message holds at most ${MESSAGE_TEXT_MAX} bytes`);
  const seq = ((brief.messages && brief.messages.sent && brief.messages.sent[to]) || 0) + 1;
  const envelope = sealMessage({
    key,
    caseId: brief.case,
    from: brief.role,
    to,
    seq,
    recipientSeal: fromHex(rk.seal, 32, 'to'),
    text: bytes,
  });
  bytes.fill(0);
  return api.postEnvelope('message', envelope);
}

/** Seals the disclosure to the other party and deposits it. */
export async function depositText(api, key, brief, text) {
  const other = brief.role === 'claimant' ? 'payer' : 'claimant';
  const rk = brief.keys && brief.keys[other];
  if (!rk) throw new FormError('deposit', `${ROLE_WORDS[other]} has not joined with a key yet`);
  const bytes = utf8(text);
  if (bytes.length > MESSAGE_TEXT_MAX)
    throw new FormError('deposit', `a deposit holds at most ${MESSAGE_TEXT_MAX} bytes`);
  const envelope = sealMessage({
    key,
    caseId: brief.case,
    kind: 'deposit',
    from: brief.role,
    to: other,
    seq: 1,
    recipientSeal: fromHex(rk.seal, 32, 'deposit'),
    text: bytes,
  });
  bytes.fill(0);
  return api.postEnvelope('deposit', envelope);
}

/**
 * Fetches and opens the caller's inbox. Returns {items: [{index, kind, from, time_ms,
 * verdict, text?, reason?}], deposit}.
 */
export async function openInbox(api, key, brief) {
  const { items, deposit } = await api.inbox();
  const next = { claimant: 1, payer: 1, mediator: 1 };
  const out = [];
  for (const item of items) {
    const base = { index: item.index, kind: item.kind, from: item.from, time_ms: item.time_ms };
    let env;
    try {
      env = fromBase64(item.envelope);
    } catch {
      out.push({ ...base, verdict: 'malformed', reason: 'the envelope is not base64' });
      continue;
    }
    if (toHex(sha256(env)) !== item.sha256) {
      out.push({
        ...base,
        verdict: 'altered',
        reason: 'it is not the envelope the case log records',
      });
      continue;
    }
    const sender = brief.keys && brief.keys[item.from];
    if (!sender) {
      out.push({ ...base, verdict: 'wrong-signer', reason: 'its sender has no registered key' });
      continue;
    }
    const got = openMessage(
      key,
      {
        caseId: brief.case,
        kind: item.kind === 'deposit' ? 'deposit' : 'message',
        me: brief.role,
        senderSign: fromHex(sender.sign, 32),
        nextSeq: item.kind === 'deposit' ? item.n : next[item.from],
      },
      env,
    );
    if (got.verdict === 'ok' && item.kind !== 'deposit') next[item.from] = got.header.seq + 1;
    out.push({ ...base, verdict: got.verdict, text: got.text, reason: got.reason });
  }
  return { items: out, deposit };
}

function when(ms) {
  try {
    return new Date(ms).toLocaleString();
  } catch {
    return '';
  }
}

/** The inbox as a list: accepted texts as text, rejected ones with the reason only. */
export function renderInbox(list, inbox) {
  if (inbox.items.length === 0) {
    replace(list, el('p', { text: 'No message for you yet.' }));
    return;
  }
  const ul = el('ul', { class: 'plain' });
  for (const m of inbox.items) {
    const what =
      m.kind === 'deposit'
        ? `Deposit released from ${ROLE_WORDS[m.from]}`
        : `From ${ROLE_WORDS[m.from]}`;
    const li = el(
      'li',
      { class: 'message' },
      el(
        'p',
        {},
        el('strong', { text: what }),
        ` · ${when(m.time_ms)} · `,
        el('span', {
          class: m.verdict === 'ok' ? 'tag good' : 'tag bad',
          text: m.verdict === 'ok' ? 'signed by the registered key' : `rejected: ${m.verdict}`,
        }),
      ),
    );
    if (m.verdict === 'ok') li.append(el('p', { class: 'text', text: m.text }));
    else li.append(el('p', { class: 'problem', text: m.reason }));
    ul.append(li);
  }
  replace(list, ul);
}

/**
 * The messages section of a party's page. ctx: {api, key(), brief(), refresh()}.
 * Returns {node, update(brief)}.
 */
export function messagesSection(ctx) {
  const me = ctx.brief().role;
  const others = ['claimant', 'payer', 'mediator'].filter((r) => r !== me);
  const to = field({
    name: 'to',
    label: 'To',
    options: others.map((r) => ({ value: r, label: ROLE_WORDS[r] })),
  });
  const text = field({
    name: 'text',
    label: 'Message',
    multiline: true,
    maxlength: MESSAGE_TEXT_MAX,
    hint:
      "Sealed in this browser to the recipient's key and signed with yours: the go-between " +
      "carries it but cannot read it.",
  });
  const compose = form({
    label: 'Send a sealed message',
    fields: [to, text],
    submit: 'Seal and send',
    onSubmit: async () => {
      const answer = await sendMessage(
        ctx.api,
        ctx.key(),
        ctx.brief(),
        to.input.value,
        text.input.value,
      );
      text.input.value = '';
      await ctx.refresh();
      const whom = ROLE_WORDS[answer.to];
      return `Message ${answer.n} to ${whom} sealed and sent (${answer.size} bytes).`;
    },
  });
  const list = el('div', { class: 'inbox', 'aria-live': 'polite' });
  const inboxForm = form({
    label: 'Your inbox',
    submit: 'Open my inbox',
    onSubmit: async () => {
      const inbox = await openInbox(ctx.api, ctx.key(), ctx.brief());
      renderInbox(list, inbox);
      setDeposit(inbox.deposit);
      return `${inbox.items.length} item(s) opened in this browser.`;
    },
  });

  // simultaneous disclosure
  const depText = field({
    name: 'deposit',
    label: 'Your disclosure',
    multiline: true,
    maxlength: MESSAGE_TEXT_MAX,
    hint:
      'Held sealed until the other party deposits too; then both are released at the same ' +
      'moment. The other side is not told that you deposited.',
  });
  const depStatus = el('p', { class: 'deposit-state' });
  const depForm = form({
    label: 'Deposit a disclosure',
    fields: [depText],
    submit: 'Seal and deposit',
    onSubmit: async () => {
      const answer = await depositText(ctx.api, ctx.key(), ctx.brief(), depText.input.value);
      depText.input.value = '';
      await ctx.refresh();
      const said = answer.released
        ? 'Deposited: both disclosures are released; open your inbox.'
        : "Deposited: it waits, sealed, for the other party's.";
      announce(said); // the form hides once a deposit is held: its status would go unheard
      return said;
    },
  });
  const withdraw = form({
    label: 'Withdraw your deposit',
    submit: 'Withdraw my deposit',
    onSubmit: async () => {
      await ctx.api.withdraw();
      await ctx.refresh();
      return 'Your deposit was withdrawn and deleted.';
    },
  });
  withdraw.button.classList.add('secondary');

  function setDeposit(dep) {
    if (!dep) return;
    setText(
      depStatus,
      dep.released
        ? "Both disclosures were released: open your inbox to read the other side's."
        : dep.held
          ? "Your deposit is held, sealed, waiting for the other party's."
          : 'You have not deposited anything.',
    );
    depForm.form.hidden = !!(dep.held || dep.released);
    withdraw.form.hidden = !(dep.held && !dep.released);
  }

  const node = el(
    'div',
    {},
    section(
      'Sealed messages',
      { level: 2, id: 'messages' },
      compose.form,
      el('h3', { text: 'Inbox' }),
      inboxForm.form,
      list,
    ),
    section(
      'Simultaneous disclosure',
      { level: 2, id: 'deposit' },
      el('p', { text: 'Each side deposits a sealed text; neither is released until both are in.' }),
      depStatus,
      depForm.form,
      withdraw.form,
    ),
  );
  return {
    node,
    update(brief) {
      setDeposit(brief.deposit || { held: false, released: false });
      // an ended case takes no more messages or deposits (409); its inbox still opens
      if (brief.state === 'settled' || brief.state === 'closed') {
        compose.form.hidden = true;
        depForm.form.hidden = true;
      }
    },
  };
}
