/* The "mem:" backend's side of the record: each case's last link, the server's list of
 * ended cases' statements and its checkpoints, cut back to what was committed on
 * rollback (mem.c). */
#include "store/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum nk_status mem_last_link(void *state, const char *case_id, int64_t *seq,
			     bool *linked, uint8_t chain[static NK_CHAIN_BYTES],
			     struct nk_error *err)
{
	const struct mem_case *c = mem_find_case(state, case_id);

	if (!c)
		return mem_no_case(case_id, err);
	*seq = (int64_t)c->count;
	*linked = c->count > 0 && c->events[c->count - 1].linked;
	if (*linked)
		memcpy(chain, c->events[c->count - 1].chain, NK_CHAIN_BYTES);
	return NK_OK;
}

/* A mem: store is never older than links: no case has unlinked events to accept. */
enum nk_status mem_legacy_events(void *state, const char *case_id, int64_t *count,
				 struct nk_error *err)
{
	(void)state;
	(void)case_id;
	(void)err;
	*count = 0;
	return NK_OK;
}

enum nk_status mem_record_append(void *state, const char *case_id, const uint8_t *data,
					size_t len, const uint8_t sig[static NK_RECORD_SIG_BYTES],
					uint64_t *index, struct nk_error *err)
{
	struct mem_store *m = state;
	struct mem_entry *e;

	if (!mem_find_case(m, case_id))
		return mem_no_case(case_id, err);
	for (size_t i = 0; i < m->nentries; i++)
		if (strcmp(m->entries[i].case_id, case_id) == 0)
			return nk_fail(err, NK_EINVAL, "record", "case %s is in the record already",
				       case_id);
	if (!mem_grow((void **)&m->entries, &m->entries_cap, m->nentries, sizeof(*e), 8))
		return nk_fail(err, NK_ENOMEM, "record", "no memory for another entry");
	e = &m->entries[m->nentries];
	snprintf(e->case_id, sizeof(e->case_id), "%s", case_id);
	memcpy(e->data, data, len);
	e->len = len;
	memcpy(e->sig, sig, NK_RECORD_SIG_BYTES);
	*index = m->nentries++;
	return NK_OK;
}

enum nk_status mem_record_find(void *state, const char *case_id, uint64_t *index,
				      uint8_t data[static NK_RECORD_ENTRY_MAX], size_t *len,
				      uint8_t sig[static NK_RECORD_SIG_BYTES], struct nk_error *err)
{
	const struct mem_store *m = state;

	for (size_t i = 0; i < m->nentries; i++) {
		const struct mem_entry *e = &m->entries[i];

		if (strcmp(e->case_id, case_id) == 0) {
			*index = i;
			memcpy(data, e->data, e->len);
			*len = e->len;
			memcpy(sig, e->sig, NK_RECORD_SIG_BYTES);
			return NK_OK;
		}
	}
	return nk_fail(err, NK_ENOTFOUND, "record", "case %s is not in the record", case_id);
}

enum nk_status mem_record_size(void *state, uint64_t *size, struct nk_error *err)
{
	*size = ((const struct mem_store *)state)->nentries;
	return NK_OK;
}

enum nk_status mem_record_each(void *state, uint64_t start,
				      bool (*fn)(uint64_t index, const uint8_t *data, size_t len,
						 void *arg),
				      void *arg, struct nk_error *err)
{
	const struct mem_store *m = state;

	for (uint64_t i = start; i < m->nentries; i++)
		if (!fn(i, m->entries[i].data, m->entries[i].len, arg))
			break;
	return NK_OK;
}

enum nk_status mem_checkpoint_put(void *state, uint64_t size, const uint8_t *data,
					 size_t len, struct nk_error *err)
{
	struct mem_store *m = state;
	struct mem_checkpoint *cp;

	for (size_t i = 0; i < m->ncheckpoints; i++)
		if (m->checkpoints[i].size == size)
			return nk_fail(err, NK_EINVAL, "checkpoint", "there is a checkpoint for %llu "
				       "entries already", (unsigned long long)size);
	if (!mem_grow((void **)&m->checkpoints, &m->checkpoints_cap, m->ncheckpoints,
		      sizeof(*cp), 8))
		return nk_fail(err, NK_ENOMEM, "checkpoint", "no memory for another checkpoint");
	cp = &m->checkpoints[m->ncheckpoints++];
	cp->size = size;
	memcpy(cp->data, data, len);
	cp->len = len;
	return NK_OK;
}

enum nk_status mem_checkpoint_get(void *state, uint64_t size,
					 uint8_t data[static NK_CHECKPOINT_DATA_MAX], size_t *len,
					 struct nk_error *err)
{
	const struct mem_store *m = state;

	for (size_t i = 0; i < m->ncheckpoints; i++)
		if (m->checkpoints[i].size == size) {
			memcpy(data, m->checkpoints[i].data, m->checkpoints[i].len);
			*len = m->checkpoints[i].len;
			return NK_OK;
		}
	return nk_fail(err, NK_ENOTFOUND, "checkpoint", "no checkpoint for %llu entries",
		       (unsigned long long)size);
}
