/* A receipt as the server sends it (formats/receipt_wire.c). */
#ifndef NAKODO_FORMATS_RECEIPT_WIRE_H
#define NAKODO_FORMATS_RECEIPT_WIRE_H

#include <nakodo/ledger.h>

#include <stddef.h>

/* The receipt file nk_receipt_format writes, followed by the spaces that bring its
 * settlement (in minor units) to the 19 digits of the largest: the answer's length, which
 * TLS shows, then tells nothing of the amount (doc/api.md, "Fixed widths"); nk_receipt_parse
 * takes the spaces. A new string (free()) in *out, its length in *len. */
NK_MUST_USE enum nk_status nk_receipt_text_wire(const struct nk_receipt *r, char **out,
						size_t *len, struct nk_error *err);

#endif
