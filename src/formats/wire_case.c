/* Opening a case, its tokens, the list of cases: the request and answers the server
 * and the command share (doc/api.md, "Cases" and "Access"). */
#include <nakodo/case_json.h>
#include <nakodo/json_build.h>
#include <nakodo/package_case_json.h>
#include <nakodo/wire.h>

#include <string.h>

json_t *nk_wire_open_to_json(const struct nk_rules *rules, const struct nk_package_frame *frame)
{
	return frame ? json_pack("{s:o}", "package", nk_package_frame_to_json(frame))
		     : json_pack("{s:o}", "rules", nk_rules_to_json(rules));
}

enum nk_status nk_wire_open_from_json(const json_t *body, struct nk_rules *rules,
				      struct nk_package_frame *frame, bool *package,
				      struct nk_error *err)
{
	const json_t *p = json_object_get(body, "package");
	enum nk_status rc;

	if (!json_object_get(body, "rules") == !p)
		return nk_fail(err, NK_EINVAL, "body", "give \"rules\" (a case of figures) or "
			       "\"package\" (a package case's frame), one of them");
	if (p)
		rc = nk_package_frame_from_json(p, frame, err);
	else
		rc = nk_rules_from_json(json_object_get(body, "rules"), rules, err);
	if (rc == NK_OK)
		*package = p != NULL;
	return rc;
}

json_t *nk_wire_open_bridge(json_t *body, int64_t budget)
{
	json_t *rules = json_object_get(body, "rules");

	if (!body || !budget)
		return body;
	if (!rules || json_object_set_new(rules, "bridge", json_integer(budget)) != 0) {
		json_decref(body);
		return NULL;
	}
	return body;
}

enum nk_status nk_wire_open_bridge_take(json_t *body, int64_t *budget, struct nk_error *err)
{
	json_t *rules = json_object_get(body, "rules");
	const json_t *v = json_object_get(rules, "bridge");

	*budget = 0;
	if (!json_is_object(rules) || !v || json_is_false(v))
		return NK_OK;	/* false: no bridge, as the rules' own reader takes it */
	/* in nk_bridge_check's words, which the pages' form repeats */
	if (!json_is_integer(v))
		return nk_fail(err, NK_EINVAL, "bridge", "a bridge's budget is an integer amount "
			       "in minor units");
	if (json_integer_value(v) < 1)
		return nk_fail(err, NK_EINVAL, "bridge", "a bridge's budget must be positive");
	if (json_integer_value(v) > NK_AMOUNT_MAX)
		return nk_fail(err, NK_EINVAL, "bridge", "a bridge's budget may not exceed the "
			       "width of the case's range");
	*budget = json_integer_value(v);
	json_object_del(rules, "bridge");
	return NK_OK;
}

json_t *nk_wire_opened_titled(json_t *obj, const char *title)
{
	return obj && title ? nk_json_set(obj, "title", json_string(title)) : obj;
}

enum nk_status nk_wire_open_title(const json_t *body, char title[static NK_TITLE_MAX + 1],
				  struct nk_error *err)
{
	const json_t *t = json_object_get(body, "title");
	enum nk_status rc;

	title[0] = '\0';
	if (!t)
		return NK_OK;
	if (!json_is_string(t))
		return nk_fail(err, NK_EINVAL, "title", "a title is text");
	if ((rc = nk_title_check(json_string_value(t), "title", err)) != NK_OK)
		return rc;
	memcpy(title, json_string_value(t), json_string_length(t) + 1);
	return NK_OK;
}

json_t *nk_wire_opened_to_json(const char *id, const struct nk_rules *rules,
			       const struct nk_package_frame *frame, const char *const *tokens)
{
	json_t *o = json_pack("{s:s, s:o}", "case", id, frame ? "frame" : "rules",
			      frame ? nk_package_frame_to_json(frame) : nk_rules_to_json(rules));

	json_t *t = tokens ? json_object() : NULL;

	/* a principal's or a neutral's token only when the case has the role */
	for (int r = 0; t && r < NK_ROLE_COUNT; r++)
		if (tokens[r] && tokens[r][0])
			t = nk_json_set(t, nk_role_name((enum nk_role)r), json_string(tokens[r]));
	if (o && tokens)
		o = nk_json_set(o, "tokens", t);
	else
		json_decref(t);
	return o;
}

/* Copies a string member of at most max - 1 characters into out. */
static enum nk_status text_member(const json_t *obj, const char *key, char *out, size_t max,
				  const char *field, struct nk_error *err)
{
	const char *text = json_string_value(json_object_get(obj, key));

	if (!text || strlen(text) >= max)
		return nk_fail(err, NK_EINVAL, field, "missing, or not text of at most %zu characters",
			       max - 1);
	memcpy(out, text, strlen(text) + 1);
	return NK_OK;
}

enum nk_status nk_wire_opened_from_json(const json_t *obj, char id[static NK_CASE_ID_MAX],
					struct nk_rules *rules, struct nk_package_frame *frame,
					bool *package, char tokens[NK_ROLE_COUNT][NK_WIRE_TOKEN_MAX],
					bool *has_tokens, struct nk_error *err)
{
	const json_t *t = json_object_get(obj, "tokens"), *f = json_object_get(obj, "frame");
	char got_id[NK_CASE_ID_MAX], got_tokens[NK_ROLE_COUNT][NK_WIRE_TOKEN_MAX];
	enum nk_status rc;

	if ((rc = text_member(obj, "case", got_id, sizeof(got_id), "case", err)) != NK_OK)
		return rc;
	for (int r = 0; t && r < NK_ROLE_COUNT; r++) {
		got_tokens[r][0] = '\0';	/* "": the role has no token (a role the case lacks) */
		if (r > NK_MEDIATOR && !json_object_get(t, nk_role_name((enum nk_role)r)))
			continue;
		if ((rc = text_member(t, nk_role_name((enum nk_role)r), got_tokens[r],
				      NK_WIRE_TOKEN_MAX, "tokens", err)) != NK_OK)
			return rc;
	}
	if (f)
		rc = nk_package_frame_from_json(f, frame, err);
	else
		rc = nk_rules_from_json(json_object_get(obj, "rules"), rules, err);
	if (rc != NK_OK)
		return rc;
	memcpy(id, got_id, sizeof(got_id));
	if (t)
		memcpy(tokens, got_tokens, sizeof(got_tokens));
	*package = f != NULL;
	*has_tokens = t != NULL;
	return NK_OK;
}

enum nk_status nk_wire_opened_add_links(json_t *opened, const char *base, struct nk_error *err)
{
	const json_t *tokens = json_object_get(opened, "tokens");
	const char *id = json_string_value(json_object_get(opened, "case"));
	size_t n = base ? strlen(base) : 0;
	json_t *links;

	if (!json_is_object(tokens) || !id || json_object_get(opened, "links"))
		return NK_OK;
	if (strncmp(base ? base : "", "http://", 7) != 0 && strncmp(base ? base : "", "https://", 8) != 0)
		return nk_fail(err, NK_EINVAL, "url", "the server's address must start with "
			       "http:// or https://");
	if (base[n - 1] == '/')
		n--;
	links = json_object();
	for (int r = 0; links && r < NK_ROLE_COUNT; r++) {
		const char *role = nk_role_name((enum nk_role)r);
		const char *token = json_string_value(json_object_get(tokens, role));

		if (token)
			links = nk_json_set(links, role, json_sprintf("%.*s/case/%s#token=%s", (int)n,
								     base, id, token));
	}
	if (!links || json_object_set_new(opened, "links", links) != 0)
		return nk_fail(err, NK_ENOMEM, "links", "out of memory");
	return NK_OK;
}

json_t *nk_wire_tokens_to_json(const char *case_id, const char *role, uint64_t revoked,
			       const char *token)
{
	json_t *o = json_pack("{s:s, s:s, s:I}", "case", case_id, "role", role,
			      "revoked", (json_int_t)revoked);

	if (o && token)
		o = nk_json_set(o, "token", json_string(token));
	return o;
}

enum nk_status nk_wire_tokens_from_json(const json_t *obj, char case_id[static NK_CASE_ID_MAX],
					enum nk_role *role, uint64_t *revoked,
					char token[static NK_WIRE_TOKEN_MAX], bool *has_token,
					struct nk_error *err)
{
	const json_t *n = json_object_get(obj, "revoked");
	char id[NK_CASE_ID_MAX], tok[NK_WIRE_TOKEN_MAX];
	bool has = json_object_get(obj, "token") != NULL;
	enum nk_role r;
	enum nk_status rc;

	if ((rc = text_member(obj, "case", id, sizeof(id), "case", err)) != NK_OK)
		return rc;
	if (nk_role_parse(json_string_value(json_object_get(obj, "role")), &r) != NK_OK)
		return nk_fail(err, NK_EINVAL, "role", "expected claimant, payer or mediator");
	if (!json_is_integer(n) || json_integer_value(n) < 0)
		return nk_fail(err, NK_EINVAL, "revoked", "expected a count");
	if (has && (rc = text_member(obj, "token", tok, sizeof(tok), "token", err)) != NK_OK)
		return rc;
	memcpy(case_id, id, sizeof(id));
	*role = r;
	*revoked = (uint64_t)json_integer_value(n);
	if (has)
		memcpy(token, tok, sizeof(tok));
	*has_token = has;
	return NK_OK;
}

json_t *nk_wire_cases_to_json(json_t *ids)
{
	return json_pack("{s:o}", "cases", ids);
}
