/* Signed requests (request.c): the form of every entry of nk_case_act's table, and the
 * check of a request's signature and number against the folded case. */
#ifndef NAKODO_CASE_REQUEST_H
#define NAKODO_CASE_REQUEST_H

#include <nakodo/case.h>

struct case_state;

/* An entry of nk_case_act's table: does req->action on case id as role, auth (NULL
 * when unsigned) checked by case_authorise once the case is loaded. */
typedef enum nk_status case_request_fn(const struct nk_case_env *env, const char *id,
				       enum nk_role role, const struct nk_case_request *req,
				       const struct nk_request_auth *auth, struct nk_error *err);

/* Checks auth for req by role against st: NULL is fine while role has not joined;
 * otherwise the signature must verify with role's registered key and the number be
 * above role's last. NK_EAUTH naming "signature" or "request" if not. */
NK_MUST_USE enum nk_status case_authorise(const struct case_state *st, enum nk_role role,
					  const struct nk_case_request *req,
					  const struct nk_request_auth *auth, struct nk_error *err);

#endif
