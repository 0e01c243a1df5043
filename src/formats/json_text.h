/* A writer of nk_json_text_fixed's text (json_build.h) straight from a codec's own
 * structs, without a jansson tree: the same bytes, the same widths, members given by the
 * caller in jansson's sorted order (asserted), for an answer that a server writes on
 * every request (brief_text.c). Internal to formats/. */
#ifndef NAKODO_FORMATS_JSON_TEXT_H
#define NAKODO_FORMATS_JSON_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Containers open at once: deeper than any answer written this way. */
#define JSON_WRITER_NEST 16

struct json_writer {
	char *data;		/* nk_alloc_malloc'd; NULL until the first write */
	size_t len, cap;
	bool failed;		/* sticky: out of memory, a real that is not finite, a
				 * string that is not UTF-8, too deep */
	bool fixed;		/* padded to widths: always, but in json_text.c's walk
				 * for nk_json_text_sorted */
	int depth;		/* containers open */
	bool more[JSON_WRITER_NEST + 1];	/* depth d holds a value: ", " first */
	const char *last_key[JSON_WRITER_NEST + 1];	/* the order check's */
};

/* Starts w with room for expect bytes (a guess: it grows past it). */
void jw_start(struct json_writer *w, size_t expect);
/* The text written (NUL-terminated; free it with nk_alloc_free), or NULL after any
 * failure or when a container is left open; w is spent either way. */
char *jw_finish(struct json_writer *w);

/* Each writes a member named key of the open object (keys in jansson's order: bytes
 * compared, the shorter first, which for these C strings is strcmp's), or with key NULL
 * an element of the open array, or the whole text. Strings are C strings. */
void jw_object(struct json_writer *w, const char *key);
void jw_array(struct json_writer *w, const char *key);
void jw_close_object(struct json_writer *w);
void jw_close_array(struct json_writer *w);
void jw_int(struct json_writer *w, const char *key, int64_t v);
void jw_real(struct json_writer *w, const char *key, double v);
void jw_bool(struct json_writer *w, const char *key, bool v);
void jw_null(struct json_writer *w, const char *key);
void jw_string(struct json_writer *w, const char *key, const char *s);

#endif
