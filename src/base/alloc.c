/* The zeroing allocator. Each block is a plain malloc block; its size, for the wipe, is
 * what malloc_usable_size says (at least what was asked), not a header of our own: a
 * block that crosses between this allocator and plain malloc/free, in either direction,
 * is then still freed correctly. That matters because jansson hands out strings
 * (json_dumps) that callers free with free(), and because memory allocated before the
 * allocator was installed is freed after it. */
#include <nakodo/alloc.h>

#include <jansson.h>
#include <malloc.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The one piece of file-level state: jansson's allocator is itself process-wide, and the
 * entry points that install it (main, nk_server_start, nk_store_open in every worker)
 * may race. */
static pthread_once_t installed = PTHREAD_ONCE_INIT;

static void install(void)
{
	json_set_alloc_funcs(nk_alloc_malloc, nk_alloc_free);
}

void nk_alloc_install(void)
{
	pthread_once(&installed, install);
}

void *nk_alloc_malloc(size_t size)
{
	return malloc(size);
}

void *nk_alloc_calloc(size_t count, size_t size)
{
	return calloc(count, size);
}

char *nk_alloc_strdup(const char *text)
{
	return strdup(text);
}

void nk_alloc_free(void *block)
{
	if (!block)
		return;
	sodium_memzero(block, malloc_usable_size(block));
	free(block);
}

void *nk_alloc_realloc(void *block, size_t size)
{
	size_t have;
	void *grown;

	if (!block)
		return malloc(size);
	if (size == 0) {
		nk_alloc_free(block);
		return NULL;
	}
	have = malloc_usable_size(block);
	if (size <= have)
		return block;	/* it fits: nothing moves, nothing is left behind */
	if (!(grown = malloc(size)))
		return NULL;
	memcpy(grown, block, have);
	nk_alloc_free(block);
	return grown;
}

/* noinline: the scratch must lie below the caller's frame, where its callees ran. */
__attribute__((noinline)) void nk_alloc_wipe_stack(void)
{
	unsigned char scratch[NK_ALLOC_STACK_BYTES];

	sodium_memzero(scratch, sizeof(scratch));
	__asm__ __volatile__("" : : "r"(scratch) : "memory");
}
