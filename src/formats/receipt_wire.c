/* A receipt as the server sends it (nakodo/receipt_wire.h): the file, then spaces for
 * the digits its settlement lacks. The file itself is signed byte for byte and kept as
 * it is; the spaces are the wire's, and nk_receipt_parse takes them after the last line. */
#include <nakodo/receipt_wire.h>
#include <nakodo/alloc.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The digits of the largest settlement, INT64_MAX's. */
#define SETTLEMENT_DIGITS 19

enum nk_status nk_receipt_text_wire(const struct nk_receipt *r, char **out, size_t *len,
				    struct nk_error *err)
{
	char *text = NULL, *grown;
	size_t n = 0, pad = 0;
	enum nk_status rc = nk_receipt_format(r, &text, &n, err);

	if (rc != NK_OK)
		return rc;
	if (r->statement.has_settlement) {
		int64_t v = r->statement.settlement;
		size_t digits = v < 0 ? 2 : 1;	/* a minus sign counts as a digit */

		for (uint64_t u = v < 0 ? 0ull - (uint64_t)v : (uint64_t)v; u >= 10; u /= 10)
			digits++;
		pad = digits < SETTLEMENT_DIGITS ? SETTLEMENT_DIGITS - digits : 0;
	}
	if (!(grown = nk_alloc_realloc(text, n + pad + 1))) {
		free(text);
		return nk_fail(err, NK_ENOMEM, "receipt", "no memory for the receipt");
	}
	memset(grown + n, ' ', pad);
	grown[n + pad] = '\0';
	*out = grown;
	*len = n + pad;
	return NK_OK;
}
