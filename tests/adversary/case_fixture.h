/* The failure loops' shared fixture (case_fixture.c): a world made once, a fresh case in
 * a fresh store per try, the operations tried, and snapshots to compare. */
#ifndef NAKODO_TESTS_CASE_FIXTURE_H
#define NAKODO_TESTS_CASE_FIXTURE_H

#include <nakodo/case.h>
#include "../fake_env.h"
#include <nakodo/package_case.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define M(x) ((int64_t)(x) * 100000000)	/* US$ million in cents */

/* What every try shares: keys made once, so that each fresh case is the same case. */
struct world {
	struct nk_server_key *signer;
	struct nk_party_key *key[NK_ROLE_COUNT];
	struct nk_identity idn[NK_ROLE_COUNT];
	struct nk_package_valuation *korea, *japan;	/* sodium_malloc */
	uint8_t *letter, *deposit[2];	/* sealed once for the deterministic case id */
	size_t letter_len, deposit_len[2];
	char dir[64];
};

struct fixture {
	const struct world *w;
	char db[128];
	struct nk_store *store;
	struct nk_case_env env;
	struct fake_env fake;	/* the clock and random source of env */
	char id[NK_CASE_ID_MAX];
	bool package;
	struct nk_request_auth auth;	/* the operation's signature, made at set-up */
	uint8_t join_sig[NK_SIGNATURE_BYTES];
};

struct op {
	const char *name;
	bool package;
	bool ends_case;
	void (*setup)(struct fixture *f);
	enum nk_status (*run)(struct fixture *f, struct nk_error *err);
};

/* The operations, each on a case set up for it: two submissions that complete a round
 * with hints, one that settles, a join, a sealed message, a deposit that releases both,
 * a package round, a mediator's proposal and the answer that settles by it. */
extern const struct op case_ops[];
extern const size_t case_op_count;

/* The rules of the cases of figures: two rounds, hints at 10% and 25%, a declared range
 * and one mediator's proposal. */
void hint_rules(struct nk_rules *r);

/* Opens a case of figures with hints, of `rounds` rounds, into f->id. */
void open_case(struct fixture *f, int rounds);

/* A new store (sqlite in the world's directory, else mem:) holding op's set-up. */
void fresh(const struct world *w, const struct op *op, bool sqlite, struct fixture *f);

/* Removes the world's database and the files beside it. */
void remove_db(const char *dir);

/* The log, every briefing and both inboxes as text (to free), read through the
 * fixture's store, or (snapshot_fresh) through a connection of its own on the same file
 * (on mem: the fixture's). */
char *snapshot(struct fixture *f);
char *snapshot_fresh(struct fixture *f);

/* Prints the first line where a and b differ. */
void print_difference(const char *a, const char *b);

/* The number in the environment variable name, or otherwise. */
long env_number(const char *name, long otherwise);

/* cmocka group set-up and tear-down: *state becomes the world. */
int case_world_setup(void **state);
int case_world_teardown(void **state);

#endif
