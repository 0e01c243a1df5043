/* The gathering VFS's deferred sync (store/sqlite_vfs.c) flushes to disk whenever the
 * WAL's header was written since the last real sync, wherever the header's bytes are by
 * then: here the header is written, then written out by a size query (no sync), then a
 * frame is held and the WAL synced, as the group's COMMIT does. That sync must reach the
 * disk; a frame synced after it need not. The disk flushes are counted by taking the
 * process's fdatasync and fsync, which SQLite's unix VFS calls. */
#define _GNU_SOURCE
#include "store_fixture.h"
#include "store/sqlite_vfs.h"

#include <dlfcn.h>
#include <stdatomic.h>

static atomic_int flushes;

int fdatasync(int fd)
{
	int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");

	atomic_fetch_add(&flushes, 1);
	return real(fd);
}

int fsync(int fd)
{
	int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fsync");

	atomic_fetch_add(&flushes, 1);
	return real(fd);
}

/* Rewrites bytes [off, off + n) of file with what they hold: the WAL stays as it was. */
static void rewrite(sqlite3_file *file, sqlite3_int64 off, int n)
{
	unsigned char buf[4096 + 24];

	assert_true(n <= (int)sizeof(buf));
	assert_int_equal(file->pMethods->xRead(file, buf, n, off), SQLITE_OK);
	assert_int_equal(file->pMethods->xWrite(file, buf, n, off), SQLITE_OK);
}

static void a_header_written_out_early_is_still_synced(void **state)
{
	char dir[] = "/tmp/nakodo-vfs-XXXXXX", path[64];
	sqlite3 *db = NULL;
	sqlite3_file *wal = NULL;
	sqlite3_int64 size = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/db", dir);
	assert_int_equal(store_sqlite_vfs_register(), SQLITE_OK);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
					 STORE_SQLITE_VFS), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
				      "CREATE TABLE t(x); INSERT INTO t VALUES (1)", NULL, NULL,
				      NULL), SQLITE_OK);
	assert_true(store_sqlite_vfs_gather(db));
	store_sqlite_vfs_defer_sync(db, true);
	assert_int_equal(sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal),
			 SQLITE_OK);
	assert_non_null(wal);

	/* a frame alone, the header synced long ago: the flush is the group's */
	atomic_store(&flushes, 0);
	rewrite(wal, 32, 4096 + 24);
	assert_int_equal(wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL), SQLITE_OK);
	assert_int_equal(atomic_load(&flushes), 0);

	/* the header, written out by a size query, then a frame held: synced for real */
	rewrite(wal, 0, 32);
	assert_int_equal(wal->pMethods->xFileSize(wal, &size), SQLITE_OK);
	rewrite(wal, 32, 4096 + 24);
	assert_int_equal(wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL), SQLITE_OK);
	assert_int_equal(atomic_load(&flushes), 1);

	/* and once only */
	rewrite(wal, 32, 4096 + 24);
	assert_int_equal(wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL), SQLITE_OK);
	assert_int_equal(atomic_load(&flushes), 1);

	store_sqlite_vfs_defer_sync(db, false);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	remove_dir(dir);
}

int main(void)
{
	static const struct CMUnitTest plain[] = {
		cmocka_unit_test(a_header_written_out_early_is_still_synced),
	};

	return store_tests_run("store_vfs_header", NULL, 0, NULL, 0, plain, COUNT(plain));
}
