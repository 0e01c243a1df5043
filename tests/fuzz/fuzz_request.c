/* libFuzzer harness for the server's request decoder: any bytes as a request body,
 * against the field table of each kind of route. Whatever is accepted must be an
 * object holding only known members of the declared types, and encode again. */
#include <nakodo/case_json.h>
#include "server/server_impl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct field_spec amount[] = { { "amount", FIELD_INT, true }, { NULL, FIELD_INT, false } };
static const struct field_spec answer[] = { { "accept", FIELD_BOOL, true }, { NULL, FIELD_INT, false } };
static const struct field_spec open_case[] = { { "rules", FIELD_OBJECT, true }, { NULL, FIELD_INT, false } };
static const struct field_spec none[] = { { NULL, FIELD_INT, false } };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct field_spec *const specs[] = { amount, answer, open_case, none };
	struct nk_error err;

	if (size > 64 * 1024)
		return 0;
	for (size_t s = 0; s < sizeof(specs) / sizeof(specs[0]); s++) {
		json_t *obj = NULL;
		char *text;

		if (request_decode((const char *)data, size, 16, specs[s], &obj, &err) != NK_OK) {
			if (!err.field[0] || !err.text[0])
				abort();	/* every refusal names a field and a reason */
			continue;
		}
		if (!json_is_object(obj) || json_object_size(obj) > 1)
			abort();
		if (specs[s] == amount && !json_is_integer(json_object_get(obj, "amount")))
			abort();
		if (specs[s] == answer && !json_is_boolean(json_object_get(obj, "accept")))
			abort();
		if (specs[s] == open_case) {
			struct nk_rules rules;

			(void)!nk_rules_from_json(json_object_get(obj, "rules"), &rules, NULL);
		}
		text = json_dumps(obj, JSON_COMPACT);
		if (!text)
			abort();
		free(text);
		json_decref(obj);
	}
	return 0;
}
