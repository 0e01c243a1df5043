/* Access beside the signed actions: a joined role's reads, signed in headers with the
 * same statement as its actions (action "read", the signer's clock as the number), and
 * the mediator's changes to a role's token, recorded in the log so the role sees them. */
#include "case/case_impl.h"

#include <nakodo/seal.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define READ_METHOD_MAX 16

enum nk_status nk_case_read_body(const char *method, const char *target, const uint8_t *body,
				 size_t body_len, char **out, size_t *len, struct nk_error *err)
{
	uint8_t h[NK_HASH_BYTES];
	char hex[2 * NK_HASH_BYTES + 1];
	size_t n;
	char *text;

	if (!method || !*method || strlen(method) >= READ_METHOD_MAX || strchr(method, ' '))
		return nk_fail(err, NK_EINVAL, "method", "not an HTTP method");
	if (!target || target[0] != '/')
		return nk_fail(err, NK_EINVAL, "target", "a request target starts with /");
	crypto_hash_sha256(h, body ? body : (const uint8_t *)"", body ? body_len : 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	n = strlen(method) + 1 + strlen(target) + 1 + strlen(hex);
	if (!(text = malloc(n + 1)))
		return nk_fail(err, NK_ENOMEM, "request", "out of memory");
	snprintf(text, n + 1, "%s %s\n%s", method, target, hex);
	*out = text;
	*len = n;
	return NK_OK;
}

enum nk_status nk_case_read_sign(const struct nk_party_key *key, const char *id,
				 enum nk_role role, int64_t time_ms, const char *method,
				 const char *target, struct nk_request_auth *out,
				 struct nk_error *err)
{
	return nk_case_read_sign_body(key, id, role, time_ms, method, target, NULL, 0, out, err);
}

enum nk_status nk_case_read_sign_body(const struct nk_party_key *key, const char *id,
				      enum nk_role role, int64_t time_ms, const char *method,
				      const char *target, const uint8_t *content,
				      size_t content_len, struct nk_request_auth *out,
				      struct nk_error *err)
{
	struct nk_request_auth auth = { .number = (uint64_t)time_ms };
	char *body = NULL;
	size_t len = 0;
	enum nk_status rc;

	if (time_ms < 1)
		return nk_fail(err, NK_EINVAL, "request", "a signed read's time is after 1970");
	if ((rc = nk_case_read_body(method, target, content, content_len, &body, &len,
				    err)) != NK_OK)
		return rc;
	rc = nk_action_sign(key, id, role, auth.number, NK_READ_ACTION, (const uint8_t *)body,
			    len, auth.signature, err);
	if (rc == NK_OK)
		*out = auth;
	free(body);
	return rc;
}

static void drop(struct case_state *st)
{
	if (st) {
		sodium_memzero(st, sizeof(*st));
		free(st);
	}
}

/* Case id loaded for role's read (in a snapshot) or the mediator's change (in the
 * write transaction), into a state on the heap: it is large, and this runs on a
 * worker's stack. *out is NULL on failure; otherwise free it with drop(). */
static enum nk_status load_for(const struct nk_case_env *env, const char *id,
			       enum nk_role role, bool snapshot, struct case_state **out,
			       struct nk_error *err)
{
	struct case_state *st;
	enum nk_status rc;

	*out = NULL;
	if (!nk_role_valid(role))
		return nk_fail(err, NK_EINVAL, "role", "not a role");
	if (!(st = malloc(sizeof(*st))))
		return nk_fail(err, NK_ENOMEM, "case", "out of memory");
	rc = snapshot ? case_load_snapshot(env, id, st, err) : case_load(env, id, st, err);
	if (rc != NK_OK)
		drop(st);
	else
		*out = st;
	return rc;
}

enum nk_status nk_case_read_check(const struct nk_case_env *env, const char *id,
				  enum nk_role role, const char *method, const char *target,
				  const uint8_t *request_body, size_t request_len,
				  const struct nk_request_auth *auth, bool *checked,
				  struct nk_error *err)
{
	struct case_state *st = NULL;
	char *body = NULL;
	size_t len = 0;
	enum nk_status rc;

	*checked = false;
	if ((rc = load_for(env, id, role, true, &st, err)) != NK_OK)
		return rc;
	nk_store_rollback(env->store);
	if (!st->joined[role]) {
		if (auth)
			rc = nk_fail(err, NK_EAUTH, "signature", "the %s has not joined this case "
				     "with a key, so there is no key to check the signature against",
				     nk_role_name(role));
		goto out;
	}
	if (!auth) {
		rc = nk_fail(err, NK_EAUTH, "signature", "the %s has joined this case with a key: "
			     "its requests, reads included, must be signed with it (--key FILE)",
			     nk_role_name(role));
		goto out;
	}
	if ((rc = nk_case_read_body(method, target, request_body, request_len, &body, &len,
				    err)) != NK_OK)
		goto out;
	if (nk_action_verify(&st->identity[role], st->id, role, auth->number, NK_READ_ACTION,
			     (const uint8_t *)body, len, auth->signature, NULL) != NK_OK) {
		rc = nk_fail(err, NK_EAUTH, "signature", "the request is not signed by the %s's "
			     "registered key for this case, method and target", nk_role_name(role));
		goto out;
	}
	*checked = true;
out:
	free(body);
	drop(st);
	return rc;
}

enum nk_status nk_case_token_change(const struct nk_case_env *env, const char *id,
				    enum nk_role role, bool reissue, nk_token_change_fn change,
				    void *arg, struct nk_error *err)
{
	struct case_state *st = NULL;
	enum nk_status rc;
	bool ended;

	if ((rc = load_for(env, id, role, false, &st, err)) != NK_OK)
		return rc;
	ended = st->state == NK_STATE_SETTLED || st->state == NK_STATE_CLOSED;
	/* a principal's or a neutral's token exists only where the case declared the role */
	rc = case_refuse_absent_role(st, role, err);
	if (rc == NK_OK && ended && reissue)
		rc = nk_fail(err, NK_EREFUSED, "case", "the case has ended (%s): its log takes no "
			     "more events, and a token is reissued only with one",
			     nk_case_state_name(st->state));
	if (rc == NK_OK)
		rc = change(arg, env->store, err);
	if (rc == NK_OK && !ended)
		rc = case_append(env, id, "mediator", CASE_EV_TOKEN,
				 case_event_token_encode(role, reissue), err);
	rc = case_finish(env, rc, false, err);
	drop(st);
	return rc;
}
