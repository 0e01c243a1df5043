/* Reals in their shortest exact form (nk_json_dumps_short, json_build.h). jansson prints
 * every real at one precision: 17 digits show binary noise (0.1 as 0.10000000000000001)
 * and 15 lose bits of some doubles. The text is written at 17, which always reads back,
 * and each real outside a string is then written again at the fewest digits that read
 * back as the same double. The server's answers and the command's output share this, so
 * a figure reads the same through either. */
#include <nakodo/json_build.h>
#include <nakodo/alloc.h>
#include <nakodo/buffers.h>

#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copies text to out, each real outside a string in its shortest form. */
static bool shorten(const char *text, struct nk_buf *out)
{
	const char *p = text, *from = text;
	bool in_string = false;

	while (*p) {
		if (in_string) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				in_string = false;
			p++;
		} else if (*p == '"') {
			in_string = true;
			p++;
		} else if (*p == '-' || (*p >= '0' && *p <= '9')) {
			size_t len = strspn(p, "-+0123456789.eE"), n = 0;
			char num[40], fresh[NK_JSON_REAL_MAX];

			/* an integer stays as it is: only a real has a point or an exponent */
			if (len < sizeof(num)) {
				memcpy(num, p, len);
				num[len] = '\0';
				if (strpbrk(num, ".eE"))
					n = nk_json_real_text(strtod(num, NULL), fresh);
			}
			if (n && (!nk_buf_append(out, from, (size_t)(p - from)) ||
				  !nk_buf_append(out, fresh, n)))
				return false;
			p += len;
			if (n)
				from = p;
			sodium_memzero(num, sizeof(num));	/* a party's own valuation, maybe */
			sodium_memzero(fresh, sizeof(fresh));
		} else {
			p++;
		}
	}
	return nk_buf_append(out, from, (size_t)(p - from));
}

char *nk_json_dumps_short(const json_t *json, size_t flags)
{
	struct nk_buf out = { .max = SIZE_MAX / 2 };
	char *text = nk_json_dumps(json, (flags & ~(size_t)JSON_REAL_PRECISION(31)) |
					 JSON_REAL_PRECISION(17));

	if (!text)
		return NULL;
	if (!shorten(text, &out) || !out.data) {
		nk_buf_free(&out);
		out.data = NULL;
	}
	nk_alloc_free(text);	/* it may hold a party's own figure: wiped */
	return out.data;
}
