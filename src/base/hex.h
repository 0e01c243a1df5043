/* Strict lowercase hex: the one encoder and decoder of keys, hashes, signatures and
 * random ids. */
#ifndef NAKODO_BASE_HEX_H
#define NAKODO_BASE_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Lowercase hex of n bytes into out[2n + 1], NUL-terminated. */
void nk_hex_encode(const uint8_t *in, size_t n, char *out);
/* Exactly 2n lowercase hex digits in text[0..2n) into out[n]; false otherwise (out may
 * then be partly written: decode into a scratch buffer). Runs in time independent of
 * the digits' values, so that keys and tokens decode without a timing signal. */
bool nk_hex_decode(const char *text, size_t n, uint8_t *out);

#endif
