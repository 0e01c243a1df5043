/* libFuzzer harness for the random rule's draw messages (crypto/blind_draw.c) as a peer
 * would send them: a genuine round that settles at random between two in-process
 * parties, one of whose draw messages the input rewrites and then seals again with the
 * transcript's check, so that it reaches the draw's reader instead of stopping at the
 * check. byte 0 picks the draw message (0-255 of the round's), byte 1 the figures and
 * grid, byte 2 the way: even replaces the message's body with the rest of the input,
 * odd XORs the rest into it. The reader must refuse with a reason, or take it and go on;
 * the round must end within its bound, and a settlement must lie in the range. */
#include <nakodo/blind.h>
#include "crypto/blind_proto.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The body rewritten, then the check made again as its sender would have made it. */
static void rewrite(const uint8_t *data, size_t size, const struct nk_blind_party *reader,
		    uint8_t *msg, size_t len)
{
	uint8_t *body = msg + MSG_HEADER;

	for (size_t i = 3; i < size && i - 3 < DRAW_BODY; i++)
		body[i - 3] = data[2] % 2 ? body[i - 3] ^ data[i] : data[i];
	crypto_generichash(msg + len - MSG_CHECK, MSG_CHECK, msg, len - MSG_CHECK, reader->th,
			   sizeof(reader->th));
}

/* Both sides under r with a buffer each of *cap bytes, the set-up's three messages, then
 * round 1 begun on both. */
static bool begin(const struct nk_rules *r, struct nk_blind_party *side[2],
		  const struct nk_blind_input in[2], uint8_t *buf[2], size_t *cap)
{
	static const uint8_t sid[NK_BLIND_SESSION_BYTES] = "fuzz-blind-draw";
	size_t a = 0, b = 0;

	for (int s = 0; s < 2; s++)
		if (nk_blind_new(r, s ? NK_PAYER : NK_CLAIMANT, sid, &side[s], NULL) != NK_OK)
			return false;
	*cap = nk_blind_message_max(side[0]);
	for (int s = 0; s < 2; s++)
		if (!(buf[s] = malloc(*cap)))
			return false;
	return nk_blind_step(side[1], NULL, 0, buf[1], *cap, &a, NULL) == NK_OK &&
	       nk_blind_step(side[0], buf[1], a, buf[0], *cap, &b, NULL) == NK_OK &&
	       nk_blind_step(side[1], buf[0], b, buf[1], *cap, &a, NULL) == NK_OK && a == 0 &&
	       nk_blind_begin(side[0], 1, &in[0], NULL) == NK_OK &&
	       nk_blind_begin(side[1], 1, &in[1], NULL) == NK_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nk_blind_party *side[2] = { NULL, NULL };	/* claimant, payer */
	struct nk_blind_input in[2] = { { .figure = 60000 }, { .figure = 70000 } };
	struct nk_rules r;
	uint8_t *buf[2] = { NULL, NULL };
	size_t cap = 0, len = 0;
	int who = 1, draws = 0;	/* the payer opens the round */
	bool altered = false;
	const uint8_t *msg = NULL;

	if (size < 3)
		return 0;
	nk_rules_default(&r, nk_currency_find("USD"));
	r.range_low = 0;
	r.range_high = data[1] & 1 ? INT64_C(4000000000000000000) : 100000;
	r.settle = NK_SETTLE_RANDOM;
	r.grid = data[1] & 2 ? 1000 : 1;
	if (data[1] & 4)	/* a zone of one unit */
		in[1].figure = in[0].figure;
	if (!begin(&r, side, in, buf, &cap))
		abort();
	for (int steps = 0;; steps++) {
		struct nk_error err = { 0 };
		enum nk_status rc = nk_blind_step(side[who], msg, len, buf[who], cap, &len, &err);

		if (steps > 8 + NK_BLIND_DRAW_MESSAGES_MAX)
			abort();	/* a round without an end */
		if (rc != NK_OK && (!altered || !err.text[0] || nk_blind_done(side[who])))
			abort();	/* a genuine round refused, or a refusal without a reason */
		if (rc != NK_OK || len == 0)
			break;
		if (buf[who][0] == MSG_DRAW && draws++ == data[0]) {
			rewrite(data, size, side[1 - who], buf[who], len);
			altered = true;
		}
		msg = buf[who];
		who = 1 - who;
	}
	for (int s = 0; s < 2; s++) {
		struct nk_blind_outcome o;

		if (nk_blind_outcome(side[s], &o, NULL) == NK_OK && o.deal != NK_NO_DEAL &&
		    (o.figure < r.range_low || o.figure > r.range_high))
			abort();
	}
	nk_blind_free(side[0]);
	nk_blind_free(side[1]);
	free(buf[0]);
	free(buf[1]);
	return 0;
}
