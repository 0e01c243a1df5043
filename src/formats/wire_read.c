/* The log and an inbox page read back from the shapes wire_log.c and wire_message.c
 * write, so that each encoder has its decoder beside it and a round trip can be tested.
 * Strict: a member that does not read fails the whole, naming it; nothing is kept of a
 * failed read. */
#include <nakodo/case_json.h>
#include <nakodo/json_build.h>
#include <nakodo/wire.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static bool copy_text(const json_t *v, char *out, size_t max)
{
	const char *text = json_string_value(v);

	if (!text || strlen(text) >= max)
		return false;
	memcpy(out, text, strlen(text) + 1);
	return true;
}

/* Exactly n bytes from lowercase hex. */
static bool hex_bytes(const json_t *v, uint8_t *out, size_t n)
{
	const char *hex = json_string_value(v);
	size_t got = 0;

	return hex && strlen(hex) == 2 * n &&
	       sodium_hex2bin(out, n, hex, 2 * n, NULL, &got, NULL) == 0 && got == n;
}

static void events_free(struct nk_event *events, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(events[i].body);
	free(events);
}

static enum nk_status event_from_json(const json_t *o, struct nk_event *ev, struct nk_error *err)
{
	const json_t *chain = json_object_get(o, "chain");

	if (!json_is_integer(json_object_get(o, "seq")) ||
	    !json_is_integer(json_object_get(o, "time_ms")) ||
	    !copy_text(json_object_get(o, "actor"), ev->actor, sizeof(ev->actor)) ||
	    !copy_text(json_object_get(o, "type"), ev->type, sizeof(ev->type)))
		return nk_fail(err, NK_EINVAL, "events", "an event lacks its seq, time, actor or type");
	ev->seq = json_integer_value(json_object_get(o, "seq"));
	ev->time_ms = json_integer_value(json_object_get(o, "time_ms"));
	if (!json_is_string(chain))
		return nk_fail(err, NK_EINVAL, "chain", "expected hex, or \"\" for none");
	ev->linked = json_string_length(chain) > 0;
	if (ev->linked && (!hex_bytes(chain, ev->chain, sizeof(ev->chain)) ||
			   !hex_bytes(json_object_get(o, "countersignature"), ev->countersig,
				      sizeof(ev->countersig))))
		return nk_fail(err, NK_EINVAL, "chain", "a link is %d and %d hex digits",
			       2 * NK_CHAIN_BYTES, 2 * NK_COUNTERSIG_BYTES);
	/* the body as it is stored: canonical JSON text */
	if (!json_is_object(json_object_get(o, "body")))
		return nk_fail(err, NK_EINVAL, "body", "an event's body is an object");
	if (!(ev->body = nk_json_dumps(json_object_get(o, "body"), NK_JSON_CANONICAL)))
		return nk_fail(err, NK_ENOMEM, "body", "out of memory");
	return NK_OK;
}

enum nk_status nk_wire_log_from_json(const json_t *obj, char case_id[static NK_CASE_ID_MAX],
				     struct nk_event_list *out, struct nk_error *err)
{
	const json_t *events = json_object_get(obj, "events");
	char id[NK_CASE_ID_MAX];
	struct nk_event *list;
	size_t n = json_array_size(events), i;
	enum nk_status rc = NK_OK;

	if (!copy_text(json_object_get(obj, "case"), id, sizeof(id)))
		return nk_fail(err, NK_EINVAL, "case", "expected a case id");
	if (!json_is_array(events))
		return nk_fail(err, NK_EINVAL, "events", "expected an array");
	if (!(list = calloc(n ? n : 1, sizeof(*list))))
		return nk_fail(err, NK_ENOMEM, "events", "out of memory");
	for (i = 0; i < n && rc == NK_OK; i++)
		rc = event_from_json(json_array_get(events, i), &list[i], err);
	if (rc != NK_OK) {
		events_free(list, i);
		return rc;
	}
	memcpy(case_id, id, sizeof(id));
	out->events = list;
	out->count = n;
	return NK_OK;
}

enum nk_status nk_wire_log_proof_from_json(const json_t *log, struct nk_batch_proof *out,
					   bool *has, struct nk_error *err)
{
	const json_t *batch = json_object_get(log, "batch"), *path;
	const json_t *number, *index;
	struct nk_batch_proof p = { 0 };

	if (!batch) {
		*has = false;
		return NK_OK;
	}
	path = json_object_get(batch, "proof");
	number = json_object_get(batch, "number");
	index = json_object_get(batch, "index");
	if (!json_is_integer(number) || json_integer_value(number) < 1 ||
	    !json_is_integer(index) || json_integer_value(index) < 0 ||
	    json_integer_value(index) >= (json_int_t)NK_BATCH_LEAVES)
		return nk_fail(err, NK_EINVAL, "batch", "a batch's number and index are counts");
	if (!json_is_array(path) || json_array_size(path) != NK_BATCH_DEPTH)
		return nk_fail(err, NK_EINVAL, "batch", "a batch proof is %d hashes", NK_BATCH_DEPTH);
	for (int k = 0; k < NK_BATCH_DEPTH; k++)
		if (!hex_bytes(json_array_get(path, (size_t)k), p.path[k], NK_HASH_BYTES))
			return nk_fail(err, NK_EINVAL, "batch", "a batch proof's hash is %d hex digits",
				       2 * NK_HASH_BYTES);
	if (!hex_bytes(json_object_get(batch, "signature"), p.sig, NK_SIGNATURE_BYTES))
		return nk_fail(err, NK_EINVAL, "batch", "a batch's signature is %d hex digits",
			       2 * NK_SIGNATURE_BYTES);
	p.ref.number = (uint64_t)json_integer_value(number);
	p.ref.index = (uint32_t)json_integer_value(index);
	*out = p;
	*has = true;
	return NK_OK;
}

static bool kind_parse(const char *name, enum nk_message_kind *kind)
{
	for (int k = NK_MESSAGE_TEXT; name && k <= NK_MESSAGE_DEPOSIT; k++)
		if (strcmp(name, nk_message_kind_name((enum nk_message_kind)k)) == 0) {
			*kind = (enum nk_message_kind)k;
			return true;
		}
	return false;
}

static enum nk_status item_from_json(const json_t *o, struct nk_inbox_item *it,
				     struct nk_error *err)
{
	if (!json_is_integer(json_object_get(o, "index")) ||
	    !json_is_integer(json_object_get(o, "time_ms")) ||
	    !json_is_integer(json_object_get(o, "n")) ||
	    !kind_parse(json_string_value(json_object_get(o, "kind")), &it->kind) ||
	    nk_role_parse(json_string_value(json_object_get(o, "from")), &it->from) != NK_OK ||
	    nk_role_parse(json_string_value(json_object_get(o, "to")), &it->to) != NK_OK ||
	    !hex_bytes(json_object_get(o, "sha256"), it->sha256, sizeof(it->sha256)))
		return nk_fail(err, NK_EINVAL, "items", "an item lacks its index, time, kind, "
			       "roles, number or hash");
	it->index = json_integer_value(json_object_get(o, "index"));
	it->time_ms = json_integer_value(json_object_get(o, "time_ms"));
	it->n = (uint64_t)json_integer_value(json_object_get(o, "n"));
	return nk_wire_envelope_from_json(json_object_get(o, "envelope"), &it->envelope, &it->len,
					  err);
}

enum nk_status nk_wire_inbox_from_json(const json_t *obj, char case_id[static NK_CASE_ID_MAX],
				       enum nk_role *role, struct nk_inbox *out,
				       struct nk_error *err)
{
	const json_t *items = json_object_get(obj, "items"), *d = json_object_get(obj, "deposit");
	char id[NK_CASE_ID_MAX];
	struct nk_inbox_item *list;
	size_t n = json_array_size(items), i;
	enum nk_role r;
	enum nk_status rc = NK_OK;

	if (!copy_text(json_object_get(obj, "case"), id, sizeof(id)))
		return nk_fail(err, NK_EINVAL, "case", "expected a case id");
	if (nk_role_parse(json_string_value(json_object_get(obj, "role")), &r) != NK_OK)
		return nk_fail(err, NK_EINVAL, "role", "expected claimant, payer or mediator");
	if (!json_is_array(items) || !json_is_boolean(json_object_get(obj, "more")) ||
	    !json_is_boolean(json_object_get(d, "held")) ||
	    !json_is_boolean(json_object_get(d, "released")))
		return nk_fail(err, NK_EINVAL, "items", "expected items, more and deposit");
	if (!(list = calloc(n ? n : 1, sizeof(*list))))
		return nk_fail(err, NK_ENOMEM, "items", "out of memory");
	for (i = 0; i < n && rc == NK_OK; i++)
		rc = item_from_json(json_array_get(items, i), &list[i], err);
	if (rc != NK_OK) {
		for (size_t k = 0; k < i; k++)
			free(list[k].envelope);
		free(list);
		return rc;
	}
	memcpy(case_id, id, sizeof(id));
	*role = r;
	out->items = list;
	out->count = n;
	out->more = json_is_true(json_object_get(obj, "more"));
	out->deposit_held = json_is_true(json_object_get(d, "held"));
	out->released = json_is_true(json_object_get(d, "released"));
	return NK_OK;
}

enum nk_status nk_wire_sent_from_json(const json_t *obj, struct nk_wire_sent *out,
				      struct nk_error *err)
{
	const json_t *released = json_object_get(obj, "released");
	struct nk_wire_sent s = { 0 };

	if (!copy_text(json_object_get(obj, "case"), s.case_id, sizeof(s.case_id)) ||
	    !kind_parse(json_string_value(json_object_get(obj, "kind")), &s.kind) ||
	    nk_role_parse(json_string_value(json_object_get(obj, "from")), &s.from) != NK_OK ||
	    nk_role_parse(json_string_value(json_object_get(obj, "to")), &s.to) != NK_OK ||
	    !json_is_integer(json_object_get(obj, "n")) ||
	    !json_is_integer(json_object_get(obj, "size")) ||
	    !hex_bytes(json_object_get(obj, "sha256"), s.sha256, sizeof(s.sha256)) ||
	    (released && !json_is_boolean(released)))
		return nk_fail(err, NK_EINVAL, "sent", "expected case, kind, from, to, n, size and "
			       "sha256");
	s.n = (uint64_t)json_integer_value(json_object_get(obj, "n"));
	s.size = (uint64_t)json_integer_value(json_object_get(obj, "size"));
	s.has_released = released != NULL;
	s.released = json_is_true(released);
	*out = s;
	return NK_OK;
}

enum nk_status nk_wire_withdrawn_from_json(const json_t *obj, char case_id[static NK_CASE_ID_MAX],
					   enum nk_role *role, uint64_t *n, struct nk_error *err)
{
	const json_t *w = json_object_get(obj, "withdrawn");
	char id[NK_CASE_ID_MAX];
	enum nk_role r;

	if (!copy_text(json_object_get(obj, "case"), id, sizeof(id)) ||
	    nk_role_parse(json_string_value(json_object_get(obj, "role")), &r) != NK_OK ||
	    !json_is_integer(w))
		return nk_fail(err, NK_EINVAL, "withdrawn", "expected case, role and withdrawn");
	memcpy(case_id, id, sizeof(id));
	*role = r;
	*n = (uint64_t)json_integer_value(w);
	return NK_OK;
}
