/* Case summaries for the operator's list (nk_store_summary_*): the checks, then the
 * backend. The case layer writes a summary in the transaction that changes what it
 * says, and the list reads a page of them by one index range, however many cases
 * there are. */
#include "store/store_impl.h"

#include <string.h>

/* A word of a summary: not empty, NUL-terminated in its room, letters, digits, '-'. */
static enum nk_status check_word(const char *w, const char *field, struct nk_error *err)
{
	size_t len = strnlen(w, NK_SUMMARY_WORD_MAX);

	if (len == 0 || len >= NK_SUMMARY_WORD_MAX)
		return nk_fail(err, NK_EINVAL, field, "from 1 to %d characters",
			       NK_SUMMARY_WORD_MAX - 1);
	for (size_t i = 0; i < len; i++) {
		char c = w[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-'))
			return nk_fail(err, NK_EINVAL, field, "letters, digits and '-' only");
	}
	return NK_OK;
}

enum nk_status nk_store_summary_put(struct nk_store *store, const struct nk_case_summary *s,
				    struct nk_error *err)
{
	enum nk_status rc;

	if (!store || !s)
		return nk_fail(err, NK_EINVAL, "summary", "no store or no summary");
	rc = store_check_write(store, "keeping a case's summary", s->case_id, err);
	if (rc == NK_OK)
		rc = check_word(s->kind, "summary.kind", err);
	if (rc == NK_OK)
		rc = check_word(s->state, "summary.state", err);
	if (rc == NK_OK)
		rc = check_word(s->currency, "summary.currency", err);
	if (rc == NK_OK && (s->round < 0 || s->rounds < 0 || s->round > s->rounds))
		rc = nk_fail(err, NK_EINVAL, "summary.round", "a round from 0 to the rounds");
	if (rc == NK_OK && s->changed_ms < 0)
		rc = nk_fail(err, NK_EINVAL, "summary.changed_ms", "a time, 0 or more");
	if (rc == NK_OK)
		rc = store->ops->summary_put(store->backend, s, err);
	return rc;
}

enum nk_status nk_store_summary_page(struct nk_store *store, const char *after, size_t limit,
				     struct nk_case_summary *out, size_t *count,
				     struct nk_error *err)
{
	enum nk_status rc;

	if (!store || !after || !out || !count)
		return nk_fail(err, NK_EINVAL, "store", "no store, cursor or room for the page");
	if (limit < 1 || limit > NK_SUMMARY_PAGE_MAX)
		return nk_fail(err, NK_EINVAL, "limit", "from 1 to %d cases", NK_SUMMARY_PAGE_MAX);
	if (*after && (rc = store_check_case_id(after, err)) != NK_OK)
		return rc;
	*count = 0;
	store_see_own(store);
	return store->ops->summary_page(store->backend, after, limit, out, count, err);
}
