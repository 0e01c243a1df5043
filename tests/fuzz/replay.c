/* Runs a libFuzzer harness over its seed corpus without libFuzzer, so that every build
 * (gcc included) checks the corpus: replay DIR... prints TAP, one line per file. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	int n = 0;

	for (int a = 1; a < argc; a++) {
		DIR *d = opendir(argv[a]);
		struct dirent *e;

		if (!d) {
			printf("not ok %d - cannot open %s\n", ++n, argv[a]);
			continue;
		}
		while ((e = readdir(d))) {
			char path[4096];
			uint8_t buf[1 << 16];
			size_t len;
			FILE *f;

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[a], e->d_name);
			if (!(f = fopen(path, "rb")))
				continue;
			len = fread(buf, 1, sizeof(buf), f);
			fclose(f);
			LLVMFuzzerTestOneInput(buf, len);	/* aborts on a failed property */
			printf("ok %d - %s\n", ++n, e->d_name);
		}
		closedir(d);
	}
	printf("1..%d\n", n);
	return n ? 0 : 1;
}
