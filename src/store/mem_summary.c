/* The "mem:" backend's case summaries: one beside each case, settled by commit and
 * rollback with its events (mem.c); a page is read newest first, as sqlite's. */
#include "store/mem.h"

#include <string.h>

enum nk_status mem_summary_put(void *state, const struct nk_case_summary *s,
			       struct nk_error *err)
{
	struct mem_case *c = mem_find_case(state, s->case_id);

	if (!c)
		return mem_no_case(s->case_id, err);
	c->sum = *s;
	c->sum.created_ms = c->created_ms;
	c->sum.kept = true;
	return NK_OK;
}

enum nk_status mem_summary_page(void *state, const char *after, size_t limit,
				struct nk_case_summary *out, size_t *count, struct nk_error *err)
{
	struct mem_store *m = state;
	size_t from = m->ncases, n = 0;	/* cases[from - 1] is the first of the page */

	if (*after) {
		struct mem_case *c = mem_find_case(m, after);

		if (!c)
			return nk_fail(err, NK_ENOTFOUND, "after", "there is no case %s", after);
		from = (size_t)(c - m->cases);
	}
	for (size_t i = from; i > 0 && n < limit; i--, n++) {
		const struct mem_case *c = &m->cases[i - 1];

		if (c->sum.kept) {
			out[n] = c->sum;
		} else {
			memset(&out[n], 0, sizeof(out[n]));
			memcpy(out[n].case_id, c->id, sizeof(out[n].case_id));
		}
		out[n].created_ms = c->created_ms;
	}
	*count = n;
	return NK_OK;
}
