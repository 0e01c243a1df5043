/* What keeps the "sqlite:" backend's bytes from other eyes: its files' modes (0600,
 * whatever the umask; an existing file left readable is tightened) and the scrub that
 * pushes deleted pages out of the WAL, with the table of scrubs still owed; and what
 * keeps a failed commit's frames out of the WAL. See doc/storage.md, "File modes",
 * "Purge and scrub" and "I/O failures". */
#include "store/keyfile.h"
#include "store/sqlite.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* PATH.server-key beside the database at location, into out[size]: the server's signing
 * key lives with the database it countersigns, like the storage key (PATH.key); or, with
 * a key folder (--keys), server.key in it. */
enum nk_status store_sqlite_server_key_path(const char *location, char *out, size_t size,
					    struct nk_error *err)
{
	bool set = false;
	enum nk_status rc;
	int n;

	if (!*location)
		return nk_fail(err, NK_EINVAL, "db", "the database path is empty");
	rc = store_keys_file(STORE_SERVER_KEY_FILE, true, out, size, &set, err);
	if (rc != NK_OK || set)
		return rc;
	n = snprintf(out, size, "%s.server-key", location);
	if (n < 0 || (size_t)n >= size)
		return nk_fail(err, NK_EINVAL, "db", "the database path is too long");
	/* as the storage key beside it, and as the key folder's files: whoever reads the
	 * signing key can countersign events and sign receipts in the server's name */
	return store_sqlite_tighten(location, out, err);
}

/* Makes the database file, empty and mode 0600, before SQLite opens it: SQLite creates
 * it 0644 less the umask, and then gives -wal, -shm and -journal the main file's mode
 * whatever the umask. Sets *made; a file another process made meanwhile is left alone. */
enum nk_status store_sqlite_make_private(const char *path, bool *made, struct nk_error *err)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	enum nk_status rc = NK_OK;

	if (fd < 0 && errno == EEXIST)
		return NK_OK;
	if (fd < 0)
		return nk_fail(err, NK_ESTORE, "store", "database %s could not be created: %s", path,
			       strerror(errno));
	*made = true;
	if (fchmod(fd, 0600) != 0)	/* the umask narrows the mode; make sure of it */
		rc = nk_fail(err, NK_ESTORE, "store", "database %s could not be made private: %s",
			     path, strerror(errno));
	close(fd);
	return rc;
}

/* Takes every access of other users away from the store's files that exist (an earlier
 * nakodo left a database 0644 under the usual umask): the database, its -wal,
 * -shm and -journal, and the key file. A file that cannot be tightened is refused. */
enum nk_status store_sqlite_tighten(const char *location, const char *key_path,
				    struct nk_error *err)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	const size_t n = sizeof(suffixes) / sizeof(suffixes[0]);
	char path[PATH_MAX];
	struct stat st;

	for (size_t i = 0; i <= n; i++) {
		const char *p = i < n ? path : key_path;

		if (i < n && (size_t)snprintf(path, sizeof(path), "%s%s", location, suffixes[i]) >=
		    sizeof(path))
			return nk_fail(err, NK_EINVAL, "store", "the database path is too long");
		if (lstat(p, &st) != 0) {
			if (errno == ENOENT)
				continue;
			return nk_fail(err, NK_ESTORE, "store", "%s cannot be reached: %s", p,
				       strerror(errno));
		}
		if (!S_ISREG(st.st_mode) || !(st.st_mode & 077))
			continue;
		if (chmod(p, st.st_mode & 0700) != 0)
			return nk_fail(err, NK_ESTORE, "store", "%s may be read by other users (mode "
				       "%04o) and could not be made private: %s", p,
				       (unsigned)(st.st_mode & 07777), strerror(errno));
	}
	return NK_OK;
}

/* Copies every committed page back into the database file, where secure_delete has
 * zeroed what was deleted, and truncates the WAL to nothing. It waits for readers at
 * most STORE_SCRUB_BUSY_MS, holding the write lock meanwhile: a read that outlasts
 * that fails the scrub, which stays owed and is tried again later. */
enum nk_status store_sqlite_scrub(void *state, struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_CHECKPOINT];
	enum nk_status rc = NK_OK;
	int sql_rc;

	sqlite3_busy_timeout(s->db, STORE_SCRUB_BUSY_MS);
	sql_rc = sqlite3_step(st);
	if (sql_rc != SQLITE_ROW)
		rc = store_sqlite_fail(s, sql_rc, "store", "could not checkpoint the WAL", err);
	else if (sqlite3_column_int(st, 0) != 0)
		rc = nk_fail(err, NK_ESTORE, "store", "could not finish scrubbing %s: another "
			     "connection is still reading it; try again", s->path);
	store_sqlite_done(st);
	sqlite3_busy_timeout(s->db, STORE_SQLITE_BUSY_MS);
	return rc;
}

/* A COMMIT whose write or sync failed can leave the transaction's frames whole in the
 * WAL, past the last frame its index counts: unseen now, but the recovery that follows
 * a crash would find them and apply a transaction reported as failed. Ending the
 * transaction and truncating the WAL drops them. When a reader holds the WAL (this does
 * not wait), or the disk still fails, the next commit overwrites them instead. */
void store_sqlite_drop_unsynced(struct sq_store *s)
{
	if (!sqlite3_get_autocommit(s->db)) {
		(void)sqlite3_step(s->stmt[SQ_ROLLBACK]);
		store_sqlite_done(s->stmt[SQ_ROLLBACK]);
	}
	sqlite3_busy_timeout(s->db, 0);
	(void)sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	sqlite3_busy_timeout(s->db, STORE_SQLITE_BUSY_MS);
}

/* The newest owed scrub's number (0: none owed). */
enum nk_status store_sqlite_scrub_owed(void *state, int64_t *mark, struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_SCRUB_OWED];
	enum nk_status rc = NK_OK;
	int sql_rc = store_sqlite_run(st, "");

	if (sql_rc == SQLITE_ROW)
		*mark = sqlite3_column_int64(st, 0);
	else
		rc = store_sqlite_fail(s, sql_rc, "store", "could not read the owed scrubs", err);
	store_sqlite_done(st);
	return rc;
}

/* Inside a transaction: forgets the owed scrubs numbered up to mark. */
enum nk_status store_sqlite_scrub_done(void *state, int64_t mark, struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_SCRUB_DONE];
	enum nk_status rc = NK_OK;
	int sql_rc = store_sqlite_run(st, "i", mark);

	if (sql_rc != SQLITE_DONE)
		rc = store_sqlite_fail(s, sql_rc, "store", "could not record the scrub", err);
	store_sqlite_done(st);
	return rc;
}
