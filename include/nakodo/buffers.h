/* A growable buffer with a bound and a sticky failure, for text that arrives in pieces:
 * a request's body, a server's answer, a JSON dump. */
#ifndef NAKODO_BASE_BUFFERS_H
#define NAKODO_BASE_BUFFERS_H

#include <stdbool.h>
#include <stddef.h>

/* Start from { .max = BOUND }. data is NUL-terminated once anything is in it, and is a
 * malloc block (free() frees it; nk_buf_free wipes it first). It grows by copy with the
 * old block wiped (nk_alloc_realloc), since what it holds may be a figure. */
struct nk_buf {
	char *data;
	size_t len, cap;
	size_t max;		/* the most bytes it may hold */
	bool too_big;		/* a piece did not fit under max */
	bool failed;		/* out of memory */
};

/* Appends n bytes. False, and nothing appended then or ever after, once a piece would
 * pass max (too_big) or memory ran out (failed): a caller checks once at the end. */
bool nk_buf_append(struct nk_buf *b, const void *bytes, size_t n);

/* Wipes and frees the data, and empties b (its bound stays). */
void nk_buf_free(struct nk_buf *b);

#endif
