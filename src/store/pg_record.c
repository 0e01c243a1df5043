/* The "postgresql:" backend's side of the record: the last link of a case's log, the
 * server's list of ended cases' statements (table record, idx from 0) and its
 * checkpoints (by size). Every server appends to one record: a write transaction takes
 * the row 'record' of meta before it reads the record's size or appends, so that two
 * servers ending two cases at once number their entries one after the other. */
#include "store/pg.h"

#include <string.h>

enum nk_status store_pg_last_link(void *state, const char *case_id, int64_t *seq,
				  bool *linked, uint8_t chain[static NK_CHAIN_BYTES],
				  struct nk_error *err)
{
	struct pg_store *s = state;
	struct pg_param p[] = { PG_T(case_id) };
	enum nk_status rc = store_pg_lock_case(s, case_id, err);
	PGresult *res;

	if (rc != NK_OK)
		return rc;
	res = store_pg_run(s, "SELECT seq, chain FROM events WHERE case_id = $1 "
			   "ORDER BY seq DESC LIMIT 1", p, 1, "case",
			   "could not read the case's last event", err);
	if (!res)
		return s->failed;
	if (PQntuples(res) == 0) {
		*seq = 0;
		*linked = false;
	} else if (PQgetisnull(res, 0, 1)) {
		*seq = store_pg_int(res, 0, 0);
		*linked = false;
	} else if (PQgetlength(res, 0, 1) != NK_CHAIN_BYTES) {
		rc = nk_fail(err, NK_ECORRUPT, "event", "the last event of case %s has a damaged "
			     "link (PostgreSQL)", case_id);
	} else {
		*seq = store_pg_int(res, 0, 0);
		*linked = true;
		memcpy(chain, PQgetvalue(res, 0, 1), NK_CHAIN_BYTES);
	}
	PQclear(res);
	return rc;
}

/* A PostgreSQL store is younger than links: no case has events from before them. */
enum nk_status store_pg_legacy_events(void *state, const char *case_id, int64_t *count,
				      struct nk_error *err)
{
	(void)state;
	(void)case_id;
	(void)err;
	*count = 0;
	return NK_OK;
}

enum nk_status store_pg_record_append(void *state, const char *case_id, const uint8_t *data,
				      size_t len, const uint8_t sig[static NK_RECORD_SIG_BYTES],
				      uint64_t *index, struct nk_error *err)
{
	struct pg_store *s = state;
	struct pg_param p[] = { PG_T(case_id), PG_B(data, len), PG_B(sig, NK_RECORD_SIG_BYTES) };
	enum nk_status rc = store_pg_lock_case(s, case_id, err);
	PGresult *res;

	if (rc == NK_OK)
		rc = store_pg_lock_record(s, err);
	if (rc != NK_OK)
		return rc;
	res = store_pg_run(s, "INSERT INTO record(idx, case_id, entry, sig) "
			   "SELECT coalesce(max(idx) + 1, 0), $1, $2, $3 FROM record "
			   "ON CONFLICT (case_id) DO NOTHING RETURNING idx", p, 3, "record",
			   "could not append to the record", err);
	if (!res)
		return s->failed;
	if (PQntuples(res) == 0)
		rc = nk_fail(err, NK_EINVAL, "record", "case %s is in the record already", case_id);
	else
		*index = (uint64_t)store_pg_int(res, 0, 0);
	PQclear(res);
	return rc;
}

enum nk_status store_pg_record_find(void *state, const char *case_id, uint64_t *index,
				    uint8_t data[static NK_RECORD_ENTRY_MAX], size_t *len,
				    uint8_t sig[static NK_RECORD_SIG_BYTES], struct nk_error *err)
{
	struct pg_store *s = state;
	struct pg_param p[] = { PG_T(case_id) };
	PGresult *res = store_pg_run(s, "SELECT idx, entry, sig FROM record WHERE case_id = $1",
				     p, 1, "record", "could not read the record", err);
	enum nk_status rc = NK_OK;
	int n;

	if (!res)
		return s->failed;
	if (PQntuples(res) == 0) {
		rc = nk_fail(err, NK_ENOTFOUND, "record", "case %s is not in the record", case_id);
	} else if ((n = PQgetlength(res, 0, 1)) < 1 || n > NK_RECORD_ENTRY_MAX ||
		   PQgetlength(res, 0, 2) != NK_RECORD_SIG_BYTES || store_pg_int(res, 0, 0) < 0) {
		rc = nk_fail(err, NK_ECORRUPT, "record", "the record's entry of case %s is damaged "
			     "(PostgreSQL)", case_id);
	} else {
		*index = (uint64_t)store_pg_int(res, 0, 0);
		memcpy(data, PQgetvalue(res, 0, 1), (size_t)n);
		*len = (size_t)n;
		memcpy(sig, PQgetvalue(res, 0, 2), NK_RECORD_SIG_BYTES);
	}
	PQclear(res);
	return rc;
}

enum nk_status store_pg_record_size(void *state, uint64_t *size, struct nk_error *err)
{
	struct pg_store *s = state;
	enum nk_status rc = store_pg_lock_record(s, err);
	PGresult *res;

	if (rc != NK_OK)
		return rc;
	res = store_pg_run(s, "SELECT coalesce(max(idx) + 1, 0) FROM record", NULL, 0, "record",
			   "could not count the record", err);
	if (!res)
		return s->failed;
	*size = (uint64_t)store_pg_int(res, 0, 0);
	PQclear(res);
	return NK_OK;
}

/* In pages of RECORD_PAGE entries, each read whole before fn runs, so that fn may use
 * the store; the entries must number start, start + 1, … without a gap. */
#define RECORD_PAGE 1000

enum nk_status store_pg_record_each(void *state, uint64_t start,
				    bool (*fn)(uint64_t index, const uint8_t *data, size_t len,
					       void *arg),
				    void *arg, struct nk_error *err)
{
	struct pg_store *s = state;
	uint64_t want = start;
	enum nk_status rc = store_pg_lock_record(s, err);

	if (start > INT64_MAX)
		return nk_fail(err, NK_EINVAL, "record", "no entry %llu", (unsigned long long)start);
	while (rc == NK_OK) {
		struct pg_param p[] = { PG_I((int64_t)want) };
		PGresult *res = store_pg_run(s, "SELECT idx, entry FROM record WHERE idx >= $1 "
					     "ORDER BY idx LIMIT 1000", p, 1, "record",
					     "could not read the record", err);
		int rows;

		if (!res)
			return s->failed;
		rows = PQntuples(res);
		for (int i = 0; i < rows; i++, want++) {
			int n = PQgetlength(res, i, 1);

			if ((uint64_t)store_pg_int(res, i, 0) != want || n < 1 ||
			    n > NK_RECORD_ENTRY_MAX) {
				rc = nk_fail(err, NK_ECORRUPT, "record", "entry %llu of the record is "
					     "missing or damaged (PostgreSQL)",
					     (unsigned long long)want);
				break;
			}
			if (!fn(want, (const uint8_t *)PQgetvalue(res, i, 1), (size_t)n, arg)) {
				rows = 0;
				break;
			}
		}
		PQclear(res);
		if (rows < RECORD_PAGE)
			break;
	}
	return rc;
}

enum nk_status store_pg_checkpoint_put(void *state, uint64_t size, const uint8_t *data,
				       size_t len, struct nk_error *err)
{
	struct pg_store *s = state;
	struct pg_param p[] = { PG_I((int64_t)size), PG_B(data, len) };
	enum nk_status rc = store_pg_lock_record(s, err);
	PGresult *res;

	if (rc != NK_OK)
		return rc;
	res = store_pg_run(s, "INSERT INTO checkpoints(size, data) VALUES ($1, $2) "
			   "ON CONFLICT (size) DO NOTHING RETURNING 1", p, 2, "checkpoint",
			   "could not keep the checkpoint", err);
	if (!res)
		return s->failed;
	if (PQntuples(res) == 0)
		rc = nk_fail(err, NK_EINVAL, "checkpoint", "there is a checkpoint for %llu entries "
			     "already", (unsigned long long)size);
	PQclear(res);
	return rc;
}

enum nk_status store_pg_checkpoint_get(void *state, uint64_t size,
				       uint8_t data[static NK_CHECKPOINT_DATA_MAX], size_t *len,
				       struct nk_error *err)
{
	struct pg_store *s = state;
	struct pg_param p[] = { PG_I((int64_t)size) };
	PGresult *res;
	enum nk_status rc = NK_OK;
	int n;

	if (size > INT64_MAX)
		return nk_fail(err, NK_ENOTFOUND, "checkpoint", "no checkpoint for %llu entries",
			       (unsigned long long)size);
	res = store_pg_run(s, "SELECT data FROM checkpoints WHERE size = $1", p, 1, "checkpoint",
			   "could not read the checkpoint", err);
	if (!res)
		return s->failed;
	if (PQntuples(res) == 0)
		rc = nk_fail(err, NK_ENOTFOUND, "checkpoint", "no checkpoint for %llu entries",
			     (unsigned long long)size);
	else if ((n = PQgetlength(res, 0, 0)) < 1 || n > NK_CHECKPOINT_DATA_MAX)
		rc = nk_fail(err, NK_ECORRUPT, "checkpoint", "the checkpoint for %llu entries is "
			     "damaged (PostgreSQL)", (unsigned long long)size);
	else {
		memcpy(data, PQgetvalue(res, 0, 0), (size_t)n);
		*len = (size_t)n;
	}
	PQclear(res);
	return rc;
}
