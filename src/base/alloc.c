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
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define NK_ALLOC_DEFINED(at, size) VALGRIND_MAKE_MEM_DEFINED((at), (size))
#endif
#endif
#ifndef NK_ALLOC_DEFINED
#define NK_ALLOC_DEFINED(at, size) ((void)(at), (void)(size))
#endif

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

/* The offset of the first 16-byte block of scratch[0, size) that is not all zeros (size
 * when every byte is zero). size is a multiple of 128 and scratch 16-byte aligned. */
static size_t first_dirty(const unsigned char *scratch, size_t size)
{
	size_t at;

	for (at = 0; at < size; at += 128) {
#if defined(__SSE2__)
		const __m128i *v = (const __m128i *)(scratch + at);
		__m128i any = _mm_or_si128(_mm_or_si128(_mm_or_si128(_mm_load_si128(v), _mm_load_si128(v + 1)),
							_mm_or_si128(_mm_load_si128(v + 2), _mm_load_si128(v + 3))),
					   _mm_or_si128(_mm_or_si128(_mm_load_si128(v + 4), _mm_load_si128(v + 5)),
							_mm_or_si128(_mm_load_si128(v + 6), _mm_load_si128(v + 7))));

		if (_mm_movemask_epi8(_mm_cmpeq_epi8(any, _mm_setzero_si128())) != 0xffff)
			break;
#else
		uint64_t any = 0, word;

		for (size_t i = 0; i < 128; i += sizeof(word)) {
			memcpy(&word, scratch + at + i, sizeof(word));
			any |= word;
		}
		if (any)
			break;
#endif
	}
	return at < size ? at : size;
}

/* noinline: the scratch must lie below the caller's frame, where its callees ran.
 *
 * Only the part of the scratch a request could have dirtied is written. Read from its deep
 * end (the stack grows down, so scratch[0] is the deepest byte) up to the first block that
 * is not all zeros: every byte below that block has just been read as zero, so there is
 * nothing there to wipe, and the wipe from that block up leaves the whole scratch zero.
 * That holds whatever the scratch held before (a thread's first request, a caller that
 * never wiped), and a secret anywhere, even alone in the middle of a large untouched
 * buffer, stops the scan at or below it. Reading a clean line costs less than writing it:
 * it is not written back, and the untouched depth (most of the 128 KiB on every request)
 * is only read. */
__attribute__((noinline)) void nk_alloc_wipe_stack(void)
{
	unsigned char scratch[NK_ALLOC_STACK_BYTES] __attribute__((aligned(64)));
	size_t dirty;

	/* what lies here is whatever earlier calls left: the compiler must not reason about
	 * it, and memcheck must not call it undefined (it is read on purpose) */
	__asm__ __volatile__("" : : "r"(scratch) : "memory");
	NK_ALLOC_DEFINED(scratch, sizeof(scratch));
	dirty = first_dirty(scratch, sizeof(scratch));
	sodium_memzero(scratch + dirty, sizeof(scratch) - dirty);
	__asm__ __volatile__("" : : "r"(scratch) : "memory");
}
