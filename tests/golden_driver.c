/* The shared half of the golden runners (see golden_driver.h). */
#define _GNU_SOURCE	/* open_memstream, scandir */
#include "golden_driver.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int only_cases(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return n > 5 && !strcmp(e->d_name + n - 5, ".case");
}

/* The whole file in memory (NULL when it cannot be read); the caller frees it. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r"), *m;
	char *buf = NULL;
	int c;

	*len = 0;
	if (!f)
		return NULL;
	if ((m = open_memstream(&buf, len))) {
		while ((c = fgetc(f)) != EOF)
			fputc(c, m);
		fclose(m);
	}
	fclose(f);
	return buf;
}

int golden_main(const char *dir, golden_run_fn *run, const char *forbidden)
{
	const char *env = getenv("NAKODO_GOLDEN_UPDATE");
	bool update = env && !strcmp(env, "1");
	struct dirent **names;
	int n = scandir(dir, &names, only_cases, by_name), failed = 0;

	if (n <= 0) {
		printf("1..0 # no golden cases in %s\nnot ok 1 - golden cases present\n", dir);
		return 1;
	}
	printf("1..%d\n", n);
	for (int i = 0; i < n; i++) {
		char path[4096], want_path[4096], *got = NULL, *want = NULL;
		size_t got_len = 0, want_len = 0;
		bool ran = false;
		FILE *in, *out, *wf;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		snprintf(want_path, sizeof(want_path), "%.*s.expected", (int)(strlen(path) - 5), path);
		in = fopen(path, "r");
		out = open_memstream(&got, &got_len);
		ran = in && out && run(in, dir, out) == 0;
		if (in)
			fclose(in);
		if (out)
			fclose(out);
		if (update && got && (wf = fopen(want_path, "w"))) {
			fwrite(got, 1, got_len, wf);
			fclose(wf);
		}
		want = slurp(want_path, &want_len);
		if (ran && got && want && want_len == got_len && !memcmp(want, got, got_len) &&
		    !(forbidden && strstr(got, forbidden))) {
			printf("ok %d - %s\n", i + 1, names[i]->d_name);
		} else {
			failed++;
			printf("not ok %d - %s %s; got:\n", i + 1, names[i]->d_name,
			       ran ? "differs from its .expected" : "could not be run");
			for (char *save = NULL, *l = got ? strtok_r(got, "\n", &save) : NULL; l;
			     l = strtok_r(NULL, "\n", &save))
				printf("# %s\n", l);
		}
		free(got);
		free(want);
		free(names[i]);
	}
	free(names);
	return failed ? 1 : 0;
}
