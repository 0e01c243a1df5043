/* The relay's wire (nakodo/blind_relay.h): the numbers both ends read. */
#include <nakodo/blind_relay.h>
#include <nakodo/bargain.h>

#include <string.h>

bool nk_relay_number(const char *text, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t n = text ? strlen(text) : 0;

	if (n == 0 || n > 19)	/* 19 digits cannot overflow 64 bits */
		return false;
	for (size_t i = 0; i < n; i++) {
		if (text[i] < '0' || text[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(text[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

enum nk_status nk_relay_answer_read(long http, const char *round, const char *epoch,
				    const char *seq, size_t len, size_t cap,
				    struct nk_relay_answer *out, struct nk_error *err)
{
	uint64_t r = 0, e = 0, s = 0;

	memset(out, 0, sizeof(*out));
	if ((http != 200 && http != 204) || !nk_relay_number(round, NK_ROUNDS_MAX, &r) || r < 1 ||
	    !nk_relay_number(epoch, UINT32_MAX, &e))
		return nk_fail(err, NK_ECRYPTO, "message", "the relay's answer is not one it gives "
			       "(HTTP %ld, or its Nakodo-Round or Nakodo-Epoch header): altered on "
			       "the way; nothing is recorded", http);
	if (http == 204 ? seq || len : !nk_relay_number(seq, NK_RELAY_SEQ_MAX, &s) || s < 1 ||
	    len < 1 || len > cap)
		return nk_fail(err, NK_ECRYPTO, "message", "a relayed message whose number or size "
			       "is not one the relay gives (%zu bytes): altered or cut short on the "
			       "way; nothing is recorded", len);
	out->round = (int)r;
	out->epoch = (uint32_t)e;
	out->seq = (uint32_t)s;
	return NK_OK;
}
