/* libFuzzer harness for what a blind case's client reads from the relay before the
 * protocol does (crypto/blind_channel.c): the other side's hello, its stream header and
 * its sealed messages. Two genuine ends are opened; byte 0 picks what the input replaces
 * (0: the payer's hello, 1: its header, 2: its first sealed message, 3: its second, after
 * the genuine first). Whatever is not genuine must be refused with a reason, and nothing
 * read or written out of bounds. */
#include <nakodo/blind_channel.h>
#include <nakodo/seal.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct nk_party_key *keys[2];
static struct nk_identity ids[2];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t hello[2][NK_CHANNEL_HELLO_BYTES], header[2][NK_CHANNEL_HEADER_BYTES];
	uint8_t sealed[2][96], got[64];
	size_t n[2] = { 0, 0 }, m = 0;
	struct nk_blind_channel *ch[2] = { NULL, NULL };
	bool last = false;
	int what;

	if (size < 1)
		return 0;
	if (!keys[0] && (sodium_init() < 0 || nk_party_key_generate(&keys[0], NULL) != NK_OK ||
			 nk_party_key_generate(&keys[1], NULL) != NK_OK))
		abort();
	nk_party_key_identity(keys[0], &ids[0]);
	nk_party_key_identity(keys[1], &ids[1]);
	what = data[0] % 4;
	data++;
	size--;
	for (int r = 0; r < 2; r++)
		if (nk_channel_new(keys[r], "fuzzcase", (enum nk_role)r, hello[r], &ch[r], NULL) !=
		    NK_OK)
			abort();
	if (what == 0) {	/* the claimant reads a hello */
		uint8_t h[NK_CHANNEL_HELLO_BYTES] = { 0 };

		memcpy(h, data, size < sizeof(h) ? size : sizeof(h));
		if (nk_channel_accept(ch[0], &ids[1], h, header[0], NULL) == NK_OK &&
		    memcmp(h, hello[1], sizeof(h)) != 0)
			abort();	/* a forged hello accepted */
		goto out;
	}
	for (int r = 0; r < 2; r++)
		if (nk_channel_accept(ch[r], &ids[!r], hello[!r], header[r], NULL) != NK_OK)
			abort();
	if (what == 1) {
		uint8_t h[NK_CHANNEL_HEADER_BYTES] = { 0 };

		memcpy(h, data, size < sizeof(h) ? size : sizeof(h));
		if (nk_channel_start(ch[0], h, NULL) == NK_OK &&
		    nk_channel_seal(ch[1], (const uint8_t *)"m", 1, 16, false, sealed[0],
				    sizeof(sealed[0]), &n[0], NULL) == NK_OK &&
		    nk_channel_open(ch[0], sealed[0], n[0], got, sizeof(got), &m, &last, NULL) ==
			    NK_OK && memcmp(h, header[1], sizeof(h)) != 0)
			abort();	/* a message opened under a forged header */
		goto out;
	}
	if (nk_channel_start(ch[0], header[1], NULL) != NK_OK)
		abort();
	for (int i = 0; i < 2; i++)
		if (nk_channel_seal(ch[1], (const uint8_t *)"genuine", 7, 32, i == 1, sealed[i],
				    sizeof(sealed[i]), &n[i], NULL) != NK_OK)
			abort();
	if (what == 3 &&
	    nk_channel_open(ch[0], sealed[0], n[0], got, sizeof(got), &m, &last, NULL) != NK_OK)
		abort();
	{
		const int i = what == 3;
		bool genuine = size == n[i] && memcmp(data, sealed[i], size) == 0;
		enum nk_status rc = nk_channel_open(ch[0], data, size, got, sizeof(got), &m, &last,
						    NULL);

		if ((rc == NK_OK) != genuine)
			abort();
	}
out:
	nk_channel_free(ch[0]);
	nk_channel_free(ch[1]);
	return 0;
}
