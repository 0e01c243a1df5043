/* A local user on a party's machine against its blind state file (KEY.CASE.blind,
 * doc/blind.md, "A round run again"): the file holds the side's set-up (the claimant's
 * free-XOR offset, the base OTs' seeds, the secret its input labels come from), its
 * figures and the pins that hold the other side to one figure a round. It was sealed
 * with crypto_box_seal to the side's X25519 public key: secret, but not authenticated,
 * and that public key is in the case's `joined` event, so anyone (the operator, the other
 * party) could make a state that opens: one with a set-up of their own, whose offset and
 * label secret they know, or with the pins wiped. Whoever can replace the file (a local
 * user with write access to the key's directory) then reads the side's figure off the
 * circuit it garbles, or reruns a round with other figures. A state the side's own key
 * did not seal must not load. Fails on the code before it. */
#include <nakodo/bargain.h>
#include <nakodo/blind.h>
#include <nakodo/keys.h>
#include "crypto/blind_proto.h"
#include "crypto/party_key.h"
#include "../unit/blind_pair.h"

#include <sodium.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define TAG 33

static void a_state_sealed_with_the_public_key_alone_is_refused(void **state)
{
	struct nk_party_key *victim = NULL, *mine = NULL;
	struct nk_identity pub, own;
	struct nk_blind_party *side = NULL;
	uint8_t sid[NK_BLIND_SESSION_BYTES], *data = NULL, *plain, *forged;
	struct nk_rules r;
	struct pair x;
	size_t len = 0;

	(void)state;
	assert_true(sodium_init() >= 0);
	pair_hinted_rules(&r);
	memset(sid, TAG, sizeof(sid));	/* the session id is public: case and identities */
	assert_int_equal(nk_party_key_generate(&victim, NULL), NK_OK);
	assert_int_equal(nk_party_key_generate(&mine, NULL), NK_OK);
	nk_party_key_identity(victim, &pub);
	nk_party_key_identity(mine, &own);
	/* the attacker's own set-up for the victim's session, saved under its own key */
	assert_int_equal(pair_open(&x, &r, TAG), NK_OK);
	assert_int_equal(nk_blind_save(x.c, mine, 9, &data, &len, NULL), NK_OK);
	assert_int_equal(nk_blind_load(&r, NK_CLAIMANT, sid, mine, data, len, NULL, &side, NULL),
			 NK_OK);
	nk_blind_free(side);
	side = NULL;
	/* ... and made into the victim's file with nothing but the victim's public key, as
	 * far as the sealing goes (what else the file holds is the attacker's to choose) */
	plain = malloc(len);
	forged = malloc(len);
	assert_non_null(plain);
	assert_non_null(forged);
	if (crypto_box_seal_open(plain, data, len, own.seal, party_key_seal_secret(mine)) == 0) {
		assert_int_equal(crypto_box_seal(forged, plain, len - crypto_box_SEALBYTES,
						 pub.seal), 0);
		assert_int_not_equal(nk_blind_load(&r, NK_CLAIMANT, sid, victim, forged, len, NULL,
						   &side, NULL), NK_OK);
		assert_null(side);
	}
	/* however the state is sealed, the attacker's own file does not open for the victim */
	assert_int_not_equal(nk_blind_load(&r, NK_CLAIMANT, sid, victim, data, len, NULL, &side,
					   NULL), NK_OK);
	free(plain);
	free(forged);
	free(data);
	pair_close(&x);
	nk_party_key_free(victim);
	nk_party_key_free(mine);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_state_sealed_with_the_public_key_alone_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
