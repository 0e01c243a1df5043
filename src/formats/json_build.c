/* Building JSON all or nothing (json_build.h). */
#include <nakodo/json_build.h>

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

/* The text being written, with a sticky failure: jansson 2.14 does not stop when the
 * writer fails on an object's key, and goes on to write the rest without it. */
struct dump_buffer {
	char *text;
	size_t len, cap;
	bool failed;
};

static int dump_append(const char *bytes, size_t size, void *arg)
{
	struct dump_buffer *d = arg;

	if (!d->failed && d->len + size + 1 > d->cap) {
		size_t cap = d->cap ? d->cap : 256;
		char *grown;

		while (cap < d->len + size + 1 && cap <= SIZE_MAX / 2)
			cap *= 2;
		if (cap < d->len + size + 1 || !(grown = realloc(d->text, cap)))
			d->failed = true;
		else {
			d->text = grown;
			d->cap = cap;
		}
	}
	if (d->failed)
		return -1;
	memcpy(d->text + d->len, bytes, size);
	d->len += size;
	d->text[d->len] = '\0';
	return 0;
}

char *nk_json_dumps(const json_t *json, size_t flags)
{
	struct dump_buffer d = { 0 };

	if (!json || json_dump_callback(json, dump_append, &d, flags) != 0 || d.failed || !d.text) {
		free(d.text);
		return NULL;
	}
	return d.text;
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
