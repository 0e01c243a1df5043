/* The body of a request to a case's action route (doc/api.md): what the command sends
 * and the server reads, one encoder beside its decoder. */
#ifndef NAKODO_REQUEST_JSON_H
#define NAKODO_REQUEST_JSON_H

#include <nakodo/brief.h>

#include <jansson.h>

/* The body for req->action: {"amount"} (extend, propose), {"amount", "round" when not 0}
 * (submit), {"accept"} (answer), {} (close, withdraw), {"envelope": base64} (send,
 * deposit), {"valuation": its normal form, "round" when not 0} (package); with
 * "request" and "signature" (hex) when auth is not NULL. A new reference, or NULL when
 * out of memory or the valuation does not write. It may hold a confidential figure. */
json_t *nk_request_to_json(const struct nk_case_request *req, const struct nk_request_auth *auth);

/* Adds "request" and "signature" to body when auth is not NULL; takes body and returns
 * it, or NULL (body released) when out of memory. */
json_t *nk_request_auth_to_json(json_t *body, const struct nk_request_auth *auth);

/* Whether body carries either half of a signature ("request" or "signature"). */
bool nk_request_json_signed(const json_t *body);

/* Reads body as a request for action into req, in this order, naming the field of the
 * first problem: "round" (submit, package: 1 to NK_ROUNDS_MAX, or absent for 0),
 * "valuation" (package: read and checked into *valuation, which req->valuation then
 * points at; sodium_malloc'd by the caller, as it holds a reservation), "request" and
 * "signature" (both or neither: *auth_out is then auth, or NULL), "envelope" (send,
 * deposit: a new buffer in req->envelope, which the caller frees), "role" and "key"
 * (endorse: the role whose key is endorsed, and the key in hex). The member types are
 * the route's to have checked; a member of the wrong type reads as absent. */
NK_MUST_USE enum nk_status nk_request_from_json(const json_t *body, enum nk_case_action action,
						struct nk_case_request *req,
						struct nk_package_valuation *valuation,
						struct nk_request_auth *auth,
						const struct nk_request_auth **auth_out,
						struct nk_error *err);

/* A join's body: {"sign", "seal" (the identity's keys in hex), "signature" (its
 * nk_join_sign, hex)}. A new reference, or NULL when out of memory. */
json_t *nk_join_to_json(const struct nk_identity *identity,
			const uint8_t sig[static NK_SIGNATURE_BYTES]);

/* Reads a join's body: "sign", "seal", then "signature" is the field of the first
 * problem; the outputs are untouched on failure. */
NK_MUST_USE enum nk_status nk_join_from_json(const json_t *body, struct nk_identity *identity,
					     uint8_t sig[static NK_SIGNATURE_BYTES],
					     struct nk_error *err);

#endif
