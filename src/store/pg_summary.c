/* The "postgresql:" backend's case summaries: a row per case in summaries, replaced in
 * the case layer's transaction (which holds the case's row), and a page of the list read
 * newest first by cases.n, one index range whatever the number of cases. */
#include "store/pg.h"

#include <stdio.h>
#include <string.h>

NK_MUST_USE enum nk_status store_pg_summary_put(void *state, const struct nk_case_summary *sum,
						struct nk_error *err)
{
	struct pg_store *s = state;
	struct pg_param p[] = {
		PG_T(sum->case_id), PG_T(sum->kind), PG_T(sum->state), PG_T(sum->currency),
		PG_I(sum->round), PG_I(sum->rounds), PG_I(sum->changed_ms),
	};
	PGresult *res = store_pg_run(s,
		"INSERT INTO summaries(case_id, kind, state, currency, round, rounds, changed) "
		"SELECT id, $2, $3, $4, $5, $6, $7 FROM cases WHERE id = $1 "
		"ON CONFLICT (case_id) DO UPDATE SET kind = excluded.kind, state = excluded.state, "
		"currency = excluded.currency, round = excluded.round, rounds = excluded.rounds, "
		"changed = excluded.changed RETURNING 1", p, 7, "summary",
		"could not keep the case's summary", err);
	enum nk_status rc = NK_OK;

	if (!res)
		return s->failed;
	if (PQntuples(res) == 0)
		rc = nk_fail(err, NK_ENOTFOUND, "case", "there is no case %s", sum->case_id);
	PQclear(res);
	return rc;
}

/* Copies the text at (row, col) into out[NK_SUMMARY_WORD_MAX]; false if it does not fit. */
static bool word(const PGresult *res, int row, int col, char out[static NK_SUMMARY_WORD_MAX])
{
	if (PQgetisnull(res, row, col) || PQgetlength(res, row, col) >= NK_SUMMARY_WORD_MAX)
		return false;
	snprintf(out, NK_SUMMARY_WORD_MAX, "%s", PQgetvalue(res, row, col));
	return true;
}

/* cases.n of the case after names (INT64_MAX for "": from the newest). */
static enum nk_status start_of(struct pg_store *s, const char *after, int64_t *n,
			       struct nk_error *err)
{
	struct pg_param p[] = { PG_T(after) };
	enum nk_status rc = NK_OK;
	PGresult *res;

	*n = INT64_MAX;
	if (!*after)
		return NK_OK;
	if (!(res = store_pg_run(s, "SELECT n FROM cases WHERE id = $1", p, 1, "after",
				 "could not find the case", err)))
		return s->failed;
	if (PQntuples(res) == 1)
		*n = store_pg_int(res, 0, 0);
	else
		rc = nk_fail(err, NK_ENOTFOUND, "after", "there is no case %s", after);
	PQclear(res);
	return rc;
}

NK_MUST_USE enum nk_status store_pg_summary_page(void *state, const char *after, size_t limit,
						 struct nk_case_summary *out, size_t *count,
						 struct nk_error *err)
{
	struct pg_store *s = state;
	enum nk_status rc;
	int64_t from;
	PGresult *res;
	int rows;

	if ((rc = start_of(s, after, &from, err)) != NK_OK)
		return rc;
	struct pg_param p[] = { PG_I(from), PG_I((int64_t)limit) };
	if (!(res = store_pg_run(s,
		"SELECT c.id, c.created, s.kind, s.state, s.currency, s.round, s.rounds, s.changed "
		"FROM cases c LEFT JOIN summaries s ON s.case_id = c.id WHERE c.n < $1 "
		"ORDER BY c.n DESC LIMIT $2", p, 2, "summary", "could not list the cases", err)))
		return s->failed;
	rows = PQntuples(res);
	for (int i = 0; i < rows && (size_t)i < limit; i++) {
		struct nk_case_summary *sum = &out[i];

		memset(sum, 0, sizeof(*sum));
		if (PQgetlength(res, i, 0) >= NK_CASE_ID_MAX) {
			rc = nk_fail(err, NK_ECORRUPT, "case", "a case id in the database is damaged");
			break;
		}
		snprintf(sum->case_id, sizeof(sum->case_id), "%s", PQgetvalue(res, i, 0));
		sum->created_ms = store_pg_int(res, i, 1);
		if (PQgetisnull(res, i, 2))
			continue;	/* no summary kept yet */
		if (!word(res, i, 2, sum->kind) || !word(res, i, 3, sum->state) ||
		    !word(res, i, 4, sum->currency)) {
			rc = nk_fail(err, NK_ECORRUPT, "summary", "the summary of case %s in the "
				     "database is damaged", sum->case_id);
			break;
		}
		sum->round = (int)store_pg_int(res, i, 5);
		sum->rounds = (int)store_pg_int(res, i, 6);
		sum->changed_ms = store_pg_int(res, i, 7);
		sum->kept = true;
	}
	if (rc == NK_OK)
		*count = (size_t)rows < limit ? (size_t)rows : limit;
	PQclear(res);
	return rc;
}
