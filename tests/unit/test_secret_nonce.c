/* The nonces of values sealed at rest (store/secret.c), drawn from a pool of random
 * bytes per thread: never one twice, not across many pools' worth of seals, nor between
 * a process and a child forked while its pool was half used (the child would otherwise
 * hand out the very nonces its parent is about to), and every sealed value still opens. */
#include <nakodo/store.h>
#include "store/store_impl.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#define SEALS 200	/* some twelve pools */

static struct nk_store *open_store(void)
{
	struct nk_store *st = NULL;

	assert_true(sodium_init() >= 0);
	assert_int_equal(nk_store_open(&st, "mem:", NK_STORE_CREATE, NULL), NK_OK);
	assert_int_equal(nk_store_begin(st, NULL), NK_OK);
	assert_int_equal(nk_store_case_create(st, "c1", NULL), NK_OK);
	assert_int_equal(nk_store_commit(st, NULL), NK_OK);
	return st;
}

/* Seals value under name and returns the nonce it was sealed with. */
static void seal(struct nk_store *st, const char *name, uint8_t nonce[crypto_secretbox_NONCEBYTES])
{
	uint8_t sealed[STORE_SEALED_MAX], value[8] = "figure!", back[8];
	size_t len = 0;

	assert_int_equal(nk_store_begin(st, NULL), NK_OK);
	assert_int_equal(nk_store_secret_put(st, "c1", name, value, sizeof(value), NULL), NK_OK);
	assert_int_equal(nk_store_commit(st, NULL), NK_OK);
	assert_int_equal(st->ops->secret_get(st->backend, "c1", name, sealed, &len, NULL), NK_OK);
	assert_int_equal(len, STORE_SEAL_OVERHEAD + sizeof(value));
	memcpy(nonce, sealed + 1, crypto_secretbox_NONCEBYTES);
	assert_int_equal(nk_store_secret_get(st, "c1", name, back, sizeof(back), &len, NULL),
			 NK_OK);
	assert_int_equal(len, sizeof(value));
	assert_memory_equal(back, value, sizeof(value));
}

static void no_nonce_twice(void **state)
{
	static uint8_t seen[SEALS][crypto_secretbox_NONCEBYTES];
	struct nk_store *st = open_store();

	(void)state;
	for (int i = 0; i < SEALS; i++) {
		seal(st, "limit", seen[i]);	/* one key: the same case and name */
		for (int j = 0; j < i; j++)
			assert_memory_not_equal(seen[i], seen[j], crypto_secretbox_NONCEBYTES);
	}
	nk_store_close(st);
}

/* A child forked with the pool part used seals with other nonces than its parent. */
static void a_fork_draws_afresh(void **state)
{
	struct nk_store *st = open_store();
	uint8_t first[crypto_secretbox_NONCEBYTES], mine[3][crypto_secretbox_NONCEBYTES];
	uint8_t theirs[3][crypto_secretbox_NONCEBYTES];
	int fds[2], status = 0;
	pid_t child;

	(void)state;
	seal(st, "limit", first);	/* the pool drawn, one nonce of it taken */
	assert_int_equal(pipe(fds), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		uint8_t got[3][crypto_secretbox_NONCEBYTES];
		uint8_t sealed[STORE_SEALED_MAX], value[8] = "figure!";
		size_t len = 0;
		bool ok = true;

		/* no cmocka in the child: what it seals goes to the parent by the pipe */
		for (int i = 0; i < 3 && ok; i++) {
			ok = nk_store_begin(st, NULL) == NK_OK &&
			     nk_store_secret_put(st, "c1", "limit", value, sizeof(value),
						 NULL) == NK_OK &&
			     nk_store_commit(st, NULL) == NK_OK &&
			     st->ops->secret_get(st->backend, "c1", "limit", sealed, &len,
						 NULL) == NK_OK;
			memcpy(got[i], sealed + 1, crypto_secretbox_NONCEBYTES);
		}
		_exit(ok && write(fds[1], got, sizeof(got)) == (ssize_t)sizeof(got) ? 0 : 1);
	}
	close(fds[1]);
	for (int i = 0; i < 3; i++)
		seal(st, "limit", mine[i]);
	assert_int_equal(read(fds[0], theirs, sizeof(theirs)), (ssize_t)sizeof(theirs));
	close(fds[0]);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			assert_memory_not_equal(mine[i], theirs[j], crypto_secretbox_NONCEBYTES);
	nk_store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_nonce_twice),
		cmocka_unit_test(a_fork_draws_afresh),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
