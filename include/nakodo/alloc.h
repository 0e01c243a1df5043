/* Memory that may hold a figure is wiped when it is given back: a zeroing allocator for
 * jansson (and libcurl) and a wipe of the stack a request ran on. */
#ifndef NAKODO_BASE_ALLOC_H
#define NAKODO_BASE_ALLOC_H

#include <stddef.h>

/* Routes jansson's allocations through nk_alloc_malloc and nk_alloc_free, so that every
 * parsed token, number, string and dumped text is wiped when jansson frees it. Call it
 * before the first json_* call; calling it again, from any thread, does nothing. */
void nk_alloc_install(void);

/* malloc and its kin; the blocks are ordinary malloc blocks, so free() may free them (and
 * nk_alloc_free may free any malloc block): only the wipe is lost then, never memory. */
void *nk_alloc_malloc(size_t size);
void *nk_alloc_calloc(size_t count, size_t size);
char *nk_alloc_strdup(const char *text);
/* Wipes the whole block (as much as malloc gave it) before freeing it; NULL is fine. */
void nk_alloc_free(void *block);
/* realloc that never leaves the old contents behind: a new block, the old one wiped and
 * freed. NULL (and the old block untouched) when out of memory. */
void *nk_alloc_realloc(void *block, size_t size);

/* Zeroes NK_ALLOC_STACK_BYTES of the stack below the caller's frame, where the functions
 * it called kept their locals (figures among them). */
#define NK_ALLOC_STACK_BYTES (128u * 1024)
void nk_alloc_wipe_stack(void);

#endif
