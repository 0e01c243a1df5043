// The page of a principal (claimant-principal, payer-principal; doc/toolkit.md,
// "Principals"): its party's briefing, read only, as the party sees it; and in a case
// opened with authority the party's draft awaiting it, and how to clear it. The page
// offers no action: a principal clears only with its own key, which the page does not
// open yet.
import { formatAmount } from './money.js';
import { el, replace, section } from './ui.js';
import { historyTable, rulesInWords, stateWords } from './party_brief.js';
import { titleLine } from './case_facts.js';

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

// The draft awaiting the principal. Clearing it takes the principal's own key (its
// token alone, which the case's opener holds too, clears nothing), and this page does
// not open a principal's key file yet: it says how to clear it with the command.
function draftPanel(ctx, brief) {
  const words = draftWords(brief);
  if (!brief.rules || brief.rules.authority !== true) return null;
  if (!words) {
    return section('Awaiting your approval', { id: 'draft' },
      el('p', { text: `No draft of the ${brief.role} awaits your approval.` }));
  }
  const me = brief.viewer;
  return section(
    'Awaiting your approval',
    { id: 'draft' },
    el('p', { id: 'draft-text', text: `The ${brief.role}'s draft ${brief.draft.number}: ${words}.` }),
    el('p', {
      text: 'Nothing of it reaches the other side or the mediator until you approve it; ' +
        'rejected, it never takes effect and no one else learns there was one.',
    }),
    el('p', {
      id: 'draft-how',
      text: 'You approve or reject it with your own key, from the command: ' +
        `nakodo join ${ctx.caseId} --as ${me} --key FILE (once), then ` +
        `nakodo approve ${ctx.caseId} --key FILE --draft ${brief.draft.number} ` +
        '(or nakodo reject). This page does not open key files yet.',
    }),
  );
}

/** Draws the principal's page into root: ctx {api, caseId, role, brief, refused}. */
export function mount(root, ctx) {
  const draw = (brief, said = '') => {
    if (!brief) {
      // A principal reads its party's briefing only once it has joined with its own key
      // (doc/security.md, "A principal"), which this page cannot hold yet: the command.
      const how = `nakodo join ${ctx.caseId} --as ${ctx.role} --key FILE (once), then ` +
        `nakodo brief ${ctx.caseId} --as ${ctx.role} --key FILE`;
      replace(
        root,
        el('h1', { id: 'case-title', text: `Case ${ctx.caseId}` }),
        el('p', {
          id: 'refused',
          class: 'problem',
          role: 'alert',
          text: said ? `The go-between says: ${said}.`
            : `The ${ctx.role} has joined this case with a key.`,
        }),
        el('p', {
          id: 'join-how',
          text: `Read the briefing and clear drafts with the command: ${how}.`,
        }),
      );
      return;
    }
    const items = rulesInWords(brief)
      .map((t) => t.replace(`You are the ${brief.role}.`, `You read for the ${brief.role}.`))
      .map((t) => el('li', { text: t }));
    replace(
      root,
      el('h1', { id: 'case-title', text: `Case ${brief.case}` }),
      titleLine(brief),
      el('p', {
        id: 'viewer',
        text: `You are the ${brief.viewer}: you read the ${brief.role}'s briefing, read ` +
          'only. You may not submit, answer, send or deposit.',
      }),
      el('p', { id: 'state', text: stateWords(brief) }),
      said ? el('p', { id: 'cleared', role: 'status', text: said }) : '',
      draftPanel(ctx, brief) || '',
      section(`The ${brief.role}'s rounds`, { id: 'rounds' }, historyTable(brief)),
      section('The rules', { id: 'rules' }, el('ul', {}, ...items)),
      el('button', {
        type: 'button',
        text: 'Check for news',
        onclick: async () => draw(await ctx.api.brief(), 'Up to date.'),
      }),
    );
  };
  if (ctx.brief) draw(ctx.brief);
  else if (ctx.refused) draw(null, ctx.refused);
  else if (ctx.api.joined) draw(null);
  else ctx.api.brief().then((b) => draw(b), (e) => draw(null, e.message));
}
