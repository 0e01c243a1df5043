/* A case's title: a short name the mediator gives a case when opening it, shown to every
 * role (briefings, the list of cases). It is not secret, and since every party reads
 * it, it must not be able to disguise the text around it: no control characters, no
 * line or paragraph separators and no direction overrides. */
#ifndef NAKODO_TITLE_H
#define NAKODO_TITLE_H

#include <nakodo/status.h>

#define NK_TITLE_MAX 120	/* bytes of UTF-8, NUL excluded */

/* Checks text as a new title: non-empty UTF-8 of at most NK_TITLE_MAX bytes without C0
 * or C1 control characters, DEL, U+2028/U+2029, the bidirectional controls (U+061C,
 * U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) or characters that show as nothing
 * (U+200B, U+2060..U+2064, U+FEFF, U+00AD, tags, …), and not only spaces. NK_EINVAL
 * naming field, never quoting text. */
NK_MUST_USE enum nk_status nk_title_check(const char *text, const char *field,
					  struct nk_error *err);
/* The same without the invisible characters and the spaces, which were allowed before:
 * for a title already stored, or sent by a server, so that it still reads. */
NK_MUST_USE enum nk_status nk_title_check_stored(const char *text, const char *field,
						 struct nk_error *err);

#endif
