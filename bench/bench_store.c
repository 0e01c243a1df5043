/* Durable event appends per second in the sqlite store, one event per transaction and
 * a hundred per transaction, with their ratio and the machine they ran on. Usage:
 * bench_store [DIR] (default $TMPDIR or /tmp; DIR should be on the disk to measure). */
#include <nakodo/store.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#define PHASE_SECONDS 3.0
#define BATCH 100

static const char event_body[] =
	"{\"round\":2,\"role\":\"payer\",\"accepted\":true,\"note\":\"a figure was submitted; "
	"the go-between holds it sealed until both figures of the round are in\"}";

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *fs_name(const char *dir)
{
	static const struct { long magic; const char *name; } known[] = {
		{ 0xEF53, "ext2/3/4" }, { 0x01021994, "tmpfs (fsync costs nothing here)" },
		{ 0x58465342, "xfs" }, { 0x9123683E, "btrfs" }, { 0x794c7630, "overlayfs" },
		{ 0x2FC12FC1, "zfs" },
	};
	struct statfs fs;

	if (statfs(dir, &fs) != 0)
		return "unknown";
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if ((long)fs.f_type == known[i].magic)
			return known[i].name;
	return "other";
}

static void print_machine(const char *dir)
{
	struct utsname u;
	char line[256], model[128] = "unknown CPU";
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "model name", 10) == 0 && strchr(line, ':')) {
			snprintf(model, sizeof(model), "%s", strchr(line, ':') + 2);
			model[strcspn(model, "\n")] = '\0';
			break;
		}
	if (f)
		fclose(f);
	if (uname(&u) == 0)
		printf("machine: %s %s %s, %ld CPUs (%s)\n", u.sysname, u.release, u.machine,
		       sysconf(_SC_NPROCESSORS_ONLN), model);
	printf("directory: %s on %s\n", dir, fs_name(dir));
}

/* Appends batch events per transaction for about PHASE_SECONDS; sets *events and
 * *rate (events per second). */
static enum nk_status run_phase(struct nk_store *store, int batch, long *events, double *rate,
				struct nk_error *err)
{
	struct nk_event ev = { .actor = "payer", .type = "round.figure", .body = (char *)event_body };
	double start = now_s(), elapsed = 0;
	enum nk_status rc = NK_OK;
	long n = 0;

	while (rc == NK_OK && elapsed < PHASE_SECONDS) {
		rc = nk_store_begin(store, err);
		for (int i = 0; rc == NK_OK && i < batch; i++) {
			ev.time_ms = (int64_t)(now_s() * 1000);
			rc = nk_store_append(store, "bench", &ev, err);
		}
		if (rc == NK_OK)
			rc = nk_store_commit(store, err);
		if (rc != NK_OK)
			nk_store_rollback(store);
		else
			n += batch;
		elapsed = now_s() - start;
	}
	*events = n;
	*rate = (double)n / elapsed;
	return rc;
}

int main(int argc, char **argv)
{
	const char *base = argc > 1 ? argv[1] : getenv("TMPDIR");
	static const char *const files[] = { "", "-wal", "-shm", ".key" };
	char dir[512], db[600], url[640], path[640];
	struct nk_store *store = NULL;
	struct nk_error err = {0};
	double single = 0, batched = 0;
	long single_n = 0, batched_n = 0;
	int status = 1;

	snprintf(dir, sizeof(dir), "%s/nakodo-bench-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(dir)) {
		perror(dir);
		return 1;
	}
	snprintf(db, sizeof(db), "%s/bench.db", dir);
	snprintf(url, sizeof(url), "sqlite:%s", db);
	print_machine(dir);
	if (nk_store_open(&store, url, NK_STORE_CREATE, &err) != NK_OK ||
	    nk_store_begin(store, &err) != NK_OK ||
	    nk_store_case_create(store, "bench", &err) != NK_OK ||
	    nk_store_commit(store, &err) != NK_OK ||
	    run_phase(store, 1, &single_n, &single, &err) != NK_OK ||
	    run_phase(store, BATCH, &batched_n, &batched, &err) != NK_OK) {
		fprintf(stderr, "bench_store: %s\n", err.text);
		goto out;
	}
	printf("single:  %8ld appends, %9.0f appends/s (one per transaction, synchronous=FULL)\n",
	       single_n, single);
	printf("batched: %8ld appends, %9.0f appends/s (%d per transaction)\n", batched_n, batched,
	       BATCH);
	printf("ratio batched/single: %.1f\n", batched / single);
	status = 0;
out:
	nk_store_close(store);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", db, files[i]);
		unlink(path);
	}
	rmdir(dir);
	return status;
}
