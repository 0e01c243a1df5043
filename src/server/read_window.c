/* The window of a case role's signed reads (server_impl.h, struct read_mark): a read's
 * time is taken once, in any order within READ_WINDOW_MS below the highest taken, as an
 * IPsec or DTLS receiver takes sequence numbers (RFC 4303 3.4.3, RFC 6347 4.1.2.6). Bit i
 * of the map stands for the time last_ms - i; moving the highest up by k shifts the map
 * by k, the times that fall off its end becoming too old to take. */
#include "server/server_impl.h"

#include <string.h>

#define WORDS (READ_WINDOW_MS / 64)

static bool bit(const struct read_mark *m, int64_t i)
{
	return (m->seen[i / 64] >> (i % 64)) & 1;
}

/* Moves every bit k places up (to older times); bits past the window drop. */
static void shift(struct read_mark *m, int64_t k)
{
	const int64_t words = k / 64, bits = k % 64;

	if (k >= READ_WINDOW_MS) {
		memset(m->seen, 0, sizeof(m->seen));
		return;
	}
	for (int64_t w = WORDS - 1; w >= 0; w--) {
		uint64_t v = w - words >= 0 ? m->seen[w - words] << bits : 0;

		if (bits && w - words - 1 >= 0)
			v |= m->seen[w - words - 1] >> (64 - bits);
		m->seen[w] = v;
	}
}

enum read_verdict read_window_take(struct read_mark *m, int64_t n)
{
	int64_t back;

	if (n > m->last_ms) {
		shift(m, n - m->last_ms);
		m->last_ms = n;
		m->seen[0] |= 1;
		return READ_TAKEN;
	}
	back = m->last_ms - n;
	if (back >= READ_WINDOW_MS)
		return READ_TOO_OLD;
	if (bit(m, back))
		return READ_REPLAYED;
	m->seen[back / 64] |= (uint64_t)1 << (back % 64);
	return READ_TAKEN;
}
