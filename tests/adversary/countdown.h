/* The countdown both failure hooks share (oom_hook.c, iofail_vfs.c): armed with n, the
 * nth call it is asked about fails, then none or (every_after) all later ones. The test
 * programs are single-threaded while armed; it needs no lock. */
#ifndef NAKODO_TESTS_COUNTDOWN_H
#define NAKODO_TESTS_COUNTDOWN_H

#include <stdbool.h>

struct countdown {
	long left;		/* calls until the failing one; 0: disarmed */
	bool every_after;	/* once one failed, fail every later one too */
	bool failing;
	long fired;		/* calls failed since armed */
};

void countdown_arm(struct countdown *c, long n, bool every_after);

/* Stops failing; returns how many calls failed since armed. */
long countdown_disarm(struct countdown *c);

enum countdown_answer {
	COUNTDOWN_PASS,		/* this call goes ahead */
	COUNTDOWN_FAIL,		/* this call fails */
	COUNTDOWN_FIRST,	/* this call fails, the one counted down to (where a
				 * debugger's breakpoint is wanted) */
};

/* Whether this call fails. It runs inside malloc, also while AddressSanitizer starts
 * (before its shadow memory exists): not instrumented, and no local whose address is
 * taken. */
enum countdown_answer countdown_fail(struct countdown *c);

#endif
