/* Statements a keyed party signs for the server: joining a case with its public
 * identity (which proves it holds both secret keys' signing half), and any later
 * request, numbered so that a captured request cannot be replayed. */
#include "crypto/crypto_impl.h"

#include <nakodo/seal.h>

#include <sodium.h>
#include <string.h>

#define STMT_MAX (64 + NK_CASE_ID_MAX + NK_ACTION_MAX + 2 * NK_PUBLIC_KEY_BYTES + 16)

static enum nk_status join_bytes(const struct nk_identity *id, const char *case_id,
				 enum nk_role role, struct writer *w, struct nk_error *err)
{
	if (!nk_case_id_valid(case_id) || !nk_role_valid(role))
		return nk_fail(err, NK_EINVAL, "join", "a join needs a well-formed case id and role");
	w_tag(w, TAG_JOIN);
	w_str8(w, case_id);
	w_u8(w, (uint8_t)role);
	w_bytes(w, id->sign, NK_PUBLIC_KEY_BYTES);
	w_bytes(w, id->seal, NK_PUBLIC_KEY_BYTES);
	return w->overflow ? nk_fail(err, NK_EINVAL, "join", "statement too long") : NK_OK;
}

enum nk_status nk_join_sign(const struct nk_party_key *key, const char *case_id,
			    enum nk_role role, uint8_t sig[static NK_SIGNATURE_BYTES],
			    struct nk_error *err)
{
	uint8_t buf[STMT_MAX];
	struct writer w = { .buf = buf, .cap = sizeof(buf) };
	struct nk_identity id;
	enum nk_status rc;

	nk_party_key_identity(key, &id);
	rc = join_bytes(&id, case_id, role, &w, err);
	if (rc == NK_OK)
		nk_party_key_sign(key, buf, w.len, sig);
	return rc;
}

enum nk_status nk_join_verify(const struct nk_identity *id, const char *case_id,
			      enum nk_role role, const uint8_t sig[static NK_SIGNATURE_BYTES],
			      struct nk_error *err)
{
	uint8_t buf[STMT_MAX];
	struct writer w = { .buf = buf, .cap = sizeof(buf) };
	enum nk_status rc = join_bytes(id, case_id, role, &w, err);

	if (rc != NK_OK)
		return rc;
	if (crypto_sign_verify_detached(sig, buf, w.len, id->sign) != 0)
		return nk_fail(err, NK_ECRYPTO, "join", "the join is not signed by the key it "
			       "registers for this case and role");
	return NK_OK;
}

static enum nk_status action_bytes(const char *case_id, enum nk_role role, uint64_t number,
				   const char *action, const uint8_t *body, size_t body_len,
				   struct writer *w, struct nk_error *err)
{
	uint8_t h[NK_HASH_BYTES];

	if (!nk_case_id_valid(case_id) || !nk_role_valid(role) || !action || !*action ||
	    strlen(action) >= NK_ACTION_MAX || number == 0)
		return nk_fail(err, NK_EINVAL, "action", "an action needs a case id, a role, a "
			       "number from 1 and a name");
	crypto_hash_sha256(h, body ? body : (const uint8_t *)"", body ? body_len : 0);
	w_tag(w, TAG_ACTION);
	w_str8(w, case_id);
	w_u8(w, (uint8_t)role);
	w_u64(w, number);
	w_str8(w, action);
	w_bytes(w, h, sizeof(h));
	return w->overflow ? nk_fail(err, NK_EINVAL, "action", "statement too long") : NK_OK;
}

enum nk_status nk_action_sign(const struct nk_party_key *key, const char *case_id,
			      enum nk_role role, uint64_t number, const char *action,
			      const uint8_t *body, size_t body_len,
			      uint8_t sig[static NK_SIGNATURE_BYTES], struct nk_error *err)
{
	uint8_t buf[STMT_MAX];
	struct writer w = { .buf = buf, .cap = sizeof(buf) };
	enum nk_status rc = action_bytes(case_id, role, number, action, body, body_len, &w, err);

	if (rc == NK_OK)
		nk_party_key_sign(key, buf, w.len, sig);
	return rc;
}

enum nk_status nk_action_verify(const struct nk_identity *id, const char *case_id,
				enum nk_role role, uint64_t number, const char *action,
				const uint8_t *body, size_t body_len,
				const uint8_t sig[static NK_SIGNATURE_BYTES], struct nk_error *err)
{
	uint8_t buf[STMT_MAX];
	struct writer w = { .buf = buf, .cap = sizeof(buf) };
	enum nk_status rc = action_bytes(case_id, role, number, action, body, body_len, &w, err);

	if (rc != NK_OK)
		return rc;
	if (crypto_sign_verify_detached(sig, buf, w.len, id->sign) != 0)
		return nk_fail(err, NK_ECRYPTO, "action", "the request is not signed by the key "
			       "registered for this role, or was altered");
	return NK_OK;
}
