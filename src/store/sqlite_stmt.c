/* The "sqlite:" backend's way of running a prepared statement, which every operation
 * shares: bind the parameters in order, step once, reset; and SQLite's failures as
 * statuses that name the database. */
#include "store/sqlite.h"

#include <stdarg.h>

enum nk_status store_sqlite_fail(const struct sq_store *s, int sql_rc, const char *field,
				 const char *what, struct nk_error *err)
{
	enum nk_status code;

	switch (sql_rc & 0xff) {
	case SQLITE_NOMEM:
		code = NK_ENOMEM;
		break;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		code = NK_ECORRUPT;
		break;
	default:
		code = NK_ESTORE;
		break;
	}
	return nk_fail(err, code, field, "%s: %s (database %s)", what,
		       s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(sql_rc), s->path);
}

int store_sqlite_run(sqlite3_stmt *st, const char *params, ...)
{
	int sql_rc = SQLITE_OK;
	va_list ap;

	va_start(ap, params);
	for (int i = 1; params[i - 1] && sql_rc == SQLITE_OK; i++) {
		const char *text;
		const void *blob;
		int len;

		switch (params[i - 1]) {
		case 't':
			text = va_arg(ap, const char *);
			sql_rc = sqlite3_bind_text(st, i, text, -1, SQLITE_STATIC);
			break;
		case 'i':
			sql_rc = sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
			break;
		case 'b':
			blob = va_arg(ap, const void *);
			len = va_arg(ap, int);
			/* A statement's parameters start out NULL (cleared by
			 * store_sqlite_done): a missing blob is left so. */
			if (blob)
				sql_rc = sqlite3_bind_blob(st, i, blob, len, SQLITE_STATIC);
			break;
		default:
			sql_rc = SQLITE_MISUSE;
			break;
		}
	}
	va_end(ap);
	return sql_rc == SQLITE_OK ? sqlite3_step(st) : sql_rc;
}

void store_sqlite_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}
