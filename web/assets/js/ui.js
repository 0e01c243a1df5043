// DOM helpers every page uses. Text from the server or the other party goes in only as
// text (textContent, attribute values), never as HTML: nothing here touches innerHTML.
// Forms get labels, a live error region, the reason beside each field and focus on the
// first error; a failed request leaves every field as the user typed it.

/**
 * el('p', {class: 'x', text: 'hello'}, child, ...): an element. attrs: text → its text;
 * on* names → listeners (functions, never strings); anything else → an attribute.
 */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') e.textContent = String(v);
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  append(e, ...children);
  return e;
}

/** Appends children: nodes, or strings as text nodes. */
export function append(parent, ...children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    parent.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return parent;
}

/** Replaces parent's children. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, ...children);
}

/** Sets text, and only text. */
export function setText(node, text) {
  node.textContent = text === undefined || text === null ? '' : String(text);
  return node;
}

let ids = 0;
/** A fresh id for label/aria wiring. */
export function uid(prefix = 'f') {
  ids += 1;
  return `${prefix}-${ids}`;
}

/**
 * A labelled field: {name, label, type, hint, autocomplete, inputmode, ...attrs}.
 * Returns {wrap, input, error}; the error paragraph is tied with aria-describedby.
 */
export function field({
  name,
  label,
  type = 'text',
  hint = '',
  multiline = false,
  options = null,
  ...attrs
}) {
  const id = uid(name);
  const errId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  let input;
  if (options) {
    input = el(
      'select',
      { id, name, ...attrs },
      ...options.map((o) => el('option', { value: o.value, text: o.label })),
    );
  } else if (multiline) {
    input = el('textarea', { id, name, ...attrs });
  } else {
    input = el('input', { id, name, type, ...attrs });
  }
  input.setAttribute('aria-describedby', [hintId, errId].filter(Boolean).join(' '));
  const error = el('p', { id: errId, class: 'field-error', hidden: true });
  const wrap = el(
    'div',
    { class: 'field' },
    el('label', { for: id, text: label }),
    hint ? el('p', { id: hintId, class: 'hint', text: hint }) : null,
    input,
    error,
  );
  return { wrap, input, error };
}

/**
 * A form with a live region for its status. fields: the result of field(); onSubmit
 * (async) gets the form; throwing {field, reason} (an ApiError, a FormError) marks the
 * field of that name or, if none matches, the form's status. The fields keep their
 * values on any failure; onSubmit clears what it must itself.
 */
export function form({ label, fields = [], submit = 'Send', onSubmit, extra = [] }) {
  const status = el('p', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
  const alert = el('div', { class: 'form-alert', role: 'alert', hidden: true });
  const button = el('button', { type: 'submit', text: submit });
  const f = el(
    'form',
    { 'aria-label': label, novalidate: true },
    ...fields.map((x) => x.wrap),
    ...extra,
    alert,
    el('div', { class: 'actions' }, button),
    status,
  );
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (button.disabled) return;
    clearErrors(f, fields, alert);
    setText(status, '');
    button.disabled = true;
    f.setAttribute('aria-busy', 'true');
    try {
      const done = await onSubmit(f);
      if (typeof done === 'string') setText(status, done);
    } catch (e) {
      showError(f, fields, alert, e);
    } finally {
      button.disabled = false;
      f.removeAttribute('aria-busy');
    }
  });
  return { form: f, status, alert, button };
}

/** The "Check for news" button of a role's page: runs reload (async), then says so. */
export function newsForm(reload) {
  const f = form({
    label: 'Check for news',
    submit: 'Check for news',
    onSubmit: async () => {
      await reload();
      return 'Up to date.';
    },
  });
  f.button.classList.add('secondary');
  return f;
}

/** An error the page finds before sending anything. */
export class FormError extends Error {
  constructor(field, reason) {
    super(reason);
    this.name = 'FormError';
    this.field = field;
    this.reason = reason;
  }
}

function clearErrors(f, fields, alert) {
  for (const x of fields) {
    x.input.removeAttribute('aria-invalid');
    x.error.hidden = true;
    setText(x.error, '');
  }
  alert.hidden = true;
  setText(alert, '');
}

/** Shows e's reason beside its field (or atop the form) and moves focus there. */
export function showError(f, fields, alert, e) {
  const reason = (e && (e.reason || e.message)) || 'something went wrong';
  const name = e && e.field;
  const target = fields.find((x) => x.input.name === name || (x.aliases || []).includes(name));
  if (target && !(e && e.offline)) {
    target.input.setAttribute('aria-invalid', 'true');
    setText(target.error, reason);
    target.error.hidden = false;
    target.input.focus();
  } else {
    const where = name && !(e && e.offline) ? `${name}: ` : '';
    setText(alert, `${where}${reason}`);
    alert.hidden = false;
    alert.setAttribute('tabindex', '-1');
    alert.focus();
  }
}

/** A page-wide message in the live region of id 'announce' (for screen readers). */
export function announce(text) {
  const r = document.getElementById('announce');
  if (r) setText(r, text);
}

/** A section with a heading of level and an id for skip links. */
export function section(title, { level = 2, id = null, cls = '' } = {}, ...children) {
  const hid = id ? `${id}-title` : uid('h');
  return el(
    'section',
    { id, class: cls || null, 'aria-labelledby': hid },
    el(`h${level}`, { id: hid, text: title }),
    ...children,
  );
}

/** A definition list from [term, description] pairs (descriptions as text or nodes). */
export function dl(pairs) {
  const d = el('dl');
  for (const [t, v] of pairs) append(d, el('dt', { text: t }), el('dd', {}, v));
  return d;
}

/**
 * A table in a box that scrolls sideways on a narrow screen; the box takes focus and
 * has a name, so that keyboard users can scroll it too.
 */
export function scrollTable(label, table) {
  return el(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': label },
    table,
  );
}

/** Offers bytes or text to the user as a downloaded file (no server round trip). */
export function download(name, data, type = 'application/octet-stream') {
  const blob = new Blob([data], { type });
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** The bytes of a file the user picked, bounded. */
export async function readFileBytes(file, max) {
  if (!file) throw new FormError('file', 'choose a file');
  if (file.size > max) throw new FormError('file', `the file is larger than ${max} bytes`);
  return new Uint8Array(await file.arrayBuffer());
}
