// The entry of /case/{id}, the page an invitation link opens
// (http://HOST:PORT/case/CASE#token=TOKEN). The token came in the fragment, which no
// server, proxy or Referer ever sees; it moves into this tab's sessionStorage (per case)
// and out of the address bar at once. Then the briefing says the role, and the page
// hands over to the party's view or the mediator's.
import { Api, ApiError } from './api.js';
import { ready } from './crypto.js';
import { el, replace, section } from './ui.js';
import * as party from './party.js';
import { joinedKey, keyFileKey } from './party.js';
import * as mediator from './mediator_case.js';

const TOKEN = /^[0-9a-f]{64}$/;
const CASE_ID = /^[A-Za-z0-9_-]{1,63}$/;

export function tokenKey(caseId) {
  return `nakodo:token:${caseId}`;
}

/** The case id of a /case/ID path, or null. */
export function caseIdOf(pathname) {
  const m = /^\/case\/([^/]+)\/?$/.exec(pathname);
  return m && CASE_ID.test(m[1]) ? m[1] : null;
}

/**
 * Takes token=… out of the fragment into sessionStorage and the address bar back to
 * the bare path; returns the token for the case (the fragment's, else the stored one).
 */
export function takeToken(caseId) {
  const frag = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromLink = frag.get('token');
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  if (fromLink && TOKEN.test(fromLink)) sessionStorage.setItem(tokenKey(caseId), fromLink);
  return sessionStorage.getItem(tokenKey(caseId));
}

function fail(root, title, text) {
  replace(
    root,
    el('h1', { id: 'case-title', text: title }),
    el('p', { class: 'problem', role: 'alert', text }),
  );
}

async function main() {
  const root = document.getElementById('main');
  const caseId = caseIdOf(location.pathname);
  if (!caseId) {
    history.replaceState(null, '', location.pathname);
    fail(
      root,
      'No such case',
      'This address names no case. Open the invitation link you were sent.',
    );
    return;
  }
  const token = takeToken(caseId);
  if (!token) {
    fail(
      root,
      'An invitation is needed',
      'This page opens a case from its invitation link, which ends in #token=…. ' +
        'Open the whole link you were sent, in this tab.',
    );
    return;
  }
  await ready();
  const api = new Api({ token, caseId });
  let brief = null;
  let role = null;
  // A party that joined in this tab kept its sealed key file here: its reads must be
  // signed, so the page asks for the passphrase before the first one rather than
  // provoke the server's 401.
  const joinedAs = sessionStorage.getItem(joinedKey(caseId));
  if (
    (joinedAs === 'claimant' || joinedAs === 'payer') &&
    sessionStorage.getItem(keyFileKey(caseId))
  ) {
    api.role = joinedAs;
    api.joined = true;
    party.mount(root, { api, caseId, role: joinedAs, brief: null });
    return;
  }
  try {
    brief = await api.brief();
    role = brief.role;
  } catch (e) {
    if (e instanceof ApiError && e.needsKey && e.role) {
      role = e.role;
      api.role = role;
      api.joined = true;
    } else if (e instanceof ApiError && e.status === 401) {
      sessionStorage.removeItem(tokenKey(caseId));
      fail(
        root,
        'This invitation no longer works',
        'The go-between does not know this link: it was revoked or replaced by a new one. ' +
          'Ask the mediator for a new invitation link.',
      );
      return;
    } else {
      fail(root, 'The case could not be opened', e.reason || e.message);
      return;
    }
  }
  const ctx = { api, caseId, role, brief };
  if (role === 'mediator') mediator.mount(root, ctx);
  else party.mount(root, ctx);
}

if (typeof document !== 'undefined' && document.getElementById('main')) {
  main().catch((e) => {
    const root = document.getElementById('main');
    replace(
      root,
      section(
        'The page failed',
        { level: 1, id: 'failure' },
        el('p', { role: 'alert', text: e && e.message ? e.message : String(e) }),
      ),
    );
  });
}
