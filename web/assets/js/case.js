// The entry of /case/{id}, the page an invitation link opens
// (http://HOST:PORT/case/CASE#token=TOKEN). The token came in the fragment, which no
// server, proxy or Referer ever sees; it moves into this tab's sessionStorage (per case)
// and out of the address bar at once. Then the briefing says the role, and the page
// hands over to the party's view, the mediator's or a principal's (principal.js).
import { Api, ApiError, ROLES } from './api.js';
import { ready } from './crypto.js';
import { el, replace, section } from './ui.js';
import * as party from './party.js';
import { joinedKey, keyFileKey, linkKey, roleKey, tokenKey, tradedKey } from './session.js';
import * as mediator from './mediator_case.js';
import * as neutral from './neutral.js';
import * as principal from './principal.js';

const TOKEN = /^[0-9a-f]{64}$/;
const CASE_ID = /^[A-Za-z0-9_-]{1,63}$/;

// The footer says what reaches the go-between; in a blind case that is no figure at all,
// and the words for other cases ("a party's figure reaches the go-between only to apply
// the case's rules") would tell a blind case's party the opposite of the truth.
const BLIND_FOOTER = 'Keys are made, and messages sealed and opened, in this browser: the '
  + 'server never sees a secret key or a message\'s text. This case is blind: each party\'s '
  + 'figure stays on its own machine, whose nakodo command computes the rounds with the other '
  + 'side\'s; the go-between relays messages it cannot read and never holds a figure.';

/** Sets the page's footer for the case's rules (Api.onRules, on every briefing). */
export function footerFor(rules) {
  const p = typeof document !== 'undefined' && document.querySelector('footer.site p');
  if (p && rules && rules.blind === true && p.textContent !== BLIND_FOOTER) {
    p.textContent = BLIND_FOOTER;
  }
}

/** The case id of a /case/ID path, or null. */
export function caseIdOf(pathname) {
  const m = /^\/case\/([^/]+)\/?$/.exec(pathname);
  return m && CASE_ID.test(m[1]) ? m[1] : null;
}

/**
 * Takes token=… out of the fragment and the address bar, then trades it for a fresh
 * token (POST …/token/rotate). The browser wrote the whole link into its profile
 * (history, session files) before any script ran; once traded, the token written there
 * is dead: an invitation link opens once. Until the answer comes the link's token waits
 * in sessionStorage, so that a reload after a lost connection tries again. A role that
 * has joined cannot trade its token without its key, and needs not: its token alone
 * does nothing. What is kept is kept by case and role (session.js). Returns {token,
 * role} of the tab's role on the case (both null when there is none; joined when the
 * server said the role has joined), or {used: true} when the link's token is dead and
 * this tab holds no token for the case.
 */
export async function takeToken(caseId) {
  const frag = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromLink = frag.get('token');
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  if (fromLink && TOKEN.test(fromLink)) sessionStorage.setItem(linkKey(caseId), fromLink);
  const link = sessionStorage.getItem(linkKey(caseId));
  const current = () => {
    const role = sessionStorage.getItem(roleKey(caseId));
    const token = ROLES.includes(role) ? sessionStorage.getItem(tokenKey(caseId, role)) : null;
    return { used: false, token, role: token ? role : null };
  };
  if (!link) return current();
  let got = null;
  try {
    got = await new Api({ token: link, caseId }).rotate();
  } catch (e) {
    if (!(e instanceof ApiError) || e.offline) throw e;
    if (e.needsKey && ROLES.includes(e.role)) got = { token: link, role: e.role, joined: true };
    else if (e.status !== 401) throw e;
  }
  sessionStorage.removeItem(linkKey(caseId));
  if (got) {
    sessionStorage.setItem(roleKey(caseId), got.role);
    sessionStorage.setItem(tokenKey(caseId, got.role), got.token);
    if (!got.joined) sessionStorage.setItem(tradedKey(caseId, got.role), link.slice(0, 16));
    return { used: false, token: got.token, role: got.role, joined: !!got.joined };
  }
  // the link's token is dead; the link was opened before in this tab, which holds the
  // role's token since (the role it was traded for), or it was not, and it is used up
  const tag = link.slice(0, 16);
  const again = ROLES.find((r) => sessionStorage.getItem(tradedKey(caseId, r)) === tag);
  if (again) sessionStorage.setItem(roleKey(caseId), again);
  const held = again ? current() : { token: null };
  return held.token ? held : { used: true, token: null, role: null };
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
  const taken = await takeToken(caseId);
  if (taken.used) {
    fail(
      root,
      'This invitation no longer works',
      'An invitation link opens once: this one was opened before (in this browser or ' +
        'another), or the mediator revoked or replaced it. If it was not you who opened ' +
        'it, tell the mediator. Ask the mediator for a new invitation link.',
    );
    return;
  }
  const { token, role: tabRole } = taken;
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
  api.onRules = footerFor;
  let brief = null;
  let role = null;
  // A role that joined in this tab noted it (and a party kept its sealed key file): its
  // reads must be signed, so the page asks for the key before the first one rather than
  // provoke the server's 401.
  if (tabRole && sessionStorage.getItem(joinedKey(caseId, tabRole))) {
    api.role = tabRole;
    api.joined = true;
    if (tabRole === 'mediator') {
      mediator.mount(root, { api, caseId, role: tabRole, brief: null });
      return;
    }
    if (tabRole.endsWith('-principal')) {
      principal.mount(root, { api, caseId, role: tabRole, brief: null });
      return;
    }
    if (sessionStorage.getItem(keyFileKey(caseId, tabRole))) {
      const view = /^neutral-/.test(tabRole) ? neutral : party;
      view.mount(root, { api, caseId, role: tabRole, brief: null });
      return;
    }
    api.role = null;
    api.joined = false;
  }
  try {
    if (taken.joined) {
      // the server said so already: its reads need the key, which the page asks first
      throw new ApiError({ status: 401, field: 'signature', role: tabRole, reason: '' });
    }
    brief = await api.brief();
    role = brief.viewer || brief.role;
  } catch (e) {
    if (e instanceof ApiError && e.needsKey && e.role) {
      role = e.role;
      api.role = role;
      api.joined = true;
    } else if (e instanceof ApiError && e.status === 409 && e.field === 'role'
      && /^neutral-|-principal$/.test(tabRole || '')) {
      // a neutral's or a principal's token alone reads nothing until it has joined with
      // its own key (the opener holds that token too): its page asks for the key first
      role = tabRole;
      api.role = role;
    } else if (e instanceof ApiError && e.status === 401) {
      if (tabRole) sessionStorage.removeItem(tokenKey(caseId, tabRole));
      fail(
        root,
        'This invitation no longer works',
        'The go-between does not know this invitation: it was revoked or replaced by a ' +
          'new one. Ask the mediator for a new invitation link.',
      );
      return;
    } else {
      fail(root, 'The case could not be opened', e.reason || e.message);
      return;
    }
  }
  const ctx = { api, caseId, role, brief };
  if (role === 'mediator') mediator.mount(root, ctx);
  else if (/^neutral-/.test(role)) neutral.mount(root, ctx);
  else if (role.endsWith('-principal')) principal.mount(root, ctx);
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
