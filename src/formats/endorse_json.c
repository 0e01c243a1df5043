/* The endorsements a briefing shows (doc/security.md, "Endorsement"): {"endorsements":
 * {"claimant": [ROLE, ...], "payer": [ROLE, ...]}}, the roles whose joined key each party
 * endorsed, as far as the viewer may know them; the member only when there is one. */
#include <nakodo/case_json.h>
#include <nakodo/json_build.h>

json_t *nk_brief_endorsements_to_json(json_t *o, const struct nk_brief *b)
{
	json_t *all = NULL;
	bool any = false;

	for (int p = NK_CLAIMANT; p <= NK_PAYER; p++)
		for (int r = 0; r < NK_ROLE_COUNT; r++)
			any = any || b->endorsements[p][r];
	if (!o || !any)
		return o;
	all = json_object();
	for (int p = NK_CLAIMANT; all && p <= NK_PAYER; p++) {
		json_t *roles = json_array();

		for (int r = 0; roles && r < NK_ROLE_COUNT; r++)
			if (b->endorsements[p][r])
				roles = nk_json_append(roles,
						       json_string(nk_role_name((enum nk_role)r)));
		if (!roles || json_array_size(roles) > 0)
			all = nk_json_set(all, nk_role_name((enum nk_role)p), roles);
		else
			json_decref(roles);
	}
	return nk_json_set(o, "endorsements", all);	/* NULL when out of memory */
}

void nk_brief_endorsements_from_json(const json_t *obj, struct nk_brief *b)
{
	const json_t *all = json_object_get(obj, "endorsements");

	for (int p = NK_CLAIMANT; p <= NK_PAYER; p++) {
		const json_t *roles = json_object_get(all, nk_role_name((enum nk_role)p));
		const json_t *name;
		size_t i;
		enum nk_role r;

		json_array_foreach(roles, i, name)
			if (nk_role_parse(json_string_value(name), &r) == NK_OK)
				b->endorsements[p][r] = true;
	}
}
