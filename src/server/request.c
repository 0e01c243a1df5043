/* Strict decoding of a request body: bounded nesting (checked before the parser runs,
 * so a deep document costs no recursion), duplicate keys refused, every member known
 * to the route and of exactly its type: a real or a string where an integer belongs
 * is an error, not a conversion. */
#include "server/server_impl.h"

#include <string.h>

/* The deepest nesting of arrays and objects in text, strings skipped. */
static unsigned nesting(const char *text, size_t len, unsigned stop)
{
	unsigned depth = 0, deepest = 0;
	bool in_string = false;

	for (size_t i = 0; i < len && deepest <= stop; i++) {
		char c = text[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '{' || c == '[') {
			if (++depth > deepest)
				deepest = depth;
		} else if ((c == '}' || c == ']') && depth > 0) {
			depth--;
		}
	}
	return deepest;
}

static const char *kind_name(enum field_kind kind)
{
	static const char *const names[] = {
		[FIELD_INT] = "an integer", [FIELD_BOOL] = "true or false", [FIELD_OBJECT] = "an object",
		[FIELD_STRING] = "a string", [FIELD_ARRAY] = "an array",
	};
	return names[kind];
}

static bool kind_matches(enum field_kind kind, const json_t *v)
{
	switch (kind) {
	case FIELD_INT:
		return json_is_integer(v);
	case FIELD_BOOL:
		return json_is_boolean(v);
	case FIELD_OBJECT:
		return json_is_object(v);
	case FIELD_STRING:
		return json_is_string(v);
	case FIELD_ARRAY:
		return json_is_array(v);
	}
	return false;
}

json_t *request_peek(const char *body, size_t len, bool *signature)
{
	json_t *obj, *loose;

	*signature = false;
	if (!body || len == 0)
		return NULL;
	/* The reading request_decode makes first; DECODE_ANY only so that a scalar costs no
	 * second reading here (it is not handed on: request_decode's own error names it). */
	obj = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
	if (obj) {
		*signature = json_is_object(obj) && (json_object_get(obj, "request") ||
						     json_object_get(obj, "signature"));
		if (json_is_object(obj))
			return obj;
		json_decref(obj);	/* through nk_alloc's wiping free: it may hold a figure */
		return NULL;
	}
	/* Refused strictly (a duplicate member, bad text, short of memory): looked at
	 * loosely, as before, where a later duplicate wins. */
	loose = json_loadb(body, len, JSON_DECODE_ANY, NULL);
	*signature = json_is_object(loose) && (json_object_get(loose, "request") ||
					       json_object_get(loose, "signature"));
	json_decref(loose);
	return NULL;
}

enum nk_status request_decode(const char *body, size_t len, unsigned depth_max,
			      const struct field_spec *fields, json_t **out,
			      struct nk_error *err)
{
	return request_decode_parsed(body, len, depth_max, fields, NULL, out, err);
}

enum nk_status request_decode_parsed(const char *body, size_t len, unsigned depth_max,
				     const struct field_spec *fields, json_t *parsed,
				     json_t **out, struct nk_error *err)
{
	json_error_t jerr;
	json_t *obj = NULL, *again;
	bool same;
	const char *key;
	json_t *v;
	enum nk_status rc = NK_EINVAL;

	if (len == 0) {
		json_decref(parsed);
		/* an empty body stands for {} */
		obj = json_object();
		if (!obj)
			return nk_fail(err, NK_ENOMEM, "body", "out of memory");
	} else {
		if (memchr(body, '\0', len)) {
			json_decref(parsed);
			return nk_fail(err, NK_EINVAL, "body", "the body holds a NUL byte");
		}
		if (nesting(body, len, depth_max) > depth_max) {
			json_decref(parsed);
			return nk_fail(err, NK_EINVAL, "body", "nested deeper than %u levels", depth_max);
		}
		/* jansson 2.14's reader, short of memory, can fail as if the text were bad or
		 * succeed with a character of a token dropped (a figure's digit): a second
		 * reading must agree with the first (which request_peek may have made). */
		obj = parsed ? parsed : json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
		again = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
		same = obj && again && json_equal(obj, again);
		json_decref(again);
		if (!obj && !again)
			return nk_fail(err, NK_EINVAL, "body", "not JSON: %.120s (at byte %d)",
				       jerr.text, jerr.position);
		if (!same) {
			json_decref(obj);
			return nk_fail(err, NK_ENOMEM, "body", "out of memory");
		}
	}
	if (!json_is_object(obj)) {
		nk_fail(err, NK_EINVAL, "body", "must be a JSON object");
		goto out;
	}
	json_object_foreach(obj, key, v) {
		const struct field_spec *f = fields;

		while (f && f->name && strcmp(f->name, key) != 0)
			f++;
		if (!f || !f->name) {
			nk_fail(err, NK_EINVAL, "body", "unknown member \"%.40s\"", key);
			goto out;
		}
		if (!kind_matches(f->kind, v)) {
			nk_fail(err, NK_EINVAL, f->name, "must be %s", kind_name(f->kind));
			goto out;
		}
	}
	for (const struct field_spec *f = fields; f && f->name; f++)
		if (f->required && !json_object_get(obj, f->name)) {
			nk_fail(err, NK_EINVAL, f->name, "missing");
			goto out;
		}
	*out = obj;
	obj = NULL;
	rc = NK_OK;
out:
	json_decref(obj);
	return rc;
}

static enum MHD_Result add_header_size(void *cls, enum MHD_ValueKind kind, const char *key,
				       const char *value)
{
	(void)kind;
	*(size_t *)cls += strlen(key) + (value ? strlen(value) : 0) + 4;	/* ": ", CRLF */
	return MHD_YES;
}

/* The request line and headers as sent, give or take whitespace. libmicrohttpd's pool is
 * twice --header-max (server.c), so that a head over the limit still reaches this check
 * and is refused with a problem document; one over the pool gets its bare 431. */
size_t request_head_size(struct MHD_Connection *conn, const char *method, const char *url)
{
	size_t n = strlen(method) + strlen(url) + 12;	/* " ", " HTTP/1.1", CRLF */

	MHD_get_connection_values(conn, MHD_HEADER_KIND, add_header_size, &n);
	return n;
}
