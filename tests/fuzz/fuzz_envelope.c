/* libFuzzer harness for the sealed-message envelope reader: any bytes, peeked and then
 * opened by a fixed test recipient twice — once expecting what the corpus's messages
 * are (case, kind, role, sender key, number 1), once expecting whatever the envelope's
 * own header says, so that mutated envelopes reach the box and the signature. The
 * invariants: never crash; peek and open agree on what is malformed; a rejection has a
 * verdict and a reason and leaves the output untouched, so no text ever comes out of a
 * rejected envelope; an accepted one is exactly what its header says, and is a replay
 * the second time. Both versions: version 1's text as long as the header says, version
 * 2's no longer than its size class. Seeds: tests/fuzz/envelope_corpus.py. */
#include <nakodo/seal.h>

#include "crypto/party_key.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CORPUS_CASE "fuzz-case-1"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The corpus's recipient (secrets 0x22… and 0x33…, the payer) and sender (0x44…,
 * 0x55…, the claimant). Made once and read-only afterwards. */
static const struct nk_party_key *party(int which)
{
	static struct nk_party_key *keys[2];

	if (!keys[which]) {
		uint8_t seed[32], seal[32];

		memset(seed, which ? 0x44 : 0x22, sizeof(seed));
		memset(seal, which ? 0x55 : 0x33, sizeof(seal));
		if (party_key_from_secrets(seed, seal, &keys[which], NULL) != NK_OK)
			abort();
	}
	return keys[which];
}

/* Opens env as expected; checks the verdict against the status and the output. */
static void open_one(const uint8_t *data, size_t size, const struct nk_message_expect *expect,
		     bool well_formed)
{
	struct nk_opened_message msg, untouched;
	enum nk_message_verdict why = (enum nk_message_verdict)-1;
	struct nk_error err = { 0 };
	enum nk_status rc;

	memset(&msg, 0xa5, sizeof(msg));
	untouched = msg;
	rc = nk_message_open(party(0), expect, data, size, &msg, &why, &err);
	if (rc != NK_OK) {
		if (memcmp(&msg, &untouched, sizeof(msg)) != 0)
			abort();	/* a rejected envelope leaves no text behind */
		if (why == NK_MESSAGE_OK || err.text[0] == '\0')
			abort();	/* a rejection names its verdict and reason */
		if ((why == NK_MESSAGE_MALFORMED) != (rc == NK_EINVAL) ||
		    (why == NK_MESSAGE_MALFORMED) == well_formed)
			abort();	/* malformed exactly when peek refuses it */
		return;
	}
	if (why != NK_MESSAGE_OK || !msg.text ||
	    (msg.header.version == 1 ? msg.text_len != msg.header.padded_len
				     : msg.text_len > msg.header.padded_len) ||
	    msg.text[msg.text_len] != '\0' || msg.header.seq != expect->next_seq ||
	    strcmp(msg.header.case_id, expect->case_id) != 0 || msg.header.to != expect->me)
		abort();
	nk_opened_message_free(&msg);
	if (expect->next_seq < UINT64_MAX) {
		struct nk_message_expect again = *expect;
		struct nk_opened_message twice;

		memset(&twice, 0, sizeof(twice));
		again.next_seq = expect->next_seq + 1;
		if (nk_message_open(party(0), &again, data, size, &twice, &why, NULL) == NK_OK ||
		    why != NK_MESSAGE_REPLAYED || twice.text)
			abort();	/* the same message a second time is a replay */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nk_envelope_header h = { 0 };
	struct nk_identity sender, named = { 0 };
	struct nk_error err = { 0 };
	struct nk_message_expect expect;
	bool well_formed;

	if (sodium_init() < 0)
		abort();
	nk_party_key_identity(party(1), &sender);
	well_formed = nk_message_peek(data, size, &h, &err) == NK_OK;
	if (!well_formed && err.text[0] == '\0')
		abort();
	if (well_formed &&
	    (h.from == h.to || h.seq == 0 ||
	     (h.version == 1 ? h.padded_len > NK_MESSAGE_TEXT_MAX ||
				       size != NK_ENVELOPE_FIXED_V1 + strlen(h.case_id) + h.padded_len
			     : h.version != 2 || h.padded_len > NK_MESSAGE_PADDED_MAX ||
				       h.padded_len != nk_message_padded_len(h.padded_len) ||
				       size != NK_ENVELOPE_FIXED + strlen(h.case_id) + h.padded_len)))
		abort();	/* peek accepts only what the format allows: a v2 size is a class */
	expect = (struct nk_message_expect){ .case_id = CORPUS_CASE, .kind = NK_MESSAGE_TEXT,
					     .me = NK_PAYER, .sender = &sender, .next_seq = 1 };
	open_one(data, size, &expect, well_formed);
	if (well_formed) {
		memcpy(named.sign, h.sender_sign, sizeof(named.sign));
		expect = (struct nk_message_expect){ .case_id = h.case_id, .kind = h.kind,
						     .me = h.to, .sender = &named,
						     .next_seq = h.seq };
		open_one(data, size, &expect, well_formed);
	}
	return 0;
}
