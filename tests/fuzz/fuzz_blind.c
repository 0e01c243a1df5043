/* libFuzzer harness for every message the blind protocol reads: a genuine set-up and
 * round between two in-process parties, one message of which the input replaces or
 * alters on its way. byte 0 picks the message (set-up point, set-up answer, transfer,
 * garbled circuit, output labels, draws), byte 1 the rule, byte 2 the way: 0 replaces the
 * message with the rest of the input, 1 XORs the rest into it at the offset in bytes 3-4,
 * 2 truncates it by bytes 3-4. The receiving side must refuse whatever is not the genuine
 * message with a reason, and never read or write out of bounds. */
#include <nakodo/blind.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void mutate(const uint8_t *data, size_t size, uint8_t *msg, size_t *len, size_t cap)
{
	const size_t at = size >= 5 ? (size_t)data[3] | (size_t)data[4] << 8 : 0;

	switch (data[2] % 3) {
	case 0:
		*len = size - 3 < cap ? size - 3 : cap;
		memcpy(msg, data + 3, *len);
		break;
	case 1:
		for (size_t i = 5; i < size; i++)
			msg[(at + i - 5) % *len] ^= data[i];
		break;
	default:
		*len = at % (*len + 1);
		break;
	}
}

static bool changed(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen != blen || memcmp(a, b, alen) != 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t sid[NK_BLIND_SESSION_BYTES] = "fuzz-blind-session";
	struct nk_blind_party *side[2] = { NULL, NULL };	/* claimant, payer */
	struct nk_blind_input in[2] = { { .figure = 60000 }, { .figure = 70000 } };
	struct nk_rules r;
	uint8_t *buf[2] = { NULL, NULL }, *orig = NULL;
	size_t cap, len = 0, orig_len = 0;
	int who = 1, index = 0, target;
	bool begun = false;
	const uint8_t *msg = NULL;

	if (size < 3)
		return 0;
	target = data[0] % 8;
	nk_rules_default(&r, nk_currency_find("USD"));
	r.range_low = 0;
	r.range_high = 100000;
	r.settle = (enum nk_settle)(data[1] % 3);
	r.band_bp = r.settle == NK_SETTLE_BAND ? 500 : 0;
	r.hint_count = 1;
	r.hint_bp[0] = 2000;
	if (data[1] & 4)	/* a failed round, with hints */
		in[1].figure = 30000;
	in[0].allowed[0] = in[1].allowed[0] = true;
	if (nk_blind_new(&r, NK_CLAIMANT, sid, &side[0], NULL) != NK_OK ||
	    nk_blind_new(&r, NK_PAYER, sid, &side[1], NULL) != NK_OK)
		abort();
	cap = nk_blind_message_max(side[0]);
	buf[0] = malloc(cap);
	buf[1] = malloc(cap);
	orig = malloc(cap);
	if (!buf[0] || !buf[1] || !orig)
		abort();
	for (;;) {
		struct nk_error err = { 0 };
		size_t msg_len = len;
		enum nk_status rc = nk_blind_step(side[who], msg, msg_len, buf[who], cap, &len, &err);

		if (index - 1 == target && msg && changed(msg, msg_len, orig, orig_len)) {
			/* the altered message reached its reader: refused, with a reason */
			if (rc == NK_OK || !err.text[0] || len != 0)
				abort();
			break;
		}
		if (rc != NK_OK)
			abort();	/* a genuine message refused */
		if (len == 0) {
			if (begun)
				break;
			begun = true;
			if (nk_blind_begin(side[0], 1, &in[0], NULL) != NK_OK ||
			    nk_blind_begin(side[1], 1, &in[1], NULL) != NK_OK)
				abort();
			who = 1;
			msg = NULL;
			continue;
		}
		memcpy(orig, buf[who], len);
		orig_len = len;
		if (index == target)
			mutate(data, size, buf[who], &len, cap);
		index++;
		msg = buf[who];
		who = 1 - who;
	}
	nk_blind_free(side[0]);
	nk_blind_free(side[1]);
	free(buf[0]);
	free(buf[1]);
	free(orig);
	return 0;
}
