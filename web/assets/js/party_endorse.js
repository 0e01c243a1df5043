// Endorsement on a party's page (doc/security.md, "Endorsement"): the case's opener holds
// every role's invitation token, and whoever joins first with one holds the role, so the
// party vouches for its principal's key and for each neutral's before that key's holder
// is shown anything confidential. Beside each such safety number: "endorsed by you", or
// a form that takes the number the person read out over a channel of the party's own and
// endorses the key only when it matches the one the page computed from the key (never
// the server's `safety_number` text); nothing is sent otherwise.
import { safetyNumberOf } from './crypto.js';
import { el, field, form, FormError } from './ui.js';

/** Whether party endorsed role's key, as the briefing says. */
export function endorsedBy(brief, party, role) {
  return (brief.endorsements?.[party] ?? []).includes(role);
}

const digits = (s) => String(s).replace(/\s+/g, '');

/**
 * The row's content for role's joined key: its safety number, then who endorsed it or the
 * form. once(id, make) keeps a form across renders; done(brief) takes the answer.
 */
export function endorseCell(api, brief, party, role, once, done) {
  const k = brief.keys[role];
  const number = safetyNumberOf(k);
  const cell = el('div', { class: 'endorse', id: `endorse-${role}` },
    el('span', { class: 'safety', text: number }));
  if (endorsedBy(brief, party, role)) {
    cell.append(el('p', { class: 'endorsed', text: 'Endorsed by you.' }));
    return cell;
  }
  const f = once(`endorse-${role}-${k.sign}`, () => {
    const heard = field({
      name: 'safety_number',
      label: `The safety number the ${role} read to you`,
      inputmode: 'numeric',
      autocomplete: 'off',
      hint:
        `Ask the person who should be the ${role} to read you the safety number of their ` +
        'key, by telephone or in person, not through the mediator. Endorse only if it is ' +
        'the number shown here: until you do, this key is shown nothing confidential.',
    });
    return form({
      label: `Endorse the ${role}'s key`,
      fields: [heard],
      submit: `Endorse the ${role}'s key`,
      onSubmit: async () => {
        if (digits(heard.input.value) !== digits(number)) {
          throw new FormError('safety_number',
            `this is not the safety number of the key that joined as the ${role}: do not ` +
            'endorse it; someone else may hold the role. Tell the mediator, and ask for ' +
            'the case to be opened anew with the links handed to each person directly.');
        }
        const b = await api.endorse(role, k.sign);
        heard.input.value = '';
        done(b);
        return `You endorsed the ${role}'s key.`;
      },
    });
  });
  cell.append(f.form);
  return cell;
}
