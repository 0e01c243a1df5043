/* A test-only allocation-failure hook, as SQLite's malloc tests have: this file defines
 * malloc, calloc, realloc and free for the test program that links it, forwarding to
 * glibc's own (__libc_malloc …), so every allocation of the program — nakodo's, jansson's,
 * SQLite's, libsodium's malloc-based ones — passes a countdown that can make one fail.
 * sodium_malloc (guarded pages from mmap, not malloc) is wrapped the same way and
 * forwarded to libsodium's through dlsym(RTLD_NEXT). The product carries no hook.
 *
 * Inside jansson's reader (json_loads, json_loadb) one kind of allocation is neither
 * counted nor failed, unless oom_fail_in_reader(true): the growth of the lexer's token
 * buffer (a power of two from 32 bytes). jansson 2.14 ignores its failure, drops the
 * byte, and when that byte is a string's closing quote reads past the buffer's end (a
 * crash in json_loadb, seen here); when it is another, the text read differs from the
 * text given, which nakodo catches where it matters (nk_json_loads_exact) but cannot
 * make safe. The reader's other allocations (values, keys, tables of its objects that
 * are not a power of two) fail like any other. */
#define _GNU_SOURCE	/* RTLD_NEXT */
#include "oom_hook.h"

#include "countdown.h"

#include <dlfcn.h>
#include <jansson.h>
#include <stdlib.h>

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *p, size_t size);
void __libc_free(void *p);

/* Under AddressSanitizer the heap is the sanitizer's, whose functions go by these names
 * too (weak: absent from an ordinary build). */
void *__interceptor_malloc(size_t size) __attribute__((weak));
void *__interceptor_calloc(size_t count, size_t size) __attribute__((weak));
void *__interceptor_realloc(void *p, size_t size) __attribute__((weak));
void __interceptor_free(void *p) __attribute__((weak));

static struct countdown armed;
static int in_reader;		/* inside jansson's reader */
static bool reader_too;		/* fail allocations there as well */

/* Called at each failure: a place for a debugger's breakpoint. */
__attribute__((noinline)) void oom_debug_fired(void);
__attribute__((noinline)) void oom_debug_fired(void)
{
	__asm__ volatile("");
}

static bool fail_now(size_t size)
{
	enum countdown_answer answer;

	if (in_reader && !reader_too && size >= 32 && (size & (size - 1)) == 0)
		return false;
	answer = countdown_fail(&armed);
	if (answer == COUNTDOWN_FIRST)
		oom_debug_fired();
	return answer != COUNTDOWN_PASS;
}

void oom_fail_after(long n, bool fail_every_after)
{
	countdown_arm(&armed, n, fail_every_after);
}

void oom_fail_in_reader(bool yes)
{
	reader_too = yes;
}

long oom_disarm(void)
{
	return countdown_disarm(&armed);
}

void *malloc(size_t size)
{
	if (fail_now(size))
		return NULL;
	return __interceptor_malloc ? __interceptor_malloc(size) : __libc_malloc(size);
}

void *calloc(size_t count, size_t size)
{
	if (fail_now(count * size))
		return NULL;
	if (__interceptor_calloc)
		return __interceptor_calloc(count, size);
	return __libc_calloc(count, size);
}

void *realloc(void *p, size_t size)
{
	if (fail_now(size))
		return NULL;
	return __interceptor_realloc ? __interceptor_realloc(p, size) : __libc_realloc(p, size);
}

void free(void *p)
{
	if (__interceptor_free)
		__interceptor_free(p);
	else
		__libc_free(p);
}

/* glibc's reallocarray calls realloc inside libc, past this file: route it here. */
void *reallocarray(void *p, size_t count, size_t size)
{
	size_t bytes;

	if (__builtin_mul_overflow(count, size, &bytes))
		return NULL;
	return realloc(p, bytes);
}

typedef void *(*sodium_malloc_fn)(size_t size);
typedef json_t *(*loads_fn)(const char *input, size_t flags, json_error_t *error);
typedef json_t *(*loadb_fn)(const char *buffer, size_t buflen, size_t flags,
			    json_error_t *error);

static sodium_malloc_fn real_sodium_malloc;
static loads_fn real_loads;
static loadb_fn real_loadb;

void oom_hook_init(void)
{
	/* resolved before any countdown: dlsym may allocate */
	real_sodium_malloc = (sodium_malloc_fn)dlsym(RTLD_NEXT, "sodium_malloc");
	real_loads = (loads_fn)dlsym(RTLD_NEXT, "json_loads");
	real_loadb = (loadb_fn)dlsym(RTLD_NEXT, "json_loadb");
}

json_t *json_loads(const char *input, size_t flags, json_error_t *error)
{
	json_t *v;

	if (!real_loads)
		oom_hook_init();
	in_reader++;
	v = real_loads(input, flags, error);
	in_reader--;
	return v;
}

json_t *json_loadb(const char *buffer, size_t buflen, size_t flags, json_error_t *error)
{
	json_t *v;

	if (!real_loadb)
		oom_hook_init();
	in_reader++;
	v = real_loadb(buffer, buflen, flags, error);
	in_reader--;
	return v;
}

void *sodium_malloc(size_t size);
void *sodium_malloc(size_t size)
{
	if (!real_sodium_malloc)
		oom_hook_init();
	return fail_now(size) || !real_sodium_malloc ? NULL : real_sodium_malloc(size);
}
