/* The group writer's SQLite, made cheaper in the writers' turn (bench/README.md, branch
 * sql13): its temporary files, the savepoints' sub-journal above all, held in the shim's
 * memory files and never on the disk (store/sqlite_vfs.c); SQLite's page cache with
 * B-tree balancing's parking number given to pcache1 as 0 (store/sqlite_pcache.c); and
 * what the foreign keys refused, refused by the writer itself (store/sqlite.c). Files
 * opened are counted through SQLite's hook for its system calls (xSetSystemCall). */
#include "store_fixture.h"
#include "store/sqlite.h"
#include "store/sqlite_vfs.h"

#include <malloc.h>
#include <stdatomic.h>

typedef int (*open_fn)(const char *, int, ...);

static open_fn real_open;
static atomic_int opened;

static int counted_open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = (mode_t)va_arg(ap, int);
	va_end(ap);
	atomic_fetch_add(&opened, 1);
	return real_open(path, flags, mode);
}

static void hook_opens(bool on)
{
	sqlite3_vfs *unix_vfs = sqlite3_vfs_find("unix");

	assert_non_null(unix_vfs);
	if (on) {
		real_open = (open_fn)unix_vfs->xGetSystemCall(unix_vfs, "open");
		assert_non_null(real_open);
		assert_int_equal(unix_vfs->xSetSystemCall(unix_vfs, "open",
							  (sqlite3_syscall_ptr)counted_open),
				 SQLITE_OK);
	} else {
		(void)unix_vfs->xSetSystemCall(unix_vfs, "open", NULL);
	}
	atomic_store(&opened, 0);
}

/* A file without a name through the shim is a file in memory: no descriptor is opened,
 * what lies past its end reads as zeros (a short read), a write past its end leaves zeros
 * in the gap, a truncation shortens it and a longer one extends it with zeros. */
static void a_nameless_file_is_memory(void **state)
{
	sqlite3_vfs *vfs;
	sqlite3_file *f;
	unsigned char page[4096], back[4096 + 8];
	sqlite3_int64 size = -1;
	int out = 0;

	(void)state;
	assert_int_equal(store_sqlite_vfs_register(), SQLITE_OK);
	assert_non_null(vfs = sqlite3_vfs_find(STORE_SQLITE_VFS));
	assert_non_null(f = calloc(1, (size_t)vfs->szOsFile));
	memset(page, 0xa5, sizeof(page));
	hook_opens(true);
	assert_int_equal(vfs->xOpen(vfs, NULL, f, SQLITE_OPEN_SUBJOURNAL | SQLITE_OPEN_READWRITE |
				    SQLITE_OPEN_CREATE | SQLITE_OPEN_DELETEONCLOSE, &out), SQLITE_OK);
	assert_non_null(f->pMethods);
	assert_int_equal(f->pMethods->xWrite(f, page, 4096, 8), SQLITE_OK);
	assert_int_equal(f->pMethods->xFileSize(f, &size), SQLITE_OK);
	assert_int_equal(size, 4104);
	assert_int_equal(f->pMethods->xRead(f, back, 8, 0), SQLITE_OK);	/* the gap */
	for (int i = 0; i < 8; i++)
		assert_int_equal(back[i], 0);
	assert_int_equal(f->pMethods->xRead(f, back, (int)sizeof(back), 4),
			 SQLITE_IOERR_SHORT_READ);
	assert_memory_equal(back + 4, page, 4096 - 4 + 8 - 4);
	for (size_t i = 4100; i < sizeof(back); i++)
		assert_int_equal(back[i], 0);
	assert_int_equal(f->pMethods->xTruncate(f, 16), SQLITE_OK);
	assert_int_equal(f->pMethods->xTruncate(f, 64), SQLITE_OK);
	assert_int_equal(f->pMethods->xRead(f, back, 64, 0), SQLITE_OK);
	assert_memory_equal(back + 8, page, 8);
	for (int i = 16; i < 64; i++)
		assert_int_equal(back[i], 0);	/* not what was written there before */
	/* many pages, as a long savepoint's sub-journal */
	for (int i = 0; i < 300; i++)
		assert_int_equal(f->pMethods->xWrite(f, page, 4096, (sqlite3_int64)i * 4100),
				 SQLITE_OK);
	assert_int_equal(f->pMethods->xRead(f, back, 4096, 299 * 4100), SQLITE_OK);
	assert_memory_equal(back, page, 4096);
	assert_int_equal(f->pMethods->xClose(f), SQLITE_OK);
	assert_int_equal(atomic_load(&opened), 0);
	hook_opens(false);
	free(f);
}

/* A nameless file's block, wiped when the file is closed, is what the next one writes
 * into (bench/README.md, branch alloc14): the group's writer opens its sub-journal again
 * in every batch, and a new block each time was a large malloc and free a batch. Seen by
 * the bytes malloc has handed out: none more while the second file fills what the first
 * filled (without the kept block, 64 kB more). */
static void a_closed_file_leaves_its_block_to_the_next(void **state)
{
	sqlite3_vfs *vfs;
	sqlite3_file *f;
	unsigned char page[4096], back[4096];
	const int flags = SQLITE_OPEN_SUBJOURNAL | SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			  SQLITE_OPEN_DELETEONCLOSE;
	size_t before = 0;
	int out = 0;

	(void)state;
	assert_int_equal(store_sqlite_vfs_register(), SQLITE_OK);
	assert_non_null(vfs = sqlite3_vfs_find(STORE_SQLITE_VFS));
	assert_non_null(f = calloc(1, (size_t)vfs->szOsFile));
	for (int file = 0; file < 3; file++) {
		memset(page, 0xa0 + file, sizeof(page));
		if (file == 2)
			before = mallinfo2().uordblks;
		assert_int_equal(vfs->xOpen(vfs, NULL, f, flags, &out), SQLITE_OK);
		for (int i = 0; i < 10; i++)	/* 40 kB: past the first 32 kB block */
			assert_int_equal(f->pMethods->xWrite(f, page, 4096, (sqlite3_int64)i * 4096),
					 SQLITE_OK);
		if (file == 2)
			assert_in_range(mallinfo2().uordblks - before, 0, 1024);
		for (int i = 0; i < 10; i++) {
			assert_int_equal(f->pMethods->xRead(f, back, 4096, (sqlite3_int64)i * 4096),
					 SQLITE_OK);
			assert_memory_equal(back, page, 4096);
		}
		assert_int_equal(f->pMethods->xRead(f, back, 8, 40960), SQLITE_IOERR_SHORT_READ);
		assert_int_equal(f->pMethods->xClose(f), SQLITE_OK);
	}
	free(f);
}

/* The page cache SQLite was given (store/sqlite_pcache.c), read before SQLite starts. */
static sqlite3_pcache_methods2 given;

/* pcache1 is given balancing's parking number (PENDING_BYTE / page size + 1) as 0: a page
 * fetched at that number is the page at 0, and moved on from it, is at its new number
 * only. pcache1 alone keeps nothing at 0. */
static void the_parking_number_is_zero_to_pcache1(void **state)
{
	const unsigned parked = 0x40000000u / 4096 + 1;
	const sqlite3_pcache_methods2 *m = &given;
	sqlite3_pcache *p;
	sqlite3_pcache_page *pg;

	(void)state;
	assert_non_null(m->xCreate);
	assert_int_equal(sqlite3_initialize(), SQLITE_OK);	/* pcache1 made ready */
	assert_non_null(p = m->xCreate(4096, 64, 1));
	m->xCachesize(p, 100);
	assert_non_null(pg = m->xFetch(p, parked, 2));
	assert_ptr_equal(m->xFetch(p, 0, 0), pg);
	m->xRekey(p, pg, parked, 7);
	assert_ptr_equal(m->xFetch(p, 7, 0), pg);
	assert_null(m->xFetch(p, 0, 0));
	assert_null(m->xFetch(p, parked, 0));
	m->xUnpin(p, pg, 0);
	m->xTruncate(p, 7);
	assert_null(m->xFetch(p, 7, 0));
	m->xDestroy(p);
}

/* A group's writer through many transactions that balance B-trees (random case ids,
 * events of 700 bytes), a third of them undone (each a savepoint of the batch, rolled
 * back from the sub-journal in memory), one of them larger than 64 KiB of pages: no file
 * is opened for any of it, and afterwards the database is whole and holds exactly the
 * events committed. */
static void a_writer_balances_and_undoes_in_memory(void **state)
{
	struct fixture *fx = *state;
	struct nk_store_group *group = NULL;
	struct nk_store *w = NULL;
	char ids[40][NK_CASE_ID_MAX], body[701];
	size_t kept[40] = { 0 };
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	uint32_t r = 12345;

	memset(body, 'b', 700);
	body[700] = '\0';
	assert_int_equal(nk_store_group_new(&group, fx->url, NULL), NK_OK);
	assert_int_equal(nk_store_open_grouped(&w, fx->url, NK_STORE_DEFER_DURABLE, group, NULL),
			 NK_OK);
	for (int i = 0; i < 40; i++) {
		snprintf(ids[i], sizeof(ids[i]), "%08x%02d", (unsigned)(i * 2654435761u), i);
		create_case(w, ids[i]);
	}
	hook_opens(true);
	for (int t = 0; t < 600; t++) {
		int n = t == 300 ? 40 : 1;	/* one transaction of 40 events: ~28 KiB of rows */
		bool undo = t % 3 == 0;

		begin(w);
		for (int k = 0; k < n; k++) {
			int c = (int)((r = r * 1103515245u + 12345u) >> 16) % 40;

			assert_true(append(w, ids[c], "payer", "figure", body) > 0);
			if (!undo)
				kept[c]++;
		}
		if (undo)
			nk_store_rollback(w);
		else
			commit(w);
	}
	assert_int_equal(nk_store_wait_durable(w, NULL), NK_OK);
	assert_int_equal(atomic_load(&opened), 0);
	hook_opens(false);
	nk_store_close(w);
	nk_store_group_free(group);
	for (int i = 0; i < 40; i++)
		assert_int_equal(count_events(fx->store, ids[i]), kept[i]);
	assert_int_equal(sqlite3_open_v2(fx->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static const struct store_test sqlite_only[] = {
	{ "a_writer_balances_and_undoes_in_memory", a_writer_balances_and_undoes_in_memory },
};

static const struct CMUnitTest plain[] = {
	cmocka_unit_test(a_nameless_file_is_memory),
	cmocka_unit_test(a_closed_file_leaves_its_block_to_the_next),
	cmocka_unit_test(the_parking_number_is_zero_to_pcache1),
};

int main(void)
{
	/* as the store's first open does; a second install (that open's) changes nothing */
	store_sqlite_pcache_install();
	if (sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &given) != SQLITE_OK)
		return 1;
	return store_tests_run("store_writer_tune", NULL, 0, sqlite_only, COUNT(sqlite_only),
			       plain, COUNT(plain));
}
