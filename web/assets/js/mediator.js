// The mediator's console at `/`: the operator token (this tab's sessionStorage only,
// never localStorage: it must not outlive the tab nor reach another), the list of
// cases with their states (GET /v1/cases/overview, a page at a time), the form that
// opens a case under every rule `nakodo case new` takes, the invitation links, and the
// analysis view (analysis.js).
import {
  CURRENCIES, rulesFromForm, frameFromForm, inputForField, invitationLink, describeRules,
  parseTitle,
} from './opencase.js';
import { el } from './ui.js';
import { clearErrors, showErrors, errorsOfFailure } from './mediator_form.js';
import { mountAnalysis } from './analysis.js';
import { wireJson } from './wire.js';

const TOKEN_KEY = 'nakodo.operator';
// Cases this tab opened: id → { kind, mediator token }, so that the list can offer the
// mediator's page of each until it is opened: a link opens once (its page trades the
// token for a fresh one), so the token is dropped here when its link is followed. Only
// the mediator's token is kept (the parties' are shown once and dropped).
const OPENED_KEY = 'nakodo.console.opened';
const TOKEN_RE = /^[0-9a-f]{64}$/;
const PAGE = 20;		// cases in a page of the list
// The list's pages: the cursor (`after`) of each page from the newest down to the one
// shown (the last); '' is the newest page.
let cursors = [''];

const $ = (id) => document.getElementById(id);

/**
 * One call to the API: resolves { ok, status, data } or { ok: false, status, problem },
 * or { ok: false, offline: true } when the server could not be reached.
 */
export async function call(method, path, token, body) {
  const headers = { Authorization: `Bearer ${token}` };
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = typeof body === 'string' ? body : wireJson(body);
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload, cache: 'no-store',
      credentials: 'omit', referrerPolicy: 'no-referrer' });
  } catch {
    return { ok: false, offline: true };
  }
  const type = res.headers.get('Content-Type') || '';
  let data = null;
  try {
    data = type.includes('json') ? await res.json() : await res.text();
  } catch {
    data = null;
  }
  if (res.ok) return { ok: true, status: res.status, data };
  return { ok: false, status: res.status, problem: type.includes('problem+json') ? data : null };
}

function status(text) {
  $('console-status').textContent = text;
}

function operatorToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

function openedCases() {
  try {
    return JSON.parse(sessionStorage.getItem(OPENED_KEY) || '{}');
  } catch {
    return {};
  }
}

function rememberOpened(id, kind, mediatorToken) {
  const all = openedCases();
  all[id] = { kind, mediator: mediatorToken };
  sessionStorage.setItem(OPENED_KEY, JSON.stringify(all));
}

// The mediator's link was followed: its token is traded by the page it opened, so the
// one kept here no longer works.
function forgetOpened(id) {
  const all = openedCases();
  delete all[id];
  sessionStorage.setItem(OPENED_KEY, JSON.stringify(all));
}

function overviewPath(after) {
  return `/v1/cases/overview?limit=${PAGE}${after ? `&after=${encodeURIComponent(after)}` : ''}`;
}

// --- operator token -------------------------------------------------------------------

async function useToken(ev) {
  ev.preventDefault();
  const form = $('operator-form');
  const input = $('operator-token');
  // a paste from the terminal may bring spaces or the whole 'operator token: …' line
  const token = input.value.trim().replace(/^operator token:\s*/i, '').toLowerCase();
  if (!TOKEN_RE.test(token)) {
    showErrors(form, null, 'operator-', [{ field: 'token', reason: token === ''
      ? 'the token is empty' : 'a token is 64 hexadecimal digits (0-9, a-f)' }]);
    input.focus();
    return;
  }
  cursors = [''];
  const r = await call('GET', overviewPath(''), token);
  if (!r.ok) {
    const why = r.offline || r.status === 503 ? errorsOfFailure(r)[0].reason
      : r.status === 401 ? 'this token is not known to the server'
        : r.status === 403 ? 'this is not the operator\'s token (a case token opens its own link)'
          : errorsOfFailure(r)[0].reason;
    showErrors(form, null, 'operator-', [{ field: 'token', reason: why }]);
    input.focus();
    return;
  }
  clearErrors(form);
  sessionStorage.setItem(TOKEN_KEY, token);
  input.value = '';
  enterConsole(r.data);
}

function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(OPENED_KEY);
  $('console-body').hidden = true;
  $('operator').hidden = false;
  $('opened-links').replaceChildren();
  $('opened').hidden = true;
  status('The operator token is forgotten in this tab.');
  $('operator-token').focus();
}

function enterConsole(list) {
  $('operator').hidden = true;
  $('console-body').hidden = false;
  status('Signed in with the operator token.');
  showCases(list);
}

// --- the case list --------------------------------------------------------------------

async function refreshCases() {
  const r = await call('GET', overviewPath(cursors[cursors.length - 1]), operatorToken());
  if (!r.ok && r.status === 404 && cursors.length > 1) {
    cursors = [''];		// the page's first case is gone (another database?): restart
    return refreshCases();
  }
  if (!r.ok) {
    status(`The list could not be read: ${errorsOfFailure(r)[0].reason}`);
    return;
  }
  showCases(r.data);
  status('The list of cases is up to date.');
}

function olderCases() {
  const next = $('cases-older').dataset.next;
  if (!next) return;
  cursors.push(next);
  refreshCases();
}

function newerCases() {
  if (cursors.length > 1) cursors.pop();
  refreshCases();
}

const when = (ms) => (Number.isSafeInteger(ms) && ms > 0
  ? new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—');

function mediatorCell(id) {
  const mine = openedCases()[id];
  if (!mine) return el('td', { text: '—' });
  const link = el('a', { href: invitationLink(location.origin, id, mine.mediator),
    target: '_blank', rel: 'noopener noreferrer', text: 'open as mediator' });
  const cell = el('td', {}, link);
  link.addEventListener('click', () => {
    forgetOpened(id);
    // after the navigation has taken the link
    setTimeout(() => cell.replaceChildren('opened (its link opens once)'), 0);
  });
  return cell;
}

function showCases(page) {
  const cases = Array.isArray(page?.cases) ? page.cases : [];
  const body = $('cases-table').tBodies[0];
  body.replaceChildren();
  for (const c of cases) {
    if (!c || typeof c.case !== 'string') continue;
    body.append(el('tr', {}, el('th', { scope: 'row' }, el('code', { text: c.case })),
      el('td', { text: String(c.kind ?? '—') }),
      el('td', { text: String(c.state ?? '—') }),
      el('td', { text: `${c.round} of ${c.rounds}` }),
      el('td', { text: String(c.currency ?? '—') }),
      el('td', { text: when(c.created_ms) }),
      el('td', { text: when(c.changed_ms) }),
      mediatorCell(c.case)));
  }
  $('cases-empty').hidden = cases.length > 0 || cursors.length > 1;
  const older = $('cases-older');
  older.disabled = typeof page?.next !== 'string';
  older.dataset.next = typeof page?.next === 'string' ? page.next : '';
  $('cases-newer').disabled = cursors.length <= 1;
  $('cases-page').textContent = cases.length === 0 ? ''
    : `Page ${cursors.length}: ${cases.length} case${cases.length === 1 ? '' : 's'}`;
}

// --- opening a case -------------------------------------------------------------------

function formValues(form) {
  const f = new FormData(form);
  const v = {};
  for (const name of ['kind', 'currency', 'rounds', 'settle', 'band_percent', 'band_amount',
    'grid', 'hints', 'range_low', 'range_high', 'leakage_bits', 'proposals', 'solution',
    'title', 'round_time', 'round_time_unit', 'deadline', 'bridge', 'package_deadline']) {
    v[name] = f.get(name) ?? '';
  }
  v.monotone = f.get('monotone') !== null;
  v.improvements = f.get('improvements') !== null;
  v.components = f.getAll('components');
  return v;
}

// The form's error paragraphs carry the input's field name; range_low/high share one.
function fieldId(field) {
  return { leakage_bits: 'leakage', band_percent: 'band-percent', band_amount: 'band-amount',
    range: 'range', round_time: 'round-time', package_deadline: 'package-deadline' }[field]
    ?? field;
}

function showKind() {
  const pkg = $('open-form').elements.kind.value === 'package';
  $('open-figures').hidden = pkg;
  $('open-package').hidden = !pkg;
  $('open-band').hidden = pkg || $('open-settle').value !== 'band';
}

async function openCase(ev) {
  ev.preventDefault();
  const form = $('open-form');
  const summary = $('open-errors');
  const v = formValues(form);
  const built = v.kind === 'package' ? frameFromForm(v) : rulesFromForm(v);
  const title = parseTitle(v.title);
  if (title.error) built.errors = [{ field: 'title', reason: title.error }, ...built.errors ?? []];
  if (built.errors) {
    const errors = built.errors.map((e) => ({ ...e, field: fieldId(e.field) }));
    showErrors(form, summary, 'open-', errors);
    return;
  }
  const body = wireJson({ ...(built.rules ? { rules: built.rules } : { package: built.frame }),
    ...(title.value === null ? {} : { title: title.value }) });
  const button = $('open-submit');
  button.disabled = true;
  status('Opening the case…');
  const r = await call('POST', '/v1/cases', operatorToken(), body);
  button.disabled = false;
  if (!r.ok) {
    status('The case was not opened.');
    showErrors(form, summary, 'open-', errorsOfFailure(r, (f) => {
      const i = inputForField(f);
      // a package's deadline has its own input in the frame's fieldset
      return i ? fieldId(built.frame && i === 'deadline' ? 'package_deadline' : i) : null;
    }), 'The case was not opened:');
    return;
  }
  clearErrors(form, summary);
  // the bridge's budget is not kept on the page once the case holds it sealed
  form.elements.bridge.value = '';
  const kind = built.rules ? 'figures' : 'package';
  rememberOpened(r.data.case, kind, r.data.tokens.mediator);
  showOpened(r.data, kind);
  cursors = [''];		// the new case is the newest
  refreshCases();
}

function showOpened(answer, kind) {
  const id = answer.case;
  const summary = $('opened-summary');
  summary.replaceChildren(el('dt', { text: 'Case' }), el('dd', {}, el('code', { text: id })),
    el('dt', { text: 'Kind' }), el('dd', { text: kind }));
  if (typeof answer.title === 'string') {
    summary.append(el('dt', { text: 'Title' }),
      el('dd', { id: 'opened-title', text: answer.title }));
  }
  for (const [k, val] of describeRules(answer.rules ?? answer.frame)) {
    summary.append(el('dt', { text: k }), el('dd', { text: val }));
  }
  const list = $('opened-links');
  list.replaceChildren();
  for (const role of ['claimant', 'payer', 'mediator']) {
    const link = answer.links?.[role] ?? invitationLink(location.origin, id, answer.tokens[role]);
    const inputId = `link-${role}`;
    const field = el('input', { id: inputId, type: 'text', readonly: true, value: link,
      class: 'link', spellcheck: 'false', autocomplete: 'off' });
    const copy = el('button', { type: 'button', class: 'copy', 'data-role': role,
      text: `Copy the ${role}'s link` });
    copy.addEventListener('click', () => copyLink(field, role));
    const item = el('li', { 'data-role': role },
      el('label', { for: inputId, text: role === 'mediator'
        ? 'The mediator\'s link (yours: the case page)' : `The ${role}'s invitation link` }),
      field, copy);
    if (role === 'mediator') {
      const open = el('a', { href: link, target: '_blank', rel: 'noopener noreferrer',
        class: 'button', text: 'Open the case page as mediator' });
      // the page it opens trades the token: this tab's copy is dead from then on
      open.addEventListener('click', () => {
        forgetOpened(id);
        setTimeout(refreshCases, 0);
      });
      item.append(open);
    }
    list.append(item);
  }
  $('copy-status').textContent = '';
  $('opened').hidden = false;
  $('opened').focus();
}

async function copyLink(field, role) {
  const note = $('copy-status');
  try {
    if (!navigator.clipboard || !window.isSecureContext) throw new Error('no clipboard');
    await navigator.clipboard.writeText(field.value);
    note.textContent = `The ${role}'s link is copied.`;
  } catch {
    // No Clipboard API (plain http on another host than localhost, or refused): the
    // link is selected in its field, to copy with the keyboard.
    field.focus();
    field.select();
    note.textContent = `Copying is not allowed here: the ${role}'s link is selected in its `
      + 'field; press Ctrl+C (or ⌘C) to copy it.';
  }
}

// --- start ----------------------------------------------------------------------------

function start() {
  const sel = $('open-currency');
  for (const c of CURRENCIES) {
    sel.append(el('option', { value: c.code, text: `${c.code} (${c.name})` }));
  }
  $('operator-form').addEventListener('submit', useToken);
  $('operator-forget').addEventListener('click', forgetToken);
  $('cases-refresh').addEventListener('click', refreshCases);
  $('cases-older').addEventListener('click', olderCases);
  $('cases-newer').addEventListener('click', newerCases);
  const form = $('open-form');
  form.addEventListener('submit', openCase);
  for (const r of form.elements.kind) r.addEventListener('change', showKind);
  $('open-settle').addEventListener('change', showKind);
  showKind();
  mountAnalysis(document.getElementById('analysis'), { call, token: operatorToken });
  const token = operatorToken();
  if (token) {
    call('GET', overviewPath(''), token).then((r) => {
      if (r.ok) enterConsole(r.data);
      else if (r.status === 401 || r.status === 403) forgetToken();
      else status(`The server could not be reached: ${errorsOfFailure(r)[0].reason}`);
    });
  } else {
    $('operator-token').focus();
  }
}

start();
