/* Building JSON all or nothing. jansson's json_object_set_new and json_array_append_new
 * report a failure that is easy to drop, and a dropped one leaves a body that reads as
 * whole but lacks a member (an out-of-memory once committed a round without a party's
 * hint): these take the container and hand back either all of it or NULL. */
#ifndef NAKODO_FORMATS_JSON_BUILD_H
#define NAKODO_FORMATS_JSON_BUILD_H

#include <jansson.h>

/* The form event bodies are stored in (case/), and read back in with
 * nk_json_loads_exact. */
#define NK_JSON_CANONICAL (JSON_COMPACT | JSON_SORT_KEYS)

/* Sets obj[key] to value, taking the reference to value, and returns obj. If obj or
 * value is NULL, or memory runs out, releases both and returns NULL, so that a chain
 * obj = nk_json_set(nk_json_set(obj, "a", x), "b", y) is the whole object or NULL. */
json_t *nk_json_set(json_t *obj, const char *key, json_t *value);

/* The same for appending value to the array arr. */
json_t *nk_json_append(json_t *arr, json_t *value);

/* json_dumps that never returns a partial text. Under out-of-memory jansson 2.14's
 * json_dumps can return a text with an object key missing (it ignores a failed write of
 * a key, observed), so the text is written here with a failure that sticks. Returns a
 * new string (free()) or NULL when out of memory. */
char *nk_json_dumps(const json_t *json, size_t flags);

/* The text json_dumps(json, JSON_SORT_KEYS) writes (one line, keys sorted, ", " and
 * ": " between members), byte for byte, but each real in its shortest exact form as
 * nk_json_dumps_short writes it, written several times faster (json_text.c): the
 * form of every answer of the server. NULL when json is neither an object nor an array,
 * nests deeper than 256, or memory runs out. The text is allocated with nk_alloc_malloc
 * (alloc.h); free it with nk_alloc_free, which wipes it. */
char *nk_json_text_sorted(const json_t *json);

/* nk_json_text_sorted's text with each value padded with spaces after it to a width
 * that does not depend on the value, so that the text's length tells nothing of the
 * values (doc/api.md, "Fixed widths"): an integer to 20 bytes, a real to 24, true and
 * false to 5, null (a value not told) and a string to 66 bytes (quotes included) or a
 * longer string to 258; a longer
 * string, and the keys, as they are. The form of every answer of the server and every
 * request body of the command, which carry figures. Freed with nk_alloc_free. */
char *nk_json_text_fixed(const json_t *json);

/* The length of len's size class: len rounded up to a multiple of 2^(E - B), E being
 * floor(log2 len) and B the number of bits E is written in (Padmé: Nikitin et al.,
 * "Reducing Metadata Leakage from Encrypted Files and Communication with PURBs", 2019).
 * Less than 12.5% more than len (3.2% past 64 KiB); lengths from 2^E to 2^(E+1) fall in
 * at most 2^B classes, so a class tells little more than the length's order. */
size_t nk_json_size_class(size_t len);

/* nk_json_text_fixed's text followed by spaces to its size class (nk_json_size_class):
 * for an answer whose shape, and so its length under fixed widths, would tell what the
 * values do (POST /v1/analyze: doc/api.md). Freed with nk_alloc_free. */
char *nk_json_text_classed(const json_t *json);

/* The text of a JSON real as every answer and --json output writes it: jansson's form
 * (".0" on a whole number, an exponent without '+' or leading zeros: 1e22) at the fewest
 * of 15, 16 and 17 digits that read back as v. Writes out (NUL-terminated) and returns its
 * length, or 0 when it does not fit. */
#define NK_JSON_REAL_MAX 40
size_t nk_json_real_text(double v, char out[static NK_JSON_REAL_MAX]);

/* nk_json_dumps for what people and programs read (the server's answers, the command's
 * --json): each real in the shortest form that reads back as the same double (%.15g,
 * else %.16g, else %.17g), so 0.1 prints 0.1, not 0.10000000000000001, and no real
 * loses a bit; a whole real keeps its ".0". Any JSON_REAL_PRECISION in flags is
 * ignored. Returns a new string (free(); wiped on free like every text jansson writes
 * here) or NULL when out of memory. */
char *nk_json_dumps_short(const json_t *json, size_t flags);

/* Reads back a text that nk_json_dumps wrote with dump_flags (JSON_SORT_KEYS and
 * JSON_COMPACT, say), with jansson's load_flags. Short of memory, jansson's reader can
 * fail with a syntax error, or succeed with characters dropped from a string or a
 * number (observed with 2.14); a text written so must dump back to itself, which
 * catches both. Returns a new reference, or NULL when the text does not read back
 * exactly: out of memory, or a text not written so. */
json_t *nk_json_loads_exact(const char *text, size_t load_flags, size_t dump_flags);

#endif
