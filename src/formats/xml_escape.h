/* Escaping text for XML attributes and content, shared by the GENIUS writer and the SVG
 * plot (defined in genius_write.c). Internal to formats/. */
#ifndef NAKODO_FORMATS_XML_ESCAPE_H
#define NAKODO_FORMATS_XML_ESCAPE_H

#include <stdio.h>

/* Writes s with &, <, > and " as entities. */
void xml_escape(FILE *f, const char *s);

#endif
