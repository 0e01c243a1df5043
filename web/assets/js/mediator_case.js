// The mediator's view of a case it was invited to (its link's token is the case's
// mediator token). This placeholder is replaced by the mediator's pages; it shows only
// the role and the state, so that the case page works end to end on its own.
import { el, replace, section } from './ui.js';

export function mount(root, ctx) {
  replace(root, section('Mediator', { level: 2, id: 'mediator' },
    el('p', { text: `You are this case's mediator. The case is ${ctx.brief ? ctx.brief.state : 'locked'}.` })));
}
