// The analysis view of the console: an agenda and 2 to 5 profiles posted to
// POST /v1/analyze, which runs the C engine (`nakodo analyze`) on them. The engine's SVG
// is shown as an <img> of a data: URL, so that whatever it holds can never run a script
// nor reach the page (an image document has no scripts, no events and no network); the
// solution points and the per-issue table come from the JSON and go in as text. A `fix`
// per issue runs the analysis again on the rest.
import { el } from './ui.js';
import { clearErrors, showErrors, errorsOfFailure } from './mediator_form.js';

// The server takes bodies up to 16 MiB on this route (413 beyond); a file's text may grow
// by escaping in JSON, so each file is bounded well below.
export const FILE_MAX = 4 << 20;
const TOTAL_MAX = 12 << 20;
export const PROFILES_MIN = 2;
export const PROFILES_MAX = 5;
const POINTS = [['nash', 'Nash (N)'], ['kalai_smorodinsky', 'Kalai–Smorodinsky (KS)'],
  ['egalitarian', 'egalitarian (E)'], ['utilitarian', 'utilitarian (U)']];

/**
 * The issues of an agenda file, for the fix selectors: [{ name, kind, values?, min?, max? }].
 * Reads nakodo JSON and GENIUS XML; anything else gives [] (the fix then takes text).
 */
export function agendaIssues(text) {
  const t = text.trimStart();
  if (t.startsWith('{')) {
    try {
      const a = JSON.parse(t);
      return (a.issues || []).map((i) => (i.type === 'discrete'
        ? { name: String(i.name), kind: 'discrete', values: i.values.map(String) }
        : { name: String(i.name), kind: i.type, min: i.min, max: i.max }));
    } catch {
      return [];
    }
  }
  if (typeof DOMParser === 'undefined') return [];
  const doc = new DOMParser().parseFromString(t, 'application/xml');
  if (doc.querySelector('parsererror')) return [];
  return [...doc.getElementsByTagName('issue')].map((i) => {
    const items = [...i.getElementsByTagName('item')].map((x) => x.getAttribute('value') ?? '');
    const type = i.getAttribute('type') || i.getAttribute('vtype') || 'discrete';
    const name = i.getAttribute('name') ?? '';
    if (items.length) return { name, kind: 'discrete', values: items };
    return { name, kind: type,
      min: Number(i.getAttribute('lowerbound')), max: Number(i.getAttribute('upperbound')) };
  });
}

/** The data: URL of an SVG text, UTF-8 safe. */
export function svgDataUrl(svg) {
  const bytes = new TextEncoder().encode(svg);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return `data:image/svg+xml;base64,${btoa(bin)}`;
}

function fmt(u) {
  return typeof u === 'number' ? u.toFixed(6) : '—';
}

/**
 * An outcome as text, its issues in the agenda's order (as `nakodo analyze` prints them),
 * not in the JSON object's, whose keys the server sorts.
 */
export function outcomeText(outcome, issues = []) {
  const o = outcome || {};
  const has = (k) => Object.prototype.hasOwnProperty.call(o, k);
  const order = issues.map((i) => String(i.name)).filter(has);
  const rest = Object.keys(o).filter((k) => !order.includes(k));
  return [...order, ...rest].map((k) => `${k} = ${o[k]}`).join('; ');
}

function pointsTable(table, a) {
  const names = a.parties.map((p) => String(p.name));
  const head = el('tr', {}, el('th', { scope: 'col', text: 'point' }),
    ...names.map((n) => el('th', { scope: 'col', text: `utility for ${n}` })),
    el('th', { scope: 'col', text: 'outcome' }));
  const rows = POINTS.map(([key, label]) => {
    const p = a.points?.[key];
    const tr = el('tr', { 'data-point': key }, el('th', { scope: 'row', text: label }));
    if (!p) {
      tr.append(el('td', { colspan: names.length + 1, text: 'no deal zone' }));
      return tr;
    }
    for (const u of p.utilities) {
      tr.append(el('td', { class: 'num', 'data-u': String(u), text: fmt(u) }));
    }
    tr.append(el('td', { text: outcomeText(p.outcome, a.issues) }));
    return tr;
  });
  const res = el('tr', {}, el('th', { scope: 'row', text: 'reservation' }),
    ...a.parties.map((p) => el('td', { class: 'num', text: fmt(p.reservation) })),
    el('td', { text: 'below it a party walks away' }));
  table.replaceChildren(
    el('caption', { text: 'Solution points among the outcomes every party accepts' }),
    el('thead', {}, head), el('tbody', {}, ...rows, res));
}

function issuesTable(table, a) {
  const names = a.parties.map((p) => String(p.name));
  const head = el('tr', {}, el('th', { scope: 'col', text: 'issue' }),
    el('th', { scope: 'col', text: 'values' }), el('th', { scope: 'col', text: 'preferences' }),
    el('th', { scope: 'col', text: 'at Nash' }),
    ...names.map((n) => el('th', { scope: 'col',
      text: `${n}: weight, preferred, concedes at Nash` })));
  const rows = (a.issues || []).map((i) => {
    const fixed = a.fixed && Object.prototype.hasOwnProperty.call(a.fixed, i.name);
    return el('tr', { 'data-issue': i.name }, el('th', { scope: 'row', text: i.name }),
      el('td', { class: 'num', text: String(i.values) }),
      el('td', { text: fixed ? `fixed at ${a.fixed[i.name]}` : String(i.preferences) }),
      el('td', { text: i.at_nash == null ? '—' : String(i.at_nash) }),
      ...(i.parties || []).map((p) => el('td', {
        text: `${fmt(p.weight)}, ${p.preferred}, ${fmt(p.concession_at_nash)}` })));
  });
  table.replaceChildren(el('caption', { text: 'Per issue: each side\'s weight, preferred value '
    + 'and concession at the Nash point' }),
    el('thead', {}, head), el('tbody', {}, ...rows));
}

/** Mounts the view in its section; `api.call` and `api.token()` reach the server. */
export function mountAnalysis(section, api) {
  const form = section.querySelector('#analysis-form');
  const summary = section.querySelector('#analysis-errors');
  const domainInput = section.querySelector('#analysis-domain');
  const profilesInput = section.querySelector('#analysis-profiles');
  const fixSet = section.querySelector('#analysis-fix');
  const fixFields = section.querySelector('#analysis-fix-fields');
  let issues = [];

  async function readFiles() {
    const errors = [];
    const domain = domainInput.files[0];
    const profiles = [...profilesInput.files];
    if (!domain) errors.push({ field: 'domain', reason: 'choose the agenda file' });
    else if (domain.size > FILE_MAX) {
      errors.push({ field: 'domain', reason: 'the file is over 4 MiB' });
    }
    if (profiles.length < PROFILES_MIN || profiles.length > PROFILES_MAX) {
      errors.push({ field: 'profiles', reason: `choose ${PROFILES_MIN} to ${PROFILES_MAX} `
        + `profile files (${profiles.length} chosen)` });
    } else if (profiles.some((f) => f.size > FILE_MAX)) {
      errors.push({ field: 'profiles', reason: 'a profile file is over 4 MiB' });
    } else if (profiles.reduce((n, f) => n + f.size, domain ? domain.size : 0) > TOTAL_MAX) {
      errors.push({ field: 'profiles', reason: 'the files together are over 12 MiB' });
    }
    if (errors.length) return { errors };
    const texts = await Promise.all(profiles.map((f) => f.text()));
    return { domain: await domain.text(), profiles: texts };
  }

  function buildFix() {
    fixFields.replaceChildren();
    issues.forEach((i, n) => {
      const id = `analysis-fix-${n}`;
      let input;
      if (i.kind === 'discrete') {
        input = el('select', { id, 'data-issue': i.name },
          el('option', { value: '', text: '(left open)' }),
          ...i.values.map((v) => el('option', { value: v, text: v })));
      } else {
        input = el('input', { id, type: 'text', inputmode: 'decimal', 'data-issue': i.name,
          autocomplete: 'off', placeholder: `left open (${i.min} to ${i.max})` });
      }
      fixFields.append(el('div', { class: 'field' },
        el('label', { for: id, text: i.name }), input));
    });
    fixSet.hidden = issues.length === 0;
  }

  function fixValues() {
    const fix = {};
    for (const input of fixFields.querySelectorAll('[data-issue]')) {
      const v = input.value.trim();
      if (v !== '') fix[input.dataset.issue] = v;
    }
    return fix;
  }

  domainInput.addEventListener('change', async () => {
    const f = domainInput.files[0];
    issues = f && f.size <= FILE_MAX ? agendaIssues(await f.text()) : [];
    buildFix();
  });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const files = await readFiles();
    if (files.errors) {
      showErrors(form, summary, 'analysis-', files.errors, 'The analysis was not run:');
      return;
    }
    const button = section.querySelector('#analysis-submit');
    button.disabled = true;
    button.textContent = 'Analysing…';
    const r = await api.call('POST', '/v1/analyze', api.token(),
      { domain: files.domain, profiles: files.profiles, fix: fixValues() });
    button.disabled = false;
    button.textContent = 'Analyse';
    if (!r.ok) {
      const where = (f) => (f === 'domain' ? 'domain'
        : /^profiles/.test(f || '') ? 'profiles'
          : /^fix/.test(f || '') || issues.some((i) => i.name === f) ? 'fix' : null);
      showErrors(form, summary, 'analysis-', errorsOfFailure(r, where),
        'The analysis was not run:');
      return;
    }
    clearErrors(form, summary);
    show(r.data);
  });

  function show({ analysis: a, svg }) {
    const fixed = Object.entries(a.fixed || {});
    section.querySelector('#analysis-summary').textContent = `${a.agenda}: ${a.outcomes} outcomes, `
      + `${a.frontier.length} frontier points, ${a.acceptable_points} acceptable to every party`
      + `${a.deal_zone ? '' : ' (no deal zone)'}`
      + (fixed.length ? `; fixed: ${fixed.map(([k, v]) => `${k} = ${v}`).join(', ')}` : '');
    const img = section.querySelector('#analysis-plot');
    img.src = svgDataUrl(svg);
    const pts = POINTS.filter(([k]) => a.points?.[k])
      .map(([k, label]) => `${label} at ${a.points[k].utilities.map(fmt).join(' / ')}`);
    img.alt = `Pareto frontier of ${a.parties.map((p) => p.name).join(' and ')}: `
      + `${a.frontier.length} points. ${pts.join('; ') || 'No deal zone.'} `
      + 'The tables below give the figures.';
    section.querySelector('#analysis-caption').textContent = 'Drawn by the server\'s engine, '
      + 'as nakodo analyze --svg draws it: grey points fall below a reservation, the green '
      + 'area is the deal zone.';
    pointsTable(section.querySelector('#analysis-points'), a);
    issuesTable(section.querySelector('#analysis-issues'), a);
    const result = section.querySelector('#analysis-result');
    result.hidden = false;
    result.focus();
  }
}
