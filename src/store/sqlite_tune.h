/* sqlite_tune.c: settings of the connections that read without the shim (doc/storage.md,
 * "Group commit", the workers' reads). Part of the "sqlite:" unit; nothing outside it
 * includes this. */
#ifndef NAKODO_STORE_SQLITE_TUNE_H
#define NAKODO_STORE_SQLITE_TUNE_H

#include <sqlite3.h>

/* The bytes of the database file a plain connection reads by mapping. */
#define STORE_SQLITE_MMAP_BYTES (1024 * 1024 * 1024)

/* Tunes db, opened by store_sqlite_open with flags, once the file is known to be
 * nakodo's: a connection opened plainly (not through the shim) reads the database file
 * by mapping it. Best effort: a setting SQLite refuses leaves the connection reading
 * with pread, as before. */
void store_sqlite_tune(sqlite3 *db, unsigned flags);

#endif
