/* JSON shapes of sealed messages and deposits, shared by the server's answers and the
 * command's local mode so both print the same. Envelopes travel as base64 (sodium's
 * original, padded variant); they are ciphertext, so these shapes hold no plain text. */
#include <nakodo/wire.h>
#include "base/hex.h"
#include <nakodo/case_json.h>
#include <nakodo/json_build.h>

#include <nakodo/seal.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

json_t *nk_wire_envelope_to_json(const uint8_t *env, size_t len)
{
	size_t cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	char *text = malloc(cap);
	json_t *v;

	if (!text)
		return NULL;
	sodium_bin2base64(text, cap, env, len, sodium_base64_VARIANT_ORIGINAL);
	v = json_string(text);
	free(text);
	return v;
}

enum nk_status nk_wire_envelope_from_json(const json_t *text, uint8_t **out, size_t *len,
				       struct nk_error *err)
{
	const char *b64 = json_string_value(text);
	size_t n = b64 ? json_string_length(text) : 0, got = 0;
	uint8_t *buf;

	if (!b64 || n == 0 || n >= NK_WIRE_ENVELOPE_B64_MAX)
		return nk_fail(err, NK_EINVAL, "envelope", "an envelope is base64 of 1 to %d bytes",
			       NK_ENVELOPE_MAX);
	if (!(buf = malloc(n)))
		return nk_fail(err, NK_ENOMEM, "envelope", "out of memory");
	if (sodium_base642bin(buf, n, b64, n, NULL, &got, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got == 0 || got > NK_ENVELOPE_MAX) {
		free(buf);
		return nk_fail(err, NK_EINVAL, "envelope", "not base64 of 1 to %d bytes",
			       NK_ENVELOPE_MAX);
	}
	*out = buf;
	*len = got;
	return NK_OK;
}

static json_t *hash_json(const uint8_t hash[static NK_HASH_BYTES])
{
	char hex[2 * NK_HASH_BYTES + 1];

	nk_hex_encode(hash, NK_HASH_BYTES, hex);
	return json_string(hex);
}

json_t *nk_wire_sent_to_json(const char *case_id, const uint8_t *env, size_t len, bool released)
{
	struct nk_envelope_header h;
	uint8_t hash[NK_HASH_BYTES];
	json_t *o;

	if (nk_message_peek(env, len, &h, NULL) != NK_OK)
		return NULL;
	nk_envelope_hash(env, len, hash);
	o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:o}", "case", case_id,
		      "kind", nk_message_kind_name(h.kind), "from", nk_role_name(h.from),
		      "to", nk_role_name(h.to), "n", (json_int_t)h.seq, "size", (json_int_t)len,
		      "sha256", hash_json(hash));
	if (o && h.kind == NK_MESSAGE_DEPOSIT)
		o = nk_json_set(o, "released", json_boolean(released));
	return o;
}

json_t *nk_wire_inbox_to_json(const char *case_id, enum nk_role role, const struct nk_inbox *box)
{
	json_t *items = json_array();

	for (size_t i = 0; items && i < box->count; i++) {
		const struct nk_inbox_item *it = &box->items[i];

		if (json_array_append_new(items, json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:o, s:o}",
			"index", (json_int_t)it->index, "time_ms", (json_int_t)it->time_ms,
			"kind", nk_message_kind_name(it->kind), "from", nk_role_name(it->from),
			"to", nk_role_name(it->to), "n", (json_int_t)it->n,
			"sha256", hash_json(it->sha256),
			"envelope", nk_wire_envelope_to_json(it->envelope, it->len))) != 0) {
			json_decref(items);
			return NULL;
		}
	}
	return json_pack("{s:s, s:s, s:o, s:b, s:{s:b, s:b}}", "case", case_id,
			 "role", nk_role_name(role), "items", items, "more", box->more,
			 "deposit", "held", box->deposit_held, "released", box->released);
}

json_t *nk_wire_withdrawn_to_json(const char *case_id, enum nk_role role, uint64_t n)
{
	return json_pack("{s:s, s:s, s:I}", "case", case_id, "role", nk_role_name(role),
			 "withdrawn", (json_int_t)n);
}
