/* The deadlines' keeper looks for cases that other servers opened on the same database
 * (PostgreSQL): the keeper watches the cases it found at start and those its own server
 * opens, so without a look of its own a case opened elsewhere would lapse here only when
 * a request touched it. Every DEADLINES_RESCAN_MS it reads the summaries' list, newest
 * first (one index range a page, no log read), and hands deadlines_watch each case it
 * has not seen before; the first tick drops those without deadlines, as at start. It
 * remembers only the ids its last look walked, and stops at the page that meets one of
 * them: a case whose insert committed late lies among the newest, near them, so the
 * walk still meets it. */
#include "server/server_impl.h"

#include <stdlib.h>
#include <string.h>

#define RESCAN_PAGES_MAX 5000	/* pages of one look: a million cases (KEEPER_WATCH_MAX) */

static int by_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

static bool seen_before(const struct nk_server *srv, const char *id)
{
	return srv->dl_known_count &&
	       bsearch(id, srv->dl_known, srv->dl_known_count, NK_CASE_ID_MAX, by_id) != NULL;
}

/* Keeps id among those walked this look, in walked[*n] (grown as needed). */
static bool keep(char (**walked)[NK_CASE_ID_MAX], size_t *n, size_t *cap, const char *id)
{
	if (*n == *cap) {
		size_t more = *cap ? 2 * *cap : NK_SUMMARY_PAGE_MAX;
		char (*grown)[NK_CASE_ID_MAX] = realloc(*walked, more * NK_CASE_ID_MAX);

		if (!grown)
			return false;
		*walked = grown;
		*cap = more;
	}
	memcpy((*walked)[(*n)++], id, NK_CASE_ID_MAX);
	return true;
}

enum nk_status deadlines_rescan(struct nk_server *srv, bool watch, struct nk_error *err)
{
	struct nk_case_summary *page = calloc(NK_SUMMARY_PAGE_MAX, sizeof(*page));
	char (*walked)[NK_CASE_ID_MAX] = NULL, after[NK_CASE_ID_MAX] = "";
	size_t n = 0, cap = 0, count = 0;
	enum nk_status rc = NK_OK;

	if (!page)
		return nk_fail(err, NK_ENOMEM, "server", "out of memory");
	for (int p = 0; p < RESCAN_PAGES_MAX; p++) {
		size_t fresh = 0;

		if ((rc = nk_store_begin_read(srv->dl_store, err)) != NK_OK)
			break;
		rc = nk_store_summary_page(srv->dl_store, after, NK_SUMMARY_PAGE_MAX, page, &count,
					   err);
		nk_store_rollback(srv->dl_store);
		if (rc != NK_OK)
			break;
		for (size_t i = 0; i < count; i++) {
			const char *id = page[i].case_id;

			if (!seen_before(srv, id)) {
				fresh++;
				if (watch)	/* unless watched already (this server opened it) */
					deadlines_watch(srv, id);
			}
			if (!keep(&walked, &n, &cap, id)) {
				rc = nk_fail(err, NK_ENOMEM, "server", "out of memory");
				goto out;
			}
		}
		/* Past the page that meets the last look's ids every case is older than those
		 * it walked; the first look (watch false) only learns the newest page. */
		if (count < NK_SUMMARY_PAGE_MAX || fresh < count || !watch)
			break;
		memcpy(after, page[count - 1].case_id, sizeof(after));
	}
out:
	if (rc == NK_OK) {
		if (n)
			qsort(walked, n, NK_CASE_ID_MAX, by_id);
		free(srv->dl_known);
		srv->dl_known = walked;
		srv->dl_known_count = n;
		walked = NULL;
	}
	free(walked);
	free(page);
	return rc;
}
