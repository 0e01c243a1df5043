/* JSON forms of a package case: its public frame (strict decoding, as for rules) and a
 * role's briefing (doc/formats.md, "Package cases"). */
#ifndef NAKODO_PACKAGE_CASE_JSON_H
#define NAKODO_PACKAGE_CASE_JSON_H

#include <nakodo/brief.h>

#include <jansson.h>

/* New references; NULL only when out of memory. */
json_t *nk_package_frame_to_json(const struct nk_package_frame *frame);
json_t *nk_package_brief_to_json(const struct nk_package_brief *brief);

/* Decodes a frame: unknown keys, wrong types and a hint policy other than "none" are
 * refused with the field and the reason; then nk_package_frame_check. *out is untouched
 * on failure. */
NK_MUST_USE enum nk_status nk_package_frame_from_json(const json_t *obj,
						      struct nk_package_frame *out,
						      struct nk_error *err);

/* Reads back a package briefing from nk_package_brief_to_json's shape into b (zeroed
 * first; sodium_malloc memory: a party's holds its reservation). NK_ECORRUPT (field
 * "server") when what names the case, role, state or a round's outcome is missing;
 * the frame's and the package's decoders name their own fields. */
NK_MUST_USE enum nk_status nk_package_brief_from_json(const json_t *obj,
						      struct nk_package_brief *b,
						      struct nk_error *err);

/* The component called name ("claims", "grant", "loan", "credits"), or -1. */
int nk_component_parse(const char *name);

#endif
