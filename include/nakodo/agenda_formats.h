/* Reading and writing agendas and profiles: GENIUS/ANAC XML (read) and nakodo's own
 * JSON form (read and write, see doc/formats.md). Errors name the file, the line when
 * there is one, and the reason. */
#ifndef NAKODO_AGENDA_FORMATS_H
#define NAKODO_AGENDA_FORMATS_H

#include <nakodo/domain.h>

#include <stddef.h>

/* Parses a GENIUS domain (negotiation_template) from buf; file names it in errors.
 * On success *out is a new agenda the caller frees with nk_agenda_free(). */
NK_MUST_USE enum nk_status nk_genius_read_domain(const char *buf, size_t len, const char *file,
						 struct nk_agenda **out, struct nk_error *err);

/* Parses a GENIUS linear additive profile (utility_space) over agenda, following GENIUS
 * 10.4: discrete evaluations divided by the largest, integer issues
 * offset + slope * (v - lowerbound), reservation default 0, discount default 1. */
NK_MUST_USE enum nk_status nk_genius_read_profile(const struct nk_agenda *agenda, const char *buf,
						  size_t len, const char *file,
						  struct nk_profile **out, struct nk_error *err);

/* nakodo's JSON agenda and profile. */
NK_MUST_USE enum nk_status nk_agenda_json_read(const char *buf, size_t len, const char *file,
					       struct nk_agenda **out, struct nk_error *err);
NK_MUST_USE enum nk_status nk_profile_json_read(const struct nk_agenda *agenda, const char *buf,
						size_t len, const char *file,
						struct nk_profile **out, struct nk_error *err);

/* Writes the JSON form into *out, a new NUL-terminated string the caller frees. */
NK_MUST_USE enum nk_status nk_agenda_json_write(const struct nk_agenda *agenda, char **out,
						struct nk_error *err);
NK_MUST_USE enum nk_status nk_profile_json_write(const struct nk_agenda *agenda,
						 const struct nk_profile *profile, char **out,
						 struct nk_error *err);

/* Reads a whole file of at most NK_AGENDA_FILE_MAX bytes into a new NUL-terminated
 * buffer (*len excludes the NUL). */
NK_MUST_USE enum nk_status nk_file_read(const char *path, char **out, size_t *len,
					struct nk_error *err);

/* Parses an agenda or a profile in either format from buf (NUL-terminated, len bytes
 * without the NUL; more than NK_AGENDA_FILE_MAX is refused), told apart by its first character ('<'
 * GENIUS XML, '{' JSON); file names it in errors. */
NK_MUST_USE enum nk_status nk_agenda_parse(const char *buf, size_t len, const char *file,
					   struct nk_agenda **out, struct nk_error *err);
NK_MUST_USE enum nk_status nk_profile_parse(const struct nk_agenda *agenda, const char *buf,
					    size_t len, const char *file,
					    struct nk_profile **out, struct nk_error *err);

/* Reads an agenda or a profile file in either format, told apart by its first
 * character ('<' GENIUS XML, '{' JSON). */
NK_MUST_USE enum nk_status nk_agenda_load(const char *path, struct nk_agenda **out,
					  struct nk_error *err);
NK_MUST_USE enum nk_status nk_profile_load(const struct nk_agenda *agenda, const char *path,
					   struct nk_profile **out, struct nk_error *err);

#endif
