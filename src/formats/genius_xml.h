/* What the GENIUS readers (genius.c, genius_nonlinear.c) share: libxml2 helpers and the
 * non-linear profile reader. Internal to formats/. */
#ifndef NAKODO_FORMATS_GENIUS_XML_H
#define NAKODO_FORMATS_GENIUS_XML_H

#include <nakodo/domain.h>

#include <libxml/tree.h>

/* Refuses with "FILE:LINE" as the field and NK_EINVAL (bad input). */
NK_MUST_USE enum nk_status xml_fail(struct nk_error *err, const char *file,
				    const xmlNode *node, const char *reason, const char *what);

int is_elem(const xmlNode *n, const char *name);

/* An attribute the caller frees with xmlFree, or NULL. */
char *attr(const xmlNode *n, const char *name);

/* 1 and *out when n has attribute name holding a finite number, else 0. */
int attr_number(const xmlNode *n, const char *name, double *out);

/* The issue node under obj whose index attribute is index (GENIUS matches by index). */
const xmlNode *profile_issue(const xmlNode *obj, double index);

/* The <utility> element of a GENIUS non-linear space under space (or its objective), or
 * NULL for a linear one. */
const xmlNode *genius_nonlinear_utility(const xmlNode *space);

/* Fills pr's valuations from a non-linear space whose utility is a sum of one-issue
 * hyper-rectangles (linear in disguise); refuses any other with what is supported. */
NK_MUST_USE enum nk_status genius_read_nonlinear(const xmlNode *utility, const xmlNode *obj,
						 const struct nk_agenda *agenda,
						 struct nk_profile *pr, const char *file,
						 struct nk_error *err);

#endif
