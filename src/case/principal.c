/* Principals who clear (doc/toolkit.md, "Principals"): a case of figures may declare at
 * opening that each party may have a principal, a role with its own token and key that
 * reads its party's briefing and does nothing else. Here: the rule's member of the
 * opening, who may join as a principal, and which registered keys a briefing lists. */
#include "case/figure_kind.h"

#include <nakodo/json_build.h>

#include <string.h>

json_t *case_event_opened_principals(json_t *body, const struct nk_rules *rules)
{
	if (!body || !rules->principals)
		return body;	/* no principals: the bytes such an opening always had */
	body = nk_json_set(body, "v", json_integer(4));
	body = nk_json_set(body, "principals", json_true());
	return rules->authority ? nk_json_set(body, "authority", json_true()) : body;
}

enum nk_status case_event_opened_principals_decode(const json_t *body, int version,
						   struct nk_rules *rules, struct nk_error *err)
{
	const json_t *v = json_object_get(body, "principals");

	const json_t *a = json_object_get(body, "authority");

	rules->principals = false;
	rules->authority = false;
	if (version < 4 || (!v && !a))
		return NK_OK;
	if (!json_is_true(v) || (a && !json_is_true(a)))
		return nk_fail(err, NK_ECORRUPT, "log", "the case's log is inconsistent: an opened "
			       "event without a valid \"principals\" or \"authority\"");
	rules->principals = true;
	rules->authority = a != NULL;
	return NK_OK;
}

bool case_allows_principals(const struct case_state *st)
{
	return st->kind == &case_kind_figures && st->fig.rules.principals;
}

enum nk_status case_refuse_principal_role(const struct case_state *st, enum nk_role role,
					  struct nk_error *err)
{
	if (nk_role_kind(role) != NK_ROLE_PRINCIPAL || case_allows_principals(st))
		return NK_OK;
	return nk_fail(err, NK_EREFUSED, "role", "this case was opened without principals "
		       "(--principals), so it has no %s", nk_role_name(role));
}

enum nk_status case_refuse_principal_act(enum nk_role role, struct nk_error *err)
{
	if (nk_role_kind(role) != NK_ROLE_PRINCIPAL)
		return NK_OK;
	return nk_fail(err, NK_EREFUSED, "role", "the %s reads the %s's briefing; it may not "
		       "act, send or deposit", nk_role_name(role),
		       nk_role_name(nk_role_reads(role)));
}

/* May viewer's briefing list role r's key? The mediator sees every key; any other role
 * sees the parties', the mediator's and those of its own side's principals, never the
 * other side's principal's (whether it joined, and when, is that side's own business). */
static bool key_seen(enum nk_role viewer, enum nk_role r)
{
	if (nk_role_kind(viewer) == NK_ROLE_MEDIATOR || nk_role_kind(r) != NK_ROLE_PRINCIPAL)
		return true;
	return nk_role_reads(r) == nk_role_reads(viewer);
}

void case_keys_seen(enum nk_role viewer, bool joined[static NK_ROLE_COUNT],
		    struct nk_identity identity[static NK_ROLE_COUNT])
{
	for (int r = 0; r < NK_ROLE_COUNT; r++)
		if (!key_seen(viewer, (enum nk_role)r)) {
			joined[r] = false;
			memset(&identity[r], 0, sizeof(identity[r]));
		}
}
