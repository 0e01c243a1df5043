/* bench_token_read [DIR [ROUNDS]]: the CPU of a worker's token lookup when another
 * connection commits between lookups, as the group's shared writer does at every batch
 * (the reader's page cache is dropped each time), with the database file read by pread
 * (mmap_size 0, as nakodo does) and by mapping (PRAGMA mmap_size, tried and not kept:
 * bench/README.md, branch read13). The tokens table is nakodo's (schema version 2);
 * 6,000 tokens (2,000 cases of three), 6 lookups a commit (about one worker's share of
 * a batch of 25 on 4 workers). Reports the lookups' own thread CPU (user and system) in
 * ns, three alternated runs a mode. BENCH_NO_COMMIT=1: no commit between lookups (the
 * reader's cache kept: the cost of a warm lookup); BENCH_CACHE=N: the reader's
 * cache_size. */
#include <sqlite3.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TOKENS 6000
#define PER_COMMIT 6
static int ROUNDS = 20000;	/* or argv[2] */

static uint8_t hashes[TOKENS][32];

static void must(int rc, sqlite3 *db, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fprintf(stderr, "bench_token_read: %s: %s\n", what, sqlite3_errmsg(db));
		exit(1);
	}
}

static double now_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double run(const char *path, int64_t mmap_bytes)
{
	sqlite3 *w = NULL, *r = NULL;
	sqlite3_stmt *find = NULL, *ins = NULL;
	char pragma[64];
	double cpu = 0;
	unsigned seed = 7;

	must(sqlite3_open(path, &w), w, "open");
	must(sqlite3_open(path, &r), r, "open");
	must(sqlite3_exec(w, "PRAGMA synchronous = OFF", NULL, NULL, NULL), w, "sync");
	snprintf(pragma, sizeof(pragma), "PRAGMA mmap_size = %lld", (long long)mmap_bytes);
	must(sqlite3_exec(r, pragma, NULL, NULL, NULL), r, "mmap");
	if (getenv("BENCH_CACHE")) {
		snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = %d", atoi(getenv("BENCH_CACHE")));
		must(sqlite3_exec(r, pragma, NULL, NULL, NULL), r, "cache_size");
	}
	must(sqlite3_prepare_v2(r, "SELECT hash, case_id, role FROM tokens WHERE hash = ?1",
				-1, &find, NULL), r, "prepare");
	must(sqlite3_prepare_v2(w, "INSERT INTO filler(b) VALUES (randomblob(3000))", -1, &ins,
				NULL), w, "prepare");
	for (int round = 0; round < ROUNDS; round++) {
		double t0;

		if (!getenv("BENCH_NO_COMMIT"))	/* the cache kept: what a lookup costs warm */
			must(sqlite3_step(ins), w, "insert");
		sqlite3_reset(ins);
		t0 = now_cpu_ns();
		for (int i = 0; i < PER_COMMIT; i++) {
			sqlite3_bind_blob(find, 1, hashes[rand_r(&seed) % TOKENS], 32, SQLITE_STATIC);
			if (sqlite3_step(find) != SQLITE_ROW)
				must(SQLITE_ERROR, r, "a token is missing");
			sqlite3_reset(find);
		}
		cpu += now_cpu_ns() - t0;
	}
	sqlite3_finalize(find);
	sqlite3_finalize(ins);
	sqlite3_close(r);
	sqlite3_close(w);
	return cpu / ((double)ROUNDS * PER_COMMIT);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : getenv("TMPDIR");

	if (argc > 2)
		ROUNDS = atoi(argv[2]);
	char path[512];
	sqlite3 *db = NULL;
	sqlite3_stmt *put = NULL;
	unsigned seed = 1;

	snprintf(path, sizeof(path), "%s/bench_token_read-%d.db", dir && *dir ? dir : "/tmp",
		 (int)getpid());
	must(sqlite3_open(path, &db), db, "create");
	must(sqlite3_exec(db, "PRAGMA journal_mode = WAL;"
			  "CREATE TABLE tokens (hash BLOB PRIMARY KEY NOT NULL, case_id TEXT NOT NULL,"
			  " role TEXT NOT NULL) WITHOUT ROWID;"
			  "CREATE INDEX tokens_by_case ON tokens(case_id, role);"
			  "CREATE TABLE filler (b BLOB);", NULL, NULL, NULL), db, "schema");
	must(sqlite3_prepare_v2(db, "INSERT INTO tokens VALUES (?1, printf('case-%08d', ?2), ?3)",
				-1, &put, NULL), db, "prepare");
	must(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), db, "begin");
	for (int i = 0; i < TOKENS; i++) {
		for (int j = 0; j < 32; j++)
			hashes[i][j] = (uint8_t)rand_r(&seed);
		sqlite3_bind_blob(put, 1, hashes[i], 32, SQLITE_STATIC);
		sqlite3_bind_int(put, 2, i / 3);
		sqlite3_bind_text(put, 3, i % 3 == 0 ? "operator" : i % 3 == 1 ? "claimant" : "payer",
				  -1, SQLITE_STATIC);
		must(sqlite3_step(put), db, "put");
		sqlite3_reset(put);
	}
	sqlite3_finalize(put);
	must(sqlite3_exec(db, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL), db,
	     "commit");
	sqlite3_close(db);
	printf("ns of thread CPU a token lookup after another connection's commit "
	       "(%d lookups a commit):\n", PER_COMMIT);
	for (int i = 0; i < 3; i++) {
		printf("  pread  %.0f\n", run(path, 0));
		printf("  mapped %.0f\n", run(path, 1 << 30));
	}
	for (int i = 0; i < 3; i++) {
		char file[540];

		snprintf(file, sizeof(file), "%s%s", path, (const char *[]){ "", "-wal", "-shm" }[i]);
		unlink(file);
	}
	return 0;
}
