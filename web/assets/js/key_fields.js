// What a party's page and a neutral's share to open a key (party.js, neutral_key.js):
// the sealed key file kept in this tab, and the fields that make a key here or open a
// key file. Only the file, sealed under its passphrase, is ever kept (session.js).
import { fromBase64 } from './crypto.js';
import { KEYFILE_BYTES } from './keys.js';
import { keyFileKey } from './session.js';
import { field } from './ui.js';

/** The role's sealed key file kept in this tab, or null. */
export function storedKeyFile(caseId, role) {
  const s = sessionStorage.getItem(keyFileKey(caseId, role));
  if (!s) return null;
  try {
    const b = fromBase64(s, 'key');
    return b.length === KEYFILE_BYTES ? b : null;
  } catch {
    return null;
  }
}

/** The fields of a key made here: {pass1, pass2, cost}. */
export function newKeyFields() {
  const pass1 = field({
    name: 'passphrase',
    label: 'A passphrase for your new key',
    type: 'password',
    autocomplete: 'new-password',
    hint:
      'Your key is made in this browser and never leaves it. It is kept only sealed under ' +
      'this passphrase, and you can download it to use again.',
  });
  const pass2 = field({
    name: 'passphrase2',
    label: 'The passphrase again',
    type: 'password',
    autocomplete: 'new-password',
  });
  const cost = field({
    name: 'cost',
    label: 'Protection of the key file',
    options: [
      { value: 'moderate', label: 'moderate (as nakodo keygen; a few seconds)' },
      { value: 'interactive', label: 'interactive (faster, weaker)' },
    ],
  });
  return { pass1, pass2, cost };
}

/** The fields that open a key file: {file, fpass}. */
export function keyFileFields() {
  const file = field({ name: 'key', label: 'Key file', type: 'file' });
  const fpass = field({
    name: 'passphrase',
    label: 'Its passphrase',
    type: 'password',
    autocomplete: 'current-password',
  });
  return { file, fpass };
}
