/* libFuzzer harness for the receipt reader: any bytes. What parses must format back to
 * exactly the same bytes (so no byte of a receipt is insignificant), and verifying it
 * against the corpus's server key must fill a report whose verdict agrees with its
 * checks. */
#include <nakodo/ledger.h>

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the key of the corpus's server: Ed25519 from a seed of 32 bytes 0x11 */
	static const char server_hex[] =
		"d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737";
	struct nk_receipt *r = calloc(1, sizeof(*r));
	struct nk_receipt_report rep;
	struct nk_error err = { 0 };
	uint8_t server[NK_PUBLIC_KEY_BYTES];
	char *text = NULL;
	size_t len = 0;
	bool fails = false;

	if (!r || sodium_init() < 0 || nk_key_from_hex(server_hex, server, NULL) != NK_OK)
		abort();
	if (nk_receipt_parse((const char *)data, size, r, &err) != NK_OK) {
		if (err.text[0] == '\0')
			abort();	/* a refusal says why */
		goto out;
	}
	if (nk_receipt_format(r, &text, &len, NULL) != NK_OK || len != size ||
	    memcmp(text, data, size) != 0)
		abort();	/* parse accepts only what format writes */
	if ((nk_receipt_verify(r, server, &rep, NULL) == NK_OK) != rep.valid)
		abort();
	for (int c = 0; c < NK_CHECK_COUNT; c++)
		fails |= rep.result[c] == NK_CHECK_FAILS;
	if (fails == rep.valid)
		abort();
out:
	free(text);
	free(r);
	return 0;
}
