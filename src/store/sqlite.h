/* The "sqlite:" backend's shared pieces: its handle with the prepared statements of one
 * connection, and the helpers its two files share (opening in sqlite_open.c, the
 * operations in sqlite.c). */
#ifndef NAKODO_STORE_SQLITE_H
#define NAKODO_STORE_SQLITE_H

#include "store/store_impl.h"

#include <sqlite3.h>

#define STORE_SQLITE_BUSY_MS 5000	/* how long to wait for another writer */

/* Every statement the backend runs after opening, prepared once per connection. */
enum sq_stmt {
	SQ_BEGIN,
	SQ_COMMIT,
	SQ_ROLLBACK,
	SQ_CASE_CREATE,
	SQ_CASE_EXISTS,
	SQ_APPEND,
	SQ_LOAD,
	SQ_LIST,
	SQ_SECRET_PUT,
	SQ_SECRET_GET,
	SQ_SECRET_PURGE,
	SQ_CHECKPOINT,
	SQ_BEGIN_READ,
	SQ_TOKEN_PUT,
	SQ_TOKEN_FIND,
	SQ_TOKEN_REVOKE,
	SQ_TOKEN_COUNT,
	SQ_ENVELOPE_PUT,
	SQ_ENVELOPE_GET,
	SQ_ENVELOPE_DELETE,
	SQ_COUNT
};

struct sq_store {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *stmt[SQ_COUNT];
};

/* Maps an SQLite result code to a status and fills err with what failed, SQLite's
 * reason and the database's path. */
enum nk_status store_sqlite_fail(const struct sq_store *s, int sql_rc, const char *field,
				 const char *what, struct nk_error *err);

enum nk_status store_sqlite_open(void **state, const char *location, unsigned flags,
				 uint8_t key[static STORE_KEY_BYTES], struct nk_error *err);
void store_sqlite_close(void *state);

#endif
