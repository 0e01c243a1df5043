/* The "sqlite:" backend's case summaries: a row per case in summaries, replaced in the
 * case layer's transaction, and a page of the list read newest first by the cases
 * table's rowid, one index range whatever the number of cases. */
#include "store/sqlite.h"

#include <stdio.h>
#include <string.h>

/* The case's row changed in place: an UPDATE, whose one seek finds it; a case without
 * a row yet (its first summary) takes the upsert. The upsert alone cost a seek more (the
 * conflict's probe before the row's), and a seek into cases for the foreign key. */
enum nk_status store_sqlite_summary_put(void *state, const struct nk_case_summary *sum,
					struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_SUMMARY_SET];
	enum nk_status rc = NK_OK;
	int sql_rc;

	sql_rc = store_sqlite_run(st, "ttttiii", sum->case_id, sum->kind, sum->state, sum->currency,
				  (int64_t)sum->round, (int64_t)sum->rounds, sum->changed_ms);
	store_sqlite_done(st);
	if (sql_rc == SQLITE_DONE && sqlite3_changes(s->db) > 0)
		return NK_OK;
	st = s->stmt[SQ_SUMMARY_PUT];
	if (sql_rc == SQLITE_DONE && (rc = store_sqlite_case_there(s, sum->case_id, err)) != NK_OK)
		return rc;
	if (sql_rc == SQLITE_DONE)
		sql_rc = store_sqlite_run(st, "ttttiii", sum->case_id, sum->kind, sum->state,
					  sum->currency, (int64_t)sum->round, (int64_t)sum->rounds,
					  sum->changed_ms);
	/* the foreign key to cases refuses a summary of no case, as in sq_secret_put */
	if (sql_rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		rc = nk_fail(err, NK_ENOTFOUND, "case", "there is no case %s", sum->case_id);
	else if (sql_rc != SQLITE_DONE)
		rc = store_sqlite_fail(s, sql_rc, "summary", "could not keep the case's summary",
				       err);
	store_sqlite_done(st);
	return rc;
}

/* Copies column col of st into out[NK_SUMMARY_WORD_MAX]; false if it does not fit. */
static bool word(sqlite3_stmt *st, int col, char out[static NK_SUMMARY_WORD_MAX])
{
	const char *w = (const char *)sqlite3_column_text(st, col);

	if (!w || strlen(w) >= NK_SUMMARY_WORD_MAX)
		return false;
	snprintf(out, NK_SUMMARY_WORD_MAX, "%s", w);
	return true;
}

/* The rowid of the case after names (INT64_MAX for "": from the newest). */
static enum nk_status start_of(struct sq_store *s, const char *after, int64_t *rowid,
			       struct nk_error *err)
{
	sqlite3_stmt *st = s->stmt[SQ_CASE_ROWID];
	enum nk_status rc = NK_OK;
	int sql_rc;

	*rowid = INT64_MAX;
	if (!*after)
		return NK_OK;
	sql_rc = store_sqlite_run(st, "t", after);
	if (sql_rc == SQLITE_ROW)
		*rowid = sqlite3_column_int64(st, 0);
	else if (sql_rc == SQLITE_DONE)
		rc = nk_fail(err, NK_ENOTFOUND, "after", "there is no case %s", after);
	else
		rc = store_sqlite_fail(s, sql_rc, "after", "could not find the case", err);
	store_sqlite_done(st);
	return rc;
}

enum nk_status store_sqlite_summary_page(void *state, const char *after, size_t limit,
					 struct nk_case_summary *out, size_t *count,
					 struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_SUMMARY_PAGE];
	enum nk_status rc;
	int64_t from;
	size_t n = 0;
	int sql_rc;

	if ((rc = start_of(s, after, &from, err)) != NK_OK)
		return rc;
	for (sql_rc = store_sqlite_run(st, "ii", from, (int64_t)limit);
	     sql_rc == SQLITE_ROW && n < limit; sql_rc = sqlite3_step(st), n++) {
		struct nk_case_summary *sum = &out[n];
		const char *id = (const char *)sqlite3_column_text(st, 0);

		memset(sum, 0, sizeof(*sum));
		if (!id || strlen(id) >= NK_CASE_ID_MAX) {
			rc = nk_fail(err, NK_ECORRUPT, "case", "a case id in %s is damaged",
				     s->path);
			break;
		}
		snprintf(sum->case_id, sizeof(sum->case_id), "%s", id);
		sum->created_ms = sqlite3_column_int64(st, 1);
		if (sqlite3_column_type(st, 2) == SQLITE_NULL)
			continue;	/* a case from before summaries */
		if (!word(st, 2, sum->kind) || !word(st, 3, sum->state) ||
		    !word(st, 4, sum->currency)) {
			rc = nk_fail(err, NK_ECORRUPT, "summary", "the summary of case %s in %s is "
				     "damaged", id, s->path);
			break;
		}
		sum->round = (int)sqlite3_column_int64(st, 5);
		sum->rounds = (int)sqlite3_column_int64(st, 6);
		sum->changed_ms = sqlite3_column_int64(st, 7);
		sum->kept = true;
	}
	if (rc == NK_OK && sql_rc != SQLITE_ROW && sql_rc != SQLITE_DONE)
		rc = store_sqlite_fail(s, sql_rc, "summary", "could not list the cases", err);
	if (rc == NK_OK)
		*count = n;
	store_sqlite_done(st);
	return rc;
}
