// The page of a principal (claimant-principal, payer-principal; doc/toolkit.md,
// "Principals"): its party's briefing, read only, as the party sees it, refreshed; and in
// a case opened with authority the party's draft awaiting it, with Approve and Reject.
// The go-between shows a principal nothing, and takes no approval from it, before it has
// joined with a key of its own (its token alone is held by the case's opener too:
// doc/security.md, "A principal"), so the page first joins, with a key made here or a key
// file (neutral_key.js, as a neutral's page), then signs every read and action with it;
// and it reads nothing until its party has endorsed that key (doc/security.md,
// "Endorsement"): until then the page shows the key's safety number and waits.
import { ApiError } from './api.js';
import { formatAmount } from './money.js';
import { el, replace, section, form, announce, newsForm } from './ui.js';
import { historyTable, rulesInWords, stateWords } from './party_brief.js';
import { deadlinesPanel, endedNote, proposalHistory, titleLine } from './case_facts.js';
import { drawDance } from './dance.js';
import { keySection, keysPanel } from './neutral_key.js';

// The page reads the briefing again this often while it is shown (a draft may come).
const REFRESH_MS = 10000;

/** The party a principal reads for: 'claimant-principal' -> 'claimant'. */
export function partyOf(role) {
  return typeof role === 'string' ? role.replace(/-principal$/, '') : '';
}

/** The draft in words, as the command prints it, or null when none waits. */
export function draftWords(brief) {
  const d = brief && brief.draft;
  if (!d || typeof d !== 'object') return null;
  if (d.action === 'answer') {
    const n = brief.proposal ? brief.proposal.count : '';
    return `${d.accept ? 'accept' : 'decline'} the mediator's proposal ${n}`.trim();
  }
  const what = d.action === 'extension' ? 'deal-closer extension' : 'figure';
  return `${what} ${formatAmount(d.amount, brief.currency)} for round ${d.round}`;
}

/**
 * A principal's signed briefing, or {endorsed: false, detail} while its party has not
 * endorsed its key: the go-between refuses it then (409, field role), and only after the
 * read's signature held, so the key is the one that joined.
 */
export async function principalBrief(api) {
  try {
    return await api.brief();
  } catch (e) {
    if (e instanceof ApiError && e.status === 409 && e.field === 'role') {
      return { endorsed: false, detail: e.reason || e.message };
    }
    throw e;
  }
}

/** Why the page asks for a key first, in the words of the join form. */
export function joinWhy(role) {
  return `You read the ${partyOf(role)}'s briefing, and approve or reject its drafts, only `
    + 'once you have joined with a key of your own: the link that invited you was made by '
    + 'the mediator, who could otherwise read in your name. Your party sees your key\'s '
    + 'safety number, and will compare it with the one you tell it.';
}

/** Draws the principal's page into root: ctx {api, caseId, role}. */
export function mount(root, ctx) {
  const { api, caseId, role } = ctx;
  const party = partyOf(role);
  let brief = null;
  let seen = '';
  let busy = false;
  let said = null;
  let key = null;
  let timer = null;
  const title = el('h1', { id: 'case-title', text: `Case ${caseId}: you are ${role}` });
  const nameArea = el('div', { id: 'name-area' });
  const status = el('p', { class: 'panel', id: 'case-state', role: 'status' });
  const keyArea = el('div', { id: 'key-area' });
  const draftArea = el('div', { id: 'draft-area' });
  const briefArea = el('div', { id: 'brief-area' });
  const failed = el('p', { class: 'problem', id: 'refresh-failed', role: 'alert', hidden: true });
  const refresh = newsForm(() => reload(true));
  replace(root, title, nameArea, status, failed, refresh.form, keyArea, draftArea, briefArea);
  refresh.form.hidden = true;	// until the key is open: nothing can be read without it

  // One form per choice: each signs {"accept": B, "draft": N} with the principal's key.
  // What came of the last one stays on the page (said) whatever the refreshes redraw; a
  // refusal (the draft was voided, or replaced) is told there with the briefing as it is.
  function clearForm(accept, d) {
    const f = form({
      label: accept ? `Approve draft ${d.number}` : `Reject draft ${d.number}`,
      submit: accept ? 'Approve' : 'Reject',
      onSubmit: async () => {
        busy = true;
        try {
          const words = draftWords(brief);	// what was cleared, before the answer
          const b = await api.approve(accept, d.number);
          // name the draft and what became of it, as nakodo approve does: "approved: it
          // has taken effect" left the principal unsure what it had cleared
          said = { failed: false, text: accept
            ? `Draft ${d.number} approved (${words}): it has taken effect as the ${party}'s own.`
            : `Draft ${d.number} rejected (${words}): it is void and will never take effect; `
              + `the ${party} may draft again.` };
          show(b, true);
        } catch (e) {
          if (e.offline) throw e;	// the form says so, and nothing changed here
          said = { failed: true, text: `Draft ${d.number} was not `
            + `${accept ? 'approved' : 'rejected'}: ${e.reason || e.message}.` };
          show(await principalBrief(api), true);
        } finally {
          busy = false;
        }
        announce(said.text);
      },
    });
    if (!accept) f.button.classList.add('secondary');
    return f.form;
  }

  function draftPanel() {
    if (!brief.rules || brief.rules.authority !== true) return null;
    const words = draftWords(brief);
    const outcome = !said ? '' : el('p', { id: 'cleared', role: said.failed ? 'alert' : 'status',
      class: said.failed ? 'problem' : null, text: said.text });
    if (!words) {
      return section('Awaiting your approval', { id: 'draft' }, outcome,
        el('p', { id: 'draft-text', text: `No draft of the ${party} awaits your approval.` }));
    }
    return section('Awaiting your approval', { id: 'draft' }, outcome,
      el('p', { id: 'draft-text',
        text: `The ${party}'s draft ${brief.draft.number}: ${words}.` }),
      el('p', { text: 'Nothing of it reaches the other side or the mediator until you approve '
        + 'it; rejected, it never takes effect and no one else learns there was one.' }),
      el('div', { class: 'actions' }, clearForm(true, brief.draft), clearForm(false, brief.draft)));
  }

  // Joined, but not yet endorsed by its party: nothing of the case, only what to do.
  function renderWaiting() {
    replace(nameArea);
    status.textContent = `Waiting for your party to endorse this key (safety number `
      + `${key.safetyNumber}).`;
    replace(draftArea, section('Waiting for your party', { id: 'waiting' },
      el('p', { id: 'waiting-text', text: `You have joined as the ${role}, and you read nothing `
        + `of the case until the ${party} has endorsed this key: read it your safety number, `
        + `${key.safetyNumber}, by telephone or in person, not through the mediator. This `
        + 'page looks again by itself.' })));
    replace(briefArea);
  }

  function render() {
    if (brief.endorsed === false) {
      renderWaiting();
      return;
    }
    replace(nameArea, titleLine(brief));
    status.textContent = `${stateWords(brief)} You are the ${role}: you read the ${party}'s `
      + 'briefing, read only, and may not submit, answer, send or deposit.';
    replace(draftArea, draftPanel() || '');
    const items = rulesInWords(brief)
      .map((t) => t.replace(`You are the ${party}.`, `You read for the ${party}.`))
      .map((t) => el('li', { text: t }));
    replace(briefArea,
      section(`The ${party}'s briefing`, { id: 'briefing' },
        el('p', { text: `Round ${brief.round} of ${brief.rules.rounds}, as the go-between tells `
          + `the ${party}.` }),
        deadlinesPanel(brief), endedNote(brief),
        drawDance(brief, { title: `The ${party}'s negotiation dance` }) || '',
        historyTable(brief, party), proposalHistory(brief)),
      section('The rules', { id: 'rules' }, el('ul', {}, ...items)));
  }

  // Draws a briefing unless it is the one on the page (a refresh then moves nothing).
  function show(b, always = false) {
    const text = JSON.stringify(b);
    brief = b;
    if (text === seen && !always) return;
    seen = text;
    render();
  }

  async function reload(asked = false) {
    try {
      show(await principalBrief(api));
      failed.hidden = true;
    } catch (e) {
      if (asked) throw e;	// the news form says it beside its button
      failed.textContent = `The briefing could not be read again: ${e.reason || e.message}.`;
      failed.hidden = false;
    }
  }

  function opened(b, k) {
    key = k;
    replace(keyArea, keysPanel(caseId, role, k, `Read your safety number to the ${party} over a `
      + 'channel you trust (in person, by telephone): its briefing shows the key that joined '
      + `as ${role}, and it must be yours.`));
    refresh.form.hidden = false;
    show(b);
    announce(`Your key is open. Your safety number is ${k.safetyNumber}.`);
    timer = setInterval(() => {
      if (!root.isConnected) { clearInterval(timer); return; }
      if (!busy && !document.hidden) reload();
    }, REFRESH_MS);
  }

  status.textContent = api.joined
    ? 'You joined this case with a key: open it to read your party\'s briefing.'
    : 'Join the case with a key of your own to read your party\'s briefing.';
  replace(keyArea, keySection({ api, caseId, role, why: joinWhy(role), onOpen: opened,
    read: () => principalBrief(api) }, api.joined));
}
