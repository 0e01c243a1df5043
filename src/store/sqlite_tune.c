/* Settings of the connections that mostly read: the server's workers' own connections
 * (the token's lookup of every request, the reads of GET requests) and a command's.
 *
 * In WAL mode a connection drops its whole page cache whenever another connection has
 * committed, which on a server is at every batch of the group's shared writer: each
 * worker's next read started cold and read its pages through the kernel, one pread and
 * one copy a page. Mapped, a page of the database file is used where the kernel's page
 * cache holds it (no syscall, no copy, no allocation in SQLite's cache); pages that the
 * WAL holds are still read with pread. Why the shim's connections (the writer and the
 * checkpoint thread's) are left as they were, and what a mapping costs on an I/O error:
 * doc/storage.md, "Reading by mapping". */
#include "store/sqlite_tune.h"
#include "store/sqlite_vfs.h"

#include <stdio.h>

void store_sqlite_tune(sqlite3 *db, unsigned flags)
{
	char pragma[64];
	sqlite3_stmt *st = NULL;

	if (flags & STORE_SQLITE_OPEN_GATHER)
		return;
	snprintf(pragma, sizeof(pragma), "PRAGMA mmap_size = %d", STORE_SQLITE_MMAP_BYTES);
	if (sqlite3_prepare_v2(db, pragma, -1, &st, NULL) == SQLITE_OK)
		while (sqlite3_step(st) == SQLITE_ROW)
			;
	sqlite3_finalize(st);
}
