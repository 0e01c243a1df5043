/* Internal to case/: a folded state's bytes with their runs of zero bytes packed
 * (zpack.c), so that the cache of folded states (cache.c) keeps of each case what it
 * uses rather than its fixed arrays' whole size. */
#ifndef NAKODO_CASE_ZPACK_H
#define NAKODO_CASE_ZPACK_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Packs the n bytes at src into dst and returns the packed length; with dst NULL only
 * returns it (a caller sizes dst so, then packs). Every byte is kept, padding too. */
size_t case_zpack(const void *src, size_t n, uint8_t *dst);
/* The most that n bytes (n < 2^28) pack to, for a dst sized without counting first.
 * Every record but the first begins with a run of at least 8 zeros, and each of a
 * record's two counts takes at most 4 bytes, so r records of s zeros in all take at
 * most (n - s) + 8 r <= (n - s) + 8 (1 + s / 8) = n + 8 bytes. */
#define CASE_ZPACK_MAX(n) ((n) + 8)
/* Unpacks len packed bytes into exactly n bytes at dst; false (dst wiped) when they do
 * not make exactly n bytes. */
bool case_zunpack(const uint8_t *src, size_t len, void *dst, size_t n);
#endif
