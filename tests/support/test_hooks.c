/* The hooks of the test executable nakodo-test (tests/meson.build): the same command as
 * nakodo, built from its objects, with two things a test must drive and the shipped
 * command must never read from its environment. It is never installed.
 *
 * - The wall clock, read from the file NAKODO_TEST_CLOCK names (ms since the epoch as
 *   text), re-read on every call, so that a test moves a running server's clock without
 *   sleeping (tests/cli/deadlines.sh, tests/web/deadlines.test.mjs).
 * - A blind case's frames altered on their way, as a hostile relay would
 *   (tests/cli/blind_round.sh): NAKODO_TEST_BLIND_ALTER=tamper:N flips a byte of this
 *   side's frame N, truncate:N cuts its last byte, replay:N sends it twice.
 * - A blind case's frames as the relay receives them: NAKODO_TEST_BLIND_FRAMES=PATH
 *   appends a line "KIND SIZE" per frame this side posts (tests/cli/blind_random.sh).
 * - A blind round's outcome given late: NAKODO_TEST_BLIND_OUTCOME_DELAY=MS waits that long
 *   before this side gives it, so that the other gives first (tests/cli/blind_wait.sh).
 * - A server's read of a blind round's end paused: NAKODO_TEST_RELAY_READ_PAUSE=MS holds
 *   it that long between its check of the case and its look at the relay, so that the
 *   round can end in between (tests/cli/blind_relay_end.sh). */
#include <nakodo/time.h>
#include "cli/blind_submit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static void log_frame(const uint8_t *frame, size_t len)
{
	const char *path = getenv("NAKODO_TEST_BLIND_FRAMES");
	FILE *f = path ? fopen(path, "a") : NULL;

	if (!f)
		return;
	fprintf(f, "%c %zu\n", len ? (char)frame[0] : '-', len);
	fclose(f);
}

static int alter(uint8_t *frame, size_t *len, uint32_t seq)
{
	const char *t = getenv("NAKODO_TEST_BLIND_ALTER");
	const char *colon = t ? strchr(t, ':') : NULL;

	log_frame(frame, *len);

	if (!colon || (uint32_t)strtoul(colon + 1, NULL, 10) != seq || *len < 2)
		return 0;
	if (strncmp(t, "tamper", 6) == 0)
		frame[*len / 2] ^= 0x01;
	else if (strncmp(t, "truncate", 8) == 0)
		(*len)--;
	return strncmp(t, "replay", 6) == 0;
}

static void outcome_delay(void)
{
	const char *ms = getenv("NAKODO_TEST_BLIND_OUTCOME_DELAY");
	long v = ms ? strtol(ms, NULL, 10) : 0;

	if (v > 0 && v < 60000)
		nanosleep(&(struct timespec){ v / 1000, (v % 1000) * 1000000L }, NULL);
}

/* src/server/relay.c's hook (NULL in the command) */
extern void (*relay_test_read_pause)(void);

static void relay_read_pause(void)
{
	const char *ms = getenv("NAKODO_TEST_RELAY_READ_PAUSE");
	long v = ms ? strtol(ms, NULL, 10) : 0;

	if (v > 0 && v < 60000)
		nanosleep(&(struct timespec){ v / 1000, (v % 1000) * 1000000L }, NULL);
}

__attribute__((constructor)) static void install_hooks(void)
{
	relay_test_read_pause = relay_read_pause;
	nk_time_set_source(file_clock);
	cli_blind_alter = alter;
	cli_blind_before_outcome = outcome_delay;
}
