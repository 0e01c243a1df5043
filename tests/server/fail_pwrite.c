/* Loaded into `nakodo serve` by tests/server/gather_fail.sh (LD_PRELOAD): while the file
 * named by $NAKODO_FAIL_WRITES exists, every pwrite larger than a WAL frame (24 + 4,096
 * bytes: only the gathered writes of the group writer's WAL, store/sqlite_vfs.c, are)
 * fails with EIO, as a disk that refuses a write. */
#undef _FILE_OFFSET_BITS	/* pwrite and pwrite64 both, as libc has them */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#define FRAME_BYTES (24 + 4096)

typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);

static int refused(size_t n)
{
	const char *flag = getenv("NAKODO_FAIL_WRITES");

	return n > FRAME_BYTES && flag && access(flag, F_OK) == 0;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	pwrite_fn real = (pwrite_fn)dlsym(RTLD_NEXT, "pwrite");

	if (refused(n)) {
		errno = EIO;
		return -1;
	}
	return real(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	pwrite_fn real = (pwrite_fn)dlsym(RTLD_NEXT, "pwrite64");

	if (refused(n)) {
		errno = EIO;
		return -1;
	}
	return real(fd, buf, n, off);
}
