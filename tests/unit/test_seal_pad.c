/* Unit tests for the padded envelope (version 2): an envelope's length tells only its
 * text's size class, so "I accept 900" and "I accept 1,200,000", or texts of 1 and 200
 * bytes, make envelopes of one length, message or deposit; the true length and the
 * padding are sealed and signed, so changing either is `altered`; a header whose size is
 * not a class, or disagrees with the sealed part, is `malformed`; and a version-1
 * envelope, built here by hand from doc/formats.md, still opens. */
#include <nakodo/seal.h>

#include "crypto/party_key.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#define CASE "c0ffee1962"
#define HEAD (88 + sizeof(CASE) - 1)
#define TAG "nakodo/message/v1"	/* and its NUL: 18 bytes */

struct party {
	uint8_t seal_secret[32];
	struct nk_party_key *key;
	struct nk_identity id;
};

struct world {
	struct party claimant, payer;
};

static void party_make(struct party *p, uint8_t tag)
{
	uint8_t seed[32];

	memset(seed, tag, sizeof(seed));
	memset(p->seal_secret, (uint8_t)(tag + 1), sizeof(p->seal_secret));
	assert_int_equal(party_key_from_secrets(seed, p->seal_secret, &p->key, NULL), NK_OK);
	nk_party_key_identity(p->key, &p->id);
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	party_make(&w->claimant, 1);
	party_make(&w->payer, 3);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	nk_party_key_free(w->claimant.key);
	nk_party_key_free(w->payer.key);
	free(w);
	return 0;
}

static uint8_t *seal(const struct world *w, enum nk_message_kind kind, const void *text,
		     size_t n, size_t *len)
{
	struct nk_envelope_header h = { .case_id = CASE, .kind = kind, .from = NK_CLAIMANT,
					.to = NK_PAYER, .seq = 1 };
	uint8_t *env = NULL;

	assert_int_equal(nk_message_seal(w->claimant.key, &h, &w->payer.id, text, n, &env, len,
					 NULL), NK_OK);
	return env;
}

static enum nk_message_verdict open_as_payer(const struct world *w, enum nk_message_kind kind,
					     const uint8_t *env, size_t len,
					     struct nk_opened_message *out)
{
	struct nk_message_expect ex = { .case_id = CASE, .kind = kind, .me = NK_PAYER,
					.sender = &w->claimant.id, .next_seq = 1 };
	struct nk_opened_message scratch = { 0 };
	enum nk_message_verdict why = NK_MESSAGE_OK;
	enum nk_status rc = nk_message_open(w->payer.key, &ex, env, len, out ? out : &scratch,
					    &why, NULL);

	assert_int_equal(rc == NK_OK, why == NK_MESSAGE_OK);
	if (rc != NK_OK)
		assert_null((out ? out : &scratch)->text);
	nk_opened_message_free(&scratch);
	return why;
}

/* An envelope made by hand as doc/formats.md lays it out: magic, the header for the
 * claimant's message 1 to the payer showing `shown` at offset 84, the claimant's
 * signature over the tag, the header and body, sealed with body to the payer. Returns
 * a new buffer (free()) and its length. */
static uint8_t *forge(const struct world *w, const char *magic, uint32_t shown,
		      const uint8_t *body, size_t blen, size_t *len)
{
	size_t sealed = crypto_box_SEALBYTES + NK_SIGNATURE_BYTES + blen;
	uint8_t *env = malloc(HEAD + sealed);
	uint8_t *inner = malloc(NK_SIGNATURE_BYTES + blen);
	uint8_t *sbytes = malloc(18 + HEAD + blen);

	assert_non_null(env);
	assert_non_null(inner);
	assert_non_null(sbytes);
	memcpy(env, magic, 8);
	env[8] = NK_MESSAGE_TEXT, env[9] = NK_CLAIMANT, env[10] = NK_PAYER;
	env[11] = (uint8_t)(sizeof(CASE) - 1);
	memset(env + 12, 0, 7), env[19] = 1;
	memcpy(env + 20, w->claimant.id.sign, 32);
	memcpy(env + 52, w->payer.id.seal, 32);
	env[84] = (uint8_t)(shown >> 24), env[85] = (uint8_t)(shown >> 16);
	env[86] = (uint8_t)(shown >> 8), env[87] = (uint8_t)shown;
	memcpy(env + 88, CASE, sizeof(CASE) - 1);
	memcpy(sbytes, TAG, 18);
	memcpy(sbytes + 18, env, HEAD);
	memcpy(sbytes + 18 + HEAD, body, blen);
	nk_party_key_sign(w->claimant.key, sbytes, 18 + HEAD + blen, inner);
	memcpy(inner + NK_SIGNATURE_BYTES, body, blen);
	assert_int_equal(crypto_box_seal(env + HEAD, inner, NK_SIGNATURE_BYTES + blen,
					 w->payer.id.seal), 0);
	free(inner);
	free(sbytes);
	*len = HEAD + sealed;
	return env;
}

/* A version-2 body: u32 true length, the text, then `pad` up to the class p. */
static size_t body_v2(uint8_t *body, uint32_t true_len, const char *text, size_t n, size_t p,
		      uint8_t pad)
{
	body[0] = (uint8_t)(true_len >> 24), body[1] = (uint8_t)(true_len >> 16);
	body[2] = (uint8_t)(true_len >> 8), body[3] = (uint8_t)true_len;
	memset(body + 4, pad, p);
	memcpy(body + 4, text, n);
	return 4 + p;
}

static void classes(void **state)
{
	(void)state;
	assert_int_equal(nk_message_padded_len(0), 256);
	assert_int_equal(nk_message_padded_len(1), 256);
	assert_int_equal(nk_message_padded_len(256), 256);
	assert_int_equal(nk_message_padded_len(257), 512);
	assert_int_equal(nk_message_padded_len(4096), 4096);
	assert_int_equal(nk_message_padded_len(4097), 8192);
	assert_int_equal(nk_message_padded_len(NK_MESSAGE_TEXT_MAX), NK_MESSAGE_PADDED_MAX);
	assert_int_equal(nk_message_padded_len(NK_MESSAGE_TEXT_MAX + 1), 0);
	/* the longest envelope, with the longest case id, is within the bound */
	assert_int_equal(NK_ENVELOPE_MAX, NK_ENVELOPE_FIXED + NK_CASE_ID_MAX + NK_MESSAGE_PADDED_MAX);
	assert_true(NK_ENVELOPE_FIXED_V1 + NK_CASE_ID_MAX + NK_MESSAGE_TEXT_MAX <= NK_ENVELOPE_MAX);
}

/* Texts of 1 and 200 bytes, and two acceptances whose figures differ in length, make
 * envelopes of one length, messages and deposits alike; the header shows the class. */
static void equal_lengths(void **state)
{
	struct world *w = *state;
	static const enum nk_message_kind kinds[] = { NK_MESSAGE_TEXT, NK_MESSAGE_DEPOSIT };
	char two_hundred[200];

	memset(two_hundred, 'x', sizeof(two_hundred));
	for (size_t k = 0; k < 2; k++) {
		size_t l1, l200, la, lb;
		uint8_t *e1 = seal(w, kinds[k], "y", 1, &l1);
		uint8_t *e200 = seal(w, kinds[k], two_hundred, sizeof(two_hundred), &l200);
		uint8_t *ea = seal(w, kinds[k], "I accept 900", 12, &la);
		uint8_t *eb = seal(w, kinds[k], "I accept 1,200,000", 18, &lb);
		struct nk_envelope_header h1, h200;
		struct nk_opened_message msg = { 0 };

		assert_int_equal(l1, l200);
		assert_int_equal(la, lb);
		assert_int_equal(l1, la);
		assert_int_equal(l1, NK_ENVELOPE_FIXED + strlen(CASE) + NK_MESSAGE_PADDED_MIN);
		assert_int_equal(nk_message_peek(e1, l1, &h1, NULL), NK_OK);
		assert_int_equal(nk_message_peek(e200, l200, &h200, NULL), NK_OK);
		assert_int_equal(h1.version, 2);
		assert_int_equal(h1.padded_len, NK_MESSAGE_PADDED_MIN);
		assert_int_equal(h200.padded_len, NK_MESSAGE_PADDED_MIN);
		/* the clear header is the same but for nothing of the text */
		assert_memory_equal(e1, e200, HEAD);
		assert_int_equal(open_as_payer(w, kinds[k], e200, l200, &msg), NK_MESSAGE_OK);
		assert_int_equal(msg.text_len, 200);
		assert_memory_equal(msg.text, two_hundred, 200);
		nk_opened_message_free(&msg);
		assert_int_equal(open_as_payer(w, kinds[k], eb, lb, &msg), NK_MESSAGE_OK);
		assert_int_equal(msg.text_len, 18);
		assert_string_equal(msg.text, "I accept 1,200,000");
		nk_opened_message_free(&msg);
		free(e1), free(e200), free(ea), free(eb);
	}
}

/* Each class's edges, and the largest text, open to exactly their text. */
static void class_edges(void **state)
{
	struct world *w = *state;
	static const size_t sizes[] = { 0, 255, 256, 257, 511, 512, 513, NK_MESSAGE_TEXT_MAX };
	uint8_t *text = malloc(NK_MESSAGE_TEXT_MAX);

	for (size_t i = 0; i < NK_MESSAGE_TEXT_MAX; i++)
		text[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t len;
		uint8_t *env = seal(w, NK_MESSAGE_TEXT, text, sizes[i], &len);
		struct nk_opened_message msg = { 0 };

		assert_int_equal(len, NK_ENVELOPE_FIXED + strlen(CASE) +
				 nk_message_padded_len(sizes[i]));
		assert_true(len <= NK_ENVELOPE_MAX);
		assert_int_equal(open_as_payer(w, NK_MESSAGE_TEXT, env, len, &msg), NK_MESSAGE_OK);
		assert_int_equal(msg.text_len, sizes[i]);
		if (sizes[i])
			assert_memory_equal(msg.text, text, sizes[i]);
		assert_int_equal(msg.text[sizes[i]], '\0');
		nk_opened_message_free(&msg);
		free(env);
	}
	free(text);
}

/* The recipient opens the box, changes a byte of the padding or of the true length and
 * seals it again to itself (as anyone can): the signature covers both, so `altered`. */
static void padding_is_signed(void **state)
{
	struct world *w = *state;
	size_t len, head = HEAD, inner_len;
	uint8_t *env = seal(w, NK_MESSAGE_TEXT, "I accept 900", 12, &len);
	uint8_t inner[NK_SIGNATURE_BYTES + 4 + 256], *body = inner + NK_SIGNATURE_BYTES;
	static const size_t at[] = { 4 + 12, 4 + 100, 4 + 255, 3, 2, 0 };

	inner_len = len - head - crypto_box_SEALBYTES;
	assert_int_equal(inner_len, sizeof(inner));
	assert_int_equal(crypto_box_seal_open(inner, env + head, len - head, w->payer.id.seal,
					      w->payer.seal_secret), 0);
	/* inside: the true length, the text, zeros */
	assert_int_equal(body[3], 12);
	assert_memory_equal(body + 4, "I accept 900", 12);
	assert_true(sodium_is_zero(body + 16, 256 - 12));
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		for (int bit = 0; bit < 8; bit++) {
			body[at[i]] ^= (uint8_t)(1u << bit);
			assert_int_equal(crypto_box_seal(env + head, inner, inner_len,
							 w->payer.id.seal), 0);
			assert_int_equal(open_as_payer(w, NK_MESSAGE_TEXT, env, len, NULL),
					 NK_MESSAGE_ALTERED);
			body[at[i]] ^= (uint8_t)(1u << bit);
		}
	assert_int_equal(crypto_box_seal(env + head, inner, inner_len, w->payer.id.seal), 0);
	assert_int_equal(open_as_payer(w, NK_MESSAGE_TEXT, env, len, NULL), NK_MESSAGE_OK);
	/* every bit of the envelope itself, too: never accepted, never a replay */
	for (size_t i = 0; i < len; i += 7)
		for (int bit = 0; bit < 8; bit += 3) {
			enum nk_message_verdict v;

			env[i] ^= (uint8_t)(1u << bit);
			v = open_as_payer(w, NK_MESSAGE_TEXT, env, len, NULL);
			assert_true(v == NK_MESSAGE_MALFORMED || v == NK_MESSAGE_NOT_FOR_ME ||
				    v == NK_MESSAGE_WRONG_SIGNER || v == NK_MESSAGE_ALTERED);
			if (i >= head)
				assert_int_equal(v, NK_MESSAGE_ALTERED);
			env[i] ^= (uint8_t)(1u << bit);
		}
	free(env);
}

/* Signed by the sender, and still refused: a padding that is not zeros, a true length
 * beyond its class or beyond the text bound; all inside the seal, so `altered`. A class
 * larger than the text needs is the sender's to choose and opens. */
static void signed_but_not_well_padded(void **state)
{
	struct world *w = *state;
	uint8_t *body = calloc(1, 4 + NK_MESSAGE_PADDED_MAX), *env;
	struct nk_opened_message msg = { 0 };
	size_t blen, len;

	blen = body_v2(body, 3, "900", 3, 256, 0x00);
	body[4 + 200] = 0x01;
	env = forge(w, "NKMSG002", 256, body, blen, &len);
	assert_int_equal(open_as_payer(w, NK_MESSAGE_TEXT, env, len, NULL), NK_MESSAGE_ALTERED);
	free(env);

	blen = body_v2(body, 257, "900", 3, 256, 0x00);
	env = forge(w, "NKMSG002", 256, body, blen, &len);
	assert_int_equal(open_as_payer(w, NK_MESSAGE_TEXT, env, len, NULL), NK_MESSAGE_ALTERED);
	free(env);

	blen = body_v2(body, NK_MESSAGE_TEXT_MAX + 1, "900", 3, NK_MESSAGE_PADDED_MAX, 0x00);
	env = forge(w, "NKMSG002", NK_MESSAGE_PADDED_MAX, body, blen, &len);
	assert_int_equal(open_as_payer(w, NK_MESSAGE_TEXT, env, len, NULL), NK_MESSAGE_ALTERED);
	free(env);

	blen = body_v2(body, 3, "900", 3, 1024, 0x00);	/* padded further than needed */
	env = forge(w, "NKMSG002", 1024, body, blen, &len);
	assert_int_equal(open_as_payer(w, NK_MESSAGE_TEXT, env, len, &msg), NK_MESSAGE_OK);
	assert_int_equal(msg.text_len, 3);
	assert_string_equal(msg.text, "900");
	nk_opened_message_free(&msg);
	free(env);
	free(body);
}

/* The size the clear header shows must be a class and agree with the sealed part's
 * length: otherwise `malformed`, before anything is opened. */
static void shown_size_bounded(void **state)
{
	struct world *w = *state;
	static const uint32_t not_classes[] = { 0, 3, 255, 300, 384, 128, 131072, 0xffffffffu };
	uint8_t body[4 + 1024] = { 0 }, *env;
	struct nk_envelope_header h;
	size_t blen, len;

	for (size_t i = 0; i < sizeof(not_classes) / sizeof(not_classes[0]); i++) {
		size_t p = not_classes[i] <= 1024 ? not_classes[i] : 0;

		blen = body_v2(body, 0, "", 0, p, 0x00);
		env = forge(w, "NKMSG002", not_classes[i], body, blen, &len);
		assert_int_equal(nk_message_peek(env, len, &h, NULL), NK_EINVAL);
		assert_int_equal(open_as_payer(w, NK_MESSAGE_TEXT, env, len, NULL),
				 NK_MESSAGE_MALFORMED);
		free(env);
	}
	/* a class, but not the sealed part's */
	blen = body_v2(body, 3, "900", 3, 256, 0x00);
	env = forge(w, "NKMSG002", 512, body, blen, &len);
	assert_int_equal(open_as_payer(w, NK_MESSAGE_TEXT, env, len, NULL), NK_MESSAGE_MALFORMED);
	free(env);
	/* and a version-1 body under the version-2 magic */
	env = forge(w, "NKMSG002", 256, body + 4, 256, &len);
	assert_int_equal(open_as_payer(w, NK_MESSAGE_TEXT, env, len, NULL), NK_MESSAGE_MALFORMED);
	free(env);
}

/* A version-1 envelope (the text alone, its length in the clear) as stored before
 * version 2: it still peeks and opens, and its bytes are as checked as ever. */
static void version_1_still_opens(void **state)
{
	struct world *w = *state;
	static const char text[] = "I accept 1,200,000";
	const size_t n = sizeof(text) - 1;
	struct nk_opened_message msg = { 0 };
	struct nk_envelope_header h;
	size_t len;
	uint8_t *env = forge(w, "NKMSG001", (uint32_t)n, (const uint8_t *)text, n, &len);

	assert_int_equal(len, NK_ENVELOPE_FIXED_V1 + strlen(CASE) + n);
	assert_int_equal(nk_message_peek(env, len, &h, NULL), NK_OK);
	assert_int_equal(h.version, 1);
	assert_int_equal(h.padded_len, n);
	assert_int_equal(open_as_payer(w, NK_MESSAGE_TEXT, env, len, &msg), NK_MESSAGE_OK);
	assert_int_equal(msg.text_len, n);
	assert_string_equal(msg.text, text);
	assert_int_equal(msg.header.version, 1);
	nk_opened_message_free(&msg);
	for (size_t i = 0; i < len; i++) {
		enum nk_message_verdict v;

		env[i] ^= 0x10;
		v = open_as_payer(w, NK_MESSAGE_TEXT, env, len, NULL);
		assert_true(v != NK_MESSAGE_OK && v != NK_MESSAGE_REPLAYED &&
			    v != NK_MESSAGE_OUT_OF_ORDER);
		env[i] ^= 0x10;
	}
	free(env);
	/* a version-2 envelope relabelled version 1 (its body read as a text of 260 bytes,
	 * length field and padding shown): the magic and the field are signed, so `altered` */
	env = seal(w, NK_MESSAGE_TEXT, text, n, &len);
	memcpy(env, "NKMSG001", 8);
	env[84] = 0, env[85] = 0, env[86] = 0x01, env[87] = 0x04;
	assert_int_equal(nk_message_peek(env, len, &h, NULL), NK_OK);
	assert_int_equal(h.version, 1);
	assert_int_equal(open_as_payer(w, NK_MESSAGE_TEXT, env, len, NULL), NK_MESSAGE_ALTERED);
	free(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classes),
		cmocka_unit_test(equal_lengths),
		cmocka_unit_test(class_edges),
		cmocka_unit_test(padding_is_signed),
		cmocka_unit_test(signed_but_not_well_padded),
		cmocka_unit_test(shown_size_bounded),
		cmocka_unit_test(version_1_still_opens),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
