// A neutral's key on its page (doc/security.md, "Neutral evaluation: a disclosure by
// design"), and a principal's on its own (principal.js; "A principal"): the case's opener
// holds every neutral's and principal's token, so the go-between shows such a role
// anything, and takes its fair figure or approval, only once it has joined with a key of
// its own. The key is made in this browser, or opened from a file of
// `nakodo keygen` (or the one this page offers for download); only its file, sealed under
// the passphrase, is kept in this tab (session.js), as on a party's page.
import { ApiError } from './api.js';
import { toBase64 } from './crypto.js';
import { keyFileFields, newKeyFields, storedKeyFile } from './key_fields.js';
import { openKeyFile, PartyKey, writeKeyFile } from './keys.js';
import { joinedKey, keyFileKey } from './session.js';
import { append, dl, download, el, field, form, FormError, readFileBytes, section } from './ui.js';

const KEY_FILE_MAX = 4096;
/**
 * Joins with k (unless the role joined already) and reads the briefing signed with it;
 * calls onOpen(brief, k). A join that the server says came too late (the role has
 * joined: its requests need a signature) is read as one that landed earlier with this
 * key, and the signed read tells whether it did.
 */
async function useKey({ api, caseId, role, onOpen, read = null }, k, file, joined) {
  let brief = null;
  // kept before the join, so that a lost answer does not lose a registered key
  sessionStorage.setItem(keyFileKey(caseId, role), toBase64(file));
  if (!joined) {
    try {
      brief = await api.join(k, role);
    } catch (e) {
      if (!(e instanceof ApiError && e.needsKey)) {
        const offline = e instanceof ApiError && e.offline;
        if (!offline) sessionStorage.removeItem(keyFileKey(caseId, role));
        throw e;
      }
    }
  }
  if (!brief) {
    api.joined = true;
    api.setKey(k);
    try {
      brief = await (read ? read() : api.brief());
    } catch (e) {
      api.setKey(null);
      k.wipe();
      if (e instanceof ApiError && e.status === 403 && e.field === 'signature') {
        sessionStorage.removeItem(keyFileKey(caseId, role));
        throw new FormError('key', `this is not the key the ${role} registered on this case`);
      }
      throw e;
    }
  }
  const registered = brief.keys && brief.keys[role];
  if (registered && registered.sign !== k.identity().sign) {
    api.setKey(null);
    k.wipe();
    throw new FormError('key', `this is not the key the ${role} registered on this case`);
  }
  sessionStorage.setItem(joinedKey(caseId, role), role);
  onOpen(brief, k);
}

/**
 * The section that opens the neutral's key: for a neutral that has joined (joined), its
 * passphrase for the file kept in this tab, or its key file; otherwise a key made here
 * or a key file, either joining the case. ctx: {api, caseId, role, onOpen(brief, key),
 * why, read} (why: the words that say why the role must join, a neutral's by default;
 * read: the signed read that takes the key, api.brief() by default).
 */
export function keySection(ctx, joined) {
  const { caseId, role } = ctx;
  const stored = storedKeyFile(caseId, role);
  const wrap = el('div');
  if (joined && stored) {
    const pass = field({ name: 'passphrase', label: 'Passphrase of your key', type: 'password',
      autocomplete: 'current-password' });
    const f = form({
      label: 'Open your key',
      fields: [pass],
      submit: 'Open my key',
      onSubmit: async () => {
        const k = await openKeyFile(stored, pass.input.value);
        pass.input.value = '';
        await useKey(ctx, k, stored, true);
      },
    });
    append(wrap, section('Open your key', { level: 2, id: 'key' },
      el('p', { text: 'You joined this case with a key. Its file is kept in this tab, sealed '
        + 'under your passphrase: type it to open the key.' }), f.form));
  }
  const { file, fpass } = keyFileFields();
  const openForm = form({
    label: 'Use a key file',
    fields: [file, fpass],
    submit: joined ? 'Open my key' : 'Open and join',
    onSubmit: async () => {
      const bytes = await readFileBytes(file.input.files[0], KEY_FILE_MAX).catch((e) => {
        throw new FormError('key', e.reason);
      });
      const k = await openKeyFile(bytes, fpass.input.value);
      fpass.input.value = '';
      await useKey(ctx, k, bytes, joined);
    },
  });
  if (joined) {
    append(wrap, section(stored ? 'Or use your key file' : 'Open your key',
      { level: 2, id: 'key-file' },
      el('p', { text: 'You joined this case with a key: open its file to read and act.' }),
      openForm.form));
    return wrap;
  }
  const { pass1, pass2, cost } = newKeyFields();
  const makeForm = form({
    label: 'Make a key in this browser',
    fields: [pass1, pass2, cost],
    submit: 'Make my key and join',
    onSubmit: async () => {
      if (!pass1.input.value) throw new FormError('passphrase', 'choose a passphrase');
      if (pass1.input.value !== pass2.input.value) {
        throw new FormError('passphrase2', 'the two passphrases differ');
      }
      const k = PartyKey.generate();
      const bytes = await writeKeyFile(k, pass1.input.value, cost.input.value);
      pass1.input.value = '';
      pass2.input.value = '';
      await useKey(ctx, k, bytes, false);
    },
  });
  append(wrap, section('Join the case with your key', { level: 2, id: 'key' },
    el('p', { id: 'join-why', text: ctx.why || 'You are shown the parties\' last figures, and '
      + 'give your fair figure, only once you have joined with a key of your own: the link '
      + 'that invited you was made by the mediator, who could otherwise act in your name. The '
      + 'parties see your key\'s safety number, and will compare it with the one you tell '
      + 'them.' }),
    el('h3', { text: 'Make a key here' }), makeForm.form,
    el('h3', { text: 'Or use a key file made by nakodo keygen' }), openForm.form));
  return wrap;
}

/**
 * The role's own safety number, to read to whom it must (tell: the words that say so; to
 * both parties by default), and its key file to download.
 */
export function keysPanel(caseId, role, key, tell = null) {
  const button = el('button', { type: 'button', class: 'secondary',
    text: 'Download my key file' });
  button.addEventListener('click', () => {
    const f = storedKeyFile(caseId, role);
    if (f) download(`nakodo-${caseId}-${role}.key`, f);
  });
  return section('Your key', { level: 2, id: 'keys' },
    el('p', { text: tell || 'Read your safety number to both parties over a channel you trust '
      + '(in person, by telephone): their briefings show the key that joined as '
      + `${role}, and it must be yours.` }),
    dl([[`Your safety number (${role})`, el('span', { class: 'safety', text: key.safetyNumber })]]),
    el('div', { class: 'actions' }, button));
}
