/* The allocation-failure hook of the out-of-memory tests (oom_hook.c): linked into a
 * test program, it makes the nth allocation from now fail. */
#ifndef NAKODO_TESTS_OOM_HOOK_H
#define NAKODO_TESTS_OOM_HOOK_H

#include <stdbool.h>

/* Call once at start, before arming. */
void oom_hook_init(void);

/* Makes the nth allocation from now (n >= 1) fail; later ones succeed again, or, with
 * fail_every_after, fail too. */
void oom_fail_after(long n, bool fail_every_after);

/* Whether allocations inside jansson's reader may fail too (off by default: see
 * oom_hook.c). */
void oom_fail_in_reader(bool yes);

/* Stops failing; returns how many allocations failed since oom_fail_after. */
long oom_disarm(void);

#endif
