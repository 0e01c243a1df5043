/* The wall clock of the test executable nakodo-clocked (tests/meson.build): the same
 * command as nakodo, whose clock is read from the file NAKODO_TEST_CLOCK names (ms since
 * the epoch as text), re-read on every call, so that a test moves a running server's
 * clock without sleeping. It is never installed: the shipped command reads no clock of
 * the environment's. */
#include <nakodo/time.h>

#include <stdio.h>
#include <stdlib.h>

static int64_t file_clock(void)
{
	const char *path = getenv("NAKODO_TEST_CLOCK");
	FILE *f = path ? fopen(path, "r") : NULL;
	long long ms = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%lld", &ms) != 1)
		ms = 0;
	fclose(f);
	return ms;
}

__attribute__((constructor)) static void use_file_clock(void)
{
	nk_time_set_source(file_clock);
}
