/* The blind case's channel (crypto/blind_channel.c): both ends agree only with the keys
 * each registered; every message is padded to its fixed size; a message altered,
 * replayed, reordered, truncated or after the final one does not open; the safety number
 * is the same at both ends and changes with either key. */
#include <nakodo/blind_channel.h>
#include <nakodo/seal.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <stdlib.h>

struct ends {
	struct nk_party_key *key[3];	/* claimant, payer, a stranger */
	struct nk_identity id[3];
	struct nk_blind_channel *ch[2];
};

static void make_keys(struct ends *e)
{
	for (int i = 0; i < 3; i++) {
		assert_int_equal(nk_party_key_generate(&e->key[i], NULL), NK_OK);
		nk_party_key_identity(e->key[i], &e->id[i]);
	}
}

static void open_ends(struct ends *e)
{
	uint8_t hello[2][NK_CHANNEL_HELLO_BYTES], header[2][NK_CHANNEL_HEADER_BYTES];

	for (int r = 0; r < 2; r++)
		assert_int_equal(nk_channel_new(e->key[r], "case1", (enum nk_role)r, hello[r],
						&e->ch[r], NULL), NK_OK);
	for (int r = 0; r < 2; r++)
		assert_int_equal(nk_channel_accept(e->ch[r], &e->id[!r], hello[!r], header[r], NULL),
				 NK_OK);
	for (int r = 0; r < 2; r++)
		assert_int_equal(nk_channel_start(e->ch[r], header[!r], NULL), NK_OK);
}

static void close_ends(struct ends *e)
{
	for (int i = 0; i < 3; i++)
		nk_party_key_free(e->key[i]);
	for (int r = 0; r < 2; r++)
		nk_channel_free(e->ch[r]);
}

static void messages_pass_padded_both_ways(void **state)
{
	struct ends e = { 0 };
	uint8_t sealed[256], got[64];
	size_t n = 0, m = 0;
	bool last = true;

	(void)state;
	make_keys(&e);
	open_ends(&e);
	for (int r = 0; r < 2; r++) {
		const char *text = r ? "from the payer" : "x";

		assert_int_equal(nk_channel_seal(e.ch[r], (const uint8_t *)text, strlen(text), 100,
						 false, sealed, sizeof(sealed), &n, NULL), NK_OK);
		assert_int_equal(n, 100 + NK_CHANNEL_OVERHEAD);	/* the length does not show */
		assert_int_equal(nk_channel_open(e.ch[!r], sealed, n, got, sizeof(got), &m, &last,
						 NULL), NK_OK);
		assert_int_equal(m, strlen(text));
		assert_memory_equal(got, text, m);
		assert_false(last);
	}
	close_ends(&e);
}

static void altered_replayed_reordered_truncated_do_not_open(void **state)
{
	struct ends e = { 0 };
	uint8_t a[128], b[128], c[128], got[64];
	size_t na = 0, nb = 0, nc = 0, m = 0;
	bool last = false;
	struct nk_error err = { 0 };

	(void)state;
	make_keys(&e);
	open_ends(&e);
	assert_int_equal(nk_channel_seal(e.ch[0], (const uint8_t *)"one", 3, 32, false, a,
					 sizeof(a), &na, NULL), NK_OK);
	assert_int_equal(nk_channel_seal(e.ch[0], (const uint8_t *)"two", 3, 32, false, b,
					 sizeof(b), &nb, NULL), NK_OK);
	assert_int_equal(nk_channel_seal(e.ch[0], (const uint8_t *)"end", 3, 32, true, c,
					 sizeof(c), &nc, NULL), NK_OK);
	/* reordered: the second first */
	assert_int_equal(nk_channel_open(e.ch[1], b, nb, got, sizeof(got), &m, &last, &err),
			 NK_ECRYPTO);
	assert_string_equal(err.field, "message");
	/* truncated */
	assert_int_equal(nk_channel_open(e.ch[1], a, na - 1, got, sizeof(got), &m, &last, NULL),
			 NK_ECRYPTO);
	/* altered */
	a[5] ^= 1;
	assert_int_equal(nk_channel_open(e.ch[1], a, na, got, sizeof(got), &m, &last, NULL),
			 NK_ECRYPTO);
	a[5] ^= 1;
	assert_int_equal(nk_channel_open(e.ch[1], a, na, got, sizeof(got), &m, &last, NULL), NK_OK);
	/* replayed */
	assert_int_equal(nk_channel_open(e.ch[1], a, na, got, sizeof(got), &m, &last, NULL),
			 NK_ECRYPTO);
	assert_int_equal(nk_channel_open(e.ch[1], b, nb, got, sizeof(got), &m, &last, NULL), NK_OK);
	assert_int_equal(nk_channel_open(e.ch[1], c, nc, got, sizeof(got), &m, &last, NULL), NK_OK);
	assert_true(last);
	/* nothing after the final message */
	assert_int_equal(nk_channel_open(e.ch[1], c, nc, got, sizeof(got), &m, &last, NULL),
			 NK_ECRYPTO);
	close_ends(&e);
}

static void a_hello_not_signed_by_the_registered_key_is_refused(void **state)
{
	struct ends e = { 0 };
	uint8_t hello[2][NK_CHANNEL_HELLO_BYTES], header[NK_CHANNEL_HEADER_BYTES];
	struct nk_blind_channel *other = NULL;
	struct nk_error err = { 0 };

	(void)state;
	make_keys(&e);
	/* a stranger (say the operator, in the middle) answers as the payer */
	assert_int_equal(nk_channel_new(e.key[0], "case1", NK_CLAIMANT, hello[0], &e.ch[0], NULL),
			 NK_OK);
	assert_int_equal(nk_channel_new(e.key[2], "case1", NK_PAYER, hello[1], &e.ch[1], NULL),
			 NK_OK);
	assert_int_equal(nk_channel_accept(e.ch[0], &e.id[1], hello[1], header, &err), NK_EAUTH);
	assert_string_equal(err.field, "hello");
	/* the payer's own hello, for another case, or as the other role */
	assert_int_equal(nk_channel_new(e.key[1], "case2", NK_PAYER, hello[1], &other, NULL), NK_OK);
	assert_int_equal(nk_channel_accept(e.ch[0], &e.id[1], hello[1], header, NULL), NK_EAUTH);
	nk_channel_free(other);
	assert_int_equal(nk_channel_new(e.key[1], "case1", NK_CLAIMANT, hello[1], &other, NULL),
			 NK_OK);
	assert_int_equal(nk_channel_accept(e.ch[0], &e.id[1], hello[1], header, NULL), NK_EAUTH);
	nk_channel_free(other);
	close_ends(&e);
}

static void the_safety_number_binds_both_keys_and_the_case(void **state)
{
	struct ends e = { 0 };
	char a[NK_CHANNEL_SAFETY_MAX], b[NK_CHANNEL_SAFETY_MAX];

	(void)state;
	make_keys(&e);
	nk_channel_safety_number("case1", &e.id[0], &e.id[1], a);
	nk_channel_safety_number("case1", &e.id[0], &e.id[1], b);
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), 6 * 5 + 5);
	nk_channel_safety_number("case1", &e.id[0], &e.id[2], b);
	assert_string_not_equal(a, b);
	nk_channel_safety_number("case2", &e.id[0], &e.id[1], b);
	assert_string_not_equal(a, b);
	close_ends(&e);
}

/* The payer answered a hello of a stopped run of the claimant's, then the claimant's new
 * run: the payer's same end answers the new hello, and only that stream opens at the
 * claimant's; once a stream has started, no other hello is answered. */
static void a_new_hello_is_answered_again_until_the_stream_starts(void **state)
{
	struct ends e = { 0 };
	struct nk_blind_channel *stopped = NULL;
	uint8_t hello[3][NK_CHANNEL_HELLO_BYTES], header[3][NK_CHANNEL_HEADER_BYTES];
	uint8_t sealed[128], got[16];
	size_t n = 0, m = 0;
	bool last = false;

	(void)state;
	make_keys(&e);
	assert_int_equal(nk_channel_new(e.key[0], "case1", NK_CLAIMANT, hello[2], &stopped, NULL),
			 NK_OK);
	for (int r = 0; r < 2; r++)
		assert_int_equal(nk_channel_new(e.key[r], "case1", (enum nk_role)r, hello[r],
						&e.ch[r], NULL), NK_OK);
	/* the payer answers the stopped run's hello, and seals on that stream */
	assert_int_equal(nk_channel_accept(e.ch[1], &e.id[0], hello[2], header[2], NULL), NK_OK);
	assert_int_equal(nk_channel_seal(e.ch[1], (const uint8_t *)"old", 3, 8, false, sealed,
					 sizeof(sealed), &n, NULL), NK_OK);
	assert_int_equal(nk_channel_accept(e.ch[0], &e.id[1], hello[1], header[0], NULL), NK_OK);
	assert_int_equal(nk_channel_start(e.ch[0], header[2], NULL), NK_OK);
	assert_int_equal(nk_channel_open(e.ch[0], sealed, n, got, sizeof(got), &m, &last, NULL),
			 NK_ECRYPTO);	/* not the claimant's stream: the claimant must skip it */
	nk_channel_free(e.ch[0]);
	assert_int_equal(nk_channel_new(e.key[0], "case1", NK_CLAIMANT, hello[0], &e.ch[0], NULL),
			 NK_OK);
	/* the payer's same end answers the new hello; the claimant answers the payer's */
	assert_int_equal(nk_channel_accept(e.ch[1], &e.id[0], hello[0], header[1], NULL), NK_OK);
	assert_int_equal(nk_channel_accept(e.ch[0], &e.id[1], hello[1], header[0], NULL), NK_OK);
	for (int r = 0; r < 2; r++)
		assert_int_equal(nk_channel_start(e.ch[r], header[!r], NULL), NK_OK);
	assert_int_equal(nk_channel_seal(e.ch[1], (const uint8_t *)"new", 3, 8, false, sealed,
					 sizeof(sealed), &n, NULL), NK_OK);
	assert_int_equal(nk_channel_open(e.ch[0], sealed, n, got, sizeof(got), &m, &last, NULL),
			 NK_OK);
	assert_memory_equal(got, "new", 3);
	assert_int_equal(nk_channel_accept(e.ch[1], &e.id[0], hello[2], header[1], NULL),
			 NK_EINVAL);	/* started: no other hello now */
	nk_channel_free(stopped);
	close_ends(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(messages_pass_padded_both_ways),
		cmocka_unit_test(altered_replayed_reordered_truncated_do_not_open),
		cmocka_unit_test(a_hello_not_signed_by_the_registered_key_is_refused),
		cmocka_unit_test(the_safety_number_binds_both_keys_and_the_case),
		cmocka_unit_test(a_new_hello_is_answered_again_until_the_stream_starts),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
