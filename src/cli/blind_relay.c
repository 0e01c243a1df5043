/* The client's side of a blind case's relay (blind_relay.h). A frame is one kind byte
 * and its payload, sent as the raw body of a POST (?round=R&seq=K, signed in the headers
 * over the body) and read back as the raw body of a GET's answer, the relay's numbers in
 * its headers (nakodo/blind_relay.h): nothing is encoded, parsed or decoded on the way. */
#include "blind_relay.h"
#include "blind_submit.h"

#include <nakodo/time.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

/* NULL in the command; a test executable sets it before main (tests/support/
 * test_hooks.c) to alter frames on their way, as a hostile relay would. */
int (*cli_blind_alter)(uint8_t *frame, size_t *len, uint32_t seq);
void (*cli_blind_before_outcome)(void);

int relay_post(struct relay_run *x, char kind, const uint8_t *payload, size_t len)
{
	char path[sizeof(x->path) + 48];
	struct remote_bytes io = { .data = NULL };
	uint8_t answer[4096];	/* the relay's small JSON answer, or its problem */
	int rc, again = 0;

	/* the frame is built in x->frame, which is free now: what was read is used */
	x->frame[0] = (uint8_t)kind;
	memmove(x->frame + 1, payload, len);
	len++;
	if (cli_blind_alter)
		again = cli_blind_alter(x->frame, &len, x->sent + 1);
	io.body = x->frame;
	io.body_len = len;
	io.data = answer;
	io.cap = sizeof(answer);
	do {
		snprintf(path, sizeof(path), "%s?round=%d&seq=%u", x->path, x->b->round, ++x->sent);
		rc = remote_call_bytes(x->ctx, &x->r, "POST", path, &io);
		x->bytes_out += len;
	} while (rc == CLI_OK && again-- > 0);
	return rc;
}

void cli_pause_ms(int ms)
{
	struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&t, NULL);
}

/* How long a read of the relay asks the server to wait for a message: a second at
 * first (then the client says that it waits), then up to the server's bound, within
 * this run's wait. */
static long long read_wait_ms(const struct relay_run *x)
{
	int64_t left = x->until_ms - nk_time_now_ms(), most = x->told_waiting ? 20000 : 1000;

	return left < 0 ? 0 : left < most ? left : most;
}

/* The server holds each read until a message comes (?wait=); a server that answers at
 * once instead is read again after a pause that grows to 64 ms. */
int relay_next(struct relay_run *x, char *kind, size_t *len)
{
	char query[sizeof(x->path) + 80];
	struct nk_error err = { 0 };
	int delay = 1, rc;

	x->until_ms = nk_time_now_ms() + x->wait_ms;	/* computing before it never counts */
	for (;;) {
		struct remote_bytes io = { .data = x->frame, .cap = x->frame_cap };
		struct nk_relay_answer a;
		long long wait_ms = read_wait_ms(x);
		int64_t asked = nk_time_now_ms();

		if (x->epoch >= 0)
			snprintf(query, sizeof(query), "%s?after=%lld.%u&wait=%lld", x->path,
				 (long long)x->epoch, x->acked, wait_ms);
		else
			snprintf(query, sizeof(query), "%s?after=%u&wait=%lld", x->path, x->acked,
				 wait_ms);
		if ((rc = remote_call_bytes(x->ctx, &x->r, "GET", query, &io)) != CLI_OK)
			return rc;
		if (nk_relay_answer_read(io.http, io.round[0] ? io.round : NULL,
					 io.epoch[0] ? io.epoch : NULL, io.seq[0] ? io.seq : NULL,
					 io.len, x->frame_cap, &a, &err) != NK_OK)
			return cli_report(x->ctx, &err);
		if (x->epoch >= 0 && a.epoch != x->epoch && x->greeting) {
			x->epoch = -1;	/* it started over before we met: read it from its start */
			x->acked = 0;
			continue;
		}
		if (x->epoch >= 0 && a.epoch != x->epoch) {
			nk_fail(&err, NK_EREFUSED, "round", "the %s's client started the round over: "
				"nothing is recorded; run submit again", nk_role_name(!x->role));
			return cli_report(x->ctx, &err);
		}
		if (a.seq) {
			x->epoch = a.epoch;
			x->acked = a.seq;
			*kind = (char)x->frame[0];
			*len = io.len - 1;
			x->bytes_in += io.len;
			return CLI_OK;
		}
		if (nk_time_now_ms() > x->until_ms) {
			/* the same command may work later: exit 3, as the README's table has it */
			nk_fail(&err, NK_ESTORE, "wait", "the %s's client did not answer in time: "
				"the round stays open; run submit again (--wait SECONDS)",
				nk_role_name(!x->role));
			return cli_report(x->ctx, &err);
		}
		if (!x->told_waiting && (delay >= 64 || nk_time_now_ms() - asked >= wait_ms / 2)) {
			fprintf(x->ctx->err, "waiting for the %s's client (nakodo submit on its side; "
				"up to %lld s)...\n", nk_role_name(!x->role), (long long)x->wait_ms / 1000);
			x->told_waiting = true;
		}
		if (nk_time_now_ms() - asked >= wait_ms / 2)
			continue;	/* it waited: read again at once */
		cli_pause_ms(delay);
		delay = delay < 64 ? delay * 2 : 64;
	}
}

bool relay_await_round(struct relay_run *x)
{
	char query[sizeof(x->path) + 96];
	struct remote_bytes io = { .data = x->frame, .cap = x->frame_cap, .quiet = true };
	int64_t left = x->until_ms - nk_time_now_ms(), asked = nk_time_now_ms();
	long long wait_ms = left < 0 ? 0 : left < 20000 ? left : 20000;
	int rc;

	if (x->epoch >= 0)
		snprintf(query, sizeof(query), "%s?after=%lld.%u&round=%d&wait=%lld", x->path,
			 (long long)x->epoch, x->acked, x->b->round, wait_ms);
	else
		snprintf(query, sizeof(query), "%s?after=%u&round=%d&wait=%lld", x->path, x->acked,
			 x->b->round, wait_ms);
	rc = remote_call_bytes(x->ctx, &x->r, "GET", query, &io);
	/* 409: the case is no longer open, its last round concluded */
	return (rc == CLI_OK && io.http == 204) || (rc == CLI_REFUSED && io.http == 409) ||
	       nk_time_now_ms() - asked >= wait_ms / 2;
}

int relay_expect(struct relay_run *x, char want, size_t *len)
{
	struct nk_error err = { 0 };
	char kind = 0;
	int rc = relay_next(x, &kind, len);

	if (rc != CLI_OK)
		return rc;
	if (kind == want)
		return CLI_OK;
	if (kind == 'H')
		nk_fail(&err, NK_EREFUSED, "round", "the %s's client started the round over: "
			"nothing is recorded; run submit again", nk_role_name(!x->role));
	else
		nk_fail(&err, NK_ECRYPTO, "message", "a relayed message out of order: replayed, "
			"reordered or lost on the way; nothing is recorded, run submit again");
	return cli_report(x->ctx, &err);
}
