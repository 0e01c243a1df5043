/* The stack wipe after a request (base/alloc.c, nk_alloc_wipe_stack): a figure a callee
 * left anywhere in the NK_ALLOC_STACK_BYTES below the caller's frame is gone after it,
 * whether the callee filled a deep recursion with it or wrote one byte of it alone, at
 * the very deepest byte or in the middle of an otherwise untouched large buffer: the cases
 * a wipe that writes less than the whole stretch (only as deep as it judges the callees
 * went, say from the first byte that is not zero) would have to get right. */
#include <nakodo/alloc.h>

#include <alloca.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#endif
#endif
#ifndef VALGRIND_DISABLE_ERROR_REPORTING
#define VALGRIND_DISABLE_ERROR_REPORTING ((void)0)
#define VALGRIND_ENABLE_ERROR_REPORTING ((void)0)
#define VALGRIND_MAKE_MEM_DEFINED(at, size) ((void)(at), (void)(size))
#endif

#define SECRET 0xA5
#define REGION NK_ALLOC_STACK_BYTES

/* The tests read the stack below their own frame, where callees that have returned left
 * their bytes: memcheck rightly calls that an invalid read (and the bytes undefined), so
 * it is told not to report it while the tests look, and that what they counted is known. */
static inline __attribute__((always_inline)) unsigned char peek(uintptr_t at)
{
	return *(volatile const unsigned char *)at;
}

/* Fills `size` bytes below its own frame with the secret. */
static __attribute__((noinline)) void fill(size_t size)
{
	unsigned char *buf = alloca(size);

	memset(buf, SECRET, size);
	__asm__ __volatile__("" : : "r"(buf) : "memory");
}

/* Writes the secret at `at` alone: from inside a buffer reaching below it, of which no
 * other byte is written. Returns 0 when `at` is not below this frame's own locals. */
static __attribute__((noinline)) int plant(uintptr_t at)
{
	uintptr_t here = (uintptr_t)__builtin_frame_address(0);
	unsigned char *buf;
	size_t size;

	if (at + 256 > here)
		return 0;
	size = here - at + 256;
	buf = alloca(size);
	if ((uintptr_t)buf > at || at >= (uintptr_t)buf + size)
		return 0;
	((volatile unsigned char *)buf)[at - (uintptr_t)buf] = SECRET;
	__asm__ __volatile__("" : : "r"(buf) : "memory");
	return 1;
}

/* A deep recursion with a 3 KiB buffer at each level, every byte of it the secret. */
static __attribute__((noinline)) unsigned recurse(unsigned levels)
{
	unsigned char buf[3 * 1024];
	unsigned below = 0;

	memset(buf, SECRET, sizeof(buf));
	__asm__ __volatile__("" : : "r"(buf) : "memory");
	if (levels > 0)
		below = recurse(levels - 1);
	return below + buf[levels % sizeof(buf)];
}

/* The deepest byte the wipe covers when called from the frame that calls this: found by
 * filling well beyond the region with the secret, wiping, and finding where the zeros the
 * wipe left end. Also checks that the wipe zeroed the whole region (about REGION bytes:
 * the wipe's own frame is not part of it). Must be inlined into the caller, so that the
 * fill and the wipe run from the caller's frame. */
#define FIND_BOTTOM(bottom)                                                                  \
	do {                                                                                 \
		uintptr_t top_ = 0, at_;                                                     \
		unsigned char below_;                                                        \
		nk_alloc_wipe_stack();                                                       \
		fill(REGION + 32 * 1024);                                                    \
		nk_alloc_wipe_stack();                                                       \
		VALGRIND_DISABLE_ERROR_REPORTING;                                            \
		/* down from this frame to the first run of zeros about REGION long */      \
		at_ = (uintptr_t)__builtin_frame_address(0);                                 \
		for (;; at_--) {                                                             \
			if (peek(at_) != 0) {                                                \
				if (top_ && top_ - at_ >= REGION - 1024)                     \
					break;                                               \
				top_ = 0;                                                    \
			} else if (!top_) {                                                  \
				top_ = at_;                                                  \
			}                                                                    \
		}                                                                            \
		(bottom) = at_ + 1;                                                          \
		/* below: the frames of the wipe's own callees, then the fill */            \
		while (peek(at_) != SECRET && (bottom) - at_ < 1024)                         \
			at_--;                                                               \
		below_ = peek(at_);                                                          \
		VALGRIND_ENABLE_ERROR_REPORTING;                                             \
		VALGRIND_MAKE_MEM_DEFINED(&below_, 1);                                       \
		VALGRIND_MAKE_MEM_DEFINED(&top_, sizeof(top_));                              \
		VALGRIND_MAKE_MEM_DEFINED(&at_, sizeof(at_));                                \
		assert_int_equal(below_, SECRET);                                            \
		assert_true(top_ - (bottom) + 1 >= REGION);                                  \
		assert_true(top_ - (bottom) + 1 < REGION + 512);                             \
	} while (0)

static __attribute__((noinline)) void check_alone(size_t depth_from_bottom)
{
	uintptr_t bottom, at;
	unsigned char before, after;

	FIND_BOTTOM(bottom);
	at = bottom + depth_from_bottom;
	nk_alloc_wipe_stack();	/* the region all zeros: the secret will be alone in it */
	assert_true(plant(at));
	VALGRIND_DISABLE_ERROR_REPORTING;
	before = peek(at);
	VALGRIND_ENABLE_ERROR_REPORTING;
	nk_alloc_wipe_stack();
	VALGRIND_DISABLE_ERROR_REPORTING;
	after = peek(at);
	VALGRIND_ENABLE_ERROR_REPORTING;
	VALGRIND_MAKE_MEM_DEFINED(&before, 1);
	VALGRIND_MAKE_MEM_DEFINED(&after, 1);
	assert_int_equal(before, SECRET);	/* it was there */
	assert_int_equal(after, 0);		/* and is gone */
}

static void test_secret_at_the_deepest_byte(void **state)
{
	(void)state;
	check_alone(0);
	check_alone(1);
	check_alone(15);
	check_alone(16);
	check_alone(127);
	check_alone(128);
}

static void test_secret_alone_in_a_large_buffer(void **state)
{
	(void)state;
	/* plant's buffer reaches from its frame down to just below the secret: at these
	 * depths it is up to 128 KiB, every other byte of it untouched */
	check_alone(4095);
	check_alone(4096 + 37);
	check_alone(REGION / 2 + 13);
	check_alone(REGION / 2 + 4096 * 3 + 1);
	check_alone(REGION - 4096 - 7);
	check_alone(REGION - 1024);
}

static __attribute__((noinline)) void check_recursion(unsigned levels)
{
	uintptr_t bottom, at;
	size_t left = 0, planted = 0;

	FIND_BOTTOM(bottom);
	nk_alloc_wipe_stack();
	assert_true(recurse(levels) > 0);
	VALGRIND_DISABLE_ERROR_REPORTING;
	for (at = bottom; at < bottom + REGION; at++)
		planted += peek(at) == SECRET;
	VALGRIND_ENABLE_ERROR_REPORTING;
	nk_alloc_wipe_stack();
	VALGRIND_DISABLE_ERROR_REPORTING;
	for (at = bottom; at < bottom + REGION; at++)
		left += peek(at) != 0;
	VALGRIND_ENABLE_ERROR_REPORTING;
	VALGRIND_MAKE_MEM_DEFINED(&planted, sizeof(planted));
	VALGRIND_MAKE_MEM_DEFINED(&left, sizeof(left));
	assert_true(planted > (levels + 1) * 2048 || planted > REGION / 2);
	assert_int_equal(left, 0);
}

static void test_deep_recursion(void **state)
{
	(void)state;
	check_recursion(3);	/* shallow: the scan reads most of the region */
	check_recursion(20);	/* some 60 KiB deep */
	check_recursion(60);	/* beyond the region: all of it dirty */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secret_at_the_deepest_byte),
		cmocka_unit_test(test_secret_alone_in_a_large_buffer),
		cmocka_unit_test(test_deep_recursion),
	};

#ifdef __SANITIZE_ADDRESS__
	/* AddressSanitizer poisons the stack below a frame and lays frames out with its own
	 * red zones, so what these tests read there is neither allowed nor meaningful */
	(void)tests;
	puts("1..0 # SKIP the stack below a frame is AddressSanitizer's: run without it");
	return 0;
#else
	return cmocka_run_group_tests(tests, NULL, NULL);
#endif
}
