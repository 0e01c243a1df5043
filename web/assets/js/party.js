// The party's view of a case (claimant or payer), from its invitation link.
import { el, replace } from './ui.js';

export function mount(root, ctx) {
  replace(root, el('h1', { id: 'case-title', text: `Case ${ctx.caseId}` }),
    el('p', { text: `You take part as the ${ctx.role}.` }));
}
