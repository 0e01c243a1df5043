/* What a role does next, decided once from its own briefing: the text briefing's
 * "next:" line (src/cli/brief_next.c) and the JSON briefing's "next" (doc/api.md,
 * "What comes next") both read it. Everything in it is what the briefing already tells
 * that role (the state, the rules' proposals and those made, its own answer, the
 * neutrals' turn), never a figure, so two cases alike but for their limits give the
 * same next step. */
#include <nakodo/case_json.h>
#include <nakodo/json_build.h>

bool nk_brief_next(const struct nk_brief *b, struct nk_brief_next *out)
{
	const int left = b->rules.proposals - b->proposals;
	struct nk_brief_next n = { .proposals_left = -1 };

	if (b->state != NK_STATE_IMPASSE || b->package || b->settled)
		return false;
	if (b->role == NK_MEDIATOR) {
		n.may_close = true;	/* the mediator may end a case at impasse meanwhile */
		if (b->proposal_pending) {
			n.waiting_for = NK_WAIT_ANSWERS;
			n.proposal = b->proposals;
		} else if (b->evaluating) {
			n.waiting_for = NK_WAIT_NEUTRALS;
		} else if (left > 0) {
			n.action = NK_NEXT_PROPOSE;
			n.proposals_left = left;
		} else {	/* none left: the case closed when the last one failed */
			return false;
		}
		*out = n;
		return true;
	}
	/* a party reading its own briefing: a principal reads it and may not act; a party
	 * whose draft awaits its principal is told that instead; a neutral has its own */
	if (!nk_role_is_party(b->role) || b->viewer != b->role || b->draft)
		return false;
	if (b->proposal_pending) {
		n.action = b->own_answer < 0 ? NK_NEXT_ANSWER : NK_NEXT_WAIT;
		n.waiting_for = NK_WAIT_OUTCOME;	/* once it has answered */
		n.proposal = b->proposals;
	} else if (b->evaluating) {
		n.waiting_for = NK_WAIT_NEUTRALS;
	} else if (left > 0) {
		n.waiting_for = NK_WAIT_PROPOSAL;
		n.proposals_left = left;
	} else {
		return false;
	}
	*out = n;
	return true;
}

const char *nk_next_action_name(enum nk_next_action action)
{
	static const char *const names[] = {
		[NK_NEXT_WAIT] = "wait", [NK_NEXT_PROPOSE] = "propose", [NK_NEXT_ANSWER] = "answer",
	};

	return (unsigned)action < sizeof(names) / sizeof(names[0]) ? names[action] : "unknown";
}

const char *nk_next_wait_name(enum nk_next_wait wait)
{
	static const char *const names[] = {
		[NK_WAIT_ANSWERS] = "answers", [NK_WAIT_NEUTRALS] = "neutrals",
		[NK_WAIT_OUTCOME] = "outcome", [NK_WAIT_PROPOSAL] = "proposal",
	};

	return (unsigned)wait < sizeof(names) / sizeof(names[0]) ? names[wait] : "unknown";
}

json_t *nk_brief_next_to_json(json_t *o, const struct nk_brief *b)
{
	struct nk_brief_next n;
	json_t *j;

	if (!o || !nk_brief_next(b, &n))
		return o;
	j = json_pack("{s:s}", "action", nk_next_action_name(n.action));
	if (n.may_close)
		j = nk_json_set(j, "may_close", json_true());
	if (n.proposal > 0)
		j = nk_json_set(j, "proposal", json_integer(n.proposal));
	if (n.proposals_left >= 0)
		j = nk_json_set(nk_json_set(j, "proposals", json_integer(b->rules.proposals)),
				"proposals_left", json_integer(n.proposals_left));
	if (n.action == NK_NEXT_WAIT)
		j = nk_json_set(j, "waiting_for", json_string(nk_next_wait_name(n.waiting_for)));
	return nk_json_set(o, "next", j);
}
