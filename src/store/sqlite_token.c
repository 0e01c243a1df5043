/* The "sqlite:" backend's access tokens (store_impl.h, token_*): only keyed hashes of
 * tokens, each row naming its case and role (token.c hashes and checks them). Split from
 * sqlite.c. */
#include "store/sqlite.h"

#include <string.h>

enum nk_status store_sqlite_token_put(void *state, const uint8_t hash[static STORE_TOKEN_HASH],
				      const char *case_id, const char *role, struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_TOKEN_PUT];
	enum nk_status rc = NK_OK;
	int sql_rc;

	sql_rc = store_sqlite_run(st, "btt", hash, STORE_TOKEN_HASH, case_id, role);
	if (sql_rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		rc = nk_fail(err, NK_EINVAL, "token", "the token exists");
	else if (sql_rc != SQLITE_DONE)
		rc = store_sqlite_fail(s, sql_rc, "token", "could not store the token", err);
	else if (sqlite3_changes(s->db) == 0)
		rc = store_sqlite_no_case(case_id, err);
	store_sqlite_done(st);
	return rc;
}

enum nk_status store_sqlite_token_find(void *state, const uint8_t hash[static STORE_TOKEN_HASH],
				       uint8_t stored[static STORE_TOKEN_HASH],
				       char case_id[static NK_CASE_ID_MAX],
				       char role[static NK_TOKEN_ROLE_MAX], struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_TOKEN_FIND];
	enum nk_status rc = NK_OK;
	const char *c, *r;
	int sql_rc;

	sql_rc = store_sqlite_run(st, "b", hash, STORE_TOKEN_HASH);
	if (sql_rc == SQLITE_DONE) {
		rc = nk_fail(err, NK_ENOTFOUND, "token", "no such token");
	} else if (sql_rc != SQLITE_ROW) {
		rc = store_sqlite_fail(s, sql_rc, "token", "could not look the token up", err);
	} else {
		c = (const char *)sqlite3_column_text(st, 1);
		r = (const char *)sqlite3_column_text(st, 2);
		if (sqlite3_column_bytes(st, 0) != STORE_TOKEN_HASH || !c || !r ||
		    strlen(c) >= NK_CASE_ID_MAX || strlen(r) >= NK_TOKEN_ROLE_MAX) {
			rc = nk_fail(err, NK_ECORRUPT, "token", "a token of %s is damaged", s->path);
		} else {
			memcpy(stored, sqlite3_column_blob(st, 0), STORE_TOKEN_HASH);
			memcpy(case_id, c, strlen(c) + 1);
			memcpy(role, r, strlen(r) + 1);
		}
	}
	store_sqlite_done(st);
	return rc;
}

/* Binds (case_id, role) to st and runs it; for revoke and count. */
static enum nk_status token_by_case(struct sq_store *s, enum sq_stmt which, const char *case_id,
				    const char *role, size_t *count, struct nk_error *err)
{
	sqlite3_stmt *st = s->stmt[which];
	enum nk_status rc = NK_OK;
	int sql_rc;

	sql_rc = store_sqlite_run(st, "tt", case_id, role);
	if (sql_rc == SQLITE_ROW)
		*count = (size_t)sqlite3_column_int64(st, 0);
	else if (sql_rc == SQLITE_DONE)
		*count = (size_t)sqlite3_changes(s->db);
	else
		rc = store_sqlite_fail(s, sql_rc, "token", "could not reach the tokens", err);
	store_sqlite_done(st);
	return rc;
}

enum nk_status store_sqlite_token_revoke(void *state, const char *case_id, const char *role,
					 size_t *count, struct nk_error *err)
{
	return token_by_case(state, SQ_TOKEN_REVOKE, case_id, role, count, err);
}

enum nk_status store_sqlite_token_count(void *state, const char *case_id, const char *role,
					size_t *count, struct nk_error *err)
{
	return token_by_case(state, SQ_TOKEN_COUNT, case_id, role, count, err);
}
