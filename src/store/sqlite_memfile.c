/* The shim's files without a name (sqlite_vfs.c), held in memory only. SQLite names no
 * temporary file it opens: the sub-journal, where a write transaction's savepoints and
 * statements keep each page's image before they first change it (the group's writer
 * runs every transaction as a savepoint of its batch), a temporary database, a sorter's
 * spill. With temp_store=MEMORY SQLite keeps them in its own memory journal, in chunks of
 * 1,016 bytes: a page was four allocations, all freed again at every RELEASE (some 7k
 * instructions a submission in the writers' turn, bench/README.md). The shim's
 * connections keep them here instead (temp_store=FILE, and SQLite told to open the
 * sub-journal as a file at once: sqlite_open.c): one buffer a file, grown by doubling
 * (into a new block, the old one wiped),
 * kept while the file is open (SQLite closes the sub-journal when the batch's
 * transaction ends, and writes it again from its start after each RELEASE), wiped as
 * far as it was ever written when it is closed, and then kept for the next file (below)
 * or freed. Never on the disk, as with temp_store=MEMORY. */
#include "store/sqlite_vfs.h"

#include <malloc.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MEM_FILE_MIN (32u << 10)
/* The largest block kept for the next file: a batch's sub-journal holds one savepoint's
 * pages at a time, 32 or 64 kB (bench/README.md, branch alloc14). */
#define MEM_FILE_KEEP (256u << 10)

/* One block, wiped, kept between files. The group's writer closes its sub-journal at the
 * end of every batch and opens it again in the next: a new block each time was a large
 * malloc and free a batch, and two once a savepoint outgrew 32 kB (the free of a 64 kB
 * block makes glibc consolidate its fast bins). Process-wide, as the VFS whose files use
 * it (sqlite_vfs.c); taken and given back by exchange, since a batch's sub-journal is
 * opened in some worker's turn and closed by the committer's thread. */
static _Atomic(unsigned char *) kept;

struct mem_file {
	sqlite3_file base;		/* its methods: mem_io */
	unsigned char *buf;
	size_t len;			/* the file's size */
	size_t cap;
	size_t used;			/* the most of buf ever written: what close wipes */
};

static int mem_close(sqlite3_file *file)
{
	struct mem_file *m = (struct mem_file *)file;

	if (m->buf) {
		sodium_memzero(m->buf, m->used);	/* pages of the database */
		free(m->cap <= MEM_FILE_KEEP ? atomic_exchange(&kept, m->buf) : m->buf);
	}
	m->buf = NULL;
	m->len = m->cap = m->used = 0;
	return SQLITE_OK;
}

/* What lies past the file's end reads as zeros, and a short read says so. */
static int mem_read(sqlite3_file *file, void *out, int n, sqlite3_int64 off)
{
	struct mem_file *m = (struct mem_file *)file;
	size_t have;

	if (n < 0 || off < 0)
		return SQLITE_IOERR_READ;
	have = (uint64_t)off >= m->len ? 0 : m->len - (size_t)off;
	if (have >= (size_t)n) {
		memcpy(out, m->buf + off, (size_t)n);
		return SQLITE_OK;
	}
	if (have > 0)
		memcpy(out, m->buf + off, have);
	memset((unsigned char *)out + have, 0, (size_t)n - have);
	return SQLITE_IOERR_SHORT_READ;
}

/* Makes room for size bytes (the file's bytes stay as they are). */
static int mem_reserve(struct mem_file *m, size_t size)
{
	size_t cap = m->cap ? m->cap : MEM_FILE_MIN;
	unsigned char *buf;

	if (size <= m->cap)
		return SQLITE_OK;
	if (!m->buf && (buf = atomic_exchange(&kept, NULL))) {
		if (malloc_usable_size(buf) >= size) {	/* the file is empty: nothing to copy */
			m->buf = buf;
			m->cap = malloc_usable_size(buf);
			return SQLITE_OK;
		}
		free(buf);	/* wiped when it was kept */
	}
	while (cap < size) {
		if (cap > SIZE_MAX / 2)
			return SQLITE_FULL;
		cap *= 2;
	}
	/* not realloc: the old block, pages of the database, is wiped before it is freed */
	if (!(buf = malloc(cap)))
		return SQLITE_IOERR_NOMEM;
	if (m->buf) {
		memcpy(buf, m->buf, m->len);
		sodium_memzero(m->buf, m->used);
		free(m->buf);
	}
	m->buf = buf;
	m->used = m->len;	/* what the new block holds of the file */
	m->cap = cap;
	return SQLITE_OK;
}

/* The file made size bytes long, the bytes after its old end zero. */
static int mem_grow(struct mem_file *m, size_t size)
{
	int rc = mem_reserve(m, size);

	if (rc != SQLITE_OK)
		return rc;
	memset(m->buf + m->len, 0, size - m->len);
	m->len = size;
	if (size > m->used)
		m->used = size;
	return SQLITE_OK;
}

static int mem_write(sqlite3_file *file, const void *data, int n, sqlite3_int64 off)
{
	struct mem_file *m = (struct mem_file *)file;
	size_t end;
	int rc;

	if (n < 0 || off < 0 || (uint64_t)off > SIZE_MAX - (size_t)n)
		return SQLITE_IOERR_WRITE;
	end = (size_t)off + (size_t)n;
	if ((uint64_t)off > m->len && (rc = mem_grow(m, (size_t)off)) != SQLITE_OK)
		return rc;	/* a gap before off reads as zeros */
	if ((rc = mem_reserve(m, end)) != SQLITE_OK)
		return rc;
	memcpy(m->buf + off, data, (size_t)n);
	if (end > m->len)
		m->len = end;
	if (end > m->used)
		m->used = end;
	return SQLITE_OK;
}

static int mem_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	struct mem_file *m = (struct mem_file *)file;

	if (size < 0 || (uint64_t)size > SIZE_MAX)
		return SQLITE_IOERR_TRUNCATE;
	if ((uint64_t)size > m->len)
		return mem_grow(m, (size_t)size);
	m->len = (size_t)size;
	return SQLITE_OK;
}

static int mem_sync(sqlite3_file *file, int flags)
{
	(void)file;
	(void)flags;
	return SQLITE_OK;
}

static int mem_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
	*size = (sqlite3_int64)((struct mem_file *)file)->len;
	return SQLITE_OK;
}

/* Only one connection ever has it open: locks are nothing to take. */
static int mem_lock(sqlite3_file *file, int level)
{
	(void)file;
	(void)level;
	return SQLITE_OK;
}

static int mem_check_reserved(sqlite3_file *file, int *out)
{
	(void)file;
	*out = 0;
	return SQLITE_OK;
}

static int mem_file_control(sqlite3_file *file, int op, void *arg)
{
	(void)file;
	(void)op;
	(void)arg;
	return SQLITE_NOTFOUND;
}

static int mem_sector_size(sqlite3_file *file)
{
	(void)file;
	return 4096;
}

static int mem_device(sqlite3_file *file)
{
	(void)file;
	return 0;
}

static const sqlite3_io_methods mem_io = {
	.iVersion = 1,
	.xClose = mem_close,
	.xRead = mem_read,
	.xWrite = mem_write,
	.xTruncate = mem_truncate,
	.xSync = mem_sync,
	.xFileSize = mem_file_size,
	.xLock = mem_lock,
	.xUnlock = mem_lock,
	.xCheckReservedLock = mem_check_reserved,
	.xFileControl = mem_file_control,
	.xSectorSize = mem_sector_size,
	.xDeviceCharacteristics = mem_device,
};

_Static_assert(sizeof(struct mem_file) <= STORE_SQLITE_MEMFILE_BYTES,
	       "STORE_SQLITE_MEMFILE_BYTES holds a mem_file");

void store_sqlite_memfile_open(sqlite3_file *file)
{
	struct mem_file *m = (struct mem_file *)file;

	memset(m, 0, sizeof(*m));
	m->base.pMethods = &mem_io;
}
