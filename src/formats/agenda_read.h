/* What the two readers of agendas and profiles (GENIUS XML in genius.c, nakodo's JSON in
 * agenda_json.c) share: the empty agenda and profile each fills and their last check,
 * and a numeric issue's range made or refused the same way. Internal to formats/. */
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

/* Checks the agenda read (nk_agenda_check) and hands it over to *out, leaving *ag NULL;
 * on failure *ag stays the caller's to free. */
NK_MUST_USE enum nk_status agenda_read_done(struct nk_agenda **ag, struct nk_agenda **out,
					    struct nk_error *err);

/* The same for a profile of agenda (nk_profile_check). */
NK_MUST_USE enum nk_status agenda_read_profile_done(const struct nk_agenda *agenda,
						    struct nk_profile **pr,
						    struct nk_profile **out, struct nk_error *err);

/* Makes the numeric issue's values (nk_issue_make_numeric); on failure copies the reason
 * into reason[], for the caller to refuse with its own place in the file. */
NK_MUST_USE enum nk_status agenda_read_numeric(struct nk_issue *is,
					       char reason[static NK_ERROR_TEXT_MAX],
					       struct nk_error *err);

#endif
