/* sqlite_vfs.c: a thin VFS over SQLite's default one that gathers the WAL frames of a
 * commit into one write (doc/storage.md, "Group commit"). Part of the "sqlite:" unit;
 * nothing outside it includes this. */
#ifndef NAKODO_STORE_SQLITE_VFS_H
#define NAKODO_STORE_SQLITE_VFS_H

#include <sqlite3.h>
#include <stdbool.h>

/* The name a connection is opened with to go through the shim; registered, not as the
 * default, by store_sqlite_vfs_register (once, before the first such open). */
#define STORE_SQLITE_VFS "nakodo-gather"

/* store_sqlite_open's own flag (beside NK_STORE_CREATE): open through the shim. */
#define STORE_SQLITE_OPEN_GATHER (1u << 31)

/* Registers the shim over the default VFS; returns SQLite's code. */
int store_sqlite_vfs_register(void);

/* Makes db's WAL and database file gather their writes: each run of contiguous writes is
 * held in memory and written at once before the file is synced, read, truncated, sized,
 * locked, asked a file control or closed, and before db takes or drops a lock on the
 * WAL's index or crosses its barrier (how SQLite publishes frames to other connections).
 * A held write that fails stays the file's error. db must have been opened through the
 * shim, in WAL mode, with its WAL open. Returns false, changing nothing, when it is not. */
bool store_sqlite_vfs_gather(sqlite3 *db);

/* While on, a sync of db's gathering WAL writes what it holds and leaves the disk flush
 * to the caller (the group's flush, which fdatasyncs the WAL before any commit is
 * acknowledged); a failed write still fails the sync, and so the COMMIT. A sync after
 * the WAL's header was written (the WAL began again), since the last sync that flushed,
 * flushes anyway. */
void store_sqlite_vfs_defer_sync(sqlite3 *db, bool on);

/* SQLITE_OK, or the error of a gathered write of db's WAL that failed (also where SQLite
 * could not be told, at a lock on the WAL's index): every later use fails with it too.
 * (At the barrier, where SQLite publishes frames, nothing is held; were it, and its
 * write to fail, the process aborts rather than publish frames not in the file.) */
int store_sqlite_vfs_failed(sqlite3 *db);

/* sqlite_memfile.c: makes file (at least STORE_SQLITE_MEMFILE_BYTES) an empty file held
 * in memory only, wiped and freed when SQLite closes it: the shim's files without a
 * name (SQLite's temporary files). */
#define STORE_SQLITE_MEMFILE_BYTES 64
void store_sqlite_memfile_open(sqlite3_file *file);

#endif
