/* What the two readers of agendas and profiles (GENIUS XML in genius.c, nakodo's JSON in
 * agenda_json.c) share: the empty agenda and profile each fills, and a numeric issue's
 * range made or refused the same way. Internal to formats/. */
#ifndef NAKODO_FORMATS_AGENDA_READ_H
#define NAKODO_FORMATS_AGENDA_READ_H

#include <nakodo/domain.h>

/* A new agenda with room for nissues issues, none filled in (ag->nissues counts those
 * read so far); NK_ENOMEM with file as the field. The caller frees it with
 * nk_agenda_free(). */
NK_MUST_USE enum nk_status agenda_read_new(size_t nissues, const char *file,
					   struct nk_agenda **out, struct nk_error *err);

/* A new profile for agenda: one empty valuation per issue, discount 1; NK_ENOMEM with
 * file as the field. The caller frees it with nk_profile_free(). */
NK_MUST_USE enum nk_status agenda_read_profile_new(const struct nk_agenda *agenda,
						   const char *file, struct nk_profile **out,
						   struct nk_error *err);

/* Makes the numeric issue's values (nk_issue_make_numeric); on failure copies the reason
 * into reason[], for the caller to refuse with its own place in the file. */
NK_MUST_USE enum nk_status agenda_read_numeric(struct nk_issue *is,
					       char reason[static NK_ERROR_TEXT_MAX],
					       struct nk_error *err);

#endif
