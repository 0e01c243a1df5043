/* The files of a test's SQLite database: whether they hold a needle (the database and its
 * WAL, as another local user could read them) and their removal with their folder. For
 * the cmocka tests of package cases; include after <cmocka.h>. */
#ifndef NAKODO_TESTS_SQLITE_FILES_H
#define NAKODO_TESTS_SQLITE_FILES_H

#include <nakodo/files.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Whether db or db-wal holds the n bytes at needle (needs _GNU_SOURCE for memmem). */
static inline bool sqlite_files_hold(const char *db, const void *needle, size_t n)
{
	static const char *const suffix[] = { "", "-wal" };
	bool found = false;

	for (int i = 0; i < 2 && !found; i++) {
		char path[512], *buf = NULL;
		size_t len = 0;

		snprintf(path, sizeof(path), "%s%s", db, suffix[i]);
		if (nk_file_read(path, &buf, &len, NULL) == NK_OK)
			found = memmem(buf, len, needle, n) != NULL;
		free(buf);
	}
	return found;
}

/* Removes db, its -wal, -shm and .key files, then dir. */
static inline void sqlite_files_remove(const char *db, const char *dir)
{
	static const char *const suffix[] = { "", "-wal", "-shm", ".key" };
	char path[512];

	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", db, suffix[i]);
		unlink(path);
	}
	rmdir(dir);
}

#endif
