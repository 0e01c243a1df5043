/* A blind case's state file (src/cli/blind_file.c): made once with room for two copies,
 * each later save overwriting the older copy in place (the same file, not a new one
 * renamed over it); the newer copy that opens is the state, so a copy cut short by a
 * crash leaves the one before it; both damaged, or a file of another size, is refused.
 * Each copy has a slot of whole 4 KiB pages (a write of one never touches the other's
 * pages), and a run's lock keeps a second run of the same side out. */
#include <nakodo/bargain.h>
#include <nakodo/blind.h>
#include <nakodo/keys.h>
#include "../src/cli/blind_file.h"
#include "blind_pair.h"

#include <sodium.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

static void flip(const char *path, long at)
{
	FILE *f = fopen(path, "r+b");
	int c;

	assert_non_null(f);
	assert_int_equal(fseek(f, at, SEEK_SET), 0);
	c = fgetc(f);
	assert_int_equal(fseek(f, at, SEEK_SET), 0);
	fputc(c ^ 0x40, f);
	fclose(f);
}

static void two_copies(void **state)
{
	char dir[] = "/tmp/nakodo-blind-file-XXXXXX", key_path[256];
	struct nk_party_key *key = NULL;
	struct nk_blind_party *p = NULL;
	struct nk_error err = { 0 };
	struct blind_file f, g;
	struct nk_brief *b = calloc(1, sizeof(*b));
	struct nk_rules r;
	struct pair x;
	struct stat st1, st2;
	uint8_t sid[NK_BLIND_SESSION_BYTES];

	(void)state;
	assert_non_null(b);
	assert_non_null(mkdtemp(dir));
	snprintf(key_path, sizeof(key_path), "%s/claimant.nkey", dir);
	assert_int_equal(nk_party_key_generate(&key, NULL), NK_OK);
	nk_rules_default(&r, nk_currency_find("USD"));
	r.range_low = 0;
	r.range_high = 100000;
	r.rounds = 2;
	snprintf(b->case_id, sizeof(b->case_id), "case-blind-file");
	b->rules = r;
	b->role = NK_CLAIMANT;
	nk_party_key_identity(key, &b->identity[NK_CLAIMANT]);
	nk_party_key_identity(key, &b->identity[NK_PAYER]);
	cli_blind_session_id(b, sid);
	/* the pair's parties use a session id of one repeated byte: the claimant's is made
	 * again under this case's, as the client makes it */
	assert_int_equal(pair_open(&x, &r, 3), NK_OK);
	memcpy(x.c->sid, sid, sizeof(sid));

	assert_int_equal(blind_file_open(&f, b, key, key_path, true, &p, &err), NK_ENOTFOUND);
	/* a second run of the same side while the first holds the lock: refused */
	assert_int_equal(blind_file_open(&g, b, key, key_path, true, &p, &err), NK_EREFUSED);
	assert_string_equal(err.field, "state");
	assert_int_equal(g.lock, -1);
	assert_int_equal(blind_file_save(&f, x.c, &err), NK_OK);
	assert_int_equal(stat(f.path, &st1), 0);
	assert_int_equal(f.slot % 4096, 0);
	assert_true(f.slot >= f.copy && f.slot < f.copy + 4096);
	assert_int_equal(f.copy, nk_blind_saved_bytes(&r));
	assert_int_equal((size_t)st1.st_size, 2 * f.slot);
	assert_int_equal(blind_file_save(&f, x.c, &err), NK_OK);
	assert_int_equal(blind_file_save(&f, x.c, &err), NK_OK);
	assert_int_equal(stat(f.path, &st2), 0);
	assert_int_equal(st1.st_ino, st2.st_ino);	/* overwritten in place, not replaced */
	assert_int_equal(st2.st_size, st1.st_size);
	blind_file_unlock(&f);
	assert_int_equal(blind_file_open(&g, b, key, key_path, true, &p, &err), NK_OK);
	nk_blind_free(p);
	blind_file_unlock(&g);

	assert_int_equal(blind_file_open(&g, b, key, key_path, false, &p, &err), NK_OK);
	assert_int_equal(g.generation, 3);
	assert_int_equal(g.newer, 0);	/* copies 0, 1, then 0 again */
	nk_blind_free(p);
	/* the newer copy cut short by a crash: the one before it stands */
	flip(f.path, (long)(g.copy / 2));
	assert_int_equal(blind_file_open(&g, b, key, key_path, false, &p, &err), NK_OK);
	assert_int_equal(g.generation, 2);
	assert_int_equal(g.newer, 1);
	nk_blind_free(p);
	/* the next save overwrites the damaged copy, and is read */
	assert_int_equal(blind_file_save(&g, x.c, &err), NK_OK);
	assert_int_equal(blind_file_open(&g, b, key, key_path, false, &p, &err), NK_OK);
	assert_int_equal(g.generation, 3);
	nk_blind_free(p);
	/* both damaged: refused, naming the state */
	flip(f.path, (long)(g.copy / 2));
	flip(f.path, (long)(g.slot + g.copy / 2));
	assert_int_not_equal(blind_file_open(&g, b, key, key_path, false, &p, &err), NK_OK);
	assert_null(p);
	assert_string_equal(err.field, "state");
	/* a file of another size (an earlier build's): refused */
	assert_int_equal(truncate(f.path, (off_t)g.copy), 0);
	assert_int_equal(blind_file_open(&g, b, key, key_path, false, &p, &err), NK_ECORRUPT);
	assert_null(p);

	unlink(f.path);
	{
		char lock[sizeof(f.path) + 8];

		snprintf(lock, sizeof(lock), "%s.lock", f.path);
		unlink(lock);
	}
	rmdir(dir);
	pair_close(&x);
	nk_party_key_free(key);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(two_copies),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
