/* SQLite's own page cache (pcache1), with one page number kept out of it. When B-tree
 * balancing swaps two new pages' numbers it parks one of them at a number no page ever
 * has, the page after the lock byte's, PENDING_BYTE / page size + 1 (262,145 with 4 KiB
 * pages); pcache1 then takes that number as the cache's highest, and the truncation at
 * the end of every transaction that follows (sqlite3PcacheTruncate to the database's
 * size) walks the whole hash table and every page in it, not just the few numbers past
 * the end: 15% of the group writer's COMMIT with its 8 MiB cache, at every batch
 * (bench/README.md). This cache gives pcache1 that number as 0, which no page has either
 * (pages count from 1) and which is never past any end; every other call goes through
 * as it came. Installed once for the process, before SQLite starts
 * (store_sqlite_pcache_install); a process where SQLite started before keeps pcache1 as
 * it is. */
#include "store/sqlite.h"

#include <stdlib.h>

/* The lock byte's offset (SQLite's PENDING_BYTE, which only its test builds move). */
#define SQ_PENDING_BYTE 0x40000000u

struct parked_cache {
	sqlite3_pcache *inner;		/* pcache1's */
	unsigned parked;		/* the number balancing parks pages at */
};

static sqlite3_pcache_methods2 pcache1;	/* set once, before SQLite starts */

static unsigned key_of(const struct parked_cache *c, unsigned key)
{
	return key == c->parked ? 0 : key;
}

static int pc_init(void *arg)
{
	(void)arg;
	return pcache1.xInit(pcache1.pArg);
}

static void pc_shutdown(void *arg)
{
	(void)arg;
	pcache1.xShutdown(pcache1.pArg);
}

static sqlite3_pcache *pc_create(int page_size, int extra, int purgeable)
{
	struct parked_cache *c = malloc(sizeof(*c));

	if (!c)
		return NULL;
	c->parked = page_size > 0 ? SQ_PENDING_BYTE / (unsigned)page_size + 1 : 0;
	c->inner = pcache1.xCreate(page_size, extra, purgeable);
	if (!c->inner) {
		free(c);
		return NULL;
	}
	return (sqlite3_pcache *)c;
}

static void pc_cachesize(sqlite3_pcache *p, int n)
{
	pcache1.xCachesize(((struct parked_cache *)p)->inner, n);
}

static int pc_pagecount(sqlite3_pcache *p)
{
	return pcache1.xPagecount(((struct parked_cache *)p)->inner);
}

static sqlite3_pcache_page *pc_fetch(sqlite3_pcache *p, unsigned key, int create)
{
	struct parked_cache *c = (struct parked_cache *)p;

	return pcache1.xFetch(c->inner, key_of(c, key), create);
}

static void pc_unpin(sqlite3_pcache *p, sqlite3_pcache_page *page, int discard)
{
	pcache1.xUnpin(((struct parked_cache *)p)->inner, page, discard);
}

static void pc_rekey(sqlite3_pcache *p, sqlite3_pcache_page *page, unsigned old_key,
		     unsigned new_key)
{
	struct parked_cache *c = (struct parked_cache *)p;

	pcache1.xRekey(c->inner, page, key_of(c, old_key), key_of(c, new_key));
}

/* A parked page is never in the cache across a truncation (balancing moves it on at
 * once); were it, 0 would keep it but for the truncation to 0 that empties the cache. */
static void pc_truncate(sqlite3_pcache *p, unsigned limit)
{
	pcache1.xTruncate(((struct parked_cache *)p)->inner, limit);
}

static void pc_destroy(sqlite3_pcache *p)
{
	struct parked_cache *c = (struct parked_cache *)p;

	pcache1.xDestroy(c->inner);
	free(c);
}

static void pc_shrink(sqlite3_pcache *p)
{
	pcache1.xShrink(((struct parked_cache *)p)->inner);
}

void store_sqlite_pcache_install(void)
{
	static const sqlite3_pcache_methods2 parked = {
		.iVersion = 1,
		.xInit = pc_init,
		.xShutdown = pc_shutdown,
		.xCreate = pc_create,
		.xCachesize = pc_cachesize,
		.xPagecount = pc_pagecount,
		.xFetch = pc_fetch,
		.xUnpin = pc_unpin,
		.xRekey = pc_rekey,
		.xTruncate = pc_truncate,
		.xDestroy = pc_destroy,
		.xShrink = pc_shrink,
	};

	sqlite3_pcache_methods2 now = { 0 };

	/* once: a second call would find this cache and wrap it in itself */
	if (sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &now) != SQLITE_OK || !now.xCreate ||
	    now.xCreate == pc_create)
		return;
	pcache1 = now;
	(void)sqlite3_config(SQLITE_CONFIG_PCACHE2, &parked);
}
