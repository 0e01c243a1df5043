/* The client's side of a blind case's relay (doc/blind.md, "The client"; doc/api.md,
 * "…/blind/messages"): frames posted as raw bodies and read back as raw answers, in
 * order, through one kept-alive connection, the reads held on the server until the other
 * side's next frame. Internal to the command (blind_submit.c). */
#ifndef NAKODO_CLI_BLIND_RELAY_H
#define NAKODO_CLI_BLIND_RELAY_H

#include "remote.h"

#include <nakodo/case.h>

struct relay_run {
	struct cli_ctx *ctx;
	struct remote r;
	const struct nk_brief *b;
	const char *id;
	enum nk_role role;
	char path[NK_CASE_ID_MAX + 48];
	uint32_t sent, acked;
	uint64_t bytes_out, bytes_in;	/* frames through the relay, as the operator sees them */
	int64_t epoch;		/* the other side's, -1 before its first message */
	bool greeting;		/* before its stream starts: it may still start over */
	int64_t until_ms, wait_ms;	/* --wait bounds each wait for the other side */
	bool told_waiting;
	uint8_t *frame;		/* room for the largest frame: what was read, kind first */
	size_t frame_cap;
};

/* Posts kind and payload (len bytes, len < frame_cap) as this side's next frame. */
int relay_post(struct relay_run *x, char kind, const uint8_t *payload, size_t len);
/* The other side's next frame: its kind, and its payload's length (at x->frame + 1). */
int relay_next(struct relay_run *x, char *kind, size_t *len);
/* The next frame, which must be of kind want; anything else ends the round, with a
 * reason. */
int relay_expect(struct relay_run *x, char want, size_t *len);

/* Waits, within the run's wait, for this round to end (the other side's outcome
 * concludes it) in a read the server holds until then (?round=, doc/api.md). False when
 * it was answered at once without that (a frame of the other side's new run waits, say):
 * the caller pauses before it reads the briefing again. */
bool relay_await_round(struct relay_run *x);

void cli_pause_ms(int ms);

#endif
