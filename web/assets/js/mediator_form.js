// Forms of the mediator's pages: a refusal is shown beside its field (aria-invalid, the
// reason linked by aria-describedby) and in a summary that takes the focus, so that a
// screen reader hears it; nothing typed is ever cleared by a refusal or a lost
// connection. Every text goes in through textContent, never as HTML.
import { el } from './ui.js';

/** Clears every shown error of a form. */
export function clearErrors(form, summary) {
  for (const p of form.querySelectorAll('.error')) {
    p.textContent = '';
    p.hidden = true;
  }
  for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  if (summary) {
    summary.replaceChildren();
    summary.hidden = true;
  }
}

/**
 * Shows errors [{ field, reason }]: `prefix + field + '-error'` is the paragraph beside
 * the input, `inputs[field]` (or the element named by the field) the input marked
 * invalid. An error whose field has no place goes to the summary only.
 */
export function showErrors(form, summary, prefix, errors, title = 'This was not done:') {
  clearErrors(form, summary);
  const list = el('ul');
  for (const { field, reason } of errors) {
    const p = field ? form.querySelector(`#${prefix}${CSS.escape(field)}-error`) : null;
    const text = reason || 'refused';
    if (p) {
      p.textContent = text;
      p.hidden = false;
      const id = p.id.replace(/-error$/, '');
      const input = form.querySelector(`#${CSS.escape(id)}`)
        || form.querySelector(`[name="${CSS.escape(field)}"]`);
      if (input) input.setAttribute('aria-invalid', 'true');
      const target = input ? `#${input.id}` : `#${p.id}`;
      const where = labelOf(form, input, field);
      list.append(el('li', {}, el('a', { href: target, text: `${where}: ${text}` })));
    } else {
      list.append(el('li', { text: field ? `${field}: ${text}` : text }));
    }
  }
  if (summary) {
    summary.replaceChildren(el('p', { class: 'summary-title', text: title }), list);
    summary.hidden = false;
    summary.focus();
  }
}

function labelOf(form, input, field) {
  if (input && input.id) {
    const l = form.querySelector(`label[for="${CSS.escape(input.id)}"]`);
    if (l) return l.textContent.trim();
  }
  return field;
}

/** The errors a failed call gives: a problem document's field and detail, or the reason. */
export function errorsOfFailure(failure, fieldFor = (f) => f) {
  if (failure.offline) {
    return [{ field: null, reason: 'The server could not be reached. Nothing was lost: '
      + 'what you typed is still here; try again when the connection is back.' }];
  }
  if (failure.status === 503) {
    return [{ field: null, reason: 'The server is busy (503). Nothing was lost: try again.' }];
  }
  const p = failure.problem || {};
  const where = fieldFor(p.field);
  const reason = [p.title, p.detail].filter(Boolean).join(': ') || `refused (${failure.status})`;
  return [{ field: where, reason: where ? reason : (p.field ? `${p.field}: ${reason}` : reason) }];
}
