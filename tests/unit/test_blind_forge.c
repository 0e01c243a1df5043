/* A blind case's state file (src/cli/blind_file.c, src/crypto/blind_state.c) accepts only
 * copies its own side's secret key made for this case, role and copy slot. A state sealed
 * to the side's public key alone (what crypto_box_seal needs: anyone who knows the key's
 * identity can seal) is refused: here a forger who knows the layout seals a state of its
 * choosing with a generation far ahead, as a local user or a copied-in file could. A copy
 * moved to the other slot, or copied in from another case under the same key, is refused
 * too; the refusal names the state and the reason. */
#include <nakodo/bargain.h>
#include <nakodo/blind.h>
#include <nakodo/keys.h>
#include "../src/cli/blind_file.h"
#include "crypto/blind_proto.h"
#include "blind_pair.h"

#include <sodium.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

struct fixture {
	char dir[64], key_path[256];
	struct nk_party_key *key;
	struct nk_brief *b;
	struct pair x;
	struct blind_file f;
};

static void fixture_open(struct fixture *t, const char *case_id)
{
	uint8_t sid[NK_BLIND_SESSION_BYTES];
	struct nk_rules r;

	memset(t, 0, sizeof(*t));
	snprintf(t->dir, sizeof(t->dir), "/tmp/nakodo-blind-forge-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->key_path, sizeof(t->key_path), "%s/claimant.nkey", t->dir);
	assert_int_equal(nk_party_key_generate(&t->key, NULL), NK_OK);
	nk_rules_default(&r, nk_currency_find("USD"));
	r.range_low = 0;
	r.range_high = 100000;
	r.rounds = 2;
	assert_non_null(t->b = calloc(1, sizeof(*t->b)));
	snprintf(t->b->case_id, sizeof(t->b->case_id), "%s", case_id);
	t->b->rules = r;
	t->b->role = NK_CLAIMANT;
	nk_party_key_identity(t->key, &t->b->identity[NK_CLAIMANT]);
	nk_party_key_identity(t->key, &t->b->identity[NK_PAYER]);
	cli_blind_session_id(t->b, sid);
	assert_int_equal(pair_open(&t->x, &r, 3), NK_OK);
	memcpy(t->x.c->sid, sid, sizeof(sid));
}

static void fixture_close(struct fixture *t)
{
	char lock[sizeof(t->f.path) + 8];

	snprintf(lock, sizeof(lock), "%s.lock", t->f.path);
	unlink(lock);
	unlink(t->f.path);
	rmdir(t->dir);
	pair_close(&t->x);
	nk_party_key_free(t->key);
	free(t->b);
}

static void put(const char *path, long at, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path, "r+b");

	assert_non_null(f);
	assert_int_equal(fseek(f, at, SEEK_SET), 0);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static uint8_t *get(const char *path, long at, size_t len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = malloc(len);

	assert_non_null(f);
	assert_non_null(data);
	assert_int_equal(fseek(f, at, SEEK_SET), 0);
	assert_int_equal(fread(data, 1, len, f), len);
	fclose(f);
	return data;
}

/* The forger's copy: the side's state as laid out in the clear, with the generation it
 * chooses, sealed with the public key alone. */
static void forge(struct fixture *t, int slot, uint64_t generation)
{
	struct nk_identity pub;
	uint8_t *plain = NULL, *sealed;
	size_t len = 0;

	assert_int_equal(blind_state_plain(t->x.c, generation, &plain, &len, NULL), NK_OK);
	assert_int_equal(len + crypto_box_SEALBYTES, t->f.copy);	/* the size it expects */
	assert_non_null(sealed = malloc(t->f.copy));
	nk_party_key_identity(t->key, &pub);
	assert_int_equal(crypto_box_seal(sealed, plain, len, pub.seal), 0);
	put(t->f.path, (long)((size_t)slot * t->f.slot), sealed, t->f.copy);
	sodium_free(plain);
	free(sealed);
}

static void sealed_to_public_key(void **state)
{
	struct nk_blind_party *p = NULL;
	struct nk_error err = { 0 };
	struct blind_file g;
	struct fixture t;

	(void)state;
	fixture_open(&t, "case-blind-forge");
	assert_int_equal(blind_file_open(&t.f, t.b, t.key, t.key_path, false, &p, &err),
			 NK_ENOTFOUND);
	assert_int_equal(blind_file_save(&t.f, t.x.c, &err), NK_OK);	/* copy 0, gen 1 */
	forge(&t, 1, 1000);
	assert_int_equal(blind_file_open(&g, t.b, t.key, t.key_path, false, &p, &err), NK_OK);
	assert_int_equal(g.generation, 1);	/* the forged copy was not taken */
	assert_int_equal(g.newer, 0);
	nk_blind_free(p);
	/* both copies forged: refused, naming the state and why */
	forge(&t, 0, 1001);
	assert_int_equal(blind_file_open(&g, t.b, t.key, t.key_path, false, &p, &err),
			 NK_ECRYPTO);
	assert_null(p);
	assert_string_equal(err.field, "state");
	assert_non_null(strstr(err.text, "not made by this key"));
	fixture_close(&t);
}

static void moved_or_copied_in(void **state)
{
	struct nk_blind_party *p = NULL;
	struct nk_error err = { 0 };
	struct blind_file g;
	struct fixture t, u;
	uint8_t *copy0, *other;

	(void)state;
	fixture_open(&t, "case-blind-forge-a");
	assert_int_equal(blind_file_open(&t.f, t.b, t.key, t.key_path, false, &p, &err),
			 NK_ENOTFOUND);
	assert_int_equal(blind_file_save(&t.f, t.x.c, &err), NK_OK);	/* copy 0, gen 1 */
	assert_int_equal(blind_file_save(&t.f, t.x.c, &err), NK_OK);	/* copy 1, gen 2 */
	/* copy 1 (generation 2) written over copy 0 too: the moved copy is refused, so the
	 * state is copy 1 alone */
	copy0 = get(t.f.path, (long)t.f.slot, t.f.copy);
	put(t.f.path, 0, copy0, t.f.copy);
	free(copy0);
	assert_int_equal(blind_file_open(&g, t.b, t.key, t.key_path, false, &p, &err), NK_OK);
	assert_int_equal(g.newer, 1);
	assert_int_equal(g.generation, 2);
	nk_blind_free(p);

	/* another case's state under the same key (its session differs), copied in over
	 * both copies: refused */
	fixture_open(&u, "case-blind-forge-b");
	assert_int_equal(blind_file_open(&u.f, u.b, t.key, u.key_path, false, &p, &err),
			 NK_ENOTFOUND);
	assert_int_equal(blind_file_save(&u.f, u.x.c, &err), NK_OK);
	assert_int_equal(blind_file_save(&u.f, u.x.c, &err), NK_OK);
	other = get(u.f.path, 0, 2 * u.f.slot);
	put(t.f.path, 0, other, 2 * t.f.slot);
	free(other);
	assert_int_equal(blind_file_open(&g, t.b, t.key, t.key_path, false, &p, &err),
			 NK_ECRYPTO);
	assert_null(p);
	assert_string_equal(err.field, "state");
	fixture_close(&u);
	fixture_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sealed_to_public_key),
		cmocka_unit_test(moved_or_copied_in),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
