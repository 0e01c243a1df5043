/* Strict lowercase hex (hex.h). */
#include "base/hex.h"

void nk_hex_encode(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/* The value of a lowercase hex digit, or -1; branch-free over the digit so that keys
 * decode in time independent of their bits. */
static int hex_value(unsigned char c)
{
	int digit = (int)c - '0';
	int letter = (int)c - 'a' + 10;
	int is_digit = ((unsigned)digit <= 9) ? -1 : 0;
	int is_letter = ((unsigned)((int)c - 'a') <= 5) ? -1 : 0;

	return (digit & is_digit) | (letter & is_letter) | ~(is_digit | is_letter);
}

bool nk_hex_decode(const char *text, size_t n, uint8_t *out)
{
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (!text[2 * i] || !text[2 * i + 1])
			return false;
		hi = hex_value((unsigned char)text[2 * i]);
		lo = hex_value((unsigned char)text[2 * i + 1]);
		bad |= (hi | lo) < 0;
		out[i] = (uint8_t)((hi << 4 | lo) & 0xff);
	}
	return !bad;
}
