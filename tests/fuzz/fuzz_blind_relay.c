/* libFuzzer harness for what a blind case's client reads of the relay's answer besides
 * the frame itself, and the server of a message's query (nakodo/blind_relay.h): the HTTP
 * status and the numbers in the headers or the query. The input is four lines (status,
 * Nakodo-Round, Nakodo-Epoch, Nakodo-Seq; "-" for a header absent), then the body.
 * Whatever it is, the answer is taken only as the relay gives it, else refused with a
 * reason; a number is taken exactly when it is digits of a value within its bound. */
#include <nakodo/bargain.h>
#include <nakodo/blind_relay.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CAP 4096

/* The next line of data (at most 63 bytes kept), or NULL for "-". */
static const char *line(const uint8_t **data, size_t *size, char out[64])
{
	size_t n = 0;

	while (n < *size && (*data)[n] != '\n')
		n++;
	memcpy(out, *data, n < 63 ? n : 63);
	out[n < 63 ? n : 63] = '\0';
	for (size_t i = 0; i < (n < 63 ? n : 63); i++)
		if (!out[i])
			out[i] = ' ';	/* a header holds no NUL */
	*data += n < *size ? n + 1 : n;
	*size -= n < *size ? n + 1 : n;
	return strcmp(out, "-") == 0 ? NULL : out;
}

/* nk_relay_number against a plain reading of the same digits. */
static void number_check(const char *text, uint64_t max)
{
	uint64_t v = 0, want = 0;
	bool digits = text && *text && strlen(text) <= 19;

	for (const char *c = text; digits && *c; c++) {
		digits = *c >= '0' && *c <= '9';
		want = want * 10 + (uint64_t)(*c - '0');
	}
	if (nk_relay_number(text, max, &v) != (digits && want <= max) ||
	    (digits && want <= max && v != want))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char f[4][64];
	const char *field[4];
	struct nk_relay_answer a;
	struct nk_error err = { 0 };
	long http;

	for (int i = 0; i < 4; i++)
		field[i] = line(&data, &size, f[i]);
	for (int i = 0; i < 4; i++) {
		number_check(field[i], NK_RELAY_SEQ_MAX);
		number_check(field[i], UINT32_MAX);
		number_check(field[i], UINT64_MAX);
	}
	http = field[0] ? strtol(field[0], NULL, 10) : 0;
	if (nk_relay_answer_read(http, field[1], field[2], field[3], size, CAP, &a, &err) != NK_OK) {
		if (err.code != NK_ECRYPTO || strcmp(err.field, "message") != 0 || !err.text[0])
			abort();
		return 0;
	}
	if (a.round < 1 || a.round > NK_ROUNDS_MAX || (http != 200 && http != 204) ||
	    (http == 204 && (a.seq != 0 || size != 0 || field[3])) ||
	    (http == 200 && (a.seq < 1 || a.seq > NK_RELAY_SEQ_MAX || size < 1 || size > CAP)))
		abort();
	return 0;
}
