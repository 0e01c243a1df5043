/* Request bodies: the command encodes them, the server decodes them, here side by side so
 * that the two cannot drift. The signature binds the request's canonical body
 * (nk_case_request_body), not these bytes, so their layout is free. */
#include <nakodo/json_build.h>
#include <nakodo/package_json.h>
#include <nakodo/request_json.h>
#include <nakodo/wire.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

json_t *nk_request_auth_to_json(json_t *body, const struct nk_request_auth *auth)
{
	char hex[2 * NK_SIGNATURE_BYTES + 1];

	if (!auth)
		return body;
	sodium_bin2hex(hex, sizeof(hex), auth->signature, sizeof(auth->signature));
	body = nk_json_set(body, "request", json_integer((json_int_t)auth->number));
	return nk_json_set(body, "signature", json_string(hex));
}

/* The valuation's normal form as an object: the text it is sealed in, read back. */
static json_t *valuation_json(const struct nk_package_valuation *v)
{
	char *text = NULL;
	json_t *o;

	if (!v || nk_valuation_json_write(v, &text, NULL) != NK_OK)
		return NULL;
	o = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	sodium_memzero(text, strlen(text));
	free(text);
	return o;
}

json_t *nk_request_to_json(const struct nk_case_request *req, const struct nk_request_auth *auth)
{
	json_t *body = json_object();

	switch (req->action) {
	case NK_ACTION_SUBMIT:
	case NK_ACTION_EXTEND:
	case NK_ACTION_PROPOSE:
	case NK_ACTION_ANNOUNCE:
		body = nk_json_set(body, "amount", json_integer((json_int_t)req->amount));
		break;
	case NK_ACTION_ANSWER:
		body = nk_json_set(body, "accept", json_boolean(req->accept));
		break;
	case NK_ACTION_APPROVE:
		body = nk_json_set(body, "accept", json_boolean(req->accept));
		body = nk_json_set(body, "draft", json_integer((json_int_t)req->draft));
		break;
	case NK_ACTION_SEND:
	case NK_ACTION_DEPOSIT:
	case NK_ACTION_BLIND_OUTCOME:
		if (req->envelope)
			body = nk_json_set(body, "envelope",
					   nk_wire_envelope_to_json(req->envelope, req->envelope_len));
		break;
	case NK_ACTION_PACKAGE:
		body = nk_json_set(body, "valuation", valuation_json(req->valuation));
		break;
	case NK_ACTION_CLOSE:
	case NK_ACTION_WITHDRAW:
		break;
	case NK_ACTION_ENDORSE: {
		char key[NK_KEY_HEX];

		nk_key_to_hex(req->endorse_key, key);
		body = nk_json_set(body, "role", json_string(nk_role_name(req->endorse)));
		body = nk_json_set(body, "key", json_string(key));
		break;
	}
	}
	if (req->round && (req->action == NK_ACTION_SUBMIT || req->action == NK_ACTION_PACKAGE ||
			   req->action == NK_ACTION_EXTEND || req->action == NK_ACTION_ANNOUNCE))
		body = nk_json_set(body, "round", json_integer(req->round));
	return nk_request_auth_to_json(body, auth);
}

bool nk_request_json_signed(const json_t *body)
{
	return json_object_get(body, "request") || json_object_get(body, "signature");
}

/* The request's signature, if the body carries one: both "request" and "signature",
 * or neither (then *out is NULL). */
static enum nk_status auth_from_json(const json_t *body, struct nk_request_auth *auth,
				     const struct nk_request_auth **out, struct nk_error *err)
{
	const json_t *number = json_object_get(body, "request");
	const char *hex = json_string_value(json_object_get(body, "signature"));
	size_t got = 0;

	*out = NULL;
	if (!number && !hex)
		return NK_OK;
	if (!number || !hex)
		return nk_fail(err, NK_EINVAL, number ? "signature" : "request",
			       "a signed request has both \"request\" and \"signature\"");
	if (json_integer_value(number) < 1)
		return nk_fail(err, NK_EINVAL, "request", "a request number is 1 or more");
	if (strlen(hex) != 2 * NK_SIGNATURE_BYTES ||
	    sodium_hex2bin(auth->signature, sizeof(auth->signature), hex, strlen(hex), NULL, &got,
			   NULL) != 0 || got != sizeof(auth->signature))
		return nk_fail(err, NK_EINVAL, "signature", "a signature is %d hex digits",
			       2 * NK_SIGNATURE_BYTES);
	auth->number = (uint64_t)json_integer_value(number);
	*out = auth;
	return NK_OK;
}

/* A package valuation as the command checks a valuation file, named "valuation". */
static enum nk_status valuation_from_json(const json_t *v, struct nk_package_valuation *out,
					  struct nk_error *err)
{
	char *text = json_dumps(v, JSON_COMPACT);
	size_t len = text ? strlen(text) : 0;
	enum nk_status rc;

	if (!text)
		return nk_fail(err, NK_ENOMEM, "valuation", "out of memory");
	rc = nk_valuation_json_read(text, len, "valuation", out, err);
	sodium_memzero(text, len);
	free(text);
	return rc;
}

enum nk_status nk_request_from_json(const json_t *body, enum nk_case_action action,
				    struct nk_case_request *req,
				    struct nk_package_valuation *valuation,
				    struct nk_request_auth *auth,
				    const struct nk_request_auth **auth_out, struct nk_error *err)
{
	const json_t *round = json_object_get(body, "round");
	json_int_t r = round ? json_integer_value(round) : 0;
	struct nk_case_request got = { .action = action };
	const bool rounded = action == NK_ACTION_SUBMIT || action == NK_ACTION_PACKAGE ||
			     action == NK_ACTION_EXTEND || action == NK_ACTION_ANNOUNCE;
	enum nk_status rc;

	/* With "round", a retried submission or extension whose answer was lost cannot land
	 * in the next round: it is refused once its round has closed. */
	if (rounded && round && (r < 1 || r > NK_ROUNDS_MAX))
		return nk_fail(err, NK_EINVAL, "round", "a round is a number from 1 to %d",
			       NK_ROUNDS_MAX);
	if (rounded)
		got.round = (int)r;
	if (action == NK_ACTION_PACKAGE) {
		if ((rc = valuation_from_json(json_object_get(body, "valuation"), valuation,
					      err)) != NK_OK)
			return rc;
		got.valuation = valuation;
	}
	if ((rc = auth_from_json(body, auth, auth_out, err)) != NK_OK)
		return rc;
	if (action == NK_ACTION_SEND || action == NK_ACTION_DEPOSIT ||
	    action == NK_ACTION_BLIND_OUTCOME) {
		uint8_t *env = NULL;
		size_t len = 0;

		if ((rc = nk_wire_envelope_from_json(json_object_get(body, "envelope"), &env, &len,
						     err)) != NK_OK) {
			*auth_out = NULL;
			return rc;
		}
		got.envelope = env;
		got.envelope_len = len;
	}
	if (action == NK_ACTION_SUBMIT || action == NK_ACTION_EXTEND || action == NK_ACTION_PROPOSE ||
	    action == NK_ACTION_ANNOUNCE)
		got.amount = json_integer_value(json_object_get(body, "amount"));
	if (action == NK_ACTION_ANSWER || action == NK_ACTION_APPROVE)
		got.accept = json_is_true(json_object_get(body, "accept"));
	if (action == NK_ACTION_APPROVE) {
		json_int_t n = json_integer_value(json_object_get(body, "draft"));

		if (n < 1)
			return nk_fail(err, NK_EINVAL, "draft", "a draft's number is 1 to 2^63-1");
		got.draft = (uint64_t)n;
	}
	if (action == NK_ACTION_ENDORSE) {
		const char *name = json_string_value(json_object_get(body, "role"));
		const struct nk_request_auth *signed_by = *auth_out;

		*auth_out = NULL;	/* set again once the body reads */
		if (!name || nk_role_parse(name, &got.endorse) != NK_OK)
			return nk_fail(err, NK_EINVAL, "role", "the role whose key is endorsed: a "
				       "principal's or a neutral's name");
		if (nk_key_from_hex(json_string_value(json_object_get(body, "key")),
				    got.endorse_key, err) != NK_OK)
			return nk_fail(err, NK_EINVAL, "key", "the endorsed signing key is %d hex "
				       "digits", 2 * NK_PUBLIC_KEY_BYTES);
		*auth_out = signed_by;
	}
	*req = got;
	sodium_memzero(&got, sizeof(got));
	return NK_OK;
}

json_t *nk_join_to_json(const struct nk_identity *identity,
			const uint8_t sig[static NK_SIGNATURE_BYTES])
{
	char sign[NK_KEY_HEX], seal[NK_KEY_HEX], sig_hex[2 * NK_SIGNATURE_BYTES + 1];

	nk_key_to_hex(identity->sign, sign);
	nk_key_to_hex(identity->seal, seal);
	sodium_bin2hex(sig_hex, sizeof(sig_hex), sig, NK_SIGNATURE_BYTES);
	return json_pack("{s:s, s:s, s:s}", "sign", sign, "seal", seal, "signature", sig_hex);
}

enum nk_status nk_join_from_json(const json_t *body, struct nk_identity *identity,
				 uint8_t sig[static NK_SIGNATURE_BYTES], struct nk_error *err)
{
	const char *sig_hex = json_string_value(json_object_get(body, "signature"));
	uint8_t s[NK_SIGNATURE_BYTES];
	struct nk_identity id;
	size_t got = 0;
	enum nk_status rc;

	if ((rc = nk_key_from_hex(json_string_value(json_object_get(body, "sign")), id.sign,
				  err)) != NK_OK ||
	    (rc = nk_key_from_hex(json_string_value(json_object_get(body, "seal")), id.seal,
				  err)) != NK_OK)
		return rc;
	if (!sig_hex || strlen(sig_hex) != 2 * NK_SIGNATURE_BYTES ||
	    sodium_hex2bin(s, sizeof(s), sig_hex, strlen(sig_hex), NULL, &got, NULL) != 0 ||
	    got != sizeof(s))
		return nk_fail(err, NK_EINVAL, "signature", "a signature is %d hex digits",
			       2 * NK_SIGNATURE_BYTES);
	*identity = id;
	memcpy(sig, s, sizeof(s));
	return NK_OK;
}
