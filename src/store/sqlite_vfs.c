/* The group writer's WAL, and the checkpoints' copies into the database, in a few system
 * calls. SQLite writes each WAL frame as two writes, its 24-byte header and its page, so
 * a batch of some fifteen submissions, three or four pages each, cost about a hundred
 * pwrites, and a checkpoint one per page (bench/README.md, "The WAL's frames and the
 * checkpoints' copies in a few writes"). This VFS forwards everything to SQLite's
 * default one, except that a file it was told to gather keeps a run of contiguous writes
 * in memory and writes it whole before anything could need it in the file: a sync (the
 * WAL's at COMMIT, whose failure SQLite turns into a failed COMMIT before it publishes
 * any frame; the database's at a checkpoint's end, before the pages count as copied), a
 * read, a truncation, the file's size, a file control, a lock, its close, and the
 * database's locks and barrier on the WAL's index (how frames are published to other
 * connections). A write that fails stays the file's error.
 *
 * And a file SQLite opens without a name (a temporary one: the savepoints' and
 * statements' sub-journal above all) is held in memory only, never on the disk
 * (sqlite_memfile.c). */
#include "store/sqlite_vfs.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The most bytes held before they are written: a batch of GROUP_MAX (64) commits of
 * four pages is about 1 MiB of frames. */
#define GATHER_MAX (2u << 20)
#define GATHER_MIN (64u << 10)
#define WAL_HEADER_BYTES 32
#define WRITE_MAX (124u << 10)

struct gather_file {
	sqlite3_file base;		/* its methods: gather_io */
	sqlite3_file *real;		/* the default VFS's file, just after this struct */
	struct gather_file *wal;	/* a database's WAL, once linked */
	struct gather_file *main;	/* a WAL's database, once linked */
	bool is_wal;
	bool gather;			/* writes are held (the WAL and its database linked) */
	bool defer_sync;		/* a WAL's sync writes, and leaves the flush to the group */
	bool header_unsynced;		/* the WAL's header written since its last real sync */
	int failed;			/* a held write failed: every later use fails with it */
	unsigned char *buf;		/* what is held: bytes [start, start + len) of the file */
	size_t len, cap;
	sqlite3_int64 start;
};

static sqlite3_vfs gather_vfs;

static sqlite3_vfs *root_vfs(void)
{
	return gather_vfs.pAppData;
}

/* Writes what f holds, through the default VFS, in writes of at most WRITE_MAX bytes
 * (its unix write takes at most 128 KiB at once: it writes nothing of a larger buffer
 * and calls that a full disk). A failure is kept: every later use of f fails with it
 * (store_sqlite_vfs_failed tells it). SQLite ignores the result of some of the calls
 * that write here (a file control at a checkpoint's end), and a checkpoint that went on
 * to sync and mark its pages copied after losing some would lose them for good. */
static int gather_flush(struct gather_file *f)
{
	int rc = SQLITE_OK;

	if (f->failed)
		return f->failed;
	for (size_t at = 0; at < f->len && rc == SQLITE_OK; at += WRITE_MAX) {
		size_t n = f->len - at < WRITE_MAX ? f->len - at : WRITE_MAX;

		rc = f->real->pMethods->xWrite(f->real, f->buf + at, (int)n,
					       f->start + (sqlite3_int64)at);
	}
	f->len = 0;
	if (rc != SQLITE_OK)
		f->failed = rc;
	return rc;
}

/* Before a use that needs f's bytes in the file: the held ones written, or f's error. */
static int gather_settle(struct gather_file *f)
{
	return gather_flush(f);
}

/* The same, where the error cannot be returned (it is kept). */
static void gather_settle_kept(struct gather_file *f)
{
	if (f)
		(void)gather_flush(f);
}

static bool gather_reserve(struct gather_file *f, size_t need)
{
	size_t cap = f->cap ? f->cap : GATHER_MIN;
	unsigned char *buf;

	if (need <= f->cap)
		return true;
	while (cap < need)
		cap *= 2;
	if (cap > GATHER_MAX)
		return false;
	buf = realloc(f->buf, cap);
	if (!buf)
		return false;
	f->buf = buf;
	f->cap = cap;
	return true;
}

static int gather_close(sqlite3_file *file)
{
	struct gather_file *f = (struct gather_file *)file;
	int rc = gather_flush(f);
	int close_rc;

	if (f->wal)
		f->wal->main = NULL;
	if (f->main) {
		f->main->wal = NULL;
		f->main = NULL;
	}
	f->wal = NULL;
	if (f->buf) {
		sodium_memzero(f->buf, f->cap);	/* the pages of the database, as written */
		free(f->buf);
		f->buf = NULL;
	}
	close_rc = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
	return rc != SQLITE_OK ? rc : close_rc;
}

static int gather_read(sqlite3_file *file, void *out, int n, sqlite3_int64 off)
{
	struct gather_file *f = (struct gather_file *)file;
	int rc = gather_settle(f);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xRead(f->real, out, n, off);
}

/* Appends to what is held when the write continues it or falls inside it; anything else
 * writes what is held first. */
static int gather_write(sqlite3_file *file, const void *data, int n, sqlite3_int64 off)
{
	struct gather_file *f = (struct gather_file *)file;
	size_t at, end;
	int rc;

	if (f->failed)
		return f->failed;
	if (f->is_wal && n > 0 && off < WAL_HEADER_BYTES)
		f->header_unsynced = true;
	if (!f->gather || n <= 0)
		return f->real->pMethods->xWrite(f->real, data, n, off);
	if (f->len > 0 && (off < f->start || off > f->start + (sqlite3_int64)f->len)) {
		rc = gather_flush(f);
		if (rc != SQLITE_OK)
			return rc;
	}
	if (f->len == 0)
		f->start = off;
	at = (size_t)(off - f->start);
	end = at + (size_t)n;
	if (!gather_reserve(f, end)) {
		rc = gather_flush(f);
		return rc != SQLITE_OK ? rc : f->real->pMethods->xWrite(f->real, data, n, off);
	}
	memcpy(f->buf + at, data, (size_t)n);
	if (end > f->len)
		f->len = end;
	return SQLITE_OK;
}

static int gather_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	struct gather_file *f = (struct gather_file *)file;
	int rc = gather_settle(f);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xTruncate(f->real, size);
}

/* A deferred sync (a group's COMMIT) writes what is held and stops there, unless the
 * WAL's header was written since the last real sync: SQLite syncs a new header before
 * the frames that follow it (its ticket ff5be73dee), and so does this, whether or not
 * the header is still held (something else may have written it out already) and
 * whether SQLite syncs right after writing it or with the frames. */
static int gather_sync(sqlite3_file *file, int flags)
{
	struct gather_file *f = (struct gather_file *)file;
	bool held = f->len > 0;
	int rc = gather_settle(f);

	if (rc != SQLITE_OK)
		return rc;
	if (f->defer_sync && held && !f->header_unsynced)
		return SQLITE_OK;
	rc = f->real->pMethods->xSync(f->real, flags);
	if (rc == SQLITE_OK)
		f->header_unsynced = false;
	return rc;
}

static int gather_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
	struct gather_file *f = (struct gather_file *)file;
	int rc = gather_settle(f);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xFileSize(f->real, size);
}

static int gather_lock(sqlite3_file *file, int level)
{
	struct gather_file *f = (struct gather_file *)file;
	int rc = gather_settle(f);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xLock(f->real, level);
}

static int gather_unlock(sqlite3_file *file, int level)
{
	struct gather_file *f = (struct gather_file *)file;

	gather_settle_kept(f);
	return f->real->pMethods->xUnlock(f->real, level);
}

static int gather_check_reserved(sqlite3_file *file, int *out)
{
	struct gather_file *f = (struct gather_file *)file;

	return f->real->pMethods->xCheckReservedLock(f->real, out);
}

/* Written first, and a failure kept: a checkpoint ends with SQLITE_FCNTL_CKPT_DONE
 * (whose result SQLite ignores) while it still holds the checkpoint's lock, before its
 * sync; pages held past it could be written after a later checkpoint's newer ones. */
static int gather_file_control(sqlite3_file *file, int op, void *arg)
{
	struct gather_file *f = (struct gather_file *)file;
	int rc = gather_settle(f);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xFileControl(f->real, op, arg);
}

static int gather_sector_size(sqlite3_file *file)
{
	struct gather_file *f = (struct gather_file *)file;

	return f->real->pMethods->xSectorSize(f->real);
}

static int gather_device(sqlite3_file *file)
{
	struct gather_file *f = (struct gather_file *)file;

	return f->real->pMethods->xDeviceCharacteristics(f->real);
}

static int gather_shm_map(sqlite3_file *file, int page, int size, int extend, void volatile **p)
{
	struct gather_file *f = (struct gather_file *)file;

	return f->real->pMethods->xShmMap(f->real, page, size, extend, p);
}

/* The WAL's index: what is held is written before a lock on it is taken or dropped
 * (nothing is published by a lock; a failure is kept for every later use, and for
 * store_sqlite_vfs_failed). */
static int gather_shm_lock(sqlite3_file *file, int offset, int n, int flags)
{
	struct gather_file *f = (struct gather_file *)file;

	gather_settle_kept(f);
	gather_settle_kept(f->wal);
	if (f->failed)
		return f->failed;
	if (f->wal && f->wal->failed)
		return f->wal->failed;
	return f->real->pMethods->xShmLock(f->real, offset, n, flags);
}

/* SQLite crosses the barrier just before it publishes a commit's frames, and cannot be
 * told of a failure here. Nothing is held at that point: the COMMIT's sync (the writer
 * is at synchronous=FULL while it gathers) wrote it, and returned any failure to SQLite
 * before it got this far. Were frames held and their write to fail, going on would
 * publish frames that are not in the file: readers would take whatever an older WAL
 * left at their place, and a checkpoint would copy that into the database. A crash
 * instead loses nothing acknowledged (the group flushes before it answers) and the
 * recovery ignores the frames. */
static void gather_shm_barrier(sqlite3_file *file)
{
	struct gather_file *f = (struct gather_file *)file;

	if (f->wal && f->wal->len > 0 && gather_flush(f->wal) != SQLITE_OK)
		abort();
	gather_settle_kept(f);	/* a checkpoint's copies: the sync that follows fails */
	f->real->pMethods->xShmBarrier(f->real);
}

static int gather_shm_unmap(sqlite3_file *file, int delete)
{
	struct gather_file *f = (struct gather_file *)file;

	return f->real->pMethods->xShmUnmap(f->real, delete);
}

static int gather_fetch(sqlite3_file *file, sqlite3_int64 off, int n, void **p)
{
	struct gather_file *f = (struct gather_file *)file;
	int rc = gather_settle(f);

	if (rc != SQLITE_OK)
		return rc;
	return f->real->pMethods->xFetch(f->real, off, n, p);
}

static int gather_unfetch(sqlite3_file *file, sqlite3_int64 off, void *p)
{
	struct gather_file *f = (struct gather_file *)file;

	return f->real->pMethods->xUnfetch(f->real, off, p);
}

static const sqlite3_io_methods gather_io = {
	.iVersion = 3,
	.xClose = gather_close,
	.xRead = gather_read,
	.xWrite = gather_write,
	.xTruncate = gather_truncate,
	.xSync = gather_sync,
	.xFileSize = gather_file_size,
	.xLock = gather_lock,
	.xUnlock = gather_unlock,
	.xCheckReservedLock = gather_check_reserved,
	.xFileControl = gather_file_control,
	.xSectorSize = gather_sector_size,
	.xDeviceCharacteristics = gather_device,
	.xShmMap = gather_shm_map,
	.xShmLock = gather_shm_lock,
	.xShmBarrier = gather_shm_barrier,
	.xShmUnmap = gather_shm_unmap,
	.xFetch = gather_fetch,
	.xUnfetch = gather_unfetch,
};

static int gather_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags,
		       int *out_flags)
{
	struct gather_file *f = (struct gather_file *)file;
	sqlite3_vfs *root = root_vfs();
	int rc;

	(void)vfs;
	if (!name) {	/* a temporary file: in memory (sqlite_memfile.c) */
		_Static_assert(STORE_SQLITE_MEMFILE_BYTES <= sizeof(struct gather_file),
			       "a file without a name fits where the shim's do");
		store_sqlite_memfile_open(file);
		if (out_flags)
			*out_flags = flags;
		return SQLITE_OK;
	}
	memset(f, 0, sizeof(*f));
	f->real = (sqlite3_file *)(f + 1);
	f->is_wal = (flags & SQLITE_OPEN_WAL) != 0;
	rc = root->xOpen(root, name, f->real, flags, out_flags);
	/* SQLite closes a file whose methods are set, even after a failed open */
	if (f->real->pMethods) {
		/* the shim's methods only over a file with every method they call */
		if (f->real->pMethods->iVersion < 3) {
			f->real->pMethods->xClose(f->real);
			f->real->pMethods = NULL;
			return SQLITE_CANTOPEN;
		}
		f->base.pMethods = &gather_io;
	}
	return rc;
}

static int vfs_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	(void)vfs;
	return root_vfs()->xDelete(root_vfs(), name, sync_dir);
}

static int vfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return root_vfs()->xAccess(root_vfs(), name, flags, out);
}

static int vfs_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return root_vfs()->xFullPathname(root_vfs(), name, n, out);
}

static void *vfs_dl_open(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs;
	return root_vfs()->xDlOpen(root_vfs(), name);
}

static void vfs_dl_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	root_vfs()->xDlError(root_vfs(), n, out);
}

static void (*vfs_dl_sym(sqlite3_vfs *vfs, void *lib, const char *sym))(void)
{
	(void)vfs;
	return root_vfs()->xDlSym(root_vfs(), lib, sym);
}

static void vfs_dl_close(sqlite3_vfs *vfs, void *lib)
{
	(void)vfs;
	root_vfs()->xDlClose(root_vfs(), lib);
}

static int vfs_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return root_vfs()->xRandomness(root_vfs(), n, out);
}

static int vfs_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return root_vfs()->xSleep(root_vfs(), us);
}

static int vfs_current_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return root_vfs()->xCurrentTime(root_vfs(), out);
}

static int vfs_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return root_vfs()->xGetLastError(root_vfs(), n, out);
}

static int vfs_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return root_vfs()->xCurrentTimeInt64(root_vfs(), out);
}

int store_sqlite_vfs_register(void)
{
	sqlite3_vfs *root = sqlite3_vfs_find(NULL);

	if (!root || root->iVersion < 2)
		return SQLITE_ERROR;
	gather_vfs = (sqlite3_vfs){
		.iVersion = 2,
		.szOsFile = (int)sizeof(struct gather_file) + root->szOsFile,
		.mxPathname = root->mxPathname,
		.zName = STORE_SQLITE_VFS,
		.pAppData = root,
		.xOpen = gather_open,
		.xDelete = vfs_delete,
		.xAccess = vfs_access,
		.xFullPathname = vfs_full_pathname,
		.xDlOpen = vfs_dl_open,
		.xDlError = vfs_dl_error,
		.xDlSym = vfs_dl_sym,
		.xDlClose = vfs_dl_close,
		.xRandomness = vfs_randomness,
		.xSleep = vfs_sleep,
		.xCurrentTime = vfs_current_time,
		.xGetLastError = vfs_last_error,
		.xCurrentTimeInt64 = vfs_current_time64,
	};
	return sqlite3_vfs_register(&gather_vfs, 0);
}

/* db's database file and WAL, when both are the shim's. */
static bool gather_files(sqlite3 *db, struct gather_file **main, struct gather_file **wal)
{
	sqlite3_file *m = NULL, *w = NULL;

	if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &m) != SQLITE_OK ||
	    sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &w) != SQLITE_OK ||
	    !m || !w || m->pMethods != &gather_io || w->pMethods != &gather_io)
		return false;
	*main = (struct gather_file *)m;
	*wal = (struct gather_file *)w;
	return !(*main)->is_wal && (*wal)->is_wal;
}

bool store_sqlite_vfs_gather(sqlite3 *db)
{
	struct gather_file *main, *wal;

	if (!gather_files(db, &main, &wal))
		return false;
	main->wal = wal;
	wal->main = main;
	wal->gather = true;
	main->gather = true;
	return true;
}

void store_sqlite_vfs_defer_sync(sqlite3 *db, bool on)
{
	struct gather_file *main, *wal;

	if (gather_files(db, &main, &wal) && main->wal == wal)
		wal->defer_sync = on;
}

int store_sqlite_vfs_failed(sqlite3 *db)
{
	struct gather_file *main, *wal;

	if (!gather_files(db, &main, &wal))
		return SQLITE_OK;
	return wal->failed;
}
