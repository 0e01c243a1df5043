/* The "sqlite:" backend's batches (doc/storage.md, "Batches"): the leaves of a group's
 * shared writer, the batch read back, and its signed row, split from sqlite.c. */
#include "store/sqlite.h"

#include <nakodo/ledger.h>

#include <stdlib.h>
#include <string.h>

/* ---- batches (doc/storage.md, "Batches") ----
 * Only a group's shared writer takes leaves: its transactions are savepoints of one
 * batch, which batch_seal signs through the case layer's signer and stores, in the
 * batch's own transaction, just before the group's committer COMMITs it. */

enum nk_status store_sqlite_batch_leaf(void *state, const uint8_t leaf[static NK_CHAIN_BYTES],
				       nk_store_batch_signer *sign, void *arg, uint64_t *number,
				       uint32_t *index, struct nk_error *err)
{
	struct sq_store *s = state;

	if (!s->batched || s->leaf_count >= NK_BATCH_LEAVES ||
	    (s->leaf_count > 0 && (s->batch_sign != sign || s->batch_arg != arg)))
		return NK_ENOTFOUND;
	if (!s->leaves && !(s->leaves = malloc((size_t)NK_BATCH_LEAVES * NK_CHAIN_BYTES)))
		return nk_fail(err, NK_ENOMEM, "batch", "out of memory");
	if (s->batch_number == 0) {
		sqlite3_stmt *st = s->stmt[SQ_BATCH_NEXT];
		int sql_rc = store_sqlite_run(st, "");

		if (sql_rc == SQLITE_ROW)
			s->batch_number = (uint64_t)sqlite3_column_int64(st, 0);
		store_sqlite_done(st);
		if (sql_rc != SQLITE_ROW)
			return store_sqlite_fail(s, sql_rc, "batch", "could not number the batch", err);
	}
	s->batch_sign = sign;
	s->batch_arg = arg;
	memcpy(s->leaves[s->leaf_count], leaf, NK_CHAIN_BYTES);
	*number = s->batch_number;
	*index = (uint32_t)s->leaf_count++;
	return NK_OK;
}

enum nk_status store_sqlite_batch_get(void *state, uint64_t number,
				      uint8_t (**leaves)[NK_CHAIN_BYTES], size_t *count,
				      uint8_t sig[static NK_COUNTERSIG_BYTES], bool *open,
				      struct nk_error *err)
{
	struct sq_store *s = state;
	sqlite3_stmt *st = s->stmt[SQ_BATCH_GET];
	uint8_t (*copy)[NK_CHAIN_BYTES] = NULL;
	enum nk_status rc = NK_OK;
	size_t n = 0;
	int sql_rc;

	if (s->batched && number == s->batch_number && s->leaf_count > 0) {
		if (!(copy = malloc(s->leaf_count * NK_CHAIN_BYTES)))
			return nk_fail(err, NK_ENOMEM, "batch", "out of memory");
		memcpy(copy, s->leaves, s->leaf_count * NK_CHAIN_BYTES);
		*leaves = copy;
		*count = s->leaf_count;
		*open = true;
		return NK_OK;
	}
	if (number > INT64_MAX)
		return nk_fail(err, NK_ENOTFOUND, "batch", "no batch %llu", (unsigned long long)number);
	sql_rc = store_sqlite_run(st, "i", (int64_t)number);
	if (sql_rc == SQLITE_DONE) {
		rc = nk_fail(err, NK_ENOTFOUND, "batch", "no batch %llu", (unsigned long long)number);
	} else if (sql_rc != SQLITE_ROW) {
		rc = store_sqlite_fail(s, sql_rc, "batch", "could not read a batch", err);
	} else {
		int slen = sqlite3_column_bytes(st, 0), llen = sqlite3_column_bytes(st, 1);

		n = (size_t)llen / NK_CHAIN_BYTES;
		if (slen != NK_COUNTERSIG_BYTES || llen <= 0 || llen % NK_CHAIN_BYTES != 0 ||
		    n > NK_BATCH_LEAVES)
			rc = nk_fail(err, NK_ECORRUPT, "batch", "batch %llu is damaged",
				     (unsigned long long)number);
		else if (!(copy = malloc((size_t)llen)))
			rc = nk_fail(err, NK_ENOMEM, "batch", "out of memory");
		else {
			memcpy(copy, sqlite3_column_blob(st, 1), (size_t)llen);
			memcpy(sig, sqlite3_column_blob(st, 0), NK_COUNTERSIG_BYTES);
		}
	}
	store_sqlite_done(st);
	if (rc == NK_OK) {
		*leaves = copy;
		*count = n;
		*open = false;
	}
	return rc;
}

void store_sqlite_batch_seal(void *state)
{
	struct sq_store *s = state;
	uint8_t sig[NK_COUNTERSIG_BYTES];
	int sql_rc;

	if (s->leaf_count == 0 || sqlite3_get_autocommit(s->db)) {
		s->leaf_count = 0;
		s->batch_number = 0;
		return;
	}
	s->batch_sign(s->batch_arg, s->batch_number, (const uint8_t (*)[NK_CHAIN_BYTES])s->leaves,
		      s->leaf_count, sig);
	sql_rc = store_sqlite_run(s->stmt[SQ_BATCH_PUT], "ibb", (int64_t)s->batch_number, sig,
				  (int)sizeof(sig), s->leaves,
				  (int)(s->leaf_count * NK_CHAIN_BYTES));
	store_sqlite_done(s->stmt[SQ_BATCH_PUT]);
	if (sql_rc != SQLITE_DONE)	/* its links would name no batch: lose it */
		s->batch_lost = true;
	s->leaf_count = 0;
	s->batch_number = 0;
}
