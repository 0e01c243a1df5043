/* Building JSON all or nothing (json_build.h). */
#include <nakodo/json_build.h>
#include <nakodo/buffers.h>
#include "formats/json_text.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

json_t *nk_json_set(json_t *obj, const char *key, json_t *value)
{
	if (!obj || !value || json_object_set_new(obj, key, value) != 0) {
		/* json_object_set_new has released value already, except when obj is NULL */
		if (!obj)
			json_decref(value);
		json_decref(obj);
		return NULL;
	}
	return obj;
}

json_t *nk_json_append(json_t *arr, json_t *value)
{
	if (!arr || !value || json_array_append_new(arr, value) != 0) {
		if (!arr)
			json_decref(value);
		json_decref(arr);
		return NULL;
	}
	return arr;
}

/* Appends to the text being written; the failure is sticky because jansson 2.14 does
 * not stop when the writer fails on an object's key, and goes on to write the rest
 * without it. */
static int dump_append(const char *bytes, size_t size, void *arg)
{
	return nk_buf_append(arg, bytes, size) ? 0 : -1;
}

char *nk_json_dumps(const json_t *json, size_t flags)
{
	struct nk_buf d = { .max = SIZE_MAX / 2 };
	char *text;

	/* the canonical form of every event's body, written in the write turn: by
	 * json_text.c's walk, without jansson's loop check (a pointer printed and hashed
	 * for every container) and its callback a few bytes at a time; anything the walk
	 * does not write is jansson's to write, or to refuse */
	if (flags == NK_JSON_CANONICAL && (text = json_text_canonical(json)))
		return text;
	if (!json || json_dump_callback(json, dump_append, &d, flags) != 0 || d.failed ||
	    d.too_big || !d.data) {
		nk_buf_free(&d);
		return NULL;
	}
	return d.data;
}

json_t *nk_json_loads_exact(const char *text, size_t load_flags, size_t dump_flags)
{
	json_t *v = json_loads(text, load_flags, NULL);
	char *again = v ? nk_json_dumps(v, dump_flags) : NULL;

	if (!again || strcmp(again, text) != 0) {
		json_decref(v);
		v = NULL;
	}
	free(again);
	return v;
}
