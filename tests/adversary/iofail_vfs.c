/* A test-only I/O-failure hook, as SQLite's own tests have: a VFS registered by the test
 * program as the default one, which forwards everything to the platform's VFS but can
 * make the nth write, sync, truncate or I/O file control (size hint, sync) from now
 * fail, on any file SQLite opens (database, WAL, shared memory index, journals). The
 * product carries no hook: nakodo opens its databases through the default VFS. */
#include "iofail_vfs.h"

#include "countdown.h"

#include <sqlite3.h>
#include <stddef.h>

struct shim_file {
	sqlite3_file base;
	sqlite3_file *real;	/* the platform's file, right after this struct */
};

static sqlite3_vfs *real_vfs;
static sqlite3_vfs shim_vfs;

static struct countdown armed;

/* Called at each failure: a place for a debugger's breakpoint. */
__attribute__((noinline)) void iofail_debug_fired(void);
__attribute__((noinline)) void iofail_debug_fired(void)
{
	__asm__ volatile("");
}

static bool fail_now(void)
{
	enum countdown_answer answer = countdown_fail(&armed);

	if (answer == COUNTDOWN_FIRST)
		iofail_debug_fired();
	return answer != COUNTDOWN_PASS;
}

void iofail_after(long n, bool fail_every_after)
{
	countdown_arm(&armed, n, fail_every_after);
}

long iofail_disarm(void)
{
	return countdown_disarm(&armed);
}

static sqlite3_file *real(sqlite3_file *f)
{
	return ((struct shim_file *)f)->real;
}

static int shim_close(sqlite3_file *f)
{
	return real(f)->pMethods->xClose(real(f));
}

static int shim_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return real(f)->pMethods->xRead(real(f), buf, n, off);
}

static int shim_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	if (fail_now())
		return SQLITE_IOERR_WRITE;
	return real(f)->pMethods->xWrite(real(f), buf, n, off);
}

static int shim_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	if (fail_now())
		return SQLITE_IOERR_TRUNCATE;
	return real(f)->pMethods->xTruncate(real(f), size);
}

static int shim_sync(sqlite3_file *f, int flags)
{
	if (fail_now())
		return SQLITE_IOERR_FSYNC;
	return real(f)->pMethods->xSync(real(f), flags);
}

static int shim_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return real(f)->pMethods->xFileSize(real(f), size);
}

static int shim_lock(sqlite3_file *f, int level)
{
	return real(f)->pMethods->xLock(real(f), level);
}

static int shim_unlock(sqlite3_file *f, int level)
{
	return real(f)->pMethods->xUnlock(real(f), level);
}

static int shim_check_reserved(sqlite3_file *f, int *out)
{
	return real(f)->pMethods->xCheckReservedLock(real(f), out);
}

/* The file controls that stand for I/O: the size hint (which grows the file) and the
 * sync announced before xSync. Not the second phase of a commit: SQLite sends it once
 * the commit is durable, the platform's VFS never fails it, and a failure there would
 * report a commit that happened as failed, which no store can undo. */
static int shim_file_control(sqlite3_file *f, int op, void *arg)
{
	if ((op == SQLITE_FCNTL_SIZE_HINT || op == SQLITE_FCNTL_SYNC) && fail_now())
		return SQLITE_IOERR;
	return real(f)->pMethods->xFileControl(real(f), op, arg);
}

static int shim_sector_size(sqlite3_file *f)
{
	return real(f)->pMethods->xSectorSize(real(f));
}

static int shim_device_characteristics(sqlite3_file *f)
{
	return real(f)->pMethods->xDeviceCharacteristics(real(f));
}

static int shim_shm_map(sqlite3_file *f, int page, int size, int extend, void volatile **p)
{
	return real(f)->pMethods->xShmMap(real(f), page, size, extend, p);
}

static int shim_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}

static void shim_shm_barrier(sqlite3_file *f)
{
	real(f)->pMethods->xShmBarrier(real(f));
}

static int shim_shm_unmap(sqlite3_file *f, int delete_flag)
{
	return real(f)->pMethods->xShmUnmap(real(f), delete_flag);
}

static int shim_fetch(sqlite3_file *f, sqlite3_int64 off, int amount, void **p)
{
	return real(f)->pMethods->xFetch(real(f), off, amount, p);
}

static int shim_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return real(f)->pMethods->xUnfetch(real(f), off, p);
}

static const sqlite3_io_methods shim_io = {
	.iVersion = 3,
	.xClose = shim_close,
	.xRead = shim_read,
	.xWrite = shim_write,
	.xTruncate = shim_truncate,
	.xSync = shim_sync,
	.xFileSize = shim_file_size,
	.xLock = shim_lock,
	.xUnlock = shim_unlock,
	.xCheckReservedLock = shim_check_reserved,
	.xFileControl = shim_file_control,
	.xSectorSize = shim_sector_size,
	.xDeviceCharacteristics = shim_device_characteristics,
	.xShmMap = shim_shm_map,
	.xShmLock = shim_shm_lock,
	.xShmBarrier = shim_shm_barrier,
	.xShmUnmap = shim_shm_unmap,
	.xFetch = shim_fetch,
	.xUnfetch = shim_unfetch,
};

static int shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
		     int *out_flags)
{
	struct shim_file *s = (struct shim_file *)file;
	int rc;

	(void)vfs;
	s->real = (sqlite3_file *)(s + 1);
	rc = real_vfs->xOpen(real_vfs, name, s->real, flags, out_flags);
	/* SQLite calls xClose when pMethods is set, even after a failed open */
	s->base.pMethods = s->real->pMethods ? &shim_io : NULL;
	return rc;
}

static int shim_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	(void)vfs;
	return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static int shim_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int shim_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}

bool iofail_init(void)
{
	if (real_vfs)
		return true;
	real_vfs = sqlite3_vfs_find(NULL);
	if (!real_vfs || real_vfs->iVersion < 1)
		return false;
	shim_vfs = *real_vfs;
	shim_vfs.pNext = NULL;
	shim_vfs.zName = "nakodo-iofail";
	shim_vfs.szOsFile = (int)sizeof(struct shim_file) + real_vfs->szOsFile;
	shim_vfs.xOpen = shim_open;
	shim_vfs.xDelete = shim_delete;
	shim_vfs.xAccess = shim_access;
	shim_vfs.xFullPathname = shim_full_pathname;
	return sqlite3_vfs_register(&shim_vfs, 1) == SQLITE_OK;
}
