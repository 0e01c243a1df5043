// Sealed messages on the mediator's page, once it has joined with a key: a party may
// seal a message to the mediator (its page offers it), and the mediator may write to
// either party. Sealed and signed, opened and checked in this browser by messages.js,
// as on a party's page; opened texts live in this page's memory only, as text.
import { sendMessage, openInbox, renderInbox } from './messages.js';
import { el, field, form, section } from './ui.js';

/** ctx: { api, key(), brief(), refresh() }. Returns { node, update(brief) }. */
export function mediatorMessages(ctx) {
  const to = field({ name: 'to', label: 'To', options: [
    { value: 'claimant', label: 'the claimant' }, { value: 'payer', label: 'the payer' }] });
  const text = field({ name: 'text', label: 'Message', multiline: true, maxlength: 65536,
    hint: 'Sealed in this browser to the party\'s key and signed with yours: the go-between '
      + 'carries it but cannot read it.' });
  const compose = form({
    label: 'Send a sealed message', fields: [to, text], submit: 'Seal and send',
    onSubmit: async () => {
      const answer = await sendMessage(ctx.api, ctx.key(), ctx.brief(), to.input.value,
        text.input.value);
      text.input.value = '';
      await ctx.refresh();
      return `Message ${answer.n} to the ${answer.to} sealed and sent (${answer.size} bytes).`;
    },
  });
  const list = el('div', { class: 'inbox', 'aria-live': 'polite' });
  const inbox = form({
    label: 'Your inbox', submit: 'Open my inbox',
    onSubmit: async () => {
      const got = await openInbox(ctx.api, ctx.key(), ctx.brief());
      renderInbox(list, got);
      return `${got.items.length} message(s) opened in this browser.`;
    },
  });
  const node = section('Sealed messages', { level: 2, id: 'm-messages' }, compose.form,
    el('h3', { text: 'Inbox' }), inbox.form, list);
  return {
    node,
    update(brief) {
      // an ended case takes no more messages (409); its inbox still opens
      compose.form.hidden = brief.state === 'settled' || brief.state === 'closed';
    },
  };
}
