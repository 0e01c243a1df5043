/* Internal to server/: the pages and assets built into the command from web/ by
 * tools/web_embed.py (doc/web.md). */
#ifndef NAKODO_SERVER_WEB_FILES_H
#define NAKODO_SERVER_WEB_FILES_H

#include <stddef.h>

struct web_file {
	const char *path;		/* "/pages/case.html", "/assets/js/case.<hash>.js" */
	const char *type;		/* its Content-Type */
	const unsigned char *data;
	size_t len;
};

/* Sorted by path (strcmp), for bsearch. */
extern const struct web_file web_files[];
extern const size_t web_file_count;

#endif
