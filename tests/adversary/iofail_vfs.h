/* The I/O-failure hook of the I/O-failure loops (iofail_vfs.c): a VFS that the test
 * program registers as SQLite's default, which makes the nth write, sync, truncate or
 * I/O file control from now fail. */
#ifndef NAKODO_TESTS_IOFAIL_VFS_H
#define NAKODO_TESTS_IOFAIL_VFS_H

#include <stdbool.h>

/* Registers the VFS as the default; call once at start, before opening a store. */
bool iofail_init(void);

/* Makes the nth such call from now (n >= 1) fail; later ones succeed again, or, with
 * fail_every_after, fail too (a disk that stays unwritable). */
void iofail_after(long n, bool fail_every_after);

/* Stops failing; returns how many calls failed since iofail_after. */
long iofail_disarm(void);

#endif
