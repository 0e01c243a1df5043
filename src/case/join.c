/* A party registers its public identity on a case: the signature over case, role and
 * keys is checked before the write lock is taken, and the `joined` event keeps it so
 * that the log itself proves the registration. */
#include "case/case_impl.h"

#include <nakodo/seal.h>

#include <sodium.h>
#include <string.h>

enum nk_status nk_case_join(const struct nk_case_env *env, const char *id, enum nk_role role,
			    const struct nk_identity *identity,
			    const uint8_t sig[static NK_SIGNATURE_BYTES], struct nk_error *err)
{
	struct case_state st;
	struct case_event_joined ev = { .role = role, .identity = *identity };
	enum nk_status rc;

	if (!nk_role_valid(role))
		return nk_fail(err, NK_EINVAL, "role", "not a role");
	if (!nk_case_id_valid(id))
		return nk_fail(err, NK_EINVAL, "case", "not a case id");
	/* Checked before the write lock is taken: verifying costs no one else a wait. */
	if (nk_join_verify(identity, id, role, sig, err) != NK_OK)
		return nk_fail(err, NK_EINVAL, "signature", "the join is not signed by the key "
			       "it registers for this case and role");
	if ((rc = case_load(env, id, &st, err)) != NK_OK)
		return rc;
	if (st.state == NK_STATE_SETTLED || st.state == NK_STATE_CLOSED) {
		rc = nk_fail(err, NK_EREFUSED, "case", "the case has ended (%s)", nk_case_state_name(st.state));
		goto out;
	}
	if ((rc = case_refuse_absent_role(&st, role, err)) != NK_OK)
		goto out;
	if (st.joined[role]) {
		rc = nk_fail(err, NK_EREFUSED, "role", "the %s has already joined this case with a key",
			     nk_role_name(role));
		goto out;
	}
	for (int r = 0; r < NK_ROLE_COUNT; r++)
		if (st.joined[r] && sodium_memcmp(st.identity[r].sign, identity->sign,
						  sizeof(identity->sign)) == 0) {
			rc = nk_fail(err, NK_EREFUSED, "key", "this signing key is registered for "
				     "the %s already", nk_role_name((enum nk_role)r));
			goto out;
		}
	memcpy(ev.signature, sig, sizeof(ev.signature));
	rc = case_append(env, id, nk_role_name(role), CASE_EV_JOINED,
			 case_event_joined_encode(&ev), err);
out:
	return case_finish(env, rc, false, err);
}
