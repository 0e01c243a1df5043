// The HTTP API (doc/api.md) from the pages: bearer token, JSON bodies, and a joined
// role's signatures made exactly as the CLI makes them (src/cli/signed.c, remote.c):
// actions carry "request" and "signature" in their body, reads the Nakodo-Request and
// Nakodo-Signature headers. Refusals come back as ApiError with the problem's field and
// reason; a lost connection or a 503 as ApiError with offline set, so that a form can
// say so and keep what was typed.
import {
  actionStatement,
  canonicalJson,
  joinStatement,
  readBody,
  toBase64,
  toHex,
  utf8,
  ready,
} from './crypto.js';
import { wireJson } from './wire.js';

export class ApiError extends Error {
  constructor({
    status = 0,
    type = '',
    field = '',
    reason,
    title = '',
    role = '',
    offline = false,
  }) {
    super(reason);
    this.name = 'ApiError';
    this.status = status;
    this.type = type;
    this.field = field;
    this.reason = reason;
    this.title = title;
    this.role = role;
    this.offline = offline;
  }

  /** A joined role's request that lacked its signature: the page must open the key. */
  get needsKey() {
    return this.status === 401 && this.field === 'signature';
  }
}

const EMPTY = new Uint8Array(0);

/** Every role a token may hold: the parties, the mediator and their principals. */
// neutral-1 .. neutral-5 only in a case with neutral evaluation, the principals only in a
// case with principals (doc/toolkit.md)
export const ROLES = ['claimant', 'payer', 'mediator', 'claimant-principal', 'payer-principal',
  'neutral-1', 'neutral-2', 'neutral-3', 'neutral-4', 'neutral-5'];

/** The path of a case's route: /v1/cases/ID/rest. */
export function casePath(caseId, rest = '') {
  return `/v1/cases/${encodeURIComponent(caseId)}${rest ? `/${rest}` : ''}`;
}

async function problemOf(res) {
  const type = res.headers.get('Content-Type') || '';
  let doc = null;
  if (type.startsWith('application/problem+json') || type.startsWith('application/json')) {
    try {
      doc = await res.json();
    } catch {
      doc = null;
    }
  }
  if (res.status === 503) {
    return new ApiError({
      status: 503,
      offline: true,
      field: doc?.field || '',
      reason:
        'the go-between is not answering just now; nothing you typed is lost: try again shortly',
    });
  }
  if (doc && typeof doc === 'object') {
    const t = typeof doc.type === 'string' ? doc.type.replace(/^urn:nakodo:problem:/, '') : '';
    return new ApiError({
      status: res.status,
      type: t,
      field: typeof doc.field === 'string' ? doc.field : '',
      reason: typeof doc.detail === 'string' ? doc.detail : doc.title || `HTTP ${res.status}`,
      title: typeof doc.title === 'string' ? doc.title : '',
      role: doc.role || '',
    });
  }
  return new ApiError({ status: res.status, reason: `the server answered HTTP ${res.status}` });
}

export class Api {
  /**
   * token: the bearer token (an invitation's, the operator's); caseId: the case this
   * client acts on (null for the operator's routes); base: the server's origin ('' =
   * this page's).
   */
  constructor({ token, caseId = null, base = '', fetchImpl = null }) {
    this.token = token;
    this.caseId = caseId;
    this.base = base;
    this.fetch = fetchImpl || ((...a) => globalThis.fetch(...a));
    this.key = null;
    this.role = null;
    this.joined = false;
    this.lastRequest = 0;
    this.lastRead = 0;
    this.unsure = false;
    this.queue = Promise.resolve();
  }

  /** The role's key (keys.js PartyKey), used to sign once the role has joined. */
  setKey(key) {
    this.key = key;
  }

  /** Learns role, whether it joined and its last request number from a briefing. */
  observe(brief) {
    if (!brief || typeof brief !== 'object') return brief;
    // the pages sign and seal for brief.case and brief.role: an answer for another case
    // or role than this client's is refused, not taken
    if (this.caseId && 'case' in brief && brief.case !== this.caseId) {
      throw new ApiError({ reason: 'the go-between answered for another case' });
    }
    // a principal is shown its party's briefing: it signs as the viewer it names
    const me = brief.viewer || brief.role;
    if (this.role && me && me !== this.role) {
      throw new ApiError({ reason: 'the go-between answered for another role' });
    }
    if (me) this.role = me;
    if (brief.rules && typeof this.onRules === 'function') this.onRules(brief.rules);
    if (brief.keys && this.role && brief.keys[this.role]) this.joined = true;
    if (Number.isSafeInteger(brief.last_request) && brief.last_request > this.lastRequest) {
      this.lastRequest = brief.last_request;
    }
    return brief;
  }

  /** Whether requests must be signed and can be. */
  get signing() {
    return this.joined && this.key !== null;
  }

  // The read signature's number: the clock in ms, above the last one sent, since the
  // server takes a role's reads only at rising times (doc/api.md, "Signed reads").
  readNumber() {
    const now = Date.now();
    this.lastRead = now > this.lastRead ? now : this.lastRead + 1;
    return this.lastRead;
  }

  /**
   * One request. opts: json (an object, sent as the body), raw (a Uint8Array body),
   * text (answer as text), signRead (sign with the read headers when joined).
   * Returns the parsed answer or throws ApiError.
   */
  call(method, path, opts = {}) {
    // One request at a time: a role's signed reads must reach the server in the order
    // of their numbers, and a signed action's number follows the one before.
    const run = this.queue.then(() => this.send(method, path, opts));
    this.queue = run.catch(() => {});
    return run;
  }

  async send(method, path, { json, text = false, signRead = true } = {}) {
    const headers = { Authorization: `Bearer ${this.token}` };
    let body;
    if (json !== undefined) {
      body = wireJson(json); // fixed widths: its length tells no figure
      headers['Content-Type'] = 'application/json';
    }
    if (signRead && this.signing && this.caseId && json === undefined) {
      await ready();
      const n = this.readNumber();
      const stmt = actionStatement(
        this.caseId,
        this.role,
        n,
        'read',
        readBody(method, path, body === undefined ? EMPTY : utf8(body)),
      );
      headers['Nakodo-Request'] = String(n);
      headers['Nakodo-Signature'] = toHex(this.key.sign(stmt));
    }
    let res;
    try {
      res = await this.fetch(this.base + path, {
        method,
        headers,
        body,
        cache: 'no-store',
        credentials: 'omit',
        redirect: 'error',
        referrerPolicy: 'no-referrer',
      });
    } catch {
      throw new ApiError({
        offline: true,
        reason:
          'the connection to the go-between was lost; nothing you typed ' +
          'is lost: check the connection and try again',
      });
    }
    if (!res.ok) throw await problemOf(res);
    if (text) return res.text();
    const answer = await res.json();
    return answer;
  }

  /**
   * Trades this client's token for a fresh one (POST …/token/rotate): the old one stops
   * working at once. An invitation link's page does it first, so that the token the
   * browser wrote into its history with the link is dead (an invitation link opens once).
   */
  async rotate() {
    const answer = await this.call('POST', casePath(this.caseId, 'token/rotate'));
    if (!answer || typeof answer.token !== 'string' || !/^[0-9a-f]{64}$/.test(answer.token)
      || !ROLES.includes(answer.role)
      || (this.caseId && answer.case !== this.caseId)) {
      throw new ApiError({ reason: 'the go-between answered without a new token' });
    }
    this.token = answer.token;
    return { token: answer.token, role: answer.role };
  }

  /** The caller's briefing (signed once joined). */
  async brief() {
    return this.observe(await this.call('GET', casePath(this.caseId, 'brief')));
  }

  /**
   * A state-changing action: members are the action's own (amount, round, accept);
   * signed over their canonical body when the role has joined (doc/formats.md, "Signed
   * request body"). route: figures, extensions, answers, proposals, close, deposit.
   */
  async act(action, route, members, { method = 'POST', signedBody = null } = {}) {
    const body = { ...members };
    if (this.joined) {
      if (!this.key) {
        throw new ApiError({
          status: 401,
          field: 'signature',
          role: this.role,
          reason: `the ${this.role} has joined this case with a key: open it to act`,
        });
      }
      await ready();
      // After a lost answer (or a number the server says it used) the last request may
      // have landed: learn the role's last number from a briefing before signing again,
      // else the retry reuses it and is refused as a replay, and so is every action after.
      if (this.unsure) {
        await this.brief();
        this.unsure = false;
      }
      const n = this.lastRequest + 1;
      const bytes = signedBody || utf8(canonicalJson(members));
      const sig = this.key.sign(actionStatement(this.caseId, this.role, n, action, bytes));
      body.request = n;
      body.signature = toHex(sig);
      let answer;
      try {
        answer = await this.call(method, casePath(this.caseId, route), { json: body });
      } catch (e) {
        if (e instanceof ApiError && (e.offline || e.field === 'request')) this.unsure = true;
        throw e;
      }
      this.lastRequest = n;
      return this.observe(answer);
    }
    return this.observe(await this.call(method, casePath(this.caseId, route), { json: body }));
  }

  /** A figure for round (bound to it, as --round does). */
  submit(amount, round) {
    return this.act('submit', 'figures', { amount, round });
  }

  /**
   * A neutral's fair figure: its body names no round, and its signature covers what the
   * go-between signs a figure over, {"amount", "round"} with the round 0 (src/case/request.c).
   */
  fair(amount) {
    return this.act('submit', 'figures', { amount },
      { signedBody: utf8(canonicalJson({ amount, round: 0 })) });
  }

  extend(amount) {
    return this.act('extend', 'extensions', { amount });
  }

  /** An open proposal for round (doc/toolkit.md, "Open proposals"). */
  announce(amount, round) {
    return this.act('announce', 'announcements', { amount, round });
  }

  answer(accept) {
    return this.act('answer', 'answers', { accept: !!accept });
  }

  /** A principal's approval (or rejection) of its party's draft number draft. */
  approve(accept, draft) {
    return this.act('approve', 'approve', { accept: !!accept, draft });
  }

  propose(amount) {
    return this.act('propose', 'proposals', { amount });
  }

  close() {
    return this.act('close', 'close', {});
  }

  /**
   * A party endorses role's joined key (its signing key, hex): its principal's or a
   * neutral's, once it compared the safety number (doc/security.md, "Endorsement").
   */
  endorse(role, key) {
    return this.act('endorse', 'endorsements', { role, key });
  }

  /** Registers key for the token's role: the join statement signed in the browser. */
  async join(key, role) {
    await ready();
    const sig = key.sign(joinStatement(this.caseId, role, key.signPk, key.sealPk));
    const id = key.identity();
    const answer = await this.call('POST', casePath(this.caseId, 'join'), {
      json: { sign: id.sign, seal: id.seal, signature: toHex(sig) },
    });
    this.setKey(key);
    // joined now, whatever the answer holds (a principal not yet endorsed is told only
    // that it joined, with no keys): its next requests must be signed
    this.joined = true;
    return this.observe(answer);
  }

  /** Posts a sealed envelope (bytes) as a message or a deposit, signed over its bytes. */
  async postEnvelope(kind, envelope) {
    const route = kind === 'deposit' ? 'deposit' : 'messages';
    const action = kind === 'deposit' ? 'deposit' : 'send';
    return this.act(action, route, { envelope: toBase64(envelope) }, { signedBody: envelope });
  }

  withdraw() {
    return this.act('withdraw', 'deposit', {}, { method: 'DELETE' });
  }

  /** Every item of the caller's inbox, page after page. */
  async inbox() {
    const items = [];
    let after = 0;
    let deposit = null;
    for (let pages = 0; pages < 1000; pages++) {
      const q = after ? `?after=${after}` : '';
      const page = await this.call('GET', casePath(this.caseId, 'messages') + q);
      items.push(...page.items);
      deposit = page.deposit;
      if (!page.more || page.items.length === 0) break;
      after = page.items[page.items.length - 1].index;
    }
    return { items, deposit };
  }

  /**
   * The receipt of an ended case, as text: the file, without the spaces the server sends
   * after it so that its settlement's digits do not set the answer's length (doc/api.md,
   * "Fixed widths").
   */
  async receipt() {
    const text = await this.call('GET', casePath(this.caseId, 'receipt'), { text: true });
    return text.replace(/ +$/, '');
  }
}
