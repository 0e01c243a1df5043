/* libFuzzer harness for the amount parser: any bytes, in every currency; a parsed
 * amount must format back to text that parses to the same amount. */
#include <nakodo/money.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const codes[] = { "USD", "JPY", "KWD" };
	char text[64];
	int64_t v, back;

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		const struct nk_currency *cur = nk_currency_find(codes[i]);
		struct nk_error err;

		if (nk_money_parse(cur, text, NULL, &v, &err) == NK_OK) {
			char out[NK_MONEY_TEXT_MAX];

			if (v < 0 || v > NK_AMOUNT_MAX)
				abort();
			nk_money_format(cur, v, 1, out);
			if (nk_money_parse(cur, out, NULL, &back, NULL) != NK_OK || back != v)
				abort();
		} else if (err.text[0] == '\0') {
			abort();	/* a refusal always says why */
		}
	}
	return 0;
}
