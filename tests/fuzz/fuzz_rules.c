/* libFuzzer harness for the case-rules parsers: a JSON rules object (as stored in a
 * case's opening event), or three lines of command-line text (settle, hints, range).
 * Whatever is accepted must pass nk_rules_check and survive a JSON round trip. */
#include <nakodo/bargain.h>
#include <nakodo/case_json.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const struct nk_rules *r)
{
	struct nk_rules back;
	json_t *obj = nk_rules_to_json(r);

	if (nk_rules_check(r, NULL) != NK_OK || !obj ||
	    nk_rules_from_json(obj, &back, NULL) != NK_OK ||
	    back.settle != r->settle || back.grid != r->grid || back.hint_count != r->hint_count ||
	    back.range_low != r->range_low || back.range_high != r->range_high)
		abort();
	json_decref(obj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nk_rules r;
	char text[512], *lines[3] = { NULL, NULL, NULL }, *save = NULL;
	struct nk_error err;

	if (size > 0 && data[0] == '{') {
		if (nk_rules_from_text((const char *)data, size, &r, NULL) == NK_OK)
			round_trip(&r);
		return 0;
	}
	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	lines[0] = strtok_r(text, "\n", &save);
	lines[1] = lines[0] ? strtok_r(NULL, "\n", &save) : NULL;
	lines[2] = lines[1] ? strtok_r(NULL, "\n", &save) : NULL;
	nk_rules_default(&r, nk_currency_find("USD"));
	if (lines[2] && nk_rules_parse_range(&r, lines[2], &err) != NK_OK && !err.text[0])
		abort();
	if (lines[0] && nk_rules_parse_settle(&r, lines[0], &err) != NK_OK && !err.text[0])
		abort();
	if (lines[1] && nk_rules_parse_hints(&r, lines[1], &err) != NK_OK && !err.text[0])
		abort();
	if (nk_rules_check(&r, NULL) == NK_OK)
		round_trip(&r);
	return 0;
}
