/* Unit tests for sealed messages and party statements: messages round-trip, and each
 * way a message can be wrong is rejected with its own reason: malformed or truncated,
 * sealed to someone else, another case, a wrong signer, any altered byte, a replay, a
 * reordering, a message forwarded by its recipient. The format is checked against
 * libsodium's primitives directly, as doc/formats.md describes it. */
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

/* A party whose secrets the test knows (to build forgeries by hand). */
struct party {
	uint8_t seed[32], seal_secret[32];
	struct nk_party_key *key;
	struct nk_identity id;
};

static void party_make(struct party *p, uint8_t tag)
{
	memset(p->seed, tag, sizeof(p->seed));
	memset(p->seal_secret, (uint8_t)(tag + 1), sizeof(p->seal_secret));
	assert_int_equal(party_key_from_secrets(p->seed, p->seal_secret, &p->key, NULL), NK_OK);
	nk_party_key_identity(p->key, &p->id);
}

static bool contains(const uint8_t *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return true;
	return false;
}

struct world {
	struct party claimant, payer, mallory;
};

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	party_make(&w->claimant, 1);
	party_make(&w->payer, 3);
	party_make(&w->mallory, 5);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	nk_party_key_free(w->claimant.key);
	nk_party_key_free(w->payer.key);
	nk_party_key_free(w->mallory.key);
	free(w);
	return 0;
}

static uint8_t *seal_as(const struct party *from, enum nk_role from_role, const struct party *to,
			enum nk_role to_role, uint64_t seq, const char *text, size_t *len)
{
	struct nk_envelope_header h = { .case_id = CASE, .kind = NK_MESSAGE_TEXT,
					.from = from_role, .to = to_role, .seq = seq };
	uint8_t *env = NULL;

	assert_int_equal(nk_message_seal(from->key, &h, &to->id, (const uint8_t *)text,
					 strlen(text), &env, len, NULL), NK_OK);
	return env;
}

/* Opens env as the payer, expecting the claimant's registered key and next_seq. */
static enum nk_message_verdict open_as_payer(struct world *w, const uint8_t *env, size_t len,
					     uint64_t next_seq, struct nk_opened_message *out)
{
	struct nk_message_expect ex = { .case_id = CASE, .kind = NK_MESSAGE_TEXT,
					.me = NK_PAYER, .sender = &w->claimant.id,
					.next_seq = next_seq };
	struct nk_opened_message scratch = { 0 };
	enum nk_message_verdict why = NK_MESSAGE_OK;
	struct nk_error err = { 0 };
	enum nk_status rc = nk_message_open(w->payer.key, &ex, env, len, out ? out : &scratch,
					    &why, &err);

	assert_int_equal(rc == NK_OK, why == NK_MESSAGE_OK);
	if (rc != NK_OK) {
		assert_string_equal(err.field, "message");
		assert_non_null(strstr(err.text, nk_message_verdict_name(why)));
		assert_null((out ? out : &scratch)->text);	/* untouched */
	}
	nk_opened_message_free(&scratch);
	return why;
}

static void round_trip(void **state)
{
	struct world *w = *state;
	size_t len;
	uint8_t *env = seal_as(&w->claimant, NK_CLAIMANT, &w->payer, NK_PAYER, 1,
			       "We could go to 300 million.", &len);
	struct nk_opened_message msg = { 0 };
	struct nk_envelope_header h;

	/* a version-2 envelope: 27 bytes of text padded to the smallest class */
	assert_int_equal(len, NK_ENVELOPE_FIXED + strlen(CASE) + NK_MESSAGE_PADDED_MIN);
	assert_false(contains(env, len, "300 million"));	/* sealed */
	assert_int_equal(nk_message_peek(env, len, &h, NULL), NK_OK);
	assert_string_equal(h.case_id, CASE);
	assert_int_equal(h.seq, 1);
	assert_int_equal(h.from, NK_CLAIMANT);
	assert_int_equal(open_as_payer(w, env, len, 1, &msg), NK_MESSAGE_OK);
	assert_int_equal(msg.text_len, 27);
	assert_string_equal(msg.text, "We could go to 300 million.");
	assert_memory_equal(msg.header.sender_sign, w->claimant.id.sign, 32);
	nk_opened_message_free(&msg);
	assert_null(msg.text);
	free(env);
}

static void empty_binary_and_largest(void **state)
{
	struct world *w = *state;
	struct nk_envelope_header h = { .case_id = CASE, .kind = NK_MESSAGE_DEPOSIT,
					.from = NK_PAYER, .to = NK_CLAIMANT, .seq = 7 };
	struct nk_message_expect ex = { .case_id = CASE, .kind = NK_MESSAGE_DEPOSIT,
					.me = NK_CLAIMANT, .sender = &w->payer.id, .next_seq = 7 };
	uint8_t *big = calloc(1, NK_MESSAGE_TEXT_MAX + 1), *env = NULL;
	struct nk_opened_message msg = { 0 };
	size_t len;

	big[3] = 'x';	/* and NUL bytes elsewhere */
	for (size_t n = 0; n <= NK_MESSAGE_TEXT_MAX; n += NK_MESSAGE_TEXT_MAX / 2) {
		assert_int_equal(nk_message_seal(w->payer.key, &h, &w->claimant.id, big, n, &env,
						 &len, NULL), NK_OK);
		assert_int_equal(nk_message_open(w->claimant.key, &ex, env, len, &msg, NULL, NULL),
				 NK_OK);
		assert_int_equal(msg.text_len, n);
		assert_memory_equal(msg.text, big, n);
		nk_opened_message_free(&msg);
		free(env);
		env = NULL;
	}
	assert_int_equal(nk_message_seal(w->payer.key, &h, &w->claimant.id, big,
					 NK_MESSAGE_TEXT_MAX + 1, &env, &len, NULL), NK_EINVAL);
	assert_null(env);
	h.from = NK_CLAIMANT;	/* to oneself's role */
	assert_int_equal(nk_message_seal(w->payer.key, &h, &w->claimant.id, big, 1, &env, &len,
					 NULL), NK_EINVAL);
	free(big);
}

static void sealed_to_someone_else(void **state)
{
	struct world *w = *state;
	size_t len;
	/* to the payer's role, but sealed to Mallory's key */
	uint8_t *env = seal_as(&w->claimant, NK_CLAIMANT, &w->mallory, NK_PAYER, 1, "hi", &len);

	assert_int_equal(open_as_payer(w, env, len, 1, NULL), NK_MESSAGE_NOT_FOR_ME);
	free(env);
	/* sealed to the payer's key but addressed to the mediator */
	env = seal_as(&w->claimant, NK_CLAIMANT, &w->payer, NK_MEDIATOR, 1, "hi", &len);
	assert_int_equal(open_as_payer(w, env, len, 1, NULL), NK_MESSAGE_NOT_FOR_ME);
	free(env);
}

static void another_case_or_kind(void **state)
{
	struct world *w = *state;
	struct nk_envelope_header h = { .case_id = "other-case", .kind = NK_MESSAGE_TEXT,
					.from = NK_CLAIMANT, .to = NK_PAYER, .seq = 1 };
	uint8_t *env = NULL;
	size_t len;

	assert_int_equal(nk_message_seal(w->claimant.key, &h, &w->payer.id, (const uint8_t *)"a",
					 1, &env, &len, NULL), NK_OK);
	assert_int_equal(open_as_payer(w, env, len, 1, NULL), NK_MESSAGE_NOT_FOR_ME);
	free(env);
	snprintf(h.case_id, sizeof(h.case_id), "%s", CASE);
	h.kind = NK_MESSAGE_DEPOSIT;
	assert_int_equal(nk_message_seal(w->claimant.key, &h, &w->payer.id, (const uint8_t *)"a",
					 1, &env, &len, NULL), NK_OK);
	assert_int_equal(open_as_payer(w, env, len, 1, NULL), NK_MESSAGE_NOT_FOR_ME);
	free(env);
}

static void wrong_signer(void **state)
{
	struct world *w = *state;
	size_t len;
	uint8_t *env = seal_as(&w->mallory, NK_CLAIMANT, &w->payer, NK_PAYER, 1, "pay up", &len);

	/* Mallory signs with her own key and says so */
	assert_int_equal(open_as_payer(w, env, len, 1, NULL), NK_MESSAGE_WRONG_SIGNER);
	/* ... or names the claimant's key: the signature does not verify */
	memcpy(env + 20, w->claimant.id.sign, 32);
	assert_int_equal(open_as_payer(w, env, len, 1, NULL), NK_MESSAGE_ALTERED);
	free(env);
}

static void replayed_and_reordered(void **state)
{
	struct world *w = *state;
	size_t l1, l2, l3;
	uint8_t *m1 = seal_as(&w->claimant, NK_CLAIMANT, &w->payer, NK_PAYER, 1, "one", &l1);
	uint8_t *m2 = seal_as(&w->claimant, NK_CLAIMANT, &w->payer, NK_PAYER, 2, "two", &l2);
	uint8_t *m3 = seal_as(&w->claimant, NK_CLAIMANT, &w->payer, NK_PAYER, 3, "three", &l3);

	assert_int_equal(open_as_payer(w, m2, l2, 1, NULL), NK_MESSAGE_OUT_OF_ORDER);
	assert_int_equal(open_as_payer(w, m1, l1, 1, NULL), NK_MESSAGE_OK);
	assert_int_equal(open_as_payer(w, m1, l1, 2, NULL), NK_MESSAGE_REPLAYED);
	assert_int_equal(open_as_payer(w, m3, l3, 2, NULL), NK_MESSAGE_OUT_OF_ORDER);
	assert_int_equal(open_as_payer(w, m2, l2, 2, NULL), NK_MESSAGE_OK);
	assert_int_equal(open_as_payer(w, m3, l3, 3, NULL), NK_MESSAGE_OK);
	assert_int_equal(open_as_payer(w, m2, l2, 4, NULL), NK_MESSAGE_REPLAYED);
	free(m1);
	free(m2);
	free(m3);
}

/* Every bit of every byte: rejected, and never as a replay or reordering (only an
 * authentic message can be those). */
static void every_bit_altered(void **state)
{
	struct world *w = *state;
	size_t len;
	uint8_t *env = seal_as(&w->claimant, NK_CLAIMANT, &w->payer, NK_PAYER, 5,
			       "the figure is in the deposit", &len);
	int seen[NK_MESSAGE_OUT_OF_ORDER + 1] = { 0 };

	for (size_t i = 0; i < len; i++)
		for (int bit = 0; bit < 8; bit++) {
			enum nk_message_verdict v;

			env[i] ^= (uint8_t)(1u << bit);
			v = open_as_payer(w, env, len, 5, NULL);
			assert_true(v == NK_MESSAGE_MALFORMED || v == NK_MESSAGE_NOT_FOR_ME ||
				    v == NK_MESSAGE_WRONG_SIGNER || v == NK_MESSAGE_ALTERED);
			seen[v]++;
			env[i] ^= (uint8_t)(1u << bit);
		}
	assert_true(seen[NK_MESSAGE_ALTERED] > 0 && seen[NK_MESSAGE_MALFORMED] > 0 &&
		    seen[NK_MESSAGE_NOT_FOR_ME] > 0 && seen[NK_MESSAGE_WRONG_SIGNER] > 0);
	/* the sequence number's bytes (12..19) are signed: altered, not out of order */
	for (size_t i = 12; i < 20; i++) {
		env[i] ^= 0x01;
		assert_int_equal(open_as_payer(w, env, len, 5, NULL), NK_MESSAGE_ALTERED);
		env[i] ^= 0x01;
	}
	for (size_t n = 0; n < len; n++)
		assert_int_equal(open_as_payer(w, env, n, 5, NULL), NK_MESSAGE_MALFORMED);
	assert_int_equal(open_as_payer(w, env, len, 5, NULL), NK_MESSAGE_OK);
	free(env);
}

/* The payer opens the claimant's message and re-seals the signed text to Mallory,
 * addressed to her: the signature names the payer's key as recipient, so it fails. */
static void forwarded_by_recipient(void **state)
{
	struct world *w = *state;
	size_t len, head = 88 + strlen(CASE), inner_len;
	uint8_t *env = seal_as(&w->claimant, NK_CLAIMANT, &w->payer, NK_PAYER, 1, "for you", &len);
	uint8_t inner[1024], fwd[1024];
	struct nk_message_expect ex = { .case_id = CASE, .kind = NK_MESSAGE_TEXT,
					.me = NK_PAYER, .sender = &w->claimant.id, .next_seq = 1 };
	struct nk_opened_message msg = { 0 };
	enum nk_message_verdict why;

	inner_len = len - head - crypto_box_SEALBYTES;
	assert_int_equal(crypto_box_seal_open(inner, env + head, len - head, w->payer.id.seal,
					      w->payer.seal_secret), 0);
	/* the signature is Ed25519 over the tag, the clear header and the sealed body */
	{
		uint8_t msgbytes[1024];
		size_t n = 0;

		memcpy(msgbytes, "nakodo/message/v1", 18);
		n = 18;
		memcpy(msgbytes + n, env, head);
		n += head;
		memcpy(msgbytes + n, inner + 64, inner_len - 64);
		n += inner_len - 64;
		assert_int_equal(crypto_sign_verify_detached(inner, msgbytes, n,
							     w->claimant.id.sign), 0);
	}
	memcpy(fwd, env, head);
	memcpy(fwd + 52, w->mallory.id.seal, 32);
	assert_int_equal(crypto_box_seal(fwd + head, inner, inner_len, w->mallory.id.seal), 0);
	assert_int_equal(nk_message_open(w->mallory.key, &ex, fwd, len, &msg, &why, NULL),
			 NK_ECRYPTO);
	assert_int_equal(why, NK_MESSAGE_ALTERED);
	free(env);
}

static void statements(void **state)
{
	struct world *w = *state;
	uint8_t sig[NK_SIGNATURE_BYTES];
	static const uint8_t body[] = "{\"deposit\":\"abc\"}";

	assert_int_equal(nk_join_sign(w->claimant.key, CASE, NK_CLAIMANT, sig, NULL), NK_OK);
	assert_int_equal(nk_join_verify(&w->claimant.id, CASE, NK_CLAIMANT, sig, NULL), NK_OK);
	assert_int_equal(nk_join_verify(&w->claimant.id, CASE, NK_PAYER, sig, NULL), NK_ECRYPTO);
	assert_int_equal(nk_join_verify(&w->claimant.id, "other", NK_CLAIMANT, sig, NULL),
			 NK_ECRYPTO);
	assert_int_equal(nk_join_verify(&w->mallory.id, CASE, NK_CLAIMANT, sig, NULL), NK_ECRYPTO);
	assert_int_equal(nk_join_sign(w->claimant.key, "bad id!", NK_CLAIMANT, sig, NULL),
			 NK_EINVAL);

	assert_int_equal(nk_action_sign(w->payer.key, CASE, NK_PAYER, 4, "withdraw", body,
					sizeof(body), sig, NULL), NK_OK);
	assert_int_equal(nk_action_verify(&w->payer.id, CASE, NK_PAYER, 4, "withdraw", body,
					  sizeof(body), sig, NULL), NK_OK);
	assert_int_equal(nk_action_verify(&w->payer.id, CASE, NK_PAYER, 5, "withdraw", body,
					  sizeof(body), sig, NULL), NK_ECRYPTO);
	assert_int_equal(nk_action_verify(&w->payer.id, CASE, NK_PAYER, 4, "deposit", body,
					  sizeof(body), sig, NULL), NK_ECRYPTO);
	assert_int_equal(nk_action_verify(&w->payer.id, CASE, NK_PAYER, 4, "withdraw", body,
					  sizeof(body) - 1, sig, NULL), NK_ECRYPTO);
	assert_int_equal(nk_action_verify(&w->claimant.id, CASE, NK_PAYER, 4, "withdraw", body,
					  sizeof(body), sig, NULL), NK_ECRYPTO);
}

/* A case id with a NUL inside its declared length (found by fuzz_envelope): the header
 * says L = strlen + 5 but a reader that stopped at the NUL would take the box to start
 * 5 bytes early. A sender whose ephemeral key begins with a zero byte could then make
 * an envelope that opens, with 5 trailing bytes no signature covers, which anyone on
 * the way could change. Such an envelope is malformed, before anything is opened. */
static void case_id_with_nul(void **state)
{
	struct world *w = *state;
	static const char text[] = "the figure";
	const size_t id = strlen(CASE), lied = id + 5;
	const size_t boxed = crypto_box_SEALBYTES + NK_SIGNATURE_BYTES + sizeof(text) - 1;
	uint8_t inner[NK_SIGNATURE_BYTES + sizeof(text) - 1];
	uint8_t box[sizeof(inner) + crypto_box_SEALBYTES];
	uint8_t env[88 + 64 + sizeof(box) + 5], signed_bytes[sizeof(env) + 32];
	size_t len = 88 + lied + boxed, head = 88 + id;
	struct nk_envelope_header h;

	assert_int_equal(sizeof(box), boxed);
	memcpy(env, "NKMSG001", 8);
	env[8] = NK_MESSAGE_TEXT, env[9] = NK_CLAIMANT, env[10] = NK_PAYER, env[11] = (uint8_t)lied;
	memset(env + 12, 0, 7), env[19] = 1;
	memcpy(env + 20, w->claimant.id.sign, 32);
	memcpy(env + 52, w->payer.id.seal, 32);
	env[84] = env[85] = env[86] = 0, env[87] = sizeof(text) - 1;
	memcpy(env + 88, CASE, id);
	/* signed as a reader stopping at the NUL would check it */
	memcpy(signed_bytes, "nakodo/message/v1", 18);
	memcpy(signed_bytes + 18, env, head);
	memcpy(signed_bytes + 18 + head, text, sizeof(text) - 1);
	nk_party_key_sign(w->claimant.key, signed_bytes, 18 + head + sizeof(text) - 1, inner);
	memcpy(inner + NK_SIGNATURE_BYTES, text, sizeof(text) - 1);
	do	/* until the ephemeral key's first byte is the case id's NUL */
		assert_int_equal(crypto_box_seal(box, inner, sizeof(inner), w->payer.id.seal), 0);
	while (box[0] != 0);
	memcpy(env + head, box, sizeof(box));
	memset(env + head + sizeof(box), 0xee, 5);	/* covered by nothing */
	assert_int_equal(open_as_payer(w, env, len, 1, NULL), NK_MESSAGE_MALFORMED);
	assert_int_equal(nk_message_peek(env, len, &h, NULL), NK_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(empty_binary_and_largest),
		cmocka_unit_test(sealed_to_someone_else),
		cmocka_unit_test(another_case_or_kind),
		cmocka_unit_test(wrong_signer),
		cmocka_unit_test(replayed_and_reordered),
		cmocka_unit_test(every_bit_altered),
		cmocka_unit_test(forwarded_by_recipient),
		cmocka_unit_test(statements),
		cmocka_unit_test(case_id_with_nul),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
